//! The writer loop: take everything queued (up to `flush_batch_size`), group it by issue, write
//! it in one transaction, repeat. Never waits when the queue is empty; never discards a batch.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rand::Rng;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::mpsc;

use super::{Accepted, Msg, Record, Stats};
use crate::store::ingest::{self, GroupSummary};

/// What changed in one committed flush, for the alert evaluator.
#[derive(Debug, Clone)]
pub struct FlushReport {
    /// When the flush committed (for reports merged by the evaluator: the latest).
    pub committed_at: i64,
    /// The earliest commit among merged reports (equal to `committed_at` for one flush).
    pub first_committed_at: i64,
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
    pub sample: Arc<Accepted>,
    /// The group's events by environment, source and release (for alert filters).
    pub breakdown: Vec<Breakdown>,
}

pub(super) struct WriterLoop {
    pub conn: Connection,
    pub rx: mpsc::Receiver<Msg>,
    pub batch_size: usize,
    pub reservoir: usize,
    pub stats: Arc<Stats>,
    pub reports: Option<super::Reports>,
    /// Where each commit's sums go for the analytics rollup.
    pub feed: Arc<super::feed::Feed>,
    /// What the writer knows of the issue rows it wrote (see [`ingest::IssueCache`]).
    pub cache: ingest::IssueCache,
    /// When the writer last indexed events and let the WAL catch up (see
    /// [`WriterLoop::housekeeping`]).
    pub last_housekeeping: std::time::Instant,
    /// Traces and their updates, when LLM tracing is on.
    #[cfg(feature = "llm-tracing")]
    pub llm: Option<super::llm::LlmSide>,
    /// Waits on both queues at once (a runtime without I/O or timers, on this thread only).
    #[cfg(feature = "llm-tracing")]
    pub rt: Option<tokio::runtime::Runtime>,
    /// Files LLM error spans as error events when they are due.
    #[cfg(feature = "llm-tracing")]
    pub filer: Option<super::llm_errors::Filer>,
}

/// What the writer waits for.
enum Next {
    Error(Arc<Accepted>),
    #[cfg(feature = "llm-tracing")]
    Trace(Box<super::llm::LlmRecord>),
    /// Queued LLM errors are due.
    #[cfg(feature = "llm-tracing")]
    Due,
    Shutdown,
}

impl From<Msg> for Next {
    fn from(m: Msg) -> Next {
        match m {
            Msg::Record(Record::Error(a)) => Next::Error(a),
            Msg::Shutdown => Next::Shutdown,
        }
    }
}

/// The shortest time between two commits while events keep arriving (see [`WriterLoop::run`]).
/// Under single-event load the writer otherwise committed every few events: with each commit
/// rewriting the same hot pages, it took about half a core that the HTTP side needed.
pub(super) const LINGER: std::time::Duration = std::time::Duration::from_millis(2);

