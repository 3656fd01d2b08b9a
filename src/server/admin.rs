//! Projects, ingest keys and API tokens over HTTP: `/v1/projects`, `/v1/projects/{id}/keys`,
//! `/v1/keys/{id}/rotate`, `/v1/keys/{id}`, `/v1/tokens`; retention and scrubbing under
//! `/v1/admin/`. Scopes: projects:read / projects:write, keys:write, admin (tokens, retention,
//! scrubbing). A project-pinned token only ever sees its own project.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::error::{json_body, json_body_or_default, ApiError};
use super::query::Params;
use super::AppState;
use crate::store::keys::{self, KeyRow};
use crate::store::now_ms;
use crate::store::projects::{self, Project};
use crate::store::tokens::{self, CreatedToken, Scope, Token};
use crate::timefmt;

pub(super) async fn list_projects(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Project>>, ApiError> {
    caller.require(Scope::ProjectsRead)?;
    let pin = caller.pinned().map(String::from);
    Ok(Json(st.db.list_projects(pin).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewProject {
    name: String,
    slug: Option<String>,
}

pub(super) async fn create_project(
    State(st): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<projects::CreatedProject>), ApiError> {
    caller.require(Scope::ProjectsWrite)?;
    if caller.pinned().is_some() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "a project-pinned token cannot create projects",
        ));
    }
    let req: NewProject = json_body(&body)?;
    let created = st.db.create_project(req.name, req.slug).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn show_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Project>, ApiError> {
    caller.require(Scope::ProjectsRead)?;
    caller.check_project(&id)?;
    Ok(Json(st.db.project(id).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProjectUpdate {
    name: Option<String>,
    /// Days of raw events to keep; `null` falls back to `retention.raw_events_days`.
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schemars(with = "Option<u32>")]
    retention_days: Option<Option<u32>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u32>>, D::Error> {
        Option::<u32>::deserialize(d).map(Some)
    }
}

pub(super) async fn update_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Project>, ApiError> {
    caller.require(Scope::ProjectsWrite)?;
    caller.check_project(&id)?;
    let req: ProjectUpdate = json_body(&body)?;
    Ok(Json(
        st.db
            .update_project(id, req.name, req.retention_days)
            .await?,
    ))
}

pub(super) async fn delete_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<projects::Deleted>, ApiError> {
    caller.require(Scope::ProjectsWrite)?;
    caller.check_project(&id)?;
    Ok(Json(st.db.delete_project(id).await?))
}

/// A key as listed: masked unless `reveal` was asked for (and allowed).
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct KeyView {
    id: i64,
    project_id: String,
    name: String,
    key: String,
    created_at: i64,
    revoked_at: Option<i64>,
    active: bool,
    /// `ingest` or `dsn`.
    kind: String,
    /// A DSN key's DSN (public: it ships inside apps).
    #[serde(skip_serializing_if = "Option::is_none")]
    dsn: Option<String>,
}

fn key_view(k: KeyRow, reveal: bool, now: i64) -> KeyView {
    KeyView {
        active: k.is_active_at(now),
        // A DSN key is public: always shown whole.
        key: if reveal || k.kind == keys::KIND_DSN {
            k.key.clone()
        } else {
            keys::mask(&k.key)
        },
        kind: k.kind,
        dsn: k.dsn,
        id: k.id,
        project_id: k.project_id,
        name: k.name,
        created_at: k.created_at,
        revoked_at: k.revoked_at,
    }
}

pub(super) async fn list_keys(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Vec<KeyView>>, ApiError> {
    caller.require(Scope::ProjectsRead)?;
    caller.check_project(&id)?;
    let p = Params::new(raw, &["reveal"])?;
    let reveal = matches!(p.str("reveal"), Some("1" | "true"));
    if reveal {
        caller.require(Scope::KeysWrite)?;
    }
    let public_url = crate::alert::eval::public_url(&st.config);
    let rows = st.db.project_keys(id, public_url).await?;
    let now = now_ms();
    Ok(Json(
        rows.into_iter().map(|k| key_view(k, reveal, now)).collect(),
    ))
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewKey {
    name: Option<String>,
    /// `ingest` (default: an HMAC secret) or `dsn` (a public key for Sentry SDKs).
    kind: Option<String>,
}

pub(super) async fn create_key(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<KeyRow>), ApiError> {
    caller.require(Scope::KeysWrite)?;
    caller.check_project(&id)?;
    let req: NewKey = json_body_or_default(&body)?;
    let name = req.name.unwrap_or_default();
    let kind = req.kind.unwrap_or_else(|| keys::KIND_INGEST.into());
    let public_url = crate::alert::eval::public_url(&st.config);
    let key = st.db.create_key(id, name, kind, public_url).await?;
    Ok((StatusCode::CREATED, Json(key)))
}

/// Loads key `id`, failing as "not found" when the caller may not see its project.
pub(super) async fn owned_key(st: &AppState, caller: &Caller, id: i64) -> Result<KeyRow, ApiError> {
    let k = st.db.key(id).await?;
    caller.check_project(&k.project_id)?;
    Ok(k)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RotateBody {
    /// How long the old key keeps working: `1h`, `30m`… (default: revoked now).
    grace: Option<String>,
    name: Option<String>,
}

pub(super) async fn rotate_key(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<keys::Rotated>, ApiError> {
    caller.require(Scope::KeysWrite)?;
    owned_key(&st, &caller, id).await?;
    let req: RotateBody = json_body_or_default(&body)?;
    let grace = match req.grace.as_deref() {
        None => 0,
        Some(g) => timefmt::parse_duration_ms(g).ok_or_else(|| {
            ApiError::bad_request("invalid_field", "grace must be a duration like 1h or 30m")
                .field("grace")
        })?,
    };
    Ok(Json(st.db.rotate_key(id, grace, req.name).await?))
}

pub(super) async fn revoke_key(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<KeyRow>, ApiError> {
    caller.require(Scope::KeysWrite)?;
    owned_key(&st, &caller, id).await?;
    Ok(Json(st.db.revoke_key(id, now_ms()).await?))
}

pub(super) async fn list_tokens(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Token>>, ApiError> {
    caller.require(Scope::Admin)?;
    let pin = caller.pinned().map(String::from);
    Ok(Json(st.db.tokens(pin).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    name: String,
    scopes: Vec<String>,
    project: Option<String>,
    /// `90d`, `12h`… from now.
    expires: Option<String>,
}

pub(super) async fn create_token(
    State(st): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    caller.require(Scope::Admin)?;
    let req: NewToken = json_body(&body)?;
    let scopes = tokens::parse_scopes(&req.scopes.join(","))?;
    // A pinned admin can only mint tokens for its own project.
    let project = match (caller.pinned(), req.project) {
        (Some(pin), None) => Some(pin.to_string()),
        (pin, Some(p)) => {
            if pin.is_some() {
                caller.check_project(&p)?;
            }
            Some(p)
        }
        (None, None) => None,
    };
    let expires_at = match req.expires.as_deref() {
        None => None,
        Some(e) => Some(
            now_ms()
                + timefmt::parse_duration_ms(e).ok_or_else(|| {
                    ApiError::bad_request("invalid_field", "expires must be a duration like 90d")
                        .field("expires")
                })?,
        ),
    };
    let created = st
        .db
        .create_token(req.name, scopes, project, expires_at)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn revoke_token(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Token>, ApiError> {
    caller.require(Scope::Admin)?;
    let t = st.db.token(id).await?;
    if let (Some(pin), theirs) = (caller.pinned(), t.project_id.as_deref()) {
        if theirs != Some(pin) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_project",
                "this token belongs to another project",
            ));
        }
    }
    Ok(Json(st.db.revoke_token(id).await?))
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PruneBody {
    days: Option<u32>,
    project: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

pub(super) async fn prune(
    State(st): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<Json<crate::retention::PruneReport>, ApiError> {
    caller.require(Scope::Admin)?;
    let mut req: PruneBody = json_body_or_default(&body)?;
    if let Some(pin) = caller.pinned() {
        if let Some(p) = req.project.as_deref() {
            caller.check_project(p)?;
        }
        req.project = Some(pin.to_string());
    }
    let cfg = st.config.retention.clone();
    Ok(Json(
        st.db.prune(cfg, req.days, req.project, req.dry_run).await?,
    ))
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ProjectRetention {
    project: String,
    /// The project's own setting; `null` = the default.
    retention_days: Option<u32>,
    effective_days: u32,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct RetentionView {
    raw_events_days: u32,
    configured_raw_events_days: u32,
    hourly_counts_days: u32,
    prune_interval_secs: u64,
    projects: Vec<ProjectRetention>,
}

pub(super) async fn get_retention(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<RetentionView>, ApiError> {
    caller.require(Scope::Admin)?;
    retention_view(&st, &caller).await.map(Json)
}

pub(super) async fn retention_view(
    st: &AppState,
    caller: &Caller,
) -> Result<RetentionView, ApiError> {
    let cfg = st.config.retention.clone();
    let pin = caller.pinned().map(String::from);
    let days = st.db.retention_days(cfg.raw_events_days).await?;
    let projects = st
        .db
        .list_projects(pin)
        .await?
        .into_iter()
        .map(|p| ProjectRetention {
            effective_days: p.retention_days.unwrap_or(days),
            retention_days: p.retention_days,
            project: p.id,
        })
        .collect();
    Ok(RetentionView {
        raw_events_days: days,
        configured_raw_events_days: cfg.raw_events_days,
        hourly_counts_days: cfg.hourly_counts_days,
        prune_interval_secs: cfg.prune_interval_secs,
        projects,
    })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionUpdate {
    /// Without a project: the default for every project (`null` = back to config.toml).
    project: Option<String>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schemars(with = "Option<u32>")]
    raw_events_days: Option<Option<u32>>,
}

pub(super) async fn put_retention(
    State(st): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<Json<RetentionView>, ApiError> {
    caller.require(Scope::Admin)?;
    let req: RetentionUpdate = json_body(&body)?;
    let Some(days) = req.raw_events_days else {
        return Err(
            ApiError::bad_request("missing_field", "raw_events_days is required")
                .field("raw_events_days"),
        );
    };
    if days == Some(0) || days.is_some_and(|d| d > 36_500) {
        return Err(ApiError::bad_request(
            "invalid_field",
            "raw_events_days must be from 1 to 36500",
        )
        .field("raw_events_days")
        .limit(36_500));
    }
    match (&req.project, caller.pinned()) {
        (Some(p), _) => caller.check_project(p)?,
        (None, Some(_)) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_project",
                "a project-pinned token can only change its project's retention",
            ))
        }
        (None, None) => {}
    }
    match req.project.clone() {
        Some(p) => {
            st.db.update_project(p, None, Some(days)).await?;
        }
        None => {
            let value = days.map(|d| d.to_string());
            st.db
                .set_setting(crate::retention::RAW_DAYS_SETTING, value.as_deref())
                .await?;
        }
    }
    retention_view(&st, &caller).await.map(Json)
}

/// A project's scrubbing switch.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ProjectScrubbing {
    project: String,
    /// The project's own switch (`false`: turned off by an admin).
    enabled: bool,
    /// Whether its events and traces are scrubbed now (the switch and the server's).
    effective: bool,
}

/// The scrubbing settings: the server's (`[scrubbing]`, read-only here) and each project's.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ScrubbingView {
    /// `[scrubbing].enabled`: off turns scrubbing off for every project.
    enabled: bool,
    /// `[scrubbing].ip_addresses`: keep | hash | drop.
    ip_addresses: crate::config::IpAddresses,
    /// `[scrubbing].extra_keys`.
    extra_keys: Vec<String>,
    projects: Vec<ProjectScrubbing>,
}

pub(super) async fn get_scrubbing(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<ScrubbingView>, ApiError> {
    caller.require(Scope::Admin)?;
    scrubbing_view(&st, &caller).await.map(Json)
}

async fn scrubbing_view(st: &AppState, caller: &Caller) -> Result<ScrubbingView, ApiError> {
    let pin = caller.pinned().map(String::from);
    let list = st.db.list_projects(pin).await?;
    let cfg = &st.config.scrubbing;
    Ok(ScrubbingView {
        enabled: cfg.enabled,
        ip_addresses: cfg.ip_addresses,
        extra_keys: cfg.extra_keys.clone(),
        projects: list
            .into_iter()
            .map(|p| {
                let on = !st.scrub.is_off(&p.id);
                ProjectScrubbing {
                    effective: on && cfg.enabled,
                    enabled: on,
                    project: p.id,
                }
            })
            .collect(),
    })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScrubbingUpdate {
    /// The project (slug).
    project: String,
    /// `false` stores its events and traces as sent; `true` scrubs them again.
    enabled: bool,
}

pub(super) async fn put_scrubbing(
    State(st): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<Json<ScrubbingView>, ApiError> {
    caller.require(Scope::Admin)?;
    let req: ScrubbingUpdate = json_body(&body)?;
    caller.check_project(&req.project)?;
    let (project, enabled) = (req.project.clone(), req.enabled);
    // 404 for a project that does not exist, before anything is stored.
    st.db.project(project.clone()).await?;
    crate::scrub::set_project_in(&st.db, &project, enabled).await?;
    // Applied at once here; other servers on the database read it within a second.
    st.scrub.set_project(&req.project, req.enabled);
    tracing::info!(project = %req.project, enabled = req.enabled, "scrubbing switched");
    scrubbing_view(&st, &caller).await.map(Json)
}
