//! Insights over the error counts (`--features analytics`): what is spiking, what moved since
//! the window before, which issues move together, what each release brought and how noisy each
//! environment is.
//!
//! - [`stats`]: the statistics, on plain numbers;
//! - [`engine`]: the rollup's SQL, written once for DuckDB and SQLite;
//! - [`insights`]: the five answers, from the rollup and the issue rows;
//! - `duck` (with the feature): the DuckDB file beside the database, kept current from the
//!   writer's sums ([`crate::pipeline::feed`]) or, when those do not continue it, from SQLite;
//! - `pg` (with the feature): the same rollup, per node, over PostgreSQL and its feed table;
//! - `compare` (with the feature): every insight timed on DuckDB and on SQLite.
//!
//! [`Analytics`] is what the server holds: answers cached for `analytics.cache_ttl_secs`, the
//! rollup synced before an answer that is not cached and every few seconds in the background.
//! Without the feature, or with `analytics.enabled = false`, it answers [`Error::Disabled`].

pub mod engine;
pub mod insights;
pub mod stats;

#[cfg(feature = "analytics")]
pub mod compare;
#[cfg(feature = "analytics")]
pub mod duck;
#[cfg(feature = "analytics")]
pub mod pg;

use std::sync::Arc;

pub use insights::Ask;

/// The five insights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Insight {
    Spikes,
    Movers,
    Correlations,
    Releases,
    Environments,
}

impl Insight {
    pub const ALL: [Insight; 5] = [
        Insight::Spikes,
        Insight::Movers,
        Insight::Correlations,
        Insight::Releases,
        Insight::Environments,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Insight::Spikes => "spikes",
            Insight::Movers => "movers",
            Insight::Correlations => "correlations",
            Insight::Releases => "releases",
            Insight::Environments => "environments",
        }
    }
}

/// Why an insight has no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Not built, or turned off: says which and how to turn it on.
    Disabled(String),
    Failed(String),
}

/// The most hours an insight looks at.
pub const MAX_HOURS: u32 = 720;

/// Runs one insight on an engine and the main database.
pub fn compute(
    which: Insight,
    e: &dyn engine::Engine,
    db: &dyn insights::Main,
    ask: &Ask,
) -> Result<serde_json::Value, String> {
    let v = match which {
        Insight::Spikes => serde_json::to_value(insights::spikes(e, db, ask)?),
        Insight::Movers => serde_json::to_value(insights::movers(e, db, ask)?),
        Insight::Correlations => serde_json::to_value(insights::correlations(e, db, ask)?),
        Insight::Releases => serde_json::to_value(insights::releases(e, db, ask)?),
        Insight::Environments => serde_json::to_value(insights::environments(e, ask)?),
    };
    v.map_err(|e| e.to_string())
}

#[cfg_attr(not(feature = "analytics"), allow(dead_code))]
const TURNED_OFF: &str = "analytics is turned off: set `analytics.enabled = true`";

/// The first hour the rollup keeps: the hourly counts' retention (`days`) back from now.
#[cfg_attr(not(feature = "analytics"), allow(dead_code))]
fn horizon_hour(days: u32) -> i64 {
    (crate::store::now_ms() - i64::from(days) * 86_400_000).div_euclid(insights::HOUR_MS)
}

/// The longest environment a filter takes.
pub const MAX_ENVIRONMENT: usize = 200;

/// The parameters every insight takes (`project` is the caller's business: `projects`), checked
/// one by one: `hours` 1..=720 (72), `limit` 1..=100 (20), `environment`, and for correlations
/// `fingerprint`.
pub fn parse_ask(
    get: &impl Fn(&str) -> Option<String>,
    projects: Option<Vec<String>>,
    now_ms: i64,
    threshold: f64,
) -> Result<Ask, crate::store::issues::ParamError> {
    use crate::store::issues::{u32_param, ParamError};
    let hours = u32_param(get, "hours", 1, MAX_HOURS, 72)?;
    let limit = u32_param(get, "limit", 1, 100, 20)?;
    let environment = get("environment").filter(|e| !e.is_empty());
    if environment
        .as_ref()
        .is_some_and(|e| e.len() > MAX_ENVIRONMENT)
    {
        return Err(ParamError {
            field: "environment".into(),
            message: format!("`environment` is at most {MAX_ENVIRONMENT} bytes"),
            limit: Some(MAX_ENVIRONMENT as u64),
        });
    }
    Ok(Ask {
        filter: engine::Filter {
            projects,
            environment,
        },
        hours: i64::from(hours),
        limit: limit as usize,
        now_ms,
        fingerprint: get("fingerprint").filter(|f| !f.is_empty()),
        threshold,
    })
}

