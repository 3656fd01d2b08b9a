//! `bloop llm`: LLM traces from the terminal — usage and cost, models, latency, prompts and their
//! comparison, budgets (`llm_usage`), traces, the span tree, search and sessions (`llm_browse`),
//! the content policy and price overrides (here). On the local database, or a server's API with
//! `--url`/`--token`; `--json` everywhere.

use std::io::Write;

use bloop::ops::Target;
use bloop::server::routes::RouteId;
use bloop::store::llm_admin::{self, PriceOverrideRow, PriceUpdate, Prices, ProjectSettings};

use crate::common::{self, inert, print_json, Remote};
use crate::{llm_browse, llm_usage};

/// `--project`, `--since`, `--until`: what an LLM query reads.
#[derive(Debug, Clone, clap::Args)]
pub struct Window {
    /// Project slug (default: every project).
    #[arg(long)]
    pub project: Option<String>,
    /// From: a duration back from now (24h, 7d) or epoch ms (the default window is in the
    /// command's description).
    #[arg(long)]
    pub since: Option<String>,
    /// To: a duration back from now or epoch ms (default now).
    #[arg(long)]
    pub until: Option<String>,
}

/// Query parameters from the flags that were given.
#[derive(Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn opt(mut self, k: &str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.push((k.into(), v.to_string()));
        }
        self
    }

    pub fn set(mut self, k: &str, v: impl ToString) -> Self {
        self.0.push((k.into(), v.to_string()));
        self
    }

    pub fn window(self, w: &Window) -> Self {
        self.opt("project", w.project.as_deref())
            .opt("since", w.since.as_deref())
            .opt("until", w.until.as_deref())
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    #[command(flatten)]
    Usage(llm_usage::Cmd),
    #[command(flatten)]
    Browse(llm_browse::Cmd),
    /// Content policy (none | metadata_only | full) and budget per project; `settings set` changes
    /// the policy.
    Settings(SettingsArgs),
    /// Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`.
    Prices(PricesArgs),
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct SettingsArgs {
    #[command(subcommand)]
    set: Option<SettingsCmd>,
    #[arg(long)]
    project: Option<String>,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum SettingsCmd {
    /// Set a project's content policy (applies to traces written from now on) and whether its
    /// failed LLM calls are also filed as error issues.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["content", "errors_as_issues"])))]
    Set {
        #[arg(long)]
        project: String,
        /// none | metadata_only | full | default (follow llm_tracing.default_content_storage)
        #[arg(long, value_name = "POLICY")]
        content: Option<String>,
        /// on | off: file spans with status error as error events (source `llm`) too
        #[arg(long, value_name = "ON|OFF", value_parser = on_off)]
        errors_as_issues: Option<bool>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct PricesArgs {
    #[command(subcommand)]
    cmd: Option<PricesCmd>,
    /// A model: what it costs (per million tokens) and which rule matched.
    model: Option<String>,
    /// The provider, to pick among same-named models.
    #[arg(long)]
    provider: Option<String>,
    /// Consider this project's overrides.
    #[arg(long)]
    project: Option<String>,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum PricesCmd {
    /// Set a price override in USD per million tokens (global without --project).
    Set {
        model: String,
        #[arg(long)]
        input: f64,
        #[arg(long)]
        output: f64,
        #[arg(long)]
        cache_read: Option<f64>,
        #[arg(long)]
        cache_write: Option<f64>,
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove a price override (global without --project).
    Unset {
        model: String,
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target: Target = args.remote.target(config)?;
    let default = config.llm_tracing.default_content_storage;
    match args.command {
        Cmd::Usage(c) => llm_usage::run(&mut target, c, out),
        Cmd::Browse(c) => llm_browse::run(&mut target, c, out),
        Cmd::Settings(SettingsArgs {
            set: None,
            project,
            json,
        }) => {
            let params = Params::default().opt("project", project.as_deref()).0;
            let rows: Vec<ProjectSettings> =
                target.llm_get(RouteId::LlmSettings, &[], &params, |c, p| {
                    llm_admin::settings(c, p, default)
                })?;
            if json {
                return print_json(out, &rows);
            }
            render_settings(out, &rows)
        }
        Cmd::Settings(SettingsArgs {
            set:
                Some(SettingsCmd::Set {
                    project,
                    content,
                    errors_as_issues,
                    json,
                }),
            ..
        }) => {
            let update = llm_admin::SettingsUpdate {
                project: Some(project.clone()),
                content_storage: content.map(Some),
                errors_as_issues,
            };
            let params = vec![("project".to_string(), project)];
            let body = serde_json::to_value(&update)?;
            let row: ProjectSettings =
                target.llm_send(RouteId::LlmPutSettings, &[], &params, body, |c, p| {
                    llm_admin::put_settings(c, p, &update, default)
                })?;
            if json {
                return print_json(out, &row);
            }
            render_settings(out, std::slice::from_ref(&row))?;
            writeln!(
                out,
                "applies to traces written from now on; stored traces keep what they had"
            )?;
            Ok(())
        }
        Cmd::Prices(PricesArgs {
            cmd: None,
            model,
            provider,
            project,
            json,
        }) => {
            let params = Params::default()
                .opt("project", project.as_deref())
                .opt("model", model.as_deref())
                .opt("provider", provider.as_deref())
                .0;
            let prices: Prices =
                target.llm_get(RouteId::LlmPrices, &[], &params, llm_admin::prices)?;
            if json {
                return print_json(out, &prices);
            }
            render_prices(out, &prices)
        }
        Cmd::Prices(PricesArgs {
            cmd:
                Some(PricesCmd::Set {
                    model,
                    input,
                    output,
                    cache_read,
                    cache_write,
                    project,
                    json,
                }),
            ..
        }) => {
            let update = PriceUpdate {
                project: project.clone(),
                model,
                input,
                output,
                cache_read,
                cache_write,
            };
            let params = Params::default().opt("project", project.as_deref()).0;
            let body = serde_json::to_value(&update)?;
            let row: PriceOverrideRow =
                target.llm_send(RouteId::LlmSetPrice, &[], &params, body, |c, p| {
                    llm_admin::set_price(c, p, &update)
                })?;
            if json {
                return print_json(out, &row);
            }
            writeln!(
                out,
                "{} now costs {} in, {} out per million tokens{} ({}); traces written from now on use it",
                inert(&row.model),
                usd(row.input_mtok),
                usd(row.output_mtok),
                cache_words(row.cache_read_mtok, row.cache_write_mtok),
                scope_words(row.project.as_deref()),
            )?;
            Ok(())
        }
        Cmd::Prices(PricesArgs {
            cmd:
                Some(PricesCmd::Unset {
                    model,
                    project,
                    json,
                }),
            ..
        }) => {
            let params = Params::default()
                .opt("project", project.as_deref())
                .set("model", model)
                .0;
            let removed: llm_admin::PriceRemoved = target.llm_send(
                RouteId::LlmDeletePrice,
                &[],
                &params,
                serde_json::Value::Null,
                |c, p| llm_admin::delete_price(c, p),
            )?;
            if json {
                return print_json(out, &removed);
            }
            writeln!(
                out,
                "removed the price override for {} ({})",
                inert(&removed.model),
                scope_words(removed.project.as_deref())
            )?;
            Ok(())
        }
    }
}

/// `$2.50`, `$0.075`: USD per million tokens with the digits that matter.
fn usd(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0');
    let s = if s.ends_with('.') {
        format!("{s}00")
    } else if s.split('.').nth(1).is_some_and(|d| d.len() == 1) {
        format!("{s}0")
    } else {
        s.to_string()
    };
    format!("${s}")
}

fn cache_words(read: Option<f64>, write: Option<f64>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = read {
        parts.push(format!("cache read {}", usd(r)));
    }
    if let Some(w) = write {
        parts.push(format!("cache write {}", usd(w)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(", {}", parts.join(", "))
    }
}

fn scope_words(project: Option<&str>) -> String {
    match project {
        Some(p) => format!("project {}", inert(p)),
        None => "global".into(),
    }
}

fn on_off(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err("on or off".into()),
    }
}

fn render_settings(out: &mut impl Write, rows: &[ProjectSettings]) -> anyhow::Result<()> {
    let mut t = common::table(&[
        "project",
        "content stored",
        "set by",
        "monthly budget",
        "errors as issues",
    ]);
    for r in rows {
        t.add_row(vec![
            r.project.clone(),
            r.content_storage.clone(),
            if r.content_storage_source == "project" {
                "project".into()
            } else {
                "server default".into()
            },
            r.budget_usd.map(usd).unwrap_or_else(|| "-".into()),
            if r.errors_as_issues { "on" } else { "off" }.into(),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn render_prices(out: &mut impl Write, p: &Prices) -> anyhow::Result<()> {
    if let Some(m) = &p.model {
        if !m.priced {
            writeln!(
                out,
                "{}: no price known — its calls are stored as unpriced (cost null, never 0).",
                inert(&m.model)
            )?;
            writeln!(
                out,
                "set one: bloop llm prices set {} --input USD --output USD [--project P]",
                inert(&m.model)
            )?;
            return Ok(());
        }
        writeln!(
            out,
            "{}: {} in, {} out per million tokens{}",
            inert(&m.model),
            usd(m.input_mtok.unwrap_or_default()),
            usd(m.output_mtok.unwrap_or_default()),
            cache_words(m.cache_read_mtok, m.cache_write_mtok)
        )?;
        writeln!(
            out,
            "source {}: {}",
            m.source.as_deref().unwrap_or("-"),
            inert(m.rule.as_deref().unwrap_or("-"))
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "price table genai-prices {} ({} models); overrides win over it, a project's over global ones",
        inert(&p.table_version),
        p.table_models
    )?;
    if p.overrides.is_empty() {
        writeln!(out, "no overrides")?;
        return Ok(());
    }
    let mut t = common::table(&[
        "scope",
        "model",
        "input/M",
        "output/M",
        "cache read/M",
        "cache write/M",
    ]);
    for o in &p.overrides {
        t.add_row(vec![
            o.project.clone().unwrap_or_else(|| "(global)".into()),
            o.model.clone(),
            usd(o.input_mtok),
            usd(o.output_mtok),
            o.cache_read_mtok
                .map(usd)
                .unwrap_or_else(|| "= input".into()),
            o.cache_write_mtok
                .map(usd)
                .unwrap_or_else(|| "= input".into()),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn prices_read_as_dollars() {
        assert_eq!(super::usd(2.5), "$2.50");
        assert_eq!(super::usd(10.0), "$10.00");
        assert_eq!(super::usd(0.075), "$0.075");
        assert_eq!(super::usd(0.0), "$0.00");
    }
}
