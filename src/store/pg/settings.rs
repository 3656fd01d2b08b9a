//! Runtime settings on PostgreSQL (see `store::setting`).

use super::Pg;
use crate::store::StoreError;

pub async fn get(pg: &Pg, key: &str) -> Result<Option<String>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached("SELECT value FROM settings WHERE key = $1")
        .await?;
    Ok(c.query_opt(&st, &[&key]).await?.map(|r| r.get(0)))
}

/// The settings whose key starts with `prefix`, as (key, value).
pub async fn with_prefix(pg: &Pg, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
    let c = pg.client().await?;
    // A range on the primary key, as on SQLite (`starts_with` would not use the index).
    let st = c
        .prepare_cached(
            "SELECT key, value FROM settings WHERE key >= $1 AND key < $1 || chr(1114111)
             ORDER BY key",
        )
        .await?;
    Ok(c.query(&st, &[&prefix])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Sets (`Some`) or clears (`None`) a setting.
pub async fn set(pg: &Pg, key: &str, value: Option<&str>) -> Result<(), StoreError> {
    let c = pg.client().await?;
    match value {
        Some(v) => {
            let st = c
                .prepare_cached(
                    "INSERT INTO settings (key, value) VALUES ($1, $2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .await?;
            c.execute(&st, &[&key, &v]).await?;
        }
        None => {
            let st = c
                .prepare_cached("DELETE FROM settings WHERE key = $1")
                .await?;
            c.execute(&st, &[&key]).await?;
        }
    }
    super::notify(&c, "settings").await?;
    Ok(())
}

/// The setting's value, storing `value` first when there is none (the first node to ask
/// decides; every node then reads the same).
pub async fn get_or_insert(pg: &Pg, key: &str, value: &str) -> Result<String, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .await?;
    c.execute(&st, &[&key, &value]).await?;
    let st = c
        .prepare_cached("SELECT value FROM settings WHERE key = $1")
        .await?;
    Ok(c.query_one(&st, &[&key]).await?.get(0))
}
