//! Anthropic Messages answers: a `message` body, or a stream of `message_start`,
//! `content_block_*`, `message_delta` and `message_stop` events (`ping` and unknown ones
//! ignored).
//!
//! Usage (LLM-FACTS §4.3–4.4): `input_tokens` excludes the cache counts; in a stream,
//! `message_start` gives input and cache counts, and each `message_delta` carries cumulative
//! totals: its `output_tokens` replaces the earlier figure, its input and cache counts replace
//! the start's only when present.

use std::time::Instant;

use serde_json::Value;

use super::{Capture, Tokens};

fn set(target: &mut u64, v: Option<&Value>) {
    if let Some(n) = v.and_then(Value::as_u64) {
        *target = n;
    }
}

fn usage(t: &mut Tokens, u: &Value) {
    set(&mut t.input, u.get("input_tokens"));
    set(&mut t.output, u.get("output_tokens"));
    set(&mut t.cache_read, u.get("cache_read_input_tokens"));
    set(&mut t.cache_write, u.get("cache_creation_input_tokens"));
}

fn model(c: &mut Capture, v: &Value) {
    if let Some(m) = v.get("model").and_then(Value::as_str) {
        c.model = Some(m.to_string());
    }
}

/// A whole `message`.
pub(super) fn message_body(c: &mut Capture, v: &Value) {
    model(c, v);
    if let Some(u) = v.get("usage").filter(|u| u.is_object()) {
        let mut t = Tokens::default();
        usage(&mut t, u);
        c.tokens = Some(t);
    }
    c.finish_reason = v
        .get("stop_reason")
        .and_then(Value::as_str)
        .map(str::to_string);
    for block in v
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match block.get("type").and_then(Value::as_str) {
            Some("text") => {
                if let Some(t) = block.get("text").and_then(Value::as_str) {
                    c.text(t);
                }
            }
            Some("tool_use") => c.text(&block.to_string()),
            _ => {}
        }
    }
}

/// One stream event.
pub(super) fn message_event(c: &mut Capture, name: Option<&str>, v: &Value, now: Instant) {
    let kind = v.get("type").and_then(Value::as_str).or(name).unwrap_or("");
    match kind {
        "message_start" => {
            if let Some(m) = v.get("message") {
                model(c, m);
                if let Some(u) = m.get("usage").filter(|u| u.is_object()) {
                    usage(c.tokens.get_or_insert_with(Tokens::default), u);
                }
            }
        }
        "content_block_start" => {
            if let Some(b) = v
                .get("content_block")
                .filter(|b| b.get("type").and_then(Value::as_str) == Some("tool_use"))
            {
                if let Some(n) = b.get("name").and_then(Value::as_str) {
                    c.text(n);
                }
            }
        }
        "content_block_delta" => {
            let d = v.get("delta");
            match d.and_then(|d| d.get("type")).and_then(Value::as_str) {
                Some("text_delta") => {
                    c.first(now);
                    if let Some(t) = d.and_then(|d| d.get("text")).and_then(Value::as_str) {
                        c.text(t);
                    }
                }
                Some("input_json_delta") => {
                    c.first(now);
                    if let Some(t) = d
                        .and_then(|d| d.get("partial_json"))
                        .and_then(Value::as_str)
                    {
                        c.text(t);
                    }
                }
                _ => {}
            }
        }
        "message_delta" => {
            if let Some(r) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
                c.finish_reason = Some(r.to_string());
            }
            if let Some(u) = v.get("usage").filter(|u| u.is_object()) {
                usage(c.tokens.get_or_insert_with(Tokens::default), u);
            }
        }
        "error" => {
            c.error = super::error_message(v).or_else(|| Some("stream error".into()));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_stream_takes_input_from_the_start_and_output_from_the_last_delta() {
        let mut c = Capture::new(true, 1 << 20);
        let t0 = Instant::now();
        for (name, v) in [
            (
                "message_start",
                json!({"type":"message_start","message":{"model":"claude-3-5-sonnet-20241022","usage":{"input_tokens":1000,"cache_creation_input_tokens":500,"cache_read_input_tokens":2000,"output_tokens":1}}}),
            ),
            ("ping", json!({"type":"ping"})),
            (
                "content_block_delta",
                json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}),
            ),
            (
                "message_delta",
                json!({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":100}}),
            ),
            (
                "message_delta",
                json!({"type":"message_delta","delta":{},"usage":{"output_tokens":250}}),
            ),
        ] {
            message_event(&mut c, Some(name), &v, t0);
        }
        assert_eq!(
            c.tokens,
            Some(Tokens {
                input: 1000,
                output: 250,
                cache_read: 2000,
                cache_write: 500,
                reasoning: 0
            }),
            "cumulative, never summed"
        );
        assert_eq!(c.finish_reason.as_deref(), Some("end_turn"));
        assert_eq!(c.completion.as_deref(), Some("Hello"));
        assert_eq!(c.first_token, Some(t0));
    }
}
