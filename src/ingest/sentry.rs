//! The Sentry protocol, so unmodified Sentry SDKs report to bloop: envelopes and `store` bodies
//! parsed leniently, and a Sentry event mapped onto a bloop [`Event`] (one function,
//! [`map_event`]). The HTTP side (DSN auth, decompression, answers) is `server::sentry`.
//!
//! Envelope format: a header line (JSON, may be `{}`), then items, each a header line and a
//! payload. With `length` in the item header the payload is exactly that many bytes (it may
//! hold newlines); without, it runs to the next newline. Empty lines between items and a
//! missing final newline are accepted.

use serde::Deserialize;
use serde_json::value::RawValue;
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
        self.event.frames = (!self.frames.is_empty())
            .then(|| serde_json::to_string(&self.frames).unwrap_or_default());
        // Grouping: the crashing-most application frame (`in_app`, or when the SDK does not
        // say, not a runtime or framework path), else the crashing frame. A frame resolved
        // through a source map groups on its original file alone: its function name depends on the build (a renamed one is
        // recovered only when its caller's call site is in the map), so it would split issues.
        self.group_frame = group_frame(&self.frames);
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

/// A JSON value kept as its text (borrowed from the body): parts of the event bloop stores as
/// they came are never built into a tree.
type Raw<'a> = Option<&'a RawValue>;

/// The event, with only what bloop reads parsed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEvent<'a> {
    #[serde(borrow)]
    event_id: Raw<'a>,
    #[serde(borrow)]
    timestamp: Raw<'a>,
    #[serde(borrow)]
    platform: Raw<'a>,
    #[serde(borrow)]
    release: Raw<'a>,
    #[serde(borrow)]
    environment: Raw<'a>,
    #[serde(borrow)]
    dist: Raw<'a>,
    #[serde(borrow)]
    transaction: Raw<'a>,
    #[serde(borrow)]
    level: Raw<'a>,
    #[serde(borrow)]
    logger: Raw<'a>,
    #[serde(borrow)]
    server_name: Raw<'a>,
    #[serde(borrow)]
    message: Raw<'a>,
    #[serde(borrow)]
    logentry: Raw<'a>,
    #[serde(borrow)]
    exception: Raw<'a>,
    #[serde(borrow)]
    threads: Raw<'a>,
    #[serde(borrow)]
    fingerprint: Raw<'a>,
    #[serde(borrow)]
    tags: Raw<'a>,
    #[serde(borrow)]
    user: Raw<'a>,
    #[serde(borrow)]
    request: Raw<'a>,
    #[serde(borrow)]
    contexts: Raw<'a>,
    #[serde(borrow)]
    extra: Raw<'a>,
    #[serde(borrow)]
    sdk: Raw<'a>,
    #[serde(borrow)]
    breadcrumbs: Raw<'a>,
    #[serde(borrow)]
    debug_meta: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawException<'a> {
    #[serde(borrow, rename = "type")]
    ty: Raw<'a>,
    #[serde(borrow)]
    value: Raw<'a>,
    #[serde(borrow)]
    stacktrace: Option<RawStack<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawThread<'a> {
    crashed: Option<bool>,
    #[serde(borrow)]
    stacktrace: Option<RawStack<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawStack<'a> {
    #[serde(borrow)]
    frames: Option<Vec<RawFrame<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFrame<'a> {
    #[serde(borrow)]
    filename: Raw<'a>,
    #[serde(borrow)]
    abs_path: Raw<'a>,
    #[serde(borrow)]
    function: Raw<'a>,
    #[serde(borrow)]
    module: Raw<'a>,
    #[serde(borrow)]
    lineno: Raw<'a>,
    #[serde(borrow)]
    colno: Raw<'a>,
    #[serde(borrow)]
    in_app: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMessage<'a> {
    #[serde(borrow)]
    formatted: Raw<'a>,
    #[serde(borrow)]
    message: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRequest<'a> {
    #[serde(borrow)]
    url: Raw<'a>,
    #[serde(borrow)]
    method: Raw<'a>,
    #[serde(borrow)]
    query_string: Raw<'a>,
    #[serde(borrow)]
    headers: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawId<'a> {
    #[serde(borrow)]
    id: Raw<'a>,
    #[serde(borrow)]
    name: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawImage<'a> {
    #[serde(borrow, rename = "type")]
    ty: Raw<'a>,
    #[serde(borrow)]
    code_file: Raw<'a>,
    #[serde(borrow)]
    debug_id: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDebugMeta<'a> {
    #[serde(borrow)]
    images: Raw<'a>,
}

