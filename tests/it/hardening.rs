//! What outside testing broke, pinned: inert terminal output, the database shared with the
//! stock `sqlite3` shell and the CLI while serving, writes that never fail on a busy lock, new
//! keys that work at once, the metadata depth cap, and the smaller findings.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Characters a terminal would act on: C0 controls but newline, DEL, C1, bidi controls.
fn active_chars(out: &str) -> Vec<char> {
    out.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn query_commands_show_event_text_inert_on_the_terminal() {
    let s = TestServer::start();
    let http = Http::new();
    let evil = "boom \x1b]0;pwned\x07 \x1b[2J\rhidden \u{9b}31m \u{202e}gnp.exe\u{2066} \0end";
    let body = json!({
        "timestamp": now_secs(), "source": "api\x1b[1m", "environment": "prod\u{202e}",
        "release": "1.0\x1b[5m", "error_type": "Evil\x1bType", "message": evil,
        "route_or_procedure": "GET /\x1b[31mred", "stack": "at a()\n\tat b() \x1b[2J\r\u{85}x",
    })
    .to_string();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", s.url), &body)
            .status,
        200
    );
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    let fp: String = s
        .db()
        .query_row("SELECT fingerprint FROM issues", [], |r| r.get(0))
        .unwrap();
    for args in [
        vec!["query", "errors"],
        vec!["query", "errors", "--release", "1.0\x1b[5m"],
        vec!["query", "error", &fp],
        vec!["query", "stats"],
        vec!["query", "releases"],
    ] {
        let out = cli_ok(&bloop_cli(&s.db_path, &args));
        assert_eq!(active_chars(&out), Vec::<char>::new(), "{args:?}: {out}");
        // Shown, not dropped: the operator sees what was sent.
        assert!(out.contains("\\x1b"), "{args:?}: {out}");
    }
    let detail = cli_ok(&bloop_cli(&s.db_path, &["query", "error", &fp]));
    assert!(detail.contains("\\u{202e}gnp.exe"), "{detail}");
    assert!(detail.contains("\\x1b]0;pwned\\x07"), "{detail}");
    // `--json` stays JSON: the message reads back exactly.
    let json_out = cli_ok(&bloop_cli(&s.db_path, &["query", "errors", "--json"]));
    let rows: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(rows[0]["message"], evil);
}

const WAIT: Duration = Duration::from_secs(10);

/// Posts batches of 10 events every ~`pause` until `stop`; returns how many were acknowledged.
fn steady_ingest(
    url: String,
    stop: Arc<AtomicBool>,
    pause: Duration,
) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let http = Http::new();
        let mut acked = 0;
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            let events: Vec<Value> = (0..10)
                .map(|i| {
                    n += 1;
                    json!({"timestamp": now_secs(), "error_type": "Load", "source": "api",
                           "message": format!("steady kind {}", (n + i) % 7)})
                })
                .collect();
            let body = json!({ "events": events }).to_string();
            let r = http.post_signed(&format!("{url}/v1/ingest/batch"), &body);
            assert_eq!(r.status, 200, "{:?}", r.body);
            acked += 10;
            std::thread::sleep(pause);
        }
        acked
    })
}

/// The stock `sqlite3` shell run on the live database, again and again, while serve ingests and
/// CLI commands write: no error anywhere, the WAL stays, nothing acknowledged is lost.
#[test]
fn the_sqlite3_shell_on_the_live_database_never_takes_the_wal_away() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let p = ServeProcess::start(&db, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let loader = steady_ingest(p.url.clone(), stop.clone(), Duration::from_millis(20));
    let wal = dir.path().join("bloop.db-wal");
    let shm = dir.path().join("bloop.db-shm");
    assert!(wait_until(WAIT, || wal.exists()));
    for i in 0..15 {
        let out = Command::new("sqlite3")
            .arg(&db)
            .arg("SELECT count(*) FROM events; PRAGMA quick_check;")
            .output()
            .expect("the sqlite3 shell (Debian package sqlite3) is installed");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "sqlite3: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));
        assert!(
            wal.exists() && shm.exists(),
            "WAL or SHM gone after run {i}"
        );
        // CLI writes on the same file meanwhile.
        let name = format!("k{i}");
        cli_ok(&bloop_cli(
            &db,
            &["keys", "create", "--project", "default", "--name", &name],
        ));
        cli_ok(&bloop_cli(
            &db,
            &[
                "tokens",
                "create",
                "--name",
                &name,
                "--scopes",
                "errors:read",
            ],
        ));
        assert!(
            wal.exists() && shm.exists(),
            "WAL or SHM gone after CLI {i}"
        );
    }
    stop.store(true, Ordering::Relaxed);
    let acked = loader.join().unwrap();
    assert!(acked > 0);
    // The server still writes: one more event lands after all of that.
    let http = Http::new();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", p.url), &event("after the shell"))
            .status,
        200
    );
    p.signal("TERM");
    assert_eq!(p.wait(Duration::from_secs(30)), Some(0));
    let conn = open_db(&db);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM events"),
        acked as i64 + 1
    );
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(count(&conn, "SELECT count(*) FROM project_keys"), 15);
    assert_eq!(count(&conn, "SELECT count(*) FROM api_tokens"), 15);
}

