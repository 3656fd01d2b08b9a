//! What an error cost: error events that name an LLM trace (`metadata.trace_id`, or Sentry's
//! `contexts.trace.trace_id`) link their issue to that trace of the same project, and the issue
//! shows the spend of its linked traces — through the query API, the dashboard's issue page,
//! `bloop query error`, and the LLM overview's "Issues that cost most". Traces go through the
//! signed JSON trace API with costs computed by hand from the shipped price table, events through
//! signed `/v1/ingest`. Also: the LLM settings page's "LLM failures as issues" toggle.

use std::time::Duration;

use bloop::store::tokens::Scope;
use bloop::store::users::Role;
use serde_json::{json, Value};

use crate::both;
use crate::common::*;

const WAIT: Duration = Duration::from_secs(15);
const ORIGIN: &str = "http://localhost:5332"; // the test server's auth.rp_origin

/// A trace of generation spans `(model, input tokens, output tokens, client cost in USD)` and a
/// tool span, started a minute ago.
fn trace(id: &str, name: &str, calls: &[(&str, i64, i64, f64)]) -> String {
    let at = bloop::store::now_ms() - 60_000;
    let mut spans: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(k, (model, input, output, cost))| {
            json!({"id": format!("g{k}"), "model": model, "provider": "openai",
                   "input_tokens": input, "output_tokens": output, "cost": cost,
                   "latency_ms": 100, "started_at": at + k as i64})
        })
        .collect();
    spans.push(
        json!({"id": "tool", "span_type": "tool", "name": "lookup", "latency_ms": 5,
                      "started_at": at}),
    );
    json!({"id": id, "name": name, "started_at": at, "spans": spans}).to_string()
}

/// The same error each time, naming a trace through `metadata`.
fn error_event(metadata: Value) -> String {
    json!({"timestamp": 1_700_000_000, "source": "api", "error_type": "CheckoutError",
           "message": "checkout failed", "route_or_procedure": "/checkout",
           "metadata": metadata})
    .to_string()
}

fn ok(r: Resp) -> Resp {
    assert_eq!(r.status, 200, "{:?}", r.body);
    r
}

fn html(http: &Http, s: &TestServer, path: &str, cookie: &str) -> String {
    let r = http.send(
        http.client()
            .get(format!("{}{path}", s.url))
            .header("cookie", cookie),
    );
    assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    match r.body {
        Value::String(t) => t,
        other => other.to_string(),
    }
}

/// The JSON the settings page's toggle button sends (its `data-body`, unescaped).
fn toggle_body(page: &str) -> Value {
    let button = &page[page.find("errors-as-issues-toggle").expect("a toggle")..];
    let start = button.find("data-body=\"").unwrap() + "data-body=\"".len();
    let end = start + button[start..].find('"').unwrap();
    serde_json::from_str(&button[start..end].replace("&quot;", "\"")).unwrap()
}

