//! The connection layer under ingest, driven over raw sockets: pipelining, requests split across
//! writes, caps, `Connection: close`, proxies, the hand-over to hyper and axum for everything the
//! lean loop does not take, and shutdown with idle connections open.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(5);

/// One parsed response.
#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// A raw HTTP/1.1 connection that reads responses one at a time (pipelined ones included).
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    fn open(s: &TestServer) -> Conn {
        Self::open_url(&s.url)
    }

    fn open_url(url: &str) -> Conn {
        let stream = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Reads what arrives; false when the server closed the connection (end of stream or
    /// reset). A read that times out fails the test: the server neither answered nor closed.
    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("no answer and no close within {WAIT:?}")
            }
            Err(_) => false,
        }
    }

    /// The next response; `None` when the server closed the connection first.
    fn reply(&mut self) -> Option<Reply> {
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).to_string();
                let status = head[9..12].parse().unwrap();
                // Interim responses (100 Continue) carry no body.
                if status == 100 {
                    self.buf.drain(..end + 4);
                    continue;
                }
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().unwrap())
                    })
                    .expect("content-length");
                while self.buf.len() < end + 4 + len {
                    assert!(self.fill(), "connection closed inside a body");
                }
                let body = String::from_utf8_lossy(&self.buf[end + 4..end + 4 + len]).to_string();
                self.buf.drain(..end + 4 + len);
                return Some(Reply { status, head, body });
            }
            if !self.fill() {
                return None;
            }
        }
    }

    /// True when the server closed the connection (end of stream, nothing more to read).
    fn closed(&mut self) -> bool {
        self.buf.is_empty() && !self.fill()
    }
}

fn ingest_request(path: &str, body: &str, extra: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: bloop\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nX-Signature: {}\r\n{extra}\r\n{body}",
        body.len(),
        sign(SECRET, body.as_bytes())
    )
    .into_bytes()
}

fn batch(messages: &[&str]) -> String {
    format!(
        "{{\"events\":[{}]}}",
        messages
            .iter()
            .map(|m| event(m))
            .collect::<Vec<_>>()
            .join(",")
    )
}

#[test]
fn pipelined_requests_are_answered_in_order_on_one_connection() {
    let s = TestServer::start();
    let mut c = Conn::open(&s);
    let mut all = ingest_request("/v1/ingest", &event("p1"), "");
    all.extend(ingest_request("/v1/ingest", "{\"nope\":1}", ""));
    all.extend(ingest_request(
        "/v1/ingest/batch",
        &batch(&["p2", "p3"]),
        "",
    ));
    c.send(&all);
    let a = c.reply().unwrap();
    assert_eq!(
        (a.status, a.body.as_str()),
        (200, r#"{"status":"accepted"}"#)
    );
    assert!(
        a.head.contains("access-control-allow-origin: *"),
        "{}",
        a.head
    );
    let b = c.reply().unwrap();
    assert_eq!(b.status, 400, "{b:?}");
    assert!(b.body.contains("\"code\":\"missing_field\""), "{b:?}");
    let d = c.reply().unwrap();
    assert_eq!(
        (d.status, d.body.as_str()),
        (200, r#"{"accepted":2,"status":"accepted"}"#)
    );
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 3, WAIT), 3);
}

#[test]
fn a_request_split_across_many_writes_is_accepted() {
    let s = TestServer::start();
    let mut c = Conn::open(&s);
    let req = ingest_request("/v1/ingest", &event("in pieces"), "");
    for piece in req.chunks(17) {
        c.send(piece);
        c.stream.flush().unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    let r = c.reply().unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        s.wait_count(
            "SELECT count(*) FROM issues WHERE message = 'in pieces'",
            1,
            WAIT
        ),
        1
    );
}

