//! `bloop prune`: removes raw events past retention. Cron-safe: quiet unless something was
//! removed (or --dry-run / --json asked), exit status tells success.

use std::io::Write;

use crate::common::{print_json, Remote};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep this many days for every project (default: each project's retention).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    days: Option<u32>,
    /// Only this project.
    #[arg(long)]
    project: Option<String>,
    /// Count what would be removed; remove nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    remote: Remote,
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    let bar = (std::io::IsTerminal::is_terminal(&std::io::stderr()) && !args.dry_run).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_message("pruning raw events");
        b
    });
    let r = target.prune(args.days, args.project.as_deref(), args.dry_run, |n| {
        if let Some(b) = &bar {
            b.set_message(format!("pruned {}", crate::common::count(n, "event")));
            b.tick();
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let r = r?;
    if args.json {
        return print_json(out, &r);
    }
    if r.events == 0
        && r.traces == 0
        && r.hourly_counts == 0
        && r.orphaned_samples == 0
        && !args.dry_run
    {
        return Ok(());
    }
    let verb = if r.dry_run { "would remove" } else { "removed" };
    // LLM traces follow the same retention; named only when there are some.
    let traces = |n: i64| {
        if n > 0 {
            format!(" and {}", crate::common::count(n, "LLM trace"))
        } else {
            String::new()
        }
    };
    for p in r
        .projects
        .iter()
        .filter(|p| p.events > 0 || p.traces > 0 || r.dry_run)
    {
        writeln!(
            out,
            "{}: {verb} {}{} older than {}",
            p.project,
            crate::common::count(p.events, "event"),
            traces(p.traces),
            crate::common::count(i64::from(p.retention_days), "day")
        )?;
    }
    writeln!(
        out,
        "{verb} {}{} in total",
        crate::common::count(r.events, "event"),
        traces(r.traces)
    )?;
    if r.hourly_counts > 0 || r.orphaned_samples > 0 {
        writeln!(
            out,
            "{verb} {} hourly counts past the trend horizon and {} orphaned samples",
            r.hourly_counts, r.orphaned_samples
        )?;
    }
    Ok(())
}
