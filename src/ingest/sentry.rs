//! The Sentry protocol, so unmodified Sentry SDKs report to bloop: envelopes and `store` bodies
//! parsed leniently, and a Sentry event mapped onto a bloop [`Event`] (one function,
//! [`map_event`]). The HTTP side (DSN auth, decompression, answers) is `server::sentry`.
//!
//! Envelope format: a header line (JSON, may be `{}`), then items, each a header line and a
//! payload. With `length` in the item header the payload is exactly that many bytes (it may
//! hold newlines); without, it runs to the next newline. Empty lines between items and a
//! missing final newline are accepted.

use serde_json::{Map, Value};

use crate::config::IngestConfig;
use crate::event::{Event, DEFAULT_ENVIRONMENT};

/// Most items read from one envelope (an SDK sends a handful).
pub const MAX_ITEMS: usize = 10_000;

/// A Sentry body that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SentryError {
    #[error("envelope header: {0}")]
    Header(String),
    #[error("envelope item {index}: {message}")]
    Item { index: usize, message: String },
    #[error("envelope holds more than {MAX_ITEMS} items")]
    TooManyItems,
    #[error("event: {0}")]
    Event(String),
}

/// One envelope item: its type and payload bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    pub kind: String,
    pub payload: &'a [u8],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<'a> {
    /// The header object (`event_id`, `dsn`, `sent_at`, …).
    pub header: Map<String, Value>,
    pub items: Vec<Item<'a>>,
}

impl Envelope<'_> {
    /// The `dsn` of the envelope header, if any.
    pub fn dsn(&self) -> Option<&str> {
        self.header.get("dsn").and_then(Value::as_str)
    }
}

/// The line starting at `at` (without its `\n`) and where the next one starts.
fn line(body: &[u8], at: usize) -> (&[u8], usize) {
    match body[at..].iter().position(|&b| b == b'\n') {
        Some(n) => (&body[at..at + n], at + n + 1),
        None => (&body[at..], body.len()),
    }
}

fn object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(trimmed) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("must be a JSON object".into()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

/// Splits an envelope into its header and items.
pub fn parse_envelope(body: &[u8]) -> Result<Envelope<'_>, SentryError> {
    let (head, mut at) = line(body, 0);
    let header = object(head).map_err(SentryError::Header)?;
    let mut items = Vec::new();
    while at < body.len() {
        let (head, next) = line(body, at);
        if head.trim_ascii().is_empty() {
            at = next;
            continue;
        }
        let index = items.len();
        if index >= MAX_ITEMS {
            return Err(SentryError::TooManyItems);
        }
        let fail = |message: String| SentryError::Item { index, message };
        let h = object(head).map_err(|m| fail(format!("header {m}")))?;
        let kind = h
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let (payload, after) = match h.get("length") {
            Some(Value::Number(n)) => {
                let len = n
                    .as_u64()
                    .ok_or_else(|| fail(format!("`length` {n} is not a byte count")))?;
                let end = usize::try_from(len)
                    .ok()
                    .and_then(|l| next.checked_add(l))
                    .filter(|&e| e <= body.len())
                    .ok_or_else(|| {
                        fail(format!(
                            "`length` {len} runs past the end of the body ({} bytes left)",
                            body.len() - next.min(body.len())
                        ))
                    })?;
                // The newline after a sized payload is optional.
                let after = if body.get(end) == Some(&b'\n') {
                    end + 1
                } else {
                    end
                };
                (&body[next..end], after)
            }
            Some(Value::Null) | None => line(body, next.min(body.len())),
            Some(other) => return Err(fail(format!("`length` {other} is not a byte count"))),
        };
        items.push(Item { kind, payload });
        at = after;
    }
    Ok(Envelope { header, items })
}

/// A Sentry event as bloop stores it: the event, the SDK's `event_id` (answered back) and the
/// frames, structured (JSON array, oldest first, as Sentry sends them).
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub event: Event,
    pub event_id: Option<String>,
    /// The frame grouping uses: the innermost in-app frame, else the crashing one (a stack line).
    pub group_frame: Option<String>,
    /// The SDK's `fingerprint` array, when it sent one (`{{ default }}` = bloop's own).
    pub custom_fingerprint: Option<Vec<String>>,
    /// The frames kept (file, function, line, column, module, `in_app`), oldest first: what
    /// [`Mapped::render`] turns into the stored stack, frames and grouping frame.
    pub frames: Vec<Value>,
    /// `debug_meta.images` of type `sourcemap`: (code file, debug ID).
    pub debug_images: Vec<(String, String)>,
}