#[test]
fn a_declared_body_over_the_cap_gets_413_and_the_connection_closes() {
    let s = TestServer::start_with(|c| c.ingest.max_payload_bytes = 1000);
    let mut c = Conn::open(&s);
    c.send(
        format!(
            "POST /v1/ingest HTTP/1.1\r\nHost: b\r\nContent-Length: 1001\r\nX-Signature: {}\r\n\r\n",
            "ab".repeat(32)
        )
        .as_bytes(),
    );
    let r = c.reply().unwrap();
    assert_eq!(r.status, 413, "{r:?}");
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["code"], "payload_too_large");
    assert_eq!(body["field"], "body");
    assert_eq!(body["limit"], 1000);
    assert!(r.head.contains("connection: close"), "{}", r.head);
    assert!(c.closed());
}

#[test]
fn connection_close_is_honoured() {
    let s = TestServer::start();
    let mut c = Conn::open(&s);
    c.send(&ingest_request(
        "/v1/ingest",
        &event("then close"),
        "Connection: close\r\n",
    ));
    let r = c.reply().unwrap();
    assert_eq!(r.status, 200);
    assert!(r.head.contains("connection: close"), "{}", r.head);
    assert!(c.closed());
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
}

#[test]
fn other_routes_on_the_same_connection_are_served_by_the_router() {
    let s = TestServer::start();
    let mut c = Conn::open(&s);
    c.send(&ingest_request("/v1/ingest", &event("first"), ""));
    let lean = c.reply().unwrap();
    assert_eq!(lean.status, 200);
    // The connection is handed to hyper here, with what was already read.
    c.send(b"GET /health HTTP/1.1\r\nHost: b\r\n\r\n");
    let h = c.reply().unwrap();
    assert_eq!(h.status, 200, "{h:?}");
    assert!(h.body.contains("\"db_ok\":true"), "{h:?}");
    // Ingest still works on it, now through axum, with the same answer: status, headers (the
    // date aside) and body.
    c.send(&ingest_request("/v1/ingest", &event("second"), ""));
    let r = c.reply().unwrap();
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"status":"accepted"}"#)
    );
    let headers = |head: &str| {
        let mut lines: Vec<String> = head
            .lines()
            .skip(1)
            .map(str::to_ascii_lowercase)
            .filter(|l| !l.starts_with("date:"))
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(headers(&r.head), headers(&lean.head));
    // Errors too: the same bad body through the router and through a fresh (lean) connection.
    c.send(&ingest_request("/v1/ingest", "{\"nope\":1}", ""));
    let routed = c.reply().unwrap();
    let mut fresh = Conn::open(&s);
    fresh.send(&ingest_request("/v1/ingest", "{\"nope\":1}", ""));
    let direct = fresh.reply().unwrap();
    assert_eq!(routed.status, 400, "{routed:?}");
    assert_eq!(
        (direct.status, headers(&direct.head), &direct.body),
        (routed.status, headers(&routed.head), &routed.body)
    );
    // A wrong method on an ingest path is the router's 405.
    c.send(b"GET /v1/ingest HTTP/1.1\r\nHost: b\r\n\r\n");
    assert_eq!(c.reply().unwrap().status, 405);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 2, WAIT), 2);
}

#[test]
fn chunked_bodies_expect_continue_and_http_1_0_are_served() {
    let s = TestServer::start();
    // Chunked.
    let body = event("chunked");
    let mut c = Conn::open(&s);
    let (a, b) = body.split_at(body.len() / 2);
    c.send(
        format!(
            "POST /v1/ingest HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\nX-Signature: {}\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
            sign(SECRET, body.as_bytes()),
            a.len(),
            b.len()
        )
        .as_bytes(),
    );
    let r = c.reply().unwrap();
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"status":"accepted"}"#)
    );
    // Expect: 100-continue (curl sends it for larger bodies): the body follows the 100.
    let body = batch(&["continued"]);
    let mut c = Conn::open(&s);
    c.send(
        format!(
            "POST /v1/ingest/batch HTTP/1.1\r\nHost: b\r\nContent-Length: {}\r\nExpect: 100-continue\r\nX-Signature: {}\r\n\r\n",
            body.len(),
            sign(SECRET, body.as_bytes())
        )
        .as_bytes(),
    );
    let mut interim = [0u8; 25];
    c.stream.read_exact(&mut interim).unwrap();
    assert!(interim.starts_with(b"HTTP/1.1 100 Continue"));
    c.send(body.as_bytes());
    let r = c.reply().unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    // HTTP/1.0.
    let body = event("old client");
    let mut c = Conn::open(&s);
    c.send(
        format!(
            "POST /v1/ingest HTTP/1.0\r\nContent-Length: {}\r\nX-Signature: {}\r\n\r\n{body}",
            body.len(),
            sign(SECRET, body.as_bytes())
        )
        .as_bytes(),
    );
    let r = c.reply().unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 3, WAIT), 3);
}

