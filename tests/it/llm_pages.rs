//! The dashboard's LLM pages over real HTTP: traces seeded through the signed batch API (one of
//! them hostile), every page fetched with a session cookie, the waterfall's nesting checked
//! against the API's span tree, hostile text shown escaped, write controls by role, and no page
//! without a session. Every test runs on SQLite and on PostgreSQL.

use std::time::Duration;

use bloop::store::users::Role;
use serde_json::{json, Value};

use crate::both;
use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);
const MIN: i64 = 60_000;
const ORIGIN: &str = "http://localhost:5332"; // the test server's auth.rp_origin
const SCRIPT: &str = "<script>window.__pwned=1</script>";
const TEXTAREA: &str = "</textarea><img src=x onerror=alert(1)>";

/// The hostile trace: a four-level span tree, stored content (policy `full`) and names that
/// carry markup. Spans: root → (plan, lookup → inner), plus `late` whose parent is missing.
fn hostile_trace(now: i64) -> Value {
    let at = now - 50 * MIN;
    json!({
        "id": "t-hostile", "session_id": "sess-1", "user_id": "user <b>7</b>",
        "name": "agent <i>run</i>", "status": "error",
        "prompt_name": "triage <i>bot</i>", "prompt_version": "1",
        "started_at": at, "ended_at": at + 3000,
        "input": format!("please help {SCRIPT}"), "output": format!("done {TEXTAREA}"),
        "metadata": {"note": SCRIPT},
        "spans": [
            {"id": "root", "span_type": "agent", "name": "orchestrate", "latency_ms": 3000,
             "started_at": at},
            {"id": "plan", "parent_span_id": "root", "model": "gpt-4o", "provider": "openai",
             "name": "plan", "input_tokens": 1000, "output_tokens": 200, "latency_ms": 900,
             "time_to_first_token_ms": 150, "started_at": at + 100,
             "input": format!("system: be nice\nuser: {SCRIPT}"), "output": TEXTAREA},
            {"id": "lookup", "parent_span_id": "root", "span_type": "tool", "name": "lookup_order",
             "latency_ms": 400, "started_at": at + 1100, "status": "error",
             "error_message": format!("boom {SCRIPT}")},
            {"id": "inner", "parent_span_id": "lookup", "span_type": "retrieval",
             "name": "fetch <u>docs</u>", "latency_ms": 100, "started_at": at + 1200},
            {"id": "late", "parent_span_id": "gone", "span_type": "custom", "name": "late_callback",
             "latency_ms": 5, "started_at": at + 2900}
        ]
    })
}

/// Traces of prompt `support` v3 and v4 (v4 slower), one call of a model without a price, and
/// the hostile trace: sent in two signed batches.
fn seed(s: &TestServer, http: &Http) -> i64 {
    seed_at(&s.url, &s.db_path, http)
}

/// [`seed`] against any server: its base URL and database file (or the PostgreSQL database a
/// `both!` test's server there uses).
pub(crate) fn seed_at(base: &str, db: &std::path::Path, http: &Http) -> i64 {
    let now = bloop::store::now_ms();
    let mut traces = vec![hostile_trace(now)];
    for i in 0..12i64 {
        let v = if i % 2 == 0 { "3" } else { "4" };
        let at = now - (40 - i) * MIN;
        let lat = if v == "3" { 400 + i * 7 } else { 900 + i * 5 };
        traces.push(json!({
            "id": format!("t-{i}"), "session_id": "sess-1", "user_id": format!("user-{}", i % 3),
            "name": "answer", "prompt_name": "support", "prompt_version": v,
            "started_at": at, "ended_at": at + lat,
            "spans": [{"id": "g", "model": "gpt-4o-mini", "provider": "openai", "name": "answer",
                       "input_tokens": 300, "output_tokens": 80, "latency_ms": lat,
                       "time_to_first_token_ms": 90, "started_at": at}]
        }));
    }
    traces.push(json!({
        "id": "t-unpriced", "name": "mystery call", "started_at": now - 5 * MIN,
        "ended_at": now - 5 * MIN + 300,
        "spans": [{"id": "m", "model": "mystery-model-x", "name": "guess", "input_tokens": 50,
                   "output_tokens": 5, "latency_ms": 300, "started_at": now - 5 * MIN}]
    }));
    let url = format!("{base}/v1/traces/batch");
    for chunk in traces.chunks(10) {
        let r = http.post_signed(&url, &json!({ "traces": chunk }).to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["accepted"], chunk.len(), "{:?}", r.body);
    }
    let n = traces.len() as i64;
    assert_eq!(
        wait_count(db, "SELECT count(*) FROM llm_traces", n, WAIT),
        n,
        "traces written"
    );
    now
}

