//! Alerting: the evaluator that watches each committed flush ([`eval`]) and the channels that
//! deliver ([`deliver`]: Slack, webhook, email). The rule model and its SQL live in
//! [`crate::store::alerts`] (re-exported here). Nothing here runs on the ingest path: the writer
//! hands a summary of each flush to the evaluator and moves on.

pub mod deliver;
pub mod eval;
#[cfg(feature = "llm-tracing")]
pub mod llm_rules;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

pub use crate::store::alerts::*;

use crate::config::Config;
use crate::store::StoreError;

/// Refuses a rule whose alerts could never be delivered from a server with `config`, naming
/// the channel and the reason (the delivery code's own checks, [`deliver::check_channel`]): a
/// rule without channels needs a server default (`BLOOP_SLACK_WEBHOOK_URL` or
/// `BLOOP_WEBHOOK_URL`), and each channel must pass. Creating and changing a rule call this,
/// through the API and the CLI alike.
pub async fn check_deliverable(rule: &NewRule, config: &Config) -> Result<(), StoreError> {
    let invalid = |field: String, message: String| StoreError::Invalid { field, message };
    if rule.channels.is_empty() {
        let defaults = eval::env_channels(config);
        if defaults.is_empty() {
            return Err(invalid(
                "channels".into(),
                "no channel, and the server has no default one (BLOOP_SLACK_WEBHOOK_URL and \
                 BLOOP_WEBHOOK_URL are unset): this rule could never deliver; add a Slack, \
                 webhook or email channel"
                    .into(),
            ));
        }
        for c in &defaults {
            if let Err(why) = deliver::check_channel(c, config).await {
                return Err(invalid(
                    "channels".into(),
                    format!(
                        "no channel, and the server's default {} channel could never deliver: {why}",
                        c.kind()
                    ),
                ));
            }
        }
    }
    for (i, c) in rule.channels.iter().enumerate() {
        if let Err(why) = deliver::check_channel(c, config).await {
            let field = match c {
                Channel::Slack { .. } => format!("channels[{i}].webhook_url"),
                Channel::Webhook { .. } => format!("channels[{i}].url"),
                Channel::Email { .. } => format!("channels[{i}].to"),
            };
            return Err(invalid(
                field,
                format!("this {} channel could never deliver: {why}", c.kind()),
            ));
        }
    }
    Ok(())
}

/// What the API, the evaluator and the writer share about rules.
#[derive(Debug)]
pub struct RulesSignal {
    /// Bumped by the API on every rule change, so changes apply to the very next flush.
    version: AtomicU64,
    /// Whether any rule is enabled: the writer builds flush reports only then. True until the
    /// evaluator has looked.
    active: Arc<AtomicBool>,
}

impl Default for RulesSignal {
    fn default() -> Self {
        Self {
            version: AtomicU64::new(0),
            active: Arc::new(AtomicBool::new(true)),
        }
    }
}

impl RulesSignal {
    /// A rule was created, changed or removed through this server.
    pub fn changed(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
        self.active.store(true, Ordering::Release);
    }

    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// The flag the writer reads before each flush.
    pub fn active_flag(&self) -> Arc<AtomicBool> {
        self.active.clone()
    }

    /// The evaluator loaded the rules current at `version`; `any` says whether one is enabled.
    pub fn loaded(&self, version: u64, any: bool) {
        self.active.store(any, Ordering::Release);
        // A change that landed while the rules were read turns reports back on, so the next
        // flush reaches the evaluator and it reads the rules again.
        if !any && self.version() != version {
            self.active.store(true, Ordering::Release);
        }
    }
}
