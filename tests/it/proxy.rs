//! The LLM proxy driven by the official `openai` and `anthropic` Python SDKs (pinned in
//! tests/requirements.txt) against a local fake provider (tests/proxy/mock_provider.py): every
//! scenario's output through bloop equals its output against the provider directly, and what
//! bloop recorded (tokens, cost, TTFT, status, content) is checked row by row.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

const WAIT: Duration = Duration::from_secs(15);
const OPENAI_SECRET: &str = "sk-test-provider-secret-123";
const ANTHROPIC_SECRET: &str = "sk-ant-test-provider-secret-456";

/// The fake provider, killed on drop.
struct Mock {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Mock {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/proxy/mock_provider.py"
            ))
            .arg("--log")
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 (tests/run.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("mock provider said {line:?}"));
        Self {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Points the proxy at this provider.
    fn point(&self, c: &mut bloop::Config) {
        c.llm_tracing.proxy.openai_base_url = format!("{}/v1", self.base());
        c.llm_tracing.proxy.anthropic_base_url = format!("{}/v1", self.base());
    }

    /// Every request the provider received, in order.
    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the SDKs send their calls.
struct Bases {
    openai: String,
    anthropic: String,
    key: Option<String>,
}

impl Bases {
    fn direct(m: &Mock) -> Self {
        Self {
            openai: format!("{}/v1", m.base()),
            anthropic: m.base(),
            key: None,
        }
    }

    fn proxied(s: &TestServer, key: &str) -> Self {
        Self {
            openai: format!("{}/v1/proxy/openai/v1", s.url),
            anthropic: format!("{}/v1/proxy/anthropic", s.url),
            key: Some(key.to_string()),
        }
    }
}

/// Runs one scenario of tests/proxy/sdk_calls.py; its JSON output, or a panic with its stderr.
fn sdk(b: &Bases, scenario: &str, headers: &[(&str, &str)]) -> Value {
    let mut cmd = Command::new("python3");
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/proxy/sdk_calls.py"
    ))
    .args(["--openai-base", &b.openai, "--anthropic-base", &b.anthropic]);
    if let Some(k) = &b.key {
        cmd.args(["--bloop-key", k]);
    }
    for (n, v) in headers {
        cmd.arg("--header").arg(format!("{n}={v}"));
    }
    let out = cmd
        .arg(scenario)
        .output()
        .expect("python3 with openai + anthropic (tests/requirements.txt, tests/run.sh)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{scenario}: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{scenario}: {e}: {stderr}"))
}

fn new_key(s: &TestServer, slug: &str) -> String {
    crate::llm_admin::project(s, slug)
}

fn set_policy(s: &TestServer, project: &str, policy: &str) {
    s.exec(&format!(
        "INSERT INTO llm_settings (project_id, content, updated_at) VALUES ('{project}', '{policy}', 0)"
    ));
}

/// What was recorded of one call (a trace named after its scenario, one span).
#[derive(Debug)]
struct Call {
    trace_status: String,
    spans: i64,
    name: String,
    model: Option<String>,
    provider: String,
    tokens: [i64; 4],
    cost: Option<i64>,
    latency: Option<i64>,
    ttft: Option<i64>,
    status: String,
    error: Option<String>,
    input: Option<String>,
    output: Option<String>,
    meta: Value,
}

