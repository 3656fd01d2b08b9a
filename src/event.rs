//! The ingest event contract: what a client sends (`IngestEvent`), how it is parsed from the
//! request bytes, and its validation against the configured caps.
//!
//! This module knows nothing of HTTP or storage; the server maps [`EventError`] to a 400/413
//! JSON body and the pipeline stores the validated [`Event`].

use std::sync::Arc;

use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::config::IngestConfig;

/// Cap for the short string fields (`source`, `environment`, `release`, `route_or_procedure`…),
/// which are labels, not payloads.
pub const MAX_SHORT_FIELD_BYTES: usize = 1024;
/// Cap for `error_type`.
pub const MAX_ERROR_TYPE_BYTES: usize = 512;
/// Cap for a client-supplied `fingerprint`.
pub const MAX_FINGERPRINT_BYTES: usize = 128;

/// Source used when the client sends none.
pub const DEFAULT_SOURCE: &str = "unknown";
/// Environment used when the client sends none.
pub const DEFAULT_ENVIRONMENT: &str = "production";

/// How far ahead of the server's clock an event's own time may be and still be believed.
pub const FUTURE_TOLERANCE_MS: i64 = 5 * 60_000;

/// An event that passed validation, with what the server decided about it.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub project_id: Arc<str>,
    pub fingerprint: String,
    /// Server time at acceptance, epoch ms.
    pub received_at: i64,
    /// How old the event's own time may be and still be believed (the raw-event retention
    /// window): an older one is counted at `received_at`.
    pub max_age_ms: i64,
    pub event: Event,
}

impl Accepted {
    /// The default of [`Accepted::max_age_ms`]: `retention.raw_events_days`' default.
    pub const DEFAULT_MAX_AGE_MS: i64 = 7 * 86_400_000;

    /// Whether the event's own time was not believed: more than [`FUTURE_TOLERANCE_MS`] ahead of
    /// the received time, or older than [`Accepted::max_age_ms`].
    pub fn time_clamped(&self) -> bool {
        let ts = self.event.timestamp;
        ts > self.received_at.saturating_add(FUTURE_TOLERANCE_MS)
            || ts < self.received_at.saturating_sub(self.max_age_ms)
    }

    /// When the event happened, as counts, trends and first/last seen use it: its own time,
    /// normalised ([`Accepted::time_clamped`] ones at the received time; a clock a little ahead
    /// counts as the received time, never later).
    pub fn at(&self) -> i64 {
        if self.time_clamped() {
            self.received_at
        } else {
            self.event.timestamp.min(self.received_at)
        }
    }
}

/// A validation failure, naming the field and, for size caps, the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("malformed JSON: {0}")]
    Malformed(String),
    #[error("field `{field}`: {message}")]
    Invalid { field: String, message: String },
    #[error("missing required field `{0}`")]
    Missing(String),
    #[error("field `{field}` is {size} bytes, over the limit of {limit}")]
    TooLarge {
        field: String,
        size: usize,
        limit: usize,
    },
    #[error("field `{field}` holds {count} items, over the limit of {limit}")]
    TooMany {
        field: String,
        count: usize,
        limit: usize,
    },
    #[error("field `{field}` is nested {depth} levels deep, over the limit of {limit}")]
    TooDeep {
        field: String,
        depth: usize,
        limit: usize,
    },
}

impl EventError {
    pub fn field(&self) -> Option<&str> {
        match self {
            EventError::Malformed(_) => None,
            EventError::Invalid { field, .. }
            | EventError::TooLarge { field, .. }
            | EventError::TooMany { field, .. }
            | EventError::TooDeep { field, .. } => Some(field),
            EventError::Missing(f) => Some(f),
        }
    }

    pub fn limit(&self) -> Option<usize> {
        match self {
            EventError::TooLarge { limit, .. }
            | EventError::TooMany { limit, .. }
            | EventError::TooDeep { limit, .. } => Some(*limit),
            _ => None,
        }
    }

    /// Prefixes the field with a batch position, e.g. `events[3].message`.
    pub fn in_batch(self, index: usize) -> EventError {
        self.within(&format!("events[{index}]"))
    }

