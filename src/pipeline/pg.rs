//! The writer on PostgreSQL: the same loop as on SQLite (take what is queued, gather a little
//! under load, one transaction per batch, never drop a batch), flushing through
//! [`crate::store::pg::ingest`] on its own connection and runtime. A deadlock or serialization
//! failure (another node's flush) retries the whole batch at once; other failures back off.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::writer::{breakdown, FlushReport, IssueChange, LINGER};
use super::{backoff, Accepted, Msg, Record, Stats};
use crate::store::pg::{self, Pg};
use crate::store::{now_ms, StoreError};

pub(super) struct PgWriterLoop {
    pub rt: tokio::runtime::Runtime,
    /// A pool of one connection, made on `rt` (its connection task runs there).
    pub pg: Pg,
    pub rx: mpsc::Receiver<Msg>,
    pub batch_size: usize,
    pub reservoir: usize,
    pub stats: Arc<Stats>,
    pub reports: Option<super::Reports>,
    /// The day whose partitions were last made sure of.
    pub partitions_day: Option<i64>,
}

impl PgWriterLoop {
    pub fn run(mut self) {
        let mut batch: Vec<Arc<Accepted>> = Vec::with_capacity(self.batch_size);
        let mut closing = false;
        let mut last_commit: Option<Instant> = None;
        loop {
            if !closing {
                match self.rx.blocking_recv() {
                    Some(Msg::Record(Record::Error(a))) => batch.push(a),
                    Some(Msg::Shutdown) | None => {
                        closing = true;
                        self.rx.close();
                    }
                }
            }
            closing |= self.drain(&mut batch);
            if !closing && batch.len() < self.batch_size {
                if let Some(wait) = last_commit.and_then(|t| LINGER.checked_sub(t.elapsed())) {
                    std::thread::sleep(wait);
                    closing |= self.drain(&mut batch);
                }
            }
            if !batch.is_empty() {
                self.flush(&mut batch);
                last_commit = Some(Instant::now());
            } else if closing {
                tracing::debug!("writer drained; exiting");
                return;
            }
        }
    }

    fn drain(&mut self, batch: &mut Vec<Arc<Accepted>>) -> bool {
        let mut closing = false;
        while batch.len() < self.batch_size {
            match self.rx.try_recv() {
                Ok(Msg::Record(Record::Error(a))) => batch.push(a),
                Ok(Msg::Shutdown) => {
                    closing = true;
                    self.rx.close();
                }
                Err(_) => break,
            }
        }
        closing
    }

    /// Writes `batch` and clears it, retrying until it is committed.
    fn flush(&mut self, batch: &mut Vec<Arc<Accepted>>) {
        #[cfg(debug_assertions)]
        if let Some(m) = std::env::var_os("BLOOP_FAULT_WRITER_PANIC") {
            if batch.iter().any(|a| m == a.event.message.as_str()) {
                panic!("injected fault: BLOOP_FAULT_WRITER_PANIC");
            }
        }
        let report = self
            .reports
            .as_ref()
            .filter(|r| r.wanted.load(Ordering::Acquire))
            .is_some();
        let mut attempt = 0u32;
        loop {
            let started = Instant::now();
            let r = self.rt.block_on(write_batch(
                &self.pg,
                &mut self.partitions_day,
                batch,
                self.reservoir,
                report,
            ));
            match r {
                Ok((written, changes)) => {
                    let now = now_ms();
                    self.stats.record_flush(started.elapsed());
                    self.stats
                        .written
                        .fetch_add(written as u64, Ordering::Relaxed);
                    self.stats.last_flush_ms.store(now, Ordering::Relaxed);
                    if attempt > 0 {
                        if let Ok(mut e) = self.stats.flush_error.lock() {
                            *e = None;
                        }
                    }
                    if let Some(r) = self.reports.as_ref().filter(|_| report) {
                        let sent = r.tx.try_send(FlushReport {
                            committed_at: now,
                            first_committed_at: now,
                            changes,
                        });
                        if sent.is_err() {
                            tracing::warn!("alert evaluator is behind; a flush was not evaluated");
                        }
                    }
                    batch.clear();
                    return;
                }
                Err(e) if e.is_conflict() => {
                    // Another node's flush took the same rows in another order (should not
                    // happen: every statement is key-ordered) or the snapshot moved: retry now.
                    self.stats.conflicts.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, events = batch.len(), "flush conflicted with another writer; retrying");
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(rand::random_range(1..20)));
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

/// One flush: events grouped by (project, fingerprint), the groups in key order, one
/// transaction. Returns the events written and, when `report`, what changed per issue.
pub async fn write_batch(
    pg: &Pg,
    partitions_day: &mut Option<i64>,
    batch: &[Arc<Accepted>],
    reservoir: usize,
    report: bool,
) -> Result<(usize, Vec<IssueChange>), StoreError> {
    let mut client = pg.client().await?;
    let today = now_ms().div_euclid(pg::partitions::DAY_MS);
    if *partitions_day != Some(today) {
        pg::partitions::ensure(&mut client, now_ms()).await?;
        *partitions_day = Some(today);
    }
    let mut index: HashMap<(&str, &str), usize> = HashMap::with_capacity(batch.len());
    let mut groups: Vec<Vec<&Arc<Accepted>>> = Vec::new();
    for a in batch {
        let key = (&*a.project_id, a.fingerprint.as_str());
        let slot = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[slot].push(a);
    }
    groups.sort_unstable_by(|a, b| {
        (&*a[0].project_id, &a[0].fingerprint).cmp(&(&*b[0].project_id, &b[0].fingerprint))
    });
    let tx = client.transaction().await?;
    let written = pg::ingest::write_groups(&tx, &groups, reservoir, &mut rand::rng()).await?;
    tx.commit().await?;
    let changes = if report {
        written
            .groups
            .iter()
            .map(|g| {
                let group = &groups[g.group];
                let first = group[0];
                IssueChange {
                    issue_id: g.issue_id,
                    project_id: first.project_id.clone(),
                    fingerprint: first.fingerprint.clone(),
                    count: group.len() as u64,
                    is_new: g.is_new,
                    regressed: g.regressed,
                    sample: Arc::clone(first),
                    breakdown: breakdown(group.iter().map(|a| &***a)),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((written.events, changes))
}
