//! The LLM pages of the dashboard (feature `llm-tracing`): the overview, traces (a filtered list,
//! and one trace as a waterfall of its span tree), sessions, prompt versions with the comparison
//! of two, models with the price each uses, and the content policy. Each page reads the same
//! store queries the `/v1/llm/…` API answers with (so both show the same figures), on SQLite or
//! PostgreSQL alike (each query through [`Db::llm`]); every change is a `fetch` from app.js to
//! that API, which checks the role.
//!
//! Everything a trace carries (names, prompts, completions, metadata, error messages, user and
//! session ids) is attacker-controlled: it only ever reaches the page through maud's escaping,
//! and reaches URLs percent-encoded. Bars and charts are SVG attributes, never inline styles
//! (the CSP forbids them). Not here: the queries themselves (`store::llm_*`), the API handlers.

use std::collections::HashMap;
use std::future::Future;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use rusqlite::Connection;

use super::charts::{share_bar, span_bar, stacked_bars, Stack, SERIES_COLOURS};
use super::pages::{channel_summary, when};
use super::{error_page, html_response, layout, not_found_page, page, seg, Session};
use crate::server::AppState;
use crate::store::alerts::{Rule, RuleConfig};
use crate::store::issue_traces::{self, IssueSpend, TOP_ISSUES_SCAN};
use crate::store::llm_admin::{self as admin, PriceOverrideRow, ProjectSettings};
use crate::store::llm_browse::{
    self as browse, FeedbackPoint, ScoreSummary, SessionDetail, SessionRow, SpanNode, SpanRow,
    TraceDetail, TraceRow,
};
use crate::store::llm_pages::{self, UserCost};
use crate::store::llm_query::{LlmParams, DAY_MS};
use crate::store::llm_usage::{
    self as usage, thousands, usd, Budget, Comparison, ModelRow, Overview, PromptRow,
    SignificanceTest, Usage, UsageFigures, NONE_KEY,
};
use crate::store::pg::{llm_admin as pg_admin, llm_browse as pg_browse, llm_usage as pg_usage, Pg};
use crate::store::users::Role;
use crate::store::{now_ms, Db, StoreError};

type Q = Query<HashMap<String, String>>;

/// Rows per page of the traces and sessions lists.
const PAGE: u32 = 50;

// ---- shared pieces ------------------------------------------------------------------------------

/// `path` with the query pairs that have a value.
fn url(path: &str, pairs: &[(&str, &str)]) -> String {
    let qs: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", seg(v)))
        .collect();
    if qs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", qs.join("&"))
    }
}

fn trace_href(id: &str, project: &str) -> String {
    url(&format!("/llm/traces/{}", seg(id)), &[("project", project)])
}

fn session_href(id: &str, project: &str) -> String {
    url(
        &format!("/llm/sessions/{}", seg(id)),
        &[("project", project)],
    )
}

/// Awaits the page's store work. A bad parameter is a 400 notice naming it, an unknown id a 404,
/// an ambiguous one a 409 notice; anything else the error page.
async fn run<T>(
    s: &Session,
    work: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, Response> {
    match work.await {
        Ok(x) => Ok(x),
        Err(StoreError::NotFound(m)) => Err(not_found_page(s, &m)),
        Err(StoreError::Invalid { message, .. }) => {
            Err(problem(s, StatusCode::BAD_REQUEST, &message))
        }
        Err(StoreError::Conflict(m)) => Err(problem(s, StatusCode::CONFLICT, &m)),
        Err(e) => Err(error_page(Some(s), &e.to_string())),
    }
}

/// One LLM store query on the server's backend: `lite` on SQLite (a pooled connection), `pg` on
/// PostgreSQL, both given the page's parameters.
async fn read<T, F, G, Fut>(db: &Db, p: LlmParams, lite: F, pg: G) -> Result<T, StoreError>
where
    F: FnOnce(&Connection, &LlmParams) -> Result<T, StoreError> + Send + 'static,
    G: FnOnce(Pg, LlmParams) -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
    T: Send + 'static,
{
    db.llm(p, move |c, p| lite(c, p), pg).await
}

fn problem(s: &Session, status: StatusCode, message: &str) -> Response {
    let active = SECTIONS
        .iter()
        .rev()
        .find(|(href, _)| s.path.starts_with(href))
        .map_or("/llm", |(href, _)| *href);
    html_response(
        status,
        layout(
            "LLM",
            Some(s),
            html! {
                (tabs(active, None))
                div.notice #llm-problem { (message) " · " a href=(s.path) { "reset the filters" } }
            },
        ),
    )
}

/// The notice every LLM page shows while LLM tracing is switched off.
fn disabled(st: &AppState, s: &Session) -> Option<Response> {
    (!st.config.llm_tracing.enabled).then(|| {
        page(
            "LLM",
            s,
            html! {
                h1 { "LLM" }
                div.notice { "LLM tracing is switched off on this server (" code { "llm_tracing.enabled = false" } ")." }
            },
        )
    })
}

/// The projects there are, and the one a page reads: `?project=`, or the only project there is;
/// `None` reads every project.
struct Scope {
    projects: Vec<(String, String)>,
    project: Option<String>,
}

impl Scope {
    async fn load(db: &Db, asked: Option<String>) -> Result<Self, StoreError> {
        let projects = db.project_names().await?;
        if let Some(a) = &asked {
            if !projects.iter().any(|(id, _)| id == a) {
                return Err(StoreError::NotFound(format!("no project `{a}`")));
            }
        }
        let project = asked.or_else(|| match projects.as_slice() {
            [(id, _)] => Some(id.clone()),
            _ => None,
        });
        Ok(Self { projects, project })
    }

    fn params(&self, pairs: &[(&str, &str)], now: i64) -> LlmParams {
        LlmParams::new(
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
            self.project.clone().map(|p| vec![p]),
            now,
        )
    }

    fn id(&self) -> &str {
        self.project.as_deref().unwrap_or("")
    }

    /// More than one project: the pages show which project each row is from.
    fn many(&self) -> bool {
        self.project.is_none()
    }
}

fn asked(q: &HashMap<String, String>) -> Option<String> {
    q.get("project").filter(|p| !p.is_empty()).cloned()
}

const SECTIONS: [(&str, &str); 6] = [
    ("/llm", "Overview"),
    ("/llm/traces", "Traces"),
    ("/llm/sessions", "Sessions"),
    ("/llm/prompts", "Prompts"),
    ("/llm/models", "Models"),
    ("/llm/settings", "Settings"),
];

fn tabs(active: &str, project: Option<&str>) -> Markup {
    html! {
        nav.tabs.llm-tabs {
            @for (href, label) in SECTIONS {
                a href=(url(href, &[("project", project.unwrap_or(""))])) class=[(active == href).then_some("active")] { (label) }
            }
        }
    }
}

/// The project `<select>` (only when there is more than one project to choose from).
fn project_select(sc: &Scope) -> Markup {
    html! {
        @if sc.projects.len() > 1 {
            select name="project" title="Project" {
                option value="" { "All projects" }
                @for (id, name) in &sc.projects {
                    option value=(id) selected[sc.project.as_deref() == Some(id.as_str())] { (name) }
                }
            }
        }
    }
}

/// The section tabs, the title and, when there are several projects, a project picker that
/// keeps the `keep` parameters.
fn head(title: &str, sc: &Scope, active: &str, keep: &[(&str, &str)]) -> Markup {
    html! {
        (tabs(active, sc.project.as_deref()))
        div.row {
            h1.grow { (title) }
            @if sc.projects.len() > 1 {
                form.row.project-picker method="get" action=(active) {
                    @for (k, v) in keep { @if !v.is_empty() { input type="hidden" name=(k) value=(v); } }
                    (project_select(sc))
                    button type="submit" { "Show" }
                }
            } @else if let Some(p) = &sc.project {
                span.tag title="Project" { (p) }
            }
        }
    }
}

/// The windows a page can show: (parameter, label, length).
const WINDOWS: [(&str, &str, i64); 3] = [
    ("24h", "24 h", DAY_MS),
    ("7d", "7 days", 7 * DAY_MS),
    ("30d", "30 days", 30 * DAY_MS),
];

fn window_of(q: &HashMap<String, String>, default: &str) -> (&'static str, &'static str, i64) {
    let want = q.get("window").map_or(default, String::as_str);
    let find = |k: &str| WINDOWS.iter().find(|w| w.0 == k).copied();
    find(want).or_else(|| find(default)).unwrap_or(WINDOWS[0])
}

fn window_tabs(path: &str, current: &str, project: &str) -> Markup {
    html! {
        nav.tabs.window-tabs {
            @for (w, label, _) in WINDOWS {
                a href=(url(path, &[("project", project), ("window", w)])) class=[(current == w).then_some("active")] { (label) }
            }
        }
    }
}

fn ms(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(x) if x >= 10_000.0 => format!("{:.1} s", x / 1000.0),
        Some(x) if x >= 1000.0 => format!("{:.2} s", x / 1000.0),
        Some(x) => format!("{x:.0} ms"),
    }
}