/// Writes that read first (rotate, token create) wait for the lock instead of failing with
/// `database is locked` while ingest commits a few hundred events a second.
#[test]
fn key_rotation_and_token_creation_never_fail_under_ingest() {
    let s = TestServer::start();
    let stop = Arc::new(AtomicBool::new(false));
    let loader = steady_ingest(s.url.clone(), stop.clone(), Duration::from_millis(10));
    let failures = AtomicUsize::new(0);
    let first: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["keys", "create", "--project", "default", "--json"],
    )))
    .unwrap();
    let mut key_id = first["id"].as_i64().unwrap();
    for i in 0..20 {
        let o = bloop_cli(
            &s.db_path,
            &["keys", "rotate", &key_id.to_string(), "--json"],
        );
        if !o.status.success() {
            failures.fetch_add(1, Ordering::Relaxed);
            eprintln!("rotate: {}", String::from_utf8_lossy(&o.stderr));
            continue;
        }
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        key_id = v["new_key"]["id"].as_i64().unwrap();
        let o = bloop_cli(
            &s.db_path,
            &[
                "tokens",
                "create",
                "--name",
                &format!("t{i}"),
                "--scopes",
                "errors:read",
            ],
        );
        if !o.status.success() {
            failures.fetch_add(1, Ordering::Relaxed);
            eprintln!("tokens create: {}", String::from_utf8_lossy(&o.stderr));
        }
    }
    stop.store(true, Ordering::Relaxed);
    let acked = loader.join().unwrap();
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    assert!(acked >= 200, "ingest ran alongside ({acked} events)");
    let conn = s.db();
    assert_eq!(count(&conn, "SELECT count(*) FROM project_keys"), 21);
    assert_eq!(count(&conn, "SELECT count(*) FROM api_tokens"), 20);
}

/// A key made by `bloop keys create` or `rotate` signs successfully on its very first request,
/// with and without the key header; a revoked one stops within a second.
#[test]
fn a_new_key_works_at_once_and_a_revoked_one_stops_within_a_second() {
    let s = TestServer::start();
    let http = Http::new();
    let url = format!("{}/v1/ingest", s.url);
    let created: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["projects", "create", "Mobile", "--json"],
    )))
    .unwrap();
    let key = created["key"]["key"].as_str().unwrap().to_string();
    assert_eq!(http.post_with_key(&url, &event("first"), &key).status, 200);
    let k2: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["keys", "create", "--project", "mobile", "--json"],
    )))
    .unwrap();
    let key2 = k2["key"].as_str().unwrap().to_string();
    // No header: the signature alone finds the project.
    let body = event("by signature");
    let sig = sign(&key2, body.as_bytes());
    let r = http.post(&url, body.clone(), &[("x-signature", &sig)]);
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rotated: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["keys", "rotate", &k2["id"].to_string(), "--json"],
    )))
    .unwrap();
    let key3 = rotated["new_key"]["key"].as_str().unwrap().to_string();
    assert_eq!(
        http.post_with_key(&url, &event("rotated"), &key3).status,
        200
    );
    assert_eq!(
        s.wait_count(
            "SELECT count(*) FROM events e JOIN issues i ON i.id = e.issue_id WHERE i.project_id = 'mobile'",
            3,
            WAIT
        ),
        3
    );
    // Unknown keys are still refused.
    let bogus = format!("bloop_{}", "0".repeat(64));
    assert_eq!(http.post_with_key(&url, &event("x"), &bogus).status, 401);
    // Revocation: refused within a second.
    cli_ok(&bloop_cli(
        &s.db_path,
        &["keys", "revoke", &created["key"]["id"].to_string()],
    ));
    let t = Instant::now();
    assert!(wait_until(Duration::from_millis(1500), || {
        http.post_with_key(&url, "{}", &key).status == 401
    }));
    assert!(t.elapsed() < Duration::from_millis(1500));
}

