//! The HTTP side of trace ingest: bloop's JSON trace API (`POST /v1/traces`, `/v1/traces/batch`,
//! `PUT /v1/traces/{id}`, signed like error ingest) and OTLP/HTTP (`POST /otlp/v1/traces`, and
//! `/v1/traces` for a protobuf body or an unsigned `resourceSpans` body with a key header).
//!
//! Nothing is answered 200 and then dropped: a full queue is a 503 with `Retry-After`, which
//! OpenTelemetry exporters retry.

use axum::http::StatusCode;

use super::error::ApiError;

/// 404 while LLM tracing is off (`llm_tracing.enabled = false`, or a build without the
/// `llm-tracing` feature).
pub fn disabled() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "llm_tracing_disabled",
        "LLM tracing is disabled on this server (llm_tracing.enabled, feature `llm-tracing`)",
    )
}

#[cfg(not(feature = "llm-tracing"))]
mod off {
    use super::*;

    pub async fn any() -> ApiError {
        disabled()
    }
}

#[cfg(not(feature = "llm-tracing"))]
pub use off::{any as ingest_one, any as ingest_batch, any as update, any as otlp};

#[cfg(feature = "llm-tracing")]
pub use on::{ingest_batch, ingest_one, otlp, update};

#[cfg(feature = "llm-tracing")]
mod on {
    use std::net::SocketAddr;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::extract::{ConnectInfo, Path, State};
    use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Response};

    use super::*;
    use crate::ingest::otlp::{self, Encoding};
    use crate::llm::trace::{self, Caps, Trace};
    use crate::pipeline::{LlmQueue, LlmRecord, Refused};
    use crate::server::AppState;
    use crate::store::now_ms;
    use crate::store::traces::Mode;

    /// Largest OTLP body, before and after decompression: exporters send up to 512 spans a
    /// request, so it is a few trace bodies' worth.
    fn otlp_limit(st: &AppState) -> usize {
        st.config.llm_tracing.max_payload_bytes.saturating_mul(4)
    }

    fn queue(st: &AppState) -> Result<&LlmQueue, ApiError> {
        st.pipeline.llm.as_ref().ok_or_else(disabled)
    }

    fn caps(st: &AppState) -> Caps {
        Caps::from_config(&st.config.llm_tracing)
    }

    fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
        headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The project key of a client that cannot sign: `Authorization: Bearer <key>` or
    /// `X-Bloop-Key: <key>`.
    fn bare_key(headers: &HeaderMap) -> Option<&str> {
        header(headers, "x-bloop-key").or_else(|| {
            header(headers, "authorization").and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then_some(rest.trim())
            })
        })
    }

    /// Asks the client to come back in a second.
    fn retry_after(mut r: Response) -> Response {
        r.headers_mut()
            .insert(RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
        r
    }

    /// 503 with `Retry-After`: the queue is full or the server is stopping.
    fn busy(refused: Refused) -> Response {
        retry_after(ApiError::unavailable(refused.message()).into_response())
    }

    fn rate_limited() -> Response {
        retry_after(
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests from this client; retry shortly",
            )
            .into_response(),
        )
    }

    fn json(status: StatusCode, body: serde_json::Value) -> Response {
        (
            status,
            [(CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }

    /// Whether a `POST /v1/traces` carries OTLP: a protobuf body, or JSON sent with a key
    /// header and no signature (an exporter pointed at the bare base URL).
    fn is_otlp(headers: &HeaderMap) -> bool {
        match Encoding::from_content_type(header(headers, "content-type")) {
            Some(Encoding::Protobuf) => true,
            Some(Encoding::Json) => {
                header(headers, "x-signature").is_none() && bare_key(headers).is_some()
            }
            None => false,
        }
    }

    fn records(project: &Arc<str>, traces: Vec<Trace>, mode: Mode, now: i64) -> Vec<LlmRecord> {
        traces
            .into_iter()
            .map(|trace| LlmRecord::Trace {
                project: project.clone(),
                trace,
                mode,
                received_at: now,
            })
            .collect()
    }

    async fn signed_body(
        st: &AppState,
        peer: SocketAddr,
        headers: &HeaderMap,
        body: Body,
    ) -> Result<Result<(Arc<str>, axum::body::Bytes), Response>, ApiError> {
        let limit = st.config.llm_tracing.max_payload_bytes;
        let bytes =
            super::super::ingest::read_body(body, headers, limit, st.request_timeout).await?;
        let project = st
            .keys
            .authenticate_or_reload(
                &st.db,
                &bytes,
                header(headers, "x-signature"),
                header(headers, "x-project-key"),
            )
            .await
            .map_err(|a| ApiError::unauthorized(a.code(), a.to_string()))?;
        if !st.limiter.allow(st.limiter.client_ip(peer, headers)) {
            return Ok(Err(rate_limited()));
        }
        Ok(Ok((project, bytes)))
    }

    /// `POST /v1/traces`: one trace in bloop's JSON, or OTLP (see [`is_otlp`]).
    pub async fn ingest_one(
        State(st): State<AppState>,
        ConnectInfo(peer): ConnectInfo<SocketAddr>,
        headers: HeaderMap,
        body: Body,
    ) -> Result<Response, ApiError> {
        let queue = queue(&st)?.clone();
        if is_otlp(&headers) {
            return Ok(otlp_request(&st, &queue, peer, &headers, body).await);
        }
        let (project, bytes) = match signed_body(&st, peer, &headers, body).await? {
            Ok(x) => x,
            Err(r) => return Ok(r),
        };
        let now = now_ms();
        let trace = trace::parse_trace(&bytes, &caps(&st), now)?;
        let id = trace.id.clone();
        let spans = trace.spans.len();
        if let Err(r) = queue
            .submit(
                records(&project, vec![trace], Mode::Replace, now),
                st.enqueue_wait,
            )
            .await
        {
            return Ok(busy(r));
        }
        Ok(json(
            StatusCode::OK,
            serde_json::json!({"status": "accepted", "id": id, "spans": spans}),
        ))
    }

    /// `POST /v1/traces/batch`: `{"traces": [...]}`, each validated on its own.
    pub async fn ingest_batch(
        State(st): State<AppState>,
        ConnectInfo(peer): ConnectInfo<SocketAddr>,
        headers: HeaderMap,
        body: Body,
    ) -> Result<Response, ApiError> {
        let queue = queue(&st)?.clone();
        let (project, bytes) = match signed_body(&st, peer, &headers, body).await? {
            Ok(x) => x,
            Err(r) => return Ok(r),
        };
        let now = now_ms();
        let parsed = trace::parse_batch(&bytes, &caps(&st), now)?;
        let mut good = Vec::with_capacity(parsed.len());
        let mut rejected = Vec::new();
        for (index, t) in parsed.into_iter().enumerate() {
            match t {
                Ok(t) => good.push(t),
                Err(e) => {
                    let err = ApiError::from(e);
                    let body: serde_json::Value =
                        serde_json::from_slice(&err.body()).unwrap_or_default();
                    rejected.push(serde_json::json!({"index": index, "error": body}));
                }
            }
        }
        let ids: Vec<String> = good.iter().map(|t| t.id.clone()).collect();
        if let Err(r) = queue
            .submit(records(&project, good, Mode::Replace, now), st.enqueue_wait)
            .await
        {
            return Ok(busy(r));
        }
        Ok(json(
            StatusCode::OK,
            serde_json::json!({"accepted": ids.len(), "ids": ids, "rejected": rejected}),
        ))
    }

    /// `PUT /v1/traces/{id}`: status, output, end time or usage of a trace sent earlier.
    pub async fn update(
        State(st): State<AppState>,
        ConnectInfo(peer): ConnectInfo<SocketAddr>,
        Path(id): Path<String>,
        headers: HeaderMap,
        body: Body,
    ) -> Result<Response, ApiError> {
        let queue = queue(&st)?.clone();
        if id.len() > trace::MAX_ID_BYTES {
            return Err(ApiError::bad_request(
                "invalid_field",
                format!("trace id is over {} bytes", trace::MAX_ID_BYTES),
            )
            .field("id")
            .limit(trace::MAX_ID_BYTES as u64));
        }
        let (project, bytes) = match signed_body(&st, peer, &headers, body).await? {
            Ok(x) => x,
            Err(r) => return Ok(r),
        };
        let update = trace::parse_update(&bytes, &caps(&st), now_ms())?;
        // Queued first, then stored: a trace leaves the queue only once it is committed.
        let known =
            queue.is_pending(&project, &id) || st.db.llm_trace_exists(&project, &id).await?;
        if !known {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "trace_not_found",
                format!("no trace `{id}` in this project"),
            ));
        }
        let record = LlmRecord::Update {
            project,
            id: id.clone(),
            update,
        };
        if let Err(r) = queue.submit(vec![record], st.enqueue_wait).await {
            return Ok(busy(r));
        }
        Ok(json(
            StatusCode::OK,
            serde_json::json!({"status": "accepted", "id": id}),
        ))
    }

    /// `POST /otlp/v1/traces`.
    pub async fn otlp(
        State(st): State<AppState>,
        ConnectInfo(peer): ConnectInfo<SocketAddr>,
        headers: HeaderMap,
        body: Body,
    ) -> Result<Response, ApiError> {
        let queue = queue(&st)?.clone();
        Ok(otlp_request(&st, &queue, peer, &headers, body).await)
    }

    fn otlp_answer(enc: Encoding, status: StatusCode, body: Vec<u8>) -> Response {
        let ct = match enc {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        };
        (status, [(CONTENT_TYPE, ct)], body).into_response()
    }

    fn otlp_error(enc: Encoding, status: StatusCode, message: &str) -> Response {
        // google.rpc.Code: 3 INVALID_ARGUMENT, 16 UNAUTHENTICATED, 14 UNAVAILABLE, 8 RESOURCE_EXHAUSTED.
        let code = match status.as_u16() {
            401 => 16,
            503 => 14,
            429 | 413 => 8,
            _ => 3,
        };
        let r = otlp_answer(enc, status, otlp::error_body(enc, code, message));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            retry_after(r)
        } else {
            r
        }
    }

    async fn otlp_request(
        st: &AppState,
        queue: &LlmQueue,
        peer: SocketAddr,
        headers: &HeaderMap,
        body: Body,
    ) -> Response {
        let Some(enc) = Encoding::from_content_type(header(headers, "content-type")) else {
            return ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "OTLP bodies are application/x-protobuf or application/json",
            )
            .into_response();
        };
        let project = match st.keys.key_or_reload(&st.db, bare_key(headers)).await {
            Ok(p) => p,
            Err(e) => return otlp_error(enc, StatusCode::UNAUTHORIZED, &e.to_string()),
        };
        let limit = otlp_limit(st);
        let raw =
            match super::super::ingest::read_body(body, headers, limit, st.request_timeout).await {
                Ok(b) => b,
                Err(e) => return otlp_error(enc, e.status, &e.message),
            };
        let bytes = match otlp::decompress(&raw, header(headers, "content-encoding"), limit) {
            Ok(b) => b,
            Err(e) => {
                let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                return otlp_error(enc, status, &e.to_string());
            }
        };
        let request = match otlp::decode(&bytes, enc) {
            Ok(r) => r,
            Err(e) => {
                let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                return otlp_error(enc, status, &e.to_string());
            }
        };
        if !st.limiter.allow(st.limiter.client_ip(peer, headers)) {
            // 503, not 429: the Python exporter retries 5xx only.
            return otlp_error(
                enc,
                StatusCode::SERVICE_UNAVAILABLE,
                "rate limited; retry shortly",
            );
        }
        let now = now_ms();
        let mapped = otlp::to_traces(request, &caps(st), now);
        let records = records(&project, mapped.traces, Mode::Merge, now);
        if let Err(r) = queue.submit(records, st.enqueue_wait).await {
            return otlp_error(enc, StatusCode::SERVICE_UNAVAILABLE, r.message());
        }
        otlp_answer(
            enc,
            StatusCode::OK,
            otlp::response(enc, mapped.rejected_spans, mapped.error_message.as_deref()),
        )
    }
}
