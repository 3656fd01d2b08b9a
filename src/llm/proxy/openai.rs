//! OpenAI answers: Chat Completions (a body, or `chat.completion.chunk` events ending with
//! `[DONE]`) and the Responses API (a body, or typed events ending with `response.completed`).
//!
//! Usage (LLM-FACTS §3.3): `prompt_tokens` includes `prompt_tokens_details.cached_tokens`;
//! reasoning tokens are part of `completion_tokens` (kept apart as well, for the record).

use std::time::Instant;

use serde_json::Value;

use super::{count, Capture, Tokens};

fn chat_usage(u: &Value) -> Option<Tokens> {
    u.as_object()?;
    Some(Tokens {
        input: count(u.get("prompt_tokens")),
        output: count(u.get("completion_tokens")),
        cache_read: count(u.pointer("/prompt_tokens_details/cached_tokens")),
        cache_write: 0,
        reasoning: count(u.pointer("/completion_tokens_details/reasoning_tokens")),
    })
}

fn responses_usage(u: &Value) -> Option<Tokens> {
    u.as_object()?;
    Some(Tokens {
        input: count(u.get("input_tokens")),
        output: count(u.get("output_tokens")),
        cache_read: count(u.pointer("/input_tokens_details/cached_tokens")),
        cache_write: 0,
        reasoning: count(u.pointer("/output_tokens_details/reasoning_tokens")),
    })
}

fn model(c: &mut Capture, v: &Value) {
    if let Some(m) = v.get("model").and_then(Value::as_str) {
        c.model = Some(m.to_string());
    }
}

/// A whole `chat.completion`.
pub(super) fn chat_body(c: &mut Capture, v: &Value) {
    model(c, v);
    c.tokens = v.get("usage").and_then(chat_usage);
    let Some(choice) = v.pointer("/choices/0") else {
        return;
    };
    c.finish_reason = choice
        .get("finish_reason")
        .and_then(Value::as_str)
        .map(str::to_string);
    let message = choice.get("message");
    if let Some(text) = message
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
    {
        c.text(text);
    }
    if let Some(calls) = message.and_then(|m| m.get("tool_calls")) {
        if !calls.is_null() {
            c.text(&calls.to_string());
        }
    }
}

/// One `chat.completion.chunk`; true when it is the usage-only chunk the proxy asked for.
pub(super) fn chat_chunk(c: &mut Capture, v: &Value, injected_usage: bool, now: Instant) -> bool {
    if let Some(e) = super::error_message(v) {
        c.error = Some(e);
        return false;
    }
    model(c, v);
    if let Some(t) = v.get("usage").and_then(chat_usage) {
        c.tokens = Some(t);
    }
    let choices = v.get("choices").and_then(Value::as_array);
    if let Some(choices) = choices {
        for choice in choices {
            let delta = choice.get("delta");
            if let Some(text) = delta
                .and_then(|d| d.get("content"))
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
            {
                c.first(now);
                c.text(text);
            }
            if let Some(calls) = delta
                .and_then(|d| d.get("tool_calls"))
                .and_then(Value::as_array)
            {
                c.first(now);
                for call in calls {
                    if let Some(name) = call.pointer("/function/name").and_then(Value::as_str) {
                        c.text(name);
                    }
                    if let Some(args) = call.pointer("/function/arguments").and_then(Value::as_str)
                    {
                        c.text(args);
                    }
                }
            }
            if let Some(f) = choice.get("finish_reason").and_then(Value::as_str) {
                c.finish_reason = Some(f.to_string());
            }
        }
    }
    injected_usage && choices.is_some_and(|c| c.is_empty()) && !v["usage"].is_null()
}

/// A whole Responses API `response`.
pub(super) fn response_body(c: &mut Capture, v: &Value) {
    model(c, v);
    c.tokens = v.get("usage").and_then(responses_usage);
    c.finish_reason = v.get("status").and_then(Value::as_str).map(str::to_string);
    if let Some(items) = v.get("output").and_then(Value::as_array) {
        for item in items {
            match item.get("type").and_then(Value::as_str) {
                Some("message") => {
                    for part in item
                        .get("content")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(t) = part.get("text").and_then(Value::as_str) {
                            c.text(t);
                        }
                    }
                }
                Some("function_call") => c.text(&item.to_string()),
                _ => {}
            }
        }
    }
    if let Some(e) = v.get("error").filter(|e| !e.is_null()) {
        c.error = e.get("message").and_then(Value::as_str).map(str::to_string);
    }
}

