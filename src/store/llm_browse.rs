//! LLM queries for browsing: traces (list with filters, sorts and paging; one trace with its span
//! tree, scores and feedback; full-text search), sessions (list and one), scores and user
//! feedback (record, list, summarise), and the traces an export covers. The same functions
//! answer the API (`/v1/llm/…`) and `bloop llm` on the local database; their PostgreSQL twins
//! (`store::pg::llm_browse`) share every check, summary and answer built here (the `pub(crate)`
//! pieces), only the SQL differs.
//!
//! Not here: usage, latency and prompt statistics (`llm_usage`), settings and prices
//! (`llm_admin`), the export formats themselves (`crate::llm::export`), and writes of traces
//! (`traces`, the writer thread's side).
//!
//! Every read is bounded: traces by `(project_id, started_at)`, one trace by `(project_id, id)`,
//! sessions by `llm_traces_session`, spans by their key `(trace_pk, id)`, search by the FTS
//! index; what a filter cannot narrow by index (cost, latency, errors, a span's model) is
//! checked on the traces of the window, one pass for the count and one for the page (see
//! `scope` for how "every project" is read). Spans are only read for one trace at a time.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::llm_query::{invalid, LlmParams, Window, DAY_MS, HOUR_MS};
use super::{now_ms, StoreError};

/// How deep the span tree nests: a span deeper than this hangs under its ancestor at this depth
/// (its `parent_span_id` still names its real parent). Keeps every JSON answer well inside the
/// nesting limits of JSON parsers (serde_json: 128) and every walk over the tree shallow.
pub const MAX_TREE_DEPTH: usize = 40;

/// Traces a session detail lists (its totals count them all).
pub const SESSION_TRACES: i64 = 1000;

/// Longest search text, in characters, and most words.
const MAX_QUERY_CHARS: usize = 500;
const MAX_QUERY_WORDS: usize = 32;

const MAX_SCORE_NAME: usize = 100;
const MAX_COMMENT: usize = 2000;
const MAX_FEEDBACK_USER: usize = 200;

/// One trace in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TraceRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// completed | error | running | any short string the client sent.
    pub status: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    /// The model of the trace's first span that names one.
    pub model: Option<String>,
    pub prompt_name: Option<String>,
    pub prompt_version: Option<String>,
    /// Epoch ms.
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// `ended_at - started_at`; null while the trace has not ended.
    pub latency_ms: Option<i64>,
    pub span_count: i64,
    pub error_spans: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    /// Micro-dollars; null: no span could be priced ("unpriced"), never 0 for unknown.
    pub cost_micros: Option<i64>,
    /// Spans with a model or tokens and no price.
    pub unpriced_spans: i64,
}

/// One span, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpanRow {
    pub id: String,
    pub parent_span_id: Option<String>,
    /// generation | tool | retrieval | agent | embedding | chain | custom | …
    pub span_type: String,
    pub name: String,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    /// Whether `input_tokens` already counts the cache reads and writes (OpenAI, OpenTelemetry)
    /// or they come on top (Anthropic).
    pub input_includes_cache: bool,
    /// Micro-dollars; null: unpriced.
    pub cost_micros: Option<i64>,
    /// client | table | global_override | project_override
    pub cost_source: Option<String>,
    pub latency_ms: Option<i64>,
    pub ttft_ms: Option<i64>,
    /// ok | error
    pub status: String,
    pub error_message: Option<String>,
    /// Absent under the content policies `none` and `metadata_only`.
    pub input: Option<String>,
    pub output: Option<String>,
    /// The span's metadata object (absent under the content policy `none`).
    pub metadata: Option<Value>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
}

/// A span in the tree: its fields and its children, ordered by start time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpanNode {
    #[serde(flatten)]
    pub span: SpanRow,
    pub children: Vec<SpanNode>,
}

/// One trace with its content, span tree, scores and feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TraceDetail {
    #[serde(flatten)]
    pub trace: TraceRow,
    pub input: Option<String>,
    pub output: Option<String>,
    pub metadata: Option<Value>,
    /// Root spans (no parent, or a parent that is not in the trace) with their children.
    pub spans: Vec<SpanNode>,
    pub scores: Vec<Score>,
    pub feedback: Vec<Feedback>,
}

/// A score given to a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Score {
    pub id: i64,
    pub trace_id: String,
    pub project_id: String,
    pub name: String,
    /// From 0 to 1.
    pub value: f64,
    pub comment: Option<String>,
    pub created_at: i64,
}

/// `POST /v1/llm/traces/{id}/scores`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewScore {
    /// 1 to 100 characters.
    pub name: String,
    /// A finite number from 0 to 1.
    pub value: f64,
    /// At most 2,000 characters.
    pub comment: Option<String>,
}

/// User feedback on a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Feedback {
    pub id: i64,
    pub trace_id: String,
    pub project_id: String,
    /// 1 (up) or -1 (down).
    pub rating: i64,
    pub comment: Option<String>,
    pub user_id: Option<String>,
    pub created_at: i64,
}

/// `POST /v1/llm/traces/{id}/feedback`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewFeedback {
    /// 1 or -1; also "up"/"down", "+1"/"-1", true/false.
    pub rating: Value,
    /// At most 2,000 characters.
    pub comment: Option<String>,
    /// Who gave it, at most 200 characters.
    pub user_id: Option<String>,
}

/// Scores of one name over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoreSummary {
    pub name: String,
    pub count: i64,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// Counts in ten bins: [0, 0.1), [0.1, 0.2), …, [0.9, 1.0] (1.0 falls in the last).
    pub histogram: [i64; 10],
}

/// Feedback over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FeedbackSummary {
    pub up: i64,
    pub down: i64,
    pub total: i64,
    /// `up / total`; null without feedback.
    pub positive_rate: Option<f64>,
    /// The latest 20, newest first.
    pub recent: Vec<Feedback>,
}

/// One session in a list (active in the window; totals over all its traces).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionRow {
    pub session_id: String,
    pub project_id: String,
    #[serde(flatten)]
    pub totals: SessionTotals,
}

/// What a session's traces add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionTotals {
    pub traces: i64,
    /// Distinct user ids.
    pub users: i64,
    /// First trace start (epoch ms).
    pub first_at: i64,
    /// Last activity: the latest end (or start, for a trace not ended).
    pub last_at: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Micro-dollars; null when nothing could be priced.
    pub cost_micros: Option<i64>,
    pub unpriced_spans: i64,
    /// Traces with an error span or the status `error`.
    pub error_traces: i64,
}

/// One session: totals over all its traces, and its traces in start order (the first 1,000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionDetail {
    pub session_id: String,
    pub project_id: String,
    pub totals: SessionTotals,
    pub traces: Vec<TraceRow>,
}