/// How often, under load, the writer files events under their issues and lets the WAL restart.
const WAL_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl WriterLoop {
    pub fn run(mut self) {
        let mut batch: Vec<Arc<Accepted>> = Vec::with_capacity(self.batch_size);
        #[cfg(feature = "llm-tracing")]
        let mut traces: Vec<super::llm::LlmRecord> = Vec::new();
        let mut closing = false;
        let mut last_commit: Option<std::time::Instant> = None;
        loop {
            if !closing {
                match self.next() {
                    Some(Next::Error(a)) => batch.push(a),
                    #[cfg(feature = "llm-tracing")]
                    Some(Next::Trace(r)) => traces.push(*r),
                    #[cfg(feature = "llm-tracing")]
                    Some(Next::Due) => {}
                    Some(Next::Shutdown) => {
                        closing = true;
                        // Refuse new events; what is already queued is still delivered below.
                        self.rx.close();
                    }
                    None => closing = true,
                }
            }
            closing |= self.drain(&mut batch);
            // Under load (the last commit was moments ago) gather a little longer, so commits
            // come at most every `LINGER` instead of one per few events. After a quiet spell
            // there is no wait: a lone event is committed at once.
            if !closing && batch.len() < self.batch_size {
                if let Some(wait) = last_commit.and_then(|t| LINGER.checked_sub(t.elapsed())) {
                    std::thread::sleep(wait);
                    closing |= self.drain(&mut batch);
                }
            }
            let mut wrote = false;
            if !batch.is_empty() {
                self.flush(&mut batch);
                wrote = true;
            }
            #[cfg(feature = "llm-tracing")]
            if let Some(llm) = &mut self.llm {
                if closing {
                    llm.rx.close();
                }
                llm.drain(&mut traces);
                if !traces.is_empty() {
                    let delay = self.filer.as_ref().map(|f| f.delay).unwrap_or_default();
                    if let Some(due) = llm.flush(&mut self.conn, &mut traces, delay) {
                        if let Some(f) = &mut self.filer {
                            f.queued(due);
                        }
                    }
                    wrote = true;
                }
            }
            #[cfg(feature = "llm-tracing")]
            {
                wrote |= self.file_llm_errors();
            }
            if wrote {
                last_commit = Some(std::time::Instant::now());
                self.housekeeping(false);
            } else if closing {
                // Leave nothing for readers to scan after a clean stop.
                self.housekeeping(true);
                tracing::debug!("writer drained; exiting");
                return;
            }
        }
    }

    /// Waits for the next record on either queue (errors first when both have one), or until
    /// queued LLM errors are due.
    fn next(&mut self) -> Option<Next> {
        #[cfg(feature = "llm-tracing")]
        if let (Some(llm), Some(rt)) = (&mut self.llm, &self.rt) {
            let errors = &mut self.rx;
            let due = self
                .filer
                .as_ref()
                .and_then(|f| f.wait(crate::store::now_ms()));
            return rt.block_on(async {
                tokio::select! {
                    biased;
                    m = errors.recv() => m.map(Next::from),
                    Some(r) = llm.rx.recv() => Some(Next::Trace(Box::new(r))),
                    _ = tokio::time::sleep(due.unwrap_or_default()), if due.is_some() => {
                        Some(Next::Due)
                    }
                }
            });
        }
        self.rx.blocking_recv().map(Next::from)
    }

    /// Files the LLM error spans that are due as error events, each chunk in one transaction
    /// with their marking as done. True when it wrote.
    #[cfg(feature = "llm-tracing")]
    fn file_llm_errors(&mut self) -> bool {
        let mut wrote = false;
        loop {
            let now = crate::store::now_ms();
            let Some(filer) = self.filer.as_mut().filter(|f| f.is_due(now)) else {
                return wrote;
            };
            let due = match filer.take(&self.conn, now) {
                Ok(Some(due)) => due,
                Ok(None) => return wrote,
                Err(e) => {
                    tracing::warn!(error = %e, "reading due LLM errors failed; retrying in a second");
                    filer.later(now);
                    return wrote;
                }
            };
            let mut events = due.events.clone();
            if events.is_empty() {
                let done = self
                    .conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .and_then(|tx| {
                        due.mark_done(&tx)?;
                        tx.commit()
                    });
                if let Err(e) = done {
                    tracing::warn!(error = %e, "marking LLM errors done failed; retrying in a second");
                    if let Some(f) = self.filer.as_mut() {
                        f.later(now);
                    }
                    return wrote;
                }
            } else {
                self.flush_with(&mut events, &|tx| due.mark_done(tx));
            }
            wrote = true;
        }
    }

    /// Takes what is queued, up to the batch size. True when asked to shut down.
    fn drain(&mut self, batch: &mut Vec<Arc<Accepted>>) -> bool {
        drain(&mut self.rx, batch, self.batch_size)
    }

    /// Keeps the WAL from growing without bound under sustained load. The checkpoint thread copies
    /// frames back in the background, but SQLite only starts the WAL over when a checkpoint has
    /// caught up with the last commit at the moment the next write begins; with commits every few
    /// milliseconds that moment never comes, and the WAL (and its shared-memory index, which
    /// counts as resident memory) grew by ~80 MB/s in the batch benchmark. Once a second the
    /// writer itself finishes the checkpoint between two transactions (usually a few frames,
    /// since the background thread did the bulk), so the next transaction restarts the WAL.
    ///
    /// At the same pace it files the events written since the last time under their issues
    /// ([`ingest::index_events`]): one sorted insert a second instead of one page per active
    /// issue per commit. `now` does it regardless of the time.
    fn housekeeping(&mut self, now: bool) {
        if !now && self.last_housekeeping.elapsed() < WAL_CHECK_EVERY {
            return;
        }
        self.last_housekeeping = std::time::Instant::now();
        if let Err(e) = index_events(&mut self.conn) {
            // Not lost: the events stay in the tail that readers scan, and the next pass
            // indexes them.
            tracing::warn!(error = %e, "indexing events by issue failed; will retry");
        }
        if let Err(e) = crate::store::checkpoint(&self.conn) {
            tracing::debug!(error = %e, "writer checkpoint skipped");
        }
    }

    /// Writes `batch` and clears it, retrying with backoff until it is committed.
    fn flush(&mut self, batch: &mut Vec<Arc<Accepted>>) {
        self.flush_with(batch, &|_| Ok(()));
    }

    /// [`flush`](Self::flush), with `extra` written in the same transaction.
    pub(super) fn flush_with(&mut self, batch: &mut Vec<Arc<Accepted>>, extra: Extra) {
        // Fault injection for the test that proves a dead writer stops the server with a
        // non-zero exit: debug builds only, never in a release binary.
        #[cfg(debug_assertions)]
        if let Some(m) = std::env::var_os("BLOOP_FAULT_WRITER_PANIC") {
            if batch.iter().any(|a| m == a.event.message.as_str()) {
                panic!("injected fault: BLOOP_FAULT_WRITER_PANIC");
            }
        }
        let mut attempt = 0;
        let report = self
            .reports
            .as_ref()
            .filter(|r| r.wanted.load(Ordering::Acquire));
        let feed = self.feed.wanted().then_some(&*self.feed);
        loop {
            let started = std::time::Instant::now();
            match write_batch_with_rng(
                &mut self.conn,
                &mut self.cache,
                batch,
                self.reservoir,
                Wants {
                    report: report.is_some(),
                    feed,
                },
                &mut rand::rng(),
                extra,
            ) {
                Ok(Flushed { written, changes }) => {
                    let now = self.stats.committed(written, started.elapsed(), attempt);
                    if let Some(r) = report {
                        r.send(changes, now);
                    }
                    batch.clear();
                    return;
                }
                Err(e) => {
                    std::thread::sleep(self.stats.failed(&e, batch.len(), attempt));
                    attempt += 1;
                }
            }
        }
    }
}

/// Takes what `rx` has queued into `batch`, up to `batch_size`. True when asked to shut down
/// (the queue is then closed: what is in it is still delivered).
pub(super) fn drain(
    rx: &mut mpsc::Receiver<Msg>,
    batch: &mut Vec<Arc<Accepted>>,
    batch_size: usize,
) -> bool {
    let mut closing = false;
    while batch.len() < batch_size {
        match rx.try_recv() {
            Ok(Msg::Record(Record::Error(a))) => batch.push(a),
            Ok(Msg::Shutdown) => {
                closing = true;
                rx.close();
            }
            Err(_) => break,
        }
    }
    closing
}

