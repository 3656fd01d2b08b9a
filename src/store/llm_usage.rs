//! LLM queries: overview, usage over time, latency and TTFT percentiles, models, tools, prompts
//! and their comparison, budgets. Each is one function on a connection and [`LlmParams`], called
//! by the API (`/v1/llm/…`) and by `bloop llm …` on the local database alike.
//!
//! Where the figures come from, so that every query stays index-driven at millions of spans:
//! - spans, tokens, cost, unpriced calls, errors and mean latencies: `llm_usage_hourly`, the
//!   rollup per (project, hour of span start, model, provider). Rollup figures therefore cover
//!   the window widened to whole hours ([`Window::hours`]); each answer says which (`covered`).
//! - latency and TTFT percentiles: `llm_latency_hourly` histograms (log buckets about 5 % wide),
//!   summed per bucket over the window's hours and walked in bucket order; a percentile is the
//!   centre of the bucket holding its rank (within about 5 % of the exact value).
//! - traces, prompts and prompt comparisons: `llm_traces` (per-trace sums kept by the writer).
//! - tools: `llm_tool_hourly` and `llm_tool_latency_hourly` for the window's whole hours,
//!   `llm_spans` (through its partial index on non-generation spans) for the partial hours at
//!   its edges; percentiles from the summed histograms, the max exact.
//!
//! It does not write traces (that is `store::traces`) nor price spans (`llm::pricing`); it only
//! reads them, and writes one thing: a project's monthly budget.

use crate::timefmt::{civil_from_days, days_from_civil};
use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::llm_query::{invalid, LlmParams, Window, DAY_MS, HOUR_MS};
use super::StoreError;

/// The key of usage with no model, provider or prompt (spans of tools, model-less calls).
pub const NONE_KEY: &str = "(none)";

/// Hourly usage buckets are allowed for windows up to this long (a point per hour).
pub const MAX_HOURLY_WINDOW_MS: i64 = 31 * DAY_MS;

// ---------------------------------------------------------------------------------------------
// Response types (compiled in every build: the OpenAPI document is the same with or without the
// `llm-tracing` feature).

/// Latency (or time-to-first-token) figures in ms. Percentiles are the centre of the histogram
/// bucket (about 5 % wide) that holds the rank; `null` when there are no samples.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Percentiles {
    /// Samples (spans with a latency, or with a time to first token).
    pub count: i64,
    /// Exact mean from the rollup sums.
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
}

/// `GET /v1/llm/overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Overview {
    /// The window asked for (epoch ms, `until` exclusive).
    pub window: Window,
    /// What the rollup figures (spans, calls, tokens, cost, errors, latency, models) cover: the
    /// window widened to whole hours. `traces` and `error_traces` cover `window` exactly.
    pub covered: Window,
    /// Traces started in the window.
    pub traces: i64,
    /// Traces with an error span or an `error` status.
    pub error_traces: i64,
    pub spans: i64,
    /// Generation-like spans: spans naming a model, plus model-less spans with tokens and no cost.
    pub calls: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    /// Cost of the priced calls, in micro-dollars (USD × 10⁶).
    pub cost_micros: i64,
    pub cost_usd: f64,
    /// Calls that could not be priced (not counted in the cost).
    pub unpriced_calls: i64,
    /// Spans with status `error`.
    pub errors: i64,
    /// errors / spans (0 when there are no spans).
    pub error_rate: f64,
    pub latency_ms: Percentiles,
    pub ttft_ms: Percentiles,
    /// Distinct models used.
    pub models: i64,
    /// The budget of the project read, when exactly one project is read and it has a budget.
    pub budget: Option<Budget>,
}

/// Usage figures of one bucket, one series or the whole window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UsageFigures {
    pub spans: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    /// Micro-dollars of the priced spans.
    pub cost_micros: i64,
    /// Spans with tokens or a model that could not be priced.
    pub unpriced: i64,
    /// Spans with status `error`.
    pub errors: i64,
}

/// The rollup's columns summed in [`UsageFigures`] field order (see [`UsageFigures::from_row`]).
const FIGURE_SUMS: &str = "SUM(spans), SUM(input_tokens), SUM(output_tokens), \
    SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cost_micros), SUM(unpriced), SUM(errors)";

/// Column `i` of a row as a sum: `NULL` (a sum over no rows, or over unpriced costs) is 0.
fn sum(r: &rusqlite::Row, i: usize) -> rusqlite::Result<i64> {
    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0))
}

impl UsageFigures {
    /// The eight figures from columns `at..at + 8` of `r`, in field order (as [`FIGURE_SUMS`]).
    fn from_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Self> {
        let mut v = [0; 8];
        for (i, x) in v.iter_mut().enumerate() {
            *x = sum(r, at + i)?;
        }
        Ok(Self::from_sums(v))
    }

    /// The eight figures in field order (spans, input, output, cache read, cache write, cost,
    /// unpriced, errors).
    pub(crate) fn from_sums(v: [i64; 8]) -> Self {
        Self {
            spans: v[0],
            input_tokens: v[1],
            output_tokens: v[2],
            cache_read_tokens: v[3],
            cache_write_tokens: v[4],
            cost_micros: v[5],
            unpriced: v[6],
            errors: v[7],
        }
    }

    fn add(&mut self, o: &UsageFigures) {
        self.spans += o.spans;
        self.input_tokens += o.input_tokens;
        self.output_tokens += o.output_tokens;
        self.cache_read_tokens += o.cache_read_tokens;
        self.cache_write_tokens += o.cache_write_tokens;
        self.cost_micros += o.cost_micros;
        self.unpriced += o.unpriced;
        self.errors += o.errors;
    }
}

/// One bucket of a usage series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UsagePoint {
    /// Start of the bucket (epoch ms; days start at 00:00 UTC).
    pub t: i64,
    #[serde(flatten)]
    pub figures: UsageFigures,
}

/// One series of `GET /v1/llm/usage`: a model, provider, project, prompt (`name@version`), or
/// `all` when `by=none`; `(none)` for spans without a model / provider, traces without a prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UsageSeries {
    pub key: String,
    /// Every bucket of the window, zero-filled.
    pub points: Vec<UsagePoint>,
    pub totals: UsageFigures,
}

/// `GET /v1/llm/usage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Usage {
    pub window: Window,
    /// The whole hours the figures cover (the first and last bucket may be partly covered).
    pub covered: Window,
    /// `hour` or `day` (UTC days).
    pub bucket: String,
    /// `model`, `provider`, `project`, `prompt` or `none`.
    pub by: String,
    /// Highest cost first.
    pub series: Vec<UsageSeries>,
    pub totals: UsageFigures,
}

/// One model of `GET /v1/llm/latency` (spans naming a model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ModelLatency {
    pub model: String,
    /// The provider, when the model was called through exactly one.
    pub provider: Option<String>,
    pub calls: i64,
    pub latency_ms: Percentiles,
    pub ttft_ms: Percentiles,
}

/// The price that applies to a model now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppliedPrice {
    /// `table`, `global_override` or `project_override`.
    pub source: String,
    /// USD per million input tokens.
    pub input_mtok: f64,
    pub output_mtok: f64,
    /// `null`: cache reads cost the input price.
    pub cache_read_mtok: Option<f64>,
    /// `null`: cache writes cost the input price.
    pub cache_write_mtok: Option<f64>,
    /// The table's model id, or the override's model name.
    pub matched: String,
}

/// One (model, provider) of `GET /v1/llm/models`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ModelRow {
    pub model: String,
    pub provider: Option<String>,
    #[serde(flatten)]
    pub figures: UsageFigures,
    pub avg_latency_ms: Option<f64>,
    /// The price as it applies now to the project read (global overrides and the table when
    /// several projects are read); `null` when the model has no known price.
    pub price: Option<AppliedPrice>,
}

