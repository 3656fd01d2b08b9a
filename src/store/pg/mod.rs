//! PostgreSQL storage, selected by `database.url`: the connection pool, the numbered migrations
//! (their own directory, `migrations/`), the daily event partitions, and the Postgres side of
//! each use case the store offers (the SQLite side stays the default and the reference).
//!
//! Several `bloop serve` nodes may share one database: migrations and partition upkeep take
//! advisory locks, and every write a flush makes is keyed and ordered so that two nodes' flushes
//! cannot deadlock (see `ingest`).

pub mod alerts;
pub mod args;
pub mod ingest;
pub mod issues;
pub mod keys;
#[cfg(feature = "llm-tracing")]
pub mod llm;
#[cfg(feature = "llm-tracing")]
pub mod llm_admin;
#[cfg(feature = "llm-tracing")]
pub mod llm_browse;
#[cfg(feature = "llm-tracing")]
pub mod llm_usage;
#[cfg(feature = "llm-tracing")]
pub mod llm_write;
pub mod migrate;
pub mod projects;
pub mod releases;
pub mod retention;
pub mod scratch;
pub mod settings;
pub mod sourcemaps;
pub mod tls;
pub mod tokens;
pub mod triage;
pub mod users;

use std::str::FromStr;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};

use super::StoreError;

/// The oldest server bloop runs on (`server_version_num`).
pub const MIN_SERVER_VERSION: i32 = 140_000;

/// Advisory lock keys (one namespace: the first 32 bits spell "blop").
pub mod locks {
    /// Held by whoever runs migrations.
    pub const MIGRATE: i64 = 0x626c_6f70_0000_0001;
    /// Held while event partitions are created.
    pub const PARTITIONS: i64 = 0x626c_6f70_0000_0002;
    /// Held (for its session) by the node that runs the cluster's jobs.
    pub const LEADER: i64 = 0x626c_6f70_0000_0003;
    /// Writes that check the set of dashboard users (transaction-scoped).
    pub const USERS: i64 = 0x626c_6f70_0000_0004;
}

/// What changed, for the other nodes (`server::cluster` listens): `keys` (ingest keys and
/// projects), `settings` (runtime settings such as scrubbing switches).
/// The change announced when a project's LLM budget changed: this, then the project's id.
pub const BUDGET_CHANGED: &str = "budget:";

pub async fn notify(
    c: &impl deadpool_postgres::GenericClient,
    what: &str,
) -> Result<(), StoreError> {
    c.execute("SELECT pg_notify('bloop_changes', $1)", &[&what])
        .await?;
    Ok(())
}

/// The numbered migrations, in order. Never edit one that has landed; append.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_core.sql"),
    include_str!("migrations/0002_events_without_fk.sql"),
    include_str!("migrations/0003_alert_windows.sql"),
    include_str!("migrations/0004_llm.sql"),
    include_str!("migrations/0005_llm_sort_indexes.sql"),
    include_str!("migrations/0006_analytics_feed.sql"),
];

/// The search text of LLM trace `t` (an `llm_traces` row) as indexed in `llm_search`: its
/// name, session, user, prompt and content, and its spans' names, models, error messages and
/// content (what the content policy let through), in the 'simple' configuration (words as
/// written, case folded, no stemming). Only the first quarter megabyte is indexed:
/// `to_tsvector` refuses a result over 1 MB.
pub const TRACE_SEARCH_TEXT: &str = "to_tsvector('simple', left(concat_ws(' ', t.name,
    t.session_id, t.user_id, t.prompt_name, t.input, t.output,
    (SELECT string_agg(concat_ws(' ', s.name, s.model, s.error_message, s.input, s.output), ' ')
     FROM llm_spans s WHERE s.trace_pk = t.pk)), 262144))";

/// How long the insights' feed (`analytics_feed`) keeps its rows.
pub const ANALYTICS_FEED_KEEP_MS: i64 = 3_600_000;

/// Deletes the insights' feed rows older than [`ANALYTICS_FEED_KEEP_MS`] (the leader, every
/// minute): every rollup reads it every few seconds, and one that stopped reading rebuilds.
pub async fn prune_analytics_feed(
    c: &impl tokio_postgres::GenericClient,
) -> Result<u64, StoreError> {
    let before = super::now_ms() - ANALYTICS_FEED_KEEP_MS;
    Ok(
        c.execute("DELETE FROM analytics_feed WHERE at < $1", &[&before])
            .await?,
    )
}

/// The number of the newest Postgres migration this build knows.
pub fn latest_schema_version() -> usize {
    MIGRATIONS.len()
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => StoreError::Postgres {
                code: Some(db.code().code().to_string()),
                message: match db.detail() {
                    Some(d) => format!("{} ({d})", db.message()),
                    None => db.message().to_string(),
                },
            },
            None => StoreError::Postgres {
                code: e.code().map(|c| c.code().to_string()),
                message: std::error::Error::source(&e)
                    .map(|s| format!("{e}: {s}"))
                    .unwrap_or_else(|| e.to_string()),
            },
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => StoreError::Pool(other.to_string()),
        }
    }
}

