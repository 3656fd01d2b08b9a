//! `bloop sign`: prints the signature a client must send in `X-Signature` for some bytes.

use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Signing key: a project key (`bloop_…`) or the legacy secret (default: auth.hmac_secret).
    #[arg(long, env = "BLOOP_KEY", hide_env_values = true)]
    key: Option<String>,
    /// File whose exact bytes are signed; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let bytes = crate::common::read_input(args.file.as_deref())?;
    let key = args
        .key
        .unwrap_or_else(|| config.auth.hmac_secret.expose().to_string());
    writeln!(out, "{}", bloop::signing::sign(key.as_bytes(), &bytes))?;
    Ok(())
}
