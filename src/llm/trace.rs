//! The trace contract: what a client sends to `POST /v1/traces` (and what the OTLP adapter and
//! the proxy produce), its validation against the caps, and the content policy.
//!
//! Wire names are the ones existing bloop clients send: times in epoch ms (seconds accepted, as
//! for events), span ids as strings, `cost` in USD where `0.0` means "not known" (those clients
//! send 0.0 when they cannot price a call; bloop prices it from its table instead).
//!
//! Normalisations (documented in the README):
//! - `input`, `output` may be strings or any JSON; JSON is kept as its compact text.
//! - a missing trace or span id is generated (32 hex digits / 16 hex digits);
//! - a span whose parent is not in the trace is kept, and shown at the root;
//! - a span whose parents loop back to itself loses its parent (the loop is cut there);
//! - a missing `started_at` is the server's receive time; a span's missing times come from the
//!   trace's; `latency_ms` missing is `ended_at - started_at` when both are known.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::config::ContentStorage;
use crate::event::{
    check_len, json_depth, normalize_timestamp, wire_error, EventError, RawTimestamp,
};

/// Cap for trace and span ids.
pub const MAX_ID_BYTES: usize = 128;
/// Cap for names, models, providers, sessions, users, prompt names and versions, statuses.
pub const MAX_LABEL_BYTES: usize = 512;
/// Cap for an error message.
pub const MAX_ERROR_BYTES: usize = 8192;
/// Cap for a `metadata` object's compact text.
pub const MAX_METADATA_BYTES: usize = 65_536;
/// Deepest nesting accepted in `metadata`.
pub const MAX_METADATA_DEPTH: usize = 32;
/// Latest accepted time: one day ahead of the server's clock (clock skew), in ms.
pub const MAX_FUTURE_MS: i64 = 24 * 3600 * 1000;
/// Earliest accepted time: 2000-01-01 (a 1970 time is a client bug, not a trace).
pub const MIN_TIME_MS: i64 = 946_684_800_000;

/// Caps that come from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub max_spans_per_trace: usize,
    pub max_batch_size: usize,
    /// Each of `input` and `output` (trace and span) is capped at this.
    pub max_content_bytes: usize,
}

impl Caps {
    pub fn from_config(c: &crate::config::LlmTracingConfig) -> Caps {
        Caps {
            max_spans_per_trace: c.max_spans_per_trace,
            max_batch_size: c.max_batch_size,
            max_content_bytes: c.max_payload_bytes,
        }
    }
}

/// A validated trace, ready for pricing and the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub id: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub name: String,
    pub status: String,
    pub input: Option<String>,
    pub output: Option<String>,
    /// A JSON object's compact text.
    pub metadata: Option<String>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub prompt_name: Option<String>,
    pub prompt_version: Option<String>,
    pub spans: Vec<Span>,
}

/// A validated span.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub id: String,
    pub parent_span_id: Option<String>,
    pub span_type: String,
    pub name: String,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// What the client said the call cost, in USD (`None` when it sent nothing or 0.0).
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i64>,
    pub time_to_first_token_ms: Option<i64>,
    /// `ok` or `error`.
    pub status: String,
    pub error_message: Option<String>,
    pub input: Option<String>,
    pub output: Option<String>,
    pub metadata: Option<String>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// How `input_tokens` relates to the cache counts (decided at validation, see [`Inclusive`]).
    pub input_includes_cache: bool,
}

/// A `PUT /v1/traces/{id}`: what changes on a trace sent earlier. Absent fields stay.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceUpdate {
    pub status: Option<String>,
    pub output: Option<String>,
    pub ended_at: Option<i64>,
    /// Usage reported for the trace as a whole (e.g. when a stream finished): it goes to the
    /// trace's only generation span, or to a span of its own (id `usage`) when there is not
    /// exactly one; sending it again replaces it.
    pub usage: Option<UsageUpdate>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct UsageUpdate {
    pub model: Option<String>,
    pub provider: Option<String>,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub cache_read_tokens: Option<u64>,
    pub cache_write_tokens: Option<u64>,
    pub cost_usd: Option<f64>,
}

