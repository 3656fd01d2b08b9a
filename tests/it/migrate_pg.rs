//! `bloop migrate-to-postgres`: a SQLite database made by a real server moves into PostgreSQL,
//! a server on PostgreSQL then answers what the SQLite one did, an interrupted move continues
//! where it stopped, and a million events move with every count matching.

use serde_json::{json, Value};

use crate::common::{bloop_cli_env, cli_ok, open_db, Http, TestServer};

fn move_db(
    db: &std::path::Path,
    url: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut args = vec![
        "migrate-to-postgres",
        "--from",
        db.to_str().expect("utf-8"),
        "--to",
        url,
        "--json",
    ];
    args.extend_from_slice(extra);
    bloop_cli_env(db, &args, env)
}

fn get(http: &Http, base: &str, token: &str, path: &str) -> Value {
    let r = http.send(
        http.client()
            .get(format!("{base}{path}"))
            .bearer_auth(token),
    );
    assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    r.body
}

#[test]
fn a_sqlite_database_moves_and_the_postgres_server_answers_the_same() {
    let server = TestServer::start();
    let http = Http::new();
    let token = crate::common::api_token(&server.db_path, &[bloop::store::tokens::Scope::Admin]);
    let made = http.send(
        http.client()
            .post(format!("{}/v1/projects", server.url))
            .bearer_auth(&token)
            .json(&json!({"name": "Phones"})),
    );
    assert_eq!(made.status, 201);
    let phone_key = made.body["key"]["key"].as_str().expect("key").to_string();
    let mut events = Vec::new();
    for i in 0..40 {
        events.push(json!({
            "timestamp": bloop::store::now_ms() - i * 60_000,
            "source": "api", "environment": if i % 2 == 0 { "production" } else { "staging" },
            "release": format!("1.{}.0", i % 3), "error_type": "MoveError",
            "message": format!("moving {}", i % 4), "metadata": {"shard": i % 5},
        }));
    }
    let body = json!({"events": events}).to_string();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest/batch", server.url), &body)
            .status,
        200
    );
    let one = crate::common::event("on the phone");
    assert_eq!(
        http.post_with_key(&format!("{}/v1/ingest", server.url), &one, &phone_key)
            .status,
        200
    );
    // An LLM trace: two spans, one failed (queued to be filed as an error event).
    let trace = json!({
        "id": "moved-trace", "name": "checkout assistant", "session_id": "s-1",
        "spans": [
            {"id": "a", "model": "gpt-4o", "provider": "openai", "input_tokens": 1000,
             "output_tokens": 200, "latency_ms": 800},
            {"id": "b", "span_type": "tool", "name": "lookup_order", "status": "error",
             "error_message": "order service timed out", "latency_ms": 40}
        ]
    });
    let llm = cfg!(feature = "llm-tracing");
    assert_eq!(
        http.post_signed(&format!("{}/v1/traces", server.url), &trace.to_string())
            .status,
        if llm { 200 } else { 404 },
        "trace ingest is there with the llm-tracing feature"
    );
    server.wait_count(
        "SELECT count(*) FROM events",
        41,
        std::time::Duration::from_secs(10),
    );
    if llm {
        server.wait_count(
            "SELECT count(*) FROM llm_traces",
            1,
            std::time::Duration::from_secs(10),
        );
    }
    let list = get(&http, &server.url, &token, "/v1/errors?limit=200");
    let fp = list[0]["fingerprint"].as_str().expect("fp").to_string();
    let resolved = http.send(
        http.client()
            .post(format!("{}/v1/errors/{fp}/resolve", server.url))
            .bearer_auth(&token)
            .json(&json!({"release": "9.0.0"})),
    );
    assert_eq!(resolved.status, 200);
    let before: Vec<Value> = [
        "/v1/errors?limit=200",
        &format!("/v1/errors/{fp}"),
        "/v1/releases",
        "/v1/projects",
    ]
    .iter()
    .map(|p| get(&http, &server.url, &token, p))
    .collect();
    let (dir, db) = server.stop();

    let url = bloop::store::pg::scratch::shared()
        .database()
        .expect("database");
    let out = move_db(&db, &url, &[], &[]);
    let moved: Value = serde_json::from_str(&cli_ok(&out)).expect("json");
    let tables = moved["tables"].as_array().expect("tables");
    assert!(
        tables.iter().all(|t| t["sqlite"] == t["postgres"]),
        "{moved}"
    );
    let events = tables
        .iter()
        .find(|t| t["table"] == "events")
        .expect("events");
    assert_eq!(events["postgres"], 41);
    let llm_rows = i64::from(llm);
    for (table, rows) in [("llm_traces", 1), ("llm_spans", 2), ("llm_usage_hourly", 2)] {
        let t = tables.iter().find(|t| t["table"] == table).expect(table);
        assert_eq!(t["postgres"], rows * llm_rows, "{table}");
    }
    // The search index is built anew on PostgreSQL: the tool's name and its error are found.
    for word in ["lookup_order", "timed"].into_iter().filter(|_| llm) {
        assert_eq!(
            crate::common::pg_count(
                &url,
                &format!(
                    "SELECT count(*) FROM llm_search
                     WHERE body @@ phraseto_tsquery('simple', '{word}')"
                )
            ),
            1,
            "{word}"
        );
    }
    // Run again, the finished move has nothing left to do.
    let again: Value = serde_json::from_str(&cli_ok(&move_db(&db, &url, &[], &[]))).expect("json");
    assert_eq!(again["resumed"], true);
    assert_eq!(again["tables"], moved["tables"]);
    // A database that is in use is refused.
    let used = bloop::store::pg::scratch::shared()
        .database()
        .expect("database");
    cli_ok(&bloop_cli_env(
        &db,
        &["projects", "create", "Busy"],
        &[("BLOOP__DATABASE__URL", used.as_str())],
    ));
    let refused = move_db(&db, &used, &[], &[]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("already has issues or keys"), "{err}");

    // A server on the moved data: same answers, and the old token and key still work.
    let pg_server =
        TestServer::start_with(|c| c.database.url = Some(bloop::config::Secret::new(url.clone())));
    let after: Vec<Value> = [
        "/v1/errors?limit=200",
        &format!("/v1/errors/{fp}"),
        "/v1/releases",
        "/v1/projects",
    ]
    .iter()
    .map(|p| get(&http, &pg_server.url, &token, p))
    .collect();
    assert_eq!(before[0], after[0], "the issue list");
    assert_eq!(before[1]["issue"], after[1]["issue"]);
    assert_eq!(before[1]["releases"], after[1]["releases"]);
    assert_eq!(before[1]["samples"], after[1]["samples"]);
    assert_eq!(before[1]["latest"], after[1]["latest"]);
    assert_eq!(before[2], after[2], "releases");
    assert_eq!(before[3], after[3], "projects");
    assert_eq!(
        http.post_with_key(&format!("{}/v1/ingest", pg_server.url), &one, &phone_key)
            .status,
        200
    );
    drop(dir);
}