fn call(s: &TestServer, trace_name: &str) -> Call {
    // The row as JSON, in each database's words for it.
    let object = if on_postgres() {
        "json_build_object"
    } else {
        "json_object"
    };
    let row = text_in(
        &s.db_path,
        &format!(
            "SELECT {object}('trace_status', t.status, 'spans', t.span_count, 'name', sp.name,
                    'model', sp.model, 'provider', sp.provider, 'input', sp.input_tokens,
                    'output', sp.output_tokens, 'cache_read', sp.cache_read_tokens,
                    'cache_write', sp.cache_write_tokens, 'cost', sp.cost_micros,
                    'latency', sp.latency_ms, 'ttft', sp.ttft_ms, 'status', sp.status,
                    'error', sp.error_message, 'input_text', sp.input,
                    'output_text', sp.output, 'meta', sp.metadata)
             FROM llm_traces t JOIN llm_spans sp ON sp.trace_pk = t.pk
             WHERE t.name = '{trace_name}'"
        ),
    );
    let r: Value = serde_json::from_str(&row)
        .unwrap_or_else(|e| panic!("no recorded call named {trace_name}: {e}: {row:?}"));
    let text = |k: &str| r[k].as_str().map(str::to_string);
    let int = |k: &str| r[k].as_i64();
    Call {
        trace_status: text("trace_status").unwrap_or_default(),
        spans: int("spans").unwrap_or_default(),
        name: text("name").unwrap_or_default(),
        model: text("model"),
        provider: text("provider").unwrap_or_default(),
        tokens: ["input", "output", "cache_read", "cache_write"].map(|k| int(k).unwrap_or(-1)),
        cost: int("cost"),
        latency: int("latency"),
        ttft: int("ttft"),
        status: text("status").unwrap_or_default(),
        error: text("error"),
        input: text("input_text"),
        output: text("output_text"),
        meta: text("meta").map_or(Value::Null, |m| serde_json::from_str(&m).unwrap()),
    }
}

/// The traced scenarios with what the fake provider reports for them. Costs by hand:
/// - gpt-4o-mini-2024-07-18 ($0.15 input, $0.075 cached, $0.60 output per million), 1,200
///   input of which 200 cached, 300 output: 1,000 × 0.15 + 200 × 0.075 + 300 × 0.60 = 345 µ$;
///   the Responses call, 900 input (100 cached), 120 output: 120 + 7.5 + 72 = 199.5 → 200 µ$;
/// - claude-3-5-sonnet-20241022 ($3 input, $3.75 cache write, $0.30 cache read, $15 output),
///   1,000 input + 500 written + 2,000 read, 250 output: 3,000 + 1,875 + 600 + 3,750 = 9,225 µ$.
const CHAT: [i64; 4] = [1200, 300, 200, 0];
const RESPONSES: [i64; 4] = [900, 120, 100, 0];
const MESSAGES: [i64; 4] = [1000, 250, 2000, 500];

#[test]
fn calls_without_a_project_key_or_over_the_limits_never_reach_the_provider() {
    let mock = Mock::start();
    let s = TestServer::start_with(|c| {
        mock.point(c);
        c.llm_tracing.proxy.providers = vec!["openai".into()];
        c.llm_tracing.proxy.max_request_bytes = 1000;
        c.llm_tracing.proxy.rate_limit_per_second = 1;
        c.llm_tracing.proxy.rate_limit_burst = 3;
    });
    let key = new_key(&s, "app");
    let http = Http::new();
    let chat = format!("{}/v1/proxy/openai/v1/chat/completions", s.url);
    let body = r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#;
    let post = |url: &str, body: &str, headers: &[(&str, &str)]| {
        let mut h = vec![
            ("content-type", "application/json"),
            ("authorization", "Bearer sk-test-provider-secret-123"),
        ];
        h.extend_from_slice(headers);
        http.post(url, body.to_string(), &h)
    };

    // An open relay for anyone who finds the URL: no.
    let r = post(&chat, body, &[]);
    assert_eq!(r.status, 401, "{:?}", r.body);
    assert!(
        r.body["error"].as_str().unwrap().contains("X-Bloop-Key"),
        "{:?}",
        r.body
    );
    let r = post(&chat, body, &[("x-bloop-key", "bloop_0000")]);
    assert_eq!(r.status, 401, "{:?}", r.body);
    // A provider this server does not proxy.
    let r = post(
        &format!("{}/v1/proxy/anthropic/v1/messages", s.url),
        body,
        &[("x-bloop-key", &key)],
    );
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(r.body["code"], "proxy_disabled");
    // Bodies over max_request_bytes, declared or not.
    let big = format!(
        r#"{{"model":"gpt-4o-mini","messages":[{{"role":"user","content":"{}"}}]}}"#,
        "x".repeat(2000)
    );
    let r = post(&chat, &big, &[("x-bloop-key", &key)]);
    assert_eq!(r.status, 413, "{:?}", r.body);
    assert_eq!(r.body["field"], "body");
    assert_eq!(r.body["limit"], 1000);
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());

    // Per key: a burst of 3 (the call refused for its size above took one), then 1 a
    // second; the provider sees only what passed.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = post(&chat, body, &[("x-bloop-key", &key)]);
        if r.status == 429 {
            assert_eq!(r.body["code"], "bloop_rate_limited", "{:?}", r.body);
            assert_eq!(
                r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
                Some("1")
            );
        }
        statuses.push(r.status);
    }
    let passed = statuses.iter().filter(|s| **s == 200).count();
    assert!((2..=3).contains(&passed), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(mock.requests().len(), passed);
    let n = passed as i64;
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", n, WAIT), n);
}