fn ms_i(v: Option<i64>) -> String {
    ms(v.map(|x| x as f64))
}

fn cost(c: Option<i64>) -> String {
    c.map_or_else(|| "unpriced".into(), usd)
}

fn rate(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// "v3" for a version "3"; other versions as they are.
fn version_label(v: &str) -> String {
    if v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("v{v}")
    } else {
        v.to_string()
    }
}

fn is_error_trace(t: &TraceRow) -> bool {
    t.status == "error" || t.error_spans > 0
}

fn status_tag(status: &str, error: bool) -> Markup {
    html! { span class={ "tag" @if error { " status-unresolved" } } { (status) } }
}

/// A figure card of the overview.
fn card(key: &str, label: &str, value: &str, sub: Markup) -> Markup {
    html! {
        div.card data-stat=(key) {
            div.card-label { (label) }
            div.card-value { (value) }
            div.card-sub.muted { (sub) }
        }
    }
}

/// Text from a trace in a `<pre>`, open when `open` and short; always text, never markup.
fn text_block(label: &str, text: &str, open: bool) -> Markup {
    let long = text.len() > 600 || text.lines().count() > 12;
    html! {
        details.content open[open && !long] {
            summary { (label) @if long { span.muted { " · " (thousands(text.chars().count() as i64)) " characters" } } }
            pre { (text) }
        }
    }
}

fn json_block(label: &str, v: &serde_json::Value, open: bool) -> Markup {
    text_block(
        label,
        &serde_json::to_string_pretty(v).unwrap_or_default(),
        open,
    )
}

// ---- overview -----------------------------------------------------------------------------------

struct OverviewData {
    sc: Scope,
    ov: Overview,
    today: i64,
    usage: Usage,
    models: Vec<ModelRow>,
    prompts: Vec<PromptRow>,
    users: Vec<UserCost>,
    issues: Vec<IssueSpend>,
    issues_capped: bool,
    budgets: Vec<Budget>,
    /// The `llm_budget` alert rules (a project's own and the global ones).
    budget_rules: Vec<Rule>,
    scores: Vec<ScoreSummary>,
    feedback: Vec<FeedbackPoint>,
}

/// Per-model series of one figure, biggest first. Colours follow the models' order by cost
/// (then calls) over the window, so that a model has the same colour in every chart; past the
/// palette the rest share the last colour as "other models".
fn stacks(u: &Usage, metric: fn(&UsageFigures) -> i64, skip_none: bool) -> Vec<Stack> {
    let mut ranked: Vec<&str> = u.series.iter().map(|x| x.key.as_str()).collect();
    ranked.sort_by(|a, b| {
        let f = |k: &str| {
            u.series
                .iter()
                .find(|x| x.key == k)
                .map_or((0, 0), |x| (x.totals.cost_micros, x.totals.spans))
        };
        f(b).cmp(&f(a)).then_with(|| a.cmp(b))
    });
    let last = SERIES_COLOURS - 1;
    let colour = |k: &str| {
        ranked
            .iter()
            .position(|r| *r == k)
            .unwrap_or(last)
            .min(last)
    };
    let mut own: Vec<Stack> = Vec::new();
    let mut other: Option<Stack> = None;
    let mut shown: Vec<_> = u
        .series
        .iter()
        .filter(|x| !(skip_none && x.key == NONE_KEY) && metric(&x.totals) > 0)
        .collect();
    shown.sort_by_key(|x| colour(&x.key));
    for x in shown {
        let values: Vec<f64> = x.points.iter().map(|p| metric(&p.figures) as f64).collect();
        let c = colour(&x.key);
        if c < last {
            own.push(Stack {
                label: x.key.clone(),
                colour: c,
                values,
            });
        } else {
            let o = other.get_or_insert_with(|| Stack {
                label: "other models".into(),
                colour: last,
                values: vec![0.0; values.len()],
            });
            for (a, v) in o.values.iter_mut().zip(values) {
                *a += v;
            }
        }
    }
    // A single model past the palette keeps its own name.
    if let Some(mut o) = other {
        let past: Vec<&str> = ranked.iter().skip(last).copied().collect();
        if past.len() == 1 {
            o.label = past[0].to_string();
        }
        own.push(o);
    }
    own
}

