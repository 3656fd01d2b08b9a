//! The query API: `/v1/errors` (list, detail, occurrences, trend, history, status changes,
//! assignment, notes), `/v1/releases`, `/v1/trends`, `/v1/stats`. Every handler checks scope and project through the
//! [`Caller`]; parameters are validated with a 400 that names the parameter.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::error::ApiError;
use super::AppState;
use crate::search::{Field, Status, Term};
use crate::store::issues::{self, IssueQuery, MAX_LIMIT, MAX_TREND_HOURS};
use crate::store::tokens::Scope;
use crate::store::triage;
use crate::store::{self, now_ms};

/// Query parameters, checked one by one so a bad one is named.
pub struct Params {
    map: HashMap<String, String>,
}

impl Params {
    pub fn new(map: HashMap<String, String>, allowed: &[&str]) -> Result<Self, ApiError> {
        for k in map.keys() {
            // `_` prefixed parameters are cache busters; `project_id` is the older name of `project`.
            if !k.starts_with('_') && !allowed.contains(&k.as_str()) && k != "project_id" {
                return Err(ApiError::bad_request(
                    "unknown_parameter",
                    format!(
                        "unknown query parameter `{k}`; allowed: {}",
                        allowed.join(", ")
                    ),
                )
                .field(k.clone()));
            }
        }
        Ok(Self { map })
    }

    pub fn str(&self, k: &str) -> Option<&str> {
        let v = self.map.get(k).map(String::as_str);
        let v = if k == "project" {
            v.or_else(|| self.map.get("project_id").map(String::as_str))
        } else {
            v
        };
        v.filter(|s| !s.is_empty())
    }

    /// An integer parameter in `min..=max` (the same check the list parameters get).
    pub fn u32_in(&self, k: &str, min: u32, max: u32, default: u32) -> Result<u32, ApiError> {
        issues::u32_param(
            &|n: &str| self.str(n).map(String::from),
            k,
            min,
            max,
            default,
        )
        .map_err(param_error)
    }
}

pub(super) fn param_error(e: issues::ParamError) -> ApiError {
    let code = if e.field == "q" {
        "invalid_query"
    } else {
        "invalid_parameter"
    };
    let mut err = ApiError::bad_request(code, e.to_string()).field(e.field);
    if let Some(l) = e.limit {
        err = err.limit(l);
    }
    err
}

const LIST_PARAMS: &[&str] = issues::LIST_PARAMS;

/// Builds an [`IssueQuery`] from list parameters, for the projects `caller` may read.
pub fn issue_query(p: &Params, caller: &Caller, now: i64) -> Result<IssueQuery, ApiError> {
    let mut q = issues::query_from_params(|k| p.str(k), now).map_err(param_error)?;
    q.projects = caller.projects(p.str("project"))?;
    issues::check_me(&mut q, caller.user.as_ref().map(|u| u.id)).map_err(param_error)?;
    Ok(q)
}

fn paged(rows: Vec<issues::IssueRow>, total: i64, q: &IssueQuery) -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(total));
    let next = q.offset as i64 + rows.len() as i64;
    if next < total {
        headers.insert("x-next-offset", HeaderValue::from(next));
    }
    (headers, Json(rows))
}

pub(super) async fn list_errors(
    State(st): State<AppState>,
    caller: Caller,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, LIST_PARAMS)?;
    let q = issue_query(&p, &caller, now_ms())?;
    let qc = q.clone();
    let (rows, total) = st.db.list_issues(qc).await?;
    Ok(paged(rows, total, &q))
}

/// Resolves `{fp}` (+ optional `project`) to an issue the caller may see.
pub(super) async fn find_issue(
    st: &AppState,
    caller: &Caller,
    fp: String,
    project: Option<&str>,
) -> Result<issues::IssueRow, ApiError> {
    let projects = caller.projects(project)?;
    Ok(st.db.find_issue(projects, fp).await?)
}

pub(super) async fn error_detail(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<issues::IssueDetail>, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project"])?;
    let issue = find_issue(&st, &caller, fp, p.str("project")).await?;
    Ok(Json(st.db.issue_detail(issue).await?))
}

pub(super) async fn occurrences(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project", "limit", "offset"])?;
    let limit = p.u32_in("limit", 1, MAX_LIMIT, issues::DEFAULT_LIMIT)?;
    let offset = p.u32_in("offset", 0, u32::MAX, 0)?;
    let issue = find_issue(&st, &caller, fp, p.str("project")).await?;
    let id = issue.id;
    let rows = st.db.occurrences(id, limit, offset).await?;
    let mut headers = HeaderMap::new();
    if rows.len() == limit as usize {
        headers.insert("x-next-offset", HeaderValue::from(offset + limit));
    }
    Ok((headers, Json(rows)))
}

pub(super) async fn error_trend(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Vec<issues::HourCount>>, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project", "hours"])?;
    let hours = p.u32_in("hours", 1, MAX_TREND_HOURS, 24)?;
    let issue = find_issue(&st, &caller, fp, p.str("project")).await?;
    let id = issue.id;
    Ok(Json(st.db.trend(id, hours, now_ms()).await?))
}

