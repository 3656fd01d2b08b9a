//! The LLM proxy's provider-facing logic, free of HTTP plumbing: which upstream URL a proxied
//! path goes to, which headers pass, what the request asks for (model, stream, prompt), the one
//! change made to a request (OpenAI streams are asked for their usage), and what a response or
//! a stream reports (model, tokens, finish reason, first token, completion, error) — read as the
//! bytes pass, never holding them back except where a stream must be edited (see [`openai`]).
//!
//! The HTTP side is `crate::server::proxy`.

pub mod anthropic;
pub mod openai;
pub mod sse;

use std::time::Instant;

use serde_json::Value;

/// A provider the proxy fronts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    OpenAi,
    Anthropic,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
        }
    }
}

/// The calls that are traced; everything else passes through untraced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// OpenAI `POST /chat/completions`.
    Chat,
    /// OpenAI `POST /responses`.
    Responses,
    /// Anthropic `POST /v1/messages`.
    Messages,
}

impl Endpoint {
    /// The traced endpoint a `POST` to `path` (relative to the base URL, without the duplicated
    /// version segment) is, if any.
    pub fn of(provider: Provider, path: &str) -> Option<Endpoint> {
        let path = path.trim_matches('/');
        match (provider, path) {
            (Provider::OpenAi, "chat/completions") => Some(Endpoint::Chat),
            (Provider::OpenAi, "responses") => Some(Endpoint::Responses),
            (Provider::Anthropic, "messages") => Some(Endpoint::Messages),
            _ => None,
        }
    }

    /// The span's name.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Chat => "chat.completions",
            Endpoint::Responses => "responses",
            Endpoint::Messages => "messages",
        }
    }
}

/// The upstream URL for `path` (what follows `/v1/proxy/{provider}/`) and `query`: the base URL
/// joined with the path, where a path that repeats the base's trailing version segment
/// (`v1/chat/completions` under `…/v1`, as an SDK whose base URL ends in `/v1` sends) drops it.
/// Also returns the path relative to the base, for [`Endpoint::of`].
pub fn upstream_url(base: &str, path: &str, query: Option<&str>) -> (String, String) {
    let base = base.trim_end_matches('/');
    let mut rel = path.trim_start_matches('/');
    if let Some(version) = base.rsplit('/').next().filter(|v| is_version(v)) {
        if let Some(rest) = rel.strip_prefix(version) {
            if rest.is_empty() || rest.starts_with('/') {
                rel = rest.trim_start_matches('/');
            }
        }
    }
    let mut url = format!("{base}/{rel}");
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(q);
    }
    (url, rel.to_string())
}

/// `v1`, `v2`, … (a version segment).
fn is_version(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Request headers that never go upstream: hop-by-hop ones, those the HTTP client sets itself,
/// `accept-encoding` (the proxy reads the answer as it passes, so it asks for it uncompressed),
/// and bloop's and Helicone's own (context for the trace, the bloop key).
pub fn forwarded_request_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    !(HOP_BY_HOP.contains(&n.as_str())
        || matches!(n.as_str(), "host" | "content-length" | "accept-encoding")
        || n.starts_with("x-bloop-")
        || n.starts_with("helicone-"))
}

/// Response headers that are not passed back (the relay sets its own framing).
pub fn forwarded_response_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    !HOP_BY_HOP.contains(&n.as_str())
}

const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// What a traced request asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    pub model: Option<String>,
    pub stream: bool,
    /// The prompt as sent: the messages (with the system prompt and tools), compact JSON.
    pub prompt: Option<String>,
    /// The end user named in the body (`user`, `metadata.user_id`).
    pub user: Option<String>,
    /// The proxy asked upstream for the stream's usage (OpenAI chat): the usage-only chunk and
    /// the `"usage": null` fields must not reach the client.
    pub injected_usage: bool,
}