#[derive(Deserialize)]
struct WireTrace<'a> {
    id: Option<String>,
    session_id: Option<String>,
    user_id: Option<String>,
    name: Option<String>,
    status: Option<String>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    #[serde(borrow)]
    output: Option<&'a RawValue>,
    #[serde(borrow)]
    metadata: Option<&'a RawValue>,
    started_at: Option<RawTimestamp>,
    ended_at: Option<RawTimestamp>,
    prompt_name: Option<String>,
    prompt_version: Option<Version>,
    #[serde(borrow, default)]
    spans: Option<Vec<WireSpan<'a>>>,
}

#[derive(Deserialize)]
struct WireSpan<'a> {
    id: Option<String>,
    parent_span_id: Option<String>,
    span_type: Option<String>,
    name: Option<String>,
    model: Option<String>,
    provider: Option<String>,
    input_tokens: Option<f64>,
    output_tokens: Option<f64>,
    cache_read_tokens: Option<f64>,
    cache_write_tokens: Option<f64>,
    cost: Option<f64>,
    latency_ms: Option<f64>,
    time_to_first_token_ms: Option<f64>,
    status: Option<String>,
    error_message: Option<String>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    #[serde(borrow)]
    output: Option<&'a RawValue>,
    #[serde(borrow)]
    metadata: Option<&'a RawValue>,
    started_at: Option<RawTimestamp>,
    ended_at: Option<RawTimestamp>,
}

#[derive(Deserialize)]
struct WireUpdate<'a> {
    status: Option<String>,
    #[serde(borrow)]
    output: Option<&'a RawValue>,
    ended_at: Option<RawTimestamp>,
    model: Option<String>,
    provider: Option<String>,
    input_tokens: Option<f64>,
    output_tokens: Option<f64>,
    cache_read_tokens: Option<f64>,
    cache_write_tokens: Option<f64>,
    cost: Option<f64>,
}

#[derive(Deserialize)]
struct WireBatch<'a> {
    #[serde(borrow)]
    traces: Option<Vec<&'a RawValue>>,
}

/// A prompt version as clients send it: a string or a number (`3`).
struct Version(String);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match v {
            serde_json::Value::String(s) => Ok(Version(s)),
            serde_json::Value::Number(n) => Ok(Version(n.to_string())),
            _ => Err(serde::de::Error::custom("expected a string or a number")),
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> EventError {
    EventError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

/// Parses one trace from its JSON bytes and validates it; `now` is the server's clock (ms).
pub fn parse_trace(bytes: &[u8], caps: &Caps, now: i64) -> Result<Trace, EventError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => invalid("body", "must be a JSON object (one trace)"),
                Err(e) => EventError::Malformed(e.to_string()),
            },
        );
    }
    let wire: WireTrace = match serde_json::from_slice(bytes) {
        Ok(w) => w,
        Err(e) => return Err(wire_error::<WireTrace>(bytes, e)),
    };
    validate_trace(wire, caps, now)
}

/// Parses a batch: `{"traces": [...]}`. The envelope must be sound (else the whole request is
/// refused); each trace is validated on its own, so one bad trace does not lose the others.
pub fn parse_batch(
    bytes: &[u8],
    caps: &Caps,
    now: i64,
) -> Result<Vec<Result<Trace, EventError>>, EventError> {
    let wire: WireBatch = match serde_json::from_slice(bytes) {
        Ok(w) => w,
        Err(e) => return Err(wire_error::<WireBatch>(bytes, e)),
    };
    let traces = wire
        .traces
        .ok_or_else(|| EventError::Missing("traces".into()))?;
    if traces.len() > caps.max_batch_size {
        return Err(EventError::TooMany {
            field: "traces".into(),
            count: traces.len(),
            limit: caps.max_batch_size,
        });
    }
    Ok(traces
        .into_iter()
        .map(|raw| parse_trace(raw.get().as_bytes(), caps, now))
        .collect())
}

