//! `bloop keys`: project ingest keys — list (masked unless --reveal), create, rotate with a grace
//! period, revoke.

use std::io::Write;

use anyhow::Context;

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
    /// List ingest keys (masked).
    List {
        #[arg(long)]
        project: Option<String>,
        /// Show the full keys.
        #[arg(long)]
        reveal: bool,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry
    /// SDKs (prints the DSN).
    Create {
        #[arg(long)]
        project: String,
        #[arg(long, default_value = "")]
        name: String,
        /// A DSN key for unmodified Sentry SDKs (public: it can only send errors) instead of an
        /// ingest key.
        #[arg(long)]
        dsn: bool,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Replace a key: a new key now, the old one revoked after the grace period.
    Rotate {
        key_id: i64,
        /// How long the old key keeps working (e.g. 1h, 30m; default: stops now).
        #[arg(long)]
        grace: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key now.
    Revoke {
        key_id: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    let now = bloop::store::now_ms();
    match args.command {
        Cmd::List {
            project,
            reveal,
            json,
        } => {
            let ks = target.keys(project.as_deref(), reveal)?;
            if json {
                return print_json(out, &ks);
            }
            let mut t = common::table(&["id", "project", "name", "key", "created", "state"]);
            for k in &ks {
                let state = match k.revoked_at {
                    None => "active".to_string(),
                    Some(at) if at > now => format!("active until {}", in_time(at - now)),
                    Some(at) => format!("revoked {}", ago(at)),
                };
                t.add_row(vec![
                    k.id.to_string(),
                    k.project_id.clone(),
                    k.name.clone(),
                    k.key.clone(),
                    ago(k.created_at),
                    state,
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Cmd::Create {
            project,
            name,
            dsn,
            json,
        } => {
            let kind = if dsn { "dsn" } else { "ingest" };
            let k = target.create_key(&project, &name, kind)?;
            if json {
                return print_json(out, &k);
            }
            match &k.dsn {
                Some(d) => writeln!(
                    out,
                    "DSN key {} for {}: {}",
                    k.id,
                    inert(&k.project_id),
                    inert(d)
                )?,
                None => writeln!(out, "key {} for {}: {}", k.id, inert(&k.project_id), k.key)?,
            }
        }
        Cmd::Rotate {
            key_id,
            grace,
            json,
        } => {
            let grace_ms = match grace.as_deref() {
                None => 0,
                Some(g) => bloop::timefmt::parse_duration_ms(g)
                    .with_context(|| format!("--grace `{g}` is not a duration like 1h or 30m"))?,
            };
            let r = target.rotate_key(key_id, grace_ms)?;
            if json {
                return print_json(out, &r);
            }
            writeln!(
                out,
                "new key {} for {}: {}",
                r.new_key.id, r.new_key.project_id, r.new_key.key
            )?;
            writeln!(
                out,
                "old key {} {}",
                r.old_key.id,
                if grace_ms > 0 {
                    format!("keeps working for {}", in_time(grace_ms))
                } else {
                    "is revoked".into()
                }
            )?;
        }
        Cmd::Revoke { key_id, json } => {
            let k = target.revoke_key(key_id)?;
            if json {
                return print_json(out, &k);
            }
            writeln!(out, "revoked key {} of {}", k.id, k.project_id)?;
        }
    }
    Ok(())
}

fn in_time(ms: i64) -> String {
    let s = ms / 1000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}