#[test]
fn llm_tracing_off_turns_the_proxy_off() {
    let s = TestServer::start_with(|c| c.llm_tracing.enabled = false);
    let key = new_key(&s, "app");
    let r = Http::new().post(
        &format!("{}/v1/proxy/openai/v1/chat/completions", s.url),
        "{}",
        &[("x-bloop-key", &key)],
    );
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(r.body["code"], "llm_tracing_disabled");
}

#[test]
fn stalls_unreachable_providers_and_hang_ups_are_answered_and_recorded() {
    let mock = Mock::start();
    let s = TestServer::start_with(|c| {
        mock.point(c);
        c.llm_tracing.proxy.upstream_timeout_secs = 1;
    });
    let key = new_key(&s, "app");
    set_policy(&s, "app", "full");
    let proxied = Bases::proxied(&s, &key);
    // The provider accepts the call and says nothing: 504 after upstream_timeout_secs (the
    // SDK waits 10 s), recorded as a failed call.
    let got = sdk(&proxied, "stall", &[("X-Bloop-Trace-Name", "stall")]);
    assert_eq!(got["status"], 504, "{got}");
    // The client hangs up in the middle of a stream: recorded as cancelled with what it got.
    sdk(&proxied, "disconnect", &[("X-Bloop-Trace-Name", "hang-up")]);
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 2, WAIT), 2);
    let c = call(&s, "stall");
    assert_eq!(
        (c.trace_status.as_str(), c.status.as_str()),
        ("error", "error")
    );
    let e = c.error.unwrap();
    assert!(e.contains("did not answer within 1 s"), "{e}");
    assert_eq!(c.meta["upstream_status"], 504);
    let c = call(&s, "hang-up");
    assert_eq!(
        (c.trace_status.as_str(), c.status.as_str()),
        ("cancelled", "cancelled")
    );
    assert_eq!(c.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert!(c.ttft.is_some());
    assert!(
        !c.output.unwrap_or_default().is_empty(),
        "the part the client read"
    );

    // Nothing listens at the provider's address: 502, recorded.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let s2 = TestServer::start_with(|c| {
        c.llm_tracing.proxy.openai_base_url = format!("http://127.0.0.1:{port}/v1");
    });
    let key2 = new_key(&s2, "app");
    let r = Http::new().post(
        &format!("{}/v1/proxy/openai/v1/chat/completions", s2.url),
        r#"{"model":"gpt-4o","messages":[]}"#,
        &[("x-bloop-key", &key2), ("x-bloop-trace-name", "down")],
    );
    assert_eq!(r.status, 502, "{:?}", r.body);
    assert_eq!(r.body["code"], "upstream_unreachable");
    assert_eq!(s2.wait_count("SELECT count(*) FROM llm_traces", 1, WAIT), 1);
    let c = call(&s2, "down");
    assert_eq!(
        (c.status.as_str(), c.model.as_deref()),
        ("error", Some("gpt-4o"))
    );
}