/// Exact latency percentiles of a tool (ms, `null` without samples).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ToolLatency {
    pub p50: Option<i64>,
    pub p95: Option<i64>,
    pub max: Option<i64>,
}

/// One (span type, name) of `GET /v1/llm/tools`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ToolRow {
    pub span_type: String,
    pub name: String,
    pub calls: i64,
    pub errors: i64,
    pub error_rate: f64,
    pub latency_ms: ToolLatency,
}

/// One prompt version of `GET /v1/llm/prompts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PromptRow {
    pub prompt_name: String,
    pub prompt_version: Option<String>,
    pub traces: i64,
    /// Traces with an error span or an `error` status.
    pub errors: i64,
    pub error_rate: f64,
    /// Mean of ended_at − started_at over the traces that ended.
    pub avg_latency_ms: Option<f64>,
    /// Mean cost over the priced traces.
    pub avg_cost_micros: Option<f64>,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// `null` when no trace could be priced.
    pub cost_micros: Option<i64>,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// n, mean and standard deviation of one metric in one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Moments {
    pub n: i64,
    pub mean: Option<f64>,
    /// Sample standard deviation (n − 1); `null` below 2 samples.
    pub sd: Option<f64>,
}

/// One version of a prompt in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PromptArm {
    pub version: String,
    /// Traces of this version in the window.
    pub n: i64,
    pub errors: i64,
    pub error_rate: f64,
    /// Trace latency (ended_at − started_at), over the traces that ended.
    pub latency_ms: Moments,
    /// Cost per trace, over the priced traces.
    pub cost_micros: Moments,
}

/// A two-sided test of a difference between the arms (a − b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignificanceTest {
    /// Welch's t, or z for the error rate; `null` when the test cannot be computed.
    pub statistic: Option<f64>,
    /// Welch–Satterthwaite degrees of freedom (`null` for the z-test).
    pub df: Option<f64>,
    pub p_value: Option<f64>,
    /// The p-value as shown to people ("0.0734", "< 1e-6", "n/a").
    pub p_display: String,
    /// p < 0.05; `null` without a p-value.
    pub significant: Option<bool>,
    /// Why the test is n/a, or that the result is exploratory (few samples).
    pub note: Option<String>,
}

/// `GET /v1/llm/prompts/{name}/compare`: versions `a` and `b` of a prompt, with Welch's t-test
/// on latency and on cost per trace, and a two-proportion z-test on the error rate. A version
/// without traces in the window is a 404 naming it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    pub prompt_name: String,
    pub window: Window,
    pub a: PromptArm,
    pub b: PromptArm,
    pub latency: SignificanceTest,
    pub cost: SignificanceTest,
    pub error_rate: SignificanceTest,
    /// One plain-English sentence each for latency, cost and errors (b relative to a).
    pub summary: Vec<String>,
}

/// A project's monthly budget and this UTC month's spend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Budget {
    pub project: String,
    /// `null`: no budget set.
    pub budget_micros: Option<i64>,
    pub budget_usd: Option<f64>,
    /// The UTC month, `YYYY-MM`.
    pub month: String,
    /// Cost of the calls started this month so far (hourly rollup).
    pub spent_micros: i64,
    pub spent_usd: f64,
    /// Days of the month elapsed, with the fraction of today.
    pub days_elapsed: f64,
    pub days_in_month: i64,
    /// Linear month-end forecast: spent / elapsed fraction of the month (the elapsed part taken
    /// as at least one hour, so the first minutes of a month do not forecast wildly).
    pub forecast_micros: i64,
    pub forecast_usd: f64,
    /// spent > budget (false without a budget).
    pub over_budget: bool,
    /// forecast > budget (false without a budget).
    pub forecast_over: bool,
    /// Once the spend reaches the budget, the LLM proxy refuses the project's calls (429
    /// `bloop_budget_exceeded`) until the month ends.
    pub enforced: bool,
}

/// What a `PUT /v1/llm/budget` without `monthly_usd` is told.
pub const MONTHLY_USD_REQUIRED: &str = "required (a number of USD ≥ 0, or null to clear)";

/// `PUT /v1/llm/budget` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetBody {
    /// Project slug; may be left out when the caller reads one project only (a pinned token).
    #[serde(default)]
    pub project: Option<String>,
    /// USD per month, ≥ 0; `null` clears the budget. Required.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<f64>")]
    pub monthly_usd: Option<Option<f64>>,
    /// Refuse the project's proxied calls once the month's spend reaches the budget; left out:
    /// unchanged (off for a new budget).
    #[serde(default)]
    pub enforce: Option<bool>,
}

/// A field that is present (possibly `null`) as `Some`, absent as `None` (via `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

/// ` AND col IN (…)` for the projects read. Reading every project still names them (from
/// `projects`), so the indexes that lead with `project_id` serve every query.
fn projects_sql(p: &LlmParams, col: &str, args: &mut Vec<SqlValue>) -> String {
    match p.projects {
        None => format!(" AND {col} IN (SELECT id FROM projects)"),
        Some(_) => p.project_sql(col, args),
    }
}

fn ratio(x: i64, n: i64) -> f64 {
    if n > 0 {
        x as f64 / n as f64
    } else {
        0.0
    }
}