pub(super) async fn error_history(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Vec<triage::HistoryEntry>>, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project"])?;
    let issue = find_issue(&st, &caller, fp, p.str("project")).await?;
    let id = issue.id;
    Ok(Json(st.db.timeline(id).await?))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssignBody {
    /// A dashboard user's name; null unassigns. Required: `{}` is refused, not read as null.
    #[serde(deserialize_with = "required_nullable")]
    #[schemars(schema_with = "nullable_string")]
    user: Option<String>,
    /// The project slug, when the fingerprint exists in several (or as the `project` parameter).
    #[serde(default)]
    project: Option<String>,
}

fn nullable_string(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": ["string", "null"]})
}

/// A field that must be present but may be null (serde reads a missing `Option` as None
/// unless a deserializer is named).
fn required_nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

/// `POST /v1/errors/{fp}/assign`: `{"user": "ana"}` assigns, `{"user": null}` unassigns.
pub(super) async fn assign(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Result<Json<issues::IssueRow>, ApiError> {
    caller.require(Scope::ErrorsWrite)?;
    let p = Params::new(raw, &["project"])?;
    let parsed: AssignBody = super::error::json_body(&body)?;
    let project = parsed
        .project
        .or_else(|| p.str("project").map(String::from));
    let issue = find_issue(&st, &caller, fp, project.as_deref()).await?;
    let (id, actor, user) = (issue.id, caller.actor.clone(), parsed.user);
    Ok(Json(st.db.assign(id, user, actor).await?))
}

pub(super) async fn list_notes(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project", "limit", "offset"])?;
    let limit = p.u32_in("limit", 1, MAX_LIMIT, issues::DEFAULT_LIMIT)?;
    let offset = p.u32_in("offset", 0, u32::MAX, 0)?;
    let issue = find_issue(&st, &caller, fp, p.str("project")).await?;
    let id = issue.id;
    let rows = st.db.notes(id, limit, offset).await?;
    let mut headers = HeaderMap::new();
    if rows.len() == limit as usize {
        headers.insert("x-next-offset", HeaderValue::from(offset + limit));
    }
    Ok((headers, Json(rows)))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteBody {
    /// 1 to 10,000 characters.
    text: String,
    /// The project slug, when the fingerprint exists in several (or as the `project` parameter).
    #[serde(default)]
    project: Option<String>,
}

/// `POST /v1/errors/{fp}/notes`: adds a note written by the caller (a user, or the token's
/// name).
pub(super) async fn add_note(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Result<(axum::http::StatusCode, Json<triage::Note>), ApiError> {
    caller.require(Scope::ErrorsWrite)?;
    let p = Params::new(raw, &["project"])?;
    let parsed: NoteBody = super::error::json_body(&body)?;
    triage::check_note(&parsed.text).map_err(|e| {
        let mut err = ApiError::bad_request("invalid_field", e.to_string()).field(e.field);
        if let Some(l) = e.limit {
            err = err.limit(l);
        }
        err
    })?;
    let project = parsed
        .project
        .or_else(|| p.str("project").map(String::from));
    let issue = find_issue(&st, &caller, fp, project.as_deref()).await?;
    let (id, actor, text) = (issue.id, caller.actor.clone(), parsed.text);
    let note = st.db.add_note(id, text, actor).await?;
    Ok((axum::http::StatusCode::CREATED, Json(note)))
}

/// The statuses the status routes set, by the index their handler is instantiated with.
pub(super) const STATUS_ACTIONS: [Status; 4] = [
    Status::Resolved,
    Status::Ignored,
    Status::Muted,
    Status::Unresolved,
];

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusBody {
    release: Option<String>,
    project: Option<String>,
}

/// `POST /v1/errors/{fp}/<action>`: one handler for the four actions, told apart by `S` (an
/// index into [`STATUS_ACTIONS`]).
pub(super) async fn change_status<const S: usize>(
    State(st): State<AppState>,
    caller: Caller,
    Path(fp): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Result<Json<issues::IssueRow>, ApiError> {
    let status = STATUS_ACTIONS[S];
    caller.require(Scope::ErrorsWrite)?;
    let p = Params::new(raw, &["project", "release"])?;
    let parsed: StatusBody = super::error::json_body_or_default(&body)?;
    let release = parsed
        .release
        .or_else(|| p.str("release").map(String::from));
    if let Some(r) = &release {
        if r.len() > crate::event::MAX_SHORT_FIELD_BYTES {
            return Err(ApiError::bad_request("too_large", "release is too long")
                .field("release")
                .limit(crate::event::MAX_SHORT_FIELD_BYTES as u64));
        }
    }
    let project = parsed
        .project
        .or_else(|| p.str("project").map(String::from));
    let issue = find_issue(&st, &caller, fp, project.as_deref()).await?;
    let actor = caller.actor.clone();
    let id = issue.id;
    let mut changed = st
        .db
        .set_statuses(vec![(id, status, release)], actor)
        .await?;
    let row = changed
        .pop()
        .map(|c| c.issue)
        .ok_or_else(ApiError::internal)?;
    Ok(Json(row))
}

/// `PATCH /v1/errors`: several issues' statuses in one transaction.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkBody {
    /// The status of every item that names none.
    status: Option<Status>,
    /// With `resolved`: the release the issues were resolved in (an item's own wins).
    release: Option<String>,
    /// The issues, 1 to 200.
    issues: Vec<BulkItem>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkItem {
    /// Project slug (needed when the fingerprint exists in several projects).
    project: Option<String>,
    fingerprint: String,
    /// This issue's new status (an undo restores each issue's own).
    status: Option<Status>,
    release: Option<String>,
}

/// The answer of a bulk status change.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct BulkResult {
    /// Issues whose status (or release) changed; the others already had it.
    changed: usize,
    /// Every issue of the request, in its order, with what it was before.
    issues: Vec<issues::StatusChangeResult>,
}

pub(super) async fn bulk_status(
    State(st): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<Json<BulkResult>, ApiError> {
    caller.require(Scope::ErrorsWrite)?;
    let body: BulkBody = super::error::json_body(&body)?;
    if body.issues.is_empty() || body.issues.len() > issues::MAX_BULK {
        return Err(ApiError::bad_request(
            "invalid_field",
            format!("`issues` must list 1 to {} issues", issues::MAX_BULK),
        )
        .field("issues")
        .limit(issues::MAX_BULK as u64));
    }
    let max = crate::event::MAX_SHORT_FIELD_BYTES;
    // Each item checked before anything changes: its status, its release, and its project
    // against the caller's (a token pinned to A cannot name B's issues).
    let mut wanted = Vec::with_capacity(body.issues.len());
    for (n, item) in body.issues.into_iter().enumerate() {
        let status = item.status.or(body.status).ok_or_else(|| {
            ApiError::bad_request(
                "missing_field",
                "each issue needs a status (or the body one)",
            )
            .field(format!("issues[{n}].status"))
        })?;
        let release = item.release.or_else(|| body.release.clone());
        if release.as_ref().is_some_and(|r| r.len() > max) {
            return Err(ApiError::bad_request("too_large", "release is too long")
                .field(format!("issues[{n}].release"))
                .limit(max as u64));
        }
        let projects = caller
            .projects(item.project.as_deref())
            .map_err(|e| e.field(format!("issues[{n}].project")))?;
        wanted.push((projects, item.fingerprint, status, release));
    }
    let actor = caller.actor.clone();
    // The outer error is the database's; the inner one names the item that was not found.
    let mut ids = Vec::with_capacity(wanted.len());
    for (n, (projects, fp, status, release)) in wanted.into_iter().enumerate() {
        match st.db.find_issue(projects, fp).await {
            Ok(issue) => ids.push((issue.id, status, release)),
            Err(e @ (store::StoreError::NotFound(_) | store::StoreError::Invalid { .. })) => {
                let err = ApiError::from(e);
                let field = if err.field.as_deref() == Some("project") {
                    "project"
                } else {
                    "fingerprint"
                };
                return Err(err.field(format!("issues[{n}].{field}")));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let changes = st.db.set_statuses(ids, actor).await?;
    Ok(Json(BulkResult {
        changed: changes.iter().filter(|c| c.changed).count(),
        issues: changes,
    }))
}

pub(super) async fn list_releases(
    State(st): State<AppState>,
    caller: Caller,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Vec<issues::ReleaseSummary>>, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project", "limit"])?;
    let limit = p.u32_in("limit", 1, 1000, 100)?;
    let projects = caller.projects(p.str("project"))?;
    Ok(Json(st.db.releases(projects, limit).await?))
}

pub(super) async fn release_errors(
    State(st): State<AppState>,
    caller: Caller,
    Path(release): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, LIST_PARAMS)?;
    let mut q = issue_query(&p, &caller, now_ms())?;
    q.terms.push(Term::new(Field::Release, release));
    let qc = q.clone();
    let (rows, total) = st.db.list_issues(qc).await?;
    Ok(paged(rows, total, &q))
}

pub(super) async fn trends(
    State(st): State<AppState>,
    caller: Caller,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Vec<issues::HourCount>>, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.push("hours");
    let p = Params::new(raw, &allowed)?;
    let hours = p.u32_in("hours", 1, MAX_TREND_HOURS, 24)?;
    let q = issue_query(&p, &caller, now_ms())?;
    Ok(Json(st.db.trends(q, hours, now_ms()).await?))
}

pub(super) async fn stats(
    State(st): State<AppState>,
    caller: Caller,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::ErrorsRead)?;
    let p = Params::new(raw, &["project"])?;
    let projects = caller.projects(p.str("project"))?;
    let s = st.db.stats(projects, now_ms()).await?;
    let stats = &st.pipeline.stats;
    let mut v = serde_json::to_value(s).unwrap_or_default();
    v["queue"] = json!({
        "depth": st.pipeline.queue_depth(),
        "capacity": st.pipeline.capacity(),
        "dropped": {
            "queue_full": stats.dropped(crate::pipeline::DropReason::QueueFull),
            "rate_limited": stats.dropped(crate::pipeline::DropReason::RateLimited),
        },
    });
    Ok(Json(v))
}
