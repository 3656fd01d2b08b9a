//! Configuration: the serde structs behind `config.toml`, their documented defaults, and the
//! loader that layers defaults → file → `BLOOP__SECTION__KEY` environment overrides.
//!
//! This module owns parsing and validating settings; it does not act on them. `config.toml` at
//! the repository root is the commented reference and a test asserts it parses to
//! `Config::default()`.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The legacy ingest secret shipped in the defaults. `serve` warns while it is in use.
pub const DEFAULT_HMAC_SECRET: &str = "change-me-in-production";

/// A secret string whose `Debug` and `Display` never print the value.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path}: {source}")]
    File {
        path: PathBuf,
        source: config::ConfigError,
    },
    #[error("configuration: {0}")]
    Invalid(config::ConfigError),
    #[error("configuration key `{key}`: {message}")]
    Value { key: &'static str, message: String },
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub ingest: IngestConfig,
    pub pipeline: PipelineConfig,
    pub retention: RetentionConfig,
    pub auth: AuthConfig,
    pub rate_limit: RateLimitConfig,
    pub alerting: AlertingConfig,
    pub smtp: SmtpConfig,
    pub analytics: AnalyticsConfig,
    pub llm_tracing: LlmTracingConfig,
    pub scrubbing: ScrubbingConfig,
    pub sourcemaps: SourcemapsConfig,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    /// Peers whose `X-Forwarded-For` is believed (IPs or CIDR ranges).
    pub trusted_proxies: Vec<String>,
    /// The address users reach the server at, for links in alerts; empty = derived from host/port.
    pub public_url: String,
    /// Seconds a request may take to arrive and be answered before it is cut off (408).
    pub request_timeout_secs: u64,
    /// Seconds `serve` waits for in-flight requests and the final flush on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Seconds a connection may stay open with no request on it.
    pub keep_alive_secs: u64,
    /// Most connections open at once; unset = derived from the open-files limit
    /// ([`ServerConfig::connection_cap`]).
    pub max_connections: Option<usize>,
}

impl ServerConfig {
    /// The connection cap in force: `max_connections`, or the process's open-files limit less
    /// room for the database, the listener and outgoing alerts (at least 16).
    pub fn connection_cap(&self) -> usize {
        self.max_connections.unwrap_or_else(|| {
            open_files_limit()
                .unwrap_or(1024)
                .saturating_sub(64)
                .max(16)
        })
    }
}

/// The soft limit on open files (`ulimit -n`), read from `/proc/self/limits` (Linux; `None`
/// elsewhere or when unlimited).
pub fn open_files_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: "0.0.0.0".into(),
            port: 5332,
            trusted_proxies: Vec::new(),
            public_url: String::new(),
            request_timeout_secs: 10,
            shutdown_timeout_secs: 25,
            keep_alive_secs: 75,
            max_connections: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    pub path: PathBuf,
    pub pool_size: usize,
    /// `postgres://user:password@host/db`: PostgreSQL instead of the SQLite file at `path`
    /// (several `bloop serve` nodes may share it). Unset: SQLite.
    pub url: Option<Secret>,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            path: PathBuf::from("bloop.db"),
            pool_size: 4,
            url: None,
        }
    }
}

