//! LLM failures as issues. A span written with status `error` (bloop JSON, OTLP, the proxy) is
//! queued in `llm_error_spans` in the trace's own transaction, due `error_issue_delay_secs`
//! later; when due, the writer files it as an error event of the same project (source `llm`,
//! error type from the provider's error or HTTP status, route = the model), in the same
//! transaction that marks it done — so it is grouped, counted and alerted on like any error,
//! once. A span is not filed when, by then, an error event naming its trace arrived
//! (`metadata.trace_id`: the client reported that failure itself), when its project turned the
//! feature off (`llm_settings.errors_as_issues = 0`), or when the trace was sent again without
//! the error. Queued spans live in the database, so a restart files them all the same.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::{json, Value};

use crate::event::{Accepted, Event, DEFAULT_ENVIRONMENT};
use crate::llm::trace::Trace;
use crate::scrub::{Scrubber, Scrubbing};

/// The `source` of filed events.
pub const SOURCE: &str = "llm";

/// Due spans read per transaction.
const CHUNK: usize = 500;

/// Longest message filed (the ingest default for `message`).
const MAX_MESSAGE: usize = 2048;

/// Error events that name a trace (`metadata.trace_id`, or Sentry's trace context): each links
/// its issue to the trace (what an error cost, `store::issue_traces`), and a client event also
/// marks the trace reported (its failures are already an event). Filed `llm` events link too
/// but report nothing. Only metadata that contains `trace_id` is parsed, so other events cost
/// a substring search.
pub(super) fn note_traces<'a>(
    tx: &Transaction,
    events: impl Iterator<Item = (i64, &'a Accepted)>,
) -> rusqlite::Result<()> {
    for (issue_id, a) in events {
        let Some(id) = a
            .event
            .metadata
            .as_deref()
            .filter(|m| m.contains("trace_id"))
            .and_then(trace_id_of)
        else {
            continue;
        };
        crate::store::issue_traces::link(tx, issue_id, &a.project_id, &id, a.received_at)?;
        if a.event.source == SOURCE {
            continue;
        }
        tx.prepare_cached(
            "INSERT OR IGNORE INTO llm_reported_traces (project_id, trace_id, reported_at)
             VALUES (?1, ?2, ?3)",
        )?
        .execute(params![&*a.project_id, id, a.received_at])?;
    }
    Ok(())
}

/// The trace an event's metadata names: `trace_id` (a string or a number), else Sentry's trace
/// context `contexts.trace.trace_id`.
fn trace_id_of(metadata: &str) -> Option<String> {
    let v: Value = serde_json::from_str(metadata).ok()?;
    let id = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    v.get("trace_id").and_then(id).or_else(|| {
        v.get("contexts")
            .and_then(|c| c.get("trace"))
            .and_then(|t| t.get("trace_id"))
            .and_then(id)
    })
}

/// What an error span will be filed as, read from the trace before its content policy applies.
pub(crate) struct Failure {
    span_id: String,
    error_type: String,
    http_status: Option<u16>,
    environment: String,
    release: String,
}

impl Failure {
    /// As the PostgreSQL writer queues it.
    pub fn queued(&self) -> crate::store::pg::llm_write::QueuedFailure<'_> {
        crate::store::pg::llm_write::QueuedFailure {
            span_id: &self.span_id,
            error_type: &self.error_type,
            http_status: self.http_status,
            environment: &self.environment,
            release: &self.release,
        }
    }
}

/// The error spans of a trace (as sent, metadata included).
pub(super) fn failures(trace: &Trace) -> Vec<Failure> {
    let parse = |m: &Option<String>| -> Value {
        m.as_deref()
            .and_then(|m| serde_json::from_str(m).ok())
            .unwrap_or(Value::Null)
    };
    let tmeta = parse(&trace.metadata);
    trace
        .spans
        .iter()
        .filter(|s| s.status == "error")
        .map(|s| {
            let meta = parse(&s.metadata);
            let provider = s
                .provider
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| SOURCE.to_string());
            let http_status = [
                "upstream_status",
                "http.response.status_code",
                "http.status_code",
            ]
            .iter()
            .find_map(|k| meta.get(*k).and_then(as_u16));
            let first = |keys: &[&str]| text(&tmeta, keys).or_else(|| text(&meta, keys));
            Failure {
                span_id: s.id.clone(),
                error_type: error_type(
                    &provider,
                    text(&meta, &["error.type", "error_type"]),
                    http_status,
                ),
                http_status,
                environment: cut(
                    &first(&[
                        "environment",
                        "deployment.environment.name",
                        "deployment.environment",
                    ])
                    .unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_string()),
                    64,
                ),
                release: cut(
                    &first(&["release", "service.version"]).unwrap_or_default(),
                    64,
                ),
            }
        })
        .collect()
}

