//! The evaluator: a thread that receives a summary of every committed flush and decides which
//! rules fire. `new_issue` and `regression` come from the database's own answer during the flush
//! (so a restart never makes an old issue new again); thresholds and spikes use sliding windows
//! (in memory on SQLite; on PostgreSQL in the database, shared by every node, so a threshold
//! counts the whole cluster's events); cooldowns live in the database. Fired alerts of one rule
//! in one flush become one digest per channel, handed to the bounded delivery queue.
//!
//! On PostgreSQL every node runs an evaluator over its own flushes: a new issue or a regression
//! is reported by the one flush that made it, and a cooldown is taken by one statement, so an
//! alert fires once whichever node stored the events. LLM rules are judged on a clock from the
//! stored spans (`llm_rules`): on PostgreSQL every node judges them over what all nodes stored,
//! and the same one-statement cooldown lets one node send each alert.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::mpsc;

use super::deliver::{Alert, Outgoing};
use super::{Channel, Rule, RuleConfig, RulesSignal, ThresholdScope};
use crate::config::Config;
use crate::pipeline::{FlushReport, IssueChange};
use crate::store::pg::{self, Pg};
use crate::store::{self, now_ms};

/// How often rules are re-read from the database when the API did not signal a change.
const RULES_TTL_MS: i64 = 1_000;
const RULES_TTL: std::time::Duration = std::time::Duration::from_millis(RULES_TTL_MS as u64);
/// How long the evaluator gathers flushes into one evaluation (and one digest).
const COALESCE: std::time::Duration = std::time::Duration::from_millis(150);
/// Spikes are judged at most this often per rule and project.
const SPIKE_EVERY_MS: i64 = 5_000;
/// A spike needs at least this many events in its window (a handful is not a spike).
const SPIKE_MIN_EVENTS: u64 = 10;
/// LLM rules are judged at most this often (they read their windows from the database).
#[cfg(feature = "llm-tracing")]
const LLM_EVERY_MS: i64 = 2_000;
/// How often expired buckets of the shared windows are removed (PostgreSQL).
const EXPIRE_EVERY_MS: i64 = 60_000;

/// Where the evaluator reads rules and records what fired.
pub enum Backend {
    /// Its own connection to the SQLite file.
    Sqlite(Connection),
    /// The server's pool; the evaluator's thread blocks on the server's runtime for each query.
    Postgres { pg: Pg, rt: tokio::runtime::Handle },
}

impl Backend {
    fn enabled(&self) -> Result<Vec<Rule>, store::StoreError> {
        match self {
            Backend::Sqlite(conn) => super::enabled(conn),
            Backend::Postgres { pg, rt } => {
                rt.block_on(async { pg::alerts::enabled(&pg.client().await?).await })
            }
        }
    }

    fn try_fire(
        &self,
        rule: i64,
        key: &str,
        now: i64,
        cooldown_ms: i64,
    ) -> Result<bool, store::StoreError> {
        match self {
            Backend::Sqlite(conn) => super::try_fire(conn, rule, key, now, cooldown_ms),
            Backend::Postgres { pg, rt } => rt.block_on(async {
                pg::alerts::try_fire(&pg.client().await?, rule, key, now, cooldown_ms).await
            }),
        }
    }

    fn issue_silenced(&self, issue_id: i64) -> Result<bool, store::StoreError> {
        match self {
            Backend::Sqlite(conn) => {
                let status: Option<String> = rusqlite::OptionalExtension::optional(
                    conn.prepare_cached("SELECT status FROM issues WHERE id = ?1")?
                        .query_row([issue_id], |r| r.get(0)),
                )?;
                Ok(matches!(status.as_deref(), Some("ignored" | "muted")))
            }
            Backend::Postgres { pg, rt } => rt.block_on(async {
                pg::alerts::issue_silenced(&pg.client().await?, issue_id).await
            }),
        }
    }

