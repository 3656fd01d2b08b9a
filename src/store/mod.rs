//! SQLite storage: opening the file (created 0600), the pragmas every connection gets, the
//! numbered migrations, the reader pool, and the query functions grouped by table family.
//!
//! Queries are plain functions on `&Connection`; callers pick the connection (the pipeline's
//! writer owns one, the server borrows readers from the pool, CLI commands open their own).

pub mod alerts;
pub mod db;
#[cfg(feature = "llm-tracing")]
pub mod db_llm;
pub mod ingest;
pub mod issue_traces;
pub mod issues;
pub mod keys;
pub mod llm_admin;
pub mod llm_browse;
#[cfg(feature = "llm-tracing")]
pub mod llm_pages;
pub mod llm_query;
pub mod llm_rollups;
pub mod llm_usage;
pub mod pg;
pub mod projects;
pub mod releases;
pub mod tokens;
#[cfg(feature = "llm-tracing")]
pub mod traces;
pub mod triage;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use deadpool_sqlite::{Hook, HookError, Pool, Runtime};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

/// How long a connection waits on a lock held by another connection (the writer, the CLI).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("database pool: {0}")]
    Pool(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A PostgreSQL error: its SQLSTATE (when the server sent one) and message.
    #[error("database: {message}")]
    Postgres {
        code: Option<String>,
        message: String,
    },
    /// What this backend cannot do (yet): the message names it.
    #[error("{0}")]
    Unsupported(String),
}

impl From<deadpool_sqlite::InteractError> for StoreError {
    fn from(e: deadpool_sqlite::InteractError) -> Self {
        StoreError::Pool(e.to_string())
    }
}

impl From<deadpool_sqlite::PoolError> for StoreError {
    fn from(e: deadpool_sqlite::PoolError) -> Self {
        StoreError::Pool(e.to_string())
    }
}

fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATIONS
            .iter()
            .map(|sql| match *sql {
                LLM_ROLLUPS => M::up_with_hook(sql, |tx: &rusqlite::Transaction| {
                    llm_rollups::fill_tool_latency(tx)?;
                    Ok(())
                }),
                _ => M::up(sql),
            })
            .collect(),
    )
}

const LLM_ROLLUPS: &str = include_str!("migrations/0013_llm_rollups.sql");

/// The numbered migrations, in order. Never edit one that has landed; append.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_tokens.sql"),
    include_str!("migrations/0003_settings.sql"),
    include_str!("migrations/0004_project_hourly.sql"),
    include_str!("migrations/0005_alerts.sql"),
    include_str!("migrations/0006_users.sql"),
    include_str!("migrations/0007_hourly_by_hour.sql"),
    include_str!("migrations/0008_event_issues.sql"),
    include_str!("migrations/0009_last_seen_minute.sql"),
    include_str!("migrations/0010_issue_slices.sql"),
    include_str!("migrations/0011_llm.sql"),
    include_str!("migrations/0012_llm_query_indexes.sql"),
    LLM_ROLLUPS,
    include_str!("migrations/0014_llm_budget_enforce.sql"),
    include_str!("migrations/0015_llm_errors_as_issues.sql"),
    include_str!("migrations/0016_issue_traces.sql"),
    include_str!("migrations/0017_llm_page_indexes.sql"),
    include_str!("migrations/0018_llm_user_daily.sql"),
    include_str!("migrations/0019_event_time.sql"),
    include_str!("migrations/0020_slices_by_environment.sql"),
    include_str!("migrations/0021_release_totals.sql"),
    include_str!("migrations/0022_sentry.sql"),
    include_str!("migrations/0023_sourcemaps.sql"),
    include_str!("migrations/0024_assignment_notes.sql"),
    include_str!("migrations/0025_release_hours.sql"),
];

/// A runtime setting stored in the database, if set.
pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The runtime settings whose key starts with `prefix`, as (key, value).
pub fn settings_with_prefix(
    conn: &Connection,
    prefix: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    // A range on the primary key: `prefix` ≤ key < `prefix` + U+10FFFF.
    let mut st = conn.prepare_cached(
        "SELECT key, value FROM settings WHERE key >= ?1 AND key < ?1 || char(1114111)",
    )?;
    let rows = st.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Sets (`Some`) or clears (`None`) a runtime setting.
pub fn set_setting(conn: &Connection, key: &str, value: Option<&str>) -> Result<(), StoreError> {
    match value {
        Some(v) => conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, v],
        )?,
        None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
    };
    Ok(())
}

