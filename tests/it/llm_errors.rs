//! LLM failures become issues: an error span (here through bloop's signed JSON trace API) is
//! filed as an error event of its project with source `llm` once `error_issue_delay_secs` has
//! passed — grouped and counted like any error, once per span, and not at all when the client
//! reported the failure itself (an error event with `metadata.trace_id`) or the project turned it
//! off.

use std::time::Duration;

use serde_json::json;

use crate::both;
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
    s.count("SELECT count(*) FROM events")
}

/// Waits past the filing delay (and a flush or two), then counts events.
fn settled_events(s: &TestServer) -> i64 {
    std::thread::sleep(Duration::from_millis(3500));
    events(s)
}

fn count_issues(s: &TestServer) -> (i64, i64) {
    (
        s.count("SELECT count(*) FROM issues"),
        s.count("SELECT sum(total_count) FROM issues"),
    )
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

both! {
    fn an_error_span_becomes_an_llm_issue_once() {
        let s = start();
        send_trace(&s, &failing_trace("t-1"));
        assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
        // Read from the trace's metadata although the default content policy stored none of it.
        assert_eq!(
            s.count(
                "SELECT count(*) FROM issues WHERE project_id = 'default'
                   AND error_type = 'openai.RateLimitError' AND source = 'llm'
                   AND route_or_procedure = 'gpt-4o'
                   AND message LIKE 'Rate limit reached for gpt-4o%'
                   AND environment = 'staging' AND release = '2.1.0' AND total_count = 1"
            ),
            1,
            "the issue's type, source, route, message, environment, release and count"
        );
        assert_eq!(
            s.count(
                "SELECT count(*) FROM events WHERE http_status = 429
                   AND metadata LIKE '%\"trace_id\":\"t-1\"%'
                   AND metadata LIKE '%\"span_id\":\"s2\"%'"
            ),
            1,
            "the event's status and the trace and span it came from"
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
        let llm = s.count("SELECT count(*) FROM events WHERE source = 'llm'");
        assert_eq!(llm, 0, "both failures were the client's events");
    }


    fn failures_queued_at_shutdown_are_filed_after_a_restart() {
        let s = TestServer::start_with(|c| c.llm_tracing.error_issue_delay_secs = 3);
        send_trace(&s, &failing_trace("t-r"));
        assert_eq!(
            s.wait_count("SELECT count(*) FROM llm_error_spans", 1, WAIT),
            1
        );
        let (dir, db) = s.stop();
        assert_eq!(
            count_in(&db, "SELECT count(*) FROM events"),
            0,
            "not due yet"
        );
        let mut cfg = test_config(dir.path());
        cfg.llm_tracing.error_issue_delay_secs = 3;
        // The same database again (on PostgreSQL, the first server's).
        cfg.database.url = pg_url_of(&db).map(bloop::config::Secret::new);
        let s = TestServer::start_in(dir, cfg);
        assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
        assert_eq!(settled_events(&s), 1);
    }

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
}
