//! Project ingest keys: generation (`bloop_` + 64 hex), storage and the queries the ingest key
//! cache and the `keys` command use.

use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{now_ms, StoreError};

pub const KEY_PREFIX: &str = "bloop_";

/// A fresh ingest key: `bloop_` + 64 lowercase hex digits (32 random bytes).
pub fn generate_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", hex::encode(bytes))
}

/// Whether `s` has the shape of an ingest key.
pub fn is_key_format(s: &str) -> bool {
    s.strip_prefix(KEY_PREFIX).is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `bloop_1a2b…9f0e`: enough to recognise a key, not to use it.
pub fn mask(key: &str) -> String {
    let tail = &key[key.len().saturating_sub(4)..];
    let head_end = (KEY_PREFIX.len() + 4).min(key.len());
    format!("{}…{}", &key[..head_end], tail)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct KeyRow {
    pub id: i64,
    pub project_id: String,
    pub name: String,
    pub key: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// `ingest` (an HMAC secret, also the key of OTLP and the LLM proxy) or `dsn` (a public
    /// Sentry DSN key: only the Sentry endpoints take it).
    #[serde(default = "ingest_kind")]
    pub kind: String,
    /// For a `dsn` key: the DSN to give the SDK (not stored; filled by [`fill_dsn`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsn: Option<String>,
}

/// Sets `k.dsn` when `k` is a DSN key: `public_url` with the key and the project's number.
pub fn fill_dsn(conn: &Connection, k: &mut KeyRow, public_url: &str) -> Result<(), StoreError> {
    if k.kind == KIND_DSN {
        let n: Option<i64> = conn
            .prepare_cached("SELECT dsn_id FROM projects WHERE id = ?1")?
            .query_row([&k.project_id], |r| r.get(0))
            .optional()?
            .flatten();
        k.dsn = n.map(|n| dsn(public_url, &k.key, n));
    }
    Ok(())
}

fn ingest_kind() -> String {
    KIND_INGEST.into()
}

pub const KIND_INGEST: &str = "ingest";
pub const KIND_DSN: &str = "dsn";

/// A fresh public DSN key: 32 lowercase hex digits, as Sentry's.
pub fn generate_dsn_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The DSN an SDK is given: `public_url` with the key as its user and the project's number as
/// its path (`http://<key>@host:5332/<number>`).
pub fn dsn(public_url: &str, key: &str, dsn_id: i64) -> String {
    let base = public_url.trim_end_matches('/');
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    format!("{scheme}://{key}@{rest}/{dsn_id}")
}

/// The project a usable DSN key belongs to, with its DSN number.
pub fn dsn_project(
    conn: &Connection,
    key: &str,
    now: i64,
) -> Result<Option<(String, i64)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT k.project_id, p.dsn_id FROM project_keys k JOIN projects p ON p.id = k.project_id
             WHERE k.key = ?1 AND k.kind = 'dsn' AND (k.revoked_at IS NULL OR k.revoked_at > ?2)",
        )?
        .query_row(params![key, now], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

impl KeyRow {
    pub fn is_active_at(&self, now: i64) -> bool {
        self.revoked_at.is_none_or(|t| t > now)
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        id: r.get(0)?,
        project_id: r.get(1)?,
        name: r.get(2)?,
        key: r.get(3)?,
        created_at: r.get(4)?,
        revoked_at: r.get(5)?,
        kind: r.get(6)?,
        dsn: None,
    })
}

pub const COLS: &str = "id, project_id, name, key, created_at, revoked_at, kind";

/// Every key that is active now or will stop working later (grace period), oldest first.
pub fn usable(conn: &Connection, now: i64) -> Result<Vec<KeyRow>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM project_keys WHERE kind = 'ingest' AND (revoked_at IS NULL OR revoked_at > ?1)
         ORDER BY id"
    ))?;
    let rows = st.query_map([now], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Whether `key` is a key that works at `now` (an indexed lookup).
pub fn is_usable(conn: &Connection, key: &str, now: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM project_keys WHERE key = ?1 AND kind = 'ingest'
                 AND (revoked_at IS NULL OR revoked_at > ?2))",
        )?
        .query_row(rusqlite::params![key, now], |r| r.get(0))?)
}

