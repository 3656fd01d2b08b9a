//! The operator's data commands (`query`, `projects`, `keys`, `tokens`, `prune`) against either
//! the local database (default; safe while `serve` runs) or a remote server's API (`--url` +
//! `--token`). Both paths return the same types, so the CLI renders them one way.

use std::time::Duration;

use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::config::Config;
use crate::retention::{self, PruneReport};
use crate::search::Status;
use crate::server::routes::{self, RouteId};
use crate::store::issues::{self, HourCount, IssueDetail, IssueRow, ReleaseSummary, Stats};
use crate::store::keys::{self, KeyRow};
use crate::store::projects::{self, Deleted, Project};
use crate::store::tokens::{self, CreatedToken, Scope, Token};
use crate::store::{self, now_ms, Db, StoreError};
use crate::store::{triage, users};

/// Who local commands act as in status history.
pub const LOCAL_ACTOR: &str = "cli";

/// The issue `fp` in the local database, within `project` when given.
fn local_issue(
    conn: &rusqlite::Connection,
    project: Option<&str>,
    fp: &str,
) -> Result<IssueRow, crate::store::StoreError> {
    let ps = project.map(|p| vec![p.to_string()]);
    issues::find(conn, ps.as_deref(), fp)
}

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("server answered {status}: {message}")]
    Remote { status: u16, message: String },
    #[error("could not reach {url}: {message}")]
    Http { url: String, message: String },
}

impl From<crate::sourcemap::SourcemapError> for OpsError {
    fn from(e: crate::sourcemap::SourcemapError) -> Self {
        use crate::sourcemap::SourcemapError as E;
        match e {
            E::TooLarge { field, message } | E::Invalid { field, message } => {
                OpsError::Invalid { field, message }
            }
            E::Store(s) => OpsError::Store(s),
        }
    }
}

impl From<issues::ParamError> for OpsError {
    fn from(e: issues::ParamError) -> Self {
        OpsError::Invalid {
            field: e.field,
            message: e.message,
        }
    }
}

/// An API client for a remote bloop server.
pub struct Api {
    http: reqwest::blocking::Client,
    base: String,
    token: String,
}

impl Api {
    pub fn new(url: &str, token: &str) -> Result<Self, OpsError> {
        let base = url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(OpsError::Invalid {
                field: "url".into(),
                message: format!("`{url}` is not an http(s) URL"),
            });
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("bloop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OpsError::Http {
                url: base.clone(),
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            base,
            token: token.to_string(),
        })
    }

    /// Calls route `id` (its method and path from the one route table) with its path
    /// parameters filled from `params`, then `query` and `body`; answers the body and headers.
    pub(crate) fn call<T: DeserializeOwned>(
        &self,
        id: RouteId,
        params: &[&str],
        query: &[(String, String)],
        body: Option<Value>,
    ) -> Result<(T, reqwest::header::HeaderMap), OpsError> {
        self.request(id, params, query, |req| match body {
            Some(b) => req.json(&b),
            None => req,
        })
    }

    /// Route `id` with a body that is not JSON (a multipart upload).
    pub(crate) fn call_raw<T: DeserializeOwned>(
        &self,
        id: RouteId,
        query: &[(String, String)],
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<T, OpsError> {
        let (v, _) = self.request(id, &[], query, |req| {
            req.header("content-type", content_type).body(body)
        })?;
        Ok(v)
    }

    /// One call: the request built by `with_body`, a non-2xx answer as [`OpsError::Remote`]
    /// carrying the server's `error` message.
    fn request<T: DeserializeOwned>(
        &self,
        id: RouteId,
        params: &[&str],
        query: &[(String, String)],
        with_body: impl FnOnce(reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder,
    ) -> Result<(T, reqwest::header::HeaderMap), OpsError> {
        let url = format!("{}{}", self.base, routes::path(id, params));
        let req = self
            .http
            .request(routes::route(id).verb.method(), &url)
            .bearer_auth(&self.token)
            .query(query);
        let resp = with_body(req).send().map_err(|e| OpsError::Http {
            url: url.clone(),
            message: e.to_string(),
        })?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().unwrap_or_default();
        if !(200..300).contains(&status) {
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(String::from))
                .unwrap_or(text);
            return Err(OpsError::Remote { status, message });
        }
        let v = serde_json::from_str(&text).map_err(|e| OpsError::Remote {
            status,
            message: format!("unexpected answer: {e}"),
        })?;
        Ok((v, headers))
    }

    /// A route without a body (a GET).
    fn get<T: DeserializeOwned>(
        &self,
        id: RouteId,
        params: &[&str],
        query: &[(String, String)],
    ) -> Result<T, OpsError> {
        Ok(self.call(id, params, query, None)?.0)
    }

    /// A route that changes something, with an optional JSON body.
    fn send<T: DeserializeOwned>(
        &self,
        id: RouteId,
        params: &[&str],
        body: Option<Value>,
    ) -> Result<T, OpsError> {
        Ok(self.call(id, params, &[], body)?.0)
    }
}

