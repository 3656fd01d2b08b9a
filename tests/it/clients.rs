//! The Python client existing bloop users have (`bloop-sdk`, pinned in tests/requirements.txt),
//! unmodified, against a real server: it signs with the project key and sends no key header,
//! buffers events and posts them in batches of its `max_buffer_size`.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

/// Runs the SDK: `n` events captured with a buffer of `buffer` (`None`: the SDK's default, 100),
/// then `close()` (which flushes what is left).
fn python_sdk(url: &str, key: &str, n: usize, buffer: Option<usize>) {
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