fn full_server() -> TestServer {
    TestServer::start_with(|c| {
        c.llm_tracing.default_content_storage = bloop::config::ContentStorage::Full
    })
}

fn page(http: &Http, s: &TestServer, path: &str, cookie: &str) -> (u16, String) {
    let r = http.send(
        http.client()
            .get(format!("{}{path}", s.url))
            .header("cookie", cookie),
    );
    let body = match &r.body {
        Value::String(t) => t.clone(),
        other => other.to_string(),
    };
    (r.status, body)
}

fn ok_page(http: &Http, s: &TestServer, path: &str, cookie: &str) -> String {
    let (status, html) = page(http, s, path, cookie);
    assert_eq!(status, 200, "{path}: {html}");
    assert_harmless(&html, path);
    html
}

/// No hostile markup made it through as markup: only the app's own script, no injected
/// element, and what was sent is there escaped wherever it is shown.
fn assert_harmless(html: &str, path: &str) {
    assert_eq!(html.matches("<script").count(), 1, "{path}: only app.js");
    assert!(!html.contains("<img"), "{path}: an <img> got through");
    assert!(!html.contains("</textarea>"), "{path}");
    assert!(
        !html.contains("<i>run</i>") && !html.contains("<b>7</b>"),
        "{path}"
    );
    assert!(
        !html.contains("<u>docs</u>") && !html.contains("<i>bot</i>"),
        "{path}"
    );
}

