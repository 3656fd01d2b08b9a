//! bloop's own ingest protocol: `POST /v1/ingest` (one event) and `POST /v1/ingest/batch`
//! (`{"events": [...]}`), signed with HMAC-SHA256 of the exact body (see [`super::keys`]).
//! [`handle`] authenticates, checks the rate, validates, scrubs, fingerprints and queues; the server's
//! lean HTTP loop and its axum routes both call it, so answers are the same bytes either way.

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;

use super::{Context, IngestError};
use crate::config::IngestConfig;
use crate::event::{self, Accepted, Event};
use crate::fingerprint;
use crate::pipeline::{DropReason, Submit};
use crate::scrub::Scrubber;
use crate::store::now_ms;

/// The two ingest endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/ingest`: one event.
    One,
    /// `POST /v1/ingest/batch`: `{"events": [...]}`.
    Batch,
}

impl Endpoint {
    pub fn from_path(path: &[u8]) -> Option<Endpoint> {
        match path {
            b"/v1/ingest" => Some(Endpoint::One),
            b"/v1/ingest/batch" => Some(Endpoint::Batch),
            _ => None,
        }
    }

    /// The largest body the endpoint reads.
    pub fn body_limit(self, caps: &IngestConfig) -> usize {
        match self {
            Endpoint::One => caps.max_payload_bytes,
            Endpoint::Batch => caps.max_payload_bytes.saturating_mul(caps.max_batch_size),
        }
    }
}

/// What an ingest request carries, however it arrived: through the server's lean HTTP/1.1 loop
/// or through its axum routes.
pub struct Request<'a> {
    /// The client as the rate limiter sees it (the server decides, proxies considered).
    pub client_ip: IpAddr,
    pub signature: Option<&'a str>,
    pub project_key: Option<&'a str>,
    pub body: &'a [u8],
}

/// Authenticates the signature, asks `allow` whether the client is within its rate (after
/// authentication, so strangers cannot spend a client's budget), validates, fingerprints and
/// queues. Returns the JSON body of the 200 answer.
pub async fn handle(
    cx: &Context<'_>,
    endpoint: Endpoint,
    req: Request<'_>,
    allow: impl FnOnce(IpAddr) -> bool,
) -> Result<Bytes, IngestError> {
    let caps = cx.caps;
    let project = cx
        .keys
        .authenticate_or_reload(cx.pool, req.body, req.signature, req.project_key)
        .await?;
    let allowed = allow(req.client_ip);
    // Validate before looking at the rate: bad input is refused either way.
    let events = match endpoint {
        Endpoint::One => vec![event::parse_event(req.body, caps)?],
        Endpoint::Batch => event::parse_batch(req.body, caps)?,
    };
    let n = events.len();
    if allowed {
        let now = now_ms();
        let scrubber = cx.scrub.for_project(&project);
        let items = events
            .into_iter()
            .map(|e| accept(&project, e, now, cx.max_age_ms, scrubber))
            .collect();
        match cx.pipeline.submit(items, cx.enqueue_wait).await {
            Submit::Queued | Submit::Dropped => {}
            Submit::Closed => return Err(IngestError::ShuttingDown),
        }
    } else {
        cx.pipeline
            .stats
            .record_drop(DropReason::RateLimited, n as u64);
    }
    Ok(match endpoint {
        Endpoint::One => Bytes::from_static(br#"{"status":"accepted"}"#),
        Endpoint::Batch => Bytes::from(format!(r#"{{"accepted":{n},"status":"accepted"}}"#)),
    })
}

/// Scrubs (secrets never reach the queue), then fingerprints what is stored: a secret that
/// varies between occurrences (a token in the message) no longer splits the issue, and card
/// numbers and hashed IPs fold like the numbers they replace.
fn accept(
    project: &Arc<str>,
    mut event: Event,
    received_at: i64,
    max_age_ms: i64,
    scrubber: Option<&Scrubber>,
) -> Accepted {
    if let Some(s) = scrubber {
        s.event(&mut event);
    }
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
        max_age_ms,
        event,
    }
}
