//! The LLM queries on PostgreSQL as the CLI reaches them on a shared database (`bloop llm …`
//! with `database.url`): the route it would call on a server, its parameters and body, answered
//! with the JSON the route would answer (and the total of a paged list). The typed queries live
//! in `llm_browse`, `llm_usage` and `llm_admin` of this module's parent; the server's handlers
//! call those directly.

use serde_json::Value;

use super::Pg;
use crate::config::ContentStorage;
use crate::server::routes::RouteId;
use crate::store::llm_query::LlmParams;
use crate::store::StoreError;

/// What one route call needs besides the database.
pub struct Call {
    pub id: RouteId,
    /// The route's path parameters (a trace id, a prompt name).
    pub path: Vec<String>,
    pub params: LlmParams,
    pub body: Option<Value>,
    /// The configured content policy (`llm_tracing.default_content_storage`).
    pub default_policy: ContentStorage,
}

/// An answer: the body, and for a paged list its total.
pub type Answer = (Value, Option<i64>);

/// Answers `call` on PostgreSQL.
pub async fn call(pg: &Pg, call: Call) -> Result<Answer, StoreError> {
    let call = match super::llm_browse::route(pg, call).await {
        Ok(answer) => return answer,
        Err(call) => call,
    };
    let call = match super::llm_usage::route(pg, call).await {
        Ok(answer) => return answer,
        Err(call) => call,
    };
    let call = match super::llm_admin::route(pg, call).await {
        Ok(answer) => return answer,
        Err(call) => call,
    };
    Err(StoreError::Unsupported(format!(
        "{:?} is not available on PostgreSQL yet; use a SQLite database (database.path) for it",
        call.id
    )))
}

/// A typed answer as JSON.
pub fn json<T: serde::Serialize>(v: T) -> Result<Answer, StoreError> {
    Ok((
        serde_json::to_value(v).map_err(|e| StoreError::Unsupported(e.to_string()))?,
        None,
    ))
}

/// A page of rows as JSON with its total.
pub fn page<T: serde::Serialize>((rows, total): (Vec<T>, i64)) -> Result<Answer, StoreError> {
    Ok((json(rows)?.0, Some(total)))
}