#[test]
fn headers_group_calls_into_traces_and_the_content_policy_holds() {
    let mock = Mock::start();
    let s = TestServer::start_with(|c| mock.point(c));
    let key = new_key(&s, "app");
    let quiet = new_key(&s, "quiet");
    set_policy(&s, "app", "full");
    set_policy(&s, "quiet", "none");
    let proxied = Bases::proxied(&s, &key);
    // Two calls of one agent run: one trace, bloop's headers and Helicone's both understood
    // (property names arrive lower-cased, as HTTP header names are).
    let run = [
        ("X-Bloop-Trace-Id", "run-1"),
        ("X-Bloop-Trace-Name", "support agent"),
        ("X-Bloop-Session-Id", "sess-9"),
        ("X-Bloop-User-Id", "user-4"),
        ("X-Bloop-Prompt-Name", "support"),
        ("X-Bloop-Prompt-Version", "7"),
        ("X-Bloop-Property-Env", "staging"),
    ];
    sdk(&proxied, "chat", &run);
    sdk(&proxied, "messages", &run);
    sdk(
        &proxied,
        "chat",
        &[
            ("Helicone-Session-Id", "h-sess"),
            ("Helicone-User-Id", "h-user"),
            ("Helicone-Property-Team", "growth"),
        ],
    );
    sdk(
        &Bases::proxied(&s, &quiet),
        "chat_stream",
        &[("X-Bloop-Trace-Name", "private")],
    );
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_spans", 4, WAIT), 4);
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", 3, WAIT), 3);

    let db = s.db();
    let (name, session, user, prompt, version, spans, cost, status): (
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        String,
    ) = db
        .query_row(
            "SELECT name, session_id, user_id, prompt_name, prompt_version, span_count,
                    cost_micros, status
             FROM llm_traces WHERE id = 'run-1' AND project_id = 'app'",
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
                    r.get(7)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        (
            name.as_str(),
            session.as_str(),
            user.as_str(),
            prompt.as_str(),
            version.as_str()
        ),
        ("support agent", "sess-9", "user-4", "support", "7")
    );
    assert_eq!((spans, cost, status.as_str()), (2, 345 + 9225, "completed"));
    let props: Vec<String> = db
        .prepare("SELECT json_extract(sp.metadata, '$.properties.env') FROM llm_spans sp JOIN llm_traces t ON t.pk = sp.trace_pk WHERE t.id = 'run-1'")
        .unwrap()
        .query_map([], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .map(|r| r.unwrap().unwrap_or_default())
        .collect();
    assert_eq!(props, ["staging", "staging"]);
    let (session, user, team): (String, String, String) = db
        .query_row(
            "SELECT t.session_id, t.user_id, json_extract(sp.metadata, '$.properties.team')
             FROM llm_traces t JOIN llm_spans sp ON sp.trace_pk = t.pk
             WHERE t.session_id = 'h-sess'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (session.as_str(), user.as_str(), team.as_str()),
        ("h-sess", "h-user", "growth")
    );

    // Under `none`: numbers kept, no prompt or completion anywhere, search included.
    let c = call(&s, "private");
    assert_eq!((c.tokens, c.cost), (CHAT, Some(345)));
    assert_eq!((c.input, c.output), (None, None));
    let hello = |project: &str| -> i64 {
        db.query_row(
            "SELECT count(*) FROM llm_search JOIN llm_traces t ON t.pk = llm_search.rowid
             WHERE llm_search MATCH 'mock' AND t.project_id = ?1",
            [project],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert!(hello("app") >= 1, "full keeps the completion searchable");
    assert_eq!(hello("quiet"), 0);

    // The context headers stay here; the query string goes on.
    let r = Http::new().send(
        reqwest::Client::new()
            .get(format!(
                "{}/v1/proxy/openai/v1/models?limit=5&after=m%201",
                s.url
            ))
            .header("x-bloop-key", &key)
            .header("authorization", "Bearer sk-x"),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let reqs = mock.requests();
    assert_eq!(
        reqs.last().unwrap()["path"],
        "/v1/models?limit=5&after=m%201"
    );
    for r in &reqs {
        for (name, _) in r["headers"].as_object().unwrap() {
            assert!(
                !name.starts_with("x-bloop-") && !name.starts_with("helicone-"),
                "{name} forwarded: {r}"
            );
        }
    }
}

#[test]
fn provider_keys_never_reach_the_log_even_at_trace_level() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let openai = format!("{}/v1", mock.base());
    let server = ServeProcess::start(
        &db,
        &[
            ("BLOOP_LOG", "trace"),
            ("BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL", &openai),
            ("BLOOP__LLM_TRACING__PROXY__ANTHROPIC_BASE_URL", &openai),
        ],
    );
    let key = bloop::store::projects::create_with_key(&mut open_db(&db), "app", Some("app"))
        .unwrap()
        .key
        .key;
    let bases = Bases {
        openai: format!("{}/v1/proxy/openai/v1", server.url),
        anthropic: format!("{}/v1/proxy/anthropic", server.url),
        key: Some(key),
    };
    for sc in ["chat", "chat_stream", "messages_stream", "error_429_openai"] {
        sdk(&bases, sc, &[]);
    }
    // A call refused for its key carries a provider key too.
    let r = Http::new().post(
        &format!("{}/v1/proxy/openai/v1/chat/completions", server.url),
        "{}",
        &[
            ("authorization", &format!("Bearer {OPENAI_SECRET}")),
            ("x-bloop-key", "bloop_nope"),
        ],
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        wait_count(&db, "SELECT count(*) FROM llm_traces", 4, WAIT),
        4
    );
    server.signal("TERM");
    let mut lines = server.startup_log.clone();
    // Until the server's stderr closes (it exited).
    while let Ok(l) = server.stderr_lines.recv_timeout(WAIT) {
        lines.push(l);
    }
    assert_eq!(server.wait(WAIT), Some(0));
    let log = lines.join("\n");
    assert!(
        log.len() > 2_000 && log.contains("TRACE"),
        "a trace-level log: {log}"
    );
    for secret in [OPENAI_SECRET, ANTHROPIC_SECRET] {
        assert!(!log.contains(secret), "{secret} logged");
    }
}

// On both backends: on PostgreSQL the spend is the rollup every node adds to.
crate::both! {
fn sdk_calls_through_the_proxy_answer_as_the_provider_and_are_recorded() {
    let mock = Mock::start();
    let s = TestServer::start_with(|c| mock.point(c));
    let key = new_key(&s, "app");
    set_policy(&s, "app", "full");
    let scenarios = [
        "chat",
        "chat_tools",
        "chat_stream",
        "chat_stream_usage",
        "responses",
        "responses_stream",
        "messages",
        "messages_tools",
        "messages_stream",
        "models",
        "error_429_openai",
        "error_500_openai",
        "error_429_anthropic",
        "error_500_anthropic",
    ];
    let (direct, proxied) = (Bases::direct(&mock), Bases::proxied(&s, &key));
    for sc in scenarios {
        let want = sdk(&direct, sc, &[]);
        let got = sdk(&proxied, sc, &[("X-Bloop-Trace-Name", sc)]);
        assert_eq!(got, want, "{sc}: through the proxy vs direct");
    }
    // Every call but the model list is traced.
    let n = scenarios.len() as i64 - 1;
    assert_eq!(s.wait_count("SELECT count(*) FROM llm_traces", n, WAIT), n);

    let ok = |name: &str, endpoint: &str, model: &str, provider: &str, tokens, cost, streamed| {
        let c = call(&s, name);
        assert_eq!(
            (c.trace_status.as_str(), c.spans, c.status.as_str()),
            ("completed", 1, "ok"),
            "{name}: {c:?}"
        );
        assert_eq!(c.name, endpoint, "{name}");
        assert_eq!(c.model.as_deref(), Some(model), "{name}");
        assert_eq!(c.provider, provider, "{name}");
        assert_eq!(
            c.tokens, tokens,
            "{name}: input, output, cache read, cache write"
        );
        assert_eq!(c.cost, Some(cost), "{name}: µ$");
        assert_eq!(c.meta["stream"], streamed, "{name}");
        assert_eq!(c.meta["upstream_status"], 200, "{name}");
        let latency = c.latency.expect("latency");
        if streamed {
            // The fake provider pauses between events: the first token comes before the end.
            let ttft = c.ttft.unwrap_or_else(|| panic!("{name}: no TTFT"));
            assert!(
                ttft > 0 && ttft <= latency,
                "{name}: ttft {ttft} latency {latency}"
            );
        } else {
            assert_eq!(c.ttft, None, "{name}");
        }
        assert!(c.error.is_none(), "{name}: {:?}", c.error);
        c
    };
    let mini = "gpt-4o-mini-2024-07-18";
    let sonnet = "claude-3-5-sonnet-20241022";
    let c = ok("chat", "chat.completions", mini, "openai", CHAT, 345, false);
    assert_eq!(c.output.as_deref(), Some("Hello from mock"));
    let input: Value = serde_json::from_str(c.input.as_deref().unwrap()).unwrap();
    assert_eq!(input["messages"][1]["content"], "Say hello", "{input}");
    assert_eq!(c.meta["finish_reason"], "stop");
    assert_eq!(c.meta["reasoning_tokens"], 50);
    let c = ok(
        "chat_tools",
        "chat.completions",
        mini,
        "openai",
        CHAT,
        345,
        false,
    );
    assert!(c.output.unwrap().contains("get_weather"));
    assert_eq!(c.meta["finish_reason"], "tool_calls");
    // The client did not ask for usage: the proxy asked for it, and the client still got the
    // stream it asked for (the SDK run above checked every chunk).
    let c = ok(
        "chat_stream",
        "chat.completions",
        mini,
        "openai",
        CHAT,
        345,
        true,
    );
    assert_eq!(c.output.as_deref(), Some("Hello from mock"));
    ok(
        "chat_stream_usage",
        "chat.completions",
        mini,
        "openai",
        CHAT,
        345,
        true,
    );
    let c = ok(
        "responses",
        "responses",
        mini,
        "openai",
        RESPONSES,
        200,
        false,
    );
    assert_eq!(c.output.as_deref(), Some("Hello from responses"));
    let c = ok(
        "responses_stream",
        "responses",
        mini,
        "openai",
        RESPONSES,
        200,
        true,
    );
    assert_eq!(c.output.as_deref(), Some("Hello from responses"));
    let c = ok(
        "messages",
        "messages",
        sonnet,
        "anthropic",
        MESSAGES,
        9225,
        false,
    );
    assert_eq!(c.output.as_deref(), Some("Hello from claude"));
    assert_eq!(c.meta["finish_reason"], "end_turn");
    let c = ok(
        "messages_tools",
        "messages",
        sonnet,
        "anthropic",
        MESSAGES,
        9225,
        false,
    );
    assert!(c.output.unwrap().contains("get_weather"));
    let c = ok(
        "messages_stream",
        "messages",
        sonnet,
        "anthropic",
        MESSAGES,
        9225,
        true,
    );
    assert_eq!(c.output.as_deref(), Some("Hello from claude"));

    for (name, status, message) in [
        ("error_429_openai", 429, "Rate limit reached for mock"),
        ("error_500_openai", 500, "The server had an error"),
        ("error_429_anthropic", 429, "Number of request tokens"),
        ("error_500_anthropic", 500, "Internal server error"),
    ] {
        let c = call(&s, name);
        assert_eq!(
            (c.trace_status.as_str(), c.status.as_str()),
            ("error", "error"),
            "{c:?}"
        );
        assert_eq!(c.meta["upstream_status"], status, "{name}");
        let e = c.error.unwrap_or_default();
        assert!(e.contains(message), "{name}: {e}");
    }

    // What the provider received: its own key, never bloop's, and usage asked of the one
    // stream that did not ask for it.
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2 * scenarios.len(), "direct, then proxied");
    for pair in reqs.chunks(2) {
        let (d, p) = (&pair[0], &pair[1]);
        assert_eq!(p["path"], d["path"]);
        assert_eq!(p["method"], d["method"]);
        assert!(p["headers"].get("x-bloop-key").is_none(), "{p}");
        let auth = p["headers"]["authorization"]
            .as_str()
            .or(p["headers"]["x-api-key"].as_str())
            .unwrap_or_default();
        assert!(auth.contains("sk-"), "the provider's key passes: {p}");
        if d["body"]["stream_options"].is_null()
            && d["body"]["stream"] == true
            && d["path"] == "/v1/chat/completions"
        {
            assert_eq!(p["body"]["stream_options"]["include_usage"], true, "{p}");
            let mut edited = p["body"].clone();
            edited.as_object_mut().unwrap().remove("stream_options");
            assert_eq!(edited, d["body"], "nothing else changed");
        } else {
            assert_eq!(p["body"], d["body"], "forwarded as sent");
        }
    }

    // The provider keys are nowhere in the database.
    let (dir, db) = s.stop();
    let mut bytes = Vec::new();
    for suffix in ["", "-wal"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        bytes.extend(std::fs::read(p).unwrap_or_default());
    }
    for secret in [OPENAI_SECRET, ANTHROPIC_SECRET] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} stored"
        );
    }
    drop(dir);
}

