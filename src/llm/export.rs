//! Traces exported in two foreign formats: LangSmith runs (LLM-FACTS §6.3) and OTLP/JSON
//! (`ExportTraceServiceRequest`, the body an OpenTelemetry exporter posts). Pure functions over
//! what [`crate::store::llm_browse::export_traces`] read; the query and its limits live there.
//!
//! Ids are derived, not random, so that exporting twice gives the same document and links
//! resolve: SHA-256 over the length-prefixed project, trace id (and span id), cut to a UUID
//! (version nibble 5, RFC 4122 variant) for LangSmith, to 16 bytes (trace) / 8 bytes (span) of
//! hex for OTLP.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::store::llm_browse::{ExportTrace, SpanRow, TreeIndex};
use crate::store::llm_usage::micros_to_usd;

fn digest(parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"bloop-export");
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

/// A UUID (version 5 layout) derived from `parts`.
pub fn uuid(parts: &[&str]) -> String {
    let d = digest(parts);
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The parts of epoch ms `ms`: (y, mo, d, h, mi, s, µs).
fn parts(ms: i64) -> (i64, u32, u32, i64, i64, i64, i64) {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000);
    let (y, mo, d) = crate::timefmt::civil_from_days(days);
    (
        y,
        mo,
        d,
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000 * 1000,
    )
}

/// ISO 8601 with microseconds: `2026-11-30T23:27:19.123000Z`.
pub fn iso(ms: i64) -> String {
    let (y, mo, d, h, mi, s, us) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{us:06}Z")
}

/// The `dotted_order` time stamp: `20261130T232719123000Z` (always microseconds, so the
/// strings of one trace sort as their times).
pub fn dotted_time(ms: i64) -> String {
    let (y, mo, d, h, mi, s, us) = parts(ms);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}{us:06}Z")
}

/// A run's `inputs`/`outputs`: a JSON object as is, a JSON array as `{"messages": […]}`,
/// anything else as `{key: text}`; nothing → `{}`.
fn io(text: Option<&str>, key: &str) -> Value {
    let Some(t) = text else {
        return json!({});
    };
    match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(o)) => Value::Object(o),
        Ok(Value::Array(a)) => json!({ "messages": a }),
        _ => json!({ (key): t }),
    }
}

fn run_type(span_type: &str) -> &'static str {
    match span_type {
        "generation" => "llm",
        "tool" => "tool",
        "retrieval" => "retriever",
        "embedding" => "embedding",
        _ => "chain",
    }
}

/// Prompt tokens as OpenAI and OpenTelemetry count them: cache reads and writes included.
fn prompt_tokens(s: &SpanRow) -> i64 {
    if s.input_includes_cache {
        s.input_tokens
    } else {
        s.input_tokens + s.cache_read_tokens + s.cache_write_tokens
    }
}

fn span_end(s: &SpanRow) -> Option<i64> {
    s.ended_at
        .or_else(|| s.latency_ms.map(|l| s.started_at.saturating_add(l)))
}

/// USD, or null for unpriced.
fn usd(micros: Option<i64>) -> Value {
    micros.map_or(Value::Null, |m| json!(micros_to_usd(m)))
}

/// What a failed span says went wrong (`error` when it said nothing).
fn error_text(s: &SpanRow) -> String {
    s.error_message.clone().unwrap_or_else(|| "error".into())
}

/// A stored metadata value as a run's `extra.metadata` object (a non-object under `metadata`).
fn meta_object(metadata: &Option<Value>) -> Map<String, Value> {
    match metadata {
        Some(Value::Object(o)) => o.clone(),
        Some(other) => Map::from_iter([("metadata".to_string(), other.clone())]),
        None => Map::new(),
    }
}

