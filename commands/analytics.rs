//! `bloop analytics spikes|movers|correlations|releases|environments`: the insights as terminal
//! tables (or `--json`), from the local database or a server.

use std::io::Write;

use bloop::analytics::insights::{Correlations, Environments, IssueRef, Movers, Releases, Spikes};
use bloop::analytics::Insight;

use crate::common::{self, count, inert, print_json, truncate, Remote};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Issues spiking now: this hour and the last against the hours before (z-score).
    Spikes(Window),
    /// Issues that changed most against the window before (new ones flagged).
    Movers(Window),
    /// Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters.
    Correlations {
        #[command(flatten)]
        window: Window,
        /// Only pairs with this issue (its fingerprint).
        #[arg(long)]
        fingerprint: Option<String>,
    },
    /// Releases, newest version first: what each brought and how it compares.
    Releases(Window),
    /// Environments: events, share, issues, percentiles of hourly counts.
    Environments(Window),
    /// Times every insight on DuckDB and on the same rows in SQLite, over the local database
    /// (as of its newest hour), and checks both give the same answers.
    Compare {
        /// Runs per insight and engine (the median is shown).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        runs: u32,
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
struct Window {
    #[arg(long)]
    project: Option<String>,
    /// Hours to look at, 1..720 (for spikes: the baseline before the last two hours).
    #[arg(long, default_value_t = 72)]
    hours: u32,
    /// Only this environment.
    #[arg(long = "env", value_name = "ENV")]
    environment: Option<String>,
    /// Rows at most, 1..100.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

impl Window {
    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![
            ("hours".to_string(), self.hours.to_string()),
            ("limit".to_string(), self.limit.to_string()),
        ];
        if let Some(v) = &self.project {
            p.push(("project".into(), v.clone()));
        }
        if let Some(v) = &self.environment {
            p.push(("environment".into(), v.clone()));
        }
        p
    }
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    if let Cmd::Compare {
        runs,
        project,
        json,
    } = args.command
    {
        return compare(config, &args.remote, runs, project, json, out);
    }
    let mut target = args.remote.target(config)?;
    let (which, window, extra) = match &args.command {
        Cmd::Spikes(w) => (Insight::Spikes, w, None),
        Cmd::Movers(w) => (Insight::Movers, w, None),
        Cmd::Correlations {
            window,
            fingerprint,
        } => (Insight::Correlations, window, fingerprint.clone()),
        Cmd::Releases(w) => (Insight::Releases, w, None),
        Cmd::Environments(w) => (Insight::Environments, w, None),
        Cmd::Compare { .. } => unreachable!("answered above"),
    };
    let mut params = window.params();
    if let Some(fp) = extra {
        params.push(("fingerprint".into(), fp));
    }
    let v = target.analytics(which, &params)?;
    if window.json {
        return print_json(out, &v);
    }
    match which {
        Insight::Spikes => spikes(out, serde_json::from_value(v)?),
        Insight::Movers => movers(out, serde_json::from_value(v)?),
        Insight::Correlations => correlations(out, serde_json::from_value(v)?),
        Insight::Releases => releases(out, serde_json::from_value(v)?),
        Insight::Environments => environments(out, serde_json::from_value(v)?),
    }
}

#[cfg(feature = "analytics")]
fn compare(
    config: &bloop::Config,
    remote: &common::Remote,
    runs: u32,
    project: Option<String>,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if remote.url.is_some() {
        anyhow::bail!("`bloop analytics compare` runs on the local database, not through --url");
    }
    if config.database.postgres_url().is_some() {
        anyhow::bail!(
            "`bloop analytics compare` times DuckDB against SQLite over a SQLite database; \
             this configuration uses PostgreSQL (`database.url`), whose insights the other \
             `bloop analytics` commands answer"
        );
    }
    let mut db = bloop::store::open_existing_migrated(&config.database.path)?;
    let r = bloop::analytics::compare::run(
        &mut db,
        runs as usize,
        config.analytics.memory_limit_mb,
        project,
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    if json {
        return print_json(out, &r);
    }
    writeln!(
        out,
        "Rollup: {} from {}, built in {} ms; copied into SQLite in {} ms.",
        count(r.rollup_rows, "row"),
        count(r.events, "stored event"),
        num(r.build_ms),
        num(r.copy_ms)
    )?;
    let mut t = common::table(&["insight", "window", "DuckDB ms", "SQLite ms", "faster"]);
    for x in &r.timings {
        let faster = if x.duckdb_ms <= x.sqlite_ms {
            format!("DuckDB {:.1}×", x.sqlite_ms / x.duckdb_ms.max(0.01))
        } else {
            format!("SQLite {:.1}×", x.duckdb_ms / x.sqlite_ms.max(0.01))
        };
        t.add_row(vec![
            x.insight.to_string(),
            x.window.clone(),
            num(x.duckdb_ms),
            num(x.sqlite_ms),
            faster,
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(
        out,
        "Project {}, medians of {} runs; both engines gave the same answers.",
        inert(&r.project),
        r.runs
    )?;
    Ok(())
}

#[cfg(not(feature = "analytics"))]
fn compare(
    _config: &bloop::Config,
    _remote: &common::Remote,
    _runs: u32,
    _project: Option<String>,
    _json: bool,
    _out: &mut impl Write,
) -> anyhow::Result<()> {
    anyhow::bail!("analytics is not in this build: build bloop with `--features analytics`")
}

fn title(i: &IssueRef) -> String {
    format!("{}: {}", inert(&i.error_type), truncate(&i.message, 200))
}

/// The last 24 hours of a zero-filled series as bars.
fn trend(series: &[i64]) -> String {
    bloop::timefmt::sparkline(&series[series.len().saturating_sub(24)..])
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    }
}

fn spikes(out: &mut impl Write, s: Spikes) -> anyhow::Result<()> {
    if s.spikes.is_empty() {
        writeln!(
            out,
            "No spikes: no issue's last two hours are {} standard deviations above its {}.",
            num(s.threshold),
            count(s.baseline_hours, "hour")
        )?;
        return Ok(());
    }
    let mut t = common::table(&["fingerprint", "z", "count", "mean", "sd", "24h", "issue"]);
    t.optional(&["24h", "sd", "mean"]);
    for x in &s.spikes {
        t.add_row(vec![
            x.issue.fingerprint.clone(),
            num(x.zscore),
            x.count.to_string(),
            num(x.mean),
            num(x.stddev),
            trend(&x.series),
            title(&x.issue),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(
        out,
        "z: the hour's count against the {} before the last two (z ≥ {}).",
        count(s.baseline_hours, "hour"),
        num(s.threshold)
    )?;
    Ok(())
}

fn movers(out: &mut impl Write, m: Movers) -> anyhow::Result<()> {
    if m.movers.is_empty() {
        writeln!(
            out,
            "Nothing moved: every issue had as many events as in the window before."
        )?;
        return Ok(());
    }
    let mut t = common::table(&["fingerprint", "now", "before", "change", "trend", "issue"]);
    t.optional(&["trend", "before"]);
    for x in &m.movers {
        let change = if x.new {
            "new".to_string()
        } else {
            match x.delta_pct {
                Some(p) => format!("{:+} ({:+.0}%)", x.delta, p),
                None => format!("{:+}", x.delta),
            }
        };
        t.add_row(vec![
            x.issue.fingerprint.clone(),
            x.current.to_string(),
            x.previous.to_string(),
            change,
            trend(&x.series),
            title(&x.issue),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn correlations(out: &mut impl Write, c: Correlations) -> anyhow::Result<()> {
    if c.pairs.is_empty() {
        writeln!(
            out,
            "No issues moved together (r ≥ {}; {} compared, each active in ≥ {} hours).",
            num(c.min_r),
            count(c.candidates as i64, "issue"),
            c.min_active_hours
        )?;
        return Ok(());
    }
    for (i, cl) in c.clusters.iter().enumerate() {
        writeln!(
            out,
            "Cluster {}: {} moved together ({}, r ≥ {})",
            i + 1,
            count(cl.issues.len() as i64, "issue"),
            count(cl.events, "event"),
            num(cl.min_r)
        )?;
        for issue in &cl.issues {
            writeln!(out, "  {}  {}", issue.fingerprint, title(issue))?;
        }
    }
    writeln!(out)?;
    let mut t = common::table(&["r", "a", "b", "issue a", "issue b"]);
    t.optional(&["issue b", "issue a"]);
    for p in &c.pairs {
        t.add_row(vec![
            num(p.r),
            p.a.fingerprint.clone(),
            p.b.fingerprint.clone(),
            title(&p.a),
            title(&p.b),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn releases(out: &mut impl Write, r: Releases) -> anyhow::Result<()> {
    if r.releases.is_empty() {
        writeln!(out, "No release had events in the window.")?;
        return Ok(());
    }
    let mut t = common::table(&[
        "release",
        "events",
        "issues",
        "new",
        "regressed",
        "per hour",
        "vs previous",
        "impact",
    ]);
    t.optional(&["vs previous", "per hour"]);
    for x in &r.releases {
        let vs = match (&x.previous, x.change_pct) {
            (Some(p), Some(c)) => format!("{c:+.0}% vs {}", inert(p)),
            _ => "–".into(),
        };
        t.add_row(vec![
            if x.release.is_empty() {
                "(none)".into()
            } else {
                inert(&x.release)
            },
            x.events.to_string(),
            x.issues.to_string(),
            x.new_issues.to_string(),
            x.regressions.to_string(),
            num(x.events_per_hour),
            vs,
            num(x.impact),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(
        out,
        "impact: events per hour of the issues a release brought (new in it or regressed in it)."
    )?;
    Ok(())
}

fn environments(out: &mut impl Write, e: Environments) -> anyhow::Result<()> {
    if e.environments.is_empty() && e.unattributed == 0 {
        writeln!(out, "No events in the window.")?;
        return Ok(());
    }
    let mut t = common::table(&[
        "environment",
        "events",
        "share",
        "issues",
        "p50/h",
        "p90/h",
        "p99/h",
    ]);
    for x in &e.environments {
        t.add_row(vec![
            if x.environment.is_empty() {
                "(none)".into()
            } else {
                inert(&x.environment)
            },
            x.events.to_string(),
            format!("{}%", num(x.share)),
            x.issues.to_string(),
            num(x.p50),
            num(x.p90),
            num(x.p99),
        ]);
    }
    writeln!(out, "{t}")?;
    if e.unattributed > 0 {
        writeln!(
            out,
            "{} counted before the analytics store kept environments are in no row.",
            count(e.unattributed, "event")
        )?;
    }
    Ok(())
}
