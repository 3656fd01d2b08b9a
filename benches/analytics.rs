//! The insights' queries on DuckDB against the same SQL on SQLite, over the same rollup rows
//! (`cargo bench --features analytics --bench analytics`; the release binary does the same with
//! `bloop analytics compare`, see [`bloop::analytics::compare`]).
//!
//! BLOOP_BENCH_DB names a bloop database (default /var/tmp/analytics-1m.db, made by
//! bench/analytics.py); RUNS the runs per insight and engine (default 7; medians shown).

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
    let r = bloop::analytics::compare::run(&mut db, runs, 256, None).expect("compare");
    println!(
        "rollup: {} rows from {} raw events, built in {:.0} ms; copied into SQLite in {:.0} ms",
        r.rollup_rows, r.events, r.build_ms, r.copy_ms
    );
    println!(
        "\n{:<34} {:>12} {:>12} {:>8}",
        "insight (window)", "DuckDB ms", "SQLite ms", "ratio"
    );
    for t in &r.timings {
        println!(
            "{:<34} {:>12.1} {:>12.1} {:>7.1}×",
            format!("{} ({})", t.insight, t.window),
            t.duckdb_ms,
            t.sqlite_ms,
            t.sqlite_ms / t.duckdb_ms.max(0.01)
        );
    }
}
