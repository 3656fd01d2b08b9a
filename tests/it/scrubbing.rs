//! Server-side scrubbing end to end: secrets sent in an event, a trace or an OTLP span are not
//! in any stored row (events, samples, traces, spans, the search index); an admin's per-project
//! off-switch and the server-wide `[scrubbing].enabled = false` store them as sent.

use std::time::Duration;

#[cfg(feature = "llm-tracing")]
use bloop::store::tokens::Scope;
use serde_json::json;

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);
const CARD_SPACED: &str = "4111 1111 1111 1111";
const CARD: &str = "4111111111111111";
#[cfg(feature = "llm-tracing")]
const ANTHROPIC_KEY: &str = "sk-ant-api03-Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE-abc_DEF";

fn secret_event(message: &str) -> String {
    json!({
        "timestamp": 1_700_000_000, "error_type": "PaymentError", "source": "api",
        "message": message,
        "stack": "at charge (pay.js:1)\nAuthorization: Bearer abc.def",
        "metadata": {
            "password": "hunter2",
            "headers": {"Authorization": "Bearer abc.def", "Accept": "application/json"},
            "note": format!("card {CARD_SPACED}"),
            "author": "kept-author",
        }
    })
    .to_string()
}

/// Every text column of the stored events and samples, as one string.
fn stored_events(s: &TestServer) -> String {
    let db = s.db();
    let mut out = String::new();
    let mut st = db
        .prepare(
            "SELECT message || '|' || coalesce(stack, '') || '|' || coalesce(metadata, '')
                    || '|' || coalesce(route_or_procedure, '') FROM events",
        )
        .unwrap();
    for r in st.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        out.push_str(&r.unwrap());
        out.push('\n');
    }
    let mut st = db.prepare("SELECT event FROM samples").unwrap();
    for r in st.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        out.push_str(&r.unwrap());
        out.push('\n');
    }
    out
}

