//! LLM records on their way to the writer: traces (bloop JSON, OTLP, the proxy) and trace
//! updates share one bounded queue of their own (`llm_tracing.channel_capacity` records), read
//! by the same writer thread as error events, so there is still one write connection, and an
//! update is always applied after the trace it updates (one queue, in order).
//!
//! Nothing here is dropped once taken: a full queue refuses the request (the client is told to
//! retry: 503), and the writer retries a failed flush until it commits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::mpsc;

use crate::config::ContentStorage;
use crate::llm::budget::SpendBook;
use crate::llm::pricing::{self, PriceOverride, Usage};
use crate::llm::trace::{Span, Trace, TraceUpdate};
use crate::scrub::Scrubbing;
use crate::store::traces::{self, Mode, Priced, Pricer, Rollups};

/// One record for the writer.
#[derive(Debug, Clone)]
pub enum LlmRecord {
    Trace {
        project: Arc<str>,
        trace: Trace,
        mode: Mode,
        received_at: i64,
    },
    Update {
        project: Arc<str>,
        id: String,
        update: TraceUpdate,
    },
}

impl LlmRecord {
    fn spans(&self) -> usize {
        match self {
            LlmRecord::Trace { trace, .. } => trace.spans.len().max(1),
            LlmRecord::Update { .. } => 1,
        }
    }

    fn key(&self) -> (Arc<str>, String) {
        match self {
            LlmRecord::Trace { project, trace, .. } => (project.clone(), trace.id.clone()),
            LlmRecord::Update { project, id, .. } => (project.clone(), id.clone()),
        }
    }
}

/// Counters for `/health` and tests.
#[derive(Debug, Default)]
pub struct LlmStats {
    pub traces_written: AtomicU64,
    pub spans_written: AtomicU64,
    /// Requests refused because the queue stayed full (answered 503).
    pub refused_full: AtomicU64,
}

/// Trace ids queued and not yet committed, so a `PUT` that overtakes its trace's write is
/// accepted (it is queued behind it) while one for an unknown id gets 404.
#[derive(Debug, Default)]
struct Pending(Mutex<HashMap<(Arc<str>, String), u32>>);

impl Pending {
    fn add(&self, keys: impl Iterator<Item = (Arc<str>, String)>) {
        if let Ok(mut m) = self.0.lock() {
            for k in keys {
                *m.entry(k).or_default() += 1;
            }
        }
    }

    fn remove(&self, keys: impl Iterator<Item = (Arc<str>, String)>) {
        if let Ok(mut m) = self.0.lock() {
            for k in keys {
                if let Some(n) = m.get_mut(&k) {
                    *n -= 1;
                    if *n == 0 {
                        m.remove(&k);
                    }
                }
            }
        }
    }

    fn contains(&self, project: &str, id: &str) -> bool {
        self.0
            .lock()
            .map(|m| m.contains_key(&(Arc::from(project), id.to_string())))
            .unwrap_or(false)
    }
}

/// Why a submission was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The queue stayed full for the whole wait: retry later (503).
    Full,
    /// The server is shutting down (503).
    Closed,
}

impl Refused {
    /// What the client is told (with a 503 and `Retry-After`).
    pub fn message(self) -> &'static str {
        match self {
            Refused::Full => "trace queue is full; retry shortly",
            Refused::Closed => "server is shutting down; retry",
        }
    }
}

/// The handlers' side. Cheap to clone.
#[derive(Clone)]
pub struct LlmQueue {
    tx: mpsc::Sender<LlmRecord>,
    pending: Arc<Pending>,
    pub stats: Arc<LlmStats>,
    /// Each project's spend this month, moved by the writer's commits (budget enforcement).
    pub spend: Arc<SpendBook>,
}

impl LlmQueue {
    /// Queues all `records` or none, waiting up to `wait` for room.
    pub async fn submit(&self, records: Vec<LlmRecord>, wait: Duration) -> Result<(), Refused> {
        let n = records.len();
        if n == 0 {
            return Ok(());
        }
        let permits = match self.tx.try_reserve_many(n) {
            Ok(p) => p,
            Err(mpsc::error::TrySendError::Closed(())) => return Err(Refused::Closed),
            Err(mpsc::error::TrySendError::Full(())) => {
                match tokio::time::timeout(wait, self.tx.reserve_many(n)).await {
                    Ok(Ok(p)) => p,
                    Ok(Err(_)) => return Err(Refused::Closed),
                    Err(_) => {
                        self.stats.refused_full.fetch_add(1, Ordering::Relaxed);
                        return Err(Refused::Full);
                    }
                }
            }
        };
        self.pending.add(
            records
                .iter()
                .filter(|r| matches!(r, LlmRecord::Trace { .. }))
                .map(LlmRecord::key),
        );
        for (permit, r) in permits.zip(records) {
            permit.send(r);
        }
        Ok(())
    }

