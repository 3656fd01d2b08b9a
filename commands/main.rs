//! The `bloop` binary: parses arguments, sets up logging, loads the configuration, and calls one
//! `run` per subcommand. Everything else lives in the library.

mod alerts;
mod analytics;
mod backup;
mod common;
mod completions;
mod doctor;
mod fingerprint;
mod health;
mod keys;
#[cfg(feature = "llm-tracing")]
mod llm;
#[cfg(feature = "llm-tracing")]
mod llm_browse;
#[cfg(feature = "llm-tracing")]
mod llm_usage;
mod migrate_to_postgres;
mod projects;
mod prune;
mod query;
mod send;
mod serve;
mod sign;
mod sourcemaps;
mod tokens;
mod users;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Self-hosted error tracker: signed ingest, grouping, alerts, one binary, one SQLite file.
#[derive(Debug, Parser)]
#[command(name = "bloop", version, about, propagate_version = true)]
pub struct Cli {
    /// Configuration file (default: ./config.toml when present, else built-in defaults).
    #[arg(long, global = true, value_name = "FILE", env = "BLOOP_CONFIG")]
    config: Option<PathBuf>,
    /// More log output (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,
    /// Only warnings and errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Tables as wide as their content (by default they fit the terminal, or COLUMNS).
    #[arg(long, global = true)]
    wide: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the ingest server, the query API and the dashboard.
    Serve(serve::Args),
    /// Print the hex HMAC-SHA256 signature of the exact bytes of a file or stdin.
    Sign(sign::Args),
    /// Print the issue key (fingerprint) of the events in a file, offline; --explain says why.
    Fingerprint(fingerprint::Args),
    /// Send a test error, or events from flags or a file, to a bloop server.
    Send(Box<send::Args>),
    /// Query issues: list, detail, stats, releases; change their status.
    Query(query::Args),
    /// Manage projects.
    Projects(projects::Args),
    /// Manage project ingest keys.
    Keys(keys::Args),
    /// Manage API bearer tokens.
    Tokens(tokens::Args),
    /// JavaScript source maps: upload a release's bundles and maps, list, delete.
    Sourcemaps(sourcemaps::Args),
    /// Manage dashboard users and invite links.
    Users(users::Args),
    /// Remove raw events older than their retention (cron-safe).
    Prune(prune::Args),
    /// LLM traces: usage and cost, models, prompts, budgets, traces, sessions, prices, settings.
    #[cfg(feature = "llm-tracing")]
    Llm(llm::Args),
    /// Insights: spikes, movers, correlated issues, releases, environments (`--features analytics`).
    Analytics(analytics::Args),
    /// Manage alert rules (new issue, regression, threshold, spike → Slack, webhook, email).
    Alerts(alerts::Args),
    /// Check a server's /health; exit 0 when healthy, 1 otherwise.
    Health(health::Args),
    /// Check configuration, database, server and clock; exit 1 if anything is wrong.
    Doctor(doctor::Args),
    /// Write a consistent copy of the database (safe while serve runs).
    Backup(backup::Args),
    /// Move a SQLite database into an empty PostgreSQL one (resumable; verified by counts)
    MigrateToPostgres(migrate_to_postgres::Args),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Write man pages (bloop.1 and one per subcommand) into a directory.
    Man(completions::ManArgs),
}