/// Keys, optionally of one project, including revoked ones.
pub fn list(conn: &Connection, project: Option<&str>) -> Result<Vec<KeyRow>, StoreError> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM project_keys WHERE ?1 IS NULL OR project_id = ?1 ORDER BY project_id, id"
    ))?;
    let rows = st
        .query_map([project], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: i64) -> Result<KeyRow, StoreError> {
    conn.query_row(
        &format!("SELECT {COLS} FROM project_keys WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("no ingest key with id {id}")))
}

/// Creates an ingest key for `project_id` (which must exist).
pub fn create(conn: &Connection, project_id: &str, name: &str) -> Result<KeyRow, StoreError> {
    create_kind(conn, project_id, name, KIND_INGEST)
}

/// A fresh key of `kind` (`ingest` or `dsn`).
pub fn new_key(kind: &str) -> Result<String, StoreError> {
    match kind {
        KIND_DSN => Ok(generate_dsn_key()),
        KIND_INGEST => Ok(generate_key()),
        other => Err(StoreError::Invalid {
            field: "kind".into(),
            message: format!("`{other}` is not a key kind (ingest, dsn)"),
        }),
    }
}

/// Creates a key of `kind` (`ingest` or `dsn`) for `project_id` (which must exist).
pub fn create_kind(
    conn: &Connection,
    project_id: &str,
    name: &str,
    kind: &str,
) -> Result<KeyRow, StoreError> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM projects WHERE id = ?1)",
        [project_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NotFound(format!("no project `{project_id}`")));
    }
    let key = new_key(kind)?;
    let now = now_ms();
    conn.execute(
        "INSERT INTO project_keys (project_id, name, key, created_at, kind)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![project_id, name, key, now, kind],
    )?;
    get(conn, conn.last_insert_rowid())
}

/// Makes key `id` stop working at `at` (now, or later for a grace period).
pub fn revoke_at(conn: &Connection, id: i64, at: i64) -> Result<KeyRow, StoreError> {
    // An earlier revocation time is kept: revoking never extends a key's life.
    conn.execute(
        "UPDATE project_keys SET revoked_at = ?2
         WHERE id = ?1 AND (revoked_at IS NULL OR revoked_at > ?2)",
        params![id, at],
    )?;
    get(conn, id)
}

/// A rotated key: the new one, and the old one with the time it stops working.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rotated {
    pub new_key: KeyRow,
    pub old_key: KeyRow,
}

pub fn rotate(
    c: &mut rusqlite::Connection,
    id: i64,
    grace_ms: i64,
    name: Option<&str>,
) -> Result<Rotated, StoreError> {
    let tx = c.transaction()?;
    let old = get(&tx, id)?;
    if !old.is_active_at(now_ms()) {
        return Err(StoreError::Invalid {
            field: "key".into(),
            message: format!("key {id} is already revoked"),
        });
    }
    let new_key = create_kind(&tx, &old.project_id, name.unwrap_or(&old.name), &old.kind)?;
    let old_key = revoke_at(&tx, id, now_ms() + grace_ms)?;
    tx.commit()?;
    Ok(Rotated { new_key, old_key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_documented_shape() {
        let k = generate_key();
        assert!(is_key_format(&k), "{k}");
        assert_eq!(k.len(), 6 + 64);
        assert!(!is_key_format("bloop_XYZ"));
        assert!(!is_key_format(&k.to_uppercase()));
        let m = mask(&k);
        assert!(m.starts_with("bloop_") && m.len() < k.len());
    }

    #[test]
    fn create_list_revoke() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("b.db")).unwrap();
        let k = create(&conn, "default", "ci").unwrap();
        assert!(create(&conn, "nope", "x").is_err());
        let now = now_ms();
        assert_eq!(usable(&conn, now).unwrap(), vec![k.clone()]);
        revoke_at(&conn, k.id, now + 60_000).unwrap();
        assert_eq!(
            usable(&conn, now).unwrap().len(),
            1,
            "grace keeps it usable"
        );
        revoke_at(&conn, k.id, now).unwrap();
        assert!(usable(&conn, now).unwrap().is_empty());
        assert_eq!(list(&conn, Some("default")).unwrap().len(), 1);
    }
}
