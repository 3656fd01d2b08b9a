//! The `sourcemaps` table: maps stored zlib-compressed, one per (project, release, name),
//! found by name or by debug ID.

use std::io::{Read, Write};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::upload::Upload;
use super::SourcemapError;
use crate::store::StoreError;

/// A stored map, as listed (without its data).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Stored {
    pub id: i64,
    pub project: String,
    /// `""` when uploaded without a release (found by debug ID, or for any release).
    pub release: String,
    /// The minified file, as stack frames name it (`~/static/js/app.min.js`).
    pub name: String,
    pub debug_id: Option<String>,
    /// Bytes as uploaded.
    pub size: i64,
    /// Bytes kept (compressed).
    pub stored_size: i64,
    pub sha256: String,
    pub mappings: i64,
    pub created_at: i64,
}

pub(crate) const COLUMNS: &str =
    "id, project_id, release, name, debug_id, size, stored_size, sha256, mappings, created_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get(0)?,
        project: r.get(1)?,
        release: r.get(2)?,
        name: r.get(3)?,
        debug_id: r.get(4)?,
        size: r.get(5)?,
        stored_size: r.get(6)?,
        sha256: r.get(7)?,
        mappings: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Byte limits a store call enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_project_bytes: u64,
}

impl Limits {
    pub fn from_config(c: &crate::config::SourcemapsConfig) -> Self {
        Self {
            max_file_bytes: u64::from(c.max_file_mb) * 1024 * 1024,
            max_project_bytes: u64::from(c.max_project_mb) * 1024 * 1024,
        }
    }
}

pub(crate) fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = z.write_all(bytes);
    z.finish().unwrap_or_default()
}

/// Refuses a map over the file limit.
pub(crate) fn check_file(u: &Upload, limits: Limits) -> Result<(), SourcemapError> {
    check_size(&u.map_path, u.map.len(), limits)
}

/// Refuses a file (`path`, `len` bytes) over the file limit.
pub fn check_size(path: &str, len: usize, limits: Limits) -> Result<(), SourcemapError> {
    if len as u64 > limits.max_file_bytes {
        return Err(SourcemapError::TooLarge {
            field: path.to_string(),
            message: format!(
                "{len} bytes is over sourcemaps.max_file_mb ({} bytes)",
                limits.max_file_bytes
            ),
        });
    }
    Ok(())
}

/// Refuses `u` when the project would keep `total` bytes, over its limit.
pub(crate) fn check_project(
    u: &Upload,
    project: &str,
    total: i64,
    limits: Limits,
) -> Result<(), SourcemapError> {
    if total as u64 > limits.max_project_bytes {
        return Err(SourcemapError::TooLarge {
            field: u.map_path.clone(),
            message: format!(
                "project `{project}` would keep {total} bytes of source maps, over \
                 sourcemaps.max_project_mb ({} bytes); delete old releases' maps first",
                limits.max_project_bytes
            ),
        });
    }
    Ok(())
}

/// The stored row of an upload.
pub(crate) fn stored(
    id: i64,
    project: &str,
    release: &str,
    u: &Upload,
    stored_size: usize,
    sha256: String,
    now: i64,
) -> Stored {
    Stored {
        id,
        project: project.to_string(),
        release: release.to_string(),
        name: u.name.clone(),
        debug_id: u.debug_id.clone(),
        size: u.map.len() as i64,
        stored_size: stored_size as i64,
        sha256,
        mappings: u.mappings as i64,
        created_at: now,
    }
}

