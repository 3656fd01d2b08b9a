//! The operator's data commands against the local database and, with --url/--token, against
//! a running server's API: same answers either way.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

fn bloop(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    bloop_cli(db, args)
}

fn ok(o: &std::process::Output) -> String {
    cli_ok(o)
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&ok(o)).unwrap()
}

#[test]
fn query_commands_work_locally_while_serving_and_remotely_with_the_same_answers() {
    let s = TestServer::start();
    let http = Http::new();
    for i in 0..4 {
        let e = serde_json::json!({"timestamp": 1_700_000_000, "source": "api", "environment": "production",
            "release": "2.0.0", "error_type": "DbError", "route_or_procedure": "GET /users",
            "message": format!("Connection refused at 10.0.0.{i}:5432"), "stack": "at q (/app/db.js:1:2)"});
        http.post_signed(&format!("{}/v1/ingest", s.url), &e.to_string());
    }
    http.post_signed(&format!("{}/v1/ingest", s.url), &event("<b>bold</b> other"));
    s.wait_count("SELECT count(*) FROM events", 5, Duration::from_secs(5));
    let db = s.db_path.clone();

    let table = ok(&bloop(&db, &["query", "errors"]));
    assert!(
        table.contains("DbError") && table.contains("TestError"),
        "{table}"
    );
    assert!(
        table.contains("just now") || table.contains("s ago"),
        "{table}"
    );
    let local = json(&bloop(
        &db,
        &["query", "errors", "--sort", "total_count", "--json"],
    ));
    assert_eq!(local[0]["total_count"], 4);
    let fp = local[0]["fingerprint"].as_str().unwrap().to_string();

    let token = bloop(
        &db,
        &[
            "tokens",
            "create",
            "--scopes",
            "errors:read,errors:write,admin",
            "--name",
            "ops",
        ],
    );
    let token = ok(&token).trim().to_string();
    assert!(token.starts_with("bloop_tk_"));
    let remote = json(&bloop(
        &db,
        &[
            "query",
            "errors",
            "--sort",
            "total_count",
            "--json",
            "--url",
            &s.url,
            "--token",
            &token,
        ],
    ));
    assert_eq!(local, remote);

    let detail = ok(&bloop(&db, &["query", "error", &fp[..8]]));
    assert!(
        detail.contains("DbError")
            && detail.contains("last 24h")
            && detail.contains("at q (/app/db.js:1:2)"),
        "{detail}"
    );
    let stats = json(&bloop(&db, &["query", "stats", "--json"]));
    assert_eq!(stats["total_events_24h"], 5);
    let rel = json(&bloop(
        &db,
        &[
            "query", "releases", "--json", "--url", &s.url, "--token", &token,
        ],
    ));
    let two = rel
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["release"] == "2.0.0")
        .unwrap();
    assert_eq!(two["events"], 4);

    let r = json(&bloop(
        &db,
        &[
            "query",
            "resolve",
            &fp,
            "--release",
            "2.1.0",
            "--json",
            "--url",
            &s.url,
            "--token",
            &token,
        ],
    ));
    assert_eq!(r["status"], "resolved");
    let r = json(&bloop(
        &db,
        &["query", "errors", "--q", "is:resolved", "--json"],
    ));
    assert_eq!(r.as_array().unwrap().len(), 1);
    let hist: String = s
        .db()
        .query_row("SELECT actor FROM status_history", [], |r| r.get(0))
        .unwrap();
    assert_eq!(hist, "token:ops");

    // Bad input: one line, exit 1.
    let o = bloop(&db, &["query", "errors", "--q", "is:nap"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is:nap"));
    let o = bloop(&db, &["query", "errors", "--url", &s.url]);
    assert_eq!(o.status.code(), Some(1));
    let o = bloop(
        &db,
        &[
            "query",
            "errors",
            "--url",
            &s.url,
            "--token",
            "bloop_tk_wrong",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("401"));
}

#[test]
fn projects_keys_and_tokens_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    // Only `serve` creates the database; open it as serve would.
    bloop::store::open(&db).unwrap();
    let created = json(&bloop(&db, &["projects", "create", "iOS App", "--json"]));
    assert_eq!(created["id"], "ios-app");
    let key = created["key"]["key"].as_str().unwrap().to_string();
    let list = ok(&bloop(&db, &["keys", "list"]));
    assert!(!list.contains(&key), "keys are masked: {list}");
    assert!(ok(&bloop(&db, &["keys", "list", "--reveal"])).contains(&key));
    let k2 = json(&bloop(
        &db,
        &[
            "keys",
            "create",
            "--project",
            "ios-app",
            "--name",
            "ci",
            "--json",
        ],
    ));
    let id = k2["id"].as_i64().unwrap().to_string();
    let rot = json(&bloop(
        &db,
        &["keys", "rotate", &id, "--grace", "1h", "--json"],
    ));
    assert!(rot["old_key"]["revoked_at"].as_i64().unwrap() > bloop::store::now_ms() + 3_500_000);
    let rev = json(&bloop(&db, &["keys", "revoke", &id, "--json"]));
    assert!(rev["revoked_at"].as_i64().unwrap() <= bloop::store::now_ms());
    assert_eq!(
        json(&bloop(
            &db,
            &["projects", "rename", "ios-app", "iPhone", "--json"]
        ))["name"],
        "iPhone"
    );
    assert_eq!(
        json(&bloop(&db, &["projects", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let o = bloop(&db, &["projects", "delete", "ios-app"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "delete without --yes and no terminal refuses"
    );
    let d = json(&bloop(
        &db,
        &["projects", "delete", "ios-app", "--yes", "--json"],
    ));
    assert_eq!(d["keys"], 3);
    let o = bloop(&db, &["projects", "delete", "default", "--yes"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be deleted"));
    let o = bloop(&db, &["tokens", "create", "--scopes", "errors:read,rooot"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("rooot"));
    let t = json(&bloop(
        &db,
        &[
            "tokens",
            "create",
            "--scopes",
            "errors:read",
            "--expires",
            "90d",
            "--json",
        ],
    ));
    let tid = t["id"].as_i64().unwrap().to_string();
    let listed = ok(&bloop(&db, &["tokens", "list"]));
    assert!(!listed.contains(t["token"].as_str().unwrap()));
    assert_eq!(
        json(&bloop(&db, &["tokens", "revoke", &tid, "--json"]))["id"],
        t["id"]
    );
    // The token is stored only as a hash.
    let conn = open_db(&db);
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM api_tokens WHERE token_hash = '{}'",
                t["token"].as_str().unwrap()
            )
        ),
        0
    );
}

#[test]
fn prune_removes_only_events_past_retention_by_server_time() {
    let s = TestServer::start();
    let http = Http::new();
    for i in 0..6 {
        http.post_signed(&format!("{}/v1/ingest", s.url), &event(&format!("e{i}")));
    }
    s.wait_count("SELECT count(*) FROM events", 6, Duration::from_secs(5));
    let db = s.db_path.clone();
    let conn = s.db();
    let ten_days_ago = bloop::store::now_ms() - 10 * 86_400_000;
    // Four events received 10 days ago (their client timestamps are 2023: irrelevant).
    conn.execute(
        &format!("UPDATE events SET received_at = {ten_days_ago} WHERE id <= 4"),
        [],
    )
    .unwrap();
    let dry = json(&bloop(&db, &["prune", "--dry-run", "--json"]));
    assert_eq!(dry["events"], 4);
    assert_eq!(count(&conn, "SELECT count(*) FROM events"), 6);
    // Quiet when nothing matches the longer window.
    let out = ok(&bloop(&db, &["prune", "--days", "30"]));
    assert!(out.is_empty(), "{out}");
    let out = ok(&bloop(&db, &["prune"]));
    assert!(out.contains("removed 4 events"), "{out}");
    assert_eq!(count(&conn, "SELECT count(*) FROM events"), 2);
    // Issues and counts stay.
    assert_eq!(count(&conn, "SELECT total_count FROM issues"), 6);
    assert_eq!(bloop(&db, &["prune", "--days", "0"]).status.code(), Some(2));
}

#[test]
fn read_commands_refuse_a_missing_database_instead_of_creating_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nope.db");
    let o = bloop(&db, &["query", "errors"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nope.db"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!db.exists());
    assert_eq!(bloop(&db, &["prune"]).status.code(), Some(1));
    assert!(!db.exists());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    bloop::store::open(&db).unwrap();
    for i in 0..300 {
        bloop::store::projects::create(&bloop::store::open(&db).unwrap(), &format!("p{i}"), None)
            .unwrap();
    }
    let mut child = Command::new(bloop_bin())
        .args(["projects", "list"])
        .env("BLOOP__DATABASE__PATH", &db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, like `| head -1`.
    {
        use std::io::BufRead;
        let mut r = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn retention_admin_api_sets_defaults_and_project_overrides_and_purges() {
    let s = TestServer::start();
    let http = Http::new();
    for i in 0..3 {
        http.post_signed(&format!("{}/v1/ingest", s.url), &event(&format!("e{i}")));
    }
    s.wait_count("SELECT count(*) FROM events", 3, Duration::from_secs(5));
    let conn = s.db();
    let admin = bloop::store::tokens::create(
        &conn,
        "a",
        &[bloop::store::tokens::Scope::Admin],
        None,
        None,
    )
    .unwrap()
    .token;
    let call = |m: reqwest::Method, path: &str, body: Option<Value>| {
        let mut r = reqwest::Client::new()
            .request(m, format!("{}{}", s.url, path))
            .bearer_auth(&admin);
        if let Some(b) = body {
            r = r.json(&b);
        }
        http.send(r)
    };
    let v = call(reqwest::Method::GET, "/v1/admin/retention", None);
    assert_eq!(v.body["raw_events_days"], 7);
    let v = call(
        reqwest::Method::PUT,
        "/v1/admin/retention",
        Some(serde_json::json!({"raw_events_days": 3})),
    );
    assert_eq!(v.status, 200, "{:?}", v.body);
    assert_eq!(v.body["raw_events_days"], 3);
    assert_eq!(v.body["configured_raw_events_days"], 7);
    let v = call(
        reqwest::Method::PUT,
        "/v1/admin/retention",
        Some(serde_json::json!({"project": "default", "raw_events_days": 1})),
    );
    assert_eq!(v.body["projects"][0]["effective_days"], 1);
    let v = call(
        reqwest::Method::PUT,
        "/v1/admin/retention",
        Some(serde_json::json!({"raw_events_days": 0})),
    );
    assert_eq!(v.status, 400);
    assert_eq!(v.body["field"], "raw_events_days");
    let two_days_ago = bloop::store::now_ms() - 2 * 86_400_000;
    conn.execute(
        &format!("UPDATE events SET received_at = {two_days_ago} WHERE id = 1"),
        [],
    )
    .unwrap();
    let p = call(reqwest::Method::POST, "/v1/admin/retention/purge", None);
    assert_eq!(p.status, 200, "{:?}", p.body);
    assert_eq!(p.body["events"], 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM events"), 2);
}

/// Tables fit the terminal: at `COLUMNS=80` every line of `bloop query errors` is at most 80
/// display columns, the message keeps what the others leave and is cut with `…`; `--wide` and
/// a pipe without `COLUMNS` print it whole. `--status all` lists every status.
#[test]
fn tables_fit_the_terminal_and_status_all_lists_everything() {
    let s = TestServer::start();
    let http = Http::new();
    let long = "Cannot read properties of undefined (reading 'total') in the checkout flow of the web shop";
    for (i, ty) in ["TypeError", "RangeError", "PaymentDeclinedError"]
        .iter()
        .enumerate()
    {
        let e = serde_json::json!({"timestamp": 1_700_000_000, "source": "web", "release": format!("3.{i}.0"),
            "error_type": ty, "message": long, "route_or_procedure": "POST /checkout"});
        http.post_signed(&format!("{}/v1/ingest", s.url), &e.to_string());
    }
    s.wait_count("SELECT count(*) FROM events", 3, Duration::from_secs(5));
    s.db()
        .execute(
            "UPDATE issues SET status = 'resolved' WHERE error_type = 'RangeError'",
            [],
        )
        .unwrap();
    let run = |columns: Option<&str>, extra: &[&str]| {
        let mut c = Command::new(bloop_bin());
        c.args(["query", "errors"])
            .args(extra)
            .env("BLOOP__DATABASE__PATH", &s.db_path)
            .env_remove("BLOOP_URL")
            .env_remove("COLUMNS");
        if let Some(w) = columns {
            c.env("COLUMNS", w);
        }
        ok(&c.output().unwrap())
    };
    let width = |l: &str| unicode_width::UnicodeWidthStr::width(l);
    for cols in ["80", "60", "100"] {
        let out = run(Some(cols), &[]);
        let max: usize = cols.parse().unwrap();
        for l in out.lines() {
            assert!(
                width(l) <= max,
                "{cols} columns, a line of {}:\n{out}",
                width(l)
            );
        }
        assert!(out.contains("Cannot r"), "{out}");
        assert!(out.contains('…'), "the message is cut to fit:\n{out}");
    }
    // The other tables an operator reads fit 80 columns too.
    for args in [
        &["query", "releases"][..],
        &["query", "stats"],
        &["projects", "list"],
        &["keys", "list"],
        &["tokens", "list"],
        &["alerts", "list"],
        &["query", "error", "--help"],
    ] {
        let out = ok(&Command::new(bloop_bin())
            .args(args)
            .env("BLOOP__DATABASE__PATH", &s.db_path)
            .env_remove("BLOOP_URL")
            .env("COLUMNS", "80")
            .output()
            .unwrap());
        for l in out.lines() {
            assert!(width(l) <= 80, "{args:?}: a line of {}:\n{out}", width(l));
        }
    }
    // Piped without COLUMNS, and --wide: the message whole.
    assert!(run(None, &[]).contains(long));
    assert!(run(Some("80"), &["--wide"]).contains(long));
    // One status, or all of them (as the dashboard's "All").
    let unresolved = run(None, &["--status", "unresolved"]);
    assert!(!unresolved.contains("RangeError"), "{unresolved}");
    let all = run(None, &["--status", "all"]);
    assert!(
        all.contains("RangeError") && all.contains("resolved"),
        "{all}"
    );
}
