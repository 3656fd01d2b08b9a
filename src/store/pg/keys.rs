//! Project keys on PostgreSQL (see `store::keys` for their meaning).

use super::Pg;
use crate::store::keys::KeyRow;
use crate::store::StoreError;

const USABLE: &str = "
SELECT id, project_id, name, key, created_at, revoked_at, kind FROM project_keys
WHERE kind = 'ingest' AND (revoked_at IS NULL OR revoked_at > $1)
ORDER BY id";

/// Ingest keys usable at `now` (not revoked, or revoked with a grace period still running).
pub async fn usable(pg: &Pg, now: i64) -> Result<Vec<KeyRow>, StoreError> {
    let c = pg.client().await?;
    let st = c.prepare_cached(USABLE).await?;
    Ok(c.query(&st, &[&now]).await?.iter().map(row).collect())
}

const IS_USABLE: &str = "
SELECT EXISTS (SELECT 1 FROM project_keys
               WHERE key = $1 AND kind = 'ingest' AND (revoked_at IS NULL OR revoked_at > $2))";

/// Whether `key` is an ingest key usable at `now`.
pub async fn is_usable(pg: &Pg, key: &str, now: i64) -> Result<bool, StoreError> {
    let c = pg.client().await?;
    let st = c.prepare_cached(IS_USABLE).await?;
    Ok(c.query_one(&st, &[&key, &now]).await?.get(0))
}

/// A key row from `SELECT id, project_id, name, key, created_at, revoked_at, kind`.
pub fn row(r: &tokio_postgres::Row) -> KeyRow {
    KeyRow {
        id: r.get(0),
        project_id: r.get(1),
        name: r.get(2),
        key: r.get(3),
        created_at: r.get(4),
        revoked_at: r.get(5),
        kind: r.get(6),
        dsn: None,
    }
}
