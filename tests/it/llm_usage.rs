//! The LLM usage queries end to end: signed traces with hand-computed numbers go in through the
//! trace API, and `/v1/llm/{overview,usage,latency,models,tools,prompts,compare,budget}` and
//! `bloop llm …` (local database and `--url`) show the same figures, on SQLite and on
//! PostgreSQL alike (`both!`).

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);
const HOUR: i64 = 3_600_000;

/// Start of the hour three hours ago: traces placed after it land in known hourly buckets.
fn base() -> i64 {
    let now = bloop::store::now_ms();
    now / HOUR * HOUR - 3 * HOUR
}

/// The traces the overview counts for `tok`: started from 30 days ago to a day ahead.
fn stored(http: &Http, s: &TestServer, tok: &str) -> i64 {
    let now = bloop::store::now_ms();
    let url = format!(
        "{}/v1/llm/overview?since={}&until={}",
        s.url,
        now - 30 * 24 * HOUR,
        now + 24 * HOUR
    );
    get_ok(http, tok, &url)["traces"].as_i64().unwrap()
}

/// Sends `traces` to the default project and waits until the overview counts them.
fn send(s: &TestServer, tok: &str, traces: Vec<Value>) {
    let http = Http::new();
    let before = stored(&http, s, tok);
    let n = traces.len() as i64;
    let body = json!({ "traces": traces }).to_string();
    let r = http.post_signed(&format!("{}/v1/traces/batch", s.url), &body);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        wait_until(WAIT, || stored(&http, s, tok) >= before + n),
        "traces written"
    );
}

/// Two priced calls and a failing tool (see tests/it/traces.rs for the prices):
/// gpt-4o 1,000 input (400 cached) + 200 output = 4,000 µ$; claude-3-5-sonnet 1,000 input +
/// 2,000 cache writes + 10,000 cache reads + 500 output = 21,000 µ$. Latencies 800, 1,200, 40 ms;
/// TTFT 120 ms on gpt-4o.
fn priced_trace(id: &str, at: i64) -> Value {
    json!({
        "id": id, "name": "checkout assistant", "prompt_name": "support", "prompt_version": 3,
        "started_at": at, "ended_at": at + 2_000,
        "spans": [
            {"id": "s1", "model": "gpt-4o", "provider": "openai", "name": "plan",
             "input_tokens": 1000, "cache_read_tokens": 400, "output_tokens": 200,
             "latency_ms": 800, "time_to_first_token_ms": 120, "started_at": at},
            {"id": "s2", "parent_span_id": "s1", "model": "claude-3-5-sonnet-20241022",
             "provider": "anthropic", "name": "answer", "input_tokens": 1000,
             "cache_write_tokens": 2000, "cache_read_tokens": 10000, "output_tokens": 500,
             "latency_ms": 1200, "started_at": at + 500, "cost": 0.0},
            {"id": "s3", "parent_span_id": "s1", "span_type": "tool", "name": "lookup_order",
             "latency_ms": 40, "status": "error", "error_message": "order service timed out",
             "started_at": at + 600}
        ]
    })
}

/// One call of a model no price table knows: 100 input, 50 output, 300 ms, unpriced.
fn unpriced_trace(id: &str, at: i64) -> Value {
    json!({
        "id": id, "name": "triage", "prompt_name": "support", "prompt_version": "4",
        "started_at": at, "ended_at": at + 300,
        "spans": [{"id": "m1", "model": "mystery-model-x", "provider": "acme", "name": "triage",
                   "input_tokens": 100, "output_tokens": 50, "latency_ms": 300, "started_at": at}]
    })
}

fn get(http: &Http, token: &str, url: &str) -> Resp {
    http.send(http.client().get(url).bearer_auth(token))
}

/// A GET that must answer 200; its body.
fn get_ok(http: &Http, token: &str, url: &str) -> Value {
    let r = get(http, token, url);
    assert_eq!(r.status, 200, "{url}: {:?}", r.body);
    r.body
}

fn put(http: &Http, token: &str, url: &str, body: &Value) -> Resp {
    http.send(
        http.client()
            .put(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
}

fn within_5pct(v: &Value, expected: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("a number, got {v}"));
    assert!(
        (x - expected).abs() <= expected * 0.05,
        "{x} is not within 5 % of {expected}"
    );
}

/// A new token with `scopes` (comma-separated), for every project or pinned to `project`, made
/// by the CLI on the server's database.
fn token_with(s: &TestServer, scopes: &str, project: Option<&str>) -> String {
    let mut args = vec![
        "tokens", "create", "--name", "test", "--scopes", scopes, "--json",
    ];
    if let Some(p) = project {
        args.extend(["--project", p]);
    }
    let created: Value = serde_json::from_str(&cli_ok(&bloop_cli(&s.db_path, &args))).unwrap();
    created["token"].as_str().unwrap().to_string()
}

/// Runs `sql`, a statement both databases read alike, on the server's database (setup that
/// the queries under test only read).
fn exec(s: &TestServer, sql: &str) {
    match pg_url_of(&s.db_path) {
        Some(url) => {
            bloop::store::pg::scratch::shared().psql(&url, sql).unwrap();
        }
        None => {
            s.db().execute(sql, []).unwrap();
        }
    }
}

fn token(s: &TestServer) -> String {
    token_with(s, "llm:read,llm:write", None)
}

/// Six traces of a prompt version: latencies `ms + {-6, -2, 1, 1, 3, 3}` (mean `ms`, variance
/// 12), each one gpt-4o call of 1,000 input and 100 output tokens (3,500 µ$); the first
/// `errors` of them with a failing call.
fn arm(prefix: &str, version: &str, ms: i64, errors: usize, at: i64) -> Vec<Value> {
    [-6, -2, 1, 1, 3, 3]
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let start = at + i as i64 * 1_000;
            json!({"id": format!("{prefix}-{i}"), "name": "greeting", "prompt_name": "greet",
                   "prompt_version": version, "started_at": start, "ended_at": start + ms + d,
                   "spans": [{"id": "g", "model": "gpt-4o", "provider": "openai", "name": "say",
                              "input_tokens": 1000, "output_tokens": 100, "started_at": start,
                              "status": if i < errors { "error" } else { "ok" }}]})
        })
        .collect()
}

