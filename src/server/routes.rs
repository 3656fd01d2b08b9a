//! The one list of the server's machine routes: ingest, the JSON API, the passkey ceremonies,
//! health and the OpenAPI document. The router is built from [`ROUTES`] ([`api_router`]), the
//! OpenAPI document describes exactly these entries, the CLI's remote calls name them by
//! [`RouteId`] ([`path`]), and the route × token matrix test walks them. The dashboard's HTML
//! pages are the only routes served outside this table (`dashboard::router`).
//!
//! Adding a route: a [`RouteId`], a [`ROUTES`] entry, its handler in [`handler`] and its schemas
//! in `openapi::schemas`; each of those is an exhaustive match, so a forgotten one does not
//! compile.

use axum::http::Method;
use axum::routing::{any, delete, get, patch, post, put, MethodRouter};
use axum::Router;

use super::{
    admin, alerts, analytics, health, ingest, llm, openapi, passkeys, proxy, query, sourcemaps,
    traces, users, AppState,
};
use crate::store::tokens::Scope;

/// An HTTP method, as the table spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    /// Upper case, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }

    pub fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Patch => Method::PATCH,
            Verb::Delete => Method::DELETE,
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health, the document).
    Public,
    /// An HMAC signature over the body (ingest).
    Signed,
    /// A project key as a header, for clients that cannot sign (OpenTelemetry exporters):
    /// `Authorization: Bearer <key>` or `X-Bloop-Key`.
    Key,
    /// An API token or a dashboard session with this scope (`admin` has every scope).
    Token(Scope),
    /// A passkey ceremony or sign-out: no credential, but same-origin and rate-limited.
    Ceremony,
    /// A signed-in dashboard session (a token is refused: it has no user).
    Session,
}

/// Every route, by name. The router, the OpenAPI document and the CLI refer to routes by these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteId {
    Ingest,
    IngestBatch,
    TraceIngest,
    TraceBatch,
    TraceUpdate,
    OtlpTraces,
    ProxyOpenAi,
    ProxyAnthropic,
    LlmOverview,
    LlmUsage,
    LlmLatency,
    LlmModels,
    LlmTools,
    LlmPrompts,
    LlmCompare,
    LlmBudget,
    LlmSetBudget,
    LlmTraces,
    LlmTrace,
    LlmSearch,
    LlmSessions,
    LlmSession,
    LlmScores,
    LlmAddScore,
    LlmScoreSummary,
    LlmAddFeedback,
    LlmFeedback,
    LlmExport,
    LlmSettings,
    LlmPutSettings,
    LlmPrices,
    LlmSetPrice,
    LlmDeletePrice,
    Health,
    OpenApi,
    ListErrors,
    ErrorDetail,
    Occurrences,
    ErrorTrend,
    ErrorHistory,
    Resolve,
    Ignore,
    Mute,
    Unresolve,
    Assign,
    ListNotes,
    AddNote,
    BulkStatus,
    ListReleases,
    ReleaseErrors,
    AnalyticsSpikes,
    AnalyticsMovers,
    AnalyticsCorrelations,
    AnalyticsReleases,
    AnalyticsEnvironments,
    Trends,
    UploadSourcemaps,
    ListSourcemaps,
    DeleteSourcemap,
    DeleteReleaseSourcemaps,
    Stats,
    ListProjects,
    CreateProject,
    ShowProject,
    UpdateProject,
    DeleteProject,
    ListKeys,
    CreateKey,
    RotateKey,
    RevokeKey,
    ListTokens,
    CreateToken,
    RevokeToken,
    ListUsers,
    SetUserRole,
    RemoveUser,
    ListInvites,
    CreateInvite,
    RevokeInvite,
    Me,
    GetRetention,
    PutRetention,
    GetScrubbing,
    PutScrubbing,
    Purge,
    Prune,
    ListAlerts,
    CreateAlert,
    ShowAlert,
    ReplaceAlert,
    UpdateAlert,
    DeleteAlert,
    EnableAlert,
    DisableAlert,
    TestAlert,
    AlertDeliveries,
    RegisterStart,
    RegisterFinish,
    LoginStart,
    LoginFinish,
    Logout,
    PasskeyAddStart,
    PasskeyAddFinish,
    PasskeyRemove,
}

/// One route: what it is called, where it answers, who may call it, what it takes and says.
#[derive(Debug)]
pub struct Route {
    pub id: RouteId,
    pub verb: Verb,
    /// Path template; `{name}` marks a path parameter.
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub access: Access,
    /// Query parameters: (name, description).
    pub query: &'static [(&'static str, &'static str)],
    /// The status of a success.
    pub status: u16,
}

