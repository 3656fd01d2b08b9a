//! The LLM price table and cost computation.
//!
//! The table is pydantic/genai-prices' `data_slim.json` (MIT; `data/genai-prices/` holds it with
//! its LICENSE and SOURCE.md), embedded in the binary and parsed once, on first use. Prices are
//! USD per million tokens; costs are micro-dollars. A model the table does not know has no price
//! (`None`): callers record its cost as null, never 0.
//!
//! Matching, as genai-prices does it (names compared lower-cased):
//! - a given provider name is looked up by table id (OpenTelemetry names such as
//!   `gcp.vertex_ai` are mapped first), then by each provider's `provider_match` rule;
//! - without a known provider, a `provider/` prefix on the model names it, else each provider's
//!   `model_match` rule detects it from the model name;
//! - within a provider the first model (table order) whose `match` rule accepts the name wins,
//!   then the provider's `fallback_model_providers` are searched (one step);
//! - last resorts: the name without its `provider/` prefix, then without a trailing date.
//!
//! Tiered prices: the highest tier whose `start` the call's total input tokens (cache included)
//! exceed applies to all tokens of that kind. Conditional prices: the last entry whose condition
//! holds at the call's time wins (a start date, or a daily time window); none holding, the first.

use crate::timefmt::days_from_civil;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use serde_json::Value;

const TABLE_JSON: &str = include_str!("../../data/genai-prices/data_slim.json");
const TABLE_SOURCE: &str = include_str!("../../data/genai-prices/SOURCE.md");

const DAY_MS: i64 = 86_400_000;

/// Provider names used by OpenTelemetry (`gen_ai.provider.name`, `gen_ai.system`) and common
/// clients that neither equal a table id nor satisfy a `provider_match` rule as wanted.
const PROVIDER_ALIASES: &[(&str, &str)] = &[
    ("gcp.gen_ai", "google"),
    ("gcp.vertex_ai", "google"),
    ("gcp.gemini", "google"),
    ("vertex_ai", "google"),
    ("aws.bedrock", "aws"),
    ("azure.ai.openai", "azure"),
    ("azure.ai.inference", "azure"),
    ("az.ai.openai", "azure"),
    ("az.ai.inference", "azure"),
    ("azure_openai", "azure"),
    ("x_ai", "x-ai"),
    ("xai", "x-ai"),
    ("mistral_ai", "mistral"),
    ("fireworks_ai", "fireworks"),
];

/// Prices in USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelPrice {
    pub input_mtok: f64,
    pub output_mtok: f64,
    /// `None`: cache reads cost the input price.
    pub cache_read_mtok: Option<f64>,
    /// `None`: cache writes cost the input price.
    pub cache_write_mtok: Option<f64>,
}

/// Where a price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    Table,
    GlobalOverride,
    ProjectOverride,
}

impl PriceSource {
    /// As stored in `llm_spans.cost_source` and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceSource::Table => "table",
            PriceSource::GlobalOverride => "global_override",
            PriceSource::ProjectOverride => "project_override",
        }
    }
}

/// The price found for a call, and how it was found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PriceMatch {
    /// The table's provider id (the one whose list holds the model); `None` for overrides.
    pub provider: Option<String>,
    /// The table's model id, or the override's model name.
    pub model_id: String,
    /// Which rule matched, for people: e.g. `provider openai (given), model gpt-4o: equals "gpt-4o"`.
    pub rule: String,
    pub source: PriceSource,
    /// The price that applies, tier and condition already chosen for the usage and time given.
    pub price: ModelPrice,
}

/// Token counts of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// true: input_tokens already counts the cached tokens (OpenAI, OpenTelemetry); false: the cache counts come on top (Anthropic's raw usage).
    pub input_includes_cache: bool,
}

impl Usage {
    /// All input tokens, cached ones included: what price tiers are decided on.
    fn total_input(&self) -> u64 {
        if self.input_includes_cache {
            self.input_tokens
        } else {
            self.input_tokens
                .saturating_add(self.cache_read_tokens)
                .saturating_add(self.cache_write_tokens)
        }
    }
}

/// A price set by an operator: for one project, or for all (`project_id` None).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PriceOverride {
    pub project_id: Option<String>,
    pub model: String,
    pub price: ModelPrice,
}

/// The parsed price table.
#[derive(Debug)]
pub struct PriceTable {
    version: String,
    providers: Vec<Provider>,
    /// Providers and models left out because they did not parse (each logged).
    skipped: usize,
}

#[derive(Debug)]
struct Provider {
    id: String,
    model_match: Option<Clause>,
    provider_match: Option<Clause>,
    fallbacks: Vec<String>,
    models: Vec<Model>,
}

#[derive(Debug)]
struct Model {
    id: String,
    rule: Clause,
    prices: Prices,
}

#[derive(Debug)]
enum Prices {
    Fixed(PriceSet),
    /// Never empty.
    Conditional(Vec<(Condition, PriceSet)>),
}