pub async fn overview(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let (win, win_label, win_ms) = window_of(&q, "24h");
    let asked = asked(&q);
    let db = &st.db;
    let loaded = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let since = (now - win_ms).to_string();
        let w = [("since", since.as_str())];
        let ov = read(db, sc.params(&w, now), usage::overview, pg_usage::overview).await?;
        // The UTC day so far (the rollups' hours of today).
        let day = (now.div_euclid(DAY_MS) * DAY_MS).min(now - 1).to_string();
        let today = read(
            db,
            sc.params(&[("since", day.as_str())], now),
            usage::overview,
            pg_usage::overview,
        )
        .await?
        .cost_micros;
        let bucket = if win_ms > 7 * DAY_MS { "day" } else { "hour" };
        let usage = read(
            db,
            sc.params(
                &[
                    ("since", since.as_str()),
                    ("bucket", bucket),
                    ("by", "model"),
                ],
                now,
            ),
            usage::usage,
            pg_usage::usage,
        )
        .await?;
        let mut models = read(db, sc.params(&w, now), usage::models, pg_usage::models).await?;
        models.truncate(5);
        let mut prompts = read(db, sc.params(&w, now), usage::prompts, pg_usage::prompts).await?;
        prompts.sort_by(|a, b| {
            b.cost_micros
                .unwrap_or(-1)
                .cmp(&a.cost_micros.unwrap_or(-1))
                .then(b.traces.cmp(&a.traces))
        });
        prompts.truncate(5);
        let window = ov.window;
        let users = read(
            db,
            sc.params(&[], now),
            move |c, p| llm_pages::top_users(c, p, &window, 5),
            move |pg, p| async move { pg_usage::top_users(&pg, &p, &window, 5).await },
        )
        .await?;
        let (issues, issues_capped) = read(
            db,
            sc.params(&[], now),
            move |c, p| issue_traces::top_issues(c, p, &window, 5),
            move |pg, p| async move { pg_usage::top_issues(&pg, &p, &window, 5).await },
        )
        .await?;
        let budgets = read(db, sc.params(&[], now), usage::budgets, pg_usage::budgets).await?;
        let budget_rules = db
            .alert_rules(None)
            .await?
            .into_iter()
            .filter(|r| matches!(r.config, RuleConfig::LlmBudget { .. }))
            .collect();
        let scores = read(
            db,
            sc.params(&w, now),
            browse::score_summary,
            pg_browse::score_summary,
        )
        .await?;
        let (since_ms, bucket_ms) = (
            now - win_ms,
            if bucket == "day" { DAY_MS } else { 3_600_000 },
        );
        let feedback = read(
            db,
            sc.params(&[], now),
            move |c, p| browse::feedback_series(c, p, since_ms, now, bucket_ms),
            move |pg, p| pg_browse::feedback_series(pg, p, since_ms, now, bucket_ms),
        )
        .await?;
        Ok(OverviewData {
            sc,
            ov,
            today,
            usage,
            models,
            prompts,
            users,
            issues,
            issues_capped,
            budgets,
            budget_rules,
            scores,
            feedback,
        })
    })
    .await;
    let d = match loaded {
        Ok(d) => d,
        Err(r) => return r,
    };
    let ov = &d.ov;
    let project = d.sc.id().to_string();
    let month_spent: i64 = d.budgets.iter().map(|b| b.spent_micros).sum();
    let month_forecast: i64 = d.budgets.iter().map(|b| b.forecast_micros).sum();
    let budgeted: Vec<&Budget> = d
        .budgets
        .iter()
        .filter(|b| b.budget_micros.is_some())
        .collect();
    let month_budget: Option<i64> =
        (!budgeted.is_empty()).then(|| budgeted.iter().filter_map(|b| b.budget_micros).sum());
    let month = d
        .budgets
        .first()
        .map(|b| b.month.clone())
        .unwrap_or_default();
    let cost_fmt = |v: f64| usd(v.round() as i64);
    let count_fmt = |v: f64| thousands(v.round() as i64);
    let from = format!("{win_label} ago");
    let member = s.can(Role::Member);
    let max_model = d
        .models
        .iter()
        .map(|m| m.figures.cost_micros)
        .max()
        .unwrap_or(0);
    let max_prompt = d
        .prompts
        .iter()
        .filter_map(|p| p.cost_micros)
        .max()
        .unwrap_or(0);
    let max_user = d
        .users
        .iter()
        .filter_map(|u| u.cost_micros)
        .max()
        .unwrap_or(0);
    let max_issue = d
        .issues
        .iter()
        .filter_map(|i| i.cost_micros)
        .max()
        .unwrap_or(0);
    let body = html! {
        (head("LLM overview", &d.sc, "/llm", &[("window", win)]))
        (window_tabs("/llm", win, &project))
        @if ov.unpriced_calls > 0 {
            div.notice.warn #unpriced-warning {
                strong { (thousands(ov.unpriced_calls)) } @if ov.unpriced_calls == 1 { " call" } @else { " calls" }
                " in this window had no known price, so the costs here leave them out. "
                a href=(url("/llm/models", &[("project", project.as_str())])) { "Set a price on the models page" } "."
            }
        }
        div.cards #llm-stats {
            (card("today", "Spend today", &usd(d.today), html! { "UTC day so far" }))
            (card("month", "Spend this month", &usd(month_spent), html! {
                @if let Some(b) = month_budget {
                    "of " (usd(b)) " budget · forecast "
                    span class=[(month_forecast > b).then_some("warn-text")] { (usd(month_forecast)) }
                } @else {
                    "forecast " (usd(month_forecast)) " · no budget"
                }
            }))
            (card("cost", "Cost", &usd(ov.cost_micros), html! { "last " (win_label) }))
            (card("calls", "Calls", &thousands(ov.calls), html! { (thousands(ov.traces)) " traces · " (ov.models) " models" }))
            (card("tokens", "Tokens", &thousands(ov.input_tokens + ov.output_tokens), html! {
                (thousands(ov.input_tokens)) " in · " (thousands(ov.output_tokens)) " out" }))
            (card("errors", "Error rate", &rate(ov.error_rate), html! {
                (thousands(ov.errors)) " failed of " (thousands(ov.spans)) " spans" }))
            (card("latency", "Latency p50", &ms(ov.latency_ms.p50), html! { "p95 " (ms(ov.latency_ms.p95)) }))
            (card("ttft", "Time to first token p50", &ms(ov.ttft_ms.p50), html! { "p95 " (ms(ov.ttft_ms.p95)) }))
        }
        section.panel #cost-chart {
            h2 { "Cost by model" }
            (stacked_bars(&stacks(&d.usage, |f| f.cost_micros, false), "Cost", &cost_fmt, &from, "now"))
        }
        section.panel #calls-chart {
            h2 { "Calls by model" }
            (stacked_bars(&stacks(&d.usage, |f| f.spans, true), "Calls", &count_fmt, &from, "now"))
        }
        div.grid3 {
            section.panel #top-models {
                h2 { "Top models" }
                @if d.models.is_empty() { p.muted { "No model calls in this window." } }
                div.bars {
                    @for m in &d.models {
                        div.bar { span { (m.model) } (share_bar(m.figures.cost_micros, max_model))
                            span.muted { (usd(m.figures.cost_micros)) " · " (thousands(m.figures.spans)) } }
                    }
                }
            }
            section.panel #top-prompts {
                h2 { "Top prompts" }
                @if d.prompts.is_empty() { p.muted { "No named prompts in this window." } }
                div.bars {
                    @for p in &d.prompts {
                        div.bar {
                            span { (p.prompt_name) @if let Some(v) = &p.prompt_version { " " span.muted { (version_label(v)) } } }
                            (share_bar(p.cost_micros.unwrap_or(0), max_prompt))
                            span.muted { (cost(p.cost_micros)) " · " (thousands(p.traces)) }
                        }
                    }
                }
            }
            section.panel #top-users {
                h2 { "Top users" }
                @if d.users.is_empty() { p.muted { "No traces name a user in this window." } }
                div.bars {
                    @for u in &d.users {
                        div.bar {
                            a href=(url("/llm/traces", &[("project", project.as_str()), ("user", u.user_id.as_str()), ("since", win)])) { (u.user_id) }
                            (share_bar(u.cost_micros.unwrap_or(0), max_user))
                            span.muted { (cost(u.cost_micros)) " · " (thousands(u.traces)) }
                        }
                    }
                }
            }
        }
        section.panel #top-issues {
            h2 { "Issues that cost most" }
            p.muted { "Error issues whose events named a trace (" code { "metadata.trace_id" } "), by the cost of those traces started in this window." }
            @if d.issues.is_empty() { p.muted { "No error in this window named an LLM trace." } }
            div.bars {
                @for i in &d.issues {
                    div.bar {
                        a href=(format!("/issues/{}/{}", seg(&i.project_id), seg(&i.fingerprint))) title=(i.message) {
                            @if d.sc.many() { span.tag { (i.project_id) } " " }
                            (i.error_type)
                        }
                        (share_bar(i.cost_micros.unwrap_or(0), max_issue))
                        span.muted { (cost(i.cost_micros)) " · " (thousands(i.traces)) @if i.traces == 1 { " trace" } @else { " traces" } }
                    }
                }
            }
            @if d.issues_capped { p.muted { "From the latest " (thousands(TOP_ISSUES_SCAN)) " linked traces of the window." } }
        }
        div.grid3 {
            section.panel #scores {
                h2 { "Scores" }
                @if d.scores.is_empty() { p.muted { "No scores in this window." } }
                @for sc in &d.scores {
                    (score_block(sc))
                }
            }
            section.panel #feedback {
                h2 { "User feedback" }
                (feedback_block(&d.feedback, &from))
            }
        }
        section.panel #budgets {
            h2 { "Monthly budget · " (month) }
            @for b in &d.budgets {
                (budget_block(b, &d.budget_rules, member))
            }
        }
    };
    page("LLM overview", &s, body)
}

/// One score's distribution: ten bins from 0 to 1.
fn score_block(sc: &ScoreSummary) -> Markup {
    let max = sc.histogram.iter().copied().max().unwrap_or(0);
    html! {
        div.score data-score=(sc.name) {
            p { strong { (sc.name) } " · " (thousands(sc.count)) @if sc.count == 1 { " score" } @else { " scores" }
                " · mean " (format!("{:.2}", sc.mean)) span.muted { " (" (format!("{:.2}", sc.min)) "–" (format!("{:.2}", sc.max)) ")" } }
            div.bars {
                @for (i, n) in sc.histogram.iter().enumerate() {
                    div.bar {
                        span.muted { (format!("{:.1}–{:.1}", i as f64 / 10.0, (i + 1) as f64 / 10.0)) }
                        (share_bar(*n, max))
                        span.muted { (thousands(*n)) }
                    }
                }
            }
        }
    }
}

/// Thumbs up and down over the window, and how often a trace got feedback.
fn feedback_block(points: &[FeedbackPoint], from: &str) -> Markup {
    let up: i64 = points.iter().map(|p| p.up).sum();
    let down: i64 = points.iter().map(|p| p.down).sum();
    let traces: i64 = points.iter().map(|p| p.traces).sum();
    let series = [
        Stack {
            label: "👍 helpful".into(),
            colour: 1,
            values: points.iter().map(|p| p.up as f64).collect(),
        },
        Stack {
            label: "👎 not helpful".into(),
            colour: 3,
            values: points.iter().map(|p| p.down as f64).collect(),
        },
    ];
    let count_fmt = |v: f64| thousands(v.round() as i64);
    html! {
        @if up + down == 0 {
            p.muted { "No feedback in this window." }
        } @else {
            p #feedback-rate {
                strong { (thousands(up + down)) } " on " (thousands(traces)) " traces ("
                (rate(if traces > 0 { (up + down) as f64 / traces as f64 } else { 0.0 }))
                " of traces) · " (rate(up as f64 / (up + down) as f64)) " positive"
            }
            (stacked_bars(&series, "Feedback", &count_fmt, from, "now"))
        }
    }
}

