//! The writer loop: take everything queued (up to `flush_batch_size`), group it by issue, write
//! it in one transaction, repeat. Never waits when the queue is empty; never discards a batch.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rand::Rng;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::mpsc;

use super::{backoff, Accepted, Msg, Stats};
use crate::store::ingest::{self, GroupSummary};
use crate::store::now_ms;

/// What changed in one committed flush, for the alert evaluator.
#[derive(Debug, Clone)]
pub struct FlushReport {
    pub committed_at: i64,
    pub changes: Vec<IssueChange>,
}

/// Events of one issue in a flush with the same environment, source and release.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub environment: String,
    pub source: String,
    pub release: String,
    pub count: u64,
}

/// One issue touched by a flush.
#[derive(Debug, Clone)]
pub struct IssueChange {
    pub issue_id: i64,
    pub project_id: Arc<str>,
    pub fingerprint: String,
    /// Events for this issue in the flush.
    pub count: u64,
    pub is_new: bool,
    pub regressed: bool,
    /// The first event of the group (for the alert's text).
    pub sample: Box<Accepted>,
    /// The group's events by environment, source and release (for alert filters).
    pub breakdown: Vec<Breakdown>,
}

pub(super) struct WriterLoop {
    pub conn: Connection,
    pub rx: mpsc::Receiver<Msg>,
    pub batch_size: usize,
    pub reservoir: usize,
    pub stats: Arc<Stats>,
    pub reports: Option<mpsc::Sender<FlushReport>>,
    /// When the writer last let the WAL catch up (see [`WriterLoop::bound_wal`]).
    pub last_wal_check: std::time::Instant,
}