fn an_enforced_budget_refuses_calls_once_the_month_spend_reaches_it() {
    let mock = Mock::start();
    let s = TestServer::start_with(|c| {
        mock.point(c);
        c.llm_tracing.cache_ttl_secs = 1;
    });
    let key = crate::llm_admin::project(&s, "app");
    let other = crate::llm_admin::project(&s, "other");
    let http = Http::new();
    let token = crate::llm_admin::token(&s, "llm:read,llm:write", None);
    // The calls recorded for `app`, as the trace list counts them.
    let recorded = || -> i64 {
        let r = http.send(
            http.client()
                .get(format!("{}/v1/llm/traces?project=app", s.url))
                .bearer_auth(&token),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.headers["x-total-count"].to_str().unwrap().parse().unwrap()
    };
    // $0.01 a month, enforced; each Anthropic call costs 9,225 µ$.
    let r = http.send(
        http.client()
            .put(format!("{}/v1/llm/budget", s.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({"project": "app", "monthly_usd": 0.01, "enforce": true})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["enforced"].clone(), r.body["budget_micros"].clone()),
        (true.into(), 10_000.into())
    );

    let proxied = Bases::proxied(&s, &key);
    for n in 1..=2 {
        // Under the budget (0, then 9,225 µ$ spent): through.
        sdk(&proxied, "messages", &[]);
        assert!(wait_until(WAIT, || recorded() == n), "call {n} recorded");
        std::thread::sleep(Duration::from_millis(100));
    }
    // 18,450 µ$ ≥ 10,000: refused without calling the provider, in bloop's words.
    let messages = format!("{}/v1/proxy/anthropic/v1/messages", s.url);
    let body = r#"{"model":"claude-3-5-sonnet-20241022","max_tokens":10,"messages":[]}"#;
    // Each on a new connection: a POST on a keep-alive connection the server is closing for
    // idleness at that moment fails in any client (reqwest does not resend a POST).
    let call = || {
        let fresh = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        http.send(
            fresh
                .post(&messages)
                .header("x-bloop-key", &key)
                .header("x-api-key", ANTHROPIC_SECRET)
                .body(body),
        )
    };
    let r = call();
    assert_eq!(r.status, 429, "{:?}", r.body);
    assert_eq!(r.body["code"], "bloop_budget_exceeded");
    assert_eq!(r.body["project"], "app");
    assert_eq!(r.body["spent_usd"], 0.01845);
    assert_eq!(r.body["budget_usd"], 0.01);
    let month = r.body["month"].as_str().unwrap().to_string();
    let resets = r.body["resets_at"].as_str().unwrap();
    assert!(
        resets.ends_with("-01T00:00:00Z") && resets > month.as_str(),
        "{resets}"
    );
    let retry: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 31 * 86_400, "{retry}");
    assert_eq!(mock.requests().len(), 2, "the provider was not called");
    assert_eq!(recorded(), 2, "nothing recorded");
    // Another project is not held to it.
    sdk(&Bases::proxied(&s, &other), "messages", &[]);
    // The budget report says so (on a new connection too: the PUT's has been idle since).
    let r = http.send(
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
            .get(format!("{}/v1/llm/budget?project=app", s.url))
            .bearer_auth(&token),
    );
    assert_eq!(
        (
            r.body[0]["enforced"].clone(),
            r.body[0]["over_budget"].clone()
        ),
        (true.into(), true.into())
    );

    // Lifted from the CLI (the database directly): the proxy reads it within cache_ttl_secs.
    let out = bloop_cli(
        &s.db_path,
        &[
            "llm",
            "budget",
            "set",
            "0.01",
            "--project",
            "app",
            "--no-enforce",
        ],
    );
    let said = cli_ok(&out);
    assert!(said.contains("budget of app: $0.01"), "{said}");
    assert!(!said.contains("enforced"), "{said}");
    let passed = wait_until(WAIT, || call().status == 200);
    assert!(passed, "calls pass again once enforcement is off");
    let table = cli_ok(&bloop_cli(
        &s.db_path,
        &["llm", "budget", "--project", "app"],
    ));
    assert!(table.contains("OVER BUDGET"), "{table}");
}

}