/// A trace as an export sees it: its row, content and flat spans in start order.
#[derive(Debug, Clone)]
pub struct ExportTrace {
    pub trace: TraceRow,
    pub input: Option<String>,
    pub output: Option<String>,
    pub metadata: Option<Value>,
    pub spans: Vec<SpanRow>,
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

pub(crate) const TRACE_COLS: &str =
    "t.id, t.project_id, t.name, t.status, t.session_id, t.user_id, t.model,
    t.prompt_name, t.prompt_version, t.started_at, t.ended_at, t.span_count, t.error_spans,
    t.input_tokens, t.output_tokens, t.cache_read_tokens, t.cache_write_tokens, t.cost_micros,
    t.unpriced_spans";

/// `ended_at - started_at` while a trace has ended (a row's `latency_ms`).
pub(crate) fn latency(started_at: i64, ended_at: Option<i64>) -> Option<i64> {
    ended_at.map(|e| e.saturating_sub(started_at))
}

fn trace_row(r: &Row<'_>) -> rusqlite::Result<TraceRow> {
    let started_at: i64 = r.get(9)?;
    let ended_at: Option<i64> = r.get(10)?;
    Ok(TraceRow {
        id: r.get(0)?,
        project_id: r.get(1)?,
        name: r.get(2)?,
        status: r.get(3)?,
        session_id: r.get(4)?,
        user_id: r.get(5)?,
        model: r.get(6)?,
        prompt_name: r.get(7)?,
        prompt_version: r.get(8)?,
        started_at,
        ended_at,
        latency_ms: latency(started_at, ended_at),
        span_count: r.get(11)?,
        error_spans: r.get(12)?,
        input_tokens: r.get(13)?,
        output_tokens: r.get(14)?,
        cache_read_tokens: r.get(15)?,
        cache_write_tokens: r.get(16)?,
        cost_micros: r.get(17)?,
        unpriced_spans: r.get(18)?,
    })
}

/// ` AND {col} IN (…)` for the projects `p` may read.
///
/// Without a restriction (every project) there are two ways to read a window, and which one is
/// cheap depends on the query: `via_index` enumerates the projects (`IN (SELECT id FROM
/// projects)`) so that the `(project_id, …)` indexes serve a selective filter (a session, a
/// user, one id) or a newest-first page (SQLite reads the page's rows only); otherwise nothing is
/// added and SQLite reads the table in order, which beats an index walk with a row lookup per
/// trace when most traces are looked at anyway (a sort by cost, an error filter) — at 200,000
/// traces, 60 ms against 600 ms.
fn scope(p: &LlmParams, col: &str, args: &mut Vec<SqlValue>, via_index: bool) -> String {
    match p.projects {
        None if via_index => format!(" AND {col} IN (SELECT id FROM projects)"),
        None => String::new(),
        Some(_) => p.project_sql(col, args),
    }
}

/// Stored JSON text as a value (text that is not JSON, or too deep to parse, stays a string).
pub(crate) fn parse_json(s: Option<String>) -> Option<Value> {
    s.map(|s| serde_json::from_str(&s).unwrap_or(Value::String(s)))
}

/// The user's words as an FTS5 query that can never be a syntax error: every word of
/// [`search_words`] becomes a quoted string (inner quotes doubled), so operators (`AND`, `OR`,
/// `NOT`, `NEAR`), `*`, `-`, `^`, `:` and parentheses are plain text; words are ANDed.
pub fn fts_query(q: &str, field: &str) -> Result<String, StoreError> {
    Ok(search_words(q, field)?
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" "))
}

/// The words of a search, each of which must match: split at white space and control
/// characters; a word with no letter or digit is dropped (it could not match a token anyway).
/// Too long, too many words, or nothing left is an error naming `field`.
pub(crate) fn search_words(q: &str, field: &str) -> Result<Vec<String>, StoreError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid(
            field,
            format!("`{field}` is at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    // Control characters (NUL ends an FTS5 string early) separate words like spaces.
    let q: String = q
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<String> = q
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return Err(invalid(
            field,
            format!("`{field}` needs at least one word with a letter or digit"),
        ));
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(invalid(
            field,
            format!("`{field}` has at most {MAX_QUERY_WORDS} words"),
        ));
    }
    Ok(words)
}

/// Finds trace `id` among the projects `p` reads: its pk. Several → 409 asking for
/// `project`; none → 404.
fn find_trace(conn: &Connection, p: &LlmParams, id: &str) -> Result<i64, StoreError> {
    let mut args = vec![SqlValue::Text(id.to_string())];
    let sql = format!(
        "SELECT t.pk, t.project_id FROM llm_traces t WHERE t.id = ?{} ORDER BY t.project_id LIMIT 5",
        scope(p, "t.project_id", &mut args, true)
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(the_one(found, "trace", id)?.0)
}

/// The one `(value, project)` row an id lookup found: none → 404, several → 409 asking for
/// `project`.
pub(crate) fn the_one<T>(
    found: Vec<(T, String)>,
    what: &str,
    id: &str,
) -> Result<(T, String), StoreError> {
    if found.len() > 1 {
        let projects: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
        return Err(StoreError::Conflict(format!(
            "{what} `{id}` exists in projects {}: pass `project` to choose",
            projects.join(", ")
        )));
    }
    found
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("no LLM {what} `{id}`")))
}

/// `limit` (1..200, default 50) and `offset` of a paged list.
pub(crate) fn page(p: &LlmParams) -> Result<(u32, u32), StoreError> {
    Ok((
        p.u32_in("limit", 1, 200, 50)?,
        p.u32_in("offset", 0, u32::MAX, 0)?,
    ))
}

// ---------------------------------------------------------------------------------------------
// Traces

pub(crate) const TRACE_FILTERS: &[&str] = &[
    "since",
    "until",
    "session",
    "user",
    "status",
    "model",
    "prompt",
    "prompt_version",
    "min_cost",
    "min_latency",
    "has_error",
    "q",
    "sort",
    "limit",
    "offset",
];

/// `GET /v1/llm/traces`: traces started in the window (default 30 days), filtered:
/// - `session`, `user`, `status`, `prompt`, `prompt_version` (needs `prompt`): exact matches;
/// - `model`: the trace has a span whose model is exactly this (any span, not only the first);
/// - `min_cost` (USD): priced at least this (unpriced traces never match);
/// - `min_latency` (ms): ended, and took at least this;
/// - `has_error`: an error span or the status `error` (false: neither);
/// - `q`: full-text search (see [`fts_query`]);
///
/// sorted `newest` (default) | `oldest` | `cost` (unpriced last) | `latency` (unfinished last),
/// `limit` 1..200 (default 50) from `offset`. Answers (rows, total matching).
pub fn traces(conn: &Connection, p: &LlmParams) -> Result<(Vec<TraceRow>, i64), StoreError> {
    p.only(TRACE_FILTERS)?;
    list_traces(conn, p, p.str("q").map(|q| fts_query(q, "q")).transpose()?)
}

/// The parameters `GET /v1/llm/search` takes.
pub(crate) const SEARCH_PARAMS: &[&str] = &["since", "until", "q", "limit", "offset"];

/// `GET /v1/llm/search`: traces whose names, error messages or stored content hold every word
/// of `q` (required), newest first, paged.
pub fn search(conn: &Connection, p: &LlmParams) -> Result<(Vec<TraceRow>, i64), StoreError> {
    p.only(SEARCH_PARAMS)?;
    let q = fts_query(p.required("q")?, "q")?;
    list_traces(conn, p, Some(q))
}

/// Traces of one model in a window from which a page is found by walking the window in time
/// order (see [`list_traces`]).
const MANY_OF_A_MODEL: i64 = 1_000;

/// Traces of one project in a window from which a page by cost or duration is read from the
/// front of that index (see [`list_traces`]).
const BY_VALUE_FROM_INDEX: i64 = 2_000;

