//! The store as the server sees it: one handle, SQLite (the default: a pool of readers over the
//! file) or PostgreSQL (`database.url`), with one async method per use case. A method runs the
//! SQLite query functions on a pooled connection off the runtime, or the Postgres ones.
//!
//! Use cases not yet written for PostgreSQL go through [`with_conn`], which refuses on
//! PostgreSQL with [`StoreError::Unsupported`] (HTTP 501) naming what was asked for.

use deadpool_sqlite::Pool;
use rusqlite::Connection;

use super::keys::KeyRow;
use super::pg::{self, Pg};
use super::StoreError;

/// The database behind a server. Cheap to clone.
#[derive(Clone)]
pub enum Db {
    Sqlite(Pool),
    Postgres(Pg),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Db::Sqlite(_) => f.write_str("Db::Sqlite"),
            Db::Postgres(pg) => write!(f, "Db::Postgres({})", pg.url()),
        }
    }
}

impl Db {
    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Ingest keys usable at `now` (for the key cache).
    pub async fn usable_keys(&self, now: i64) -> Result<Vec<KeyRow>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| super::keys::usable(c, now)).await,
            Db::Postgres(pg) => pg::keys::usable(pg, now).await,
        }
    }

    /// Whether `key` is an ingest key usable at `now`.
    pub async fn key_is_usable(&self, key: &str, now: i64) -> Result<bool, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                let key = key.to_string();
                run(pool, move |c| super::keys::is_usable(c, &key, now)).await
            }
            Db::Postgres(pg) => pg::keys::is_usable(pg, key, now).await,
        }
    }
}

/// Runs `f` on a pooled SQLite connection off the async runtime.
async fn run<T, F>(pool: &Pool, f: F) -> Result<T, StoreError>
where
    F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let obj = pool.get().await?;
    obj.interact(f).await?
}

/// Runs `f` on a pooled SQLite connection; on PostgreSQL, refuses with
/// [`StoreError::Unsupported`] naming the caller (for what is not yet written for PostgreSQL).
pub async fn with_conn<T, F>(db: &Db, f: F) -> Result<T, StoreError>
where
    F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    match db {
        Db::Sqlite(pool) => run(pool, f).await,
        Db::Postgres(_) => Err(unsupported::<F>()),
    }
}

/// The refusal for a use case `F` (a closure inside the caller) has no PostgreSQL side for.
pub fn unsupported<F>() -> StoreError {
    let name = std::any::type_name::<F>();
    let what = name
        .split("::{{closure}}")
        .next()
        .unwrap_or(name)
        .trim_start_matches("bloop::");
    StoreError::Unsupported(format!(
        "not available on PostgreSQL yet ({what}); use a SQLite database (database.path) for it"
    ))
}