impl Mapped {
    /// Sets the event's text stack (crashing frame first, within `max_stack_bytes`), its
    /// structured frames and the grouping frame from [`Mapped::frames`]. Called by
    /// [`map_event`], and again after source maps changed the frames.
    pub fn render(&mut self, max_stack_bytes: usize) {
        let mut stack = String::new();
        for f in self.frames.iter().rev() {
            let l = frame_line(f);
            if stack.len() + l.len() + 1 > max_stack_bytes {
                stack.push_str("…[trimmed]");
                break;
            }
            if !stack.is_empty() {
                stack.push('\n');
            }
            stack.push_str(&l);
        }
        self.event.stack = (!stack.is_empty()).then_some(stack);
        self.event.frames =
            (!self.frames.is_empty()).then(|| Value::Array(self.frames.clone()).to_string());
        // Grouping: the crashing-most in-app frame (framework frames are `in_app: false`),
        // else the crashing frame. A frame resolved through a source map whose function kept
        // its minified name groups on its original file alone: the next build renames it.
        self.group_frame = self
            .frames
            .iter()
            .rev()
            .find(|f| f.get("in_app") == Some(&Value::Bool(true)))
            .or_else(|| self.frames.last())
            .map(|f| {
                let minified_name = f
                    .get("minified")
                    .and_then(|m| m.get("function"))
                    .is_some_and(|m| Some(m) == f.get("function"));
                if minified_name {
                    let mut f = f.clone();
                    if let Some(o) = f.as_object_mut() {
                        o.remove("function");
                    }
                    frame_line(&f)
                } else {
                    frame_line(f)
                }
            });
    }

    /// The issue key, from the event as it will be stored (so after scrubbing): bloop's own
    /// (source, type, route, normalised message, the grouping frame alone, so framework frames
    /// never decide), or the SDK's array with `{{ default }}` standing for bloop's own.
    pub fn fingerprint(&self) -> String {
        let e = &self.event;
        let own = || {
            crate::fingerprint::compute(
                &e.source,
                &e.error_type,
                e.route_or_procedure.as_deref().unwrap_or(""),
                &e.message,
                self.group_frame.as_deref(),
            )
        };
        let Some(parts) = &self.custom_fingerprint else {
            return own();
        };
        let mut key = String::new();
        for p in parts {
            match p.trim() {
                "{{ default }}" | "{{default}}" => key.push_str(&own()),
                other => key.push_str(other),
            }
            key.push('\u{1f}');
        }
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
    }
}

/// Sentry's `timestamp`: an RFC 3339 string or epoch seconds (float).
fn timestamp(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| (s * 1000.0) as i64),
        Value::String(s) => {
            if let Ok(secs) = s.parse::<f64>() {
                return Some((secs * 1000.0) as i64);
            }
            crate::timefmt::parse_rfc3339_ms(s)
        }
        _ => None,
    }
}