/// The list query of issues (`GET /v1/errors` and the lists that share it).
pub const LIST_QUERY: &[(&str, &str)] = &[
    (
        "project",
        "project slug (a pinned token reads its own project)",
    ),
    ("status", "unresolved | resolved | ignored | muted"),
    ("release", "issues with events in this release"),
    ("environment", "issues with events in this environment"),
    ("source", "source (ios, android, api, …)"),
    ("route", "route or procedure"),
    (
        "since",
        "last seen at or after: epoch ms or a duration back from now (24h, 7d)",
    ),
    ("until", "first seen at or before: epoch ms or a duration"),
    (
        "q",
        "search: free text plus is:, release:, env:, source:, route:, type:, assigned:me|none|<user>, !key:value (assigned:me needs a dashboard session: a token has no user)",
    ),
    ("sort", "last_seen (default) | first_seen | total_count"),
    ("limit", "1..200 (default 50)"),
    ("offset", "rows to skip"),
];

const SOURCEMAP_UPLOAD: &[(&str, &str)] = &[
    (
        "project",
        "project slug (required unless the token has one)",
    ),
    (
        "release",
        "the release the bundles belong to (omit for debug-ID bundles)",
    ),
    (
        "url_prefix",
        "prefix of the names, as frames see them (default `~`: any host)",
    ),
];

const FP_QUERY: &[(&str, &str)] = &[(
    "project",
    "project slug, when the fingerprint exists in several",
)];

/// `since` / `until` of the LLM queries.
macro_rules! window {
    ($default:literal) => {
        [
            (
                "project",
                "project slug (a pinned token reads its own project)",
            ),
            (
                "since",
                concat!(
                    "from: epoch ms or a duration back from now (default ",
                    $default,
                    ")"
                ),
            ),
            (
                "until",
                "to: epoch ms or a duration back from now (default now)",
            ),
        ]
    };
}

const LLM_WINDOW_24H: &[(&str, &str)] = &window!("24h");
const LLM_PROJECT: &[(&str, &str)] = &[(
    "project",
    "project slug (a pinned token reads its own project)",
)];
const LLM_USAGE: &[(&str, &str)] = &[
    window!("7d")[0],
    window!("7d")[1],
    window!("7d")[2],
    (
        "bucket",
        "hour | day (default: hour for windows up to 48 h, else day)",
    ),
    ("by", "model (default) | provider | project | prompt | none"),
];
const LLM_LATENCY: &[(&str, &str)] = &[
    window!("24h")[0],
    window!("24h")[1],
    window!("24h")[2],
    ("model", "one model only"),
];
const LLM_MODELS: &[(&str, &str)] = &window!("30d");
const LLM_TOOLS: &[(&str, &str)] = &[
    window!("24h")[0],
    window!("24h")[1],
    window!("24h")[2],
    (
        "type",
        "tool | retrieval | all (default: tool and retrieval)",
    ),
    ("limit", "1..200 (default 50)"),
];
const LLM_PROMPTS: &[(&str, &str)] = &[
    window!("30d")[0],
    window!("30d")[1],
    window!("30d")[2],
    ("name", "one prompt only"),
];
const LLM_COMPARE: &[(&str, &str)] = &[
    window!("30d")[0],
    window!("30d")[1],
    window!("30d")[2],
    ("a", "first version (required)"),
    ("b", "second version (required)"),
];
const LLM_TRACES: &[(&str, &str)] = &[
    window!("30d")[0],
    window!("30d")[1],
    window!("30d")[2],
    ("session", "session id"),
    ("user", "user id"),
    ("status", "trace status (completed, error, running, …)"),
    ("model", "a span used this model"),
    ("prompt", "prompt name"),
    ("prompt_version", "prompt version (with prompt)"),
    ("min_cost", "USD, at least"),
    ("min_latency", "ms, at least"),
    (
        "has_error",
        "true: traces with an error span or error status; false: without",
    ),
    (
        "q",
        "full-text search over names, error messages and stored content",
    ),
    ("sort", "newest (default) | oldest | cost | latency"),
    ("limit", "1..200 (default 50)"),
    ("offset", "rows to skip"),
];
const LLM_SEARCH: &[(&str, &str)] = &[
    window!("30d")[0],
    window!("30d")[1],
    window!("30d")[2],
    (
        "q",
        "words to find (required): names, error messages, stored content",
    ),
    ("limit", "1..200 (default 50)"),
    ("offset", "rows to skip"),
];
const LLM_SESSIONS: &[(&str, &str)] = &[
    window!("7d")[0],
    window!("7d")[1],
    window!("7d")[2],
    ("user", "user id"),
    ("limit", "1..200 (default 50)"),
    ("offset", "rows to skip"),
];
const LLM_SCORE_SUMMARY: &[(&str, &str)] = &[
    window!("30d")[0],
    window!("30d")[1],
    window!("30d")[2],
    ("name", "one score name only"),
];
const LLM_FEEDBACK: &[(&str, &str)] = &window!("30d");
const LLM_EXPORT: &[(&str, &str)] = &[
    window!("24h")[0],
    window!("24h")[1],
    window!("24h")[2],
    ("format", "langsmith (default) | otlp"),
    ("session", "one session only"),
    ("limit", "traces, 1..1000 (default 100)"),
];
const LLM_PRICES: &[(&str, &str)] = &[
    (
        "project",
        "project slug: its overrides, and prices as it sees them",
    ),
    ("model", "what this model costs and which rule matched"),
    (
        "provider",
        "with model: the provider, to pick among same-named models",
    ),
];
const LLM_DELETE_PRICE: &[(&str, &str)] = &[
    ("project", "project slug (absent: the global override)"),
    ("model", "model name (required)"),
];

