//! `bloop serve`: binds the configured address and runs the server until SIGTERM/SIGINT.

use anyhow::Context;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Listen on this port instead of `server.port`.
    #[arg(long, short)]
    port: Option<u16>,
    /// Listen on this address instead of `server.host`.
    #[arg(long)]
    host: Option<String>,
}

pub fn run(mut config: bloop::Config, args: Args) -> anyhow::Result<()> {
    if let Some(p) = args.port {
        config.server.port = p;
    }
    if let Some(h) = args.host {
        config.server.host = h;
    }
    if config.uses_default_secret() {
        tracing::warn!(
            "auth.hmac_secret is still the default \"{}\": anyone can sign events for the default project. \
             Set BLOOP__AUTH__HMAC_SECRET or auth.hmac_secret in config.toml",
            bloop::config::DEFAULT_HMAC_SECRET
        );
    }
    super::runtime()?.block_on(async move {
        let addr = format!("{}:{}", config.server.host, config.server.port);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let token = CancellationToken::new();
        let server = async {
            let r = bloop::server::run(config, listener, token.clone()).await;
            token.cancel();
            r
        };
        let signals = async {
            tokio::select! {
                () = shutdown_signal() => {
                    tracing::info!("shutdown signal received; draining");
                    token.cancel();
                }
                () = token.cancelled() => {}
            }
        };
        let (r, ()) = tokio::join!(server, signals);
        r.context("server failed")
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
