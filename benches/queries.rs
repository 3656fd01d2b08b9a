//! Query latency at scale: 1,000,000 events in 20,000 issues, generated through the library's
//! writer (not HTTP), then list / detail / stats / trend as the API runs them.
//! Run: `cargo bench --bench queries` (the database is built once per run, ~1 minute).

use std::sync::Arc;

use bloop::config::IngestConfig;
use bloop::pipeline::{write_batch, Accepted};
use bloop::store::issues::{self, IssueQuery, Sort};
use criterion::{criterion_group, criterion_main, Criterion};

const EVENTS: usize = 1_000_000;
const ISSUES: usize = 20_000;

fn build(path: &std::path::Path) -> rusqlite::Connection {
    let mut conn = bloop::store::open(path).expect("open");
    let mut cache = bloop::store::ingest::IssueCache::default();
    let caps = IngestConfig::default();
    let project: Arc<str> = Arc::from("default");
    let now = bloop::store::now_ms();
    let template = |i: usize| {
        let k = i % ISSUES;
        serde_json::json!({
            "timestamp": 1_700_000_000_000i64 + i as i64,
            "source": "api", "environment": if i % 3 == 0 { "staging" } else { "production" },
            "release": format!("1.{}.0", k % 7),
            "route_or_procedure": format!("GET /api/r{}", k % 40),
            "error_type": format!("Err{}", k % 300),
            "message": format!("failure {k} at 10.0.0.{}:5432", i % 250),
            "stack": format!("at f{k} (/app/src/m{}.js:1:2)\nat g (/app/src/g.js:3:4)", k % 97),
            "metadata": {"i": i % 10}
        })
        .to_string()
    };
    let mut batch = Vec::with_capacity(5000);
    for i in 0..EVENTS {
        let event = bloop::event::parse_event(template(i).as_bytes(), &caps).expect("valid");
        batch.push(std::sync::Arc::new(Accepted {
            project_id: project.clone(),
            fingerprint: format!("{:016x}", i % ISSUES),
            // Spread over the last 7 days of server time.
            received_at: now - ((EVENTS - i) as i64 * 600),
            max_age_ms: Accepted::DEFAULT_MAX_AGE_MS,
            event,
        }));
        if batch.len() == 5000 {
            write_batch(&mut conn, &mut cache, &batch, 5, false).expect("flush");
            batch.clear();
        }
    }
    conn
}

fn bench_queries(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    // BLOOP_BENCH_DB=path keeps the generated database there and reuses it on the next run.
    let path = std::env::var_os("BLOOP_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("q.db"));
    let conn = if path.exists() {
        bloop::store::open(&path).expect("open")
    } else {
        build(&path)
    };
    let now = bloop::store::now_ms();
    let mut g = c.benchmark_group("queries_1M_events_20k_issues");
    g.sample_size(30);
    let list = IssueQuery {
        limit: 50,
        ..Default::default()
    };
    g.bench_function("list_last_seen", |b| {
        b.iter(|| issues::list(&conn, &list).expect("list"))
    });
    let by_count = IssueQuery {
        sort: Sort::TotalCount,
        limit: 50,
        ..Default::default()
    };
    g.bench_function("list_total_count", |b| {
        b.iter(|| issues::list(&conn, &by_count).expect("list"))
    });
    let searched = IssueQuery {
        terms: bloop::search::parse("is:unresolved env:staging failure").expect("q"),
        limit: 50,
        ..Default::default()
    };
    g.bench_function("list_search", |b| {
        b.iter(|| issues::list(&conn, &searched).expect("list"))
    });
    g.bench_function("detail", |b| {
        b.iter(|| {
            let i = issues::find(&conn, None, "0000000000000abc").expect("find");
            issues::detail(&conn, i).expect("detail")
        })
    });
    g.bench_function("stats", |b| {
        b.iter(|| issues::stats(&conn, None, now).expect("stats"))
    });
    g.bench_function("trend_issue_24h", |b| {
        let i = issues::find(&conn, None, "0000000000000abc").expect("find");
        b.iter(|| issues::trend(&conn, i.id, 24, now).expect("trend"))
    });
    g.bench_function("trends_all_24h", |b| {
        b.iter(|| issues::trends(&conn, &IssueQuery::default(), 24, now).expect("trends"))
    });
    g.finish();
    drop(conn);
    dashboard_pages(c, &path);
}

/// The dashboard's issue list and detail pages over real HTTP against a server on the same
/// database: the whole request (session lookup, queries, sparklines, rendering). Also prints
/// the p95 of 300 list requests, the figure the dashboard issue targets (< 50 ms).
fn dashboard_pages(c: &mut Criterion, db: &std::path::Path) {
    use bloop::store::users::{self, NewPasskey, Role};
    let mut cfg = bloop::Config::default();
    cfg.database.path = db.to_path_buf();
    cfg.rate_limit.per_second = 0;
    let cookie = {
        let mut conn = bloop::store::open(db).expect("open");
        let now = bloop::store::now_ms();
        let inv = users::create_invite(&conn, Role::Admin, "bench", 60_000, now).expect("invite");
        let (name, cred) = (format!("bench-{now}"), format!("cred-{now}"));
        let pk = NewPasskey {
            cred_id: &cred,
            name: "bench",
            json: "{}",
        };
        let u = users::register(&mut conn, &inv.token, &name, &name, &pk, now).expect("user");
        format!(
            "bloop_session={}",
            users::create_session(&conn, u.id, 3_600_000, now).expect("session")
        )
    };
    let stop = tokio_util::sync::CancellationToken::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let token = stop.clone();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(l.local_addr().expect("addr")).expect("addr");
            bloop::serve(cfg, l, token).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    let http = reqwest::blocking::Client::new();
    let get = |path: &str| {
        let r = http
            .get(format!("http://{addr}{path}"))
            .header("cookie", &cookie)
            .send()
            .expect("request");
        assert_eq!(r.status(), 200, "{path}");
        r.bytes().expect("body").len()
    };
    let size = get("/issues?status=all");
    let mut times: Vec<f64> = (0..300)
        .map(|_| {
            let t = std::time::Instant::now();
            get("/issues?status=all");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    eprintln!(
        "dashboard list page, 20k issues: p50 {:.1} ms, p95 {:.1} ms, {size} bytes of HTML",
        times[150], times[284]
    );
    let mut g = c.benchmark_group("dashboard_1M_events_20k_issues");
    g.sample_size(30);
    g.bench_function("list_page", |b| b.iter(|| get("/issues?status=all")));
    g.bench_function("list_page_search", |b| {
        b.iter(|| get("/issues?status=all&q=env:staging%20failure"))
    });
    g.bench_function("detail_page", |b| {
        b.iter(|| get("/issues/default/0000000000000abc"))
    });
    g.finish();
    stop.cancel();
    let _ = server.join();
}

criterion_group!(benches, bench_queries);
criterion_main!(benches);