#[test]
fn clients_behind_a_trusted_proxy_have_their_own_rate() {
    let s = TestServer::start_with(|c| {
        c.server.trusted_proxies = vec!["127.0.0.1".into()];
        c.rate_limit.per_second = 1;
        c.rate_limit.burst_size = 1;
    });
    let mut c = Conn::open(&s);
    for (msg, client) in [
        ("a1", "203.0.113.1"),
        ("a2", "203.0.113.1"),
        ("b1", "203.0.113.2"),
    ] {
        c.send(&ingest_request(
            "/v1/ingest",
            &event(msg),
            &format!("X-Forwarded-For: {client}\r\n"),
        ));
        // Over the rate is still 200: the event is dropped and counted.
        assert_eq!(c.reply().unwrap().status, 200);
    }
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 2, WAIT), 2);
    let h = Http::new().get(&format!("{}/health", s.url));
    assert_eq!(h.body["dropped"]["rate_limited"], 1);
    let stored: Vec<String> = s
        .db()
        .prepare("SELECT message FROM issues ORDER BY message")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored, ["a1", "b1"]);
}

#[test]
fn shutdown_closes_idle_keep_alive_connections_and_keeps_their_events() {
    let s = TestServer::start_with(|c| c.server.shutdown_timeout_secs = 30);
    let mut lean = Conn::open(&s);
    lean.send(&ingest_request("/v1/ingest", &event("kept"), ""));
    assert_eq!(lean.reply().unwrap().status, 200);
    let mut routed = Conn::open(&s);
    routed.send(b"GET /health HTTP/1.1\r\nHost: b\r\n\r\n");
    assert_eq!(routed.reply().unwrap().status, 200);
    let started = Instant::now();
    let (_dir, db) = s.stop();
    // Idle connections do not hold the exit until the 30 s shutdown timeout.
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(lean.closed());
    assert!(routed.closed());
    assert_eq!(
        count(&open_db(&db), "SELECT count(*) FROM events WHERE id > 0"),
        1
    );
}

/// Sends `bytes` one at a time, `gap` apart, until the server closes the connection or `limit`
/// passes; returns when it closed (None: it never did).
fn drip_until_closed(
    c: &mut Conn,
    bytes: &[u8],
    gap: Duration,
    limit: Duration,
) -> Option<Duration> {
    let start = Instant::now();
    for b in bytes.iter().cycle() {
        if start.elapsed() > limit {
            return None;
        }
        if c.stream.write_all(&[*b]).is_err() {
            return Some(start.elapsed());
        }
        std::thread::sleep(gap);
    }
    None
}

#[test]
fn a_head_dripped_a_byte_at_a_time_is_cut_off_on_both_paths() {
    let s = TestServer::start_with(|c| c.server.request_timeout_secs = 1);
    // The lean loop: an ingest head that never completes.
    let mut lean = Conn::open(&s);
    let head = b"POST /v1/ingest HTTP/1.1\r\nHost: b\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let t = drip_until_closed(
        &mut lean,
        head,
        Duration::from_millis(100),
        Duration::from_secs(8),
    );
    assert!(t.is_some_and(|t| t < Duration::from_secs(4)), "lean: {t:?}");
    // After the hand-off to hyper: one request it serves, then a head that never completes.
    let mut routed = Conn::open(&s);
    routed.send(b"GET /health HTTP/1.1\r\nHost: b\r\n\r\n");
    assert_eq!(routed.reply().unwrap().status, 200);
    let head = b"GET /health HTTP/1.1\r\nHost: b\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let t = drip_until_closed(
        &mut routed,
        head,
        Duration::from_millis(100),
        Duration::from_secs(8),
    );
    assert!(
        t.is_some_and(|t| t < Duration::from_secs(4)),
        "routed: {t:?}"
    );
    // The server is fine meanwhile.
    let http = Http::new();
    assert_eq!(http.get(&format!("{}/health", s.url)).status, 200);
}

