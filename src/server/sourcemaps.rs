//! `/v1/sourcemaps`: upload (multipart: bundles and maps, paired by the server), list and
//! delete a project's source maps.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::error::ApiError;
use super::query::Params;
use super::AppState;
use crate::sourcemap::store::{Limits, Stored};
use crate::sourcemap::upload::{self, File};
use crate::sourcemap::SourcemapError;
use crate::store::now_ms;
use crate::store::tokens::Scope;

/// What an upload stored.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Uploaded {
    pub stored: Vec<Stored>,
    /// Bundles uploaded without a map (not stored).
    pub without_map: Vec<String>,
}

/// What a delete removed.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deleted {
    pub deleted: Vec<Stored>,
}

impl From<SourcemapError> for ApiError {
    fn from(e: SourcemapError) -> Self {
        match e {
            SourcemapError::TooLarge { field, message } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("{field}: {message}"),
            )
            .field(field),
            SourcemapError::Invalid { field, message } => {
                ApiError::bad_request("invalid_file", format!("{field}: {message}")).field(field)
            }
            SourcemapError::Store(e) => e.into(),
        }
    }
}

/// The one project a call acts on: `project`, or the token's own.
fn project(caller: &Caller, p: &Params) -> Result<String, ApiError> {
    match caller.projects(p.str("project"))? {
        Some(mut v) if v.len() == 1 => Ok(v.remove(0)),
        _ => Err(ApiError::bad_request("missing_field", "`project` is required").field("project")),
    }
}

fn release(p: &Params) -> Result<String, ApiError> {
    let r = p.str("release").unwrap_or("").trim().to_string();
    if r.len() > crate::event::MAX_SHORT_FIELD_BYTES {
        return Err(ApiError::bad_request("too_large", "release is too long")
            .field("release")
            .limit(crate::event::MAX_SHORT_FIELD_BYTES as u64));
    }
    Ok(r)
}

/// `POST /v1/sourcemaps?project=P&release=R&url_prefix=~/static/js`: a `multipart/form-data`
/// body of `.js`/`.mjs`/`.cjs` bundles and `.map` files (each part's file name is its path).
pub(super) async fn upload(
    State(st): State<AppState>,
    caller: Caller,
    Query(raw): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Scope::SourcemapsWrite)?;
    let p = Params::new(raw, &["project", "release", "url_prefix"])?;
    let project = project(&caller, &p)?;
    let release = release(&p)?;
    let prefix = p.str("url_prefix").unwrap_or("~").to_string();
    if prefix.len() > 512 {
        return Err(ApiError::bad_request("too_large", "url_prefix is too long")
            .field("url_prefix")
            .limit(512));
    }
    let limits = Limits::from_config(&st.config.sourcemaps);
    // A request carries at most a few files: room for two files at the cap.
    let cap = (limits.max_file_bytes as usize).saturating_mul(2) + 1024 * 1024;
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(boundary) = upload::boundary(ct) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send multipart/form-data: one part per .js or .map file, its path as the file name",
        ));
    };
    let bytes = super::ingest::read_body(body, &headers, cap, st.request_timeout)
        .await
        .map_err(|e| {
            if e.status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("an upload request is at most {cap} bytes: send fewer files at once"),
                )
                .limit(cap as u64)
            } else {
                e
            }
        })?;
    let parts = upload::parse_multipart(&bytes, &boundary)
        .map_err(|m| ApiError::bad_request("malformed_body", format!("multipart body: {m}")))?;
    drop(bytes);
    let files: Vec<File> = parts
        .into_iter()
        .map(|part| File {
            path: part.filename.unwrap_or(part.name),
            bytes: part.bytes,
        })
        .collect();
    if files.is_empty() {
        return Err(ApiError::bad_request("missing_field", "no files in the body").field("file"));
    }
    for f in &files {
        crate::sourcemap::store::check_size(&f.path, f.bytes.len(), limits)?;
    }
    // Pairing parses every map: on a blocking thread.
    let paired = tokio::task::spawn_blocking(move || upload::pair(files, &prefix))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "source map pairing failed");
            ApiError::internal()
        })??;
    let stored = st
        .db
        .put_sourcemaps(
            project.clone(),
            release.clone(),
            paired.uploads,
            limits,
            now_ms(),
        )
        .await?;
    let out = Uploaded {
        stored,
        without_map: paired.without_map,
    };
    st.sourcemaps.invalidate(&project);
    tracing::info!(
        project = %project,
        release = %release,
        maps = out.stored.len(),
        "source maps uploaded"
    );
    Ok((StatusCode::CREATED, Json(out)))
}

/// `GET /v1/sourcemaps?project=P[&release=R]`.
pub(super) async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Stored>>, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project", "release"])?;
    let project = project(&caller, &p)?;
    let release = p.str("release").map(str::to_string);
    Ok(Json(st.db.sourcemaps(project, release).await?))
}

/// `DELETE /v1/sourcemaps/{id}?project=P`.
pub(super) async fn delete_one(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Deleted>, ApiError> {
    caller.require(Scope::SourcemapsWrite)?;
    let p = Params::new(raw, &["project"])?;
    let project = project(&caller, &p)?;
    delete(&st, project, Some(id), None).await
}

/// `DELETE /v1/sourcemaps?project=P&release=R`: every map of a release.
pub(super) async fn delete_release(
    State(st): State<AppState>,
    caller: Caller,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Deleted>, ApiError> {
    caller.require(Scope::SourcemapsWrite)?;
    let p = Params::new(raw, &["project", "release"])?;
    let project = project(&caller, &p)?;
    let Some(release) = p.str("release").map(str::to_string) else {
        return Err(ApiError::bad_request(
            "missing_field",
            "`release` is required (\"\" for maps uploaded without one)",
        )
        .field("release"));
    };
    delete(&st, project, None, Some(release)).await
}

async fn delete(
    st: &AppState,
    project: String,
    id: Option<i64>,
    release: Option<String>,
) -> Result<Json<Deleted>, ApiError> {
    let deleted = st
        .db
        .delete_sourcemaps(project.clone(), id, release)
        .await?;
    st.sourcemaps.invalidate(&project);
    Ok(Json(Deleted { deleted }))
}
