//! The LLM settings and price API and CLI: a project's content policy set through
//! `PUT /v1/llm/settings` holds on every ingest path (bloop JSON, its PUT updates, OTLP), full-text
//! search included; price overrides set through the API and `bloop llm prices set` price the next
//! traces, by the figures computed here by hand; global overrides are for admins only. On both
//! backends: everything is checked through the API and the CLI.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);

/// The stdout of a CLI command on the server's database (either backend) that must succeed.
fn cli(s: &TestServer, args: &[&str]) -> String {
    cli_ok(&bloop_cli(&s.db_path, args))
}

/// A new API token with `scopes` (comma-separated), for every project or pinned to `project`,
/// made by the CLI on the server's database.
pub(crate) fn token(s: &TestServer, scopes: &str, project: Option<&str>) -> String {
    let mut args = vec![
        "tokens", "create", "--name", "test", "--scopes", scopes, "--json",
    ];
    if let Some(p) = project {
        args.extend(["--project", p]);
    }
    let created: Value = serde_json::from_str(&cli(s, &args)).unwrap();
    created["token"].as_str().unwrap().to_string()
}

/// A new project `slug` made by the CLI: its first ingest key.
pub(crate) fn project(s: &TestServer, slug: &str) -> String {
    let created: Value = serde_json::from_str(&cli(
        s,
        &["projects", "create", slug, "--slug", slug, "--json"],
    ))
    .unwrap();
    created["key"]["key"].as_str().unwrap().to_string()
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

    /// Trace `id` of project `default` once it is stored and `ready` holds for it.
    fn trace_when(&self, token: &str, id: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let path = format!("/v1/llm/traces/{id}?project=default");
        let mut last = Value::Null;
        let ok = wait_until(WAIT, || {
            let r = self.call("GET", &path, token, None);
            last = r.body;
            r.status == 200 && ready(&last)
        });
        assert!(ok, "trace {id} never stored as expected: {last:?}");
        last
    }

    fn trace(&self, token: &str, id: &str) -> Value {
        self.trace_when(token, id, |_| true)
    }

    /// How many traces `GET /v1/llm/search` finds for `query` (with its window, when given).
    fn found(&self, token: &str, query: &str) -> i64 {
        let r = self.call("GET", &format!("/v1/llm/search?{query}"), token, None);
        assert_eq!(r.status, 200, "{query}: {:?}", r.body);
        r.headers["x-total-count"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
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

/// A trace's spans, depth first.
fn spans(trace: &Value) -> Vec<Value> {
    fn walk(nodes: &Value, out: &mut Vec<Value>) {
        for n in nodes.as_array().unwrap() {
            out.push(n.clone());
            walk(&n["children"], out);
        }
    }
    let mut out = Vec::new();
    walk(&trace["spans"], &mut out);
    out
}

/// Prompt/completion text and metadata a trace shows: (on the trace, on its spans).
fn stored_text(trace: &Value) -> (usize, usize) {
    let has = |v: &Value| {
        ["input", "output", "metadata"]
            .iter()
            .any(|k| !v[k].is_null())
    };
    (
        usize::from(has(trace)),
        spans(trace).iter().filter(|sp| has(sp)).count(),
    )
}

/// The window (`since`/`until`) around the OTLP fixture's calls (November 2023).
const FIXTURE_WINDOW: &str = "since=1699990000000&until=1700010000000";

crate::both! {
fn the_content_policy_set_through_the_api_holds_on_every_ingest_path() {
    let s = TestServer::start_with(|c| {
        c.llm_tracing.default_content_storage = bloop::config::ContentStorage::Full
    });
    let http = Http::new();
    let api = Api(&s, &http);
    let token = token(&s, "llm:read,llm:write", None);
    let key: Value = serde_json::from_str(&cli(
        &s,
        &["keys", "create", "--project", "default", "--name", "otel", "--json"],
    ))
    .unwrap();
    let key = key["key"].as_str().unwrap();

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
        &[("content-type", "application/json"), ("x-bloop-key", key)],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let json1 = api.trace_when(&token, "json-1", |t| t["status"] == "completed");
    let otel = api.trace(&token, "c0ffee00c0ffee00c0ffee00c0ffee00");

    assert_eq!(stored_text(&json1), (0, 0), "no text under none: {json1}");
    assert_eq!(stored_text(&otel), (0, 0), "no text under none: {otel}");
    assert_eq!(api.found(&token, "q=zebrafinch"), 0);
    for word in ["paris", "terse"] {
        assert_eq!(api.found(&token, &format!("q={word}&{FIXTURE_WINDOW}")), 0);
    }
    // Numbers, model, names and error messages stay.
    for t in [&json1, &otel] {
        assert_eq!(spans(t)[0]["model"], "gpt-4o", "{t}");
    }
    assert_eq!(spans(&json1)[0]["input_tokens"], 10);
    assert_eq!(spans(&json1)[0]["error_message"], "provider overloaded");
    assert_eq!(api.found(&token, "q=overloaded"), 1);

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
    let json2 = api.trace(&token, "json-2");
    assert_eq!(json2["input"], "zebrafinch again");
    assert_eq!(api.found(&token, "q=zebrafinch"), 1);
}

fn price_overrides_price_the_next_traces_and_global_ones_are_for_admins() {
    let s = TestServer::start();
    let http = Http::new();
    let api = Api(&s, &http);
    let writer = token(&s, "llm:read,llm:write", None);
    let admin = token(&s, "admin", None);
    // Sends trace `id` with one `house-model-7` span of 1,000 input tokens (200 of them
    // cached) and 500 output; answers the span's cost and its source once written.
    let send_house_model = |id: &str| -> (i64, String) {
        let t = json!({"id": id, "spans": [{"id": "g", "model": "house-model-7",
            "input_tokens": 1000, "cache_read_tokens": 200, "output_tokens": 500}]});
        let r = http.post_signed(&format!("{}/v1/traces", s.url), &t.to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
        let span = spans(&api.trace(&writer, id))[0].clone();
        (
            span["cost_micros"].as_i64().unwrap(),
            span["cost_source"].as_str().unwrap().to_string(),
        )
    };

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
    let r = api.call("GET", "/v1/llm/prices?modle=gpt-4o", &writer, None);
    assert_eq!(r.status, 400, "{:?}", r.body);

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
    let r = api.call(
        "PUT",
        "/v1/llm/prices",
        &writer,
        Some(json!({"project": "nope", "model": "m", "input": 1, "output": 1})),
    );
    assert_eq!(r.status, 404, "no such project: {:?}", r.body);

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
        send_house_model("p-1"),
        (1900, "project_override".to_string())
    );

    // Without the project override, the global one: 800 × $4 + 200 × $4 + 500 × $8 = 8,000 µ$.
    // The model is matched without case.
    let r = api.call(
        "DELETE",
        "/v1/llm/prices?project=default&model=HOUSE-model-7",
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
        send_house_model("p-2"),
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
    project(&s, "other");
    let pinned = token(&s, "llm:read,llm:write", Some("other"));
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
    // Everything, as an admin sees it: global first, then by project, models in order.
    let r = api.call("GET", "/v1/llm/prices", &admin, None);
    let all: Vec<(Value, Value)> = r.body["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["project"].clone(), o["model"].clone()))
        .collect();
    assert_eq!(
        all,
        [
            (Value::Null, json!("house-model-7")),
            (json!("default"), json!("house-model-7")),
            (json!("other"), json!("mine")),
        ],
        "{:?}",
        r.body
    );
}

fn bloop_llm_prices_and_settings_work_locally_and_against_a_server() {
    let s = TestServer::start();
    let token = token(&s, "admin", None);
    let local = |args: &[&str]| cli(&s, args);
    let remote = |args: &[&str]| {
        // `--url`/`--token` belong to `bloop llm` and everything under it.
        let mut all = vec![args[0], "--url", s.url.as_str(), "--token", token.as_str()];
        all.extend_from_slice(&args[1..]);
        cli(&s, &all)
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
    let o = bloop_cli(
        &s.db_path,
        &["llm", "prices", "set", "m", "--input", "1", "--output", "1", "--project", "nope"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no project `nope`"));
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
    let json: Value = serde_json::from_str(&local(&[
        "llm",
        "settings",
        "set",
        "--project",
        "default",
        "--errors-as-issues",
        "off",
        "--json",
    ]))
    .unwrap();
    assert_eq!(
        (&json["content_storage"], &json["errors_as_issues"]),
        (&json!("full"), &json!(false)),
        "only what was given changed: {json}"
    );
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

fn bloop_send_trace_sends_a_generation_with_a_tool_call_under_it() {
    let s = TestServer::start();
    let http = Http::new();
    let api = Api(&s, &http);
    let token = token(&s, "llm:read", None);
    let out = cli(
        &s,
        &[
            "send",
            "--trace",
            "--url",
            s.url.as_str(),
            "--secret",
            SECRET,
        ],
    );
    assert!(out.contains("sent 1 test trace(s)"), "{out}");
    let id = out
        .split("bloop llm trace ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the trace's id in {out}"));
    let trace = api.trace(&token, id);
    let all = spans(&trace);
    let generation = all.iter().find(|sp| sp["span_type"] == "generation").unwrap();
    let tool = all.iter().find(|sp| sp["span_type"] == "tool").unwrap();
    assert_eq!(generation["model"], "gpt-4o-mini");
    assert_eq!(tool["parent_span_id"], "generation");
    assert_eq!(generation["children"][0]["span_type"], "tool", "{trace}");
    // 1,000 uncached × $0.15 + 200 cached × $0.075 + 300 × $0.60 per million = 150 + 15 + 180.
    assert_eq!(generation["cost_micros"], 345);
}
}
