//! `bloop llm overview|usage|models|latency|tools|prompts|compare|budget`: LLM usage, cost,
//! latency and budgets as terminal tables (or `--json`). Each command is one call of the same
//! query the API runs (`store::llm_usage`), on the local database or a server with `--url`.

use std::io::Write;

use bloop::ops::Target;
use bloop::server::routes::RouteId;
use bloop::store::llm_usage::{
    self as q, thousands, usd, utc, Budget, Comparison, ModelLatency, ModelRow, Overview,
    Percentiles, PromptRow, ToolRow, Usage,
};

use crate::common::{self, inert, print_json, truncate};
use crate::llm::{Params, Window};

/// `--project`, `--since`, `--until`, `--json`: what every query here takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    #[command(flatten)]
    window: Window,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

impl Common {
    /// The query's parameters: these flags and `extra`, those given.
    fn params(&self, extra: &[(&str, Option<&str>)]) -> Vec<(String, String)> {
        extra
            .iter()
            .fold(Params::default().window(&self.window), |p, (k, v)| {
                p.opt(k, *v)
            })
            .0
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h).
    Overview(Common),
    /// Usage and cost over time by model, provider, project, prompt or day (default: last 7d).
    Usage {
        #[command(flatten)]
        common: Common,
        /// model | provider | project | prompt | day (one row per UTC day)
        #[arg(long, default_value = "model")]
        by: String,
    },
    /// Models used, with tokens, cost, and the price that applies and its source (default: 30d).
    Models(Common),
    /// Latency and time-to-first-token percentiles per model (default: last 24h).
    Latency {
        #[command(flatten)]
        common: Common,
        /// One model only.
        #[arg(long)]
        model: Option<String>,
    },
    /// Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h).
    Tools {
        #[command(flatten)]
        common: Common,
        /// tool | retrieval | all (default: tool and retrieval)
        #[arg(long = "type", value_name = "TYPE")]
        span_type: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Prompt versions with their averages (default: last 30d).
    Prompts {
        #[command(flatten)]
        common: Common,
        /// One prompt only.
        #[arg(long)]
        name: Option<String>,
    },
    /// Two versions of a prompt compared, with significance tests (default: last 30d).
    Compare {
        /// Prompt name.
        prompt: String,
        /// First version (the baseline).
        a: String,
        /// Second version.
        b: String,
        #[command(flatten)]
        common: Common,
    },
    /// Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one.
    Budget(BudgetArgs),
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BudgetArgs {
    #[command(subcommand)]
    set: Option<BudgetCmd>,
    /// Project slug (default: every project).
    #[arg(long)]
    project: Option<String>,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum BudgetCmd {
    /// Set a project's monthly budget in USD (`none` clears it).
    Set {
        /// USD per month (e.g. 50 or 12.5), or `none`.
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Project slug (required unless the token is limited to one project).
        #[arg(long)]
        project: Option<String>,
        /// Enforce it: once the month's spend reaches the budget, the LLM proxy answers 429
        /// (`bloop_budget_exceeded`) instead of calling the provider, until the month ends.
        #[arg(long, conflicts_with = "no_enforce")]
        enforce: bool,
        /// Stop enforcing it (the budget stays, for the figures and alerts).
        #[arg(long)]
        no_enforce: bool,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn opt_f(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(x) if x >= 100.0 => format!("{}{unit}", thousands(x.round() as i64)),
        Some(x) => format!("{x:.1}{unit}"),
        None => "-".into(),
    }
}

fn ms(v: Option<f64>) -> String {
    opt_f(v, " ms")
}

fn pct(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

pub fn run(target: &mut Target, cmd: Cmd, out: &mut impl Write) -> anyhow::Result<()> {
    match cmd {
        Cmd::Overview(c) => {
            let o = target.llm_get(RouteId::LlmOverview, &[], &c.params(&[]), q::overview)?;
            show(out, c.json, &o, render_overview)
        }
        Cmd::Usage { common: c, by } => {
            // `--by day`: one series (by none), bucketed by day.
            let per_day = by == "day";
            let extra = if per_day {
                [("by", Some("none")), ("bucket", Some("day"))]
            } else {
                [("by", Some(by.as_str())), ("bucket", None)]
            };
            let u = target.llm_get(RouteId::LlmUsage, &[], &c.params(&extra), q::usage)?;
            show(out, c.json, &u, |o, u| render_usage(o, u, per_day))
        }
        Cmd::Models(c) => {
            let rows = target.llm_get(RouteId::LlmModels, &[], &c.params(&[]), q::models)?;
            show(out, c.json, &rows, |o, r: &Vec<ModelRow>| {
                render_models(o, r)
            })
        }
        Cmd::Latency { common: c, model } => {
            let params = c.params(&[("model", model.as_deref())]);
            let rows = target.llm_get(RouteId::LlmLatency, &[], &params, q::latency)?;
            show(out, c.json, &rows, |o, r: &Vec<ModelLatency>| {
                render_latency(o, r)
            })
        }
        Cmd::Tools {
            common: c,
            span_type,
            limit,
        } => {
            let limit = limit.to_string();
            let params = c.params(&[("type", span_type.as_deref()), ("limit", Some(&limit))]);
            let rows = target.llm_get(RouteId::LlmTools, &[], &params, q::tools)?;
            show(out, c.json, &rows, |o, r: &Vec<ToolRow>| render_tools(o, r))
        }
        Cmd::Prompts { common: c, name } => {
            let params = c.params(&[("name", name.as_deref())]);
            let rows = target.llm_get(RouteId::LlmPrompts, &[], &params, q::prompts)?;
            show(out, c.json, &rows, |o, r: &Vec<PromptRow>| {
                render_prompts(o, r)
            })
        }
        Cmd::Compare {
            prompt,
            a,
            b,
            common: c,
        } => {
            let params = c.params(&[("a", Some(&a)), ("b", Some(&b))]);
            let name = prompt.clone();
            let cmp =
                target.llm_get(RouteId::LlmCompare, &[&prompt], &params, move |conn, p| {
                    q::compare(conn, p, &name)
                })?;
            show(out, c.json, &cmp, render_compare)
        }
        Cmd::Budget(BudgetArgs {
            set: None,
            project,
            json,
        }) => {
            let params = project_param(project.as_deref());
            let rows = target.llm_get(RouteId::LlmBudget, &[], &params, q::budgets)?;
            show(out, json, &rows, |o, r: &Vec<Budget>| render_budgets(o, r))
        }
        Cmd::Budget(BudgetArgs {
            set:
                Some(BudgetCmd::Set {
                    amount,
                    project,
                    enforce,
                    no_enforce,
                    json,
                }),
            ..
        }) => {
            let monthly_usd = parse_amount(&amount)?;
            let enforce = match (enforce, no_enforce) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            let mut body = serde_json::json!({ "project": project, "monthly_usd": monthly_usd });
            if let Some(e) = enforce {
                body["enforce"] = e.into();
            }
            let b = target.llm_send(
                RouteId::LlmSetBudget,
                &[],
                &project_param(project.as_deref()),
                body,
                move |conn, p| q::set_budget(conn, p, monthly_usd, enforce),
            )?;
            show(out, json, &b, render_budget_set)
        }
    }
}

/// `v` as JSON with `--json`, else as `render` draws it.
fn show<T: serde::Serialize, W: Write>(
    out: &mut W,
    json: bool,
    v: &T,
    render: impl FnOnce(&mut W, &T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if json {
        print_json(out, v)
    } else {
        render(out, v)
    }
}

fn project_param(project: Option<&str>) -> Vec<(String, String)> {
    project
        .map(|p| vec![("project".to_string(), p.to_string())])
        .unwrap_or_default()
}

fn render_budget_set(out: &mut impl Write, b: &Budget) -> anyhow::Result<()> {
    match b.budget_micros {
        Some(m) => writeln!(
            out,
            "budget of {}: {} a month ({} spent so far in {}){}",
            inert(&b.project),
            usd(m),
            usd(b.spent_micros),
            b.month,
            if b.enforced {
                "; enforced: the proxy refuses calls once it is reached"
            } else {
                ""
            }
        )?,
        None => writeln!(out, "budget of {} cleared", inert(&b.project))?,
    }
    Ok(())
}

/// `12.5`, `$12.50` or `none`; the upper bound is checked where the budget is stored.
fn parse_amount(s: &str) -> anyhow::Result<Option<f64>> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let n = t.strip_prefix('$').unwrap_or(t).replace(',', "");
    match n.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => anyhow::bail!("AMOUNT must be a number of USD ≥ 0 (like 50 or 12.5) or `none`"),
    }
}

fn latency_line(l: &Percentiles) -> String {
    if l.count == 0 {
        return "no samples".into();
    }
    format!(
        "p50 {}  p95 {}  p99 {}  mean {}  ({} sample{})",
        ms(l.p50),
        ms(l.p95),
        ms(l.p99),
        ms(l.mean),
        thousands(l.count),
        if l.count == 1 { "" } else { "s" }
    )
}

fn render_overview(out: &mut impl Write, o: &Overview) -> anyhow::Result<()> {
    writeln!(
        out,
        "window   {} → {} UTC (rollups: whole hours {} → {})",
        utc(o.window.since),
        utc(o.window.until),
        utc(o.covered.since),
        utc(o.covered.until)
    )?;
    writeln!(
        out,
        "traces   {} ({} with errors)   spans {}   calls {}   models {}",
        thousands(o.traces),
        thousands(o.error_traces),
        thousands(o.spans),
        thousands(o.calls),
        thousands(o.models)
    )?;
    writeln!(
        out,
        "tokens   input {}   output {}   cache read {}   cache write {}",
        thousands(o.input_tokens),
        thousands(o.output_tokens),
        thousands(o.cache_read_tokens),
        thousands(o.cache_write_tokens)
    )?;
    writeln!(
        out,
        "cost     {}   unpriced calls {}",
        usd(o.cost_micros),
        thousands(o.unpriced_calls)
    )?;
    writeln!(
        out,
        "errors   {} of {} spans ({})",
        thousands(o.errors),
        thousands(o.spans),
        pct(o.error_rate)
    )?;
    writeln!(out, "latency  {}", latency_line(&o.latency_ms))?;
    writeln!(out, "ttft     {}", latency_line(&o.ttft_ms))?;
    if let Some(b) = &o.budget {
        writeln!(out, "budget   {}", budget_line(b))?;
    }
    Ok(())
}

fn budget_line(b: &Budget) -> String {
    let Some(budget) = b.budget_micros else {
        return format!("none set; {} spent in {}", usd(b.spent_micros), b.month);
    };
    format!(
        "{} a month; {} spent in {}, forecast {}{}",
        usd(budget),
        usd(b.spent_micros),
        b.month,
        usd(b.forecast_micros),
        budget_status(b)
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    )
}

fn budget_status(b: &Budget) -> Option<&'static str> {
    if b.over_budget {
        Some("OVER BUDGET")
    } else if b.forecast_over {
        Some("forecast over budget")
    } else {
        None
    }
}

fn usage_cells(first: String, f: &q::UsageFigures) -> Vec<String> {
    vec![
        first,
        thousands(f.spans),
        thousands(f.input_tokens),
        thousands(f.output_tokens),
        thousands(f.cache_read_tokens),
        thousands(f.cache_write_tokens),
        usd(f.cost_micros),
        thousands(f.unpriced),
        thousands(f.errors),
    ]
}

fn render_usage(out: &mut impl Write, u: &Usage, per_day: bool) -> anyhow::Result<()> {
    let first = if per_day { "day (UTC)" } else { u.by.as_str() };
    let mut t = common::table(&[
        first,
        "spans",
        "input",
        "output",
        "cache read",
        "cache write",
        "cost",
        "unpriced",
        "errors",
    ]);
    if per_day {
        for s in &u.series {
            for p in &s.points {
                t.add_row(usage_cells(utc(p.t)[..10].to_string(), &p.figures));
            }
        }
    } else {
        let w = common::width().saturating_sub(90).max(16);
        for s in &u.series {
            t.add_row(usage_cells(truncate(&s.key, w), &s.totals));
        }
    }
    t.add_row(usage_cells("total".into(), &u.totals));
    writeln!(
        out,
        "{} → {} UTC, by {}",
        utc(u.covered.since),
        utc(u.covered.until),
        if per_day { "day" } else { u.by.as_str() }
    )?;
    writeln!(out, "{t}")?;
    Ok(())
}

fn render_models(out: &mut impl Write, rows: &[ModelRow]) -> anyhow::Result<()> {
    let mut t = common::table(&[
        "model",
        "provider",
        "spans",
        "input",
        "output",
        "cost",
        "unpriced",
        "errors",
        "avg latency",
        "price in/out per 1M",
        "price source",
    ]);
    for r in rows {
        let (price, source) = match &r.price {
            Some(p) => (
                format!("${} / ${}", p.input_mtok, p.output_mtok),
                format!("{} ({})", p.source, p.matched),
            ),
            None => ("unknown".into(), "-".into()),
        };
        t.add_row(vec![
            truncate(&r.model, 40),
            truncate(r.provider.as_deref().unwrap_or("-"), 20),
            thousands(r.figures.spans),
            thousands(r.figures.input_tokens),
            thousands(r.figures.output_tokens),
            usd(r.figures.cost_micros),
            thousands(r.figures.unpriced),
            thousands(r.figures.errors),
            ms(r.avg_latency_ms),
            price,
            truncate(&source, 50),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn render_latency(out: &mut impl Write, rows: &[ModelLatency]) -> anyhow::Result<()> {
    let mut t = common::table(&[
        "model", "provider", "calls", "p50", "p90", "p95", "p99", "mean", "ttft p50", "ttft p95",
    ]);
    for r in rows {
        t.add_row(vec![
            truncate(&r.model, 40),
            truncate(r.provider.as_deref().unwrap_or("-"), 20),
            thousands(r.calls),
            ms(r.latency_ms.p50),
            ms(r.latency_ms.p90),
            ms(r.latency_ms.p95),
            ms(r.latency_ms.p99),
            ms(r.latency_ms.mean),
            ms(r.ttft_ms.p50),
            ms(r.ttft_ms.p95),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn render_tools(out: &mut impl Write, rows: &[ToolRow]) -> anyhow::Result<()> {
    let mut t = common::table(&[
        "type", "name", "calls", "errors", "error %", "p50", "p95", "max",
    ]);
    let ms_i = |v: Option<i64>| {
        v.map(|x| format!("{} ms", thousands(x)))
            .unwrap_or("-".into())
    };
    for r in rows {
        t.add_row(vec![
            truncate(&r.span_type, 20),
            truncate(&r.name, 50),
            thousands(r.calls),
            thousands(r.errors),
            pct(r.error_rate),
            ms_i(r.latency_ms.p50),
            ms_i(r.latency_ms.p95),
            ms_i(r.latency_ms.max),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn render_prompts(out: &mut impl Write, rows: &[PromptRow]) -> anyhow::Result<()> {
    let mut t = common::table(&[
        "prompt",
        "version",
        "traces",
        "errors",
        "error %",
        "avg latency",
        "avg cost",
        "cost",
        "last seen",
    ]);
    for r in rows {
        t.add_row(vec![
            truncate(&r.prompt_name, 40),
            truncate(r.prompt_version.as_deref().unwrap_or("-"), 20),
            thousands(r.traces),
            thousands(r.errors),
            pct(r.error_rate),
            ms(r.avg_latency_ms),
            r.avg_cost_micros
                .map(|c| usd(c.round() as i64))
                .unwrap_or("-".into()),
            r.cost_micros.map(usd).unwrap_or("-".into()),
            common::ago(r.last_seen),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn render_compare(out: &mut impl Write, c: &Comparison) -> anyhow::Result<()> {
    writeln!(
        out,
        "prompt {}: {} vs {}",
        inert(&c.prompt_name),
        inert(&c.a.version),
        inert(&c.b.version)
    )?;
    for s in &c.summary {
        writeln!(out, "  {}", inert(s))?;
    }
    let mut t = common::table(&[
        "version",
        "traces",
        "errors",
        "error %",
        "latency n",
        "latency mean",
        "latency sd",
        "cost n",
        "cost mean",
        "cost sd",
    ]);
    for a in [&c.a, &c.b] {
        let cost = |v: Option<f64>| v.map(|x| usd(x.round() as i64)).unwrap_or("-".into());
        t.add_row(vec![
            truncate(&a.version, 20),
            thousands(a.n),
            thousands(a.errors),
            pct(a.error_rate),
            thousands(a.latency_ms.n),
            ms(a.latency_ms.mean),
            ms(a.latency_ms.sd),
            thousands(a.cost_micros.n),
            cost(a.cost_micros.mean),
            cost(a.cost_micros.sd),
        ]);
    }
    writeln!(out, "{t}")?;
    let mut t = common::table(&["test", "statistic", "df", "p", "significant", "note"]);
    for (name, r) in [
        ("latency (Welch t)", &c.latency),
        ("cost (Welch t)", &c.cost),
        ("error rate (z)", &c.error_rate),
    ] {
        t.add_row(vec![
            name.into(),
            r.statistic.map(|x| format!("{x:.3}")).unwrap_or("-".into()),
            r.df.map(|x| format!("{x:.1}")).unwrap_or("-".into()),
            r.p_display.clone(),
            match r.significant {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "n/a".into(),
            },
            r.note.clone().unwrap_or_default(),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn render_budgets(out: &mut impl Write, rows: &[Budget]) -> anyhow::Result<()> {
    let mut t = common::table(&[
        "project", "month", "budget", "spent", "forecast", "days", "status", "enforced",
    ]);
    for b in rows {
        t.add_row(vec![
            truncate(&b.project, 40),
            b.month.clone(),
            b.budget_micros.map(usd).unwrap_or("none".into()),
            usd(b.spent_micros),
            usd(b.forecast_micros),
            format!("{:.1} of {}", b.days_elapsed, b.days_in_month),
            match (b.budget_micros, budget_status(b)) {
                (None, _) => "-".into(),
                (Some(_), Some(s)) => s.into(),
                (Some(_), None) => "ok".into(),
            },
            if b.enforced { "yes" } else { "-" }.into(),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}
