//! "Why are these grouped?": an event's issue key laid open, the same way ingest computes it.
//! Used by the issue page (on a stored event) and by `bloop fingerprint --explain` (on an event
//! in a file, offline).

use serde::Serialize;
use serde_json::Value;

use super::sentry::{self, Mapped};
use crate::config::IngestConfig;
use crate::event::{self, Event};
use crate::fingerprint::{self, Explanation};
use crate::scrub::Scrubber;

/// Where an issue key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFrom {
    /// bloop computed it: source, type, route, normalised message and grouping frame.
    Computed,
    /// The client sent it (bloop's `fingerprint` field, or a Sentry SDK's `fingerprint` array).
    Client,
}

/// An event's grouping, explained.
#[derive(Debug, Clone, Serialize)]
pub struct Grouping {
    /// The issue key the event gets.
    pub fingerprint: String,
    pub key_from: KeyFrom,
    /// A Sentry SDK's `fingerprint` array, as sent (`{{ default }}` stands for bloop's own key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_parts: Option<Vec<String>>,
    /// bloop's own key and every input to it (the issue key itself unless the client set one).
    pub computed: Explanation,
    /// For events with structured frames (Sentry SDKs): which frame grouping took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structured: Option<StructuredFrames>,
}

/// The structured frames of an event, crashing frame first, as grouping saw them.
#[derive(Debug, Clone, Serialize)]
pub struct StructuredFrames {
    pub total: usize,
    /// The grouping frame: its position counted from the crashing frame (1 = crashing).
    pub chosen: Option<usize>,
    /// Whether the chosen frame is itself a framework frame (no application frame at all: the
    /// crashing frame is used).
    pub chosen_is_framework: bool,
    /// The frames passed over before it, crashing first (at most
    /// [`fingerprint::MAX_EXPLAINED_LINES`]).
    pub skipped: Vec<SkippedFrame>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedFrame {
    /// Counted from the crashing frame (1 = crashing).
    pub position: usize,
    pub text: String,
    /// `in_app: false`, or the framework marker the frame's path contains.
    pub reason: String,
}

fn structured(frames: &[Value]) -> StructuredFrames {
    let chosen = sentry::group_frame_index(frames);
    let crash_first = frames.iter().rev().enumerate();
    let skipped = crash_first
        .take_while(|(_, f)| chosen.is_none_or(|c| !std::ptr::eq(*f, &frames[c])))
        .filter_map(|(k, f)| {
            Some(SkippedFrame {
                position: k + 1,
                text: sentry::frame_text(f),
                reason: sentry::framework_reason(f)?,
            })
        })
        .take(fingerprint::MAX_EXPLAINED_LINES)
        .collect();
    StructuredFrames {
        total: frames.len(),
        chosen: chosen.map(|c| frames.len() - c),
        chosen_is_framework: chosen.is_some_and(|c| sentry::framework_reason(&frames[c]).is_some()),
        skipped,
    }
}

fn own(e: &Event, stack: Option<&str>) -> Explanation {
    fingerprint::explain(
        &e.source,
        &e.error_type,
        e.route_or_procedure.as_deref().unwrap_or(""),
        &e.message,
        stack,
    )
}

/// One of bloop's own events, as ingest groups it (after scrubbing).
pub fn bloop_event(e: &Event) -> Grouping {
    let computed = own(e, e.stack.as_deref());
    match &e.fingerprint {
        Some(f) => Grouping {
            fingerprint: f.clone(),
            key_from: KeyFrom::Client,
            client_parts: None,
            computed,
            structured: None,
        },
        None => Grouping {
            fingerprint: computed.fingerprint.clone(),
            key_from: KeyFrom::Computed,
            client_parts: None,
            computed,
            structured: None,
        },
    }
}

/// A Sentry event, as ingest groups it.
pub fn sentry_event(m: &Mapped) -> Grouping {
    Grouping {
        fingerprint: m.fingerprint(),
        key_from: if m.custom_fingerprint.is_some() {
            KeyFrom::Client
        } else {
            KeyFrom::Computed
        },
        client_parts: m.custom_fingerprint.clone(),
        computed: own(&m.event, m.group_frame.as_deref()),
        structured: (!m.frames.is_empty()).then(|| structured(&m.frames)),
    }
}

/// A stored event (as the query API and the samples give it: `source`, `error_type`,
/// `route_or_procedure`, `message`, `stack`, `frames`) of the issue keyed `issue_fingerprint`.
/// When bloop's own key of the event is not the issue's, the client set it.
pub fn stored(event: &Value, issue_fingerprint: &str) -> Grouping {
    let s = |k: &str| event.get(k).and_then(Value::as_str).unwrap_or("");
    let frames: Vec<Value> = match event.get("frames") {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::String(t)) => serde_json::from_str(t).unwrap_or_default(),
        _ => Vec::new(),
    };
    let group_frame = (!frames.is_empty())
        .then(|| sentry::group_frame(&frames))
        .flatten();
    let stack = match &group_frame {
        Some(f) => Some(f.as_str()),
        None => event.get("stack").and_then(Value::as_str),
    };
    let computed = fingerprint::explain(
        s("source"),
        s("error_type"),
        s("route_or_procedure"),
        s("message"),
        stack,
    );
    Grouping {
        fingerprint: issue_fingerprint.to_string(),
        key_from: if computed.fingerprint == issue_fingerprint {
            KeyFrom::Computed
        } else {
            KeyFrom::Client
        },
        client_parts: None,
        structured: (!frames.is_empty()).then(|| structured(&frames)),
        computed,
    }
}