fn nested(depth: usize) -> Value {
    let mut v = json!({"leaf": "deep"});
    for i in 1..depth {
        v = json!({ format!("l{i}"): v });
    }
    v
}

#[test]
fn metadata_deeper_than_the_cap_is_refused_and_at_the_cap_reads_back_whole() {
    let s = TestServer::start();
    let http = Http::new();
    let url = format!("{}/v1/ingest", s.url);
    let mk = |depth: usize, msg: &str| {
        json!({"timestamp": now_secs(), "error_type": "Deep", "message": msg, "source": "api",
               "metadata": nested(depth)})
        .to_string()
    };
    for depth in [33, 126, 200] {
        let r = http.post_signed(&url, &mk(depth, "too deep"));
        assert_eq!(r.status, 400, "depth {depth}: {:?}", r.body);
        assert_eq!(r.body["code"], "too_deep");
        assert_eq!(r.body["field"], "metadata");
        assert_eq!(r.body["limit"], 32);
    }
    let r = http.post_signed(&url, &mk(32, "deep but fine"));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    let fp: String = s
        .db()
        .query_row("SELECT fingerprint FROM issues", [], |r| r.get(0))
        .unwrap();
    let token = api_token(&s.db_path, &[bloop::store::tokens::Scope::ErrorsRead]);
    let api = http.send(
        http.client()
            .get(format!("{}/v1/errors/{fp}", s.url))
            .bearer_auth(&token),
    );
    assert_eq!(api.status, 200);
    let sample = &api.body["samples"][0]["event"];
    assert_eq!(sample["message"], "deep but fine");
    assert_eq!(sample["metadata"], nested(32));
    let cli: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["query", "error", &fp, "--json"],
    )))
    .unwrap();
    assert_eq!(cli["samples"][0]["event"]["metadata"], nested(32));
}

#[test]
fn smaller_ingest_findings_are_answered_clearly() {
    let s = TestServer::start();
    let http = Http::new();
    // A batch over the cap is named by its count, not as bytes.
    let events: Vec<Value> = (0..100)
        .map(|i| json!({"timestamp": 1, "error_type": "E", "message": format!("m{i}")}))
        .collect();
    let r = http.post_signed(
        &format!("{}/v1/ingest/batch", s.url),
        &json!({ "events": events }).to_string(),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["field"], "events");
    assert_eq!(r.body["limit"], 50);
    let msg = r.body["error"].as_str().unwrap();
    assert!(msg.contains("100 items") && !msg.contains("bytes"), "{msg}");
    // Not JSON at all is malformed JSON, on both endpoints.
    for path in ["/v1/ingest", "/v1/ingest/batch"] {
        let r = http.post_signed(&format!("{}{path}", s.url), "not json at all");
        assert_eq!(r.status, 400);
        assert_eq!(r.body["code"], "malformed_json", "{path}: {:?}", r.body);
    }
    // Valid JSON that is not an object is still named as such.
    let r = http.post_signed(&format!("{}/v1/ingest", s.url), "null");
    assert_eq!(r.body["code"], "invalid_field");
    // A far-future timestamp is not called negative.
    let r = http.post_signed(
        &format!("{}/v1/ingest", s.url),
        r#"{"timestamp":1e20,"error_type":"E","message":"m"}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["field"], "timestamp");
    let msg = r.body["error"].as_str().unwrap();
    assert!(
        msg.contains("at most") && !msg.contains("non-negative"),
        "{msg}"
    );
    let r = http.post_signed(
        &format!("{}/v1/ingest", s.url),
        r#"{"timestamp":-5,"error_type":"E","message":"m"}"#,
    );
    assert!(r.body["error"].as_str().unwrap().contains("non-negative"));
    assert_eq!(count(&s.db(), "SELECT count(*) FROM events"), 0);
}

#[test]
fn ingest_answers_carry_the_security_headers() {
    let s = TestServer::start();
    let http = Http::new();
    let ok = http.post_signed(&format!("{}/v1/ingest", s.url), &event("h"));
    let bad = http.post_signed(&format!("{}/v1/ingest", s.url), "{}");
    // HTTP/1.0 is served by the router instead of the lean loop.
    let routed = http.send(
        http.client()
            .post(format!("{}/v1/ingest", s.url))
            .version(reqwest::Version::HTTP_10)
            .header("x-signature", sign(SECRET, event("h10").as_bytes()))
            .body(event("h10")),
    );
    for (name, r) in [("lean 200", &ok), ("lean 400", &bad), ("routed", &routed)] {
        for h in [
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "x-frame-options",
        ] {
            assert!(
                r.headers.contains_key(h),
                "{name} lacks {h}: {:?}",
                r.headers
            );
        }
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
    }
}

#[test]
fn write_commands_refuse_a_missing_database_and_a_past_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("blop.db");
    for args in [
        vec!["tokens", "create", "--name", "t", "--scopes", "errors:read"],
        vec!["keys", "create", "--project", "default"],
        vec!["projects", "create", "New"],
        vec!["users", "invite", "--admin"],
    ] {
        let o = bloop_cli(&typo, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("blop.db"), "{args:?}: {err}");
        assert!(!typo.exists(), "{args:?} created the database");
    }
    // The cause is named once, not repeated.
    let err = String::from_utf8_lossy(&bloop_cli(&typo, &["query", "errors"]).stderr).to_string();
    assert_eq!(err.matches("no database file here").count(), 1, "{err}");
    let s = TestServer::start();
    for expires in ["0d", "0"] {
        let o = bloop_cli(
            &s.db_path,
            &[
                "tokens",
                "create",
                "--name",
                "t",
                "--scopes",
                "errors:read",
                "--expires",
                expires,
            ],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("expires"));
    }
    assert_eq!(count(&s.db(), "SELECT count(*) FROM api_tokens"), 0);
}