both! {
    fn an_issue_shows_what_its_llm_traces_cost_everywhere() {
        let s = TestServer::start_with(|c| c.llm_tracing.error_issue_delay_secs = 1);
        let http = Http::new();
        let made: Value = serde_json::from_str(&cli_ok(&bloop_cli(
            &s.db_path,
            &["projects", "create", "Shop", "--slug", "shop", "--json"],
        )))
        .unwrap();
        let key = made["key"]["key"].as_str().unwrap().to_string();
        let traces = format!("{}/v1/traces", s.url);
        let ingest = format!("{}/v1/ingest", s.url);

        // gpt-4o is $2.50 in / $10 out per million tokens:
        //   t-1: 1,000 in + 100 out = 2,500 + 1,000 = 3,500 µ$; 2,000 in + 500 out = 5,000 + 5,000
        //        = 10,000 µ$; 13,500 µ$ in two calls. Its name is hostile.
        //   12345: one call the client priced at $0.25 = 250,000 µ$ (sent after the events).
        //   t-other: another project's trace (the default project's), $1 — never counted for shop.
        ok(http.post_with_key(
            &traces,
            &trace(
                "t-1",
                "<b>checkout</b> & co",
                &[("gpt-4o", 1000, 100, 0.0), ("gpt-4o", 2000, 500, 0.0)],
            ),
            &key,
        ));
        ok(http.post_signed(
            &traces,
            &trace("t-other", "elsewhere", &[("gpt-4o", 10, 10, 1.0)]),
        ));
        assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 2, WAIT), 2);

        for meta in [
            json!({"trace_id": "t-1"}),
            json!({"trace_id": "t-1", "attempt": 2}), // the same trace again: counted once
            json!({"trace_id": 12345}),               // a number
            json!({"contexts": {"trace": {"trace_id": "t-other"}}}), // Sentry's form, not ours
            json!({"trace_id": "nope"}),              // never sent: linked, adds nothing
        ] {
            ok(http.post_with_key(&ingest, &error_event(meta), &key));
        }
        // Another error of shop that names no trace.
        ok(http.post_with_key(&ingest, &event("no trace here"), &key));
        assert_eq!(s.wait_count("SELECT count(*) FROM events", 6, WAIT), 6);
        ok(http.post_with_key(
            &traces,
            &trace("12345", "refund", &[("gpt-4o", 10, 20, 0.25)]),
            &key,
        ));
        assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 3, WAIT), 3);

        let fp = text_in(
            &s.db_path,
            "SELECT fingerprint FROM issues WHERE error_type = 'CheckoutError'",
        );
        let plain = text_in(
            &s.db_path,
            "SELECT fingerprint FROM issues WHERE message = 'no trace here'",
        );
        let links = s.count("SELECT count(*) FROM issue_traces");
        assert_eq!(links, 4, "t-1, 12345, t-other and nope, once each");
        let t1_events = s.count("SELECT events FROM issue_traces WHERE trace_id = 't-1'");
        assert_eq!(t1_events, 2);

        // The query API.
        let token = api_token(&s.db_path, &[Scope::ErrorsRead]);
        let get = |path: &str| {
            ok(http.send(
                http.client()
                    .get(format!("{}{path}", s.url))
                    .bearer_auth(&token),
            ))
            .body
        };
        let d = get(&format!("/v1/errors/{fp}?project=shop"));
        let llm = &d["llm"];
        assert_eq!(llm["linked_traces"], 4, "{llm}");
        assert_eq!(llm["traces"], 2);
        assert_eq!(llm["calls"], 3);
        assert_eq!(llm["cost_micros"], 263_500);
        assert_eq!(llm["cost_usd"], 0.2635);
        assert_eq!(llm["input_tokens"], 3010);
        assert_eq!(llm["output_tokens"], 620);
        assert_eq!(llm["unpriced_calls"], 0);
        let mut recent: Vec<&str> = llm["recent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        recent.sort();
        assert_eq!(recent, ["12345", "t-1"]);
        let t1 = llm["recent"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "t-1")
            .unwrap();
        assert_eq!(
            (&t1["cost_micros"], &t1["status"], &t1["name"]),
            (
                &json!(13_500),
                &json!("completed"),
                &json!("<b>checkout</b> & co")
            )
        );
        let none = get(&format!("/v1/errors/{plain}?project=shop"));
        assert!(none.get("llm").is_none(), "no trace named: no llm: {none}");

        // The dashboard's issue page: the line, and links to the traces; the name escaped.
        let line = "This issue burned $0.2635 in 3 LLM calls (2 traces)";
        let viewer = user_session(&s.db_path, "vera", Role::Viewer);
        let page = html(&http, &s, &format!("/issues/shop/{fp}"), &viewer);
        assert!(page.contains(line), "{page}");
        assert!(
            page.contains("href=\"/llm/traces/t-1?project=shop\""),
            "{page}"
        );
        assert!(page.contains("href=\"/llm/traces/12345?project=shop\""));
        assert!(page.contains("&lt;b&gt;checkout&lt;/b&gt; &amp; co"));
        assert!(!page.contains("<b>checkout"));
        assert!(
            !page.contains("/llm/traces/t-other"),
            "the sample shows it, no link does"
        );
        let plain_page = html(&http, &s, &format!("/issues/shop/{plain}"), &viewer);
        assert!(!plain_page.contains("llm-cost"));
        // And back: the trace's page links to the issue it raised.
        let trace_page = html(&http, &s, "/llm/traces/t-1?project=shop", &viewer);
        let issues = &trace_page[trace_page
            .find(r#"id="trace-issues""#)
            .expect("linked issues")..];
        assert!(
            issues.contains(&format!(r#"<a href="/issues/shop/{fp}">CheckoutError</a>"#)),
            "{issues}"
        );

        // `bloop query error`: the line, and the figures in --json.
        let out = cli_ok(&bloop_cli(&s.db_path, &["query", "error", &fp]));
        assert!(out.contains(line), "{out}");
        let j: Value = serde_json::from_str(&cli_ok(&bloop_cli(
            &s.db_path,
            &["query", "error", &fp, "--json"],
        )))
        .unwrap();
        assert_eq!(j["llm"], *llm);

        // The LLM overview ranks the issue by its traces' spend.
        let overview = html(&http, &s, "/llm?project=shop", &viewer);
        assert!(overview.contains("Issues that cost most"));
        assert!(
            overview.contains(&format!("href=\"/issues/shop/{fp}\"")),
            "{overview}"
        );
        assert!(overview.contains("$0.2635"));

        // A failed LLM call filed as an issue (source llm) links to its own trace.
        ok(http.post_with_key(
            &traces,
            &json!({"id": "t-fail", "name": "answer", "spans": [
                {"id": "s1", "model": "gpt-4o", "provider": "openai", "input_tokens": 100,
                 "output_tokens": 0, "status": "error", "error_message": "upstream overloaded",
                 "metadata": {"upstream_status": 529}}]})
            .to_string(),
            &key,
        ));
        assert_eq!(
            s.wait_count("SELECT count(*) FROM issues WHERE source = 'llm'", 1, WAIT),
            1
        );
        let filed = text_in(&s.db_path, "SELECT fingerprint FROM issues WHERE source = 'llm'");
        let f = get(&format!("/v1/errors/{filed}?project=shop"));
        // 100 input tokens of gpt-4o: 250 µ$.
        assert_eq!(
            (
                &f["llm"]["traces"],
                &f["llm"]["calls"],
                &f["llm"]["cost_micros"]
            ),
            (&json!(1), &json!(1), &json!(250)),
            "{f}"
        );

        // A prune removes links past the retention whose trace is not stored, and keeps the others.
        s.exec(
            "UPDATE issue_traces SET first_seen = first_seen - 2592000000
             WHERE trace_id IN ('nope', '12345')",
        );
        cli_ok(&bloop_cli(&s.db_path, &["prune"]));
        for (trace, kept) in [("12345", 1), ("t-1", 1), ("t-fail", 1), ("t-other", 1), ("nope", 0)] {
            assert_eq!(
                s.count(&format!("SELECT count(*) FROM issue_traces WHERE trace_id = '{trace}'")),
                kept,
                "{trace}"
            );
        }
        let after = get(&format!("/v1/errors/{fp}?project=shop"));
        assert_eq!(after["llm"]["linked_traces"], 3);
        assert_eq!(after["llm"]["cost_micros"], 263_500);

        // Deleting the project takes its links with it; the other project's trace stays.
        cli_ok(&bloop_cli(
            &s.db_path,
            &["projects", "delete", "shop", "--yes"],
        ));
        let left = s.count("SELECT count(*) FROM issue_traces");
        assert_eq!(left, 0);
        let other = s.count("SELECT count(*) FROM llm_traces WHERE id = 't-other'");
        assert_eq!(other, 1);
    }

    fn the_settings_page_shows_and_flips_llm_failures_as_issues() {
        let s = TestServer::start();
        let http = Http::new();
        let member = user_session(&s.db_path, "max", Role::Member);
        let viewer = user_session(&s.db_path, "vera", Role::Viewer);

        let page = html(&http, &s, "/llm/settings?project=default", &member);
        assert!(page.contains("id=\"errors-as-issues-help\""), "{page}");
        assert!(page.contains("data-errors-as-issues=\"on\""), "{page}");
        // The toggle sends what the API takes.
        let body = toggle_body(&page);
        assert_eq!(
            body,
            json!({"project": "default", "errors_as_issues": false})
        );
        assert!(page.contains(">Turn off</button>"));
        // Viewers read it but get no button.
        let read_only = html(&http, &s, "/llm/settings?project=default", &viewer);
        assert!(read_only.contains("data-errors-as-issues=\"on\""));
        assert!(!read_only.contains("errors-as-issues-toggle"));

        // What the button sends, as the member's session.
        let r = http.send(
            http.client()
                .put(format!("{}/v1/llm/settings", s.url))
                .header("cookie", &member)
                .header("origin", ORIGIN)
                .json(&json!({"project": "default", "errors_as_issues": false})),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(
            s.count(
                "SELECT count(*) FROM llm_settings
                 WHERE project_id = 'default' AND errors_as_issues = false"
            ),
            1,
            "stored off"
        );
        let page = html(&http, &s, "/llm/settings?project=default", &member);
        assert!(page.contains("data-errors-as-issues=\"off\""), "{page}");
        assert!(page.contains(">Turn on</button>"));
        assert_eq!(
            toggle_body(&page),
            json!({"project": "default", "errors_as_issues": true})
        );
    }
}