/// Examples shown in the man page of each command.
pub fn examples(page: &str) -> Vec<(&'static str, &'static str)> {
    match page {
        "bloop" => vec![
            ("Run the server on ./bloop.db, port 5332:", "bloop serve"),
            ("Send a test error to it:", "bloop send"),
            ("List unresolved issues:", "bloop query errors --status unresolved"),
        ],
        "bloop-serve" => vec![
            ("Serve with a real secret:", "BLOOP__AUTH__HMAC_SECRET=$(openssl rand -hex 32) bloop serve"),
            ("Another port and database:", "BLOOP__DATABASE__PATH=/data/bloop.db bloop serve --port 8080"),
        ],
        "bloop-sourcemaps-upload" => vec![
            ("A release's build output, served from /static/js:", "bloop sourcemaps upload --project web --release 1.4.0 --url-prefix ~/static/js dist/"),
            ("To a remote server with a token that has sourcemaps:write:", "bloop sourcemaps upload --url https://errors.example.com --token bloop_tk_... --project web --release 1.4.0 dist/"),
        ],
        "bloop-send" => vec![
            ("A recognisable test error:", "bloop send"),
            ("A custom error with a project key:", "bloop send --key bloop_... --message \"Payment failed\" --type PaymentError --release 2.1.0"),
            ("Events from a JSON-lines file:", "bloop send --file events.jsonl"),
            ("A test LLM trace (a generation with a tool call under it):", "bloop send --trace"),
        ],
        "bloop-analytics" => vec![
            ("What is spiking in production now:", "bloop analytics spikes --project api --env production"),
            ("What got worse since yesterday:", "bloop analytics movers --hours 24"),
            ("Which issues fail together (one root cause):", "bloop analytics correlations --hours 168"),
            ("What each release brought:", "bloop analytics releases --project api"),
        ],
        "bloop-llm-overview" => vec![("Spend, tokens, errors and latency of the last day:", "bloop llm overview --since 24h")],
        "bloop-llm-usage" => vec![
            ("Cost per model over a week:", "bloop llm usage --since 7d --by model"),
            ("Cost per day, as JSON:", "bloop llm usage --since 30d --by day --json"),
        ],
        "bloop-llm-traces" => vec![
            ("The dearest traces of the day:", "bloop llm traces --since 24h --sort cost"),
            ("Failed traces of one session:", "bloop llm traces --session chat-42 --errors"),
        ],
        "bloop-llm-trace" => vec![("One trace's span tree:", "bloop llm trace run-1")],
        "bloop-llm-compare" => vec![("Is version 3 of a prompt slower or dearer than 2?", "bloop llm compare support 2 3")],
        "bloop-llm-prices" => vec![("What a model costs and which rule matched:", "bloop llm prices gpt-4o")],
        "bloop-llm-prices-set" => vec![("Price a fine-tuned model for one project:", "bloop llm prices set my-ft-model --input 2.5 --output 10 --project mobile")],
        "bloop-llm-settings-set" => vec![("Keep prompts and completions for one project:", "bloop llm settings set --project mobile --content full")],
        "bloop-llm-budget-set" => vec![("A monthly budget of $500:", "bloop llm budget set 500 --project mobile")],
        "bloop-fingerprint" => vec![
            ("Why does this event group where it does?", "bloop fingerprint --explain event.json"),
            ("The key of a captured Sentry event:", "bloop fingerprint sentry-event.json"),
        ],
        "bloop-sign" => vec![("Sign a body with a project key:", "bloop sign --key bloop_... body.json")],
        "bloop-query-errors" => vec![
            ("Most frequent issues of the last day:", "bloop query errors --since 24h --sort total_count"),
            ("Search:", "bloop query errors --q 'is:unresolved env:production timeout'"),
            ("As JSON for scripts:", "bloop query errors --json | jq '.[].fingerprint'"),
        ],
        "bloop-query-error" => vec![("Detail of one issue:", "bloop query error 8e210c3c")],
        "bloop-prune" => vec![
            ("From cron, nightly:", "0 3 * * * bloop prune"),
            ("See what would go:", "bloop prune --days 3 --dry-run"),
        ],
        "bloop-keys-rotate" => vec![("Rotate with an hour of overlap:", "bloop keys rotate 3 --grace 1h")],
        "bloop-users-invite" => vec![
            ("The first admin (or another one):", "bloop users invite --admin"),
            ("A read-only teammate, link valid a day:", "bloop users invite --role viewer --expires-hours 24"),
        ],
        "bloop-users-role" => vec![("Let someone triage:", "bloop users role ada member")],
        "bloop-tokens-create" => vec![(
            "A read-only token for CI, pinned to one project:",
            "bloop tokens create --name ci --scopes errors:read --project mobile --expires 90d",
        )],
        "bloop-health" => vec![("Docker HEALTHCHECK:", "bloop health --url http://127.0.0.1:5332")],
        "bloop-alerts-create" => vec![
            ("Slack on every new issue in production:", "bloop alerts create --name new --type new_issue --env production --slack https://hooks.slack.com/services/..."),
            ("A webhook when one issue passes 100 events in 5 minutes:", "bloop alerts create --name hot --type threshold --threshold 100 --window 5m --webhook https://example.com/hook"),
        ],
        "bloop-doctor" => vec![("Check the installation and a remote server:", "bloop doctor --url https://errors.example.com")],
        "bloop-backup" => vec![("Nightly copy while serving:", "bloop backup /backups/bloop-$(date +%F).db")],
        _ => vec![],
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match (quiet, verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_env("BLOOP_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("{default},hyper=warn,reqwest=warn")));
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(color)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    if cli.wide {
        common::set_wide();
    }
    let loaded = bloop::Config::load(cli.config.as_deref());
    let mut out = std::io::stdout().lock();
    // The doctor reports a broken configuration instead of stopping at it.
    if let Command::Doctor(args) = cli.command {
        let r = doctor::run(loaded.as_ref(), args, &mut out);
        let _ = out.flush();
        return match r {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        };
    }
    let config = match loaded {
        Ok(c) => c,
        Err(e) => return fail(anyhow::Error::new(e)),
    };
    let result = match cli.command {
        Command::Serve(args) => serve::run(config, args),
        Command::Sign(args) => sign::run(&config, args, &mut out),
        Command::Fingerprint(args) => fingerprint::run(&config, args, &mut out),
        Command::Send(args) => send::run(&config, *args, &mut out),
        Command::Query(args) => query::run(&config, args, &mut out),
        Command::Analytics(args) => analytics::run(&config, args, &mut out),
        Command::Projects(args) => projects::run(&config, args, &mut out),
        Command::Keys(args) => keys::run(&config, args, &mut out),
        Command::Sourcemaps(args) => sourcemaps::run(&config, args, &mut out),
        Command::Tokens(args) => tokens::run(&config, args, &mut out),
        Command::Users(args) => users::run(&config, args, &mut out),
        Command::Prune(args) => prune::run(&config, args, &mut out),
        Command::Alerts(args) => alerts::run(&config, args, &mut out),
        #[cfg(feature = "llm-tracing")]
        Command::Llm(args) => llm::run(&config, args, &mut out),
        Command::Health(args) => health::run(&config, args, &mut out),
        Command::Doctor(_) => Ok(()),
        Command::Backup(args) => backup::run(&config, args, &mut out),
        Command::MigrateToPostgres(args) => migrate_to_postgres::run(&config, args, &mut out),
        Command::Completions(args) => completions::completions(args, &mut out),
        Command::Man(args) => completions::man(args, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn fail(e: anyhow::Error) -> ExitCode {
    eprintln!("error: {}", one_line_error(&e));
    ExitCode::FAILURE
}

/// The error chain on one line, inert for the terminal (it can quote what a server or an event
/// said), with no backtrace. A cause that its parent's message already ends with (a
/// `thiserror` message that prints its source) is not repeated.
fn one_line_error(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if msg.ends_with(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    bloop::term::line(&msg.replace('\n', " "))
}

/// A runtime for commands that talk HTTP or serve.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_error_chain_names_each_cause_once_and_inertly() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let e = anyhow::Error::new(bloop::store::StoreError::Open {
            path: "/x/b.db".into(),
            source: io,
        })
        .context("cannot open \x1b[2J");
        assert_eq!(
            super::one_line_error(&e),
            "cannot open \\x1b[2J: database /x/b.db: No such file"
        );
        let e = anyhow::anyhow!("evil \x1b]0;t\x07\nmore");
        assert_eq!(super::one_line_error(&e), "evil \\x1b]0;t\\x07 more");
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