/// Reads a traced request's JSON body and, for an OpenAI chat stream that did not ask for its
/// usage, asks for it (the body is rewritten; everything else is kept). A body that is not a
/// JSON object is forwarded as it is and traced with what is known.
pub fn prepare(endpoint: Endpoint, body: &[u8]) -> (Request, Option<Vec<u8>>) {
    let Ok(Value::Object(mut obj)) = serde_json::from_slice::<Value>(body) else {
        return (Request::default(), None);
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let mut req = Request {
        model: text(obj.get("model")),
        stream: obj.get("stream").and_then(Value::as_bool).unwrap_or(false),
        ..Request::default()
    };
    let pick = |keys: &[&str]| -> Option<String> {
        let mut m = serde_json::Map::new();
        for k in keys {
            if let Some(v) = obj.get(*k) {
                m.insert((*k).to_string(), v.clone());
            }
        }
        (!m.is_empty()).then(|| Value::Object(m).to_string())
    };
    match endpoint {
        Endpoint::Chat => {
            req.prompt = pick(&["messages", "tools"]);
            req.user = text(obj.get("user"));
        }
        Endpoint::Responses => {
            req.prompt = pick(&["instructions", "input", "tools"]);
            req.user = text(obj.get("user"));
        }
        Endpoint::Messages => {
            req.prompt = pick(&["system", "messages", "tools"]);
            req.user = text(obj.get("metadata").and_then(|m| m.get("user_id")));
        }
    }
    let mut rewritten = None;
    if endpoint == Endpoint::Chat && req.stream {
        let asked = obj
            .get("stream_options")
            .and_then(|o| o.get("include_usage"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !asked {
            let opts = obj
                .entry("stream_options")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(o) = opts {
                o.insert("include_usage".into(), Value::Bool(true));
                req.injected_usage = true;
                rewritten = serde_json::to_vec(&Value::Object(obj)).ok();
            }
        }
    }
    (req, rewritten)
}

/// Token counts as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub reasoning: u64,
}

/// What a response (or a stream, so far) reported.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    /// The model that answered (the dated name the provider used).
    pub model: Option<String>,
    pub tokens: Option<Tokens>,
    pub finish_reason: Option<String>,
    /// When the first content (text or a tool call's arguments) arrived.
    pub first_token: Option<Instant>,
    /// The completion's text (tool calls as JSON), up to the capture cap; None when not kept.
    pub completion: Option<String>,
    /// The provider's error message (an error answer, or an error event mid-stream).
    pub error: Option<String>,
    /// Bytes of completion dropped at the cap.
    pub truncated: bool,
    /// The stream's last event arrived (`[DONE]`, `response.completed` / `.failed` /
    /// `.incomplete`, `message_stop`, an `error` event): a client that hangs up after it
    /// ended the call whole.
    pub ended: bool,
    /// Keep the completion's text.
    keep_text: bool,
    cap: usize,
}

impl Capture {
    pub fn new(keep_text: bool, cap: usize) -> Self {
        Self {
            keep_text,
            cap,
            completion: keep_text.then(String::new),
            ..Self::default()
        }
    }

    fn text(&mut self, s: &str) {
        if !self.keep_text {
            return;
        }
        let c = self.completion.get_or_insert_with(String::new);
        if c.len() + s.len() > self.cap {
            let mut end = self.cap.saturating_sub(c.len()).min(s.len());
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            c.push_str(&s[..end]);
            self.truncated = true;
        } else {
            c.push_str(s);
        }
    }

    fn first(&mut self, now: Instant) {
        self.first_token.get_or_insert(now);
    }

    /// Reads a whole (non-streaming) answer body.
    pub fn on_body(&mut self, endpoint: Endpoint, status: u16, body: &[u8]) {
        let Ok(v) = serde_json::from_slice::<Value>(body) else {
            if status >= 400 {
                self.error = Some(format!("HTTP {status}"));
            }
            return;
        };
        if status >= 400 {
            self.error = Some(error_message(&v).unwrap_or_else(|| format!("HTTP {status}")));
            return;
        }
        match endpoint {
            Endpoint::Chat => openai::chat_body(self, &v),
            Endpoint::Responses => openai::response_body(self, &v),
            Endpoint::Messages => anthropic::message_body(self, &v),
        }
    }

    /// Reads one stream event; true when it must not reach the client (see [`Request`]).
    pub fn on_event(
        &mut self,
        endpoint: Endpoint,
        event: &sse::Event,
        injected_usage: bool,
        now: Instant,
    ) -> bool {
        let Some(data) = event.data.as_deref() else {
            return false;
        };
        if data.trim() == "[DONE]" {
            self.ended = true;
            return false;
        }
        let Ok(v) = serde_json::from_str::<Value>(data) else {
            return false;
        };
        let kind = event
            .event
            .as_deref()
            .or_else(|| v.get("type").and_then(Value::as_str));
        if matches!(
            kind,
            Some(
                "response.completed"
                    | "response.failed"
                    | "response.incomplete"
                    | "message_stop"
                    | "error"
            )
        ) {
            self.ended = true;
        }
        match endpoint {
            Endpoint::Chat => openai::chat_chunk(self, &v, injected_usage, now),
            Endpoint::Responses => {
                openai::response_event(self, event.event.as_deref(), &v, now);
                false
            }
            Endpoint::Messages => {
                anthropic::message_event(self, event.event.as_deref(), &v, now);
                false
            }
        }
    }
}

/// `error.message` of an error body (both providers put it there).
pub fn error_message(v: &Value) -> Option<String> {
    let e = v.get("error")?;
    e.get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| e.as_str().map(str::to_string))
}

