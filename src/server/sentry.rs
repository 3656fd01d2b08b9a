//! The Sentry endpoints, so an unmodified Sentry SDK reports to bloop with its DSN pointed here:
//! `POST /api/{project}/envelope/` and `POST /api/{project}/store/` (with or without the
//! trailing slash), `{project}` being the project's DSN number.
//!
//! Auth: the DSN's public key from `X-Sentry-Auth: Sentry sentry_key=…`, the `sentry_key` query
//! parameter (the browser SDKs send only that) or the envelope header's `dsn`; it must be a `dsn`
//! key of that project. Bodies may be gzip, deflate or brotli, chunked, with any or no
//! content type. Answers follow Sentry: `200 {"id": …}`, `401`/`403 {"detail": …}`, `413`, and
//! `429` with `Retry-After` and `X-Sentry-Rate-Limits` when the client is over its rate or the
//! queue stays full (the SDKs back off; this replaces bloop's own 200-and-drop).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use axum::Json;
use serde_json::{json, Value};
use tower_http::cors::{Any, CorsLayer};

use super::AppState;
use crate::event::Accepted;
use crate::ingest::sentry::{self, Mapped};
use crate::pipeline::{DropReason, Submit};
use crate::store::{self, keys};

/// Largest Sentry body read, compressed or not (an envelope may carry attachments).
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

/// Seconds a client is asked to wait when refused for rate.
const RETRY_AFTER_SECS: u64 = 2;

/// DSN keys the server has looked up, for a second: (project, DSN number) or unknown.
#[derive(Default)]
pub struct DsnCache {
    map: RwLock<HashMap<String, (DsnHit, Instant)>>,
}

/// A DSN key's project and DSN number, or `None` for a key that is unknown or revoked.
type DsnHit = Option<(Arc<str>, i64)>;

const DSN_TTL: Duration = Duration::from_secs(1);

impl DsnCache {
    async fn project(
        &self,
        pool: &crate::store::Db,
        key: &str,
    ) -> Result<Option<(Arc<str>, i64)>, Response> {
        if let Ok(map) = self.map.read() {
            if let Some((hit, at)) = map.get(key) {
                if at.elapsed() < DSN_TTL {
                    return Ok(hit.clone());
                }
            }
        }
        let found = pool
            .dsn_project(key.to_string(), store::now_ms())
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "sentry: DSN lookup failed");
                detail(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database is busy; retry",
                )
            })?
            .map(|(p, n)| (Arc::<str>::from(p), n));
        if let Ok(mut map) = self.map.write() {
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(key.to_string(), (found.clone(), Instant::now()));
        }
        Ok(found)
    }
}

fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "detail": message }))).into_response()
}

fn rate_limited(status: StatusCode, message: &str) -> Response {
    let mut r = detail(status, message);
    let h = r.headers_mut();
    h.insert("retry-after", HeaderValue::from(RETRY_AFTER_SECS));
    h.insert(
        "x-sentry-rate-limits",
        HeaderValue::from_str(&format!("{RETRY_AFTER_SECS}::key"))
            .unwrap_or(HeaderValue::from_static("2::key")),
    );
    r
}

/// Browser SDKs post from any origin: the DSN key is public anyway.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([
            "x-sentry-rate-limits".parse().expect("static header name"),
            "retry-after".parse().expect("static header name"),
        ])
        .max_age(Duration::from_secs(86400))
}

async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// `POST /api/{project}/envelope/` and `/store/` (the older endpoint: the body is the event
/// itself), with their CORS preflight.
pub(super) fn endpoint() -> MethodRouter<AppState> {
    post(sentry_handler).options(preflight).layer(cors())
}

/// Both endpoints: which one is told by the path.
async fn sentry_handler(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    OriginalUri(uri): OriginalUri,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let kind = if uri.path().trim_end_matches('/').ends_with("/store") {
        Kind::Store
    } else {
        Kind::Envelope
    };
    handle(&st, peer, &project, query.as_deref(), &headers, body, kind).await
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Envelope,
    Store,
}

