//! `bloop migrate-to-postgres --from bloop.db --to postgres://…`: moves a SQLite database into
//! an empty PostgreSQL one (resumable; counted on both sides at the end).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::common::{self, print_json};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The SQLite database to move (default: database.path).
    #[arg(long)]
    from: Option<PathBuf>,
    /// The PostgreSQL database to move it into (default: database.url).
    #[arg(long, env = "BLOOP__DATABASE__URL", hide_env_values = true)]
    to: Option<String>,
    /// Print JSON (for scripts) instead of text.
    #[arg(long)]
    json: bool,
    /// Raw events per transaction (tests use small ones to see a move continue).
    #[arg(long, hide = true, default_value_t = bloop::store::pg::migrate::CHUNK)]
    chunk: i64,
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let from = args.from.unwrap_or_else(|| config.database.path.clone());
    let Some(to) = args
        .to
        .or_else(|| config.database.postgres_url().map(str::to_string))
    else {
        anyhow::bail!("--to postgres://… is required (or set database.url)");
    };
    let sqlite = bloop::store::open_existing_migrated(&from)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let pg = rt.block_on(bloop::store::pg::Pg::open(&to, 2))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} events ({eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.set_message(format!("moving {}", from.display()));
        b
    });
    let moved = rt.block_on(bloop::store::pg::migrate::run(
        &sqlite,
        &pg,
        args.chunk.max(1),
        |done, total| {
            if let Some(b) = &bar {
                b.set_length(total);
                b.set_position(done);
            }
        },
    ));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let moved = moved?;
    if args.json {
        print_json(out, &moved)?;
    } else {
        if moved.resumed {
            writeln!(out, "continued an earlier, unfinished move")?;
        }
        let mut t = common::table(&["table", "sqlite", "postgresql", ""]);
        for c in &moved.tables {
            let mark = if c.sqlite == c.postgres { "✓" } else { "✗" };
            t.add_row(vec![
                c.table.clone(),
                c.sqlite.to_string(),
                c.postgres.to_string(),
                mark.to_string(),
            ]);
        }
        writeln!(out, "{t}")?;
        writeln!(
            out,
            "moved into {}; point database.url at it",
            bloop::store::pg::redact(&to)
        )?;
    }
    if !moved.verified() {
        anyhow::bail!("the row counts differ (see above): run the command again to continue");
    }
    Ok(())
}