/// The traces as LangSmith runs: `{"runs": […]}`, for each trace its root run (`chain`) then
/// its spans' runs in start order. A span whose parent is not in the trace hangs under the root
/// run, so every `parent_run_id` names a run of the document.
pub fn langsmith(traces: &[ExportTrace]) -> Value {
    let mut runs = Vec::new();
    for t in traces {
        let tr = &t.trace;
        let root_id = uuid(&[&tr.project_id, &tr.id]);
        let root_dotted = format!("{}{}", dotted_time(tr.started_at), root_id);
        let span_ids: Vec<String> = t
            .spans
            .iter()
            .map(|s| uuid(&[&tr.project_id, &tr.id, &s.id]))
            .collect();
        // The tree as the trace detail shows it (cycles and missing parents cut).
        let TreeIndex {
            parent,
            roots,
            children: kids,
        } = TreeIndex::of(&t.spans);
        // Dotted orders need the parent's first: follow the tree in pre-order.
        let mut dotted: Vec<String> = vec![String::new(); t.spans.len()];
        let mut stack: Vec<(usize, String)> = roots
            .iter()
            .rev()
            .map(|&i| (i, root_dotted.clone()))
            .collect();
        while let Some((i, prefix)) = stack.pop() {
            let Some(s) = t.spans.get(i) else { continue };
            let d = format!("{prefix}.{}{}", dotted_time(s.started_at), span_ids[i]);
            for &c in kids[i].iter().rev() {
                stack.push((c, d.clone()));
            }
            dotted[i] = d;
        }

        // The root run is the trace itself: it failed when the trace says so (a failed tool
        // call the agent recovered from shows on its own run), with its first span error.
        let error = (tr.status == "error").then(|| {
            t.spans
                .iter()
                .find(|s| s.status == "error")
                .map_or_else(|| "error".into(), error_text)
        });
        let mut meta = meta_object(&t.metadata);
        for (k, v) in [
            ("session_id", &tr.session_id),
            ("user_id", &tr.user_id),
            ("prompt_name", &tr.prompt_name),
            ("prompt_version", &tr.prompt_version),
            ("ls_model_name", &tr.model),
        ] {
            if let Some(v) = v {
                meta.insert(k.into(), json!(v));
            }
        }
        meta.insert("bloop_project".into(), json!(tr.project_id));
        meta.insert("bloop_trace_id".into(), json!(tr.id));
        let prompt: i64 = t.spans.iter().map(prompt_tokens).sum();
        runs.push(json!({
            "id": root_id,
            "name": tr.name,
            "run_type": "chain",
            "start_time": iso(tr.started_at),
            "end_time": tr.ended_at.map(iso),
            "inputs": io(t.input.as_deref(), "input"),
            "outputs": io(t.output.as_deref(), "output"),
            "error": error,
            "status": if error.is_some() { "error" } else if tr.ended_at.is_none() && tr.status == "running" { "pending" } else { "success" },
            "trace_id": root_id,
            "parent_run_id": null,
            "dotted_order": root_dotted,
            "child_run_ids": roots.iter().map(|&i| &span_ids[i]).collect::<Vec<_>>(),
            "session_name": tr.project_id,
            "extra": {"metadata": meta},
            "tags": [],
            "prompt_tokens": prompt,
            "completion_tokens": tr.output_tokens,
            "total_tokens": prompt + tr.output_tokens,
            "total_cost": usd(tr.cost_micros),
        }));
        for (i, s) in t.spans.iter().enumerate() {
            let mut meta = meta_object(&s.metadata);
            if let Some(p) = &s.provider {
                meta.insert("ls_provider".into(), json!(p));
            }
            if let Some(m) = &s.model {
                meta.insert("ls_model_name".into(), json!(m));
            }
            meta.insert("span_type".into(), json!(s.span_type));
            meta.insert("bloop_span_id".into(), json!(s.id));
            if s.cache_read_tokens > 0 {
                meta.insert("cache_read_tokens".into(), json!(s.cache_read_tokens));
            }
            if s.cache_write_tokens > 0 {
                meta.insert("cache_write_tokens".into(), json!(s.cache_write_tokens));
            }
            if let Some(src) = &s.cost_source {
                meta.insert("cost_source".into(), json!(src));
            }
            let parent = parent[i].map_or(root_id.clone(), |p| span_ids[p].clone());
            let err = s.status == "error";
            let prompt = prompt_tokens(s);
            runs.push(json!({
                "id": span_ids[i],
                "name": s.name,
                "run_type": run_type(&s.span_type),
                "start_time": iso(s.started_at),
                "end_time": span_end(s).map(iso),
                "inputs": io(s.input.as_deref(), "input"),
                "outputs": io(s.output.as_deref(), "output"),
                "error": err.then(|| error_text(s)),
                "status": if err { "error" } else { "success" },
                "trace_id": root_id,
                "parent_run_id": parent,
                "dotted_order": dotted[i],
                "child_run_ids": kids[i].iter().map(|&c| &span_ids[c]).collect::<Vec<_>>(),
                "session_name": tr.project_id,
                "extra": {"metadata": meta},
                "tags": [],
                "prompt_tokens": prompt,
                "completion_tokens": s.output_tokens,
                "total_tokens": prompt + s.output_tokens,
                "total_cost": usd(s.cost_micros),
                "first_token_time": s.ttft_ms.map(|t| iso(s.started_at.saturating_add(t))),
            }));
        }
    }
    json!({ "runs": runs })
}