/// Two nodes on one PostgreSQL: a budget changed through one node holds on the other's proxy at
/// once (the change's NOTIFY drops what that node cached), though it caches for an hour.
#[test]
fn a_budget_changed_on_one_node_holds_on_the_other_at_once() {
    with_postgres(|| {
        let mock = Mock::start();
        let a = TestServer::start_with(|c| {
            mock.point(c);
            c.llm_tracing.cache_ttl_secs = 3600;
        });
        let url = pg_url_of(&a.db_path).expect("on PostgreSQL");
        let b = TestServer::start_with(|c| {
            mock.point(c);
            c.llm_tracing.cache_ttl_secs = 3600;
            c.database.url = Some(bloop::config::Secret::new(url.clone()));
        });
        let key = crate::llm_admin::project(&a, "app");
        let token = crate::llm_admin::token(&a, "llm:read,llm:write", None);
        let http = Http::new();
        let budget = |usd: f64| {
            let r = http.send(
                http.client()
                    .put(format!("{}/v1/llm/budget", a.url))
                    .bearer_auth(&token)
                    .json(
                        &serde_json::json!({"project": "app", "monthly_usd": usd, "enforce": true}),
                    ),
            );
            assert_eq!(r.status, 200, "{:?}", r.body);
        };
        let recorded = || count_in(&a.db_path, "SELECT count(*) FROM llm_traces");
        // Through node b, on a new connection each (see the one-node test).
        let call = || {
            let fresh = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap();
            http.send(
                fresh
                    .post(format!("{}/v1/proxy/anthropic/v1/messages", b.url))
                    .header("x-bloop-key", &key)
                    .header("x-api-key", ANTHROPIC_SECRET)
                    .body(
                        r#"{"model":"claude-3-5-sonnet-20241022","max_tokens":10,"messages":[]}"#,
                    ),
            )
            .status
        };

        // $0.01, set on node a; each call costs 9,225 µ$: two through node b, then refused.
        budget(0.01);
        let through_b = Bases::proxied(&b, &key);
        for n in 1..=2 {
            sdk(&through_b, "messages", &[]);
            assert!(wait_until(WAIT, || recorded() == n), "call {n} recorded");
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(call(), 429);
        // Raised on node a: node b lets calls through within a second.
        budget(1.0);
        assert!(
            wait_until(Duration::from_secs(1), || call() != 429),
            "node b still holds the old budget"
        );
        // Lowered again on node a: node b refuses within a second.
        budget(0.01);
        assert!(
            wait_until(Duration::from_secs(1), || call() == 429),
            "node b still holds the raised budget"
        );
    });
}