/// Stores `uploads` for `project` and `release` in one transaction, replacing maps of the same
/// name; refuses the lot when one is over the file limit or the project would pass its limit.
pub fn put(
    conn: &mut Connection,
    project: &str,
    release: &str,
    uploads: &[Upload],
    limits: Limits,
    now: i64,
) -> Result<Vec<Stored>, SourcemapError> {
    let tx = conn.transaction()?;
    let exists: bool = tx
        .query_row(
            "SELECT 1 FROM projects WHERE id = ?1",
            [project],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !exists {
        return Err(StoreError::NotFound(format!("no project `{project}`")).into());
    }
    let mut total: i64 = tx.query_row(
        "SELECT coalesce(sum(stored_size), 0) FROM sourcemaps WHERE project_id = ?1",
        [project],
        |r| r.get(0),
    )?;
    let mut out = Vec::new();
    for u in uploads {
        check_file(u, limits)?;
        let data = compress(&u.map);
        let replaced: i64 = tx
            .query_row(
                "SELECT stored_size FROM sourcemaps
                 WHERE project_id = ?1 AND release = ?2 AND name = ?3",
                params![project, release, u.name],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        total = total - replaced + data.len() as i64;
        check_project(u, project, total, limits)?;
        tx.execute(
            "DELETE FROM sourcemaps WHERE project_id = ?1 AND release = ?2 AND name = ?3",
            params![project, release, u.name],
        )?;
        let sha = crate::signing::sha256_hex(&u.map);
        let id = tx.query_row(
            "INSERT INTO sourcemaps (project_id, release, name, debug_id, size, stored_size,
                 sha256, mappings, data, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            params![
                project,
                release,
                u.name,
                u.debug_id,
                u.map.len() as i64,
                data.len() as i64,
                sha,
                u.mappings as i64,
                data,
                now
            ],
            |r| r.get(0),
        )?;
        out.push(stored(id, project, release, u, data.len(), sha, now));
    }
    tx.commit()?;
    Ok(out)
}

/// A project's maps, newest first; one release's when given.
pub fn list(
    conn: &Connection,
    project: &str,
    release: Option<&str>,
) -> Result<Vec<Stored>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sourcemaps WHERE project_id = ?1 AND (?2 IS NULL OR release = ?2)
         ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = st
        .query_map(params![project, release], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Deletes one map by id, or every map of a release; answers what was deleted.
pub fn delete(
    conn: &mut Connection,
    project: &str,
    id: Option<i64>,
    release: Option<&str>,
) -> Result<Vec<Stored>, StoreError> {
    let tx = conn.transaction()?;
    let gone: Vec<Stored> = {
        let mut st = tx.prepare(&format!(
            "SELECT {COLUMNS} FROM sourcemaps WHERE project_id = ?1
             AND (?2 IS NULL OR id = ?2) AND (?3 IS NULL OR release = ?3)"
        ))?;
        let rows = st
            .query_map(params![project, id, release], row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    if gone.is_empty() {
        return Err(nothing_to_delete(project, id, release));
    }
    for s in &gone {
        tx.execute("DELETE FROM sourcemaps WHERE id = ?1", [s.id])?;
    }
    tx.commit()?;
    Ok(gone)
}

/// The refusal of a delete that matched no map.
pub(crate) fn nothing_to_delete(
    project: &str,
    id: Option<i64>,
    release: Option<&str>,
) -> StoreError {
    StoreError::NotFound(match (id, release) {
        (Some(id), _) => format!("no source map {id} in project `{project}`"),
        (None, Some(r)) => format!("no source maps for release `{r}` in project `{project}`"),
        (None, None) => format!("no source maps in project `{project}`"),
    })
}

/// A project's maps usable for `release` (its own and the release-less ones): (id, name).
pub fn catalog(
    conn: &Connection,
    project: &str,
    release: &str,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT id, name, release FROM sourcemaps
         WHERE project_id = ?1 AND release IN (?2, '')",
    )?;
    let rows = st
        .query_map(params![project, release], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The newest map of `project` with this debug ID.
pub fn by_debug_id(
    conn: &Connection,
    project: &str,
    debug_id: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM sourcemaps WHERE project_id = ?1 AND debug_id = ?2
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )?
        .query_row(params![project, debug_id], |r| r.get(0))
        .optional()?)
}

/// A stored map's bytes, expanded.
pub fn load(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    let data: Option<Vec<u8>> = conn
        .prepare_cached("SELECT data FROM sourcemaps WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    data.map(|d| expand(id, &d)).transpose()
}

/// A stored map's compressed bytes, expanded.
pub(crate) fn expand(id: i64, data: &[u8]) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|e| StoreError::Invalid {
            field: "sourcemaps.data".into(),
            message: format!("source map {id} does not expand: {e}"),
        })?;
    Ok(out)
}
