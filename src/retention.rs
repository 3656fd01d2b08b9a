//! Retention: removes raw events older than their project's retention (server time, never the
//! client's clock), hourly counts past the trend horizon, and samples of issues that no longer
//! exist. Issues (aggregates) and their samples are kept. Deletes go in small chunks, each its
//! own transaction, so a prune of millions of rows never holds the write lock for long and
//! ingest keeps flowing. What both `bloop prune` and the server's prune loop call.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::store::{self, now_ms, StoreError};

/// Rows deleted per transaction (a few milliseconds of write lock each).
const CHUNK: i64 = 1_000;
/// Pause between chunks: SQLite's lock is not fair, so without it a long prune could keep the
/// ingest writer waiting for many chunks in a row.
const PAUSE: std::time::Duration = std::time::Duration::from_millis(50);
const DAY_MS: i64 = 86_400_000;
/// Settings key for the runtime override of `retention.raw_events_days`.
pub const RAW_DAYS_SETTING: &str = "retention.raw_events_days";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ProjectPrune {
    pub project: String,
    pub retention_days: u32,
    /// Events removed (or that would be, with `dry_run`).
    pub events: i64,
    /// LLM traces (with their spans) received before the cutoff.
    #[serde(default)]
    pub traces: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct PruneReport {
    pub dry_run: bool,
    pub events: i64,
    /// LLM traces removed (their spans, scores and feedback go with them).
    #[serde(default)]
    pub traces: i64,
    pub hourly_counts: i64,
    pub orphaned_samples: i64,
    pub projects: Vec<ProjectPrune>,
}

/// The raw-event retention in force: the runtime setting if set, else the configuration.
pub fn default_days(conn: &Connection, configured: u32) -> Result<u32, StoreError> {
    Ok(store::setting(conn, RAW_DAYS_SETTING)?
        .and_then(|v| v.parse().ok())
        .filter(|d| *d > 0)
        .unwrap_or(configured))
}

/// What a prune should do.
#[derive(Debug, Clone, Default)]
pub struct PruneOptions<'a> {
    /// Overrides every project's retention.
    pub days: Option<u32>,
    pub project: Option<&'a str>,
    pub dry_run: bool,
}

/// Prunes with the configured defaults (`raw_events_days`, `hourly_counts_days`).
/// Removes a project's LLM traces received before `cutoff`, a chunk per transaction (spans,
/// scores and feedback follow by cascade; the search index row by hand). The hourly usage
/// rollups stay: they follow `retention.hourly_counts_days`.
fn prune_traces(
    conn: &Connection,
    project: &str,
    cutoff: i64,
    dry_run: bool,
) -> Result<i64, StoreError> {
    if dry_run {
        return Ok(conn.query_row(
            "SELECT count(*) FROM llm_traces WHERE project_id = ?1 AND received_at < ?2",
            params![project, cutoff],
            |r| r.get(0),
        )?);
    }
    let mut total = 0;
    loop {
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        const CHUNK_OF_TRACES: &str = "SELECT pk FROM llm_traces INDEXED BY llm_traces_received
             WHERE project_id = ?1 AND received_at < ?2 ORDER BY received_at LIMIT ?3";
        // Out of their sessions first (the hourly rollups follow their own retention).
        let mut rollups = store::llm_rollups::Rollups::default();
        {
            let mut st = tx.prepare(CHUNK_OF_TRACES)?;
            let pks = st.query_map(params![project, cutoff, CHUNK], |r| r.get::<_, i64>(0))?;
            for pk in pks {
                rollups.prune(project, &store::llm_rollups::TraceSums::read(&tx, pk?)?);
            }
        }
        tx.execute(
            &format!("DELETE FROM llm_search WHERE rowid IN ({CHUNK_OF_TRACES})"),
            params![project, cutoff, CHUNK],
        )?;
        let n = tx.execute(
            &format!("DELETE FROM llm_traces WHERE pk IN ({CHUNK_OF_TRACES})"),
            params![project, cutoff, CHUNK],
        )? as i64;
        rollups.write(&tx)?;
        tx.commit()?;
        total += n;
        if n < CHUNK {
            // What filing LLM errors as issues remembered of those traces (see
            // `pipeline::llm_errors`); spans still waiting to be filed stay.
            conn.execute(
                "DELETE FROM llm_error_spans WHERE project_id = ?1 AND done = 1 AND due_at < ?2",
                params![project, cutoff],
            )?;
            conn.execute(
                "DELETE FROM llm_reported_traces WHERE project_id = ?1 AND reported_at < ?2",
                params![project, cutoff],
            )?;
            prune_links(conn, project, cutoff)?;
            return Ok(total);
        }
        std::thread::sleep(PAUSE);
    }
}

/// Removes a project's issue-to-trace links first seen before `cutoff` whose trace is not
/// stored (pruned, never sent, or another project's), a chunk per transaction: they add nothing
/// to what the issue cost, and would otherwise pile up for as long as the issue lives. A link
/// whose trace is still there stays.
fn prune_links(conn: &Connection, project: &str, cutoff: i64) -> rusqlite::Result<()> {
    loop {
        let n = conn.execute(
            "DELETE FROM issue_traces WHERE (issue_id, trace_id) IN (
                 SELECT issue_id, trace_id FROM issue_traces l
                 WHERE l.project_id = ?1 AND l.first_seen < ?2
                   AND NOT EXISTS (SELECT 1 FROM llm_traces t
                                   WHERE t.project_id = l.project_id AND t.id = l.trace_id)
                 LIMIT ?3)",
            params![project, cutoff, CHUNK],
        )? as i64;
        if n < CHUNK {
            return Ok(());
        }
        std::thread::sleep(PAUSE);
    }
}

