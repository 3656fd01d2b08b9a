//! `bloop llm traces|trace|search|sessions|session|score|feedback|export`: browsing LLM traces
//! from the terminal. Each command is one call on `bloop::store::llm_browse` through
//! [`Target`] (the local database, or the server's route with `--url`), then a rendering: tables
//! cut to the terminal, the span tree drawn with box characters, `--json` as the API answers.
//! Every string from the database goes through `common::inert` / `common::truncate`.

use std::io::Write;

use bloop::ops::Target;
use bloop::server::routes::RouteId;
use bloop::store::llm_browse::{self as q, SessionRow, SpanNode, TraceDetail, TraceRow};
use bloop::store::llm_query::LlmParams;
use bloop::store::llm_usage::usd;
use bloop::store::StoreError;
use rusqlite::Connection;
use serde_json::{json, Value};

use crate::common::{self, ago, inert, print_json, truncate};
use crate::llm::{Params, Window};

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// List traces started in the last 30 days, newest first (filters narrow; --sort changes
    /// the order).
    Traces(TracesArgs),
    /// One trace: its header, then the span tree with durations, tokens, cost and errors.
    Trace(OneArgs),
    /// Full-text search over trace and span names, error messages and stored content (traces
    /// started in the last 30 days).
    Search(SearchArgs),
    /// Sessions active in the last 7 days, latest activity first: all their traces, tokens,
    /// cost and errors.
    Sessions(SessionsArgs),
    /// One session: its totals and its traces in order.
    Session(OneArgs),
    /// Score a trace: a name and a value from 0 to 1.
    Score {
        #[command(flatten)]
        on: OnTrace,
        /// What is scored (1 to 100 characters), e.g. `quality`.
        name: String,
        /// From 0 to 1.
        value: f64,
        /// At most 2,000 characters.
        #[arg(long)]
        comment: Option<String>,
    },
    /// Record user feedback on a trace: up or down.
    Feedback {
        #[command(flatten)]
        on: OnTrace,
        /// up | down (also 1 | -1)
        rating: String,
        /// At most 2,000 characters.
        #[arg(long)]
        comment: Option<String>,
        /// Who gave it.
        #[arg(long)]
        user: Option<String>,
    },
    /// Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or
    /// --output FILE).
    Export {
        #[command(flatten)]
        window: Window,
        /// langsmith | otlp
        #[arg(long, default_value = "langsmith")]
        format: String,
        /// Only this session's traces.
        #[arg(long)]
        session: Option<String>,
        /// Traces, 1..1000 (the newest).
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Write the document here instead of stdout.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

/// `--limit`, `--offset`, `--json`: one page of a list.
#[derive(Debug, clap::Args)]
pub struct Page {
    /// Rows, 1..200.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Rows to skip (the next page starts where the footer says).
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Print the JSON the API answers.
    #[arg(long)]
    json: bool,
}

/// A trace or a session by id.
#[derive(Debug, clap::Args)]
pub struct OneArgs {
    /// Its id, as listed.
    id: String,
    /// The project, when the id exists in several.
    #[arg(long)]
    project: Option<String>,
    /// Print the JSON the API answers.
    #[arg(long)]
    json: bool,
}

/// The trace a score or feedback is given to.
#[derive(Debug, clap::Args)]
pub struct OnTrace {
    /// Trace id, as listed.
    trace_id: String,
    /// The project, when the id exists in several.
    #[arg(long)]
    project: Option<String>,
    /// Print the JSON the API answers.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct TracesArgs {
    #[command(flatten)]
    window: Window,
    #[arg(long)]
    session: Option<String>,
    #[arg(long)]
    user: Option<String>,
    /// completed | error | running | …
    #[arg(long)]
    status: Option<String>,
    /// Traces with a span that used this model (exact name).
    #[arg(long)]
    model: Option<String>,
    /// Prompt name.
    #[arg(long)]
    prompt: Option<String>,
    /// Prompt version (with --prompt).
    #[arg(long)]
    prompt_version: Option<String>,
    /// At least this cost, in USD.
    #[arg(long)]
    min_cost: Option<String>,
    /// At least this latency, in ms.
    #[arg(long)]
    min_latency: Option<String>,
    /// Only traces with an error (an error span or the status error).
    #[arg(long)]
    errors: bool,
    /// Full-text search, as `bloop llm search`.
    #[arg(long)]
    q: Option<String>,
    /// newest | oldest | cost | latency
    #[arg(long)]
    sort: Option<String>,
    #[command(flatten)]
    page: Page,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words to find (every word must match).
    #[arg(required = true)]
    text: Vec<String>,
    #[command(flatten)]
    window: Window,
    #[command(flatten)]
    page: Page,
}

#[derive(Debug, clap::Args)]
pub struct SessionsArgs {
    #[command(flatten)]
    window: Window,
    /// Only the sessions this user took part in.
    #[arg(long)]
    user: Option<String>,
    #[command(flatten)]
    page: Page,
}

/// `--limit` and `--offset`.
trait PageParams {
    fn page(self, p: &Page) -> Self;
}

impl PageParams for Params {
    fn page(self, p: &Page) -> Self {
        self.set("limit", p.limit).set("offset", p.offset)
    }
}

/// A list page: the rows as JSON, or drawn with the footer that leads to the next page.
fn list<T: serde::Serialize>(
    out: &mut impl Write,
    page: &Page,
    (rows, total): (Vec<T>, i64),
    draw: fn(&mut dyn Write, &[T], i64, u32) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if page.json {
        return print_json(out, &rows);
    }
    draw(out, &rows, total, page.offset)
}

/// Sends a score or feedback `body` for trace `on.trace_id` (`local` is the store's write).
fn give<T: serde::de::DeserializeOwned>(
    target: &mut Target,
    route: RouteId,
    on: &OnTrace,
    body: Value,
    local: fn(&Connection, &LlmParams, &str, &Value) -> Result<T, StoreError>,
) -> anyhow::Result<T> {
    let p = Params::default().opt("project", on.project.as_deref());
    let b = body.clone();
    Ok(target.llm_send(route, &[&on.trace_id], &p.0, body, |c, p| {
        local(c, p, &on.trace_id, &b)
    })?)
}

pub fn run(target: &mut Target, cmd: Cmd, out: &mut impl Write) -> anyhow::Result<()> {
    match cmd {
        Cmd::Traces(a) => {
            let mut p = Params::default()
                .window(&a.window)
                .opt("session", a.session.as_deref())
                .opt("user", a.user.as_deref())
                .opt("status", a.status.as_deref())
                .opt("model", a.model.as_deref())
                .opt("prompt", a.prompt.as_deref())
                .opt("prompt_version", a.prompt_version.as_deref())
                .opt("min_cost", a.min_cost.as_deref())
                .opt("min_latency", a.min_latency.as_deref())
                .opt("q", a.q.as_deref())
                .opt("sort", a.sort.as_deref())
                .page(&a.page);
            if a.errors {
                p = p.set("has_error", "true");
            }
            let page = target.llm_page(RouteId::LlmTraces, &[], &p.0, q::traces)?;
            list(out, &a.page, page, render_traces)
        }
        Cmd::Search(a) => {
            let p = Params::default()
                .set("q", a.text.join(" "))
                .window(&a.window)
                .page(&a.page);
            let page = target.llm_page(RouteId::LlmSearch, &[], &p.0, q::search)?;
            list(out, &a.page, page, render_traces)
        }
        Cmd::Trace(a) => {
            let p = Params::default().opt("project", a.project.as_deref());
            let d: TraceDetail = target.llm_get(RouteId::LlmTrace, &[&a.id], &p.0, |c, p| {
                q::trace(c, p, &a.id)
            })?;
            if a.json {
                return print_json(out, &d);
            }
            render_trace(out, &d)
        }
        Cmd::Sessions(a) => {
            let p = Params::default()
                .window(&a.window)
                .opt("user", a.user.as_deref())
                .page(&a.page);
            let page = target.llm_page(RouteId::LlmSessions, &[], &p.0, q::sessions)?;
            list(out, &a.page, page, render_sessions)
        }
        Cmd::Session(a) => {
            let p = Params::default().opt("project", a.project.as_deref());
            let d: q::SessionDetail =
                target.llm_get(RouteId::LlmSession, &[&a.id], &p.0, |c, p| {
                    q::session(c, p, &a.id)
                })?;
            if a.json {
                return print_json(out, &d);
            }
            render_session(out, &d)
        }
        Cmd::Score {
            on,
            name,
            value,
            comment,
        } => {
            let body = json!({"name": name, "value": value, "comment": comment});
            let s = give(target, RouteId::LlmAddScore, &on, body, q::add_score)?;
            if on.json {
                return print_json(out, &s);
            }
            writeln!(
                out,
                "scored trace {} ({}): {} = {}",
                inert(&s.trace_id),
                inert(&s.project_id),
                inert(&s.name),
                s.value
            )?;
            Ok(())
        }
        Cmd::Feedback {
            on,
            rating,
            comment,
            user,
        } => {
            let body = json!({"rating": rating, "comment": comment, "user_id": user});
            let f = give(target, RouteId::LlmAddFeedback, &on, body, q::add_feedback)?;
            if on.json {
                return print_json(out, &f);
            }
            writeln!(
                out,
                "feedback on trace {} ({}): {}",
                inert(&f.trace_id),
                inert(&f.project_id),
                if f.rating > 0 { "up" } else { "down" }
            )?;
            Ok(())
        }
        Cmd::Export {
            window,
            format,
            session,
            limit,
            output,
        } => {
            let p = Params::default()
                .set("format", &format)
                .window(&window)
                .opt("session", session.as_deref())
                .set("limit", limit);
            let doc: Value = target.llm_get(RouteId::LlmExport, &[], &p.0, q::export)?;
            let Some(path) = output else {
                return print_json(out, &doc);
            };
            std::fs::write(&path, serde_json::to_vec_pretty(&doc)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            writeln!(out, "wrote {} to {}", export_count(&doc), path.display())?;
            Ok(())
        }
    }
}

/// `11 runs` (LangSmith) or `7 spans` (OTLP).
fn export_count(doc: &Value) -> String {
    if let Some(runs) = doc.get("runs").and_then(Value::as_array) {
        return format!("{} runs", runs.len());
    }
    let spans: usize = doc["resourceSpans"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["scopeSpans"].as_array().into_iter().flatten())
        .map(|s| s["spans"].as_array().map_or(0, Vec::len))
        .sum();
    format!("{spans} spans")
}

fn render_session(out: &mut dyn Write, d: &q::SessionDetail) -> anyhow::Result<()> {
    let t = &d.totals;
    writeln!(
        out,
        "session {}  project {}",
        inert(&d.session_id),
        inert(&d.project_id)
    )?;
    writeln!(
        out,
        "traces {}  users {}  errors {}  first {}  last {}",
        t.traces,
        t.users,
        t.error_traces,
        ago(t.first_at),
        ago(t.last_at)
    )?;
    writeln!(
        out,
        "tokens {} in / {} out  cost {}{}",
        t.input_tokens,
        t.output_tokens,
        cost(t.cost_micros),
        unpriced_note(t.unpriced_spans)
    )?;
    writeln!(out)?;
    render_traces(out, &d.traces, t.traces, 0)
}

/// `$0.0250` (as `bloop llm usage` shows money); `unpriced` for null.
fn cost(micros: Option<i64>) -> String {
    micros.map_or_else(|| "unpriced".into(), usd)
}

fn unpriced_note(n: i64) -> String {
    if n > 0 {
        format!(" ({n} unpriced spans)")
    } else {
        String::new()
    }
}

/// `840ms`, `2.3s`, `4m05s`; `-` when unknown.
fn duration(ms: Option<i64>) -> String {
    match ms {
        None => "-".into(),
        Some(ms) if ms < 1000 => format!("{ms}ms"),
        Some(ms) if ms < 60_000 => format!("{:.1}s", ms as f64 / 1000.0),
        Some(ms) => format!("{}m{:02}s", ms / 60_000, ms % 60_000 / 1000),
    }
}

/// `950`, `12.3k`, `4.1M`.
fn compact(n: i64) -> String {
    match n {
        n if n < 10_000 => n.to_string(),
        n if n < 1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        n => format!("{:.1}M", n as f64 / 1e6),
    }
}

fn render_traces(
    out: &mut dyn Write,
    rows: &[TraceRow],
    total: i64,
    offset: u32,
) -> anyhow::Result<()> {
    if rows.is_empty() {
        writeln!(out, "no traces")?;
        return Ok(());
    }
    let projects = rows.iter().any(|r| r.project_id != rows[0].project_id);
    // Fixed columns take what they need; id, name and model share the rest of the width.
    let fixed = 9 + 9 + 5 + 13 + 10 + 8 + if projects { 12 } else { 0 };
    let cols = if projects { 10 } else { 9 };
    let free = common::width().saturating_sub(fixed + 3 * cols + 1).max(30);
    // The id comes first (it is what `bloop llm trace ID` takes), then the model; the name
    // takes what is left.
    let widest = |f: &dyn Fn(&TraceRow) -> usize, cap: usize| {
        rows.iter().map(f).max().unwrap_or(0).clamp(4, cap)
    };
    let w_id = widest(&|r| bloop::term::width(&r.id), 40).min(free.saturating_sub(16).max(8));
    let rest = free.saturating_sub(w_id);
    let w_model = widest(&|r| r.model.as_deref().map_or(1, bloop::term::width), 28)
        .min(rest / 2)
        .max(8);
    let w_name = rest.saturating_sub(w_model).max(8);
    let mut headers = vec!["started", "id"];
    if projects {
        headers.push("project");
    }
    headers.extend([
        "name",
        "model",
        "status",
        "spans",
        "tokens in/out",
        "cost",
        "latency",
    ]);
    let mut t = common::table(&headers);
    for r in rows {
        let mut cells = vec![ago(r.started_at), truncate(&r.id, w_id.max(8))];
        if projects {
            cells.push(truncate(&r.project_id, 12));
        }
        cells.extend([
            truncate(&r.name, w_name.max(8)),
            truncate(r.model.as_deref().unwrap_or("-"), w_model.max(8)),
            truncate(
                &if r.error_spans > 0 && r.status != "error" {
                    format!("{} ✗{}", r.status, r.error_spans)
                } else {
                    r.status.clone()
                },
                12,
            ),
            r.span_count.to_string(),
            format!("{}/{}", compact(r.input_tokens), compact(r.output_tokens)),
            cost(r.cost_micros),
            duration(r.latency_ms),
        ]);
        t.add_row(cells);
    }
    writeln!(out, "{t}")?;
    let end = offset as i64 + rows.len() as i64;
    if end < total || offset > 0 {
        writeln!(
            out,
            "{}–{} of {total}{}",
            offset as i64 + 1,
            end,
            if end < total {
                format!(" (next: --offset {end})")
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

fn render_sessions(
    out: &mut dyn Write,
    rows: &[SessionRow],
    total: i64,
    offset: u32,
) -> anyhow::Result<()> {
    if rows.is_empty() {
        writeln!(out, "no sessions")?;
        return Ok(());
    }
    let free = common::width().saturating_sub(9 + 12 + 7 + 6 + 13 + 10 + 7 + 3 * 8 + 1);
    let mut t = common::table(&[
        "last",
        "session",
        "project",
        "traces",
        "users",
        "tokens in/out",
        "cost",
        "errors",
    ]);
    for r in rows {
        let s = &r.totals;
        t.add_row(vec![
            ago(s.last_at),
            truncate(&r.session_id, free.max(12)),
            truncate(&r.project_id, 12),
            s.traces.to_string(),
            s.users.to_string(),
            format!("{}/{}", compact(s.input_tokens), compact(s.output_tokens)),
            cost(s.cost_micros),
            s.error_traces.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    let end = offset as i64 + rows.len() as i64;
    if end < total {
        writeln!(
            out,
            "{}–{end} of {total} (next: --offset {end})",
            offset + 1
        )?;
    }
    Ok(())
}

fn render_trace(out: &mut impl Write, d: &TraceDetail) -> anyhow::Result<()> {
    let t = &d.trace;
    let w = common::width();
    writeln!(
        out,
        "{}  (trace {}, project {})",
        truncate(
            if t.name.is_empty() {
                "(unnamed)"
            } else {
                &t.name
            },
            w / 2
        ),
        truncate(&t.id, 64),
        truncate(&t.project_id, 40)
    )?;
    writeln!(
        out,
        "status {}  started {}  latency {}  spans {}{}",
        truncate(&t.status, 24),
        ago(t.started_at),
        duration(t.latency_ms),
        t.span_count,
        if t.error_spans > 0 {
            format!(" ({} with errors)", t.error_spans)
        } else {
            String::new()
        }
    )?;
    let mut ctx = Vec::new();
    if let Some(s) = &t.session_id {
        ctx.push(format!("session {}", truncate(s, 40)));
    }
    if let Some(u) = &t.user_id {
        ctx.push(format!("user {}", truncate(u, 40)));
    }
    if let Some(p) = &t.prompt_name {
        ctx.push(format!(
            "prompt {}{}",
            truncate(p, 40),
            t.prompt_version
                .as_deref()
                .map(|v| format!(" v{}", truncate(v, 20)))
                .unwrap_or_default()
        ));
    }
    if !ctx.is_empty() {
        writeln!(out, "{}", ctx.join("  "))?;
    }
    writeln!(
        out,
        "tokens {} in / {} out{}  cost {}{}",
        t.input_tokens,
        t.output_tokens,
        if t.cache_read_tokens + t.cache_write_tokens > 0 {
            format!(
                " (cache {} read, {} write)",
                t.cache_read_tokens, t.cache_write_tokens
            )
        } else {
            String::new()
        },
        cost(t.cost_micros),
        unpriced_note(t.unpriced_spans)
    )?;
    if !d.scores.is_empty() {
        let s: Vec<String> = d
            .scores
            .iter()
            .map(|s| format!("{} {:.2}", truncate(&s.name, 30), s.value))
            .collect();
        writeln!(out, "scores: {}", s.join(", "))?;
    }
    if !d.feedback.is_empty() {
        let up = d.feedback.iter().filter(|f| f.rating > 0).count();
        writeln!(out, "feedback: {up} up, {} down", d.feedback.len() - up)?;
    }
    for (label, text) in [("input", &d.input), ("output", &d.output)] {
        if let Some(text) = text {
            writeln!(out, "{label}: {}", truncate(text, w.saturating_sub(8)))?;
        }
    }
    writeln!(out)?;
    if d.spans.is_empty() {
        writeln!(out, "(no spans)")?;
    }
    let n = d.spans.len();
    for (i, s) in d.spans.iter().enumerate() {
        render_span(out, s, "", i + 1 == n, w)?;
    }
    Ok(())
}

/// One span line and, below it, its children. Recursion is bounded: the tree nests at most
/// `MAX_TREE_DEPTH` levels.
fn render_span(
    out: &mut impl Write,
    node: &SpanNode,
    prefix: &str,
    last: bool,
    w: usize,
) -> anyhow::Result<()> {
    let s = &node.span;
    let branch = if last { "└─ " } else { "├─ " };
    let mut parts = vec![truncate(
        if s.name.is_empty() {
            "(unnamed)"
        } else {
            &s.name
        },
        40,
    )];
    parts.push(truncate(&s.span_type, 16));
    if let Some(m) = &s.model {
        parts.push(truncate(m, 32));
    }
    parts
        .push(duration(s.latency_ms.or_else(|| {
            s.ended_at.map(|e| e.saturating_sub(s.started_at))
        })));
    if s.input_tokens + s.output_tokens + s.cache_read_tokens + s.cache_write_tokens > 0 {
        parts.push(format!(
            "{}/{} tok",
            compact(s.input_tokens),
            compact(s.output_tokens)
        ));
    }
    if s.cost_micros.is_some() || s.model.is_some() {
        parts.push(cost(s.cost_micros));
    }
    let mut line = format!("{prefix}{branch}{}", parts.join("  "));
    if s.status == "error" {
        let used = bloop::term::width(&line) + 4;
        line.push_str(&format!(
            "  ✗ {}",
            truncate(
                s.error_message.as_deref().unwrap_or("error"),
                w.saturating_sub(used).max(20)
            )
        ));
    }
    writeln!(out, "{line}")?;
    let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
    let n = node.children.len();
    for (i, c) in node.children.iter().enumerate() {
        render_span(out, c, &child_prefix, i + 1 == n, w)?;
    }
    Ok(())
}