fn budget_block(b: &Budget, rules: &[Rule], member: bool) -> Markup {
    let rules: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.project_id.as_deref().is_none_or(|p| p == b.project))
        .collect();
    html! {
        div.budget data-project=(b.project) {
            div.row {
                strong { (b.project) }
                span { (usd(b.spent_micros)) " spent"
                    @if let Some(m) = b.budget_micros { " of " (usd(m)) } @else { ", no budget set" } }
                span.muted { "forecast " (usd(b.forecast_micros)) " by the end of " (b.month) }
                @if b.over_budget { span.tag.status-unresolved { "over budget" } }
                @else if b.forecast_over { span.tag.warn-text { "forecast over budget" } }
                @if b.enforced { span.tag { "enforced" } }
            }
            @if let Some(m) = b.budget_micros {
                div.budget-bar { (share_bar(b.spent_micros.min(m.max(1)), m.max(1))) }
            }
            @if member {
                form.row.budget-form data-api="/v1/llm/budget" data-method="PUT" {
                    input type="hidden" name="project" value=(b.project);
                    label { "Monthly USD " input name="monthly_usd" type="number" min="0" step="0.01" size="10"
                        data-type="number" data-null placeholder="none" value=[b.budget_usd]; }
                    label { input type="checkbox" name="enforce" checked[b.enforced]; " enforce (the proxy refuses calls once it is spent)" }
                    button type="submit" { "Save budget" }
                    p.form-error hidden {}
                }
            }
            ul.budget-alerts {
                @for r in &rules {
                    li data-rule=(r.id) {
                        "Alert: " (r.config.llm_summary().unwrap_or_default()) " → "
                        @if r.channels.is_empty() { "server defaults" }
                        @for (i, c) in r.channels.iter().enumerate() { @if i > 0 { ", " } (channel_summary(c)) }
                        @if r.project_id.is_none() { " " span.tag { "all projects" } }
                        @if !r.enabled { " " span.tag { "disabled" } }
                        @if member && r.project_id.is_some() {
                            " " button.danger type="button" data-api={ "/v1/alerts/" (r.id) } data-method="DELETE"
                                data-confirm="Delete this budget alert?" { "Delete" }
                        }
                    }
                }
                @if rules.is_empty() { li.muted { "No budget alert: add one below, or on the " a href="/alerts" { "alerts page" } "." } }
            }
            @if member {
                form.row.budget-alert-form data-api="/v1/alerts" data-wrap="config:type,percent,forecast" data-channels {
                    input type="hidden" name="name" value={ "LLM budget · " (b.project) };
                    input type="hidden" name="project_id" value=(b.project);
                    input type="hidden" name="type" value="llm_budget";
                    label { "Alert at " input name="percent" type="number" min="1" max="1000" step="1" size="5"
                        data-type="number" value="80" required; " % of the budget" }
                    label { input name="forecast" type="checkbox" checked; " and when the forecast is over it" }
                    select name="channel_type" data-skip aria-label="Channel" { option value="" { "Channel: server defaults" } option value="slack" { "Slack webhook" } option value="webhook" { "Webhook" } option value="email" { "Email" } }
                    input name="channel_target" data-skip aria-label="Channel target" placeholder="https://… or a@b.c";
                    button type="submit" { "Add budget alert" }
                    p.form-error hidden {}
                }
            }
        }
    }
}

// ---- traces -------------------------------------------------------------------------------------

/// The list's parameters passed on to the query (`limit` is the page's own).
const TRACE_KEYS: [&str; 13] = [
    "since",
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
    "offset",
];

fn trace_rows(rows: &[TraceRow], now: i64, many: bool) -> Markup {
    html! {
        @for t in rows {
            @let href = trace_href(&t.id, &t.project_id);
            @let err = is_error_trace(t);
            tr data-href=(href) data-trace-id=(t.id) class=[err.then_some("row-error")] {
                td {
                    a.trace-name href=(href) { (t.name) }
                    div {
                        @if many { span.tag { (t.project_id) } }
                        @if let Some(m) = &t.model { span.tag { (m) } }
                        @if let Some(p) = &t.prompt_name {
                            span.tag { (p) @if let Some(v) = &t.prompt_version { " " (version_label(v)) } }
                        }
                        @if let Some(u) = &t.user_id { span.tag title="User" { "user " (u) } }
                        @if let Some(sid) = &t.session_id { a.tag href=(session_href(sid, &t.project_id)) title="Session" { "session " (sid) } }
                    }
                }
                td { (status_tag(&t.status, err)) @if t.error_spans > 0 { div.muted { (t.error_spans) " failed" } } }
                td.num.hide-sm { (t.span_count) }
                td.num.hide-sm { (thousands(t.input_tokens + t.output_tokens)) }
                td.num { (cost(t.cost_micros)) }
                td.num { (ms_i(t.latency_ms)) }
                td.num { (when(t.started_at, now)) }
            }
        }
    }
}

fn traces_table(rows: Markup, refresh: bool) -> Markup {
    html! {
        div.table-wrap {
            table #llm-traces {
                thead { tr {
                    th { "Trace" } th { "Status" } th.num.hide-sm { "Spans" } th.num.hide-sm { "Tokens" }
                    th.num { "Cost" } th.num { "Latency" } th.num { "Started" }
                } }
                tbody data-refresh=[refresh.then_some("15000")] { (rows) }
            }
        }
    }
}

pub async fn traces(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let partial = q.get("partial").map(String::as_str) == Some("rows");
    let asked = asked(&q);
    let pairs: Vec<(String, String)> = TRACE_KEYS
        .iter()
        .filter_map(|k| q.get(*k).map(|v| (k.to_string(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let p2 = pairs.clone();
    let db = &st.db;
    let loaded = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let limit = PAGE.to_string();
        let mut kv: Vec<(&str, &str)> = p2.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        kv.push(("limit", limit.as_str()));
        let (rows, total) =
            read(db, sc.params(&kv, now), browse::traces, pg_browse::traces).await?;
        Ok((sc, rows, total))
    })
    .await;
    let (sc, rows, total) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body_rows = trace_rows(&rows, now, sc.many());
    if partial {
        return html_response(StatusCode::OK, body_rows);
    }
    let get = |k: &str| q.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let offset: i64 = get("offset").parse().unwrap_or(0);
    let shown = rows.len() as i64;
    let here = |set: &[(&str, String)]| {
        let mut kv: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        kv.push(("project", sc.id().to_string()));
        kv.extend(set.iter().cloned());
        let refs: Vec<(&str, &str)> = kv.iter().map(|(k, v)| (*k, v.as_str())).collect();
        url("/llm/traces", &refs)
    };
    let since = get("since");
    let sort = get("sort");
    let body = html! {
        (tabs("/llm/traces", sc.project.as_deref()))
        div.row { h1.grow { "Traces" } span.muted #traces-total { (thousands(total)) " matching" } }
        form.filters #trace-filters method="get" action="/llm/traces" {
            (project_select(&sc))
            @if sc.projects.len() <= 1 { @if let Some(p) = &sc.project { input type="hidden" name="project" value=(p); } }
            input type="search" name="q" value=(get("q")) placeholder="Search names, errors and stored prompts";
            select name="since" title="Window" {
                @for (v, l) in [("30d", "Last 30 days"), ("7d", "Last 7 days"), ("24h", "Last 24 h"), ("1h", "Last hour")] {
                    option value=(v) selected[since == v] { (l) }
                }
            }
            select name="sort" title="Sort" {
                @for (v, l) in [("newest", "Newest"), ("oldest", "Oldest"), ("cost", "Cost"), ("latency", "Latency")] {
                    option value=(v) selected[sort == v] { (l) }
                }
            }
            input name="session" value=(get("session")) placeholder="session" size="12";
            input name="user" value=(get("user")) placeholder="user" size="12";
            input name="model" value=(get("model")) placeholder="model" size="14";
            input name="status" value=(get("status")) placeholder="status" size="10" list="trace-statuses";
            datalist #trace-statuses { option value="completed" {} option value="error" {} option value="running" {} }
            input name="prompt" value=(get("prompt")) placeholder="prompt name" size="12";
            input name="prompt_version" value=(get("prompt_version")) placeholder="version" size="6";
            input name="min_cost" type="number" min="0" step="any" value=(get("min_cost")) placeholder="min cost $" title="Minimum cost (USD)";
            input name="min_latency" type="number" min="0" step="1" value=(get("min_latency")) placeholder="min ms" title="Minimum latency (ms)";
            label { input type="checkbox" name="has_error" value="true" checked[get("has_error") == "true"]; " errors only" }
            button type="submit" { "Filter" }
            a.button href=(url("/llm/traces", &[("project", sc.id())])) { "Clear" }
        }
        @if rows.is_empty() {
            div.panel.empty { p { "No traces match." } p.muted { "Widen the window or clear the filters." } }
            // Kept so that new traces appear without a reload.
            (traces_table(html! {}, true))
        } @else {
            (traces_table(body_rows, offset == 0 && matches!(sort.as_str(), "" | "newest")))
            div.pager {
                span { "Showing " (offset + 1) "–" (offset + shown) " of " (thousands(total)) }
                span.actions {
                    @if offset > 0 {
                        a.button href=(here(&[("offset", (offset - PAGE as i64).max(0).to_string())])) { "← Previous" }
                    }
                    @if offset + shown < total {
                        a.button href=(here(&[("offset", (offset + shown).to_string())])) { "Next →" }
                    }
                }
            }
        }
    };
    page("LLM traces", &s, body)
}

// ---- one trace ----------------------------------------------------------------------------------

/// A span in the waterfall: its depth in the tree and its parent there.
struct Line<'a> {
    span: &'a SpanRow,
    depth: usize,
    parent: Option<&'a str>,
}

/// The tree in pre-order (each span right under its parent), without recursion.
fn flatten(roots: &[SpanNode]) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut stack: Vec<(&SpanNode, usize, Option<&str>)> =
        roots.iter().rev().map(|n| (n, 0, None)).collect();
    while let Some((n, depth, parent)) = stack.pop() {
        out.push(Line {
            span: &n.span,
            depth,
            parent,
        });
        for c in n.children.iter().rev() {
            stack.push((c, depth + 1, Some(n.span.id.as_str())));
        }
    }
    out
}