#[test]
fn an_interrupted_move_continues_where_it_stopped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bloop.db");
    let conn = bloop::store::open(&db).expect("open");
    let now = bloop::store::now_ms();
    conn.execute_batch(&format!(
        "INSERT INTO issues (id, project_id, fingerprint, error_type, message, source, total_count,
             first_seen, last_seen, last_seen_minute)
         VALUES (1, 'default', 'a', 'E', 'm', 'api', 250, {now}, {now}, {now} / 60000);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
         INSERT INTO events (id, issue_id, received_at, timestamp, message, environment, release)
         SELECT i, 1, {now} - i * 3600000, {now} - i * 3600000, 'm' || i, 'production', '' FROM n;"
    ))
    .expect("fill");
    drop(conn);
    let url = bloop::store::pg::scratch::shared()
        .database()
        .expect("database");
    let first = move_db(
        &db,
        &url,
        &["--chunk", "100"],
        &[("BLOOP_FAULT_MOVE_STOP_AT", "200")],
    );
    assert!(
        !first.status.success(),
        "the injected stop fails the first run"
    );
    let second = move_db(&db, &url, &["--chunk", "100"], &[]);
    let moved: Value = serde_json::from_str(&cli_ok(&second)).expect("json");
    assert_eq!(moved["resumed"], true);
    let events = moved["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "events")
        .cloned();
    assert_eq!(
        events,
        Some(json!({"table": "events", "sqlite": 250, "postgres": 250}))
    );
    // Ten days of events: their partitions were made.
    let days = bloop::store::pg::scratch::shared()
        .psql(
            &url,
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass",
        )
        .expect("psql");
    assert!(days.trim().parse::<i64>().expect("n") >= 11, "{days}");
    let _ = open_db(&db);
}