/// A trace list's window, filters, sort and page, checked (a bad one named, in this order).
pub(crate) struct TraceQuery<'a> {
    pub window: Window,
    /// newest | oldest | cost | latency
    pub sort: &'static str,
    pub limit: u32,
    pub offset: u32,
    pub session: Option<&'a str>,
    pub user: Option<&'a str>,
    pub status: Option<&'a str>,
    pub prompt: Option<&'a str>,
    pub prompt_version: Option<&'a str>,
    pub model: Option<&'a str>,
    /// Micro-dollars.
    pub min_cost: Option<i64>,
    /// Milliseconds.
    pub min_latency: Option<i64>,
    pub has_error: Option<bool>,
}

impl<'a> TraceQuery<'a> {
    pub(crate) fn of(p: &'a LlmParams) -> Result<Self, StoreError> {
        let window = p.window(30 * DAY_MS)?;
        let sort = p.choice("sort", &["newest", "oldest", "cost", "latency"], "newest")?;
        let (limit, offset) = page(p)?;
        let has_error = p.bool("has_error")?;
        if p.str("prompt_version").is_some() && p.str("prompt").is_none() {
            return Err(invalid(
                "prompt_version",
                "`prompt_version` needs `prompt` (the prompt's name)",
            ));
        }
        let min_cost = p
            .non_negative("min_cost")?
            .map(|c| (c * 1e6).round().min(i64::MAX as f64) as i64);
        let min_latency = p
            .non_negative("min_latency")?
            .map(|ms| ms.ceil().min(i64::MAX as f64) as i64);
        Ok(TraceQuery {
            window,
            sort,
            limit,
            offset,
            session: p.str("session"),
            user: p.str("user"),
            status: p.str("status"),
            prompt: p.str("prompt"),
            prompt_version: p.str("prompt_version"),
            model: p.str("model"),
            min_cost,
            min_latency,
            has_error,
        })
    }

    /// The equality filters: (column, value).
    pub(crate) fn equal(&self) -> [(&'static str, Option<&'a str>); 5] {
        [
            ("t.session_id", self.session),
            ("t.user_id", self.user),
            ("t.status", self.status),
            ("t.prompt_name", self.prompt),
            ("t.prompt_version", self.prompt_version),
        ]
    }

    /// The condition of `has_error`, if given.
    pub(crate) fn error_sql(&self) -> Option<&'static str> {
        self.has_error.map(|e| {
            if e {
                " AND (t.error_spans > 0 OR t.status = 'error')"
            } else {
                " AND NOT (t.error_spans > 0 OR t.status = 'error')"
            }
        })
    }
}

fn list_traces(
    conn: &Connection,
    p: &LlmParams,
    fts: Option<String>,
) -> Result<(Vec<TraceRow>, i64), StoreError> {
    let tq = TraceQuery::of(p)?;
    let (w, sort, limit, offset) = (tq.window, tq.sort, tq.limit, tq.offset);
    let mut args: Vec<SqlValue> = vec![w.since.into(), w.until.into()];
    let mut sql = String::from("t.started_at >= ? AND t.started_at < ?");
    // Indexed: a session, user or prompt, failed traces (`llm_traces_errors`, migration 0012);
    // or a plain page in time order (see `scope`).
    let failed_only = tq.has_error == Some(true);
    let selective = failed_only || tq.session.is_some() || tq.user.is_some() || tq.prompt.is_some();
    let residual = fts.is_some()
        || tq.status.is_some()
        || tq.model.is_some()
        || tq.min_cost.is_some()
        || tq.min_latency.is_some()
        || tq.has_error.is_some();
    let in_time_order = matches!(sort, "newest" | "oldest");
    let by_model = tq.model.is_some();
    sql.push_str(&scope(
        p,
        "t.project_id",
        &mut args,
        selective || (in_time_order && (!residual || by_model)),
    ));
    for (col, v) in tq.equal() {
        if let Some(v) = v {
            sql.push_str(&format!(" AND {col} = ?"));
            args.push(SqlValue::Text(v.to_string()));
        }
    }
    // Any span of the trace used the model: counted from the `llm_spans_model` index
    // (model, trace_pk), which does not probe every trace of the window.
    const MODEL_IN: &str = " AND t.pk IN (SELECT s.trace_pk FROM llm_spans s WHERE s.model = ?)";
    if let Some(m) = tq.model {
        sql.push_str(MODEL_IN);
        args.push(SqlValue::Text(m.to_string()));
    }
    if let Some(c) = tq.min_cost {
        sql.push_str(" AND t.cost_micros >= ?");
        args.push(SqlValue::Integer(c));
    }
    if let Some(ms) = tq.min_latency {
        sql.push_str(" AND t.ended_at IS NOT NULL AND t.ended_at - t.started_at >= ?");
        args.push(SqlValue::Integer(ms));
    }
    if let Some(e) = tq.error_sql() {
        sql.push_str(e);
    }
    if let Some(q) = fts {
        sql.push_str(" AND t.pk IN (SELECT rowid FROM llm_search WHERE llm_search MATCH ?)");
        args.push(SqlValue::Text(q));
    }
    let total: i64 = conn
        .prepare(&format!("SELECT count(*) FROM llm_traces t WHERE {sql}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    // NULLs sort last in a descending order: unpriced (or unfinished) traces come after the
    // rest, as the orders match `llm_traces_cost` / `llm_traces_duration` (migration 0017).
    let order = match sort {
        "oldest" => "t.started_at ASC, t.pk ASC",
        "cost" => "t.cost_micros DESC, t.started_at DESC, t.pk DESC",
        "latency" => "(t.ended_at - t.started_at) DESC, t.started_at DESC, t.pk DESC",
        _ => "t.started_at DESC, t.pk DESC",
    };
    // One project's page by cost or duration over a window holding many traces: read from the
    // front of the cost (duration) index, the window checked on each row (`+` keeps SQLite from
    // walking the time index and sorting the whole window instead: 0.2 ms against 500 ms at
    // 200,000 traces). Few traces in the window: the time index reads them all at once.
    if matches!(sort, "cost" | "latency")
        && p.projects.as_ref().is_some_and(|ps| ps.len() == 1)
        && !selective
        && total >= BY_VALUE_FROM_INDEX
    {
        sql = sql.replacen(
            "t.started_at >= ? AND t.started_at < ?",
            "+t.started_at >= ? AND +t.started_at < ?",
            1,
        );
    }
    // A page in time order of a model with many traces in the window: walking the traces in
    // that order and probing each for a span of the model finds the page in a few hundred
    // probes (measured at 1,000,000 spans: 0.8 ms against 107 ms for gathering every trace of
    // the model and sorting them). A rarer model keeps the gathering plan.
    if by_model && in_time_order && total >= MANY_OF_A_MODEL {
        sql = sql.replace(
            MODEL_IN,
            " AND EXISTS (SELECT 1 FROM llm_spans s WHERE s.model = ? AND s.trace_pk = t.pk)",
        );
    }
    args.push(SqlValue::Integer(limit.into()));
    args.push(SqlValue::Integer(offset.into()));
    let rows = conn
        .prepare(&format!(
            "SELECT {TRACE_COLS} FROM llm_traces t WHERE {sql} ORDER BY {order} LIMIT ? OFFSET ?"
        ))?
        .query_map(params_from_iter(args), trace_row)?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// `GET /v1/llm/traces/{id}`: the trace with its content, span tree, scores and feedback.
pub fn trace(conn: &Connection, p: &LlmParams, id: &str) -> Result<TraceDetail, StoreError> {
    p.only(&[])?;
    let pk = find_trace(conn, p, id)?;
    let (trace, input, output, metadata) = trace_by_pk(conn, pk)?;
    let spans = spans_of(conn, pk)?;
    Ok(TraceDetail {
        scores: scores_by_pk(conn, pk)?,
        feedback: feedback_by_pk(conn, pk)?,
        trace,
        input,
        output,
        metadata,
        spans: tree(spans),
    })
}

pub(crate) type TraceWithContent = (TraceRow, Option<String>, Option<String>, Option<Value>);

fn trace_by_pk(conn: &Connection, pk: i64) -> Result<TraceWithContent, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {TRACE_COLS}, t.input, t.output, t.metadata FROM llm_traces t WHERE t.pk = ?"
        ))?
        .query_row([pk], |r| {
            Ok((
                trace_row(r)?,
                r.get(19)?,
                r.get(20)?,
                parse_json(r.get(21)?),
            ))
        })?)
}

