//! Alert rules and their deliveries in the database: the rule model (what a rule watches, its
//! channels), its validation, and the SQL for rules, deliveries and cooldowns. Evaluation and
//! sending live in [`crate::alert`], which reads and writes through here.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{now_ms, StoreError};

/// What a rule watches for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleConfig {
    /// The first event of a fingerprint in a project.
    NewIssue,
    /// A resolved issue receives an event (respecting "resolved in release").
    Regression,
    /// At least `threshold` events within `window_secs`, per issue, route or project.
    Threshold {
        threshold: u64,
        window_secs: u64,
        #[serde(default)]
        per: ThresholdScope,
    },
    /// The last window's count is at least `multiplier` × the baseline's hourly rate and its
    /// z-score over the baseline's hourly counts reaches `analytics.zscore_threshold`.
    Spike {
        #[serde(default = "default_multiplier")]
        multiplier: f64,
        #[serde(default = "default_window")]
        window_secs: u64,
        #[serde(default = "default_baseline")]
        baseline_hours: u32,
    },
    /// LLM spend in the last window is at least `multiplier` × the baseline's hourly mean and its
    /// z-score over the baseline's hourly spend reaches `analytics.zscore_threshold`.
    LlmCostSpike {
        #[serde(default = "default_multiplier")]
        multiplier: f64,
        #[serde(default = "default_window")]
        window_secs: u64,
        #[serde(default = "default_baseline")]
        baseline_hours: u32,
    },
    /// LLM spend in the window reaches `amount_usd` (of one model, when given).
    LlmCostThreshold {
        amount_usd: f64,
        #[serde(default = "default_window")]
        window_secs: u64,
        #[serde(default)]
        model: Option<String>,
    },
    /// The share of failed LLM calls in the window reaches `percent`, over at least
    /// `min_calls` calls (of one model, when given).
    LlmErrorRate {
        percent: f64,
        #[serde(default = "default_llm_window")]
        window_secs: u64,
        #[serde(default = "default_min_calls")]
        min_calls: u64,
        #[serde(default)]
        model: Option<String>,
    },
    /// A latency (or time-to-first-token) percentile of a model's calls in the window reaches
    /// `threshold_ms` (each model on its own, or the one given), over at least `min_calls`.
    LlmLatency {
        threshold_ms: u64,
        #[serde(default)]
        percentile: Percentile,
        #[serde(default)]
        metric: LatencyMetric,
        #[serde(default = "default_llm_window")]
        window_secs: u64,
        #[serde(default = "default_min_calls")]
        min_calls: u64,
        #[serde(default)]
        model: Option<String>,
    },
    /// The month's LLM spend reaches `percent` % of the project's monthly budget; with
    /// `forecast`, also when the month-end forecast is over the budget. Each fires once per
    /// month.
    LlmBudget {
        #[serde(default = "default_budget_percent")]
        percent: f64,
        #[serde(default = "yes")]
        forecast: bool,
    },
}

impl RuleConfig {
    /// The LLM rules in words (`None` for the error rules, which each view words its own way).
    pub fn llm_summary(&self) -> Option<String> {
        let model = |m: &Option<String>| m.as_ref().map(|m| format!(" of {m}")).unwrap_or_default();
        Some(match self {
            RuleConfig::LlmCostSpike {
                multiplier,
                window_secs,
                baseline_hours,
            } => format!(
                "LLM spend in {window_secs} s ≥ {multiplier}× the {baseline_hours} h baseline"
            ),
            RuleConfig::LlmCostThreshold {
                amount_usd,
                window_secs,
                model: m,
            } => format!("LLM spend{} ≥ ${amount_usd} in {window_secs} s", model(m)),
            RuleConfig::LlmErrorRate {
                percent,
                window_secs,
                min_calls,
                model: m,
            } => format!(
                "LLM error rate{} ≥ {percent}% in {window_secs} s (≥ {min_calls} calls)",
                model(m)
            ),
            RuleConfig::LlmLatency {
                threshold_ms,
                percentile,
                metric,
                window_secs,
                model: m,
                ..
            } => format!(
                "{} {}{} ≥ {threshold_ms} ms in {window_secs} s",
                percentile.name(),
                match metric {
                    LatencyMetric::Latency => "latency",
                    LatencyMetric::Ttft => "time to first token",
                },
                match m {
                    Some(m) => format!(" of {m}"),
                    None => " of any model".into(),
                }
            ),
            RuleConfig::LlmBudget { percent, forecast } => format!(
                "month's LLM spend ≥ {percent}% of the budget{}",
                if *forecast {
                    ", or forecast over it"
                } else {
                    ""
                }
            ),
            _ => return None,
        })
    }

