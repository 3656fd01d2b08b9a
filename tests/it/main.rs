//! Integration tests: a real server on 127.0.0.1, a temp database, real HTTP clients.
#![allow(clippy::unwrap_used)]

mod alerts;
mod analytics;
mod api;
mod cli;
mod cli_ops;
mod clients;
mod cluster;
mod common;
mod conformance;
mod dashboard;
mod event_time;
mod hardening;
mod http1;
mod ingest;
mod insights_page;
#[cfg(feature = "llm-tracing")]
mod issue_cost;
mod issue_list;
mod issue_page;
mod lifecycle;
#[cfg(feature = "llm-tracing")]
mod llm_admin;
#[cfg(feature = "llm-tracing")]
mod llm_alerts;
#[cfg(feature = "llm-tracing")]
mod llm_browse;
#[cfg(feature = "llm-tracing")]
mod llm_errors;
#[cfg(feature = "llm-tracing")]
mod llm_pages;
#[cfg(feature = "llm-tracing")]
mod llm_usage;
mod matrix;
mod migrate_pg;
mod openapi;
mod ops_tools;
#[cfg(feature = "llm-tracing")]
mod otel;
mod pg_tls;
#[cfg(feature = "llm-tracing")]
mod proxy;
mod release_page;
mod scrubbing;
mod sentry;
mod snapshots_api;
mod sourcemaps;
#[cfg(feature = "llm-tracing")]
mod traces;
mod triage;