    /// Whether a trace with this id is queued and not yet written.
    pub fn is_pending(&self, project: &str, id: &str) -> bool {
        self.pending.contains(project, id)
    }

    /// Records waiting for the writer.
    pub fn depth(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }
}

/// The writer's side.
pub(super) struct LlmSide {
    pub rx: mpsc::Receiver<LlmRecord>,
    /// Spans per transaction, at most (`llm_tracing.flush_batch_size`).
    pub batch_spans: usize,
    pending: Arc<Pending>,
    stats: Arc<LlmStats>,
    ctx: WriteCtx,
}

/// What every flush writes with, whichever the database.
struct WriteCtx {
    default_policy: ContentStorage,
    settings: SettingsCache,
    spend: Arc<SpendBook>,
    scrub: Arc<Scrubbing>,
}

/// The queue and the writer's side of it, as `o` says.
pub(super) fn channel(o: &super::LlmOptions) -> (LlmQueue, LlmSide) {
    let (tx, rx) = mpsc::channel(o.capacity.max(1));
    let pending = Arc::new(Pending::default());
    let stats = Arc::new(LlmStats::default());
    let spend = Arc::new(SpendBook::new(o.settings_ttl));
    (
        LlmQueue {
            tx,
            pending: pending.clone(),
            stats: stats.clone(),
            spend: spend.clone(),
        },
        LlmSide {
            rx,
            batch_spans: o.batch_spans.max(1),
            pending,
            stats,
            ctx: WriteCtx {
                default_policy: o.default_policy,
                settings: SettingsCache::new(o.settings_ttl),
                spend,
                scrub: o.scrub.clone(),
            },
        },
    )
}

impl LlmSide {
    /// Takes what is queued into `batch`, up to the span budget.
    pub fn drain(&mut self, batch: &mut Vec<LlmRecord>) {
        let mut spans: usize = batch.iter().map(LlmRecord::spans).sum();
        while spans < self.batch_spans {
            match self.rx.try_recv() {
                Ok(r) => {
                    spans += r.spans();
                    batch.push(r);
                }
                Err(_) => break,
            }
        }
    }

    /// Writes `batch` in one transaction, retrying with backoff until it commits; clears it.
    /// Error spans are queued to be filed as error events `error_delay` later: returns when,
    /// if it queued any.
    pub fn flush(
        &mut self,
        conn: &mut Connection,
        batch: &mut Vec<LlmRecord>,
        error_delay: Duration,
    ) -> Option<i64> {
        self.flush_with(batch, error_delay, |ctx, batch, due| {
            write(conn, batch, ctx, due).map_err(|e| e.to_string())
        })
    }

    /// [`Self::flush`] on PostgreSQL: the writer's runtime and connection pool.
    pub fn flush_pg(
        &mut self,
        rt: &tokio::runtime::Runtime,
        pg: &crate::store::pg::Pg,
        batch: &mut Vec<LlmRecord>,
        error_delay: Duration,
    ) -> Option<i64> {
        self.flush_with(batch, error_delay, |ctx, batch, due| {
            rt.block_on(write_pg(pg, batch, ctx, due))
                .map_err(|e| e.to_string())
        })
    }