/// Where the data commands act.
pub enum Target {
    Local {
        conn: Connection,
        config: Box<Config>,
    },
    /// The shared PostgreSQL database (`database.url`), reached on a runtime of the command's
    /// own.
    Shared {
        rt: Box<tokio::runtime::Runtime>,
        db: store::Db,
        config: Box<Config>,
    },
    Remote(Api),
}

pub use crate::store::projects::CreatedProject;

/// The LLM queries: one generic path each way, so every `bloop llm` command is one call.
impl Target {
    /// A read of route `id`: on the local database `local` runs with the same parameters the
    /// API would get (`project` = the only project read); remotely the route is called.
    pub fn llm_get<T, F>(
        &mut self,
        id: RouteId,
        path: &[&str],
        params: &[(String, String)],
        local: F,
    ) -> Result<T, OpsError>
    where
        T: DeserializeOwned,
        F: FnOnce(&Connection, &crate::store::llm_query::LlmParams) -> Result<T, StoreError>,
    {
        self.llm_call(id, path, params, None, |c, p| local(c, p))
    }

    /// A read that also answers the API's paging headers: (rows, total).
    pub fn llm_page<T, F>(
        &mut self,
        id: RouteId,
        path: &[&str],
        params: &[(String, String)],
        local: F,
    ) -> Result<(Vec<T>, i64), OpsError>
    where
        T: DeserializeOwned,
        F: FnOnce(
            &Connection,
            &crate::store::llm_query::LlmParams,
        ) -> Result<(Vec<T>, i64), StoreError>,
    {
        match self {
            Target::Local { conn, .. } => Ok(local(conn, &llm_params(params))?),
            Target::Shared { .. } => {
                let (v, total) = self.llm_shared(id, path, params, None)?;
                let rows: Vec<T> = from_answer(v)?;
                let total = total.unwrap_or(rows.len() as i64);
                Ok((rows, total))
            }
            Target::Remote(api) => {
                let (rows, headers): (Vec<T>, _) = api.call(id, path, params, None)?;
                let total = headers
                    .get("x-total-count")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(rows.len() as i64);
                Ok((rows, total))
            }
        }
    }

    /// A change through route `id` with a JSON body; locally `local` runs in its place.
    pub fn llm_send<T, F>(
        &mut self,
        id: RouteId,
        path: &[&str],
        params: &[(String, String)],
        body: Value,
        local: F,
    ) -> Result<T, OpsError>
    where
        T: DeserializeOwned,
        F: FnOnce(&mut Connection, &crate::store::llm_query::LlmParams) -> Result<T, StoreError>,
    {
        self.llm_call(id, path, params, Some(body), local)
    }

    fn llm_call<T, F>(
        &mut self,
        id: RouteId,
        path: &[&str],
        params: &[(String, String)],
        body: Option<Value>,
        local: F,
    ) -> Result<T, OpsError>
    where
        T: DeserializeOwned,
        F: FnOnce(&mut Connection, &crate::store::llm_query::LlmParams) -> Result<T, StoreError>,
    {
        match self {
            Target::Local { conn, .. } => Ok(local(conn, &llm_params(params))?),
            Target::Shared { .. } => from_answer(self.llm_shared(id, path, params, body)?.0),
            Target::Remote(api) => Ok(api.call(id, path, params, body)?.0),
        }
    }

    /// Route `id` answered on the shared PostgreSQL database, as the server would answer it.
    #[cfg(feature = "llm-tracing")]
    fn llm_shared(
        &mut self,
        id: RouteId,
        path: &[&str],
        params: &[(String, String)],
        body: Option<Value>,
    ) -> Result<(Value, Option<i64>), OpsError> {
        let Target::Shared { rt, db, config } = self else {
            unreachable!("only for a shared database");
        };
        let store::Db::Postgres(pg) = db else {
            unreachable!("a shared database is PostgreSQL");
        };
        let call = store::pg::llm::Call {
            id,
            path: path.iter().map(|s| s.to_string()).collect(),
            params: llm_params(params),
            body,
            default_policy: config.llm_tracing.default_content_storage,
        };
        Ok(rt.block_on(store::pg::llm::call(pg, call))?)
    }

    #[cfg(not(feature = "llm-tracing"))]
    fn llm_shared(
        &mut self,
        _: RouteId,
        _: &[&str],
        _: &[(String, String)],
        _: Option<Value>,
    ) -> Result<(Value, Option<i64>), OpsError> {
        Err(shared_unsupported("llm"))
    }
}

/// A route's JSON answer as the type the command renders.
fn from_answer<T: DeserializeOwned>(v: Value) -> Result<T, OpsError> {
    serde_json::from_value(v).map_err(|e| OpsError::Invalid {
        field: "answer".into(),
        message: format!("unexpected answer from the database query: {e}"),
    })
}

