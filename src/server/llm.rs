//! The LLM query API (`/v1/llm/…`): what every handler shares (the scope check, the project a
//! caller may read, the parameters, running the store query on a pooled connection), and the
//! route → handler map. The queries themselves live in `store::llm_usage` (overview, usage,
//! latency, models, tools, prompts, budget), `store::llm_browse` (traces, search, sessions,
//! scores, feedback, export) and `store::llm_admin` (settings, prices); the handlers in the
//! server modules of the same names.
//!
//! While LLM tracing is off (`llm_tracing.enabled = false`, or a build without the feature)
//! every route answers 404 `llm_tracing_disabled`.

use axum::routing::MethodRouter;

use super::routes::RouteId;
use super::AppState;

#[cfg(feature = "llm-tracing")]
pub use on::{read, read_paged, with_body_project, write, WithStatus};

#[cfg(feature = "llm-tracing")]
mod on {
    use std::collections::HashMap;

    use super::*;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::Json;
    use rusqlite::Connection;
    use std::future::Future;

    use crate::store::pg::Pg;

    use crate::server::auth::Caller;
    use crate::server::error::ApiError;
    use crate::server::traces::disabled;
    use crate::store::llm_query::LlmParams;
    use crate::store::tokens::Scope;
    use crate::store::{now_ms, StoreError};

    /// A JSON answer with a status (201 for a created score).
    pub struct WithStatus<T>(pub StatusCode, pub T);

    impl<T: serde::Serialize> IntoResponse for WithStatus<T> {
        fn into_response(self) -> Response {
            (self.0, Json(self.1)).into_response()
        }
    }

    fn params(
        st: &AppState,
        caller: &Caller,
        scope: Scope,
        mut raw: HashMap<String, String>,
    ) -> Result<LlmParams, ApiError> {
        if !st.config.llm_tracing.enabled {
            return Err(disabled());
        }
        caller.require(scope)?;
        if let Some(p) = raw.remove("project_id") {
            raw.entry("project".into()).or_insert(p);
        }
        let requested = raw.get("project").filter(|p| !p.is_empty()).cloned();
        let projects = caller.projects(requested.as_deref())?;
        Ok(LlmParams::new(raw, projects, now_ms()))
    }

    /// A write's body may name its project: it joins the query's `project` (the two must
    /// agree), so the caller's pin decides exactly as for a read.
    pub fn with_body_project(
        mut raw: HashMap<String, String>,
        project: Option<&str>,
    ) -> Result<HashMap<String, String>, ApiError> {
        let Some(p) = project.filter(|p| !p.is_empty()) else {
            return Ok(raw);
        };
        if raw.get("project").is_some_and(|q| !q.is_empty() && q != p) {
            return Err(ApiError::bad_request(
                "invalid_field",
                "project: the body and the query name different projects",
            )
            .field("project"));
        }
        raw.insert("project".into(), p.to_string());
        Ok(raw)
    }

    /// Runs a read query for `caller` (scope `llm:read`) with the request's parameters: `lite`
    /// on SQLite, `pg` on PostgreSQL.
    pub async fn read<T, F, G, Fut>(
        st: &AppState,
        caller: &Caller,
        raw: HashMap<String, String>,
        lite: F,
        pg: G,
    ) -> Result<Json<T>, ApiError>
    where
        F: FnOnce(&Connection, &LlmParams) -> Result<T, StoreError> + Send + 'static,
        G: FnOnce(Pg, LlmParams) -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
        T: Send + 'static,
    {
        let p = params(st, caller, Scope::LlmRead, raw)?;
        Ok(Json(st.db.llm(p, move |c, p| lite(c, p), pg).await?))
    }