fn count(v: Option<&Value>) -> u64 {
    v.and_then(Value::as_u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_the_base_once() {
        let b = "https://api.openai.com/v1";
        for (path, url) in [
            (
                "v1/chat/completions",
                "https://api.openai.com/v1/chat/completions",
            ),
            (
                "chat/completions",
                "https://api.openai.com/v1/chat/completions",
            ),
            ("v1", "https://api.openai.com/v1/"),
            ("v10/x", "https://api.openai.com/v1/v10/x"),
        ] {
            assert_eq!(upstream_url(b, path, None).0, url, "{path}");
        }
        let (url, rel) = upstream_url("http://127.0.0.1:9/v1/", "v1/messages", Some("beta=true"));
        assert_eq!(url, "http://127.0.0.1:9/v1/messages?beta=true");
        assert_eq!(
            Endpoint::of(Provider::Anthropic, &rel),
            Some(Endpoint::Messages)
        );
        assert_eq!(
            upstream_url("http://h", "models", None).0,
            "http://h/models",
            "no version in the base"
        );
    }

    #[test]
    fn own_and_hop_by_hop_headers_stay_behind() {
        for h in [
            "X-Bloop-Key",
            "x-bloop-session-id",
            "Helicone-User-Id",
            "Connection",
            "Host",
        ] {
            assert!(!forwarded_request_header(h), "{h}");
        }
        for h in [
            "Authorization",
            "x-api-key",
            "anthropic-version",
            "OpenAI-Organization",
        ] {
            assert!(forwarded_request_header(h), "{h}");
        }
    }

    #[test]
    fn a_chat_stream_is_asked_for_its_usage_once() {
        let body = br#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}],"user":"u1"}"#;
        let (req, new) = prepare(Endpoint::Chat, body);
        assert!(req.injected_usage && req.stream);
        assert_eq!(req.user.as_deref(), Some("u1"));
        let v: Value = serde_json::from_slice(&new.unwrap()).unwrap();
        assert_eq!(v["stream_options"]["include_usage"], true);
        assert_eq!(v["messages"][0]["content"], "hi");
        let asked = br#"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}"#;
        let (req, new) = prepare(Endpoint::Chat, asked);
        assert!(!req.injected_usage && new.is_none());
        let (req, new) = prepare(Endpoint::Chat, b"not json");
        assert_eq!((req, new), (Request::default(), None));
    }
}
