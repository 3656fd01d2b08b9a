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

use deadpool_postgres::GenericClient;

use crate::store::keys::{new_key, Rotated, COLS};
use crate::store::now_ms;

pub async fn get_on(c: &impl GenericClient, id: i64) -> Result<KeyRow, StoreError> {
    c.query_opt(
        &format!("SELECT {COLS} FROM project_keys WHERE id = $1"),
        &[&id],
    )
    .await?
    .map(|r| row(&r))
    .ok_or_else(|| StoreError::NotFound(format!("no ingest key with id {id}")))
}

pub async fn get(pg: &Pg, id: i64) -> Result<KeyRow, StoreError> {
    get_on(&pg.client().await?, id).await
}

/// Keys, optionally of one project, including revoked ones.
pub async fn list(pg: &Pg, project: Option<&str>) -> Result<Vec<KeyRow>, StoreError> {
    let c = pg.client().await?;
    Ok(c.query(
        &format!(
            "SELECT {COLS} FROM project_keys WHERE $1::text IS NULL OR project_id = $1
             ORDER BY project_id, id"
        ),
        &[&project],
    )
    .await?
    .iter()
    .map(row)
    .collect())
}

/// Creates a key of `kind` for `project_id` (which must exist).
pub async fn create_on(
    c: &impl GenericClient,
    project_id: &str,
    name: &str,
    kind: &str,
) -> Result<KeyRow, StoreError> {
    let key = new_key(kind)?;
    if c.query_opt("SELECT 1 FROM projects WHERE id = $1", &[&project_id])
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("no project `{project_id}`")));
    }
    let r = c
        .query_one(
            &format!(
                "INSERT INTO project_keys (project_id, name, key, created_at, kind)
                 VALUES ($1, $2, $3, $4, $5) RETURNING {COLS}"
            ),
            &[&project_id, &name, &key, &now_ms(), &kind],
        )
        .await?;
    Ok(row(&r))
}

pub async fn create(
    pg: &Pg,
    project_id: &str,
    name: &str,
    kind: &str,
) -> Result<KeyRow, StoreError> {
    let c = pg.client().await?;
    let k = create_on(&c, project_id, name, kind).await?;
    super::notify(&c, "keys").await?;
    Ok(k)
}

/// Makes key `id` stop working at `at` (an earlier revocation time is kept).
pub async fn revoke_at(pg: &Pg, id: i64, at: i64) -> Result<KeyRow, StoreError> {
    let c = pg.client().await?;
    let k = revoke_on(&c, id, at).await?;
    super::notify(&c, "keys").await?;
    Ok(k)
}

async fn revoke_on(c: &impl GenericClient, id: i64, at: i64) -> Result<KeyRow, StoreError> {
    c.execute(
        "UPDATE project_keys SET revoked_at = $2
         WHERE id = $1 AND (revoked_at IS NULL OR revoked_at > $2)",
        &[&id, &at],
    )
    .await?;
    get_on(c, id).await
}

/// A new key for the project of key `id`, which stops working after `grace_ms`.
pub async fn rotate(
    pg: &Pg,
    id: i64,
    grace_ms: i64,
    name: Option<&str>,
) -> Result<Rotated, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    let old = get_on(&tx, id).await?;
    if !old.is_active_at(now_ms()) {
        return Err(StoreError::Invalid {
            field: "key".into(),
            message: format!("key {id} is already revoked"),
        });
    }
    let new_key = create_on(&tx, &old.project_id, name.unwrap_or(&old.name), &old.kind).await?;
    let old_key = revoke_on(&tx, id, now_ms() + grace_ms).await?;
    super::notify(&tx, "keys").await?;
    tx.commit().await?;
    Ok(Rotated { new_key, old_key })
}

/// The project a usable DSN key belongs to, with its DSN number.
pub async fn dsn_project(
    pg: &Pg,
    key: &str,
    now: i64,
) -> Result<Option<(String, i64)>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT k.project_id, p.dsn_id FROM project_keys k JOIN projects p ON p.id = k.project_id
             WHERE k.key = $1 AND k.kind = 'dsn' AND (k.revoked_at IS NULL OR k.revoked_at > $2)",
        )
        .await?;
    Ok(c.query_opt(&st, &[&key, &now])
        .await?
        .map(|r| (r.get(0), r.get(1))))
}

/// Sets `k.dsn` when `k` is a DSN key (see [`crate::store::keys::fill_dsn`]).
pub async fn fill_dsn(pg: &Pg, k: &mut KeyRow, public_url: &str) -> Result<(), StoreError> {
    if k.kind == crate::store::keys::KIND_DSN {
        let c = pg.client().await?;
        let n: Option<i64> = c
            .query_opt(
                "SELECT dsn_id FROM projects WHERE id = $1",
                &[&k.project_id],
            )
            .await?
            .and_then(|r| r.get(0));
        k.dsn = n.map(|n| crate::store::keys::dsn(public_url, &k.key, n));
    }
    Ok(())
}