/// `sentry_key` from `X-Sentry-Auth` (or `Authorization: Sentry …`), else from the query.
fn auth_key(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    for name in ["x-sentry-auth", "authorization"] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            let v = v.trim();
            let v = v
                .strip_prefix("Sentry ")
                .or_else(|| v.strip_prefix("sentry "))
                .unwrap_or(v);
            for part in v.split(',') {
                if let Some((k, val)) = part.trim().split_once('=') {
                    if k.trim() == "sentry_key" && !val.trim().is_empty() {
                        return Some(val.trim().to_string());
                    }
                }
            }
        }
    }
    query?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "sentry_key" && !v.is_empty()).then(|| v.to_string())
    })
}

/// The public key inside a DSN (`scheme://key[:secret]@host/…`).
fn dsn_key(dsn: &str) -> Option<String> {
    let rest = dsn.split_once("://")?.1;
    let user = rest.split_once('@')?.0;
    let key = user.split(':').next()?;
    (!key.is_empty()).then(|| key.to_string())
}

/// The body expanded per `Content-Encoding`, or the status and detail to refuse it with.
fn decompress(body: &[u8], encoding: Option<&str>) -> Result<Vec<u8>, (StatusCode, String)> {
    use crate::ingest::body::BodyError;
    crate::ingest::body::decompress(body, encoding, MAX_BODY_BYTES).map_err(|e| {
        let status = match e {
            BodyError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            BodyError::Corrupt(_) => StatusCode::BAD_REQUEST,
        };
        (status, e.to_string())
    })
}