/// Queues a trace's error spans (in the trace's transaction); a span queued before (the trace
/// was sent again) keeps its place.
pub(super) fn queue(
    tx: &Transaction,
    project: &str,
    trace_id: &str,
    failures: &[Failure],
    due_at: i64,
) -> rusqlite::Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT OR IGNORE INTO llm_error_spans (project_id, trace_id, span_id, due_at,
             error_type, http_status, environment, release)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for f in failures {
        st.execute(params![
            project,
            trace_id,
            f.span_id,
            due_at,
            f.error_type,
            f.http_status,
            f.environment,
            f.release
        ])?;
    }
    Ok(())
}

/// The writer's clock for filing.
pub(super) struct Filer {
    pub delay: Duration,
    /// When the earliest queued span is due (epoch ms); `None`: nothing queued.
    next_due: Option<i64>,
    /// Filed messages are scrubbed like any event (the span's message was scrubbed when it was
    /// written; this keeps the rule where events are made, whatever was stored before).
    scrub: Arc<Scrubbing>,
}

/// Spans due now: the events to file and the rows to mark done with them.
pub(super) struct Due {
    pub events: Vec<Arc<Accepted>>,
    keys: Vec<(String, String, String)>,
}

impl Due {
    /// Marks the spans handled (in the events' transaction).
    pub fn mark_done(&self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut st = tx.prepare_cached(
            "UPDATE llm_error_spans SET done = 1
             WHERE project_id = ?1 AND trace_id = ?2 AND span_id = ?3",
        )?;
        for (p, t, s) in &self.keys {
            st.execute(params![p, t, s])?;
        }
        Ok(())
    }
}

impl Filer {
    /// Picks up what a previous run left queued.
    pub fn new(conn: &Connection, delay: Duration, scrub: Arc<Scrubbing>) -> Self {
        let next_due = conn
            .query_row(
                "SELECT min(due_at) FROM llm_error_spans WHERE done = 0",
                [],
                |r| r.get::<_, Option<i64>>(0),
            )
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not read queued LLM errors; retrying soon");
                Some(0)
            });
        Self {
            delay,
            next_due,
            scrub,
        }
    }

    /// A flush queued spans due at `due`.
    pub fn queued(&mut self, due: i64) {
        self.next_due = Some(self.next_due.map_or(due, |d| d.min(due)));
    }

    /// How long until something is due (`None`: nothing queued).
    pub fn wait(&self, now: i64) -> Option<Duration> {
        self.next_due
            .map(|d| Duration::from_millis((d - now).max(0) as u64))
    }

    pub fn is_due(&self, now: i64) -> bool {
        self.next_due.is_some_and(|d| d <= now)
    }

    /// Try again in a second (reading failed).
    pub fn later(&mut self, now: i64) {
        self.next_due = Some(now + 1000);
    }

    /// Reads up to a chunk of due spans and builds their events. `None` when none is due.
    pub fn take(&mut self, conn: &Connection, now: i64) -> rusqlite::Result<Option<Due>> {
        let mut st = conn.prepare_cached(
            "SELECT e.project_id, e.trace_id, e.span_id, sp.status, sp.name, sp.model,
                    sp.provider, sp.error_message, sp.started_at, e.error_type, e.http_status,
                    e.environment, e.release,
                    EXISTS (SELECT 1 FROM llm_reported_traces r
                            WHERE r.project_id = e.project_id AND r.trace_id = e.trace_id),
                    COALESCE((SELECT errors_as_issues FROM llm_settings s
                              WHERE s.project_id = e.project_id), 1)
             FROM llm_error_spans e
             LEFT JOIN llm_traces t ON t.project_id = e.project_id AND t.id = e.trace_id
             LEFT JOIN llm_spans sp ON sp.trace_pk = t.pk AND sp.id = e.span_id
             WHERE e.done = 0 AND e.due_at <= ?1
             ORDER BY e.due_at LIMIT ?2",
        )?;
        let mut keys = Vec::new();
        let mut events = Vec::new();
        let mut rows = st.query(params![now, CHUNK as i64])?;
        while let Some(r) = rows.next()? {
            let (project, trace, span): (String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?);
            let status: Option<String> = r.get(3)?;
            let reported: bool = r.get(13)?;
            let on: bool = r.get(14)?;
            if status.as_deref() == Some("error") && !reported && on {
                let row = Filed {
                    name: r.get(4)?,
                    model: r.get(5)?,
                    provider: r.get(6)?,
                    error: r.get(7)?,
                    started_at: r.get(8)?,
                    error_type: r.get(9)?,
                    http_status: r.get(10)?,
                    environment: r.get(11)?,
                    release: r.get(12)?,
                };
                let scrubber = self.scrub.for_project(&project);
                events.push(Arc::new(row.event(&project, &trace, &span, now, scrubber)));
            }
            keys.push((project, trace, span));
        }
        drop(rows);
        if keys.len() < CHUNK {
            self.next_due = conn
                .query_row(
                    "SELECT min(due_at) FROM llm_error_spans WHERE done = 0 AND due_at > ?1",
                    [now],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
        }
        Ok((!keys.is_empty()).then_some(Due { events, keys }))
    }
}

