//! The HTTP client side of bloop: signing and sending events (`bloop send`), reading event files
//! (one event, a `{"events": [...]}` batch, or JSON lines), and calling a server's `/health`.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::signing::sign;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid server URL `{0}`")]
    Url(String),
    #[error("could not reach {url}: {}; is `bloop serve` running there? Point the CLI at the server with --url or BLOOP_URL", cause(.error))]
    Connect { url: String, error: reqwest::Error },
    #[error("server answered {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("input line {line}: {message}")]
    Input { line: usize, message: String },
}

/// What went wrong reaching a server, in a few words (the innermost cause, not reqwest's chain).
fn cause(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "no answer in time".into();
    }
    let mut inner: &dyn std::error::Error = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    let text = inner.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}

/// How a request is signed.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// A project ingest key: sent as `X-Project-Key` and used as the HMAC secret.
    ProjectKey(String),
    /// The legacy global secret (`auth.hmac_secret`): signs, no key header (→ `default`).
    Secret(String),
}

impl Credentials {
    fn secret(&self) -> &str {
        match self {
            Credentials::ProjectKey(k) | Credentials::Secret(k) => k,
        }
    }
}

/// A server's answer to one request.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let base = base_url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::Url(base_url.to_string()));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("bloop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientError::Connect {
                url: base.clone(),
                error,
            })?;
        Ok(Self { http, base })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// POSTs `body` to `path`, signed with `creds`. Any HTTP status is an `Answer`.
    pub async fn post_signed(
        &self,
        path: &str,
        body: Vec<u8>,
        creds: &Credentials,
    ) -> Result<Answer, ClientError> {
        let url = format!("{}{}", self.base, path);
        let mut req = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-signature", sign(creds.secret().as_bytes(), &body));
        if let Credentials::ProjectKey(k) = creds {
            req = req.header("x-project-key", k);
        }
        let resp = req
            .body(body)
            .send()
            .await
            .map_err(|error| ClientError::Connect { url, error })?;
        answer(resp).await
    }

    pub async fn get(&self, path: &str) -> Result<Answer, ClientError> {
        let url = format!("{}{}", self.base, path);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|error| ClientError::Connect { url, error })?;
        answer(resp).await
    }

    /// Sends `events` in batches of `batch_size` (a single event goes to `/v1/ingest`), calling
    /// `progress` with the number sent after each request. Stops at the first refusal.
    pub async fn send_events(
        &self,
        creds: &Credentials,
        events: &[Value],
        batch_size: usize,
        mut progress: impl FnMut(usize),
    ) -> Result<SendSummary, ClientError> {
        let mut sent = 0;
        let mut requests = 0;
        let mut last = None;
        if events.len() == 1 {
            let body = serde_json::to_vec(&events[0]).unwrap_or_default();
            let a = self.post_signed("/v1/ingest", body, creds).await?;
            check(&a)?;
            progress(1);
            return Ok(SendSummary {
                events: 1,
                requests: 1,
                last: Some(a),
            });
        }
        for chunk in events.chunks(batch_size.max(1)) {
            let body = serde_json::to_vec(&json!({ "events": chunk })).unwrap_or_default();
            let a = self.post_signed("/v1/ingest/batch", body, creds).await?;
            check(&a)?;
            sent += chunk.len();
            requests += 1;
            progress(sent);
            last = Some(a);
        }
        Ok(SendSummary {
            events: sent,
            requests,
            last,
        })
    }
}

#[derive(Debug, Clone)]
pub struct SendSummary {
    pub events: usize,
    pub requests: usize,
    pub last: Option<Answer>,
}

async fn answer(resp: reqwest::Response) -> Result<Answer, ClientError> {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok(Answer { status, body })
}

fn check(a: &Answer) -> Result<(), ClientError> {
    if (200..300).contains(&a.status) {
        return Ok(());
    }
    let message = match &a.body {
        Value::Object(o) => {
            let msg = o.get("error").and_then(Value::as_str).unwrap_or("error");
            let code = o.get("code").and_then(Value::as_str);
            match code {
                Some(c) => format!("{c}: {msg}"),
                None => msg.to_string(),
            }
        }
        other => other.to_string(),
    };
    Err(ClientError::Rejected {
        status: a.status,
        message,
    })
}

/// The event `bloop send` posts when given no event flags: recognisable in any list.
pub fn test_event(now_ms: i64) -> Value {
    json!({
        "timestamp": now_ms,
        "source": "bloop-cli",
        "environment": "test",
        // No release: the CLI's own version is not the app's (`--release` sets one).
        "error_type": "BloopTestError",
        "message": "This is a test error sent by `bloop send`",
        "route_or_procedure": "bloop send",
        "stack": "at bloop::send (commands/send.rs)\nat bloop::main (commands/main.rs)",
        "metadata": {"sent_by": "bloop send"},
    })
}