/// Parses the body of `PUT /v1/traces/{id}`.
pub fn parse_update(bytes: &[u8], caps: &Caps, now: i64) -> Result<TraceUpdate, EventError> {
    let wire: WireUpdate = match serde_json::from_slice(bytes) {
        Ok(w) => w,
        Err(e) => return Err(wire_error::<WireUpdate>(bytes, e)),
    };
    let status = label("status", wire.status)?;
    let output = content("output", wire.output, caps)?;
    let ended_at = time("ended_at", wire.ended_at, now)?;
    let usage = UsageUpdate {
        model: label("model", wire.model)?,
        provider: label("provider", wire.provider)?,
        input_tokens: tokens("input_tokens", wire.input_tokens)?,
        output_tokens: tokens("output_tokens", wire.output_tokens)?,
        cache_read_tokens: tokens("cache_read_tokens", wire.cache_read_tokens)?,
        cache_write_tokens: tokens("cache_write_tokens", wire.cache_write_tokens)?,
        cost_usd: cost("cost", wire.cost)?,
    };
    let has_usage = usage.input_tokens.is_some()
        || usage.output_tokens.is_some()
        || usage.cache_read_tokens.is_some()
        || usage.cache_write_tokens.is_some()
        || usage.cost_usd.is_some();
    Ok(TraceUpdate {
        status,
        output,
        ended_at,
        usage: has_usage.then_some(usage),
    })
}

fn validate_trace(w: WireTrace<'_>, caps: &Caps, now: i64) -> Result<Trace, EventError> {
    let id = match w.id {
        Some(id) if !id.trim().is_empty() => {
            check_len("id", &id, MAX_ID_BYTES)?;
            id
        }
        _ => new_id(16),
    };
    let started_at = time("started_at", w.started_at, now)?.unwrap_or(now);
    let ended_at = time("ended_at", w.ended_at, now)?;
    if ended_at.is_some_and(|e| e < started_at) {
        return Err(invalid("ended_at", "is before started_at"));
    }
    let spans = w.spans.unwrap_or_default();
    if spans.len() > caps.max_spans_per_trace {
        return Err(EventError::TooMany {
            field: "spans".into(),
            count: spans.len(),
            limit: caps.max_spans_per_trace,
        });
    }
    let mut out = Vec::with_capacity(spans.len());
    for (i, s) in spans.into_iter().enumerate() {
        out.push(
            validate_span(s, caps, now, started_at)
                .map_err(|e| e.within(&format!("spans[{i}]")))?,
        );
    }
    let mut seen = std::collections::HashSet::with_capacity(out.len());
    for (i, s) in out.iter().enumerate() {
        if !seen.insert(s.id.as_str()) {
            return Err(invalid(
                &format!("spans[{i}].id"),
                format!("`{}` is used by an earlier span of this trace", s.id),
            ));
        }
    }
    cut_cycles(&mut out);
    Ok(Trace {
        id,
        session_id: label("session_id", w.session_id)?,
        user_id: label("user_id", w.user_id)?,
        name: label("name", w.name)?.unwrap_or_default(),
        status: label("status", w.status)?.unwrap_or_else(|| "completed".into()),
        input: content("input", w.input, caps)?,
        output: content("output", w.output, caps)?,
        metadata: metadata("metadata", w.metadata)?,
        started_at,
        ended_at,
        prompt_name: label("prompt_name", w.prompt_name)?,
        prompt_version: label("prompt_version", w.prompt_version.map(|v| v.0))?,
        spans: out,
    })
}

