//! `bloop users`: dashboard users — list, invite (prints a one-time link), change a role,
//! remove.

use std::io::Write;

use bloop::store::users::Role;

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
    /// List users with their role, passkeys and last sign-in.
    List {
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a single-use registration link.
    Invite {
        /// Role of the new user: admin, member (triage) or viewer (read only).
        #[arg(long, default_value = "member", value_parser = parse_role)]
        role: Role,
        /// Shorthand for `--role admin` (also how to make the first admin).
        #[arg(long, conflicts_with = "role")]
        admin: bool,
        /// Hours until the link expires (at most 720).
        #[arg(long, default_value_t = 72, value_parser = clap::value_parser!(u32).range(1..=720))]
        expires_hours: u32,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Change a user's role (the last admin cannot be demoted).
    Role {
        /// User id or name.
        user: String,
        #[arg(value_parser = parse_role)]
        role: Role,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove a user with their passkeys and sessions.
    Remove {
        /// User id or name.
        user: String,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|_| "must be admin, member or viewer".into())
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    match args.command {
        Cmd::List { json } => {
            let us = target.users()?;
            if json {
                return print_json(out, &us);
            }
            if us.is_empty() {
                eprintln!("no users yet: run `bloop users invite --admin` and open the link");
                return Ok(());
            }
            let mut t = common::table(&["id", "name", "role", "passkeys", "last sign-in"]);
            for u in &us {
                t.add_row(vec![
                    u.id.to_string(),
                    common::truncate(&u.name, 40),
                    u.role.to_string(),
                    u.passkeys.to_string(),
                    u.last_login_at.map(ago).unwrap_or_else(|| "never".into()),
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Cmd::Invite {
            role,
            admin,
            expires_hours,
            json,
        } => {
            let role = if admin { Role::Admin } else { role };
            let inv = target.invite(role, expires_hours)?;
            if json {
                return print_json(out, &inv);
            }
            writeln!(out, "{}", inv.link)?;
            eprintln!(
                "invite for a new {role}: open the link to register a passkey (single use, expires in {expires_hours} h)"
            );
        }
        Cmd::Role { user, role, json } => {
            let u = target.set_user_role(&user, role)?;
            if json {
                return print_json(out, &u);
            }
            writeln!(out, "{} is now {}", inert(&u.name), u.role)?;
        }
        Cmd::Remove { user, json } => {
            let u = target.remove_user(&user)?;
            if json {
                return print_json(out, &u);
            }
            writeln!(out, "removed {} ({})", inert(&u.name), u.role)?;
        }
    }
    Ok(())
}