fn span_end(s: &SpanRow) -> i64 {
    s.ended_at
        .or_else(|| s.latency_ms.map(|l| s.started_at.saturating_add(l)))
        .unwrap_or(s.started_at)
        .max(s.started_at)
}

fn waterfall(d: &TraceDetail) -> Markup {
    let lines = flatten(&d.spans);
    let t = &d.trace;
    let t0 = lines
        .iter()
        .map(|l| l.span.started_at)
        .fold(t.started_at, i64::min);
    let t1 = lines
        .iter()
        .map(|l| span_end(l.span))
        .fold(t.ended_at.unwrap_or(t.started_at), i64::max);
    let total = (t1 - t0).max(1) as f64;
    let at = |ms: i64| (ms - t0) as f64 / total * 1000.0;
    html! {
        section.panel #waterfall-panel {
            div.row { h2.grow { "Spans" } span.muted { (lines.len()) " spans over " (ms(Some(total))) } }
            @if lines.is_empty() { p.muted { "This trace has no spans." } }
            @else {
                div.waterfall #waterfall data-spans=(lines.len()) {
                    div.wf-axis aria-hidden="true" {
                        span {} span.wf-ticks { @for i in 0..5 { span { (ms(Some(total * i as f64 / 4.0))) } } } span {}
                    }
                    @for l in &lines {
                        @let sp = l.span;
                        @let err = sp.status == "error";
                        @let x = at(sp.started_at);
                        @let w = at(span_end(sp)) - x;
                        @let ttft = sp.ttft_ms.filter(|_| sp.span_type == "generation").map(|f| at(sp.started_at + f));
                        div class={ "wf-row" @if err { " wf-error" } } data-span-id=(sp.id) data-parent-id=[l.parent] data-depth=(l.depth) {
                            div class={ "wf-name d" (l.depth.min(12)) } {
                                span.tag { (sp.span_type) } " "
                                span.wf-label { (sp.name) }
                                @if let Some(m) = &sp.model { " " span.muted { (m) } }
                                @if l.parent.is_none() { @if let Some(p) = &sp.parent_span_id {
                                    " " span.muted title="The parent this span names is not in the trace" { "(parent " (p) " missing)" } } }
                            }
                            div.wf-bar title=(format!("starts at +{}", ms_i(Some(sp.started_at - t0)))) { (span_bar(x, w, ttft, err)) }
                            div.wf-figs {
                                (ms_i(sp.latency_ms.or(sp.ended_at.map(|e| e - sp.started_at))))
                                @if sp.input_tokens + sp.output_tokens > 0 {
                                    " · " (thousands(sp.input_tokens)) " → " (thousands(sp.output_tokens)) " tok"
                                }
                                @if let Some(c) = sp.cost_micros { " · " (usd(c)) }
                                @else if sp.input_tokens + sp.output_tokens > 0 { " · " span.warn-text { "unpriced" } }
                                @if let Some(f) = sp.ttft_ms { " · TTFT " (ms_i(Some(f))) }
                            }
                            @if err {
                                div.wf-msg { (sp.error_message.as_deref().unwrap_or("failed (no message)")) }
                            }
                            @if sp.input.is_some() || sp.output.is_some() || sp.metadata.is_some() {
                                div.wf-content {
                                    @if let Some(i) = &sp.input { (text_block("Prompt", i, false)) }
                                    @if let Some(o) = &sp.output { (text_block("Completion", o, false)) }
                                    @if let Some(m) = &sp.metadata { (json_block("Metadata", m, false)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn trace(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Query(q): Q,
) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let asked = asked(&q);
    let db = &st.db;
    let loaded = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let id2 = id.clone();
        let d = read(
            db,
            sc.params(&[], now),
            move |c, p| browse::trace(c, p, &id),
            move |pg, p| pg_browse::trace(pg, p, id2),
        )
        .await?;
        let (project, trace) = (d.trace.project_id.clone(), d.trace.id.clone());
        let (project2, trace2) = (project.clone(), trace.clone());
        let issues = read(
            db,
            sc.params(&[], now),
            move |c, _| issue_traces::issues_of_trace(c, &project, &trace),
            move |pg, _| async move { pg_usage::issues_of_trace(&pg, &project2, &trace2).await },
        )
        .await?;
        Ok((sc, d, issues))
    })
    .await;
    let (sc, d, issues) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let t = &d.trace;
    let member = s.can(Role::Member);
    let api = |what: &str| {
        format!(
            "/v1/llm/traces/{}/{what}?project={}",
            seg(&t.id),
            seg(&t.project_id)
        )
    };
    let up = d.feedback.iter().filter(|f| f.rating > 0).count();
    let down = d.feedback.len() - up;
    let body = html! {
        (tabs("/llm/traces", sc.project.as_deref()))
        p.muted { a href=(url("/llm/traces", &[("project", t.project_id.as_str())])) { "← Traces" } }
        h1 #trace-name { (t.name) }
        div.row #trace-tags {
            (status_tag(&t.status, is_error_trace(t)))
            span.tag title="Project" { (t.project_id) }
            @if let Some(m) = &t.model { span.tag { (m) } }
            @if let Some(p) = &t.prompt_name {
                a.tag href=(url("/llm/prompts", &[("project", t.project_id.as_str()), ("name", p.as_str())])) { (p) @if let Some(v) = &t.prompt_version { " " (version_label(v)) } }
            }
            @if let Some(sid) = &t.session_id { a.tag #session-link href=(session_href(sid, &t.project_id)) { "session " (sid) } }
            @if let Some(u) = &t.user_id { a.tag href=(url("/llm/traces", &[("project", t.project_id.as_str()), ("user", u.as_str())])) { "user " (u) } }
            span.muted {
                "started " (when(t.started_at, now)) " · " (ms_i(t.latency_ms)) " · "
                (thousands(t.input_tokens)) " → " (thousands(t.output_tokens)) " tokens · " (cost(t.cost_micros))
                @if t.unpriced_spans > 0 { " (" (t.unpriced_spans) " unpriced)" }
            }
        }
        p.muted { code { (t.id) } }
        @if !issues.is_empty() {
            div.notice #trace-issues {
                "Error issues this trace raised: "
                @for (i, e) in issues.iter().enumerate() {
                    @if i > 0 { " · " }
                    a href={ "/issues/" (seg(&t.project_id)) "/" (seg(&e.fingerprint)) } { (e.error_type) }
                    span.muted { " " (e.message) " (" (thousands(e.events)) @if e.events == 1 { " event" } @else { " events" } ")" }
                }
            }
        }
        (waterfall(&d))
        @if d.input.is_some() || d.output.is_some() || d.metadata.is_some() {
            section.panel #trace-content {
                h2 { "Input and output" }
                @if let Some(i) = &d.input { (text_block("Input", i, true)) }
                @if let Some(o) = &d.output { (text_block("Output", o, true)) }
                @if let Some(m) = &d.metadata { (json_block("Metadata", m, true)) }
            }
        } @else {
            p.muted { "No input, output or metadata stored (the project's content policy decides; see "
                a href=(url("/llm/settings", &[("project", t.project_id.as_str())])) { "settings" } ")." }
        }
        div.grid2 {
            section.panel #scores {
                h2 { "Scores" }
                @if d.scores.is_empty() { p.muted { "No scores yet." } }
                ul { @for score in &d.scores {
                    li data-score=(score.name) { strong { (score.name) } " " (format!("{:.2}", score.value))
                        @if let Some(cm) = &score.comment { " · " (cm) } " · " (when(score.created_at, now)) }
                } }
                @if member {
                    form #score-form data-api=(api("scores")) {
                        div.row {
                            input name="name" required maxlength="100" placeholder="name, e.g. helpfulness";
                            input name="value" type="number" required min="0" max="1" step="0.01" size="5" data-type="number" placeholder="0 – 1";
                        }
                        div.row {
                            input.grow name="comment" maxlength="2000" placeholder="comment (optional)";
                            button type="submit" { "Add score" }
                        }
                        p.form-error hidden {}
                    }
                }
            }
            section.panel #feedback {
                h2 { "Feedback" }
                p.muted { (up) " 👍 · " (down) " 👎" }
                ul { @for f in &d.feedback {
                    li data-rating=(f.rating) { @if f.rating > 0 { "👍" } @else { "👎" }
                        @if let Some(cm) = &f.comment { " " (cm) }
                        @if let Some(u) = &f.user_id { " · " span.muted { (u) } }
                        " · " (when(f.created_at, now)) }
                } }
                @if member {
                    form #feedback-form data-api=(api("feedback")) {
                        div.row {
                            label { input type="radio" name="rating" value="up" checked; " 👍 Good" }
                            label { input type="radio" name="rating" value="down"; " 👎 Bad" }
                        }
                        div.row {
                            input.grow name="comment" maxlength="2000" placeholder="comment (optional)";
                            button type="submit" { "Send feedback" }
                        }
                        p.form-error hidden {}
                    }
                }
            }
        }
    };
    page(&format!("Trace {}", t.name), &s, body)
}