/// The number of the newest migration this build knows.
pub fn latest_schema_version() -> usize {
    MIGRATIONS.len()
}

/// Sets the pragmas every connection must have. WAL lets readers (the CLI, the API) run while
/// the writer commits; `synchronous=NORMAL` is durable across process crashes in WAL mode.
///
/// Every transaction begins `IMMEDIATE`: one that starts as a read and later writes cannot wait
/// for the write lock (SQLite answers `SQLITE_BUSY` at once, since waiting could deadlock), so
/// under ingest such writes failed with `database is locked`. Taking the lock first waits up
/// to the busy timeout instead.
pub fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // 4 MiB of page cache per connection (SQLite's default is 2; the writer sets its own). At
    // 1M events a filter's working set (slices, releases, the recency index) outgrows 1 MiB:
    // an environment filter took 16 ms with 1 MiB and 9 ms with 4; a cache fills only as a
    // connection is used (bench/queries.py: peak RSS 41 → 50 MB with all readers warm).
    conn.pragma_update(None, "cache_size", -4096)?;
    Ok(())
}

/// Settings for the ingest writer's own connection: 2 MiB of page cache (the pages a flush
/// touches are few since events are filed under issues in bulk; 4 MiB measured no faster) and
/// no automatic checkpoints on commit — [`checkpoint`] runs them from another thread, so
/// the writer never stalls copying the WAL back into the database.
pub fn tune_writer(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "cache_size", -2048)?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    // Room for every shape of the writer's multi-row statements (see `ingest::SHAPES`) and
    // its single-row ones, so none is prepared twice.
    conn.set_prepared_statement_cache_capacity(4 * ingest::SHAPES + 32);
    // The writer only inserts rows under an issue it has just looked up or created in the same
    // transaction, so foreign-key checks cannot fail here; they would make SQLite open a
    // statement journal (a copy of every page touched) for each multi-row statement. Deletes,
    // which need the cascades, run on other connections, where the checks stay on.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // After the WAL restarts, trim its file back to 64 MiB (disk use stays bounded).
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    Ok(())
}

/// Copies committed WAL frames back into the database without blocking writers or readers.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

/// Opens (creating if needed) the database at `path`, sets pragmas and runs migrations.
///
/// Nothing here opens the file outside SQLite: POSIX advisory locks belong to the process, so
/// closing *any* descriptor of the database file drops the locks of every connection this
/// process holds on it, and another process (the stock `sqlite3` shell, say) then believes it
/// is the last user, checkpoints and deletes the WAL under us. SQLite creates the file; a new
/// file is made owner-only by path (`chmod`, no descriptor) before anything is written to it,
/// and SQLite gives the WAL and shared-memory files the database file's mode.
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    let err = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let is_new = !path.exists();
    if is_new {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
    }
    let mut conn = Connection::open(path)?;
    #[cfg(unix)]
    if is_new {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
    }
    configure(&mut conn)?;
    if let Err(e) = migrations().to_latest(&mut conn) {
        // Two processes opening a new file at once (say `serve` and a CLI command) can both see
        // an old version; the loser's transaction rolls back. Fine if the winner got it current.
        if schema_version(&conn)? < latest_schema_version() {
            return Err(e.into());
        }
    }
    Ok(conn)
}

/// Opens an existing database (migrating it), refusing to create a new empty one: for commands
/// that read, a wrong path must be an error, not an empty result.
pub fn open_existing_migrated(path: &Path) -> Result<Connection, StoreError> {
    if !path.is_file() {
        return Err(StoreError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no database file here (check database.path, or run `bloop serve` once to create it)",
            ),
        });
    }
    open(path)
}

/// Opens an existing database without creating or migrating it (for read-only checks).
pub fn open_existing(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&mut conn)?;
    Ok(conn)
}

/// The schema version recorded in the file.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<usize> {
    conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map(|v| v as usize)
}

/// A pool of reader connections sized by `database.pool_size`, each configured like the writer.
/// The database must already have been opened (and migrated) with [`open`].
pub fn pool(path: &Path, size: usize) -> Result<Pool, StoreError> {
    deadpool_sqlite::Config::new(path)
        .builder(Runtime::Tokio1)
        .map_err(|e| StoreError::Pool(e.to_string()))?
        .max_size(size)
        // The most recently returned reader first: each connection has its own page cache, and
        // handing them out in turn left every request on a cold one (a filtered list at 1M
        // events took 50 ms instead of 13 once a fifth connection existed). Concurrent requests
        // still get the others.
        .queue_mode(deadpool_sqlite::QueueMode::Lifo)
        .post_create(Hook::async_fn(
            |obj: &mut deadpool_sync::SyncWrapper<Connection>, _| {
                Box::pin(async move {
                    obj.interact(configure)
                        .await
                        .map_err(|e| HookError::message(e.to_string()))?
                        .map_err(HookError::Backend)
                })
            },
        ))
        .build()
        .map_err(|e| StoreError::Pool(e.to_string()))
}

