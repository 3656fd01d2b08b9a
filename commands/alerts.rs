//! `bloop alerts`: list, create, edit, enable, disable, delete and test alert rules. A rule whose
//! channels could never deliver is refused with the reason, as the API refuses it.

use std::io::Write;

use anyhow::{bail, Context};
use bloop::alert::{Channel, LatencyMetric, NewRule, Percentile, RuleConfig, ThresholdScope};

use crate::common::{self, inert, print_json, Remote};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// List alert rules.
    List {
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls
    /// llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels.
    Create(Box<CreateArgs>),
    /// Change a rule: only the options given change (config options merge into the rule's
    /// config unless --type names another type; channel options replace every channel).
    Edit(Box<EditArgs>),
    /// Turn a rule on.
    Enable {
        id: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Turn a rule off.
    Disable {
        id: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Delete a rule.
    Delete {
        id: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Send a test alert through the rule's channels and report each outcome.
    Test {
        id: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    #[arg(long)]
    name: String,
    /// new_issue | regression | threshold | spike | llm_cost_spike | llm_cost_threshold |
    /// llm_error_rate | llm_latency | llm_budget
    #[arg(long = "type", value_name = "TYPE")]
    kind: String,
    /// Only this project (default: every project).
    #[arg(long)]
    project: Option<String>,
    /// threshold: events needed in the window.
    #[arg(long)]
    threshold: Option<u64>,
    /// threshold/spike: window length, e.g. 5m, 1h.
    #[arg(long)]
    window: Option<String>,
    /// threshold: count per issue, route or project.
    #[arg(long, default_value = "issue")]
    per: String,
    /// spike: how many times the baseline rate.
    #[arg(long)]
    multiplier: Option<f64>,
    /// spike: hours of baseline.
    #[arg(long)]
    baseline_hours: Option<u32>,
    /// llm_cost_threshold: USD spent in the window.
    #[arg(long, value_name = "USD")]
    amount: Option<f64>,
    /// llm_error_rate: % of failed calls; llm_budget: % of the monthly budget (default 80).
    #[arg(long)]
    percent: Option<f64>,
    /// llm_error_rate, llm_latency: calls needed in the window (default 20).
    #[arg(long)]
    min_calls: Option<u64>,
    /// llm_cost_threshold, llm_error_rate, llm_latency: only this model.
    #[arg(long)]
    model: Option<String>,
    /// llm_latency: milliseconds the percentile must reach.
    #[arg(long, value_name = "MS")]
    threshold_ms: Option<u64>,
    /// llm_latency: p50 | p95 | p99 (default p95).
    #[arg(long, default_value = "p95")]
    percentile: String,
    /// llm_latency: latency | ttft (time to first token).
    #[arg(long, default_value = "latency")]
    metric: String,
    /// llm_budget: do not also alert when the month-end forecast is over the budget.
    #[arg(long)]
    no_forecast: bool,
    #[arg(long = "env", value_name = "ENV")]
    environment: Option<String>,
    #[arg(long)]
    source: Option<String>,
    #[arg(long)]
    release: Option<String>,
    /// Slack incoming-webhook URL (repeatable).
    #[arg(long)]
    slack: Vec<String>,
    /// Webhook URL (repeatable); signed with --webhook-secret or auth.hmac_secret.
    #[arg(long)]
    webhook: Vec<String>,
    #[arg(long)]
    webhook_secret: Option<String>,
    /// Email recipient (repeatable; needs [smtp]).
    #[arg(long)]
    email: Vec<String>,
    /// Create it disabled.
    #[arg(long)]
    disabled: bool,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct EditArgs {
    /// The rule's id (`bloop alerts list`).
    id: i64,
    #[arg(long)]
    name: Option<String>,
    /// A new type: the config options given then make the whole new config.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Only this project; `all` for every project.
    #[arg(long)]
    project: Option<String>,
    /// threshold: events needed in the window.
    #[arg(long)]
    threshold: Option<u64>,
    /// Window length, e.g. 5m, 1h.
    #[arg(long)]
    window: Option<String>,
    /// threshold: count per issue, route or project.
    #[arg(long)]
    per: Option<String>,
    /// spike, llm_cost_spike: how many times the baseline rate.
    #[arg(long)]
    multiplier: Option<f64>,
    /// spike, llm_cost_spike: hours of baseline.
    #[arg(long)]
    baseline_hours: Option<u32>,
    /// llm_cost_threshold: USD spent in the window.
    #[arg(long, value_name = "USD")]
    amount: Option<f64>,
    /// llm_error_rate: % of failed calls; llm_budget: % of the monthly budget.
    #[arg(long)]
    percent: Option<f64>,
    /// llm_error_rate, llm_latency: calls needed in the window.
    #[arg(long)]
    min_calls: Option<u64>,
    /// llm_cost_threshold, llm_error_rate, llm_latency: only this model (`any`: every model).
    #[arg(long)]
    model: Option<String>,
    /// llm_latency: milliseconds the percentile must reach.
    #[arg(long, value_name = "MS")]
    threshold_ms: Option<u64>,
    /// llm_latency: p50 | p95 | p99.
    #[arg(long)]
    percentile: Option<String>,
    /// llm_latency: latency | ttft (time to first token).
    #[arg(long)]
    metric: Option<String>,
    /// llm_budget: also alert when the month-end forecast is over the budget (true | false).
    #[arg(long)]
    forecast: Option<bool>,
    /// Only events of this environment ("" for any).
    #[arg(long = "env", value_name = "ENV")]
    environment: Option<String>,
    /// Only events from this source ("" for any).
    #[arg(long)]
    source: Option<String>,
    /// Only events of this release ("" for any).
    #[arg(long)]
    release: Option<String>,
    /// Slack incoming-webhook URL (repeatable; replaces the channels).
    #[arg(long)]
    slack: Vec<String>,
    /// Webhook URL (repeatable; replaces the channels).
    #[arg(long)]
    webhook: Vec<String>,
    #[arg(long)]
    webhook_secret: Option<String>,
    /// Email recipient (repeatable; replaces the channels; needs [smtp]).
    #[arg(long)]
    email: Vec<String>,
    /// Remove the rule's channels: it then sends to the server's defaults
    /// (BLOOP_SLACK_WEBHOOK_URL, BLOOP_WEBHOOK_URL).
    #[arg(long, conflicts_with_all = ["slack", "webhook", "email"])]
    server_defaults: bool,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

/// The fields `a` changes, as a `PATCH /v1/alerts/{id}` body.
fn patch(a: &EditArgs) -> anyhow::Result<serde_json::Value> {
    use serde_json::{json, Map, Value};
    let mut p = Map::new();
    if let Some(n) = &a.name {
        p.insert("name".into(), json!(n));
    }
    if let Some(project) = &a.project {
        let all = project.is_empty() || project == "all";
        p.insert(
            "project_id".into(),
            if all { Value::Null } else { json!(project) },
        );
    }
    let mut c = Map::new();
    let mut put = |k: &str, v: Value| {
        c.insert(k.to_string(), v);
    };
    if let Some(t) = &a.kind {
        put("type", json!(t));
    }
    if let Some(n) = a.threshold {
        put("threshold", json!(n));
    }
    if a.window.is_some() {
        put("window_secs", json!(window_secs(&a.window, 0)?));
    }
    if let Some(per) = &a.per {
        if !["issue", "route", "project"].contains(&per.as_str()) {
            bail!("--per must be issue, route or project, not `{per}`");
        }
        put("per", json!(per));
    }
    if let Some(m) = a.multiplier {
        put("multiplier", json!(m));
    }
    if let Some(h) = a.baseline_hours {
        put("baseline_hours", json!(h));
    }
    if let Some(x) = a.amount {
        put("amount_usd", json!(x));
    }
    if let Some(x) = a.percent {
        put("percent", json!(x));
    }
    if let Some(x) = a.min_calls {
        put("min_calls", json!(x));
    }
    if let Some(m) = &a.model {
        put("model", if m == "any" { Value::Null } else { json!(m) });
    }
    if let Some(x) = a.threshold_ms {
        put("threshold_ms", json!(x));
    }
    if let Some(x) = &a.percentile {
        put("percentile", json!(x));
    }
    if let Some(x) = &a.metric {
        put("metric", json!(x));
    }
    if let Some(x) = a.forecast {
        put("forecast", json!(x));
    }
    if !c.is_empty() {
        p.insert("config".into(), Value::Object(c));
    }
    for (k, v) in [
        ("environment_filter", &a.environment),
        ("source_filter", &a.source),
        ("release_filter", &a.release),
    ] {
        if let Some(v) = v {
            p.insert(k.into(), if v.is_empty() { Value::Null } else { json!(v) });
        }
    }
    let channels = channels(&a.slack, &a.webhook, &a.webhook_secret, &a.email);
    if !channels.is_empty() || a.server_defaults {
        p.insert("channels".into(), serde_json::to_value(channels)?);
    }
    if p.is_empty() {
        bail!("nothing to change: give the options to change (see `bloop alerts edit --help`)");
    }
    Ok(Value::Object(p))
}

fn channels(
    slack: &[String],
    webhook: &[String],
    webhook_secret: &Option<String>,
    email: &[String],
) -> Vec<Channel> {
    let mut channels: Vec<Channel> = slack
        .iter()
        .map(|u| Channel::Slack {
            webhook_url: u.clone(),
        })
        .collect();
    channels.extend(webhook.iter().map(|u| Channel::Webhook {
        url: u.clone(),
        secret: webhook_secret.clone(),
    }));
    if !email.is_empty() {
        channels.push(Channel::Email { to: email.to_vec() });
    }
    channels
}

fn window_secs(w: &Option<String>, default: u64) -> anyhow::Result<u64> {
    match w {
        None => Ok(default),
        Some(w) => Ok((bloop::timefmt::parse_duration_ms(w)
            .with_context(|| format!("--window `{w}` is not a duration like 5m or 1h"))?
            / 1000) as u64),
    }
}

fn build(a: &CreateArgs) -> anyhow::Result<NewRule> {
    let config = match a.kind.as_str() {
        "new_issue" => RuleConfig::NewIssue,
        "regression" => RuleConfig::Regression,
        "threshold" => RuleConfig::Threshold {
            threshold: a
                .threshold
                .context("--type threshold needs --threshold N")?,
            window_secs: window_secs(&a.window, 300)?,
            per: match a.per.as_str() {
                "issue" => ThresholdScope::Issue,
                "route" => ThresholdScope::Route,
                "project" => ThresholdScope::Project,
                other => bail!("--per must be issue, route or project, not `{other}`"),
            },
        },
        "spike" => RuleConfig::Spike {
            multiplier: a.multiplier.unwrap_or(3.0),
            window_secs: window_secs(&a.window, 3600)?,
            baseline_hours: a.baseline_hours.unwrap_or(24),
        },
        "llm_cost_spike" => RuleConfig::LlmCostSpike {
            multiplier: a.multiplier.unwrap_or(3.0),
            window_secs: window_secs(&a.window, 3600)?,
            baseline_hours: a.baseline_hours.unwrap_or(24),
        },
        "llm_cost_threshold" => RuleConfig::LlmCostThreshold {
            amount_usd: a
                .amount
                .context("--type llm_cost_threshold needs --amount USD")?,
            window_secs: window_secs(&a.window, 3600)?,
            model: a.model.clone(),
        },
        "llm_error_rate" => RuleConfig::LlmErrorRate {
            percent: a
                .percent
                .context("--type llm_error_rate needs --percent P")?,
            window_secs: window_secs(&a.window, 900)?,
            min_calls: a.min_calls.unwrap_or(20),
            model: a.model.clone(),
        },
        "llm_latency" => RuleConfig::LlmLatency {
            threshold_ms: a
                .threshold_ms
                .context("--type llm_latency needs --threshold-ms MS")?,
            percentile: match a.percentile.as_str() {
                "p50" => Percentile::P50,
                "p95" => Percentile::P95,
                "p99" => Percentile::P99,
                other => bail!("--percentile must be p50, p95 or p99, not `{other}`"),
            },
            metric: match a.metric.as_str() {
                "latency" => LatencyMetric::Latency,
                "ttft" => LatencyMetric::Ttft,
                other => bail!("--metric must be latency or ttft, not `{other}`"),
            },
            window_secs: window_secs(&a.window, 900)?,
            min_calls: a.min_calls.unwrap_or(20),
            model: a.model.clone(),
        },
        "llm_budget" => RuleConfig::LlmBudget {
            percent: a.percent.unwrap_or(80.0),
            forecast: !a.no_forecast,
        },
        other => bail!(
            "--type must be new_issue, regression, threshold, spike, llm_cost_spike, \
             llm_cost_threshold, llm_error_rate, llm_latency or llm_budget, not `{other}`"
        ),
    };
    let channels = channels(&a.slack, &a.webhook, &a.webhook_secret, &a.email);
    Ok(NewRule {
        name: a.name.clone(),
        project_id: a.project.clone(),
        config,
        channels,
        environment_filter: a.environment.clone(),
        source_filter: a.source.clone(),
        release_filter: a.release.clone(),
        enabled: !a.disabled,
    })
}

fn describe(c: &RuleConfig) -> String {
    match c {
        RuleConfig::NewIssue => "new issue".into(),
        RuleConfig::Regression => "regression".into(),
        RuleConfig::Threshold {
            threshold,
            window_secs,
            per,
        } => format!("≥ {threshold} events in {window_secs}s per {per:?}").to_lowercase(),
        RuleConfig::Spike {
            multiplier,
            window_secs,
            baseline_hours,
        } => format!("spike ×{multiplier} over {window_secs}s vs {baseline_hours}h"),
        llm => llm.llm_summary().unwrap_or_default(),
    }
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    match args.command {
        Cmd::List { json } => {
            let rules = target.alerts()?;
            if json {
                return print_json(out, &rules);
            }
            let mut t = common::table(&[
                "id", "name", "project", "when", "filters", "channels", "enabled",
            ]);
            for r in &rules {
                let filters: Vec<String> = [
                    ("env", &r.environment_filter),
                    ("source", &r.source_filter),
                    ("release", &r.release_filter),
                ]
                .iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}:{v}")))
                .collect();
                let channels = if r.channels.is_empty() {
                    "(environment)".to_string()
                } else {
                    r.channels
                        .iter()
                        .map(|c| c.kind())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                t.add_row(vec![
                    r.id.to_string(),
                    r.name.clone(),
                    r.project_id.clone().unwrap_or_else(|| "(all)".into()),
                    describe(&r.config),
                    filters.join(" "),
                    channels,
                    if r.enabled { "yes".into() } else { "no".into() },
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Cmd::Create(a) => {
            let rule = target.create_alert(&build(&a)?)?;
            if a.json {
                return print_json(out, &rule);
            }
            writeln!(
                out,
                "created alert rule {} ({}): {}",
                rule.id,
                inert(&rule.name),
                inert(&describe(&rule.config))
            )?;
        }
        Cmd::Edit(a) => {
            let rule = target.update_alert(a.id, &patch(&a)?)?;
            if a.json {
                return print_json(out, &rule);
            }
            writeln!(
                out,
                "changed alert rule {} ({}): {}",
                rule.id,
                inert(&rule.name),
                inert(&describe(&rule.config))
            )?;
        }
        Cmd::Enable { id, json } | Cmd::Disable { id, json } => {
            let on = matches!(args.command, Cmd::Enable { .. });
            let rule = target.set_alert_enabled(id, on)?;
            if json {
                return print_json(out, &rule);
            }
            writeln!(
                out,
                "alert rule {} {}",
                rule.id,
                if on { "enabled" } else { "disabled" }
            )?;
        }
        Cmd::Delete { id, json } => {
            let rule = target.delete_alert(id)?;
            if json {
                return print_json(out, &rule);
            }
            writeln!(
                out,
                "deleted alert rule {} ({})",
                rule.id,
                inert(&rule.name)
            )?;
        }
        Cmd::Test { id, json } => {
            let report = target.test_alert(id)?;
            if json {
                print_json(out, &report)?;
            } else {
                for o in report["outcomes"].as_array().into_iter().flatten() {
                    writeln!(
                        out,
                        "{} {} {}: {}",
                        if o["ok"] == true { "✓" } else { "✗" },
                        o["channel"].as_str().unwrap_or(""),
                        o["target"].as_str().unwrap_or(""),
                        o["error"].as_str().unwrap_or("delivered")
                    )?;
                }
            }
            if report["ok"] != true {
                bail!("the test alert did not reach every channel");
            }
        }
    }
    Ok(())
}
