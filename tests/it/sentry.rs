//! Unmodified Sentry SDKs report to bloop: the real `sentry-sdk` from PyPI (tests/requirements.txt)
//! with a DSN from a `dsn` key, through envelopes compressed with br and with gzip; and the
//! Sentry endpoints' answers to bad input.

use std::io::Write;
use std::process::Command;
use std::time::Duration;

use bloop::store::keys;
use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);

/// A DSN key of `project` and its DSN for the server at `url`.
pub(crate) fn dsn(s: &TestServer, project: &str) -> (String, String) {
    let conn = s.db();
    let mut k = keys::create_kind(&conn, project, "sdk", keys::KIND_DSN).unwrap();
    keys::fill_dsn(&conn, &mut k, &s.url).unwrap();
    (k.key, k.dsn.unwrap())
}

pub(crate) fn sdk(dsn: &str, mode: &str, brotli: bool) {
    sdk_keeping(dsn, mode, brotli, None);
}

/// [`sdk`], the last error event the SDK sent also written to `event_file`.
fn sdk_keeping(dsn: &str, mode: &str, brotli: bool, event_file: Option<&std::path::Path>) {
    let mut cmd = Command::new("python3");
    cmd.arg("tests/sentry/sdk_send.py").arg(dsn).arg(mode);
    if let Some(f) = event_file {
        cmd.env("SENTRY_EVENT_FILE", f);
    }
    if !brotli {
        cmd.arg("--no-brotli");
    }
    let out = cmd
        .output()
        .expect("python3 with sentry-sdk (tests/run.sh installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if mode == "unhandled" {
        assert!(stderr.contains("ZeroDivisionError"), "{stderr}");
    } else {
        assert!(out.status.success(), "sdk_send.py {mode} failed:\n{stderr}");
    }
}

fn issue(conn: &rusqlite::Connection, error_type: &str) -> (String, String, String, String, i64) {
    conn.query_row(
        "SELECT message, source, release, environment, total_count FROM issues
         WHERE error_type = ?1",
        [error_type],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .unwrap()
}

/// The real SDK, compressing with `brotli` or gzip: exceptions (grouped despite the numbers),
/// a message, an uncaught exception, and a transaction that is accepted but files nothing.
fn the_sentry_sdk_reports(brotli: bool) {
    let s = TestServer::start();
    let (_, dsn) = dsn(&s, "default");
    assert!(
        dsn.ends_with("/1"),
        "the default project is number 1: {dsn}"
    );
    let kept = s.db_path.with_file_name("sdk-event.json");
    sdk_keeping(&dsn, "exceptions", brotli, Some(&kept));
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 2, WAIT), 2);
    let conn = s.db();
    // `bloop fingerprint` on the event as the real SDK built it gives the server's issue key,
    // and explains it from the in-app frame.
    let stored_fp: String = conn
        .query_row(
            "SELECT fingerprint FROM issues WHERE error_type = 'ValueError'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let kept_arg = kept.to_string_lossy().into_owned();
    let out = cli_ok(&bloop_cli(&s.db_path, &["fingerprint", &kept_arg]));
    assert_eq!(out.trim(), stored_fp);
    let explained: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["fingerprint", "--explain", "--json", &kept_arg],
    )))
    .unwrap();
    assert_eq!(explained[0]["key_from"], "computed");
    assert_eq!(
        explained[0]["computed"]["normalized_message"],
        "bad amount <n> for order"
    );
    assert!(
        explained[0]["computed"]["frame"]["hashed"]
            .as_str()
            .is_some_and(|f| f.starts_with("at charge (")),
        "{explained}"
    );
    let (message, source, release, environment, total) = issue(&conn, "ValueError");
    assert_eq!(message, "bad amount 17 for order", "the first message");
    assert_eq!(source, "python");
    assert_eq!(release, "shop@2.0.1");
    assert_eq!(environment, "staging");
    assert_eq!(total, 2, "the same line with other numbers is one issue");
    let (stack, frames, metadata, user): (String, String, String, Option<String>) = conn
        .query_row(
            "SELECT e.stack, e.frames, e.metadata, e.user_id_hash FROM events e
             JOIN issues i ON i.id = e.issue_id WHERE i.error_type = 'ValueError' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(stack.starts_with("at charge ("), "{stack}");
    let frames: Vec<Value> = serde_json::from_str(&frames).unwrap();
    let last = frames.last().unwrap();
    assert_eq!(last["function"], "charge");
    assert_eq!(last["in_app"], true);
    assert!(last["lineno"].as_u64().is_some());
    let metadata: Value = serde_json::from_str(&metadata).unwrap();
    assert_eq!(metadata["tags"]["region"], "eu-west", "{metadata}");
    assert!(
        metadata.get("user").is_none(),
        "the raw user id is not kept"
    );
    assert!(!metadata.to_string().contains("user-42"), "{metadata}");
    assert_eq!(user.map(|u| u.len()), Some(64), "the user id is hashed");

    sdk(&dsn, "message", brotli);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 3, WAIT), 3);
    assert_eq!(issue(&conn, "Message").0, "disk almost full on volume 3");
    sdk(&dsn, "unhandled", brotli);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 4, WAIT), 4);
    assert_eq!(issue(&conn, "ZeroDivisionError").0, "division by zero");
    sdk(&dsn, "transaction", brotli);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        count(&conn, "SELECT count(*) FROM events"),
        4,
        "a transaction is not an error"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM issues"), 3);

    // The insights see what the SDK sent (the rollup fed by the writer): four events, all in
    // `staging`, the ValueError twice.
    #[cfg(feature = "analytics")]
    {
        let token = api_token(&s.db_path, &[bloop::store::tokens::Scope::ErrorsRead]);
        let http = Http::new();
        let get = |path: &str| {
            let r = http.send(
                reqwest::Client::new()
                    .get(format!("{}/v1/analytics/{path}", s.url))
                    .bearer_auth(&token),
            );
            assert_eq!(r.status, 200, "{path}: {:?}", r.body);
            r.body
        };
        let en = get("environments?hours=24");
        assert_eq!(en["total"], 4, "{en}");
        assert_eq!(en["environments"][0]["environment"], "staging", "{en}");
        assert_eq!(en["environments"][0]["issues"], 3, "{en}");
        let mv = get("movers?hours=24");
        let value_error = mv["movers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["issue"]["error_type"] == "ValueError")
            .unwrap_or_else(|| panic!("{mv}"));
        assert_eq!(value_error["current"], 2, "{mv}");
        assert_eq!(value_error["new"], true, "{mv}");
    }
}