/// The columns of an `llm_spans` row in the order [`SpanRow`] is read (and the writer's
/// re-pricing reads them too).
pub const SPAN_COLS: &str = "id, parent_span_id, span_type, name, model, provider, input_tokens,
    output_tokens, cache_read_tokens, cache_write_tokens, input_includes_cache, cost_micros,
    cost_source, latency_ms, ttft_ms, status, error_message, input, output, metadata, started_at,
    ended_at";

/// The spans of trace `pk` in start order.
fn spans_of(conn: &Connection, pk: i64) -> Result<Vec<SpanRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SPAN_COLS} FROM llm_spans WHERE trace_pk = ? ORDER BY started_at, id"
        ))?
        .query_map([pk], |r| {
            Ok(SpanRow {
                id: r.get(0)?,
                parent_span_id: r.get(1)?,
                span_type: r.get(2)?,
                name: r.get(3)?,
                model: r.get(4)?,
                provider: r.get(5)?,
                input_tokens: r.get(6)?,
                output_tokens: r.get(7)?,
                cache_read_tokens: r.get(8)?,
                cache_write_tokens: r.get(9)?,
                input_includes_cache: r.get(10)?,
                cost_micros: r.get(11)?,
                cost_source: r.get(12)?,
                latency_ms: r.get(13)?,
                ttft_ms: r.get(14)?,
                status: r.get(15)?,
                error_message: r.get(16)?,
                input: r.get(17)?,
                output: r.get(18)?,
                metadata: parse_json(r.get(19)?),
                started_at: r.get(20)?,
                ended_at: r.get(21)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

/// For each span (in `spans`' order) the index of the span it hangs under in the tree: its
/// parent when the parent is in the trace, not itself, not in a cycle, and the tree is not
/// deeper than [`MAX_TREE_DEPTH`] there; else its nearest ancestor that keeps the depth in
/// bounds, or none (a root). Linear and without recursion, whatever the parent links are.
fn tree_parents(spans: &[SpanRow]) -> Vec<Option<usize>> {
    let n = spans.len();
    let index: HashMap<&str, usize> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let parent: Vec<Option<usize>> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.parent_span_id
                .as_deref()
                .and_then(|p| index.get(p).copied())
                .filter(|&p| p != i)
        })
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = p {
            if let Some(c) = children.get_mut(*p) {
                c.push(i);
            }
        }
    }
    // Walk down from the roots; what is never reached sits on a cycle (or under one): its
    // earliest unreached span becomes a root and the walk goes on from there.
    let mut placed: Vec<Option<usize>> = vec![None; n];
    let mut depth = vec![0usize; n];
    let mut seen = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut starts = (0..n).filter(|&i| parent[i].is_none()).collect::<Vec<_>>();
    starts.reverse();
    let mut next_unreached = 0;
    loop {
        let root = match starts.pop() {
            Some(r) => r,
            None => {
                while next_unreached < n && seen[next_unreached] {
                    next_unreached += 1;
                }
                if next_unreached == n {
                    break;
                }
                next_unreached
            }
        };
        if seen[root] {
            continue;
        }
        seen[root] = true;
        stack.push(root);
        while let Some(at) = stack.pop() {
            for &c in children[at].iter().rev() {
                if seen[c] {
                    continue;
                }
                seen[c] = true;
                let (under, d) = if depth[at] + 1 < MAX_TREE_DEPTH {
                    (Some(at), depth[at] + 1)
                } else {
                    (placed[at], depth[at])
                };
                placed[c] = under;
                depth[c] = d;
                stack.push(c);
            }
        }
    }
    placed
}

/// A trace's span tree as indexes into its spans (in start order), as the trace detail and the
/// exports show it.
pub struct TreeIndex {
    /// Each span's parent in the tree (see [`tree_parents`]); none for a root.
    pub parent: Vec<Option<usize>>,
    /// The roots, in start order.
    pub roots: Vec<usize>,
    /// Each span's children, in start order.
    pub children: Vec<Vec<usize>>,
}

impl TreeIndex {
    pub fn of(spans: &[SpanRow]) -> Self {
        let parent = tree_parents(spans);
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some(p) => children[*p].push(i),
                None => roots.push(i),
            }
        }
        TreeIndex {
            parent,
            roots,
            children,
        }
    }
}

/// The spans (in start order) as a tree: roots and children in start order.
pub fn tree(spans: Vec<SpanRow>) -> Vec<SpanNode> {
    let n = spans.len();
    let TreeIndex {
        roots,
        children: mut kids,
        ..
    } = TreeIndex::of(&spans);
    // A pre-order of the tree; nodes are then built in reverse, so every child is complete
    // before its parent takes it (no recursion).
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(kids[i].iter().rev().copied());
    }
    let mut slots: Vec<Option<SpanRow>> = spans.into_iter().map(Some).collect();
    let mut built: Vec<Option<SpanNode>> = (0..n).map(|_| None).collect();
    for &i in order.iter().rev() {
        let children = std::mem::take(&mut kids[i])
            .into_iter()
            .filter_map(|c| built[c].take())
            .collect();
        if let Some(span) = slots[i].take() {
            built[i] = Some(SpanNode { span, children });
        }
    }
    roots.iter().filter_map(|&r| built[r].take()).collect()
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// [`SessionTotals`] columns of `llm_sessions s` (read by [`session_totals`]).
pub(crate) const SESSION_COLS: &str = "s.traces, (SELECT count(*) FROM llm_session_users u
        WHERE u.project_id = s.project_id AND u.session_id = s.session_id),
    s.first_at, s.last_at, s.input_tokens, s.output_tokens,
    CASE WHEN s.cost_count > 0 THEN s.cost_micros END, s.unpriced_spans, s.error_traces";

fn session_totals(r: &Row<'_>, at: usize) -> rusqlite::Result<SessionTotals> {
    Ok(SessionTotals {
        traces: r.get(at)?,
        users: r.get(at + 1)?,
        first_at: r.get(at + 2)?,
        last_at: r.get(at + 3)?,
        input_tokens: r.get(at + 4)?,
        output_tokens: r.get(at + 5)?,
        cost_micros: r.get(at + 6)?,
        unpriced_spans: r.get(at + 7)?,
        error_traces: r.get(at + 8)?,
    })
}

