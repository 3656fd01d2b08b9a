//! Ingest adapters: one per protocol, each authenticating its own way and turning a request body
//! into records for the pipeline ([`crate::pipeline::Record`]). Today: bloop's signed JSON
//! ([`bloop`]); Sentry envelopes and OTLP traces join as siblings. Adapters know nothing of HTTP
//! framing: the server reads bodies under its caps and deadlines, calls an adapter, and maps its
//! [`IngestError`] to a status and a JSON body.

pub mod bloop;
pub mod body;
pub mod explain;
pub mod keys;
#[cfg(feature = "llm-tracing")]
pub mod otlp;
pub mod sentry;

use std::time::Duration;

use crate::config::IngestConfig;
use crate::event::EventError;
use crate::pipeline::Pipeline;
pub use keys::{AuthError, KeyCache};

/// What an adapter needs from the running server, borrowed for one request.
pub struct Context<'a> {
    pub keys: &'a KeyCache,
    /// Readers, for looking up a key the cache does not know yet.
    pub pool: &'a crate::store::Db,
    pub pipeline: &'a Pipeline,
    pub caps: &'a IngestConfig,
    /// How old an event's own time may be and still be believed (see `Accepted::at`).
    pub max_age_ms: i64,
    /// How long a request waits for queue room before its records are dropped (and counted).
    pub enqueue_wait: Duration,
    /// Secrets are taken out of each accepted event before it is queued.
    pub scrub: &'a crate::scrub::Scrubbing,
}

/// Why an adapter refused a request.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Bad or missing credentials: 401.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A body that breaks the contract or a cap: 400, naming the field and the limit.
    #[error(transparent)]
    Invalid(#[from] EventError),
    /// The pipeline is shutting down: nothing was taken (503, retry).
    #[error("server is shutting down; retry")]
    ShuttingDown,
}