impl StoreError {
    /// A deadlock or serialization failure: another transaction got in the way, and running
    /// the whole transaction again is the cure.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Postgres { code: Some(c), .. } if c == "40P01" || c == "40001")
    }
}

/// `url` with any password replaced by `***`, for logs and `doctor`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, rest),
    };
    let mut out = format!("{scheme}://");
    if let Some(a) = auth {
        match a.split_once(':') {
            Some((user, _)) => out.push_str(&format!("{user}:***@")),
            None => out.push_str(&format!("{a}@")),
        }
    }
    // A password can also come as a query parameter.
    let host = match host.split_once('?') {
        Some((h, q)) => {
            let q: Vec<String> = q
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some(("password", _)) => "password=***".to_string(),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{h}?{}", q.join("&"))
        }
        None => host.to_string(),
    };
    out.push_str(&host);
    out
}

/// Checks that `url` is a PostgreSQL connection URL the driver accepts, and makes the TLS
/// connector its `sslmode` / `sslrootcert` ask for (see [`tls`]).
pub fn parse_url(url: &str) -> Result<(tokio_postgres::Config, tls::Connector), String> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err("must start with postgres:// or postgresql://".into());
    }
    let split = tls::split_url(url)?;
    let cfg = tokio_postgres::Config::from_str(&split.url).map_err(|e| e.to_string())?;
    let connector = tls::Connector::new(split.check, split.root_cert.as_deref())?;
    Ok((cfg, connector))
}

/// The shared database: a pool of connections (each statement is prepared once per connection
/// and cached) and the URL it came from (redacted).
#[derive(Clone)]
pub struct Pg {
    pub pool: Pool,
    url: String,
}

impl std::fmt::Debug for Pg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pg").field("url", &self.url).finish()
    }
}

impl Pg {
    /// A pool of at most `size` connections to `url`; nothing is connected yet.
    pub fn new(url: &str, size: usize) -> Result<Pg, StoreError> {
        let (cfg, tls) = parse_url(url).map_err(|message| StoreError::Invalid {
            field: "database.url".into(),
            message,
        })?;
        let mgr = Manager::from_config(
            cfg,
            tls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(size.max(1))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(std::time::Duration::from_secs(10)))
            .create_timeout(Some(std::time::Duration::from_secs(10)))
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        Ok(Pg {
            pool,
            url: redact(url),
        })
    }

    /// Connects, checks the server version, runs what migrations are missing and creates the
    /// event partitions around today: what `serve` and the data commands do first.
    pub async fn open(url: &str, size: usize) -> Result<Pg, StoreError> {
        let pg = Pg::new(url, size)?;
        let mut client = pg.pool.get().await.map_err(|e| {
            let e = match &e {
                deadpool_postgres::PoolError::Backend(e) => error_chain(e),
                e => error_chain(e),
            };
            let hint = if e.contains("not valid for name") {
                " (the certificate does not name this host: connect by a name it lists, or use \
                 sslmode=verify-ca to check only its chain)"
            } else if e.contains("certificate") {
                // A server whose certificate is not trusted: say how to trust it.
                " (name the server's CA with sslrootcert=/path/ca.pem in database.url, or use \
                 sslmode=require to encrypt without checking the certificate)"
            } else {
                ""
            };
            StoreError::Postgres {
                code: None,
                message: format!("cannot connect to {}: {e}{hint}", pg.url),
            }
        })?;
        let version = server_version(&client).await?;
        if version < MIN_SERVER_VERSION {
            return Err(StoreError::Invalid {
                field: "database.url".into(),
                message: format!(
                    "PostgreSQL {} is too old: bloop needs 14 or newer",
                    version_name(version)
                ),
            });
        }
        migrate(&mut client).await?;
        partitions::ensure(&mut client, super::now_ms()).await?;
        Ok(pg)
    }

    /// The URL with its password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        Ok(self.pool.get().await?)
    }
}

/// An error and its causes, each once ("error performing TLS handshake: invalid peer
/// certificate: UnknownIssuer").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let c = cause.to_string();
        if !out.contains(&c) {
            out.push_str(": ");
            out.push_str(&c);
        }
        next = cause.source();
    }
    out
}

/// `server_version_num`, e.g. 150018.
pub async fn server_version(client: &tokio_postgres::Client) -> Result<i32, StoreError> {
    let v: String = client
        .query_one("SELECT current_setting('server_version_num')", &[])
        .await?
        .get(0);
    v.parse().map_err(|_| StoreError::Postgres {
        code: None,
        message: format!("unexpected server_version_num {v:?}"),
    })
}

/// 150018 → "15.18".
pub fn version_name(num: i32) -> String {
    format!("{}.{}", num / 10_000, num % 10_000)
}

/// The schema version recorded in the database (0 = none).
pub async fn schema_version(client: &tokio_postgres::Client) -> Result<usize, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('bloop_schema') IS NOT NULL", &[])
        .await?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let v: Option<i32> = client
        .query_one("SELECT max(version) FROM bloop_schema", &[])
        .await?
        .get(0);
    Ok(v.unwrap_or(0) as usize)
}

