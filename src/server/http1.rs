//! Serving connections: the accept loop, a lean HTTP/1.1 loop for the two ingest endpoints, and
//! hyper + the axum router for everything else.
//!
//! Why a loop of our own: under single-event load, hyper, axum's routing and the tower layers
//! cost more CPU per request than the ingest work itself (signature, parse, fingerprint), and on a
//! small box that CPU is what limits how many events per second it takes (see the README's
//! Performance section for the A/B figures).
//!
//! The loop only takes the plain, common case: HTTP/1.1, `POST /v1/ingest` or
//! `/v1/ingest/batch`, one `Content-Length`, no `Transfer-Encoding`, no `Expect`, no upgrade.
//! It reads the body under the endpoint's cap and deadline and calls the same
//! [`ingest::handle`] as the axum handlers, so answers are the same bytes either way. The first
//! request it does not take (another route or method, HTTP/1.0, a chunked body, a head it cannot
//! parse) is handed with everything read so far to hyper and the router, which serve the rest of
//! that connection: off the hot path, behaviour is axum's.

use std::io::{self, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::Router;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::ingest::{self, Endpoint};
use super::AppState;

/// Headers the lean loop parses; a request with more goes to hyper (which allows 100).
const MAX_HEADERS: usize = 32;
/// A head still incomplete at this size goes to hyper, which answers it.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Read size, and the buffer a connection keeps between requests.
const READ_CHUNK: usize = 8 * 1024;
/// A connection's buffer grown past this (a large batch) is given back once it is empty.
const KEEP_BUFFER: usize = 64 * 1024;

/// Accepts connections until `shutdown` is cancelled, then waits for the open ones to finish
/// their request in flight and close.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    state: AppState,
    shutdown: CancellationToken,
) {
    let conns = TaskTracker::new();
    loop {
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => break,
            r = listener.accept() => match r {
                Ok(c) => c,
                // The client gave up before we took it: nothing to do.
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::error!(error = %e, "accepting a connection failed; retrying in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
        };
        // One write per response: nothing for Nagle's algorithm to gather.
        let _ = stream.set_nodelay(true);
        conns.spawn(connection(
            stream,
            peer,
            app.clone(),
            state.clone(),
            shutdown.clone(),
        ));
    }
    drop(listener);
    conns.close();
    conns.wait().await;
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// An ingest request head, as offsets into the connection's buffer.
struct Head {
    endpoint: Endpoint,
    head_len: usize,
    content_length: usize,
    signature: Option<(usize, usize)>,
    project_key: Option<(usize, usize)>,
    client_ip: IpAddr,
    close: bool,
}

enum Parsed {
    /// More bytes are needed.
    Partial,
    /// Not a request the lean loop takes.
    Other,
    Ingest(Head),
}

/// A header value as text, with the rule `HeaderValue::to_str` applies (visible ASCII and tab),
/// so both paths read the same headers.
fn header_str(v: &[u8]) -> Option<&str> {
    if v.iter().all(|&b| b == b'\t' || (0x20..0x7f).contains(&b)) {
        std::str::from_utf8(v).ok()
    } else {
        None
    }
}

fn offsets(buf: &[u8], v: &[u8]) -> (usize, usize) {
    let start = v.as_ptr() as usize - buf.as_ptr() as usize;
    (start, start + v.len())
}

fn parse_head(buf: &[u8], st: &AppState, peer: SocketAddr) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let head_len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD_BYTES => return Parsed::Partial,
        _ => return Parsed::Other,
    };
    if req.version != Some(1) || req.method != Some("POST") {
        return Parsed::Other;
    }
    let Some(endpoint) = req.path.and_then(|p| Endpoint::from_path(p.as_bytes())) else {
        return Parsed::Other;
    };
    let mut content_length = None;
    let mut signature = None;
    let mut project_key = None;
    let mut close = false;
    let mut forwarded = false;
    for h in req.headers.iter() {
        let name = h.name;
        if name.eq_ignore_ascii_case("content-length") {
            let v = h.value;
            if content_length.is_some()
                || v.is_empty()
                || v.len() > 18
                || !v.iter().all(u8::is_ascii_digit)
            {
                return Parsed::Other;
            }
            content_length = header_str(v).and_then(|s| s.parse::<usize>().ok());
        } else if name.eq_ignore_ascii_case("x-signature") {
            if signature.is_none() {
                signature = Some(offsets(buf, h.value));
            }
        } else if name.eq_ignore_ascii_case("x-project-key") {
            if project_key.is_none() {
                project_key = Some(offsets(buf, h.value));
            }
        } else if name.eq_ignore_ascii_case("connection") {
            for token in h.value.split(|&b| b == b',') {
                let token = token.trim_ascii();
                if token.eq_ignore_ascii_case(b"close") {
                    close = true;
                } else if token.eq_ignore_ascii_case(b"upgrade") {
                    return Parsed::Other;
                }
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            || name.eq_ignore_ascii_case("expect")
            || name.eq_ignore_ascii_case("upgrade")
        {
            return Parsed::Other;
        } else if name.eq_ignore_ascii_case("x-forwarded-for") {
            forwarded = true;
        }
    }
    let Some(content_length) = content_length else {
        return Parsed::Other;
    };
    let client_ip = if forwarded {
        st.limiter.client_ip_from(
            peer,
            req.headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("x-forwarded-for"))
                .filter_map(|h| header_str(h.value)),
        )
    } else {
        st.limiter.client_ip_from(peer, std::iter::empty())
    };
    Parsed::Ingest(Head {
        endpoint,
        head_len,
        content_length,
        signature,
        project_key,
        client_ip,
        close,
    })
}

/// Reads more bytes into `buf`. False at end of stream, on an error, or when `deadline` passed.
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>, deadline: Instant) -> bool {
    // Grow only when full: a body's exact reservation (below) is filled, not reallocated.
    if buf.len() == buf.capacity() {
        buf.reserve(READ_CHUNK);
    }
    matches!(
        tokio::time::timeout_at(deadline.into(), stream.read_buf(buf)).await,
        Ok(Ok(n)) if n > 0
    )
}

