//! `bloop query`: issues as terminal tables (or `--json`), issue detail with a 24 h sparkline
//! and its history, stats, releases, status changes, assignment and notes.

use std::io::Write;

use bloop::search::Status;
use bloop::store::issues::IssueRow;
use bloop::store::triage::HistoryEntry;

use crate::common::{self, ago, inert, print_json, truncate, Remote};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// List issues, most recently seen first.
    Errors(ErrorsArgs),
    /// One issue: stack, breakdowns, samples and the last 24 hours.
    Error {
        /// Fingerprint (16 hex digits, as listed).
        fingerprint: String,
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Totals, unresolved issues, events in the last 24 h and top routes.
    Stats {
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Releases with their issue and event counts.
    Releases {
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Mark an issue resolved (optionally in a release: older releases do not reopen it).
    Resolve(StatusArgs),
    /// Ignore an issue (new events do not reopen it or alert).
    Ignore(StatusArgs),
    /// Mute an issue (counted, never alerted).
    Mute(StatusArgs),
    /// Reopen an issue.
    Unresolve(StatusArgs),
    /// Assign an issue to a dashboard user (by name), or unassign it with --none.
    Assign {
        /// Fingerprint (16 hex digits, or the first 6 or more).
        fingerprint: String,
        /// The dashboard user's name (`bloop users list`).
        #[arg(required_unless_present = "none", conflicts_with = "none")]
        user: Option<String>,
        /// Unassign the issue.
        #[arg(long)]
        none: bool,
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Add a note to an issue (1 to 10,000 characters; shown in its history).
    Note {
        /// Fingerprint (16 hex digits, or the first 6 or more).
        fingerprint: String,
        /// The note; `-` reads it from standard input.
        text: String,
        #[arg(long)]
        project: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
struct ErrorsArgs {
    #[arg(long)]
    project: Option<String>,
    /// unresolved | resolved | ignored | muted | all
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    release: Option<String>,
    #[arg(long = "env", value_name = "ENV")]
    environment: Option<String>,
    #[arg(long)]
    source: Option<String>,
    #[arg(long)]
    route: Option<String>,
    /// Seen since: a duration back from now (24h, 7d) or epoch ms.
    #[arg(long)]
    since: Option<String>,
    /// First seen before: a duration back from now or epoch ms.
    #[arg(long)]
    until: Option<String>,
    /// Search: free text plus is:, release:, env:, source:, route:, type:, assigned:none|<user>
    /// and !key:value.
    #[arg(long, visible_alias = "search")]
    q: Option<String>,
    /// last_seen | first_seen | total_count
    #[arg(long)]
    sort: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct StatusArgs {
    fingerprint: String,
    #[arg(long)]
    project: Option<String>,
    /// With resolve: the release that fixes it.
    #[arg(long)]
    release: Option<String>,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    match args.command {
        Cmd::Errors(a) => {
            let mut params: Vec<(String, String)> = Vec::new();
            let mut put = |k: &str, v: &Option<String>| {
                if let Some(v) = v {
                    params.push((k.to_string(), v.clone()));
                }
            };
            put("project", &a.project);
            put("status", &a.status);
            put("release", &a.release);
            put("environment", &a.environment);
            put("source", &a.source);
            put("route", &a.route);
            put("since", &a.since);
            put("until", &a.until);
            put("q", &a.q);
            put("sort", &a.sort);
            params.push(("limit".into(), a.limit.to_string()));
            params.push(("offset".into(), a.offset.to_string()));
            let (rows, total) = target.list_errors(&params)?;
            if a.json {
                return print_json(out, &rows);
            }
            render_issues(out, &rows, total, a.offset)
        }
        Cmd::Error {
            fingerprint,
            project,
            json,
        } => {
            let d = target.error_detail(&fingerprint, project.as_deref())?;
            if json {
                return print_json(out, &d);
            }
            let trend = target.error_trend(&d.issue.fingerprint, Some(&d.issue.project_id), 24)?;
            let i = &d.issue;
            writeln!(out, "{}: {}", inert(&i.error_type), inert(&i.message))?;
            writeln!(
                out,
                "fingerprint {}  project {}  status {}{}",
                inert(&i.fingerprint),
                inert(&i.project_id),
                i.status,
                i.resolved_in_release
                    .as_deref()
                    .map(|r| format!(" (in {})", inert(r)))
                    .unwrap_or_default()
            )?;
            writeln!(
                out,
                "source {}  route {}  events {}  first seen {}  last seen {}  last release {}",
                inert(&i.source),
                inert(i.route_or_procedure.as_deref().unwrap_or("-")),
                i.total_count,
                ago(i.first_seen),
                ago(i.last_seen),
                if i.release.is_empty() {
                    "-".to_string()
                } else {
                    inert(&i.release)
                }
            )?;
            if let Some(u) = &i.assignee {
                writeln!(out, "assigned to {}", inert(u))?;
            }
            let counts: Vec<i64> = trend.iter().map(|h| h.count).collect();
            writeln!(
                out,
                "last 24h |{}| {}",
                bloop::timefmt::sparkline(&counts),
                common::count(counts.iter().sum::<i64>(), "event")
            )?;
            if let Some(c) = &d.llm {
                writeln!(out, "{}", c.summary())?;
                for t in &c.recent {
                    writeln!(
                        out,
                        "  trace {}  {}  {}  {}  {}",
                        inert(&t.id),
                        inert(&t.name),
                        t.cost_micros
                            .map_or_else(|| "unpriced".to_string(), bloop::store::llm_usage::usd),
                        inert(&t.status),
                        ago(t.started_at)
                    )?;
                }
            }
            if let Some(stack) = d.latest.as_ref().and_then(|l| l.stack.clone()).or_else(|| {
                d.samples.first().and_then(|s| {
                    s.event
                        .get("stack")
                        .and_then(|v| v.as_str())
                        .map(String::from)
                })
            }) {
                writeln!(out, "\nstack (top):")?;
                for line in stack.lines().take(8) {
                    writeln!(
                        out,
                        "  {}",
                        bloop::term::fit(line, common::width().saturating_sub(2))
                    )?;
                }
            }
            let mut t = common::table(&["release", "events", "last seen"]);
            for r in &d.releases {
                t.add_row(vec![
                    if r.name.is_empty() {
                        "(none)".into()
                    } else {
                        r.name.clone()
                    },
                    r.count.to_string(),
                    ago(r.last_seen),
                ]);
            }
            writeln!(out, "\n{t}")?;
            let mut t = common::table(&["environment", "events", "last seen"]);
            for r in &d.environments {
                t.add_row(vec![r.name.clone(), r.count.to_string(), ago(r.last_seen)]);
            }
            writeln!(out, "{t}")?;
            writeln!(out, "samples: {}", d.samples.len())?;
            for s in &d.samples {
                let msg = s
                    .event
                    .get("message")
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                writeln!(out, "  {}  {}", ago(s.received_at), truncate(msg, 100))?;
            }
            let history = target.error_history(&i.fingerprint, Some(&i.project_id))?;
            render_history(out, &history)?;
            Ok(())
        }
        Cmd::Stats { project, json } => {
            let s = target.stats(project.as_deref())?;
            if json {
                return print_json(out, &s);
            }
            writeln!(
                out,
                "issues {}  unresolved {}  events in 24h {}  events total {}",
                s.total_errors, s.unresolved_errors, s.total_events_24h, s.total_events
            )?;
            if !s.top_routes.is_empty() {
                let mut t = common::table(&["route", "events"]);
                for r in &s.top_routes {
                    t.add_row(vec![r.route.clone(), r.count.to_string()]);
                }
                writeln!(out, "{t}")?;
            }
            Ok(())
        }
        Cmd::Releases { project, json } => {
            let rs = target.releases(project.as_deref())?;
            if json {
                return print_json(out, &rs);
            }
            let mut t = common::table(&[
                "release",
                "issues",
                "new issues",
                "events",
                "first seen",
                "last seen",
            ]);
            for r in &rs {
                t.add_row(vec![
                    if r.release.is_empty() {
                        "(none)".into()
                    } else {
                        r.release.clone()
                    },
                    r.issues.to_string(),
                    r.new_issues.to_string(),
                    r.events.to_string(),
                    ago(r.first_seen),
                    ago(r.last_seen),
                ]);
            }
            writeln!(out, "{t}")?;
            Ok(())
        }
        Cmd::Resolve(a) => set_status(&mut target, a, Status::Resolved, out),
        Cmd::Ignore(a) => set_status(&mut target, a, Status::Ignored, out),
        Cmd::Mute(a) => set_status(&mut target, a, Status::Muted, out),
        Cmd::Unresolve(a) => set_status(&mut target, a, Status::Unresolved, out),
        Cmd::Assign {
            fingerprint,
            user,
            none: _,
            project,
            json,
        } => {
            let row = target.assign(&fingerprint, project.as_deref(), user.as_deref())?;
            if json {
                return print_json(out, &row);
            }
            match &row.assignee {
                Some(u) => writeln!(out, "{} assigned to {}", inert(&row.fingerprint), inert(u))?,
                None => writeln!(out, "{} unassigned", inert(&row.fingerprint))?,
            }
            Ok(())
        }
        Cmd::Note {
            fingerprint,
            text,
            project,
            json,
        } => {
            let text = if text == "-" {
                let mut t = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)?;
                t
            } else {
                text
            };
            let note = target.add_note(&fingerprint, project.as_deref(), &text)?;
            if json {
                return print_json(out, &note);
            }
            writeln!(out, "note {} added to {}", note.id, inert(&fingerprint))?;
            Ok(())
        }
    }
}

/// The newest entries of an issue's timeline, one line each (notes indented below their line).
fn render_history(out: &mut impl Write, history: &[HistoryEntry]) -> anyhow::Result<()> {
    const SHOWN: usize = 10;
    if history.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nhistory (newest first):")?;
    let width = common::width().saturating_sub(4);
    for h in history.iter().take(SHOWN) {
        match h {
            HistoryEntry::Status(s) => writeln!(
                out,
                "  {}  {} → {}{} by {}",
                ago(s.changed_at),
                inert(&s.old_status),
                inert(&s.new_status),
                s.release
                    .as_deref()
                    .map(|r| format!(" in {}", inert(r)))
                    .unwrap_or_default(),
                inert(&s.changed_by)
            )?,
            HistoryEntry::Assignment(a) => writeln!(
                out,
                "  {}  {} by {}",
                ago(a.changed_at),
                match &a.new_assignee {
                    Some(u) => format!("assigned to {}", inert(u)),
                    None => "unassigned".to_string(),
                },
                inert(&a.changed_by)
            )?,
            HistoryEntry::Note(n) => {
                writeln!(
                    out,
                    "  {}  note by {}:",
                    ago(n.created_at),
                    inert(&n.author)
                )?;
                // Attacker-controllable text: every line made inert and cut to the terminal.
                for line in n.text.lines().take(20) {
                    writeln!(out, "    {}", bloop::term::fit(line, width))?;
                }
            }
        }
    }
    if history.len() > SHOWN {
        writeln!(out, "  … {} more (--json for all)", history.len() - SHOWN)?;
    }
    Ok(())
}

fn set_status(
    target: &mut bloop::ops::Target,
    a: StatusArgs,
    status: Status,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let row = target.set_status(
        &a.fingerprint,
        a.project.as_deref(),
        status,
        a.release.as_deref(),
    )?;
    if a.json {
        return print_json(out, &row);
    }
    writeln!(
        out,
        "{} {} ({}: {})",
        inert(&row.fingerprint),
        row.status,
        inert(&row.error_type),
        truncate(&row.message, 80)
    )?;
    Ok(())
}

fn render_issues(
    out: &mut impl Write,
    rows: &[IssueRow],
    total: i64,
    offset: u32,
) -> anyhow::Result<()> {
    if rows.is_empty() {
        writeln!(out, "no issues match")?;
        return Ok(());
    }
    // The assignee column only when some issue shown has one.
    let assigned = rows.iter().any(|r| r.assignee.is_some());
    let mut headers = vec![
        "fingerprint",
        "type",
        "message",
        "count",
        "first seen",
        "last seen",
        "status",
        "release",
    ];
    if assigned {
        headers.push("assignee");
    }
    let mut t = common::table(&headers);
    t.optional(&["first seen", "status", "release", "assignee"]);
    for r in rows {
        t.add_row(
            vec![
                r.fingerprint.chars().take(8).collect::<String>(),
                truncate(&r.error_type, 24),
                // The first line, whole: the table gives the message what the terminal leaves.
                truncate(&r.message, common::UNLIMITED),
                if r.count == r.total_count {
                    r.total_count.to_string()
                } else {
                    format!("{} of {}", r.count, r.total_count)
                },
                ago(r.first_seen),
                ago(r.last_seen),
                r.status.to_string(),
                truncate(&r.release, 12),
            ]
            .into_iter()
            .chain(assigned.then(|| truncate(r.assignee.as_deref().unwrap_or("-"), 16)))
            .collect(),
        );
    }
    writeln!(out, "{t}")?;
    let shown_to = offset as i64 + rows.len() as i64;
    if shown_to < total || offset > 0 {
        writeln!(out, "{}-{} of {total}", offset + 1, shown_to)?;
    }
    Ok(())
}