/// One insight on the local database, for the CLI: the rollup file beside it brought up to date
/// (or, while a running server holds that file, a rollup built in memory for this answer).
#[cfg(feature = "analytics")]
pub fn local(
    config: &crate::Config,
    db: &mut rusqlite::Connection,
    which: Insight,
    ask: &Ask,
) -> Result<serde_json::Value, Error> {
    if !config.analytics.enabled {
        return Err(Error::Disabled(TURNED_OFF.into()));
    }
    let mem = config.analytics.memory_limit_mb;
    let duck = match duck::Duck::open(Some(&store_path(&config.database.path)), mem) {
        Ok(d) => d,
        Err(e) if duck::is_locked(&e) => duck::Duck::open(None, mem).map_err(Error::Failed)?,
        Err(e) => return Err(Error::Failed(e)),
    };
    let horizon = horizon_hour(config.retention.hourly_counts_days);
    duck.sync(db, horizon, crate::pipeline::feed::Taken::Nothing)
        .map_err(Error::Failed)?;
    compute(which, &duck, &*db, ask).map_err(Error::Failed)
}

/// One insight on the PostgreSQL database at `url`, for the CLI: a rollup built in memory for
/// this answer.
#[cfg(feature = "analytics")]
pub fn shared(
    config: &crate::Config,
    url: &str,
    which: Insight,
    ask: &Ask,
) -> Result<serde_json::Value, Error> {
    if !config.analytics.enabled {
        return Err(Error::Disabled(TURNED_OFF.into()));
    }
    let duck = duck::Duck::open(None, config.analytics.memory_limit_mb).map_err(Error::Failed)?;
    let main = pg::Shared::open(url).map_err(Error::Failed)?;
    let horizon = horizon_hour(config.retention.hourly_counts_days);
    main.sync(&duck, horizon).map_err(Error::Failed)?;
    compute(which, &duck, &main, ask).map_err(Error::Failed)
}

#[cfg(not(feature = "analytics"))]
pub fn shared(
    _config: &crate::Config,
    _url: &str,
    _which: Insight,
    _ask: &Ask,
) -> Result<serde_json::Value, Error> {
    Err(Error::Disabled(NOT_BUILT.into()))
}

#[cfg(not(feature = "analytics"))]
pub fn local(
    _config: &crate::Config,
    _db: &mut rusqlite::Connection,
    _which: Insight,
    _ask: &Ask,
) -> Result<serde_json::Value, Error> {
    Err(Error::Disabled(NOT_BUILT.into()))
}

/// The rollup's file for a database: beside it, `<database>-analytics.duckdb`.
pub fn store_path(database: &std::path::Path) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-analytics.duckdb");
    std::path::PathBuf::from(name)
}

/// A node's rollup of the PostgreSQL database: beside where `database.path` points,
/// `<path>-analytics-pg.duckdb` (never the SQLite database's rollup).
pub fn pg_store_path(database: &std::path::Path) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-analytics-pg.duckdb");
    std::path::PathBuf::from(name)
}

#[cfg_attr(feature = "analytics", allow(dead_code))]
const NOT_BUILT: &str = "analytics is not in this build: build bloop with `--features analytics`";

/// The server's handle on the insights.
#[derive(Clone)]
pub struct Analytics(Inner);

#[cfg(not(feature = "analytics"))]
#[derive(Clone)]
struct Inner;

#[cfg(not(feature = "analytics"))]
impl Analytics {
    pub fn start(_config: &crate::Config, _feed: &Arc<crate::pipeline::feed::Feed>) -> Analytics {
        Analytics(Inner)
    }

    /// Why there are no insights (`None`: there are).
    pub fn disabled(&self) -> Option<String> {
        Some(NOT_BUILT.into())
    }

    pub async fn answer(
        &self,
        _which: Insight,
        _ask: Ask,
    ) -> Result<Arc<serde_json::Value>, Error> {
        Err(Error::Disabled(NOT_BUILT.into()))
    }