const ANALYTICS: &[(&str, &str)] = &[
    (
        "project",
        "project slug (absent: every project the caller may read)",
    ),
    (
        "hours",
        "1..720 (default 72): the window; for spikes, the baseline",
    ),
    ("limit", "1..100 (default 20)"),
    ("environment", "only this environment (without case)"),
];
const ANALYTICS_CORRELATIONS: &[(&str, &str)] = &[
    (
        "project",
        "project slug (absent: every project the caller may read)",
    ),
    ("hours", "1..720 (default 72)"),
    ("limit", "1..100 (default 20)"),
    ("environment", "only this environment (without case)"),
    ("fingerprint", "only pairs with this issue"),
];

// One argument per column of the table: a row reads left to right like the entry it makes.
#[allow(clippy::too_many_arguments)]
const fn r(
    id: RouteId,
    verb: Verb,
    path: &'static str,
    summary: &'static str,
    tag: &'static str,
    access: Access,
    query: &'static [(&'static str, &'static str)],
    status: u16,
) -> Route {
    Route {
        id,
        verb,
        path,
        summary,
        tag,
        access,
        query,
        status,
    }
}

use Access::{Ceremony, Key, Public, Session, Signed, Token};
use RouteId as R;
use Scope::{
    AlertsRead, AlertsWrite, ErrorsRead, ErrorsWrite, KeysWrite, LlmRead, LlmWrite, ProjectsRead,
    ProjectsWrite, SourcemapsWrite,
};
use Verb::{Delete, Get, Patch, Post, Put};

