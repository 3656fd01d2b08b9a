//! The ingest pipeline: a bounded channel between the HTTP handlers and one writer thread that
//! owns its SQLite connection and commits whatever is queued as one transaction (group commit).
//!
//! Handlers never wait on the database: [`Pipeline::submit`] either queues the events or drops
//! them (counted by reason, warned at most once a second). The writer never drops what it took:
//! a failed flush is retried with backoff. On shutdown the channel is closed, drained and flushed.

pub mod feed;
#[cfg(feature = "llm-tracing")]
mod llm;
#[cfg(feature = "llm-tracing")]
mod llm_errors;
mod pg;
mod writer;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::mpsc;

use crate::config::PipelineConfig;
use crate::store::now_ms;

pub use writer::{write_batch, Breakdown, FlushReport, Flushed, IssueChange};

pub use crate::event::Accepted;
#[cfg(feature = "llm-tracing")]
pub use llm::{FlushPricer, LlmQueue, LlmRecord, LlmStats, Refused};

/// The LLM side of the pipeline (`[llm_tracing]`).
#[cfg(feature = "llm-tracing")]
#[derive(Debug, Clone)]
pub struct LlmOptions {
    /// Records (traces or updates) the queue holds.
    pub capacity: usize,
    /// Spans per transaction, at most.
    pub batch_spans: usize,
    /// The content policy of projects that have none of their own.
    pub default_policy: crate::config::ContentStorage,
    /// How long the writer may keep content policies and price overrides without reading them
    /// again (it also reads them as soon as another connection changed the database).
    pub settings_ttl: std::time::Duration,
    /// How long an error span waits before it is filed as an error event (see `llm_errors`).
    pub error_delay: std::time::Duration,
    /// What is taken out of traces before they are written, per project.
    pub scrub: Arc<crate::scrub::Scrubbing>,
}

/// What travels to the writer: every kind of record any ingest adapter produces goes through
/// this one queue to the one writer thread that owns the only write connection, so no second
/// writer ever competes with it for the lock. Error events today; LLM traces, spans and trace
/// updates join here as variants of their own.
#[derive(Debug, Clone)]
pub enum Record {
    /// A validated error event (bloop JSON today; Sentry events later).
    Error(Arc<Accepted>),
}

enum Msg {
    Record(Record),
    Shutdown,
}

/// Why an event was dropped after it was acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    QueueFull,
    RateLimited,
}

impl DropReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::QueueFull => "queue_full",
            DropReason::RateLimited => "rate_limited",
        }
    }
}

/// Counters shared between the handlers, the writer and `/health`.
#[derive(Debug, Default)]
pub struct Stats {
    dropped_queue_full: AtomicU64,
    dropped_rate_limited: AtomicU64,
    last_drop_warning_ms: AtomicI64,
    /// Events committed since start.
    pub written: AtomicU64,
    /// Server time of the last successful flush (0 = none yet).
    pub last_flush_ms: AtomicI64,
    /// The error of the last flush, while it keeps failing.
    pub flush_error: Mutex<Option<String>>,
    /// Flushes retried whole because another writer's transaction got in the way (PostgreSQL:
    /// a deadlock or a serialization failure).
    pub conflicts: AtomicU64,
    /// How long committed flushes took.
    pub flush_times: FlushTimes,
}

/// Flush durations in buckets, for percentiles in `/health` without keeping every sample: 1 ms
/// wide under 4 ms, then four to each doubling (4–5, 5–6, 6–7, 7–8, 8–10, … 32–40, 40–48 ms, …),
/// the last one over 8 s.
#[derive(Debug)]
pub struct FlushTimes {
    buckets: [AtomicU64; FlushTimes::BUCKETS],
}

