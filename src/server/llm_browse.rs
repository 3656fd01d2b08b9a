//! LLM query API: traces (list, detail with the span tree, search), sessions, scores, feedback,
//! export. Handlers with the `llm-tracing` feature (each one call on `store::llm_browse`, the
//! query the CLI runs too, or its PostgreSQL twin `store::pg::llm_browse`); the OpenAPI schemas
//! of these routes in every build.

use schemars::SchemaGenerator;
use serde_json::{json, Value};

use super::routes::RouteId;

#[cfg(feature = "llm-tracing")]
pub use on::*;

#[cfg(feature = "llm-tracing")]
mod on {
    use std::collections::HashMap;

    use axum::body::Bytes;
    use axum::extract::{Path, Query, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::Json;
    use serde_json::Value;

    use crate::server::auth::Caller;
    use crate::server::error::{json_body, ApiError};
    use crate::server::llm::{read, read_paged, write, WithStatus};
    use crate::server::AppState;
    use crate::store::llm_browse::{
        self as q, Feedback, FeedbackSummary, Score, ScoreSummary, SessionDetail, SessionRow,
        TraceDetail, TraceRow,
    };
    use crate::store::pg::llm_browse as pgq;

    type Raw = Query<HashMap<String, String>>;
    type Paged<T> = Result<(HeaderMap, Json<Vec<T>>), ApiError>;

    /// A POST body as any JSON value (the store checks and names its fields); text that is not
    /// JSON is a 400 naming `body`.
    fn any_json(body: &Bytes) -> Result<Value, ApiError> {
        json_body(body).map_err(|e| e.field("body"))
    }

    pub async fn traces(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Paged<TraceRow> {
        read_paged(&st, &caller, raw, q::traces, pgq::traces).await
    }

    pub async fn search(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Paged<TraceRow> {
        read_paged(&st, &caller, raw, q::search, pgq::search).await
    }

    pub async fn trace(
        State(st): State<AppState>,
        caller: Caller,
        Path(id): Path<String>,
        Query(raw): Raw,
    ) -> Result<Json<TraceDetail>, ApiError> {
        let id2 = id.clone();
        read(
            &st,
            &caller,
            raw,
            move |c, p| q::trace(c, p, &id),
            move |pg, p| pgq::trace(pg, p, id2),
        )
        .await
    }

    pub async fn sessions(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Paged<SessionRow> {
        read_paged(&st, &caller, raw, q::sessions, pgq::sessions).await
    }

    pub async fn session(
        State(st): State<AppState>,
        caller: Caller,
        Path(id): Path<String>,
        Query(raw): Raw,
    ) -> Result<Json<SessionDetail>, ApiError> {
        let id2 = id.clone();
        read(
            &st,
            &caller,
            raw,
            move |c, p| q::session(c, p, &id),
            move |pg, p| pgq::session(pg, p, id2),
        )
        .await
    }

    pub async fn scores(
        State(st): State<AppState>,
        caller: Caller,
        Path(id): Path<String>,
        Query(raw): Raw,
    ) -> Result<Json<Vec<Score>>, ApiError> {
        let id2 = id.clone();
        read(
            &st,
            &caller,
            raw,
            move |c, p| q::scores(c, p, &id),
            move |pg, p| pgq::scores(pg, p, id2),
        )
        .await
    }

    pub async fn add_score(
        State(st): State<AppState>,
        caller: Caller,
        Path(id): Path<String>,
        Query(raw): Raw,
        body: Bytes,
    ) -> Result<WithStatus<Score>, ApiError> {
        let body = any_json(&body)?;
        let (id2, body2) = (id.clone(), body.clone());
        let s = write(
            &st,
            &caller,
            raw,
            move |c, p| q::add_score(c, p, &id, &body),
            move |pg, p| pgq::add_score(pg, p, id2, body2),
        )
        .await?;
        Ok(WithStatus(StatusCode::CREATED, s))
    }

    pub async fn score_summary(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Vec<ScoreSummary>>, ApiError> {
        read(&st, &caller, raw, q::score_summary, pgq::score_summary).await
    }

    pub async fn add_feedback(
        State(st): State<AppState>,
        caller: Caller,
        Path(id): Path<String>,
        Query(raw): Raw,
        body: Bytes,
    ) -> Result<WithStatus<Feedback>, ApiError> {
        let body = any_json(&body)?;
        let (id2, body2) = (id.clone(), body.clone());
        let f = write(
            &st,
            &caller,
            raw,
            move |c, p| q::add_feedback(c, p, &id, &body),
            move |pg, p| pgq::add_feedback(pg, p, id2, body2),
        )
        .await?;
        Ok(WithStatus(StatusCode::CREATED, f))
    }

    pub async fn feedback(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<FeedbackSummary>, ApiError> {
        read(
            &st,
            &caller,
            raw,
            q::feedback_summary,
            pgq::feedback_summary,
        )
        .await
    }

    pub async fn export(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Raw,
    ) -> Result<Json<Value>, ApiError> {
        read(&st, &caller, raw, q::export, pgq::export).await
    }
}

/// The export document: LangSmith runs or an OTLP/JSON request (written out: its shape depends
/// on `format`).
fn export_schema() -> Value {
    let s = json!({"type": "string"});
    let ns = json!({"type": "string", "description": "Unix time in nanoseconds"});
    let run = json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "name": s,
        "run_type": {"type": "string", "description": "chain (the trace) | llm | tool | retriever | embedding"},
        "start_time": {"type": "string", "format": "date-time"},
        "end_time": {"type": ["string", "null"], "format": "date-time"},
        "inputs": {"type": "object"}, "outputs": {"type": "object"},
        "error": {"type": ["string", "null"]},
        "status": {"enum": ["success", "error", "pending"]},
        "trace_id": {"type": "string", "format": "uuid"},
        "parent_run_id": {"type": ["string", "null"], "format": "uuid"},
        "dotted_order": {"type": "string", "description": "per run from the root: YYYYMMDDTHHMMSSffffffZ + id, joined by '.'"},
        "child_run_ids": {"type": "array", "items": s},
        "session_name": s,
        "extra": {"type": "object", "properties": {"metadata": {"type": "object"}}},
        "tags": {"type": "array", "items": s},
        "prompt_tokens": {"type": "integer"}, "completion_tokens": {"type": "integer"},
        "total_tokens": {"type": "integer"},
        "total_cost": {"type": ["number", "null"], "description": "USD; null: unpriced"},
        "first_token_time": {"type": ["string", "null"], "format": "date-time"},
    }});
    let kv = json!({"type": "object", "properties": {"key": s, "value": {"type": "object"}}});
    let span = json!({"type": "object", "properties": {
        "traceId": {"type": "string", "description": "32 hex digits"},
        "spanId": {"type": "string", "description": "16 hex digits"},
        "parentSpanId": {"type": "string"}, "name": s, "kind": {"type": "integer"},
        "startTimeUnixNano": ns, "endTimeUnixNano": ns,
        "attributes": {"type": "array", "items": kv},
        "status": {"type": "object", "properties": {"code": {"type": "integer"}, "message": s}},
    }});
    json!({"oneOf": [
        {"title": "LangSmith runs (format=langsmith)", "type": "object", "required": ["runs"],
         "properties": {"runs": {"type": "array", "items": run}}},
        {"title": "OTLP/JSON ExportTraceServiceRequest (format=otlp)", "type": "object",
         "required": ["resourceSpans"], "properties": {"resourceSpans": {"type": "array", "items": {
            "type": "object", "properties": {
                "resource": {"type": "object", "properties": {"attributes": {"type": "array", "items": kv}}},
                "scopeSpans": {"type": "array", "items": {"type": "object", "properties": {
                    "scope": {"type": "object"}, "spans": {"type": "array", "items": span}}}}}}}}},
    ]})
}

/// (request body, success body) of this module's routes.
pub fn schemas(id: RouteId, g: &mut SchemaGenerator) -> (Option<Value>, Value) {
    use super::openapi::sch;
    use crate::store::llm_browse as q;
    use RouteId as R;
    match id {
        R::LlmTraces | R::LlmSearch => (None, sch::<Vec<q::TraceRow>>(g)),
        R::LlmTrace => (None, sch::<q::TraceDetail>(g)),
        R::LlmSessions => (None, sch::<Vec<q::SessionRow>>(g)),
        R::LlmSession => (None, sch::<q::SessionDetail>(g)),
        R::LlmScores => (None, sch::<Vec<q::Score>>(g)),
        R::LlmAddScore => (Some(sch::<q::NewScore>(g)), sch::<q::Score>(g)),
        R::LlmScoreSummary => (None, sch::<Vec<q::ScoreSummary>>(g)),
        R::LlmAddFeedback => (Some(sch::<q::NewFeedback>(g)), sch::<q::Feedback>(g)),
        R::LlmFeedback => (None, sch::<q::FeedbackSummary>(g)),
        R::LlmExport => (None, export_schema()),
        _ => (None, json!({})),
    }
}