    fn flush_with(
        &mut self,
        batch: &mut Vec<LlmRecord>,
        error_delay: Duration,
        mut write: impl FnMut(&mut WriteCtx, &[LlmRecord], i64) -> Result<(u64, u64, u64), String>,
    ) -> Option<i64> {
        let mut attempt = 0;
        loop {
            let due = crate::store::now_ms() + error_delay.as_millis() as i64;
            match write(&mut self.ctx, batch, due) {
                Ok((traces, spans, errors)) => {
                    self.stats
                        .traces_written
                        .fetch_add(traces, Ordering::Relaxed);
                    self.stats.spans_written.fetch_add(spans, Ordering::Relaxed);
                    if attempt > 0 {
                        tracing::info!(
                            attempts = attempt + 1,
                            "trace flush succeeded after retrying"
                        );
                    }
                    self.pending.remove(
                        batch
                            .iter()
                            .filter(|r| matches!(r, LlmRecord::Trace { .. }))
                            .map(LlmRecord::key),
                    );
                    batch.clear();
                    return (errors > 0).then_some(due);
                }
                Err(e) => {
                    let wait = super::backoff(attempt);
                    tracing::error!(
                        error = %e,
                        records = batch.len(),
                        retry_in_ms = wait.as_millis() as u64,
                        "trace flush failed; keeping the batch and retrying"
                    );
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }
}

/// Prices spans: the client's own cost first, then overrides and the table.
pub struct FlushPricer<'a> {
    pub overrides: &'a [PriceOverride],
}

impl Pricer for FlushPricer<'_> {
    fn price(&mut self, project: &str, span: Span) -> Priced {
        if let Some(usd) = span.cost_usd {
            return Priced {
                cost_micros: Some((usd * 1e6).round() as i64),
                cost_source: Some("client"),
                span,
            };
        }
        let usage = Usage {
            input_tokens: span.input_tokens,
            output_tokens: span.output_tokens,
            cache_read_tokens: span.cache_read_tokens,
            cache_write_tokens: span.cache_write_tokens,
            input_includes_cache: span.input_includes_cache,
        };
        let found = span.model.as_deref().and_then(|model| {
            pricing::resolve(
                self.overrides,
                project,
                span.provider.as_deref(),
                model,
                &usage,
                span.started_at,
            )
        });
        match found {
            Some(m) => Priced {
                cost_micros: Some(pricing::cost_micros(&m.price, &usage)),
                cost_source: Some(m.source.as_str()),
                span,
            },
            None => Priced {
                cost_micros: None,
                cost_source: None,
                span,
            },
        }
    }
}

/// Content policies and price overrides as the writer last read them. They are read again
/// when another connection has committed since (`PRAGMA data_version`: the API, the CLI) and at
/// least every `llm_tracing.cache_ttl_secs`, so a change applies to the next flush while a
/// busy writer does not read them for every transaction.
pub(super) struct SettingsCache {
    ttl: Duration,
    loaded: Option<Loaded>,
}

struct Loaded {
    policies: HashMap<String, ContentStorage>,
    overrides: Vec<PriceOverride>,
    at: Instant,
    data_version: i64,
}

impl SettingsCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, loaded: None }
    }

    fn get(&mut self, tx: &Connection) -> rusqlite::Result<&Loaded> {
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let fresh = self
            .loaded
            .as_ref()
            .is_some_and(|l| l.data_version == version && l.at.elapsed() < self.ttl);
        if !fresh {
            self.loaded = Some(Loaded {
                policies: traces::content_policies(tx)?,
                overrides: traces::price_overrides(tx)?,
                at: Instant::now(),
                data_version: version,
            });
        }
        Ok(self.loaded.as_ref().expect("just loaded"))
    }
}

/// A record as a flush writes it: the content policy and scrubbing applied, spans priced.
enum Ready {
    Trace {
        trace: Trace,
        spans: Vec<Priced>,
        failed: Vec<super::llm_errors::Failure>,
        mode: Mode,
        received_at: i64,
    },
    Update(TraceUpdate),
}

/// Readies `record` of `project` under `policy`.
///
/// Scrubbing happens here, after the content policy: every path (bloop JSON, OTLP, the proxy,
/// updates) arrives through this queue, and only what the policy keeps is scanned (by default
/// prompts and completions are not kept at all). Nothing reaches disk unscrubbed; error spans
/// are read for filing (`failures`: types, environment, release) before, their messages after.
fn ready(
    record: &LlmRecord,
    project: &str,
    policy: ContentStorage,
    scrub: &Scrubbing,
    pricer: &mut FlushPricer,
) -> Ready {
    match record {
        LlmRecord::Trace {
            trace,
            mode,
            received_at,
            ..
        } => {
            let mut trace = trace.clone();
            let failed = super::llm_errors::failures(&trace);
            trace.apply_policy(policy);
            if let Some(s) = scrub.for_project(project) {
                trace.scrub(s);
            }
            let spans: Vec<Priced> = std::mem::take(&mut trace.spans)
                .into_iter()
                .map(|s| pricer.price(project, s))
                .collect();
            Ready::Trace {
                trace,
                spans,
                failed,
                mode: *mode,
                received_at: *received_at,
            }
        }
        LlmRecord::Update { update, .. } => {
            let mut update = update.clone();
            update.apply_policy(policy);
            if let Some(s) = scrub.for_project(project) {
                s.opt_content(&mut update.output);
            }
            Ready::Update(update)
        }
    }
}

fn project_of(record: &LlmRecord) -> &Arc<str> {
    match record {
        LlmRecord::Trace { project, .. } | LlmRecord::Update { project, .. } => project,
    }
}

fn dropped(project: &str) {
    tracing::warn!(project = %project, "project deleted while its traces were queued; dropping them");
}

fn unknown_update(project: &str, id: &str) {
    tracing::warn!(project = %project, trace = %id, "update for a trace that is not stored; ignored");
}