/// The events in a file, grouped as the server would (scrubbed first, when `scrubber` is
/// given): bloop's event JSON, a `{"events": [...]}` batch, a Sentry event or a Sentry envelope.
pub fn from_bytes(
    bytes: &[u8],
    caps: &IngestConfig,
    scrubber: Option<&Scrubber>,
    now: i64,
) -> Result<Vec<Grouping>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(
            "the input is empty: give an event (bloop JSON, a {\"events\": […]} batch, \
                    a Sentry event or envelope)"
                .into(),
        );
    }
    let doc: Option<Value> = serde_json::from_slice(bytes).ok();
    let Some(doc) = doc else {
        // Not one JSON document: a Sentry envelope (a header line, then items).
        let env = sentry::parse_envelope(bytes).map_err(|e| {
            format!("neither a JSON event, a {{\"events\": […]}} batch nor a Sentry envelope: {e}")
        })?;
        let mut out = Vec::new();
        for item in env.items.iter().filter(|i| i.kind == "event") {
            out.push(sentry_one(item.payload, caps, scrubber, now)?);
        }
        if out.is_empty() {
            return Err("the Sentry envelope has no event item".into());
        }
        return Ok(out);
    };
    let is_sentry = ["exception", "event_id", "logentry", "platform", "sdk"]
        .iter()
        .any(|k| doc.get(k).is_some());
    if is_sentry {
        return Ok(vec![sentry_one(bytes, caps, scrubber, now)?]);
    }
    let events = if doc.get("events").is_some() {
        event::parse_batch(bytes, caps)
    } else {
        event::parse_event(bytes, caps).map(|e| vec![e])
    }
    .map_err(|e| e.to_string())?;
    Ok(events
        .into_iter()
        .map(|mut e| {
            if let Some(s) = scrubber {
                s.event(&mut e);
            }
            bloop_event(&e)
        })
        .collect())
}