/// `GET /v1/llm/sessions`: sessions active in the window (default 7 days: a trace of theirs
/// started or ended in it), latest activity first, with their totals over all their traces
/// (kept by the writer in `llm_sessions`). `user=` keeps sessions that user took part in.
pub fn sessions(conn: &Connection, p: &LlmParams) -> Result<(Vec<SessionRow>, i64), StoreError> {
    p.only(&["since", "until", "user", "limit", "offset"])?;
    let w = p.window(7 * DAY_MS)?;
    let (limit, offset) = page(p)?;
    let mut args: Vec<SqlValue> = vec![w.since.into(), w.until.into()];
    let mut sql = String::from("FROM llm_sessions s WHERE s.last_at >= ? AND s.first_at < ?");
    sql.push_str(&scope(p, "s.project_id", &mut args, true));
    if let Some(u) = p.str("user") {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM llm_session_users u WHERE u.project_id = s.project_id
                 AND u.session_id = s.session_id AND u.user_id = ?)",
        );
        args.push(SqlValue::Text(u.to_string()));
    }
    let total: i64 = conn
        .prepare(&format!("SELECT count(*) {sql}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    args.push(SqlValue::Integer(limit.into()));
    args.push(SqlValue::Integer(offset.into()));
    let rows = conn
        .prepare(&format!(
            // The page first, then its totals: the users count is a lookup per row, and
            // SQLite would make it for every session in the window before sorting.
            "WITH pg AS (SELECT s.project_id, s.session_id, s.last_at {sql}
                 ORDER BY s.last_at DESC, s.project_id, s.session_id LIMIT ? OFFSET ?)
             SELECT s.session_id, s.project_id, {SESSION_COLS}
             FROM pg JOIN llm_sessions s
                 ON s.project_id = pg.project_id AND s.session_id = pg.session_id
             ORDER BY pg.last_at DESC, pg.project_id, pg.session_id"
        ))?
        .query_map(params_from_iter(args), |r| {
            Ok(SessionRow {
                session_id: r.get(0)?,
                project_id: r.get(1)?,
                totals: session_totals(r, 2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// `GET /v1/llm/sessions/{id}`: totals over all the session's traces and its traces in start
/// order (the first [`SESSION_TRACES`]). In several readable projects → 409; none → 404.
pub fn session(conn: &Connection, p: &LlmParams, id: &str) -> Result<SessionDetail, StoreError> {
    p.only(&[])?;
    let mut args = vec![SqlValue::Text(id.to_string())];
    let sql = format!(
        "SELECT s.project_id, {SESSION_COLS} FROM llm_sessions s WHERE s.session_id = ?{}
         ORDER BY 1 LIMIT 5",
        scope(p, "s.project_id", &mut args, true)
    );
    let found = conn
        .prepare(&sql)?
        .query_map(params_from_iter(args), |r| {
            Ok((session_totals(r, 1)?, r.get(0)?))
        })?
        .collect::<Result<_, _>>()?;
    let (totals, project) = the_one(found, "session", id)?;
    let traces = conn
        .prepare_cached(&format!(
            "SELECT {TRACE_COLS} FROM llm_traces t WHERE t.project_id = ?1 AND t.session_id = ?2
             ORDER BY t.started_at, t.pk LIMIT ?3"
        ))?
        .query_map(rusqlite::params![project, id, SESSION_TRACES], trace_row)?
        .collect::<Result<_, _>>()?;
    Ok(SessionDetail {
        session_id: id.to_string(),
        project_id: project,
        totals,
        traces,
    })
}

// ---------------------------------------------------------------------------------------------
// Scores and feedback

/// A [`Score`] row (read by [`score_row`]) with its trace.
pub(crate) const SCORE_SELECT: &str = "SELECT s.id, t.id, t.project_id, s.name, s.value, s.comment,
    s.created_at FROM llm_scores s JOIN llm_traces t ON t.pk = s.trace_pk";

/// [`Feedback`] columns (read by [`feedback_row`]) and where they come from.
pub(crate) const FEEDBACK_COLS: &str =
    "f.id, t.id, t.project_id, f.rating, f.comment, f.user_id, f.created_at";
pub(crate) const FEEDBACK_FROM: &str = "FROM llm_feedback f JOIN llm_traces t ON t.pk = f.trace_pk";

fn scores_by_pk(conn: &Connection, pk: i64) -> Result<Vec<Score>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "{SCORE_SELECT} WHERE s.trace_pk = ? ORDER BY s.created_at, s.id"
        ))?
        .query_map([pk], score_row)?
        .collect::<Result<_, _>>()?)
}

fn score_row(r: &Row<'_>) -> rusqlite::Result<Score> {
    Ok(Score {
        id: r.get(0)?,
        trace_id: r.get(1)?,
        project_id: r.get(2)?,
        name: r.get(3)?,
        value: r.get(4)?,
        comment: r.get(5)?,
        created_at: r.get(6)?,
    })
}

fn feedback_by_pk(conn: &Connection, pk: i64) -> Result<Vec<Feedback>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {FEEDBACK_COLS} {FEEDBACK_FROM}
             WHERE f.trace_pk = ? ORDER BY f.created_at, f.id"
        ))?
        .query_map([pk], feedback_row)?
        .collect::<Result<_, _>>()?)
}

fn feedback_row(r: &Row<'_>) -> rusqlite::Result<Feedback> {
    Ok(Feedback {
        id: r.get(0)?,
        trace_id: r.get(1)?,
        project_id: r.get(2)?,
        rating: r.get(3)?,
        comment: r.get(4)?,
        user_id: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// `GET /v1/llm/traces/{id}/scores`.
pub fn scores(conn: &Connection, p: &LlmParams, trace_id: &str) -> Result<Vec<Score>, StoreError> {
    p.only(&[])?;
    let pk = find_trace(conn, p, trace_id)?;
    scores_by_pk(conn, pk)
}

fn object(body: &Value) -> Result<&serde_json::Map<String, Value>, StoreError> {
    body.as_object()
        .ok_or_else(|| invalid("body", "the body must be a JSON object"))
}

/// An optional string field of at most `max` characters (empty counts as absent).
fn opt_text(
    o: &serde_json::Map<String, Value>,
    field: &str,
    max: usize,
) -> Result<Option<String>, StoreError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => Err(invalid(
            field,
            format!("`{field}` is at most {max} characters"),
        )),
        Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.trim().is_empty())),
        Some(_) => Err(invalid(field, format!("`{field}` must be a string"))),
    }
}

/// `POST /v1/llm/traces/{id}/scores` with a [`NewScore`] body.
pub fn add_score(
    conn: &Connection,
    p: &LlmParams,
    trace_id: &str,
    body: &Value,
) -> Result<Score, StoreError> {
    p.only(&[])?;
    let (name, value, comment) = new_score(body)?;
    let pk = find_trace(conn, p, trace_id)?;
    conn.prepare_cached(
        "INSERT INTO llm_scores (trace_pk, name, value, comment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![pk, name, value, comment, now_ms()])?;
    let id = conn.last_insert_rowid();
    Ok(conn
        .prepare_cached(&format!("{SCORE_SELECT} WHERE s.id = ?"))?
        .query_row([id], score_row)?)
}

/// A [`NewScore`] body, checked: (name, value, comment).
pub(crate) fn new_score(body: &Value) -> Result<(String, f64, Option<String>), StoreError> {
    let o = object(body)?;
    let name = match o.get("name") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => return Err(invalid("name", "`name` must be a string")),
        None => return Err(invalid("name", "`name` is required")),
    };
    if name.is_empty() || name.chars().count() > MAX_SCORE_NAME {
        return Err(invalid(
            "name",
            format!("`name` must be 1 to {MAX_SCORE_NAME} characters"),
        ));
    }
    let value = match o.get("value") {
        Some(v) => v
            .as_f64()
            .filter(|v| v.is_finite() && (0.0..=1.0).contains(v))
            .ok_or_else(|| invalid("value", "`value` must be a number from 0 to 1"))?,
        None => return Err(invalid("value", "`value` is required")),
    };
    let comment = opt_text(o, "comment", MAX_COMMENT)?;
    Ok((name, value, comment))
}