/// One transaction: content policy and prices as they are in the database (see
/// [`SettingsCache`]), then every record in queue order. Returns (traces, spans, error spans)
/// written.
fn write(
    conn: &mut Connection,
    batch: &[LlmRecord],
    ctx: &mut WriteCtx,
    error_due: i64,
) -> rusqlite::Result<(u64, u64, u64)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let settings = ctx.settings.get(&tx)?;
    let policies = &settings.policies;
    let mut pricer = FlushPricer {
        overrides: &settings.overrides,
    };
    let mut projects: HashMap<Arc<str>, bool> = HashMap::new();
    let mut rollups = Rollups::default();
    let (mut n_traces, mut n_spans, mut n_errors) = (0u64, 0u64, 0u64);
    for record in batch {
        let project = project_of(record);
        let alive = match projects.get(project) {
            Some(a) => *a,
            None => {
                let a = crate::store::projects::exists(&tx, project)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                projects.insert(project.clone(), a);
                a
            }
        };
        if !alive {
            dropped(project);
            continue;
        }
        let policy = policies
            .get(&**project)
            .copied()
            .unwrap_or(ctx.default_policy);
        match ready(record, project, policy, &ctx.scrub, &mut pricer) {
            Ready::Trace {
                trace,
                spans,
                failed,
                mode,
                received_at,
            } => {
                n_spans += spans.len() as u64;
                n_traces += 1;
                if !failed.is_empty() {
                    super::llm_errors::queue(&tx, project, &trace.id, &failed, error_due)?;
                    n_errors += failed.len() as u64;
                }
                traces::write_trace(&tx, &mut rollups, project, &trace, spans, mode, received_at)?;
            }
            Ready::Update(update) => {
                let id = &record.key().1;
                if !traces::apply_update(&tx, &mut rollups, &mut pricer, project, id, &update)? {
                    unknown_update(project, id);
                }
            }
        }
    }
    let cost = rollups.cost_deltas();
    rollups.write(&tx)?;
    // Counted in the spend book exactly once: see `SpendBook`.
    let _order = ctx.spend.commit_order();
    tx.commit()?;
    ctx.spend.add(&cost);
    Ok((n_traces, n_spans, n_errors))
}

/// [`write`] on PostgreSQL: one transaction over the batch with its traces taken in key order
/// (records of one trace keep their queue order), so two nodes never wait on each other in a
/// cycle; settings read at the start of each flush. A conflict with another node's flush fails
/// the whole flush, which is retried.
#[allow(clippy::await_holding_lock)] // the spend book's commit order: see the end
async fn write_pg(
    pg: &crate::store::pg::Pg,
    batch: &[LlmRecord],
    ctx: &mut WriteCtx,
    error_due: i64,
) -> Result<(u64, u64, u64), crate::store::StoreError> {
    use crate::store::pg::llm_write as w;
    let mut client = pg.client().await?;
    // Read at the start of every flush (two small tables): a change on any node applies to
    // the next one.
    let policies = crate::store::pg::llm_admin::content_policies(&client).await?;
    let overrides = crate::store::pg::llm_admin::price_overrides(&client).await?;
    let mut pricer = FlushPricer {
        overrides: &overrides,
    };
    let mut order: Vec<&LlmRecord> = batch.iter().collect();
    order.sort_by_key(|r| r.key());
    let tx = client.transaction().await?;
    let mut projects: HashMap<Arc<str>, bool> = HashMap::new();
    let mut rollups = Rollups::default();
    let (mut n_traces, mut n_spans, mut n_errors) = (0u64, 0u64, 0u64);
    for record in order {
        let project = project_of(record);
        let alive = match projects.get(project) {
            Some(a) => *a,
            None => {
                let a = w::project_exists(&tx, project).await?;
                projects.insert(project.clone(), a);
                a
            }
        };
        if !alive {
            dropped(project);
            continue;
        }
        let policy = policies
            .get(&**project)
            .copied()
            .unwrap_or(ctx.default_policy);
        match ready(record, project, policy, &ctx.scrub, &mut pricer) {
            Ready::Trace {
                trace,
                spans,
                failed,
                mode,
                received_at,
            } => {
                n_spans += spans.len() as u64;
                n_traces += 1;
                if !failed.is_empty() {
                    let queued: Vec<w::QueuedFailure> = failed
                        .iter()
                        .map(super::llm_errors::Failure::queued)
                        .collect();
                    w::queue_failures(&tx, project, &trace.id, &queued, error_due).await?;
                    n_errors += failed.len() as u64;
                }
                w::write_trace(&tx, &mut rollups, project, &trace, spans, mode, received_at)
                    .await?;
            }
            Ready::Update(update) => {
                let id = &record.key().1;
                if !w::apply_update(&tx, &mut rollups, &mut pricer, project, id, &update).await? {
                    unknown_update(project, id);
                }
            }
        }
    }
    let cost = rollups.cost_deltas();
    w::write_rollups(&tx, &mut rollups).await?;
    // Held over the commit, as on SQLite: the writer's runtime runs nothing else meanwhile,
    // and readers of the spend never wait on this lock (see `SpendBook`).
    let _order = ctx.spend.commit_order();
    tx.commit().await?;
    ctx.spend.add(&cost);
    Ok((n_traces, n_spans, n_errors))
}
