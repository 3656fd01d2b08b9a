//! `bloop health`: asks a server's `/health` and exits 0 when it is healthy, 1 otherwise — the
//! Docker HEALTHCHECK, with no curl in the image.

use std::io::Write;

use anyhow::bail;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Server to check (default: this machine's configured port).
    #[arg(long, env = "BLOOP_URL")]
    url: Option<String>,
    /// Print the health document as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let url = args.url.unwrap_or_else(|| crate::send::default_url(config));
    let client = bloop::client::Client::new(&url)?;
    let answer = crate::runtime()?.block_on(client.get("/health"))?;
    if args.json {
        writeln!(out, "{}", answer.body)?; // serde_json: already escaped
    } else {
        let b = &answer.body;
        writeln!(
            out,
            "{} {}: queue {}/{}, dropped {} (queue full) {} (rate limited), last flush {}",
            crate::common::inert(&url),
            crate::common::inert(b["status"].as_str().unwrap_or("?")),
            b["queue_depth"],
            b["queue_capacity"],
            b["dropped"]["queue_full"],
            b["dropped"]["rate_limited"],
            b["last_flush_age_ms"]
                .as_i64()
                .map(|ms| format!("{ms} ms ago"))
                .unwrap_or_else(|| "never".into()),
        )?;
    }
    if answer.status != 200 {
        bail!(
            "{url} is unhealthy ({}): {}",
            answer.status,
            crate::common::inert(answer.body["db_error"].as_str().unwrap_or("see its log"))
        );
    }
    Ok(())
}