// ---- sessions -----------------------------------------------------------------------------------

pub async fn sessions(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let (win, _, _) = window_of(&q, "7d");
    let asked = asked(&q);
    let user = q
        .get("user")
        .map(|u| u.trim().to_string())
        .unwrap_or_default();
    let offset: u32 = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let u2 = user.clone();
    let db = &st.db;
    let loaded = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let (limit, off) = (PAGE.to_string(), offset.to_string());
        let p = sc.params(
            &[
                ("since", win),
                ("user", u2.as_str()),
                ("limit", limit.as_str()),
                ("offset", off.as_str()),
            ],
            now,
        );
        let (rows, total) = read(db, p, browse::sessions, pg_browse::sessions).await?;
        Ok((sc, rows, total))
    })
    .await;
    let (sc, rows, total): (Scope, Vec<SessionRow>, i64) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let project = sc.id().to_string();
    let here = |off: i64| {
        url(
            "/llm/sessions",
            &[
                ("project", project.as_str()),
                ("window", win),
                ("user", user.as_str()),
                ("offset", off.to_string().as_str()),
            ],
        )
    };
    let offset = offset as i64;
    let shown = rows.len() as i64;
    let body = html! {
        (tabs("/llm/sessions", sc.project.as_deref()))
        div.row { h1.grow { "Sessions" } span.muted { (thousands(total)) " active" } }
        form.filters method="get" action="/llm/sessions" {
            (project_select(&sc))
            @if sc.projects.len() <= 1 { @if let Some(p) = &sc.project { input type="hidden" name="project" value=(p); } }
            select name="window" title="Active within" {
                @for (w, l, _) in WINDOWS { option value=(w) selected[win == w] { "Active in the last " (l) } }
            }
            input name="user" value=(user) placeholder="user id" size="16";
            button type="submit" { "Show" }
        }
        @if rows.is_empty() {
            div.panel.empty { p { "No sessions in this window." } p.muted { "Traces join a session through their " code { "session_id" } "." } }
        } @else {
            div.table-wrap { table #llm-sessions {
                thead { tr { th { "Session" } th.num { "Traces" } th.num.hide-sm { "Users" } th.num.hide-sm { "Tokens" }
                    th.num { "Cost" } th.num { "Errors" } th.num.hide-sm { "First" } th.num { "Last" } } }
                tbody { @for r in &rows {
                    @let href = session_href(&r.session_id, &r.project_id);
                    tr data-href=(href) data-session-id=(r.session_id) {
                        td { a href=(href) { (r.session_id) } @if sc.many() { " " span.tag { (r.project_id) } } }
                        td.num { (r.totals.traces) }
                        td.num.hide-sm { (r.totals.users) }
                        td.num.hide-sm { (thousands(r.totals.input_tokens + r.totals.output_tokens)) }
                        td.num { (cost(r.totals.cost_micros)) }
                        td.num { (r.totals.error_traces) }
                        td.num.hide-sm { (when(r.totals.first_at, now)) }
                        td.num { (when(r.totals.last_at, now)) }
                    }
                } }
            } }
            div.pager {
                span { "Showing " (offset + 1) "–" (offset + shown) " of " (thousands(total)) }
                span.actions {
                    @if offset > 0 { a.button href=(here((offset - PAGE as i64).max(0))) { "← Previous" } }
                    @if offset + shown < total { a.button href=(here(offset + shown)) { "Next →" } }
                }
            }
        }
    };
    page("LLM sessions", &s, body)
}

pub async fn session(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Query(q): Q,
) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let asked = asked(&q);
    let db = &st.db;
    let loaded = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let id2 = id.clone();
        let d = read(
            db,
            sc.params(&[], now),
            move |c, p| browse::session(c, p, &id),
            move |pg, p| pg_browse::session(pg, p, id2),
        )
        .await?;
        Ok((sc, d))
    })
    .await;
    let (sc, d): (Scope, SessionDetail) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let t = &d.totals;
    let body = html! {
        (tabs("/llm/sessions", sc.project.as_deref()))
        p.muted { a href=(url("/llm/sessions", &[("project", d.project_id.as_str())])) { "← Sessions" } }
        h1 #session-id { "Session " (d.session_id) }
        div.cards #session-totals {
            (card("traces", "Traces", &thousands(t.traces), html! { (t.error_traces) " with errors" }))
            (card("cost", "Total cost", &cost(t.cost_micros), html! {
                @if t.unpriced_spans > 0 { (t.unpriced_spans) " unpriced spans" } @else { "all priced" } }))
            (card("tokens", "Tokens", &thousands(t.input_tokens + t.output_tokens), html! {
                (thousands(t.input_tokens)) " in · " (thousands(t.output_tokens)) " out" }))
            (card("span", "Duration", &ms_i(Some(t.last_at - t.first_at)), html! {
                (t.users) @if t.users == 1 { " user" } @else { " users" } " · " span.tag { (d.project_id) } }))
        }
        @if (d.traces.len() as i64) < t.traces { p.muted { "Showing the first " (d.traces.len()) " traces." } }
        (traces_table(trace_rows(&d.traces, now, false), false))
    };
    page(&format!("Session {}", d.session_id), &s, body)
}

// ---- prompts ------------------------------------------------------------------------------------

fn test_cell(t: &SignificanceTest) -> Markup {
    html! {
        td.num { @if t.p_value.is_some() { "p " } (t.p_display) }
        td {
            @match t.significant {
                Some(true) => { strong { "significant" } }
                Some(false) => { span.tag { "not significant" } }
                None => { span.muted { (t.note.as_deref().unwrap_or("not compared")) } }
            }
        }
    }
}