    /// Rules over LLM calls (evaluated on a clock, not on error flushes).
    pub fn is_llm(&self) -> bool {
        matches!(
            self,
            RuleConfig::LlmCostSpike { .. }
                | RuleConfig::LlmCostThreshold { .. }
                | RuleConfig::LlmErrorRate { .. }
                | RuleConfig::LlmLatency { .. }
                | RuleConfig::LlmBudget { .. }
        )
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Percentile {
    P50,
    #[default]
    P95,
    P99,
}

impl Percentile {
    pub fn fraction(self) -> f64 {
        match self {
            Percentile::P50 => 0.50,
            Percentile::P95 => 0.95,
            Percentile::P99 => 0.99,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Percentile::P50 => "p50",
            Percentile::P95 => "p95",
            Percentile::P99 => "p99",
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LatencyMetric {
    #[default]
    Latency,
    Ttft,
}

fn default_llm_window() -> u64 {
    900
}
fn default_min_calls() -> u64 {
    20
}
fn default_budget_percent() -> f64 {
    80.0
}

fn default_multiplier() -> f64 {
    3.0
}
fn default_window() -> u64 {
    3600
}
fn default_baseline() -> u32 {
    24
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdScope {
    #[default]
    Issue,
    Route,
    Project,
}

/// Where a rule's alerts go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Channel {
    Slack {
        webhook_url: String,
    },
    /// A JSON POST signed with `X-Bloop-Signature` (HMAC-SHA256 of the body with `secret`, or
    /// `auth.hmac_secret` when none is given).
    Webhook {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret: Option<String>,
    },
    Email {
        to: Vec<String>,
    },
}

impl Channel {
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Slack { .. } => "slack",
            Channel::Webhook { .. } => "webhook",
            Channel::Email { .. } => "email",
        }
    }

    /// Where it sends, with secrets masked (Slack URLs are secrets).
    pub fn target(&self) -> String {
        match self {
            Channel::Slack { webhook_url } => mask_url(webhook_url),
            Channel::Webhook { url, .. } => mask_url(url),
            Channel::Email { to } => to.join(", "),
        }
    }

    /// The rule's view with secrets masked, for API answers.
    pub fn masked(&self) -> Channel {
        match self {
            Channel::Slack { webhook_url } => Channel::Slack {
                webhook_url: mask_url(webhook_url),
            },
            Channel::Webhook { url, secret } => Channel::Webhook {
                url: url.clone(),
                secret: secret.as_ref().map(|_| "***".into()),
            },
            Channel::Email { to } => Channel::Email { to: to.clone() },
        }
    }
}

/// `https://hooks.slack.com/services/T0/B0/XXXX` → `https://hooks.slack.com/…`.
pub fn mask_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or("");
            if rest.len() > host.len() + 1 {
                format!("{scheme}://{host}/…")
            } else {
                url.to_string()
            }
        }
        None => "…".into(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub project_id: Option<String>,
    pub config: RuleConfig,
    pub channels: Vec<Channel>,
    pub environment_filter: Option<String>,
    pub source_filter: Option<String>,
    pub release_filter: Option<String>,
    pub enabled: bool,
    pub created_at: i64,
}

impl Rule {
    /// The rule as the API shows it (channel secrets masked).
    pub fn masked(&self) -> Rule {
        Rule {
            channels: self.channels.iter().map(Channel::masked).collect(),
            ..self.clone()
        }
    }

    /// The rule as it would be created (secrets as stored, not masked).
    pub fn to_new(&self) -> NewRule {
        NewRule {
            name: self.name.clone(),
            project_id: self.project_id.clone(),
            config: self.config.clone(),
            channels: self.channels.clone(),
            environment_filter: self.environment_filter.clone(),
            source_filter: self.source_filter.clone(),
            release_filter: self.release_filter.clone(),
            enabled: self.enabled,
        }
    }

    /// This rule with the fields of `patch` (a JSON object of [`NewRule`] fields) replacing
    /// its own: `config` keys merge into its config unless `config.type` names another type
    /// (then the given config is the whole new one), `channels` replace all channels. What the
    /// patch leaves out is kept, channel secrets included. A bad field is named.
    pub fn patched(&self, patch: &serde_json::Value) -> Result<NewRule, StoreError> {
        let serde_json::Value::Object(fields) = patch else {
            return Err(invalid("body", "must be a JSON object of rule fields"));
        };
        let mut merged =
            serde_json::to_value(self.to_new()).map_err(|e| invalid("body", e.to_string()))?;
        for (k, v) in fields {
            match (k.as_str(), v) {
                ("config", serde_json::Value::Object(given)) => {
                    let same_type = given
                        .get("type")
                        .is_none_or(|t| *t == merged["config"]["type"]);
                    if same_type {
                        for (ck, cv) in given {
                            merged["config"][ck] = cv.clone();
                        }
                    } else {
                        merged["config"] = v.clone();
                    }
                }
                _ => merged[k] = v.clone(),
            }
        }
        let rule: NewRule = serde_path_to_error::deserialize(merged).map_err(|e| {
            let field = e.path().to_string();
            invalid(
                if field == "." { "body" } else { &field },
                e.inner().to_string(),
            )
        })?;
        Ok(rule)
    }
}

/// A rule as created or replaced through the API or CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    pub name: String,
    #[serde(default)]
    pub project_id: Option<String>,
    pub config: RuleConfig,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub environment_filter: Option<String>,
    #[serde(default)]
    pub source_filter: Option<String>,
    #[serde(default)]
    pub release_filter: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

fn check_url(field: &str, url: &str) -> Result<(), StoreError> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2048
        && url.split("://").nth(1).is_some_and(|r| !r.is_empty());
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("`{}` is not an http(s) URL", mask_url(url)),
        ))
    }
}