impl DatabaseConfig {
    /// The PostgreSQL URL when one is set (an empty value means unset).
    pub fn postgres_url(&self) -> Option<&str> {
        self.url
            .as_ref()
            .map(|u| u.expose().trim())
            .filter(|u| !u.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    pub max_payload_bytes: usize,
    pub max_stack_bytes: usize,
    pub max_metadata_bytes: usize,
    pub max_message_bytes: usize,
    pub max_batch_size: usize,
    pub channel_capacity: usize,
    /// When the queue is full, how long a request waits for room before its events are dropped.
    pub enqueue_wait_ms: u64,
    /// Deepest nesting of arrays and objects accepted in `metadata` (the object itself is 1).
    pub max_metadata_depth: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            max_payload_bytes: 32768,
            max_stack_bytes: 8192,
            max_metadata_bytes: 4096,
            max_message_bytes: 2048,
            max_batch_size: 50,
            channel_capacity: 8192,
            enqueue_wait_ms: 250,
            max_metadata_depth: 32,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineConfig {
    /// Parsed and validated but not read: the writer commits as soon as it has drained the
    /// queue, so no event waits this long.
    pub flush_interval_secs: u64,
    pub flush_batch_size: usize,
    pub sample_reservoir_size: usize,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            flush_interval_secs: 2,
            flush_batch_size: 500,
            sample_reservoir_size: 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    pub raw_events_days: u32,
    pub prune_interval_secs: u64,
    /// Hourly counts (trends) older than this many days are removed.
    pub hourly_counts_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            raw_events_days: 7,
            prune_interval_secs: 3600,
            hourly_counts_days: 90,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    pub hmac_secret: Secret,
    pub rp_id: String,
    pub rp_origin: String,
    pub session_ttl_secs: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            hmac_secret: Secret::new(DEFAULT_HMAC_SECRET),
            rp_id: "localhost".into(),
            rp_origin: "http://localhost:5332".into(),
            session_ttl_secs: 604800,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained requests per second per client IP; 0 turns rate limiting off.
    pub per_second: u32,
    pub burst_size: u32,
    /// Sustained requests per second per Sentry DSN key, whatever the client (a DSN is public:
    /// this bounds what a leaked one can send); 0 turns it off.
    pub dsn_per_second: u32,
    pub dsn_burst_size: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_second: 100,
            burst_size: 200,
            dsn_per_second: 1000,
            dsn_burst_size: 2000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertingConfig {
    pub cooldown_secs: u64,
    pub allow_private_targets: bool,
    /// Read from `BLOOP_SLACK_WEBHOOK_URL`, never from the file.
    #[serde(skip)]
    pub slack_webhook_url: Option<Secret>,
    /// Read from `BLOOP_WEBHOOK_URL`, never from the file.
    #[serde(skip)]
    pub webhook_url: Option<Secret>,
}

impl Default for AlertingConfig {
    fn default() -> Self {
        Self {
            cooldown_secs: 900,
            allow_private_targets: false,
            slack_webhook_url: None,
            webhook_url: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: Secret,
    pub from: String,
    pub starttls: bool,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            host: "smtp.example.com".into(),
            port: 587,
            username: String::new(),
            password: Secret::default(),
            from: "bloop@example.com".into(),
            starttls: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyticsConfig {
    /// Insights on (with `--features analytics`).
    pub enabled: bool,
    /// How long an insight's answer is reused.
    pub cache_ttl_secs: u64,
    /// The least z-score of a spike: the insights' and the `spike` alert rules'.
    pub zscore_threshold: f64,
    /// DuckDB's memory limit for the insights' store.
    pub memory_limit_mb: u32,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            cache_ttl_secs: 60,
            zscore_threshold: 2.5,
            memory_limit_mb: 64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentStorage {
    None,
    MetadataOnly,
    Full,
}

/// `[llm_tracing]` (feature `llm-tracing`): trace ingest, its queue and writer, limits, the
/// default content policy.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmTracingConfig {
    pub enabled: bool,
    pub channel_capacity: usize,
    pub flush_interval_secs: u64,
    pub flush_batch_size: usize,
    pub max_spans_per_trace: usize,
    pub max_batch_size: usize,
    /// Largest trace request body (and largest prompt or completion kept), in bytes.
    pub max_payload_bytes: usize,
    pub default_content_storage: ContentStorage,
    /// Seconds the writer may keep content policies and price overrides without reading them
    /// again (a change by another connection is read at the next flush regardless).
    pub cache_ttl_secs: u64,
    /// Seconds after an error span is written before it is filed as an error event (source
    /// `llm`), so an error event the client sends for the same trace (`metadata.trace_id`) in
    /// that time is the only one.
    pub error_issue_delay_secs: u64,
    pub proxy: LlmProxyConfig,
}

impl Default for LlmTracingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            channel_capacity: 4096,
            flush_interval_secs: 2,
            flush_batch_size: 200,
            max_spans_per_trace: 100,
            max_batch_size: 50,
            max_payload_bytes: 1_048_576,
            default_content_storage: ContentStorage::None,
            cache_ttl_secs: 30,
            error_issue_delay_secs: 10,
            proxy: LlmProxyConfig::default(),
        }
    }
}

/// `[llm_tracing.proxy]`: the zero-instrumentation proxy in front of the providers.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmProxyConfig {
    pub enabled: bool,
    /// Which of `openai`, `anthropic` are proxied.
    pub providers: Vec<String>,
    pub openai_base_url: String,
    pub anthropic_base_url: String,
    /// Keep the prompt (the messages as sent), subject to the project's content policy.
    pub capture_prompts: bool,
    /// Keep the completion, subject to the project's content policy.
    pub capture_completions: bool,
    /// Keep the completion of streamed answers too (`capture_completions` still applies).
    pub capture_streaming: bool,
    /// Largest request body forwarded, in bytes (images and long contexts are large).
    pub max_request_bytes: usize,
    /// Seconds to wait for the provider's answer to begin (its status and headers); the
    /// official SDKs wait 600.
    pub upstream_timeout_secs: u64,
    /// Seconds to wait for a connection to the provider.
    pub connect_timeout_secs: u64,
    /// Calls per second per bloop key (0: no limit), and the burst allowed above it.
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
}

impl Default for LlmProxyConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            providers: vec!["openai".into(), "anthropic".into()],
            openai_base_url: "https://api.openai.com/v1".into(),
            anthropic_base_url: "https://api.anthropic.com/v1".into(),
            capture_prompts: true,
            capture_completions: true,
            capture_streaming: true,
            max_request_bytes: 20 * 1024 * 1024,
            upstream_timeout_secs: 600,
            connect_timeout_secs: 10,
            rate_limit_per_second: 50,
            rate_limit_burst: 200,
        }
    }
}

