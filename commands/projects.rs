//! `bloop projects`: list, create (prints the first ingest key), show, rename, delete.

use std::io::Write;

use anyhow::bail;

use crate::common::{self, ago, inert, print_json, Remote};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// List projects with their issue, event and key counts.
    List {
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a project and its first ingest key.
    Create {
        /// Display name.
        name: String,
        /// URL-safe id (default: derived from the name).
        #[arg(long)]
        slug: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show one project.
    Show {
        slug: String,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Change a project's display name.
    Rename {
        slug: String,
        name: String,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Delete a project and all its issues, events and keys (one transaction).
    Delete {
        slug: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    match args.command {
        Cmd::List { json } => {
            let ps = target.projects()?;
            if json {
                return print_json(out, &ps);
            }
            let mut t = common::table(&[
                "slug",
                "name",
                "issues",
                "events",
                "keys",
                "retention",
                "created",
            ]);
            for p in &ps {
                t.add_row(vec![
                    p.id.clone(),
                    p.name.clone(),
                    p.issues.to_string(),
                    p.events.to_string(),
                    p.keys.to_string(),
                    p.retention_days
                        .map(|d| format!("{d}d"))
                        .unwrap_or_else(|| {
                            format!("{}d (default)", config.retention.raw_events_days)
                        }),
                    ago(p.created_at),
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Cmd::Create { name, slug, json } => {
            let c = target.create_project(&name, slug.as_deref())?;
            if json {
                return print_json(out, &c);
            }
            writeln!(
                out,
                "created project {} ({})",
                inert(&c.project.id),
                inert(&c.project.name)
            )?;
            writeln!(out, "ingest key (id {}): {}", c.key.id, c.key.key)?;
            writeln!(
                out,
                "try it: bloop send --key {} --message \"hello from {}\"",
                c.key.key,
                inert(&c.project.id)
            )?;
        }
        Cmd::Show { slug, json } => {
            let p = target.project(&slug)?;
            if json {
                return print_json(out, &p);
            }
            writeln!(out, "{} ({})", inert(&p.id), inert(&p.name))?;
            writeln!(
                out,
                "issues {}  events {}  usable keys {}",
                p.issues, p.events, p.keys
            )?;
            writeln!(
                out,
                "retention {}  created {}",
                p.retention_days
                    .map(|d| format!("{d} days"))
                    .unwrap_or_else(|| format!(
                        "{} days (default)",
                        config.retention.raw_events_days
                    )),
                ago(p.created_at)
            )?;
        }
        Cmd::Rename { slug, name, json } => {
            let p = target.rename_project(&slug, &name)?;
            if json {
                return print_json(out, &p);
            }
            writeln!(out, "renamed {} to {}", inert(&p.id), inert(&p.name))?;
        }
        Cmd::Delete { slug, yes, json } => {
            if !yes {
                if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                    bail!("refusing to delete `{slug}` without --yes");
                }
                eprint!("delete project `{slug}` and all its data? type its slug to confirm: ");
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if answer.trim() != slug {
                    bail!("not confirmed; nothing deleted");
                }
            }
            let d = target.delete_project(&slug)?;
            if json {
                return print_json(out, &d);
            }
            writeln!(
                out,
                "deleted project {}: {}, {}, {}",
                d.project,
                common::count(d.issues, "issue"),
                common::count(d.events, "event"),
                common::count(d.keys, "key")
            )?;
        }
    }
    Ok(())
}