#[test]
fn the_sentry_sdk_reports_with_brotli() {
    the_sentry_sdk_reports(true);
}

#[test]
fn the_sentry_sdk_reports_with_gzip() {
    the_sentry_sdk_reports(false);
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b).unwrap();
    gz.finish().unwrap()
}

#[test]
fn bad_sentry_requests_get_clear_answers() {
    let s = TestServer::start();
    let http = Http::new();
    let (key, _) = dsn(&s, "default");
    let other = bloop::store::projects::create_with_key(&mut s.db(), "Other", None).unwrap();
    let (other_key, other_dsn) = dsn(&s, &other.project.id);
    let event = json!({"event_id": "0123456789abcdef0123456789abcdef",
        "exception": {"values": [{"type": "E", "value": "boom"}]},
        "extra": {"password": "hunter2"},
        "request": {"url": "https://shop.example/pay", "headers": {"Authorization": "Bearer abcdef0123456789xyz"}}});
    let envelope =
        |items: &str| format!("{{\"event_id\":\"0123456789abcdef0123456789abcdef\"}}\n{items}");
    let item = format!("{{\"type\":\"event\"}}\n{event}\n");
    let url = |n: &str, q: &str| format!("{}/api/{n}/envelope/?sentry_key={q}", s.url);
    let post = |u: &str, body: Vec<u8>, headers: &[(&str, &str)]| http.post(u, body, headers);

    // The happy path through the query key, with the Sentry answer.
    let r = post(&url("1", &key), envelope(&item).into_bytes(), &[]);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"id": "0123456789abcdef0123456789abcdef"}));
    // The store endpoint, the header key, no trailing slash.
    let r = post(
        &format!("{}/api/1/store", s.url),
        event.to_string().into_bytes(),
        &[(
            "x-sentry-auth",
            &format!("Sentry sentry_version=7, sentry_key={key}"),
        )],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    // The key inside the envelope header's DSN.
    let with_dsn = format!("{{\"dsn\":\"{other_dsn}\"}}\n{item}");
    let n = other_dsn.rsplit('/').next().unwrap();
    let r = post(
        &format!("{}/api/{n}/envelope/", s.url),
        with_dsn.into_bytes(),
        &[],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 3, WAIT), 3);
    // Scrubbed before storage, as bloop's own events.
    let conn = s.db();
    assert_eq!(
        count(&conn, "SELECT count(*) FROM events WHERE metadata LIKE '%hunter2%' OR metadata LIKE '%abcdef0123456789xyz%'"),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM events WHERE metadata LIKE '%[Filtered]%'"
        ),
        3
    );

    // No key, a wrong key, a key of another project, an HMAC key used as a DSN key.
    let r = post(
        &format!("{}/api/1/envelope/", s.url),
        envelope(&item).into_bytes(),
        &[],
    );
    assert_eq!(r.status, 401);
    assert!(r.body["detail"].as_str().unwrap().contains("sentry_key"));
    let r = post(
        &url("1", "0000ffff0000ffff0000ffff0000ffff"),
        envelope(&item).into_bytes(),
        &[],
    );
    assert_eq!(r.status, 401, "{:?}", r.body);
    let r = post(&url("1", &other_key), envelope(&item).into_bytes(), &[]);
    assert_eq!(r.status, 403, "{:?}", r.body);
    let ingest = keys::create(&s.db(), "default", "hmac").unwrap();
    let r = post(&url("1", &ingest.key), envelope(&item).into_bytes(), &[]);
    assert_eq!(r.status, 401, "an ingest key is not a DSN key");
    // And a DSN key is not an ingest key: OTLP-style header auth refuses it.
    let r = post(
        &format!("{}/v1/ingest", s.url),
        event.to_string().into_bytes(),
        &[
            ("x-project-key", &key),
            ("x-signature", &sign(&key, event.to_string().as_bytes())),
        ],
    );
    assert_eq!(r.status, 401, "{:?}", r.body);

    // Corrupt gzip, an item longer than the body, a 10 MB attachment, 1,000 items.
    let r = post(
        &url("1", &key),
        b"\x1f\x8bnot gzip".to_vec(),
        &[("content-encoding", "gzip")],
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = post(
        &url("1", &key),
        envelope("{\"type\":\"event\",\"length\":500}\n{}").into_bytes(),
        &[],
    );
    assert_eq!(r.status, 400);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("runs past the end"),
        "{:?}",
        r.body
    );
    let attachment = vec![b'x'; 10 * 1024 * 1024];
    let mut big = envelope(&item).into_bytes();
    big.extend_from_slice(
        format!(
            "{{\"type\":\"attachment\",\"length\":{}}}\n",
            attachment.len()
        )
        .as_bytes(),
    );
    big.extend_from_slice(&attachment);
    let r = post(&url("1", &key), gzip(&big), &[("content-encoding", "gzip")]);
    assert_eq!(r.status, 200, "{:?}", r.body);
    let many = envelope(&"{\"type\":\"session\"}\n{\"sid\":\"x\"}\n".repeat(1000));
    let r = post(&url("1", &key), many.into_bytes(), &[]);
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = post(
        &url("1", &key),
        envelope("{\"type\":\"event\"}\n[1,2]\n").into_bytes(),
        &[],
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = post(&url("x", &key), envelope(&item).into_bytes(), &[]);
    assert_eq!(r.status, 404);
    // Everything accepted above is there, nothing else.
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 4, WAIT), 4);
    // CORS for browser SDKs.
    let r = http.send(
        reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, url("1", &key))
            .header("origin", "https://shop.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type"),
    );
    assert!(r.status < 300, "{}", r.status);
    assert_eq!(r.headers["access-control-allow-origin"], "*");
}

