//! The HTTP server: shared state, `router(state, pages) -> Router` (a pure function of state, so tests
//! can serve it on `127.0.0.1:0`), and [`run`], which owns the background work and the shutdown
//! order: stop accepting → finish in-flight requests → drain the queue → final flush.
//! Connections are served by [`http1`]: plain ingest POSTs by a lean loop, everything else by
//! hyper and the router.

mod admin;
mod alerts;
pub mod analytics;
pub mod auth;
pub mod cluster;
pub mod error;
pub mod filters;
mod headers;
mod health;
pub mod http1;
pub mod ingest;
pub mod llm;
pub mod llm_admin;
pub mod llm_browse;
pub mod llm_usage;
pub mod openapi;
pub mod passkeys;
mod proxy;
pub mod query;
pub mod ratelimit;
pub mod routes;
pub mod sentry;
pub mod sourcemaps;
mod traces;
pub mod users;

use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::ingest::KeyCache;
use crate::pipeline::{self, Pipeline};
use crate::store::{self, StoreError};

pub use ratelimit::Limiter;

/// Everything a handler may need. Cloning is one `Arc` bump.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub pipeline: Pipeline,
    pub db: crate::store::Db,
    pub keys: KeyCache,
    pub limiter: Limiter,
    pub request_timeout: Duration,
    /// How long a handler waits for queue room before dropping (`ingest.enqueue_wait_ms`).
    pub enqueue_wait: Duration,
    pub started: Instant,
    pub token_uses: auth::TokenUses,
    pub alerts: crate::alert::deliver::Sender,
    /// Signalled when alert rules change (the evaluator reloads on the next flush).
    pub rules: Arc<crate::alert::RulesSignal>,
    /// Passkey ceremonies, sessions and the sign-in rate limit.
    pub passkeys: passkeys::PasskeyAuth,
    /// The dashboard's short-lived filter choices.
    pub filters: filters::FilterCache,
    /// Open connections and their cap.
    pub connections: Arc<http1::Connections>,
    /// DSN keys looked up by the Sentry endpoints, and what they took but do not store.
    pub sentry_dsns: sentry::DsnCache,
    pub sentry_stats: sentry::SentryStats,
    /// Requests per DSN key (`rate_limit.dsn_per_second`).
    pub dsn_limiter: ratelimit::DsnLimiter,
    /// Source maps: which a project has, and parsed ones, for minified Sentry frames.
    pub sourcemaps: crate::sourcemap::Resolver,
    /// The LLM proxy's client, limiter and counters.
    #[cfg(feature = "llm-tracing")]
    pub proxy: proxy::ProxyState,
    /// The scrubbing rules and the projects that turned them off (shared with the writer).
    pub scrub: Arc<crate::scrub::Scrubbing>,
    /// Insights (DuckDB, `--features analytics`).
    pub analytics: crate::analytics::Analytics,
    /// Whether this node runs the jobs that must run once (PostgreSQL: the advisory-lock
    /// holder; SQLite: always).
    pub role: Arc<cluster::Role>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }
}

/// All routes: the machine routes of [`routes::ROUTES`] and the HTML `pages` (the dashboard,
/// which sits above the server and is handed in, so the server never imports it).
pub fn router(state: AppState, pages: Router<AppState>) -> Router {
    let timeout = state.request_timeout;
    let routes = routes::api_router()
        .merge(routes::sentry_router())
        .merge(pages)
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed);
    // Every response carries the security headers (CSP, nosniff, …), ingest answers included;
    // the lean ingest loop writes the same ones.
    routes
        // Backstop for anything that outlives its request deadline (handlers that read a body
        // answer 408 themselves, with the JSON error shape).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout + Duration::from_secs(1),
        ))
        // The LLM proxy: a provider's answer can take minutes; it keeps its own deadline.
        .merge(routes::long_router())
        .layer(axum::middleware::map_response(headers::security_headers))
        .with_state(state)
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error("config: {0}")]
    Config(String),
    #[error("the ingest writer died: {0}")]
    Writer(String),
}