    /// A project's hourly counts in `[start, end)`.
    fn project_hours(
        &self,
        project: &str,
        start: i64,
        end: i64,
    ) -> Result<Vec<(i64, i64)>, store::StoreError> {
        match self {
            Backend::Sqlite(conn) => {
                let mut st = conn.prepare_cached(
                    "SELECT hour, count FROM project_hourly
                     WHERE project_id = ?1 AND hour >= ?2 AND hour < ?3",
                )?;
                let rows = st.query_map(rusqlite::params![project, start, end], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            }
            Backend::Postgres { pg, rt } => rt.block_on(async {
                pg::alerts::project_hours(&pg.client().await?, project, start, end).await
            }),
        }
    }

    fn record_dropped(&self, o: &Outgoing) -> Result<(), store::StoreError> {
        let (kind, target, title) = (o.channel.kind(), o.channel.target(), o.title());
        let why = Some("delivery queue full");
        match self {
            Backend::Sqlite(conn) => {
                super::record_delivery(conn, o.rule_id, kind, &target, &title, "dropped", 0, why)
            }
            Backend::Postgres { pg, rt } => rt.block_on(async {
                let c = pg.client().await?;
                pg::alerts::record_delivery(&c, o.rule_id, kind, &target, &title, "dropped", 0, why)
                    .await
            }),
        }
    }
}

pub struct Evaluator {
    backend: Backend,
    rules: Vec<Rule>,
    rules_loaded: i64,
    signal: Arc<RulesSignal>,
    seen_version: u64,
    /// (rule, key) → per-second counts inside the rule's window.
    windows: HashMap<(i64, String), VecDeque<(i64, u64)>>,
    spike_checked: HashMap<(i64, String), i64>,
    cooldown_ms: i64,
    zscore: f64,
    public_url: String,
    env_channels: Vec<Channel>,
    queue: mpsc::Sender<Outgoing>,
    pub dropped: Arc<AtomicU64>,
    warned_no_channel: std::collections::HashSet<i64>,
    /// When the LLM rules were last judged.
    #[cfg(feature = "llm-tracing")]
    llm_checked: i64,
    /// When expired shared-window buckets were last removed.
    expired: i64,
}

impl Evaluator {
    pub fn new(
        backend: Backend,
        config: &Config,
        queue: mpsc::Sender<Outgoing>,
        signal: Arc<RulesSignal>,
    ) -> Self {
        Self {
            backend,
            rules: Vec::new(),
            rules_loaded: 0,
            signal,
            seen_version: 0,
            windows: HashMap::new(),
            spike_checked: HashMap::new(),
            cooldown_ms: config.alerting.cooldown_secs as i64 * 1000,
            zscore: config.analytics.zscore_threshold,
            public_url: public_url(config),
            env_channels: env_channels(config),
            queue,
            dropped: Arc::new(AtomicU64::new(0)),
            warned_no_channel: Default::default(),
            #[cfg(feature = "llm-tracing")]
            llm_checked: 0,
            expired: 0,
        }
    }