/// The CLI's parameters as a local query sees them: every project, or the one named.
fn llm_params(params: &[(String, String)]) -> crate::store::llm_query::LlmParams {
    let project = params
        .iter()
        .find(|(k, v)| k == "project" && !v.is_empty())
        .map(|(_, v)| vec![v.clone()]);
    crate::store::llm_query::LlmParams::new(params.iter().cloned(), project, now_ms())
}

impl Target {
    /// The local database named by `config`; a missing file is an error naming the path (only
    /// `serve` creates the database).
    pub fn local(config: &Config) -> Result<Self, OpsError> {
        if let Some(url) = config.database.postgres_url() {
            let rt = runtime()?;
            let pg = rt.block_on(store::pg::Pg::open(url, 2))?;
            return Ok(Target::Shared {
                rt: Box::new(rt),
                db: store::Db::Postgres(pg),
                config: Box::new(config.clone()),
            });
        }
        let conn = store::open_existing_migrated(&config.database.path)?;
        Ok(Target::Local {
            conn,
            config: Box::new(config.clone()),
        })
    }

    pub fn remote(url: &str, token: &str) -> Result<Self, OpsError> {
        Ok(Target::Remote(Api::new(url, token)?))
    }

    /// Issues matching list parameters (`LIST_PARAMS` names), and the total.
    pub fn list_errors(
        &mut self,
        params: &[(String, String)],
    ) -> Result<(Vec<IssueRow>, i64), OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
                let mut q = issues::query_from_params(get, now_ms())?;
                // A local command has no dashboard user: `assigned:me` is refused.
                issues::check_me(&mut q, None)?;
                Ok(issues::list(conn, &q)?)
            }
            Target::Shared { rt, db, .. } => {
                let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
                let mut q = issues::query_from_params(get, now_ms())?;
                issues::check_me(&mut q, None)?;
                Ok(rt.block_on(db.list_issues(q))?)
            }
            Target::Remote(api) => {
                let (rows, headers): (Vec<IssueRow>, _) =
                    api.call(RouteId::ListErrors, &[], params, None)?;
                let total = headers
                    .get("x-total-count")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(rows.len() as i64);
                Ok((rows, total))
            }
        }
    }

    fn project_query(project: Option<&str>) -> Vec<(String, String)> {
        project
            .map(|p| vec![("project".to_string(), p.to_string())])
            .unwrap_or_default()
    }

    pub fn error_detail(
        &mut self,
        fp: &str,
        project: Option<&str>,
    ) -> Result<IssueDetail, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let issue = local_issue(conn, project, fp)?;
                Ok(issues::detail(conn, issue)?)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                let issue = db.find_issue(project_list(project), fp.to_string()).await?;
                Ok(db.issue_detail(issue).await?)
            }),
            Target::Remote(api) => {
                api.get(RouteId::ErrorDetail, &[fp], &Self::project_query(project))
            }
        }
    }

    pub fn error_trend(
        &mut self,
        fp: &str,
        project: Option<&str>,
        hours: u32,
    ) -> Result<Vec<HourCount>, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let issue = local_issue(conn, project, fp)?;
                Ok(issues::trend(conn, issue.id, hours, now_ms())?)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                let issue = db.find_issue(project_list(project), fp.to_string()).await?;
                Ok(db.trend(issue.id, hours, now_ms()).await?)
            }),
            Target::Remote(api) => {
                let mut q = Self::project_query(project);
                q.push(("hours".into(), hours.to_string()));
                api.get(RouteId::ErrorTrend, &[fp], &q)
            }
        }
    }

    pub fn set_status(
        &mut self,
        fp: &str,
        project: Option<&str>,
        status: Status,
        release: Option<&str>,
    ) -> Result<IssueRow, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let issue = local_issue(conn, project, fp)?;
                Ok(issues::set_status(
                    conn,
                    issue.id,
                    status,
                    release,
                    LOCAL_ACTOR,
                )?)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                let issue = db.find_issue(project_list(project), fp.to_string()).await?;
                let change = (issue.id, status, release.map(str::to_string));
                let mut done = db.set_statuses(vec![change], LOCAL_ACTOR.into()).await?;
                done.pop()
                    .map(|c| c.issue)
                    .ok_or_else(|| StoreError::NotFound("issue not found".into()).into())
            }),
            Target::Remote(api) => {
                let route = match status {
                    Status::Resolved => RouteId::Resolve,
                    Status::Ignored => RouteId::Ignore,
                    Status::Muted => RouteId::Mute,
                    Status::Unresolved => RouteId::Unresolve,
                };
                api.send(
                    route,
                    &[fp],
                    Some(json!({"release": release, "project": project})),
                )
            }
        }
    }

    /// Assigns an issue to the dashboard user named `user`, or unassigns it (None).
    pub fn assign(
        &mut self,
        fp: &str,
        project: Option<&str>,
        user: Option<&str>,
    ) -> Result<IssueRow, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let issue = local_issue(conn, project, fp)?;
                Ok(triage::assign(conn, issue.id, user, LOCAL_ACTOR)?)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                let issue = db.find_issue(project_list(project), fp.to_string()).await?;
                Ok(db
                    .assign(issue.id, user.map(str::to_string), LOCAL_ACTOR.into())
                    .await?)
            }),
            Target::Remote(api) => api.send(
                RouteId::Assign,
                &[fp],
                Some(json!({"user": user, "project": project})),
            ),
        }
    }

    /// Adds a note to an issue (1 to [`triage::MAX_NOTE_CHARS`] characters).
    pub fn add_note(
        &mut self,
        fp: &str,
        project: Option<&str>,
        text: &str,
    ) -> Result<triage::Note, OpsError> {
        triage::check_note(text)?;
        match self {
            Target::Local { conn, .. } => {
                let issue = local_issue(conn, project, fp)?;
                Ok(triage::add_note(conn, issue.id, text, LOCAL_ACTOR)?)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                let issue = db.find_issue(project_list(project), fp.to_string()).await?;
                Ok(db
                    .add_note(issue.id, text.to_string(), LOCAL_ACTOR.into())
                    .await?)
            }),
            Target::Remote(api) => api.send(
                RouteId::AddNote,
                &[fp],
                Some(json!({"text": text, "project": project})),
            ),
        }
    }

    /// An issue's timeline, newest first: status changes, assignment changes and notes.
    pub fn error_history(
        &mut self,
        fp: &str,
        project: Option<&str>,
    ) -> Result<Vec<triage::HistoryEntry>, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let issue = local_issue(conn, project, fp)?;
                Ok(triage::timeline(conn, issue.id)?)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                let issue = db.find_issue(project_list(project), fp.to_string()).await?;
                Ok(db.timeline(issue.id).await?)
            }),
            Target::Remote(api) => {
                api.get(RouteId::ErrorHistory, &[fp], &Self::project_query(project))
            }
        }
    }

    pub fn stats(&mut self, project: Option<&str>) -> Result<Stats, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let ps = project.map(|p| vec![p.to_string()]);
                Ok(issues::stats(conn, ps.as_deref(), now_ms())?)
            }
            Target::Shared { rt, db, .. } => {
                Ok(rt.block_on(db.stats(project_list(project), now_ms()))?)
            }
            Target::Remote(api) => api.get(RouteId::Stats, &[], &Self::project_query(project)),
        }
    }

    pub fn releases(&mut self, project: Option<&str>) -> Result<Vec<ReleaseSummary>, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                let ps = project.map(|p| vec![p.to_string()]);
                Ok(issues::releases(conn, ps.as_deref(), 100)?)
            }
            Target::Shared { rt, db, .. } => {
                Ok(rt.block_on(db.releases(project_list(project), 100))?)
            }
            Target::Remote(api) => {
                api.get(RouteId::ListReleases, &[], &Self::project_query(project))
            }
        }
    }

    /// One insight (`params`: project, hours, limit, environment, fingerprint), as the API
    /// answers it; locally from the rollup beside the database.
    pub fn analytics(
        &mut self,
        which: crate::analytics::Insight,
        params: &[(String, String)],
    ) -> Result<Value, OpsError> {
        use crate::analytics::Insight as I;
        let get = |k: &str| {
            params
                .iter()
                .find(|(n, v)| n == k && !v.is_empty())
                .map(|(_, v)| v.clone())
        };
        let ask = |config: &Config| {
            crate::analytics::parse_ask(
                &get,
                get("project").map(|p| vec![p]),
                now_ms(),
                config.analytics.zscore_threshold,
            )
        };
        let failed = |e| match e {
            crate::analytics::Error::Disabled(m) => OpsError::Invalid {
                field: "analytics".into(),
                message: m,
            },
            crate::analytics::Error::Failed(m) => OpsError::Store(StoreError::Pool(m)),
        };
        match self {
            Target::Local { conn, config } => {
                let ask = ask(config)?;
                crate::analytics::local(config, conn, which, &ask).map_err(failed)
            }
            Target::Shared { config, .. } => {
                let ask = ask(config)?;
                let url = config.database.postgres_url().unwrap_or_default();
                crate::analytics::shared(config, url, which, &ask).map_err(failed)
            }
            Target::Remote(api) => {
                let id = match which {
                    I::Spikes => RouteId::AnalyticsSpikes,
                    I::Movers => RouteId::AnalyticsMovers,
                    I::Correlations => RouteId::AnalyticsCorrelations,
                    I::Releases => RouteId::AnalyticsReleases,
                    I::Environments => RouteId::AnalyticsEnvironments,
                };
                api.get(id, &[], params)
            }
        }
    }

    pub fn projects(&mut self) -> Result<Vec<Project>, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(projects::list(conn, None)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.list_projects(None))?),
            Target::Remote(api) => api.get(RouteId::ListProjects, &[], &[]),
        }
    }

    pub fn project(&mut self, id: &str) -> Result<Project, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(projects::get(conn, id)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.project(id.to_string()))?),
            Target::Remote(api) => api.get(RouteId::ShowProject, &[id], &[]),
        }
    }

    pub fn create_project(
        &mut self,
        name: &str,
        slug: Option<&str>,
    ) -> Result<CreatedProject, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(projects::create_with_key(conn, name, slug)?),
            Target::Shared { rt, db, .. } => {
                Ok(rt.block_on(db.create_project(name.to_string(), slug.map(str::to_string)))?)
            }
            Target::Remote(api) => api.send(
                RouteId::CreateProject,
                &[],
                Some(json!({"name": name, "slug": slug})),
            ),
        }
    }

    pub fn rename_project(&mut self, id: &str, name: &str) -> Result<Project, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(projects::rename(conn, id, name)?),
            Target::Shared { rt, db, .. } => {
                Ok(rt.block_on(db.update_project(id.to_string(), Some(name.to_string()), None))?)
            }
            Target::Remote(api) => {
                api.send(RouteId::UpdateProject, &[id], Some(json!({ "name": name })))
            }
        }
    }

    pub fn delete_project(&mut self, id: &str) -> Result<Deleted, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(projects::delete(conn, id)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.delete_project(id.to_string()))?),
            Target::Remote(api) => api.send(RouteId::DeleteProject, &[id], None),
        }
    }

    /// Ingest keys (masked unless `reveal`), of one project or all.
    /// Stores one group of files (a bundle and its map, or a lone map) for `project`.
    pub fn sourcemaps_upload(
        &mut self,
        project: &str,
        release: &str,
        url_prefix: &str,
        files: Vec<crate::sourcemap::upload::File>,
    ) -> Result<crate::server::sourcemaps::Uploaded, OpsError> {
        use crate::sourcemap::{store as sm, upload};
        match self {
            Target::Local { conn, config } => {
                let paired = upload::pair(files, url_prefix)?;
                let limits = sm::Limits::from_config(&config.sourcemaps);
                let stored = sm::put(conn, project, release, &paired.uploads, limits, now_ms())?;
                Ok(crate::server::sourcemaps::Uploaded {
                    stored,
                    without_map: paired.without_map,
                })
            }
            Target::Shared { rt, db, config } => {
                let paired = upload::pair(files, url_prefix)?;
                let limits = sm::Limits::from_config(&config.sourcemaps);
                let stored = rt.block_on(db.put_sourcemaps(
                    project.to_string(),
                    release.to_string(),
                    paired.uploads,
                    limits,
                    now_ms(),
                ))?;
                Ok(crate::server::sourcemaps::Uploaded {
                    stored,
                    without_map: paired.without_map,
                })
            }
            Target::Remote(api) => {
                let (ct, body) = upload::build_multipart(&files);
                let q = [
                    ("project".to_string(), project.to_string()),
                    ("release".to_string(), release.to_string()),
                    ("url_prefix".to_string(), url_prefix.to_string()),
                ];
                api.call_raw(RouteId::UploadSourcemaps, &q, &ct, body)
            }
        }
    }

    /// A project's source maps, newest first.
    pub fn sourcemaps_list(
        &mut self,
        project: &str,
        release: Option<&str>,
    ) -> Result<Vec<crate::sourcemap::store::Stored>, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                projects::get(conn, project)?;
                Ok(crate::sourcemap::store::list(conn, project, release)?)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                db.project(project.to_string()).await?;
                Ok(db
                    .sourcemaps(project.to_string(), release.map(str::to_string))
                    .await?)
            }),
            Target::Remote(api) => {
                let mut q = vec![("project".to_string(), project.to_string())];
                if let Some(r) = release {
                    q.push(("release".to_string(), r.to_string()));
                }
                api.get(RouteId::ListSourcemaps, &[], &q)
            }
        }
    }

    /// Deletes one map by id, or every map of a release.
    pub fn sourcemaps_delete(
        &mut self,
        project: &str,
        id: Option<i64>,
        release: Option<&str>,
    ) -> Result<crate::server::sourcemaps::Deleted, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                projects::get(conn, project)?;
                Ok(crate::server::sourcemaps::Deleted {
                    deleted: crate::sourcemap::store::delete(conn, project, id, release)?,
                })
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                db.project(project.to_string()).await?;
                Ok(crate::server::sourcemaps::Deleted {
                    deleted: db
                        .delete_sourcemaps(project.to_string(), id, release.map(str::to_string))
                        .await?,
                })
            }),
            Target::Remote(api) => {
                let mut q = vec![("project".to_string(), project.to_string())];
                match (id, release) {
                    (Some(id), _) => Ok(api
                        .call(RouteId::DeleteSourcemap, &[&id.to_string()], &q, None)?
                        .0),
                    (None, r) => {
                        q.push(("release".to_string(), r.unwrap_or("").to_string()));
                        Ok(api.call(RouteId::DeleteReleaseSourcemaps, &[], &q, None)?.0)
                    }
                }
            }
        }
    }

    pub fn keys(&mut self, project: Option<&str>, reveal: bool) -> Result<Vec<KeyRow>, OpsError> {
        match self {
            Target::Local { conn, .. } => {
                if let Some(p) = project {
                    projects::get(conn, p)?;
                }
                let mut rows = keys::list(conn, project)?;
                if !reveal {
                    for k in &mut rows {
                        k.key = keys::mask(&k.key);
                    }
                }
                Ok(rows)
            }
            Target::Shared { rt, db, .. } => rt.block_on(async {
                if let Some(p) = project {
                    db.project(p.to_string()).await?;
                }
                let mut rows = db.keys(project.map(str::to_string)).await?;
                if !reveal {
                    for k in &mut rows {
                        k.key = keys::mask(&k.key);
                    }
                }
                Ok(rows)
            }),
            Target::Remote(api) => {
                let ids: Vec<String> = match project {
                    Some(p) => vec![p.to_string()],
                    None => api
                        .get::<Vec<Project>>(RouteId::ListProjects, &[], &[])?
                        .into_iter()
                        .map(|p| p.id)
                        .collect(),
                };
                let q = if reveal {
                    vec![("reveal".to_string(), "true".to_string())]
                } else {
                    vec![]
                };
                let mut out = Vec::new();
                for id in ids {
                    out.extend(api.get::<Vec<KeyRow>>(RouteId::ListKeys, &[&id], &q)?);
                }
                Ok(out)
            }
        }
    }

    /// Creates a key of `kind` (`ingest` or `dsn`; a DSN key comes back with its DSN).
    pub fn create_key(
        &mut self,
        project: &str,
        name: &str,
        kind: &str,
    ) -> Result<KeyRow, OpsError> {
        match self {
            Target::Local { conn, config } => {
                let mut k = keys::create_kind(conn, project, name, kind)?;
                keys::fill_dsn(conn, &mut k, &crate::alert::eval::public_url(config))?;
                Ok(k)
            }
            Target::Shared { rt, db, config } => Ok(rt.block_on(db.create_key(
                project.to_string(),
                name.to_string(),
                kind.to_string(),
                crate::alert::eval::public_url(config),
            ))?),
            Target::Remote(api) => api.send(
                RouteId::CreateKey,
                &[project],
                Some(json!({"name": name, "kind": kind})),
            ),
        }
    }

    pub fn rotate_key(&mut self, id: i64, grace_ms: i64) -> Result<keys::Rotated, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(keys::rotate(conn, id, grace_ms, None)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.rotate_key(id, grace_ms, None))?),
            Target::Remote(api) => api.send(
                RouteId::RotateKey,
                &[&id.to_string()],
                Some(json!({"grace": format!("{}s", grace_ms / 1000)})),
            ),
        }
    }

    pub fn revoke_key(&mut self, id: i64) -> Result<KeyRow, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(keys::revoke_at(conn, id, now_ms())?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.revoke_key(id, now_ms()))?),
            Target::Remote(api) => api.send(RouteId::RevokeKey, &[&id.to_string()], None),
        }
    }

    pub fn users(&mut self) -> Result<Vec<users::User>, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(users::list(conn)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.users())?),
            Target::Remote(api) => api.get(RouteId::ListUsers, &[], &[]),
        }
    }

    /// A user by id or name.
    pub fn user(&mut self, who: &str) -> Result<users::User, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(users::find(conn, who)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.find_user(who.to_string()))?),
            Target::Remote(_) => {
                let all = self.users()?;
                let by_id = who.parse::<i64>().ok();
                all.into_iter()
                    .find(|u| Some(u.id) == by_id || u.name.eq_ignore_ascii_case(who.trim()))
                    .ok_or_else(|| StoreError::NotFound(format!("no user `{who}`")).into())
            }
        }
    }

    pub fn invite(&mut self, role: users::Role, hours: u32) -> Result<users::InviteLink, OpsError> {
        match self {
            Target::Local { conn, config } => {
                let invite = users::create_invite(
                    conn,
                    role,
                    "cli",
                    i64::from(hours) * 3_600_000,
                    now_ms(),
                )?;
                let link = users::invite_link(&config.auth.rp_origin, &invite.token, false);
                Ok(users::InviteLink { link, invite })
            }
            Target::Shared { rt, db, config } => {
                let invite = rt.block_on(db.create_invite(
                    role,
                    "cli".into(),
                    i64::from(hours) * 3_600_000,
                    now_ms(),
                ))?;
                let link = users::invite_link(&config.auth.rp_origin, &invite.token, false);
                Ok(users::InviteLink { link, invite })
            }
            Target::Remote(api) => api.send(
                RouteId::CreateInvite,
                &[],
                Some(json!({"role": role, "expires_in_hours": hours})),
            ),
        }
    }

    pub fn set_user_role(&mut self, who: &str, role: users::Role) -> Result<users::User, OpsError> {
        let id = self.user(who)?.id;
        match self {
            Target::Local { conn, .. } => Ok(users::set_role(conn, id, role)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.set_user_role(id, role))?),
            Target::Remote(api) => api.send(
                RouteId::SetUserRole,
                &[&id.to_string()],
                Some(json!({"role": role})),
            ),
        }
    }

    pub fn remove_user(&mut self, who: &str) -> Result<users::User, OpsError> {
        let id = self.user(who)?.id;
        match self {
            Target::Local { conn, .. } => Ok(users::remove(conn, id)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.remove_user(id))?),
            Target::Remote(api) => api.send(RouteId::RemoveUser, &[&id.to_string()], None),
        }
    }

    pub fn tokens(&mut self) -> Result<Vec<Token>, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(tokens::list(conn, None)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.tokens(None))?),
            Target::Remote(api) => api.get(RouteId::ListTokens, &[], &[]),
        }
    }

    pub fn create_token(
        &mut self,
        name: &str,
        scopes: &[Scope],
        project: Option<&str>,
        expires_in_ms: Option<i64>,
    ) -> Result<CreatedToken, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(tokens::create(
                conn,
                name,
                scopes,
                project,
                expires_in_ms.map(|d| now_ms() + d),
            )?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.create_token(
                name.to_string(),
                scopes.to_vec(),
                project.map(str::to_string),
                expires_in_ms.map(|d| now_ms() + d),
            ))?),
            Target::Remote(api) => api.send(
                RouteId::CreateToken,
                &[],
                Some(json!({
                    "name": name,
                    "scopes": scopes,
                    "project": project,
                    "expires": expires_in_ms.map(|d| format!("{}s", d / 1000)),
                })),
            ),
        }
    }

    pub fn revoke_token(&mut self, id: i64) -> Result<Token, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(tokens::revoke(conn, id)?),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.revoke_token(id))?),
            Target::Remote(api) => api.send(RouteId::RevokeToken, &[&id.to_string()], None),
        }
    }

    pub fn prune(
        &mut self,
        days: Option<u32>,
        project: Option<&str>,
        dry_run: bool,
        progress: impl FnMut(i64),
    ) -> Result<PruneReport, OpsError> {
        match self {
            Target::Local { conn, config } => Ok(retention::prune(
                conn,
                &config.retention,
                &retention::PruneOptions {
                    days,
                    project,
                    dry_run,
                },
                progress,
            )?),
            Target::Shared { rt, db, config } => {
                let Db::Postgres(pg) = db else {
                    return Err(shared_unsupported("prune"));
                };
                let opts = retention::PruneOptions {
                    days,
                    project,
                    dry_run,
                };
                Ok(rt.block_on(crate::store::pg::retention::prune(
                    pg,
                    &config.retention,
                    &opts,
                    progress,
                ))?)
            }
            Target::Remote(api) => api.send(
                RouteId::Purge,
                &[],
                Some(json!({"days": days, "project": project, "dry_run": dry_run})),
            ),
        }
    }
}

