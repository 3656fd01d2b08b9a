//! What the data commands share: where they act (local database or `--url`/`--token`), JSON
//! output, and table rendering.

use std::io::{IsTerminal, Write};

use bloop::ops::Target;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{presets, ContentArrangement, TableComponent};

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

/// `--wide`: tables as wide as their content.
static WIDE: AtomicBool = AtomicBool::new(false);

pub fn set_wide() {
    WIDE.store(true, Ordering::Relaxed);
}

/// The width that means "no limit" (`--wide`, or output to a pipe or file without `COLUMNS`).
pub const UNLIMITED: usize = 4096;

/// Columns tables may take: `--wide` → no limit; else `COLUMNS`; else the terminal's width;
/// output to a pipe or a file → no limit.
pub fn width() -> usize {
    if WIDE.load(Ordering::Relaxed) {
        return UNLIMITED;
    }
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w >= 20)
    {
        return w;
    }
    if std::io::stdout().is_terminal() {
        return terminal_size::terminal_size()
            .map(|(w, _)| usize::from(w.0))
            .filter(|w| *w >= 20)
            .unwrap_or(80);
    }
    UNLIMITED
}

/// A terminal table whose every cell is made inert ([`bloop::term::line`]): cells hold event
/// text, names and other strings someone else wrote. It fits [`width`] when printed: the widest
/// columns (the message, usually) give up their slack first, cut cells end in `…`.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns left out, in this order, when the table would not fit otherwise.
    optional: Vec<String>,
}

impl Table {
    /// Columns (by header) that may be left out, first to last, when the terminal is too narrow
    /// for them and a readable widest column.
    pub fn optional(&mut self, headers: &[&str]) -> &mut Self {
        self.optional = headers.iter().map(|h| h.to_string()).collect();
        self
    }

    /// This table without column `i`.
    fn without(&self, i: usize) -> Table {
        let drop = |v: &Vec<String>| {
            v.iter()
                .enumerate()
                .filter(|(k, _)| *k != i)
                .map(|(_, c)| c.clone())
                .collect()
        };
        Table {
            headers: drop(&self.headers),
            rows: self.rows.iter().map(drop).collect(),
            optional: self.optional.clone(),
        }
    }

    pub fn add_row(&mut self, cells: Vec<String>) -> &mut Self {
        self.rows.push(cells);
        self
    }

    /// The table rendered with each column cut to `widths`.
    fn render(&self, widths: &[usize]) -> String {
        let mut t = comfy_table::Table::new();
        let tty = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        if tty {
            // A rule under the header, none between rows.
            t.load_preset(presets::UTF8_HORIZONTAL_ONLY);
            t.remove_style(TableComponent::HorizontalLines);
            t.remove_style(TableComponent::MiddleIntersections);
            t.remove_style(TableComponent::LeftBorderIntersections);
            t.remove_style(TableComponent::RightBorderIntersections);
            t.remove_style(TableComponent::TopBorder);
            t.remove_style(TableComponent::BottomBorder);
            t.remove_style(TableComponent::TopBorderIntersections);
            t.remove_style(TableComponent::BottomBorderIntersections);
        } else {
            t.load_preset(presets::ASCII_MARKDOWN);
        }
        let fit =
            |c: &str, i: usize| bloop::term::fit(c, widths.get(i).copied().unwrap_or(UNLIMITED));
        t.set_content_arrangement(ContentArrangement::Disabled)
            .set_header(self.headers.iter().enumerate().map(|(i, h)| fit(h, i)));
        for r in &self.rows {
            t.add_row(r.iter().enumerate().map(|(i, c)| fit(c, i)));
        }
        t.to_string()
    }
}

/// Narrowest a column is cut to.
const MIN_COLUMN: usize = 4;

/// The widest column (the message, usually) gives up its slack first, down to this.
const MIN_FLEX: usize = 24;

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let max = width();
        // Optional columns go while the rest would leave the widest column too narrow.
        if max < UNLIMITED {
            for name in &self.optional {
                let Some(i) = self.headers.iter().position(|h| h == name) else {
                    continue;
                };
                let natural = self.natural_widths();
                let flex = (0..natural.len()).max_by_key(|k| natural[*k]).unwrap_or(0);
                let mut w = natural.clone();
                w[flex] = w[flex].min(MIN_FLEX);
                let wide = self
                    .render(&w)
                    .lines()
                    .map(bloop::term::width)
                    .max()
                    .unwrap_or(0);
                if wide > max {
                    return self.without(i).fmt(f);
                }
            }
        }
        self.fit(f, max)
    }
}

impl Table {
    fn natural_widths(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|i| {
                let cells = self.rows.iter().filter_map(|r| r.get(i));
                std::iter::once(&self.headers[i])
                    .chain(cells)
                    .map(|c| bloop::term::width(c))
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    fn fit(&self, f: &mut std::fmt::Formatter<'_>, max: usize) -> std::fmt::Result {
        let n = self.headers.len();
        let mut widths = self.natural_widths();
        let flex = (0..n).max_by_key(|i| widths[*i]).unwrap_or(0);
        let mut out = self.render(&widths);
        // Borders and padding depend on the style: measure, cut the widest columns by what is
        // over, and measure again.
        for _ in 0..4 {
            let wide = out.lines().map(bloop::term::width).max().unwrap_or(0);
            if max >= UNLIMITED || wide <= max {
                break;
            }
            let mut excess = wide - max;
            let floor = MIN_FLEX.min(widths[flex]);
            let cut = (widths[flex] - floor).min(excess);
            widths[flex] -= cut;
            excess -= cut;
            while excess > 0 {
                let Some((i, w)) = widths
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, w)| *w > MIN_COLUMN)
                    .max_by_key(|(_, w)| *w)
                else {
                    break;
                };
                let next = widths
                    .iter()
                    .copied()
                    .filter(|x| *x < w)
                    .max()
                    .unwrap_or(0)
                    .max(MIN_COLUMN);
                let cut = (w - next).clamp(1, excess);
                widths[i] = w - cut;
                excess -= cut;
            }
            out = self.render(&widths);
        }
        f.write_str(&out)
    }
}

pub fn table(headers: &[&str]) -> Table {
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        optional: Vec::new(),
    }
}

/// The first line of `s` made inert and cut to `max` display columns, the cut marked `…`.
pub fn truncate(s: &str, max: usize) -> String {
    bloop::term::first_line(s, max)
}

/// `s` made inert for one line of output (see [`bloop::term`]).
pub fn inert(s: &str) -> String {
    bloop::term::line(s)
}

/// `n` and its noun, singular for one: "1 event", "3 events".
pub fn count(n: i64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub fn ago(ms: i64) -> String {
    bloop::timefmt::ago(ms, bloop::store::now_ms())
}

/// The bytes of `file`, or of standard input when it is `-` or not given.
pub fn read_input(file: Option<&std::path::Path>) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    use std::io::Read;
    match file {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
            Ok(bytes)
        }
    }
}
