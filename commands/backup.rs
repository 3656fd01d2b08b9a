//! `bloop backup FILE`: a consistent copy of the database, safe while `serve` runs.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::common::print_json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the copy.
    file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    if let Some(url) = config.database.postgres_url() {
        anyhow::bail!(
            "the database is PostgreSQL ({}): back it up with PostgreSQL's own tools, e.g. \
             `pg_dump --format=custom --file=bloop.dump '<database.url>'` (restore with \
             pg_restore); `bloop backup` copies SQLite files",
            bloop::store::pg::redact(url)
        );
    }
    let conn = bloop::store::open_existing_migrated(&config.database.path)?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_message(format!("copying {}", config.database.path.display()));
        b.enable_steady_tick(std::time::Duration::from_millis(100));
        b
    });
    let r = bloop::store::backup(&conn, &args.file, args.force);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let r = r?;
    if args.json {
        return print_json(out, &r);
    }
    writeln!(
        out,
        "backed up {} and {} to {} ({} bytes, integrity {})",
        crate::common::count(r.issues, "issue"),
        crate::common::count(r.events, "event"),
        r.path.display(),
        r.bytes,
        r.integrity
    )?;
    Ok(())
}
