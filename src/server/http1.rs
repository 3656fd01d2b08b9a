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
//!
//! Every read is bounded: a request head must arrive within `server.request_timeout_secs` of
//! its first byte (hyper's `header_read_timeout` after a hand-off), a connection with no request
//! on it is closed after `server.keep_alive_secs`, and at most `server.max_connections` are open
//! at once ([`Connections`]): past that, a new connection closes the longest-idle one, or is
//! closed at once when none is idle, so a crowd of idle sockets cannot lock out `/health`.

use std::collections::BTreeMap;
use std::io::{self, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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
/// A connection quiet for longer than this between requests is listed as idle (one a new
/// connection may close at the cap). A busy keep-alive connection sends its next request
/// sooner, so the hot path never touches the list.
const IDLE_AFTER: Duration = Duration::from_millis(50);

/// The open connections: how many, the cap, and the idle ones (waiting for a request) that a
/// new connection may close when the cap is reached.
pub struct Connections {
    cap: usize,
    open: AtomicUsize,
    refused: AtomicU64,
    idle_closed: AtomicU64,
    next_idle: AtomicU64,
    /// Idle connections by when they became idle (oldest first), each with its close signal.
    idle: Mutex<BTreeMap<u64, CancellationToken>>,
}

/// Counts of [`Connections`], for `/health`.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ConnectionStats {
    pub open: usize,
    pub max: usize,
    /// New connections closed at once because every slot was busy.
    pub refused: u64,
    /// Idle connections closed to make room for a new one.
    pub idle_closed: u64,
}

/// A connection's place in [`Connections`]; freed when dropped.
pub struct Slot(Arc<Connections>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Connections {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self {
            cap: cap.max(1),
            open: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
            idle_closed: AtomicU64::new(0),
            next_idle: AtomicU64::new(0),
            idle: Mutex::new(BTreeMap::new()),
        })
    }

    pub fn stats(&self) -> ConnectionStats {
        ConnectionStats {
            open: self.open.load(Ordering::Acquire),
            max: self.cap,
            refused: self.refused.load(Ordering::Relaxed),
            idle_closed: self.idle_closed.load(Ordering::Relaxed),
        }
    }

    fn idle_list(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, CancellationToken>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A slot for a new connection: a free one, or the longest-idle connection's (told to
    /// close; it leaves within a moment, so the count may pass the cap by the connections
    /// closing). `None` when every slot is busy: the caller closes the new connection.
    pub fn admit(self: &Arc<Self>) -> Option<Slot> {
        let open = self.open.fetch_add(1, Ordering::AcqRel);
        if open < self.cap {
            return Some(Slot(self.clone()));
        }
        let oldest = self.idle_list().pop_first();
        match oldest {
            Some((_, close)) => {
                close.cancel();
                self.idle_closed.fetch_add(1, Ordering::Relaxed);
                Some(Slot(self.clone()))
            }
            None => {
                self.open.fetch_sub(1, Ordering::AcqRel);
                self.refused.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Lists a connection as idle until the guard is dropped; `close` is cancelled if a new
    /// connection needs its slot.
    fn idle(self: &Arc<Self>, close: CancellationToken) -> IdleGuard {
        let id = self.next_idle.fetch_add(1, Ordering::Relaxed);
        self.idle_list().insert(id, close);
        IdleGuard {
            conns: self.clone(),
            id,
        }
    }
}

struct IdleGuard {
    conns: Arc<Connections>,
    id: u64,
}

impl Drop for IdleGuard {
    fn drop(&mut self) {
        self.conns.idle_list().remove(&self.id);
    }
}

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
        let Some(slot) = state.connections.admit() else {
            // Every slot is busy with a request: closing at once is the cheapest answer.
            drop(stream);
            warn_refused(&state.connections);
            continue;
        };
        // One write per response: nothing for Nagle's algorithm to gather.
        let _ = stream.set_nodelay(true);
        let conn = connection(stream, peer, app.clone(), state.clone(), shutdown.clone());
        conns.spawn(async move {
            conn.await;
            drop(slot);
        });
    }
    drop(listener);
    conns.close();
    conns.wait().await;
}

/// Logs refused connections at most once a second.
fn warn_refused(conns: &Connections) {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = crate::store::now_ms() as u64;
    let last = LAST.load(Ordering::Relaxed);
    if now.saturating_sub(last) >= 1000
        && LAST
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        let s = conns.stats();
        tracing::warn!(
            open = s.open,
            max = s.max,
            refused = s.refused,
            "connection cap reached with no idle connection to close: closing new connections \
             (server.max_connections)"
        );
    }
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
            if !wait_for_request(&mut stream, &mut buf, &st, &shutdown).await {
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
    handoff(stream, buf, peer, app, &st, shutdown).await;
}

/// Between requests: waits up to `server.keep_alive_secs` for the next request's first bytes,
/// listed as idle after [`IDLE_AFTER`] (so a new connection may close this one at the cap).
/// False when the connection should close: end of stream, error, time up, shutdown, or evicted.
async fn wait_for_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    st: &AppState,
    shutdown: &CancellationToken,
) -> bool {
    let keep_alive = Duration::from_secs(st.config.server.keep_alive_secs);
    let got = |r: io::Result<usize>| matches!(r, Ok(n) if n > 0);
    // `read_buf` is cancel safe: a read that loses a race has consumed nothing.
    tokio::select! {
        r = stream.read_buf(buf) => return got(r),
        () = shutdown.cancelled() => return false,
        () = tokio::time::sleep(IDLE_AFTER.min(keep_alive)) => {}
    }
    let close = CancellationToken::new();
    let _idle = st.connections.idle(close.clone());
    tokio::select! {
        r = tokio::time::timeout(keep_alive.saturating_sub(IDLE_AFTER), stream.read_buf(buf)) => {
            matches!(r, Ok(Ok(n)) if n > 0)
        }
        () = shutdown.cancelled() => false,
        () = close.cancelled() => false,
    }
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
         access-control-allow-origin: *\r\n{}content-length: {}\r\ndate: ",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        super::headers::LEAN_BLOCK,
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
    st: &AppState,
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
    // hyper's head deadline also runs while it waits for the next request on a kept-alive
    // connection, so it bounds idle time there too.
    let head_deadline = st
        .request_timeout
        .min(Duration::from_secs(st.config.server.keep_alive_secs));
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(head_deadline)
        .serve_connection(io, service);
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