/// A rating: 1 / -1 (numbers or strings, `+1` too), `up` / `down`, true / false.
fn rating(v: Option<&Value>) -> Result<i64, StoreError> {
    let bad = || {
        invalid(
            "rating",
            "`rating` must be 1 or -1 (also \"up\" or \"down\")",
        )
    };
    match v {
        None | Some(Value::Null) => Err(invalid("rating", "`rating` is required")),
        Some(Value::Bool(b)) => Ok(if *b { 1 } else { -1 }),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(1.0) => Ok(1),
            Some(-1.0) => Ok(-1),
            _ => Err(bad()),
        },
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "+1" | "up" => Ok(1),
            "-1" | "down" => Ok(-1),
            _ => Err(bad()),
        },
        Some(_) => Err(bad()),
    }
}

/// A [`NewFeedback`] body, checked: (rating, comment, user_id).
pub(crate) fn new_feedback(
    body: &Value,
) -> Result<(i64, Option<String>, Option<String>), StoreError> {
    let o = object(body)?;
    let rating = rating(o.get("rating"))?;
    let comment = opt_text(o, "comment", MAX_COMMENT)?;
    let user_id = opt_text(o, "user_id", MAX_FEEDBACK_USER)?;
    Ok((rating, comment, user_id))
}

/// `POST /v1/llm/traces/{id}/feedback` with a [`NewFeedback`] body.
pub fn add_feedback(
    conn: &Connection,
    p: &LlmParams,
    trace_id: &str,
    body: &Value,
) -> Result<Feedback, StoreError> {
    p.only(&[])?;
    let (rating, comment, user_id) = new_feedback(body)?;
    let pk = find_trace(conn, p, trace_id)?;
    conn.prepare_cached(
        "INSERT INTO llm_feedback (trace_pk, rating, comment, user_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![pk, rating, comment, user_id, now_ms()])?;
    let id = conn.last_insert_rowid();
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {FEEDBACK_COLS} {FEEDBACK_FROM} WHERE f.id = ?"
        ))?
        .query_row([id], feedback_row)?)
}

