//! Snapshot tests (insta) of the JSON shapes clients and scripts read, and of a CLI table.
//! Times, ids and generated secrets are redacted; `INSTA_UPDATE=always` re-records.

use std::process::Command;
use std::time::Duration;

use bloop::store::tokens::{self, Scope};
use serde_json::json;

use crate::common::*;

#[test]
fn api_shapes() {
    let s = TestServer::start();
    let http = Http::new();
    let e = json!({"timestamp": 1_700_000_000, "source": "ios", "environment": "production", "release": "3.1.0",
        "app_version": "3.1.0", "build_number": "310", "route_or_procedure": "CheckoutView", "screen": "Checkout",
        "error_type": "NSURLError", "message": "The request timed out after 30 s", "http_status": 504,
        "stack": "0 MyApp 0x0000000100a1b2c3 -[CheckoutView pay] + 52\n1 UIKitCore 0x00000001 -[UIButton tap] + 8",
        "request_id": "req-1", "user_id_hash": "u1", "device_id_hash": "d1", "metadata": {"network": "wifi"}});
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", s.url), &e.to_string())
            .status,
        200
    );
    s.wait_count("SELECT count(*) FROM events", 1, Duration::from_secs(5));
    let token = tokens::create(&s.db(), "snap", &[Scope::Admin], None, None)
        .unwrap()
        .token;
    let get = |path: &str| {
        http.send(
            reqwest::Client::new()
                .get(format!("{}{}", s.url, path))
                .bearer_auth(&token),
        )
    };
    let list = get("/v1/errors").body;
    let fp = list[0]["fingerprint"].as_str().unwrap().to_string();
    insta::assert_json_snapshot!("errors_list", list, {
        "[].first_seen" => "[ms]", "[].last_seen" => "[ms]",
    });
    insta::assert_json_snapshot!("error_detail", get(&format!("/v1/errors/{fp}")).body, {
        ".issue.first_seen" => "[ms]", ".issue.last_seen" => "[ms]",
        ".releases[].first_seen" => "[ms]", ".releases[].last_seen" => "[ms]",
        ".environments[].first_seen" => "[ms]", ".environments[].last_seen" => "[ms]",
        ".samples[].received_at" => "[ms]", ".latest.received_at" => "[ms]", ".latest.id" => "[id]",
    });
    insta::assert_json_snapshot!("stats", get("/v1/stats").body);
    insta::assert_json_snapshot!("error_bad_limit", get("/v1/errors?limit=500").body);
    let bad = http.post_signed(
        &format!("{}/v1/ingest", s.url),
        r#"{"timestamp":1,"error_type":"E","message":"m","stack":5}"#,
    );
    insta::assert_json_snapshot!("ingest_wrong_type", bad.body);
    let r = http.send(
        reqwest::Client::new()
            .post(format!("{}/v1/projects", s.url))
            .bearer_auth(&token)
            .json(&json!({"name": "Snap Shots"})),
    );
    insta::assert_json_snapshot!("project_created", r.body, {
        ".created_at" => "[ms]", ".key.created_at" => "[ms]", ".key.key" => "[key]", ".key.id" => "[id]",
    });
}

#[test]
fn projects_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let conn = bloop::store::open(&db).unwrap();
    bloop::store::projects::create(&conn, "Mobile App", None).unwrap();
    let out = Command::new(bloop_bin())
        .args(["projects", "list"])
        .env("BLOOP__DATABASE__PATH", &db)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("projects_table", String::from_utf8(out.stdout).unwrap());
}