/// Runs the server on `listener` until `shutdown` is cancelled, then shuts down in order and
/// returns once every accepted event is committed (or the shutdown deadline passed).
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
    pages: fn() -> Router<AppState>,
) -> Result<(), ServeError> {
    let db_path = config.database.path.clone();
    let passkeys = passkeys::PasskeyAuth::new(&config.auth).map_err(ServeError::Config)?;
    let pg_url = config.database.postgres_url().map(str::to_string);
    // SQLite: the writer's own connection, and a pool of readers. PostgreSQL: a pool; the
    // writer makes its own connection.
    let (db, writer_conn) = match &pg_url {
        Some(url) => (
            store::Db::Postgres(store::pg::Pg::open(url, config.database.pool_size).await?),
            None,
        ),
        None => {
            let conn = store::open(&db_path)?;
            store::tune_writer(&conn).map_err(StoreError::from)?;
            let pool = store::pool(&db_path, config.database.pool_size)?;
            (store::Db::Sqlite(pool), Some(conn))
        }
    };
    let keys = KeyCache::new(config.auth.hmac_secret.expose());
    keys.load(db.usable_keys(store::now_ms()).await?);
    let scrub = {
        // The IP hash key lives in the database; it is only made when hashing is asked for.
        let key = match config.scrubbing.ip_addresses {
            crate::config::IpAddresses::Hash => crate::scrub::ip_key_from(&db).await?,
            _ => Vec::new(),
        };
        let s = crate::scrub::Scrubbing::new(&config.scrubbing, &key);
        s.reload_from(&db).await?;
        Arc::new(s)
    };
    if let Some(setup) = db.setup_invite(store::now_ms()).await? {
        let link = store::users::invite_link(&config.auth.rp_origin, &setup.token, true);
        tracing::info!(
            "no dashboard users yet: open {link} to register the first admin's passkey \
             (single use, valid 24 h; a restart, or another node starting, makes a new link)"
        );
    }
    let database = match &db {
        store::Db::Postgres(pg) => pg.url().to_string(),
        store::Db::Sqlite(_) => db_path.display().to_string(),
    };
    // Logged once the database is open, migrated and written to: "listening" means ready.
    tracing::info!(
        database = %database,
        backend = db.backend(),
        "bloop {} listening on http://{}",
        env!("CARGO_PKG_VERSION"),
        listener.local_addr()?
    );

    // Alerting: the writer reports each flush to the evaluator thread, which queues deliveries
    // for the delivery worker. None of it is on the ingest path.
    let alert_tasks = TaskTracker::new();
    let alert_sender = crate::alert::deliver::Sender::new(&config, db.clone());
    let queue = crate::alert::deliver::start(alert_sender.clone(), &alert_tasks);
    let rules = Arc::new(crate::alert::RulesSignal::default());
    // The evaluator reads rules and records firings where the data is: its own SQLite
    // connection, or the PostgreSQL pool on this runtime.
    let backend = match &db {
        store::Db::Sqlite(_) => crate::alert::eval::Backend::Sqlite(store::open(&db_path)?),
        store::Db::Postgres(pg) => crate::alert::eval::Backend::Postgres {
            pg: pg.clone(),
            rt: tokio::runtime::Handle::current(),
        },
    };
    let (reports_tx, reports_rx) = std::sync::mpsc::sync_channel(1024);
    let evaluator = crate::alert::eval::Evaluator::new(backend, &config, queue.tx, rules.clone());
    let evaluator = std::thread::Builder::new()
        .name("bloop-alerts".into())
        .spawn(move || evaluator.run(reports_rx))?;
    let reports = pipeline::Reports {
        tx: reports_tx,
        wanted: rules.active_flag(),
    };
    #[cfg(feature = "llm-tracing")]
    let llm_options = config.llm_tracing.enabled.then_some(pipeline::LlmOptions {
        capacity: config.llm_tracing.channel_capacity,
        batch_spans: config.llm_tracing.flush_batch_size,
        default_policy: config.llm_tracing.default_content_storage,
        settings_ttl: std::time::Duration::from_secs(config.llm_tracing.cache_ttl_secs),
        error_delay: std::time::Duration::from_secs(config.llm_tracing.error_issue_delay_secs),
        scrub: scrub.clone(),
    });
    let (pipeline, writer) = match (writer_conn, &pg_url) {
        (Some(writer_conn), _) => pipeline::start(
            writer_conn,
            config.ingest.channel_capacity,
            &config.pipeline,
            Some(reports),
            #[cfg(feature = "llm-tracing")]
            llm_options,
        ),
        (None, Some(url)) => {
            pipeline::start_pg(
                url,
                config.ingest.channel_capacity,
                &config.pipeline,
                Some(reports),
                #[cfg(feature = "llm-tracing")]
                llm_options,
            )
            .await?
        }
        (None, None) => unreachable!("SQLite always has its writer connection"),
    };
    let config_cap = config.server.connection_cap();
    #[cfg(feature = "llm-tracing")]
    let proxy_state = proxy::ProxyState::new(&config.llm_tracing.proxy);
    let sourcemap_cache = config.sourcemaps.cache_mb as usize * 1024 * 1024;
    let dsn_limiter = ratelimit::DsnLimiter::new(&config.rate_limit);
    let analytics = crate::analytics::Analytics::start(&config, &pipeline.feed);
    let state = AppState::new(Inner {
        limiter: Limiter::new(&config.rate_limit, config.trusted_proxies()),
        request_timeout: Duration::from_secs(config.server.request_timeout_secs),
        enqueue_wait: Duration::from_millis(config.ingest.enqueue_wait_ms),
        config,
        pipeline,
        db,
        keys,
        started: Instant::now(),
        token_uses: Default::default(),
        alerts: alert_sender,
        rules,
        passkeys,
        filters: Default::default(),
        connections: http1::Connections::new(config_cap),
        sentry_dsns: Default::default(),
        sentry_stats: Default::default(),
        dsn_limiter,
        sourcemaps: crate::sourcemap::Resolver::new(sourcemap_cache),
        #[cfg(feature = "llm-tracing")]
        proxy: proxy_state,
        scrub,
        analytics,
        role: Arc::new(match pg_url {
            Some(_) => cluster::Role::follower(),
            None => cluster::Role::single(),
        }),
    });

    let tasks = TaskTracker::new();
    let background = CancellationToken::new();
    tasks.spawn(refresh_keys(state.clone(), background.clone()));
    tasks.spawn(prune_loop(state.clone(), background.clone()));
    match &state.db {
        store::Db::Sqlite(_) => {
            tasks.spawn(checkpoint_loop(state.clone(), background.clone()));
        }
        store::Db::Postgres(pg) => {
            let (changed_tx, changed_rx) = tokio::sync::mpsc::unbounded_channel();
            if let Some(url) = state.config.database.postgres_url() {
                tasks.spawn(cluster::run(
                    url.to_string(),
                    state.role.clone(),
                    changed_tx,
                    background.clone(),
                ));
            }
            tasks.spawn(apply_changes(state.clone(), changed_rx, background.clone()));
            tasks.spawn(partition_loop(
                pg.clone(),
                state.role.clone(),
                background.clone(),
            ));
        }
    }
    tasks.spawn(state.analytics.clone().run(background.clone()));

    let grace = Duration::from_secs(state.config.server.shutdown_timeout_secs);
    let app = router(state.clone(), pages());
    // Stops serving on the caller's signal, or when the writer dies (nothing accepted from
    // then on could be written).
    let stop = shutdown.child_token();
    let writer_failed = writer.failed();
    let watch_writer = {
        let stop = stop.clone();
        async move {
            tokio::select! {
                () = writer_failed.cancelled() => stop.cancel(),
                () = stop.cancelled() => {}
            }
        }
    };
    let server = http1::serve(listener, app, state.clone(), stop.clone());
    let server = async {
        tokio::join!(server, watch_writer);
    };

    let deadline = async {
        stop.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        () = server => {}
        () = deadline => tracing::warn!("in-flight requests did not finish within the shutdown timeout; closing them"),
    }
    tracing::info!("no longer accepting requests; writing what is queued");
    background.cancel();
    tasks.close();
    tasks.wait().await;
    let queued = state.pipeline.queue_depth();
    let written = writer.shutdown().await;
    // The writer is gone, so the evaluator sees its channel close and ends; then the delivery
    // worker finishes what is queued, within a bound (a hanging receiver must not hold the exit).
    let _ = tokio::task::spawn_blocking(move || evaluator.join()).await;
    alert_tasks.close();
    if tokio::time::timeout(Duration::from_secs(5), alert_tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("some alert deliveries were still in flight at shutdown");
    }
    tracing::info!(
        flushed_at_shutdown = queued,
        written = state
            .pipeline
            .stats
            .written
            .load(std::sync::atomic::Ordering::Relaxed),
        "shutdown complete"
    );
    written.map_err(ServeError::Writer)
}