fn send(http: &Http, method: reqwest::Method, url: &str, cookie: &str, body: Value) -> Resp {
    http.send(
        http.client()
            .request(method, url)
            .header("cookie", cookie)
            .header("origin", ORIGIN)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
}

/// (span id, parent id, depth) of each waterfall row, in page order.
fn waterfall_rows(html: &str) -> Vec<(String, Option<String>, usize)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let i = tag.find(&key)? + key.len();
        let j = tag[i..].find('"')? + i;
        Some(tag[i..j].to_string())
    };
    html.match_indices("<div class=\"wf-row")
        .map(|(i, _)| {
            let end = html[i..].find('>').unwrap() + i;
            let tag = &html[i..end];
            (
                attr(tag, "data-span-id").unwrap(),
                attr(tag, "data-parent-id"),
                attr(tag, "data-depth").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

/// The same walk over the API's tree: pre-order, children in order.
fn tree_rows(
    nodes: &Value,
    parent: Option<&str>,
    depth: usize,
    out: &mut Vec<(String, Option<String>, usize)>,
) {
    for n in nodes.as_array().unwrap() {
        let id = n["id"].as_str().unwrap();
        out.push((id.to_string(), parent.map(String::from), depth));
        tree_rows(&n["children"], Some(id), depth + 1, out);
    }
}

pub(crate) const PAGES: [&str; 8] = [
    "/llm",
    "/llm/traces",
    "/llm/traces/t-hostile",
    "/llm/sessions",
    "/llm/sessions/sess-1",
    "/llm/prompts",
    "/llm/models",
    "/llm/settings",
];

both! {
    fn llm_pages_send_visitors_without_a_session_to_sign_in() {
        let s = full_server();
        let http = Http::without_redirects();
        for path in PAGES {
            let r = http.get(&format!("{}{path}", s.url));
            assert_eq!(r.status, 303, "{path}");
            let loc = r.headers["location"].to_str().unwrap();
            assert_eq!(loc, format!("/login?next={path}"), "{path}");
            let r = http.send(
                http.client()
                    .get(format!("{}{path}", s.url))
                    .header("cookie", "bloop_session=forged"),
            );
            assert_eq!(r.status, 303, "{path} with a forged session");
        }
    }

    fn every_llm_page_renders_for_a_viewer_with_hostile_text_escaped_and_no_write_controls() {
        let s = full_server();
        let http = Http::without_redirects();
        seed(&s, &http);
        let viewer = user_session(&s.db_path, "vera", Role::Viewer);
        for path in PAGES {
            let html = ok_page(&http, &s, path, &viewer);
            assert!(
                html.contains(r#"<a href="/llm" class="active">LLM</a>"#),
                "{path}: nav entry"
            );
            for write in [
                "data-method=\"PUT\"",
                "id=\"score-form\"",
                "id=\"feedback-form\"",
                "id=\"price-form\"",
            ] {
                assert!(!html.contains(write), "{path}: a viewer sees {write}");
            }
        }
        let list = ok_page(&http, &s, "/llm/traces", &viewer);
        assert!(
            list.contains("agent &lt;i&gt;run&lt;/i&gt;"),
            "escaped trace name"
        );
        assert!(
            list.contains("user &lt;b&gt;7&lt;/b&gt;"),
            "escaped user id"
        );
        let detail = ok_page(&http, &s, "/llm/traces/t-hostile", &viewer);
        assert!(detail.contains("please help &lt;script&gt;window.__pwned=1&lt;/script&gt;"));
        assert!(detail.contains("done &lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(
            detail.contains("user: &lt;script&gt;window.__pwned=1&lt;/script&gt;"),
            "span prompt"
        );
        assert!(
            detail.contains("boom &lt;script&gt;window.__pwned=1&lt;/script&gt;"),
            "span error"
        );
        assert!(detail.contains("fetch &lt;u&gt;docs&lt;/u&gt;"));
    }

    fn the_waterfall_nests_spans_as_the_api_tree_does_with_bars_ttft_and_errors() {
        let s = full_server();
        let http = Http::without_redirects();
        seed(&s, &http);
        let member = user_session(&s.db_path, "max", Role::Member);
        let html = ok_page(&http, &s, "/llm/traces/t-hostile?project=default", &member);
        let rows = waterfall_rows(&html);
        let api = http.send(
            http.client()
                .get(format!("{}/v1/llm/traces/t-hostile?project=default", s.url))
                .header("cookie", &member),
        );
        assert_eq!(api.status, 200, "{:?}", api.body);
        let mut want = Vec::new();
        tree_rows(&api.body["spans"], None, 0, &mut want);
        assert_eq!(
            rows, want,
            "the page's rows are the API's tree in pre-order"
        );
        let ids =
            |v: &[(String, Option<String>, usize)]| v.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&rows), ["root", "plan", "lookup", "inner", "late"]);
        assert_eq!(rows[3], ("inner".into(), Some("lookup".into()), 2));
        assert_eq!(rows[4].1, None, "an orphan sits at the root");
        assert!(html.contains("(parent gone missing)"));
        assert!(html.contains(r#"data-spans="5""#));
        // One TTFT tick (the generation), one failed span with its message, costs per span.
        assert_eq!(html.matches(r#"class="ttft""#).count(), 1);
        assert_eq!(html.matches(r#"class="wf-row wf-error""#).count(), 1);
        assert!(html.contains("class=\"bar bar-error\""));
        assert!(html.contains("1,000 → 200 tok"));
        assert!(
            html.contains("$0.0045"),
            "gpt-4o: 1,000 × $2.50 + 200 × $10 per million"
        );
        // The session link, and write forms for a member.
        assert!(html.contains(r#"href="/llm/sessions/sess-1?project=default""#));
        assert!(html.contains(r#"data-api="/v1/llm/traces/t-hostile/scores?project=default""#));
        assert!(html.contains(r#"data-api="/v1/llm/traces/t-hostile/feedback?project=default""#));

        // A score and feedback through the API show on the page, escaped.
        let url = |what: &str| format!("{}/v1/llm/traces/t-hostile/{what}?project=default", s.url);
        let r = send(
            &http,
            reqwest::Method::POST,
            &url("scores"),
            &member,
            json!({"name": "help<ful>", "value": 0.75, "comment": SCRIPT}),
        );
        assert_eq!(r.status, 201, "{:?}", r.body);
        let r = send(
            &http,
            reqwest::Method::POST,
            &url("feedback"),
            &member,
            json!({"rating": "down", "comment": TEXTAREA}),
        );
        assert_eq!(r.status, 201, "{:?}", r.body);
        let html = ok_page(&http, &s, "/llm/traces/t-hostile", &member);
        assert!(
            html.contains("<strong>help&lt;ful&gt;</strong> 0.75"),
            "{html}"
        );
        assert!(html.contains("0 👍 · 1 👎"));
        // The overview shows the score's distribution and the feedback over time.
        let html = ok_page(&http, &s, "/llm", &member);
        assert_harmless(&html, "/llm");
        let scores = &html[html.find(r#"id="scores""#).expect("scores panel")..];
        assert!(
            scores.contains(r#"data-score="help&lt;ful&gt;""#)
                && scores.contains("<strong>help&lt;ful&gt;</strong> · 1 score · mean 0.75"),
            "{scores}"
        );
        // 0.75 falls in the 0.7–0.8 bin.
        let bin = &scores[scores.find("0.7–0.8").expect("bins")..];
        assert!(
            bin[..bin.find("</div>").unwrap()].contains(r#"<span class="muted">1</span>"#),
            "{bin}"
        );
        let fb = &html[html.find(r#"id="feedback-rate""#).expect("feedback panel")..];
        assert!(
            fb.starts_with(r#"id="feedback-rate"><strong>1</strong> on "#),
            "{fb}"
        );
        assert!(
            fb[..fb.find("</p>").unwrap()].contains("0.0% positive"),
            "{fb}"
        );
        // An unknown trace is a 404 page.
        assert_eq!(page(&http, &s, "/llm/traces/nope", &member).0, 404);
    }

    fn the_traces_list_filters_sorts_pages_and_refreshes_its_rows() {
        let s = full_server();
        let http = Http::without_redirects();
        seed(&s, &http);
        let viewer = user_session(&s.db_path, "vera", Role::Viewer);
        let count = |path: &str| {
            ok_page(&http, &s, path, &viewer)
                .matches("data-trace-id=")
                .count()
        };
        assert_eq!(count("/llm/traces"), 14);
        assert_eq!(count("/llm/traces?model=mystery-model-x"), 1);
        assert_eq!(count("/llm/traces?has_error=true"), 1);
        assert_eq!(count("/llm/traces?prompt=support&prompt_version=4"), 6);
        assert_eq!(count("/llm/traces?user=user-1"), 4);
        assert_eq!(
            count("/llm/traces?min_latency=900"),
            7,
            "six v4 calls and the hostile trace's 3 s"
        );
        assert_eq!(count("/llm/traces?q=orchestrate"), 1);
        assert_eq!(count("/llm/traces?session=sess-1&since=24h"), 13);
        let html = ok_page(&http, &s, "/llm/traces?sort=latency", &viewer);
        let first = html.find("data-trace-id=").unwrap();
        assert!(
            html[first..].starts_with("data-trace-id=\"t-hostile\""),
            "slowest first"
        );
        assert!(html.contains("14 matching"));
        // The newest page refreshes itself; the partial is rows only, escaped alike.
        assert!(!html.contains("data-refresh"), "a sorted list holds still");
        assert!(ok_page(&http, &s, "/llm/traces", &viewer).contains(r#"<tbody data-refresh="15000">"#));
        let (status, rows) = page(&http, &s, "/llm/traces?partial=rows", &viewer);
        assert_eq!(status, 200);
        assert!(rows.starts_with("<tr") && rows.contains("agent &lt;i&gt;run&lt;/i&gt;"));
        // A bad filter is a notice naming the problem, not an error page.
        let (status, html) = page(&http, &s, "/llm/traces?min_cost=-1", &viewer);
        assert_eq!(status, 400);
        assert!(html.contains("min_cost"), "{html}");
        let (status, _) = page(&http, &s, "/llm/traces?project=nope", &viewer);
        assert_eq!(status, 404);
    }

    fn overview_sessions_prompts_models_and_settings_show_their_figures_and_forms() {
        let s = full_server();
        let http = Http::without_redirects();
        seed(&s, &http);
        let member = user_session(&s.db_path, "max", Role::Member);
        let admin = user_session(&s.db_path, "ada", Role::Admin);

        // Overview: figures, charts stacked by model, the unpriced warning, the budget form.
        let html = ok_page(&http, &s, "/llm", &member);
        for part in [
            "data-stat=\"today\"",
            "data-stat=\"month\"",
            "data-stat=\"latency\"",
            "data-stat=\"ttft\"",
            "id=\"cost-chart\"",
            "id=\"calls-chart\"",
            "<rect class=\"s0\"",
            "id=\"unpriced-warning\"",
            "href=\"/llm/models?project=default\"",
            "id=\"top-users\"",
            "user-0",
            r#"data-api="/v1/llm/budget" data-method="PUT""#,
        ] {
            assert!(html.contains(part), "overview lacks {part}");
        }
        assert!(html.contains("gpt-4o-mini") && html.contains("mystery-model-x"));
        for w in ["7d", "30d"] {
            ok_page(&http, &s, &format!("/llm?window={w}"), &member);
        }
        // A budget set through the API shows with its forecast.
        let r = send(
            &http,
            reqwest::Method::PUT,
            &format!("{}/v1/llm/budget", s.url),
            &member,
            json!({"project": "default", "monthly_usd": 25, "enforce": true}),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        let html = ok_page(&http, &s, "/llm", &member);
        assert!(
            html.contains("of $25.00") && html.contains("enforced"),
            "budget shown"
        );
        assert!(html.contains(r#"value="25""#) && html.contains("checked"));

        // Sessions.
        let html = ok_page(&http, &s, "/llm/sessions", &member);
        assert!(html.contains(r#"data-session-id="sess-1""#));
        let html = ok_page(&http, &s, "/llm/sessions/sess-1", &member);
        let order: Vec<&str> = html
            .match_indices("data-trace-id=\"")
            .map(|(i, k)| &html[i + k.len()..i + k.len() + html[i + k.len()..].find('"').unwrap()])
            .collect();
        assert_eq!(order.len(), 13);
        assert_eq!(order[0], "t-hostile", "oldest first");
        assert_eq!(order[1], "t-0");
        assert!(html.contains("data-stat=\"cost\""));

        // Prompts and the comparison of two versions, in plain words.
        let html = ok_page(&http, &s, "/llm/prompts", &member);
        assert!(
            html.contains(r#"data-prompt="support""#) && html.contains("class=\"row compare-form\"")
        );
        let html = ok_page(&http, &s, "/llm/prompts?name=support&a=3&b=4", &member);
        assert!(html.contains(r#"id="compare""#), "{html}");
        assert!(html.contains("v4 is slower than v3"), "{html}");
        assert!(html.contains("6 vs 6 calls"), "sample sizes: {html}");
        assert!(
            html.contains("triage &lt;i&gt;bot&lt;/i&gt;"),
            "the hostile prompt name, escaped"
        );
        assert!(html.contains("p-value"));
        let html = ok_page(&http, &s, "/llm/prompts?name=support&a=3&b=99", &member);
        assert!(html.contains("id=\"compare-problem\""));

        // Models: the price and its source; a member sets project prices, an admin global ones too.
        let html = ok_page(&http, &s, "/llm/models", &member);
        assert!(html.contains(r#"data-model="mystery-model-x" class="row-warn""#));
        assert!(html.contains(r#"data-source="none""#) && html.contains(r#"data-source="table""#));
        assert!(html.contains(r#"id="price-form""#) && !html.contains("all projects (global)"));
        assert!(ok_page(&http, &s, "/llm/models", &admin).contains("all projects (global)"));
        let r = send(
            &http,
            reqwest::Method::PUT,
            &format!("{}/v1/llm/prices", s.url),
            &member,
            json!({"project": "default", "model": "mystery-model-x", "input": 1, "output": 2}),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        let html = ok_page(&http, &s, "/llm/models", &member);
        assert!(html.contains(r#"data-source="project_override""#), "{html}");
        assert!(html.contains(r#"data-api="/v1/llm/prices?model=mystery-model-x&amp;project=default""#));

        // Settings: the policy per project, changed through the API.
        let html = ok_page(&http, &s, "/llm/settings", &member);
        assert!(html.contains(r#"data-project="default" data-policy="full""#));
        assert!(html.contains("metadata_only"));
        let r = send(
            &http,
            reqwest::Method::PUT,
            &format!("{}/v1/llm/settings", s.url),
            &member,
            json!({"project": "default", "content_storage": "none"}),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        let html = ok_page(&http, &s, "/llm/settings", &member);
        assert!(html.contains(r#"data-policy="none""#));
    }

    /// The LLM pages in headless Chromium (tests/browser/llm.mjs): a real `bloop serve` holding the
    /// seeded traces, the first admin registered with a passkey, then the overview, a filtered
    /// traces list, the waterfall, a score and feedback, a prompt comparison, a budget and the
    /// content policy and "LLM failures as issues", each through the page's own controls; hostile
    /// text never runs. What the browser changed is read back through the CLI.
    fn llm_pages_work_in_chromium() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bloop.db");
        let db_env = serve_db_env(&db);
        let mut env: Vec<(&str, &str)> = db_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.push(("BLOOP__LLM_TRACING__DEFAULT_CONTENT_STORAGE", "full"));
        let (serve, origin, setup) = ServeProcess::for_browser(&db, &env);
        seed_at(&origin, &db, &Http::new());
        // BLOOP_SHOTS_DIR keeps the screenshots for a look.
        let shots = tempfile::tempdir().unwrap();
        let shots_dir = std::env::var_os("BLOOP_SHOTS_DIR").unwrap_or(shots.path().into());
        let out = std::process::Command::new("node")
            .arg("tests/browser/llm.mjs")
            .env("BLOOP_URL", &origin)
            .env("SETUP_URL", &setup)
            .env("XSS_SCRIPT", SCRIPT)
            .env("XSS_TEXTAREA", TEXTAREA)
            .env("SHOTS_DIR", &shots_dir)
            .output()
            .expect("node runs (tests/run.sh installs it with Chromium and playwright-core)");
        browser_result(&out);
        // What the browser changed is stored.
        let cli = |args: &[&str]| -> Value {
            serde_json::from_str(&cli_ok(&bloop_cli(&db, args))).expect("JSON")
        };
        let settings = cli(&["llm", "settings", "--project", "default", "--json"]);
        let settings = &settings[0];
        assert_eq!(settings["content_storage"], "metadata_only", "{settings}");
        assert_eq!(settings["content_storage_source"], "project", "{settings}");
        assert_eq!(settings["budget_micros"], 25_000_000, "{settings}");
        assert_eq!(
            settings["errors_as_issues"], false,
            "the toggle turned it off"
        );
        let budget = cli(&["llm", "budget", "--project", "default", "--json"]);
        assert_eq!(budget[0]["enforced"], true, "{budget}");
        let trace = cli(&["llm", "trace", "t-hostile", "--json"]);
        let scores: Vec<&Value> = trace["scores"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["name"] == "helpfulness" && s["value"] == 0.8)
            .collect();
        assert_eq!(scores.len(), 1, "{trace}");
        let down = trace["feedback"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rating"] == -1)
            .count();
        assert_eq!(down, 1, "{trace}");
        let rules = cli(&["alerts", "list", "--json"]);
        let rules = rules.as_array().unwrap();
        assert_eq!(rules.len(), 1, "{rules:?}");
        assert_eq!(rules[0]["project_id"], "default");
        assert_eq!(
            rules[0]["config"],
            json!({"type": "llm_budget", "percent": 90.0, "forecast": true})
        );
        let channels = rules[0]["channels"].to_string();
        assert!(
            channels.contains("https://hooks.example.com/budget"),
            "{channels}"
        );
        drop(serve);
    }
}