    pub async fn run(self, _stop: tokio_util::sync::CancellationToken) {}
}

#[cfg(feature = "analytics")]
#[derive(Clone)]
struct Inner(Option<Arc<on::On>>, Arc<str>);

#[cfg(feature = "analytics")]
impl Analytics {
    /// Opens the rollup beside the database (building it is left to [`Analytics::run`] and the
    /// first answer) and asks the writer for its sums (`feed`). Disabled when
    /// `analytics.enabled = false` or the file cannot be opened.
    pub fn start(config: &crate::Config, feed: &Arc<crate::pipeline::feed::Feed>) -> Analytics {
        if !config.analytics.enabled {
            return Analytics(Inner(None, TURNED_OFF.into()));
        }
        let on_pg = config.database.postgres_url().is_some();
        match on::On::open(config, feed.clone()) {
            Ok(on) => {
                if !on_pg {
                    feed.want();
                }
                Analytics(Inner(Some(Arc::new(on)), "".into()))
            }
            Err(e) => {
                tracing::error!(error = %e, "analytics store could not be opened; analytics is off");
                Analytics(Inner(
                    None,
                    format!("the analytics store could not be opened: {e}").into(),
                ))
            }
        }
    }

    /// Why there are no insights (`None`: there are).
    pub fn disabled(&self) -> Option<String> {
        self.0 .0.is_none().then(|| self.0 .1.to_string())
    }

    pub async fn answer(&self, which: Insight, ask: Ask) -> Result<Arc<serde_json::Value>, Error> {
        match &self.0 .0 {
            Some(on) => on.answer(which, ask).await,
            None => Err(Error::Disabled(self.0 .1.to_string())),
        }
    }

    /// Keeps the rollup current until `stop`: a sync every few seconds, and now and then
    /// compaction and retention.
    pub async fn run(self, stop: tokio_util::sync::CancellationToken) {
        if let Some(on) = self.0 .0 {
            on.run(stop).await;
        }
    }
}

#[cfg(feature = "analytics")]
mod on {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::duck::{self, Duck};
    use super::insights::Main;
    use super::{compute, Ask, Error, Insight};
    use crate::pipeline::feed::Feed;
    use crate::store;

    /// The main database, as the analytics thread reads it.
    enum Source {
        Sqlite(rusqlite::Connection),
        Postgres(super::pg::Shared),
    }

    impl Source {
        fn main(&self) -> &dyn Main {
            match self {
                Source::Sqlite(c) => c,
                Source::Postgres(s) => s,
            }
        }

        /// The projects that exist.
        fn projects(&self) -> Result<Vec<String>, String> {
            match self {
                Source::Sqlite(db) => db
                    .prepare_cached("SELECT id FROM projects ORDER BY id")
                    .map_err(sql)?
                    .query_map([], |r| r.get(0))
                    .map_err(sql)?
                    .collect::<Result<_, _>>()
                    .map_err(sql),
                Source::Postgres(s) => s.projects(),
            }
        }
    }

    type Job = Box<dyn FnOnce(&Duck, &mut Source) + Send>;

    /// The analytics thread: it owns the rollup and a connection of its own to the database
    /// and runs every build, sync and answer in turn. On the runtime's blocking threads each
    /// thread's allocator arena kept its own high-water mark of DuckDB's and SQLite's working
    /// memory: ~40 MB more peak RSS over the benchmark's questions, measured.
    struct Worker(std::sync::mpsc::Sender<Job>);

    impl Worker {
        /// Starts the thread, which opens the rollup and the database with `open` (on itself:
        /// what it opens is dropped there too), and waits until they are open.
        fn start(
            open: impl FnOnce() -> Result<(Duck, Source), String> + Send + 'static,
        ) -> Result<Worker, String> {
            let (tx, rx) = std::sync::mpsc::channel::<Job>();
            let (ready, opened) = std::sync::mpsc::sync_channel::<Result<(), String>>(1);
            std::thread::Builder::new()
                .name("bloop-analytics".into())
                .spawn(move || {
                    let (duck, mut db) = match open() {
                        Ok(x) => {
                            let _ = ready.send(Ok(()));
                            x
                        }
                        Err(e) => {
                            let _ = ready.send(Err(e));
                            return;
                        }
                    };
                    for job in rx {
                        let run = std::panic::AssertUnwindSafe(|| job(&duck, &mut db));
                        if std::panic::catch_unwind(run).is_err() {
                            tracing::error!("an analytics job panicked; its question failed");
                        }
                    }
                })
                .map_err(|e| e.to_string())?;
            opened
                .recv()
                .map_err(|_| "the analytics thread stopped while opening".to_string())??;
            Ok(Worker(tx))
        }