/// Every machine route the server answers, in the order the OpenAPI document lists them.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    r(R::Ingest, Post, "/v1/ingest", "Ingest one event", "ingest", Signed, &[], 200),
    r(R::IngestBatch, Post, "/v1/ingest/batch", "Ingest a batch of events (all-or-nothing validation)", "ingest", Signed, &[], 200),
    r(R::TraceIngest, Post, "/v1/traces", "Ingest one LLM trace (bloop JSON, signed); also takes OTLP: a protobuf body, or unsigned `resourceSpans` JSON with a key header", "llm", Signed, &[], 200),
    r(R::TraceBatch, Post, "/v1/traces/batch", "Ingest a batch of LLM traces (each validated on its own)", "llm", Signed, &[], 200),
    r(R::TraceUpdate, Put, "/v1/traces/{id}", "Update a trace sent earlier: status, output, end time, usage", "llm", Signed, &[], 200),
    r(R::OtlpTraces, Post, "/otlp/v1/traces", "OTLP/HTTP traces (protobuf or JSON; gzip, deflate)", "llm", Key, &[], 200),
    r(R::ProxyOpenAi, Post, "/v1/proxy/openai/{*path}", "The OpenAI API through bloop (every method; calls traced): the path after the prefix goes to llm_tracing.proxy.openai_base_url, the answer comes back as sent. Needs X-Bloop-Key", "llm", Key, &[], 200),
    r(R::ProxyAnthropic, Post, "/v1/proxy/anthropic/{*path}", "The Anthropic API through bloop (every method; messages traced), to llm_tracing.proxy.anthropic_base_url. Needs X-Bloop-Key", "llm", Key, &[], 200),
    r(R::LlmOverview, Get, "/v1/llm/overview", "Traces, spans, tokens, cost, unpriced calls, error rate, latency and TTFT percentiles for a window", "llm", Token(LlmRead), LLM_WINDOW_24H, 200),
    r(R::LlmUsage, Get, "/v1/llm/usage", "Usage over time (zero-filled), by model, provider, project or prompt", "llm", Token(LlmRead), LLM_USAGE, 200),
    r(R::LlmLatency, Get, "/v1/llm/latency", "Latency and time-to-first-token percentiles per model", "llm", Token(LlmRead), LLM_LATENCY, 200),
    r(R::LlmModels, Get, "/v1/llm/models", "Models used, with usage, cost, and the price applied and its source", "llm", Token(LlmRead), LLM_MODELS, 200),
    r(R::LlmTools, Get, "/v1/llm/tools", "Tool and retrieval spans: calls, errors, latency percentiles per name", "llm", Token(LlmRead), LLM_TOOLS, 200),
    r(R::LlmPrompts, Get, "/v1/llm/prompts", "Prompt versions with their averages", "llm", Token(LlmRead), LLM_PROMPTS, 200),
    r(R::LlmCompare, Get, "/v1/llm/prompts/{name}/compare", "Two versions of a prompt compared: Welch's t-test on latency and cost, a two-proportion z-test on errors", "llm", Token(LlmRead), LLM_COMPARE, 200),
    r(R::LlmBudget, Get, "/v1/llm/budget", "Monthly budgets: spend so far, month-end forecast, over-budget flags", "llm", Token(LlmRead), LLM_PROJECT, 200),
    r(R::LlmSetBudget, Put, "/v1/llm/budget", "Set or clear a project's monthly budget", "llm", Token(LlmWrite), LLM_PROJECT, 200),
    r(R::LlmTraces, Get, "/v1/llm/traces", "Traces, filtered, searched, sorted and paged (X-Total-Count, X-Next-Offset)", "llm", Token(LlmRead), LLM_TRACES, 200),
    r(R::LlmTrace, Get, "/v1/llm/traces/{id}", "One trace with its span tree, scores and feedback", "llm", Token(LlmRead), LLM_PROJECT, 200),
    r(R::LlmSearch, Get, "/v1/llm/search", "Full-text search over traces (X-Total-Count, X-Next-Offset)", "llm", Token(LlmRead), LLM_SEARCH, 200),
    r(R::LlmSessions, Get, "/v1/llm/sessions", "Sessions: traces, cost, tokens, errors, first and last call", "llm", Token(LlmRead), LLM_SESSIONS, 200),
    r(R::LlmSession, Get, "/v1/llm/sessions/{id}", "One session: its traces in order with totals", "llm", Token(LlmRead), LLM_PROJECT, 200),
    r(R::LlmScores, Get, "/v1/llm/traces/{id}/scores", "A trace's scores", "llm", Token(LlmRead), LLM_PROJECT, 200),
    r(R::LlmAddScore, Post, "/v1/llm/traces/{id}/scores", "Score a trace: a name and a value from 0 to 1", "llm", Token(LlmWrite), LLM_PROJECT, 201),
    r(R::LlmScoreSummary, Get, "/v1/llm/scores", "Scores by name: count, mean and distribution", "llm", Token(LlmRead), LLM_SCORE_SUMMARY, 200),
    r(R::LlmAddFeedback, Post, "/v1/llm/traces/{id}/feedback", "User feedback on a trace: +1 or -1 with a comment", "llm", Token(LlmWrite), LLM_PROJECT, 201),
    r(R::LlmFeedback, Get, "/v1/llm/feedback", "Feedback summary and the latest comments", "llm", Token(LlmRead), LLM_FEEDBACK, 200),
    r(R::LlmExport, Get, "/v1/llm/export", "Traces exported as LangSmith runs (with the tree) or as OTLP/JSON", "llm", Token(LlmRead), LLM_EXPORT, 200),
    r(R::LlmSettings, Get, "/v1/llm/settings", "Content policy and budget per project", "llm", Token(LlmRead), LLM_PROJECT, 200),
    r(R::LlmPutSettings, Put, "/v1/llm/settings", "Set a project's content policy (none | metadata_only | full | default)", "llm", Token(LlmWrite), LLM_PROJECT, 200),
    r(R::LlmPrices, Get, "/v1/llm/prices", "Price overrides, or what one model costs and which rule matched", "llm", Token(LlmRead), LLM_PRICES, 200),
    r(R::LlmSetPrice, Put, "/v1/llm/prices", "Set a price override, global (admin) or per project, in USD per million tokens", "llm", Token(LlmWrite), &[], 200),
    r(R::LlmDeletePrice, Delete, "/v1/llm/prices", "Remove a price override", "llm", Token(LlmWrite), LLM_DELETE_PRICE, 200),
    r(R::Health, Get, "/health", "Health: queue, drops, last flush, connections, database", "ops", Public, &[], 200),
    r(R::OpenApi, Get, "/v1/openapi.json", "This document", "ops", Public, &[], 200),
    r(R::ListErrors, Get, "/v1/errors", "List issues (X-Total-Count, X-Next-Offset headers)", "errors", Token(ErrorsRead), LIST_QUERY, 200),
    r(R::ErrorDetail, Get, "/v1/errors/{fp}", "Issue detail: breakdowns, samples, latest occurrence", "errors", Token(ErrorsRead), FP_QUERY, 200),
    r(R::Occurrences, Get, "/v1/errors/{fp}/occurrences", "Raw events of an issue, newest first", "errors", Token(ErrorsRead), &[("project", "project slug"), ("limit", "1..200"), ("offset", "rows to skip")], 200),
    r(R::ErrorTrend, Get, "/v1/errors/{fp}/trend", "Hourly counts, zero-filled", "errors", Token(ErrorsRead), &[("project", "project slug"), ("hours", "1..2160 (default 24)")], 200),
    r(R::ErrorHistory, Get, "/v1/errors/{fp}/history", "The issue's timeline, newest first: status changes, assignment changes and notes (`kind`: status | assignment | note)", "errors", Token(ErrorsRead), FP_QUERY, 200),
    r(R::Resolve, Post, "/v1/errors/{fp}/resolve", "Resolve (optionally in a release)", "errors", Token(ErrorsWrite), FP_QUERY, 200),
    r(R::Ignore, Post, "/v1/errors/{fp}/ignore", "Ignore", "errors", Token(ErrorsWrite), FP_QUERY, 200),
    r(R::Mute, Post, "/v1/errors/{fp}/mute", "Mute", "errors", Token(ErrorsWrite), FP_QUERY, 200),
    r(R::Unresolve, Post, "/v1/errors/{fp}/unresolve", "Reopen", "errors", Token(ErrorsWrite), FP_QUERY, 200),
    r(R::Assign, Post, "/v1/errors/{fp}/assign", "Assign to a dashboard user (`{\"user\": \"name\"}`), or unassign (`{\"user\": null}`); recorded in the history", "errors", Token(ErrorsWrite), FP_QUERY, 200),
    r(R::ListNotes, Get, "/v1/errors/{fp}/notes", "Notes on an issue, newest first (X-Next-Offset)", "errors", Token(ErrorsRead), &[("project", "project slug"), ("limit", "1..200 (default 50)"), ("offset", "rows to skip")], 200),
    r(R::AddNote, Post, "/v1/errors/{fp}/notes", "Add a note (1 to 10,000 characters), written by the session's user or the token's name", "errors", Token(ErrorsWrite), FP_QUERY, 201),
    r(R::BulkStatus, Patch, "/v1/errors", "Change the status of several issues at once, all or none (at most 200): each item's own status or the body's; the answer gives each issue's previous status, to undo", "errors", Token(ErrorsWrite), &[], 200),
    r(R::ListReleases, Get, "/v1/releases", "Releases with issue and event counts", "errors", Token(ErrorsRead), &[("project", "project slug"), ("limit", "1..1000")], 200),
    r(R::ReleaseErrors, Get, "/v1/releases/{release}/errors", "Issues with events in a release", "errors", Token(ErrorsRead), LIST_QUERY, 200),
    r(R::AnalyticsSpikes, Get, "/v1/analytics/spikes", "Issues spiking now: the current and the previous hour against the `hours` before them (mean, standard deviation, z-score ≥ analytics.zscore_threshold), highest z first, with zero-filled hourly series", "analytics", Token(ErrorsRead), ANALYTICS, 200),
    r(R::AnalyticsMovers, Get, "/v1/analytics/movers", "Issues that changed most against the previous window of the same length (delta, delta %, new issues flagged)", "analytics", Token(ErrorsRead), ANALYTICS, 200),
    r(R::AnalyticsCorrelations, Get, "/v1/analytics/correlations", "Issues whose zero-filled hourly series correlate (Pearson r ≥ 0.7, each active ≥ 3 hours): pairs and clusters", "analytics", Token(ErrorsRead), ANALYTICS_CORRELATIONS, 200),
    r(R::AnalyticsReleases, Get, "/v1/analytics/releases", "Releases with events in the window, newest version first: events, issues, new issues, regressions, change against the previous release, impact", "analytics", Token(ErrorsRead), ANALYTICS, 200),
    r(R::AnalyticsEnvironments, Get, "/v1/analytics/environments", "Environments: events, share, distinct issues, p50/p90/p99 of zero-filled hourly counts", "analytics", Token(ErrorsRead), ANALYTICS, 200),
    r(R::Trends, Get, "/v1/trends", "Hourly totals, zero-filled", "errors", Token(ErrorsRead), LIST_QUERY, 200),
    r(R::UploadSourcemaps, Post, "/v1/sourcemaps", "Upload source maps: multipart/form-data, one part per .js/.mjs/.cjs bundle or .map file with its path as the file name; paired by sourceMappingURL or name, named url_prefix + path, debug IDs read", "sourcemaps", Token(SourcemapsWrite), SOURCEMAP_UPLOAD, 201),
    r(R::ListSourcemaps, Get, "/v1/sourcemaps", "A project's source maps, newest first", "sourcemaps", Token(ErrorsRead), &[("project", "project slug (required unless the token has one)"), ("release", "only this release")], 200),
    r(R::DeleteSourcemap, Delete, "/v1/sourcemaps/{id}", "Delete one source map", "sourcemaps", Token(SourcemapsWrite), &[("project", "project slug (required unless the token has one)")], 200),
    r(R::DeleteReleaseSourcemaps, Delete, "/v1/sourcemaps", "Delete every source map of a release", "sourcemaps", Token(SourcemapsWrite), &[("project", "project slug (required unless the token has one)"), ("release", "the release (\"\" for maps uploaded without one)")], 200),
    r(R::Stats, Get, "/v1/stats", "Totals, unresolved, events in 24 h, top routes, queue", "errors", Token(ErrorsRead), &[("project", "project slug")], 200),
    r(R::ListProjects, Get, "/v1/projects", "List projects", "projects", Token(ProjectsRead), &[], 200),
    r(R::CreateProject, Post, "/v1/projects", "Create a project and its first ingest key", "projects", Token(ProjectsWrite), &[], 201),
    r(R::ShowProject, Get, "/v1/projects/{id}", "Show a project", "projects", Token(ProjectsRead), &[], 200),
    r(R::UpdateProject, Patch, "/v1/projects/{id}", "Rename, or set its retention", "projects", Token(ProjectsWrite), &[], 200),
    r(R::DeleteProject, Delete, "/v1/projects/{id}", "Delete a project and all its data", "projects", Token(ProjectsWrite), &[], 200),
    r(R::ListKeys, Get, "/v1/projects/{id}/keys", "Ingest keys (masked; ?reveal=true with keys:write)", "keys", Token(ProjectsRead), &[("reveal", "true shows full keys")], 200),
    r(R::CreateKey, Post, "/v1/projects/{id}/keys", "Create an ingest key", "keys", Token(KeysWrite), &[], 201),
    r(R::RotateKey, Post, "/v1/keys/{id}/rotate", "New key now; the old one revoked after a grace period", "keys", Token(KeysWrite), &[], 200),
    r(R::RevokeKey, Delete, "/v1/keys/{id}", "Revoke a key now", "keys", Token(KeysWrite), &[], 200),
    r(R::ListTokens, Get, "/v1/tokens", "List API tokens", "tokens", Token(Scope::Admin), &[], 200),
    r(R::CreateToken, Post, "/v1/tokens", "Create an API token (shown once)", "tokens", Token(Scope::Admin), &[], 201),
    r(R::RevokeToken, Delete, "/v1/tokens/{id}", "Revoke an API token", "tokens", Token(Scope::Admin), &[], 200),
    r(R::ListUsers, Get, "/v1/users", "List dashboard users", "users", Token(Scope::Admin), &[], 200),
    r(R::SetUserRole, Put, "/v1/users/{id}", "Change a user's role (the last admin cannot be demoted: 409)", "users", Token(Scope::Admin), &[], 200),
    r(R::RemoveUser, Delete, "/v1/users/{id}", "Remove a user with their passkeys and sessions", "users", Token(Scope::Admin), &[], 200),
    r(R::ListInvites, Get, "/v1/invites", "Pending invites", "users", Token(Scope::Admin), &[], 200),
    r(R::CreateInvite, Post, "/v1/invites", "Create a single-use registration link (the token is shown once)", "users", Token(Scope::Admin), &[], 201),
    r(R::RevokeInvite, Delete, "/v1/invites/{id}", "Revoke a pending invite", "users", Token(Scope::Admin), &[], 204),
    r(R::Me, Get, "/v1/me", "The signed-in dashboard user and their passkeys", "users", Session, &[], 200),
    r(R::GetRetention, Get, "/v1/admin/retention", "Retention settings", "retention", Token(Scope::Admin), &[], 200),
    r(R::PutRetention, Put, "/v1/admin/retention", "Set the default or a project's raw-event retention", "retention", Token(Scope::Admin), &[], 200),
    r(R::GetScrubbing, Get, "/v1/admin/scrubbing", "Scrubbing settings: the server's rules and the projects that turned it off", "scrubbing", Token(Scope::Admin), &[], 200),
    r(R::PutScrubbing, Put, "/v1/admin/scrubbing", "Turn scrubbing off or back on for one project", "scrubbing", Token(Scope::Admin), &[], 200),
    r(R::Purge, Post, "/v1/admin/retention/purge", "Prune now", "retention", Token(Scope::Admin), &[], 200),
    r(R::Prune, Post, "/v1/prune", "Prune now (alias of /v1/admin/retention/purge)", "retention", Token(Scope::Admin), &[], 200),
    r(R::ListAlerts, Get, "/v1/alerts", "List alert rules (channel secrets masked)", "alerts", Token(AlertsRead), &[], 200),
    r(R::CreateAlert, Post, "/v1/alerts", "Create an alert rule; refused (400, naming the channel) when a channel could never deliver: email without SMTP, a private address while alerting.allow_private_targets is off, no channels and no server default", "alerts", Token(AlertsWrite), &[], 201),
    r(R::ShowAlert, Get, "/v1/alerts/{id}", "Show an alert rule", "alerts", Token(AlertsRead), &[], 200),
    r(R::ReplaceAlert, Put, "/v1/alerts/{id}", "Replace an alert rule (refused with the reason when its channels could never deliver)", "alerts", Token(AlertsWrite), &[], 200),
    r(R::UpdateAlert, Patch, "/v1/alerts/{id}", "Change some of a rule's fields: those given replace the rule's (`config` keys merge into its config unless `config.type` changes; `channels` replace all); the rest are kept, channel secrets included", "alerts", Token(AlertsWrite), &[], 200),
    r(R::DeleteAlert, Delete, "/v1/alerts/{id}", "Delete an alert rule", "alerts", Token(AlertsWrite), &[], 200),
    r(R::EnableAlert, Post, "/v1/alerts/{id}/enable", "Enable a rule", "alerts", Token(AlertsWrite), &[], 200),
    r(R::DisableAlert, Post, "/v1/alerts/{id}/disable", "Disable a rule", "alerts", Token(AlertsWrite), &[], 200),
    r(R::TestAlert, Post, "/v1/alerts/{id}/test", "Send a test alert through each channel; report each outcome", "alerts", Token(AlertsWrite), &[], 200),
    r(R::AlertDeliveries, Get, "/v1/alerts/{id}/deliveries", "The last 100 deliveries", "alerts", Token(AlertsRead), &[], 200),
    r(R::RegisterStart, Post, "/auth/register/start", "Passkey registration, step 1 (an invite or setup link's token)", "auth", Ceremony, &[], 200),
    r(R::RegisterFinish, Post, "/auth/register/finish", "Passkey registration, step 2: creates the user and signs in", "auth", Ceremony, &[], 200),
    r(R::LoginStart, Post, "/auth/login/start", "Passkey sign-in, step 1", "auth", Ceremony, &[], 200),
    r(R::LoginFinish, Post, "/auth/login/finish", "Passkey sign-in, step 2: sets the session cookie", "auth", Ceremony, &[], 200),
    r(R::Logout, Post, "/auth/logout", "Sign out: ends the session", "auth", Ceremony, &[], 200),
    r(R::PasskeyAddStart, Post, "/auth/passkeys/start", "Add a passkey to the signed-in user, step 1", "auth", Session, &[], 200),
    r(R::PasskeyAddFinish, Post, "/auth/passkeys/finish", "Add a passkey, step 2", "auth", Session, &[], 200),
    r(R::PasskeyRemove, Delete, "/auth/passkeys/{id}", "Remove one of the signed-in user's passkeys (not the last)", "auth", Session, &[], 204),
];

