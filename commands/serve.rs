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
        // Before the listener exists, so no signal can find the server without its handlers.
        let signalled = shutdown_signal();
        let addr = format!("{}:{}", config.server.host, config.server.port);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let token = CancellationToken::new();
        let server = async {
            let r = bloop::serve(config, listener, token.clone()).await;
            token.cancel();
            r
        };
        let signals = async {
            tokio::select! {
                () = signalled => {
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

/// Resolves on SIGTERM or SIGINT. The handlers are installed when this is called, not when
/// the future is first polled, so a signal that arrives right after the server says it is
/// listening is a clean stop rather than the default action (killed).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut term, mut int) = streams;
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term.take()) => {}
                () = wait(int.take()) => {}
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}