#[cfg(feature = "llm-tracing")]
fn mean(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| round2(sum as f64 / n as f64))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn micros_to_usd(micros: i64) -> f64 {
    micros as f64 / 1e6
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Micro-dollars as USD for people: `$1,234.50`, `$0.0250`, `$0.000042`, `$0`.
pub fn usd(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    if m == 0 {
        "$0".into()
    } else if m >= 1_000_000 {
        let cents = (m + 5_000) / 10_000;
        format!(
            "{sign}${}.{:02}",
            thousands((cents / 100) as i64),
            cents % 100
        )
    } else if m >= 100 {
        format!("{sign}${:.4}", m as f64 / 1e6)
    } else {
        format!("{sign}${:.6}", m as f64 / 1e6)
    }
}

/// The `pct`-th percentile of a latency histogram ((bucket, count) in bucket order): the
/// centre of the bucket holding the ⌈pct·n/100⌉-th value.
fn percentile(buckets: &[(i64, i64)], pct: i64) -> Option<f64> {
    use super::llm_rollups::bucket_value;
    let n: i64 = buckets.iter().map(|b| b.1).sum();
    if n <= 0 {
        return None;
    }
    let rank = ((pct * n + 99) / 100).max(1);
    let mut seen = 0;
    for &(bucket, c) in buckets {
        seen += c;
        if seen >= rank {
            return Some(bucket_value(bucket));
        }
    }
    buckets.last().map(|b| bucket_value(b.0))
}

/// Histogram percentiles: `buckets` in ascending bucket order with their counts. The rank of
/// quantile q among n samples is ⌈q·n⌉ (at least 1); the value is the centre of its bucket.
#[cfg(feature = "llm-tracing")]
fn percentiles(buckets: &[(i64, i64)], sum: i64, count: i64) -> Percentiles {
    let at = |pct| percentile(buckets, pct).map(round2);
    Percentiles {
        count,
        mean: mean(sum, count),
        p50: at(50),
        p90: at(90),
        p95: at(95),
        p99: at(99),
    }
}

/// (bucket, count) in bucket order, per (model or "", kind 0 latency / 1 TTFT).
#[cfg(feature = "llm-tracing")]
pub(crate) type Histograms = BTreeMap<(String, i64), Vec<(i64, i64)>>;

/// Where the histograms of the hours `[h0, h1)` come from: (table, its time column, from, to).
/// Whole UTC days from the daily histograms, the hours around them from the hourly ones.
#[cfg(feature = "llm-tracing")]
pub(crate) fn histogram_ranges(
    (h0, h1): (i64, i64),
) -> Vec<(&'static str, &'static str, i64, i64)> {
    let d0 = (h0 + DAY_MS - 1).div_euclid(DAY_MS) * DAY_MS;
    let d1 = h1.div_euclid(DAY_MS) * DAY_MS;
    let ranges = if d1 - d0 >= DAY_MS {
        vec![
            ("llm_latency_hourly", "hour", h0, d0),
            ("llm_latency_daily", "day", d0, d1),
            ("llm_latency_hourly", "hour", d1, h1),
        ]
    } else {
        vec![("llm_latency_hourly", "hour", h0, h1)]
    };
    ranges.into_iter().filter(|r| r.2 < r.3).collect()
}

/// Histogram rows summed per (model, kind, bucket) as they come; models are few, so a linear
/// find beats hashing a key.
#[cfg(feature = "llm-tracing")]
#[derive(Default)]
pub(crate) struct HistogramSums(Vec<(String, i64, BTreeMap<i64, i64>)>);

#[cfg(feature = "llm-tracing")]
impl HistogramSums {
    pub(crate) fn add(&mut self, model: &str, kind: i64, bucket: i64, count: i64) {
        let i = match self.0.iter().position(|(m, k, _)| *k == kind && m == model) {
            Some(i) => i,
            None => {
                self.0.push((model.to_string(), kind, BTreeMap::new()));
                self.0.len() - 1
            }
        };
        *self.0[i].2.entry(bucket).or_default() += count;
    }

    pub(crate) fn finish(self) -> Histograms {
        self.0
            .into_iter()
            .map(|(m, k, per)| ((m, k), per.into_iter().collect()))
            .collect()
    }
}

/// Histogram buckets per (model or "", kind) over the hours, ascending. The rows come in
/// primary-key order and are summed here: the histogram rows of a window are few (about a
/// hundred per model, kind and hour), and summing them as they stream costs a fraction of what
/// SQLite's sorter takes for the same `GROUP BY` (measured: 26,000 rows of a day at 1,000,000
/// spans, 5 ms streamed against 30 ms sorted).
#[cfg(feature = "llm-tracing")]
fn histograms(
    conn: &Connection,
    p: &LlmParams,
    hours: (i64, i64),
    per_model: bool,
    model: Option<&str>,
) -> Result<Histograms, StoreError> {
    let mut sums = HistogramSums::default();
    for (table, col, a, b) in histogram_ranges(hours) {
        let mut args: Vec<SqlValue> = vec![a.into(), b.into()];
        let mut sql = format!(
            "SELECT {}, kind, bucket, count FROM {table} WHERE {col} >= ? AND {col} < ?",
            if per_model { "model" } else { "''" }
        );
        if per_model {
            sql += " AND model <> ''";
        }
        sql += &projects_sql(p, "project_id", &mut args);
        if let Some(m) = model {
            sql += " AND model = ?";
            args.push(m.to_string().into());
        }
        let mut st = conn.prepare_cached(&sql)?;
        let mut rows = st.query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let model = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            sums.add(model, r.get(1)?, r.get(2)?, r.get(3)?);
        }
    }
    Ok(sums.finish())
}

// ---------------------------------------------------------------------------------------------
// Overview.

/// What the overview reads besides the histograms and the budget.
#[cfg(feature = "llm-tracing")]
pub(crate) struct OverviewSums {
    pub traces: i64,
    pub error_traces: i64,
    pub figures: UsageFigures,
    /// Calls, latency sum and count, TTFT sum and count, distinct models.
    pub more: [i64; 6],
}

/// The overview's window (default 24 h); no other parameter.
#[cfg(feature = "llm-tracing")]
pub(crate) fn overview_window(p: &LlmParams) -> Result<Window, StoreError> {
    p.only(&["since", "until"])?;
    p.window(DAY_MS)
}

/// The project whose budget an answer shows: the one project read, if only one is.
#[cfg(feature = "llm-tracing")]
pub(crate) fn one_project_read(p: &LlmParams) -> Option<&str> {
    match p.projects.as_deref() {
        Some([one]) => Some(one.as_str()),
        _ => None,
    }
}

/// The overview of `window` from its sums, histograms (model "") and the budget of the one
/// project read (shown when it has one).
#[cfg(feature = "llm-tracing")]
pub(crate) fn overview_answer(
    window: Window,
    s: OverviewSums,
    hist: &Histograms,
    budget: Option<Budget>,
) -> Overview {
    let (h0, h1) = window.hours();
    let (f, v) = (s.figures, s.more);
    let empty = Vec::new();
    let lat = hist.get(&(String::new(), 0)).unwrap_or(&empty);
    let ttft = hist.get(&(String::new(), 1)).unwrap_or(&empty);
    Overview {
        window,
        covered: Window {
            since: h0,
            until: h1,
        },
        traces: s.traces,
        error_traces: s.error_traces,
        spans: f.spans,
        calls: v[0],
        input_tokens: f.input_tokens,
        output_tokens: f.output_tokens,
        cache_read_tokens: f.cache_read_tokens,
        cache_write_tokens: f.cache_write_tokens,
        cost_micros: f.cost_micros,
        cost_usd: micros_to_usd(f.cost_micros),
        unpriced_calls: f.unpriced,
        errors: f.errors,
        error_rate: ratio(f.errors, f.spans),
        latency_ms: percentiles(lat, v[1], v[2]),
        ttft_ms: percentiles(ttft, v[3], v[4]),
        models: v[5],
        budget: budget.filter(|b| b.budget_micros.is_some()),
    }
}

/// Traces, spans, calls, tokens, cost, unpriced calls, errors, latency and TTFT percentiles,
/// distinct models over the window (default 24 h), and the budget of the one project read.
#[cfg(feature = "llm-tracing")]
pub fn overview(conn: &Connection, p: &LlmParams) -> Result<Overview, StoreError> {
    let window = overview_window(p)?;
    let (h0, h1) = window.hours();

    // Traces by their start, like the spans: the covered hours of the prompt rollup.
    let mut args: Vec<SqlValue> = vec![h0.into(), h1.into()];
    let sql = format!(
        "SELECT SUM(traces), SUM(error_traces) FROM llm_prompt_hourly
         WHERE hour >= ? AND hour < ?{}",
        projects_sql(p, "project_id", &mut args)
    );
    let (traces, error_traces) = conn.query_row(&sql, params_from_iter(args), |r| {
        Ok((sum(r, 0)?, sum(r, 1)?))
    })?;

    let mut args: Vec<SqlValue> = vec![h0.into(), h1.into()];
    let sql = format!(
        "SELECT {FIGURE_SUMS}, SUM(CASE WHEN model <> '' THEN spans ELSE unpriced END),
                SUM(latency_sum), SUM(latency_count), SUM(ttft_sum), SUM(ttft_count),
                count(DISTINCT NULLIF(model, ''))
         FROM llm_usage_hourly WHERE hour >= ? AND hour < ?{}",
        projects_sql(p, "project_id", &mut args)
    );
    // The figures, then calls, latency sum and count, TTFT sum and count, models.
    let (figures, more) = conn.query_row(&sql, params_from_iter(args), |r| {
        let mut v = [0i64; 6];
        for (i, x) in v.iter_mut().enumerate() {
            *x = sum(r, 8 + i)?;
        }
        Ok((UsageFigures::from_row(r, 0)?, v))
    })?;

    let hist = histograms(conn, p, (h0, h1), false, None)?;
    let budget = match one_project_read(p) {
        Some(one) => budget_of(conn, one, p.now)?,
        None => None,
    };
    let sums = OverviewSums {
        traces,
        error_traces,
        figures,
        more,
    };
    Ok(overview_answer(window, sums, &hist, budget))
}

// ---------------------------------------------------------------------------------------------
// Usage over time.

/// A usage query's parameters, checked.
pub(crate) struct UsagePlan {
    pub window: Window,
    /// `hour` or `day`.
    pub bucket: &'static str,
    /// `model`, `provider`, `project`, `prompt` or `none`.
    pub by: &'static str,
    /// The bucket's length in ms.
    pub step: i64,
}