/// `bloop keys create --dsn` prints a DSN the SDKs accept: the key as user, the project's
/// number as the path.
#[test]
fn keys_create_dsn_prints_the_dsn() {
    let s = TestServer::start();
    let out = cli_ok(&bloop_cli(
        &s.db_path,
        &["keys", "create", "--project", "default", "--dsn"],
    ));
    let dsn = out.trim().rsplit(' ').next().unwrap().to_string();
    let rest = dsn
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("{out}"));
    let (key, host) = rest.split_once('@').unwrap();
    assert_eq!(key.len(), 32, "{out}");
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(host.ends_with("/1"), "{out}");
    assert_eq!(
        count(
            &s.db(),
            &format!("SELECT count(*) FROM project_keys WHERE key = '{key}' AND kind = 'dsn'")
        ),
        1
    );
}

/// A DSN is public: each key has its own rate, whoever sends (rate_limit.dsn_per_second), and
/// the SDK is told to back off the way Sentry tells it. /health counts what came in.
#[test]
fn each_dsn_has_its_own_rate_and_health_counts_sentry_traffic() {
    let s = TestServer::start_with(|c| {
        c.rate_limit.per_second = 0;
        c.rate_limit.dsn_per_second = 1;
        c.rate_limit.dsn_burst_size = 2;
    });
    let http = Http::new();
    let (key, _) = dsn(&s, "default");
    let (other, _) = dsn(&s, "default");
    let event = json!({"exception": {"values": [{"type": "E", "value": "boom"}]}});
    let url = |k: &str| format!("{}/api/1/store/?sentry_key={k}", s.url);
    for _ in 0..2 {
        let r = http.post(&url(&key), event.to_string().into_bytes(), &[]);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let r = http.post(&url(&key), event.to_string().into_bytes(), &[]);
    assert_eq!(r.status, 429, "{:?}", r.body);
    let header = |n: &str| {
        r.headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    assert_eq!(header("retry-after").as_deref(), Some("2"));
    assert_eq!(header("x-sentry-rate-limits").as_deref(), Some("2::key"));
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("dsn_per_second"));
    // Another key of the same project has its own bucket.
    let r = http.post(&url(&other), event.to_string().into_bytes(), &[]);
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A transaction: accepted, counted, nothing stored.
    let tx = "{}\n{\"type\":\"transaction\"}\n{\"type\":\"transaction\",\"spans\":[]}\n";
    let r = http.post(
        &format!("{}/api/1/envelope/?sentry_key={other}", s.url),
        tx.as_bytes().to_vec(),
        &[],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 3, WAIT), 3);
    let h = http.get(&format!("{}/health", s.url));
    assert_eq!(h.body["sentry"]["events"], 3, "{:?}", h.body);
    assert_eq!(h.body["sentry"]["transactions"], 1);
    assert_eq!(h.body["sentry"]["refused_429"], 1);
}