/// Reloads ingest keys and the per-project scrubbing switches every half second (so CLI and
/// other processes' changes apply within a second) and trims the rate limiter's memory now
/// and then.
async fn refresh_keys(state: AppState, stop: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n: u64 = 0;
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = reload(&state, true, true).await {
            tracing::warn!(error = %e, "could not reload ingest keys or scrubbing switches");
        }
        n += 1;
        if n % 60 == 0 {
            state.limiter.housekeeping();
            state.dsn_limiter.housekeeping();
        }
    }
}

/// Prunes raw events past their retention every `retention.prune_interval_secs` (on
/// PostgreSQL whole days go by dropping their partition).
async fn prune_loop(state: AppState, stop: CancellationToken) {
    let every = Duration::from_secs(state.config.retention.prune_interval_secs.max(1));
    // Not at the very start: a restart under load should first catch up on ingest.
    let first = tokio::time::Instant::now() + every.min(Duration::from_secs(60));
    let mut tick = tokio::time::interval_at(first, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        // On PostgreSQL only the node that runs the cluster's jobs prunes.
        if !state.role.runs_jobs() {
            continue;
        }
        let cfg = state.config.retention.clone();
        match state.db.prune(cfg, None, None, false).await {
            Ok(r) if r.events > 0 || r.traces > 0 => {
                tracing::info!(
                    events = r.events,
                    traces = r.traces,
                    "pruned raw events and LLM traces past retention"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "prune failed; will retry at the next interval"),
        }
    }
}

/// Reads the ingest keys and/or the per-project scrubbing switches from the database again.
async fn reload(state: &AppState, keys: bool, settings: bool) -> Result<(), StoreError> {
    if keys {
        state
            .keys
            .load(state.db.usable_keys(store::now_ms()).await?);
    }
    if settings {
        state.scrub.reload_from(&state.db).await?;
    }
    Ok(())
}

/// Reloads what another node changed as soon as it says so (`server::cluster`).
async fn apply_changes(
    state: AppState,
    mut changed: tokio::sync::mpsc::UnboundedReceiver<String>,
    stop: CancellationToken,
) {
    loop {
        let what = tokio::select! {
            () = stop.cancelled() => return,
            w = changed.recv() => match w {
                Some(w) => w,
                None => return,
            },
        };
        let r = match what.as_str() {
            "keys" => reload(&state, true, false).await,
            "rules" => {
                state.rules.changed();
                Ok(())
            }
            "settings" => reload(&state, false, true).await,
            // The proxy's cached spend of that project is read again at its next call.
            #[cfg(feature = "llm-tracing")]
            w if w.starts_with(store::pg::BUDGET_CHANGED) => {
                if let Some(q) = &state.pipeline.llm {
                    q.spend.forget(&w[store::pg::BUDGET_CHANGED.len()..]);
                }
                Ok(())
            }
            _ => reload(&state, true, true).await,
        };
        if let Err(e) = r {
            tracing::warn!(error = %e, what = %what, "could not reload after another node's change");
        }
    }
}

/// Makes the event partitions of the coming days every minute (and deletes the insights' feed
/// rows every rollup has read), on the node that runs the
/// cluster's jobs (under an advisory lock as well, so it is done once even if two nodes believe
/// they lead for a moment).
async fn partition_loop(pg: store::pg::Pg, role: Arc<cluster::Role>, stop: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        if !role.runs_jobs() {
            continue;
        }
        let r = async {
            let mut c = pg.client().await?;
            store::pg::partitions::ensure(&mut c, store::now_ms()).await?;
            store::pg::prune_analytics_feed(&**c).await.map(|_| ())
        }
        .await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "partition upkeep failed; will retry in a minute");
        }
    }
}

/// Checkpoints the WAL every second (the writer's connection does not, see `store::tune_writer`).
async fn checkpoint_loop(state: AppState, stop: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = store::with_conn(&state.db, |c| Ok(store::checkpoint(c)?)).await {
            tracing::debug!(error = %e, "WAL checkpoint skipped");
        }
    }
}
