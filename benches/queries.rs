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
        batch.push(Accepted {
            project_id: project.clone(),
            fingerprint: format!("{:016x}", i % ISSUES),
            // Spread over the last 7 days of server time.
            received_at: now - ((EVENTS - i) as i64 * 600),
            event,
        });
        if batch.len() == 5000 {
            write_batch(&mut conn, &batch, 5, false).expect("flush");
            batch.clear();
        }
    }
    conn
}

fn bench_queries(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let conn = build(&dir.path().join("q.db"));
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
}

criterion_group!(benches, bench_queries);
criterion_main!(benches);