/// A match rule, its strings lower-cased (the names it is applied to are lower-cased too).
#[derive(Debug)]
enum Clause {
    Equals(String),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    Regex(Regex),
    Any(Vec<Clause>),
    All(Vec<Clause>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Condition {
    Always,
    /// From this day on (days since 1970-01-01, UTC).
    From {
        day: i64,
    },
    /// Daily from `start` (inclusive) to `end` (exclusive), ms since midnight UTC; wraps
    /// midnight when `end < start`.
    Daily {
        start: i64,
        end: i64,
    },
}

/// The token prices of one model under one condition. Other prices of the table (audio,
/// images, requests) are not read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct PriceSet {
    input_mtok: Option<Rate>,
    output_mtok: Option<Rate>,
    cache_read_mtok: Option<Rate>,
    cache_write_mtok: Option<Rate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Rate {
    Flat(f64),
    Tiered { base: f64, tiers: Vec<Tier> },
}

#[derive(Debug, Clone, Copy, Deserialize)]
struct Tier {
    start: u64,
    price: f64,
}

// The JSON as written; unknown fields are ignored.

#[derive(Deserialize)]
struct RawProvider {
    id: String,
    #[serde(default)]
    model_match: Option<RawClause>,
    #[serde(default)]
    provider_match: Option<RawClause>,
    #[serde(default)]
    fallback_model_providers: Vec<String>,
    #[serde(default)]
    models: Vec<Value>,
}

#[derive(Deserialize)]
struct RawModel {
    id: String,
    #[serde(rename = "match")]
    rule: RawClause,
    prices: RawPrices,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPrices {
    Conditional(Vec<RawConditional>),
    Fixed(PriceSet),
}

#[derive(Deserialize)]
struct RawConditional {
    #[serde(default)]
    constraint: Option<RawConstraint>,
    prices: PriceSet,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawConstraint {
    start_date: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawClause {
    equals: Option<String>,
    starts_with: Option<String>,
    ends_with: Option<String>,
    contains: Option<String>,
    regex: Option<String>,
    #[serde(rename = "or")]
    any: Option<Vec<RawClause>>,
    #[serde(rename = "and")]
    all: Option<Vec<RawClause>>,
}

/// The embedded table.
pub fn table() -> &'static PriceTable {
    static TABLE: OnceLock<PriceTable> = OnceLock::new();
    TABLE.get_or_init(|| PriceTable::parse(TABLE_JSON, source_version(TABLE_SOURCE)))
}

impl PriceTable {
    /// A short version string of the table (e.g. "genai-prices 47df840"), stored with computed costs.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of providers and models (for `bloop doctor` / tests).
    pub fn len(&self) -> (usize, usize) {
        let models = self.providers.iter().map(|p| p.models.len()).sum();
        (self.providers.len(), models)
    }

    /// True when the table holds no provider (the embedded JSON did not parse).
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    /// Finds the price for `model` (as a client or provider wrote it), given an optional provider name
    /// (case-insensitive; may be an OpenTelemetry `gen_ai.provider.name` like "openai", "anthropic",
    /// "gcp.vertex_ai", "aws.bedrock", "azure.ai.openai" — map those to the table's provider ids where sensible),
    /// the usage (for tiered prices) and the call's time in epoch ms (for dated / conditional prices).
    ///
    /// A known provider is searched alone; only a `provider/` prefix on the model naming another
    /// provider can lead elsewhere. An unknown provider name is ignored, with a note in the rule.
    pub fn lookup(
        &self,
        provider: Option<&str>,
        model: &str,
        usage: &Usage,
        at_ms: i64,
    ) -> Option<PriceMatch> {
        let model = model.trim().to_lowercase();
        if model.is_empty() {
            return None;
        }
        let given = provider.map(str::trim).filter(|p| !p.is_empty());
        let hit = match given {
            Some(name) => match self.provider_by_name(name) {
                Some(p) => {
                    let how = if name == p.id {
                        "given".to_string()
                    } else {
                        format!("given as \"{name}\"")
                    };
                    self.search(p, &model, how).or_else(|| {
                        let note = format!("; nothing matched in given provider {}", p.id);
                        self.by_prefix(&model, &note)
                            .filter(|hit| !std::ptr::eq(hit.searched, p))
                    })
                }
                None => {
                    let note = format!("; given provider \"{name}\" is not in the table");
                    self.by_prefix(&model, &note)
                        .or_else(|| self.by_model_match(&model, &note))
                }
            },
            None => self
                .by_prefix(&model, "")
                .or_else(|| self.by_model_match(&model, "")),
        }?;
        Some(hit.into_match(usage, at_ms))
    }

    fn parse(json: &str, version: String) -> PriceTable {
        let mut table = PriceTable {
            version,
            providers: Vec::new(),
            skipped: 0,
        };
        let raw: Vec<Value> = match serde_json::from_str(json) {
            Ok(raw) => raw,
            Err(e) => {
                tracing::error!(error = %e, "the price table does not parse; no cost will be computed");
                return table;
            }
        };
        for value in raw {
            let raw = match serde_json::from_value::<RawProvider>(value) {
                Ok(raw) => raw,
                Err(e) => {
                    tracing::error!(error = %e, "price table: a provider does not parse, left out");
                    table.skipped += 1;
                    continue;
                }
            };
            let provider = Provider {
                model_match: provider_rule(&raw.id, "model_match", raw.model_match),
                provider_match: provider_rule(&raw.id, "provider_match", raw.provider_match),
                fallbacks: raw.fallback_model_providers,
                models: raw
                    .models
                    .into_iter()
                    .filter_map(|value| match Model::build(value) {
                        Ok(model) => Some(model),
                        Err(e) => {
                            tracing::error!(provider = %raw.id, error = %e, "price table: a model does not parse, left out");
                            table.skipped += 1;
                            None
                        }
                    })
                    .collect(),
                id: raw.id,
            };
            table.providers.push(provider);
        }
        table
    }

    /// The provider a name designates: alias, then id, then `provider_match` (table order).
    fn provider_by_name(&self, name: &str) -> Option<&Provider> {
        let lower = name.trim().to_lowercase();
        let key = PROVIDER_ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map_or(lower.as_str(), |(_, id)| id);
        self.provider_by_id(key).or_else(|| {
            self.providers
                .iter()
                .find(|p| p.provider_match.as_ref().is_some_and(|c| c.matches(key)))
        })
    }

    fn provider_by_id(&self, id: &str) -> Option<&Provider> {
        self.providers
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id))
    }

    /// `openai/gpt-4o`: the prefix names the provider.
    fn by_prefix(&self, model: &str, note: &str) -> Option<Hit<'_>> {
        let (prefix, _) = split_prefix(model)?;
        let provider = self.provider_by_name(prefix)?;
        self.search(
            provider,
            model,
            format!("from model prefix \"{prefix}/\"{note}"),
        )
    }

    /// The first provider whose `model_match` accepts the name (or the name without its
    /// prefix) and lists the model.
    fn by_model_match(&self, model: &str, note: &str) -> Option<Hit<'_>> {
        let mut names = vec![model];
        if let Some((_, rest)) = split_prefix(model) {
            names.push(rest);
        }
        names.into_iter().find_map(|name| {
            self.providers.iter().find_map(|p| {
                let why = p.model_match.as_ref()?.explain(name)?;
                self.search(p, model, format!("detected from model: {why}{note}"))
            })
        })
    }

    /// Searches a provider, then its fallbacks, for each candidate name in turn.
    fn search<'a>(&'a self, provider: &'a Provider, model: &str, how: String) -> Option<Hit<'a>> {
        let owners: Vec<&Provider> = std::iter::once(provider)
            .chain(
                provider
                    .fallbacks
                    .iter()
                    .filter_map(|id| self.provider_by_id(id)),
            )
            .collect();
        candidates(model).into_iter().find_map(|(name, note)| {
            owners.iter().find_map(|owner| {
                let model = owner.models.iter().find(|m| m.rule.matches(&name))?;
                Some(Hit {
                    searched: provider,
                    owner,
                    model,
                    clause: model.rule.explain(&name).unwrap_or_default(),
                    how: how.clone(),
                    note,
                })
            })
        })
    }
}

/// A model found in the table, before its price is chosen.
struct Hit<'a> {
    searched: &'a Provider,
    owner: &'a Provider,
    model: &'a Model,
    clause: String,
    how: String,
    note: Option<&'static str>,
}

impl Hit<'_> {
    fn into_match(self, usage: &Usage, at_ms: i64) -> PriceMatch {
        let mut rule = format!("provider {} ({})", self.searched.id, self.how);
        if !std::ptr::eq(self.owner, self.searched) {
            rule.push_str(&format!(", fallback to {}", self.owner.id));
        }
        rule.push_str(&format!(", model {}: {}", self.model.id, self.clause));
        if let Some(note) = self.note {
            rule.push_str(&format!(" ({note})"));
        }
        PriceMatch {
            provider: Some(self.owner.id.clone()),
            model_id: self.model.id.clone(),
            rule,
            source: PriceSource::Table,
            price: self.model.price(usage, at_ms),
        }
    }
}