    /// Names the field from an enclosing one: `parent.field` (`parent` alone for the whole
    /// body); a malformed part becomes an invalid `parent`.
    pub fn within(self, parent: &str) -> EventError {
        let prefix = |f: String| {
            if f.is_empty() || f == "body" {
                parent.to_string()
            } else {
                format!("{parent}.{f}")
            }
        };
        match self {
            EventError::Malformed(m) => EventError::Invalid {
                field: parent.to_string(),
                message: m,
            },
            EventError::Invalid { field, message } => EventError::Invalid {
                field: prefix(field),
                message,
            },
            EventError::Missing(f) => EventError::Missing(prefix(f)),
            EventError::TooLarge { field, size, limit } => EventError::TooLarge {
                field: prefix(field),
                size,
                limit,
            },
            EventError::TooMany {
                field,
                count,
                limit,
            } => EventError::TooMany {
                field: prefix(field),
                count,
                limit,
            },
            EventError::TooDeep {
                field,
                depth,
                limit,
            } => EventError::TooDeep {
                field: prefix(field),
                depth,
                limit,
            },
        }
    }
}

/// An epoch timestamp as clients send it: integer or float, seconds or milliseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawTimestamp(pub(crate) f64);

impl<'de> Deserialize<'de> for RawTimestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = RawTimestamp;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an epoch timestamp in seconds or milliseconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawTimestamp, E> {
                Ok(RawTimestamp(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawTimestamp, E> {
                Ok(RawTimestamp(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawTimestamp, E> {
                Ok(RawTimestamp(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The wire shape of one event. Unknown fields are ignored so newer clients keep working.
/// `timestamp`, `error_type` and `message` are required (checked in [`validate`], so a missing
/// one is named in the error).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "IngestEvent")]
pub(crate) struct WireEvent<'a> {
    /// Epoch time: below 10^11 it is seconds, otherwise milliseconds.
    #[schemars(with = "Option<f64>")]
    timestamp: Option<RawTimestamp>,
    error_type: Option<String>,
    message: Option<String>,
    source: Option<String>,
    environment: Option<String>,
    release: Option<String>,
    app_version: Option<String>,
    build_number: Option<String>,
    route_or_procedure: Option<String>,
    screen: Option<String>,
    stack: Option<String>,
    http_status: Option<u16>,
    request_id: Option<String>,
    user_id_hash: Option<String>,
    device_id_hash: Option<String>,
    fingerprint: Option<String>,
    /// A JSON object.
    #[serde(borrow)]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    metadata: Option<&'a RawValue>,
}

/// A validated event, ready for fingerprinting and the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Client time, normalised to epoch milliseconds.
    pub timestamp: i64,
    pub error_type: String,
    pub message: String,
    pub source: String,
    pub environment: String,
    pub release: String,
    pub app_version: Option<String>,
    pub build_number: Option<String>,
    pub route_or_procedure: Option<String>,
    pub screen: Option<String>,
    pub stack: Option<String>,
    pub http_status: Option<u16>,
    pub request_id: Option<String>,
    pub user_id_hash: Option<String>,
    pub device_id_hash: Option<String>,
    pub fingerprint: Option<String>,
    /// The metadata object exactly as sent (compact JSON text).
    pub metadata: Option<String>,
    /// Stack frames kept structured (JSON array, oldest first: file, function, line, column,
    /// module, in_app), when the client sent them so (Sentry SDKs).
    pub frames: Option<String>,
}

impl Event {
    /// The event as a JSON object with every field (metadata embedded as the object it was).
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct View<'a> {
            timestamp: i64,
            error_type: &'a str,
            message: &'a str,
            source: &'a str,
            environment: &'a str,
            release: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            app_version: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            build_number: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            route_or_procedure: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            screen: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            stack: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            http_status: Option<u16>,
            #[serde(skip_serializing_if = "Option::is_none")]
            request_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            user_id_hash: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            device_id_hash: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            metadata: Option<&'a RawValue>,
            #[serde(skip_serializing_if = "Option::is_none")]
            frames: Option<&'a RawValue>,
        }
        let metadata = self
            .metadata
            .as_deref()
            .and_then(|m| serde_json::from_str::<&RawValue>(m).ok());
        let view = View {
            timestamp: self.timestamp,
            error_type: &self.error_type,
            message: &self.message,
            source: &self.source,
            environment: &self.environment,
            release: &self.release,
            app_version: self.app_version.as_deref(),
            build_number: self.build_number.as_deref(),
            route_or_procedure: self.route_or_procedure.as_deref(),
            screen: self.screen.as_deref(),
            stack: self.stack.as_deref(),
            http_status: self.http_status,
            request_id: self.request_id.as_deref(),
            user_id_hash: self.user_id_hash.as_deref(),
            device_id_hash: self.device_id_hash.as_deref(),
            metadata,
            frames: self
                .frames
                .as_deref()
                .and_then(|f| serde_json::from_str::<&RawValue>(f).ok()),
        };
        serde_json::to_string(&view).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Epoch value below this is seconds; at or above it, milliseconds.
const SECONDS_CUTOFF: f64 = 1e11;

/// The latest event time accepted, in epoch ms (the year 5138).
pub const MAX_TIMESTAMP_MS: i64 = 100_000_000_000_000;

/// Normalises a client timestamp to epoch milliseconds.
pub fn normalize_timestamp(v: f64) -> Option<i64> {
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let ms = if v < SECONDS_CUTOFF { v * 1000.0 } else { v };
    // Far-future values (beyond year ~5000) are nonsense, not a reason to overflow.
    if ms > MAX_TIMESTAMP_MS as f64 {
        return None;
    }
    Some(ms.round() as i64)
}

/// The deepest nesting of objects and arrays in valid JSON `text` (a flat object is 1): one
/// pass over the bytes, skipping strings.
pub fn json_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Parses one event from its JSON bytes and validates it.
pub fn parse_event(bytes: &[u8], caps: &IngestConfig) -> Result<Event, EventError> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        // Valid JSON of another kind is named as such; anything else is malformed (below).
        Some(b'[') | Some(b'"') | Some(b'0'..=b'9') | Some(b'-') | Some(b't') | Some(b'f')
        | Some(b'n')
            if serde_json::from_slice::<de::IgnoredAny>(bytes).is_ok() =>
        {
            return Err(EventError::Invalid {
                field: "body".into(),
                message: "must be a JSON object holding one event".into(),
            })
        }
        _ => {}
    }
    // Valid events take the plain parser; only a failure is parsed again with path tracking,
    // which names the field in the error (and costs about a third more per event).
    let wire: WireEvent = match serde_json::from_slice(bytes) {
        Ok(w) => w,
        Err(e) => return Err(wire_error::<WireEvent>(bytes, e)),
    };
    validate(wire, caps)
}

/// The error of a body that does not parse as `T` (`plain` is what the plain parser said):
/// parsed again with path tracking, to name the field where it went wrong.
pub(crate) fn wire_error<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    plain: serde_json::Error,
) -> EventError {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let e = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => e,
        // Both parsers refuse the same input; this keeps the plain error if they ever differ.
        Ok(_) => return EventError::Malformed(de.end().err().unwrap_or(plain).to_string()),
    };
    match e.inner().classify() {
        serde_json::error::Category::Data => {
            let path = e.path().to_string();
            json_error(path, e.into_inner())
        }
        _ => EventError::Malformed(e.into_inner().to_string()),
    }
}

fn json_error(path: String, e: serde_json::Error) -> EventError {
    let msg = e.to_string();
    if let Some(rest) = msg.strip_prefix("missing field `") {
        if let Some(end) = rest.find('`') {
            return EventError::Missing(rest[..end].to_string());
        }
    }
    if e.is_data() && path != "." && !path.is_empty() {
        // serde_json appends " at line L column C"; keep the human part.
        let human = msg
            .rsplit_once(" at line ")
            .map(|(h, _)| h.to_string())
            .unwrap_or(msg);
        return EventError::Invalid {
            field: path,
            message: human,
        };
    }
    EventError::Malformed(msg)
}

pub(crate) fn check_len(field: &str, value: &str, limit: usize) -> Result<(), EventError> {
    if value.len() > limit {
        return Err(EventError::TooLarge {
            field: field.to_string(),
            size: value.len(),
            limit,
        });
    }
    Ok(())
}

fn required(field: &str, value: Option<String>) -> Result<String, EventError> {
    match value {
        None => Err(EventError::Missing(field.to_string())),
        Some(v) if v.trim().is_empty() => Err(EventError::Invalid {
            field: field.to_string(),
            message: "must not be empty".into(),
        }),
        Some(v) => Ok(v),
    }
}

/// Optional short labels: empty strings become `None`, long ones are refused.
fn short(field: &str, value: Option<String>) -> Result<Option<String>, EventError> {
    match value {
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => {
            check_len(field, &v, MAX_SHORT_FIELD_BYTES)?;
            Ok(Some(v))
        }
        None => Ok(None),
    }
}

fn validate(w: WireEvent<'_>, caps: &IngestConfig) -> Result<Event, EventError> {
    let raw_ts = w
        .timestamp
        .ok_or_else(|| EventError::Missing("timestamp".into()))?;
    let timestamp = normalize_timestamp(raw_ts.0).ok_or_else(|| EventError::Invalid {
        field: "timestamp".into(),
        message: if raw_ts.0 < 0.0 || raw_ts.0.is_nan() {
            "must be a non-negative epoch time in seconds or milliseconds".into()
        } else {
            format!(
                "must be an epoch time in seconds or milliseconds, at most {MAX_TIMESTAMP_MS} (ms, the year 5138)"
            )
        },
    })?;
    let error_type = required("error_type", w.error_type)?;
    check_len("error_type", &error_type, MAX_ERROR_TYPE_BYTES)?;
    let message = required("message", w.message)?;
    check_len("message", &message, caps.max_message_bytes)?;

    let source = short("source", w.source)?.unwrap_or_else(|| DEFAULT_SOURCE.to_string());
    let environment =
        short("environment", w.environment)?.unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_string());
    let release = short("release", w.release)?.unwrap_or_default();

    let stack = match w.stack {
        Some(s) if s.trim().is_empty() => None,
        Some(s) => {
            check_len("stack", &s, caps.max_stack_bytes)?;
            Some(s)
        }
        None => None,
    };
    let metadata = match w.metadata {
        Some(raw) => {
            let text = raw.get();
            if text == "null" {
                None
            } else {
                if !text.starts_with('{') {
                    return Err(EventError::Invalid {
                        field: "metadata".into(),
                        message: "must be a JSON object".into(),
                    });
                }
                check_len("metadata", text, caps.max_metadata_bytes)?;
                let depth = json_depth(text);
                if depth > caps.max_metadata_depth {
                    return Err(EventError::TooDeep {
                        field: "metadata".into(),
                        depth,
                        limit: caps.max_metadata_depth,
                    });
                }
                Some(text.to_string())
            }
        }
        None => None,
    };
    let fingerprint = match w.fingerprint {
        Some(f) if f.trim().is_empty() => None,
        Some(f) => {
            check_len("fingerprint", &f, MAX_FINGERPRINT_BYTES)?;
            Some(f.trim().to_string())
        }
        None => None,
    };

    Ok(Event {
        timestamp,
        error_type,
        message,
        source,
        environment,
        release,
        app_version: short("app_version", w.app_version)?,
        build_number: short("build_number", w.build_number)?,
        route_or_procedure: short("route_or_procedure", w.route_or_procedure)?,
        screen: short("screen", w.screen)?,
        stack,
        http_status: w.http_status,
        request_id: short("request_id", w.request_id)?,
        user_id_hash: short("user_id_hash", w.user_id_hash)?,
        device_id_hash: short("device_id_hash", w.device_id_hash)?,
        fingerprint,
        metadata,
        frames: None,
    })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(rename = "IngestBatch")]
pub(crate) struct WireBatch<'a> {
    #[serde(borrow)]
    #[schemars(with = "Vec<WireEvent<'static>>")]
    events: Vec<&'a RawValue>,
}

/// Parses a `{"events": [...]}` batch; all-or-nothing: the first invalid event fails the whole
/// batch, named by its index.
pub fn parse_batch(bytes: &[u8], caps: &IngestConfig) -> Result<Vec<Event>, EventError> {
    let batch: WireBatch = match serde_json::from_slice(bytes) {
        Ok(b) => b,
        Err(e) => return Err(wire_error::<WireBatch>(bytes, e)),
    };
    if batch.events.is_empty() {
        return Err(EventError::Invalid {
            field: "events".into(),
            message: "must contain at least one event".into(),
        });
    }
    if batch.events.len() > caps.max_batch_size {
        return Err(EventError::TooMany {
            field: "events".into(),
            count: batch.events.len(),
            limit: caps.max_batch_size,
        });
    }
    batch
        .events
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let text = raw.get();
            if text.len() > caps.max_payload_bytes {
                return Err(EventError::TooLarge {
                    field: String::new(),
                    size: text.len(),
                    limit: caps.max_payload_bytes,
                }
                .in_batch(i));
            }
            parse_event(text.as_bytes(), caps).map_err(|e| e.in_batch(i))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> IngestConfig {
        IngestConfig::default()
    }

    #[test]
    fn minimal_event_gets_defaults() {
        let e = parse_event(
            br#"{"timestamp":1700000000,"error_type":"TypeError","message":"boom"}"#,
            &caps(),
        )
        .unwrap();
        assert_eq!(e.timestamp, 1_700_000_000_000);
        assert_eq!(e.source, "unknown");
        assert_eq!(e.environment, "production");
        assert_eq!(e.release, "");
    }

    #[test]
    fn timestamps_in_seconds_and_milliseconds_agree() {
        assert_eq!(
            normalize_timestamp(1_700_000_000.0),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            normalize_timestamp(1_700_000_000_123.0),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            normalize_timestamp(1_700_000_000.5),
            Some(1_700_000_000_500)
        );
        assert_eq!(normalize_timestamp(-1.0), None);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let e = parse_event(
            br#"{"timestamp":1,"error_type":"E","message":"m","brand_new":{"x":1},"sdk":"v9"}"#,
            &caps(),
        );
        assert!(e.is_ok());
    }

    #[test]
    fn wrong_type_names_the_field() {
        let err = parse_event(
            br#"{"timestamp":1,"error_type":"E","message":"m","http_status":"five hundred"}"#,
            &caps(),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("http_status"));
    }

    #[test]
    fn missing_message_names_the_field() {
        let err = parse_event(br#"{"timestamp":1,"error_type":"E"}"#, &caps()).unwrap_err();
        assert_eq!(err, EventError::Missing("message".into()));
        let err = parse_event(
            br#"{"timestamp":1,"error_type":"E","message":"  "}"#,
            &caps(),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("message"));
    }

    #[test]
    fn oversized_fields_name_field_and_limit() {
        let stack = "x".repeat(8193);
        let body = format!(r#"{{"timestamp":1,"error_type":"E","message":"m","stack":"{stack}"}}"#);
        let err = parse_event(body.as_bytes(), &caps()).unwrap_err();
        assert_eq!(err.field(), Some("stack"));
        assert_eq!(err.limit(), Some(8192));

        let meta = format!(r#"{{"k":"{}"}}"#, "v".repeat(5000));
        let body = format!(r#"{{"timestamp":1,"error_type":"E","message":"m","metadata":{meta}}}"#);
        let err = parse_event(body.as_bytes(), &caps()).unwrap_err();
        assert_eq!(err.field(), Some("metadata"));
        assert_eq!(err.limit(), Some(4096));
    }

    #[test]
    fn metadata_must_be_an_object() {
        let err = parse_event(
            br#"{"timestamp":1,"error_type":"E","message":"m","metadata":[1,2]}"#,
            &caps(),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("metadata"));
    }

    #[test]
    fn non_utf8_is_malformed_not_a_panic() {
        let err = parse_event(
            b"{\"timestamp\":1,\"error_type\":\"E\",\"message\":\"\xff\xfe\"}",
            &caps(),
        );
        assert!(err.is_err());
    }

    #[test]
    fn batch_errors_name_the_index() {
        let body = br#"{"events":[{"timestamp":1,"error_type":"E","message":"m"},{"timestamp":1,"error_type":"E"}]}"#;
        let err = parse_batch(body, &caps()).unwrap_err();
        assert_eq!(err.field(), Some("events[1].message"));
        let err = parse_batch(br#"{"events":[]}"#, &caps()).unwrap_err();
        assert_eq!(err.field(), Some("events"));
        let one = r#"{"timestamp":1,"error_type":"E","message":"m"}"#;
        let many = vec![one; 51].join(",");
        let err = parse_batch(format!(r#"{{"events":[{many}]}}"#).as_bytes(), &caps()).unwrap_err();
        assert_eq!(err.field(), Some("events"));
        assert_eq!(err.limit(), Some(50));
    }
}