/// The table entry of `id`.
pub fn route(id: RouteId) -> &'static Route {
    ROUTES
        .iter()
        .find(|r| r.id == id)
        .expect("every RouteId has a ROUTES entry (checked by a test)")
}

/// `id`'s path with its `{…}` parameters filled from `params`, in order, each percent-encoded
/// as one path segment.
pub fn path(id: RouteId, params: &[&str]) -> String {
    let mut out = String::new();
    let mut params = params.iter();
    for (i, seg) in route(id).path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if seg.starts_with('{') && seg.ends_with('}') {
            out.push_str(&encode_segment(params.next().copied().unwrap_or_default()));
        } else {
            out.push_str(seg);
        }
    }
    out
}

fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The handler of `id`, on its method.
fn handler(id: RouteId) -> MethodRouter<AppState> {
    match id {
        R::Ingest => ingest::one(),
        R::IngestBatch => ingest::batch(),
        R::TraceIngest => post(traces::ingest_one),
        R::TraceBatch => post(traces::ingest_batch),
        R::TraceUpdate => put(traces::update),
        R::OtlpTraces => post(traces::otlp),
        R::ProxyOpenAi => any(proxy::openai),
        R::ProxyAnthropic => any(proxy::anthropic),
        R::LlmOverview
        | R::LlmUsage
        | R::LlmLatency
        | R::LlmModels
        | R::LlmTools
        | R::LlmPrompts
        | R::LlmCompare
        | R::LlmBudget
        | R::LlmSetBudget
        | R::LlmTraces
        | R::LlmTrace
        | R::LlmSearch
        | R::LlmSessions
        | R::LlmSession
        | R::LlmScores
        | R::LlmAddScore
        | R::LlmScoreSummary
        | R::LlmAddFeedback
        | R::LlmFeedback
        | R::LlmExport
        | R::LlmSettings
        | R::LlmPutSettings
        | R::LlmPrices
        | R::LlmSetPrice
        | R::LlmDeletePrice => llm::handler(id),
        R::Health => get(health::health),
        R::OpenApi => get(openapi::serve),
        R::ListErrors => get(query::list_errors),
        R::ErrorDetail => get(query::error_detail),
        R::Occurrences => get(query::occurrences),
        R::ErrorTrend => get(query::error_trend),
        R::ErrorHistory => get(query::error_history),
        // Indexes into `query::STATUS_ACTIONS`.
        R::Resolve => post(query::change_status::<0>),
        R::Ignore => post(query::change_status::<1>),
        R::Mute => post(query::change_status::<2>),
        R::Unresolve => post(query::change_status::<3>),
        R::Assign => post(query::assign),
        R::ListNotes => get(query::list_notes),
        R::AddNote => post(query::add_note),
        R::BulkStatus => patch(query::bulk_status),
        R::ListReleases => get(query::list_releases),
        R::ReleaseErrors => get(query::release_errors),
        R::Trends => get(query::trends),
        R::AnalyticsSpikes => get(analytics::spikes),
        R::AnalyticsMovers => get(analytics::movers),
        R::AnalyticsCorrelations => get(analytics::correlations),
        R::AnalyticsReleases => get(analytics::releases),
        R::AnalyticsEnvironments => get(analytics::environments),
        R::UploadSourcemaps => post(sourcemaps::upload),
        R::ListSourcemaps => get(sourcemaps::list),
        R::DeleteSourcemap => delete(sourcemaps::delete_one),
        R::DeleteReleaseSourcemaps => delete(sourcemaps::delete_release),
        R::Stats => get(query::stats),
        R::ListProjects => get(admin::list_projects),
        R::CreateProject => post(admin::create_project),
        R::ShowProject => get(admin::show_project),
        R::UpdateProject => patch(admin::update_project),
        R::DeleteProject => delete(admin::delete_project),
        R::ListKeys => get(admin::list_keys),
        R::CreateKey => post(admin::create_key),
        R::RotateKey => post(admin::rotate_key),
        R::RevokeKey => delete(admin::revoke_key),
        R::ListTokens => get(admin::list_tokens),
        R::CreateToken => post(admin::create_token),
        R::RevokeToken => delete(admin::revoke_token),
        R::ListUsers => get(users::list_users),
        R::SetUserRole => put(users::set_role),
        R::RemoveUser => delete(users::remove_user),
        R::ListInvites => get(users::list_invites),
        R::CreateInvite => post(users::create_invite),
        R::RevokeInvite => delete(users::revoke_invite),
        R::Me => get(users::me),
        R::GetRetention => get(admin::get_retention),
        R::PutRetention => put(admin::put_retention),
        R::GetScrubbing => get(admin::get_scrubbing),
        R::PutScrubbing => put(admin::put_scrubbing),
        R::Purge | R::Prune => post(admin::prune),
        R::ListAlerts => get(alerts::list),
        R::CreateAlert => post(alerts::create),
        R::ShowAlert => get(alerts::show),
        R::ReplaceAlert => put(alerts::replace),
        R::UpdateAlert => patch(alerts::update),
        R::DeleteAlert => delete(alerts::remove),
        R::EnableAlert => post(alerts::enable),
        R::DisableAlert => post(alerts::disable),
        R::TestAlert => post(alerts::test),
        R::AlertDeliveries => get(alerts::deliveries),
        R::RegisterStart => post(passkeys::register_start),
        R::RegisterFinish => post(passkeys::register_finish),
        R::LoginStart => post(passkeys::login_start),
        R::LoginFinish => post(passkeys::login_finish),
        R::Logout => post(passkeys::logout),
        R::PasskeyAddStart => post(passkeys::add_start),
        R::PasskeyAddFinish => post(passkeys::add_finish),
        R::PasskeyRemove => delete(passkeys::remove_passkey),
    }
}