crate::both! {
    fn overview_usage_latency_and_models_show_hand_computed_figures() {
        let s = TestServer::start();
        let http = Http::new();
        let tok = token(&s);
        let b = base();
        send(
            &s,
            &tok,
            vec![
                priced_trace("t-1", b + 10 * 60_000),
                unpriced_trace("t-2", b + 70 * 60_000),
            ],
        );
        let win = format!("since={b}&until={}", b + 2 * HOUR);

        let o = get(&http, &tok, &format!("{}/v1/llm/overview?{win}", s.url));
        assert_eq!(o.status, 200, "{:?}", o.body);
        let o = o.body;
        assert_eq!(o["window"], json!({"since": b, "until": b + 2 * HOUR}));
        assert_eq!(o["covered"], json!({"since": b, "until": b + 3 * HOUR}));
        assert_eq!(o["traces"], 2);
        assert_eq!(o["error_traces"], 1, "t-1 has a failing tool");
        assert_eq!(o["spans"], 4);
        assert_eq!(
            o["calls"], 3,
            "two priced calls and the unknown model; the tool is no call"
        );
        assert_eq!(o["input_tokens"], 2_100);
        assert_eq!(o["output_tokens"], 750);
        assert_eq!(o["cache_read_tokens"], 10_400);
        assert_eq!(o["cache_write_tokens"], 2_000);
        assert_eq!(o["cost_micros"], 25_000, "4,000 + 21,000 µ$");
        assert_eq!(o["cost_usd"], 0.025);
        assert_eq!(o["unpriced_calls"], 1);
        assert_eq!(o["errors"], 1);
        assert_eq!(o["error_rate"], 0.25);
        assert_eq!(o["models"], 3);
        assert_eq!(o["budget"], Value::Null, "every project read");
        // Latencies 40, 300, 800, 1,200: p50 is the 2nd (300), p95 and p99 the 4th; mean 585.
        let l = &o["latency_ms"];
        assert_eq!(l["count"], 4);
        assert_eq!(l["mean"], 585.0);
        within_5pct(&l["p50"], 300.0);
        within_5pct(&l["p95"], 1_200.0);
        within_5pct(&l["p99"], 1_200.0);
        let t = &o["ttft_ms"];
        assert_eq!(
            (t["count"].clone(), t["mean"].clone()),
            (json!(1), json!(120.0))
        );
        within_5pct(&t["p50"], 120.0);

        // A window with nothing in it: zeros and null percentiles, never a division by zero.
        let e = get(
            &http,
            &tok,
            &format!(
                "{}/v1/llm/overview?since={}&until={}",
                s.url,
                b - 48 * HOUR,
                b - 40 * HOUR
            ),
        );
        assert_eq!(e.status, 200);
        assert_eq!(e.body["spans"], 0);
        assert_eq!(e.body["error_rate"], 0.0);
        assert_eq!(e.body["latency_ms"]["p50"], Value::Null);

        // Usage by model, hourly (window ≤ 48 h), three zero-filled hours, highest cost first.
        let u = get_ok(&http, &tok, &format!("{}/v1/llm/usage?{win}", s.url));
        assert_eq!(
            (u["bucket"].as_str(), u["by"].as_str()),
            (Some("hour"), Some("model"))
        );
        let keys: Vec<&str> = u["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "claude-3-5-sonnet-20241022",
                "gpt-4o",
                "(none)",
                "mystery-model-x"
            ]
        );
        let claude = &u["series"][0];
        let pts = claude["points"].as_array().unwrap();
        assert_eq!(pts.len(), 3);
        assert_eq!(
            pts.iter()
                .map(|p| p["t"].as_i64().unwrap())
                .collect::<Vec<_>>(),
            [b, b + HOUR, b + 2 * HOUR]
        );
        assert_eq!(pts[0]["cost_micros"], 21_000);
        assert_eq!(pts[0]["cache_read_tokens"], 10_000);
        assert_eq!(
            pts[1],
            json!({"t": b + HOUR, "spans": 0, "input_tokens": 0, "output_tokens": 0,
            "cache_read_tokens": 0, "cache_write_tokens": 0, "cost_micros": 0, "unpriced": 0, "errors": 0})
        );
        assert_eq!(claude["totals"]["cost_micros"], 21_000);
        let mystery = &u["series"][3];
        assert_eq!(
            mystery["points"][1]["unpriced"], 1,
            "sent in the second hour"
        );
        assert_eq!(
            u["series"][2]["totals"]["errors"], 1,
            "the tool span has no model"
        );
        assert_eq!(u["totals"]["cost_micros"], 25_000);
        assert_eq!(u["totals"]["spans"], 4);

        // By prompt: the traces' own sums.
        let u = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/usage?{win}&by=prompt", s.url),
        );
        assert_eq!(u["series"][0]["key"], "support@3");
        assert_eq!(u["series"][0]["totals"]["cost_micros"], 25_000);
        assert_eq!(u["series"][0]["totals"]["spans"], 3);
        assert_eq!(u["series"][1]["key"], "support@4");
        assert_eq!(u["series"][1]["totals"]["unpriced"], 1);
        assert_eq!(u["series"][1]["points"][1]["input_tokens"], 100);

        // By day (UTC): one point per day the covered hours touch, each at 00:00 UTC.
        let u = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/usage?{win}&by=none&bucket=day", s.url),
        );
        let day = 24 * HOUR;
        let first_day = b / day * day;
        let last_day = (b + 3 * HOUR - 1) / day * day;
        let pts = u["series"][0]["points"].as_array().unwrap();
        assert_eq!(u["series"][0]["key"], "all");
        assert_eq!(pts.len() as i64, (last_day - first_day) / day + 1);
        assert_eq!(pts[0]["t"], first_day);
        let spent: i64 = pts.iter().map(|p| p["cost_micros"].as_i64().unwrap()).sum();
        assert_eq!(spent, 25_000);

        // Latency per model.
        let l = get_ok(&http, &tok, &format!("{}/v1/llm/latency?{win}", s.url));
        let rows = l.as_array().unwrap();
        assert_eq!(rows.len(), 3, "the tool span names no model: {l}");
        let gpt = rows.iter().find(|r| r["model"] == "gpt-4o").unwrap();
        assert_eq!(gpt["provider"], "openai");
        assert_eq!(gpt["calls"], 1);
        within_5pct(&gpt["latency_ms"]["p50"], 800.0);
        within_5pct(&gpt["ttft_ms"]["p95"], 120.0);
        let one = get_ok(
            &http,
            &tok,
            &format!(
                "{}/v1/llm/latency?{win}&model=claude-3-5-sonnet-20241022",
                s.url
            ),
        );
        assert_eq!(one.as_array().unwrap().len(), 1);
        assert_eq!(one[0]["latency_ms"]["mean"], 1_200.0);
        assert_eq!(one[0]["ttft_ms"]["count"], 0);
        assert_eq!(one[0]["ttft_ms"]["p50"], Value::Null);

        // Models: table prices, then a project override for claude.
        let m = get_ok(&http, &tok, &format!("{}/v1/llm/models?{win}", s.url));
        assert_eq!(m[0]["model"], "claude-3-5-sonnet-20241022");
        assert_eq!(m[0]["cost_micros"], 21_000);
        assert_eq!(m[0]["avg_latency_ms"], 1_200.0);
        assert_eq!(m[0]["price"]["source"], "table");
        assert_eq!(m[0]["price"]["input_mtok"], 3.0);
        assert_eq!(m[0]["price"]["output_mtok"], 15.0);
        assert_eq!(m[1]["model"], "gpt-4o");
        assert_eq!(m[1]["price"]["source"], "table");
        assert_eq!(m[1]["price"]["input_mtok"], 2.5);
        assert_eq!(m[1]["price"]["cache_read_mtok"], 1.25);
        assert_eq!(m[2]["model"], "mystery-model-x");
        assert_eq!(m[2]["unpriced"], 1);
        assert_eq!(m[2]["price"], Value::Null, "unknown model: no price");
        exec(
            &s,
            "INSERT INTO llm_prices (project_id, model, input_mtok, output_mtok, updated_at)
             VALUES ('default', 'claude-3-5-sonnet', 1.5, 7.5, 0)",
        );
        let m = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/models?{win}&project=default", s.url),
        );
        assert_eq!(m[0]["price"]["source"], "project_override");
        assert_eq!(m[0]["price"]["matched"], "claude-3-5-sonnet");
        assert_eq!(m[0]["price"]["input_mtok"], 1.5);
        assert_eq!(m[0]["cost_micros"], 21_000, "what was charged stays");
        let m = get_ok(&http, &tok, &format!("{}/v1/llm/models?{win}", s.url));
        assert_eq!(
            m[0]["price"]["source"], "table",
            "a project's override does not apply when every project is read"
        );
    }

    fn tools_show_percentiles_per_name_over_any_window() {
        let s = TestServer::start();
        let http = Http::new();
        let tok = token(&s);
        let b = base();
        let mut spans: Vec<Value> = (1..=20)
            .map(|i| {
                json!({"id": format!("t{i}"), "span_type": "tool", "name": "search",
                       "latency_ms": i * 10, "started_at": b + i,
                       "status": if i == 7 { "error" } else { "ok" }})
            })
            .collect();
        spans.push(json!({"id": "r1", "span_type": "retrieval", "name": "vector", "latency_ms": 5, "started_at": b}));
        spans.push(json!({"id": "r2", "span_type": "retrieval", "name": "vector", "latency_ms": 15, "started_at": b}));
        spans.push(json!({"id": "r3", "span_type": "retrieval", "name": "vector", "started_at": b}));
        spans.push(json!({"id": "a1", "span_type": "agent", "name": "planner", "latency_ms": 999, "started_at": b}));
        spans.push(json!({"id": "g1", "model": "gpt-4o", "name": "answer", "latency_ms": 500, "started_at": b}));
        send(
            &s,
            &tok,
            vec![json!({"id": "tools-1", "name": "agent run", "started_at": b, "spans": spans})],
        );
        let win = format!("since={}&until={}", b - HOUR, b + HOUR);

        // search: 10, 20, …, 200 ms: p50 is the 10th (100), p95 the 19th (190), max 200; the
        // percentiles come from histogram buckets about 5 % wide (100 ms reads as 98), the max is
        // exact. The same whether the window is whole hours (the rollups), a part of one hour (the
        // spans) or both.
        let expected = json!([
            {"span_type": "tool", "name": "search", "calls": 20, "errors": 1, "error_rate": 0.05,
             "latency_ms": {"p50": 98, "p95": 190, "max": 200}},
            {"span_type": "retrieval", "name": "vector", "calls": 3, "errors": 0, "error_rate": 0.0,
             "latency_ms": {"p50": 5, "p95": 15, "max": 15}}
        ]);
        for (since, until) in [
            (b - HOUR, b + HOUR),
            (b - 1_000, b + 1_000),
            (b - 1_000, b + HOUR + 1_000),
        ] {
            let r = get(
                &http,
                &tok,
                &format!("{}/v1/llm/tools?since={since}&until={until}", s.url),
            );
            assert_eq!(r.status, 200, "{:?}", r.body);
            assert_eq!(r.body, expected, "{since}..{until}");
        }
        let r = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/tools?since={}&until={}", s.url, b + 1, b + 15),
        );
        assert_eq!(r[0]["calls"], 14, "started b+1 .. b+14: {r}");
        let r = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/tools?{win}&type=all", s.url),
        );
        let names: Vec<&str> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["search", "vector", "planner"],
            "all but generations"
        );
        let r = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/tools?{win}&type=retrieval", s.url),
        );
        assert_eq!(r.as_array().unwrap().len(), 1);
        assert_eq!(r[0]["name"], "vector");
        let r = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/tools?{win}&limit=1", s.url),
        );
        assert_eq!(r.as_array().unwrap().len(), 1);
    }

    fn prompts_list_versions_numerically_and_compare_them_with_real_tests() {
        let s = TestServer::start();
        let http = Http::new();
        let tok = token(&s);
        let b = base();
        let mut traces = arm("a", "9", 1_000, 0, b);
        traces.extend(arm("b", "10", 1_004, 3, b + 60_000));
        traces.extend(arm("c", "11", 1_100, 0, b + 120_000));
        send(&s, &tok, traces);
        let win = format!("since={}&until={}", b - HOUR, b + HOUR);

        let p = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/prompts?{win}&name=greet", s.url),
        );
        let versions: Vec<&str> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["prompt_version"].as_str().unwrap())
            .collect();
        assert_eq!(versions, ["9", "10", "11"], "10 after 9: {p}");
        assert_eq!(p[0]["traces"], 6);
        assert_eq!(p[0]["avg_latency_ms"], 1_000.0);
        assert_eq!(p[0]["avg_cost_micros"], 3_500.0);
        assert_eq!(p[0]["cost_micros"], 21_000);
        assert_eq!(p[0]["input_tokens"], 6_000);
        assert_eq!(p[0]["first_seen"], b);
        assert_eq!(p[0]["last_seen"], b + 5_000);
        assert_eq!(
            (p[1]["errors"].clone(), p[1]["error_rate"].clone()),
            (json!(3), json!(0.5))
        );

        // 9 vs 10: equal n = 6 and variance 12, means 1,000 and 1,004: t = −4 / √(12/6 + 12/6) = −2,
        // ν = 10, two-sided p = 0.0733880347707 (regularised incomplete beta I_{10/14}(5, ½)).
        // Errors 0/6 vs 3/6: pooled 0.25, SE = √(0.25 · 0.75 · (1/6 + 1/6)) = 0.25, z = −0.5 / 0.25
        // = −2, p = 2 (1 − Φ(2)) = 0.0455002638963584. Cost: 3,500 µ$ every call: no test.
        let c = get(
            &http,
            &tok,
            &format!("{}/v1/llm/prompts/greet/compare?{win}&a=9&b=10", s.url),
        );
        assert_eq!(c.status, 200, "{:?}", c.body);
        let c = c.body;
        // The same from the traces alone (a window inside one hour) and from the hourly rollup
        // with partial hours at both edges.
        for (since, until) in [(b - 1, b + 200_000), (b - 1_000, b + HOUR + 1_000)] {
            let w = format!("since={since}&until={until}");
            let u = |path: &str| format!("{}/v1/llm/{path}", s.url);
            assert_eq!(
                get_ok(&http, &tok, &u(&format!("prompts?{w}&name=greet"))),
                p,
                "{w}"
            );
            let again = get_ok(
                &http,
                &tok,
                &u(&format!("prompts/greet/compare?{w}&a=9&b=10")),
            );
            assert_eq!(again["a"], c["a"], "{w}");
            assert_eq!(again["b"], c["b"], "{w}");
            assert_eq!(again["summary"], c["summary"], "{w}");
            assert_eq!(again["latency"], c["latency"], "{w}");
        }
        assert_eq!(c["prompt_name"], "greet");
        assert_eq!(c["a"]["version"], "9");
        assert_eq!(c["a"]["n"], 6);
        assert_eq!(
            c["a"]["latency_ms"],
            json!({"n": 6, "mean": 1000.0, "sd": 3.46})
        );
        assert_eq!(c["b"]["latency_ms"]["mean"], 1004.0);
        assert_eq!(c["b"]["errors"], 3);
        assert_eq!(
            c["a"]["cost_micros"],
            json!({"n": 6, "mean": 3500.0, "sd": 0.0})
        );
        let lat = &c["latency"];
        assert!(
            (lat["statistic"].as_f64().unwrap() + 2.0).abs() < 1e-9,
            "{lat}"
        );
        assert!((lat["df"].as_f64().unwrap() - 10.0).abs() < 1e-9, "{lat}");
        assert!((lat["p_value"].as_f64().unwrap() - 0.073_388_034_770_7).abs() < 1e-9);
        assert_eq!(lat["p_display"], "0.0734");
        assert_eq!(lat["significant"], false);
        let err = &c["error_rate"];
        assert!(
            (err["statistic"].as_f64().unwrap() + 2.0).abs() < 1e-9,
            "{err}"
        );
        assert!((err["p_value"].as_f64().unwrap() - 0.045_500_263_896_358_4).abs() < 1e-9);
        assert_eq!(err["significant"], true);
        assert_eq!(c["cost"]["p_value"], Value::Null);
        assert_eq!(c["cost"]["significant"], Value::Null);
        assert_eq!(
            c["summary"],
            json!([
                "no significant difference in latency (p = 0.0734, 6 vs 6 calls) [few samples: exploratory]",
                "cost not compared (n/a: both arms have zero variance and equal means (3500); 6 vs 6 calls)",
                "v10 fails more often than v9: 50.0% vs 0.0% errors, p = 0.0455, 6 vs 6 calls \
                 [fewer than 5 successes or failures per arm: exploratory]"
            ])
        );

        // 9 vs 11: 100 ms slower, t = −50.
        let c = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/prompts/greet/compare?{win}&a=9&b=11", s.url),
        );
        assert_eq!(c["latency"]["p_display"], "< 1e-6");
        assert_eq!(
            c["summary"][0],
            "v11 is slower than v9: +100 ms mean latency, p < 1e-6, 6 vs 6 calls [few samples: exploratory]"
        );
        assert_eq!(
            c["summary"][2],
            "no errors in either version (6 vs 6 calls)"
        );
        assert_eq!(c["error_rate"]["p_value"], Value::Null);

        // A version with no traces is a 404 naming it; the same version twice, or none, a 400.
        let r = get(
            &http,
            &tok,
            &format!("{}/v1/llm/prompts/greet/compare?{win}&a=9&b=12", s.url),
        );
        assert_eq!(r.status, 404);
        assert!(
            r.body["error"].as_str().unwrap().contains("`12`"),
            "{:?}",
            r.body
        );
        let r = get(
            &http,
            &tok,
            &format!("{}/v1/llm/prompts/greet/compare?a=9&b=9", s.url),
        );
        assert_eq!((r.status, r.body["field"].as_str()), (400, Some("b")));
        let r = get(
            &http,
            &tok,
            &format!("{}/v1/llm/prompts/greet/compare?b=9", s.url),
        );
        assert_eq!((r.status, r.body["field"].as_str()), (400, Some("a")));
    }

    fn budgets_are_set_read_forecast_and_flag_overspending() {
        let s = TestServer::start();
        let http = Http::new();
        let tok = token(&s);
        let now = bloop::store::now_ms();
        send(&s, &tok, vec![priced_trace("now-1", now - 1_000)]);
        let url = format!("{}/v1/llm/budget", s.url);

        let r = get(&http, &tok, &url);
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body[0]["project"], "default");
        assert_eq!(r.body[0]["budget_micros"], Value::Null);
        assert_eq!(r.body[0]["over_budget"], false);

        // $0.02 a month, $0.025 spent: over budget, and so is the forecast.
        let r = put(
            &http,
            &tok,
            &url,
            &json!({"project": "default", "monthly_usd": 0.02}),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        let bud = &r.body;
        assert_eq!(bud["budget_micros"], 20_000);
        let content_is = |c: &str| {
            s.count(&format!(
                "SELECT count(*) FROM llm_settings WHERE project_id = 'default' AND {c}"
            )) == 1
        };
        assert!(
            content_is("content IS NULL"),
            "a new settings row sets no content policy"
        );
        assert_eq!(bud["budget_usd"], 0.02);
        assert_eq!(bud["spent_micros"], 25_000);
        assert_eq!(bud["over_budget"], true);
        assert_eq!(bud["forecast_over"], true);
        let days = bud["days_in_month"].as_i64().unwrap();
        assert!((28..=31).contains(&days));
        // Linear: spent × days in the month / days elapsed (at least an hour); `days_elapsed` is
        // rounded to 1/1000 day, well inside the 5 %.
        let elapsed = bud["days_elapsed"].as_f64().unwrap().max(1.0 / 24.0);
        within_5pct(&bud["forecast_micros"], 25_000.0 * days as f64 / elapsed);
        assert_eq!(bud["month"].as_str().unwrap().len(), 7);

        // $1,000: neither.
        let r = put(
            &http,
            &tok,
            &url,
            &json!({"project": "default", "monthly_usd": 1000}),
        );
        assert_eq!(r.body["budget_micros"], 1_000_000_000_i64);
        assert_eq!(
            (
                r.body["over_budget"].clone(),
                r.body["forecast_over"].clone()
            ),
            (json!(false), json!(false))
        );
        let r = get_ok(&http, &tok, &format!("{url}?project=default"));
        assert_eq!(r.as_array().unwrap().len(), 1);
        assert_eq!(r[0]["budget_usd"], 1000.0);
        let o = get_ok(
            &http,
            &tok,
            &format!("{}/v1/llm/overview?project=default", s.url),
        );
        assert_eq!(o["budget"]["budget_micros"], 1_000_000_000_i64);

        // null clears; the row keeps the content policy set meanwhile.
        exec(
            &s,
            "UPDATE llm_settings SET content = 'full' WHERE project_id = 'default'",
        );
        let r = put(
            &http,
            &tok,
            &url,
            &json!({"project": "default", "monthly_usd": null}),
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.body["budget_micros"], Value::Null);
        assert!(content_is("content = 'full'"));

        // Bad bodies name the field; an unknown project is a 404.
        for (body, field) in [
            (
                json!({"project": "default", "monthly_usd": -1}),
                "monthly_usd",
            ),
            (
                json!({"project": "default", "monthly_usd": "ten"}),
                "monthly_usd",
            ),
            (json!({"project": "default"}), "monthly_usd"),
            (json!({"monthly_usd": 5}), "project"),
        ] {
            let r = put(&http, &tok, &url, &body);
            assert_eq!(r.status, 400, "{body}: {:?}", r.body);
            assert_eq!(r.body["field"], field, "{body}: {:?}", r.body);
        }
        let r = put(
            &http,
            &tok,
            &url,
            &json!({"project": "default", "monthly_usd": 5, "montly": 1}),
        );
        assert_eq!(r.status, 400, "{:?}", r.body);
        assert!(
            r.body["error"].as_str().unwrap().contains("`montly`"),
            "the unknown field is named: {:?}",
            r.body
        );
        let r = http.send(http.client().put(&url).bearer_auth(&tok).body("{not json"));
        assert_eq!(r.status, 400);
        let r = put(
            &http,
            &tok,
            &url,
            &json!({"project": "nope", "monthly_usd": 5}),
        );
        assert_eq!(r.status, 404, "{:?}", r.body);
    }

    fn bad_parameters_are_400s_naming_the_parameter() {
        let s = TestServer::start();
        let http = Http::new();
        let tok = token(&s);
        for (path, field) in [
            ("overview?since=yesterday", "since"),
            ("overview?since=1h&until=2h", "since"),
            ("overview?sinse=1h", "sinse"),
            ("usage?by=week", "by"),
            ("usage?bucket=minute", "bucket"),
            ("usage?bucket=hour&since=60d", "bucket"),
            ("latency?model=x&limit=3", "limit"),
            ("models?until=soon", "until"),
            ("tools?limit=0", "limit"),
            ("tools?type=agent", "type"),
            ("prompts?since=500d", "since"),
            ("budget?since=1h", "since"),
        ] {
            let r = get(&http, &tok, &format!("{}/v1/llm/{path}", s.url));
            assert_eq!(r.status, 400, "{path}: {:?}", r.body);
            assert_eq!(r.body["field"], field, "{path}: {:?}", r.body);
        }
        // Without llm:read there is nothing to read.
        let errors_only = token_with(&s, "errors:read", None);
        let r = get(&http, &errors_only, &format!("{}/v1/llm/overview", s.url));
        assert_eq!(r.status, 403);
        let read_only = token_with(&s, "llm:read", None);
        let r = put(
            &http,
            &read_only,
            &format!("{}/v1/llm/budget", s.url),
            &json!({"project": "default", "monthly_usd": 1}),
        );
        assert_eq!(r.status, 403, "setting a budget needs llm:write");
    }

    fn a_token_pinned_to_one_project_reads_nothing_of_another() {
        let s = TestServer::start();
        let http = Http::new();
        let b = base();
        let other: Value = serde_json::from_str(&cli_ok(&bloop_cli(
            &s.db_path,
            &["projects", "create", "Other", "--slug", "other", "--json"],
        )))
        .unwrap();
        let all = token(&s);
        // Everything lands in `other`: prompts, tools, models, cost.
        let mut traces = vec![priced_trace("x-1", b)];
        traces.extend(arm("o", "1", 500, 1, b + 60_000));
        traces.extend(arm("p", "2", 600, 0, b + 120_000));
        let body = json!({ "traces": traces }).to_string();
        let key = other["key"]["key"].as_str().unwrap();
        let r = http.post_with_key(&format!("{}/v1/traces/batch", s.url), &body, key);
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert!(
            wait_until(WAIT, || stored(&http, &s, &all) >= 13),
            "traces written"
        );

        let pinned = token_with(&s, "llm:read,llm:write", Some("default"));
        let win = format!("since={}&until={}", b - HOUR, b + HOUR);
        let u = |p: &str| format!("{}/v1/llm/{p}", s.url);

        // The unpinned token sees the other project's figures…
        let o = get_ok(&http, &all, &u(&format!("overview?{win}")));
        assert_eq!(
            (o["traces"].clone(), o["cost_micros"].clone()),
            (json!(13), json!(67_000))
        );
        // …the pinned one none of them, on every route.
        let o = get_ok(&http, &pinned, &u(&format!("overview?{win}")));
        assert_eq!(
            (
                o["traces"].clone(),
                o["spans"].clone(),
                o["cost_micros"].clone()
            ),
            (json!(0), json!(0), json!(0))
        );
        let us = get_ok(&http, &pinned, &u(&format!("usage?{win}")));
        assert_eq!(us["series"], json!([]));
        assert_eq!(us["totals"]["spans"], 0);
        let us = get_ok(&http, &pinned, &u(&format!("usage?{win}&by=prompt")));
        assert_eq!(us["series"], json!([]));
        for p in ["latency", "models", "tools", "prompts"] {
            let r = get(&http, &pinned, &u(&format!("{p}?{win}")));
            assert_eq!((r.status, r.body.clone()), (200, json!([])), "{p}");
            let r = get(&http, &all, &u(&format!("{p}?{win}")));
            assert!(
                !r.body.as_array().unwrap().is_empty(),
                "{p} has rows for the unpinned token"
            );
        }
        let r = get(
            &http,
            &pinned,
            &u(&format!("prompts/greet/compare?{win}&a=1&b=2")),
        );
        assert_eq!(r.status, 404, "{:?}", r.body);
        let r = get(
            &http,
            &all,
            &u(&format!("prompts/greet/compare?{win}&a=1&b=2")),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        let r = get_ok(&http, &pinned, &u("budget"));
        let projects: Vec<&str> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["project"].as_str().unwrap())
            .collect();
        assert_eq!(projects, ["default"]);
        let r = get_ok(&http, &all, &u("budget"));
        assert_eq!(r.as_array().unwrap().len(), 2);

        // Asking for the other project, or setting its budget, is refused.
        for p in [
            "overview",
            "usage",
            "latency",
            "models",
            "tools",
            "prompts",
            "budget",
            "prompts/greet/compare?a=1&b=2",
        ] {
            let sep = if p.contains('?') { '&' } else { '?' };
            let r = get(&http, &pinned, &format!("{}{sep}project=other", u(p)));
            assert_eq!(r.status, 403, "{p}: {:?}", r.body);
        }
        let r = put(
            &http,
            &pinned,
            &u("budget"),
            &json!({"project": "other", "monthly_usd": 1}),
        );
        assert_eq!(r.status, 403, "{:?}", r.body);
        // Its own project needs no name.
        let r = put(&http, &pinned, &u("budget"), &json!({"monthly_usd": 2.5}));
        assert_eq!(
            (
                r.status,
                r.body["project"].clone(),
                r.body["budget_micros"].clone()
            ),
            (200, json!("default"), json!(2_500_000))
        );
    }

    fn the_cli_prints_the_same_figures_locally_and_through_the_api() {
        let s = TestServer::start();
        let b = base();
        let mut traces = vec![
            priced_trace("t-1", b + 10 * 60_000),
            unpriced_trace("t-2", b + 70 * 60_000),
        ];
        traces.extend(arm("a", "9", 1_000, 0, b));
        traces.extend(arm("b", "10", 1_004, 3, b + 60_000));
        let tok = token(&s);
        send(&s, &tok, traces);
        let db = s.db_path.clone();
        let since = b.to_string();
        let until = (b + 2 * HOUR).to_string();
        let win = ["--since", since.as_str(), "--until", until.as_str()];
        let remote = ["--url", s.url.as_str(), "--token", tok.as_str()];
        let run = |args: &[&str], remote_too: bool| -> String {
            let local = cli_ok(&bloop_cli(&db, args));
            if remote_too {
                let mut a = args.to_vec();
                a.extend(remote);
                assert_eq!(
                    cli_ok(&bloop_cli(&db, &a)),
                    local,
                    "{args:?} locally and remotely"
                );
            }
            local
        };
        // A command over the test window, locally and through the API (the same output).
        let windowed = |args: &[&str]| -> String {
            let mut a = args.to_vec();
            a.extend(win);
            run(&a, true)
        };

        // Overview: 25,000 µ$ + 6 × 3,500 + 6 × 3,500 = 67,000 µ$.
        let out = windowed(&["llm", "overview"]);
        assert!(out.contains("traces   14 (4 with errors)"), "{out}");
        assert!(out.contains("cost     $0.0670   unpriced calls 1"), "{out}");
        assert!(out.contains("input 14,100"), "{out}");
        let j: Value = serde_json::from_str(&windowed(&["llm", "overview", "--json"])).unwrap();
        assert_eq!(j["cost_micros"], 67_000);
        assert_eq!(j["calls"], 15);

        // Usage by model and by day.
        let out = windowed(&["llm", "usage"]);
        let gpt = out.lines().find(|l| l.contains("gpt-4o")).unwrap();
        assert!(gpt.contains("$0.0460"), "4,000 + 12 × 3,500 µ$: {gpt}");
        assert!(
            gpt.contains("13,000"),
            "1,000 + 12 × 1,000 input tokens: {gpt}"
        );
        let total = out.lines().find(|l| l.contains("total")).unwrap();
        assert!(total.contains("$0.0670"), "{total}");
        let j: Value =
            serde_json::from_str(&windowed(&["llm", "usage", "--by", "day", "--json"])).unwrap();
        assert_eq!(
            (j["by"].as_str(), j["bucket"].as_str()),
            (Some("none"), Some("day"))
        );
        let out = windowed(&["llm", "usage", "--by", "day"]);
        assert!(
            out.contains(&bloop::store::llm_usage::utc(b / (24 * HOUR) * 24 * HOUR)[..10]),
            "{out}"
        );

        // Models with their price and its source, latency, prompts.
        let out = windowed(&["llm", "models"]);
        let gpt = out.lines().find(|l| l.contains("gpt-4o")).unwrap();
        assert!(
            gpt.contains("$2.5 / $10") && gpt.contains("table (gpt-4o)"),
            "{gpt}"
        );
        let mystery = out.lines().find(|l| l.contains("mystery-model-x")).unwrap();
        assert!(mystery.contains("unknown"), "{mystery}");
        let out = windowed(&["llm", "latency", "--model", "claude-3-5-sonnet-20241022"]);
        assert!(out.contains("1,200 ms"), "{out}");
        let out = windowed(&["llm", "prompts", "--name", "greet"]);
        let rows: Vec<&str> = out.lines().filter(|l| l.contains("greet")).collect();
        assert!(rows[0].contains(" 9 ") && rows[1].contains(" 10 "), "{out}");
        assert!(rows[1].contains("50.0%"), "{out}");
        let j: Value = serde_json::from_str(&windowed(&["llm", "tools", "--json"])).unwrap();
        assert_eq!(j[0]["name"], "lookup_order");
        assert_eq!(j[0]["errors"], 1);

        // Names are someone else's text: escapes are shown, never sent to the terminal.
        let mut evil = unpriced_trace("evil", b + 2 * HOUR + 60_000);
        evil["spans"][0]["model"] = json!("evil\u{1b}[2Jmodel");
        send(&s, &tok, vec![evil]);
        let out = run(&["llm", "models", "--since", "1d"], true);
        assert!(out.contains("evil\\x1b[2Jmodel"), "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");

        // Compare: the sentences and the arms.
        let out = windowed(&["llm", "compare", "greet", "9", "10"]);
        assert!(
            out.contains("no significant difference in latency (p = 0.0734, 6 vs 6 calls)"),
            "{out}"
        );
        assert!(
            out.contains("v10 fails more often than v9: 50.0% vs 0.0% errors, p = 0.0455"),
            "{out}"
        );
        let arm9 = out.lines().find(|l| l.contains("| 9 ")).unwrap();
        assert!(
            arm9.contains("1,000 ms") && arm9.contains("3.5 ms"),
            "{arm9}"
        );
        let o = bloop_cli(&db, &["llm", "compare", "greet", "9", "99"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("`99`"));

        // Budgets: set locally, read remotely, cleared remotely.
        let out = run(
            &["llm", "budget", "set", "0.05", "--project", "default"],
            false,
        );
        assert!(out.contains("budget of default: $0.0500 a month"), "{out}");
        // The forecast and days elapsed move with the clock between the two calls: the rest must
        // be the same locally and remotely.
        let steady = |out: String| -> Value {
            let mut j: Value = serde_json::from_str(&out).unwrap();
            for k in ["forecast_micros", "forecast_usd", "days_elapsed"] {
                j[0].as_object_mut().unwrap().remove(k);
            }
            j
        };
        let args = ["llm", "budget", "--project", "default", "--json"];
        let j = steady(run(&args, false));
        assert_eq!(
            j,
            steady(cli_ok(&bloop_cli(&db, &[&args[..], &remote[..]].concat())))
        );
        assert_eq!(j[0]["budget_micros"], 50_000);
        assert_eq!(j[0]["spent_micros"], 67_000);
        let out = run(&["llm", "budget"], false);
        let row = out.lines().find(|l| l.contains("default")).unwrap();
        assert!(row.contains("$0.0500"), "{row}");
        let mut a = vec!["llm", "budget", "set", "none", "--project", "default"];
        a.extend(remote);
        assert!(cli_ok(&bloop_cli(&db, &a)).contains("cleared"));
        let j: Value = serde_json::from_str(&run(&["llm", "budget", "--json"], false)).unwrap();
        assert_eq!(j[0]["budget_micros"], Value::Null);
        // Bad input is a one-line error naming what is wrong, and exit 1.
        let fails = |args: &[&str], needle: &str| {
            let o = bloop_cli(&db, args);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
            assert!(err.contains(needle), "{args:?}: {err}");
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        };
        fails(
            &["llm", "budget", "set", "lots", "--project", "default"],
            "AMOUNT",
        );
        fails(
            &["llm", "budget", "set", "-3", "--project", "default"],
            "AMOUNT must be",
        );
        fails(&["llm", "usage", "--by", "week"], "`by` must be one of");
    }
}