/// The first byte of a JSON value (`{`, `[`, `"`, a digit, `t`, `f`, `n`).
fn first(v: &RawValue) -> u8 {
    v.get()
        .bytes()
        .find(|b| !b.is_ascii_whitespace())
        .unwrap_or(b'n')
}

fn is_null(v: &RawValue) -> bool {
    v.get().trim() == "null"
}

/// A part parsed into `T`, or `None` when it is absent, null or not that shape.
fn parse<'a, T: Deserialize<'a>>(v: Raw<'a>) -> Option<T> {
    serde_json::from_str(v?.get()).ok()
}

/// The entries of an interface sent either as `{ "values": [...] }` or as the array itself.
fn raw_values<'a, T: Deserialize<'a>>(v: Raw<'a>) -> Vec<T> {
    #[derive(Deserialize)]
    struct Values<T> {
        values: Option<Vec<T>>,
    }
    let Some(v) = v else { return Vec::new() };
    match first(v) {
        b'[' => serde_json::from_str(v.get()).unwrap_or_default(),
        b'{' => serde_json::from_str::<Values<T>>(v.get())
            .ok()
            .and_then(|x| x.values)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A string (not blank) or a number, as text.
fn raw_text(v: Raw<'_>) -> Option<String> {
    let v = v?;
    match first(v) {
        b'"' => serde_json::from_str::<String>(v.get())
            .ok()
            .filter(|s| !s.trim().is_empty()),
        b'-' | b'0'..=b'9' => Some(v.get().trim().to_string()),
        _ => None,
    }
}

/// A scalar as a JSON value (frames keep their fields' types).
fn raw_scalar(v: Raw<'_>) -> Option<Value> {
    let v = v.filter(|v| !is_null(v))?;
    serde_json::from_str(v.get()).ok()
}

/// Sentry's `timestamp`: an RFC 3339 string or epoch seconds (float).
fn timestamp(v: Raw<'_>) -> Option<i64> {
    let v = v?;
    match first(v) {
        b'"' => {
            let s: String = serde_json::from_str(v.get()).ok()?;
            if let Ok(secs) = s.parse::<f64>() {
                return Some((secs * 1000.0) as i64);
            }
            crate::timefmt::parse_rfc3339_ms(&s)
        }
        _ => v
            .get()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| (s * 1000.0) as i64),
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

/// The index (in `frames`, oldest first) of the frame grouping uses: the crashing-most
/// application frame (`in_app`, or when the SDK does not say, not a runtime or framework path),
/// else the crashing frame.
pub fn group_frame_index(frames: &[Value]) -> Option<usize> {
    frames
        .iter()
        .rposition(|f| !is_framework(f))
        .or_else(|| frames.len().checked_sub(1))
}

/// The grouping frame of structured frames (oldest first) as a stack line. A frame resolved
/// through a source map groups on its original file alone: its function name depends on the
/// build (a renamed one is recovered only when its caller's call site is in the map), so it
/// would split issues.
pub fn group_frame(frames: &[Value]) -> Option<String> {
    let f = &frames[group_frame_index(frames)?];
    Some(if f.get("minified").is_some() {
        let mut f = f.clone();
        if let Some(o) = f.as_object_mut() {
            o.remove("function");
        }
        frame_line(&f)
    } else {
        frame_line(f)
    })
}

/// Why a structured frame counts as a runtime or framework frame: `in_app: false`, or the
/// framework marker its stack line contains; `None` for an application frame.
pub fn framework_reason(f: &Value) -> Option<String> {
    if !is_framework(f) {
        return None;
    }
    if f.get("in_app").and_then(Value::as_bool) == Some(false) {
        return Some("in_app: false".into());
    }
    let line = frame_line(f);
    Some(match crate::fingerprint::framework_marker(&line) {
        Some(m) => format!("contains `{m}`"),
        None => "framework".into(),
    })
}

/// A structured frame as the stack line bloop shows and hashes: `at function (file:line:col)`.
pub fn frame_text(f: &Value) -> String {
    frame_line(f)
}

/// Whether a kept frame is a runtime or framework frame: `in_app` when the SDK says, else the
/// same rule as for a text stack (one definition, in `fingerprint`).
fn is_framework(f: &Value) -> bool {
    let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("");
    let file = match s("abs_path") {
        "" => s("filename"),
        p => p,
    };
    crate::fingerprint::is_framework_structured_frame(
        f.get("in_app").and_then(Value::as_bool),
        file,
        s("function"),
        s("module"),
    )
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
fn kept_frame(f: &RawFrame<'_>) -> Value {
    let mut o = Map::new();
    for (k, v) in [
        ("filename", f.filename),
        ("abs_path", f.abs_path),
        ("function", f.function),
        ("module", f.module),
        ("lineno", f.lineno),
        ("colno", f.colno),
        ("in_app", f.in_app),
    ] {
        if let Some(v) = raw_scalar(v) {
            o.insert(k.into(), v);
        }
    }
    Value::Object(o)
}

/// The metadata object, written part by part as long as it fits `limit` (a part that does not
/// is named under `_trimmed`).
struct Meta {
    out: String,
    trimmed: Vec<&'static str>,
    limit: usize,
}

impl Meta {
    fn add(&mut self, key: &'static str, json: &str) {
        let n = key.len() + 4 + json.len();
        // Room is kept for the `_trimmed` list itself.
        if self.out.len() + 1 + n + 80 <= self.limit {
            self.out.push(if self.out.is_empty() { '{' } else { ',' });
            self.out.push('"');
            self.out.push_str(key);
            self.out.push_str("\":");
            self.out.push_str(json);
        } else {
            self.trimmed.push(key);
        }
    }

    fn finish(mut self) -> Option<String> {
        if !self.trimmed.is_empty() {
            let list = serde_json::to_string(&self.trimmed).unwrap_or_default();
            self.out.push(if self.out.is_empty() { '{' } else { ',' });
            self.out.push_str("\"_trimmed\":");
            self.out.push_str(&list);
        }
        if self.out.is_empty() {
            return None;
        }
        self.out.push('}');
        Some(self.out)
    }
}

/// The metadata kept from a Sentry event: tags, level, logger, server, transaction, the
/// request (url, method, query, headers), contexts, extra, the SDK's name and the last 20
/// breadcrumbs; each as sent, while it fits `limit`.
fn metadata(e: &RawEvent<'_>, limit: usize) -> Option<String> {
    let mut m = Meta {
        out: String::new(),
        trimmed: Vec::new(),
        limit,
    };
    if let Some(tags) = e.tags {
        match first(tags) {
            b'{' => m.add("tags", tags.get().trim()),
            // Tags as `[[key, value], …]` become an object.
            b'[' => {
                let pairs: Vec<Value> = serde_json::from_str(tags.get()).unwrap_or_default();
                let o: Map<String, Value> = pairs
                    .iter()
                    .filter_map(|p| {
                        let p = p.as_array()?;
                        Some((text(p.first())?, p.get(1)?.clone()))
                    })
                    .collect();
                m.add("tags", &Value::Object(o).to_string());
            }
            _ => {}
        }
    }
    for (k, v) in [
        ("level", e.level),
        ("logger", e.logger),
        ("server_name", e.server_name),
        ("transaction", e.transaction),
    ] {
        if let Some(v) = v.filter(|v| first(v) == b'"') {
            m.add(k, v.get().trim());
        }
    }
    // No user: bloop keeps only a hash of the id (`user_id_hash`); the id, email, IP and name
    // are personal data it does not need.
    if let Some(r) = e.request.filter(|r| first(r) == b'{') {
        if let Some(r) = parse::<RawRequest>(Some(r)) {
            let mut o = String::from("{");
            for (k, v) in [
                ("url", r.url),
                ("method", r.method),
                ("query_string", r.query_string),
                ("headers", r.headers),
            ] {
                if let Some(v) = v.filter(|v| !is_null(v)) {
                    if o.len() > 1 {
                        o.push(',');
                    }
                    o.push('"');
                    o.push_str(k);
                    o.push_str("\":");
                    o.push_str(v.get().trim());
                }
            }
            o.push('}');
            m.add("request", &o);
        }
    }
    for (k, v) in [("contexts", e.contexts), ("extra", e.extra)] {
        if let Some(v) = v.filter(|v| first(v) == b'{') {
            m.add(k, v.get().trim());
        }
    }
    if let Some(name) = parse::<RawId>(e.sdk)
        .and_then(|s| s.name)
        .filter(|n| first(n) == b'"')
    {
        m.add("sdk", name.get().trim());
    }
    let crumbs: Vec<&RawValue> = raw_values(e.breadcrumbs);
    if !crumbs.is_empty() {
        let last = &crumbs[crumbs.len().saturating_sub(20)..];
        let mut o = String::from("[");
        for (i, c) in last.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str(c.get().trim());
        }
        o.push(']');
        m.add("breadcrumbs", &o);
    }
    m.finish()
}

/// `route_or_procedure`: the transaction, else the request URL's path.
fn route(e: &RawEvent<'_>) -> Option<String> {
    if let Some(t) = raw_text(e.transaction) {
        return Some(t);
    }
    let request: RawRequest = parse(e.request)?;
    let url = raw_text(request.url)?;
    let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    Some(match raw_text(request.method) {
        Some(m) => format!("{} {path}", m.to_uppercase()),
        None => path.to_string(),
    })
}

/// `formatted`, else `message`, of a `logentry` or an object `message`.
fn message_text(v: Raw<'_>) -> Option<String> {
    let v = v?;
    if first(v) == b'{' {
        let m: RawMessage = parse(Some(v))?;
        raw_text(m.formatted).or_else(|| raw_text(m.message))
    } else {
        raw_text(Some(v))
    }
}

/// Maps one Sentry event (the payload of an `event` item, or a `store` body) onto a bloop
/// event. Only what bloop reads is parsed; the parts kept as metadata are copied as sent.
/// `now` stands in for a missing timestamp. Over-cap parts are trimmed with a marker, never
/// refused.
pub fn map_event(body: &[u8], caps: &IngestConfig, now: i64) -> Result<Mapped, SentryError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(SentryError::Event("must be a JSON object".into()));
    }
    let e: RawEvent = serde_json::from_slice(body)
        .map_err(|err| SentryError::Event(format!("not JSON: {err}")))?;
    let mut exceptions: Vec<RawException> = raw_values(e.exception);
    let message_text = message_text(e.logentry).or_else(|| message_text(e.message));
    // The chain is oldest first: the last entry is the one raised.
    let exc = exceptions.pop();
    let (error_type, message) = match &exc {
        Some(x) => {
            let ty = raw_text(x.ty).unwrap_or_else(|| "Error".into());
            let value = raw_text(x.value)
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
    let frames: Vec<RawFrame> = match exc.and_then(|x| x.stacktrace).and_then(|s| s.frames) {
        Some(f) => f,
        None => {
            let mut threads: Vec<RawThread> = raw_values(e.threads);
            let at = threads
                .iter()
                .position(|t| t.crashed == Some(true))
                .unwrap_or(0);
            (at < threads.len())
                .then(|| threads.swap_remove(at))
                .and_then(|t| t.stacktrace)
                .and_then(|s| s.frames)
                .unwrap_or_default()
        }
    };
    // The frames kept structured, within twice the text stack's cap.
    let mut kept: Vec<Value> = Vec::new();
    let mut kept_size = 0;
    for f in frames.iter().rev() {
        let k = kept_frame(f);
        // The frame's size as stored, near enough: its fields as sent and their names.
        kept_size += [
            f.filename, f.abs_path, f.function, f.module, f.lineno, f.colno, f.in_app,
        ]
        .iter()
        .flatten()
        .map(|v| v.get().len() + 12)
        .sum::<usize>()
            + 2;
        if kept_size > caps.max_stack_bytes * 2 {
            break;
        }
        kept.push(k);
    }
    kept.reverse();
    let debug_images = parse::<RawDebugMeta>(e.debug_meta)
        .map(|d| raw_values::<RawImage>(d.images))
        .unwrap_or_default()
        .into_iter()
        .filter(|i| raw_text(i.ty).as_deref() == Some("sourcemap"))
        .filter_map(|i| {
            let file = raw_text(i.code_file)?;
            let id = crate::sourcemap::normalize_debug_id(&raw_text(i.debug_id)?)?;
            Some((file, id))
        })
        .take(100)
        .collect();
    let source = raw_text(e.platform).unwrap_or_else(|| "sentry".into());
    let route = route(&e);
    let custom_fingerprint = parse::<Vec<Value>>(e.fingerprint)
        .filter(|parts| !parts.is_empty())
        .map(|parts| {
            parts
                .into_iter()
                .map(|p| match p {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect()
        });
    let user = parse::<RawId>(e.user)
        .and_then(|u| raw_text(u.id))
        .map(|id| crate::signing::sha256_hex(id.as_bytes()));
    let event = Event {
        timestamp: timestamp(e.timestamp).unwrap_or(now),
        error_type: capped(&error_type, crate::event::MAX_ERROR_TYPE_BYTES),
        message: capped(&message, caps.max_message_bytes),
        source: capped(&source, crate::event::MAX_SHORT_FIELD_BYTES),
        environment: raw_text(e.environment)
            .map(|s| capped(&s, crate::event::MAX_SHORT_FIELD_BYTES))
            .unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_string()),
        release: raw_text(e.release)
            .map(|s| capped(&s, crate::event::MAX_SHORT_FIELD_BYTES))
            .unwrap_or_default(),
        app_version: None,
        build_number: raw_text(e.dist).map(|s| capped(&s, crate::event::MAX_SHORT_FIELD_BYTES)),
        route_or_procedure: route.map(|r| capped(&r, crate::event::MAX_SHORT_FIELD_BYTES)),
        screen: None,
        stack: None,
        http_status: None,
        request_id: None,
        user_id_hash: user,
        device_id_hash: None,
        fingerprint: None,
        metadata: metadata(&e, caps.max_metadata_bytes),
        frames: None,
    };
    let mut m = Mapped {
        event,
        event_id: raw_text(e.event_id),
        group_frame: None,
        custom_fingerprint,
        frames: kept,
        debug_images,
    };
    m.render(caps.max_stack_bytes);
    Ok(m)
}

/// [`map_event`] of a JSON value (tests).
#[cfg(test)]
pub fn map_value(e: &Value, caps: &IngestConfig, now: i64) -> Result<Mapped, SentryError> {
    map_event(&serde_json::to_vec(e).unwrap_or_default(), caps, now)
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
        let m = map_value(&python_event(), &caps, 5).unwrap();
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
        assert!(
            meta.get("user").is_none(),
            "only the id's hash is kept: {meta}"
        );
        assert_eq!(meta["breadcrumbs"][0]["message"], "clicked");
        assert_eq!(meta["extra"]["order"], 7);
        assert_eq!(e.user_id_hash.as_deref().map(str::len), Some(64));
        assert!(m.custom_fingerprint.is_none());
    }

    #[test]
    fn without_in_app_framework_paths_do_not_group() {
        let caps = IngestConfig::default();
        let event = |top: &str| {
            json!({"platform": "node", "exception": {"values": [{"type": "TypeError",
                "value": "x is not a function", "stacktrace": {"frames": [
                    {"filename": "/srv/app/src/orders.js", "function": "placeOrder", "lineno": 10},
                    {"filename": format!("/srv/app/node_modules/pg/lib/{top}.js"),
                     "function": "query", "lineno": 5}]}}]}})
        };
        let a = map_value(&event("client"), &caps, 0).unwrap();
        let b = map_value(&event("pool"), &caps, 0).unwrap();
        assert!(
            a.group_frame.as_deref().unwrap().contains("placeOrder"),
            "{:?}",
            a.group_frame
        );
        assert_eq!(
            a.fingerprint(),
            b.fingerprint(),
            "the library frame does not decide"
        );
    }

    #[test]
    fn grouping_uses_the_in_app_frame_and_ignores_numbers() {
        let caps = IngestConfig::default();
        let a = map_value(&python_event(), &caps, 0).unwrap();
        let mut other = python_event();
        other["exception"]["values"][1]["value"] = json!("bad amount 99");
        // Another line in the same function, and a different framework frame on top.
        other["exception"]["values"][1]["stacktrace"]["frames"][1]["lineno"] = json!(91);
        other["exception"]["values"][1]["stacktrace"]["frames"][2]["function"] = json!("quantize");
        let b = map_value(&other, &caps, 0).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mut elsewhere = python_event();
        elsewhere["exception"]["values"][1]["stacktrace"]["frames"][1]["function"] =
            json!("refund");
        let c = map_value(&elsewhere, &caps, 0).unwrap();
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn messages_custom_fingerprints_and_timestamps() {
        let caps = IngestConfig::default();
        let m = map_value(
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
        let m = map_value(
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
            map_value(&e, &caps, 0).unwrap().fingerprint()
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
        assert!(map_value(&json!({"level": "error"}), &caps, 0).is_err());
        assert!(map_value(&json!([1]), &caps, 0).is_err());
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
        let m = map_value(&e, &caps, 0).unwrap();
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
