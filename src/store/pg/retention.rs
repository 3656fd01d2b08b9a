//! Retention on PostgreSQL (what `crate::retention::prune` does on SQLite): raw events past
//! their project's retention, hourly counts past the trend horizon. Whole days of events that
//! every project is done with go by dropping their partition (first, so nothing is deleted row
//! by row that a drop would take); a project with a shorter retention than others loses its
//! older events in chunks, each its own transaction.

use super::{partitions, Pg};
use crate::retention::{ProjectPrune, PruneOptions, PruneReport, RAW_DAYS_SETTING};
use crate::store::{now_ms, StoreError};

/// Rows deleted per transaction.
const CHUNK: i64 = 5_000;

/// Days raw events are kept by default: the runtime setting, else `configured`.
pub async fn default_days(pg: &Pg, configured: u32) -> Result<u32, StoreError> {
    Ok(super::settings::get(pg, RAW_DAYS_SETTING)
        .await?
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|d| *d > 0)
        .unwrap_or(configured))
}

pub async fn prune(
    pg: &Pg,
    cfg: &crate::config::RetentionConfig,
    opts: &PruneOptions<'_>,
    mut progress: impl FnMut(i64),
) -> Result<PruneReport, StoreError> {
    crate::retention::check_options(opts)?;
    let fallback = default_days(pg, cfg.raw_events_days).await?;
    let mut c = pg.client().await?;
    let all: Vec<(String, Option<i64>)> = c
        .query("SELECT id, retention_days FROM projects ORDER BY id", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let keep = |own: Option<i64>| -> u32 {
        opts.days
            .or(own.and_then(|d| u32::try_from(d).ok()))
            .unwrap_or(fallback)
    };
    let projects: Vec<&(String, Option<i64>)> = all
        .iter()
        .filter(|(id, _)| opts.project.is_none_or(|p| p == id))
        .collect();
    if let Some(p) = opts.project {
        if projects.is_empty() {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    let now = now_ms();
    let day = partitions::DAY_MS;
    let mut report = PruneReport {
        dry_run: opts.dry_run,
        events: 0,
        traces: 0,
        hourly_counts: 0,
        orphaned_samples: 0,
        projects: Vec::new(),
    };
    // Days no project keeps any more: counted per project, then their partitions dropped.
    let mut dropped: std::collections::HashMap<String, i64> = Default::default();
    if opts.project.is_none() && !opts.dry_run {
        let longest = all
            .iter()
            .map(|(_, own)| keep(*own))
            .max()
            .unwrap_or(fallback);
        let cutoff = now - i64::from(longest) * day;
        let boundary = cutoff.div_euclid(day) * day;
        for r in c
            .query(
                "SELECT i.project_id, count(*) FROM events e JOIN issues i ON i.id = e.issue_id
                 WHERE e.received_at < $1 GROUP BY i.project_id",
                &[&boundary],
            )
            .await?
        {
            dropped.insert(r.get(0), r.get(1));
        }
        partitions::drop_before(&mut c, cutoff).await?;
    }
    for (id, own) in projects {
        let keep_days = keep(*own);
        let cutoff = now - i64::from(keep_days) * day;
        let n = if opts.dry_run {
            c.query_one(
                "SELECT count(*) FROM events WHERE received_at < $2
                 AND issue_id IN (SELECT id FROM issues WHERE project_id = $1)",
                &[id, &cutoff],
            )
            .await?
            .get(0)
        } else {
            let mut total = 0i64;
            loop {
                let n = c
                    .execute(
                        "DELETE FROM events WHERE (id, received_at) IN (
                             SELECT id, received_at FROM events WHERE received_at < $2
                             AND issue_id IN (SELECT id FROM issues WHERE project_id = $1)
                             LIMIT $3)",
                        &[id, &cutoff, &CHUNK],
                    )
                    .await? as i64;
                total += n;
                progress(report.events + total);
                if n < CHUNK {
                    break;
                }
            }
            total + dropped.get(id).copied().unwrap_or(0)
        };
        report.events += n;
        #[cfg(feature = "llm-tracing")]
        let traces = super::llm_write::prune_traces(pg, id, cutoff, opts.dry_run).await?;
        #[cfg(not(feature = "llm-tracing"))]
        let traces = 0;
        report.traces += traces;
        report.projects.push(ProjectPrune {
            project: id.clone(),
            retention_days: keep_days,
            events: n,
            traces,
        });
    }
    if opts.project.is_none() {
        let horizon = now - i64::from(cfg.hourly_counts_days) * day;
        if opts.dry_run {
            report.hourly_counts = c
                .query_one(
                    "SELECT count(*) FROM hourly_counts WHERE hour < $1",
                    &[&horizon],
                )
                .await?
                .get(0);
        } else {
            loop {
                let n = c
                    .execute(
                        "DELETE FROM hourly_counts WHERE (hour, issue_id) IN (
                             SELECT hour, issue_id FROM hourly_counts WHERE hour < $1 LIMIT $2)",
                        &[&horizon, &CHUNK],
                    )
                    .await? as i64;
                report.hourly_counts += n;
                if n < CHUNK {
                    break;
                }
            }
            c.execute("DELETE FROM project_hourly WHERE hour < $1", &[&horizon])
                .await?;
            c.execute("DELETE FROM release_hours WHERE hour < $1", &[&horizon])
                .await?;
            #[cfg(feature = "llm-tracing")]
            super::llm_write::prune_rollups(pg, horizon).await?;
        }
        // Samples follow their issue by foreign key: none are ever orphaned here.
    }
    Ok(report)
}