    /// A paged list: the rows, with `X-Total-Count` and (when more follow) `X-Next-Offset`;
    /// the query answers (rows, total) for the request's `offset`.
    pub async fn read_paged<T, F, G, Fut>(
        st: &AppState,
        caller: &Caller,
        raw: HashMap<String, String>,
        lite: F,
        pg: G,
    ) -> Result<(axum::http::HeaderMap, Json<Vec<T>>), ApiError>
    where
        F: FnOnce(&Connection, &LlmParams) -> Result<(Vec<T>, i64), StoreError> + Send + 'static,
        G: FnOnce(Pg, LlmParams) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, i64), StoreError>>,
        T: Send + 'static,
    {
        use axum::http::{HeaderMap, HeaderValue};
        let p = params(st, caller, Scope::LlmRead, raw)?;
        let offset = p.u32_in("offset", 0, u32::MAX, 0)? as i64;
        let (rows, total) = st.db.llm(p, move |c, p| lite(c, p), pg).await?;
        let mut headers = HeaderMap::new();
        headers.insert("x-total-count", HeaderValue::from(total));
        let next = offset + rows.len() as i64;
        if next < total {
            headers.insert("x-next-offset", HeaderValue::from(next));
        }
        Ok((headers, Json(rows)))
    }

    /// Runs a write (scope `llm:write`) with the request's parameters; `lite` gets a mutable
    /// connection for its transaction.
    pub async fn write<T, F, G, Fut>(
        st: &AppState,
        caller: &Caller,
        raw: HashMap<String, String>,
        lite: F,
        pg: G,
    ) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Connection, &LlmParams) -> Result<T, StoreError> + Send + 'static,
        G: FnOnce(Pg, LlmParams) -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
        T: Send + 'static,
    {
        let p = params(st, caller, Scope::LlmWrite, raw)?;
        Ok(st.db.llm(p, lite, pg).await?)
    }
}

/// The handler of an LLM query route.
#[cfg(feature = "llm-tracing")]
pub fn handler(id: RouteId) -> MethodRouter<AppState> {
    use axum::routing::{delete, get, post, put};

    use super::{llm_admin, llm_browse, llm_usage};
    use RouteId as R;
    match id {
        R::LlmOverview => get(llm_usage::overview),
        R::LlmUsage => get(llm_usage::usage),
        R::LlmLatency => get(llm_usage::latency),
        R::LlmModels => get(llm_usage::models),
        R::LlmTools => get(llm_usage::tools),
        R::LlmPrompts => get(llm_usage::prompts),
        R::LlmCompare => get(llm_usage::compare),
        R::LlmBudget => get(llm_usage::budget),
        R::LlmSetBudget => put(llm_usage::set_budget),
        R::LlmTraces => get(llm_browse::traces),
        R::LlmTrace => get(llm_browse::trace),
        R::LlmSearch => get(llm_browse::search),
        R::LlmSessions => get(llm_browse::sessions),
        R::LlmSession => get(llm_browse::session),
        R::LlmScores => get(llm_browse::scores),
        R::LlmAddScore => post(llm_browse::add_score),
        R::LlmScoreSummary => get(llm_browse::score_summary),
        R::LlmAddFeedback => post(llm_browse::add_feedback),
        R::LlmFeedback => get(llm_browse::feedback),
        R::LlmExport => get(llm_browse::export),
        R::LlmSettings => get(llm_admin::settings),
        R::LlmPutSettings => put(llm_admin::put_settings),
        R::LlmPrices => get(llm_admin::prices),
        R::LlmSetPrice => put(llm_admin::set_price),
        R::LlmDeletePrice => delete(llm_admin::delete_price),
        other => unreachable!("{other:?} is not an LLM query route"),
    }
}

/// Without the feature every LLM query route answers 404 `llm_tracing_disabled`.
#[cfg(not(feature = "llm-tracing"))]
pub fn handler(id: RouteId) -> MethodRouter<AppState> {
    use axum::routing::{on, MethodFilter};
    let method = super::routes::route(id).verb.method();
    let filter = MethodFilter::try_from(method).expect("the table's verbs are filterable");
    on(filter, || async { super::traces::disabled() })
}
