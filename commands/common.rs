//! What the data commands share: where they act (local database or `--url`/`--token`), JSON
//! output, and table rendering.

use std::io::{IsTerminal, Write};

use bloop::ops::Target;
use comfy_table::{presets, ContentArrangement};

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
    /// Where to act. A missing local database is an error naming the path: only `serve`
    /// creates one, so a mistyped path never yields a fresh empty database.
    pub fn target(&self, config: &bloop::Config) -> anyhow::Result<Target> {
        match (&self.url, &self.token) {
            (Some(url), Some(token)) => Ok(Target::remote(url, token)?),
            (Some(_), None) => anyhow::bail!("--url needs --token (or BLOOP_TOKEN)"),
            (None, _) => Ok(Target::local(config)?),
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

/// A terminal table whose every cell is made inert ([`bloop::term::line`]): cells hold event
/// text, names and other strings someone else wrote.
pub struct Table(comfy_table::Table);

impl Table {
    pub fn add_row(&mut self, cells: Vec<String>) -> &mut Self {
        self.0.add_row(cells.iter().map(|c| bloop::term::line(c)));
        self
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

pub fn table(headers: &[&str]) -> Table {
    let mut t = comfy_table::Table::new();
    let tty = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    t.load_preset(if tty {
        presets::UTF8_HORIZONTAL_ONLY
    } else {
        presets::ASCII_MARKDOWN
    })
    // Cells are cut to fit by the callers (see `truncate`); the table never wraps them.
    .set_content_arrangement(ContentArrangement::Disabled)
    .set_header(headers.iter().copied());
    Table(t)
}

/// The first line of `s` made inert and cut to `max` display columns, the cut marked `…`.
pub fn truncate(s: &str, max: usize) -> String {
    bloop::term::first_line(s, max)
}

/// `s` made inert for one line of output (see [`bloop::term`]).
pub fn inert(s: &str) -> String {
    bloop::term::line(s)
}

pub fn ago(ms: i64) -> String {
    bloop::timefmt::ago(ms, bloop::store::now_ms())
}