/// What `[scrubbing]` does with IP addresses found in event and LLM text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IpAddresses {
    /// Stored as sent.
    Keep,
    /// Replaced by a stable keyed hash, `[ip:123456789012]`.
    Hash,
    /// Replaced by `[ip]`.
    Drop,
}

/// `[scrubbing]`: secrets, card numbers and (optionally) IP addresses taken out of error events
/// and LLM content before they are stored (rules in [`crate::scrub`]).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScrubbingConfig {
    /// Off: nothing is scrubbed, for any project.
    pub enabled: bool,
    /// More key names whose values are filtered, matched as whole words.
    pub extra_keys: Vec<String>,
    pub ip_addresses: IpAddresses,
}

impl Default for ScrubbingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            extra_keys: Vec::new(),
            ip_addresses: IpAddresses::Keep,
        }
    }
}

/// `[sourcemaps]`: uploaded JavaScript source maps, and the cache of parsed ones.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourcemapsConfig {
    /// Largest source map accepted, in MiB as uploaded.
    pub max_file_mb: u32,
    /// Most a project may keep, in MiB as stored (compressed).
    pub max_project_mb: u32,
    /// Memory for parsed maps kept between events, in MiB (least recently used dropped first).
    pub cache_mb: u32,
}

impl Default for SourcemapsConfig {
    fn default() -> Self {
        Self {
            max_file_mb: 32,
            max_project_mb: 1024,
            cache_mb: 64,
        }
    }
}

/// Most `[scrubbing].extra_keys`.
pub const MAX_EXTRA_KEYS: usize = 40;

/// A provider base URL the proxy can forward to: `http(s)://host[:port][/path]`, no query.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` must start with http:// or https://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains(['?', '#', ' ', '@']) || url.contains(['?', '#']) {
        return Err(format!(
            "`{url}` is not a base URL (scheme, host, optional port and path; no query)"
        ));
    }
    Ok(())
}

/// Keys whose environment value is a comma-separated list.
const LIST_KEYS: &[&str] = &[
    "server.trusted_proxies",
    "llm_tracing.proxy.providers",
    "scrubbing.extra_keys",
];

