//! `bloop fingerprint`: the issue key of the events in a file, computed offline exactly as the
//! server would (scrubbed per the configuration first); `--explain` lays the key open.

use std::io::Write;
use std::path::PathBuf;

use bloop::fingerprint::Skip;
use bloop::ingest::explain::{self, Grouping, KeyFrom};

use crate::common::inert;
use bloop::term::width;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A file holding an event: bloop's event JSON, a `{"events": […]}` batch, a Sentry event
    /// or a Sentry envelope; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Explain the key: the normalised message, the grouping frame and the lines skipped
    /// before it (and why), or the client's own key.
    #[arg(long)]
    explain: bool,
    /// Print as JSON (with `--explain`, every input of the key).
    #[arg(long)]
    json: bool,
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let bytes = crate::common::read_input(args.file.as_deref())?;
    // The server scrubs before it groups. IP hashing's key only changes hex digits, which the
    // message normalisation folds, so any key gives the server's fingerprint.
    let scrubber = config
        .scrubbing
        .enabled
        .then(|| bloop::scrub::Scrubber::new(&config.scrubbing, b"bloop fingerprint"));
    let groupings = explain::from_bytes(
        &bytes,
        &config.ingest,
        scrubber.as_ref(),
        bloop::store::now_ms(),
    )
    .map_err(|e| anyhow::anyhow!("{}", inert(&e)))?;
    match (args.json, args.explain) {
        (true, true) => crate::common::print_json(out, &groupings)?,
        (true, false) => {
            let keys: Vec<&str> = groupings.iter().map(|g| g.fingerprint.as_str()).collect();
            crate::common::print_json(out, &keys)?;
        }
        (false, false) => {
            for g in &groupings {
                writeln!(out, "{}", inert(&g.fingerprint))?;
            }
        }
        (false, true) => {
            for (n, g) in groupings.iter().enumerate() {
                if n > 0 {
                    writeln!(out)?;
                }
                print_explanation(out, g)?;
            }
        }
    }
    Ok(())
}

fn field(out: &mut impl Write, name: &str, value: &str) -> std::io::Result<()> {
    writeln!(out, "{name:<13} {value}")
}

fn print_explanation(out: &mut impl Write, g: &Grouping) -> anyhow::Result<()> {
    let c = &g.computed;
    let how = match g.key_from {
        KeyFrom::Computed => "computed by bloop from the fields below",
        KeyFrom::Client => "set by the client",
    };
    field(
        out,
        "fingerprint",
        &format!("{}  ({how})", inert(&g.fingerprint)),
    )?;
    if g.key_from == KeyFrom::Client {
        if let Some(parts) = &g.client_parts {
            let shown: Vec<String> = parts.iter().map(|p| format!("\"{}\"", inert(p))).collect();
            field(out, "sdk parts", &format!("[{}]", shown.join(", ")))?;
            field(out, "", "({{ default }} stands for bloop's own key below)")?;
        } else {
            field(
                out,
                "",
                "(the event's `fingerprint` field; bloop's own key would be:)",
            )?;
        }
        field(out, "own key", &inert(&c.fingerprint))?;
    }
    let or_none = |s: &str| {
        if s.is_empty() {
            "(none)".to_string()
        } else {
            inert(s)
        }
    };
    field(out, "source", &or_none(&c.source))?;
    field(out, "type", &or_none(&c.error_type))?;
    field(out, "route", &or_none(&c.route))?;
    field(out, "message", &inert(&c.message))?;
    field(out, "  hashed as", &inert(&c.normalized_message))?;
    if let Some(s) = &g.structured {
        let chosen = match (s.chosen, s.chosen_is_framework) {
            (Some(k), false) => format!(
                "frame {k} of {} (crashing frame = 1): the first application frame",
                s.total
            ),
            (Some(k), true) => format!(
                "frame {k} of {}: no application frame, so the crashing one",
                s.total
            ),
            (None, _) => "no frames".into(),
        };
        field(out, "frames", &chosen)?;
        for f in &s.skipped {
            field(
                out,
                "  skipped",
                &format!(
                    "#{:<3} {}  ({})",
                    f.position,
                    inert(&f.text),
                    inert(&f.reason)
                ),
            )?;
        }
    }
    if g.structured.is_none() && !c.skipped.is_empty() {
        let w = c
            .skipped
            .iter()
            .map(|l| l.line.to_string().len())
            .max()
            .unwrap_or(1);
        for l in &c.skipped {
            let why = match l.reason {
                Skip::Framework { marker } => format!("framework: contains `{}`", marker),
                Skip::Header => "header".into(),
                Skip::FrameworkSource => "source line of a framework frame".into(),
                Skip::Volatile => "nothing stable once numbers are removed".into(),
            };
            let text = inert(&l.text);
            let text = if width(&text) > 60 {
                bloop::term::fit(&l.text, 60)
            } else {
                text
            };
            field(
                out,
                "  skipped",
                &format!("line {:>w$}  {text}  ({why})", l.line),
            )?;
        }
        if c.skipped_more > 0 {
            field(out, "", &format!("… and {} more lines", c.skipped_more))?;
        }
    }
    match &c.frame {
        Some(f) => {
            if g.structured.is_none() {
                field(
                    out,
                    "frame",
                    &format!("stack line {}: {}", f.line, inert(&f.text)),
                )?;
            } else {
                field(out, "frame", &inert(&f.text))?;
            }
            field(out, "  hashed as", &inert(&f.hashed))?;
        }
        None => field(
            out,
            "frame",
            "(none: no application frame in the stack; only the fields above decide)",
        )?,
    }
    Ok(())
}