async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    st: AppState,
    shutdown: CancellationToken,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut out: Vec<u8> = Vec::with_capacity(512);
    // When the request being read began (its deadline is `request_timeout` later).
    let mut started = Instant::now();
    loop {
        if buf.is_empty() {
            if shutdown.is_cancelled() {
                return;
            }
            if buf.capacity() > KEEP_BUFFER {
                buf = Vec::with_capacity(READ_CHUNK);
            }
            // Idle between requests: wait for the next one, or for shutdown. No deadline here,
            // as with hyper: a keep-alive connection may stay open while quiet.
            let got = tokio::select! {
                r = stream.read_buf(&mut buf) => matches!(r, Ok(n) if n > 0),
                () = shutdown.cancelled() => false,
            };
            if !got {
                return;
            }
            started = Instant::now();
        }
        let deadline = started + st.request_timeout;
        let head = match parse_head(&buf, &st, peer) {
            Parsed::Ingest(head) => head,
            Parsed::Other => break,
            Parsed::Partial => {
                // A head that does not arrive in time: the connection is closed, like a
                // client that went away.
                if !read_more(&mut stream, &mut buf, deadline).await {
                    return;
                }
                continue;
            }
        };
        let limit = head.endpoint.body_limit(&st.config.ingest);
        if head.content_length > limit {
            let err = ingest::too_large(limit, Some(head.content_length as u64));
            // The body is not read, so the connection cannot carry another request.
            let _ = respond(&mut stream, &mut out, err.status, &err.body(), true).await;
            return;
        }
        let end = head.head_len + head.content_length;
        if buf.len() < end {
            buf.reserve(end - buf.len());
        }
        while buf.len() < end {
            if !read_more(&mut stream, &mut buf, deadline).await {
                if Instant::now() >= deadline {
                    let err = ingest::body_timeout();
                    let _ = respond(&mut stream, &mut out, err.status, &err.body(), true).await;
                }
                return;
            }
        }
        let text = |r: Option<(usize, usize)>| r.and_then(|(a, b)| header_str(&buf[a..b]));
        let req = ingest::Request {
            client_ip: head.client_ip,
            signature: text(head.signature),
            project_key: text(head.project_key),
            body: &buf[head.head_len..end],
        };
        let close = head.close || shutdown.is_cancelled();
        let sent = match ingest::handle(&st, head.endpoint, req).await {
            Ok(body) => respond(&mut stream, &mut out, StatusCode::OK, &body, close).await,
            Err(err) => respond(&mut stream, &mut out, err.status, &err.body(), close).await,
        };
        if sent.is_err() || close {
            return;
        }
        buf.drain(..end);
        started = Instant::now();
    }
    handoff(stream, buf, peer, app, shutdown).await;
}

/// Writes one response with the headers the axum route sends (its CORS layer's included).
async fn respond(
    stream: &mut TcpStream,
    out: &mut Vec<u8>,
    status: StatusCode,
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    out.clear();
    let _ = write!(
        out,
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\n\
         vary: origin, access-control-request-method, access-control-request-headers\r\n\
         access-control-allow-origin: *\r\ncontent-length: {}\r\ndate: ",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    http_date(out);
    out.extend_from_slice(if close {
        b"\r\nconnection: close\r\n\r\n"
    } else {
        b"\r\n\r\n"
    });
    out.extend_from_slice(body);
    stream.write_all(out).await
}

/// Appends the current time as an HTTP date, formatted at most once a second per thread.
fn http_date(out: &mut Vec<u8>) {
    use std::cell::RefCell;
    use std::time::{SystemTime, UNIX_EPOCH};
    thread_local! {
        static DATE: RefCell<(u64, String)> = const { RefCell::new((0, String::new())) };
    }
    let now = SystemTime::now();
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    DATE.with(|d| {
        let mut d = d.borrow_mut();
        if d.0 != secs || d.1.is_empty() {
            *d = (secs, httpdate::fmt_http_date(now));
        }
        out.extend_from_slice(d.1.as_bytes());
    });
}

/// Serves the rest of the connection with hyper and the router, replaying `read` first.
async fn handoff(
    stream: TcpStream,
    read: Vec<u8>,
    peer: SocketAddr,
    app: Router,
    shutdown: CancellationToken,
) {
    let io = hyper_util::rt::TokioIo::new(Replay {
        read,
        pos: 0,
        inner: stream,
    });
    let service =
        hyper::service::service_fn(move |mut req: axum::http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            tower::ServiceExt::oneshot(app.clone(), req)
        });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    tokio::pin!(conn);
    let result = tokio::select! {
        r = conn.as_mut() => r,
        () = shutdown.cancelled() => {
            // Finish the request in flight, then close.
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// A stream that first yields bytes already read from it.
struct Replay {
    read: Vec<u8>,
    pos: usize,
    inner: TcpStream,
}

impl AsyncRead for Replay {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.pos < this.read.len() {
            let n = (this.read.len() - this.pos).min(buf.remaining());
            buf.put_slice(&this.read[this.pos..this.pos + n]);
            this.pos += n;
            if this.pos == this.read.len() {
                this.read = Vec::new();
                this.pos = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Replay {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