impl Model {
    fn build(value: Value) -> Result<Model, String> {
        let raw: RawModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        let rule = Clause::build(raw.rule).map_err(|e| format!("model {}: {e}", raw.id))?;
        let prices = match raw.prices {
            RawPrices::Fixed(set) => Prices::Fixed(set),
            RawPrices::Conditional(list) => {
                if list.is_empty() {
                    return Err(format!("model {}: empty list of prices", raw.id));
                }
                let mut out = Vec::with_capacity(list.len());
                for c in list {
                    let condition = Condition::build(c.constraint)
                        .map_err(|e| format!("model {}: {e}", raw.id))?;
                    out.push((condition, c.prices));
                }
                Prices::Conditional(out)
            }
        };
        let sets: Vec<&PriceSet> = match &prices {
            Prices::Fixed(set) => vec![set],
            Prices::Conditional(list) => list.iter().map(|(_, set)| set).collect(),
        };
        if sets
            .iter()
            .any(|s| s.input_mtok.is_none() && s.output_mtok.is_none())
        {
            return Err(format!("model {}: no input or output token price", raw.id));
        }
        Ok(Model {
            id: raw.id,
            rule,
            prices,
        })
    }

    /// The price for this call: condition chosen at `at_ms`, tiers by the total input.
    fn price(&self, usage: &Usage, at_ms: i64) -> ModelPrice {
        let set = match &self.prices {
            Prices::Fixed(set) => set,
            Prices::Conditional(list) => list
                .iter()
                .rev()
                .find(|(condition, _)| condition.holds(at_ms))
                .or(list.first())
                .map_or(&EMPTY_SET, |(_, set)| set),
        };
        let total = usage.total_input();
        let at = |rate: &Option<Rate>| rate.as_ref().map(|r| r.at(total));
        ModelPrice {
            input_mtok: at(&set.input_mtok).unwrap_or(0.0),
            output_mtok: at(&set.output_mtok).unwrap_or(0.0),
            cache_read_mtok: at(&set.cache_read_mtok),
            cache_write_mtok: at(&set.cache_write_mtok),
        }
    }
}

static EMPTY_SET: PriceSet = PriceSet {
    input_mtok: None,
    output_mtok: None,
    cache_read_mtok: None,
    cache_write_mtok: None,
};

impl Rate {
    /// USD per million tokens when the call's total input is `total_input` tokens.
    fn at(&self, total_input: u64) -> f64 {
        match self {
            Rate::Flat(price) => *price,
            Rate::Tiered { base, tiers } => tiers
                .iter()
                .filter(|t| total_input > t.start)
                .max_by_key(|t| t.start)
                .map_or(*base, |t| t.price),
        }
    }
}

impl Condition {
    fn build(raw: Option<RawConstraint>) -> Result<Condition, String> {
        let Some(raw) = raw else {
            return Ok(Condition::Always);
        };
        match (raw.start_date, raw.start_time, raw.end_time) {
            (Some(date), None, None) => parse_date(&date)
                .map(|day| Condition::From { day })
                .ok_or_else(|| format!("bad start_date {date:?}")),
            (None, Some(start), Some(end)) => match (parse_time(&start), parse_time(&end)) {
                (Some(start), Some(end)) => Ok(Condition::Daily { start, end }),
                _ => Err(format!("bad time window {start:?}..{end:?}")),
            },
            (None, None, None) => Ok(Condition::Always),
            _ => Err("constraint is neither a start date nor a time window".to_string()),
        }
    }

    fn holds(&self, at_ms: i64) -> bool {
        match *self {
            Condition::Always => true,
            Condition::From { day } => at_ms.div_euclid(DAY_MS) >= day,
            Condition::Daily { start, end } => {
                let t = at_ms.rem_euclid(DAY_MS);
                if start <= end {
                    start <= t && t < end
                } else {
                    t >= start || t < end
                }
            }
        }
    }
}

impl Clause {
    fn build(raw: RawClause) -> Result<Clause, String> {
        let mut parts = Vec::new();
        if let Some(s) = raw.equals {
            parts.push(Clause::Equals(s.to_lowercase()));
        }
        if let Some(s) = raw.starts_with {
            parts.push(Clause::StartsWith(s.to_lowercase()));
        }
        if let Some(s) = raw.ends_with {
            parts.push(Clause::EndsWith(s.to_lowercase()));
        }
        if let Some(s) = raw.contains {
            parts.push(Clause::Contains(s.to_lowercase()));
        }
        if let Some(s) = raw.regex {
            let re = RegexBuilder::new(&s)
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("bad regex {s:?}: {e}"))?;
            parts.push(Clause::Regex(re));
        }
        if let Some(list) = raw.any {
            let list = list
                .into_iter()
                .map(Clause::build)
                .collect::<Result<_, _>>()?;
            parts.push(Clause::Any(list));
        }
        if let Some(list) = raw.all {
            let list = list
                .into_iter()
                .map(Clause::build)
                .collect::<Result<_, _>>()?;
            parts.push(Clause::All(list));
        }
        match parts.len() {
            0 => Err("match rule with no known clause".to_string()),
            1 => Ok(parts.remove(0)),
            // Not in the schema; read as "all of them".
            _ => Ok(Clause::All(parts)),
        }
    }

    /// `name` must be lower-case.
    fn matches(&self, name: &str) -> bool {
        match self {
            Clause::Equals(s) => name == s,
            Clause::StartsWith(s) => name.starts_with(s.as_str()),
            Clause::EndsWith(s) => name.ends_with(s.as_str()),
            Clause::Contains(s) => name.contains(s.as_str()),
            Clause::Regex(re) => re.is_match(name),
            Clause::Any(list) => list.iter().any(|c| c.matches(name)),
            Clause::All(list) => list.iter().all(|c| c.matches(name)),
        }
    }

    /// The clauses that accept `name`, for the rule string; `None` when the rule rejects it.
    fn explain(&self, name: &str) -> Option<String> {
        match self {
            Clause::Any(list) => list.iter().find_map(|c| c.explain(name)),
            Clause::All(list) => {
                let parts: Option<Vec<String>> = list.iter().map(|c| c.explain(name)).collect();
                parts.map(|p| p.join(" and "))
            }
            leaf if leaf.matches(name) => Some(match leaf {
                Clause::Equals(s) => format!("equals \"{s}\""),
                Clause::StartsWith(s) => format!("starts_with \"{s}\""),
                Clause::EndsWith(s) => format!("ends_with \"{s}\""),
                Clause::Contains(s) => format!("contains \"{s}\""),
                Clause::Regex(re) => format!("regex \"{}\"", re.as_str()),
                Clause::Any(_) | Clause::All(_) => String::new(),
            }),
            _ => None,
        }
    }
}

