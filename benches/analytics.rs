//! The insights' queries on DuckDB against the same SQL on SQLite, over the same rollup rows
//! (`cargo bench --features analytics --bench analytics`).
//!
//! BLOOP_BENCH_DB names a bloop database (default /var/tmp/analytics-1m.db, made by
//! bench/analytics.py). The rollup is built from it once with the server's feed (timed), copied
//! into an in-memory SQLite table with the index its queries use, and then each insight is
//! computed RUNS times (default 7) on each engine; the table shows medians. The numbers are the
//! query work alone (no HTTP, no cache): what "cold" costs the server beyond a sync.

use std::time::Instant;

use bloop::analytics::duck::Duck;
use bloop::analytics::engine::{self, Cell, Engine, Kind};
use bloop::analytics::{compute, Ask, Insight};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let path =
        std::env::var("BLOOP_BENCH_DB").unwrap_or_else(|_| "/var/tmp/analytics-1m.db".into());
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    if !std::path::Path::new(&path).exists() {
        eprintln!("no database at {path}: run bench/analytics.py first (or set BLOOP_BENCH_DB)");
        return;
    }
    let mut db = rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open database");
    let now_ms: i64 = db
        .query_row("SELECT max(hour) + 1800000 FROM hourly_counts", [], |r| {
            r.get(0)
        })
        .expect("newest hour");

    let t = Instant::now();
    let duck = Duck::open(None, 256).expect("duckdb");
    let done = duck
        .sync(&mut db, 0, bloop::pipeline::feed::Taken::Nothing)
        .expect("build");
    println!(
        "rollup built from the database: {} rows from {} raw events in {:.0} ms",
        duck.rows().unwrap_or(0),
        done.events,
        t.elapsed().as_secs_f64() * 1000.0
    );

    let t = Instant::now();
    let lite = rusqlite::Connection::open_in_memory().expect("sqlite");
    lite.execute_batch(engine::SQLITE_SCHEMA).expect("schema");
    let rows = duck
        .query(
            "SELECT project, issue, hour, environment, release, count FROM hourly",
            &[],
            &[
                Kind::Text,
                Kind::Int,
                Kind::Int,
                Kind::Text,
                Kind::Text,
                Kind::Int,
            ],
        )
        .expect("rows");
    {
        let tx = lite.unchecked_transaction().expect("tx");
        {
            let mut st = tx
                .prepare("INSERT INTO hourly VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .expect("insert");
            for r in &rows {
                let t = |c: &Cell| c.text().map(str::to_string);
                st.execute(rusqlite::params![
                    t(&r[0]),
                    r[1].int(),
                    r[2].int(),
                    t(&r[3]),
                    t(&r[4]),
                    r[5].int()
                ])
                .expect("row");
            }
        }
        tx.commit().expect("commit");
    }
    lite.execute_batch("ANALYZE").expect("analyze");
    println!(
        "same rows copied into SQLite (with its index) in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    drop(rows);

    let project: String = db
        .query_row(
            "SELECT project_id FROM issues GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("project");
    let ask = |hours: i64, env: Option<&str>| Ask {
        filter: engine::Filter {
            projects: Some(vec![project.clone()]),
            environment: env.map(str::to_string),
        },
        hours,
        limit: 20,
        now_ms,
        fingerprint: None,
        threshold: 2.5,
    };
    println!(
        "\n{:<34} {:>12} {:>12} {:>8}",
        "insight (window)", "DuckDB ms", "SQLite ms", "ratio"
    );
    let cases: Vec<(Insight, &str, Ask)> = vec![
        (Insight::Spikes, "72 h", ask(72, None)),
        (
            Insight::Spikes,
            "720 h, production",
            ask(720, Some("production")),
        ),
        (Insight::Movers, "72 h", ask(72, None)),
        (Insight::Movers, "720 h", ask(720, None)),
        (Insight::Correlations, "72 h", ask(72, None)),
        (Insight::Correlations, "720 h", ask(720, None)),
        (Insight::Releases, "72 h", ask(72, None)),
        (Insight::Releases, "720 h", ask(720, None)),
        (Insight::Environments, "72 h", ask(72, None)),
        (Insight::Environments, "720 h", ask(720, None)),
    ];
    for (which, label, a) in cases {
        let time = |e: &dyn Engine| {
            let mut v = Vec::new();
            let mut answer = serde_json::Value::Null;
            for _ in 0..runs {
                let t = Instant::now();
                answer = compute(which, e, &db, &a).expect("insight");
                v.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            (median(v), answer)
        };
        let (d, da) = time(&duck);
        let (s, sa) = time(&engine::Sqlite(&lite));
        assert_eq!(da, sa, "{which:?} {label}: the engines disagree");
        println!(
            "{:<34} {:>12.1} {:>12.1} {:>7.1}×",
            format!("{} ({label})", which.name()),
            d,
            s,
            s / d
        );
    }
}
