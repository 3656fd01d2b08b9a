//! `bloop analytics compare` (and `cargo bench --bench analytics`): every insight timed on the
//! DuckDB rollup and on the same rows in SQLite, over one database, each answer checked to be
//! the same on both.
//!
//! The rollup is built in memory from the database with the server's own feed; its rows are
//! copied into an in-memory SQLite table with the index its queries use ([`SQLITE_SCHEMA`]).
//! The times are the query work alone (no HTTP, no cache): what a "cold" answer costs beyond a
//! sync. The insights are asked as of the newest hour with events in the database, so an old
//! copy measures the same as a live one.

use std::time::Instant;

use serde::Serialize;

use super::duck::Duck;
use super::engine::{self, Engine, Kind, SQLITE_SCHEMA};
use super::{compute, Ask, Insight};
use crate::pipeline::feed::Taken;

/// One insight's medians.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub insight: &'static str,
    pub window: String,
    pub duckdb_ms: f64,
    pub sqlite_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The project asked about (the one with the most issues, unless named).
    pub project: String,
    pub events: i64,
    pub rollup_rows: i64,
    /// The rollup built from the database.
    pub build_ms: f64,
    /// Its rows copied into SQLite, indexed and analysed.
    pub copy_ms: f64,
    pub runs: usize,
    pub timings: Vec<Timing>,
}

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Times each insight `runs` times on each engine (medians).
pub fn run(
    db: &mut rusqlite::Connection,
    runs: usize,
    memory_limit_mb: u32,
    project: Option<String>,
) -> Result<Report, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let newest: Option<i64> = db
        .query_row("SELECT max(hour) FROM hourly_counts", [], |r| r.get(0))
        .map_err(sql)?;
    let Some(newest) = newest else {
        return Err("the database has no events to compare on".into());
    };
    let now_ms = newest + super::insights::HOUR_MS / 2;
    let project = match project {
        Some(p) => p,
        None => db
            .query_row(
                "SELECT project_id FROM issues GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .map_err(sql)?,
    };

    let t = Instant::now();
    let duck = Duck::open(None, memory_limit_mb)?;
    let done = duck.sync(db, 0, Taken::Nothing)?;
    let build_ms = ms(t);
    let rollup_rows = duck.rows()?;

    let t = Instant::now();
    let lite = rusqlite::Connection::open_in_memory().map_err(sql)?;
    lite.execute_batch(SQLITE_SCHEMA).map_err(sql)?;
    {
        let tx = lite.unchecked_transaction().map_err(sql)?;
        {
            let mut st = tx
                .prepare("INSERT INTO hourly VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .map_err(sql)?;
            duck.each(
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
                &mut |r| {
                    st.execute(rusqlite::params![
                        r[0].text(),
                        r[1].int(),
                        r[2].int(),
                        r[3].text(),
                        r[4].text(),
                        r[5].int()
                    ])
                    .map(|_| ())
                    .map_err(sql)
                },
            )?;
        }
        tx.commit().map_err(sql)?;
    }
    lite.execute_batch("ANALYZE").map_err(sql)?;
    let copy_ms = ms(t);

    let ask = |hours: i64, environment: Option<&str>| Ask {
        filter: engine::Filter {
            projects: Some(vec![project.clone()]),
            environment: environment.map(str::to_string),
        },
        hours,
        limit: 20,
        now_ms,
        fingerprint: None,
        threshold: 2.5,
    };
    let mut cases: Vec<(Insight, String, Ask)> = Vec::new();
    for which in Insight::ALL {
        for hours in [72, 720] {
            cases.push((which, format!("{hours} h"), ask(hours, None)));
        }
    }
    cases.push((
        Insight::Spikes,
        "720 h, production".into(),
        ask(720, Some("production")),
    ));
    let mut timings = Vec::new();
    for (which, window, a) in cases {
        let time = |e: &dyn Engine| -> Result<(f64, serde_json::Value), String> {
            let mut v = Vec::new();
            let mut answer = serde_json::Value::Null;
            for _ in 0..runs.max(1) {
                let t = Instant::now();
                answer = compute(which, e, &*db, &a)?;
                v.push(ms(t));
            }
            Ok((median(v), answer))
        };
        let (duckdb_ms, d) = time(&duck)?;
        let (sqlite_ms, s) = time(&engine::Sqlite(&lite))?;
        if d != s {
            return Err(format!(
                "{} ({window}): DuckDB and SQLite disagree:\n{d}\n{s}",
                which.name()
            ));
        }
        timings.push(Timing {
            insight: which.name(),
            window,
            duckdb_ms,
            sqlite_ms,
        });
    }
    Ok(Report {
        project,
        events: done.events,
        rollup_rows,
        build_ms,
        copy_ms,
        runs: runs.max(1),
        timings,
    })
}
