//! bloop: a self-hosted error tracker in one binary and one SQLite file.
//!
//! The library holds everything the `bloop` commands do; the binary in `commands/` only parses
//! arguments and calls in here. Module map:
//! - [`config`]: settings and their defaults;
//! - [`event`]: the ingest wire contract and validation;
//! - [`fingerprint`]: grouping of events into issues;
//! - [`stackparse`]: text stack traces read as frames for the issue page;
//! - [`scrub`]: secrets, card numbers and IP addresses taken out before anything is stored;
//! - [`store`]: SQLite, migrations and queries;
//! - [`analytics`]: insights over the counts (DuckDB, `--features analytics`);
//! - [`pipeline`]: the bounded queue and the group-committing writer;
//! - [`server`]: the HTTP API;
//! - [`dashboard`]: the web UI behind passkeys;
//! - [`client`]: the HTTP client behind `bloop send`.
#![forbid(unsafe_code)]

pub mod alert;
pub mod analytics;
pub mod client;
pub mod config;
pub mod dashboard;
pub mod doctor;
pub mod event;
pub mod fingerprint;
pub mod ingest;
#[cfg(feature = "llm-tracing")]
pub mod llm;
pub mod ops;
pub mod pipeline;
pub mod release;
pub mod retention;
pub mod scrub;
pub mod search;
pub mod server;
pub mod signing;
pub mod sourcemap;
pub mod stackparse;
pub mod store;
pub mod term;
pub mod timefmt;

pub use config::Config;

/// Runs `bloop serve` on `listener` until `shutdown` is cancelled: the server with the dashboard's
/// pages (see [`server::run`]).
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: tokio_util::sync::CancellationToken,
) -> Result<(), server::ServeError> {
    server::run(config, listener, shutdown, dashboard::router).await
}