impl NewRule {
    /// Checks every value; the error names the field.
    pub fn validate(&self) -> Result<(), StoreError> {
        let name = self.name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(invalid("name", "must be 1-200 characters"));
        }
        match &self.config {
            RuleConfig::NewIssue | RuleConfig::Regression => {}
            RuleConfig::Threshold {
                threshold,
                window_secs,
                ..
            } => {
                if *threshold == 0 || *threshold > 100_000_000 {
                    return Err(invalid("config.threshold", "must be from 1 to 100000000"));
                }
                if !(10..=7 * 86_400).contains(window_secs) {
                    return Err(invalid(
                        "config.window_secs",
                        "must be from 10 to 604800 seconds",
                    ));
                }
            }
            RuleConfig::Spike {
                multiplier,
                window_secs,
                baseline_hours,
            }
            | RuleConfig::LlmCostSpike {
                multiplier,
                window_secs,
                baseline_hours,
            } => {
                if !(multiplier.is_finite() && *multiplier > 1.0 && *multiplier <= 1000.0) {
                    return Err(invalid(
                        "config.multiplier",
                        "must be above 1 and at most 1000",
                    ));
                }
                if !(60..=86_400).contains(window_secs) {
                    return Err(invalid(
                        "config.window_secs",
                        "must be from 60 to 86400 seconds",
                    ));
                }
                if !(3..=24 * 30).contains(baseline_hours) {
                    return Err(invalid(
                        "config.baseline_hours",
                        "must be from 3 to 720 hours",
                    ));
                }
            }
            RuleConfig::LlmCostThreshold {
                amount_usd,
                window_secs,
                model,
            } => {
                if !(amount_usd.is_finite() && *amount_usd > 0.0 && *amount_usd <= 1e9) {
                    return Err(invalid(
                        "config.amount_usd",
                        "must be above 0 and at most 1000000000",
                    ));
                }
                llm_window(*window_secs)?;
                llm_model(model)?;
            }
            RuleConfig::LlmErrorRate {
                percent,
                window_secs,
                min_calls,
                model,
            } => {
                if !(percent.is_finite() && *percent > 0.0 && *percent <= 100.0) {
                    return Err(invalid("config.percent", "must be above 0 and at most 100"));
                }
                llm_window(*window_secs)?;
                llm_min_calls(*min_calls)?;
                llm_model(model)?;
            }
            RuleConfig::LlmLatency {
                threshold_ms,
                window_secs,
                min_calls,
                model,
                ..
            } => {
                if !(1..=86_400_000).contains(threshold_ms) {
                    return Err(invalid("config.threshold_ms", "must be from 1 to 86400000"));
                }
                llm_window(*window_secs)?;
                llm_min_calls(*min_calls)?;
                llm_model(model)?;
            }
            RuleConfig::LlmBudget { percent, .. } => {
                if !(percent.is_finite() && *percent > 0.0 && *percent <= 1000.0) {
                    return Err(invalid(
                        "config.percent",
                        "must be above 0 and at most 1000 (% of the monthly budget)",
                    ));
                }
            }
        }
        if self.config.is_llm() {
            if !cfg!(feature = "llm-tracing") {
                return Err(invalid(
                    "config.type",
                    "LLM rules need a build with the llm-tracing feature",
                ));
            }
            for (field, v) in [
                ("environment_filter", &self.environment_filter),
                ("source_filter", &self.source_filter),
                ("release_filter", &self.release_filter),
            ] {
                if v.is_some() {
                    return Err(invalid(
                        field,
                        "filters apply to error rules; LLM rules take `project_id` and `model`",
                    ));
                }
            }
        }
        if self.channels.len() > 20 {
            return Err(invalid("channels", "at most 20 channels"));
        }
        for (i, c) in self.channels.iter().enumerate() {
            match c {
                Channel::Slack { webhook_url } => {
                    check_url(&format!("channels[{i}].webhook_url"), webhook_url)?
                }
                Channel::Webhook { url, .. } => check_url(&format!("channels[{i}].url"), url)?,
                Channel::Email { to } => {
                    if to.is_empty() || to.len() > 50 {
                        return Err(invalid(
                            &format!("channels[{i}].to"),
                            "needs 1-50 addresses",
                        ));
                    }
                    for a in to {
                        if a.parse::<lettre::Address>().is_err() {
                            return Err(invalid(
                                &format!("channels[{i}].to"),
                                format!("`{a}` is not an email address"),
                            ));
                        }
                    }
                }
            }
        }
        for (field, v) in [
            ("environment_filter", &self.environment_filter),
            ("source_filter", &self.source_filter),
            ("release_filter", &self.release_filter),
        ] {
            if v.as_ref().is_some_and(|v| v.is_empty() || v.len() > 1024) {
                return Err(invalid(field, "must be 1-1024 characters when given"));
            }
        }
        Ok(())
    }
}