/// How often, under load, the writer lets the WAL restart.
const WAL_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl WriterLoop {
    pub fn run(mut self) {
        let mut batch: Vec<Accepted> = Vec::with_capacity(self.batch_size);
        let mut closing = false;
        loop {
            if !closing {
                match self.rx.blocking_recv() {
                    Some(Msg::Event(a)) => batch.push(*a),
                    Some(Msg::Shutdown) => {
                        closing = true;
                        // Refuse new events; what is already queued is still delivered below.
                        self.rx.close();
                    }
                    None => closing = true,
                }
            }
            while batch.len() < self.batch_size {
                match self.rx.try_recv() {
                    Ok(Msg::Event(a)) => batch.push(*a),
                    Ok(Msg::Shutdown) => {
                        closing = true;
                        self.rx.close();
                    }
                    Err(_) => break,
                }
            }
            if !batch.is_empty() {
                self.flush(&mut batch);
                self.bound_wal();
            } else if closing {
                tracing::debug!("writer drained; exiting");
                return;
            }
        }
    }

    /// Keeps the WAL from growing without bound under sustained load. The checkpoint thread copies
    /// frames back in the background, but SQLite only starts the WAL over when a checkpoint has
    /// caught up with the last commit at the moment the next write begins; with commits every few
    /// milliseconds that moment never comes, and the WAL (and its shared-memory index, which
    /// counts as resident memory) grew by ~80 MB/s in the batch benchmark. Once a second the
    /// writer itself finishes the checkpoint between two transactions (usually a few frames,
    /// since the background thread did the bulk), so the next transaction restarts the WAL.
    fn bound_wal(&mut self) {
        if self.last_wal_check.elapsed() < WAL_CHECK_EVERY {
            return;
        }
        self.last_wal_check = std::time::Instant::now();
        if let Err(e) = crate::store::checkpoint(&self.conn) {
            tracing::debug!(error = %e, "writer checkpoint skipped");
        }
    }

    /// Writes `batch` and clears it, retrying with backoff until it is committed.
    fn flush(&mut self, batch: &mut Vec<Accepted>) {
        let mut attempt = 0;
        loop {
            match write_batch(
                &mut self.conn,
                batch,
                self.reservoir,
                self.reports.is_some(),
            ) {
                Ok(changes) => {
                    let now = now_ms();
                    self.stats
                        .written
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                    self.stats.last_flush_ms.store(now, Ordering::Relaxed);
                    if attempt > 0 {
                        tracing::info!(attempts = attempt + 1, "flush succeeded after retrying");
                        if let Ok(mut e) = self.stats.flush_error.lock() {
                            *e = None;
                        }
                    }
                    if let Some(tx) = &self.reports {
                        // Alerting must never slow ingest: if the evaluator is behind, this
                        // flush is not evaluated (and that is logged).
                        if tx
                            .try_send(FlushReport {
                                committed_at: now,
                                changes,
                            })
                            .is_err()
                        {
                            tracing::warn!("alert evaluator is behind; a flush was not evaluated");
                        }
                    }
                    batch.clear();
                    return;
                }
                Err(e) => {
                    let wait = backoff(attempt);
                    tracing::error!(
                        error = %e,
                        events = batch.len(),
                        retry_in_ms = wait.as_millis() as u64,
                        "flush failed; keeping the batch and retrying"
                    );
                    if let Ok(mut slot) = self.stats.flush_error.lock() {
                        *slot = Some(e.to_string());
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }
}

/// Writes one batch in one transaction: events grouped by (project, fingerprint) so each issue
/// row is written once. With `report`, returns what changed per issue (for alerting).
/// Public for the flush benchmark.
pub fn write_batch(
    conn: &mut Connection,
    batch: &[Accepted],
    reservoir: usize,
    report: bool,
) -> rusqlite::Result<Vec<IssueChange>> {
    // Group in arrival order.
    let mut index: HashMap<(&str, &str), usize> = HashMap::with_capacity(batch.len());
    let mut groups: Vec<Vec<&Accepted>> = Vec::new();
    for a in batch {
        let key = (&*a.project_id, a.fingerprint.as_str());
        let slot = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[slot].push(a);
    }

    let mut rng = rand::rng();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut changes = Vec::with_capacity(if report { groups.len() } else { 0 });
    let mut values = Vec::with_capacity(groups.len());
    let mut pending = ingest::Pending::default();
    for group in &groups {
        let GroupSummary {
            issue_id,
            is_new,
            regressed,
            previous_count,
            issue_values,
        } = ingest::write_group(&tx, group, &mut pending)?;
        values.push((issue_id, issue_values));
        // Uniform reservoir sampling: the k-th event of the issue (1-based) takes slot k-1 while
        // the reservoir fills, then replaces a random slot with probability reservoir / k.
        for (i, a) in group.iter().enumerate() {
            let k = previous_count + i as u64 + 1;
            let slot = if k <= reservoir as u64 {
                Some(k - 1)
            } else {
                let r = rng.random_range(0..k);
                (r < reservoir as u64).then_some(r)
            };
            if let Some(slot) = slot {
                ingest::put_sample(&tx, issue_id, slot as i64, a)?;
            }
        }
        if !report {
            continue;
        }
        let first = group[0];
        let mut breakdown: Vec<Breakdown> = Vec::new();
        for a in group {
            let e = &a.event;
            match breakdown.iter_mut().find(|b| {
                b.environment == e.environment && b.source == e.source && b.release == e.release
            }) {
                Some(b) => b.count += 1,
                None => breakdown.push(Breakdown {
                    environment: e.environment.clone(),
                    source: e.source.clone(),
                    release: e.release.clone(),
                    count: 1,
                }),
            }
        }
        changes.push(IssueChange {
            issue_id,
            project_id: first.project_id.clone(),
            fingerprint: first.fingerprint.clone(),
            count: group.len() as u64,
            is_new,
            regressed,
            sample: Box::new(first.clone()),
            breakdown,
        });
    }
    let rows: Vec<(i64, &ingest::IssueValues, &Accepted)> = groups
        .iter()
        .zip(&values)
        .flat_map(|(g, (id, iv))| g.iter().map(move |a| (*id, iv, *a)))
        .collect();
    ingest::insert_events(&tx, &rows)?;
    ingest::write_pending(&tx, &pending)?;
    ingest::add_project_hours(&tx, batch)?;
    tx.commit()?;
    Ok(changes)
}