/// A group's events counted by environment, source and release (for alert filters).
pub(super) fn breakdown<'a>(group: impl Iterator<Item = &'a Accepted>) -> Vec<Breakdown> {
    let mut out: Vec<Breakdown> = Vec::new();
    for a in group {
        let e = &a.event;
        match out.iter_mut().find(|b| {
            b.environment == e.environment && b.source == e.source && b.release == e.release
        }) {
            Some(b) => b.count += 1,
            None => out.push(Breakdown {
                environment: e.environment.clone(),
                source: e.source.clone(),
                release: e.release.clone(),
                count: 1,
            }),
        }
    }
    out
}

/// Runs [`ingest::index_events`] in its own transaction.
pub fn index_events(conn: &mut Connection) -> rusqlite::Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = ingest::index_events(&tx)?;
    tx.commit()?;
    Ok(n)
}

/// What one committed batch did.
#[derive(Debug)]
pub struct Flushed {
    /// Events stored (the batch, less events of projects deleted while they were queued).
    pub written: usize,
    /// What changed per issue, when asked for (for alerting).
    pub changes: Vec<IssueChange>,
}

/// What a flush builds besides writing: reports for alerting, sums for the analytics rollup.
#[derive(Clone, Copy, Default)]
struct Wants<'a> {
    report: bool,
    feed: Option<&'a super::feed::Feed>,
}

/// Writes one batch in one transaction: events grouped by (project, fingerprint) so each issue
/// row is written once. Public for the flush benchmark.
pub fn write_batch(
    conn: &mut Connection,
    cache: &mut ingest::IssueCache,
    batch: &[Arc<Accepted>],
    reservoir: usize,
    report: bool,
) -> rusqlite::Result<Flushed> {
    write_batch_with_rng(
        conn,
        cache,
        batch,
        reservoir,
        Wants { report, feed: None },
        &mut rand::rng(),
        &|_| Ok(()),
    )
}

/// Also written in a flush's transaction, after its events (see `llm_errors`).
pub(super) type Extra<'a> = &'a dyn Fn(&rusqlite::Transaction) -> rusqlite::Result<()>;

/// [`write_batch`] with the reservoir sampler's random source given, so tests can seed it.
fn write_batch_with_rng(
    conn: &mut Connection,
    cache: &mut ingest::IssueCache,
    batch: &[Arc<Accepted>],
    reservoir: usize,
    wants: Wants<'_>,
    rng: &mut impl Rng,
    extra: Extra,
) -> rusqlite::Result<Flushed> {
    let flushed = write_batch_in(conn, cache, batch, reservoir, wants, rng, extra);
    if flushed.is_err() {
        // What the failed transaction wrote was rolled back; so is what the cache learned.
        cache.clear();
    }
    flushed
}