/// One Responses API stream event.
pub(super) fn response_event(c: &mut Capture, name: Option<&str>, v: &Value, now: Instant) {
    let kind = v.get("type").and_then(Value::as_str).or(name).unwrap_or("");
    match kind {
        "response.output_text.delta" | "response.refusal.delta" => {
            c.first(now);
            if let Some(d) = v.get("delta").and_then(Value::as_str) {
                c.text(d);
            }
        }
        "response.function_call_arguments.delta" => {
            c.first(now);
            if let Some(d) = v.get("delta").and_then(Value::as_str) {
                c.text(d);
            }
        }
        "response.created" | "response.in_progress" => {
            if let Some(r) = v.get("response") {
                model(c, r);
            }
        }
        "response.completed" | "response.incomplete" | "response.failed" => {
            if let Some(r) = v.get("response") {
                model(c, r);
                if let Some(t) = r.get("usage").and_then(responses_usage) {
                    c.tokens = Some(t);
                }
                c.finish_reason = r.get("status").and_then(Value::as_str).map(str::to_string);
                if let Some(e) = r.get("error").filter(|e| !e.is_null()) {
                    c.error = e.get("message").and_then(Value::as_str).map(str::to_string);
                }
            }
        }
        "error" => {
            c.error = v
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| super::error_message(v));
        }
        _ => {}
    }
}

/// The event's bytes without the `"usage": null` member OpenAI adds to every chunk once usage
/// is asked for — when the proxy asked, the client must get the chunk as it would have without
/// the proxy. None when there is no such member (pass the bytes on as they are). The member is
/// cut out of the bytes (with its comma), so everything else stays byte for byte; the result is
/// checked to parse to the same object minus `usage`.
pub fn strip_null_usage(raw: &[u8]) -> Option<Vec<u8>> {
    const KEY: &[u8] = b"\"usage\"";
    let at = raw.windows(KEY.len()).position(|w| w == KEY)?;
    let ws = |i: &mut usize| {
        while *i < raw.len() && matches!(raw[*i], b' ' | b'\t') {
            *i += 1;
        }
    };
    let mut end = at + KEY.len();
    ws(&mut end);
    if raw.get(end) != Some(&b':') {
        return None;
    }
    end += 1;
    ws(&mut end);
    if !raw[end..].starts_with(b"null") {
        return None;
    }
    end += 4;
    // The comma before the member (it is not the first), or else the one after it.
    let mut start = at;
    let mut i = at;
    while i > 0 && matches!(raw[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    if i > 0 && raw[i - 1] == b',' {
        start = i - 1;
    } else {
        let mut j = end;
        ws(&mut j);
        if raw.get(j) == Some(&b',') {
            end = j + 1;
            ws(&mut end);
        } else {
            return None;
        }
    }
    let mut out = Vec::with_capacity(raw.len());
    out.extend_from_slice(&raw[..start]);
    out.extend_from_slice(&raw[end..]);
    // Same JSON minus `usage`, or leave the event alone.
    let data = |bytes: &[u8]| -> Option<Value> {
        let text = std::str::from_utf8(bytes).ok()?;
        let line = text.lines().find_map(|l| l.strip_prefix("data:"))?;
        serde_json::from_str(line.trim_start()).ok()
    };
    let mut before = data(raw)?;
    before.as_object_mut()?.remove("usage");
    (data(&out)? == before).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_null_usage_member_is_cut_out_and_nothing_else() {
        for (raw, want) in [
            (
                "data: {\"id\":\"c\",\"choices\":[],\"usage\":null}\n\n",
                Some("data: {\"id\":\"c\",\"choices\":[]}\n\n"),
            ),
            (
                "data: {\"id\": \"c\", \"usage\": null, \"x\": 1}\n\n",
                Some("data: {\"id\": \"c\", \"x\": 1}\n\n"),
            ),
            (
                "data: {\"usage\": null, \"x\": 1}\n\n",
                Some("data: {\"x\": 1}\n\n"),
            ),
            ("data: {\"usage\":{\"prompt_tokens\":1}}\n\n", None),
            ("data: {\"x\":\"\\\"usage\\\": null\"}\n\n", None),
            ("data: [DONE]\n\n", None),
        ] {
            let got = strip_null_usage(raw.as_bytes());
            assert_eq!(
                got.as_deref().map(|b| std::str::from_utf8(b).unwrap()),
                want,
                "{raw}"
            );
        }
    }

    #[test]
    fn chat_chunks_give_usage_text_and_the_first_token() {
        let mut c = Capture::new(true, 1 << 20);
        let t0 = Instant::now();
        let role = serde_json::json!({"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null});
        assert!(!chat_chunk(&mut c, &role, true, t0));
        assert!(c.first_token.is_none(), "a role-only chunk is not a token");
        let text = serde_json::json!({"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]});
        assert!(!chat_chunk(&mut c, &text, true, t0));
        assert_eq!(c.first_token, Some(t0));
        let usage = serde_json::json!({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":1}}});
        assert!(
            chat_chunk(&mut c, &usage, true, t0),
            "the chunk the proxy asked for"
        );
        assert!(
            !chat_chunk(&mut c, &usage, false, t0),
            "one the client asked for"
        );
        assert_eq!(
            c.tokens,
            Some(Tokens {
                input: 10,
                output: 2,
                cache_read: 4,
                cache_write: 0,
                reasoning: 1
            })
        );
        assert_eq!(c.completion.as_deref(), Some("Hi"));
        assert_eq!(c.model.as_deref(), Some("gpt-4o-2024-08-06"));
    }
}