fn comparison(c: &Comparison) -> Markup {
    let (a, b) = (&c.a, &c.b);
    let (la, lb) = (version_label(&a.version), version_label(&b.version));
    let mean_sd = |m: &usage::Moments, f: &dyn Fn(f64) -> String| -> String {
        match (m.mean, m.sd) {
            (Some(x), Some(sd)) => format!("{} ± {}", f(x), f(sd)),
            (Some(x), None) => f(x),
            _ => "–".into(),
        }
    };
    let msf = |x: f64| ms(Some(x));
    let usdf = |x: f64| usd(x.round() as i64);
    html! {
        section.panel #compare data-prompt=(c.prompt_name) data-a=(a.version) data-b=(b.version) {
            h2 { (c.prompt_name) ": " (la) " vs " (lb) }
            ul #compare-summary { @for line in &c.summary { li { (line) } } }
            div.table-wrap { table #compare-table {
                thead { tr { th {} th.num { (la) } th.num { (lb) } th.num { "p-value" } th { "Result" } } }
                tbody {
                    tr { td { "Calls" } td.num { (thousands(a.n)) } td.num { (thousands(b.n)) } td {} td {} }
                    tr data-metric="latency" { td { "Latency (mean ± sd)" } td.num { (mean_sd(&a.latency_ms, &msf)) } td.num { (mean_sd(&b.latency_ms, &msf)) } (test_cell(&c.latency)) }
                    tr data-metric="cost" { td { "Cost per call" } td.num { (mean_sd(&a.cost_micros, &usdf)) } td.num { (mean_sd(&b.cost_micros, &usdf)) } (test_cell(&c.cost)) }
                    tr data-metric="errors" { td { "Error rate" } td.num { (rate(a.error_rate)) " (" (a.errors) ")" } td.num { (rate(b.error_rate)) " (" (b.errors) ")" } (test_cell(&c.error_rate)) }
                }
            } }
            p.muted { "Welch's t-test on latency and cost, a two-proportion z-test on errors; a difference is called significant at p < 0.05." }
        }
    }
}

pub async fn prompts(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let (win, win_label, _) = window_of(&q, "30d");
    let asked = asked(&q);
    let get = |k: &str| q.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let (name, a, b) = (get("name"), get("a"), get("b"));
    let (n2, a2, b2) = (name.clone(), a.clone(), b.clone());
    type Loaded = (Scope, Vec<PromptRow>, Option<Result<Comparison, String>>);
    let db = &st.db;
    let loaded: Result<Loaded, Response> = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let rows = read(
            db,
            sc.params(&[("since", win)], now),
            usage::prompts,
            pg_usage::prompts,
        )
        .await?;
        let cmp = if n2.is_empty() || a2.is_empty() || b2.is_empty() {
            None
        } else {
            let p = sc.params(
                &[("since", win), ("a", a2.as_str()), ("b", b2.as_str())],
                now,
            );
            let n3 = n2.clone();
            let compared = read(
                db,
                p,
                move |c, p| usage::compare(c, p, &n2),
                move |pg, p| pg_usage::compare(pg, p, n3),
            )
            .await;
            Some(match compared {
                Ok(x) => Ok(x),
                Err(StoreError::NotFound(m) | StoreError::Conflict(m)) => Err(m),
                Err(StoreError::Invalid { message, .. }) => Err(message),
                Err(e) => return Err(e),
            })
        };
        Ok((sc, rows, cmp))
    })
    .await;
    let (sc, rows, cmp) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let project = sc.id().to_string();
    // Rows come by name, then version: group them.
    let mut groups: Vec<(&str, Vec<&PromptRow>)> = Vec::new();
    for r in &rows {
        match groups.last_mut() {
            Some((n, v)) if *n == r.prompt_name => v.push(r),
            _ => groups.push((&r.prompt_name, vec![r])),
        }
    }
    let body = html! {
        (head("Prompts", &sc, "/llm/prompts", &[("window", win)]))
        (window_tabs("/llm/prompts", win, &project))
        @match &cmp {
            Some(Ok(c)) => { (comparison(c)) }
            Some(Err(m)) => { div.notice #compare-problem { "Cannot compare: " (m) } }
            None => {}
        }
        @if groups.is_empty() {
            div.panel.empty { p { "No named prompts in the last " (win_label) "." }
                p.muted { "Traces name theirs with " code { "prompt_name" } " and " code { "prompt_version" } "." } }
        }
        @for (pname, versions) in &groups {
            @let named: Vec<&str> = versions.iter().filter_map(|v| v.prompt_version.as_deref()).collect();
            section.panel.prompt data-prompt=(pname) {
                h2 { (pname) }
                div.table-wrap { table {
                    thead { tr { th { "Version" } th.num { "Traces" } th.num { "Error rate" } th.num { "Avg latency" }
                        th.num { "Avg cost" } th.num.hide-sm { "Tokens" } th.num { "Cost" } th.num.hide-sm { "Last seen" } } }
                    tbody { @for v in versions {
                        tr data-version=[v.prompt_version.as_deref()] {
                            td { a href=(url("/llm/traces", &[("project", project.as_str()), ("prompt", *pname), ("prompt_version", v.prompt_version.as_deref().unwrap_or("")), ("since", win)])) {
                                (v.prompt_version.as_deref().map_or_else(|| "(no version)".to_string(), version_label)) } }
                            td.num { (thousands(v.traces)) }
                            td.num { (rate(v.error_rate)) }
                            td.num { (ms(v.avg_latency_ms)) }
                            td.num { (v.avg_cost_micros.map_or_else(|| "unpriced".to_string(), |c| usd(c.round() as i64))) }
                            td.num.hide-sm { (thousands(v.input_tokens + v.output_tokens)) }
                            td.num { (cost(v.cost_micros)) }
                            td.num.hide-sm { (when(v.last_seen, now)) }
                        }
                    } }
                } }
                @if named.len() >= 2 {
                    @let (da, db) = if *pname == name && named.contains(&a.as_str()) && named.contains(&b.as_str()) {
                        (a.as_str(), b.as_str())
                    } else {
                        (named[named.len() - 2], named[named.len() - 1])
                    };
                    form.row.compare-form method="get" action="/llm/prompts" {
                        @if !project.is_empty() { input type="hidden" name="project" value=(project); }
                        input type="hidden" name="window" value=(win);
                        input type="hidden" name="name" value=(pname);
                        "Compare "
                        select name="a" title="Version A" { @for v in &named { option value=(v) selected[*v == da] { (version_label(v)) } } }
                        " with "
                        select name="b" title="Version B" { @for v in &named { option value=(v) selected[*v == db] { (version_label(v)) } } }
                        button type="submit" { "Compare" }
                    }
                }
            }
        }
    };
    page("LLM prompts", &s, body)
}

// ---- models and prices --------------------------------------------------------------------------

fn source_label(s: &str) -> &'static str {
    match s {
        "table" => "price table",
        "global_override" => "global override",
        "project_override" => "project override",
        _ => "other",
    }
}

fn mtok(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("${x}"))
}