/// Default window 7 days; default bucket `hour` up to 48 h, else `day`; hourly buckets up to
/// 31 days.
pub(crate) fn usage_plan(p: &LlmParams) -> Result<UsagePlan, StoreError> {
    p.only(&["since", "until", "bucket", "by"])?;
    let window = p.window(7 * DAY_MS)?;
    let default_bucket = if window.until - window.since <= 48 * HOUR_MS {
        "hour"
    } else {
        "day"
    };
    let bucket = p.choice("bucket", &["hour", "day"], default_bucket)?;
    let by = p.choice(
        "by",
        &["model", "provider", "project", "prompt", "none"],
        "model",
    )?;
    if bucket == "hour" && window.until - window.since > MAX_HOURLY_WINDOW_MS {
        return Err(invalid(
            "bucket",
            "hourly buckets cover at most 31 days; use bucket=day",
        ));
    }
    let step = if bucket == "hour" { HOUR_MS } else { DAY_MS };
    Ok(UsagePlan {
        window,
        bucket,
        by,
        step,
    })
}

/// The series key of a row for `by`: of `llm_prompt_hourly` for `prompt` (`name@version`,
/// `name`, or `(none)`), else of `llm_usage_hourly`.
pub(crate) fn usage_key(by: &str) -> String {
    match by {
        "prompt" => format!(
            "CASE WHEN prompt_name = '' THEN '{NONE_KEY}' ELSE prompt_name
                  || CASE WHEN prompt_version <> '' THEN '@' || prompt_version ELSE '' END
             END"
        ),
        "model" => format!("CASE WHEN model = '' THEN '{NONE_KEY}' ELSE model END"),
        "provider" => format!("CASE WHEN provider = '' THEN '{NONE_KEY}' ELSE provider END"),
        "project" => "project_id".to_string(),
        _ => "'all'".to_string(),
    }
}

/// The answer from (series key, bucket start, figures) rows: every bucket from the one
/// holding the first covered hour to the one holding the last, zero-filled; series by cost.
pub(crate) fn usage_answer(
    plan: &UsagePlan,
    rows: impl IntoIterator<Item = (String, i64, UsageFigures)>,
) -> Usage {
    let step = plan.step;
    let (h0, h1) = plan.window.hours();
    let first = h0.div_euclid(step) * step;
    let slots: Vec<i64> = (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t < h1)
        .collect();
    let zero = |t: i64| UsagePoint {
        t,
        figures: UsageFigures::default(),
    };
    let mut series: BTreeMap<String, Vec<UsagePoint>> = BTreeMap::new();
    for (key, t, f) in rows {
        let points = series
            .entry(key)
            .or_insert_with(|| slots.iter().map(|t| zero(*t)).collect());
        let i = ((t - first) / step) as usize;
        if let Some(pt) = points.get_mut(i) {
            pt.figures.add(&f);
        }
    }
    let mut totals = UsageFigures::default();
    let mut series: Vec<UsageSeries> = series
        .into_iter()
        .map(|(key, points)| {
            let mut t = UsageFigures::default();
            for pt in &points {
                t.add(&pt.figures);
            }
            totals.add(&t);
            UsageSeries {
                key,
                points,
                totals: t,
            }
        })
        .collect();
    series.sort_by(|a, b| {
        b.totals
            .cost_micros
            .cmp(&a.totals.cost_micros)
            .then(b.totals.spans.cmp(&a.totals.spans))
            .then(a.key.cmp(&b.key))
    });
    Usage {
        window: plan.window,
        covered: Window {
            since: h0,
            until: h1,
        },
        bucket: plan.bucket.into(),
        by: plan.by.into(),
        series,
        totals,
    }
}

