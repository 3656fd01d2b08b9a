//! LLM failures become issues: an error span (here through bloop's signed JSON trace API) is
//! filed as an error event of its project with source `llm` once `error_issue_delay_secs` has
//! passed — grouped and counted like any error, once per span, and not at all when the client
//! reported the failure itself (an error event with `metadata.trace_id`) or the project turned it
//! off.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(15);

fn start() -> TestServer {
    TestServer::start_with(|c| c.llm_tracing.error_issue_delay_secs = 1)
}

/// A trace whose second call failed with the provider's 429.
fn failing_trace(id: &str) -> String {
    json!({
        "id": id, "name": "support answer", "metadata": {"environment": "staging", "release": "2.1.0"},
        "spans": [
            {"id": "s1", "model": "gpt-4o-mini", "provider": "openai", "input_tokens": 10,
             "output_tokens": 5, "latency_ms": 100},
            {"id": "s2", "model": "gpt-4o", "provider": "openai", "status": "error",
             "error_message": "Rate limit reached for gpt-4o on tokens per min: limit 30000",
             "metadata": {"upstream_status": 429}, "latency_ms": 20}
        ]
    })
    .to_string()
}

fn send_trace(s: &TestServer, body: &str) {
    let r = Http::new().post_signed(&format!("{}/v1/traces", s.url), body);
    assert_eq!(r.status, 200, "{:?}", r.body);
}

fn events(s: &TestServer) -> i64 {
    count(&s.db(), "SELECT count(*) FROM events")
}

/// Waits past the filing delay (and a flush or two), then counts events.
fn settled_events(s: &TestServer) -> i64 {
    std::thread::sleep(Duration::from_millis(3500));
    events(s)
}

#[test]
fn an_error_span_becomes_an_llm_issue_once() {
    let s = start();
    send_trace(&s, &failing_trace("t-1"));
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    let (error_type, source, route, message, env, release, count): (
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
    ) = s
        .db()
        .query_row(
            "SELECT error_type, source, route_or_procedure, message, environment, release,
                    total_count
             FROM issues WHERE project_id = 'default'",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        (error_type.as_str(), source.as_str(), route.as_str()),
        ("openai.RateLimitError", "llm", "gpt-4o")
    );
    assert!(
        message.starts_with("Rate limit reached for gpt-4o"),
        "{message}"
    );
    // Read from the trace's metadata although the default content policy stored none of it.
    assert_eq!(
        (env.as_str(), release.as_str(), count),
        ("staging", "2.1.0", 1)
    );
    let (status, meta): (Option<i64>, String) = s
        .db()
        .query_row("SELECT http_status, metadata FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let meta: Value = serde_json::from_str(&meta).unwrap();
    assert_eq!(status, Some(429));
    assert_eq!(
        (meta["trace_id"].as_str(), meta["span_id"].as_str()),
        (Some("t-1"), Some("s2"))
    );

    // The same trace sent again: its failure is not filed twice.
    send_trace(&s, &failing_trace("t-1"));
    assert_eq!(settled_events(&s), 1);
    // Another trace failing the same way: the same issue, counted twice.
    send_trace(&s, &failing_trace("t-2"));
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 2, WAIT), 2);
    assert_eq!(count_issues(&s), (1, 2));

    // Through the query API like any issue.
    let token = api_token(&s.db_path, &[bloop::store::tokens::Scope::ErrorsRead]);
    let r = Http::new().send(
        reqwest::Client::new()
            .get(format!("{}/v1/errors?project=default&source=llm", s.url))
            .bearer_auth(&token),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{:?}", r.body);
}

fn count_issues(s: &TestServer) -> (i64, i64) {
    s.db()
        .query_row("SELECT count(*), sum(total_count) FROM issues", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

fn client_event(s: &TestServer, trace_id: &str) {
    let body = json!({
        "timestamp": 1_780_000_000_000i64, "source": "api", "error_type": "RateLimitError",
        "message": "LLM call failed: rate limited", "metadata": {"trace_id": trace_id},
    })
    .to_string();
    let r = Http::new().post_signed(&format!("{}/v1/ingest", s.url), &body);
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[test]
fn a_failure_the_client_reported_itself_is_one_event_in_either_order() {
    let s = start();
    // The client's error event first, then the trace.
    client_event(&s, "t-a");
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    send_trace(&s, &failing_trace("t-a"));
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 1, WAIT), 1);
    assert_eq!(settled_events(&s), 1);
    // The trace first, then the client's event within the delay.
    send_trace(&s, &failing_trace("t-b"));
    client_event(&s, "t-b");
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 2, WAIT), 2);
    assert_eq!(settled_events(&s), 2);
    let llm: i64 = count(&s.db(), "SELECT count(*) FROM events WHERE source = 'llm'");
    assert_eq!(llm, 0, "both failures were the client's events");
}

#[test]
fn a_project_can_turn_it_off() {
    let s = start();
    let token = api_token(&s.db_path, &[bloop::store::tokens::Scope::LlmWrite]);
    let http = Http::new();
    let r = http.send(
        http.client()
            .put(format!("{}/v1/llm/settings", s.url))
            .bearer_auth(&token)
            .json(&json!({"project": "default", "errors_as_issues": false})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["errors_as_issues"], false);
    // Only that changed: the content policy still follows the default.
    assert_eq!(r.body["content_storage_source"], "default");
    send_trace(&s, &failing_trace("t-off"));
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 1, WAIT), 1);
    assert_eq!(settled_events(&s), 0);
    // Back on from the CLI: the next failure is filed.
    let said = cli_ok(&bloop_cli(
        &s.db_path,
        &[
            "llm",
            "settings",
            "set",
            "--project",
            "default",
            "--errors-as-issues",
            "on",
        ],
    ));
    assert!(said.contains("on"), "{said}");
    send_trace(&s, &failing_trace("t-on"));
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    // Nothing to change is a clear 400.
    let r = http.send(
        http.client()
            .put(format!("{}/v1/llm/settings", s.url))
            .bearer_auth(&token)
            .json(&json!({"project": "default"})),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
}

#[test]
fn failures_queued_at_shutdown_are_filed_after_a_restart() {
    let s = TestServer::start_with(|c| c.llm_tracing.error_issue_delay_secs = 3);
    send_trace(&s, &failing_trace("t-r"));
    assert_eq!(
        s.wait_count("SELECT count(*) FROM llm_error_spans", 1, WAIT),
        1
    );
    let (dir, db) = s.stop();
    assert_eq!(
        count(&open_db(&db), "SELECT count(*) FROM events"),
        0,
        "not due yet"
    );
    let mut cfg = test_config(dir.path());
    cfg.llm_tracing.error_issue_delay_secs = 3;
    let s = TestServer::start_in(dir, cfg);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    assert_eq!(settled_events(&s), 1);
}
