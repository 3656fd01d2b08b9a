//! `POST /v1/ingest` and `POST /v1/ingest/batch`: read the body under its cap, authenticate the
//! signature, rate-limit the client, validate, fingerprint, and hand off to the pipeline.
//! Nothing here touches the database.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower_http::cors::{Any, CorsLayer};

use super::error::ApiError;
use super::AppState;
use crate::event::{self, Event};
use crate::fingerprint;
use crate::pipeline::{Accepted, DropReason, Submit};
use crate::store::now_ms;

pub fn router() -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            "x-signature".parse().expect("static header name"),
            "x-project-key".parse().expect("static header name"),
        ])
        .max_age(Duration::from_secs(86400));
    Router::new()
        // The explicit OPTIONS route keeps preflights inside the CORS layer (which answers them)
        // instead of reaching the router's 405 fallback.
        .route("/v1/ingest", post(ingest_one).options(preflight))
        .route("/v1/ingest/batch", post(ingest_batch).options(preflight))
        .layer(cors)
}

async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Reads the whole body, refusing it (413) once it passes `limit` bytes and cutting off a client
/// that stalls (408), so a slow or huge request never holds the server.
pub async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, ApiError> {
    let too_large = |size: Option<u64>| {
        let msg = match size {
            Some(s) => format!("request body is {s} bytes, over the limit of {limit}"),
            None => format!("request body is over the limit of {limit} bytes"),
        };
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", msg)
            .field("body")
            .limit(limit as u64)
    };
    if let Some(len) = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limit as u64 {
            return Err(too_large(Some(len)));
        }
    }
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "the request body did not arrive in time",
        )),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                Err(too_large(None))
            } else {
                Err(ApiError::bad_request(
                    "bad_body",
                    "the request body could not be read",
                ))
            }
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Outcome of the part both endpoints share.
enum Gate {
    Proceed(Arc<str>),
    RateLimited,
}

fn gate(
    st: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Gate, ApiError> {
    let project = st
        .keys
        .authenticate(
            bytes,
            header(headers, "x-signature"),
            header(headers, "x-project-key"),
            now_ms(),
        )
        .map_err(|e| ApiError::unauthorized(e.code(), e.to_string()))?;
    let ip = st.limiter.client_ip(peer, headers);
    if !st.limiter.allow(ip) {
        return Ok(Gate::RateLimited);
    }
    Ok(Gate::Proceed(project))
}

fn accept(project: &Arc<str>, event: Event, received_at: i64) -> Accepted {
    let fingerprint = match &event.fingerprint {
        Some(f) => f.clone(),
        None => fingerprint::compute(
            &event.source,
            &event.error_type,
            event.route_or_procedure.as_deref().unwrap_or(""),
            &event.message,
            event.stack.as_deref(),
        ),
    };
    Accepted {
        project_id: project.clone(),
        fingerprint,
        received_at,
        event,
    }
}

async fn submit(st: &AppState, items: Vec<Accepted>) -> Result<(), ApiError> {
    match st.pipeline.submit(items, st.enqueue_wait).await {
        Submit::Queued | Submit::Dropped => Ok(()),
        Submit::Closed => Err(ApiError::unavailable("server is shutting down; retry")),
    }
}

async fn ingest_one(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let caps = &st.config.ingest;
    let bytes = read_body(body, &headers, caps.max_payload_bytes, st.request_timeout).await?;
    let gate = gate(&st, peer, &headers, &bytes)?;
    // Validate before looking at the rate: bad input is refused either way.
    let event = event::parse_event(&bytes, caps)?;
    let project = match gate {
        Gate::Proceed(p) => p,
        Gate::RateLimited => {
            st.pipeline.stats.record_drop(DropReason::RateLimited, 1);
            return Ok(Json(json!({"status": "accepted"})));
        }
    };
    submit(&st, vec![accept(&project, event, now_ms())]).await?;
    Ok(Json(json!({"status": "accepted"})))
}

async fn ingest_batch(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let caps = &st.config.ingest;
    let limit = caps.max_payload_bytes.saturating_mul(caps.max_batch_size);
    let bytes = read_body(body, &headers, limit, st.request_timeout).await?;
    let gate = gate(&st, peer, &headers, &bytes)?;
    // Validate before looking at the rate: a bad batch is refused either way.
    let events = event::parse_batch(&bytes, caps)?;
    let n = events.len();
    let project = match gate {
        Gate::Proceed(p) => p,
        Gate::RateLimited => {
            st.pipeline
                .stats
                .record_drop(DropReason::RateLimited, n as u64);
            return Ok(Json(json!({"status": "accepted", "accepted": n})));
        }
    };
    let now = now_ms();
    let items = events
        .into_iter()
        .map(|e| accept(&project, e, now))
        .collect();
    submit(&st, items).await?;
    Ok(Json(json!({"status": "accepted", "accepted": n})))
}
