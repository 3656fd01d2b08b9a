//! Several nodes on one PostgreSQL database: which node runs the jobs that must run once
//! (partition upkeep, retention), and how a change made on one node reaches the others at once.
//!
//! Each node keeps one connection of its own for this. On it the node `LISTEN`s on
//! [`CHANNEL`] (a node that changes keys, projects or settings sends `NOTIFY` after its commit,
//! see `store::pg::notify`), and it tries every [`TRY_EVERY`] to take a session advisory lock:
//! the node holding it is the leader. The lock belongs to the connection, so when the leader
//! dies (or its connection does) PostgreSQL releases it and another node takes it at its next
//! try. Notifications only make a node reload sooner: every node also reloads keys and
//! settings every half second, so a lost notification costs at most that.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::AsyncMessage;
use tokio_util::sync::CancellationToken;

use crate::store::pg::{self, locks};

/// The channel changes are announced on.
pub const CHANNEL: &str = "bloop_changes";

/// How often a follower tries to become the leader.
pub const TRY_EVERY: Duration = Duration::from_secs(2);

/// This node's part in the cluster.
#[derive(Debug, Default)]
pub struct Role(AtomicU8);

const SINGLE: u8 = 0;
const FOLLOWER: u8 = 1;
const LEADER: u8 = 2;

impl Role {
    /// A node on SQLite: alone, it runs every job.
    pub fn single() -> Role {
        Role(AtomicU8::new(SINGLE))
    }

    /// A node on PostgreSQL before it has asked for the lock.
    pub fn follower() -> Role {
        Role(AtomicU8::new(FOLLOWER))
    }

    /// Whether this node runs the jobs that must run once.
    pub fn runs_jobs(&self) -> bool {
        self.0.load(Ordering::Acquire) != FOLLOWER
    }

    /// `single`, `leader` or `follower` (for `/health`).
    pub fn as_str(&self) -> &'static str {
        match self.0.load(Ordering::Acquire) {
            SINGLE => "single",
            LEADER => "leader",
            _ => "follower",
        }
    }

    fn set(&self, leader: bool) {
        let v = if leader { LEADER } else { FOLLOWER };
        if self.0.swap(v, Ordering::AcqRel) != v {
            if leader {
                tracing::info!("this node now runs the cluster's jobs (leader)");
            } else {
                tracing::info!("this node no longer runs the cluster's jobs (follower)");
            }
        }
    }
}

/// Keeps this node's cluster connection: the advisory lock (its [`Role`]) and the
/// notifications, each passed to `changed` (the payload says what changed). Reconnects after
/// a second when the connection fails. Returns when `stop` is cancelled (the lock is released
/// with the connection).
pub async fn run(
    url: String,
    role: Arc<Role>,
    changed: mpsc::UnboundedSender<String>,
    stop: CancellationToken,
) {
    loop {
        let r = session(&url, &role, &changed, &stop).await;
        role.set(false);
        if stop.is_cancelled() {
            return;
        }
        if let Err(e) = r {
            tracing::warn!(error = %e, "cluster connection lost; reconnecting in a second");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

async fn session(
    url: &str,
    role: &Role,
    changed: &mpsc::UnboundedSender<String>,
    stop: &CancellationToken,
) -> Result<(), crate::store::StoreError> {
    let (cfg, tls) = pg::parse_url(url).map_err(|message| crate::store::StoreError::Invalid {
        field: "database.url".into(),
        message,
    })?;
    let (client, mut connection) = cfg.connect(tls).await?;
    // The connection's messages: notifications go to `changed`; its end ends the session.
    let (ended_tx, mut ended) = tokio::sync::oneshot::channel::<Option<tokio_postgres::Error>>();
    let forward = changed.clone();
    tokio::spawn(async move {
        let end = loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    let _ = forward.send(n.payload().to_string());
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => break Some(e),
                None => break None,
            }
        };
        let _ = ended_tx.send(end);
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    // Whatever changed while this node was not listening.
    let _ = changed.send("all".into());
    let mut tick = tokio::time::interval(TRY_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return Ok(()),
            end = &mut ended => {
                return match end {
                    Ok(Some(e)) => Err(e.into()),
                    _ => Err(crate::store::StoreError::Postgres {
                        code: None,
                        message: "the cluster connection closed".into(),
                    }),
                };
            }
            _ = tick.tick() => {
                if !role.runs_jobs() {
                    let got: bool = client
                        .query_one("SELECT pg_try_advisory_lock($1)", &[&locks::LEADER])
                        .await?
                        .get(0);
                    role.set(got);
                } else {
                    // Still connected (the lock is held as long as the connection is).
                    client.simple_query("SELECT 1").await?;
                }
            }
        }
    }
}