fn sv(s: &str) -> Value {
    json!({ "stringValue": s })
}

fn kv(key: &str, value: Value) -> Value {
    json!({ "key": key, "value": value })
}

/// An OTLP/JSON `AnyValue` for a metadata value (int64 as a string, as OTLP/JSON wants; arrays
/// and objects as their JSON text).
fn any(v: &Value) -> Option<Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => json!({ "boolValue": b }),
        Value::Number(n) => match n.as_i64() {
            Some(i) => json!({ "intValue": i.to_string() }),
            None => json!({ "doubleValue": n.as_f64() }),
        },
        Value::String(s) => sv(s),
        other => sv(&other.to_string()),
    })
}

/// Attribute name prefixes bloop maps on ingest: metadata keys under them are not exported as
/// attributes (the stored columns are, under their own names), so they cannot override them.
const MAPPED_PREFIXES: &[&str] = &[
    "gen_ai.",
    "llm.",
    "openinference.",
    "input.",
    "output.",
    "session.",
    "user.",
    "langfuse.",
    "traceloop.",
    "ai.",
];

fn ns(ms: i64) -> String {
    (i128::from(ms) * 1_000_000).to_string()
}

/// The traces as one OTLP/JSON `ExportTraceServiceRequest`: a resource per project
/// (`service.name` = the project), scope `bloop`, one span per stored span with hex ids, times
/// in ns as strings, the `gen_ai.*` attributes (operation, model, provider, usage, cost,
/// conversation = session), `user.id`, the prompt's name and version, content as `input.value`
/// / `output.value` (when stored), metadata as attributes, and status code 2 for errors.
/// Input tokens are exported as OpenTelemetry counts them: cache reads and writes included.
pub fn otlp(traces: &[ExportTrace]) -> Value {
    let mut by_project: Vec<(String, Vec<Value>)> = Vec::new();
    for t in traces {
        let tr = &t.trace;
        let trace_id = hex::encode(&digest(&[&tr.project_id, &tr.id])[..16]);
        let span_hex = |id: &str| hex::encode(&digest(&[&tr.project_id, &tr.id, id])[..8]);
        let spans = t.spans.iter().map(|s| {
            let mut attrs = Vec::new();
            let op = match s.span_type.as_str() {
                "generation" => Some("chat"),
                "embedding" => Some("embeddings"),
                "tool" => Some("execute_tool"),
                "retrieval" => Some("retrieval"),
                "agent" => Some("invoke_agent"),
                "chain" => Some("chain"),
                _ => None,
            };
            match op {
                Some(op) => attrs.push(kv("gen_ai.operation.name", sv(op))),
                None => attrs.push(kv("bloop.span_type", sv(&s.span_type))),
            }
            if let Some(m) = &s.model {
                attrs.push(kv("gen_ai.request.model", sv(m)));
            }
            if let Some(p) = &s.provider {
                attrs.push(kv("gen_ai.provider.name", sv(p)));
            }
            let tokens =
                s.input_tokens + s.output_tokens + s.cache_read_tokens + s.cache_write_tokens;
            if s.model.is_some() || tokens > 0 {
                let int = |n: i64| json!({ "intValue": n.to_string() });
                attrs.push(kv("gen_ai.usage.input_tokens", int(prompt_tokens(s))));
                attrs.push(kv("gen_ai.usage.output_tokens", int(s.output_tokens)));
                if s.cache_read_tokens > 0 {
                    attrs.push(kv(
                        "gen_ai.usage.cache_read.input_tokens",
                        int(s.cache_read_tokens),
                    ));
                }
                if s.cache_write_tokens > 0 {
                    attrs.push(kv(
                        "gen_ai.usage.cache_creation.input_tokens",
                        int(s.cache_write_tokens),
                    ));
                }
            }
            if let Some(c) = s.cost_micros.filter(|c| *c > 0) {
                attrs.push(kv(
                    "gen_ai.usage.cost",
                    json!({ "doubleValue": c as f64 / 1e6 }),
                ));
            }
            if let Some(ttft) = s.ttft_ms {
                attrs.push(kv(
                    "gen_ai.response.time_to_first_chunk",
                    json!({ "doubleValue": ttft as f64 / 1000.0 }),
                ));
            }
            for (k, v) in [
                ("gen_ai.conversation.id", &tr.session_id),
                ("user.id", &tr.user_id),
                ("gen_ai.prompt.name", &tr.prompt_name),
                ("gen_ai.prompt.version", &tr.prompt_version),
                ("input.value", &s.input),
                ("output.value", &s.output),
            ] {
                if let Some(v) = v {
                    attrs.push(kv(k, sv(v)));
                }
            }
            if let Some(Value::Object(m)) = &s.metadata {
                for (k, v) in m {
                    if MAPPED_PREFIXES.iter().any(|p| k.starts_with(p)) || k.starts_with("bloop.") {
                        continue;
                    }
                    if let Some(v) = any(v) {
                        attrs.push(kv(k, v));
                    }
                }
            }
            let mut span = json!({
                "traceId": trace_id,
                "spanId": span_hex(&s.id),
                "name": s.name,
                "kind": if s.span_type == "generation" { 3 } else { 1 },
                "startTimeUnixNano": ns(s.started_at),
                "endTimeUnixNano": span_end(s).map_or_else(|| "0".to_string(), ns),
                "attributes": attrs,
                "status": if s.status == "error" {
                    json!({"code": 2, "message": s.error_message.clone().unwrap_or_default()})
                } else {
                    json!({})
                },
            });
            if let (Some(p), Some(o)) = (&s.parent_span_id, span.as_object_mut()) {
                o.insert("parentSpanId".into(), json!(span_hex(p)));
            }
            span
        });
        match by_project.iter_mut().find(|(p, _)| *p == tr.project_id) {
            Some((_, v)) => v.extend(spans),
            None => by_project.push((tr.project_id.clone(), spans.collect())),
        }
    }
    let resource_spans: Vec<Value> = by_project
        .into_iter()
        .map(|(project, spans)| {
            json!({
                "resource": {"attributes": [kv("service.name", sv(&project))]},
                "scopeSpans": [{
                    "scope": {"name": "bloop", "version": env!("CARGO_PKG_VERSION")},
                    "spans": spans,
                }],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_as_iso_and_dotted_order_stamps() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(iso(1_700_000_000_123), "2023-11-14T22:13:20.123000Z");
        assert_eq!(dotted_time(1_700_000_000_123), "20231114T221320123000Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000000Z");
        assert_eq!(iso(-1), "1969-12-31T23:59:59.999000Z");
    }

    #[test]
    fn uuids_are_stable_versioned_and_distinct() {
        let a = uuid(&["p", "t"]);
        assert_eq!(a, uuid(&["p", "t"]));
        assert_ne!(a, uuid(&["p", "t", "s"]));
        assert_ne!(
            uuid(&["pt", ""]),
            uuid(&["p", "t"]),
            "parts are length-prefixed"
        );
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn inputs_keep_objects_wrap_messages_and_text() {
        assert_eq!(io(None, "input"), json!({}));
        assert_eq!(io(Some("hi"), "input"), json!({"input": "hi"}));
        assert_eq!(io(Some("{\"q\":1}"), "input"), json!({"q": 1}));
        assert_eq!(
            io(Some("[{\"role\":\"user\"}]"), "input"),
            json!({"messages": [{"role": "user"}]})
        );
        assert_eq!(io(Some("42"), "output"), json!({"output": "42"}));
    }
}