impl Default for FlushTimes {
    fn default() -> Self {
        FlushTimes {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

impl FlushTimes {
    /// Doublings from 4 ms to 8 s, four buckets each, after the four under 4 ms, and one over.
    const BUCKETS: usize = 4 + 11 * 4 + 1;

    fn bucket(d: Duration) -> usize {
        let ms = d.as_millis().min(u128::from(u64::MAX)) as u64;
        if ms < 4 {
            return ms as usize;
        }
        let k = ms.ilog2() as usize;
        if k > 12 {
            return Self::BUCKETS - 1;
        }
        let sub = (((ms - (1 << k)) << 2) >> k) as usize;
        4 + (k - 2) * 4 + sub
    }

    /// The bucket's upper bound in ms (exclusive: every duration in it is shorter).
    fn bound(i: usize) -> u64 {
        if i < 4 {
            return i as u64 + 1;
        }
        if i >= Self::BUCKETS - 1 {
            return 1 << 13;
        }
        let (k, sub) = ((i - 4) / 4 + 2, (i - 4) % 4);
        (1u64 << k) + (((sub as u64) + 1) << k >> 2)
    }

    pub fn record(&self, d: Duration) {
        self.buckets[Self::bucket(d)].fetch_add(1, Ordering::Relaxed);
    }

    /// Flushes recorded.
    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    /// The upper bound in ms of the bucket holding the `q` quantile (0 < q ≤ 1), or None
    /// before the first flush.
    pub fn quantile_ms(&self, q: f64) -> Option<u64> {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(Self::bound(i));
            }
        }
        Some(Self::bound(Self::BUCKETS - 1))
    }
}

impl Stats {
    pub fn dropped(&self, reason: DropReason) -> u64 {
        match reason {
            DropReason::QueueFull => self.dropped_queue_full.load(Ordering::Relaxed),
            DropReason::RateLimited => self.dropped_rate_limited.load(Ordering::Relaxed),
        }
    }

    /// Counts `n` dropped events and logs a warning at most once per second.
    pub fn record_drop(&self, reason: DropReason, n: u64) {
        let counter = match reason {
            DropReason::QueueFull => &self.dropped_queue_full,
            DropReason::RateLimited => &self.dropped_rate_limited,
        };
        let total = counter.fetch_add(n, Ordering::Relaxed) + n;
        let now = now_ms();
        let last = self.last_drop_warning_ms.load(Ordering::Relaxed);
        if now - last >= 1000
            && self
                .last_drop_warning_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                reason = reason.as_str(),
                total_dropped = total,
                "ingest is dropping events"
            );
        }
    }

    /// Counts a committed flush of `written` events that took `took`, after `attempt` failed
    /// tries. Returns the commit time.
    fn committed(&self, written: usize, took: Duration, attempt: u32) -> i64 {
        let now = now_ms();
        self.flush_times.record(took);
        self.written.fetch_add(written as u64, Ordering::Relaxed);
        self.last_flush_ms.store(now, Ordering::Relaxed);
        if attempt > 0 {
            tracing::info!(attempts = attempt + 1, "flush succeeded after retrying");
            if let Ok(mut e) = self.flush_error.lock() {
                *e = None;
            }
        }
        now
    }

    /// Notes a failed flush of `events` (logged, kept for `/health` until one succeeds) and
    /// answers how long to wait before attempt `attempt + 1`.
    fn failed(&self, e: &impl std::fmt::Display, events: usize, attempt: u32) -> Duration {
        let wait = backoff(attempt);
        tracing::error!(
            error = %e,
            events,
            retry_in_ms = wait.as_millis() as u64,
            "flush failed; keeping the batch and retrying"
        );
        if let Ok(mut slot) = self.flush_error.lock() {
            *slot = Some(e.to_string());
        }
        wait
    }

    pub fn flush_error(&self) -> Option<String> {
        self.flush_error.lock().map(|g| g.clone()).unwrap_or(None)
    }
}

/// The outcome of [`Pipeline::submit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submit {
    Queued,
    /// The queue had no room: dropped and counted (the client still gets 200).
    Dropped,
    /// The pipeline is shutting down: nothing was taken.
    Closed,
}

/// The handlers' side of the pipeline. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    tx: mpsc::Sender<Msg>,
    capacity: usize,
    pub stats: Arc<Stats>,
    /// Each commit's sums for the analytics rollup (built only while it is wanted).
    pub feed: Arc<feed::Feed>,
    /// The queue for traces, when LLM tracing is enabled.
    #[cfg(feature = "llm-tracing")]
    pub llm: Option<LlmQueue>,
}

impl Pipeline {
    /// Queues all `events` or none of them (a batch is never half-queued). When the queue is
    /// full, waits up to `wait` for room — back-pressure that slows an unpaced client to the
    /// writer's pace instead of dropping — and only then drops (and counts) the events.
    pub async fn submit(&self, events: Vec<Accepted>, wait: Duration) -> Submit {
        let n = events.len();
        if n == 0 {
            return Submit::Queued;
        }
        let permits = match self.tx.try_reserve_many(n) {
            Ok(p) => p,
            Err(mpsc::error::TrySendError::Closed(())) => return Submit::Closed,
            Err(mpsc::error::TrySendError::Full(())) => {
                match tokio::time::timeout(wait, self.tx.reserve_many(n)).await {
                    Ok(Ok(p)) => p,
                    Ok(Err(_)) => return Submit::Closed,
                    Err(_) => {
                        self.stats.record_drop(DropReason::QueueFull, n as u64);
                        return Submit::Dropped;
                    }
                }
            }
        };
        for (permit, a) in permits.zip(events) {
            permit.send(Msg::Record(Record::Error(Arc::new(a))));
        }
        Submit::Queued
    }