pub use db::{with_conn, Db};

/// Whether the database accepts a write right now (takes and releases the write lock, waiting
/// at most a second for it).
pub fn check_writable(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(1))?;
    let r = conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;");
    conn.busy_timeout(BUSY_TIMEOUT)?;
    r
}

/// What a backup wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub events: i64,
    pub issues: i64,
    pub integrity: String,
}

/// A consistent online copy of the database at `dest` (`VACUUM INTO` reads one snapshot, so
/// `serve` keeps writing meanwhile), created owner-only and checked with `integrity_check`.
pub fn backup(conn: &Connection, dest: &Path, overwrite: bool) -> Result<BackupReport, StoreError> {
    let err = |source| StoreError::Open {
        path: dest.to_path_buf(),
        source,
    };
    if dest.exists() {
        if !overwrite {
            return Err(StoreError::Conflict(format!(
                "{} already exists (use --force to replace it)",
                dest.display()
            )));
        }
        std::fs::remove_file(dest).map_err(err)?;
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let target = dest.to_str().ok_or_else(|| StoreError::Invalid {
        field: "file".into(),
        message: "the backup path must be valid UTF-8".into(),
    })?;
    conn.execute("VACUUM INTO ?1", [target])?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dest, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
    }
    let copy = Connection::open_with_flags(dest, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let integrity: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let events = copy.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    let issues = copy.query_row("SELECT count(*) FROM issues", [], |r| r.get(0))?;
    Ok(BackupReport {
        path: dest.to_path_buf(),
        bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0),
        events,
        issues,
        integrity,
    })
}

