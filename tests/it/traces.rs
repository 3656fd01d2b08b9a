//! LLM trace ingest end to end through bloop's JSON trace API: a real server, signed requests,
//! and what lands in the database (traces, spans, hourly usage, search), with costs checked
//! against hand-computed figures from the shipped price table.

use std::time::Duration;

use serde_json::{json, Value};

use crate::both;
use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);

fn traces_url(s: &TestServer) -> String {
    format!("{}/v1/traces", s.url)
}

fn put_signed(http: &Http, url: &str, body: &str) -> Resp {
    let sig = sign(SECRET, body.as_bytes());
    http.send(
        http.client()
            .put(url)
            .header("x-signature", sig)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
}

/// A trace of two calls the test can price by hand:
/// - gpt-4o (OpenAI: input counts cached tokens): 1,000 input of which 400 cached, 200 output:
///   600 × $2.50 + 400 × $1.25 + 200 × $10 per million = 1,500 + 500 + 2,000 = 4,000 µ$;
/// - claude-3-5-sonnet-20241022 (Anthropic: cache counts on top of input): 1,000 input,
///   2,000 cache writes, 10,000 cache reads, 500 output:
///   1,000 × $3 + 2,000 × $3.75 + 10,000 × $0.30 + 500 × $15 = 3,000 + 7,500 + 3,000 + 7,500
///   = 21,000 µ$.
fn priced_trace(id: &str) -> Value {
    json!({
        "id": id, "session_id": "sess-1", "user_id": "user-7", "name": "checkout assistant",
        "prompt_name": "support", "prompt_version": 3,
        "started_at": 1_780_000_000_000i64, "ended_at": 1_780_000_002_000i64,
        "input": "where is my parcel", "output": "on its way",
        "spans": [
            {"id": "s1", "model": "gpt-4o", "provider": "openai", "name": "plan",
             "input_tokens": 1000, "cache_read_tokens": 400, "output_tokens": 200,
             "latency_ms": 800, "time_to_first_token_ms": 120,
             "started_at": 1_780_000_000_000i64, "input": "prompt text", "output": "completion text"},
            {"id": "s2", "parent_span_id": "s1", "model": "claude-3-5-sonnet-20241022",
             "provider": "anthropic", "name": "answer", "input_tokens": 1000,
             "cache_write_tokens": 2000, "cache_read_tokens": 10000, "output_tokens": 500,
             "latency_ms": 1200, "started_at": 1_780_000_000_500i64, "cost": 0.0},
            {"id": "s3", "parent_span_id": "s1", "span_type": "tool", "name": "lookup_order",
             "latency_ms": 40, "status": "error", "error_message": "order service timed out"}
        ]
    })
}

fn one<T: rusqlite::types::FromSql>(s: &TestServer, sql: &str) -> T {
    s.db().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn wait_traces(s: &TestServer, n: i64) {
    assert_eq!(
        s.wait_count("SELECT count(*) FROM llm_traces", n, WAIT),
        n,
        "traces written"
    );
}

both! {
    fn a_signed_trace_lands_with_hand_computed_costs_rollups_and_search() {
        let s = TestServer::start();
        let http = Http::new();
        let r = http.post_signed(&traces_url(&s), &priced_trace("t-1").to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["id"], "t-1");
        wait_traces(&s, 1);
        let q = |sql: &str| s.count(sql);
        let of_t1 = |col: &str| q(&format!("SELECT {col} FROM llm_traces WHERE id = 't-1'"));
        assert_eq!(of_t1("cost_micros"), 25_000, "4,000 + 21,000 µ$");
        assert_eq!(
            ["span_count", "unpriced_spans", "error_spans", "input_tokens"].map(of_t1),
            [3, 0, 1, 2000]
        );
        assert_eq!(
            q("SELECT count(*) FROM llm_traces WHERE status = 'completed'"),
            1,
            "the client's status is kept"
        );
        for (span, cost, source) in [("s1", 4_000, "table"), ("s2", 21_000, "table")] {
            assert_eq!(
                q(&format!(
                    "SELECT cost_micros FROM llm_spans WHERE id = '{span}' AND cost_source = '{source}'"
                )),
                cost,
                "{span}"
            );
        }
        assert_eq!(
            q("SELECT count(*) FROM llm_spans WHERE id = 's3' AND cost_micros IS NULL AND cost_source IS NULL"),
            1
        );
        // Hourly usage per model.
        let gpt = |col: &str| q(&format!("SELECT {col} FROM llm_usage_hourly WHERE model = 'gpt-4o'"));
        assert_eq!(
            ["spans", "input_tokens", "cost_micros", "latency_sum"].map(gpt),
            [1, 1000, 4_000, 800]
        );
        // Search finds a word of a span name and of an error message.
        for word in ["lookup_order", "timed"] {
            let sql = if on_postgres() {
                format!("SELECT count(*) FROM llm_search WHERE body @@ phraseto_tsquery('simple', '{word}')")
            } else {
                format!("SELECT count(*) FROM llm_search WHERE llm_search MATCH '{word}'")
            };
            assert_eq!(q(&sql), 1, "search for {word}");
        }
        // The failed tool call waits to be filed as an error event.
        assert_eq!(q("SELECT count(*) FROM llm_error_spans WHERE span_id = 's3'"), 1);
    }

    fn resending_a_trace_replaces_it_and_never_double_counts() {
        let s = TestServer::start();
        let http = Http::new();
        for _ in 0..3 {
            let r = http.post_signed(&traces_url(&s), &priced_trace("again").to_string());
            assert_eq!(r.status, 200, "{:?}", r.body);
        }
        // A changed version: only the gpt-4o call, half the output.
        let mut t = priced_trace("again");
        t["spans"] = json!([{"id": "s1", "model": "gpt-4o", "provider": "openai",
            "input_tokens": 1000, "cache_read_tokens": 400, "output_tokens": 100,
            "started_at": 1_780_000_000_000i64}]);
        let r = http.post_signed(&traces_url(&s), &t.to_string());
        assert_eq!(r.status, 200);
        assert!(wait_until(WAIT, || s.count(
            "SELECT count(*) FROM llm_spans"
        ) == 1));
        // 600 × 2.5 + 400 × 1.25 + 100 × 10 = 3,000 µ$, everywhere.
        assert_eq!(s.count("SELECT count(*) FROM llm_traces"), 1);
        assert_eq!(
            s.count("SELECT cost_micros FROM llm_traces"),
            3_000
        );
        assert_eq!(
            s.count("SELECT sum(cost_micros) FROM llm_usage_hourly"),
            3_000
        );
        assert_eq!(s.count("SELECT sum(spans) FROM llm_usage_hourly"), 1);
        assert_eq!(
            s.count("SELECT sum(output_tokens) FROM llm_usage_hourly"),
            100
        );
        assert_eq!(
            s.count("SELECT coalesce(sum(count), 0) FROM llm_latency_hourly"),
            0,
            "the old spans' latencies were taken out"
        );
    }

    fn a_put_that_overtakes_its_trace_is_applied_after_it_and_unknown_ids_get_404() {
        let s = TestServer::start();
        let http = Http::new();
        let mut sent = 0;
        for i in 0..20 {
            let id = format!("stream-{i}");
            let t = json!({"id": id, "status": "running", "spans": [{"id": "g", "model": "gpt-4o-mini",
                "input_tokens": 10}]});
            let r = http.post_signed(&traces_url(&s), &t.to_string());
            assert_eq!(r.status, 200);
            // At once, most likely before the writer committed the trace.
            let u = json!({"status": "completed", "output": "done", "ended_at": 1_780_000_005_000i64,
                "output_tokens": 1000});
            let r = put_signed(&http, &format!("{}/{id}", traces_url(&s)), &u.to_string());
            assert_eq!(r.status, 200, "{:?}", r.body);
            sent += 1;
        }
        assert!(wait_until(WAIT, || s.count(
            "SELECT count(*) FROM llm_traces WHERE status = 'completed' AND output_tokens = 1000"
        ) == sent));
        // The only generation span took the usage: 10 × $0.15 + 1,000 × $0.60 per million = 601.5 µ$.
        assert_eq!(
            s.count("SELECT count(*) FROM llm_spans"),
            sent,
            "no extra span"
        );
        assert_eq!(
            s.count("SELECT sum(output_tokens) FROM llm_usage_hourly"),
            1000 * sent
        );
        // The default content policy (none) kept no output text.
        assert_eq!(
            s.count(
                "SELECT count(*) FROM llm_traces WHERE output IS NOT NULL"
            ),
            0
        );
        let r = put_signed(
            &http,
            &format!("{}/never-sent", traces_url(&s)),
            r#"{"status":"completed"}"#,
        );
        assert_eq!(r.status, 404);
        assert_eq!(r.body["code"], "trace_not_found");
    }
}

#[test]
fn content_policy_none_keeps_numbers_and_full_keeps_text_search_included() {
    let s = TestServer::start();
    let http = Http::new();
    let r = http.post_signed(&traces_url(&s), &priced_trace("private").to_string());
    assert_eq!(r.status, 200);
    wait_traces(&s, 1);
    // Default `none`: no prompt, completion or metadata anywhere, FTS included.
    for sql in [
        "SELECT count(*) FROM llm_traces WHERE input IS NOT NULL OR output IS NOT NULL OR metadata IS NOT NULL",
        "SELECT count(*) FROM llm_spans WHERE input IS NOT NULL OR output IS NOT NULL OR metadata IS NOT NULL",
        "SELECT count(*) FROM llm_search WHERE llm_search MATCH 'parcel OR completion'",
    ] {
        assert_eq!(one::<i64>(&s, sql), 0, "{sql}");
    }
    assert_eq!(
        one::<Option<String>>(&s, "SELECT error_message FROM llm_spans WHERE id = 's3'").as_deref(),
        Some("order service timed out"),
        "error messages are kept under every policy"
    );
    // The project switches to `full`: the next trace keeps its text.
    s.db()
        .execute(
            "INSERT INTO llm_settings (project_id, content, updated_at) VALUES ('default', 'full', 0)",
            [],
        )
        .unwrap();
    let r = http.post_signed(&traces_url(&s), &priced_trace("open").to_string());
    assert_eq!(r.status, 200);
    wait_traces(&s, 2);
    assert_eq!(
        one::<Option<String>>(&s, "SELECT input FROM llm_traces WHERE id = 'open'").as_deref(),
        Some("where is my parcel")
    );
    assert_eq!(
        one::<i64>(
            &s,
            "SELECT count(*) FROM llm_search WHERE llm_search MATCH 'parcel'"
        ),
        1
    );
}

#[test]
fn batches_take_the_good_traces_and_name_the_bad_ones() {
    let s = TestServer::start();
    let http = Http::new();
    let body = json!({"traces": [
        {"id": "ok-1", "spans": [{"model": "gpt-4o", "input_tokens": 5}]},
        {"id": "bad", "spans": [{"input_tokens": -5}]},
        {"id": "ok-2", "spans": [{"model": "some-model-nobody-prices", "input_tokens": 5}]},
        {"id": "ok-3", "spans": [{"model": "gpt-4o", "input_tokens": 5, "cost": 0.5}]}
    ]});
    let r = http.post_signed(&format!("{}/batch", traces_url(&s)), &body.to_string());
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["accepted"], 3);
    assert_eq!(r.body["rejected"][0]["index"], 1);
    assert_eq!(
        r.body["rejected"][0]["error"]["field"],
        "spans[0].input_tokens"
    );
    wait_traces(&s, 3);
    // Unknown model: cost null, counted as unpriced (never 0).
    let (cost, unpriced): (Option<i64>, i64) = s
        .db()
        .query_row(
            "SELECT cost_micros, unpriced_spans FROM llm_traces WHERE id = 'ok-2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((cost, unpriced), (None, 1));
    // A client's own cost wins over the table.
    assert_eq!(
        one::<Option<i64>>(&s, "SELECT cost_micros FROM llm_traces WHERE id = 'ok-3'"),
        Some(500_000)
    );
}

#[test]
fn limits_and_bad_input_get_clear_errors() {
    let s = TestServer::start_with(|c| {
        c.llm_tracing.max_spans_per_trace = 2;
        c.llm_tracing.max_batch_size = 2;
        c.llm_tracing.max_payload_bytes = 10_000;
    });
    let http = Http::new();
    let url = traces_url(&s);
    let cases: Vec<(String, u16, &str, Option<&str>)> = vec![
        (
            json!({"spans": [{}, {}, {}]}).to_string(),
            400,
            "too_large",
            Some("spans"),
        ),
        ("{\"spans\": [".into(), 400, "malformed_json", None),
        (
            json!({"spans": [{"cost": "free"}]}).to_string(),
            400,
            "invalid_field",
            Some("spans[0].cost"),
        ),
        (
            json!({"started_at": 5}).to_string(),
            400,
            "invalid_field",
            Some("started_at"),
        ),
        (
            json!({"metadata": {"a": "x".repeat(20_000)}}).to_string(),
            413,
            "payload_too_large",
            Some("body"),
        ),
        (
            format!(
                "{{\"metadata\": {}1{}}}",
                "{\"a\":".repeat(40),
                "}".repeat(40)
            ),
            400,
            "too_deep",
            Some("metadata"),
        ),
        (
            json!({"spans": [{"id": "x"}, {"id": "x"}]}).to_string(),
            400,
            "invalid_field",
            Some("spans[1].id"),
        ),
    ];
    for (body, status, code, field) in cases {
        let r = http.post_signed(&url, &body);
        assert_eq!(r.status, status, "{body:.80}: {:?}", r.body);
        assert_eq!(r.body["code"], code, "{body:.80}");
        assert_eq!(r.body["field"].as_str(), field, "{body:.80}");
    }
    let r = http.post_signed(
        &format!("{url}/batch"),
        &json!({"traces": [{}, {}, {}]}).to_string(),
    );
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("traces")));
    // Unsigned, or signed with the wrong secret: 401.
    let r = http.post(&url, "{}", &[("content-type", "application/json")]);
    assert_eq!(r.status, 401);
    let r = http.post(&url, "{}", &[("x-signature", &sign("wrong", b"{}"))]);
    assert_eq!(r.status, 401);
    assert_eq!(count(&s.db(), "SELECT count(*) FROM llm_traces"), 0);
}

