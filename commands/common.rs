//! What the data commands share: where they act (local database or `--url`/`--token`), JSON
//! output, and table rendering.

use std::io::{IsTerminal, Write};

use bloop::ops::Target;
use comfy_table::{presets, ContentArrangement, Table};

/// `--url` / `--token`: act on a remote server's API instead of the local database.
#[derive(Debug, Clone, clap::Args)]
pub struct Remote {
    /// Server URL; with it, the command calls the server's API instead of opening the database.
    #[arg(long, env = "BLOOP_URL", global = true)]
    pub url: Option<String>,
    /// API token (`bloop_tk_…`) for --url.
    #[arg(long, env = "BLOOP_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
}

impl Remote {
    /// Where to act; `create` allows creating a missing local database (for commands that add).
    pub fn target(&self, config: &bloop::Config, create: bool) -> anyhow::Result<Target> {
        match (&self.url, &self.token) {
            (Some(url), Some(token)) => Ok(Target::remote(url, token)?),
            (Some(_), None) => anyhow::bail!("--url needs --token (or BLOOP_TOKEN)"),
            (None, _) => Ok(Target::local(config, create)?),
        }
    }
}

pub fn print_json(out: &mut impl Write, v: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)?;
    Ok(())
}

/// Terminal width for tables: `COLUMNS`, else 120 (also when not a terminal).
pub fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w >= 40)
        .unwrap_or(120)
}

pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    let tty = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    t.load_preset(if tty {
        presets::UTF8_HORIZONTAL_ONLY
    } else {
        presets::ASCII_MARKDOWN
    })
    // Cells are cut to fit by the callers (see `truncate`); the table never wraps them.
    .set_content_arrangement(ContentArrangement::Disabled)
    .set_header(headers.iter().copied());
    t
}

/// Cuts `s` to `max` characters on one line, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    let one_line = s.lines().next().unwrap_or("");
    if one_line.chars().count() <= max && !s.contains('\n') {
        return one_line.to_string();
    }
    let mut t: String = one_line.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

pub fn ago(ms: i64) -> String {
    bloop::timefmt::ago(ms, bloop::store::now_ms())
}
