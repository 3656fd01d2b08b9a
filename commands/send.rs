//! `bloop send`: posts a test error, an event built from flags, or the events of a file.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use bloop::client::{self, Client, ClientError, Credentials};
use serde_json::{json, Map, Value};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Server to send to (default: this machine's configured port).
    #[arg(long, env = "BLOOP_URL")]
    url: Option<String>,
    /// Project ingest key (`bloop_…`): sent as X-Project-Key and used to sign.
    #[arg(
        long,
        env = "BLOOP_KEY",
        hide_env_values = true,
        conflicts_with = "secret"
    )]
    key: Option<String>,
    /// Legacy global secret to sign with (default: auth.hmac_secret) → `default` project.
    #[arg(long, hide_env_values = true)]
    secret: Option<String>,
    /// Error message.
    #[arg(long, short)]
    message: Option<String>,
    /// Error type, e.g. TypeError.
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    error_type: Option<String>,
    /// Source: ios, android, api, python, web…
    #[arg(long)]
    source: Option<String>,
    /// Environment (default production).
    #[arg(long = "env", value_name = "ENV")]
    environment: Option<String>,
    /// Release, e.g. 1.4.0.
    #[arg(long)]
    release: Option<String>,
    /// Route or procedure, e.g. "POST /api/users".
    #[arg(long)]
    route: Option<String>,
    /// File holding the stack trace.
    #[arg(long, value_name = "FILE")]
    stack: Option<PathBuf>,
    /// Metadata as a JSON object.
    #[arg(long, value_name = "JSON")]
    metadata: Option<String>,
    /// Events to send: one event, a {"events": [...]} batch, or JSON lines (`-` = stdin).
    #[arg(long, short, value_name = "FILE", conflicts_with_all = ["message", "error_type", "source", "environment", "release", "route", "stack", "metadata"])]
    file: Option<PathBuf>,
    /// Send a test LLM trace instead of an error: a generation span with a tool call under it.
    #[arg(long, conflicts_with_all = ["file", "message", "error_type", "source", "environment", "release", "route", "stack", "metadata"])]
    trace: bool,
    /// Send the event(s) this many times.
    #[arg(long, short = 'n', default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    count: u32,
    /// Events per batch request.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    batch_size: u32,
    /// Print the server's answer as JSON.
    #[arg(long)]
    json: bool,
}

pub fn default_url(config: &bloop::Config) -> String {
    let host = match config.server.host.as_str() {
        "0.0.0.0" | "::" | "[::]" | "" => "127.0.0.1",
        h => h,
    };
    format!("http://{host}:{}", config.server.port)
}

fn build_events(args: &Args) -> anyhow::Result<Vec<Value>> {
    let now = bloop::store::now_ms();
    if let Some(path) = &args.file {
        let mut text = String::new();
        if path.as_os_str() == "-" {
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
        } else {
            text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
        }
        return Ok(client::parse_event_file(&text, now)?);
    }
    let mut parts = Map::new();
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            parts.insert(k.to_string(), json!(v));
        }
    };
    put("message", &args.message);
    put("error_type", &args.error_type);
    put("source", &args.source);
    put("environment", &args.environment);
    put("release", &args.release);
    put("route_or_procedure", &args.route);
    if parts.contains_key("message") && !parts.contains_key("error_type") {
        parts.insert("error_type".into(), json!("Error"));
    }
    if parts.contains_key("error_type") && !parts.contains_key("message") {
        bail!("--type needs --message");
    }
    if let Some(p) = &args.stack {
        let s =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        parts.insert("stack".into(), json!(s));
    }
    if let Some(m) = &args.metadata {
        let v: Value = serde_json::from_str(m).context("--metadata is not valid JSON")?;
        if !v.is_object() {
            bail!("--metadata must be a JSON object");
        }
        parts.insert("metadata".into(), v);
    }
    Ok(vec![client::event_from_parts(now, &parts)])
}

fn credentials(config: &bloop::Config, args: &Args) -> Credentials {
    match (&args.key, &args.secret) {
        (Some(k), _) => Credentials::ProjectKey(k.clone()),
        (None, Some(s)) => Credentials::Secret(s.clone()),
        (None, None) => Credentials::Secret(config.auth.hmac_secret.expose().to_string()),
    }
}