        /// Runs `f` on the analytics thread and waits for its answer.
        async fn run<T: Send + 'static>(
            &self,
            f: impl FnOnce(&Duck, &mut Source) -> Result<T, String> + Send + 'static,
        ) -> Result<T, Error> {
            let (tx, rx) = tokio::sync::oneshot::channel();
            self.0
                .send(Box::new(move |duck, db| {
                    let _ = tx.send(f(duck, db));
                }))
                .map_err(|_| Error::Failed("the analytics thread has stopped".into()))?;
            rx.await
                .map_err(|_| Error::Failed("the analytics job did not finish".into()))?
                .map_err(Error::Failed)
        }
    }

    fn sql(e: rusqlite::Error) -> String {
        e.to_string()
    }

    /// How often the background sync runs.
    const SYNC_EVERY: Duration = Duration::from_secs(5);
    /// Compaction and retention.
    const TIDY_EVERY: Duration = Duration::from_secs(600);
    /// Answers kept at most (the oldest go first).
    const CACHE_MAX: usize = 256;

    type Key = (
        Insight,
        Option<Vec<String>>,
        Option<String>,
        i64,
        usize,
        Option<String>,
    );

    pub struct On {
        worker: Worker,
        /// The writer's sums of each commit.
        feed: Arc<Feed>,
        ttl: Duration,
        hourly_days: u32,
        cache: Mutex<HashMap<Key, (Instant, Arc<serde_json::Value>)>>,
        synced: tokio::sync::Mutex<Option<Instant>>,
        /// The first hour appended to since the last compaction.
        dirty_from: Mutex<Option<i64>>,
        /// The projects at the last sync.
        projects: Mutex<Option<Vec<String>>>,
    }

    impl On {
        pub fn open(config: &crate::Config, feed: Arc<Feed>) -> Result<On, String> {
            let mem = config.analytics.memory_limit_mb;
            let worker = match config.database.postgres_url() {
                Some(url) => {
                    // A node's own rollup: on a file beside `database.path` when it can have
                    // one, else in memory (another node on this machine has the file, or the
                    // directory is not writable); either way built from the database.
                    let url = url.to_string();
                    let path = super::pg_store_path(&config.database.path);
                    Worker::start(move || {
                        let duck = match Duck::open(Some(&path), mem) {
                            Ok(d) => d,
                            Err(e) => {
                                if duck::is_locked(&e) {
                                    tracing::info!(path = %path.display(),
                                        "the analytics store is in use by another process; \
                                         this node keeps its rollup in memory");
                                } else {
                                    tracing::warn!(path = %path.display(), error = %e,
                                        "the analytics store cannot be opened; \
                                         this node keeps its rollup in memory");
                                }
                                Duck::open(None, mem)?
                            }
                        };
                        Ok((duck, Source::Postgres(super::pg::Shared::open(&url)?)))
                    })?
                }
                None => {
                    let path = super::store_path(&config.database.path);
                    let db_path = config.database.path.clone();
                    Worker::start(move || {
                        let duck = Duck::open(Some(&path), mem)?;
                        let db = store::open_existing(&db_path).map_err(|e| e.to_string())?;
                        Ok((duck, Source::Sqlite(db)))
                    })?
                }
            };
            Ok(On {
                worker,
                feed,
                ttl: Duration::from_secs(config.analytics.cache_ttl_secs),
                hourly_days: config.retention.hourly_counts_days,
                cache: Mutex::new(HashMap::new()),
                synced: tokio::sync::Mutex::new(None),
                dirty_from: Mutex::new(None),
                projects: Mutex::new(None),
            })
        }

        fn horizon_hour(&self) -> i64 {
            super::horizon_hour(self.hourly_days)
        }

        /// Brings the rollup up to date (one sync at a time; with nothing new, one indexed
        /// read of the events past the cursor and of the project list).
        async fn sync(&self) -> Result<(), Error> {
            let mut last = self.synced.lock().await;
            let horizon = self.horizon_hour();
            let known = self.projects.lock().ok().and_then(|p| p.clone());
            let feed = self.feed.clone();
            let (done, live) = self
                .worker
                .run(move |duck, src| {
                    let (done, live) = match src {
                        Source::Sqlite(db) => {
                            // Taken before anything is read from the database: every flush in
                            // it has committed, so a read of the database covers it if the
                            // sums cannot be used.
                            let done = duck.sync(db, horizon, feed.take())?;
                            (done, src.projects()?)
                        }
                        Source::Postgres(shared) => shared.sync(duck, horizon)?,
                    };
                    // A deleted project's rows go at once (its issue ids may be used again).
                    if known.as_ref().is_some_and(|k| k != &live) {
                        duck.prune(horizon, &live)?;
                    }
                    Ok((done, live))
                })
                .await?;
            if let Ok(mut p) = self.projects.lock() {
                if p.as_ref().is_some_and(|k| k != &live) {
                    if let Ok(mut c) = self.cache.lock() {
                        c.clear();
                    }
                }
                *p = Some(live);
            }
            *last = Some(Instant::now());
            if done.rows > 0 {
                if let Ok(mut c) = self.cache.lock() {
                    // New events: cached answers stay until their TTL (that is what the TTL
                    // promises), but a rebuild invalidates everything.
                    if done.rebuilt {
                        c.clear();
                    }
                }
                let now_hour = store::now_ms().div_euclid(super::insights::HOUR_MS);
                if let Ok(mut d) = self.dirty_from.lock() {
                    // Late events reach back up to the raw-event retention; a week covers it.
                    let from = now_hour - 24 * 8;
                    *d = Some(d.map_or(from, |x| x.min(from)));
                }
            }
            Ok(())
        }

        pub async fn answer(
            &self,
            which: Insight,
            ask: Ask,
        ) -> Result<Arc<serde_json::Value>, Error> {
            let key: Key = (
                which,
                ask.filter.projects.clone(),
                ask.filter.environment.as_ref().map(|e| e.to_lowercase()),
                ask.hours,
                ask.limit,
                ask.fingerprint.clone(),
            );
            if let Ok(c) = self.cache.lock() {
                if let Some((at, v)) = c.get(&key) {
                    if at.elapsed() < self.ttl {
                        return Ok(v.clone());
                    }
                }
            }
            self.sync().await?;
            let v = self
                .worker
                .run(move |duck, src| compute(which, duck, src.main(), &ask))
                .await?;
            let v = Arc::new(v);
            if let Ok(mut c) = self.cache.lock() {
                if c.len() >= CACHE_MAX {
                    let ttl = self.ttl;
                    c.retain(|_, (at, _)| at.elapsed() < ttl);
                    if c.len() >= CACHE_MAX {
                        if let Some(oldest) = c
                            .iter()
                            .min_by_key(|(_, (at, _))| *at)
                            .map(|(k, _)| k.clone())
                        {
                            c.remove(&oldest);
                        }
                    }
                }
                c.insert(key, (Instant::now(), v.clone()));
            }
            Ok(v)
        }

        async fn tidy(&self) -> Result<(), Error> {
            let from = self.dirty_from.lock().ok().and_then(|mut d| d.take());
            let horizon = self.horizon_hour();
            self.worker
                .run(move |duck, src| {
                    let live = src.projects()?;
                    duck.prune(horizon, &live)?;
                    if let Some(from) = from {
                        duck.compact(from)?;
                    }
                    Ok(())
                })
                .await
        }

        pub async fn run(self: Arc<Self>, stop: tokio_util::sync::CancellationToken) {
            let mut tidied = Instant::now();
            loop {
                if let Err(e) = self.sync().await {
                    tracing::warn!(error = ?e, "analytics sync failed; retrying");
                }
                if tidied.elapsed() >= TIDY_EVERY {
                    tidied = Instant::now();
                    if let Err(e) = self.tidy().await {
                        tracing::warn!(error = ?e, "analytics compaction failed");
                    }
                }
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(SYNC_EVERY) => {}
                }
            }
        }
    }
}
