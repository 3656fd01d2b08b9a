//! The `bloop` binary as an operator uses it: sign, send, serve, config errors, exit codes.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::*;

fn bloop(args: &[&str]) -> Command {
    let mut c = Command::new(bloop_bin());
    c.args(args)
        .env_remove("BLOOP_CONFIG")
        .env_remove("BLOOP_URL")
        .env_remove("BLOOP_KEY");
    c
}

#[test]
fn sign_matches_openssl_for_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("body.json");
    std::fs::write(&f, b"{\"message\":\"caf\xc3\xa9\"}\n  trailing  ").unwrap();
    let ours = bloop(&["sign", "--key", "k3y"])
        .arg(&f)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(ours.status.success());
    let openssl = Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", "k3y", "-r"])
        .arg(&f)
        .output()
        .expect("openssl is installed");
    let theirs = String::from_utf8(openssl.stdout).unwrap();
    let theirs = theirs.split_whitespace().next().unwrap();
    assert_eq!(String::from_utf8(ours.stdout).unwrap().trim(), theirs);

    // Standard input, default key from config.
    let mut child = bloop(&["sign"])
        .env("BLOOP__AUTH__HMAC_SECRET", "k3y")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&f).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), theirs);
}

#[test]
fn send_without_flags_posts_a_test_error_that_lands_grouped() {
    let s = TestServer::start();
    for _ in 0..2 {
        let out = bloop(&["send", "--url", &s.url, "--secret", SECRET])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("accepted"));
    }
    assert_eq!(
        s.wait_count("SELECT count(*) FROM events", 2, Duration::from_secs(3)),
        2
    );
    let db = s.db();
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM issues WHERE error_type = 'BloopTestError' AND total_count = 2"
        ),
        1
    );
    // No release is invented (the CLI's version is not the app's).
    assert_eq!(
        count(&db, "SELECT count(*) FROM events WHERE release != ''"),
        0
    );
}

#[test]
fn send_with_flags_file_and_count() {
    let s = TestServer::start();
    let out = bloop(&[
        "send",
        "--url",
        &s.url,
        "--secret",
        SECRET,
        "--message",
        "Payment failed for order 123",
        "--type",
        "PaymentError",
        "--source",
        "ios",
        "--env",
        "staging",
        "--release",
        "2.1.0",
        "--route",
        "POST /pay",
        "--metadata",
        r#"{"order":123}"#,
        "--count",
        "3",
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("events.jsonl");
    let lines: Vec<String> = (0..120)
        .map(|i| event(&format!("line event {i}")))
        .collect();
    std::fs::write(&f, lines.join("\n")).unwrap();
    let out = bloop(&["send", "--url", &s.url, "--secret", SECRET, "--file"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        s.wait_count("SELECT count(*) FROM events", 123, Duration::from_secs(5)),
        123
    );
    let db = s.db();
    assert_eq!(count(&db, "SELECT total_count FROM issues WHERE error_type = 'PaymentError' AND source = 'ios' AND release = '2.1.0' AND route_or_procedure = 'POST /pay'"), 3);
    assert_eq!(
        count(
            &db,
            "SELECT total_count FROM issues WHERE error_type = 'TestError'"
        ),
        120
    );
}

#[test]
fn send_reports_a_refusal_in_one_line_and_exits_1() {
    let s = TestServer::start();
    let out = bloop(&["send", "--url", &s.url, "--secret", "wrong"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("401") && err.contains("invalid_signature"),
        "{err}"
    );
    // It says what the CLI signed with and how to sign as the server expects.
    assert!(err.contains("the secret given with --secret"), "{err}");
    assert!(err.contains("--key") && err.contains("BLOOP_KEY"), "{err}");
    let out = bloop(&[
        "send",
        "--url",
        &s.url,
        "--key",
        "bloop_notakeynotakeynotakey",
    ])
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("project key bloop_"), "{err}");
    assert!(!err.contains("notakeynotakey"), "the key is masked: {err}");
    // Unreachable server: the URL once, and what to check.
    let out = bloop(&["send", "--url", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(err.matches("127.0.0.1:1").count(), 1, "{err}");
    assert!(
        err.contains("connection refused") && err.contains("BLOOP_URL"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_bad_config_names_the_key() {
    let out = bloop(&["send", "--count", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bloop(&["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let out = bloop(&["serve"])
        .env("BLOOP__SERVER__PORT", "not-a-port")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.port"));
}

#[test]
fn serve_warns_about_the_default_secret() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let p = ServeProcess::start(
        &db,
        &[(
            "BLOOP__AUTH__HMAC_SECRET",
            bloop::config::DEFAULT_HMAC_SECRET,
        )],
    );
    let log = p.startup_log.join("\n");
    assert!(log.contains("hmac_secret is still the default"), "{log}");
    p.signal("TERM");
    assert_eq!(p.wait(Duration::from_secs(30)), Some(0));
}