async fn handle(
    st: &AppState,
    peer: SocketAddr,
    project: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
    kind: Kind,
) -> Response {
    let Ok(project_number) = project.trim().parse::<i64>() else {
        return detail(
            StatusCode::NOT_FOUND,
            "the project in the URL must be the DSN's number",
        );
    };
    let raw =
        match super::ingest::read_body(body, headers, MAX_BODY_BYTES, st.request_timeout).await {
            Ok(b) => b,
            Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => {
                return detail(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("the body is over {MAX_BODY_BYTES} bytes"),
                )
            }
            Err(e) => return e.into_response(),
        };
    let encoding = headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok());
    let body = match decompress(&raw, encoding) {
        Ok(b) => b,
        Err((status, message)) => return detail(status, &message),
    };
    let envelope = match kind {
        Kind::Envelope => match sentry::parse_envelope(&body) {
            Ok(e) => Some(e),
            Err(e) => return detail(StatusCode::BAD_REQUEST, &e.to_string()),
        },
        Kind::Store => None,
    };
    let Some(key) = auth_key(headers, query)
        .or_else(|| envelope.as_ref().and_then(|e| e.dsn()).and_then(dsn_key))
    else {
        return detail(
            StatusCode::UNAUTHORIZED,
            "missing authorization information: send the DSN's key (X-Sentry-Auth or sentry_key)",
        );
    };
    let (project_id, dsn_id) = match st.sentry_dsns.project(&st.db, &key).await {
        Ok(Some(p)) => p,
        Ok(None) => return detail(StatusCode::UNAUTHORIZED, "unknown or revoked DSN key"),
        Err(r) => return r,
    };
    if dsn_id != project_number {
        return detail(
            StatusCode::FORBIDDEN,
            "this DSN key belongs to another project",
        );
    }
    if !st.limiter.allow(st.limiter.client_ip(peer, headers)) {
        st.pipeline.stats.record_drop(DropReason::RateLimited, 1);
        st.sentry_stats.refused.fetch_add(1, Relaxed);
        return rate_limited(
            StatusCode::TOO_MANY_REQUESTS,
            "over the rate limit; retry later",
        );
    }
    if !st.dsn_limiter.allow(&key) {
        st.pipeline.stats.record_drop(DropReason::RateLimited, 1);
        st.sentry_stats.refused.fetch_add(1, Relaxed);
        return rate_limited(
            StatusCode::TOO_MANY_REQUESTS,
            "this DSN is over rate_limit.dsn_per_second; retry later",
        );
    }
    let now = store::now_ms();
    let caps = &st.config.ingest;
    let max_age_ms = i64::from(st.config.retention.raw_events_days) * 86_400_000;
    let mut events: Vec<Mapped> = Vec::new();
    let mut answer_id = envelope
        .as_ref()
        .and_then(|e| e.header.get("event_id"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut problem: Option<String> = None;
    let mut map =
        |payload: &[u8], events: &mut Vec<Mapped>| match sentry::map_event(payload, caps, now) {
            Ok(m) => events.push(m),
            Err(e) => problem = Some(e.to_string()),
        };
    match &envelope {
        Some(env) => {
            for item in &env.items {
                match item.kind.as_str() {
                    "event" => map(item.payload, &mut events),
                    "transaction" | "span" => {
                        st.sentry_stats.transactions.fetch_add(1, Relaxed);
                    }
                    // session, sessions, client_report, attachment, check_in, unknown: accepted.
                    _ => {}
                }
            }
        }
        None => map(&body, &mut events),
    }
    if events.is_empty() {
        if let Some(p) = problem {
            return detail(StatusCode::BAD_REQUEST, &p);
        }
    }
    if answer_id.is_none() {
        answer_id = events.iter().find_map(|m| m.event_id.clone());
    }
    // Minified frames resolved through the project's source maps, so grouping and the issue
    // page use the original file, function and line.
    let resolved = st
        .sourcemaps
        .resolve(&st.db, &project_id, &mut events, caps.max_stack_bytes)
        .await;
    st.sentry_stats
        .frames_resolved
        .fetch_add(resolved.frames as u64, Relaxed);
    // Scrubbed before anything else sees them (secrets never reach the disk), and grouped on
    // what is stored, as bloop's own events are.
    let scrubber = st.scrub.for_project(&project_id);
    let accepted: Vec<Accepted> = events
        .into_iter()
        .map(|mut m| {
            if let Some(s) = scrubber {
                s.event(&mut m.event);
                s.opt_json(&mut m.event.frames);
            }
            let fingerprint = m.fingerprint();
            Accepted {
                project_id: project_id.clone(),
                fingerprint,
                received_at: now,
                max_age_ms,
                event: m.event,
            }
        })
        .collect();
    let n = accepted.len() as u64;
    match st.pipeline.submit(accepted, st.enqueue_wait).await {
        Submit::Queued => {
            st.sentry_stats.events.fetch_add(n, Relaxed);
        }
        Submit::Dropped => {
            st.sentry_stats.refused.fetch_add(1, Relaxed);
            return rate_limited(
                StatusCode::TOO_MANY_REQUESTS,
                "the server is busy; retry later",
            );
        }
        Submit::Closed => {
            return detail(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is shutting down; retry",
            )
        }
    }
    let id = answer_id.unwrap_or_else(keys::generate_dsn_key);
    (StatusCode::OK, Json(json!({ "id": id }))).into_response()
}

/// Counters of the Sentry endpoints (on `/health`).
#[derive(Default)]
pub struct SentryStats {
    /// Error events accepted (queued to be stored).
    pub events: AtomicU64,
    /// Transactions and spans accepted (counted, not stored).
    pub transactions: AtomicU64,
    /// Requests answered 429 (client or DSN over its rate, or the queue full).
    pub refused: AtomicU64,
    /// Minified frames resolved through source maps.
    pub frames_resolved: AtomicU64,
}

impl SentryStats {
    pub fn json(&self) -> Value {
        json!({
            "events": self.events.load(Relaxed),
            "transactions": self.transactions.load(Relaxed),
            "refused_429": self.refused.load(Relaxed),
            "frames_resolved": self.frames_resolved.load(Relaxed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_header_the_query_or_the_dsn() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-sentry-auth",
            "Sentry sentry_version=7, sentry_client=sentry.python/2.0, sentry_key=abc123"
                .parse()
                .unwrap(),
        );
        assert_eq!(auth_key(&h, None).as_deref(), Some("abc123"));
        assert_eq!(
            auth_key(&HeaderMap::new(), Some("sentry_version=7&sentry_key=k9")).as_deref(),
            Some("k9")
        );
        assert_eq!(auth_key(&HeaderMap::new(), Some("sentry_version=7")), None);
        assert_eq!(
            dsn_key("https://pub:sec@o1.ingest.io/5").as_deref(),
            Some("pub")
        );
        assert_eq!(dsn_key("http://k@localhost:5332/1").as_deref(), Some("k"));
        assert_eq!(dsn_key("nonsense"), None);
    }

    #[test]
    fn undecodable_bodies_map_onto_sentry_statuses() {
        // The expansion itself is tested in `ingest::body`; here, the answers.
        assert_eq!(decompress(b"{}", None).unwrap(), b"{}");
        assert_eq!(
            decompress(b"not gzip", Some("gzip")).unwrap_err().0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            decompress(b"{}", Some("zstd")).unwrap_err().0,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(
            decompress(&big, None).unwrap_err().0,
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
