//! LLM query API: overview, usage over time, latency and TTFT percentiles, models, tools, prompts
//! and their comparison, budgets. Each handler hands the request's parameters to its query in
//! `store::llm_usage` through `server::llm::read` / `write` (scope, toggle, projects); the
//! handlers need the `llm-tracing` feature, the OpenAPI schemas of these routes are in every
//! build.

use schemars::SchemaGenerator;
use serde_json::{json, Value};

use super::openapi::sch;
use super::routes::RouteId;
use crate::store::llm_usage::{
    Budget, BudgetBody, Comparison, ModelLatency, ModelRow, Overview, PromptRow, ToolRow, Usage,
};

#[cfg(feature = "llm-tracing")]
pub use on::*;

#[cfg(feature = "llm-tracing")]
mod on {
    use std::collections::HashMap;

    use axum::body::Bytes;
    use axum::extract::{Path, Query, State};
    use axum::Json;

    use crate::server::auth::Caller;
    use crate::server::error::{json_body, ApiError};
    use crate::server::llm::{read, with_body_project, write};
    use crate::server::AppState;
    use crate::store::llm_usage::{self as q, *};
    use crate::store::pg::llm_usage as pgq;

    type Raw = Query<HashMap<String, String>>;

    pub async fn overview(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Overview>, ApiError> {
        read(&st, &caller, raw, q::overview, pgq::overview).await
    }

    pub async fn usage(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Usage>, ApiError> {
        read(&st, &caller, raw, q::usage, pgq::usage).await
    }

    pub async fn latency(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Vec<ModelLatency>>, ApiError> {
        read(&st, &caller, raw, q::latency, pgq::latency).await
    }

    pub async fn models(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Vec<ModelRow>>, ApiError> {
        read(&st, &caller, raw, q::models, pgq::models).await
    }

    pub async fn tools(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Vec<ToolRow>>, ApiError> {
        read(&st, &caller, raw, q::tools, pgq::tools).await
    }

    pub async fn prompts(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Vec<PromptRow>>, ApiError> {
        read(&st, &caller, raw, q::prompts, pgq::prompts).await
    }

    pub async fn compare(
        State(st): State<AppState>,
        caller: Caller,
        Path(name): Path<String>,
        Query(raw): Raw,
    ) -> Result<Json<Comparison>, ApiError> {
        let name2 = name.clone();
        read(
            &st,
            &caller,
            raw,
            move |c, p| q::compare(c, p, &name),
            move |pg, p| pgq::compare(pg, p, name2),
        )
        .await
    }

    pub async fn budget(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Vec<Budget>>, ApiError> {
        read(&st, &caller, raw, q::budgets, pgq::budgets).await
    }

    /// The body's project joins `project=` ([`with_body_project`]), so a pinned token is held
    /// to its own project exactly as on reads.
    pub async fn set_budget(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
        body: Bytes,
    ) -> Result<Json<Budget>, ApiError> {
        let b: BudgetBody = json_body(&body)?;
        let Some(monthly_usd) = b.monthly_usd else {
            return Err(ApiError::bad_request(
                "missing_field",
                format!("monthly_usd: {MONTHLY_USD_REQUIRED}"),
            )
            .field("monthly_usd"));
        };
        let raw = with_body_project(raw, b.project.as_deref())?;
        let enforce = b.enforce;
        let budget = write(
            &st,
            &caller,
            raw,
            move |c, p| q::set_budget(c, p, monthly_usd, enforce),
            move |pg, p| pgq::set_budget(pg, p, monthly_usd, enforce),
        )
        .await?;
        // The proxy checks the new budget from its next call on.
        if let Some(q) = &st.pipeline.llm {
            q.spend.forget(&budget.project);
        }
        Ok(Json(budget))
    }
}

/// (request body, success body) of this module's routes.
pub fn schemas(id: RouteId, g: &mut SchemaGenerator) -> (Option<Value>, Value) {
    use RouteId as R;
    match id {
        R::LlmOverview => (None, sch::<Overview>(g)),
        R::LlmUsage => (None, sch::<Usage>(g)),
        R::LlmLatency => (None, sch::<Vec<ModelLatency>>(g)),
        R::LlmModels => (None, sch::<Vec<ModelRow>>(g)),
        R::LlmTools => (None, sch::<Vec<ToolRow>>(g)),
        R::LlmPrompts => (None, sch::<Vec<PromptRow>>(g)),
        R::LlmCompare => (None, sch::<Comparison>(g)),
        R::LlmBudget => (None, sch::<Vec<Budget>>(g)),
        R::LlmSetBudget => (Some(sch::<BudgetBody>(g)), sch::<Budget>(g)),
        _ => (None, json!({})),
    }
}
