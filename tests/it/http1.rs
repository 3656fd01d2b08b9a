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
        let stream = TcpStream::connect(s.url.trim_start_matches("http://")).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
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