/// A rule's values, then whether its channels could deliver from a server with `config` (the
/// checks the API makes, [`crate::alert::check_deliverable`]).
fn check_rule(rule: &crate::alert::NewRule, config: &Config) -> Result<(), OpsError> {
    rule.validate()?;
    block_on(crate::alert::check_deliverable(rule, config))??;
    Ok(())
}

/// `project` as the list of projects a store query takes (None: every project).
fn project_list(project: Option<&str>) -> Option<Vec<String>> {
    project.map(|p| vec![p.to_string()])
}

/// Sends a test alert through each of `rule`'s channels (logged in `db`'s delivery log) and
/// reports each outcome.
async fn send_test_alert(
    rule: crate::alert::Rule,
    config: &Config,
    db: store::Db,
) -> Result<serde_json::Value, OpsError> {
    let channels = crate::alert::eval::channels_for(&rule, config);
    if channels.is_empty() {
        return Err(OpsError::Invalid {
            field: "channels".into(),
            message: "this rule has no channels, and BLOOP_SLACK_WEBHOOK_URL / \
                      BLOOP_WEBHOOK_URL are unset"
                .into(),
        });
    }
    let sender = crate::alert::deliver::Sender::new(config, db);
    let alert = crate::alert::eval::test_alert(&rule, config);
    let mut outcomes = Vec::new();
    for channel in channels {
        let o = crate::alert::deliver::Outgoing {
            rule_id: Some(rule.id),
            channel,
            alerts: vec![alert.clone()],
        };
        outcomes.push(sender.deliver(&o).await);
    }
    Ok(json!({"rule_id": rule.id, "ok": outcomes.iter().all(|o| o.ok), "outcomes": outcomes}))
}

