//! OpenTelemetry's own Python SDK and OTLP/HTTP exporter (pinned in tests/requirements.txt),
//! unmodified and configured only through its environment variables, against a real server:
//! protobuf bodies, plain and gzip, at `/otlp` and at the bare base URL.

use std::process::Command;
use std::time::Duration;

use crate::both;
use crate::common::*;

const WAIT: Duration = Duration::from_secs(15);

/// An agent run as GenAI instrumentations report it: a root agent span, a chat call with the
/// current `gen_ai.*` names (gpt-4o: 1,000 input of which 400 cached, 200 output → 4,000 µ$),
/// a chat call with the legacy names (`gen_ai.system`, `prompt_tokens`), an HTTP span with no
/// GenAI attribute under it, and a failed tool call.
const SCRIPT: &str = r#"
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.trace import Status, StatusCode

provider = TracerProvider(resource=Resource.create({"service.name": "support-bot"}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
tracer = provider.get_tracer("otel-test")

with tracer.start_as_current_span("invoke_agent support") as root:
    root.set_attribute("gen_ai.operation.name", "invoke_agent")
    root.set_attribute("gen_ai.conversation.id", "conv-42")
    root.set_attribute("user.id", "user-9")
    with tracer.start_as_current_span("chat gpt-4o") as s:
        s.set_attribute("gen_ai.operation.name", "chat")
        s.set_attribute("gen_ai.provider.name", "openai")
        s.set_attribute("gen_ai.request.model", "gpt-4o")
        s.set_attribute("gen_ai.response.model", "gpt-4o-2024-08-06")
        s.set_attribute("gen_ai.usage.input_tokens", 1000)
        s.set_attribute("gen_ai.usage.output_tokens", 200)
        s.set_attribute("gen_ai.usage.cache_read.input_tokens", 400)
        with tracer.start_as_current_span("POST api.openai.com") as h:
            h.set_attribute("http.request.method", "POST")
    with tracer.start_as_current_span("chat gpt-4o-mini") as s:
        s.set_attribute("gen_ai.system", "OpenAI")
        s.set_attribute("gen_ai.request.model", "gpt-4o-mini")
        s.set_attribute("gen_ai.usage.prompt_tokens", 2000)
        s.set_attribute("gen_ai.usage.completion_tokens", 1000)
    with tracer.start_as_current_span("execute_tool lookup_order") as t:
        t.set_attribute("gen_ai.operation.name", "execute_tool")
        t.set_status(Status(StatusCode.ERROR, "order service timed out"))
print(format(root.get_span_context().trace_id, "032x"))
provider.shutdown()
"#;

/// Runs the script with `env` (the exporter's variables); returns the trace id it printed.
fn run_exporter(env: &[(&str, String)]) -> String {
    let mut cmd = Command::new("python3");
    cmd.args(["-c", SCRIPT]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect(
        "python3 with opentelemetry-sdk (tests/requirements.txt, installed by tests/run.sh)",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The exporter logs failed exports instead of failing the script.
    assert!(!stderr.contains("Failed to export"), "{stderr}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn new_key(s: &TestServer, slug: &str) -> String {
    let out = bloop_cli(
        &s.db_path,
        &["projects", "create", slug, "--slug", slug, "--json"],
    );
    let created: serde_json::Value = serde_json::from_str(&cli_ok(&out)).expect("project JSON");
    created["key"]["key"].as_str().expect("key").to_string()
}

fn check_trace(s: &TestServer, project: &str, trace_id: &str) {
    let q = format!(
        "SELECT count(*) FROM llm_spans sp JOIN llm_traces t ON t.pk = sp.trace_pk
         WHERE t.id = '{trace_id}' AND t.project_id = '{project}'"
    );
    assert_eq!(s.wait_count(&q, 5, WAIT), 5, "all five spans of {trace_id}");
    // A failed span makes the trace an error. gpt-4o: 600 × $2.50 + 400 × $1.25 + 200 × $10
    // = 4,000 µ$; gpt-4o-mini: 2,000 × $0.15 + 1,000 × $0.60 = 900 µ$.
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM llm_traces WHERE id = '{trace_id}'
               AND name = 'invoke_agent support' AND session_id = 'conv-42'
               AND user_id = 'user-9' AND status = 'error' AND error_spans = 1
               AND cost_micros = 4900"
        )),
        1,
        "the trace's name, session, user, status, errors and cost"
    );
    // (name, type, model, input tokens, cost, is a root, error message) of the spans expected.
    let span = |cond: &str| {
        s.count(&format!(
            "SELECT count(*) FROM llm_spans sp JOIN llm_traces t ON t.pk = sp.trace_pk
             WHERE t.id = '{trace_id}' AND {cond}"
        ))
    };
    for cond in [
        "sp.name = 'invoke_agent support' AND sp.span_type = 'agent' AND sp.parent_span_id IS NULL",
        "sp.name = 'chat gpt-4o' AND sp.span_type = 'generation' AND sp.input_tokens = 1000
             AND sp.cost_micros = 4000",
        "sp.name = 'chat gpt-4o-mini' AND sp.model = 'gpt-4o-mini'",
        // Non-LLM spans are kept.
        "sp.name = 'POST api.openai.com' AND sp.span_type = 'custom'",
        "sp.name = 'execute_tool lookup_order' AND sp.span_type = 'tool'
             AND sp.error_message = 'order service timed out'",
    ] {
        assert_eq!(span(cond), 1, "{cond}");
    }
}

both! {
    fn the_otel_python_exporter_lands_spans_with_model_tokens_cost_and_session() {
        let s = TestServer::start();
        let key = new_key(&s, "otel");
        // The documented setup: the /otlp base URL and the key in the exporter's headers.
        let id = run_exporter(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", format!("{}/otlp", s.url)),
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                format!("Authorization=Bearer {key}"),
            ),
        ]);
        check_trace(&s, "otel", &id);
        // gzip, the X-Bloop-Key header, and the bare base URL (`/v1/traces` takes protobuf too).
        let id = run_exporter(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", s.url.clone()),
            ("OTEL_EXPORTER_OTLP_HEADERS", format!("X-Bloop-Key={key}")),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip".into()),
        ]);
        check_trace(&s, "otel", &id);
        // Usage by model over both runs.
        assert_eq!(
            s.count(
                "SELECT sum(input_tokens) FROM llm_usage_hourly
                 WHERE project_id = 'otel' AND model LIKE 'gpt-4o%'"
            ),
            2 * (1000 + 2000)
        );
    }
}

