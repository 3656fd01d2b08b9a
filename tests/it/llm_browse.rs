//! Browsing LLM traces end to end: signed traces through the real ingest, then the query API
//! (`/v1/llm/traces`, `/traces/{id}`, `/search`, `/sessions`, scores, feedback, export) and
//! `bloop llm …` on the same database, with hand-computed expectations.
//!
//! The fixture (project `default`, content policy `none`, times relative to now):
//! - `t1` "checkout assistant", 40 min ago, 2 s, session s1 / user u1, prompt support v3:
//!   `plan` gpt-4o (1,000 in of which 400 cached, 200 out: 4,000 µ$) with children `answer`
//!   claude-3-5-sonnet-20241022 (1,000 in, 2,000 cache writes, 10,000 cache reads, 500 out:
//!   21,000 µ$) and `lookup_order` (tool, error "order service timed out"); `late_callback`
//!   whose parent is missing (a root). 25,000 µ$ in all.
//! - `t2` "refund", 30 min ago, 500 ms, session s1 / user u2, prompt support v4: gpt-4o,
//!   100 in, 10 out: 250 + 100 = 350 µ$.
//! - `t3` "mystery" (with an escape sequence in its name), 20 min ago, 9 s, status error, an
//!   unknown model with tokens: unpriced.
//! - `t4` "still running", 10 min ago, not ended, one custom span.
//!
//! Project `bot`: `t1` (the same id) and `b-only`, session s1 and `bot-session`.
//!
//! Every test runs on SQLite and on PostgreSQL (`both!`): projects, tokens and settings are
//! made with the CLI and what was stored is seen through the API, as an operator would.

use std::time::Duration;

use serde_json::{json, Value};

use crate::both;
use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);
const MIN: i64 = 60_000;

struct Fixture {
    s: TestServer,
    http: Http,
    /// llm:read + llm:write, every project.
    token: String,
    now: i64,
}

fn t1(now: i64) -> Value {
    let at = now - 40 * MIN;
    json!({
        "id": "t1", "session_id": "s1", "user_id": "u1", "name": "checkout assistant",
        "prompt_name": "support", "prompt_version": "3",
        "started_at": at, "ended_at": at + 2000,
        "input": "where is my parcel", "output": "on its way",
        "spans": [
            {"id": "plan", "model": "gpt-4o", "provider": "openai", "name": "plan",
             "input_tokens": 1000, "cache_read_tokens": 400, "output_tokens": 200,
             "latency_ms": 800, "time_to_first_token_ms": 120, "started_at": at},
            {"id": "answer", "parent_span_id": "plan", "model": "claude-3-5-sonnet-20241022",
             "provider": "anthropic", "name": "answer", "input_tokens": 1000,
             "cache_write_tokens": 2000, "cache_read_tokens": 10000, "output_tokens": 500,
             "latency_ms": 1200, "started_at": at + 500},
            {"id": "lookup", "parent_span_id": "plan", "span_type": "tool", "name": "lookup_order",
             "latency_ms": 40, "started_at": at + 700, "status": "error",
             "error_message": "order service timed out"},
            {"id": "cb", "parent_span_id": "missing", "span_type": "custom",
             "name": "late_callback", "latency_ms": 5, "started_at": at + 1500}
        ]
    })
}

/// Runs `bloop` on the server's database (SQLite file or PostgreSQL); its output.
fn cli(s: &TestServer, args: &[&str]) -> String {
    cli_ok(&bloop_cli(&s.db_path, args))
}

/// A new project `id` (`bloop projects create`): its ingest key.
fn create_project(s: &TestServer, id: &str) -> String {
    let out = cli(s, &["projects", "create", id, "--slug", id, "--json"]);
    let created: Value = serde_json::from_str(&out).unwrap();
    created["key"]["key"].as_str().unwrap().to_string()
}

/// A new llm:read + llm:write token (`bloop tokens create`), pinned to `project` if given.
fn llm_token(s: &TestServer, project: Option<&str>) -> String {
    let mut args = vec![
        "tokens",
        "create",
        "--name",
        "llm",
        "--scopes",
        "llm:read,llm:write",
        "--json",
    ];
    if let Some(p) = project {
        args.extend(["--project", p]);
    }
    let created: Value = serde_json::from_str(&cli(s, &args)).unwrap();
    created["token"].as_str().unwrap().to_string()
}

