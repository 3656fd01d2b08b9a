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