/// Refuses a prune that would keep 0 days.
pub fn check_options(opts: &PruneOptions<'_>) -> Result<(), StoreError> {
    if opts.days == Some(0) {
        return Err(StoreError::Invalid {
            field: "days".into(),
            message: "must be at least 1".into(),
        });
    }
    Ok(())
}

pub fn prune(
    conn: &Connection,
    cfg: &crate::config::RetentionConfig,
    opts: &PruneOptions<'_>,
    mut progress: impl FnMut(i64),
) -> Result<PruneReport, StoreError> {
    check_options(opts)?;
    let fallback = default_days(conn, cfg.raw_events_days)?;
    let projects: Vec<(String, Option<u32>)> = {
        let mut st = conn.prepare(
            "SELECT id, retention_days FROM projects WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        )?;
        let rows = st
            .query_map([opts.project], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    if let Some(p) = opts.project {
        if projects.is_empty() {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    let now = now_ms();
    let mut report = PruneReport {
        dry_run: opts.dry_run,
        events: 0,
        traces: 0,
        hourly_counts: 0,
        orphaned_samples: 0,
        projects: Vec::new(),
    };
    for (id, own) in projects {
        let keep_days = opts.days.or(own).unwrap_or(fallback);
        let cutoff = now - keep_days as i64 * DAY_MS;
        let n = if opts.dry_run {
            conn.query_row(
                "SELECT count(*) FROM events INDEXED BY events_received WHERE received_at < ?2
                 AND issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
                params![id, cutoff],
                |r| r.get(0),
            )?
        } else {
            chunked(conn, &mut progress, report.events, |c| {
                // INDEXED BY: walk the time index from the oldest row. Left to itself the
                // planner may scan every event of the project through `issue_id IN (…)`,
                // holding the write lock for seconds while finding nothing to delete. The
                // same chunk leaves `event_issues` in the same transaction.
                const CHUNK_OF_EVENTS: &str = "SELECT {cols} FROM events INDEXED BY events_received
                     WHERE received_at < ?2
                     AND issue_id IN (SELECT id FROM issues WHERE project_id = ?1)
                     ORDER BY received_at LIMIT ?3";
                let tx = rusqlite::Transaction::new_unchecked(
                    c,
                    rusqlite::TransactionBehavior::Immediate,
                )?;
                tx.execute(
                    &format!(
                        "DELETE FROM event_issues WHERE (issue_id, id) IN ({})",
                        CHUNK_OF_EVENTS.replace("{cols}", "issue_id, id")
                    ),
                    params![id, cutoff, CHUNK],
                )?;
                let n = tx.execute(
                    &format!(
                        "DELETE FROM events WHERE id IN ({})",
                        CHUNK_OF_EVENTS.replace("{cols}", "id")
                    ),
                    params![id, cutoff, CHUNK],
                )?;
                tx.commit()?;
                Ok(n)
            })?
        };
        report.events += n;
        let traces = prune_traces(conn, &id, cutoff, opts.dry_run)?;
        report.traces += traces;
        report.projects.push(ProjectPrune {
            project: id,
            retention_days: keep_days,
            events: n,
            traces,
        });
    }
    if opts.project.is_none() {
        let horizon = now - cfg.hourly_counts_days as i64 * DAY_MS;
        if opts.dry_run {
            report.hourly_counts = conn.query_row(
                "SELECT count(*) FROM hourly_counts WHERE hour < ?1",
                [horizon],
                |r| r.get(0),
            )?;
            report.orphaned_samples = conn.query_row(
                "SELECT count(*) FROM samples WHERE issue_id NOT IN (SELECT id FROM issues)",
                [],
                |r| r.get(0),
            )?;
        } else {
            report.hourly_counts = chunked(conn, &mut |_| {}, 0, |c| {
                c.execute(
                    "DELETE FROM hourly_counts WHERE (hour, issue_id) IN (
                         SELECT hour, issue_id FROM hourly_counts WHERE hour < ?1 LIMIT ?2)",
                    params![horizon, CHUNK],
                )
            })?;
            conn.execute("DELETE FROM project_hourly WHERE hour < ?1", [horizon])?;
            conn.execute("DELETE FROM release_hours WHERE hour < ?1", [horizon])?;
            conn.execute("DELETE FROM llm_usage_hourly WHERE hour < ?1", [horizon])?;
            for table in [
                "llm_latency_hourly",
                "llm_prompt_hourly",
                "llm_tool_hourly",
                "llm_tool_latency_hourly",
            ] {
                conn.execute(&format!("DELETE FROM {table} WHERE hour < ?1"), [horizon])?;
            }
            // A day goes when all of it is past the horizon.
            for table in ["llm_latency_daily", "llm_user_daily"] {
                conn.execute(
                    &format!("DELETE FROM {table} WHERE day + 86400000 <= ?1"),
                    [horizon],
                )?;
            }
            report.orphaned_samples = conn.execute(
                "DELETE FROM samples WHERE issue_id NOT IN (SELECT id FROM issues)",
                [],
            )? as i64;
        }
    }
    Ok(report)
}

/// Repeats `delete` (one chunk per call, each its own implicit transaction) until a chunk comes
/// back short; reports the running total.
fn chunked(
    conn: &Connection,
    progress: &mut dyn FnMut(i64),
    base: i64,
    delete: impl Fn(&Connection) -> rusqlite::Result<usize>,
) -> Result<i64, StoreError> {
    let mut total = 0i64;
    loop {
        let n = delete(conn)? as i64;
        total += n;
        progress(base + total);
        if n < CHUNK {
            return Ok(total);
        }
        std::thread::sleep(PAUSE);
    }
}