/// Milliseconds since the Unix epoch, from the server clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_an_owner_only_file_with_the_default_project() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/bloop.db");
        let conn = open(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let name: String = conn
            .query_row("SELECT name FROM projects WHERE id = 'default'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(name, "Default");
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(schema_version(&conn).unwrap(), latest_schema_version());
        drop(conn);
        // Reopening runs no migration twice.
        open(&path).unwrap();
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    /// 0007 re-keys hourly counts by hour: existing counts survive, trends read the same, and
    /// deleting an issue still takes its counts along.
    #[test]
    fn hourly_counts_survive_the_rekeying() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let mut conn = Connection::open(&path).unwrap();
        configure(&mut conn).unwrap();
        migrations().to_version(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO issues (id, project_id, fingerprint, error_type, message, source,
                 total_count, first_seen, last_seen) VALUES (7, 'default', 'f', 'E', 'm', 'api', 5, 0, 0);
             INSERT INTO hourly_counts (issue_id, hour, count) VALUES (7, 3600000, 2), (7, 7200000, 3);",
        )
        .unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        let rows: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT hour, issue_id, count FROM hourly_counts ORDER BY hour")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, vec![(3_600_000, 7, 2), (7_200_000, 7, 3)]);
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT hour, count FROM hourly_counts WHERE issue_id = 7 AND hour >= 0",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("hourly_counts_issue"), "{plan}");
        conn.execute("DELETE FROM issues WHERE id = 7", []).unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM hourly_counts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    /// 0019 moves the counts of stored events from the hour they arrived in to the hour they
    /// happened in (per issue and per project), sets first/last seen by event time, and marks
    /// events whose time is not believed; counts of events no longer stored stay.
    #[test]
    fn existing_counts_move_to_the_events_own_hours() {
        const H: i64 = 3_600_000;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        configure(&mut conn).unwrap();
        migrations().to_version(&mut conn, 18).unwrap();
        let now = 1_800_000_000_000 - 1_800_000_000_000 % H + 30 * 60_000;
        // Issue 7: two events received now that happened 10 h ago, one on time, one from 2100,
        // and 4 older events of an hour 3 days back already pruned. Issue 8: on time.
        conn.execute_batch(&format!(
            "INSERT INTO issues (id, project_id, fingerprint, error_type, message, source,
                 total_count, first_seen, last_seen, last_seen_minute)
             VALUES (7, 'default', 'f', 'E', 'm', 'api', 8, {old}, {now}, {now} / 60000),
                    (8, 'default', 'g', 'E', 'm', 'api', 1, {now}, {now}, {now} / 60000);
             INSERT INTO events (issue_id, received_at, timestamp, message, environment, release)
             VALUES (7, {now}, {ago}, 'm', 'p', ''), (7, {now}, {ago} + 5, 'm', 'p', ''),
                    (7, {now}, {now} - 1000, 'm', 'p', ''), (7, {now}, 4102444800000, 'm', 'p', ''),
                    (8, {now}, {now} - 60000, 'm', 'p', '');
             INSERT INTO hourly_counts (hour, issue_id, count)
             VALUES ({old_h}, 7, 4), ({now_h}, 7, 4), ({now_h}, 8, 1);
             INSERT INTO project_hourly (project_id, hour, count)
             VALUES ('default', {old_h}, 4), ('default', {now_h}, 5);",
            old = now - 3 * 24 * H,
            old_h = now - 3 * 24 * H - (now - 3 * 24 * H) % H,
            now_h = now - now % H,
            ago = now - 10 * H,
        ))
        .unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        let rows = |sql: &str| -> Vec<(i64, i64)> {
            conn.prepare(sql)
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let now_h = now - now % H;
        let ago_h = now_h - 10 * H;
        let old_h = now_h - 3 * 24 * H;
        assert_eq!(
            rows("SELECT hour, count FROM hourly_counts WHERE issue_id = 7 ORDER BY hour"),
            [(old_h, 4), (ago_h, 2), (now_h, 2)]
        );
        assert_eq!(
            rows("SELECT hour, count FROM hourly_counts WHERE issue_id = 8 ORDER BY hour"),
            [(now_h, 1)]
        );
        assert_eq!(
            rows("SELECT hour, count FROM project_hourly ORDER BY hour"),
            [(old_h, 4), (ago_h, 2), (now_h, 3)]
        );
        assert_eq!(
            rows("SELECT first_seen, last_seen FROM issues ORDER BY id"),
            [(now - 3 * 24 * H, now), (now - 60_000, now - 60_000)]
        );
        assert_eq!(
            rows("SELECT timestamp, time_clamped FROM events WHERE time_clamped IS NOT NULL"),
            [(4_102_444_800_000, 1)]
        );
    }

    /// 0008 files existing events under their issues and drops the per-event index: an issue's
    /// events read the same before and after.
    #[test]
    fn existing_events_are_indexed_by_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut conn = Connection::open(&path).unwrap();
        configure(&mut conn).unwrap();
        migrations().to_version(&mut conn, 7).unwrap();
        conn.execute_batch(
            "INSERT INTO issues (id, project_id, fingerprint, error_type, message, source,
                 total_count, first_seen, last_seen) VALUES
                 (7, 'default', 'f', 'E', 'm', 'api', 2, 0, 0),
                 (8, 'default', 'g', 'E', 'm', 'api', 1, 0, 0);
             INSERT INTO events (id, issue_id, received_at, timestamp, message, environment, release)
                 VALUES (1, 7, 0, 0, 'a', 'prod', ''), (2, 8, 0, 0, 'b', 'prod', ''),
                        (3, 7, 0, 0, 'c', 'prod', '');",
        )
        .unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        let through: i64 = conn
            .query_row("SELECT through FROM event_index", [], |r| r.get(0))
            .unwrap();
        assert_eq!(through, 3);
        let ids: Vec<i64> = issues::occurrences(&conn, 7, 10, 0)
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(ids, vec![3, 1]);
        let old_index: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'events_issue'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(old_index, 0);
    }

    /// 0009 keys the recency indexes on the minute: existing issues get theirs, lists come in
    /// the same order, and the list query walks the index instead of sorting every issue.
    #[test]
    fn issues_get_their_last_seen_minute() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let mut conn = Connection::open(&path).unwrap();
        configure(&mut conn).unwrap();
        migrations().to_version(&mut conn, 8).unwrap();
        conn.execute_batch(
            "INSERT INTO issues (id, project_id, fingerprint, error_type, message, source,
                 total_count, first_seen, last_seen) VALUES
                 (1, 'default', 'a', 'E', 'm', 'api', 1, 0, 1800000001000),
                 (2, 'default', 'b', 'E', 'm', 'api', 1, 0, 1800000059000),
                 (3, 'default', 'c', 'E', 'm', 'api', 1, 0, 1800000061000),
                 (4, 'default', 'd', 'E', 'm', 'api', 1, 0, 1799999999000);",
        )
        .unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        let minutes: Vec<(i64, i64)> = conn
            .prepare("SELECT id, last_seen_minute FROM issues ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            minutes,
            vec![
                (1, 30_000_000),
                (2, 30_000_000),
                (3, 30_000_001),
                (4, 29_999_999)
            ]
        );
        let q = issues::IssueQuery {
            projects: Some(vec!["default".into()]),
            ..Default::default()
        };
        let (rows, total) = issues::list(&conn, &q).unwrap();
        assert_eq!(total, 4);
        let order: Vec<&str> = rows.iter().map(|r| r.fingerprint.as_str()).collect();
        assert_eq!(order, ["c", "b", "a", "d"]);
        let plan: String = conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT id FROM issues i WHERE i.project_id IN ('default')
                 ORDER BY i.last_seen_minute DESC, i.last_seen DESC, i.id DESC LIMIT 50",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
            .join("; ");
        assert!(plan.contains("USING INDEX issues_last_seen"), "{plan}");
        // Only rows within one minute are sorted; the index gives the minutes in order.
        assert!(plan.contains("LAST 2 TERMS OF ORDER BY"), "{plan}");
    }

    /// 0010 splits existing counts by (release, environment): exactly where an issue has one
    /// environment or one release, from the raw events kept otherwise, and what retention
    /// pruned under the empty release; every per-environment sum stays exact.
    #[test]
    fn slices_are_backfilled_by_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut conn = Connection::open(&path).unwrap();
        configure(&mut conn).unwrap();
        migrations().to_version(&mut conn, 9).unwrap();
        conn.execute_batch(
            "INSERT INTO issues (id, project_id, fingerprint, error_type, message, source,
                 total_count, first_seen, last_seen) VALUES
                 (1, 'default', 'a', 'E', 'm', 'api', 5, 0, 9),
                 (2, 'default', 'b', 'E', 'm', 'api', 4, 0, 9),
                 (3, 'default', 'c', 'E', 'm', 'api', 3, 0, 9),
                 (4, 'default', 'd', 'E', 'm', 'api', 7, 0, 9);
             -- 1: one environment, two releases.
             INSERT INTO issue_releases VALUES (1, 'r1', 2, 0, 5), (1, 'r2', 3, 1, 9);
             INSERT INTO issue_environments VALUES (1, 'prod', 5, 0, 9);
             -- 2: one release, two environments.
             INSERT INTO issue_releases VALUES (2, 'r1', 4, 0, 9);
             INSERT INTO issue_environments VALUES (2, 'prod', 1, 0, 0), (2, 'dev', 3, 1, 9);
             -- 3: two of each; its raw events say how they split.
             INSERT INTO issue_releases VALUES (3, 'r1', 2, 0, 9), (3, 'r2', 1, 0, 9);
             INSERT INTO issue_environments VALUES (3, 'prod', 2, 0, 9), (3, 'dev', 1, 0, 9);
             INSERT INTO events (id, issue_id, received_at, timestamp, message, environment, release)
                 VALUES (1, 3, 1, 0, 'x', 'prod', 'r1'), (2, 3, 2, 0, 'x', 'prod', 'r1'),
                        (3, 3, 3, 0, 'x', 'dev', 'r2');
             -- 4: two of each, most raw events already pruned.
             INSERT INTO issue_releases VALUES (4, 'r1', 4, 0, 9), (4, 'r2', 3, 0, 9);
             INSERT INTO issue_environments VALUES (4, 'prod', 5, 0, 9), (4, 'dev', 2, 0, 9);
             INSERT INTO events (id, issue_id, received_at, timestamp, message, environment, release)
                 VALUES (4, 4, 5, 0, 'x', 'prod', 'r1'), (5, 4, 6, 0, 'x', 'dev', 'r2');",
        )
        .unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        let rows: Vec<(i64, String, String, i64)> = conn
            .prepare(
                "SELECT issue_id, release, environment, count FROM issue_slices ORDER BY 1, 2, 3",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let s = |i: i64, r: &str, e: &str, n: i64| (i, r.to_string(), e.to_string(), n);
        assert_eq!(
            rows,
            vec![
                s(1, "r1", "prod", 2),
                s(1, "r2", "prod", 3),
                s(2, "r1", "dev", 3),
                s(2, "r1", "prod", 1),
                s(3, "r1", "prod", 2),
                s(3, "r2", "dev", 1),
                s(4, "", "dev", 1),
                s(4, "", "prod", 4),
                s(4, "r1", "prod", 1),
                s(4, "r2", "dev", 1),
            ]
        );
        let gone: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'issue_environments'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(gone, 0);
    }
}