/// Usage per bucket (hour or UTC day) and per model, provider, project or prompt, every bucket
/// of the window present (zero-filled), series by cost, highest first. Default window 7 days;
/// default bucket `hour` up to 48 h, else `day`; hourly buckets up to 31 days.
pub fn usage(conn: &Connection, p: &LlmParams) -> Result<Usage, StoreError> {
    let plan = usage_plan(p)?;
    let step = plan.step;
    let (h0, h1) = plan.window.hours();

    let mut args: Vec<SqlValue> = vec![step.into(), step.into(), h0.into(), h1.into()];
    let sql = if plan.by == "prompt" {
        format!(
            "SELECT {}, (hour / ?) * ?, SUM(spans), SUM(input_tokens), SUM(output_tokens),
                    SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cost_micros),
                    SUM(unpriced_spans), SUM(error_spans)
             FROM llm_prompt_hourly WHERE hour >= ? AND hour < ?{}
             GROUP BY 1, 2",
            usage_key(plan.by),
            projects_sql(p, "project_id", &mut args)
        )
    } else {
        format!(
            "SELECT {}, (hour / ?) * ?, {FIGURE_SUMS}
             FROM llm_usage_hourly WHERE hour >= ? AND hour < ?{}
             GROUP BY 1, 2",
            usage_key(plan.by),
            projects_sql(p, "project_id", &mut args)
        )
    };
    let mut st = conn.prepare(&sql)?;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok((r.get(0)?, r.get(1)?, UsageFigures::from_row(r, 2)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(usage_answer(&plan, rows))
}

// ---------------------------------------------------------------------------------------------
// Latency per model.

/// The latency query's window (default 24 h) and model (`model=`, for one).
#[cfg(feature = "llm-tracing")]
pub(crate) fn latency_params(p: &LlmParams) -> Result<(Window, Option<&str>), StoreError> {
    p.only(&["since", "until", "model"])?;
    Ok((p.window(DAY_MS)?, p.str("model")))
}

/// One model's row from its sums (calls, latency sum and count, TTFT sum and count) and the
/// histograms per model.
#[cfg(feature = "llm-tracing")]
pub(crate) fn model_latency(
    model: String,
    provider: Option<String>,
    v: [i64; 5],
    hist: &Histograms,
) -> ModelLatency {
    let empty = Vec::new();
    let lat = hist.get(&(model.clone(), 0)).unwrap_or(&empty);
    let ttft = hist.get(&(model.clone(), 1)).unwrap_or(&empty);
    ModelLatency {
        latency_ms: percentiles(lat, v[1], v[2]),
        ttft_ms: percentiles(ttft, v[3], v[4]),
        model,
        provider,
        calls: v[0],
    }
}

/// Latency and TTFT percentiles per model (spans naming a model), most calls first; default
/// window 24 h, `model=` for one.
#[cfg(feature = "llm-tracing")]
pub fn latency(conn: &Connection, p: &LlmParams) -> Result<Vec<ModelLatency>, StoreError> {
    let (window, model) = latency_params(p)?;
    let (h0, h1) = window.hours();
    let mut args: Vec<SqlValue> = vec![h0.into(), h1.into()];
    let mut sql = format!(
        "SELECT model, CASE WHEN count(DISTINCT provider) = 1 THEN NULLIF(MAX(provider), '') END,
                SUM(spans), SUM(latency_sum), SUM(latency_count), SUM(ttft_sum), SUM(ttft_count)
         FROM llm_usage_hourly WHERE hour >= ? AND hour < ? AND model <> ''{}",
        projects_sql(p, "project_id", &mut args)
    );
    if let Some(m) = model {
        sql += " AND model = ?";
        args.push(m.to_string().into());
    }
    sql += " GROUP BY model ORDER BY SUM(spans) DESC, model";
    let hist = histograms(conn, p, (h0, h1), true, model)?;
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args), |r| {
        let model: String = r.get(0)?;
        let provider: Option<String> = r.get(1)?;
        let v: [i64; 5] = [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?];
        Ok(model_latency(model, provider, v, &hist))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---------------------------------------------------------------------------------------------
// Models.

/// The models query's window (default 30 days); no other parameter.
#[cfg(feature = "llm-tracing")]
pub(crate) fn models_window(p: &LlmParams) -> Result<Window, StoreError> {
    p.only(&["since", "until"])?;
    p.window(30 * DAY_MS)
}

/// One (model, provider) row from its figures and latency (sum, count), with the price that
/// applies to it now: project overrides when one project is read; otherwise global ones and
/// the table.
#[cfg(feature = "llm-tracing")]
pub(crate) fn model_row(
    overrides: &[crate::llm::pricing::PriceOverride],
    p: &LlmParams,
    (model, provider): (String, String),
    figures: UsageFigures,
    (latency_sum, latency_count): (i64, i64),
) -> ModelRow {
    use crate::llm::pricing;
    let provider = (!provider.is_empty()).then_some(provider);
    let price = pricing::resolve(
        overrides,
        one_project_read(p).unwrap_or(""),
        provider.as_deref(),
        &model,
        &pricing::Usage::default(),
        p.now,
    )
    .map(|m| AppliedPrice {
        source: m.source.as_str().into(),
        input_mtok: m.price.input_mtok,
        output_mtok: m.price.output_mtok,
        cache_read_mtok: m.price.cache_read_mtok,
        cache_write_mtok: m.price.cache_write_mtok,
        matched: m.model_id,
    });
    ModelRow {
        model,
        provider,
        figures,
        avg_latency_ms: mean(latency_sum, latency_count),
        price,
    }
}

/// Models used (per model and provider), with usage, cost and the price that applies now and
/// its source; highest cost first. Default window 30 days.
#[cfg(feature = "llm-tracing")]
pub fn models(conn: &Connection, p: &LlmParams) -> Result<Vec<ModelRow>, StoreError> {
    let window = models_window(p)?;
    let (h0, h1) = window.hours();
    let mut args: Vec<SqlValue> = vec![h0.into(), h1.into()];
    let sql = format!(
        "SELECT model, provider, {FIGURE_SUMS}, SUM(latency_sum), SUM(latency_count)
         FROM llm_usage_hourly WHERE hour >= ? AND hour < ? AND model <> ''{}
         GROUP BY model, provider ORDER BY SUM(cost_micros) DESC, SUM(spans) DESC, model, provider",
        projects_sql(p, "project_id", &mut args)
    );
    let overrides = super::traces::price_overrides(conn)?;
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args), |r| {
        Ok(model_row(
            &overrides,
            p,
            (r.get(0)?, r.get(1)?),
            UsageFigures::from_row(r, 2)?,
            (sum(r, 10)?, sum(r, 11)?),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---------------------------------------------------------------------------------------------
// Tools.

/// A tools query's parameters, checked.
pub(crate) struct ToolsPlan {
    pub window: Window,
    /// `tool`, `retrieval`, `all` (every span that is not a generation), or "" (tool and
    /// retrieval).
    pub kind: &'static str,
    pub limit: u32,
}

pub(crate) fn tools_plan(p: &LlmParams) -> Result<ToolsPlan, StoreError> {
    p.only(&["since", "until", "type", "limit"])?;
    Ok(ToolsPlan {
        window: p.window(DAY_MS)?,
        kind: p.choice("type", &["tool", "retrieval", "all"], "")?,
        limit: p.u32_in("limit", 1, 200, 50)?,
    })
}

/// Calls, errors, max and latency histogram of one (span type, name).
#[derive(Default)]
struct ToolAcc {
    calls: i64,
    errors: i64,
    max: Option<i64>,
    buckets: BTreeMap<i64, i64>,
}

/// Tool figures summed per (span type, name) from rollup rows and raw spans.
#[derive(Default)]
pub(crate) struct ToolSums(std::collections::HashMap<(String, String), ToolAcc>);

impl ToolSums {
    /// A `llm_tool_hourly` row.
    pub(crate) fn hour(
        &mut self,
        key: (String, String),
        calls: i64,
        errors: i64,
        max: Option<i64>,
    ) {
        let a = self.0.entry(key).or_default();
        a.calls += calls;
        a.errors += errors;
        a.max = a.max.max(max);
    }

    /// A `llm_tool_latency_hourly` row.
    pub(crate) fn bucket(&mut self, key: (String, String), bucket: i64, count: i64) {
        *self
            .0
            .entry(key)
            .or_default()
            .buckets
            .entry(bucket)
            .or_default() += count;
    }

    /// One span.
    pub(crate) fn span(&mut self, key: (String, String), error: bool, latency_ms: Option<i64>) {
        let a = self.0.entry(key).or_default();
        a.calls += 1;
        a.errors += i64::from(error);
        a.max = a.max.max(latency_ms);
        if let Some(ms) = latency_ms {
            *a.buckets
                .entry(super::llm_rollups::latency_bucket(ms))
                .or_default() += 1;
        }
    }

    /// The rows, most calls first, at most `limit`.
    pub(crate) fn finish(self, limit: u32) -> Vec<ToolRow> {
        let mut out: Vec<ToolRow> = self
            .0
            .into_iter()
            .filter(|(_, a)| a.calls > 0)
            .map(|((span_type, name), a)| {
                let buckets: Vec<(i64, i64)> = a.buckets.into_iter().collect();
                // A bucket's centre can lie a little above the largest value in it.
                let at = |pct| {
                    percentile(&buckets, pct)
                        .map(|v| (v.round() as i64).min(a.max.unwrap_or(i64::MAX)))
                };
                ToolRow {
                    span_type,
                    name,
                    calls: a.calls,
                    errors: a.errors,
                    error_rate: ratio(a.errors, a.calls),
                    latency_ms: ToolLatency {
                        p50: at(50),
                        p95: at(95),
                        max: a.max,
                    },
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.calls
                .cmp(&a.calls)
                .then_with(|| a.span_type.cmp(&b.span_type))
                .then_with(|| a.name.cmp(&b.name))
        });
        out.truncate(limit as usize);
        out
    }
}

/// Tool and retrieval spans per (type, name): calls, errors, latency p50 / p95 (histogram
/// buckets) and exact max; most calls first. `type=tool|retrieval|all` (all:
/// every span that is not a generation); default tool and retrieval; `limit` 1..200 (50).
pub fn tools(conn: &Connection, p: &LlmParams) -> Result<Vec<ToolRow>, StoreError> {
    let plan = tools_plan(p)?;
    let kind = plan.kind;
    let filter = |args: &mut Vec<SqlValue>| {
        let mut sql = projects_sql(p, "project_id", args);
        match kind {
            "tool" | "retrieval" => {
                sql += " AND span_type = ?";
                args.push(kind.to_string().into());
            }
            "all" => {}
            _ => sql += " AND span_type IN ('tool', 'retrieval')",
        }
        sql
    };
    let mut acc = ToolSums::default();
    let (hours, edges) = plan.window.split();
    // Whole hours from the tool rollups; rows stream in key order and are summed here.
    if let Some((h0, h1)) = hours {
        let mut args: Vec<SqlValue> = vec![h0.into(), h1.into()];
        let f = filter(&mut args);
        let sql = format!(
            "SELECT span_type, name, calls, errors, latency_max FROM llm_tool_hourly
             WHERE hour >= ? AND hour < ?{f}"
        );
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            acc.hour((r.get(0)?, r.get(1)?), r.get(2)?, r.get(3)?, r.get(4)?);
        }
        let sql = format!(
            "SELECT span_type, name, bucket, count FROM llm_tool_latency_hourly
             WHERE hour >= ? AND hour < ?{f}"
        );
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            acc.bucket((r.get(0)?, r.get(1)?), r.get(2)?, r.get(3)?);
        }
    }
    // The partial hours at the edges from the spans (`span_type <> 'generation'` as written
    // lets the covering partial index llm_spans_type serve).
    for (a, b) in edges {
        let mut args: Vec<SqlValue> = Vec::new();
        let f = filter(&mut args);
        args.extend([a.into(), b.into()]);
        let sql = format!(
            "SELECT span_type, name, status = 'error', latency_ms FROM llm_spans
             WHERE span_type <> 'generation'{f} AND started_at >= ? AND started_at < ?"
        );
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            acc.span((r.get(0)?, r.get(1)?), r.get(2)?, r.get(3)?);
        }
    }
    Ok(acc.finish(plan.limit))
}

// ---------------------------------------------------------------------------------------------
// Prompts.

/// Orders versions numerically when both are numbers ("10" after "9"), numbers before words,
/// words by text; no version first.
fn version_order(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let num = |v: &str| {
        let v = v.trim();
        let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
        v.parse::<f64>().ok().filter(|x| x.is_finite())
    };
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match (num(a), num(b)) {
            (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.cmp(b),
        },
    }
}

/// Sums over the traces of one prompt version in a window.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(feature = "llm-tracing"), allow(dead_code))]
pub(crate) struct PromptSums {
    pub name: String,
    pub version: String,
    pub traces: i64,
    pub errors: i64,
    pub lat_n: i64,
    pub lat_sum: i64,
    pub lat_sq: f64,
    pub cost_n: i64,
    pub cost_sum: i64,
    pub cost_sq: f64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub first: i64,
    pub last: i64,
}

/// [`PromptSums`] per named prompt version over exactly the window: its whole hours from
/// `llm_prompt_hourly`, the partial hours at its edges from the traces themselves. `name` and
/// `version` narrow it to one prompt or one version ('' = traces without a version).
fn prompt_sums(
    conn: &Connection,
    p: &LlmParams,
    w: &Window,
    name: Option<&str>,
    version: Option<&str>,
) -> Result<Vec<PromptSums>, StoreError> {
    let (hours, edges) = w.split();
    let mut args: Vec<SqlValue> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let narrow = |args: &mut Vec<SqlValue>, version_col: &str| {
        let mut sql = projects_sql(p, "project_id", args);
        if let Some(n) = name {
            sql += " AND prompt_name = ?";
            args.push(n.to_string().into());
        }
        if let Some(v) = version {
            sql += &format!(" AND {version_col} = ?");
            args.push(v.to_string().into());
        }
        sql
    };
    if let Some((h0, h1)) = hours {
        args.extend([h0.into(), h1.into()]);
        let filter = narrow(&mut args, "prompt_version");
        parts.push(format!(
            "SELECT prompt_name, prompt_version, traces, error_traces, latency_count,
                    latency_sum, latency_sq, cost_count, cost_micros, cost_sq, input_tokens,
                    output_tokens, first_at, last_at
             FROM llm_prompt_hourly
             WHERE hour >= ? AND hour < ? AND prompt_name <> ''{filter}"
        ));
    }
    for (a, b) in edges {
        args.extend([a.into(), b.into()]);
        let filter = narrow(&mut args, "coalesce(prompt_version, '')");
        parts.push(format!(
            "SELECT prompt_name, coalesce(prompt_version, ''), 1,
                    error_spans > 0 OR status = 'error', ended_at IS NOT NULL,
                    coalesce(ended_at - started_at, 0),
                    coalesce(CAST(ended_at - started_at AS REAL) * (ended_at - started_at), 0),
                    cost_micros IS NOT NULL, coalesce(cost_micros, 0),
                    coalesce(CAST(cost_micros AS REAL) * cost_micros, 0), input_tokens,
                    output_tokens, started_at, started_at
             FROM llm_traces
             WHERE started_at >= ? AND started_at < ? AND prompt_name IS NOT NULL{filter}"
        ));
    }
    let sql = format!(
        "WITH u(n, v, t, e, ln, ls, lq, cn, cs, cq, it, ot, f, l) AS ({})
         SELECT n, v, sum(t), sum(e), sum(ln), sum(ls), sum(lq), sum(cn), sum(cs), sum(cq),
                sum(it), sum(ot), min(f), max(l)
         FROM u GROUP BY n, v",
        parts.join(" UNION ALL ")
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args), |r| {
        Ok(PromptSums {
            name: r.get(0)?,
            version: r.get(1)?,
            traces: r.get(2)?,
            errors: r.get(3)?,
            lat_n: r.get(4)?,
            lat_sum: r.get(5)?,
            lat_sq: r.get(6)?,
            cost_n: r.get(7)?,
            cost_sum: r.get(8)?,
            cost_sq: r.get(9)?,
            input_tokens: r.get(10)?,
            output_tokens: r.get(11)?,
            first: r.get(12)?,
            last: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The prompts query's window (default 30 days) and prompt (`name=`, for one).
pub(crate) fn prompts_params(p: &LlmParams) -> Result<(Window, Option<&str>), StoreError> {
    p.only(&["since", "until", "name"])?;
    Ok((p.window(30 * DAY_MS)?, p.str("name")))
}

/// The rows of the prompt versions summed: by name, then version.
pub(crate) fn prompt_rows(sums: Vec<PromptSums>) -> Vec<PromptRow> {
    let avg = |sum: i64, n: i64| (n > 0).then(|| round2(sum as f64 / n as f64));
    let mut out: Vec<PromptRow> = sums
        .into_iter()
        .map(|s| PromptRow {
            error_rate: ratio(s.errors, s.traces),
            avg_latency_ms: avg(s.lat_sum, s.lat_n),
            avg_cost_micros: avg(s.cost_sum, s.cost_n),
            cost_micros: (s.cost_n > 0).then_some(s.cost_sum),
            prompt_version: Some(s.version).filter(|v| !v.is_empty()),
            prompt_name: s.name,
            traces: s.traces,
            errors: s.errors,
            input_tokens: s.input_tokens,
            output_tokens: s.output_tokens,
            first_seen: s.first,
            last_seen: s.last,
        })
        .collect();
    out.sort_by(|a, b| {
        a.prompt_name
            .cmp(&b.prompt_name)
            .then_with(|| version_order(a.prompt_version.as_deref(), b.prompt_version.as_deref()))
    });
    out
}

/// Prompt versions with their traces, errors, averages, tokens and cost; by name, then version
/// (numerically where versions are numbers). Default window 30 days; `name=` for one prompt.
pub fn prompts(conn: &Connection, p: &LlmParams) -> Result<Vec<PromptRow>, StoreError> {
    let (window, name) = prompts_params(p)?;
    Ok(prompt_rows(prompt_sums(conn, p, &window, name, None)?))
}

// ---------------------------------------------------------------------------------------------
// Compare two versions of a prompt.

#[cfg(feature = "llm-tracing")]
/// Sums of one arm, as SQL returns them.
#[derive(Debug, Clone, Copy, Default)]
struct ArmSums {
    n: i64,
    errors: i64,
    lat_n: i64,
    lat_sum: f64,
    lat_sq: f64,
    cost_n: i64,
    cost_sum: f64,
    cost_sq: f64,
}

#[cfg(feature = "llm-tracing")]
impl From<PromptSums> for ArmSums {
    fn from(s: PromptSums) -> Self {
        ArmSums {
            n: s.traces,
            errors: s.errors,
            lat_n: s.lat_n,
            lat_sum: s.lat_sum as f64,
            lat_sq: s.lat_sq,
            cost_n: s.cost_n,
            cost_sum: s.cost_sum as f64,
            cost_sq: s.cost_sq,
        }
    }
}

#[cfg(feature = "llm-tracing")]
fn arm_sums(
    conn: &Connection,
    p: &LlmParams,
    name: &str,
    version: &str,
    w: &Window,
) -> Result<PromptSums, StoreError> {
    Ok(prompt_sums(conn, p, w, Some(name), Some(version))?
        .pop()
        .unwrap_or_default())
}

#[cfg(feature = "llm-tracing")]
/// "v3" for a version "3"; other versions ("v3", "beta") as they are.
fn version_label(v: &str) -> String {
    if v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("v{v}")
    } else {
        v.to_string()
    }
}

#[cfg(feature = "llm-tracing")]
fn test_of(r: &crate::llm::stats::TestResult) -> SignificanceTest {
    SignificanceTest {
        statistic: r.statistic,
        df: r.df,
        p_value: r.p_value,
        p_display: crate::llm::stats::format_p(r.p_value),
        significant: r.significant,
        note: r.note.clone(),
    }
}

#[cfg(feature = "llm-tracing")]
/// The sentence of one comparison: b relative to a.
fn sentence(
    what: &str,
    t: &SignificanceTest,
    (la, lb): (&str, &str),
    (na, nb): (i64, i64),
    diff: Option<(&str, String)>,
) -> String {
    let counts = format!("{} vs {} calls", thousands(nb), thousands(na));
    // "p = 0.0734", or "p < 1e-6" below what is shown.
    let p = match t.p_display.strip_prefix('<') {
        Some(rest) => format!("p <{rest}"),
        None => format!("p = {}", t.p_display),
    };
    let mut s = match (t.significant, diff) {
        (None, _) => format!(
            "{what} not compared ({}; {counts})",
            t.note.as_deref().unwrap_or("n/a")
        ),
        (Some(true), Some((verb, delta))) => {
            format!("{lb} {verb} than {la}: {delta}, {p}, {counts}")
        }
        _ => format!("no significant difference in {what} ({p}, {counts})"),
    };
    if t.significant.is_some() {
        if let Some(note) = &t.note {
            s += &format!(" [{note}]");
        }
    }
    s
}

/// Compares versions `a` and `b` of prompt `name` (required, different) over the window
/// (default 30 days): Welch's t-test on trace latency and on cost per trace, a two-proportion
/// z-test on the error rate, from sums and sums of squares computed in SQL. A version with no
/// traces in the window is a 404 naming it.
#[cfg(feature = "llm-tracing")]
pub fn compare(conn: &Connection, p: &LlmParams, name: &str) -> Result<Comparison, StoreError> {
    let (window, va, vb) = compare_params(p)?;
    let sa = arm_sums(conn, p, name, &va, &window)?;
    let sb = arm_sums(conn, p, name, &vb, &window)?;
    comparison(name, window, (va, sa), (vb, sb))
}

/// The comparison's window (default 30 days) and versions `a` and `b` (required, different).
#[cfg(feature = "llm-tracing")]
pub(crate) fn compare_params(p: &LlmParams) -> Result<(Window, String, String), StoreError> {
    p.only(&["since", "until", "a", "b"])?;
    let window = p.window(30 * DAY_MS)?;
    let va = p.required("a")?.to_string();
    let vb = p.required("b")?.to_string();
    if va == vb {
        return Err(invalid("b", "`a` and `b` must be two different versions"));
    }
    Ok((window, va, vb))
}

/// The comparison of two versions of prompt `name` from their sums over `window`; a version
/// without traces is a 404 naming it.
#[cfg(feature = "llm-tracing")]
pub(crate) fn comparison(
    name: &str,
    window: Window,
    (va, sa): (String, PromptSums),
    (vb, sb): (String, PromptSums),
) -> Result<Comparison, StoreError> {
    use crate::llm::stats::{two_proportions, welch, Summary};
    let (sa, sb) = (ArmSums::from(sa), ArmSums::from(sb));
    for (v, s) in [(&va, &sa), (&vb, &sb)] {
        if s.n == 0 {
            return Err(StoreError::NotFound(format!(
                "prompt `{name}` has no traces of version `{v}` in this window"
            )));
        }
    }
    let lat = |s: &ArmSums| Summary::from_sums(s.lat_n as u64, s.lat_sum, s.lat_sq);
    let cost = |s: &ArmSums| Summary::from_sums(s.cost_n as u64, s.cost_sum, s.cost_sq);
    let moments = |s: Summary| Moments {
        n: s.n as i64,
        mean: (s.n > 0).then(|| round2(s.mean)),
        sd: (s.n > 1).then(|| round2(s.variance.sqrt())),
    };
    let arm = |v: &str, s: &ArmSums| PromptArm {
        version: v.to_string(),
        n: s.n,
        errors: s.errors,
        error_rate: ratio(s.errors, s.n),
        latency_ms: moments(lat(s)),
        cost_micros: moments(cost(s)),
    };
    let latency = test_of(&welch(&lat(&sa), &lat(&sb)));
    let cost_t = test_of(&welch(&cost(&sa), &cost(&sb)));
    let errors = test_of(&two_proportions(
        sa.errors as u64,
        sa.n as u64,
        sb.errors as u64,
        sb.n as u64,
    ));
    let (a, b) = (arm(&va, &sa), arm(&vb, &sb));
    let (la, lb) = (version_label(&va), version_label(&vb));
    let labels = (la.as_str(), lb.as_str());

    let d_lat = match (a.latency_ms.mean, b.latency_ms.mean) {
        (Some(x), Some(y)) => Some((
            if y > x { "is slower" } else { "is faster" },
            format!("{:+.0} ms mean latency", y - x),
        )),
        _ => None,
    };
    let d_cost = match (cost(&sa), cost(&sb)) {
        (ca, cb) if ca.n > 0 && cb.n > 0 => {
            let d = (cb.mean - ca.mean).round() as i64;
            Some((
                if d > 0 { "costs more" } else { "costs less" },
                format!("{}{} per call", if d > 0 { "+" } else { "-" }, usd(d.abs())),
            ))
        }
        _ => None,
    };
    let d_err = Some((
        if b.error_rate > a.error_rate {
            "fails more often"
        } else {
            "fails less often"
        },
        format!(
            "{:.1}% vs {:.1}% errors",
            b.error_rate * 100.0,
            a.error_rate * 100.0
        ),
    ));
    let summary = vec![
        sentence(
            "latency",
            &latency,
            labels,
            (a.latency_ms.n, b.latency_ms.n),
            d_lat,
        ),
        sentence(
            "cost",
            &cost_t,
            labels,
            (a.cost_micros.n, b.cost_micros.n),
            d_cost,
        ),
        if a.errors == 0 && b.errors == 0 {
            format!(
                "no errors in either version ({} vs {} calls)",
                thousands(b.n),
                thousands(a.n)
            )
        } else {
            sentence("error rate", &errors, labels, (a.n, b.n), d_err)
        },
    ];
    Ok(Comparison {
        prompt_name: name.to_string(),
        window,
        a,
        b,
        latency,
        cost: cost_t,
        error_rate: errors,
        summary,
    })
}

// ---------------------------------------------------------------------------------------------
// Budgets.

/// Epoch ms as `YYYY-MM-DD HH:MM` (UTC), for tables.
pub fn utc(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let min = ms.rem_euclid(DAY_MS) / 60_000;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", min / 60, min % 60)
}

/// The UTC month holding `now`: (`YYYY-MM`, start ms, end ms).
pub fn month_of(now: i64) -> (String, i64, i64) {
    let (y, m, _) = civil_from_days(now.div_euclid(DAY_MS));
    let start = days_from_civil(y, m, 1) * DAY_MS;
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let end = days_from_civil(ny, nm, 1) * DAY_MS;
    (format!("{y:04}-{m:02}"), start, end)
}

/// A budget figure from what was spent this month so far.
pub(crate) fn budget_figures(
    project: String,
    budget: Option<i64>,
    enforced: bool,
    spent: i64,
    now: i64,
) -> Budget {
    let (month, start, end) = month_of(now);
    let elapsed = (now - start).clamp(HOUR_MS, end - start);
    let forecast = (spent as f64 * (end - start) as f64 / elapsed as f64).round() as i64;
    Budget {
        project,
        budget_micros: budget,
        budget_usd: budget.map(micros_to_usd),
        month,
        spent_micros: spent,
        spent_usd: micros_to_usd(spent),
        days_elapsed: ((now - start) as f64 / DAY_MS as f64 * 1000.0).round() / 1000.0,
        days_in_month: (end - start) / DAY_MS,
        forecast_micros: forecast,
        forecast_usd: micros_to_usd(forecast),
        over_budget: budget.is_some_and(|b| spent > b),
        forecast_over: budget.is_some_and(|b| forecast > b),
        enforced: enforced && budget.is_some(),
    }
}

/// The budget of one project, `None` when the project does not exist.
fn budget_of(conn: &Connection, project: &str, now: i64) -> Result<Option<Budget>, StoreError> {
    let (_, start, end) = month_of(now);
    let row: Option<(Option<i64>, Option<bool>, i64)> = conn
        .query_row(
            "SELECT s.budget_micros, s.enforce_budget,
                    (SELECT COALESCE(SUM(cost_micros), 0) FROM llm_usage_hourly
                     WHERE project_id = p.id AND hour >= ?2 AND hour < ?3)
             FROM projects p LEFT JOIN llm_settings s ON s.project_id = p.id WHERE p.id = ?1",
            rusqlite::params![project, start, end],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.map(|(budget, enforced, spent)| {
        budget_figures(
            project.to_string(),
            budget,
            enforced.unwrap_or(false),
            spent,
            now,
        )
    }))
}

/// Budgets of the projects read (every project when none is named), by project.
pub fn budgets(conn: &Connection, p: &LlmParams) -> Result<Vec<Budget>, StoreError> {
    p.only(&[])?;
    let ids: Vec<String> = match &p.projects {
        Some(ps) => ps.clone(),
        None => {
            let mut st = conn.prepare("SELECT id FROM projects ORDER BY id")?;
            let ids = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            ids
        }
    };
    let found = ids
        .iter()
        .map(|id| budget_of(conn, id, p.now))
        .collect::<Result<_, _>>()?;
    found_budgets(&ids, found)
}

/// The budgets of projects `ids` from what was found of each, in order (`None`: no such
/// project, left out); one project asked for that does not exist is a 404.
pub(crate) fn found_budgets(
    ids: &[String],
    found: Vec<Option<Budget>>,
) -> Result<Vec<Budget>, StoreError> {
    if let ([id], [None]) = (ids, found.as_slice()) {
        return Err(StoreError::NotFound(format!("no project `{id}`")));
    }
    Ok(found.into_iter().flatten().collect())
}

/// The project a budget is set for (the one the caller acts on) and the budget in micro-dollars
/// (`None` clears it): at most a billion USD.
pub(crate) fn budget_to_set(
    p: &LlmParams,
    monthly_usd: Option<f64>,
) -> Result<(String, Option<i64>), StoreError> {
    p.only(&[])?;
    let project = p.one_project()?.to_string();
    let micros = match monthly_usd {
        None => None,
        Some(usd) if usd.is_finite() && (0.0..=1e9).contains(&usd) => {
            Some((usd * 1e6).round() as i64)
        }
        Some(_) => {
            return Err(invalid(
                "monthly_usd",
                "must be a number of USD from 0 to 1,000,000,000, or null to clear",
            ))
        }
    };
    Ok((project, micros))
}

/// Sets (or with `None` clears) the monthly budget of the one project the caller acts on, in
/// USD, and (`Some`) whether it is enforced; answers that project's budget.
pub fn set_budget(
    conn: &mut Connection,
    p: &LlmParams,
    monthly_usd: Option<f64>,
    enforce: Option<bool>,
) -> Result<Budget, StoreError> {
    let (project, micros) = budget_to_set(p, monthly_usd)?;
    let tx = conn.transaction()?;
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM projects WHERE id = ?1)",
        [&project],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NotFound(format!("no project `{project}`")));
    }
    tx.execute(
        "INSERT INTO llm_settings (project_id, content, budget_micros, enforce_budget, updated_at)
         VALUES (?1, NULL, ?2, COALESCE(?3, 0), ?4)
         ON CONFLICT (project_id) DO UPDATE SET
             budget_micros = excluded.budget_micros,
             enforce_budget = COALESCE(?3, enforce_budget),
             updated_at = excluded.updated_at",
        rusqlite::params![project, micros, enforce, super::now_ms()],
    )?;
    let b = budget_of(&tx, &project, p.now)?
        .ok_or_else(|| StoreError::NotFound(format!("no project `{project}`")))?;
    tx.commit()?;
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc_calendar_months() {
        // 2026-11-30T23:30Z.
        let now = days_from_civil(2026, 11, 30) * DAY_MS + 23 * HOUR_MS + 30 * 60_000;
        let (m, start, end) = month_of(now);
        assert_eq!(m, "2026-11");
        assert_eq!((end - start) / DAY_MS, 30);
        assert_eq!(month_of(end).0, "2026-12");
        assert_eq!(month_of(days_from_civil(2024, 2, 29) * DAY_MS).0, "2024-02");
        let (_, s, e) = month_of(days_from_civil(2024, 2, 10) * DAY_MS);
        assert_eq!((e - s) / DAY_MS, 29, "leap February");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(utc(now), "2026-11-30 23:30");
        assert_eq!(
            utc(days_from_civil(2024, 2, 29) * DAY_MS + 61_000),
            "2024-02-29 00:01"
        );
    }

    #[test]
    fn forecast_is_linear_over_the_month() {
        // 10 days into a 30-day month, $10 spent: $30 forecast.
        let start = days_from_civil(2026, 11, 1) * DAY_MS;
        let b = budget_figures(
            "p".into(),
            Some(25_000_000),
            true,
            10_000_000,
            start + 10 * DAY_MS,
        );
        assert_eq!(b.days_in_month, 30);
        assert_eq!(b.days_elapsed, 10.0);
        assert_eq!(b.forecast_micros, 30_000_000);
        assert!(!b.over_budget);
        assert!(b.forecast_over);
        assert!(b.enforced);
        // The first minutes of a month count as an hour: no wild forecast.
        let b = budget_figures("p".into(), None, true, 1_000, start + 60_000);
        assert!(!b.enforced, "nothing to enforce without a budget");
        assert_eq!(b.forecast_micros, 1_000 * 30 * 24);
        assert!(!b.over_budget && !b.forecast_over);
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_204), "1,204");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
        assert_eq!(usd(0), "$0");
        assert_eq!(usd(4_200), "$0.0042");
        assert_eq!(usd(42), "$0.000042");
        assert_eq!(usd(1_234_567_890), "$1,234.57");
        assert_eq!(usd(-25_000), "-$0.0250");
    }

    #[test]
    fn versions_sort_numerically() {
        let mut v = vec![Some("10"), Some("9"), None, Some("beta"), Some("v2")];
        v.sort_by(|a, b| version_order(*a, *b));
        assert_eq!(
            v,
            vec![None, Some("v2"), Some("9"), Some("10"), Some("beta")]
        );
    }

    #[cfg(feature = "llm-tracing")]
    #[test]
    fn percentiles_walk_the_buckets() {
        use crate::store::traces::{bucket_value, latency_bucket};
        // 100 samples: 90 at 100 ms, 9 at 1,000 ms, 1 at 10,000 ms.
        let (b1, b2, b3) = (
            latency_bucket(100),
            latency_bucket(1_000),
            latency_bucket(10_000),
        );
        let l = percentiles(
            &[(b1, 90), (b2, 9), (b3, 1)],
            90 * 100 + 9_000 + 10_000,
            100,
        );
        assert_eq!(l.p50, Some(round2(bucket_value(b1))));
        assert_eq!(l.p90, Some(round2(bucket_value(b1))), "rank 90 is the 90th");
        assert_eq!(l.p95, Some(round2(bucket_value(b2))));
        assert_eq!(l.p99, Some(round2(bucket_value(b2))), "rank 99");
        assert_eq!(l.mean, Some(280.0));
        assert!((l.p50.unwrap() - 100.0).abs() <= 5.0);
        let none = percentiles(&[], 0, 0);
        assert_eq!((none.p50, none.mean, none.count), (None, None, 0));
    }
}
