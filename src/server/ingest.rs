//! The HTTP side of bloop's ingest: the routes for `POST /v1/ingest` and `/v1/ingest/batch`
//! (CORS included), reading bodies under the caps and deadlines, and answering what the
//! protocol adapter ([`crate::ingest::bloop`]) decided, mapped to statuses and JSON errors.
//!
//! Most requests reach the adapter through the lean HTTP/1.1 loop in [`super::http1`]; the axum
//! routes below serve the rest (HTTP/1.0, chunked bodies, `Expect: 100-continue`, CORS
//! preflights) and read the body under the same cap and deadline.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use http_body_util::BodyExt;
use tower_http::cors::{Any, CorsLayer};

use super::error::ApiError;
use super::AppState;
pub use crate::ingest::bloop::{Endpoint, Request};
use crate::ingest::{self, IngestError};

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Auth(a) => ApiError::unauthorized(a.code(), a.to_string()),
            IngestError::Invalid(v) => v.into(),
            IngestError::ShuttingDown => ApiError::unavailable(e.to_string()),
        }
    }
}

/// The adapter's view of the server, for one request.
fn context(st: &AppState) -> ingest::Context<'_> {
    ingest::Context {
        keys: &st.keys,
        pool: &st.db,
        pipeline: &st.pipeline,
        caps: &st.config.ingest,
        max_age_ms: i64::from(st.config.retention.raw_events_days) * 86_400_000,
        enqueue_wait: st.enqueue_wait,
        scrub: &st.scrub,
    }
}

/// Runs bloop's ingest adapter on one request, under the server's per-client rate limit.
pub async fn handle(
    st: &AppState,
    endpoint: Endpoint,
    req: Request<'_>,
) -> Result<Bytes, ApiError> {
    Ok(ingest::bloop::handle(&context(st), endpoint, req, |ip| st.limiter.allow(ip)).await?)
}

/// Browsers may post events from any origin (the signature is the credential).
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            "x-signature".parse().expect("static header name"),
            "x-project-key".parse().expect("static header name"),
        ])
        .max_age(Duration::from_secs(86400))
}

// The explicit OPTIONS handlers keep preflights inside the CORS layer (which answers them)
// instead of reaching the router's 405 fallback.

/// `POST /v1/ingest` (and its CORS preflight).
pub(super) fn one() -> MethodRouter<AppState> {
    post(ingest_one).options(preflight).layer(cors())
}

/// `POST /v1/ingest/batch` (and its CORS preflight).
pub(super) fn batch() -> MethodRouter<AppState> {
    post(ingest_batch).options(preflight).layer(cors())
}

async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// 413 for a body over `limit` bytes (`size` when the request declared it).
pub fn too_large(limit: usize, size: Option<u64>) -> ApiError {
    let msg = match size {
        Some(s) => format!("request body is {s} bytes, over the limit of {limit}"),
        None => format!("request body is over the limit of {limit} bytes"),
    };
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", msg)
        .field("body")
        .limit(limit as u64)
}

/// 408 for a body that did not arrive within the request timeout.
pub fn body_timeout() -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        "the request body did not arrive in time",
    )
}

/// Reads the whole body, refusing it (413) once it passes `limit` bytes and cutting off a client
/// that stalls (408), so a slow or huge request never holds the server.
pub async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, ApiError> {
    if let Some(len) = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limit as u64 {
            return Err(too_large(limit, Some(len)));
        }
    }
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Err(_) => Err(body_timeout()),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                Err(too_large(limit, None))
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

/// The axum side of both endpoints: requests the lean loop hands over (HTTP/1.0, chunked
/// bodies, `Expect: 100-continue`, ...).
async fn via_axum(
    st: &AppState,
    endpoint: Endpoint,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let limit = endpoint.body_limit(&st.config.ingest);
    let bytes = read_body(body, headers, limit, st.request_timeout).await?;
    let req = Request {
        client_ip: st.limiter.client_ip(peer, headers),
        signature: header(headers, "x-signature"),
        project_key: header(headers, "x-project-key"),
        body: &bytes,
    };
    let out = handle(st, endpoint, req).await?;
    Ok(([(CONTENT_TYPE, "application/json")], out).into_response())
}

async fn ingest_one(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    via_axum(&st, Endpoint::One, peer, &headers, body).await
}

async fn ingest_batch(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    via_axum(&st, Endpoint::Batch, peer, &headers, body).await
}