fn write_batch_in(
    conn: &mut Connection,
    cache: &mut ingest::IssueCache,
    batch: &[Arc<Accepted>],
    reservoir: usize,
    wants: Wants<'_>,
    rng: &mut impl Rng,
    extra: Extra,
) -> rusqlite::Result<Flushed> {
    let report = wants.report;
    // Group in arrival order.
    let mut index: HashMap<(&str, &str), usize> = HashMap::with_capacity(batch.len());
    let mut groups: Vec<Vec<&Accepted>> = Vec::new();
    // The first event of each group, shared with the alert evaluator without a copy.
    let mut firsts: Vec<&Arc<Accepted>> = Vec::new();
    for a in batch {
        let key = (&*a.project_id, a.fingerprint.as_str());
        let slot = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            firsts.push(a);
            groups.len() - 1
        });
        groups[slot].push(a);
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    cache.sync(&tx)?;
    let mut changes = Vec::with_capacity(if report { groups.len() } else { 0 });
    let mut values = Vec::with_capacity(groups.len());
    let mut pending = ingest::Pending::default();
    for (gi, (group, first)) in groups.iter().zip(&firsts).enumerate() {
        let Some(GroupSummary {
            issue_id,
            is_new,
            regressed,
            previous_count,
            issue_values,
        }) = ingest::write_group(&tx, group, &mut pending, cache)?
        else {
            tracing::warn!(
                project = %first.project_id,
                events = group.len(),
                "project deleted while its events were queued; dropping them"
            );
            continue;
        };
        values.push((gi, issue_id, issue_values));
        for (i, a) in group.iter().enumerate() {
            let k = previous_count + i as u64 + 1;
            if let Some(slot) = ingest::reservoir_slot(k, reservoir, rng) {
                ingest::put_sample(&tx, issue_id, slot as i64, a)?;
            }
        }
        if !report {
            continue;
        }
        let breakdown = breakdown(group.iter().copied());
        changes.push(IssueChange {
            issue_id,
            project_id: first.project_id.clone(),
            fingerprint: first.fingerprint.clone(),
            count: group.len() as u64,
            is_new,
            regressed,
            sample: Arc::clone(first),
            breakdown,
        });
    }
    let rows: Vec<(i64, &ingest::IssueValues, &Accepted)> = values
        .iter()
        .flat_map(|(gi, id, iv)| groups[*gi].iter().map(move |a| (*id, &**iv, *a)))
        .collect();
    let (first_id, tail) = ingest::insert_events(&tx, &rows)?;
    if tail > ingest::INDEX_TAIL_MAX {
        ingest::index_events(&tx)?;
    }
    ingest::write_pending(&tx, &pending)?;
    ingest::add_project_hours(&tx, rows.iter().map(|r| r.2))?;
    #[cfg(feature = "llm-tracing")]
    super::llm_errors::note_traces(&tx, rows.iter().map(|r| (r.0, r.2)))?;
    extra(&tx)?;
    tx.commit()?;
    if let Some(feed) = wants.feed {
        feed.push(first_id, rows.iter().map(|r| (r.0, r.2)));
    }
    Ok(Flushed {
        written: rows.len(),
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IngestConfig;
    use crate::store::{self, now_ms, projects};

    fn accepted(project: &str, fingerprint: &str) -> Arc<Accepted> {
        let body = br#"{"timestamp":1700000000000,"source":"api","environment":"production",
            "release":"1.0.0","error_type":"Boom","message":"it broke"}"#;
        Arc::new(Accepted {
            project_id: Arc::from(project),
            fingerprint: fingerprint.to_string(),
            received_at: now_ms(),
            max_age_ms: Accepted::DEFAULT_MAX_AGE_MS,
            event: crate::event::parse_event(body, &IngestConfig::default()).expect("valid"),
        })
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    fn aged(project: &str, fingerprint: &str, days_ago: i64) -> Arc<Accepted> {
        let mut a = Arc::unwrap_or_clone(accepted(project, fingerprint));
        a.received_at -= days_ago * 86_400_000;
        Arc::new(a)
    }

    fn occurrence_ids(conn: &Connection, issue: i64, limit: u32, offset: u32) -> Vec<i64> {
        crate::store::issues::occurrences(conn, issue, limit, offset)
            .expect("occurrences")
            .into_iter()
            .map(|o| o.id)
            .collect()
    }

    fn foreign_key_violations(conn: &Connection) -> usize {
        conn.prepare("PRAGMA foreign_key_check")
            .expect("prepare")
            .query_map([], |_| Ok(()))
            .expect("query")
            .count()
    }

    /// A database with projects `default` and `p2`: an ordinary connection and one tuned as
    /// the writer's.
    fn two_projects(dir: &std::path::Path) -> (Connection, Connection) {
        let path = dir.join("t.db");
        let admin = store::open(&path).expect("open");
        admin
            .execute(
                "INSERT INTO projects (id, name, created_at) VALUES ('p2', 'P2', 0)",
                [],
            )
            .expect("project");
        let conn = store::open(&path).expect("open");
        store::tune_writer(&conn).expect("tune");
        (admin, conn)
    }

    /// The per-release and per-environment totals the writer keeps (migration 0021) equal what
    /// the issue rows say, over random batches in two projects, releases appearing in issues
    /// already known and not, environments differing in case, and the writer's issue memory
    /// dropped now and then (another connection committing).
    #[test]
    fn release_and_environment_totals_match_the_issue_rows() {
        use rand::{rngs::StdRng, Rng, SeedableRng};
        let dir = tempfile::tempdir().expect("tempdir");
        let (admin, mut conn) = two_projects(dir.path());
        let mut cache = ingest::IssueCache::default();
        let mut rng = StdRng::seed_from_u64(21);
        let base = now_ms() - 2 * 86_400_000;
        let mut clock = 0i64;
        for round in 0..60 {
            let batch: Vec<Arc<Accepted>> = (0..rng.random_range(1..40))
                .map(|_| {
                    let project = ["default", "p2"][rng.random_range(0..2)];
                    let fp = format!("f{}", rng.random_range(0..25));
                    let mut a = Arc::unwrap_or_clone(accepted(project, &fp));
                    // Later batches happen later: the earliest event of an issue is in its
                    // first batch, as the rows' `first_seen` tell.
                    clock += 1_000;
                    a.event.timestamp = base + clock;
                    a.event.release = format!("1.{}", rng.random_range(0..5));
                    a.event.environment =
                        ["production", "Production", "staging"][rng.random_range(0..3)].into();
                    Arc::new(a)
                })
                .collect();
            write_batch(&mut conn, &mut cache, &batch, 5, false).expect("flush");
            if round % 7 == 3 {
                admin
                    .execute_batch("INSERT INTO settings (key, value) VALUES ('x', '1') ON CONFLICT (key) DO UPDATE SET value = value || '1'")
                    .expect("commit from elsewhere");
            }
        }
        let rows = |sql: &str| -> Vec<String> {
            let mut st = admin.prepare(sql).expect("prepare");
            let n = st.column_count();
            st.query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).expect("col")))
                    .collect::<Vec<_>>()
                    .join(" | "))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
        };
        let kept = rows(
            "SELECT project_id, release, issues, events, first_seen, last_seen, new_issues
             FROM release_totals ORDER BY 1, 2",
        );
        let derived = rows(
            "SELECT i.project_id, r.release, count(*), sum(r.count), min(r.first_seen),
                 max(r.last_seen),
                 sum(r.first_seen = (SELECT min(x.first_seen) FROM issue_releases x
                                     WHERE x.issue_id = r.issue_id))
             FROM issue_releases r JOIN issues i ON i.id = r.issue_id GROUP BY 1, 2 ORDER BY 1, 2",
        );
        assert!(kept.len() >= 8, "{kept:?}");
        assert_eq!(kept, derived);
        let kept = rows(
            "SELECT project_id, lower(environment), events FROM environment_totals ORDER BY 1, 2",
        );
        let derived = rows(
            "SELECT i.project_id, lower(s.environment), sum(s.count) FROM issue_slices s
             JOIN issues i ON i.id = s.issue_id GROUP BY 1, 2 ORDER BY 1, 2",
        );
        assert_eq!(kept.len(), 4, "{kept:?}");
        assert_eq!(kept, derived);
        // What the API shows.
        let all = store::issues::releases(&admin, None, 100).expect("releases");
        let events: i64 = all.iter().map(|r| r.events).sum();
        assert_eq!(
            events,
            admin
                .query_row("SELECT sum(total_count) FROM issues", [], |r| r
                    .get::<_, i64>(0))
                .expect("sum")
        );
        let new: i64 = all.iter().map(|r| r.new_issues).sum();
        assert_eq!(
            new,
            count(&admin, "SELECT count(*) FROM issues"),
            "each issue new once"
        );
        let mut envs =
            store::issues::environments(&admin, Some(&["p2".to_string()])).expect("environments");
        envs.iter_mut().for_each(|e| e.make_ascii_lowercase());
        envs.sort();
        assert_eq!(envs, ["production", "staging"]);
    }

    /// The writer builds and sends flush reports only while the evaluator wants them (an alert
    /// rule is enabled); the events are written either way.
    #[test]
    fn flush_reports_are_sent_only_while_wanted() {
        use std::sync::atomic::AtomicBool;
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = store::open(&dir.path().join("r.db")).expect("open");
        store::tune_writer(&conn).expect("tune");
        let (tx, rx) = std::sync::mpsc::sync_channel(16);
        let wanted = Arc::new(AtomicBool::new(false));
        let (pipeline, writer) = super::super::start(
            conn,
            64,
            &crate::config::PipelineConfig::default(),
            Some(super::super::Reports {
                tx,
                wanted: wanted.clone(),
            }),
            #[cfg(feature = "llm-tracing")]
            None,
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let send = |fp: &str| {
            let a = Arc::unwrap_or_clone(accepted("default", fp));
            let r = rt.block_on(pipeline.submit(vec![a], std::time::Duration::from_secs(1)));
            assert_eq!(r, super::super::Submit::Queued);
        };
        let written = |n: u64| {
            let start = std::time::Instant::now();
            while pipeline.stats.written.load(Ordering::Relaxed) < n {
                assert!(start.elapsed().as_secs() < 5, "not written");
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        };
        send("quiet");
        written(1);
        assert!(rx.try_recv().is_err(), "no report while unwanted");
        wanted.store(true, Ordering::Release);
        send("heard");
        written(2);
        let report = rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("a report once wanted");
        assert_eq!(report.changes.len(), 1);
        assert_eq!(report.changes[0].fingerprint, "heard");
        assert!(report.changes[0].is_new);
        rt.block_on(writer.shutdown()).unwrap();
    }

    /// An issue's events come newest first with paging, whether the writer has filed them under
    /// the issue yet (`event_issues`) or they are still in the tail, and across the boundary.
    #[test]
    fn occurrences_merge_indexed_events_and_the_tail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = store::open(&dir.path().join("o.db")).expect("open");
        store::tune_writer(&conn).expect("tune");
        let batch: Vec<_> = (0..6)
            .map(|i| accepted("default", if i % 2 == 0 { "even" } else { "odd" }))
            .collect();
        write_batch(&mut conn, &mut Default::default(), &batch, 5, false).expect("flush");
        let issue: i64 = count(&conn, "SELECT id FROM issues WHERE fingerprint = 'even'");
        let all = occurrence_ids(&conn, issue, 50, 0);
        assert_eq!(all.len(), 3, "all in the tail: {all:?}");
        assert_eq!(count(&conn, "SELECT count(*) FROM event_issues"), 0);

        assert_eq!(index_events(&mut conn).expect("index"), 6);
        assert_eq!(count(&conn, "SELECT count(*) FROM event_issues"), 6);
        assert_eq!(
            occurrence_ids(&conn, issue, 50, 0),
            all,
            "same after indexing"
        );

        write_batch(&mut conn, &mut Default::default(), &batch, 5, false).expect("flush");
        let both = occurrence_ids(&conn, issue, 50, 0);
        assert_eq!(both.len(), 6);
        assert!(
            both.windows(2).all(|w| w[0] > w[1]),
            "newest first: {both:?}"
        );
        assert_eq!(
            &both[3..],
            &all[..],
            "the tail comes before the indexed events"
        );
        // Pages that straddle the tail and the indexed part.
        assert_eq!(occurrence_ids(&conn, issue, 2, 2), both[2..4].to_vec());
        assert_eq!(occurrence_ids(&conn, issue, 10, 5), both[5..].to_vec());
        assert!(occurrence_ids(&conn, issue, 10, 6).is_empty());
    }

    /// Deleting a project removes its events whether indexed or not and leaves no dangling row;
    /// foreign keys are back on afterwards. Ids are never reused below the index mark, even
    /// when the newest events were the ones deleted.
    #[test]
    fn project_delete_and_prune_keep_the_index_consistent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.db");
        let mut admin = store::open(&path).expect("open");
        projects::create(&admin, "Doomed", Some("doomed")).expect("create");
        crate::store::alerts::create(
            &admin,
            &serde_json::from_value(serde_json::json!({
                "name": "doomed rule", "project_id": "doomed",
                "config": {"type": "new_issue"}, "enabled": true
            }))
            .expect("rule"),
        )
        .expect("create rule");
        let mut conn = store::open(&path).expect("open");
        store::tune_writer(&conn).expect("tune");
        let kept = vec![aged("default", "keep", 40), accepted("default", "keep")];
        write_batch(&mut conn, &mut Default::default(), &kept, 5, false).expect("flush");
        let doomed = vec![accepted("doomed", "x"), accepted("doomed", "y")];
        write_batch(&mut conn, &mut Default::default(), &doomed, 5, false).expect("flush");
        index_events(&mut conn).expect("index");
        write_batch(&mut conn, &mut Default::default(), &doomed, 5, false).expect("flush");
        index_events(&mut conn).expect("index");
        write_batch(&mut conn, &mut Default::default(), &doomed, 5, false).expect("flush");
        // The newest events, indexed and not, belong to the project about to go.
        let through = count(&conn, "SELECT through FROM event_index");

        let deleted = projects::delete(&mut admin, "doomed").expect("delete");
        assert_eq!(deleted.events, 6);
        assert_eq!(count(&admin, "SELECT count(*) FROM events"), 2);
        assert_eq!(count(&admin, "SELECT count(*) FROM event_issues"), 2);
        assert_eq!(count(&admin, "SELECT count(*) FROM alert_rules"), 0);
        assert_eq!(foreign_key_violations(&admin), 0);
        assert_eq!(count(&admin, "PRAGMA foreign_keys"), 1, "back on");

        // The next events get ids above the index mark, though lower ids are free again.
        assert!(count(&conn, "SELECT max(id) FROM events") < through);
        write_batch(
            &mut conn,
            &mut Default::default(),
            &[accepted("default", "keep")],
            5,
            false,
        )
        .expect("flush");
        assert!(count(&conn, "SELECT max(id) FROM events") > through);
        let keep = count(&conn, "SELECT id FROM issues WHERE fingerprint = 'keep'");
        assert_eq!(occurrence_ids(&conn, keep, 50, 0).len(), 3);

        // Pruning the 40-day-old event takes its index row with it.
        let report = crate::retention::prune(
            &admin,
            &crate::config::RetentionConfig::default(),
            &crate::retention::PruneOptions {
                days: Some(30),
                project: None,
                dry_run: false,
            },
            |_| {},
        )
        .expect("prune");
        assert_eq!(report.events, 1);
        assert_eq!(occurrence_ids(&conn, keep, 50, 0).len(), 2);
        assert_eq!(
            count(
                &admin,
                "SELECT count(*) FROM event_issues WHERE id NOT IN (SELECT id FROM events)"
            ),
            0
        );
    }

    /// The writer's issue cache: `last_seen_minute` always matches `last_seen` (it is written
    /// only when the minute changes), and changes by another connection are seen by the next
    /// flush: a resolve makes the next event a regression, a deleted issue is created afresh.
    #[test]
    fn issue_rows_stay_right_across_flushes_and_outside_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let admin = store::open(&path).expect("open");
        let mut conn = store::open(&path).expect("open");
        store::tune_writer(&conn).expect("tune");
        let mut cache = ingest::IssueCache::default();
        // On a minute boundary.
        let base: i64 = 1_800_000_000_000;
        let at = |ms: i64| {
            let mut a = Arc::unwrap_or_clone(accepted("default", "k"));
            a.received_at = ms;
            Arc::new(a)
        };
        let row = |conn: &Connection| -> (i64, i64, i64, String) {
            conn.query_row(
                "SELECT total_count, last_seen, last_seen_minute, status FROM issues WHERE fingerprint = 'k'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("issue")
        };
        let mut flush = |conn: &mut Connection, ms: i64| {
            write_batch(conn, &mut cache, &[at(ms)], 5, true).expect("flush")
        };
        flush(&mut conn, base + 1_000);
        assert_eq!(
            row(&admin),
            (1, base + 1_000, base / 60_000, "unresolved".into())
        );
        // Same minute: the minute stays; next minute: it moves.
        flush(&mut conn, base + 30_000);
        assert_eq!(
            row(&admin),
            (2, base + 30_000, base / 60_000, "unresolved".into())
        );
        flush(&mut conn, base + 61_000);
        assert_eq!(
            row(&admin),
            (3, base + 61_000, base / 60_000 + 1, "unresolved".into())
        );
        // An older event does not move last_seen back.
        flush(&mut conn, base + 2_000);
        assert_eq!(
            row(&admin),
            (4, base + 61_000, base / 60_000 + 1, "unresolved".into())
        );

        // Resolved elsewhere (the API, the CLI): the next event reopens it.
        admin
            .execute(
                "UPDATE issues SET status = 'resolved' WHERE fingerprint = 'k'",
                [],
            )
            .expect("resolve");
        let flushed = flush(&mut conn, base + 62_000);
        assert!(flushed.changes[0].regressed);
        assert_eq!(row(&admin).3, "unresolved");
        assert_eq!(
            count(
                &admin,
                "SELECT count(*) FROM status_history WHERE reason = 'regression'"
            ),
            1
        );

        // Deleted elsewhere: the next event creates the issue again.
        admin
            .execute("DELETE FROM issues WHERE fingerprint = 'k'", [])
            .expect("delete");
        let flushed = flush(&mut conn, base + 63_000);
        assert!(flushed.changes[0].is_new);
        assert_eq!(
            row(&admin),
            (1, base + 63_000, base / 60_000 + 1, "unresolved".into())
        );
    }

    /// Events still queued for a project that is then deleted are dropped, not filed under an
    /// orphan issue, and the rest of the batch is written (the writer does not check foreign
    /// keys, and before it stopped doing so such a batch failed and was retried for ever).
    #[test]
    fn events_of_a_deleted_project_are_dropped_and_the_rest_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("w.db");
        let mut admin = store::open(&path).expect("open");
        projects::create(&admin, "Gone", Some("gone")).expect("create");
        let mut conn = store::open(&path).expect("open");
        store::tune_writer(&conn).expect("tune");
        // The project has an issue already, then goes away with its events still queued.
        // One cache across both flushes, as in the writer: the delete must not leave it stale.
        let mut cache = ingest::IssueCache::default();
        let early = vec![accepted("gone", "aaaa")];
        assert_eq!(
            write_batch(&mut conn, &mut cache, &early, 5, false)
                .expect("flush")
                .written,
            1
        );
        projects::delete(&mut admin, "gone").expect("delete");

        let batch = vec![
            accepted("gone", "aaaa"),
            accepted("default", "bbbb"),
            accepted("gone", "cccc"),
            accepted("default", "bbbb"),
        ];
        let flushed = write_batch(&mut conn, &mut cache, &batch, 5, true).expect("flush");
        assert_eq!(flushed.written, 2);
        assert_eq!(flushed.changes.len(), 1);
        assert_eq!(&*flushed.changes[0].project_id, "default");
        assert_eq!(count(&conn, "SELECT count(*) FROM events"), 2);
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM issues WHERE project_id = 'gone'"
            ),
            0
        );
        assert_eq!(
            count(
                &conn,
                "SELECT total_count FROM issues WHERE fingerprint = 'bbbb'"
            ),
            2
        );
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM project_hourly WHERE project_id = 'gone'"
            ),
            0
        );
        let fk: Vec<i64> = admin
            .prepare("PRAGMA foreign_key_check")
            .expect("prepare")
            .query_map([], |_| Ok(1))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(fk.is_empty(), "foreign key violations: {}", fk.len());
    }

    /// What a flush hands the analytics rollup is what reading its events back would give:
    /// the same ids, and the same sums per (project, issue, hour, environment, release), over
    /// random batches (several issues, hours, releases and environments in one flush, an event
    /// of a deleted project left out).
    #[test]
    fn the_feed_sums_equal_the_stored_events() {
        use rand::{rngs::StdRng, Rng, SeedableRng};
        use std::collections::BTreeMap;
        let dir = tempfile::tempdir().expect("tempdir");
        let (_admin, mut conn) = two_projects(dir.path());
        let mut cache = ingest::IssueCache::default();
        let mut rng = StdRng::seed_from_u64(18);
        let now = now_ms();
        type Key = (String, i64, i64, String, String);
        let mut fed: BTreeMap<Key, i64> = BTreeMap::new();
        let mut next_id = 1;
        for _ in 0..40 {
            let batch: Vec<Arc<Accepted>> = (0..rng.random_range(1..60))
                .map(|_| {
                    let project = ["default", "p2", "gone"][rng.random_range(0..3)];
                    let mut a = Arc::unwrap_or_clone(accepted(
                        project,
                        &format!("f{}", rng.random_range(0..6)),
                    ));
                    a.event.timestamp = now - rng.random_range(0..4) * 3_600_000;
                    a.event.release = format!("1.{}", rng.random_range(0..3));
                    a.event.environment = ["production", "staging"][rng.random_range(0..2)].into();
                    Arc::new(a)
                })
                .collect();
            let feed = crate::pipeline::feed::Feed::default();
            let wants = Wants {
                report: false,
                feed: Some(&feed),
            };
            let f =
                write_batch_with_rng(&mut conn, &mut cache, &batch, 5, wants, &mut rng, &|_| {
                    Ok(())
                })
                .expect("flush");
            let stored = batch.iter().filter(|a| &*a.project_id != "gone").count();
            assert_eq!(f.written, stored);
            let taken = feed.take();
            if stored == 0 {
                assert_eq!(taken, crate::pipeline::feed::Taken::Nothing);
                continue;
            }
            let crate::pipeline::feed::Taken::Range { first, last, rows } = taken else {
                panic!("{taken:?}");
            };
            assert_eq!((first, last), (next_id, next_id + stored as i64 - 1));
            next_id = last + 1;
            assert_eq!(rows.iter().map(|r| r.count).sum::<i64>(), stored as i64);
            for r in rows {
                *fed.entry((
                    r.project.to_string(),
                    r.issue,
                    r.hour,
                    r.environment.to_string(),
                    r.release.to_string(),
                ))
                .or_default() += r.count;
            }
        }
        let sql = format!(
            "SELECT i.project_id, e.issue_id, {} AS h, e.environment, e.release, count(*)
             FROM events e JOIN issues i ON i.id = e.issue_id
             GROUP BY i.project_id, e.issue_id, h, e.environment, e.release",
            crate::analytics::insights::HOUR_OF_EVENT
        );
        let read: BTreeMap<Key, i64> = conn
            .prepare(&sql)
            .expect("prepare")
            .query_map([], |r| {
                Ok((
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?),
                    r.get(5)?,
                ))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(read.len() > 20, "varied enough: {}", read.len());
        assert_eq!(fed, read);
    }

    /// An event of issue `fingerprint` whose `request_id` is its position in the issue's stream.
    fn numbered(fingerprint: &str, position: usize) -> Arc<Accepted> {
        let mut a = Arc::unwrap_or_clone(accepted("default", fingerprint));
        a.event.request_id = Some(position.to_string());
        Arc::new(a)
    }

    /// The stream positions of the events an issue keeps as samples.
    fn kept(conn: &Connection, fingerprint: &str) -> Vec<usize> {
        conn.prepare(
            "SELECT s.event FROM samples s JOIN issues i ON i.id = s.issue_id
             WHERE i.fingerprint = ?1",
        )
        .expect("prepare")
        .query_map([fingerprint], |r| r.get::<_, String>(0))
        .expect("query")
        .map(|json| {
            let v: serde_json::Value = serde_json::from_str(&json.expect("row")).expect("json");
            v["request_id"]
                .as_str()
                .expect("request_id")
                .parse()
                .expect("position")
        })
        .collect()
    }

    /// Pearson's chi-square statistic of `counts` against equal expected counts.
    fn chi_square(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum()
    }

    /// Chi-square with 9 degrees of freedom exceeds this with probability 0.001.
    const CHI2_9_P001: f64 = 27.877;

    /// However many flushes an issue's events come in, it holds min(events, reservoir) samples,
    /// in slots 0..reservoir: the reservoir fills, then only replaces.
    #[test]
    fn reservoir_never_holds_more_than_its_size() {
        use rand::SeedableRng;
        for reservoir in [0usize, 1, 5] {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut conn = store::open(&dir.path().join("cap.db")).expect("open");
            store::tune_writer(&conn).expect("tune");
            let mut cache = ingest::IssueCache::default();
            let mut rng = rand::rngs::StdRng::seed_from_u64(reservoir as u64);
            for flush in 0..200 {
                let n = rng.random_range(1..=40);
                let batch: Vec<_> = (0..n)
                    .map(|_| numbered(&format!("cap-{}", rng.random_range(0..4)), flush))
                    .collect();
                write_batch_with_rng(
                    &mut conn,
                    &mut cache,
                    &batch,
                    reservoir,
                    Wants::default(),
                    &mut rng,
                    &|_| Ok(()),
                )
                .expect("flush");
                let issues: Vec<(i64, i64, i64, i64)> = conn
                    .prepare(
                        "SELECT i.total_count, count(s.slot), coalesce(min(s.slot), 0),
                                coalesce(max(s.slot), -1)
                         FROM issues i LEFT JOIN samples s ON s.issue_id = i.id GROUP BY i.id",
                    )
                    .expect("prepare")
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows");
                for (total, samples, min_slot, max_slot) in issues {
                    assert_eq!(
                        samples,
                        total.min(reservoir as i64),
                        "reservoir {reservoir}, flush {flush}: {total} events"
                    );
                    assert!(min_slot >= 0 && max_slot < reservoir as i64);
                }
            }
            // Every issue got far more events than the reservoir holds.
            assert!(count(&conn, "SELECT min(total_count) FROM issues") > 500);
        }
    }

    /// Uniform reservoir sampling: every event of an issue is equally likely to be kept,
    /// whichever flush it came in and wherever in it. 200 issues of 1,000 events each are
    /// written in flushes of uneven sizes (some smaller than the reservoir, so filling it spans
    /// flushes); the stream positions of the 1,000 kept events, in 10 bins, pass a chi-square
    /// test at p = 0.001. The RNG is seeded, so the outcome is the same on every run (a rand
    /// upgrade may change `StdRng`'s stream; a uniform sampler then still fails one time in 1,000).
    #[test]
    fn reservoir_keeps_every_position_equally_often() {
        use rand::SeedableRng;
        const ISSUES: usize = 200;
        const EVENTS: usize = 1000;
        const RESERVOIR: usize = 5;
        const BINS: usize = 10;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = store::open(&dir.path().join("uniform.db")).expect("open");
        store::tune_writer(&conn).expect("tune");
        let mut cache = ingest::IssueCache::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
        let sizes = [1, 2, 3, 9, 50, 17, 120, 64, 1, 200, 33];
        let (mut position, mut flush) = (0, 0);
        while position < EVENTS {
            let n = sizes[flush % sizes.len()].min(EVENTS - position);
            let batch: Vec<_> = (position..position + n)
                .flat_map(|p| (0..ISSUES).map(move |t| numbered(&format!("trial-{t}"), p)))
                .collect();
            write_batch_with_rng(
                &mut conn,
                &mut cache,
                &batch,
                RESERVOIR,
                Wants::default(),
                &mut rng,
                &|_| Ok(()),
            )
            .expect("flush");
            position += n;
            flush += 1;
        }
        let mut bins = [0u64; BINS];
        for t in 0..ISSUES {
            let mut k = kept(&conn, &format!("trial-{t}"));
            k.sort_unstable();
            k.dedup();
            assert_eq!(k.len(), RESERVOIR, "trial {t}: {k:?}");
            for p in k {
                bins[p * BINS / EVENTS] += 1;
            }
        }
        let chi = chi_square(&bins);
        assert!(
            chi < CHI2_9_P001,
            "kept positions are not uniform: chi-square {chi:.1} over bins {bins:?}"
        );

        // The same test rejects biased samplers: keeping the first events, or the last ones.
        let mut first = [0u64; BINS];
        first[0] = (ISSUES * RESERVOIR) as u64;
        let mut last = [0u64; BINS];
        last[BINS - 1] = (ISSUES * RESERVOIR) as u64;
        assert!(chi_square(&first) > CHI2_9_P001);
        assert!(chi_square(&last) > CHI2_9_P001);
        // Or a sampler that favours later events even slightly (each bin 10% above the one
        // before it), with as many samples as above.
        let total = (ISSUES * RESERVOIR) as f64;
        let weights: Vec<f64> = (0..BINS).map(|b| 1.1f64.powi(b as i32)).collect();
        let sum: f64 = weights.iter().sum();
        let tilted: Vec<u64> = weights
            .iter()
            .map(|w| (total * w / sum).round() as u64)
            .collect();
        assert!(chi_square(&tilted) > CHI2_9_P001, "{}", chi_square(&tilted));
    }
}