/// A due error span, as stored.
struct Filed {
    name: Option<String>,
    model: Option<String>,
    provider: Option<String>,
    error: Option<String>,
    started_at: Option<i64>,
    error_type: String,
    http_status: Option<u16>,
    environment: String,
    release: String,
}

impl Filed {
    fn event(
        self,
        project: &str,
        trace: &str,
        span: &str,
        now: i64,
        scrubber: Option<&Scrubber>,
    ) -> Accepted {
        let message = cut(
            self.error
                .as_deref()
                .filter(|m| !m.trim().is_empty())
                .unwrap_or("the LLM call failed"),
            MAX_MESSAGE,
        );
        let route = self.model.clone().or_else(|| self.name.clone());
        let metadata = json!({
            "trace_id": trace,
            "span_id": span,
            "span": self.name,
            "model": self.model,
            "provider": self.provider,
        });
        let mut event = Event {
            timestamp: self.started_at.unwrap_or(now),
            error_type: self.error_type,
            message,
            source: SOURCE.to_string(),
            environment: self.environment,
            release: self.release,
            app_version: None,
            build_number: None,
            route_or_procedure: route.map(|r| cut(&r, 256)),
            screen: None,
            stack: None,
            http_status: self.http_status,
            request_id: None,
            user_id_hash: None,
            device_id_hash: None,
            fingerprint: None,
            metadata: Some(metadata.to_string()),
            frames: None,
        };
        // Before the fingerprint, as at ingest (`ingest::bloop`).
        if let Some(s) = scrubber {
            s.event(&mut event);
        }
        let fingerprint = crate::fingerprint::compute(
            &event.source,
            &event.error_type,
            event.route_or_procedure.as_deref().unwrap_or(""),
            &event.message,
            None,
        );
        Accepted {
            project_id: Arc::from(project),
            fingerprint,
            received_at: now,
            max_age_ms: Accepted::DEFAULT_MAX_AGE_MS,
            event,
        }
    }
}

fn as_u16(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        v.get(*k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

fn cut(s: &str, max: usize) -> String {
    crate::llm::cut(s, max).to_string()
}

/// `openai.RateLimitError`, `anthropic 529`, `openai.timeout`…: the provider's own error type
/// when the span carries one, else the name both official SDKs give the HTTP status, else the
/// status, else a generic failure.
fn error_type(provider: &str, explicit: Option<String>, status: Option<u16>) -> String {
    if let Some(t) = explicit {
        let t = cut(&t, 120);
        return if t.contains(['.', ':', ' ']) {
            t
        } else {
            format!("{provider}.{t}")
        };
    }
    let named = match status {
        Some(400) => Some("BadRequestError"),
        Some(401) => Some("AuthenticationError"),
        Some(403) => Some("PermissionDeniedError"),
        Some(404) => Some("NotFoundError"),
        Some(409) => Some("ConflictError"),
        Some(422) => Some("UnprocessableEntityError"),
        Some(429) => Some("RateLimitError"),
        Some(500) => Some("InternalServerError"),
        _ => None,
    };
    match (named, status) {
        (Some(n), _) => format!("{provider}.{n}"),
        (None, Some(s)) => format!("{provider} {s}"),
        (None, None) => format!("{provider}.Error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_types_name_the_provider_and_the_failure() {
        assert_eq!(
            error_type("openai", None, Some(429)),
            "openai.RateLimitError"
        );
        assert_eq!(error_type("anthropic", None, Some(529)), "anthropic 529");
        assert_eq!(error_type("openai", None, Some(504)), "openai 504");
        assert_eq!(
            error_type("anthropic", Some("overloaded_error".into()), Some(529)),
            "anthropic.overloaded_error"
        );
        assert_eq!(
            error_type("llm", Some("openai.APITimeoutError".into()), None),
            "openai.APITimeoutError"
        );
        assert_eq!(error_type("llm", None, None), "llm.Error");
    }

    #[test]
    fn reported_traces_come_from_metadata_trace_id() {
        assert_eq!(trace_id_of(r#"{"trace_id":"t-1"}"#).as_deref(), Some("t-1"));
        assert_eq!(trace_id_of(r#"{"trace_id":42}"#).as_deref(), Some("42"));
        assert_eq!(trace_id_of(r#"{"trace_id":" "}"#), None);
        assert_eq!(trace_id_of(r#"{"other_trace_id":"x"}"#), None);
        assert_eq!(trace_id_of("not json trace_id"), None);
        assert_eq!(
            trace_id_of(
                r#"{"contexts":{"trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}}}"#
            )
            .as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        assert_eq!(
            trace_id_of(r#"{"trace_id":"a","contexts":{"trace":{"trace_id":"b"}}}"#).as_deref(),
            Some("a")
        );
    }
}