impl Config {
    /// Loads the configuration: built-in defaults, then `file` (or `./config.toml` when present
    /// and no file is named), then `BLOOP__SECTION__KEY` variables from `env`.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_from(file, std::env::vars())
    }

    /// Same as [`Config::load`], with the environment given explicitly (tests use this).
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut builder = config::Config::builder();
        let implicit = Path::new("config.toml");
        let chosen = match file {
            Some(p) => Some(p.to_path_buf()),
            None if implicit.is_file() => Some(implicit.to_path_buf()),
            None => None,
        };
        if let Some(path) = &chosen {
            if !path.is_file() {
                return Err(ConfigError::File {
                    path: path.clone(),
                    source: config::ConfigError::Message("file not found".into()),
                });
            }
            // Parse the file on its own first so that a syntax error names the file.
            config::Config::builder()
                .add_source(config::File::from(path.as_path()).format(config::FileFormat::Toml))
                .build()
                .map_err(|source| ConfigError::File {
                    path: path.clone(),
                    source,
                })?;
            builder = builder
                .add_source(config::File::from(path.as_path()).format(config::FileFormat::Toml));
        }
        let mut slack = None;
        let mut webhook = None;
        let mut vars = std::collections::HashMap::new();
        for (k, v) in env {
            match k.as_str() {
                "BLOOP_SLACK_WEBHOOK_URL" if !v.is_empty() => slack = Some(Secret::new(v)),
                "BLOOP_WEBHOOK_URL" if !v.is_empty() => webhook = Some(Secret::new(v)),
                _ if k.starts_with("BLOOP__") => {
                    vars.insert(k, v);
                }
                _ => {}
            }
        }
        let mut env_source = config::Environment::with_prefix("BLOOP")
            .prefix_separator("__")
            .separator("__")
            .try_parsing(true)
            .list_separator(",")
            .source(Some(vars));
        for key in LIST_KEYS {
            env_source = env_source.with_list_parse_key(key);
        }
        builder = builder.add_source(env_source);
        let raw = builder.build().map_err(ConfigError::Invalid)?;
        let mut cfg: Config = raw.try_deserialize().map_err(ConfigError::Invalid)?;
        cfg.alerting.slack_webhook_url = slack;
        cfg.alerting.webhook_url = webhook;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks the values that parse but make no sense.
    pub fn validate(&self) -> Result<(), ConfigError> {
        fn bad(key: &'static str, message: impl Into<String>) -> Result<(), ConfigError> {
            Err(ConfigError::Value {
                key,
                message: message.into(),
            })
        }
        if self.database.pool_size == 0 {
            return bad("database.pool_size", "must be at least 1");
        }
        if self.database.path.as_os_str().is_empty() {
            return bad("database.path", "must not be empty");
        }
        if let Some(url) = self.database.postgres_url() {
            if let Err(e) = crate::store::pg::parse_url(url) {
                return bad("database.url", e);
            }
        }
        let i = &self.ingest;
        if i.max_payload_bytes < 256 {
            return bad("ingest.max_payload_bytes", "must be at least 256");
        }
        if i.max_batch_size == 0 {
            return bad("ingest.max_batch_size", "must be at least 1");
        }
        if i.channel_capacity < i.max_batch_size {
            return bad(
                "ingest.channel_capacity",
                "must be at least ingest.max_batch_size (a batch is queued whole)",
            );
        }
        if i.enqueue_wait_ms > 10_000 {
            return bad("ingest.enqueue_wait_ms", "must be at most 10000");
        }
        if i.max_message_bytes == 0 {
            return bad("ingest.max_message_bytes", "must be at least 1");
        }
        if self.pipeline.flush_batch_size == 0 {
            return bad("pipeline.flush_batch_size", "must be at least 1");
        }
        if self.pipeline.flush_interval_secs == 0 {
            return bad("pipeline.flush_interval_secs", "must be at least 1");
        }
        if self.rate_limit.per_second > 0 && self.rate_limit.burst_size == 0 {
            return bad("rate_limit.burst_size", "must be at least 1");
        }
        if self.retention.raw_events_days == 0 {
            return bad("retention.raw_events_days", "must be at least 1");
        }
        if self.retention.hourly_counts_days == 0 {
            return bad("retention.hourly_counts_days", "must be at least 1");
        }
        if self.server.request_timeout_secs == 0 {
            return bad("server.request_timeout_secs", "must be at least 1");
        }
        if self.server.keep_alive_secs == 0 {
            return bad("server.keep_alive_secs", "must be at least 1");
        }
        if self.server.max_connections == Some(0) {
            return bad("server.max_connections", "must be at least 1");
        }
        // serde_json refuses input nested deeper than 128 levels, so a deeper cap would accept
        // events that could never be read back.
        if !(1..=100).contains(&i.max_metadata_depth) {
            return bad("ingest.max_metadata_depth", "must be between 1 and 100");
        }
        if self.auth.hmac_secret.is_empty() {
            return bad("auth.hmac_secret", "must not be empty");
        }
        for p in &self.server.trusted_proxies {
            if parse_cidr(p).is_none() {
                return bad(
                    "server.trusted_proxies",
                    format!("`{p}` is not an IP address or CIDR range"),
                );
            }
        }
        if self.analytics.memory_limit_mb < 16 {
            return bad("analytics.memory_limit_mb", "must be at least 16");
        }
        if !(self.analytics.zscore_threshold.is_finite() && self.analytics.zscore_threshold > 0.0) {
            return bad("analytics.zscore_threshold", "must be a positive number");
        }
        let px = &self.llm_tracing.proxy;
        for p in &px.providers {
            if !matches!(p.as_str(), "openai" | "anthropic") {
                return bad(
                    "llm_tracing.proxy.providers",
                    format!("`{p}` is not a provider the proxy knows (openai, anthropic)"),
                );
            }
        }
        for (key, url) in [
            ("llm_tracing.proxy.openai_base_url", &px.openai_base_url),
            (
                "llm_tracing.proxy.anthropic_base_url",
                &px.anthropic_base_url,
            ),
        ] {
            if let Err(e) = check_base_url(url) {
                return bad(key, e);
            }
        }
        if px.max_request_bytes < 1024 {
            return bad(
                "llm_tracing.proxy.max_request_bytes",
                "must be at least 1024",
            );
        }
        if px.upstream_timeout_secs == 0 {
            return bad(
                "llm_tracing.proxy.upstream_timeout_secs",
                "must be at least 1",
            );
        }
        if px.connect_timeout_secs == 0 {
            return bad(
                "llm_tracing.proxy.connect_timeout_secs",
                "must be at least 1",
            );
        }
        if px.rate_limit_per_second > 0 && px.rate_limit_burst == 0 {
            return bad("llm_tracing.proxy.rate_limit_burst", "must be at least 1");
        }
        if self.scrubbing.extra_keys.len() > MAX_EXTRA_KEYS {
            return bad(
                "scrubbing.extra_keys",
                format!("at most {MAX_EXTRA_KEYS} keys"),
            );
        }
        for k in &self.scrubbing.extra_keys {
            if k.len() > 64 || !k.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return bad(
                    "scrubbing.extra_keys",
                    format!("`{k}` must have a letter or digit and at most 64 bytes"),
                );
            }
        }
        let sm = &self.sourcemaps;
        if !(1..=512).contains(&sm.max_file_mb) {
            return bad("sourcemaps.max_file_mb", "must be 1..512");
        }
        if sm.max_project_mb < sm.max_file_mb {
            return bad(
                "sourcemaps.max_project_mb",
                "must be at least sourcemaps.max_file_mb",
            );
        }
        if !(1..=4096).contains(&sm.cache_mb) {
            return bad("sourcemaps.cache_mb", "must be 1..4096");
        }
        if self.llm_tracing.error_issue_delay_secs > 86_400 {
            return bad(
                "llm_tracing.error_issue_delay_secs",
                "must be at most 86400 (a day)",
            );
        }
        Ok(())
    }

    pub fn uses_default_secret(&self) -> bool {
        self.auth.hmac_secret.expose() == DEFAULT_HMAC_SECRET
    }

    /// Trusted proxy ranges, parsed (validated at load).
    pub fn trusted_proxies(&self) -> Vec<(IpAddr, u8)> {
        self.server
            .trusted_proxies
            .iter()
            .filter_map(|p| parse_cidr(p))
            .collect()
    }
}