/// Runs the missing migrations in one transaction under an advisory lock, so nodes starting
/// together apply each once.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<usize, StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&locks::MIGRATE])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS bloop_schema (
             version    integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let current: Option<i32> = tx
        .query_one("SELECT max(version) FROM bloop_schema", &[])
        .await?
        .get(0);
    let current = current.unwrap_or(0) as usize;
    if current > MIGRATIONS.len() {
        return Err(StoreError::Invalid {
            field: "database.url".into(),
            message: format!(
                "the database is at schema version {current}, newer than this bloop knows ({}): \
                 upgrade bloop",
                MIGRATIONS.len()
            ),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO bloop_schema (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(MIGRATIONS.len() - current)
}

/// The daily partitions of `events`.
pub mod partitions {
    use super::{locks, StoreError};

    pub const DAY_MS: i64 = 86_400_000;
    /// Days created ahead of today (a node whose day starts finds its partition there).
    pub const AHEAD: i64 = 3;

    /// The partition holding day `day` (days since the epoch): `events_20261202`.
    pub fn name(day: i64) -> String {
        let (y, m, d) = crate::timefmt::civil_from_days(day);
        format!("events_{y:04}{m:02}{d:02}")
    }

    /// The days of the existing partitions, oldest first.
    pub async fn days(client: &impl tokio_postgres::GenericClient) -> Result<Vec<i64>, StoreError> {
        let rows = client
            .query(
                "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
                 JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'events'::regclass",
                &[],
            )
            .await?;
        let mut days: Vec<i64> = rows
            .iter()
            .filter_map(|r| {
                let bound: String = r.get(0);
                // FOR VALUES FROM ('1796256000000') TO ('1796342400000')
                let from = bound.split("FROM (").nth(1)?;
                let from = from.trim_start_matches('\'');
                let digits: String = from.chars().take_while(|c| c.is_ascii_digit()).collect();
                digits.parse::<i64>().ok().map(|ms| ms.div_euclid(DAY_MS))
            })
            .collect();
        days.sort_unstable();
        Ok(days)
    }

    /// Creates the partitions from yesterday to [`AHEAD`] days after `now_ms`'s day that are
    /// missing. Returns how many it created.
    pub async fn ensure(
        client: &mut tokio_postgres::Client,
        now_ms: i64,
    ) -> Result<usize, StoreError> {
        let today = now_ms.div_euclid(DAY_MS);
        ensure_days(client, today - 1, today + AHEAD).await
    }

    /// Creates the missing partitions of days `from..=to` (under an advisory lock, so nodes
    /// doing it at once make each once). Returns how many it created.
    pub async fn ensure_days(
        client: &mut tokio_postgres::Client,
        from: i64,
        to: i64,
    ) -> Result<usize, StoreError> {
        let want: Vec<i64> = (from..=to).collect();
        let have = days(client).await?;
        if want.iter().all(|d| have.contains(d)) {
            return Ok(0);
        }
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&locks::PARTITIONS])
            .await?;
        let have = days(&tx).await?;
        let mut made = 0;
        for day in want.into_iter().filter(|d| !have.contains(d)) {
            tx.batch_execute(&format!(
                "CREATE TABLE {} PARTITION OF events FOR VALUES FROM ({}) TO ({})",
                name(day),
                day * DAY_MS,
                (day + 1) * DAY_MS
            ))
            .await?;
            made += 1;
        }
        tx.commit().await?;
        Ok(made)
    }

    /// Drops the partitions whose whole day is before `cutoff_ms`. Returns the events they held.
    pub async fn drop_before(
        client: &mut tokio_postgres::Client,
        cutoff_ms: i64,
    ) -> Result<u64, StoreError> {
        let mut dropped = 0u64;
        for day in days(client).await? {
            if (day + 1) * DAY_MS > cutoff_ms {
                break;
            }
            let tx = client.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&locks::PARTITIONS])
                .await?;
            let table = name(day);
            let n: i64 = tx
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await?
                .get(0);
            tx.batch_execute(&format!("DROP TABLE {table}")).await?;
            tx.commit().await?;
            dropped += n as u64;
        }
        Ok(dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://bloop:s3cret@db.example:5432/bloop"),
            "postgres://bloop:***@db.example:5432/bloop"
        );
        assert_eq!(
            redact("postgres://bloop@db/bloop?password=x&sslmode=disable"),
            "postgres://bloop@db/bloop?password=***&sslmode=disable"
        );
        assert_eq!(redact("postgresql://db/bloop"), "postgresql://db/bloop");
    }

    #[test]
    fn urls_are_checked() {
        assert!(parse_url("postgres://u@localhost/db").is_ok());
        assert!(parse_url("postgres://u@/db?host=/tmp/x").is_ok());
        assert!(parse_url("mysql://u@localhost/db").is_err());
    }

    #[test]
    fn partitions_are_named_by_day() {
        assert_eq!(partitions::name(0), "events_19700101");
        assert_eq!(partitions::name(20_789), "events_20261202");
    }
}