#[cfg(feature = "llm-tracing")]
/// Every content column of the stored traces and spans, and the search index.
fn stored_llm(s: &TestServer) -> String {
    let db = s.db();
    let mut out = String::new();
    for sql in [
        "SELECT coalesce(input, '') || coalesce(output, '') || coalesce(metadata, '') FROM llm_traces",
        "SELECT coalesce(input, '') || coalesce(output, '') || coalesce(metadata, '')
                || coalesce(error_message, '') FROM llm_spans",
    ] {
        let mut st = db.prepare(sql).unwrap();
        for r in st.query_map([], |r| r.get::<_, String>(0)).unwrap() {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
    }
    out
}

fn send_event(s: &TestServer, http: &Http, body: &str, n: i64) {
    let r = http.post_signed(&format!("{}/v1/ingest", s.url), body);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", n, WAIT), n);
}

#[cfg(feature = "llm-tracing")]
fn keep_full_content(s: &TestServer) {
    s.db()
        .execute(
            "INSERT INTO llm_settings (project_id, content, updated_at) VALUES ('default', 'full', 0)",
            [],
        )
        .unwrap();
}

#[cfg(feature = "llm-tracing")]
fn secret_trace(id: &str) -> String {
    json!({
        "id": id, "name": "chat", "started_at": 1_780_000_000_000i64,
        "input": format!("my key is {ANTHROPIC_KEY}"),
        "metadata": {"password": "pw-hunter2", "customer": "ann"},
        "spans": [{
            "id": "s1", "model": "claude-3-5-sonnet-20241022", "provider": "anthropic",
            "input": [{"role": "user", "content": format!("use {ANTHROPIC_KEY} please")},
                      {"role": "system", "api_key": "pw-hunter2"}],
            "output": format!("card {CARD_SPACED} noted"),
            "metadata": {"headers": [["Authorization", "Bearer abc.def"], ["Accept", "*/*"]]},
            "status": "error",
            "error_message": format!("401: invalid x-api-key {ANTHROPIC_KEY}"),
            "started_at": 1_780_000_000_000i64
        }]
    })
    .to_string()
}

#[cfg(feature = "llm-tracing")]
fn admin_put(s: &TestServer, http: &Http, token: &str, body: serde_json::Value) -> Resp {
    http.send(
        http.client()
            .put(format!("{}/v1/admin/scrubbing", s.url))
            .bearer_auth(token)
            .json(&body),
    )
}

#[test]
fn secrets_in_an_event_never_reach_the_events_or_samples_tables() {
    let s = TestServer::start();
    let http = Http::new();
    send_event(
        &s,
        &http,
        &secret_event(&format!("charge failed for {CARD}")),
        1,
    );
    let stored = stored_events(&s);
    for secret in ["hunter2", "abc.def", CARD, CARD_SPACED] {
        assert!(!stored.contains(secret), "{secret} stored: {stored}");
    }
    assert!(
        stored.contains("[Filtered]") && stored.contains("[card]"),
        "{stored}"
    );
    assert!(
        stored.contains("kept-author"),
        "`author` is not a secret: {stored}"
    );
    // The message as stored is what was grouped: a second card groups with the first.
    send_event(
        &s,
        &http,
        &secret_event("charge failed for 5555 5555 5555 4444"),
        2,
    );
    assert_eq!(count(&s.db(), "SELECT count(*) FROM issues"), 1);
}

#[cfg(feature = "llm-tracing")]
#[test]
fn secrets_in_trace_content_never_reach_the_llm_tables() {
    let s = TestServer::start();
    keep_full_content(&s);
    let http = Http::new();
    let r = http.post_signed(&format!("{}/v1/traces", s.url), &secret_trace("t-1"));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 1, WAIT), 1);
    let stored = stored_llm(&s);
    for secret in [ANTHROPIC_KEY, "pw-hunter2", "abc.def", CARD_SPACED] {
        assert!(!stored.contains(secret), "{secret} stored: {stored}");
    }
    assert!(
        stored.contains("customer") && stored.contains("Accept"),
        "{stored}"
    );
    // Search finds nothing of the key either.
    assert_eq!(
        count(
            &s.db(),
            "SELECT count(*) FROM llm_search WHERE llm_search MATCH '\"Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE\"'"
        ),
        0
    );
    // A later update's output is scrubbed too.
    let update = json!({"output": format!("done; token=abc123 {ANTHROPIC_KEY}")}).to_string();
    let r = http.send(
        http.client()
            .put(format!("{}/v1/traces/t-1", s.url))
            .header("x-signature", sign(SECRET, update.as_bytes()))
            .header("content-type", "application/json")
            .body(update),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let sql = "SELECT count(*) FROM llm_traces WHERE output IS NOT NULL";
    assert_eq!(s.wait_count(sql, 1, WAIT), 1);
    let output: String = s
        .db()
        .query_row("SELECT output FROM llm_traces", [], |r| r.get(0))
        .unwrap();
    assert_eq!(output, "done; token=[Filtered] [Filtered]");
}

#[cfg(feature = "llm-tracing")]
#[test]
fn secrets_in_otlp_spans_never_reach_the_llm_tables() {
    let s = TestServer::start();
    keep_full_content(&s);
    let body = json!({"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": [{
        "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
        "name": "chat", "kind": 3,
        "startTimeUnixNano": "1780000000000000000", "endTimeUnixNano": "1780000001000000000",
        "attributes": [
            {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
            {"key": "input.value", "value": {"stringValue": format!("key {ANTHROPIC_KEY}")}},
            {"key": "http.request.header.authorization", "value": {"stringValue": "Bearer abc.def"}},
            {"key": "user.password", "value": {"stringValue": "pw-hunter2"}}
        ]
    }]}]}]});
    let key = bloop::store::keys::create(&s.db(), "default", "otlp")
        .unwrap()
        .key;
    let r = Http::new().post(
        &format!("{}/otlp/v1/traces", s.url),
        body.to_string(),
        &[("content-type", "application/json"), ("x-bloop-key", &key)],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_spans", 1, WAIT), 1);
    let stored = stored_llm(&s);
    for secret in [ANTHROPIC_KEY, "pw-hunter2", "abc.def"] {
        assert!(!stored.contains(secret), "{secret} stored: {stored}");
    }
    assert!(
        stored.contains("key [Filtered]") && stored.contains("user.password"),
        "{stored}"
    );
}

