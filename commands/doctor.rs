//! `bloop doctor`: a ✓/✗ table of what could be wrong with this installation; exit 1 if
//! anything is.

use std::io::Write;

use anyhow::bail;
use bloop::doctor::Level;

use crate::common::{self, print_json};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Server to probe (default: the configured local address, where not running is a warning).
    #[arg(long, env = "BLOOP_URL")]
    url: Option<String>,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(
    config: Result<&bloop::Config, &bloop::config::ConfigError>,
    args: Args,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let local = config
        .map(crate::send::default_url)
        .unwrap_or_else(|_| "http://127.0.0.1:5332".into());
    let checks = bloop::doctor::run(config, args.url.as_deref(), &local);
    let failed = checks.iter().filter(|c| c.level == Level::Fail).count();
    if args.json {
        print_json(out, &checks)?;
    } else {
        let mut t = common::table(&["", "check", "detail"]);
        for c in &checks {
            let mark = match c.level {
                Level::Ok => "✓",
                Level::Warn => "!",
                Level::Fail => "✗",
            };
            t.add_row(vec![mark.to_string(), c.name.to_string(), c.detail.clone()]);
        }
        writeln!(out, "{t}")?;
    }
    if failed > 0 {
        bail!("{failed} check(s) failed");
    }
    Ok(())
}