/// A provider's `model_match` / `provider_match`; a broken one is logged and dropped.
fn provider_rule(provider: &str, field: &str, raw: Option<RawClause>) -> Option<Clause> {
    match Clause::build(raw?) {
        Ok(clause) => Some(clause),
        Err(e) => {
            tracing::error!(provider, field, error = %e, "price table: rule left out");
            None
        }
    }
}

/// Names to try for a model, in order: as written, without its `provider/` prefix, and each of
/// those without a trailing date.
fn candidates(model: &str) -> Vec<(String, Option<&'static str>)> {
    let mut out = vec![(model.to_string(), None)];
    if let Some((_, rest)) = split_prefix(model) {
        out.push((rest.to_string(), Some("provider prefix stripped")));
    }
    let undated: Vec<_> = out
        .iter()
        .filter_map(|(name, note)| {
            let note = if note.is_some() {
                "provider prefix and date suffix stripped"
            } else {
                "date suffix stripped"
            };
            strip_date_suffix(name).map(|s| (s.to_string(), Some(note)))
        })
        .collect();
    out.extend(undated);
    out
}

/// `openai/gpt-4o` → (`openai`, `gpt-4o`).
fn split_prefix(model: &str) -> Option<(&str, &str)> {
    model
        .split_once('/')
        .filter(|(prefix, rest)| !prefix.is_empty() && !rest.is_empty())
}

/// The name without a trailing date: `-2024-08-06`, `-20241022` or `@20241022` (years 20xx).
fn strip_date_suffix(name: &str) -> Option<&str> {
    let b = name.as_bytes();
    let n = b.len();
    let digits = |from: usize, to: usize| b[from..to].iter().all(u8::is_ascii_digit);
    let plausible = |year: &[u8], month: &[u8], day: &[u8]| {
        let num = |s: &[u8]| s.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        year.starts_with(b"20") && (1..=12).contains(&num(month)) && (1..=31).contains(&num(day))
    };
    if n > 11
        && b[n - 11] == b'-'
        && b[n - 6] == b'-'
        && b[n - 3] == b'-'
        && digits(n - 10, n - 6)
        && digits(n - 5, n - 3)
        && digits(n - 2, n)
        && plausible(&b[n - 10..n - 6], &b[n - 5..n - 3], &b[n - 2..n])
    {
        return Some(&name[..n - 11]);
    }
    if n > 9
        && matches!(b[n - 9], b'-' | b'@')
        && digits(n - 8, n)
        && plausible(&b[n - 8..n - 4], &b[n - 4..n - 2], &b[n - 2..n])
    {
        return Some(&name[..n - 9]);
    }
    None
}

/// "genai-prices 47df840" from SOURCE.md's `commit <hash>`.
fn source_version(source: &str) -> String {
    let commit = source.split("commit ").skip(1).find_map(|rest| {
        let hex: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
        (hex.len() >= 7).then(|| hex[..7].to_string())
    });
    match commit {
        Some(commit) => format!("genai-prices {commit}"),
        None => "genai-prices".to_string(),
    }
}

/// `2026-03-13` → days since 1970-01-01.
fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `16:30:00Z`, `08:00`, `00:30:00+08:00` → ms since midnight UTC. No zone means UTC.
fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let (clock, offset_ms) = if let Some(clock) = s.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(i) = s.rfind(['+', '-']) {
        let (clock, zone) = s.split_at(i);
        (clock, parse_offset_ms(zone)?)
    } else {
        (s, 0)
    };
    let mut parts = clock.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let seconds: f64 = match parts.next() {
        Some(sec) => sec.parse().ok()?,
        None => 0.0,
    };
    if parts.next().is_some()
        || !(0..24).contains(&hours)
        || !(0..60).contains(&minutes)
        || !(0.0..61.0).contains(&seconds)
    {
        return None;
    }
    // Whole ms, below 61 000: the cast cannot overflow.
    let local = hours * 3_600_000 + minutes * 60_000 + (seconds * 1000.0).round() as i64;
    Some((local - offset_ms).rem_euclid(DAY_MS))
}

/// `+08:00`, `-0530`, `+08` → signed ms.
fn parse_offset_ms(zone: &str) -> Option<i64> {
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes): (i64, i64) = match digits.len() {
        2 => (digits.parse().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    Some(sign * (hours * 3_600_000 + minutes * 60_000))
}

/// An override applies to a model equal to its name ignoring ASCII case, or to the model
/// without a trailing date (`-2024-08-06`, `-20241022`, `@20241022`); never by prefix.
fn override_applies(override_model: &str, model: &str) -> bool {
    let wanted = override_model.trim();
    let model = model.trim();
    !wanted.is_empty()
        && (model.eq_ignore_ascii_case(wanted)
            || strip_date_suffix(model).is_some_and(|m| m.eq_ignore_ascii_case(wanted)))
}

/// The override for `model` among `candidates`: an exact name beats a dated one.
fn pick_override<'a>(
    mut candidates: impl Iterator<Item = &'a PriceOverride> + Clone,
    model: &str,
) -> Option<&'a PriceOverride> {
    let model = model.trim();
    candidates
        .clone()
        .find(|o| o.model.trim().eq_ignore_ascii_case(model))
        .or_else(|| candidates.find(|o| override_applies(&o.model, model)))
}

/// Overrides first (a project override for `project` beats a global one, project_id None), then the table.
/// An override matches a model when equal ignoring ASCII case, or when the model minus a trailing date
/// suffix (`-2024-08-06`, `-20241022`, `@20241022`) equals it; an override never matches by prefix otherwise
/// ("gpt-4o" must not match "gpt-4o-mini").
pub fn resolve(
    overrides: &[PriceOverride],
    project: &str,
    provider: Option<&str>,
    model: &str,
    usage: &Usage,
    at_ms: i64,
) -> Option<PriceMatch> {
    let for_project = overrides
        .iter()
        .filter(|o| o.project_id.as_deref() == Some(project));
    if let Some(o) = pick_override(for_project, model) {
        return Some(PriceMatch {
            provider: None,
            model_id: o.model.clone(),
            rule: format!("override for project {project}"),
            source: PriceSource::ProjectOverride,
            price: o.price,
        });
    }
    let global = overrides.iter().filter(|o| o.project_id.is_none());
    if let Some(o) = pick_override(global, model) {
        return Some(PriceMatch {
            provider: None,
            model_id: o.model.clone(),
            rule: "global override".to_string(),
            source: PriceSource::GlobalOverride,
            price: o.price,
        });
    }
    table().lookup(provider, model, usage, at_ms)
}