fn validate_span(
    w: WireSpan<'_>,
    caps: &Caps,
    now: i64,
    trace_start: i64,
) -> Result<Span, EventError> {
    let id = match w.id {
        Some(id) if !id.trim().is_empty() => {
            check_len("id", &id, MAX_ID_BYTES)?;
            id
        }
        _ => new_id(8),
    };
    let parent_span_id = match w.parent_span_id {
        Some(p) if !p.trim().is_empty() => {
            check_len("parent_span_id", &p, MAX_ID_BYTES)?;
            (p != id).then_some(p)
        }
        _ => None,
    };
    let started_at = time("started_at", w.started_at, now)?.unwrap_or(trace_start);
    let ended_at = time("ended_at", w.ended_at, now)?;
    if ended_at.is_some_and(|e| e < started_at) {
        return Err(invalid("ended_at", "is before started_at"));
    }
    let latency_ms = match duration("latency_ms", w.latency_ms)? {
        Some(l) => Some(l),
        None => ended_at.map(|e| e - started_at),
    };
    let error_message = match w.error_message {
        Some(m) if !m.is_empty() => {
            check_len("error_message", &m, MAX_ERROR_BYTES)?;
            Some(m)
        }
        _ => None,
    };
    let status = match label("status", w.status)? {
        Some(s) if s.eq_ignore_ascii_case("error") => "error".to_string(),
        Some(s) if s.eq_ignore_ascii_case("ok") => "ok".to_string(),
        Some(_) => return Err(invalid("status", "must be `ok` or `error`")),
        None if error_message.is_some() => "error".into(),
        None => "ok".into(),
    };
    let provider = label("provider", w.provider)?.map(|p| p.to_ascii_lowercase());
    let input_tokens = tokens("input_tokens", w.input_tokens)?.unwrap_or(0);
    let cache_read_tokens = tokens("cache_read_tokens", w.cache_read_tokens)?.unwrap_or(0);
    let cache_write_tokens = tokens("cache_write_tokens", w.cache_write_tokens)?.unwrap_or(0);
    let model = label("model", w.model)?;
    let input_includes_cache = Inclusive::decide(
        provider.as_deref(),
        model.as_deref(),
        input_tokens,
        cache_read_tokens,
        cache_write_tokens,
    );
    Ok(Span {
        id,
        parent_span_id,
        span_type: label("span_type", w.span_type)?
            .map(|t| t.to_ascii_lowercase())
            .unwrap_or_else(|| "generation".into()),
        name: label("name", w.name)?.unwrap_or_default(),
        model,
        provider,
        input_tokens,
        output_tokens: tokens("output_tokens", w.output_tokens)?.unwrap_or(0),
        cache_read_tokens,
        cache_write_tokens,
        cost_usd: cost("cost", w.cost)?,
        latency_ms,
        time_to_first_token_ms: duration("time_to_first_token_ms", w.time_to_first_token_ms)?,
        status,
        error_message,
        input: content("input", w.input, caps)?,
        output: content("output", w.output, caps)?,
        metadata: metadata("metadata", w.metadata)?,
        started_at,
        ended_at,
        input_includes_cache,
    })
}

/// Whether a span's `input_tokens` already counts its cached tokens.
///
/// Clients report usage as their provider does: OpenAI's `prompt_tokens` and OpenTelemetry's
/// `gen_ai.usage.input_tokens` include cached tokens; Anthropic's `input_tokens` does not (its
/// cache reads and writes come on top). So: Anthropic (by provider, or a `claude` model) is
/// exclusive, everything else inclusive, except that cache counts larger than the input can
/// only mean they were not inside it.
pub struct Inclusive;

impl Inclusive {
    pub fn decide(
        provider: Option<&str>,
        model: Option<&str>,
        input: u64,
        cache_read: u64,
        cache_write: u64,
    ) -> bool {
        let anthropic = provider.is_some_and(|p| p.eq_ignore_ascii_case("anthropic"))
            || (provider.is_none()
                && model.is_some_and(|m| m.to_ascii_lowercase().contains("claude")));
        !anthropic && cache_read.saturating_add(cache_write) <= input
    }
}

/// Cuts parent loops: a span whose chain of parents comes back to itself loses its parent.
fn cut_cycles(spans: &mut [Span]) {
    let index: std::collections::HashMap<String, usize> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    for start in 0..spans.len() {
        let mut at = start;
        let mut steps = 0;
        while let Some(p) = spans[at]
            .parent_span_id
            .as_ref()
            .and_then(|p| index.get(p).copied())
        {
            if p == start {
                spans[start].parent_span_id = None;
                break;
            }
            at = p;
            steps += 1;
            if steps > spans.len() {
                // A loop that does not pass through `start`: it is cut when its own turn comes.
                break;
            }
        }
    }
}

/// A random id of `bytes` bytes, as lowercase hex.
pub fn new_id(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::Rng::fill(&mut rand::rng(), &mut b[..]);
    hex::encode(b)
}