#[test]
fn when_llm_tracing_is_off_the_routes_say_so() {
    let s = TestServer::start_with(|c| c.llm_tracing.enabled = false);
    let http = Http::new();
    for (url, body) in [
        (traces_url(&s), "{}".to_string()),
        (
            format!("{}/batch", traces_url(&s)),
            "{\"traces\":[]}".to_string(),
        ),
        (format!("{}/otlp/v1/traces", s.url), "{}".to_string()),
    ] {
        let r = http.post_signed(&url, &body);
        assert_eq!(r.status, 404, "{url}");
        assert_eq!(r.body["code"], "llm_tracing_disabled", "{url}");
    }
}

#[test]
fn prune_and_project_deletion_remove_traces_with_their_spans_and_search_rows() {
    let s = TestServer::start();
    let http = Http::new();
    let created: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["projects", "create", "Bot", "--json"],
    )))
    .unwrap();
    let key = created["key"]["key"].as_str().unwrap();
    for id in ["old", "new"] {
        let r = http.post_signed(&traces_url(&s), &priced_trace(id).to_string());
        assert_eq!(r.status, 200);
    }
    let r = http.post_with_key(&traces_url(&s), &priced_trace("bot-1").to_string(), key);
    assert_eq!(r.status, 200, "{:?}", r.body);
    wait_traces(&s, 3);
    // Deleting a project takes its traces, spans, rollups and search rows with it.
    assert!(
        count(
            &s.db(),
            "SELECT count(*) FROM llm_usage_hourly WHERE project_id = 'bot'"
        ) > 0
    );
    cli_ok(&bloop_cli(
        &s.db_path,
        &["projects", "delete", "bot", "--yes"],
    ));
    for (sql, want) in [
        ("SELECT count(*) FROM llm_traces", 2),
        ("SELECT count(*) FROM llm_spans", 6),
        (
            "SELECT count(*) FROM llm_usage_hourly WHERE project_id = 'bot'",
            0,
        ),
        (
            "SELECT count(*) FROM llm_search WHERE llm_search MATCH 'lookup_order'",
            2,
        ),
    ] {
        assert_eq!(count(&s.db(), sql), want, "{sql}");
    }
    // `old` was received 30 days ago: past the default 7-day raw retention.
    s.db()
        .execute(
            "UPDATE llm_traces SET received_at = received_at - 30 * 86400000 WHERE id = 'old'",
            [],
        )
        .unwrap();
    let out = cli_ok(&bloop_cli(&s.db_path, &["prune"]));
    assert!(
        out.contains("default: removed 0 events and 1 LLM trace older than 7 days"),
        "{out}"
    );
    assert_eq!(
        count(&s.db(), "SELECT count(*) FROM llm_traces WHERE id = 'new'"),
        1
    );
    assert_eq!(count(&s.db(), "SELECT count(*) FROM llm_traces"), 1);
    assert_eq!(count(&s.db(), "SELECT count(*) FROM llm_spans"), 3);
    assert_eq!(
        count(
            &s.db(),
            "SELECT count(*) FROM llm_search WHERE llm_search MATCH 'lookup_order'"
        ),
        1
    );
    // The spans started in May 2026, past the 90-day horizon of hourly rollups: gone too.
    assert_eq!(count(&s.db(), "SELECT count(*) FROM llm_usage_hourly"), 0);
    assert_eq!(count(&s.db(), "SELECT count(*) FROM llm_latency_hourly"), 0);
}