/// The trace `bloop send --trace` posts: a generation span (gpt-4o-mini, tokens, time to first
/// token) with a tool call under it, as an app's LLM feature would send one.
pub fn test_trace(now_ms: i64) -> Value {
    let id = format!("bloop-test-{:016x}", rand::random::<u64>());
    let start = now_ms - 1_500;
    json!({
        "id": id,
        "name": "bloop test trace",
        "session_id": "bloop-cli",
        "user_id": "bloop-cli",
        "status": "completed",
        "prompt_name": "bloop-test",
        "prompt_version": "1",
        "input": "What is the weather in Lisbon?",
        "output": "It is 21 °C and sunny in Lisbon.",
        "metadata": {"sent_by": "bloop send --trace"},
        "started_at": start,
        "ended_at": now_ms,
        "spans": [
            {"id": "generation", "span_type": "generation", "name": "chat gpt-4o-mini",
             "model": "gpt-4o-mini", "provider": "openai",
             "input_tokens": 1200, "output_tokens": 300, "cache_read_tokens": 200,
             "latency_ms": 1450, "time_to_first_token_ms": 320, "status": "ok",
             "input": "What is the weather in Lisbon?",
             "output": "It is 21 °C and sunny in Lisbon.",
             "started_at": start, "ended_at": start + 1_450},
            {"id": "tool", "parent_span_id": "generation", "span_type": "tool",
             "name": "get_weather", "latency_ms": 85, "status": "ok",
             "input": "{\"city\": \"Lisbon\"}", "output": "{\"temp_c\": 21}",
             "started_at": start + 400, "ended_at": start + 485}
        ]
    })
}

/// Parses an event file: one event object, a `{"events": [...]}` batch, a JSON array, or JSON
/// lines (one event per line; blank lines skipped). Events without a `timestamp` get `now_ms`.
pub fn parse_event_file(text: &str, now_ms: i64) -> Result<Vec<Value>, ClientError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ClientError::Input {
            line: 1,
            message: "no events in the input".into(),
        });
    }
    let mut events = match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Object(mut o)) => match o.remove("events") {
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(ClientError::Input {
                    line: 1,
                    message: "`events` must be an array".into(),
                })
            }
            None => vec![Value::Object(o)],
        },
        Ok(Value::Array(a)) => a,
        Ok(_) => {
            return Err(ClientError::Input {
                line: 1,
                message: "expected a JSON object, a batch or JSON lines".into(),
            })
        }
        Err(_) => {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: Value = serde_json::from_str(line).map_err(|e| ClientError::Input {
                    line: i + 1,
                    message: e.to_string(),
                })?;
                out.push(v);
            }
            out
        }
    };
    for (i, e) in events.iter_mut().enumerate() {
        let Value::Object(o) = e else {
            return Err(ClientError::Input {
                line: i + 1,
                message: "each event must be a JSON object".into(),
            });
        };
        o.entry("timestamp").or_insert_with(|| json!(now_ms));
    }
    Ok(events)
}

/// Builds an event from `bloop send` flags on top of the test event's defaults.
pub fn event_from_parts(now_ms: i64, parts: &Map<String, Value>) -> Value {
    let mut base = match test_event(now_ms) {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    // A custom message should not inherit the test event's stack and route.
    if parts.contains_key("message") || parts.contains_key("error_type") {
        base.remove("stack");
        base.remove("route_or_procedure");
        base.remove("metadata");
        base.insert("source".into(), json!("api"));
        base.insert("environment".into(), json!("production"));
    }
    for (k, v) in parts {
        base.insert(k.clone(), v.clone());
    }
    Value::Object(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_files_in_every_shape() {
        let one = parse_event_file(r#"{"error_type":"E","message":"m"}"#, 5).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0]["timestamp"], 5);
        let batch = parse_event_file(
            r#"{"events":[{"message":"a"},{"message":"b","timestamp":1}]}"#,
            5,
        )
        .unwrap();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch[1]["timestamp"], 1);
        let lines = parse_event_file("{\"message\":\"a\"}\n\n{\"message\":\"b\"}\n", 5).unwrap();
        assert_eq!(lines.len(), 2);
        let err = parse_event_file("{\"message\":\"a\"}\nnot json\n", 5).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(parse_event_file("  ", 5).is_err());
    }
}