#[test]
fn a_million_events_move_with_matching_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bloop.db");
    let conn = bloop::store::open(&db).expect("open");
    let now = bloop::store::now_ms();
    let h = 3_600_000i64;
    // 1,000 issues with 1,000 events each over the last two days, counts to match.
    conn.execute_batch(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
         INSERT INTO issues (id, project_id, fingerprint, error_type, message, source, total_count,
             first_seen, last_seen, last_seen_minute)
         SELECT i, 'default', printf('%016x', i), 'E', 'm' || i, 'api', 1000, {now} - 47 * {h}, {now},
                {now} / 60000 FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
         INSERT INTO events (id, issue_id, received_at, timestamp, message, environment, release,
             metadata)
         SELECT i + 1, i % 1000 + 1, {now} - (i % 48) * {h}, {now} - (i % 48) * {h}, 'event ' || i,
                'production', '1.0.0', '{{\"n\":' || i || '}}' FROM n;
         INSERT INTO hourly_counts (hour, issue_id, count)
         SELECT received_at - received_at % {h}, issue_id, count(*) FROM events GROUP BY 1, 2;"
    ))
    .expect("fill");
    drop(conn);
    let url = bloop::store::pg::scratch::shared()
        .database()
        .expect("database");
    let out = move_db(&db, &url, &[], &[]);
    let moved: Value = serde_json::from_str(&cli_ok(&out)).expect("json");
    let count = |t: &str| {
        moved["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .find(|x| x["table"] == t)
            .cloned()
            .expect(t)
    };
    assert_eq!(
        count("events"),
        json!({"table": "events", "sqlite": 1_000_000, "postgres": 1_000_000})
    );
    assert_eq!(count("issues")["postgres"], 1000);
    assert_eq!(
        count("hourly_counts")["sqlite"],
        count("hourly_counts")["postgres"]
    );
    let sums = bloop::store::pg::scratch::shared()
        .psql(
            &url,
            "SELECT (SELECT sum(total_count) FROM issues) || ' ' || (SELECT count(*) FROM events)
                 || ' ' || (SELECT sum(count) FROM hourly_counts)",
        )
        .expect("psql");
    assert_eq!(sums.trim(), "1000000 1000000 1000000");
}

/// `bloop prune` on a database and on its move to PostgreSQL: the same events go (whole days
/// past every project's retention by dropping their partitions; a project with a shorter
/// retention loses its older events row by row), the reports agree.
#[test]
fn prune_removes_the_same_events_on_both_backends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bloop.db");
    let conn = bloop::store::open(&db).expect("open");
    bloop::store::projects::create(&conn, "Short", Some("short")).expect("project");
    bloop::store::projects::set_retention(&conn, "short", Some(2)).expect("retention");
    let now = bloop::store::now_ms();
    let d = 86_400_000i64;
    conn.execute_batch(&format!(
        "INSERT INTO issues (id, project_id, fingerprint, error_type, message, source, total_count,
             first_seen, last_seen, last_seen_minute)
         VALUES (1, 'default', 'a', 'E', 'm', 'api', 12, {now}, {now}, {now} / 60000),
                (2, 'short', 'b', 'E', 'm', 'api', 12, {now}, {now}, {now} / 60000);
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 11)
         INSERT INTO events (issue_id, received_at, timestamp, message, environment, release)
         SELECT 1 + (i % 2), {now} - i * {d} - 1000, {now}, 'm', 'production', '' FROM n
         UNION ALL
         SELECT 2 - (i % 2), {now} - i * {d} - 1000, {now}, 'm', 'production', '' FROM n;"
    ))
    .expect("fill");
    drop(conn);
    let url = bloop::store::pg::scratch::shared()
        .database()
        .expect("database");
    cli_ok(&move_db(&db, &url, &[], &[]));
    let pg_env = [("BLOOP__DATABASE__URL", url.as_str())];
    let report = |env: &[(&str, &str)], args: &[&str]| -> Value {
        let mut a = vec!["prune", "--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&cli_ok(&bloop_cli_env(&db, &a, env))).expect("json")
    };
    let dry_lite = report(&[], &["--dry-run"]);
    let dry_pg = report(&pg_env, &["--dry-run"]);
    assert_eq!(dry_lite["projects"], dry_pg["projects"]);
    // Each issue has one event a day for 12 days. default keeps 7 days: its events 7 to 11
    // days old go (5); short keeps 2: those 2 to 11 days old (10).
    let lite = report(&[], &[]);
    let post = report(&pg_env, &[]);
    assert_eq!(lite["projects"], post["projects"], "{lite} {post}");
    assert_eq!(lite["events"], post["events"]);
    let per: Vec<(String, i64)> = post["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| {
            (
                p["project"].as_str().unwrap_or("").to_string(),
                p["events"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(per, [("default".to_string(), 5), ("short".to_string(), 10)]);
    let left = bloop::store::pg::scratch::shared()
        .psql(&url, "SELECT count(*) FROM events")
        .expect("psql");
    assert_eq!(left.trim(), "9");
    // The days every project is done with (older than 7 days) have no partition any more.
    let old = bloop::store::pg::scratch::shared()
        .psql(
            &url,
            &format!(
                "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'events'::regclass AND c.relname < 'events_{}'",
                {
                    let (y, m, dd) = bloop::timefmt::civil_from_days((now - 8 * d).div_euclid(d));
                    format!("{y:04}{m:02}{dd:02}")
                }
            ),
        )
        .expect("psql");
    assert_eq!(old.trim(), "0", "partitions of days past every retention");
}