pub async fn models(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let (win, win_label, _) = window_of(&q, "30d");
    let asked = asked(&q);
    type Loaded = (Scope, Vec<ModelRow>, Vec<PriceOverrideRow>);
    let db = &st.db;
    let loaded: Result<Loaded, Response> = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let rows = read(
            db,
            sc.params(&[("since", win)], now),
            usage::models,
            pg_usage::models,
        )
        .await?;
        let overrides = read(
            db,
            sc.params(&[], now),
            admin::overrides,
            pg_admin::overrides,
        )
        .await?;
        Ok((sc, rows, overrides))
    })
    .await;
    let (sc, rows, overrides) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let project = sc.id().to_string();
    let member = s.can(Role::Member);
    let is_admin = s.can(Role::Admin);
    let targets: Vec<&str> = match &sc.project {
        Some(p) => vec![p.as_str()],
        None => sc.projects.iter().map(|(id, _)| id.as_str()).collect(),
    };
    let body = html! {
        (head("Models", &sc, "/llm/models", &[("window", win)]))
        (window_tabs("/llm/models", win, &project))
        @if rows.is_empty() {
            div.panel.empty { p { "No model calls in the last " (win_label) "." } }
        } @else {
            div.table-wrap { table #llm-models {
                thead { tr { th { "Model" } th.num { "Calls" } th.num.hide-sm { "Tokens in / out" } th.num { "Cost" }
                    th.num { "Unpriced" } th.num.hide-sm { "Avg latency" } th { "Price per 1M tokens (in / out)" } } }
                tbody { @for m in &rows {
                    tr data-model=(m.model) class=[(m.figures.unpriced > 0).then_some("row-warn")] {
                        td { a href=(url("/llm/traces", &[("project", project.as_str()), ("model", m.model.as_str()), ("since", win)])) { (m.model) }
                            @if let Some(p) = &m.provider { " " span.muted { (p) } } }
                        td.num { (thousands(m.figures.spans)) }
                        td.num.hide-sm { (thousands(m.figures.input_tokens)) " / " (thousands(m.figures.output_tokens)) }
                        td.num { (usd(m.figures.cost_micros)) }
                        td.num { @if m.figures.unpriced > 0 { span.warn-text { (thousands(m.figures.unpriced)) } } @else { "0" } }
                        td.num.hide-sm { (ms(m.avg_latency_ms)) }
                        td {
                            @if let Some(p) = &m.price {
                                (mtok(Some(p.input_mtok))) " / " (mtok(Some(p.output_mtok))) " "
                                span.tag data-source=(p.source) { (source_label(&p.source)) }
                                @if p.matched != m.model { span.muted { " as " (p.matched) } }
                            } @else {
                                span.tag.warn-text data-source="none" { "no price" }
                            }
                        }
                    }
                } }
            } }
        }
        section.panel #price-overrides {
            h2 { "Price overrides" }
            p.muted { "An override replaces the price table for a model (USD per million tokens): for one project, or for every project without its own. It applies to the traces written from now on." }
            @if overrides.is_empty() { p.muted { "No overrides." } }
            @else {
                div.table-wrap { table {
                    thead { tr { th { "For" } th { "Model" } th.num { "Input" } th.num { "Output" } th.num.hide-sm { "Cache read" } th.num.hide-sm { "Cache write" } th.num { "Set" } th {} } }
                    tbody { @for o in &overrides {
                        tr data-override=(o.model) {
                            td { (o.project.as_deref().unwrap_or("all projects")) }
                            td { (o.model) }
                            td.num { (mtok(Some(o.input_mtok))) } td.num { (mtok(Some(o.output_mtok))) }
                            td.num.hide-sm { (mtok(o.cache_read_mtok)) } td.num.hide-sm { (mtok(o.cache_write_mtok)) }
                            td.num { (when(o.updated_at, now)) }
                            td { @if (o.project.is_some() && member) || is_admin {
                                button.danger type="button" data-method="DELETE" data-confirm="Remove this price override?"
                                    data-api=(url("/v1/llm/prices", &[("model", o.model.as_str()), ("project", o.project.as_deref().unwrap_or(""))])) { "Remove" }
                            } }
                        }
                    } }
                } }
            }
            @if member {
                h2 { "Set a price" }
                form #price-form data-api="/v1/llm/prices" data-method="PUT" {
                    div.row {
                        input name="model" required maxlength="200" placeholder="model, e.g. my-ft-model" list="model-names";
                        datalist #model-names { @for m in &rows { option value=(m.model) {} } }
                        select name="project" title="For" {
                            @for p in &targets { option value=(p) { "project " (p) } }
                            @if is_admin { option value="" { "all projects (global)" } }
                        }
                    }
                    div.row {
                        label { "Input $ " input name="input" type="number" required min="0" step="any" size="7" data-type="number"; }
                        label { "Output $ " input name="output" type="number" required min="0" step="any" size="7" data-type="number"; }
                        label { "Cache read $ " input name="cache_read" type="number" min="0" step="any" size="7" data-type="number" placeholder="optional"; }
                        label { "Cache write $ " input name="cache_write" type="number" min="0" step="any" size="7" data-type="number" placeholder="optional"; }
                        button.primary type="submit" { "Save price" }
                    }
                    p.form-error hidden {}
                }
            }
        }
    };
    page("LLM models", &s, body)
}

// ---- settings -----------------------------------------------------------------------------------

const POLICIES: [(&str, &str); 3] = [
    ("none", "keeps no prompt, completion or metadata; names, tokens, cost, timing, status and error messages are still kept"),
    ("metadata_only", "also keeps the metadata of traces and spans, never prompts or completions"),
    ("full", "keeps everything, prompts and completions included (searchable and shown on the trace page)"),
];

pub async fn settings(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    if let Some(r) = disabled(&st, &s) {
        return r;
    }
    let now = now_ms();
    let asked = asked(&q);
    let default = st.config.llm_tracing.default_content_storage;
    let db = &st.db;
    let loaded = run(&s, async move {
        let sc = Scope::load(db, asked).await?;
        let rows = read(
            db,
            sc.params(&[], now),
            move |c, p| admin::settings(c, p, default),
            move |pg, p| pg_admin::settings(pg, p, default),
        )
        .await?;
        Ok((sc, rows))
    })
    .await;
    let (sc, rows): (Scope, Vec<ProjectSettings>) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let member = s.can(Role::Member);
    let default_name = admin::policy_name(default);
    let body = html! {
        (head("LLM settings", &sc, "/llm/settings", &[]))
        section.panel {
            h2 { "Content policy" }
            p.muted { "What bloop keeps of each trace, applied when a trace is written (on every path: JSON, OTLP, the proxy). A change applies to the traces written from then on." }
            dl.kv #policies {
                @for (name, text) in POLICIES { dt { code { (name) } } dd { (text) } }
            }
            p.muted { "The server default (" code { "llm_tracing.default_content_storage" } ") is " code { (default_name) } "." }
            p.muted #errors-as-issues-help { strong { "LLM failures as issues: " } "when on (the default), every failed LLM call (a span with status " code { "error" } ") is also filed as an error issue of its project with source " code { "llm" } ", grouped, counted and alerted on like any error." }
        }
        @for ps in &rows {
            section.panel.policy data-project=(ps.project) data-policy=(ps.content_storage) {
                div.row {
                    h2.grow { (ps.project) }
                    span { "keeps: " strong.policy-current { (ps.content_storage) }
                        @if ps.content_storage_source == "default" { " " span.muted { "(the server default)" } } }
                }
                div.row.errors-as-issues data-errors-as-issues=(if ps.errors_as_issues { "on" } else { "off" }) {
                    span.grow { "LLM failures as issues: " strong.errors-as-issues-current { (if ps.errors_as_issues { "on" } else { "off" }) } }
                    @if member {
                        button.errors-as-issues-toggle type="button" data-api="/v1/llm/settings" data-method="PUT"
                            data-body=(serde_json::json!({"project": ps.project, "errors_as_issues": !ps.errors_as_issues}).to_string()) {
                            (if ps.errors_as_issues { "Turn off" } else { "Turn on" })
                        }
                    }
                }
                @if member {
                    form.policy-form data-api="/v1/llm/settings" data-method="PUT" {
                        input type="hidden" name="project" value=(ps.project);
                        div.choices {
                            @for (name, text) in POLICIES {
                                label.choice { input type="radio" name="content_storage" value=(name)
                                    checked[ps.content_storage_source == "project" && ps.content_storage == name];
                                    " " code { (name) } " " span.muted { (text) } }
                            }
                            label.choice { input type="radio" name="content_storage" value="default" checked[ps.content_storage_source == "default"];
                                " " code { "default" } " " span.muted { "follow the server default (" (default_name) ")" } }
                        }
                        button type="submit" { "Save policy" }
                        p.form-error hidden {}
                    }
                }
            }
        }
    };
    page("LLM settings", &s, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_for_paths_and_queries() {
        assert_eq!(seg("a/b?c&d=e f"), "a%2Fb%3Fc%26d%3De%20f");
        assert_eq!(
            url(
                "/llm/traces",
                &[("project", "p 1"), ("user", ""), ("q", "x")]
            ),
            "/llm/traces?project=p%201&q=x"
        );
        assert_eq!(
            trace_href("t/1", "default"),
            "/llm/traces/t%2F1?project=default"
        );
    }

    #[test]
    fn windows_fall_back_to_the_default() {
        let q: HashMap<String, String> = [("window".to_string(), "bogus".to_string())].into();
        assert_eq!(window_of(&q, "7d").0, "7d");
        let q: HashMap<String, String> = [("window".to_string(), "30d".to_string())].into();
        assert_eq!(window_of(&q, "24h").0, "30d");
        assert_eq!(window_of(&HashMap::new(), "24h").0, "24h");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(ms(Some(812.4)), "812 ms");
        assert_eq!(ms(Some(1234.0)), "1.23 s");
        assert_eq!(ms(Some(12_345.0)), "12.3 s");
        assert_eq!(ms(None), "–");
        assert_eq!(version_label("3"), "v3");
        assert_eq!(version_label("beta"), "beta");
    }
}
