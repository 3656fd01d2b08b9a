//! The ingest wire contract through a real server: auth, caps, bad input, grouping, storage.

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::json;

use crate::common::*;

const WAIT: Duration = Duration::from_secs(5);

#[test]
fn signed_event_is_accepted_grouped_and_stored() {
    let s = TestServer::start();
    let http = Http::new();
    let a = json!({"timestamp": 1_700_000_000, "source": "api", "environment": "production", "release": "1.0.0",
                   "error_type": "DbError", "message": "Connection refused at 10.0.0.1:5432"});
    let b = json!({"timestamp": 1_700_000_000_123i64, "source": "api", "environment": "staging", "release": "1.0.1",
                   "error_type": "DbError", "message": "Connection refused at 192.168.1.2:3306"});
    for body in [&a, &b] {
        let r = http.post_signed(&format!("{}/v1/ingest", s.url), &body.to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body, json!({"status": "accepted"}));
    }
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 2, WAIT), 2);
    let db = s.db();
    assert_eq!(
        count(&db, "SELECT count(*) FROM issues"),
        1,
        "the two messages group together"
    );
    let (project, total, release, env): (String, i64, String, String) = db
        .query_row(
            "SELECT project_id, total_count, release, environment FROM issues",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((project.as_str(), total), ("default", 2));
    assert_eq!((release.as_str(), env.as_str()), ("1.0.1", "staging"));
    assert_eq!(count(&db, "SELECT count(*) FROM issue_releases"), 2);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT environment) FROM issue_slices"),
        2
    );
    assert_eq!(count(&db, "SELECT sum(count) FROM hourly_counts"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM samples"), 2);
    // Client timestamps are kept as sent, normalised to milliseconds.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM events WHERE timestamp IN (1700000000000, 1700000000123)"
        ),
        2
    );
    // Server time is what received_at holds.
    let now = bloop::store::now_ms();
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM events WHERE abs(received_at - {now}) < 60000")
        ),
        2
    );
}

#[test]
fn batch_is_accepted_whole_and_reports_the_count() {
    let s = TestServer::start();
    let http = Http::new();
    let events: Vec<_> = (0..50)
        .map(|i| {
            serde_json::from_str::<serde_json::Value>(&event(&format!("kind {i} boom"))).unwrap()
        })
        .collect();
    let body = json!({"events": events}).to_string();
    let r = http.post_signed(&format!("{}/v1/ingest/batch", s.url), &body);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"status": "accepted", "accepted": 50}));
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 50, WAIT), 50);
    // "kind <n> boom": numbers normalise, so one issue.
    assert_eq!(count(&s.db(), "SELECT total_count FROM issues"), 50);
}

#[test]
fn bad_signatures_are_refused_with_401_and_nothing_stored() {
    let s = TestServer::start();
    let http = Http::new();
    let url = format!("{}/v1/ingest", s.url);
    let body = event("x");
    let r = http.post(&url, body.clone(), &[]);
    assert_eq!(r.status, 401);
    assert_eq!(r.body["code"], "missing_signature");
    let r = http.post(&url, body.clone(), &[("x-signature", "not-hex")]);
    assert_eq!(r.status, 401);
    assert_eq!(r.body["code"], "malformed_signature");
    let wrong = sign("other-secret", body.as_bytes());
    let r = http.post(&url, body.clone(), &[("x-signature", &wrong)]);
    assert_eq!(r.status, 401);
    assert_eq!(r.body["code"], "invalid_signature");
    // Signature of different bytes (body altered in transit).
    let sig = sign(SECRET, body.as_bytes());
    let r = http.post(&url, body.replace('x', "y"), &[("x-signature", &sig)]);
    assert_eq!(r.status, 401);
    let r = http.post_with_key(&url, &body, &format!("bloop_{}", "ab".repeat(32)));
    assert_eq!(r.status, 401);
    assert_eq!(r.body["code"], "unknown_key");
    // Uppercase hex is the same signature.
    let r = http.post(&url, body.clone(), &[("x-signature", &sig.to_uppercase())]);
    assert_eq!(r.status, 200);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(count(&s.db(), "SELECT count(*) FROM events"), 1);
}