/// `bloop fingerprint` on the files a client sent gives the keys the server stored, scrubbing
/// included, and `--explain` names the frame and why the lines before it were skipped.
#[test]
fn bloop_fingerprint_offline_gives_the_servers_keys() {
    let s = TestServer::start();
    let http = Http::new();
    let (key, _) = dsn(&s, "default");
    let dir = tempfile::tempdir().unwrap();
    // A bearer token in the message is scrubbed before grouping: two tokens, one issue.
    let own = json!({"timestamp": 1_700_000_000, "source": "api", "environment": "prod",
        "release": "1.0", "error_type": "AuthError", "route_or_procedure": "GET /me",
        "message": "refused Bearer abcdef0123456789xyz for user 42",
        "stack": "AuthError: refused\n    at check (/app/node_modules/auth/index.js:3:9)\n    at me (/app/src/me.js:12:5)"});
    let r = http.post_signed(&format!("{}/v1/ingest", s.url), &own.to_string());
    assert_eq!(r.status, 200, "{:?}", r.body);
    let sentry_event = json!({"event_id": "0123456789abcdef0123456789abcdef", "platform": "python",
    "exception": {"values": [{"type": "KeyError", "value": "'user'", "stacktrace": {"frames": [
        {"filename": "app/main.py", "function": "handle", "lineno": 10, "in_app": true},
        {"filename": "django/core/handlers.py", "function": "inner", "lineno": 5, "in_app": false}
    ]}}]}});
    let r = http.post(
        &format!("{}/api/1/store/?sentry_key={key}", s.url),
        sentry_event.to_string().into_bytes(),
        &[],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    s.wait_count("SELECT count(*) FROM events", 2, Duration::from_secs(5));
    let stored = |ty: &str| -> String {
        s.db()
            .query_row(
                "SELECT fingerprint FROM issues WHERE error_type = ?1",
                [ty],
                |r| r.get(0),
            )
            .unwrap()
    };
    let (db_path, files) = (dir.path().join("x.db"), dir.path());
    std::fs::write(files.join("own.json"), own.to_string()).unwrap();
    std::fs::write(files.join("sentry.json"), sentry_event.to_string()).unwrap();
    let f = |name: &str| files.join(name).to_string_lossy().into_owned();
    let out = cli_ok(&bloop_cli(&db_path, &["fingerprint", &f("own.json")]));
    assert_eq!(out.trim(), stored("AuthError"));
    let out = cli_ok(&bloop_cli(&db_path, &["fingerprint", &f("sentry.json")]));
    assert_eq!(out.trim(), stored("KeyError"));

    let out = cli_ok(&bloop_cli(
        &db_path,
        &["fingerprint", "--explain", &f("own.json")],
    ));
    assert!(out.contains(&stored("AuthError")), "{out}");
    assert!(
        out.contains("hashed as   refused bearer [filtered] for user <n>"),
        "{out}"
    );
    assert!(out.contains("line 2  at check (/app/node_modules/auth/index.js:3:9)  (framework: contains `node_modules`)"), "{out}");
    assert!(
        out.contains("frame         stack line 3: at me (/app/src/me.js:12:5)"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &db_path,
        &["fingerprint", "--explain", "--json", &f("sentry.json")],
    )))
    .unwrap();
    assert_eq!(v[0]["fingerprint"], stored("KeyError"));
    assert_eq!(v[0]["key_from"], "computed");
    assert_eq!(v[0]["structured"]["chosen"], 2);
    assert_eq!(v[0]["structured"]["skipped"][0]["reason"], "in_app: false");
    assert_eq!(
        v[0]["computed"]["frame"]["hashed"],
        "at handle (app/main.py)"
    );
    // Bad input is named, exit 1.
    std::fs::write(files.join("bad.json"), "{\"message\": 7}").unwrap();
    let o = bloop_cli(&db_path, &["fingerprint", &f("bad.json")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("message"));
}