fn llm_window(secs: u64) -> Result<(), StoreError> {
    if (60..=86_400).contains(&secs) {
        Ok(())
    } else {
        Err(invalid(
            "config.window_secs",
            "must be from 60 to 86400 seconds",
        ))
    }
}

fn llm_min_calls(n: u64) -> Result<(), StoreError> {
    if (1..=1_000_000).contains(&n) {
        Ok(())
    } else {
        Err(invalid("config.min_calls", "must be from 1 to 1000000"))
    }
}

fn llm_model(model: &Option<String>) -> Result<(), StoreError> {
    if model
        .as_ref()
        .is_some_and(|m| m.trim().is_empty() || m.len() > 512)
    {
        return Err(invalid(
            "config.model",
            "must be 1-512 characters when given",
        ));
    }
    Ok(())
}

pub(crate) const COLS: &str =
    "id, name, project_id, config, channels, environment_filter, source_filter,
    release_filter, enabled, created_at";

/// A rule from its stored columns (`config` and `channels` are JSON text).
#[allow(clippy::too_many_arguments)]
pub(crate) fn stored_rule(
    id: i64,
    name: String,
    project_id: Option<String>,
    config: &str,
    channels: &str,
    environment_filter: Option<String>,
    source_filter: Option<String>,
    release_filter: Option<String>,
    enabled: bool,
    created_at: i64,
) -> Result<Rule, serde_json::Error> {
    Ok(Rule {
        id,
        name,
        project_id,
        config: serde_json::from_str(config)?,
        channels: serde_json::from_str(channels)?,
        environment_filter,
        source_filter,
        release_filter,
        enabled,
        created_at,
    })
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Rule> {
    let config: String = r.get(3)?;
    let channels: String = r.get(4)?;
    stored_rule(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        &config,
        &channels,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    )
    .map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Rules, optionally only those a project sees (its own and the global ones).
pub fn list(conn: &Connection, project: Option<&str>) -> Result<Vec<Rule>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM alert_rules
         WHERE ?1 IS NULL OR project_id = ?1 OR project_id IS NULL ORDER BY id"
    ))?;
    let rows = st
        .query_map([project], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn enabled(conn: &Connection) -> Result<Vec<Rule>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM alert_rules WHERE enabled = 1 ORDER BY id"
    ))?;
    let rows = st.query_map([], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: i64) -> Result<Rule, StoreError> {
    conn.query_row(
        &format!("SELECT {COLS} FROM alert_rules WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("no alert rule with id {id}")))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub fn create(conn: &Connection, r: &NewRule) -> Result<Rule, StoreError> {
    r.validate()?;
    if let Some(p) = &r.project_id {
        if !crate::store::projects::exists(conn, p)? {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    conn.execute(
        "INSERT INTO alert_rules (name, project_id, config, channels, environment_filter,
             source_filter, release_filter, enabled, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            r.name.trim(),
            r.project_id,
            to_json(&r.config),
            to_json(&r.channels),
            r.environment_filter,
            r.source_filter,
            r.release_filter,
            r.enabled,
            now_ms()
        ],
    )?;
    get(conn, conn.last_insert_rowid())
}

/// Replaces rule `id` (its cooldowns are kept).
pub fn update(conn: &Connection, id: i64, r: &NewRule) -> Result<Rule, StoreError> {
    r.validate()?;
    if let Some(p) = &r.project_id {
        if !crate::store::projects::exists(conn, p)? {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    let n = conn.execute(
        "UPDATE alert_rules SET name = ?2, project_id = ?3, config = ?4, channels = ?5,
             environment_filter = ?6, source_filter = ?7, release_filter = ?8, enabled = ?9
         WHERE id = ?1",
        params![
            id,
            r.name.trim(),
            r.project_id,
            to_json(&r.config),
            to_json(&r.channels),
            r.environment_filter,
            r.source_filter,
            r.release_filter,
            r.enabled
        ],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("no alert rule with id {id}")));
    }
    get(conn, id)
}

pub fn set_enabled(conn: &Connection, id: i64, on: bool) -> Result<Rule, StoreError> {
    if conn.execute(
        "UPDATE alert_rules SET enabled = ?2 WHERE id = ?1",
        params![id, on],
    )? == 0
    {
        return Err(StoreError::NotFound(format!("no alert rule with id {id}")));
    }
    get(conn, id)
}

pub fn delete(conn: &Connection, id: i64) -> Result<Rule, StoreError> {
    let r = get(conn, id)?;
    conn.execute("DELETE FROM alert_rules WHERE id = ?1", [id])?;
    Ok(r)
}

/// How many deliveries the log keeps per rule.
pub(crate) const DELIVERIES_KEPT: u32 = 100;

/// One attempt to deliver an alert, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Delivery {
    pub id: i64,
    pub rule_id: Option<i64>,
    pub channel: String,
    pub target: String,
    pub title: String,
    pub status: String,
    pub attempts: i64,
    pub error: Option<String>,
    pub created_at: i64,
}

/// The last 100 deliveries of a rule, newest first.
pub fn deliveries(conn: &Connection, rule_id: i64) -> Result<Vec<Delivery>, StoreError> {
    delivery_rows(conn, Some(rule_id), DELIVERIES_KEPT)
}

/// The last `limit` deliveries of every rule, newest first.
pub fn recent_deliveries(conn: &Connection, limit: u32) -> Result<Vec<Delivery>, StoreError> {
    delivery_rows(conn, None, limit)
}

/// The last delivery of each rule to each of its channels (rule, channel kind, target), newest
/// first: what the alerts page shows beside each rule, a failure included.
pub fn last_deliveries(conn: &Connection) -> Result<Vec<Delivery>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT id, rule_id, channel, target, title, status, attempts, error, created_at
         FROM alert_deliveries WHERE id IN (
             SELECT max(id) FROM alert_deliveries WHERE rule_id IS NOT NULL
             GROUP BY rule_id, channel, target)
         ORDER BY id DESC",
    )?;
    let rows = st
        .query_map([], delivery_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn delivery_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        channel: r.get(2)?,
        target: r.get(3)?,
        title: r.get(4)?,
        status: r.get(5)?,
        attempts: r.get(6)?,
        error: r.get(7)?,
        created_at: r.get(8)?,
    })
}