/// Every route of [`ROUTES`] on its handler (methods on one path share one entry).
pub fn api_router() -> Router<AppState> {
    ROUTES
        .iter()
        .filter(|r| !r.long())
        .fold(Router::new(), |router, r| {
            router.route(r.path, handler(r.id))
        })
}

/// The Sentry protocol's endpoints (`server::sentry`): a compatibility surface for Sentry SDKs,
/// outside bloop's own API and its OpenAPI document. `{project}` is the DSN's number.
pub fn sentry_router() -> Router<AppState> {
    Router::new()
        .route("/api/{project}/envelope/", super::sentry::endpoint())
        .route("/api/{project}/envelope", super::sentry::endpoint())
        .route("/api/{project}/store/", super::sentry::endpoint())
        .route("/api/{project}/store", super::sentry::endpoint())
}

/// The routes whose answers may take longer than `server.request_timeout_secs` (the LLM
/// proxy), kept out of the request timeout.
pub fn long_router() -> Router<AppState> {
    ROUTES
        .iter()
        .filter(|r| r.long())
        .fold(Router::new(), |router, r| {
            router.route(r.path, handler(r.id))
        })
}

impl Route {
    /// Answered over minutes, not seconds: see [`long_router`].
    pub fn long(&self) -> bool {
        matches!(self.id, RouteId::ProxyOpenAi | RouteId::ProxyAnthropic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_unique_and_every_id_is_listed() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.verb, r.path)),
                "{} {} twice",
                r.verb.as_str(),
                r.path
            );
            assert_eq!(
                ROUTES.iter().filter(|o| o.id == r.id).count(),
                1,
                "{:?}",
                r.id
            );
            assert_eq!(r.verb.method().as_str(), r.verb.as_str());
        }
        // `route` finds each (it panics on an id without an entry).
        for r in ROUTES {
            assert_eq!(route(r.id).path, r.path);
        }
    }

    #[test]
    fn paths_are_filled_segment_by_segment() {
        assert_eq!(path(R::ErrorDetail, &["00ff"]), "/v1/errors/00ff");
        assert_eq!(
            path(R::ReleaseErrors, &["2.0 beta/1"]),
            "/v1/releases/2.0%20beta%2F1/errors"
        );
        assert_eq!(path(R::ListErrors, &[]), "/v1/errors");
    }

    /// The other direction of "documented = served": no machine route is declared anywhere but
    /// in this table. The dashboard's HTML pages are the one other router.
    #[test]
    fn no_route_is_declared_outside_the_table() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        let mut offenders = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|e| e != "rs")
                    || p.ends_with("server/routes.rs")
                    || p.ends_with("dashboard/mod.rs")
                {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                if text.contains(".route(") {
                    offenders.push(p.display().to_string());
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "routes declared outside routes.rs: {offenders:?}"
        );
        // The dashboard declares pages only: nothing under the machine prefixes.
        let dash = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/dashboard/mod.rs"),
        )
        .unwrap();
        let pages: Vec<&str> = dash
            .split(".route(")
            .skip(1)
            .filter_map(|rest| rest.trim_start().strip_prefix('"')?.split('"').next())
            .collect();
        assert!(pages.len() >= 10, "{pages:?}");
        for page in pages {
            for prefix in ["/v1/", "/auth/", "/health", "/api/", "/otlp/"] {
                assert!(
                    !page.starts_with(prefix),
                    "{page} is served by the dashboard"
                );
            }
        }
    }
}