/// Cost in micro-dollars (USD × 1e6), rounded to the nearest integer. Uncached input = input − cache_read − cache_write
/// when input_includes_cache (never below 0), else input as is; cache reads priced at cache_read_mtok (input price when
/// the model has none), cache writes at cache_write_mtok (input price when none); output at output_mtok.
pub fn cost_micros(price: &ModelPrice, usage: &Usage) -> i64 {
    let uncached = if usage.input_includes_cache {
        usage
            .input_tokens
            .saturating_sub(usage.cache_read_tokens)
            .saturating_sub(usage.cache_write_tokens)
    } else {
        usage.input_tokens
    };
    // tokens × USD per million tokens = micro-dollars.
    let micros = uncached as f64 * price.input_mtok
        + usage.cache_read_tokens as f64 * price.cache_read_mtok.unwrap_or(price.input_mtok)
        + usage.cache_write_tokens as f64 * price.cache_write_mtok.unwrap_or(price.input_mtok)
        + usage.output_tokens as f64 * price.output_mtok;
    // `as` saturates (and maps NaN to 0).
    micros.round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Epoch ms of a UTC date and time.
    fn at(year: i64, month: u32, day: u32, hour: i64, minute: i64) -> i64 {
        days_from_civil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000
    }

    /// 2025-07-01 12:00 UTC: after every start date used below except claude-opus-4-6's.
    fn now() -> i64 {
        at(2025, 7, 1, 12, 0)
    }

    fn cached(input: u64, cache_read: u64, output: u64) -> Usage {
        Usage {
            input_tokens: input,
            output_tokens: output,
            cache_read_tokens: cache_read,
            cache_write_tokens: 0,
            input_includes_cache: true,
        }
    }

    fn plain(input: u64, output: u64) -> Usage {
        cached(input, 0, output)
    }

    fn found(provider: Option<&str>, model: &str) -> PriceMatch {
        table()
            .lookup(provider, model, &plain(1000, 1000), now())
            .unwrap_or_else(|| panic!("no price for {provider:?} {model:?}"))
    }

    fn which(provider: Option<&str>, model: &str) -> (String, String) {
        let m = found(provider, model);
        (m.provider.unwrap_or_default(), m.model_id)
    }

    fn pair(provider: &str, model: &str) -> (String, String) {
        (provider.to_string(), model.to_string())
    }

    #[test]
    fn embedded_table_parses_without_leaving_anything_out() {
        let t = table();
        let (providers, models) = t.len();
        // 34 providers and 1,285 models at genai-prices 47df840.
        assert!(providers >= 30, "{providers} providers");
        assert!(models >= 1200, "{models} models");
        assert_eq!(t.skipped, 0);
        assert!(!t.is_empty());
        assert_eq!(t.version(), "genai-prices 47df840");
    }

    #[test]
    fn gpt_4o_with_cached_input_costs_uncached_cached_and_output_apart() {
        // openai gpt-4o: input 2.5, cache_read 1.25, output 10 (USD/Mtok), no cache_write.
        let usage = Usage {
            input_tokens: 1_000_000,
            output_tokens: 100_000,
            cache_read_tokens: 400_000,
            cache_write_tokens: 0,
            input_includes_cache: true,
        };
        let m = table()
            .lookup(Some("openai"), "gpt-4o", &usage, now())
            .expect("gpt-4o is priced");
        assert_eq!(m.source, PriceSource::Table);
        assert_eq!(
            m.price,
            ModelPrice {
                input_mtok: 2.5,
                output_mtok: 10.0,
                cache_read_mtok: Some(1.25),
                cache_write_mtok: None
            }
        );
        // 600,000 × 2.5 + 400,000 × 1.25 + 100,000 × 10 = 1,500,000 + 500,000 + 1,000,000 µ$.
        assert_eq!(cost_micros(&m.price, &usage), 3_000_000);
    }

    #[test]
    fn claude_3_5_sonnet_prices_cache_writes_and_reads_on_top_of_input() {
        // anthropic claude-3-5-sonnet: input 3, cache_write 3.75, cache_read 0.3, output 15.
        let usage = Usage {
            input_tokens: 1000,
            output_tokens: 500,
            cache_read_tokens: 10_000,
            cache_write_tokens: 2000,
            input_includes_cache: false,
        };
        let m = table()
            .lookup(Some("anthropic"), "claude-3-5-sonnet-latest", &usage, now())
            .expect("claude-3-5-sonnet is priced");
        assert_eq!(m.model_id, "claude-3-5-sonnet");
        assert_eq!(m.price.cache_write_mtok, Some(3.75));
        // 1000 × 3 + 2000 × 3.75 + 10,000 × 0.3 + 500 × 15 = 3000 + 7500 + 3000 + 7500 µ$.
        assert_eq!(cost_micros(&m.price, &usage), 21_000);
    }

    #[test]
    fn cache_counts_included_in_input_are_not_charged_twice() {
        // Same call as above as OpenTelemetry reports it: input 13,000 includes the cache.
        let usage = Usage {
            input_tokens: 13_000,
            output_tokens: 500,
            cache_read_tokens: 10_000,
            cache_write_tokens: 2000,
            input_includes_cache: true,
        };
        let m = found(Some("anthropic"), "claude-3-5-sonnet-20241022");
        assert_eq!(cost_micros(&m.price, &usage), 21_000);
    }

    #[test]
    fn uncached_input_never_goes_below_zero() {
        let price = ModelPrice {
            input_mtok: 2.0,
            output_mtok: 8.0,
            cache_read_mtok: Some(0.5),
            cache_write_mtok: None,
        };
        // A client reporting more cached tokens than input: 0 uncached, 300 × 0.5 + 10 × 8.
        let usage = cached(100, 300, 10);
        assert_eq!(cost_micros(&price, &usage), 230);
    }

    #[test]
    fn missing_cache_prices_fall_back_to_the_input_price() {
        // openai gpt-4-turbo: input 10, output 30, no cache prices.
        let m = found(Some("openai"), "gpt-4-turbo");
        let usage = Usage {
            input_tokens: 1000,
            output_tokens: 100,
            cache_read_tokens: 200,
            cache_write_tokens: 300,
            input_includes_cache: false,
        };
        // (1000 + 200 + 300) × 10 + 100 × 30 = 15,000 + 3000 µ$.
        assert_eq!(cost_micros(&m.price, &usage), 18_000);
    }

    #[test]
    fn dated_model_names_resolve_through_the_table_rules() {
        let m = found(Some("openai"), "gpt-4o-2024-08-06");
        assert_eq!(m.model_id, "gpt-4o");
        assert_eq!(
            m.rule,
            "provider openai (given), model gpt-4o: equals \"gpt-4o-2024-08-06\""
        );
        let m = found(Some("anthropic"), "claude-3-5-sonnet-20241022");
        assert_eq!(m.model_id, "claude-3-5-sonnet");
        assert_eq!(
            m.rule,
            "provider anthropic (given), model claude-3-5-sonnet: starts_with \"claude-3-5-sonnet\""
        );
        // Without a provider, detected from the name.
        assert_eq!(which(None, "gpt-4o-2024-08-06"), pair("openai", "gpt-4o"));
        assert_eq!(
            which(None, "claude-3-5-sonnet-20241022"),
            pair("anthropic", "claude-3-5-sonnet")
        );
        assert_eq!(
            found(None, "claude-3-5-sonnet-20241022").rule,
            "provider anthropic (detected from model: contains \"claude\"), \
             model claude-3-5-sonnet: starts_with \"claude-3-5-sonnet\""
        );
    }

    #[test]
    fn a_date_the_table_does_not_list_is_stripped_as_a_last_resort() {
        // gpt-4.1 lists only 2025-04-14; a later snapshot prices as gpt-4.1.
        let m = found(Some("openai"), "gpt-4.1-2025-09-30");
        assert_eq!(m.model_id, "gpt-4.1");
        assert!(m.rule.ends_with("(date suffix stripped)"), "{}", m.rule);
    }

    #[test]
    fn similar_names_resolve_to_their_own_model() {
        let openai = Some("openai");
        assert_eq!(which(openai, "gpt-4o").1, "gpt-4o");
        assert_eq!(which(openai, "gpt-4o-mini").1, "gpt-4o-mini");
        assert_eq!(which(openai, "gpt-4o-mini-2024-07-18").1, "gpt-4o-mini");
        assert_eq!(which(openai, "gpt-4").1, "gpt-4");
        assert_eq!(which(openai, "o1").1, "o1");
        assert_eq!(which(openai, "o1-mini").1, "o1-mini");
        assert_eq!(which(None, "o1-mini").1, "o1-mini");
        let anthropic = Some("anthropic");
        assert_eq!(
            which(anthropic, "claude-3-5-haiku").1,
            "claude-3-5-haiku-latest"
        );
        assert_eq!(
            which(anthropic, "claude-3-5-haiku-latest").1,
            "claude-3-5-haiku-latest"
        );
        assert_eq!(
            which(anthropic, "claude-3-5-haiku-20241022").1,
            "claude-3-5-haiku-latest"
        );
        assert_eq!(
            which(anthropic, "claude-3-haiku-20240307").1,
            "claude-3-haiku"
        );
        // Prices differ, so a mix-up would show: gpt-4o-mini input 0.15, gpt-4 input 30.
        assert_eq!(found(openai, "gpt-4o-mini").price.input_mtok, 0.15);
        assert_eq!(found(openai, "gpt-4").price.input_mtok, 30.0);
    }

    #[test]
    fn every_equals_name_in_the_table_resolves_to_its_own_model() {
        fn equals_names<'a>(c: &'a Clause, out: &mut Vec<&'a str>) {
            match c {
                Clause::Equals(s) => out.push(s),
                Clause::Any(list) | Clause::All(list) => {
                    list.iter().for_each(|c| equals_names(c, out))
                }
                _ => {}
            }
        }
        let t = table();
        let mut checked = 0;
        for p in &t.providers {
            for m in &p.models {
                let mut names = Vec::new();
                equals_names(&m.rule, &mut names);
                for name in names {
                    let hit = t.search(p, name, String::new()).expect("found");
                    assert_eq!(
                        (hit.owner.id.as_str(), hit.model.id.as_str()),
                        (p.id.as_str(), m.id.as_str()),
                        "{name:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn unknown_model_has_no_price() {
        let t = table();
        let usage = plain(1000, 1000);
        assert_eq!(t.lookup(None, "my-local-llama-7b", &usage, now()), None);
        assert_eq!(t.lookup(Some("openai"), "not-a-model", &usage, now()), None);
        assert_eq!(t.lookup(Some("ollama"), "llama3", &usage, now()), None);
        assert_eq!(t.lookup(Some("openai"), "  ", &usage, now()), None);
        // A known provider is searched alone: no fallback to detection from the name.
        assert_eq!(t.lookup(Some("groq"), "gpt-4o", &usage, now()), None);
    }

    #[test]
    fn otel_and_mixed_case_provider_names_are_accepted() {
        assert_eq!(which(Some("openai"), "gpt-4o"), pair("openai", "gpt-4o"));
        assert_eq!(which(Some("OpenAI"), "GPT-4o"), pair("openai", "gpt-4o"));
        assert_eq!(
            found(Some("OpenAI"), "gpt-4o").rule,
            "provider openai (given as \"OpenAI\"), model gpt-4o: equals \"gpt-4o\""
        );
        assert_eq!(
            which(Some("anthropic"), "claude-3-5-sonnet-20241022"),
            pair("anthropic", "claude-3-5-sonnet")
        );
        assert_eq!(
            which(Some("Anthropic"), "claude-3-5-sonnet-20241022"),
            pair("anthropic", "claude-3-5-sonnet")
        );
        assert_eq!(
            which(Some("gcp.vertex_ai"), "gemini-2.5-pro"),
            pair("google", "gemini-2.5-pro")
        );
        assert_eq!(
            which(Some("gcp.gen_ai"), "gemini-2.5-pro"),
            pair("google", "gemini-2.5-pro")
        );
        // Anthropic on Vertex: google's own list has it.
        assert_eq!(
            which(Some("gcp.vertex_ai"), "claude-3-5-sonnet-v2@20241022"),
            pair("google", "claude-3-5-sonnet")
        );
        assert_eq!(
            which(
                Some("aws.bedrock"),
                "anthropic.claude-3-5-sonnet-20241022-v2:0"
            ),
            pair("aws", "regional.anthropic.claude-3-5-sonnet-20241022-v2:0")
        );
        // Azure lists few OpenAI chat models; its fallback (openai) prices the rest.
        let m = found(Some("azure.ai.openai"), "gpt-4o");
        assert_eq!(
            (m.provider.as_deref(), m.model_id.as_str()),
            (Some("openai"), "gpt-4o")
        );
        assert_eq!(
            m.rule,
            "provider azure (given as \"azure.ai.openai\"), fallback to openai, \
             model gpt-4o: equals \"gpt-4o\""
        );
        assert_eq!(which(Some("x_ai"), "grok-3"), pair("x-ai", "grok-3"));
    }

    #[test]
    fn unknown_provider_name_falls_back_to_detection_from_the_model() {
        let m = found(Some("litellm"), "gpt-4o");
        assert_eq!(m.provider.as_deref(), Some("openai"));
        assert_eq!(
            m.rule,
            "provider openai (detected from model: starts_with \"gpt-\"; \
             given provider \"litellm\" is not in the table), model gpt-4o: equals \"gpt-4o\""
        );
    }

    #[test]
    fn provider_prefix_on_the_model_names_the_provider() {
        assert_eq!(which(None, "openai/gpt-4o"), pair("openai", "gpt-4o"));
        assert_eq!(
            which(None, "OpenAI/GPT-4o-mini"),
            pair("openai", "gpt-4o-mini")
        );
        assert_eq!(
            which(None, "anthropic/claude-3-5-sonnet-20241022"),
            pair("anthropic", "claude-3-5-sonnet")
        );
        assert_eq!(
            found(None, "openai/gpt-4o").rule,
            "provider openai (from model prefix \"openai/\"), model gpt-4o: equals \"gpt-4o\" \
             (provider prefix stripped)"
        );
        // The given provider's name for it is fine too.
        assert_eq!(
            which(Some("openai"), "openai/gpt-4o"),
            pair("openai", "gpt-4o")
        );
        // An OpenAI client talking to a router: the prefix names the model's provider.
        assert_eq!(
            which(Some("openai"), "anthropic/claude-3-5-haiku"),
            pair("anthropic", "claude-3-5-haiku-latest")
        );
        // An unknown prefix: detected from the rest of the name.
        assert_eq!(which(None, "my-proxy/gpt-4o"), pair("openai", "gpt-4o"));
        // Router ids are kept when the router is the provider.
        assert_eq!(
            which(Some("openrouter"), "openai/gpt-4o"),
            pair("openrouter", "openai/gpt-4o")
        );
    }

    #[test]
    fn tiered_price_applies_the_tier_to_all_tokens_above_the_threshold() {
        // google gemini-2.5-pro: input 1.25 / 2.5 and output 10 / 15 above 200,000 input tokens;
        // cache_read 0.125 / 0.25.
        let below = plain(100_000, 10_000);
        let m = table()
            .lookup(Some("google"), "gemini-2.5-pro", &below, now())
            .expect("priced");
        assert_eq!((m.price.input_mtok, m.price.output_mtok), (1.25, 10.0));
        // 100,000 × 1.25 + 10,000 × 10 = 125,000 + 100,000 µ$.
        assert_eq!(cost_micros(&m.price, &below), 225_000);

        // Exactly at the threshold is not above it.
        let at_threshold = plain(200_000, 10_000);
        let m = table()
            .lookup(Some("google"), "gemini-2.5-pro", &at_threshold, now())
            .expect("priced");
        // 200,000 × 1.25 + 10,000 × 10 = 250,000 + 100,000 µ$.
        assert_eq!(cost_micros(&m.price, &at_threshold), 350_000);

        let above = plain(300_000, 10_000);
        let m = table()
            .lookup(None, "gemini-2.5-pro", &above, now())
            .expect("priced");
        assert_eq!(m.price.cache_read_mtok, Some(0.25));
        // 300,000 × 2.5 + 10,000 × 15 = 750,000 + 150,000 µ$.
        assert_eq!(cost_micros(&m.price, &above), 900_000);
    }

    #[test]
    fn cached_tokens_count_toward_the_tier_threshold() {
        // google gemini-2.5-pro: 150,000 input on top of 100,000 cache reads is 250,000 in all,
        // above 200,000: input 2.5, cache_read 0.25, output 15.
        let usage = Usage {
            input_tokens: 150_000,
            output_tokens: 1000,
            cache_read_tokens: 100_000,
            cache_write_tokens: 0,
            input_includes_cache: false,
        };
        let m = table()
            .lookup(Some("google"), "gemini-2.5-pro", &usage, now())
            .expect("priced");
        // 150,000 × 2.5 + 100,000 × 0.25 + 1000 × 15 = 375,000 + 25,000 + 15,000 µ$.
        assert_eq!(cost_micros(&m.price, &usage), 415_000);
    }

    #[test]
    fn conditional_price_follows_its_start_date() {
        // openai o3: input 10, output 40 at first; input 2, output 8 from 2025-06-10 (UTC).
        let usage = plain(1000, 1000);
        let before = table()
            .lookup(Some("openai"), "o3", &usage, at(2025, 6, 9, 23, 59))
            .expect("priced");
        assert_eq!(
            (before.price.input_mtok, before.price.output_mtok),
            (10.0, 40.0)
        );
        // 1000 × 10 + 1000 × 40 µ$.
        assert_eq!(cost_micros(&before.price, &usage), 50_000);
        let after = table()
            .lookup(
                Some("openai"),
                "o3-2025-04-16",
                &usage,
                at(2025, 6, 10, 0, 0),
            )
            .expect("priced");
        assert_eq!(
            (after.price.input_mtok, after.price.output_mtok),
            (2.0, 8.0)
        );
        assert_eq!(cost_micros(&after.price, &usage), 10_000);
    }

    #[test]
    fn conditional_price_follows_the_time_of_day() {
        // deepseek deepseek-chat: input 0.27, cache_read 0.07, output 1.1 from 00:30 to 16:30 UTC;
        // input 0.135, cache_read 0.035, output 0.55 otherwise.
        let usage = plain(1_000_000, 1_000_000);
        let day = table()
            .lookup(
                Some("deepseek"),
                "deepseek-chat",
                &usage,
                at(2025, 7, 1, 12, 0),
            )
            .expect("priced");
        assert_eq!(day.price.cache_read_mtok, Some(0.07));
        // 1,000,000 × 0.27 + 1,000,000 × 1.1 µ$.
        assert_eq!(cost_micros(&day.price, &usage), 1_370_000);
        let night = table()
            .lookup(None, "deepseek-chat", &usage, at(2025, 7, 1, 18, 0))
            .expect("priced");
        // 1,000,000 × 0.135 + 1,000,000 × 0.55 µ$.
        assert_eq!(cost_micros(&night.price, &usage), 685_000);
        let edge = table()
            .lookup(None, "deepseek-chat", &usage, at(2025, 7, 1, 16, 30))
            .expect("priced");
        assert_eq!(edge.price.input_mtok, 0.135);
    }

    #[test]
    fn conditional_prices_may_themselves_be_tiered() {
        // anthropic claude-opus-4-6: tiered (input 5 / 10 above 200,000; output 25 / 37.5) until
        // 2026-03-13, flat input 5, output 25 from then.
        let usage = plain(300_000, 1000);
        let before = table()
            .lookup(
                Some("anthropic"),
                "claude-opus-4-6",
                &usage,
                at(2026, 3, 12, 12, 0),
            )
            .expect("priced");
        // 300,000 × 10 + 1000 × 37.5 µ$.
        assert_eq!(cost_micros(&before.price, &usage), 3_037_500);
        let after = table()
            .lookup(
                Some("anthropic"),
                "claude-opus-4-6",
                &usage,
                at(2026, 3, 13, 12, 0),
            )
            .expect("priced");
        // 300,000 × 5 + 1000 × 25 µ$.
        assert_eq!(cost_micros(&after.price, &usage), 1_525_000);
    }

    #[test]
    fn project_override_beats_global_override_beats_table() {
        let price = |input_mtok: f64| ModelPrice {
            input_mtok,
            output_mtok: 1.0,
            cache_read_mtok: None,
            cache_write_mtok: None,
        };
        let overrides = vec![
            PriceOverride {
                project_id: None,
                model: "gpt-4o".to_string(),
                price: price(7.0),
            },
            PriceOverride {
                project_id: Some("p1".to_string()),
                model: "GPT-4o".to_string(),
                price: price(9.0),
            },
        ];
        let usage = plain(1000, 0);
        let p1 = resolve(&overrides, "p1", Some("openai"), "gpt-4o", &usage, now()).expect("p1");
        assert_eq!(p1.source, PriceSource::ProjectOverride);
        assert_eq!(p1.rule, "override for project p1");
        assert_eq!(p1.provider, None);
        assert_eq!(p1.price.input_mtok, 9.0);
        // A dated name matches the override without its date.
        let dated = resolve(&overrides, "p1", None, "gpt-4o-2024-08-06", &usage, now());
        assert_eq!(dated.map(|m| m.source), Some(PriceSource::ProjectOverride));

        let p2 = resolve(&overrides, "p2", Some("openai"), "gpt-4o", &usage, now()).expect("p2");
        assert_eq!(p2.source, PriceSource::GlobalOverride);
        assert_eq!(p2.rule, "global override");
        assert_eq!(p2.price.input_mtok, 7.0);
        // 1000 × 7 µ$.
        assert_eq!(cost_micros(&p2.price, &usage), 7000);

        let none = resolve(&[], "p1", Some("openai"), "gpt-4o", &usage, now()).expect("table");
        assert_eq!(none.source, PriceSource::Table);
        assert_eq!(none.price.input_mtok, 2.5);
    }

    #[test]
    fn override_never_matches_by_prefix() {
        let overrides = vec![PriceOverride {
            project_id: None,
            model: "gpt-4o".to_string(),
            price: ModelPrice {
                input_mtok: 7.0,
                output_mtok: 7.0,
                cache_read_mtok: None,
                cache_write_mtok: None,
            },
        }];
        let usage = plain(1000, 0);
        let mini = resolve(&overrides, "p1", None, "gpt-4o-mini", &usage, now()).expect("table");
        assert_eq!(mini.source, PriceSource::Table);
        assert_eq!(mini.model_id, "gpt-4o-mini");
        assert_eq!(mini.price.input_mtok, 0.15);
        let custom = resolve(&overrides, "p1", None, "gpt-4o-custom", &usage, now());
        assert_eq!(custom, None);
    }

    #[test]
    fn date_suffixes_are_recognised() {
        assert_eq!(strip_date_suffix("gpt-4o-2024-08-06"), Some("gpt-4o"));
        assert_eq!(
            strip_date_suffix("claude-3-5-sonnet-20241022"),
            Some("claude-3-5-sonnet")
        );
        assert_eq!(
            strip_date_suffix("claude-3-5-sonnet-v2@20241022"),
            Some("claude-3-5-sonnet-v2")
        );
        assert_eq!(strip_date_suffix("gpt-4-0613"), None);
        assert_eq!(strip_date_suffix("model-12345678"), None);
        assert_eq!(strip_date_suffix("-20241022"), None);
        assert_eq!(strip_date_suffix("gpt-4o"), None);
    }

    #[test]
    fn dates_and_times_convert_to_utc() {
        assert_eq!(parse_date("2026-03-13"), Some(20_525));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_time("00:30:00Z"), Some(30 * 60_000));
        assert_eq!(parse_time("16:30"), Some(16 * 3_600_000 + 30 * 60_000));
        assert_eq!(parse_time("08:30:00+08:00"), Some(30 * 60_000));
        assert_eq!(parse_time("01:00:00+0200"), Some(23 * 3_600_000));
        assert_eq!(parse_time("25:00:00Z"), None);
    }

    #[test]
    fn a_time_window_may_wrap_midnight() {
        let window = Condition::build(Some(RawConstraint {
            start_date: None,
            start_time: Some("22:00:00Z".to_string()),
            end_time: Some("06:00:00Z".to_string()),
        }))
        .expect("valid");
        assert!(window.holds(at(2025, 1, 1, 23, 0)));
        assert!(window.holds(at(2025, 1, 1, 3, 0)));
        assert!(!window.holds(at(2025, 1, 1, 6, 0)));
        assert!(!window.holds(at(2025, 1, 1, 12, 0)));
    }

    #[test]
    fn every_clause_shape_and_price_shape_parses() {
        let json = r#"[
          {"id": "acme", "name": "Acme", "api_pattern": "x", "extra": 1,
           "model_match": {"regex": "^ACME-"},
           "models": [
             {"id": "a", "match": {"and": [{"starts_with": "acme-"}, {"ends_with": "-pro"}]},
              "prices": {"input_mtok": 1, "output_mtok": 2, "input_audio_mtok": 9, "requests_kcount": 1}},
             {"id": "b", "match": {"or": [{"contains": "-b-"}, {"equals": "acme-b"}]},
              "prices": [{"prices": {"input_mtok": 1}},
                         {"constraint": {"start_date": "2030-01-01"}, "prices": {"input_mtok": 3}}]},
             {"id": "broken", "match": {"regex": "("}, "prices": {"input_mtok": 1}},
             {"id": "no-token-price", "match": {"equals": "x"}, "prices": {"requests_kcount": 1}},
             {"id": "c", "match": {"equals": "acme-c"},
              "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 10, "price": 2}, {"start": 20, "price": 3}]}}}
           ]},
          {"name": "no id"}
        ]"#;
        let t = PriceTable::parse(json, "test".to_string());
        assert_eq!(t.len(), (1, 3));
        assert_eq!(t.skipped, 3);
        let usage = plain(15, 0);
        let hit = |model: &str, usage: &Usage, at_ms: i64| {
            t.lookup(None, model, usage, at_ms)
                .map(|m| (m.model_id, m.price.input_mtok))
        };
        assert_eq!(hit("ACME-x-PRO", &usage, 0), Some(("a".to_string(), 1.0)));
        assert_eq!(
            t.lookup(None, "acme-x-pro", &usage, 0).map(|m| m.rule),
            Some(
                "provider acme (detected from model: regex \"^ACME-\"), \
                 model a: starts_with \"acme-\" and ends_with \"-pro\""
                    .to_string()
            )
        );
        assert_eq!(hit("acme-b", &usage, 0), Some(("b".to_string(), 1.0)));
        assert_eq!(
            hit("acme-b", &usage, at(2030, 1, 1, 0, 0)),
            Some(("b".to_string(), 3.0))
        );
        assert_eq!(
            hit("acme-c", &plain(10, 0), 0),
            Some(("c".to_string(), 1.0))
        );
        assert_eq!(
            hit("acme-c", &plain(15, 0), 0),
            Some(("c".to_string(), 2.0))
        );
        assert_eq!(
            hit("acme-c", &plain(25, 0), 0),
            Some(("c".to_string(), 3.0))
        );
        assert_eq!(hit("acme-x", &usage, 0), None);
    }

    #[test]
    fn a_table_that_does_not_parse_is_empty() {
        let t = PriceTable::parse("{not json", "test".to_string());
        assert_eq!(t.len(), (0, 0));
        assert!(t.is_empty());
        assert_eq!(
            t.lookup(Some("openai"), "gpt-4o", &plain(1, 1), now()),
            None
        );
    }
}
