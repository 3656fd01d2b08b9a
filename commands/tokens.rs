//! `bloop tokens`: API bearer tokens — list, create (shown once), revoke.

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
    /// List tokens (never their secrets).
    List {
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a token; it is printed once and stored only as a hash.
    Create {
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Comma-separated: errors:read, errors:write, projects:read, projects:write,
        /// keys:write, alerts:read, alerts:write, admin.
        #[arg(long, required = true)]
        scopes: String,
        /// Limit the token to one project.
        #[arg(long)]
        project: Option<String>,
        /// Lifetime, e.g. 90d (default: no expiry).
        #[arg(long)]
        expires: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token now.
    Revoke {
        id: i64,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    match args.command {
        Cmd::List { json } => {
            let ts = target.tokens()?;
            if json {
                return print_json(out, &ts);
            }
            let now = bloop::store::now_ms();
            let mut t = common::table(&[
                "id",
                "name",
                "prefix",
                "scopes",
                "project",
                "last used",
                "state",
            ]);
            for tk in &ts {
                let state = if tk.revoked_at.is_some() {
                    "revoked".to_string()
                } else if tk.expires_at.is_some_and(|e| e <= now) {
                    "expired".to_string()
                } else {
                    "active".to_string()
                };
                t.add_row(vec![
                    tk.id.to_string(),
                    tk.name.clone(),
                    format!("{}…", tk.prefix),
                    tk.scopes
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    tk.project_id.clone().unwrap_or_else(|| "(all)".into()),
                    tk.last_used_at.map(ago).unwrap_or_else(|| "never".into()),
                    state,
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Cmd::Create {
            name,
            scopes,
            project,
            expires,
            json,
        } => {
            let scopes = bloop::store::tokens::parse_scopes(&scopes)?;
            let expires_ms = match expires.as_deref() {
                None => None,
                Some(e) => Some(
                    bloop::timefmt::parse_duration_ms(e)
                        .with_context(|| format!("--expires `{e}` is not a duration like 90d"))?,
                ),
            };
            let c = target.create_token(&name, &scopes, project.as_deref(), expires_ms)?;
            if json {
                return print_json(out, &c);
            }
            writeln!(out, "{}", c.token)?;
            eprintln!(
                "token {} created; it is shown only now, store it safely",
                c.info.id
            );
        }
        Cmd::Revoke { id, json } => {
            let tk = target.revoke_token(id)?;
            if json {
                return print_json(out, &tk);
            }
            writeln!(out, "revoked token {} ({})", tk.id, inert(&tk.name))?;
        }
    }
    Ok(())
}