fn sentry_one(
    payload: &[u8],
    caps: &IngestConfig,
    scrubber: Option<&Scrubber>,
    now: i64,
) -> Result<Grouping, String> {
    let mut m = sentry::map_event(payload, caps, now).map_err(|e| e.to_string())?;
    if let Some(s) = scrubber {
        s.event(&mut m.event);
    }
    Ok(sentry_event(&m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn caps() -> IngestConfig {
        IngestConfig::default()
    }

    #[test]
    fn a_bloop_event_explains_its_own_key_or_says_the_client_set_it() {
        let body = br#"{"timestamp":1700000000,"source":"api","environment":"prod","release":"1.0",
            "error_type":"TypeError","message":"boom 42","route_or_procedure":"GET /x",
            "stack":"TypeError: boom\n    at f (/app/node_modules/a.js:1:1)\n    at g (/app/src/g.js:3:4)"}"#;
        let g = &from_bytes(body, &caps(), None, 0).unwrap()[0];
        assert_eq!(g.key_from, KeyFrom::Computed);
        assert_eq!(g.fingerprint, g.computed.fingerprint);
        assert_eq!(g.computed.normalized_message, "boom <n>");
        assert_eq!(
            g.computed.frame.as_ref().unwrap().hashed,
            "at g (/app/src/g.js)"
        );
        assert_eq!(g.computed.skipped.len(), 2);

        let mut v: Value = serde_json::from_slice(body).unwrap();
        v["fingerprint"] = json!("checkout-timeouts");
        let g = &from_bytes(v.to_string().as_bytes(), &caps(), None, 0).unwrap()[0];
        assert_eq!(g.key_from, KeyFrom::Client);
        assert_eq!(g.fingerprint, "checkout-timeouts");

        let batch = json!({"events": [v.clone(), v]}).to_string();
        assert_eq!(
            from_bytes(batch.as_bytes(), &caps(), None, 0)
                .unwrap()
                .len(),
            2
        );
        let err = from_bytes(b"{\"message\": 3}", &caps(), None, 0).unwrap_err();
        assert!(err.contains("message"), "{err}");
    }

    #[test]
    fn a_sentry_event_names_the_structured_frame_and_the_frames_passed_over() {
        let ev = json!({
            "event_id": "0123456789abcdef0123456789abcdef",
            "platform": "python",
            "exception": {"values": [{"type": "KeyError", "value": "'user'", "stacktrace": {"frames": [
                {"filename": "app/main.py", "function": "handle", "lineno": 10, "in_app": true},
                {"filename": "django/core/handlers.py", "function": "inner", "lineno": 5, "in_app": false},
                {"filename": "/usr/lib/python3.12/json/decoder.py", "function": "decode", "lineno": 7}
            ]}}]}
        });
        let body = ev.to_string();
        let g = &from_bytes(body.as_bytes(), &caps(), None, 0).unwrap()[0];
        assert_eq!(g.key_from, KeyFrom::Computed);
        let s = g.structured.as_ref().unwrap();
        assert_eq!(
            (s.total, s.chosen, s.chosen_is_framework),
            (3, Some(3), false)
        );
        let reasons: Vec<&str> = s.skipped.iter().map(|f| f.reason.as_str()).collect();
        assert_eq!(reasons, ["contains `/lib/python3`", "in_app: false"]);
        assert_eq!(
            g.computed.frame.as_ref().unwrap().hashed,
            "at handle (app/main.py)"
        );
        // The stored form of the same event explains to the same key.
        let m = sentry::map_event(body.as_bytes(), &caps(), 0).unwrap();
        let stored_event = json!({
            "source": m.event.source, "error_type": m.event.error_type,
            "message": m.event.message, "stack": m.event.stack,
            "frames": m.event.frames,
        });
        let st = stored(&stored_event, &g.fingerprint);
        assert_eq!(st.key_from, KeyFrom::Computed);
        assert_eq!(st.computed, g.computed);
        // An SDK fingerprint array.
        let mut ev = ev;
        ev["fingerprint"] = json!(["{{ default }}", "tenant-7"]);
        let g = &from_bytes(ev.to_string().as_bytes(), &caps(), None, 0).unwrap()[0];
        assert_eq!(g.key_from, KeyFrom::Client);
        assert_eq!(
            g.client_parts.as_deref(),
            Some(&["{{ default }}".to_string(), "tenant-7".to_string()][..])
        );
        assert_ne!(g.fingerprint, g.computed.fingerprint);
        assert_eq!(
            stored(&stored_event, &g.fingerprint).key_from,
            KeyFrom::Client
        );
    }

    #[test]
    fn an_envelope_with_events_is_read_and_garbage_is_named() {
        let ev = json!({"message": "hello", "platform": "javascript"}).to_string();
        let env = format!("{{\"event_id\":\"x\"}}\n{{\"type\":\"event\"}}\n{ev}\n");
        let g = from_bytes(env.as_bytes(), &caps(), None, 0).unwrap();
        assert_eq!(g[0].computed.error_type, "Message");
        let err = from_bytes(b" \n", &caps(), None, 0).unwrap_err();
        assert!(err.starts_with("the input is empty"), "{err}");
        let err = from_bytes(b"not json at all", &caps(), None, 0).unwrap_err();
        assert!(err.contains("Sentry envelope"), "{err}");
    }
}