fn label(field: &str, v: Option<String>) -> Result<Option<String>, EventError> {
    match v {
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => {
            check_len(field, &s, MAX_LABEL_BYTES)?;
            Ok(Some(s))
        }
        None => Ok(None),
    }
}

fn time(field: &str, v: Option<RawTimestamp>, now: i64) -> Result<Option<i64>, EventError> {
    let Some(RawTimestamp(raw)) = v else {
        return Ok(None);
    };
    if raw == 0.0 {
        // Clients send 0 for "not known yet".
        return Ok(None);
    }
    let ms = normalize_timestamp(raw)
        .ok_or_else(|| invalid(field, "must be an epoch time in seconds or milliseconds"))?;
    if ms < MIN_TIME_MS {
        return Err(invalid(field, "is before the year 2000"));
    }
    if ms > now + MAX_FUTURE_MS {
        return Err(invalid(field, "is more than a day in the future"));
    }
    Ok(Some(ms))
}

/// A count: a whole number ≥ 0 (sent as a JSON number).
fn tokens(field: &str, v: Option<f64>) -> Result<Option<u64>, EventError> {
    match v {
        None => Ok(None),
        Some(n) if !n.is_finite() => Err(invalid(field, "must be a finite number")),
        Some(n) if n < 0.0 => Err(invalid(field, "must be ≥ 0")),
        Some(n) if n.fract() != 0.0 => Err(invalid(field, "must be a whole number")),
        Some(n) if n > 1e15 => Err(invalid(field, "must be ≤ 10^15")),
        Some(n) => Ok(Some(n as u64)),
    }
}

/// A duration in ms: ≥ 0, at most a week.
fn duration(field: &str, v: Option<f64>) -> Result<Option<i64>, EventError> {
    match v {
        None => Ok(None),
        Some(n) if !n.is_finite() => Err(invalid(field, "must be a finite number")),
        Some(n) if n < 0.0 => Err(invalid(field, "must be ≥ 0")),
        Some(n) if n > 7.0 * 86_400_000.0 => Err(invalid(field, "must be at most a week")),
        Some(n) => Ok(Some(n.round() as i64)),
    }
}

/// A client cost in USD: `None` for absent or 0.0 (existing clients' "unknown").
fn cost(field: &str, v: Option<f64>) -> Result<Option<f64>, EventError> {
    match v {
        None => Ok(None),
        Some(n) if !n.is_finite() => Err(invalid(field, "must be a finite number")),
        Some(n) if n < 0.0 => Err(invalid(field, "must be ≥ 0")),
        Some(n) if n > 1e6 => Err(invalid(field, "must be at most 1,000,000 USD")),
        Some(0.0) => Ok(None),
        Some(n) => Ok(Some(n)),
    }
}

/// Prompt or completion text: a string as is, any other JSON as its compact text.
fn content(field: &str, v: Option<&RawValue>, caps: &Caps) -> Result<Option<String>, EventError> {
    let Some(raw) = v else { return Ok(None) };
    let text = raw.get();
    let s = if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|e| invalid(field, e.to_string()))?
    } else if text == "null" {
        return Ok(None);
    } else {
        // Compact it (whitespace in the client's JSON is not content).
        serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| invalid(field, e.to_string()))?
            .to_string()
    };
    if s.is_empty() {
        return Ok(None);
    }
    check_len(field, &s, caps.max_content_bytes)?;
    Ok(Some(s))
}

fn metadata(field: &str, v: Option<&RawValue>) -> Result<Option<String>, EventError> {
    let Some(raw) = v else { return Ok(None) };
    let text = raw.get();
    if text == "null" {
        return Ok(None);
    }
    if !text.starts_with('{') {
        return Err(invalid(field, "must be a JSON object"));
    }
    check_len(field, text, MAX_METADATA_BYTES)?;
    let depth = json_depth(text);
    if depth > MAX_METADATA_DEPTH {
        return Err(EventError::TooDeep {
            field: field.into(),
            depth,
            limit: MAX_METADATA_DEPTH,
        });
    }
    Ok(Some(text.to_string()))
}