fn fixture() -> Fixture {
    let s = TestServer::start();
    let http = Http::new();
    let now = bloop::store::now_ms();
    let bot_key = create_project(&s, "bot");
    let token = llm_token(&s, None);
    let f = Fixture {
        s,
        http,
        token,
        now,
    };
    let url = format!("{}/v1/traces", f.s.url);
    let traces = [
        t1(now),
        json!({"id": "t2", "session_id": "s1", "user_id": "u2", "name": "refund",
               "prompt_name": "support", "prompt_version": "4",
               "started_at": now - 30 * MIN, "ended_at": now - 30 * MIN + 500,
               "spans": [{"id": "g", "model": "gpt-4o", "provider": "openai", "name": "refund_call",
                          "input_tokens": 100, "output_tokens": 10, "latency_ms": 450,
                          "started_at": now - 30 * MIN}]}),
        json!({"id": "t3", "name": "mystery\u{1b}[31m", "status": "error",
               "started_at": now - 20 * MIN, "ended_at": now - 20 * MIN + 9000,
               "spans": [{"id": "x", "model": "unknown-model-x", "name": "guess",
                          "input_tokens": 50, "output_tokens": 5, "started_at": now - 20 * MIN}]}),
        json!({"id": "t4", "name": "still running", "status": "running",
               "started_at": now - 10 * MIN,
               "spans": [{"id": "c", "span_type": "custom", "name": "waiting",
                          "started_at": now - 10 * MIN}]}),
    ];
    for t in &traces {
        let r = f.http.post_signed(&url, &t.to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let bot = [
        json!({"id": "t1", "session_id": "s1", "name": "bot twin", "started_at": now - 35 * MIN,
               "ended_at": now - 35 * MIN + 100,
               "spans": [{"id": "z", "model": "gpt-4o", "name": "zeppelin_secret",
                          "input_tokens": 10, "output_tokens": 1, "started_at": now - 35 * MIN}]}),
        json!({"id": "b-only", "session_id": "bot-session", "name": "walrus_only",
               "started_at": now - 5 * MIN, "ended_at": now - 5 * MIN + 100,
               "spans": [{"id": "z", "model": "gpt-4o", "name": "walrus_span",
                          "input_tokens": 10, "output_tokens": 1, "started_at": now - 5 * MIN}]}),
    ];
    for t in &bot {
        let r = f.http.post_with_key(&url, &t.to_string(), &bot_key);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    assert_eq!(f.wait_traces("", 6), 6, "traces written");
    f
}

impl Fixture {
    fn get_as(&self, token: &str, path: &str) -> Resp {
        self.http.send(
            self.http
                .client()
                .get(format!("{}{path}", self.s.url))
                .bearer_auth(token),
        )
    }

    fn get(&self, path: &str) -> Resp {
        self.get_as(&self.token, path)
    }

    fn post_as(&self, token: &str, path: &str, body: &str) -> Resp {
        self.http.send(
            self.http
                .client()
                .post(format!("{}{path}", self.s.url))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
    }

    fn post(&self, path: &str, body: Value) -> Resp {
        self.post_as(&self.token, path, &body.to_string())
    }

    /// The ids of a list answer, in order.
    fn ids(&self, path: &str) -> Vec<String> {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        ids(&r.body)
    }

    /// A pinned token for `project`.
    fn pinned(&self, project: &str) -> String {
        llm_token(&self.s, Some(project))
    }

    /// Waits until the trace list (`query`; the default window, 30 days) counts at least `n`
    /// traces: the writer has stored them. Answers the count.
    fn wait_traces(&self, query: &str, n: i64) -> i64 {
        let mut seen = -1;
        wait_until(WAIT, || {
            let r = self.get(&format!("/v1/llm/traces?{query}"));
            seen = header(&r, "x-total-count")
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1);
            seen >= n
        });
        seen
    }
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn header(r: &Resp, name: &str) -> Option<String> {
    r.headers.get(name).map(|v| v.to_str().unwrap().to_string())
}

fn assert_bad(r: &Resp, field: &str, what: &str) {
    assert_eq!(r.status, 400, "{what}: {:?}", r.body);
    assert_eq!(r.body["field"], field, "{what}: {:?}", r.body);
}

both! {
    fn trace_list_filters_each_narrow_sorts_order_and_pages_carry_headers() {
        let f = fixture();
        let d = "/v1/llm/traces?project=default";
        assert_eq!(f.ids(d), ["t4", "t3", "t2", "t1"]);
        // Without a project an unpinned token reads both projects.
        let r = f.get("/v1/llm/traces");
        assert_eq!(header(&r, "x-total-count").as_deref(), Some("6"));
        for (q, want) in [
            ("&session=s1", vec!["t2", "t1"]),
            ("&user=u2", vec!["t2"]),
            ("&status=error", vec!["t3"]),
            ("&model=claude-3-5-sonnet-20241022", vec!["t1"]),
            ("&model=gpt-4o", vec!["t2", "t1"]),
            ("&model=gpt-4", vec![]),
            ("&prompt=support", vec!["t2", "t1"]),
            ("&prompt=support&prompt_version=4", vec!["t2"]),
            ("&min_cost=0.01", vec!["t1"]),
            ("&min_cost=0.00035", vec!["t2", "t1"]),
            ("&min_cost=0.000351", vec!["t1"]),
            ("&min_latency=1000", vec!["t3", "t1"]),
            ("&min_latency=9001", vec![]),
            ("&has_error=true", vec!["t3", "t1"]),
            ("&has_error=false", vec!["t4", "t2"]),
            ("&session=s1&has_error=false", vec!["t2"]),
            ("&since=25m", vec!["t4", "t3"]),
            ("&sort=oldest", vec!["t1", "t2", "t3", "t4"]),
            ("&sort=cost", vec!["t1", "t2", "t4", "t3"]),
            ("&sort=latency", vec!["t3", "t1", "t2", "t4"]),
        ] {
            assert_eq!(f.ids(&format!("{d}{q}")), want, "{q}");
        }

        // Rows carry the sums, latency and the honest cost.
        let r = f.get(&format!("{d}&sort=oldest"));
        let t1 = &r.body[0];
        assert_eq!(t1["project_id"], "default");
        assert_eq!(t1["name"], "checkout assistant");
        assert_eq!(t1["session_id"], "s1");
        assert_eq!(t1["model"], "gpt-4o");
        assert_eq!(t1["prompt_version"], "3");
        assert_eq!(t1["latency_ms"], 2000);
        assert_eq!(t1["span_count"], 4);
        assert_eq!(t1["error_spans"], 1);
        assert_eq!(t1["input_tokens"], 2000);
        assert_eq!(t1["output_tokens"], 700);
        assert_eq!(t1["cache_read_tokens"], 10400);
        assert_eq!(t1["cache_write_tokens"], 2000);
        assert_eq!(t1["cost_micros"], 25_000);
        assert_eq!(t1["unpriced_spans"], 0);
        let t3 = &r.body[2];
        assert_eq!(
            t3["cost_micros"],
            Value::Null,
            "unknown model: unpriced, not 0"
        );
        assert_eq!(t3["unpriced_spans"], 1);
        assert_eq!(r.body[3]["latency_ms"], Value::Null, "still running");
        assert_eq!(r.body[3]["ended_at"], Value::Null);

        // Paging.
        let r = f.get(&format!("{d}&limit=3"));
        assert_eq!(ids(&r.body), ["t4", "t3", "t2"]);
        assert_eq!(header(&r, "x-total-count").as_deref(), Some("4"));
        assert_eq!(header(&r, "x-next-offset").as_deref(), Some("3"));
        let r = f.get(&format!("{d}&limit=3&offset=3"));
        assert_eq!(ids(&r.body), ["t1"]);
        assert_eq!(header(&r, "x-next-offset"), None);
        let r = f.get(&format!("{d}&session=s1&limit=1"));
        assert_eq!(header(&r, "x-total-count").as_deref(), Some("2"));

        // Bad parameters are named.
        for (q, field) in [
            ("&limit=0", "limit"),
            ("&limit=201", "limit"),
            ("&sort=best", "sort"),
            ("&min_cost=-1", "min_cost"),
            ("&min_latency=fast", "min_latency"),
            ("&has_error=maybe", "has_error"),
            ("&since=yesterday", "since"),
            ("&prompt_version=4", "prompt_version"),
            ("&colour=blue", "colour"),
            ("&q=%22", "q"),
        ] {
            assert_bad(&f.get(&format!("{d}{q}")), field, q);
        }
    }

    fn search_finds_span_names_and_error_messages_under_policy_none_and_hostile_text_is_harmless() {
        let f = fixture();
        // Content policy `none` (the default): prompts are not stored, names and errors are indexed.
        let s = "/v1/llm/search?project=default&q=";
        assert_eq!(f.ids(&format!("{s}lookup_order")), ["t1"], "a span name");
        assert_eq!(f.ids(&format!("{s}timed")), ["t1"], "an error message");
        assert_eq!(f.ids(&format!("{s}ORDER%20service")), ["t1"]);
        assert_eq!(f.ids(&format!("{s}refund")), ["t2"], "a trace name");
        assert_eq!(
            f.ids(&format!("{s}parcel")),
            Vec::<String>::new(),
            "no content"
        );
        assert_eq!(f.ids(&format!("{s}timed%20nothing")), Vec::<String>::new());
        // The same search as a filter of the trace list.
        assert_eq!(f.ids("/v1/llm/traces?project=default&q=timed"), ["t1"]);
        assert_eq!(
            f.ids("/v1/llm/traces?project=default&q=timed&has_error=false"),
            Vec::<String>::new()
        );
        let r = f.get(&format!("{s}lookup"));
        assert_eq!(header(&r, "x-total-count").as_deref(), Some("1"));

        // FTS syntax in user text is plain text: a word with a letter or digit is searched for
        // as written (operators are words; `*`, `-`, `^`, `:` and quotes are not syntax: `body:timed`
        // is the phrase "body timed") ...
        for (q, want) in [
            ("-timed", vec!["t1"]),
            ("timed*", vec!["t1"]),
            ("%5Etimed", vec!["t1"]),
            ("body:timed", vec![]),
            ("%00timed", vec!["t1"]),
            ("NEAR(timed%20out)", vec![]),
            ("NEAR(", vec![]),
            ("OR", vec![]),
            ("timed%20OR", vec![]),
            ("AND%20AND", vec![]),
            ("a%22b", vec![]),
            // A word with no token PostgreSQL's parser keeps (`½`) still has to match.
            ("%C2%BD%20timed", vec![]),
        ] {
            assert_eq!(f.ids(&format!("{s}{q}")), want, "{q}");
        }
        // ... and text with nothing to search for is a 400 naming `q`, never a 500.
        for q in ["%22", "*", "(", "%27", "%20", "-%20%2B"] {
            assert_bad(&f.get(&format!("{s}{q}")), "q", q);
        }
        assert_bad(
            &f.get("/v1/llm/search?project=default"),
            "q",
            "q is required",
        );
        assert_bad(
            &f.get(&format!("{s}x&sort=cost")),
            "sort",
            "search takes no sort",
        );

        // Under `full` the stored prompt is searchable too (whole words: no prefix matching).
        cli(
            &f.s,
            &[
                "llm",
                "settings",
                "set",
                "--project",
                "default",
                "--content",
                "full",
            ],
        );
        let mut open = t1(f.now);
        open["id"] = json!("t5");
        let r = f
            .http
            .post_signed(&format!("{}/v1/traces", f.s.url), &open.to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(f.wait_traces("", 7), 7);
        assert_eq!(f.ids(&format!("{s}parcel")), ["t5"]);
        assert_eq!(f.ids(&format!("{s}parc")), Vec::<String>::new());
        assert_eq!(f.ids(&format!("{s}timed")), ["t5", "t1"]);
    }

    fn trace_detail_nests_the_tree_keeps_orphans_at_the_root_and_asks_for_a_project_when_ambiguous() {
        let f = fixture();
        let r = f.get("/v1/llm/traces/t1?project=default");
        assert_eq!(r.status, 200, "{:?}", r.body);
        let d = &r.body;
        assert_eq!(d["id"], "t1");
        assert_eq!(d["cost_micros"], 25_000);
        assert_eq!(d["input"], Value::Null, "policy none keeps no prompt");
        assert_eq!(d["metadata"], Value::Null);
        let roots = d["spans"].as_array().unwrap();
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&d["spans"]), ["plan", "late_callback"]);
        let plan = &roots[0];
        assert_eq!(names(&plan["children"]), ["answer", "lookup_order"]);
        assert_eq!(plan["cost_micros"], 4_000);
        assert_eq!(plan["cost_source"], "table");
        assert_eq!(plan["ttft_ms"], 120);
        assert_eq!(plan["input_includes_cache"], true);
        let answer = &plan["children"][0];
        assert_eq!(answer["parent_span_id"], "plan");
        assert_eq!(answer["cost_micros"], 21_000);
        assert_eq!(answer["input_includes_cache"], false);
        assert_eq!(answer["children"], json!([]));
        let lookup = &plan["children"][1];
        assert_eq!(lookup["span_type"], "tool");
        assert_eq!(lookup["status"], "error");
        assert_eq!(lookup["error_message"], "order service timed out");
        assert_eq!(lookup["cost_micros"], Value::Null);
        assert_eq!(
            roots[1]["parent_span_id"], "missing",
            "the orphan keeps its parent id"
        );
        assert_eq!(d["scores"], json!([]));
        assert_eq!(d["feedback"], json!([]));

        // `t1` is in two projects: without `project` the caller must choose.
        let r = f.get("/v1/llm/traces/t1");
        assert_eq!(r.status, 409, "{:?}", r.body);
        assert!(
            r.body["error"].as_str().unwrap().contains("project"),
            "{:?}",
            r.body
        );
        let r = f.get("/v1/llm/traces/t1?project=bot");
        assert_eq!(r.body["name"], "bot twin");
        let r = f.get("/v1/llm/traces/b-only");
        assert_eq!(r.status, 200, "unique: found without a project");
        let r = f.get("/v1/llm/traces/nope");
        assert_eq!(r.status, 404, "{:?}", r.body);
        assert_bad(
            &f.get("/v1/llm/traces/t2?project=default&x=1"),
            "x",
            "unknown parameter",
        );
    }

    fn scores_and_feedback_are_validated_listed_and_summarised() {
        let f = fixture();
        let p = "/v1/llm/traces/t1/scores?project=default";
        let r = f.post(
            p,
            json!({"name": "quality", "value": 0.8, "comment": "good"}),
        );
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["trace_id"], "t1");
        assert_eq!(r.body["name"], "quality");
        assert_eq!(r.body["value"], 0.8);
        assert_eq!(r.body["comment"], "good");
        assert!(r.body["id"].as_i64().is_some());
        assert!(r.body["created_at"].as_i64().unwrap() >= f.now);
        for v in [0.2, 1.0] {
            let r = f.post(p, json!({"name": "quality", "value": v}));
            assert_eq!(r.status, 201, "{:?}", r.body);
        }
        let r = f.post(
            "/v1/llm/traces/t2/scores",
            json!({"name": "brevity", "value": 0}),
        );
        assert_eq!(r.status, 201, "a unique id needs no project: {:?}", r.body);

        for (body, field) in [
            (json!({"name": "quality", "value": 1.5}), "value"),
            (json!({"name": "quality", "value": -0.1}), "value"),
            (json!({"name": "quality", "value": "high"}), "value"),
            (json!({"name": "quality"}), "value"),
            (json!({"name": "", "value": 0.5}), "name"),
            (json!({"name": "x".repeat(101), "value": 0.5}), "name"),
            (json!({"value": 0.5}), "name"),
            (
                json!({"name": "q", "value": 0.5, "comment": "c".repeat(2001)}),
                "comment",
            ),
            (json!([1, 2]), "body"),
        ] {
            assert_bad(
                &f.post(p, body.clone()),
                field,
                &body.to_string()[..40.min(body.to_string().len())],
            );
        }
        assert_bad(
            &f.post_as(&f.token, p, "{not json"),
            "body",
            "malformed JSON",
        );
        let r = f.post(
            "/v1/llm/traces/nope/scores",
            json!({"name": "quality", "value": 0.5}),
        );
        assert_eq!(r.status, 404);
        let r = f.post(
            "/v1/llm/traces/t1/scores",
            json!({"name": "quality", "value": 0.5}),
        );
        assert_eq!(r.status, 409, "t1 is in two projects: {:?}", r.body);

        let r = f.get(p);
        assert_eq!(r.status, 200);
        let values: Vec<f64> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["value"].as_f64().unwrap())
            .collect();
        assert_eq!(values, [0.8, 0.2, 1.0]);

        // Feedback: 1 / -1 and their words; anything else is refused.
        let fp = "/v1/llm/traces/t1/feedback?project=default";
        let r = f.post(
            fp,
            json!({"rating": 1, "comment": "spot on", "user_id": "u1"}),
        );
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["rating"], 1);
        assert_eq!(r.body["user_id"], "u1");
        assert_eq!(r.body["trace_id"], "t1");
        let r = f.post(fp, json!({"rating": "down", "comment": "slow"}));
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["rating"], -1);
        for body in [
            json!({"rating": 0}),
            json!({"rating": 5}),
            json!({"rating": "meh"}),
            json!({}),
        ] {
            assert_bad(&f.post(fp, body.clone()), "rating", &body.to_string());
        }
        assert_bad(
            &f.post(fp, json!({"rating": 1, "user_id": "u".repeat(201)})),
            "user_id",
            "long user",
        );

        // The detail shows them.
        let d = f.get("/v1/llm/traces/t1?project=default").body;
        assert_eq!(d["scores"].as_array().unwrap().len(), 3);
        assert_eq!(d["feedback"].as_array().unwrap().len(), 2);

        // Score summary: three quality scores (0.8, 0.2, 1.0) and one brevity (0).
        let r = f.get("/v1/llm/scores?project=default");
        assert_eq!(r.status, 200, "{:?}", r.body);
        let s = r.body.as_array().unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0]["name"], "brevity");
        assert_eq!(s[0]["histogram"], json!([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(s[1]["name"], "quality");
        assert_eq!(s[1]["count"], 3);
        assert!((s[1]["mean"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(s[1]["min"], 0.2);
        assert_eq!(s[1]["max"], 1.0);
        assert_eq!(s[1]["histogram"], json!([0, 0, 1, 0, 0, 0, 0, 0, 1, 1]));
        let r = f.get("/v1/llm/scores?project=default&name=quality");
        assert_eq!(r.body.as_array().unwrap().len(), 1);
        let r = f.get("/v1/llm/scores?project=default&since=1m&until=30s");
        assert_eq!(r.body, json!([]), "a window before the scores");

        // Feedback summary.
        let r = f.get("/v1/llm/feedback?project=default");
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["up"], 1);
        assert_eq!(r.body["down"], 1);
        assert_eq!(r.body["total"], 2);
        assert_eq!(r.body["positive_rate"], 0.5);
        let recent = r.body["recent"].as_array().unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0]["comment"], "slow", "newest first");
        assert_eq!(recent[0]["trace_id"], "t1");
        let r = f.get("/v1/llm/feedback?project=bot");
        assert_eq!(r.body["total"], 0);
        assert_eq!(r.body["positive_rate"], Value::Null);
    }

    fn sessions_list_their_totals_and_one_session_lists_its_traces_in_order() {
        let f = fixture();
        let r = f.get("/v1/llm/sessions?project=default");
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(header(&r, "x-total-count").as_deref(), Some("1"));
        let s = &r.body[0];
        assert_eq!(s["session_id"], "s1");
        assert_eq!(s["project_id"], "default");
        assert_eq!(s["traces"], 2);
        assert_eq!(s["users"], 2);
        assert_eq!(s["first_at"], f.now - 40 * MIN);
        assert_eq!(s["last_at"], f.now - 30 * MIN + 500);
        assert_eq!(s["input_tokens"], 2100);
        assert_eq!(s["output_tokens"], 710);
        assert_eq!(s["cost_micros"], 25_350);
        assert_eq!(s["unpriced_spans"], 0);
        assert_eq!(s["error_traces"], 1);
        // The sessions a user took part in, with the whole session's totals.
        let r = f.get("/v1/llm/sessions?project=default&user=u2");
        assert_eq!(r.body.as_array().unwrap().len(), 1, "{:?}", r.body);
        assert_eq!(r.body[0]["session_id"], "s1");
        assert_eq!(r.body[0]["traces"], 2);
        assert_eq!(r.body[0]["cost_micros"], 25_350);
        let r = f.get("/v1/llm/sessions?project=default&user=nobody");
        assert_eq!(r.body, json!([]));
        // Active in the window: a window after the session's last activity has none.
        let r = f.get("/v1/llm/sessions?project=default&since=29m");
        assert_eq!(r.body, json!([]), "last active 30 minutes ago");

        // Every project: latest activity first.
        let r = f.get("/v1/llm/sessions");
        let got: Vec<(String, String)> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["project_id"].as_str().unwrap().into(),
                    s["session_id"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("bot".to_string(), "bot-session".to_string()),
                ("default".into(), "s1".into()),
                ("bot".into(), "s1".into())
            ]
        );
        let r = f.get("/v1/llm/sessions?limit=1&offset=1");
        assert_eq!(header(&r, "x-total-count").as_deref(), Some("3"));
        assert_eq!(header(&r, "x-next-offset").as_deref(), Some("2"));
        assert_eq!(r.body[0]["session_id"], "s1");
        assert_bad(&f.get("/v1/llm/sessions?limit=500"), "limit", "limit");
        assert_bad(&f.get("/v1/llm/sessions?status=x"), "status", "unknown");

        let r = f.get("/v1/llm/sessions/s1?project=default");
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["session_id"], "s1");
        assert_eq!(r.body["totals"]["traces"], 2);
        assert_eq!(r.body["totals"]["cost_micros"], 25_350);
        assert_eq!(ids(&r.body["traces"]), ["t1", "t2"]);
        let r = f.get("/v1/llm/sessions/s1");
        assert_eq!(r.status, 409, "s1 is in two projects: {:?}", r.body);
        let r = f.get("/v1/llm/sessions/bot-session");
        assert_eq!(r.status, 200);
        assert_eq!(r.body["project_id"], "bot");
        assert_eq!(f.get("/v1/llm/sessions/nope").status, 404);
    }

    fn a_token_pinned_to_one_project_reads_nothing_of_another_on_any_route() {
        let f = fixture();
        // Some bot activity to hide.
        let r = f.post(
            "/v1/llm/traces/b-only/scores",
            json!({"name": "quality", "value": 0.1}),
        );
        assert_eq!(r.status, 201);
        let r = f.post("/v1/llm/traces/b-only/feedback", json!({"rating": -1}));
        assert_eq!(r.status, 201);

        let a = f.pinned("default");
        let get = |path: &str| f.get_as(&a, path);
        let r = get("/v1/llm/traces");
        assert_eq!(ids(&r.body), ["t4", "t3", "t2", "t1"]);
        assert_eq!(header(&r, "x-total-count").as_deref(), Some("4"));
        assert_eq!(get("/v1/llm/traces/b-only").status, 404);
        let r = get("/v1/llm/traces/t1");
        assert_eq!(r.status, 200, "its own t1, no ambiguity: {:?}", r.body);
        assert_eq!(r.body["name"], "checkout assistant");
        assert_eq!(get("/v1/llm/traces/b-only/scores").status, 404);
        assert_eq!(get("/v1/llm/traces?project=bot").status, 403);
        for q in ["walrus_only", "zeppelin_secret"] {
            let r = get(&format!("/v1/llm/search?q={q}"));
            assert_eq!(r.body, json!([]), "{q}");
            let r = get(&format!("/v1/llm/traces?q={q}"));
            assert_eq!(r.body, json!([]), "{q}");
        }
        let r = get("/v1/llm/sessions");
        assert_eq!(r.body.as_array().unwrap().len(), 1);
        assert_eq!(r.body[0]["project_id"], "default");
        assert_eq!(get("/v1/llm/sessions/bot-session").status, 404);
        assert_eq!(get("/v1/llm/sessions/s1").body["project_id"], "default");
        assert_eq!(get("/v1/llm/scores").body, json!([]));
        assert_eq!(get("/v1/llm/feedback").body["total"], 0);
        let r = get("/v1/llm/export?since=2h");
        let runs = r.body["runs"].as_array().unwrap();
        assert_eq!(
            runs.len(),
            4 + 4 + 1 + 1 + 1,
            "default's traces and spans only"
        );
        assert!(runs.iter().all(|r| r["session_name"] == "default"));
        let r = get("/v1/llm/export?since=2h&format=otlp");
        assert_eq!(r.body["resourceSpans"].as_array().unwrap().len(), 1);
        // Writes on the other project's traces are refused as unknown.
        let r = f.post_as(
            &a,
            "/v1/llm/traces/b-only/scores",
            &json!({"name": "quality", "value": 0.9}).to_string(),
        );
        assert_eq!(r.status, 404, "{:?}", r.body);
        let r = f.post_as(
            &a,
            "/v1/llm/traces/b-only/feedback",
            &json!({"rating": 1}).to_string(),
        );
        assert_eq!(r.status, 404, "{:?}", r.body);
        let scores = f.get("/v1/llm/scores").body;
        assert_eq!(scores.as_array().unwrap().len(), 1, "{scores}");
        assert_eq!(scores[0]["count"], 1, "nothing written: {scores}");
        assert_eq!(f.get("/v1/llm/feedback").body["total"], 1, "nothing written");
    }

    fn langsmith_export_links_every_run_and_dotted_orders_sort_in_execution_order() {
        let f = fixture();
        let r = f.get("/v1/llm/export?project=default&since=2h");
        assert_eq!(r.status, 200, "{:?}", r.body);
        let runs = r.body["runs"].as_array().unwrap().clone();
        assert_eq!(runs.len(), 11, "4 traces + 7 spans");
        let ids: Vec<&str> = runs.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let uuid =
            regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
                .unwrap();
        let dotted =
            regex::Regex::new(r"^\d{8}T\d{12}Z[0-9a-f-]{36}(\.\d{8}T\d{12}Z[0-9a-f-]{36})*$").unwrap();
        for r in &runs {
            assert!(uuid.is_match(r["id"].as_str().unwrap()), "{r}");
            assert!(dotted.is_match(r["dotted_order"].as_str().unwrap()), "{r}");
            assert!(ids.contains(&r["trace_id"].as_str().unwrap()));
            match r["parent_run_id"].as_str() {
                Some(p) => assert!(ids.contains(&p), "parent resolves: {r}"),
                None => assert_eq!(r["trace_id"], r["id"], "a root is its own trace"),
            }
        }
        let by_name = |n: &str| runs.iter().find(|r| r["name"] == n).unwrap().clone();
        let root = by_name("checkout assistant");
        assert_eq!(root["run_type"], "chain");
        assert_eq!(root["status"], "success");
        assert_eq!(root["total_cost"], 0.025);
        assert_eq!(root["extra"]["metadata"]["session_id"], "s1");
        assert_eq!(root["extra"]["metadata"]["prompt_version"], "3");
        assert_eq!(root["start_time"].as_str().unwrap().len(), 27);
        assert!(root["start_time"].as_str().unwrap().ends_with("000Z"));
        let plan = by_name("plan");
        assert_eq!(plan["run_type"], "llm");
        assert_eq!(plan["parent_run_id"], root["id"]);
        assert_eq!(plan["trace_id"], root["id"]);
        assert_eq!(plan["extra"]["metadata"]["ls_provider"], "openai");
        assert_eq!(plan["extra"]["metadata"]["ls_model_name"], "gpt-4o");
        assert_eq!(plan["prompt_tokens"], 1000);
        assert_eq!(plan["completion_tokens"], 200);
        assert_eq!(plan["total_tokens"], 1200);
        assert_eq!(plan["total_cost"], 0.004);
        assert!(plan["first_token_time"].is_string());
        let answer = by_name("answer");
        assert_eq!(answer["parent_run_id"], plan["id"]);
        assert_eq!(
            answer["prompt_tokens"], 13_000,
            "Anthropic: cache on top of input"
        );
        assert_eq!(answer["total_cost"], 0.021);
        let lookup = by_name("lookup_order");
        assert_eq!(lookup["run_type"], "tool");
        assert_eq!(lookup["status"], "error");
        assert_eq!(lookup["error"], "order service timed out");
        let orphan = by_name("late_callback");
        assert_eq!(
            orphan["parent_run_id"], root["id"],
            "an orphan hangs under the root"
        );
        assert_eq!(
            by_name("guess")["total_cost"],
            Value::Null,
            "unpriced stays null"
        );
        assert_eq!(by_name("still running")["status"], "pending");
        assert_eq!(by_name("mystery\u{1b}[31m")["status"], "error");

        // dotted_order sorts t1's runs in execution order: each run after its parent, siblings by
        // start time.
        let mut t1: Vec<&Value> = runs
            .iter()
            .filter(|r| r["trace_id"] == root["id"])
            .collect();
        t1.sort_by_key(|r| r["dotted_order"].as_str().unwrap().to_string());
        let order: Vec<&str> = t1.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(
            order,
            [
                "checkout assistant",
                "plan",
                "answer",
                "lookup_order",
                "late_callback"
            ]
        );
        assert_eq!(
            answer["dotted_order"]
                .as_str()
                .unwrap()
                .matches('.')
                .count(),
            2
        );

        // Deterministic; bounded; filtered by session.
        assert_eq!(
            f.get("/v1/llm/export?project=default&since=2h").body["runs"],
            json!(runs)
        );
        let r = f.get("/v1/llm/export?project=default&since=2h&session=s1");
        assert_eq!(r.body["runs"].as_array().unwrap().len(), 5 + 2);
        let r = f.get("/v1/llm/export?project=default&since=2h&limit=1");
        assert_eq!(
            r.body["runs"][0]["name"], "still running",
            "the newest trace"
        );
        let r = f.get("/v1/llm/export?project=default");
        assert_eq!(
            r.body["runs"].as_array().unwrap().len(),
            11,
            "24 h by default"
        );
        assert_bad(&f.get("/v1/llm/export?format=xml"), "format", "format");
        assert_bad(&f.get("/v1/llm/export?limit=1001"), "limit", "limit");
    }

    fn otlp_export_is_accepted_by_bloops_own_otlp_ingest_and_reproduces_the_tokens() {
        let f = fixture();
        let r = f.get("/v1/llm/export?project=default&since=2h&session=s1&format=otlp");
        assert_eq!(r.status, 200, "{:?}", r.body);
        let doc = r.body;
        let rs = &doc["resourceSpans"][0];
        assert_eq!(rs["resource"]["attributes"][0]["key"], "service.name");
        assert_eq!(
            rs["resource"]["attributes"][0]["value"]["stringValue"],
            "default"
        );
        assert_eq!(rs["scopeSpans"][0]["scope"]["name"], "bloop");
        let spans = rs["scopeSpans"][0]["spans"].as_array().unwrap();
        assert_eq!(spans.len(), 5);
        let hex32 = regex::Regex::new("^[0-9a-f]{32}$").unwrap();
        let hex16 = regex::Regex::new("^[0-9a-f]{16}$").unwrap();
        for s in spans {
            assert!(hex32.is_match(s["traceId"].as_str().unwrap()));
            assert!(hex16.is_match(s["spanId"].as_str().unwrap()));
            assert!(s["startTimeUnixNano"].as_str().unwrap().ends_with("000000"));
        }
        let attr = |s: &Value, k: &str| -> Value {
            s["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["key"] == k)
                .map(|a| a["value"].clone())
                .unwrap_or(Value::Null)
        };
        let plan = spans.iter().find(|s| s["name"] == "plan").unwrap();
        assert_eq!(attr(plan, "gen_ai.request.model")["stringValue"], "gpt-4o");
        assert_eq!(attr(plan, "gen_ai.provider.name")["stringValue"], "openai");
        assert_eq!(attr(plan, "gen_ai.usage.input_tokens")["intValue"], "1000");
        assert_eq!(attr(plan, "gen_ai.usage.output_tokens")["intValue"], "200");
        assert_eq!(attr(plan, "gen_ai.conversation.id")["stringValue"], "s1");
        assert_eq!(attr(plan, "user.id")["stringValue"], "u1");
        let lookup = spans.iter().find(|s| s["name"] == "lookup_order").unwrap();
        assert_eq!(lookup["status"]["code"], 2);
        assert_eq!(lookup["parentSpanId"], plan["spanId"]);

        // Into another project through OTLP/HTTP JSON with its key.
        let key = create_project(&f.s, "mirror");
        let r = f.http.post(
            &format!("{}/otlp/v1/traces", f.s.url),
            doc.to_string(),
            &[("content-type", "application/json"), ("x-bloop-key", &key)],
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(f.wait_traces("project=mirror", 2), 2);
        let rows = f.get("/v1/llm/traces?project=mirror&sort=oldest").body;
        let (a, b) = (&rows[0], &rows[1]);
        assert_eq!(a["name"], "plan", "the root span names the trace");
        assert_eq!(a["session_id"], "s1");
        assert_eq!(a["user_id"], "u1");
        assert_eq!(a["span_count"], 4);
        assert_eq!(a["error_spans"], 1);
        assert_eq!(a["output_tokens"], 700);
        assert_eq!(a["cache_read_tokens"], 10_400);
        assert_eq!(a["cache_write_tokens"], 2_000);
        // OpenTelemetry counts cached tokens inside the input: Anthropic's 1,000 + 12,000 cached.
        assert_eq!(a["input_tokens"], 1000 + 13_000);
        assert_eq!(a["cost_micros"], 25_000, "each span's cost goes along");
        assert_eq!(
            a["latency_ms"], 1700,
            "from the first span start to the last span end (answer: 500 + 1,200)"
        );
        assert_eq!(b["input_tokens"], 100);
        assert_eq!(b["output_tokens"], 10);
        assert_eq!(b["cost_micros"], 350);
        assert_eq!(b["model"], "gpt-4o");
        assert_eq!(b["prompt_name"], "support");
        assert_eq!(b["prompt_version"], "4");
        // The tree comes back whole (the orphan stays a root).
        let id = a["id"].as_str().unwrap();
        let d = f.get(&format!("/v1/llm/traces/{id}?project=mirror")).body;
        let roots: Vec<&str> = d["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(roots, ["plan", "late_callback"]);
        let kids: Vec<(&str, &str)> = d["spans"][0]["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap(),
                    s["span_type"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(kids, [("answer", "generation"), ("lookup_order", "tool")]);
        assert_eq!(d["spans"][1]["span_type"], "custom");
    }

    fn cli_draws_the_span_tree_lists_searches_scores_and_exports_locally_and_remotely() {
        let f = fixture();
        let db = &f.s.db_path;
        let out = cli_ok(&bloop_cli(
            db,
            &["llm", "trace", "t1", "--project", "default"],
        ));
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with("checkout assistant  (trace t1, project default)"),
            "{out}"
        );
        assert!(out.contains("tokens 2000 in / 700 out"), "{out}");
        assert!(out.contains("$0.0250"), "{out}");
        let tree: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with(['├', '└', '│']))
            .collect();
        assert_eq!(tree.len(), 4, "{out}");
        assert!(
            tree[0].starts_with("├─ plan  generation  gpt-4o  800ms  1000/200 tok  $0.0040"),
            "{out}"
        );
        assert!(
            tree[1].starts_with("│  ├─ answer  generation  claude-3-5-sonnet-20241022  1.2s"),
            "{out}"
        );
        assert!(
            tree[2].starts_with("│  └─ lookup_order  tool  40ms"),
            "{out}"
        );
        assert!(tree[2].ends_with("✗ order service timed out"), "{out}");
        assert!(
            tree[3].starts_with("└─ late_callback  custom  5ms"),
            "{out}"
        );

        // Ambiguous without a project: a one-line error, exit 1.
        let o = bloop_cli(db, &["llm", "trace", "t1"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("project"));

        // The list: a table (attacker text made inert), --json as the API answers.
        let out = cli_ok(&bloop_cli(db, &["llm", "traces", "--project", "default"]));
        assert!(out.contains("unpriced"), "{out}");
        assert!(out.contains("mystery\\x1b[31m"), "{out}");
        assert!(
            !out.contains('\u{1b}'),
            "no raw escape reaches the terminal"
        );
        assert!(out.contains("2.0s") && out.contains("500ms"), "{out}");
        let json: Value = serde_json::from_str(&cli_ok(&bloop_cli(
            db,
            &[
                "llm",
                "traces",
                "--project",
                "default",
                "--errors",
                "--json",
            ],
        )))
        .unwrap();
        assert_eq!(ids(&json), ["t3", "t1"]);
        let out = cli_ok(&bloop_cli(
            db,
            &["llm", "traces", "--project", "default", "--limit", "2"],
        ));
        assert!(out.contains("1–2 of 4 (next: --offset 2)"), "{out}");
        let json: Value = serde_json::from_str(&cli_ok(&bloop_cli(
            db,
            &["llm", "search", "timed", "--json"],
        )))
        .unwrap();
        assert_eq!(ids(&json), ["t1"]);
        let o = bloop_cli(db, &["llm", "search", "\""]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("q:"));

        // Sessions.
        let out = cli_ok(&bloop_cli(db, &["llm", "sessions", "--project", "default"]));
        assert!(out.contains("| s1 ") && out.contains("$0.025"), "{out}");
        let json: Value = serde_json::from_str(&cli_ok(&bloop_cli(
            db,
            &["llm", "session", "s1", "--project", "default", "--json"],
        )))
        .unwrap();
        assert_eq!(ids(&json["traces"]), ["t1", "t2"]);
        let out = cli_ok(&bloop_cli(
            db,
            &["llm", "session", "s1", "--project", "default"],
        ));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "session s1  project default", "{out}");
        assert!(
            lines[1].starts_with("traces 2  users 2  errors 1  first "),
            "{out}"
        );
        assert!(
            lines[2].starts_with("tokens 2100 in / 710 out  cost $0.025"),
            "{out}"
        );
        let (t1, t2) = (
            out.find("checkout assistant").expect("t1 listed"),
            out.find("refund").expect("t2 listed"),
        );
        assert!(t1 < t2, "in start order: {out}");
        assert!(!out.contains("bot twin"), "only the chosen project: {out}");

        // Scores and feedback, validated by the same code as the API.
        let out = cli_ok(&bloop_cli(
            db,
            &["llm", "score", "t2", "quality", "0.9", "--comment", "fine"],
        ));
        assert_eq!(out.trim(), "scored trace t2 (default): quality = 0.9");
        let o = bloop_cli(db, &["llm", "score", "t2", "quality", "1.5"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("value"));
        let out = cli_ok(&bloop_cli(db, &["llm", "feedback", "t2", "down"]));
        assert_eq!(out.trim(), "feedback on trace t2 (default): down");
        let o = bloop_cli(db, &["llm", "feedback", "t2", "sideways"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("rating"));

        // Export to a file.
        let file = f.s.dir.path().join("runs.json");
        let out = cli_ok(&bloop_cli(
            db,
            &[
                "llm",
                "export",
                "--project",
                "default",
                "--since",
                "2h",
                "--output",
                file.to_str().unwrap(),
            ],
        ));
        assert!(out.starts_with("wrote 11 runs to "), "{out}");
        let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(doc["runs"].as_array().unwrap().len(), 11);
        let out = cli_ok(&bloop_cli(
            db,
            &[
                "llm",
                "export",
                "--format",
                "otlp",
                "--project",
                "default",
                "--since",
                "2h",
            ],
        ));
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            doc["resourceSpans"][0]["scopeSpans"][0]["spans"]
                .as_array()
                .unwrap()
                .len(),
            7
        );

        // Remotely: the same answers through the API.
        let local = cli_ok(&bloop_cli(
            db,
            &["llm", "trace", "t1", "--project", "default", "--json"],
        ));
        let remote = cli_ok(&bloop_cli(
            db,
            &[
                "llm",
                "trace",
                "t1",
                "--project",
                "default",
                "--json",
                "--url",
                &f.s.url,
                "--token",
                &f.token,
            ],
        ));
        let (l, r): (Value, Value) = (
            serde_json::from_str(&local).unwrap(),
            serde_json::from_str(&remote).unwrap(),
        );
        assert_eq!(l, r);
        let out = cli_ok(&bloop_cli(
            db,
            &[
                "llm",
                "traces",
                "--project",
                "default",
                "--url",
                &f.s.url,
                "--token",
                &f.token,
            ],
        ));
        assert!(out.contains("checkout assistant"), "{out}");
        let out = cli_ok(&bloop_cli(
            db,
            &[
                "llm",
                "feedback",
                "t1",
                "up",
                "--project",
                "default",
                "--url",
                &f.s.url,
                "--token",
                &f.token,
            ],
        ));
        assert_eq!(out.trim(), "feedback on trace t1 (default): up");
    }

    /// `model=` over a model with many traces in the window (a page found by walking the window in
    /// time order) and over a rare one (its traces gathered from the span index) gives the same
    /// answer the data implies: the newest traces with a span of that model, and their count.
    fn traces_of_a_common_and_of_a_rare_model_page_the_same_way() {
        let f = fixture();
        let url = format!("{}/v1/traces/batch", f.s.url);
        // 1,200 traces a second apart, ending 2 hours ago; every third uses "rare-x" in its second
        // span, the others "common-y" only.
        let start = f.now - 2 * 3_600_000 - 1_200_000;
        for chunk in (0..1_200).collect::<Vec<i64>>().chunks(50) {
            let traces: Vec<Value> = chunk
                .iter()
                .map(|i| {
                    let at = start + i * 1_000;
                    let mut spans = vec![json!({"id": "a", "model": "common-y", "name": "a",
                                                "started_at": at})];
                    if i % 3 == 0 {
                        spans.push(json!({"id": "b", "model": "rare-x", "name": "b",
                                          "started_at": at + 1}));
                    }
                    json!({"id": format!("m{i}"), "name": "m", "started_at": at, "spans": spans})
                })
                .collect();
            let r = f
                .http
                .post_signed(&url, &json!({ "traces": traces }).to_string());
            assert_eq!(r.status, 200, "{:?}", r.body);
        }
        assert_eq!(f.wait_traces("", 1_206), 1_206);
        let window = format!("since={}&until={}", start, start + 1_200_000);
        for (model, total, newest) in [
            ("common-y", 1_200, ["m1199", "m1198", "m1197"]),
            ("rare-x", 400, ["m1197", "m1194", "m1191"]),
        ] {
            let r = f.get(&format!(
                "/v1/llm/traces?{window}&model={model}&limit=3&project=default"
            ));
            assert_eq!(r.status, 200, "{:?}", r.body);
            assert_eq!(ids(&r.body), newest, "{model}");
            assert_eq!(
                header(&r, "x-total-count").as_deref(),
                Some(total.to_string().as_str()),
                "{model}"
            );
            let r = f.get(&format!(
                "/v1/llm/traces?{window}&model={model}&limit=2&offset=3&sort=oldest"
            ));
            let first = if model == "rare-x" {
                ["m9", "m12"]
            } else {
                ["m3", "m4"]
            };
            assert_eq!(ids(&r.body), first, "{model}, oldest first, second page");
        }
    }
}