/// A writer that dies is logged and stops the server with a non-zero exit, instead of leaving
/// it answering while nothing is written.
#[test]
fn a_writer_panic_is_logged_and_serve_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let p = ServeProcess::start(&db, &[("BLOOP_FAULT_WRITER_PANIC", "poison pill")]);
    let http = Http::new();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", p.url), &event("fine"))
            .status,
        200
    );
    assert_eq!(wait_count(&db, "SELECT count(*) FROM events", 1, WAIT), 1);
    http.post_signed(&format!("{}/v1/ingest", p.url), &event("poison pill"));
    let lines = &p.stderr_lines;
    let mut seen = Vec::new();
    let logged = wait_until(WAIT, || {
        while let Ok(l) = lines.try_recv() {
            seen.push(l);
        }
        seen.iter().any(|l| l.contains("ingest writer died"))
    });
    assert!(logged, "{seen:#?}");
    let code = p.wait(Duration::from_secs(30));
    assert!(matches!(code, Some(c) if c != 0), "exit {code:?}");
}

/// Under a release or environment filter, each issue says how many of its events fall inside
/// the filter (`count`) beside its all-time `total_count`: in the API, the CLI and the dashboard.
#[test]
fn counts_under_release_and_environment_filters_are_counted_within_them() {
    let s = TestServer::start();
    let http = Http::new();
    let mut events = Vec::new();
    for (release, env, n) in [
        ("1.0", "production", 3),
        ("2.0", "production", 2),
        ("2.0", "staging", 1),
    ] {
        for _ in 0..n {
            events.push(
                json!({"timestamp": now_secs(), "error_type": "E", "message": "same issue",
                               "release": release, "environment": env}),
            );
        }
    }
    let r = http.post_signed(
        &format!("{}/v1/ingest/batch", s.url),
        &json!({ "events": events }).to_string(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 6, WAIT), 6);
    let token = api_token(&s.db_path, &[bloop::store::tokens::Scope::ErrorsRead]);
    let get = |path: &str| {
        let r = http.send(
            http.client()
                .get(format!("{}{path}", s.url))
                .bearer_auth(&token),
        );
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        let row = &r.body[0];
        (
            row["count"].as_i64().unwrap(),
            row["total_count"].as_i64().unwrap(),
        )
    };
    assert_eq!(get("/v1/errors"), (6, 6));
    assert_eq!(get("/v1/errors?release=2.0"), (3, 6));
    assert_eq!(get("/v1/errors?release=2.0&environment=production"), (2, 6));
    assert_eq!(get("/v1/errors?environment=staging"), (1, 6));
    assert_eq!(get("/v1/errors?q=release:1.0"), (3, 6));
    assert_eq!(get("/v1/releases/2.0/errors"), (3, 6));
    let cli = cli_ok(&bloop_cli(
        &s.db_path,
        &["query", "errors", "--release", "2.0"],
    ));
    assert!(cli.contains("3 of 6"), "{cli}");
    let cookie = user_session(&s.db_path, "vera", bloop::store::users::Role::Viewer);
    let page = http.send(
        http.client()
            .get(format!("{}/issues?release=1.0", s.url))
            .header("cookie", cookie),
    );
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    assert!(
        html.contains("of 6"),
        "the filtered list shows the total beside the count"
    );
}