/// Parses `1.2.3.4`, `10.0.0.0/8`, `::1` or `fd00::/8` into an address and prefix length.
pub fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let ip: IpAddr = addr.trim().parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) => l.trim().parse::<u8>().ok().filter(|l| *l <= max)?,
        None => max,
    };
    Some((ip, len))
}

/// Whether `ip` lies in the range `(net, len)`.
pub fn cidr_contains(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            (u32::from(n) & mask) == (u32::from(i) & mask)
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            (u128::from(n) & mask) == (u128::from(i) & mask)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reference_config_toml_parses_to_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml");
        let cfg = Config::load_from(Some(&path), env(&[])).expect("config.toml parses");
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn env_overrides_nested_keys_including_underscored_sections() {
        let dir = tempfile::tempdir().unwrap();
        let missing_default = dir.path().join("none.toml");
        std::fs::write(&missing_default, "").unwrap();
        let cfg = Config::load_from(
            Some(&missing_default),
            env(&[
                ("BLOOP__SERVER__PORT", "8080"),
                ("BLOOP__DATABASE__PATH", "/data/bloop.db"),
                ("BLOOP__LLM_TRACING__ENABLED", "false"),
                ("BLOOP__LLM_TRACING__DEFAULT_CONTENT_STORAGE", "full"),
                ("BLOOP__LLM_TRACING__PROXY__CAPTURE_PROMPTS", "false"),
                ("BLOOP__AUTH__HMAC_SECRET", "12345"),
                ("BLOOP__RATE_LIMIT__PER_SECOND", "7"),
                ("BLOOP__SERVER__TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1"),
                ("BLOOP_SLACK_WEBHOOK_URL", "https://hooks.example/x"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.server.port, 8080);
        assert_eq!(cfg.database.path, PathBuf::from("/data/bloop.db"));
        assert!(!cfg.llm_tracing.enabled);
        assert_eq!(
            cfg.llm_tracing.default_content_storage,
            ContentStorage::Full
        );
        assert!(!cfg.llm_tracing.proxy.capture_prompts);
        assert_eq!(cfg.auth.hmac_secret.expose(), "12345");
        assert_eq!(cfg.rate_limit.per_second, 7);
        assert_eq!(cfg.server.trusted_proxies, vec!["10.0.0.0/8", "127.0.0.1"]);
        assert_eq!(
            cfg.alerting.slack_webhook_url.as_ref().map(|s| s.expose()),
            Some("https://hooks.example/x")
        );
    }

    #[test]
    fn a_bad_value_names_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let err = Config::load_from(Some(&f), env(&[("BLOOP__SERVER__PORT", "eighty")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("server.port"), "{err}");

        std::fs::write(&f, "[ingest]\nmax_batch_size = 0\n").unwrap();
        let err = Config::load_from(Some(&f), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ingest.max_batch_size"), "{err}");

        std::fs::write(&f, "[pipeline]\nflush_batch_size = \"lots\"\n").unwrap();
        let err = Config::load_from(Some(&f), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("flush_batch_size"), "{err}");
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[server]\nprot = 1\n").unwrap();
        let err = Config::load_from(Some(&f), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("prot"), "{err}");
    }

    #[test]
    fn secrets_never_print() {
        let cfg = Config::default();
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains(DEFAULT_HMAC_SECRET));
    }

    #[test]
    fn cidr_matching() {
        let (n, l) = parse_cidr("10.0.0.0/8").unwrap();
        assert!(cidr_contains(n, l, "10.2.3.4".parse().unwrap()));
        assert!(!cidr_contains(n, l, "11.2.3.4".parse().unwrap()));
        let (n, l) = parse_cidr("::1").unwrap();
        assert!(cidr_contains(n, l, "::1".parse().unwrap()));
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert!(parse_cidr("nope").is_none());
    }
}