#[test]
fn otlp_with_an_unknown_key_is_refused_and_nothing_lands() {
    let s = TestServer::start();
    let http = Http::new();
    for headers in [
        vec![("content-type", "application/json")],
        vec![
            ("content-type", "application/json"),
            ("authorization", "Bearer bloop_nope"),
        ],
        vec![
            ("content-type", "application/x-protobuf"),
            ("x-bloop-key", "bloop_nope"),
        ],
    ] {
        let r = http.post(&format!("{}/otlp/v1/traces", s.url), "{}", &headers);
        assert_eq!(r.status, 401, "{headers:?}");
    }
    let key = new_key(&s, "p");
    let r = http.post(
        &format!("{}/otlp/v1/traces", s.url),
        "{}",
        &[
            ("content-type", "text/plain"),
            ("x-bloop-key", key.as_str()),
        ],
    );
    assert_eq!(r.status, 415);
    // An empty export is a success (`{}` back, in JSON).
    let r = http.post(
        &format!("{}/otlp/v1/traces", s.url),
        "{}",
        &[
            ("content-type", "application/json"),
            ("x-bloop-key", key.as_str()),
        ],
    );
    assert_eq!((r.status, r.body.clone()), (200, serde_json::json!({})));
    let r = http.post(
        &format!("{}/otlp/v1/traces", s.url),
        "not protobuf at all",
        &[
            ("content-type", "application/x-protobuf"),
            ("x-bloop-key", key.as_str()),
        ],
    );
    assert_eq!(r.status, 400);
    assert_eq!(count(&s.db(), "SELECT count(*) FROM llm_traces"), 0);
}
