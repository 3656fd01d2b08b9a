//! Retention: removes raw events older than the project's retention (server time), in chunks so
//! the ingest writer is never blocked for long. Issues, counts and samples are kept. What both
//! `bloop prune` and the server's prune loop call.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::store::{now_ms, StoreError};

/// Rows deleted per transaction.
const CHUNK: i64 = 5_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProjectPrune {
    pub project: String,
    pub retention_days: u32,
    /// Events removed (or that would be, with `dry_run`).
    pub events: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PruneReport {
    pub dry_run: bool,
    pub events: i64,
    pub projects: Vec<ProjectPrune>,
}

/// Prunes raw events. `days` overrides every project's retention; `project` limits the run.
pub fn prune(
    conn: &Connection,
    default_days: u32,
    days: Option<u32>,
    project: Option<&str>,
    dry_run: bool,
) -> Result<PruneReport, StoreError> {
    if days == Some(0) {
        return Err(StoreError::Invalid {
            field: "days".into(),
            message: "must be at least 1".into(),
        });
    }
    let projects: Vec<(String, Option<u32>)> = {
        let mut st = conn.prepare(
            "SELECT id, retention_days FROM projects WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        )?;
        let rows = st
            .query_map([project], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    if let Some(p) = project {
        if projects.is_empty() {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    let now = now_ms();
    let mut report = PruneReport {
        dry_run,
        events: 0,
        projects: Vec::new(),
    };
    for (id, own) in projects {
        let keep_days = days.or(own).unwrap_or(default_days);
        let cutoff = now - keep_days as i64 * DAY_MS;
        let n = if dry_run {
            conn.query_row(
                "SELECT count(*) FROM events WHERE received_at < ?2
                 AND issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
                params![id, cutoff],
                |r| r.get(0),
            )?
        } else {
            let mut total = 0i64;
            loop {
                let n = conn.execute(
                    "DELETE FROM events WHERE id IN (
                         SELECT id FROM events WHERE received_at < ?2
                         AND issue_id IN (SELECT id FROM issues WHERE project_id = ?1)
                         LIMIT ?3)",
                    params![id, cutoff, CHUNK],
                )? as i64;
                total += n;
                if n < CHUNK {
                    break;
                }
            }
            total
        };
        report.events += n;
        report.projects.push(ProjectPrune {
            project: id,
            retention_days: keep_days,
            events: n,
        });
    }
    Ok(report)
}
