//! The LLM settings and price API and CLI: a project's content policy set through
//! `PUT /v1/llm/settings` holds on every ingest path (bloop JSON, its PUT updates, OTLP), full-text
//! search included; price overrides set through the API and `bloop llm prices set` price the next
//! traces, by the figures computed here by hand; global overrides are for admins only.

use std::time::Duration;

use bloop::store::tokens::{self, Scope};
use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);

fn one<T: rusqlite::types::FromSql>(s: &TestServer, sql: &str) -> T {
    s.db().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The API of one test server, called with a token.
struct Api<'a>(&'a TestServer, &'a Http);

impl Api<'_> {
    fn call(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Resp {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .1
            .client()
            .request(m, format!("{}{path}", self.0.url))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.1.send(req)
    }
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

fn wait_traces(s: &TestServer, n: i64) {
    assert_eq!(
        s.wait_count("SELECT count(*) FROM llm_traces", n, WAIT),
        n,
        "traces written"
    );
}

/// Counts of stored prompt/completion text anywhere: trace rows, span rows, the search index.
fn stored_text(s: &TestServer, word: &str) -> (i64, i64, i64) {
    (
        one(s, "SELECT count(*) FROM llm_traces WHERE input IS NOT NULL OR output IS NOT NULL OR metadata IS NOT NULL"),
        one(s, "SELECT count(*) FROM llm_spans WHERE input IS NOT NULL OR output IS NOT NULL OR metadata IS NOT NULL"),
        one(
            s,
            &format!("SELECT count(*) FROM llm_search WHERE llm_search MATCH '{word}'"),
        ),
    )
}

#[test]
fn the_content_policy_set_through_the_api_holds_on_every_ingest_path() {
    let s = TestServer::start_with(|c| {
        c.llm_tracing.default_content_storage = bloop::config::ContentStorage::Full
    });
    let http = Http::new();
    let api = Api(&s, &http);
    let token = api_token(&s.db_path, &[Scope::LlmRead, Scope::LlmWrite]);
    let key = bloop::store::keys::create(&s.db(), "default", "otel")
        .unwrap()
        .key;

    // The server default applies until the project has its own.
    let r = api.call("GET", "/v1/llm/settings?project=default", &token, None);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[0]["content_storage"], "full");
    assert_eq!(r.body[0]["content_storage_source"], "default");

    // Bad values are named.
    let r = api.call(
        "PUT",
        "/v1/llm/settings",
        &token,
        Some(json!({"project": "default", "content_storage": "some"})),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "content_storage");
    let r = api.call(
        "PUT",
        "/v1/llm/settings",
        &token,
        Some(json!({"project": "default", "content": "none"})),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = api.call(
        "PUT",
        "/v1/llm/settings",
        &token,
        Some(json!({"project": "nope", "content_storage": "none"})),
    );
    assert_eq!(r.status, 404, "{:?}", r.body);

    let r = api.call(
        "PUT",
        "/v1/llm/settings",
        &token,
        Some(json!({"project": "default", "content_storage": "none"})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["content_storage"], "none");
    assert_eq!(r.body["content_storage_source"], "project");

    // 1. bloop JSON.
    let t = json!({"id": "json-1", "name": "ask", "input": "zebrafinch question",
        "output": "zebrafinch answer", "metadata": {"secret": "zebrafinch"},
        "spans": [{"id": "g", "model": "gpt-4o", "input_tokens": 10, "output_tokens": 5,
                   "input": "zebrafinch prompt", "output": "zebrafinch completion",
                   "status": "error", "error_message": "provider overloaded"}]});
    let r = http.post_signed(&format!("{}/v1/traces", s.url), &t.to_string());
    assert_eq!(r.status, 200, "{:?}", r.body);
    // 2. A PUT with an output, sent right behind it.
    let r = put_signed(
        &http,
        &format!("{}/v1/traces/json-1", s.url),
        &json!({"output": "zebrafinch final", "status": "completed"}).to_string(),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    // 3. OTLP/JSON with prompt and completion messages.
    let otlp = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/otlp/structured_input_messages.json"),
    )
    .unwrap();
    let r = http.post(
        &format!("{}/otlp/v1/traces", s.url),
        otlp.as_str(),
        &[
            ("content-type", "application/json"),
            ("x-bloop-key", key.as_str()),
        ],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    wait_traces(&s, 2);
    assert!(wait_until(WAIT, || one::<String>(
        &s,
        "SELECT status FROM llm_traces WHERE id = 'json-1'"
    ) == "completed"));

    assert_eq!(
        stored_text(&s, "zebrafinch"),
        (0, 0, 0),
        "no text under none"
    );
    assert_eq!(
        one::<i64>(
            &s,
            "SELECT count(*) FROM llm_search WHERE llm_search MATCH 'paris OR terse'"
        ),
        0
    );
    // Numbers, model, names and error messages stay.
    assert_eq!(
        one::<i64>(&s, "SELECT count(*) FROM llm_spans WHERE model = 'gpt-4o'"),
        2
    );
    assert_eq!(
        one::<i64>(
            &s,
            "SELECT count(*) FROM llm_search WHERE llm_search MATCH 'overloaded'"
        ),
        1
    );

    // Back to the default (full): the next trace keeps its text, searchable.
    let r = api.call(
        "PUT",
        "/v1/llm/settings",
        &token,
        Some(json!({"project": "default", "content_storage": "default"})),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["content_storage_source"], "default");
    let t = json!({"id": "json-2", "name": "ask", "input": "zebrafinch again",
        "spans": [{"id": "g", "model": "gpt-4o", "input_tokens": 10}]});
    assert_eq!(
        http.post_signed(&format!("{}/v1/traces", s.url), &t.to_string())
            .status,
        200
    );
    wait_traces(&s, 3);
    assert_eq!(
        one::<Option<String>>(&s, "SELECT input FROM llm_traces WHERE id = 'json-2'").as_deref(),
        Some("zebrafinch again")
    );
    assert_eq!(
        one::<i64>(
            &s,
            "SELECT count(*) FROM llm_search WHERE llm_search MATCH 'zebrafinch'"
        ),
        1
    );
}

/// Sends trace `id` with one `house-model-7` span of 1,000 input tokens (200 of them cached)
/// and 500 output; answers the span's cost and its source once written.
fn send_house_model(s: &TestServer, http: &Http, id: &str, written: i64) -> (i64, String) {
    let t = json!({"id": id, "spans": [{"id": "g", "model": "house-model-7",
        "input_tokens": 1000, "cache_read_tokens": 200, "output_tokens": 500}]});
    let r = http.post_signed(&format!("{}/v1/traces", s.url), &t.to_string());
    assert_eq!(r.status, 200, "{:?}", r.body);
    wait_traces(s, written);
    s.db()
        .query_row(
            "SELECT sp.cost_micros, sp.cost_source FROM llm_spans sp
             JOIN llm_traces t ON t.pk = sp.trace_pk WHERE t.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn price_overrides_price_the_next_traces_and_global_ones_are_for_admins() {
    let s = TestServer::start();
    let http = Http::new();
    let api = Api(&s, &http);
    let writer = api_token(&s.db_path, &[Scope::LlmRead, Scope::LlmWrite]);
    let admin = api_token(&s.db_path, &[Scope::Admin]);

    // The table's answer for a known model, with the rule that matched.
    let r = api.call(
        "GET",
        "/v1/llm/prices?model=gpt-4o&project=default",
        &writer,
        None,
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["model"]["priced"], true);
    assert_eq!(r.body["model"]["source"], "table");
    assert_eq!(r.body["model"]["input_mtok"], 2.5);
    assert_eq!(r.body["model"]["output_mtok"], 10.0);
    assert!(r.body["table_models"].as_u64().unwrap() > 1000);
    let r = api.call("GET", "/v1/llm/prices?model=house-model-7", &writer, None);
    assert_eq!(r.body["model"]["priced"], false);

    // Bad input is named.
    for (body, field) in [
        (
            json!({"project": "default", "model": "house-model-7", "input": -1, "output": 1}),
            "input",
        ),
        (
            json!({"project": "default", "model": "", "input": 1, "output": 1}),
            "model",
        ),
        (
            json!({"project": "default", "model": "m", "input": 1, "output": 1e9}),
            "output",
        ),
    ] {
        let r = api.call("PUT", "/v1/llm/prices", &writer, Some(body));
        assert_eq!(r.status, 400, "{:?}", r.body);
        assert_eq!(r.body["field"], field, "{:?}", r.body);
    }
    let r = api.call(
        "PUT",
        "/v1/llm/prices",
        &writer,
        Some(json!({"model": "m", "input": 1})),
    );
    assert_eq!(r.status, 400, "a missing output: {:?}", r.body);

    // A global override needs admin.
    let global = json!({"model": "house-model-7", "input": 4, "output": 8});
    let r = api.call("PUT", "/v1/llm/prices", &writer, Some(global.clone()));
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = api.call("PUT", "/v1/llm/prices", &admin, Some(global));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["project"], Value::Null);
    // A project override beats it.
    let r = api.call("PUT",
        "/v1/llm/prices",
        &writer,
        Some(
            json!({"project": "default", "model": "house-model-7", "input": 1, "output": 2, "cache_read": 0.5}),
        ),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);

    // 1,000 input (200 of them cached) + 500 output under the project override:
    // 800 × $1 + 200 × $0.50 + 500 × $2 per million = 800 + 100 + 1,000 = 1,900 µ$.
    assert_eq!(
        send_house_model(&s, &http, "p-1", 1),
        (1900, "project_override".to_string())
    );

    // Without the project override, the global one: 800 × $4 + 200 × $4 + 500 × $8 = 8,000 µ$.
    let r = api.call(
        "DELETE",
        "/v1/llm/prices?project=default&model=house-model-7",
        &writer,
        None,
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = api.call(
        "DELETE",
        "/v1/llm/prices?project=default&model=house-model-7",
        &writer,
        None,
    );
    assert_eq!(r.status, 404, "already gone: {:?}", r.body);
    assert_eq!(
        send_house_model(&s, &http, "p-2", 2),
        (8000, "global_override".to_string())
    );

    let r = api.call(
        "GET",
        "/v1/llm/prices?model=house-model-7&project=default",
        &writer,
        None,
    );
    assert_eq!(r.body["model"]["source"], "global_override", "{:?}", r.body);
    assert_eq!(r.body["overrides"].as_array().unwrap().len(), 1);

    // A token pinned to another project sees only global overrides and cannot write here.
    bloop::store::projects::create(&s.db(), "Other", Some("other")).unwrap();
    let pinned = tokens::create(
        &s.db(),
        "p",
        &[Scope::LlmRead, Scope::LlmWrite],
        Some("other"),
        None,
    )
    .unwrap()
    .token;
    let r = api.call(
        "PUT",
        "/v1/llm/prices",
        &pinned,
        Some(json!({"project": "default", "model": "x", "input": 1, "output": 1})),
    );
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = api.call("GET", "/v1/llm/settings?project=default", &pinned, None);
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = api.call("GET", "/v1/llm/settings", &pinned, None);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["project"], "other");
    // `default` has its own override again; the pinned token sees the global one only, and its
    // write without a project lands on its own project, never as a global override.
    let r = api.call(
        "PUT",
        "/v1/llm/prices",
        &writer,
        Some(json!({"project": "default", "model": "house-model-7", "input": 1, "output": 2})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = api.call("GET", "/v1/llm/prices", &pinned, None);
    let seen: Vec<&Value> = r.body["overrides"].as_array().unwrap().iter().collect();
    assert_eq!(seen.len(), 1, "{:?}", r.body);
    assert_eq!(seen[0]["project"], Value::Null);
    let r = api.call(
        "PUT",
        "/v1/llm/prices",
        &pinned,
        Some(json!({"model": "mine", "input": 1, "output": 1})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["project"], "other");
    assert_eq!(
        one::<i64>(
            &s,
            "SELECT count(*) FROM llm_prices WHERE project_id = '' AND model = 'mine'"
        ),
        0
    );
}

#[test]
fn bloop_llm_prices_and_settings_work_locally_and_against_a_server() {
    let s = TestServer::start();
    let token = api_token(&s.db_path, &[Scope::Admin]);
    let local = |args: &[&str]| cli_ok(&bloop_cli(&s.db_path, args));
    let remote = |args: &[&str]| {
        // `--url`/`--token` belong to `bloop llm` and everything under it.
        let mut all = vec![args[0], "--url", s.url.as_str(), "--token", token.as_str()];
        all.extend_from_slice(&args[1..]);
        cli_ok(&bloop_cli(&s.db_path, &all))
    };

    let out = local(&["llm", "prices", "gpt-4o"]);
    assert!(
        out.contains("gpt-4o: $2.50 in, $10.00 out per million tokens"),
        "{out}"
    );
    assert!(out.contains("source table"), "{out}");
    let out = local(&["llm", "prices", "house-model-7"]);
    assert!(out.contains("no price known"), "{out}");

    let out = local(&[
        "llm",
        "prices",
        "set",
        "house-model-7",
        "--input",
        "2.5",
        "--output",
        "10",
        "--project",
        "default",
    ]);
    assert!(
        out.contains("house-model-7 now costs $2.50 in, $10.00 out"),
        "{out}"
    );
    assert!(out.contains("project default"), "{out}");
    let out = remote(&["llm", "prices", "house-model-7", "--project", "default"]);
    assert!(out.contains("source project_override"), "{out}");
    let out = remote(&["llm", "prices"]);
    assert!(
        out.contains("house-model-7") && out.contains("$2.50"),
        "{out}"
    );
    let json: Value = serde_json::from_str(&remote(&["llm", "prices", "--json"])).unwrap();
    assert_eq!(json["overrides"][0]["model"], "house-model-7");
    let out = remote(&[
        "llm",
        "prices",
        "unset",
        "house-model-7",
        "--project",
        "default",
    ]);
    assert!(out.contains("removed"), "{out}");
    let o = bloop_cli(
        &s.db_path,
        &[
            "llm",
            "prices",
            "unset",
            "house-model-7",
            "--project",
            "default",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no price override"));

    let out = local(&["llm", "settings"]);
    assert!(
        out.contains("default") && out.contains("none") && out.contains("server default"),
        "{out}"
    );
    let out = remote(&[
        "llm",
        "settings",
        "set",
        "--project",
        "default",
        "--content",
        "full",
    ]);
    assert!(out.contains("full"), "{out}");
    let json: Value = serde_json::from_str(&local(&["llm", "settings", "--json"])).unwrap();
    assert_eq!(json[0]["content_storage"], "full");
    assert_eq!(json[0]["content_storage_source"], "project");
    let o = bloop_cli(
        &s.db_path,
        &[
            "llm",
            "settings",
            "set",
            "--project",
            "default",
            "--content",
            "most",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("content_storage"));
}

#[test]
fn bloop_send_trace_sends_a_generation_with_a_tool_call_under_it() {
    let s = TestServer::start();
    let out = cli_ok(&bloop_cli(
        &s.db_path,
        &[
            "send",
            "--trace",
            "--url",
            s.url.as_str(),
            "--secret",
            SECRET,
        ],
    ));
    assert!(out.contains("sent 1 test trace(s)"), "{out}");
    wait_traces(&s, 1);
    let (model, cost, tool_parent): (String, Option<i64>, String) = s
        .db()
        .query_row(
            "SELECT g.model, g.cost_micros, t.parent_span_id FROM llm_spans g
             JOIN llm_spans t ON t.trace_pk = g.trace_pk AND t.span_type = 'tool'
             WHERE g.span_type = 'generation'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(model, "gpt-4o-mini");
    assert_eq!(tool_parent, "generation");
    // 1,000 uncached × $0.15 + 200 cached × $0.075 + 300 × $0.60 per million = 150 + 15 + 180.
    assert_eq!(cost, Some(345));
}