fn delivery_rows(
    conn: &Connection,
    rule_id: Option<i64>,
    limit: u32,
) -> Result<Vec<Delivery>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT id, rule_id, channel, target, title, status, attempts, error, created_at
         FROM alert_deliveries WHERE ?1 IS NULL OR rule_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = st
        .query_map(params![rule_id, limit], delivery_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Appends to the delivery log, keeping the last 100 entries per rule.
#[allow(clippy::too_many_arguments)]
pub fn record_delivery(
    conn: &Connection,
    rule_id: Option<i64>,
    channel: &str,
    target: &str,
    title: &str,
    status: &str,
    attempts: u32,
    error: Option<&str>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO alert_deliveries (rule_id, channel, target, title, status, attempts, error, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![rule_id, channel, target, title, status, attempts, error, now_ms()],
    )?;
    if let Some(id) = rule_id {
        conn.execute(
            "DELETE FROM alert_deliveries WHERE rule_id = ?1 AND id NOT IN (
                 SELECT id FROM alert_deliveries WHERE rule_id = ?1 ORDER BY id DESC LIMIT ?2)",
            params![id, DELIVERIES_KEPT],
        )?;
    }
    Ok(())
}

/// Whether rule `rule_id` may fire for `key` now, given `cooldown_ms`; if so, records the firing.
pub fn try_fire(
    conn: &Connection,
    rule_id: i64,
    key: &str,
    now: i64,
    cooldown_ms: i64,
) -> Result<bool, StoreError> {
    let last: Option<i64> = conn
        .prepare_cached("SELECT last_fired FROM alert_cooldowns WHERE rule_id = ?1 AND key = ?2")?
        .query_row(params![rule_id, key], |r| r.get(0))
        .optional()?;
    if last.is_some_and(|t| now - t < cooldown_ms) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO alert_cooldowns (rule_id, key, last_fired) VALUES (?1, ?2, ?3)
         ON CONFLICT (rule_id, key) DO UPDATE SET last_fired = excluded.last_fired",
    )?
    .execute(params![rule_id, key, now])?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(config: serde_json::Value) -> Result<NewRule, serde_json::Error> {
        serde_json::from_value(serde_json::json!({"name": "r", "config": config}))
    }

    #[test]
    fn rule_configs_parse_and_validate() {
        assert!(rule(serde_json::json!({"type": "new_issue"}))
            .unwrap()
            .validate()
            .is_ok());
        let t = rule(serde_json::json!({"type": "threshold", "threshold": 0, "window_secs": 60}))
            .unwrap();
        assert!(
            matches!(t.validate(), Err(StoreError::Invalid { field, .. }) if field == "config.threshold")
        );
        let s = rule(serde_json::json!({"type": "spike", "multiplier": 0.5})).unwrap();
        assert!(
            matches!(s.validate(), Err(StoreError::Invalid { field, .. }) if field == "config.multiplier")
        );
        assert!(rule(serde_json::json!({"type": "volcano"})).is_err());
        let mut r = rule(serde_json::json!({"type": "regression"})).unwrap();
        r.channels = vec![Channel::Email {
            to: vec!["not-an-address".into()],
        }];
        assert!(
            matches!(r.validate(), Err(StoreError::Invalid { field, .. }) if field == "channels[0].to")
        );
        r.channels = vec![Channel::Webhook {
            url: "ftp://x".into(),
            secret: None,
        }];
        assert!(
            matches!(r.validate(), Err(StoreError::Invalid { field, .. }) if field == "channels[0].url")
        );
    }

    #[test]
    fn slack_urls_are_masked() {
        assert_eq!(
            mask_url("https://hooks.slack.com/services/T0/B0/SECRET"),
            "https://hooks.slack.com/…"
        );
    }
}