/// `GET /v1/llm/scores`: scores given in the window (default 30 days) to traces of the
/// readable projects, per name (or only `name`): count, mean, min, max and ten bins.
pub fn score_summary(conn: &Connection, p: &LlmParams) -> Result<Vec<ScoreSummary>, StoreError> {
    let w = score_window(p)?;
    let mut args: Vec<SqlValue> = vec![w.since.into(), w.until.into()];
    let mut sql = String::from(
        "SELECT s.name, min(CAST(s.value * 10 AS INTEGER), 9), count(*), sum(s.value),
                min(s.value), max(s.value)
         FROM llm_scores s JOIN llm_traces t ON t.pk = s.trace_pk
         WHERE s.created_at >= ? AND s.created_at < ?",
    );
    // Scores are read by time and their traces by key: enumerating projects would turn
    // the join around.
    sql.push_str(&scope(p, "t.project_id", &mut args, false));
    if let Some(n) = p.str("name") {
        sql.push_str(" AND s.name = ?");
        args.push(SqlValue::Text(n.to_string()));
    }
    sql.push_str(" GROUP BY s.name, 2 ORDER BY s.name, 2");
    let mut st = conn.prepare(&sql)?;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok(ScoreBin {
                name: r.get(0)?,
                bin: r.get(1)?,
                count: r.get(2)?,
                sum: r.get(3)?,
                min: r.get(4)?,
                max: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(summarise_scores(rows))
}

/// The scores of one name in one tenth of the range (`bin` 0..=9), as the summary reads them.
pub(crate) struct ScoreBin {
    pub name: String,
    pub bin: i64,
    pub count: i64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

/// Bins (ordered by name, a name's bins together) as one summary per name.
pub(crate) fn summarise_scores(bins: Vec<ScoreBin>) -> Vec<ScoreSummary> {
    let mut out: Vec<(ScoreSummary, f64)> = Vec::new();
    for ScoreBin {
        name,
        bin,
        count,
        sum,
        min,
        max,
    } in bins
    {
        if out.last().is_none_or(|(s, _)| s.name != name) {
            out.push((
                ScoreSummary {
                    name,
                    count: 0,
                    mean: 0.0,
                    min,
                    max,
                    histogram: [0; 10],
                },
                0.0,
            ));
        }
        if let Some((s, total)) = out.last_mut() {
            s.count += count;
            *total += sum;
            s.min = s.min.min(min);
            s.max = s.max.max(max);
            if let Some(slot) = s.histogram.get_mut(bin.clamp(0, 9) as usize) {
                *slot += count;
            }
        }
    }
    out.into_iter()
        .map(|(mut s, total)| {
            // Every name has at least one row, so `count` ≥ 1.
            s.mean = total / s.count as f64;
            s
        })
        .collect()
}

/// The window of a score summary, its parameters checked.
pub(crate) fn score_window(p: &LlmParams) -> Result<Window, StoreError> {
    p.only(&["since", "until", "name"])?;
    p.window(30 * DAY_MS)
}

/// `GET /v1/llm/feedback`: feedback given in the window (default 30 days) on traces of the
/// readable projects: ups, downs, the positive rate and the latest 20.
/// Feedback in one bucket of a series, beside the traces started in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FeedbackPoint {
    /// Bucket start (epoch ms).
    pub start: i64,
    pub up: i64,
    pub down: i64,
    /// Traces started in the bucket (whole hours, from the hourly rollup).
    pub traces: i64,
}

/// Feedback per `bucket_ms` (a whole number of hours) over `[since, until)`, zero-filled, with
/// the traces of each bucket, so a page can show how often users give feedback and how it
/// leans over time. Feedback counts by when it was given.
pub fn feedback_series(
    conn: &Connection,
    p: &LlmParams,
    since: i64,
    until: i64,
    bucket_ms: i64,
) -> Result<Vec<FeedbackPoint>, StoreError> {
    let mut series = FeedbackSeries::new(since, until, bucket_ms);
    let start = series.start;
    let mut args: Vec<SqlValue> = vec![since.into(), until.into()];
    let sql = format!(
        "SELECT f.created_at, f.rating {FEEDBACK_FROM} WHERE f.created_at >= ? AND f.created_at < ?{}",
        scope(p, "t.project_id", &mut args, false)
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        series.feedback(r.get(0)?, r.get(1)?);
    }
    let mut args: Vec<SqlValue> = vec![start.into(), until.into()];
    let sql = format!(
        "SELECT hour, SUM(traces) FROM llm_prompt_hourly WHERE hour >= ? AND hour < ?{}
         GROUP BY hour",
        scope(p, "project_id", &mut args, false)
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        series.traces(r.get(0)?, r.get(1)?);
    }
    Ok(series.points)
}

/// A feedback series being filled: zero-filled buckets of whole hours from `start`.
pub(crate) struct FeedbackSeries {
    /// The first bucket's start: `since` rounded down to a bucket.
    pub start: i64,
    bucket_ms: i64,
    pub points: Vec<FeedbackPoint>,
}

impl FeedbackSeries {
    /// Buckets of `bucket_ms` (at least an hour, whole hours) covering `[since, until)`, at
    /// most 2,000.
    pub(crate) fn new(since: i64, until: i64, bucket_ms: i64) -> Self {
        let bucket_ms = bucket_ms.max(HOUR_MS) / HOUR_MS * HOUR_MS;
        let start = since.div_euclid(bucket_ms) * bucket_ms;
        let n = ((until - start + bucket_ms - 1) / bucket_ms).clamp(0, 2000) as usize;
        let points = (0..n)
            .map(|i| FeedbackPoint {
                start: start + i as i64 * bucket_ms,
                up: 0,
                down: 0,
                traces: 0,
            })
            .collect();
        FeedbackSeries {
            start,
            bucket_ms,
            points,
        }
    }

    fn slot(&mut self, t: i64) -> Option<&mut FeedbackPoint> {
        let i = ((t - self.start) / self.bucket_ms) as usize;
        self.points.get_mut(i)
    }

    /// Feedback given at `at`.
    pub(crate) fn feedback(&mut self, at: i64, rating: i64) {
        if let Some(b) = self.slot(at) {
            if rating > 0 {
                b.up += 1;
            } else {
                b.down += 1;
            }
        }
    }

    /// `traces` started in the hour from `hour`.
    pub(crate) fn traces(&mut self, hour: i64, traces: i64) {
        if let Some(b) = self.slot(hour) {
            b.traces += traces;
        }
    }
}

pub fn feedback_summary(conn: &Connection, p: &LlmParams) -> Result<FeedbackSummary, StoreError> {
    let w = feedback_window(p)?;
    let mut args: Vec<SqlValue> = vec![w.since.into(), w.until.into()];
    let filter = format!(
        "{FEEDBACK_FROM} WHERE f.created_at >= ? AND f.created_at < ?{}",
        scope(p, "t.project_id", &mut args, false)
    );
    let (up, down): (i64, i64) = conn
        .prepare(&format!(
            "SELECT coalesce(sum(f.rating > 0), 0), coalesce(sum(f.rating < 0), 0) {filter}"
        ))?
        .query_row(params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let recent = conn
        .prepare(&format!(
            "SELECT {FEEDBACK_COLS} {filter} ORDER BY f.created_at DESC, f.id DESC LIMIT 20"
        ))?
        .query_map(params_from_iter(args.iter()), feedback_row)?
        .collect::<Result<_, _>>()?;
    Ok(feedback_summary_of(up, down, recent))
}

/// The window of a feedback summary, its parameters checked.
pub(crate) fn feedback_window(p: &LlmParams) -> Result<Window, StoreError> {
    p.only(&["since", "until", "name"])?;
    if p.str("name").is_some() {
        return Err(invalid("name", "`name` applies to scores, not feedback"));
    }
    p.window(30 * DAY_MS)
}

pub(crate) fn feedback_summary_of(up: i64, down: i64, recent: Vec<Feedback>) -> FeedbackSummary {
    let total = up + down;
    FeedbackSummary {
        up,
        down,
        total,
        positive_rate: (total > 0).then(|| up as f64 / total as f64),
        recent,
    }
}

// ---------------------------------------------------------------------------------------------
// Export

/// The traces `GET /v1/llm/export` covers: started in the window (default 24 h), of one
/// `session` if given, the newest `limit` (1..1000, default 100), returned oldest first with
/// their spans. `format` is checked here too (langsmith | otlp), so a bad one is named before
/// any work.
pub fn export_traces(conn: &Connection, p: &LlmParams) -> Result<Vec<ExportTrace>, StoreError> {
    let (w, limit) = export_params(p)?;
    let mut args: Vec<SqlValue> = vec![w.since.into(), w.until.into()];
    let mut sql = format!(
        "SELECT t.pk FROM llm_traces t WHERE t.started_at >= ? AND t.started_at < ?{}",
        scope(p, "t.project_id", &mut args, true)
    );
    if let Some(s) = p.str("session") {
        sql.push_str(" AND t.session_id = ?");
        args.push(SqlValue::Text(s.to_string()));
    }
    sql.push_str(" ORDER BY t.started_at DESC, t.pk DESC LIMIT ?");
    args.push(SqlValue::Integer(limit.into()));
    let mut pks: Vec<i64> = conn
        .prepare(&sql)?
        .query_map(params_from_iter(args), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    pks.reverse();
    pks.into_iter()
        .map(|pk| {
            let (trace, input, output, metadata) = trace_by_pk(conn, pk)?;
            Ok(ExportTrace {
                trace,
                input,
                output,
                metadata,
                spans: spans_of(conn, pk)?,
            })
        })
        .collect()
}

/// An export's window and `limit`, its parameters (`format` too) checked.
pub(crate) fn export_params(p: &LlmParams) -> Result<(Window, u32), StoreError> {
    p.only(&["since", "until", "format", "session", "limit"])?;
    p.choice("format", &["langsmith", "otlp"], "langsmith")?;
    let w = p.window(DAY_MS)?;
    let limit = p.u32_in("limit", 1, 1000, 100)?;
    Ok((w, limit))
}

/// `GET /v1/llm/export`: `format=langsmith` (default) → `{"runs": […]}`, `otlp` → an OTLP/JSON
/// `ExportTraceServiceRequest` (see [`crate::llm::export`]).
#[cfg(feature = "llm-tracing")]
pub fn export(conn: &Connection, p: &LlmParams) -> Result<Value, StoreError> {
    let traces = export_traces(conn, p)?;
    export_document(p, &traces)
}

/// The document of `format` over `traces`.
#[cfg(feature = "llm-tracing")]
pub(crate) fn export_document(p: &LlmParams, traces: &[ExportTrace]) -> Result<Value, StoreError> {
    Ok(
        match p.choice("format", &["langsmith", "otlp"], "langsmith")? {
            "otlp" => crate::llm::export::otlp(traces),
            _ => crate::llm::export::langsmith(traces),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cost and duration pages read from their indexes (many traces in the window) give
    /// the same rows, in the same order, as a sort of the whole window.
    #[test]
    fn pages_by_cost_and_duration_read_from_their_index_in_the_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("t.db")).unwrap();
        crate::store::projects::create_with_key(&mut conn, "p", Some("p")).unwrap();
        let now = 1_796_000_000_000i64;
        let n = BY_VALUE_FROM_INDEX + 500;
        let tx = conn.transaction().unwrap();
        for i in 0..n {
            // Costs repeat (ties broken by start, then pk), every 7th unpriced, every 11th
            // unfinished; a few traces outside the window.
            let cost = (i % 7 != 0).then_some((i * 7919) % 1000);
            let started =
                now - 3_600_000 - (i * 13) % 1_000_000 - if i % 97 == 0 { 40 * DAY_MS } else { 0 };
            let ended = (i % 11 != 0).then_some(started + (i * 31) % 5000);
            tx.execute(
                "INSERT INTO llm_traces (project_id, id, name, status, started_at, ended_at,
                     received_at, span_count, error_spans, input_tokens, output_tokens,
                     cache_read_tokens, cache_write_tokens, cost_micros, unpriced_spans)
                 VALUES ('p', ?1, 'n', 'completed', ?2, ?3, ?2, 1, 0, 0, 0, 0, 0, ?4, 0)",
                rusqlite::params![format!("t{i}"), started, ended, cost],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        for (sort, key) in [
            ("cost", "cost_micros"),
            ("latency", "(ended_at - started_at)"),
        ] {
            let p = LlmParams::new(
                [
                    ("sort".to_string(), sort.to_string()),
                    ("limit".into(), "100".into()),
                    ("offset".into(), "50".into()),
                ],
                Some(vec!["p".into()]),
                now,
            );
            let (rows, total) = traces(&conn, &p).unwrap();
            let want: Vec<String> = conn
                .prepare(&format!(
                    "SELECT id FROM llm_traces NOT INDEXED WHERE started_at >= ?1 AND started_at < ?2
                     ORDER BY {key} IS NULL, {key} DESC, started_at DESC, pk DESC LIMIT 100 OFFSET 50"
                ))
                .unwrap()
                .query_map([now - 30 * DAY_MS, now], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let got: Vec<String> = rows.into_iter().map(|r| r.id).collect();
            assert!(total >= BY_VALUE_FROM_INDEX, "{total}");
            assert_eq!(got, want, "sort={sort}");
            let plan: String = conn
                .prepare(&format!(
                    "EXPLAIN QUERY PLAN SELECT pk FROM llm_traces t WHERE +t.started_at >= 0
                     AND +t.started_at < 1 AND t.project_id IN ('p')
                     ORDER BY {} DESC, t.started_at DESC, t.pk DESC LIMIT 1",
                    if sort == "cost" {
                        "t.cost_micros"
                    } else {
                        "(t.ended_at - t.started_at)"
                    }
                ))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
                .join("; ");
            let index = if sort == "cost" {
                "llm_traces_cost"
            } else {
                "llm_traces_duration"
            };
            assert!(
                plan.contains(index) && !plan.contains("TEMP B-TREE FOR ORDER BY"),
                "{plan}"
            );
        }
    }

    fn span(id: &str, parent: Option<&str>, at: i64) -> SpanRow {
        SpanRow {
            id: id.into(),
            parent_span_id: parent.map(Into::into),
            span_type: "generation".into(),
            name: id.into(),
            model: None,
            provider: None,
            input_tokens: 0,
            output_tokens: 0,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            input_includes_cache: true,
            cost_micros: None,
            cost_source: None,
            latency_ms: None,
            ttft_ms: None,
            status: "ok".into(),
            error_message: None,
            input: None,
            output: None,
            metadata: None,
            started_at: at,
            ended_at: None,
        }
    }

    fn shape(nodes: &[SpanNode]) -> String {
        nodes
            .iter()
            .map(|n| {
                if n.children.is_empty() {
                    n.span.id.clone()
                } else {
                    format!("{}({})", n.span.id, shape(&n.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_tree_nests_children_in_start_order_and_orphans_are_roots() {
        let spans = vec![
            span("root", None, 0),
            span("a", Some("root"), 1),
            span("orphan", Some("gone"), 2),
            span("b", Some("root"), 3),
            span("a1", Some("a"), 4),
        ];
        assert_eq!(shape(&tree(spans)), "root(a(a1) b) orphan");
    }

    #[test]
    fn cycles_and_self_parents_never_loop_and_every_span_is_kept() {
        let spans = vec![
            span("x", Some("y"), 0),
            span("y", Some("x"), 1),
            span("self", Some("self"), 2),
            span("z", Some("y"), 3),
        ];
        let t = tree(spans);
        assert_eq!(shape(&t), "x(y(z)) self");
    }

    #[test]
    fn a_deep_chain_is_capped_at_the_tree_depth() {
        let n = 10_000;
        let spans: Vec<SpanRow> = (0..n)
            .map(|i| {
                let parent = (i > 0).then(|| format!("s{}", i - 1));
                span(&format!("s{i}"), parent.as_deref(), i)
            })
            .collect();
        let placed = tree_parents(&spans);
        assert_eq!(placed.iter().filter(|p| p.is_none()).count(), 1);
        let t = tree(spans);
        let (mut depth, mut count, mut level) = (0, 0, &t);
        while let Some(first) = level.first() {
            depth += 1;
            count += level.len();
            level = &first.children;
        }
        assert_eq!(depth, MAX_TREE_DEPTH);
        assert_eq!(count, n as usize, "no span is lost");
        // Serialising it stays within serde_json's own parsing limit.
        let text = serde_json::to_string(&t).unwrap();
        let back: Vec<SpanNode> = serde_json::from_str(&text).unwrap();
        assert_eq!(back.len(), 1);
    }

    #[test]
    fn hostile_search_text_becomes_a_safe_query() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE s USING fts5(body, content = '', contentless_delete = 1);
             INSERT INTO s (rowid, body) VALUES (1, 'lookup_order timed out NEAR the end');",
        )
        .unwrap();
        let hits = |q: &str| -> i64 {
            let fts = fts_query(q, "q").unwrap();
            conn.query_row("SELECT count(*) FROM s WHERE s MATCH ?", [fts], |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(hits("timed"), 1);
        assert_eq!(hits("lookup_order"), 1);
        assert_eq!(hits("TIMED out"), 1);
        assert_eq!(hits("timed missing"), 0);
        // FTS5 syntax in a word with a letter or digit is plain text: a query that runs.
        for q in [
            "a\"b",
            "time*",
            "OR",
            "timed OR",
            "NEAR(",
            "NEAR(timed out)",
            "-timed",
            "body:timed",
            "^timed",
            "AND AND",
            "timed)",
            "é",
            "x\u{0}y",
        ] {
            let fts = fts_query(q, "q").unwrap_or_else(|e| panic!("{q:?}: {e}"));
            let r: rusqlite::Result<i64> =
                conn.query_row("SELECT count(*) FROM s WHERE s MATCH ?", [&fts], |r| {
                    r.get(0)
                });
            assert!(r.is_ok(), "{q:?} → {fts:?}: {r:?}");
        }
        assert_eq!(hits("-timed"), 1, "`-` is not NOT");
        assert_eq!(hits("OR"), 0, "`OR` is a word, not an operator");
        // Nothing that could match a token: a 400 naming the field.
        for q in ["\"", "*", "  ", "()", "- +", "(", "'", "+"] {
            let e = fts_query(q, "q").unwrap_err();
            assert!(e.to_string().starts_with("q:"), "{q:?}: {e}");
        }
        assert!(fts_query(&"a ".repeat(40), "q").is_err());
    }

    #[test]
    fn ratings_take_numbers_words_and_booleans_only() {
        use serde_json::json;
        for (v, want) in [
            (json!(1), 1),
            (json!(-1), -1),
            (json!(1.0), 1),
            (json!("up"), 1),
            (json!("DOWN"), -1),
            (json!("+1"), 1),
            (json!(true), 1),
            (json!(false), -1),
        ] {
            assert_eq!(rating(Some(&v)).unwrap(), want, "{v}");
        }
        for v in [json!(0), json!(2), json!("meh"), json!([1]), json!(0.5)] {
            let e = rating(Some(&v)).unwrap_err();
            assert!(e.to_string().starts_with("rating:"), "{v}: {e}");
        }
    }
}