    /// Events waiting for the writer.
    pub fn queue_depth(&self) -> usize {
        self.capacity.saturating_sub(self.tx.capacity())
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// The writer thread; [`Writer::shutdown`] drains, flushes and joins it.
pub struct Writer {
    tx: mpsc::Sender<Msg>,
    handle: Option<JoinHandle<Result<(), String>>>,
    failed: tokio_util::sync::CancellationToken,
}

impl Writer {
    /// Cancelled when the writer thread died (a panic): the server must stop, since nothing
    /// it accepts from then on can be written.
    pub fn failed(&self) -> tokio_util::sync::CancellationToken {
        self.failed.clone()
    }

    /// Asks the writer to stop taking events, write everything queued and exit; waits for it.
    /// An error says the writer died instead (its panic message), already logged.
    pub async fn shutdown(mut self) -> Result<(), String> {
        // `send` waits for room, so the marker lands behind every event already queued.
        let _ = self.tx.send(Msg::Shutdown).await;
        match self.handle.take() {
            Some(h) => match tokio::task::spawn_blocking(move || h.join()).await {
                Ok(Ok(r)) => r,
                _ => Err("the writer thread could not be joined".into()),
            },
            None => Ok(()),
        }
    }
}

/// A panic's message, when it has one.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Where the writer sends a summary of each committed flush (new issues, regressions, counts),
/// for alerting.
pub struct Reports {
    pub tx: std::sync::mpsc::SyncSender<FlushReport>,
    /// Read before each flush: while it is false (no alert rule is enabled) the writer neither
    /// builds nor sends reports.
    pub wanted: Arc<std::sync::atomic::AtomicBool>,
}

impl Reports {
    /// Sends what a flush committed at `now` changed. Alerting must never slow ingest: if the
    /// evaluator is behind, this flush is not evaluated (and that is logged).
    fn send(&self, changes: Vec<IssueChange>, now: i64) {
        let report = FlushReport {
            committed_at: now,
            first_committed_at: now,
            changes,
        };
        if self.tx.try_send(report).is_err() {
            tracing::warn!("alert evaluator is behind; a flush was not evaluated");
        }
    }
}

/// Starts the writer thread on `conn` and returns the handlers' handle and the writer's.
pub fn start(
    conn: Connection,
    channel_capacity: usize,
    cfg: &PipelineConfig,
    reports: Option<Reports>,
    #[cfg(feature = "llm-tracing")] llm: Option<LlmOptions>,
) -> (Pipeline, Writer) {
    let (tx, rx) = mpsc::channel(channel_capacity);
    #[cfg(feature = "llm-tracing")]
    let (llm_queue, llm_side, filer) = match llm {
        Some(o) => {
            let (q, side) = llm::channel(&o);
            let filer = llm_errors::Filer::new(&conn, o.error_delay, o.scrub);
            (Some(q), Some(side), Some(filer))
        }
        None => (None, None, None),
    };
    let stats = Arc::new(Stats::default());
    let feed = Arc::new(feed::Feed::default());
    let worker = writer::WriterLoop {
        conn,
        feed: feed.clone(),
        rx,
        batch_size: cfg.flush_batch_size,
        reservoir: cfg.sample_reservoir_size,
        stats: stats.clone(),
        reports,
        cache: Default::default(),
        last_housekeeping: std::time::Instant::now(),
        #[cfg(feature = "llm-tracing")]
        rt: llm_side.as_ref().and_then(|_| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .map_err(|e| tracing::error!(error = %e, "no runtime for the writer's queues"))
                .ok()
        }),
        #[cfg(feature = "llm-tracing")]
        llm: llm_side,
        #[cfg(feature = "llm-tracing")]
        filer,
    };
    let writer = spawn_writer(tx.clone(), move || worker.run());
    let pipeline = Pipeline {
        tx,
        capacity: channel_capacity,
        stats,
        feed,
        #[cfg(feature = "llm-tracing")]
        llm: llm_queue,
    };
    (pipeline, writer)
}

/// Starts the writer thread on PostgreSQL (`database.url`): its own runtime and connection,
/// made on the thread, with every statement of a flush prepared before this returns (a
/// database that refuses them fails the start).
pub async fn start_pg(
    url: &str,
    channel_capacity: usize,
    cfg: &PipelineConfig,
    reports: Option<Reports>,
    #[cfg(feature = "llm-tracing")] llm: Option<LlmOptions>,
) -> Result<(Pipeline, Writer), crate::store::StoreError> {
    use crate::store::StoreError;
    let (tx, rx) = mpsc::channel(channel_capacity);
    #[cfg(feature = "llm-tracing")]
    let (llm_queue, llm_side) = match llm {
        Some(o) => {
            let (q, side) = llm::channel(&o);
            let llm = pg::PgLlm {
                side,
                error_delay: o.error_delay,
                scrub: o.scrub,
                next_filing: std::time::Instant::now(),
            };
            (Some(q), Some(llm))
        }
        None => (None, None),
    };
    let stats = Arc::new(Stats::default());
    let feed = Arc::new(feed::Feed::default());
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<Result<(), StoreError>>();
    let url = url.to_string();
    let (batch_size, reservoir) = (cfg.flush_batch_size, cfg.sample_reservoir_size);
    let worker_stats = stats.clone();
    let writer = spawn_writer(tx.clone(), move || {
        let connected = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Pool(format!("the writer's runtime: {e}")))
            .and_then(|rt| {
                let pg = crate::store::pg::Pg::new(&url, 1)?;
                rt.block_on(async {
                    let client = pg.client().await?;
                    crate::store::pg::ingest::prepare_all(&client).await
                })?;
                Ok((rt, pg))
            });
        let (rt, pg) = match connected {
            Ok(c) => {
                let _ = ready_tx.send(Ok(()));
                c
            }
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        pg::PgWriterLoop {
            rt,
            pg,
            rx,
            batch_size,
            reservoir,
            stats: worker_stats,
            reports,
            partitions_day: None,
            #[cfg(feature = "llm-tracing")]
            llm: llm_side,
        }
        .run()
    });
    match ready_rx.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(StoreError::Pool("the writer thread ended at start".into())),
    }
    let pipeline = Pipeline {
        tx,
        capacity: channel_capacity,
        stats,
        feed,
        #[cfg(feature = "llm-tracing")]
        llm: llm_queue,
    };
    Ok((pipeline, writer))
}

