//! Source maps on PostgreSQL (see `sourcemap::store`: compressed, capped per file and per
//! project, one per (project, release, name), found by name or debug ID).

use deadpool_postgres::GenericClient;

use super::Pg;
use crate::sourcemap::store::{
    check_file, check_project, compress, expand, nothing_to_delete, stored, Limits, Stored, COLUMNS,
};
use crate::sourcemap::upload::Upload;
use crate::sourcemap::SourcemapError;
use crate::store::StoreError;

fn row(r: &tokio_postgres::Row) -> Stored {
    Stored {
        id: r.get(0),
        project: r.get(1),
        release: r.get(2),
        name: r.get(3),
        debug_id: r.get(4),
        size: r.get(5),
        stored_size: r.get(6),
        sha256: r.get(7),
        mappings: r.get(8),
        created_at: r.get(9),
    }
}

/// Stores `uploads` in one transaction, replacing maps of the same name; refuses the lot when
/// one is over a limit. The project's row is locked, so two uploads at once count each other.
pub async fn put(
    pg: &Pg,
    project: &str,
    release: &str,
    uploads: &[Upload],
    limits: Limits,
    now: i64,
) -> Result<Vec<Stored>, SourcemapError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await.map_err(StoreError::from)?;
    let pg_err = |e: tokio_postgres::Error| SourcemapError::from(StoreError::from(e));
    if tx
        .query_opt(
            "SELECT 1 FROM projects WHERE id = $1 FOR UPDATE",
            &[&project],
        )
        .await
        .map_err(pg_err)?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("no project `{project}`")).into());
    }
    let mut total: i64 = tx
        .query_one(
            "SELECT coalesce(sum(stored_size), 0)::int8 FROM sourcemaps WHERE project_id = $1",
            &[&project],
        )
        .await
        .map_err(pg_err)?
        .get(0);
    let mut out = Vec::new();
    for u in uploads {
        check_file(u, limits)?;
        let data = compress(&u.map);
        let replaced: i64 = tx
            .query_opt(
                "DELETE FROM sourcemaps WHERE project_id = $1 AND release = $2 AND name = $3
                 RETURNING stored_size",
                &[&project, &release, &u.name],
            )
            .await
            .map_err(pg_err)?
            .map_or(0, |r| r.get(0));
        total = total - replaced + data.len() as i64;
        check_project(u, project, total, limits)?;
        let sha = crate::signing::sha256_hex(&u.map);
        let id: i64 = tx
            .query_one(
                "INSERT INTO sourcemaps (project_id, release, name, debug_id, size, stored_size,
                     sha256, mappings, data, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    &project,
                    &release,
                    &u.name,
                    &u.debug_id,
                    &(u.map.len() as i64),
                    &(data.len() as i64),
                    &sha,
                    &(u.mappings as i64),
                    &data,
                    &now,
                ],
            )
            .await
            .map_err(pg_err)?
            .get(0);
        out.push(stored(id, project, release, u, data.len(), sha, now));
    }
    tx.commit().await.map_err(pg_err)?;
    Ok(out)
}

/// A project's maps, newest first; one release's when given.
pub async fn list(
    pg: &Pg,
    project: &str,
    release: Option<&str>,
) -> Result<Vec<Stored>, StoreError> {
    let c = pg.client().await?;
    Ok(c.query(
        &format!(
            "SELECT {COLUMNS} FROM sourcemaps
                 WHERE project_id = $1 AND ($2::text IS NULL OR release = $2)
                 ORDER BY created_at DESC, id DESC"
        ),
        &[&project, &release],
    )
    .await?
    .iter()
    .map(row)
    .collect())
}

/// Deletes one map by id, or every map of a release; answers what was deleted.
pub async fn delete(
    pg: &Pg,
    project: &str,
    id: Option<i64>,
    release: Option<&str>,
) -> Result<Vec<Stored>, StoreError> {
    let c = pg.client().await?;
    let gone: Vec<Stored> = c
        .query(
            &format!(
                "DELETE FROM sourcemaps WHERE project_id = $1
                 AND ($2::int8 IS NULL OR id = $2) AND ($3::text IS NULL OR release = $3)
                 RETURNING {COLUMNS}"
            ),
            &[&project, &id, &release],
        )
        .await?
        .iter()
        .map(row)
        .collect();
    if gone.is_empty() {
        return Err(nothing_to_delete(project, id, release));
    }
    Ok(gone)
}

/// For each release, the project's maps usable for it (its own and the release-less ones) as
/// (id, name, release); for each debug ID, the newest map with it.
#[allow(clippy::type_complexity)]
pub async fn lookup(
    pg: &Pg,
    project: &str,
    releases: &[String],
    debug_ids: &[String],
) -> Result<
    (
        Vec<(String, Vec<(i64, String, String)>)>,
        Vec<(String, Option<i64>)>,
    ),
    StoreError,
> {
    let c = pg.client().await?;
    let mut cats = Vec::new();
    for r in releases {
        let st = c
            .prepare_cached(
                "SELECT id, name, release FROM sourcemaps
                 WHERE project_id = $1 AND release IN ($2, '')",
            )
            .await?;
        let rows = c.query(&st, &[&project, r]).await?;
        cats.push((
            r.clone(),
            rows.iter()
                .map(|x| (x.get(0), x.get(1), x.get(2)))
                .collect(),
        ));
    }
    let mut dbg = Vec::new();
    for d in debug_ids {
        let st = c
            .prepare_cached(
                "SELECT id FROM sourcemaps WHERE project_id = $1 AND debug_id = $2
                 ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .await?;
        dbg.push((
            d.clone(),
            c.query_opt(&st, &[&project, d]).await?.map(|r| r.get(0)),
        ));
    }
    Ok((cats, dbg))
}

/// Stored maps' bytes, expanded (`None` for one deleted meanwhile).
pub async fn load(
    c: &impl GenericClient,
    ids: &[i64],
) -> Result<Vec<(i64, Result<Option<Vec<u8>>, StoreError>)>, StoreError> {
    let mut out = Vec::new();
    for &id in ids {
        let data: Option<Vec<u8>> = c
            .query_opt("SELECT data FROM sourcemaps WHERE id = $1", &[&id])
            .await?
            .map(|r| r.get(0));
        out.push((id, data.map(|d| expand(id, &d)).transpose()));
    }
    Ok(out)
}