impl Trace {
    /// Applies a content policy: `none` keeps no prompt, completion or metadata; `metadata_only`
    /// keeps metadata; `full` keeps everything. Counts, cost, timing, model, status, names and
    /// error messages are kept under every policy.
    pub fn apply_policy(&mut self, policy: ContentStorage) {
        if policy == ContentStorage::Full {
            return;
        }
        self.input = None;
        self.output = None;
        if policy == ContentStorage::None {
            self.metadata = None;
        }
        for s in &mut self.spans {
            s.input = None;
            s.output = None;
            if policy == ContentStorage::None {
                s.metadata = None;
            }
        }
    }
}

impl Trace {
    /// Scrubs what a trace carries of its users' data (see [`crate::scrub`]): prompts,
    /// completions (JSON as JSON), metadata and error messages, the trace's and each span's.
    /// Names, models, ids and counts are labels and stay.
    pub fn scrub(&mut self, s: &crate::scrub::Scrubber) {
        s.opt_content(&mut self.input);
        s.opt_content(&mut self.output);
        s.opt_json(&mut self.metadata);
        for span in &mut self.spans {
            s.opt_content(&mut span.input);
            s.opt_content(&mut span.output);
            s.opt_json(&mut span.metadata);
            s.opt_text(&mut span.error_message);
        }
    }
}