#[cfg(feature = "llm-tracing")]
#[test]
fn an_admin_can_turn_scrubbing_off_for_one_project_and_back_on() {
    let s = TestServer::start();
    keep_full_content(&s);
    let http = Http::new();
    let admin = api_token(&s.db_path, &[Scope::Admin]);
    let writer = api_token(&s.db_path, &[Scope::ProjectsWrite, Scope::LlmWrite]);
    let off = json!({"project": "default", "enabled": false});
    assert_eq!(
        admin_put(&s, &http, &writer, off.clone()).status,
        403,
        "admin only"
    );
    assert_eq!(
        admin_put(
            &s,
            &http,
            &admin,
            json!({"project": "nope", "enabled": false})
        )
        .status,
        404
    );
    let r = admin_put(&s, &http, &admin, off);
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = r.body["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project"] == "default")
        .cloned()
        .unwrap();
    assert_eq!(
        row,
        json!({"project": "default", "enabled": false, "effective": false})
    );
    assert_eq!(
        r.body["enabled"], true,
        "the server-wide switch is unchanged"
    );

    send_event(&s, &http, &secret_event("as sent"), 1);
    let r = http.post_signed(&format!("{}/v1/traces", s.url), &secret_trace("t-raw"));
    assert_eq!(r.status, 200);
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 1, WAIT), 1);
    let (events, llm) = (stored_events(&s), stored_llm(&s));
    assert!(
        events.contains("hunter2") && events.contains("abc.def") && events.contains(CARD_SPACED),
        "{events}"
    );
    assert!(
        llm.contains(ANTHROPIC_KEY) && llm.contains("pw-hunter2"),
        "{llm}"
    );

    // Back on: the next event is scrubbed again; the setting is gone from the table.
    let r = admin_put(
        &s,
        &http,
        &admin,
        json!({"project": "default", "enabled": true}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        count(
            &s.db(),
            "SELECT count(*) FROM settings WHERE key LIKE 'scrubbing.%'"
        ),
        0
    );
    send_event(&s, &http, &secret_event("scrubbed again"), 2);
    let last: String = s
        .db()
        .query_row(
            "SELECT metadata FROM events ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!last.contains("hunter2"), "{last}");
}

#[test]
fn a_switch_stored_by_another_process_applies_within_a_second() {
    let s = TestServer::start();
    bloop::scrub::set_project(&s.db(), "default", false).unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    send_event(&s, &Http::new(), &secret_event("as sent"), 1);
    assert!(stored_events(&s).contains("hunter2"));
}

#[cfg(feature = "llm-tracing")]
#[test]
fn scrubbing_off_server_wide_stores_events_and_traces_as_sent() {
    let s = TestServer::start_with(|c| c.scrubbing.enabled = false);
    keep_full_content(&s);
    let http = Http::new();
    send_event(
        &s,
        &http,
        &secret_event(&format!("charge failed for {CARD}")),
        1,
    );
    let stored = stored_events(&s);
    for secret in ["hunter2", "abc.def", CARD, CARD_SPACED] {
        assert!(stored.contains(secret), "{secret} missing: {stored}");
    }
    let r = http.post_signed(&format!("{}/v1/traces", s.url), &secret_trace("t-1"));
    assert_eq!(r.status, 200);
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 1, WAIT), 1);
    assert!(stored_llm(&s).contains(ANTHROPIC_KEY));
    let admin = api_token(&s.db_path, &[Scope::Admin]);
    let r = http.send(
        http.client()
            .get(format!("{}/v1/admin/scrubbing", s.url))
            .bearer_auth(&admin),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["enabled"], false);
    assert_eq!(r.body["projects"][0]["effective"], false);
}
