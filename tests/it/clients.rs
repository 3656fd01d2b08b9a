//! The Python client existing bloop users have (`bloop-sdk`, pinned in tests/requirements.txt),
//! unmodified, against a real server: it signs with the project key and sends no key header,
//! buffers events and posts them in batches of its `max_buffer_size`.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

/// Runs the SDK: `n` events captured with a buffer of `buffer` (`None`: the SDK's default, 100),
/// then `close()` (which flushes what is left).
pub(crate) fn python_sdk(url: &str, key: &str, n: usize, buffer: Option<usize>) {
    let script = r#"
import os
from bloop import BloopClient
kwargs = {"flush_interval": 60, "environment": "production", "release": "2.0"}
if os.environ["BUFFER"]:
    kwargs["max_buffer_size"] = int(os.environ["BUFFER"])
client = BloopClient(os.environ["URL"], os.environ["KEY"], **kwargs)
for i in range(int(os.environ["N"])):
    client.capture("SdkError", "sdk event %d" % i, route_or_procedure="GET /sdk",
                   metadata={"i": i, "nested": {"deep": [1, 2]}})
client.close()
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .env("URL", url)
        .env("KEY", key)
        .env("N", n.to_string())
        .env("BUFFER", buffer.map(|b| b.to_string()).unwrap_or_default())
        .output()
        .expect("python3 with bloop-sdk (tests/requirements.txt, installed by tests/run.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn app_events(s: &TestServer) -> i64 {
    count(
        &s.db(),
        "SELECT count(*) FROM events e JOIN issues i ON i.id = e.issue_id WHERE i.project_id = 'app'",
    )
}

/// A key made a moment ago by the CLI works for the SDK's first request (it signs with the key
/// and sends no header, so the server finds the project by the signature); batches within
/// `ingest.max_batch_size` land whole, with their metadata.
#[test]
fn the_python_sdk_delivers_through_a_brand_new_key_in_batches_within_the_cap() {
    let s = TestServer::start();
    let created: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["projects", "create", "App", "--json"],
    )))
    .unwrap();
    let key = created["key"]["key"].as_str().unwrap();
    // 50 + 50 when the buffer fills, 20 at close: every request within the cap of 50.
    python_sdk(&s.url, key, 120, Some(50));
    assert_eq!(
        s.wait_count(
            "SELECT count(*) FROM events e JOIN issues i ON i.id = e.issue_id WHERE i.project_id = 'app'",
            120,
            Duration::from_secs(10)
        ),
        120
    );
    let (release, meta): (String, String) = s
        .db()
        .query_row(
            "SELECT release, metadata FROM events WHERE message = 'sdk event 7'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(release, "2.0");
    assert_eq!(
        serde_json::from_str::<Value>(&meta).unwrap(),
        serde_json::json!({"i": 7, "nested": {"deep": [1, 2]}})
    );
}

/// The pairing the README describes: the SDK's default buffer (100) is over the default cap
/// (50), so its batches are refused (and the SDK drops them silently); raising
/// `ingest.max_batch_size` to 100 lets them land.
#[test]
fn the_sdk_default_buffer_needs_the_batch_cap_raised_to_match() {
    for (cap, want) in [(50, 0), (100, 100)] {
        let s = TestServer::start_with(|c| c.ingest.max_batch_size = cap);
        let created: Value = serde_json::from_str(&cli_ok(&bloop_cli(
            &s.db_path,
            &["projects", "create", "App", "--json"],
        )))
        .unwrap();
        python_sdk(&s.url, created["key"]["key"].as_str().unwrap(), 100, None);
        if want > 0 {
            s.wait_count("SELECT count(*) FROM events", want, Duration::from_secs(10));
        } else {
            // A sentinel through the same server: once it is stored, the refused batch would
            // have been too.
            let http = Http::new();
            assert_eq!(
                http.post_signed(&format!("{}/v1/ingest", s.url), &event("sentinel"))
                    .status,
                200
            );
            s.wait_count("SELECT count(*) FROM events", 1, Duration::from_secs(10));
        }
        assert_eq!(app_events(&s), want, "cap {cap}");
    }
}

/// The SDK's trace API, unmodified: it signs `{"traces": [...]}` with the project key and no
/// header, sends 0.0 as the cost it does not know, times in ms, uuid hex ids. Twelve traces
/// (a batch of 10 when its buffer fills, 2 at close) land with tokens, costs priced by bloop
/// (0.0 is "unknown", not free), the client's own cost where it set one, the tree and errors.
#[cfg(feature = "llm-tracing")]
#[test]
fn the_python_sdk_traces_land_priced_with_their_tree() {
    let s = TestServer::start();
    let created: Value = serde_json::from_str(&cli_ok(&bloop_cli(
        &s.db_path,
        &["projects", "create", "App", "--json"],
    )))
    .unwrap();
    let key = created["key"]["key"].as_str().unwrap();
    let script = r#"
import os, threading
from bloop import BloopClient
client = BloopClient(os.environ["URL"], os.environ["KEY"], flush_interval=60)
for i in range(12):
    with client.trace(name="support answer", session_id="sess-%d" % (i % 3), user_id="u1",
                      prompt_name="support", prompt_version="2") as t:
        with t.span(model="gpt-4o", provider="openai", name="plan") as s:
            s.set_tokens(1000, 200)
            s.set_latency(800, 120)
        with t.span(span_type="tool", name="lookup", parent_span_id=s.id) as tool:
            tool.set_error("order service timed out")
        with t.span(model="my-private-model", name="rerank") as r:
            r.set_tokens(10, 1)
            r.set_cost(0.002)
client.close()
# The SDK sends trace batches from daemon threads; let them finish before exiting.
for th in threading.enumerate():
    if th is not threading.main_thread():
        th.join(10)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .env("URL", &s.url)
        .env("KEY", key)
        .output()
        .expect("python3 with bloop-sdk");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        s.wait_count(
            "SELECT count(*) FROM llm_traces WHERE project_id = 'app'",
            12,
            Duration::from_secs(10)
        ),
        12
    );
    let db = s.db();
    // gpt-4o: 1,000 × $2.50 + 200 × $10 per million = 4,500 µ$; the private model: the
    // client's $0.002 = 2,000 µ$. Per trace 6,500 µ$.
    let (cost, spans, errors, status): (i64, i64, i64, String) = db
        .query_row(
            "SELECT sum(cost_micros), sum(span_count), sum(error_spans), min(status)
             FROM llm_traces WHERE project_id = 'app'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((cost, spans, errors), (12 * 6_500, 36, 12));
    assert_eq!(status, "completed", "the SDK's trace status is kept");
    let tree: i64 = count(
        &db,
        "SELECT count(*) FROM llm_spans c JOIN llm_spans p
           ON p.trace_pk = c.trace_pk AND p.id = c.parent_span_id
         WHERE c.name = 'lookup' AND p.name = 'plan' AND c.error_message = 'order service timed out'",
    );
    assert_eq!(tree, 12);
    let (ttft, sources): (i64, String) = db
        .query_row(
            "SELECT sum(ttft_ms), group_concat(DISTINCT cost_source) FROM llm_spans
             WHERE cost_source IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(ttft, 12 * 120);
    let mut sources: Vec<&str> = sources.split(',').collect();
    sources.sort();
    assert_eq!(sources, ["client", "table"]);
}