impl TraceUpdate {
    pub fn apply_policy(&mut self, policy: ContentStorage) {
        if policy != ContentStorage::Full {
            self.output = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn caps() -> Caps {
        Caps {
            max_spans_per_trace: 3,
            max_batch_size: 2,
            max_content_bytes: 100,
        }
    }

    fn parse(v: serde_json::Value) -> Result<Trace, EventError> {
        parse_trace(v.to_string().as_bytes(), &caps(), NOW)
    }

    #[test]
    fn a_minimal_trace_gets_ids_times_and_defaults() {
        let t =
            parse(serde_json::json!({"spans": [{"model": "gpt-4o", "input_tokens": 10}]})).unwrap();
        assert_eq!(t.id.len(), 32);
        assert_eq!(t.status, "completed");
        assert_eq!(t.started_at, NOW);
        assert_eq!(t.spans[0].span_type, "generation");
        assert_eq!(t.spans[0].id.len(), 16);
        assert_eq!(t.spans[0].started_at, NOW);
        assert_eq!(t.spans[0].status, "ok");
        assert!(t.spans[0].input_includes_cache);
    }

    #[test]
    fn bad_numbers_name_their_field() {
        let cases = [
            (
                serde_json::json!({"spans": [{"input_tokens": -1}]}),
                "spans[0].input_tokens",
            ),
            (
                serde_json::json!({"spans": [{"cost": -0.5}]}),
                "spans[0].cost",
            ),
            (
                serde_json::json!({"spans": [{"output_tokens": 1.5}]}),
                "spans[0].output_tokens",
            ),
            (
                serde_json::json!({"spans": [{"latency_ms": -3}]}),
                "spans[0].latency_ms",
            ),
            (
                serde_json::json!({"started_at": 1_700_000_000_000i64, "ended_at": 1_600_000_000_000i64}),
                "ended_at",
            ),
            (serde_json::json!({"started_at": 5}), "started_at"),
            (
                serde_json::json!({"started_at": NOW + 3 * 86_400_000}),
                "started_at",
            ),
            (
                serde_json::json!({"spans": [{"id": "a"}, {"id": "a"}]}),
                "spans[1].id",
            ),
            (serde_json::json!({"spans": [{}, {}, {}, {}]}), "spans"),
            (serde_json::json!({"input": "x".repeat(101)}), "input"),
            (serde_json::json!({"metadata": [1]}), "metadata"),
            (
                serde_json::json!({"spans": [{"status": "weird"}]}),
                "spans[0].status",
            ),
            (serde_json::json!({"id": "x".repeat(129)}), "id"),
        ];
        for (body, field) in cases {
            let e = parse(body.clone()).unwrap_err();
            assert_eq!(e.field(), Some(field), "{body}: {e}");
        }
        // Wrong types are named too.
        let e = parse(serde_json::json!({"spans": [{"input_tokens": "ten"}]})).unwrap_err();
        assert_eq!(e.field(), Some("spans[0].input_tokens"), "{e}");
        // NaN cannot be written in JSON; a non-object body is refused.
        assert!(matches!(
            parse_trace(b"[1]", &caps(), NOW),
            Err(EventError::Invalid { .. })
        ));
        assert!(matches!(
            parse_trace(b"{nope", &caps(), NOW),
            Err(EventError::Malformed(_))
        ));
    }

    #[test]
    fn deep_metadata_is_refused_not_a_crash() {
        let deep = format!("{}{}", "{\"a\":".repeat(10_000), "1}".repeat(10_000));
        let body = format!("{{\"metadata\": {deep}}}");
        assert!(parse_trace(body.as_bytes(), &caps(), NOW).is_err());
        let body = format!(
            "{{\"metadata\": {}1{}}}",
            "{\"a\":".repeat(40),
            "}".repeat(40)
        );
        let e = parse_trace(body.as_bytes(), &caps(), NOW).unwrap_err();
        assert!(matches!(e, EventError::TooDeep { .. }), "{e}");
    }

    #[test]
    fn zero_cost_means_unknown_and_json_content_is_kept_as_text() {
        let t = parse(serde_json::json!({
            "input": [{"role": "user", "content": "hi"}],
            "spans": [{"cost": 0.0}, {"cost": 0.25}]
        }))
        .unwrap();
        assert_eq!(
            t.input.as_deref(),
            Some(r#"[{"content":"hi","role":"user"}]"#)
        );
        assert_eq!(t.spans[0].cost_usd, None);
        assert_eq!(t.spans[1].cost_usd, Some(0.25));
    }

    #[test]
    fn missing_parents_stay_and_loops_are_cut() {
        let t = parse(serde_json::json!({"spans": [
            {"id": "a", "parent_span_id": "b"},
            {"id": "b", "parent_span_id": "a"},
            {"id": "c", "parent_span_id": "gone"}
        ]}))
        .unwrap();
        let parents: Vec<_> = t.spans.iter().map(|s| s.parent_span_id.clone()).collect();
        // One edge of the loop is cut; the span with a missing parent keeps it.
        assert_eq!(parents.iter().filter(|p| p.is_none()).count(), 1);
        assert_eq!(parents[2].as_deref(), Some("gone"));
    }

    #[test]
    fn anthropic_input_excludes_cache_and_others_include_it() {
        assert!(!Inclusive::decide(Some("anthropic"), None, 100, 10, 10));
        assert!(!Inclusive::decide(
            None,
            Some("claude-3-5-sonnet"),
            100,
            10,
            10
        ));
        assert!(Inclusive::decide(
            Some("openai"),
            Some("gpt-4o"),
            100,
            60,
            0
        ));
        assert!(!Inclusive::decide(
            Some("openai"),
            Some("gpt-4o"),
            100,
            160,
            0
        ));
    }

    #[test]
    fn batches_validate_each_trace_alone() {
        let body = serde_json::json!({"traces": [{"name": "ok"}, {"spans": [{"cost": -1}]}]});
        let got = parse_batch(body.to_string().as_bytes(), &caps(), NOW).unwrap();
        assert!(got[0].is_ok());
        assert_eq!(got[1].as_ref().unwrap_err().field(), Some("spans[0].cost"));
        let body = serde_json::json!({"traces": [{}, {}, {}]});
        assert!(matches!(
            parse_batch(body.to_string().as_bytes(), &caps(), NOW),
            Err(EventError::TooMany { .. })
        ));
    }

    #[test]
    fn policy_none_keeps_numbers_and_errors_only() {
        let mut t = parse(serde_json::json!({"input": "secret", "metadata": {"a": 1},
            "spans": [{"input": "p", "output": "c", "error_message": "boom", "input_tokens": 5}]}))
        .unwrap();
        t.apply_policy(ContentStorage::None);
        assert_eq!(t.input, None);
        assert_eq!(t.metadata, None);
        assert_eq!(t.spans[0].input, None);
        assert_eq!(t.spans[0].output, None);
        assert_eq!(t.spans[0].error_message.as_deref(), Some("boom"));
        assert_eq!(t.spans[0].input_tokens, 5);
    }
}