#[test]
fn project_keys_route_events_with_and_without_the_header_and_revocation_applies_within_1s() {
    let s = TestServer::start();
    let http = Http::new();
    let conn = s.db();
    conn.execute(
        "INSERT INTO projects (id, name, created_at) VALUES ('mobile', 'Mobile', 0)",
        [],
    )
    .unwrap();
    // A key added by another process (as the CLI does) ...
    let key = bloop::store::keys::create(&conn, "mobile", "ios").unwrap();
    // ... works on its first request.
    let url = format!("{}/v1/ingest", s.url);
    let r = http.post_with_key(&url, &event("with header"), &key.key);
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Python clients sign with the project key and send no header.
    let body = event("without header");
    let sig = sign(&key.key, body.as_bytes());
    let r = http.post(&url, body, &[("x-signature", &sig)]);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 2, WAIT), 2);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM issues WHERE project_id = 'mobile'"
        ),
        2
    );
    // ... and revoked by another process: refused within a second.
    bloop::store::keys::revoke_at(&conn, key.id, bloop::store::now_ms()).unwrap();
    assert!(wait_until(Duration::from_millis(1500), || {
        // An empty object: 400 while the key works, 401 once it does not; nothing stored.
        http.post_with_key(&url, "{}", &key.key).status == 401
    }));
}

#[test]
fn oversized_body_gets_413_naming_the_limit() {
    let s = TestServer::start();
    let http = Http::new();
    let big = format!(
        r#"{{"timestamp":1,"error_type":"E","message":"m","metadata":{{"pad":"{}"}}}}"#,
        "x".repeat(40_000)
    );
    let r = http.post_signed(&format!("{}/v1/ingest", s.url), &big);
    assert_eq!(r.status, 413);
    assert_eq!(r.body["code"], "payload_too_large");
    assert_eq!(r.body["limit"], 32768);
    assert!(r.body["error"].as_str().unwrap().contains("32768"));
}