#[test]
fn idle_connections_are_closed_after_the_keep_alive_time() {
    let s = TestServer::start_with(|c| {
        c.server.keep_alive_secs = 1;
        c.server.request_timeout_secs = 5;
    });
    // Never sent a byte.
    let mut silent = Conn::open(&s);
    // Sent one ingest request, then went quiet.
    let mut lean = Conn::open(&s);
    lean.send(&ingest_request("/v1/ingest", &event("then quiet"), ""));
    assert_eq!(lean.reply().unwrap().status, 200);
    // Served by hyper, then quiet.
    let mut routed = Conn::open(&s);
    routed.send(b"GET /health HTTP/1.1\r\nHost: b\r\n\r\n");
    assert_eq!(routed.reply().unwrap().status, 200);
    let start = Instant::now();
    // `closed` fails the test on a read timeout (5 s), so each of these is a real close.
    assert!(silent.closed());
    assert!(lean.closed());
    assert!(routed.closed());
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
}

/// Past the connection cap, a new connection closes the longest-idle one, so a crowd of idle
/// sockets cannot lock out `/health`; with no idle one to close, the newcomer is closed at once
/// and counted.
#[test]
fn the_connection_cap_closes_idle_sockets_first_and_health_keeps_answering() {
    let s = TestServer::start_with(|c| {
        c.server.max_connections = Some(8);
        c.server.request_timeout_secs = 3;
    });
    let http = Http::new();
    let mut idle: Vec<Conn> = (0..20)
        .map(|_| {
            let c = Conn::open(&s);
            // Longer than the server waits before it lists a quiet connection as idle.
            std::thread::sleep(Duration::from_millis(80));
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let h = http.get(&format!("{}/health", s.url));
    assert_eq!(h.status, 200);
    assert!(
        h.body["connections"]["idle_closed"].as_u64().unwrap() >= 12,
        "{:?}",
        h.body
    );
    assert_eq!(h.body["connections"]["max"], 8);
    // The oldest idle sockets were the ones closed.
    assert!(idle[0].closed());
    // Now every slot busy with a head that is still arriving: the newcomer is closed at once.
    let mut busy: Vec<Conn> = (0..8)
        .map(|_| {
            let mut c = Conn::open(&s);
            c.send(b"POST /v1/ingest HTTP/1.1\r\nHost: b\r\n");
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut newcomer = Conn::open(&s);
    let t = Instant::now();
    assert!(newcomer.closed());
    assert!(t.elapsed() < Duration::from_secs(1));
    // The busy heads time out; then /health answers and shows the refusal.
    for c in &mut busy {
        assert!(c.closed());
    }
    let h = Http::new().get(&format!("{}/health", s.url));
    assert_eq!(h.status, 200);
    assert!(
        h.body["connections"]["refused"].as_u64().unwrap() >= 1,
        "{:?}",
        h.body
    );
    idle.clear();
}

/// The reproduction from outside: 300 idle sockets against a server limited to 256 open files.
#[test]
fn three_hundred_idle_sockets_under_a_256_descriptor_limit_do_not_lock_out_health() {
    let dir = tempfile::tempdir().unwrap();
    let p = ServeProcess::start_limited(&dir.path().join("bloop.db"), &[], Some(256));
    let url = p.url.clone();
    let idle: Vec<Conn> = (0..300).map(|_| Conn::open_url(&url)).collect();
    std::thread::sleep(Duration::from_millis(200));
    let http = Http::new();
    for _ in 0..5 {
        let h = http.get(&format!("{url}/health"));
        assert_eq!(h.status, 200, "{:?}", h.body);
        assert!(h.body["connections"]["max"].as_u64().unwrap() <= 256);
    }
    drop(idle);
}