/// The refusal of a data command not yet written for PostgreSQL.
fn shared_unsupported(what: &str) -> OpsError {
    OpsError::Store(StoreError::Unsupported(format!(
        "`{what}` is not available on PostgreSQL yet: run it with --url against a server, or \
         on a SQLite database"
    )))
}

/// A runtime for a command's own use (local commands are synchronous).
fn runtime() -> Result<tokio::runtime::Runtime, OpsError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| OpsError::Invalid {
            field: "runtime".into(),
            message: e.to_string(),
        })
}

/// Runs `f` to completion on a runtime of its own.
fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, OpsError> {
    Ok(runtime()?.block_on(f))
}

/// Alert rules, for `bloop alerts`.
impl Target {
    pub fn alerts(&mut self) -> Result<Vec<crate::alert::Rule>, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(crate::alert::list(conn, None)?
                .iter()
                .map(crate::alert::Rule::masked)
                .collect()),
            Target::Shared { rt, db, .. } => Ok(rt
                .block_on(db.alert_rules(None))?
                .iter()
                .map(crate::alert::Rule::masked)
                .collect()),
            Target::Remote(api) => api.get(RouteId::ListAlerts, &[], &[]),
        }
    }

    pub fn create_alert(
        &mut self,
        rule: &crate::alert::NewRule,
    ) -> Result<crate::alert::Rule, OpsError> {
        match self {
            Target::Local { conn, config } => {
                check_rule(rule, config)?;
                Ok(crate::alert::create(conn, rule)?.masked())
            }
            Target::Shared { rt, db, config } => rt.block_on(async {
                rule.validate()?;
                crate::alert::check_deliverable(rule, config).await?;
                Ok(db.create_alert_rule(rule.clone()).await?.masked())
            }),
            Target::Remote(api) => {
                api.send(RouteId::CreateAlert, &[], serde_json::to_value(rule).ok())
            }
        }
    }

    /// Changes the fields of rule `id` that `patch` (a JSON object of rule fields) gives, as
    /// `PATCH /v1/alerts/{id}` does.
    pub fn update_alert(
        &mut self,
        id: i64,
        patch: &serde_json::Value,
    ) -> Result<crate::alert::Rule, OpsError> {
        match self {
            Target::Local { conn, config } => {
                let rule = crate::alert::get(conn, id)?.patched(patch)?;
                check_rule(&rule, config)?;
                Ok(crate::alert::update(conn, id, &rule)?.masked())
            }
            Target::Shared { rt, db, config } => rt.block_on(async {
                let rule = db.alert_rule(id).await?.patched(patch)?;
                rule.validate()?;
                crate::alert::check_deliverable(&rule, config).await?;
                Ok(db.update_alert_rule(id, rule).await?.masked())
            }),
            Target::Remote(api) => api.send(
                RouteId::UpdateAlert,
                &[&id.to_string()],
                Some(patch.clone()),
            ),
        }
    }

    pub fn set_alert_enabled(&mut self, id: i64, on: bool) -> Result<crate::alert::Rule, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(crate::alert::set_enabled(conn, id, on)?.masked()),
            Target::Shared { rt, db, .. } => {
                Ok(rt.block_on(db.set_alert_rule_enabled(id, on))?.masked())
            }
            Target::Remote(api) => api.send(
                if on {
                    RouteId::EnableAlert
                } else {
                    RouteId::DisableAlert
                },
                &[&id.to_string()],
                None,
            ),
        }
    }

    pub fn delete_alert(&mut self, id: i64) -> Result<crate::alert::Rule, OpsError> {
        match self {
            Target::Local { conn, .. } => Ok(crate::alert::delete(conn, id)?.masked()),
            Target::Shared { rt, db, .. } => Ok(rt.block_on(db.delete_alert_rule(id))?.masked()),
            Target::Remote(api) => api.send(RouteId::DeleteAlert, &[&id.to_string()], None),
        }
    }

    /// Sends a test alert through the rule's channels; remote servers send it themselves.
    pub fn test_alert(&mut self, id: i64) -> Result<serde_json::Value, OpsError> {
        match self {
            Target::Local { conn, config } => {
                let rule = crate::alert::get(conn, id)?;
                let path = config.database.path.clone();
                let config = config.clone();
                runtime()?.block_on(async move {
                    let db = store::Db::Sqlite(store::pool(&path, 1)?);
                    send_test_alert(rule, &config, db).await
                })
            }
            Target::Shared { rt, db, config } => rt.block_on(async {
                let rule = db.alert_rule(id).await?;
                send_test_alert(rule, config, db.clone()).await
            }),
            Target::Remote(api) => api.send(RouteId::TestAlert, &[&id.to_string()], None),
        }
    }
}