/// A refused signature explained: what the CLI signed with, and how to use the server's.
fn refused_hint(e: ClientError, config: &bloop::Config, args: &Args) -> anyhow::Error {
    let ClientError::Rejected {
        status: 401,
        message,
    } = &e
    else {
        return e.into();
    };
    let signed_with = match (&args.key, &args.secret) {
        (Some(k), _) => format!("the project key {} (--key)", bloop::store::keys::mask(k)),
        (None, Some(_)) => "the secret given with --secret".to_string(),
        (None, None) if config.uses_default_secret() => {
            "the default auth.hmac_secret (`change-me-in-production`), which this server does not use"
                .to_string()
        }
        (None, None) => "auth.hmac_secret from this machine's configuration".to_string(),
    };
    anyhow::anyhow!(
        "the server refused the signature (401: {}). The CLI signed with {signed_with}. Use a \
         project ingest key with --key or BLOOP_KEY (`bloop keys list --reveal` on the server), \
         or the server's secret with --secret",
        bloop::term::line(message)
    )
}

/// `--trace`: one test trace to `/v1/traces` (repeated `--count` times with fresh ids).
fn send_traces(config: &bloop::Config, args: &Args, out: &mut impl Write) -> anyhow::Result<()> {
    let url = args.url.clone().unwrap_or_else(|| default_url(config));
    let creds = credentials(config, args);
    let client = Client::new(&url)?;
    let rt = super::runtime()?;
    let mut ids = Vec::new();
    let mut last = Value::Null;
    for _ in 0..args.count {
        let trace = client::test_trace(bloop::store::now_ms());
        let body = serde_json::to_vec(&trace)?;
        let answer = rt.block_on(client.post_signed("/v1/traces", body, &creds))?;
        if answer.status != 200 {
            bail!(
                "the server answered {}: {}",
                answer.status,
                bloop::term::line(&answer.body.to_string())
            );
        }
        ids.push(trace["id"].as_str().unwrap_or_default().to_string());
        last = answer.body;
    }
    if args.json {
        writeln!(
            out,
            "{}",
            json!({"sent": ids.len(), "ids": ids, "answer": last})
        )?;
    } else {
        writeln!(
            out,
            "sent {} test trace(s) to {}: accepted ({}); see it with: bloop llm trace {}",
            ids.len(),
            client.base(),
            ids.join(", "),
            ids.last().map(String::as_str).unwrap_or_default()
        )?;
    }
    Ok(())
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    if args.trace {
        return send_traces(config, &args, out);
    }
    let one = build_events(&args)?;
    let mut events = Vec::with_capacity(one.len() * args.count as usize);
    for _ in 0..args.count {
        events.extend(one.iter().cloned());
    }
    let url = args.url.clone().unwrap_or_else(|| default_url(config));
    let creds = credentials(config, &args);
    let client = Client::new(&url)?;
    let show_bar = events.len() > 1 && std::io::stderr().is_terminal();
    let bar = if show_bar {
        let b = indicatif::ProgressBar::new(events.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} events {per_sec} eta {eta}",
        ) {
            b.set_style(style);
        }
        Some(b)
    } else {
        None
    };
    let total = events.len();
    let summary = super::runtime()?.block_on(client.send_events(
        &creds,
        &events,
        args.batch_size as usize,
        |n| {
            if let Some(b) = &bar {
                b.set_position(n as u64);
            }
        },
    ));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let summary = summary.map_err(|e| refused_hint(e, config, &args))?;
    if args.json {
        let body = summary.last.map(|a| a.body).unwrap_or(Value::Null);
        writeln!(
            out,
            "{}",
            json!({"sent": summary.events, "requests": summary.requests, "answer": body})
        )?;
    } else {
        let noun = if total == 1 { "event" } else { "events" };
        writeln!(
            out,
            "sent {} {noun} to {} in {} request(s): accepted",
            summary.events,
            client.base(),
            summary.requests
        )?;
    }
    Ok(())
}