/// Runs `run` on the writer thread (which takes `tx`'s queue); a panic there is logged and
/// cancels [`Writer::failed`].
fn spawn_writer(tx: mpsc::Sender<Msg>, run: impl FnOnce() + Send + 'static) -> Writer {
    let failed = tokio_util::sync::CancellationToken::new();
    let on_failure = failed.clone();
    let handle = std::thread::Builder::new()
        .name("bloop-writer".into())
        .spawn(move || {
            // The connection and queue are not touched after a panic: the thread ends here.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
            r.map_err(|p| {
                let msg = panic_message(p.as_ref());
                tracing::error!(
                    panic = %msg,
                    "the ingest writer died; events queued and in its last batch are lost; stopping"
                );
                on_failure.cancel();
                msg
            })
        })
        .expect("spawning the writer thread (only fails when the OS is out of threads)");
    Writer {
        tx,
        handle: Some(handle),
        failed,
    }
}

/// Backoff between retries of a failed flush: 100 ms doubling to 5 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((100u64 << attempt.min(6)).min(5000))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::FlushTimes;

    #[test]
    fn each_flush_time_lies_between_its_bucket_bounds() {
        for ms in 0..10_000u64 {
            for us in [0, 999] {
                let d = Duration::from_micros(ms * 1000 + us);
                let i = FlushTimes::bucket(d);
                if i < FlushTimes::BUCKETS - 1 {
                    assert!(d < Duration::from_millis(FlushTimes::bound(i)), "{d:?}");
                }
                if i > 0 {
                    assert!(
                        d >= Duration::from_millis(FlushTimes::bound(i - 1)),
                        "{d:?}"
                    );
                }
            }
        }
        let bounds: Vec<u64> = (0..12).map(FlushTimes::bound).collect();
        assert_eq!(bounds, [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16]);
    }

    #[test]
    fn percentiles_name_the_bucket_that_holds_them() {
        let t = FlushTimes::default();
        assert_eq!(t.quantile_ms(0.99), None);
        for _ in 0..98 {
            t.record(Duration::from_micros(3_400));
        }
        t.record(Duration::from_millis(45));
        t.record(Duration::from_millis(61));
        assert_eq!(t.count(), 100);
        assert_eq!(t.quantile_ms(0.5), Some(4));
        assert_eq!(t.quantile_ms(0.99), Some(48));
        assert_eq!(t.quantile_ms(1.0), Some(64));
        t.record(Duration::from_secs(60));
        assert_eq!(t.quantile_ms(1.0), Some(8192));
    }
}