#[test]
fn field_caps_give_400_naming_field_and_limit() {
    let s = TestServer::start();
    let http = Http::new();
    let url = format!("{}/v1/ingest", s.url);
    let cases = [
        ("stack", json!("s".repeat(8193)), 8192),
        ("message", json!("m".repeat(2049)), 2048),
        ("metadata", json!({"k": "v".repeat(4100)}), 4096),
    ];
    for (field, value, limit) in cases {
        let mut e: serde_json::Value = serde_json::from_str(&event("m")).unwrap();
        e[field] = value;
        let r = http.post_signed(&url, &e.to_string());
        assert_eq!(r.status, 400, "{field}: {:?}", r.body);
        assert_eq!(r.body["field"], field);
        assert_eq!(r.body["limit"], limit);
        assert_eq!(r.body["code"], "too_large");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(count(&s.db(), "SELECT count(*) FROM events"), 0);
}

#[test]
fn bad_input_matrix_is_answered_clearly_and_stores_nothing() {
    let s = TestServer::start();
    let http = Http::new();
    let one = format!("{}/v1/ingest", s.url);
    let batch = format!("{}/v1/ingest/batch", s.url);
    let many = |n: usize| {
        let e: serde_json::Value = serde_json::from_str(&event("m")).unwrap();
        json!({"events": vec![e; n]}).to_string()
    };
    let cases: Vec<(&str, String, &str, Option<&str>)> = vec![
        (&one, "{not json".into(), "malformed_json", None),
        (&one, "[]".into(), "invalid_field", None),
        (
            &one,
            r#"{"timestamp":1,"error_type":"E"}"#.into(),
            "missing_field",
            Some("message"),
        ),
        (
            &one,
            r#"{"error_type":"E","message":"m"}"#.into(),
            "missing_field",
            Some("timestamp"),
        ),
        (
            &one,
            r#"{"timestamp":1,"message":"m"}"#.into(),
            "missing_field",
            Some("error_type"),
        ),
        (
            &one,
            r#"{"timestamp":1,"error_type":"E","message":""}"#.into(),
            "invalid_field",
            Some("message"),
        ),
        (
            &one,
            r#"{"timestamp":"yesterday","error_type":"E","message":"m"}"#.into(),
            "invalid_field",
            Some("timestamp"),
        ),
        (
            &one,
            r#"{"timestamp":1,"error_type":"E","message":42}"#.into(),
            "invalid_field",
            Some("message"),
        ),
        (
            &one,
            r#"{"timestamp":1,"error_type":"E","message":"m","http_status":"500"}"#.into(),
            "invalid_field",
            Some("http_status"),
        ),
        (
            &one,
            r#"{"timestamp":1,"error_type":"E","message":"m","metadata":"str"}"#.into(),
            "invalid_field",
            Some("metadata"),
        ),
        (
            &one,
            r#"{"timestamp":-5,"error_type":"E","message":"m"}"#.into(),
            "invalid_field",
            Some("timestamp"),
        ),
        (
            &batch,
            r#"{"events":[]}"#.into(),
            "invalid_field",
            Some("events"),
        ),
        (&batch, many(51), "too_large", Some("events")),
        (
            &batch,
            r#"{"nope":1}"#.into(),
            "missing_field",
            Some("events"),
        ),
        (
            &batch,
            format!(r#"{{"events":[{},{{"timestamp":1}}]}}"#, event("ok")),
            "missing_field",
            Some("events[1].error_type"),
        ),
    ];
    for (url, body, code, field) in cases {
        let r = http.post_signed(url, &body);
        assert_eq!(r.status, 400, "{body}: {:?}", r.body);
        assert_eq!(r.body["code"], code, "{body}: {:?}", r.body);
        if let Some(f) = field {
            assert_eq!(r.body["field"], f, "{body}: {:?}", r.body);
        }
        assert!(r.body["error"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Non-UTF-8 bytes.
    let mut raw = br#"{"timestamp":1,"error_type":"E","message":""#.to_vec();
    raw.extend_from_slice(&[0xff, 0xfe]);
    raw.extend_from_slice(br#""}"#);
    let sig = sign(SECRET, &raw);
    let r = http.post(&one, raw, &[("x-signature", &sig)]);
    assert_eq!(r.status, 400, "{:?}", r.body);
    // Still serving, nothing stored.
    let r = http.post_signed(&one, &event("fine"));
    assert_eq!(r.status, 200);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(count(&s.db(), "SELECT count(*) FROM events"), 1);
}

#[test]
fn unknown_fields_empty_release_and_any_source_are_accepted() {
    let s = TestServer::start();
    let http = Http::new();
    let body = json!({"timestamp": 1_700_000_000, "source": "flutter-desktop", "release": "", "environment": "dev",
                      "error_type": "E", "message": "m", "sdk_version": "9.9", "extra": {"nested": [1,2]}});
    let r = http.post_signed(&format!("{}/v1/ingest", s.url), &body.to_string());
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        s.wait_count(
            "SELECT count(*) FROM issues WHERE source = 'flutter-desktop' AND release = ''",
            1,
            WAIT
        ),
        1
    );
}

#[test]
fn cors_preflight_allows_browsers_to_post() {
    let s = TestServer::start();
    let http = Http::new();
    let req = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/v1/ingest", s.url))
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "x-signature,x-project-key,content-type",
        );
    let r = http.send(req);
    assert!(r.status == 200 || r.status == 204, "{}", r.status);
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    let allowed = r.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("x-signature") && allowed.contains("x-project-key"),
        "{allowed}"
    );
}

#[test]
fn health_reports_queue_drops_and_flush_age() {
    let s = TestServer::start();
    let http = Http::new();
    http.post_signed(&format!("{}/v1/ingest", s.url), &event("one"));
    s.wait_count("SELECT count(*) FROM events", 1, WAIT);
    let r = http.get(&format!("{}/health", s.url));
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "ok");
    assert_eq!(r.body["db_ok"], true);
    assert_eq!(r.body["dropped"]["queue_full"], 0);
    assert_eq!(r.body["dropped"]["rate_limited"], 0);
    assert!(r.body["queue_depth"].is_u64());
    assert!(r.body["last_flush_age_ms"].is_i64() || r.body["last_flush_age_ms"].is_u64());
}

#[test]
fn health_is_503_when_the_database_cannot_be_written() {
    let s = TestServer::start();
    let http = Http::new();
    // Another process holds the write lock longer than the busy timeout.
    let blocker = s.db();
    blocker.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let r = http.get(&format!("{}/health", s.url));
    assert_eq!(r.status, 503, "{:?}", r.body);
    assert_eq!(r.body["db_ok"], false);
    blocker.execute_batch("ROLLBACK;").unwrap();
    let r = http.get(&format!("{}/health", s.url));
    assert_eq!(r.status, 200);
}

#[test]
fn rate_limited_clients_get_200_and_the_drops_are_counted() {
    let s = TestServer::start_with(|c| {
        c.rate_limit.per_second = 1;
        c.rate_limit.burst_size = 3;
    });
    let http = Http::new();
    for i in 0..10 {
        let r = http.post_signed(&format!("{}/v1/ingest", s.url), &event(&format!("e{i}")));
        assert_eq!(r.status, 200);
    }
    let r = http.get(&format!("{}/health", s.url));
    let limited = r.body["dropped"]["rate_limited"].as_u64().unwrap();
    assert!((6..=7).contains(&limited), "{limited}");
    let stored = s.wait_count("SELECT count(*) FROM events", 10 - limited as i64, WAIT);
    assert_eq!(stored + limited as i64, 10);
}

#[test]
fn queue_overflow_drops_are_counted_not_errors() {
    // A one-slot queue and a writer blocked by another connection's lock.
    let s = TestServer::start_with(|c| {
        c.ingest.channel_capacity = 1;
        c.ingest.enqueue_wait_ms = 0;
    });
    let http = Http::new();
    let blocker = s.db();
    blocker.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    for i in 0..20 {
        let r = http.post_signed(&format!("{}/v1/ingest", s.url), &event(&format!("e{i}")));
        assert_eq!(r.status, 200);
    }
    let r = http.get(&format!("{}/health", s.url));
    let dropped = r.body["dropped"]["queue_full"].as_u64().unwrap();
    assert!(dropped >= 17, "{dropped}");
    blocker.execute_batch("ROLLBACK;").unwrap();
    // Everything not dropped is eventually written: the failed flush was retried, not lost.
    let want = 20 - dropped as i64;
    assert_eq!(
        s.wait_count("SELECT count(*) FROM events", want, Duration::from_secs(15)),
        want
    );
}

#[test]
fn a_stalled_request_times_out_and_does_not_block_others() {
    let s = TestServer::start_with(|c| c.server.request_timeout_secs = 1);
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut stalled = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stalled,
        "POST /v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\nX-Signature: {}\r\n\r\n{{\"timestamp\":",
        "ab".repeat(32)
    )
    .unwrap();
    // Others are served while it stalls.
    let http = Http::new();
    let r = http.post_signed(&format!("{}/v1/ingest", s.url), &event("meanwhile"));
    assert_eq!(r.status, 200);
    stalled
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = vec![0u8; 1024];
    let n = stalled.read(&mut buf).unwrap_or(0);
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
}

#[test]
fn unknown_routes_get_json_404() {
    let s = TestServer::start();
    let r = Http::new().get(&format!("{}/v1/nope", s.url));
    assert_eq!(r.status, 404);
    assert_eq!(r.body["code"], "not_found");
}