/// `values` of an interface sent either as `{ "values": [...] }` or as the array itself.
fn values(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a,
        Some(Value::Object(o)) => o
            .get("values")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
        _ => &[],
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// At most `max` bytes of `s`, cut on a character boundary, with a marker when cut.
fn capped(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    const MARK: &str = "…[trimmed]";
    let mut end = max.saturating_sub(MARK.len());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{MARK}", &s[..end])
}

/// One frame as a stack line: `at function (file:line:col)`.
fn frame_line(f: &Value) -> String {
    let func = text(f.get("function")).unwrap_or_else(|| "?".into());
    let file = text(f.get("abs_path"))
        .or_else(|| text(f.get("filename")))
        .or_else(|| text(f.get("module")))
        .unwrap_or_else(|| "?".into());
    let mut out = format!("at {func} ({file}");
    if let Some(l) = f.get("lineno").and_then(Value::as_u64) {
        out.push_str(&format!(":{l}"));
        if let Some(c) = f.get("colno").and_then(Value::as_u64) {
            out.push_str(&format!(":{c}"));
        }
    }
    out.push(')');
    out
}

/// The frames kept for storage: file, function, line, column, module, `in_app`.
fn kept_frame(f: &Value) -> Value {
    let mut o = Map::new();
    for k in [
        "filename", "abs_path", "function", "module", "lineno", "colno", "in_app",
    ] {
        if let Some(v) = f.get(k).filter(|v| !v.is_null()) {
            o.insert(k.into(), v.clone());
        }
    }
    Value::Object(o)
}

/// The metadata kept from a Sentry event: tags, contexts, request, user id, extra, the last
/// breadcrumbs, level, logger, the SDK; each part added while it fits `limit` (a part that does
/// not is named under `_trimmed`).
fn metadata(e: &Value, limit: usize) -> Option<String> {
    let mut parts: Vec<(&str, Value)> = Vec::new();
    let tags = match e.get("tags") {
        // Tags as `[[key, value], …]` become an object.
        Some(Value::Array(pairs)) => Some(Value::Object(
            pairs
                .iter()
                .filter_map(|p| {
                    let p = p.as_array()?;
                    Some((text(p.first())?, p.get(1)?.clone()))
                })
                .collect(),
        )),
        Some(v @ Value::Object(_)) => Some(v.clone()),
        _ => None,
    };
    if let Some(t) = tags {
        parts.push(("tags", t));
    }
    for k in ["level", "logger", "server_name", "transaction"] {
        if let Some(v) = e.get(k).filter(|v| v.is_string()) {
            parts.push((k, v.clone()));
        }
    }
    if let Some(Value::Object(u)) = e.get("user") {
        // Only the id: the rest (email, IP, name) is personal data bloop does not need.
        if let Some(id) = u.get("id") {
            parts.push(("user", serde_json::json!({ "id": id })));
        }
    }
    if let Some(r @ Value::Object(_)) = e.get("request") {
        let mut req = Map::new();
        for k in ["url", "method", "query_string", "headers"] {
            if let Some(v) = r.get(k).filter(|v| !v.is_null()) {
                req.insert(k.into(), v.clone());
            }
        }
        parts.push(("request", Value::Object(req)));
    }
    for k in ["contexts", "extra"] {
        if let Some(v @ Value::Object(_)) = e.get(k) {
            parts.push((k, v.clone()));
        }
    }
    if let Some(sdk) = e
        .get("sdk")
        .and_then(|s| s.get("name"))
        .filter(|v| v.is_string())
    {
        parts.push(("sdk", sdk.clone()));
    }
    let crumbs = values(e.get("breadcrumbs"));
    if !crumbs.is_empty() {
        let last = &crumbs[crumbs.len().saturating_sub(20)..];
        parts.push(("breadcrumbs", Value::Array(last.to_vec())));
    }
    let mut out = Map::new();
    let mut trimmed = Vec::new();
    let mut size: usize = 2;
    for (k, v) in parts {
        let n = k.len() + 4 + serde_json::to_string(&v).map_or(usize::MAX, |s| s.len());
        // Room is kept for the `_trimmed` list itself.
        if size.saturating_add(n) + 80 <= limit {
            size += n;
            out.insert(k.into(), v);
        } else {
            trimmed.push(Value::String(k.into()));
        }
    }
    if !trimmed.is_empty() {
        out.insert("_trimmed".into(), Value::Array(trimmed));
    }
    (!out.is_empty()).then(|| Value::Object(out).to_string())
}

/// `route_or_procedure`: the transaction, else the request URL's path.
fn route(e: &Value) -> Option<String> {
    if let Some(t) = text(e.get("transaction")) {
        return Some(t);
    }
    let url = text(e.get("request").and_then(|r| r.get("url")))?;
    let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let method = text(e.get("request").and_then(|r| r.get("method")));
    Some(match method {
        Some(m) => format!("{} {path}", m.to_uppercase()),
        None => path.to_string(),
    })
}

/// Maps one Sentry event (the payload of an `event` item, or a `store` body) onto a bloop
/// event. `now` stands in for a missing timestamp. Over-cap parts are trimmed with a marker,
/// never refused.
pub fn map_event(e: &Value, caps: &IngestConfig, now: i64) -> Result<Mapped, SentryError> {
    if !e.is_object() {
        return Err(SentryError::Event("must be a JSON object".into()));
    }
    let exceptions = values(e.get("exception"));
    // The chain is oldest first: the last entry is the one raised.
    let exc = exceptions.last();
    let message_text = text(e.get("logentry").and_then(|l| l.get("formatted")))
        .or_else(|| text(e.get("logentry").and_then(|l| l.get("message"))))
        .or_else(|| match e.get("message") {
            Some(Value::Object(m)) => text(m.get("formatted")).or_else(|| text(m.get("message"))),
            other => text(other),
        });
    let (error_type, message) = match exc {
        Some(x) => {
            let ty = text(x.get("type")).unwrap_or_else(|| "Error".into());
            let value = text(x.get("value"))
                .or_else(|| message_text.clone())
                .unwrap_or_else(|| ty.clone());
            (ty, value)
        }
        None => (
            "Message".to_string(),
            message_text.ok_or_else(|| {
                SentryError::Event("neither `exception` nor `message`/`logentry`".into())
            })?,
        ),
    };
    // Frames, oldest first; the raised exception's, else the thread's that crashed.
    let frames: &[Value] = exc
        .and_then(|x| x.get("stacktrace"))
        .or_else(|| {
            values(e.get("threads"))
                .iter()
                .find(|t| t.get("crashed") == Some(&Value::Bool(true)))
                .or_else(|| values(e.get("threads")).first())
                .and_then(|t| t.get("stacktrace"))
        })
        .and_then(|s| s.get("frames"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    // The frames kept structured, within twice the text stack's cap.
    let mut kept: Vec<Value> = Vec::new();
    let mut kept_size = 0;
    for f in frames.iter().rev() {
        let k = kept_frame(f);
        kept_size += k.to_string().len() + 1;
        if kept_size > caps.max_stack_bytes * 2 {
            break;
        }
        kept.push(k);
    }
    kept.reverse();
    let debug_images = values(e.get("debug_meta").and_then(|d| d.get("images")))
        .iter()
        .filter(|i| i.get("type").and_then(Value::as_str) == Some("sourcemap"))
        .filter_map(|i| {
            let file = text(i.get("code_file"))?;
            let id = crate::sourcemap::normalize_debug_id(i.get("debug_id")?.as_str()?)?;
            Some((file, id))
        })
        .take(100)
        .collect();
    let source = text(e.get("platform")).unwrap_or_else(|| "sentry".into());
    let route = route(e);
    let custom_fingerprint = e
        .get("fingerprint")
        .and_then(Value::as_array)
        .filter(|parts| !parts.is_empty())
        .map(|parts| {
            parts
                .iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        });
    let user = e
        .get("user")
        .and_then(|u| u.get("id"))
        .and_then(|id| text(Some(id)))
        .map(|id| crate::signing::sha256_hex(id.as_bytes()));
    let event = Event {
        timestamp: timestamp(e.get("timestamp")).unwrap_or(now),
        error_type: capped(&error_type, crate::event::MAX_ERROR_TYPE_BYTES),
        message: capped(&message, caps.max_message_bytes),
        source: capped(&source, crate::event::MAX_SHORT_FIELD_BYTES),
        environment: text(e.get("environment"))
            .map(|s| capped(&s, crate::event::MAX_SHORT_FIELD_BYTES))
            .unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_string()),
        release: text(e.get("release"))
            .map(|s| capped(&s, crate::event::MAX_SHORT_FIELD_BYTES))
            .unwrap_or_default(),
        app_version: None,
        build_number: text(e.get("dist")).map(|s| capped(&s, crate::event::MAX_SHORT_FIELD_BYTES)),
        route_or_procedure: route.map(|r| capped(&r, crate::event::MAX_SHORT_FIELD_BYTES)),
        screen: None,
        stack: None,
        http_status: None,
        request_id: None,
        user_id_hash: user,
        device_id_hash: None,
        fingerprint: None,
        metadata: metadata(e, caps.max_metadata_bytes),
        frames: None,
    };
    let mut m = Mapped {
        event,
        event_id: text(e.get("event_id")),
        group_frame: None,
        custom_fingerprint,
        frames: kept,
        debug_images,
    };
    m.render(caps.max_stack_bytes);
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelopes_with_and_without_lengths_empty_lines_and_no_final_newline() {
        let body = b"{\"event_id\":\"abc\",\"dsn\":\"http://k@h/1\"}\n{\"type\":\"event\",\"length\":12}\n{\"a\":\"x\\ny\"}\n\n{\"type\":\"session\"}\n{\"sid\":1}\n{\"type\":\"attachment\",\"length\":3}\nabc";
        let e = parse_envelope(body).unwrap();
        assert_eq!(e.dsn(), Some("http://k@h/1"));
        let kinds: Vec<&str> = e.items.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["event", "session", "attachment"]);
        assert_eq!(e.items[0].payload, b"{\"a\":\"x\\ny\"}");
        assert_eq!(e.items[1].payload, b"{\"sid\":1}");
        assert_eq!(e.items[2].payload, b"abc");
        // A sized payload holding a raw newline.
        let e = parse_envelope(b"{}\n{\"type\":\"attachment\",\"length\":5}\na\nb\nc").unwrap();
        assert_eq!(e.items[0].payload, b"a\nb\nc");
        // Header only.
        assert!(parse_envelope(b"{}").unwrap().items.is_empty());
        assert!(parse_envelope(b"").unwrap().items.is_empty());
    }

    #[test]
    fn bad_envelopes_say_what_is_wrong() {
        let e = parse_envelope(b"{}\n{\"type\":\"event\",\"length\":99}\n{}").unwrap_err();
        assert!(e.to_string().contains("runs past the end"), "{e}");
        let e = parse_envelope(b"not json\n").unwrap_err();
        assert!(matches!(e, SentryError::Header(_)), "{e}");
        let e = parse_envelope(b"{}\n{\"type\":\"event\",\"length\":-1}\n").unwrap_err();
        assert!(e.to_string().contains("byte count"), "{e}");
        let many = "{}\n".to_string() + &"{\"type\":\"x\"}\n{}\n".repeat(MAX_ITEMS + 1);
        assert_eq!(
            parse_envelope(many.as_bytes()).unwrap_err(),
            SentryError::TooManyItems
        );
    }

    fn python_event() -> Value {
        json!({
            "event_id": "9ec79c33ec9942ab8353589fcb2e04dc",
            "timestamp": "2026-11-30T10:00:00.123456Z",
            "platform": "python",
            "level": "error",
            "release": "shop@1.2.3",
            "environment": "staging",
            "server_name": "web-1",
            "user": {"id": "42", "email": "a@b.c"},
            "tags": {"region": "eu"},
            "exception": {"values": [
                {"type": "KeyError", "value": "'x'", "stacktrace": {"frames": []}},
                {"type": "ValueError", "value": "bad amount 17", "module": null,
                 "stacktrace": {"frames": [
                    {"filename": "threading.py", "function": "run", "lineno": 10, "in_app": false},
                    {"filename": "app/pay.py", "abs_path": "/srv/app/pay.py", "function": "charge",
                     "module": "app.pay", "lineno": 88, "in_app": true},
                    {"filename": "decimal.py", "function": "__new__", "lineno": 3, "in_app": false}
                 ]}}
            ]},
            "breadcrumbs": {"values": [{"message": "clicked", "category": "ui"}]},
            "extra": {"order": 7},
            "sdk": {"name": "sentry.python", "version": "2.0"}
        })
    }

    #[test]
    fn an_exception_maps_onto_a_bloop_event() {
        let caps = IngestConfig::default();
        let m = map_event(&python_event(), &caps, 5).unwrap();
        let e = &m.event;
        assert_eq!(
            m.event_id.as_deref(),
            Some("9ec79c33ec9942ab8353589fcb2e04dc")
        );
        assert_eq!(e.error_type, "ValueError");
        assert_eq!(e.message, "bad amount 17");
        assert_eq!(e.source, "python");
        assert_eq!(e.release, "shop@1.2.3");
        assert_eq!(e.environment, "staging");
        assert_eq!(e.timestamp, 1_796_032_800_123);
        let stack = e.stack.as_deref().unwrap();
        assert_eq!(
            stack.lines().next(),
            Some("at __new__ (decimal.py:3)"),
            "the crashing frame first"
        );
        assert!(stack.contains("at charge (/srv/app/pay.py:88)"));
        let frames: Vec<Value> = serde_json::from_str(e.frames.as_deref().unwrap()).unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[1]["function"], "charge");
        assert_eq!(frames[1]["in_app"], true);
        let meta: Value = serde_json::from_str(e.metadata.as_deref().unwrap()).unwrap();
        assert_eq!(meta["tags"]["region"], "eu");
        assert_eq!(meta["user"], json!({"id": "42"}), "no email kept");
        assert_eq!(meta["breadcrumbs"][0]["message"], "clicked");
        assert_eq!(meta["extra"]["order"], 7);
        assert_eq!(e.user_id_hash.as_deref().map(str::len), Some(64));
        assert!(m.custom_fingerprint.is_none());
    }

    #[test]
    fn grouping_uses_the_in_app_frame_and_ignores_numbers() {
        let caps = IngestConfig::default();
        let a = map_event(&python_event(), &caps, 0).unwrap();
        let mut other = python_event();
        other["exception"]["values"][1]["value"] = json!("bad amount 99");
        // Another line in the same function, and a different framework frame on top.
        other["exception"]["values"][1]["stacktrace"]["frames"][1]["lineno"] = json!(91);
        other["exception"]["values"][1]["stacktrace"]["frames"][2]["function"] = json!("quantize");
        let b = map_event(&other, &caps, 0).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mut elsewhere = python_event();
        elsewhere["exception"]["values"][1]["stacktrace"]["frames"][1]["function"] =
            json!("refund");
        let c = map_event(&elsewhere, &caps, 0).unwrap();
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn messages_custom_fingerprints_and_timestamps() {
        let caps = IngestConfig::default();
        let m = map_event(
            &json!({"message": "disk full", "timestamp": 1_700_000_000.5, "level": "warning",
                    "request": {"url": "https://x.io/api/items/7?q=1", "method": "post"}}),
            &caps,
            0,
        )
        .unwrap();
        assert_eq!(m.event.error_type, "Message");
        assert_eq!(m.event.message, "disk full");
        assert_eq!(m.event.timestamp, 1_700_000_000_500);
        assert_eq!(
            m.event.route_or_procedure.as_deref(),
            Some("POST /api/items/7")
        );
        let m = map_event(
            &json!({"logentry": {"message": "user %s failed", "formatted": "user 5 failed"}}),
            &caps,
            77,
        )
        .unwrap();
        assert_eq!(m.event.message, "user 5 failed");
        assert_eq!(m.event.timestamp, 77, "no timestamp: now");
        // An explicit fingerprint replaces grouping; `{{ default }}` keeps it in.
        let fixed = |fp: Value| {
            let mut e = python_event();
            e["fingerprint"] = fp;
            map_event(&e, &caps, 0).unwrap().fingerprint()
        };
        let a = fixed(json!(["payments"]));
        assert_eq!(fixed(json!(["payments"])), a);
        assert_ne!(fixed(json!(["{{ default }}", "payments"])), a);
        assert_ne!(
            fixed(json!([])),
            a,
            "an empty array is bloop's own grouping"
        );
        assert_eq!(a.len(), 16);
        assert!(map_event(&json!({"level": "error"}), &caps, 0).is_err());
        assert!(map_event(&json!([1]), &caps, 0).is_err());
    }

    #[test]
    fn oversized_parts_are_trimmed_with_a_marker_not_refused() {
        let caps = IngestConfig::default();
        let mut e = python_event();
        e["exception"]["values"][1]["value"] = json!("x".repeat(10_000));
        e["extra"] = json!({"blob": "y".repeat(10_000)});
        let frames: Vec<Value> = (0..2000)
            .map(|i| json!({"filename": format!("f{i}.py"), "function": "g", "lineno": i}))
            .collect();
        e["exception"]["values"][1]["stacktrace"]["frames"] = Value::Array(frames);
        let m = map_event(&e, &caps, 0).unwrap();
        assert!(m.event.message.len() <= caps.max_message_bytes);
        assert!(m.event.message.ends_with("[trimmed]"));
        assert!(m.event.stack.as_deref().unwrap().len() <= caps.max_stack_bytes + 16);
        let meta = m.event.metadata.unwrap();
        assert!(meta.len() <= caps.max_metadata_bytes, "{}", meta.len());
        assert!(meta.contains("\"_trimmed\":[\"extra\"]"), "{meta}");
        let kept: Vec<Value> = serde_json::from_str(m.event.frames.as_deref().unwrap()).unwrap();
        assert_eq!(
            kept.last().unwrap()["filename"],
            "f1999.py",
            "the crashing end is kept"
        );
    }
}