    /// Runs until the report channel closes. While no report comes (or none is sent because no
    /// rule is enabled), re-reads the rules every second, so a rule created by the CLI turns
    /// reports on.
    pub fn run(mut self, reports: Receiver<FlushReport>) {
        loop {
            let mut report = match reports.recv_timeout(RULES_TTL) {
                Ok(r) => r,
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(e) = self.reload(now_ms()) {
                        tracing::warn!(error = %e, "could not read alert rules");
                    }
                    self.tick_llm();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
            // A burst the writer committed in several flushes (it takes what is queued, so one
            // request of 500 events can land in a few) still becomes one digest per channel:
            // gather the flushes that arrive within a short window and evaluate them as one.
            let deadline = std::time::Instant::now() + COALESCE;
            loop {
                match reports.try_recv() {
                    Ok(more) => merge_reports(&mut report, more),
                    Err(std::sync::mpsc::TryRecvError::Empty) => {
                        if std::time::Instant::now() >= deadline {
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
                }
            }
            if let Err(e) = self.evaluate(&report) {
                tracing::warn!(error = %e, "alert evaluation failed for a flush");
            }
            self.tick_llm();
        }
    }

    fn tick_llm(&mut self) {
        #[cfg(feature = "llm-tracing")]
        if let Err(e) = self.evaluate_llm(now_ms()) {
            tracing::warn!(error = %e, "LLM alert rules could not be judged");
        }
    }

    /// Re-reads rules when the API changed them, or every second (for changes by the CLI).
    fn reload(&mut self, now: i64) -> Result<(), store::StoreError> {
        let version = self.signal.version();
        if version != self.seen_version || now - self.rules_loaded >= RULES_TTL_MS {
            self.rules = self.backend.enabled()?;
            self.rules_loaded = now;
            self.seen_version = version;
            self.signal.loaded(version, !self.rules.is_empty());
        }
        Ok(())
    }

    /// Decides what fires for one flush and queues the deliveries.
    pub fn evaluate(&mut self, report: &FlushReport) -> Result<(), store::StoreError> {
        let now = report.committed_at;
        self.reload(now)?;
        if self.rules.is_empty() {
            return Ok(());
        }
        let rules = self.rules.clone();
        let mut fired: Vec<(Rule, Vec<Alert>)> = Vec::new();
        for rule in &rules {
            // A rule judges only what was committed after it existed: events that landed
            // before it (and that the evaluator is only now reading) are not news to it.
            if rule.created_at > report.first_committed_at || rule.config.is_llm() {
                continue;
            }
            let mut alerts = Vec::new();
            let in_scope = |ch: &&IssueChange| {
                rule.project_id
                    .as_deref()
                    .is_none_or(|p| p == &*ch.project_id)
            };
            // Windowed rules first add this flush's events to their windows, then judge.
            let spike = matches!(rule.config, RuleConfig::Spike { .. });
            let adds: Vec<(String, u64)> = report
                .changes
                .iter()
                .filter(in_scope)
                .filter_map(|ch| Some((window_key(rule, ch)?, matching_events(rule, ch))))
                // A spike reads its window even when nothing of this flush matches.
                .filter(|(_, n)| spike || *n > 0)
                .collect();
            let windows = self.windows_add(rule, now, adds)?;
            for ch in report.changes.iter().filter(in_scope) {
                let matching = matching_events(rule, ch);
                if matching == 0 {
                    continue;
                }
                if let Some(a) = self.judge(rule, ch, matching, &windows, now)? {
                    alerts.push(a);
                }
            }
            if let RuleConfig::Spike { .. } = rule.config {
                let mut projects: Vec<&str> = report
                    .changes
                    .iter()
                    .filter(|c| {
                        rule.project_id
                            .as_deref()
                            .is_none_or(|p| p == &*c.project_id)
                    })
                    .map(|c| &*c.project_id)
                    .collect();
                projects.sort();
                projects.dedup();
                for p in projects {
                    let in_window = windows.get(&spike_key(p)).copied().unwrap_or(0);
                    if let Some(a) = self.judge_spike(rule, p, in_window, now)? {
                        alerts.push(a);
                    }
                }
            }
            if !alerts.is_empty() {
                fired.push((rule.clone(), alerts));
            }
        }
        self.deliver(fired);
        self.expire_windows(now);
        Ok(())
    }

    /// Adds each `(key, n)` to rule `rule`'s window at `now` and returns every key's count
    /// inside the window: in memory on SQLite, in the shared table on PostgreSQL.
    fn windows_add(
        &mut self,
        rule: &Rule,
        now: i64,
        adds: Vec<(String, u64)>,
    ) -> Result<HashMap<String, u64>, store::StoreError> {
        let Some(window_ms) = window_ms(rule) else {
            return Ok(HashMap::new());
        };
        if adds.is_empty() {
            return Ok(HashMap::new());
        }
        match &self.backend {
            Backend::Sqlite(_) => {
                let mut out = HashMap::new();
                for (key, n) in adds {
                    let total = self.window_add(rule.id, &key, window_ms, now, n);
                    out.insert(key, total);
                }
                Ok(out)
            }
            Backend::Postgres { pg, rt } => {
                let adds: Vec<(String, i64)> = adds
                    .into_iter()
                    .map(|(k, n)| (k, i64::try_from(n).unwrap_or(i64::MAX)))
                    .collect();
                let totals = rt.block_on(async {
                    let c = pg.client().await?;
                    pg::alerts::window_add(&c, rule.id, window_ms, now, &adds).await
                })?;
                Ok(totals
                    .into_iter()
                    .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
                    .collect())
            }
        }
    }

    /// Removes shared-window buckets no window reaches any more (PostgreSQL; at most once a
    /// minute per node).
    fn expire_windows(&mut self, now: i64) {
        let Backend::Postgres { pg, rt } = &self.backend else {
            return;
        };
        if now - self.expired < EXPIRE_EVERY_MS {
            return;
        }
        self.expired = now;
        let r = rt.block_on(async { pg::alerts::expire_windows(&pg.client().await?, now).await });
        if let Err(e) = r {
            tracing::warn!(error = %e, "could not remove expired alert windows");
        }
    }

    /// Judges the LLM rules (at most every [`LLM_EVERY_MS`]) and queues what fires.
    #[cfg(feature = "llm-tracing")]
    pub fn evaluate_llm(&mut self, now: i64) -> Result<(), store::StoreError> {
        if now - self.llm_checked < LLM_EVERY_MS {
            return Ok(());
        }
        self.llm_checked = now;
        self.reload(now)?;
        let rules: Vec<Rule> = self
            .rules
            .iter()
            .filter(|r| r.config.is_llm())
            .cloned()
            .collect();
        if rules.is_empty() {
            return Ok(());
        }
        // Every rule judged first (on PostgreSQL over one connection, given back before the
        // cooldowns are taken), then each candidate fires if its cooldown lets it: on
        // PostgreSQL every node judges, and the shared cooldown lets one of them send it.
        let (zscore, url) = (self.zscore, self.public_url.as_str());
        let judged = match &self.backend {
            Backend::Sqlite(conn) => super::llm_rules::judge_all(conn, &rules, now, zscore, url)?,
            Backend::Postgres { pg, rt } => {
                let src = super::llm_rules::PgSource::connect(pg, rt)?;
                super::llm_rules::judge_all(&src, &rules, now, zscore, url)?
            }
        };
        let mut fired: Vec<(Rule, Vec<Alert>)> = Vec::new();
        for (rule, candidates) in rules.into_iter().zip(judged) {
            let mut alerts = Vec::new();
            for c in candidates {
                let cooldown = c.cooldown_ms.unwrap_or(self.cooldown_ms);
                if self.backend.try_fire(rule.id, &c.key, now, cooldown)? {
                    alerts.push(c.alert);
                }
            }
            if !alerts.is_empty() {
                fired.push((rule, alerts));
            }
        }
        self.deliver(fired);
        Ok(())
    }

    /// Hands each fired rule's alerts to the delivery queue, one digest per channel.
    fn deliver(&mut self, fired: Vec<(Rule, Vec<Alert>)>) {
        for (rule, alerts) in fired {
            let channels = if rule.channels.is_empty() {
                self.env_channels.clone()
            } else {
                rule.channels.clone()
            };
            if channels.is_empty() && self.warned_no_channel.insert(rule.id) {
                tracing::warn!(rule = rule.id, "alert rule fired but has no channel (and BLOOP_SLACK_WEBHOOK_URL / BLOOP_WEBHOOK_URL are unset)");
            }
            for channel in channels {
                let o = Outgoing {
                    rule_id: Some(rule.id),
                    channel,
                    alerts: alerts.clone(),
                };
                if let Err(e) = self.queue.try_send(o) {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    let o = match e {
                        mpsc::error::TrySendError::Full(o)
                        | mpsc::error::TrySendError::Closed(o) => o,
                    };
                    tracing::warn!(
                        rule = rule.id,
                        "alert delivery queue is full; dropping a delivery"
                    );
                    if let Err(e) = self.backend.record_dropped(&o) {
                        tracing::warn!(error = %e, "could not write the alert delivery log");
                    }
                }
            }
        }
    }

    /// Adds `n` events at `now` to the window `(rule, key)` and returns the count inside it.
    fn window_add(&mut self, rule: i64, key: &str, window_ms: i64, now: i64, n: u64) -> u64 {
        let w = self.windows.entry((rule, key.to_string())).or_default();
        let sec = now / 1000;
        match w.back_mut() {
            Some((s, c)) if *s == sec => *c += n,
            _ => w.push_back((sec, n)),
        }
        let oldest = (now - window_ms) / 1000;
        while w.front().is_some_and(|(s, _)| *s <= oldest) {
            w.pop_front();
        }
        w.iter().map(|(_, c)| c).sum()
    }

    fn judge(
        &mut self,
        rule: &Rule,
        ch: &IssueChange,
        matching: u64,
        windows: &HashMap<String, u64>,
        now: i64,
    ) -> Result<Option<Alert>, store::StoreError> {
        let (kind, key, count, reason) = match &rule.config {
            RuleConfig::NewIssue if ch.is_new => (
                "new_issue",
                format!("issue:{}", ch.issue_id),
                matching,
                "first event of a new issue".to_string(),
            ),
            RuleConfig::Regression if ch.regressed => (
                "regression",
                format!("issue:{}", ch.issue_id),
                matching,
                "a resolved issue received a new event".to_string(),
            ),
            RuleConfig::Threshold {
                threshold,
                window_secs,
                per,
            } => {
                let key = threshold_key(*per, ch);
                let in_window = windows.get(&key).copied().unwrap_or(0);
                if in_window < *threshold {
                    return Ok(None);
                }
                (
                    "threshold",
                    key,
                    in_window,
                    format!("{in_window} events in {window_secs}s (threshold {threshold})"),
                )
            }
            _ => return Ok(None),
        };
        // Ignored and muted issues never alert (project-wide thresholds are not one issue's).
        let per_issue = !matches!(
            rule.config,
            RuleConfig::Threshold {
                per: ThresholdScope::Route | ThresholdScope::Project,
                ..
            }
        );
        if per_issue && self.backend.issue_silenced(ch.issue_id)? {
            return Ok(None);
        }
        if !self
            .backend
            .try_fire(rule.id, &key, now, self.cooldown_ms)?
        {
            return Ok(None);
        }
        let e = &ch.sample.event;
        Ok(Some(Alert {
            rule_id: rule.id,
            rule_name: rule.name.clone(),
            kind: kind.into(),
            project_id: ch.project_id.to_string(),
            fingerprint: Some(ch.fingerprint.clone()),
            error_type: Some(e.error_type.clone()),
            message: Some(e.message.clone()),
            source: Some(e.source.clone()),
            environment: Some(e.environment.clone()),
            release: Some(e.release.clone()),
            route: e.route_or_procedure.clone(),
            count,
            reason,
            link: format!(
                "{}/issues/{}/{}",
                self.public_url, ch.project_id, ch.fingerprint
            ),
            fired_at: now,
        }))
    }

    fn judge_spike(
        &mut self,
        rule: &Rule,
        project: &str,
        window_count: u64,
        now: i64,
    ) -> Result<Option<Alert>, store::StoreError> {
        let RuleConfig::Spike {
            multiplier,
            window_secs,
            baseline_hours,
        } = rule.config
        else {
            return Ok(None);
        };
        let key = spike_key(project);
        if window_count < SPIKE_MIN_EVENTS {
            return Ok(None);
        }
        let checked = self
            .spike_checked
            .entry((rule.id, key.clone()))
            .or_insert(0);
        if now - *checked < SPIKE_EVERY_MS {
            return Ok(None);
        }
        *checked = now;
        let hour = now - now.rem_euclid(3_600_000);
        let start = hour - baseline_hours as i64 * 3_600_000;
        let mut counts = vec![0f64; baseline_hours as usize];
        for (h, c) in self.backend.project_hours(project, start, hour)? {
            let i = ((h - start) / 3_600_000) as usize;
            if i < counts.len() {
                counts[i] = c as f64;
            }
        }
        let n = counts.len() as f64;
        let mean = counts.iter().sum::<f64>() / n;
        let sd = (counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n).sqrt();
        let rate = window_count as f64 * 3600.0 / window_secs as f64;
        let z = if sd > 0.0 {
            (rate - mean) / sd
        } else if rate > mean {
            f64::INFINITY
        } else {
            0.0
        };
        if rate < multiplier * mean || z < self.zscore {
            return Ok(None);
        }
        if !self
            .backend
            .try_fire(rule.id, &key, now, self.cooldown_ms)?
        {
            return Ok(None);
        }
        Ok(Some(Alert {
            rule_id: rule.id,
            rule_name: rule.name.clone(),
            kind: "spike".into(),
            project_id: project.to_string(),
            fingerprint: None,
            error_type: None,
            message: None,
            source: None,
            environment: rule.environment_filter.clone(),
            release: None,
            route: None,
            count: window_count,
            reason: format!(
                "{window_count} events in {window_secs}s ({rate:.0}/h) vs a baseline of {mean:.1}/h (z = {})",
                if z.is_finite() { format!("{z:.1}") } else { "∞".into() }
            ),
            link: format!("{}/?project={project}", self.public_url),
            fired_at: now,
        }))
    }
}

/// The window a threshold or spike rule counts in, in ms.
fn window_ms(rule: &Rule) -> Option<i64> {
    match rule.config {
        RuleConfig::Threshold { window_secs, .. } | RuleConfig::Spike { window_secs, .. } => {
            Some(window_secs as i64 * 1000)
        }
        _ => None,
    }
}

/// For a windowed rule, the window key `ch`'s events count towards.
fn window_key(rule: &Rule, ch: &IssueChange) -> Option<String> {
    match rule.config {
        RuleConfig::Threshold { per, .. } => Some(threshold_key(per, ch)),
        RuleConfig::Spike { .. } => Some(spike_key(&ch.project_id)),
        _ => None,
    }
}

/// The window (and cooldown) key of a threshold rule counting `per` issue, route or project.
fn threshold_key(per: ThresholdScope, ch: &IssueChange) -> String {
    match per {
        ThresholdScope::Issue => format!("issue:{}", ch.issue_id),
        ThresholdScope::Route => format!(
            "route:{}:{}",
            ch.project_id,
            ch.sample.event.route_or_procedure.as_deref().unwrap_or("")
        ),
        ThresholdScope::Project => format!("project:{}", ch.project_id),
    }
}

fn spike_key(project: &str) -> String {
    format!("spike:{project}")
}

/// Events of `ch` that pass the rule's environment / source / release filters.
fn matching_events(rule: &Rule, ch: &IssueChange) -> u64 {
    ch.breakdown
        .iter()
        .filter(|b| {
            rule.environment_filter
                .as_deref()
                .is_none_or(|f| f == b.environment)
                && rule.source_filter.as_deref().is_none_or(|f| f == b.source)
                && rule
                    .release_filter
                    .as_deref()
                    .is_none_or(|f| f == b.release)
        })
        .map(|b| b.count)
        .sum()
}

/// Links in alerts start here.
pub fn public_url(config: &Config) -> String {
    if !config.server.public_url.is_empty() {
        return config.server.public_url.trim_end_matches('/').to_string();
    }
    let host = match config.server.host.as_str() {
        "0.0.0.0" | "::" | "" => "localhost",
        h => h,
    };
    format!("http://{host}:{}", config.server.port)
}

/// Builds a test alert for rule `rule` (what `POST /v1/alerts/{id}/test` sends).
pub fn test_alert(rule: &Rule, config: &Config) -> Alert {
    Alert {
        rule_id: rule.id,
        rule_name: rule.name.clone(),
        kind: "test".into(),
        project_id: rule.project_id.clone().unwrap_or_else(|| "default".into()),
        fingerprint: None,
        error_type: Some("BloopTestAlert".into()),
        message: Some(format!("Test of alert rule \"{}\"", rule.name)),
        source: None,
        environment: rule.environment_filter.clone(),
        release: rule.release_filter.clone(),
        route: None,
        count: 1,
        reason: "sent on request to check the channel".into(),
        link: public_url(config),
        fired_at: now_ms(),
    }
}

/// The channels a rule sends to (its own, else the environment's).
pub fn channels_for(rule: &Rule, config: &Config) -> Vec<Channel> {
    if rule.channels.is_empty() {
        env_channels(config)
    } else {
        rule.channels.clone()
    }
}

/// `BLOOP_SLACK_WEBHOOK_URL` and `BLOOP_WEBHOOK_URL` as channels.
pub fn env_channels(config: &Config) -> Vec<Channel> {
    let mut out = Vec::new();
    if let Some(u) = &config.alerting.slack_webhook_url {
        out.push(Channel::Slack {
            webhook_url: u.expose().to_string(),
        });
    }
    if let Some(u) = &config.alerting.webhook_url {
        out.push(Channel::Webhook {
            url: u.expose().to_string(),
            secret: None,
        });
    }
    out
}

/// Folds `more` into `into`: one change per issue, counts added, breakdowns combined.
fn merge_reports(into: &mut FlushReport, more: FlushReport) {
    into.committed_at = into.committed_at.max(more.committed_at);
    into.first_committed_at = into.first_committed_at.min(more.first_committed_at);
    // Position of each issue in `into` (a burst touches hundreds of issues per flush).
    let mut pos: HashMap<i64, usize> = into
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.issue_id, i))
        .collect();
    for ch in more.changes {
        match pos.get(&ch.issue_id).map(|&i| &mut into.changes[i]) {
            Some(c) => {
                c.count += ch.count;
                c.is_new |= ch.is_new;
                c.regressed |= ch.regressed;
                for b in ch.breakdown {
                    match c.breakdown.iter_mut().find(|x| {
                        x.environment == b.environment
                            && x.source == b.source
                            && x.release == b.release
                    }) {
                        Some(x) => x.count += b.count,
                        None => c.breakdown.push(b),
                    }
                }
            }
            None => {
                pos.insert(ch.issue_id, into.changes.len());
                into.changes.push(ch);
            }
        }
    }
}
