//! Operator tools: `bloop health`, `bloop doctor` against healthy and broken setups, and
//! `bloop backup` taken during ingest.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;

fn bloop(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(bloop_bin())
        .args(args)
        .env_remove("BLOOP_URL")
        .env_remove("BLOOP_CONFIG")
        .current_dir(dir)
        .output()
        .expect("run bloop")
}

#[test]
fn health_exits_0_for_a_healthy_server_and_1_otherwise() {
    let s = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let o = bloop(dir.path(), &["health", "--url", &s.url]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok"));
    let o = bloop(dir.path(), &["health", "--url", "http://127.0.0.1:1"]);
    assert_eq!(o.status.code(), Some(1));
    // Database locked beyond the health check's wait: unhealthy, exit 1.
    let blocker = s.db();
    blocker.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let o = bloop(dir.path(), &["health", "--url", &s.url]);
    assert_eq!(o.status.code(), Some(1));
    blocker.execute_batch("ROLLBACK;").unwrap();
}

#[test]
fn doctor_passes_a_healthy_setup_and_names_what_is_broken() {
    let s = TestServer::start();
    let dir = s.dir.path().to_path_buf();
    let db = s.db_path.to_str().unwrap().to_string();
    let good = Command::new(bloop_bin())
        .args(["doctor", "--url", &s.url])
        .env("BLOOP__DATABASE__PATH", &db)
        .env("BLOOP__AUTH__HMAC_SECRET", SECRET)
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&good.stdout);
    assert_eq!(
        good.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        text.contains("✓") && text.contains("migrations") && text.contains("current"),
        "{text}"
    );

    // A typo in the config file is named, with a suggestion.
    let cfg = dir.join("typo.toml");
    std::fs::write(&cfg, "[server]\nprot = 8080\n").unwrap();
    let o = bloop(&dir, &["doctor", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("prot") && text.contains("server.port"),
        "{text}"
    );

    // World-readable database and an unreachable --url.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&s.db_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let o = Command::new(bloop_bin())
        .args(["doctor", "--url", "http://127.0.0.1:1", "--json"])
        .env("BLOOP__DATABASE__PATH", &db)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let checks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let level = |name: &str| {
        checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["level"].as_str().unwrap().to_string())
    };
    assert_eq!(level("database permissions").as_deref(), Some("fail"));
    assert_eq!(level("server").as_deref(), Some("fail"));
    assert_eq!(level("ingest secret").as_deref(), Some("warn"));
    assert_eq!(level("passkeys").as_deref(), Some("ok"));

    // A relying party that cannot work is named before anyone tries to sign in.
    let passkeys = |rp_id: &str, origin: &str| -> serde_json::Value {
        let o = Command::new(bloop_bin())
            .args(["doctor", "--json"])
            .env("BLOOP__DATABASE__PATH", &db)
            .env("BLOOP__AUTH__RP_ID", rp_id)
            .env("BLOOP__AUTH__RP_ORIGIN", origin)
            .current_dir(&dir)
            .output()
            .unwrap();
        let checks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let found = checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "passkeys");
        found.unwrap().clone()
    };
    let pk = passkeys("example.com", "https://bloop.other.org");
    assert_eq!(pk["level"], "fail");
    assert!(
        pk["detail"].as_str().unwrap().contains("auth.rp_id"),
        "{pk}"
    );
    let pk = passkeys("10.0.0.5", "http://10.0.0.5:5332");
    assert_ne!(pk["level"], "ok", "{pk}");
    let pk = passkeys("bloop.example.com", "https://bloop.example.com");
    assert_eq!(pk["level"], "ok", "{pk}");

    // The LLM proxy: where each provider goes; a bad base URL or provider stops doctor with
    // the key named; plain http off this machine is a warning (provider keys in the clear).
    let proxy = |env: &[(&str, &str)]| -> (Option<i32>, serde_json::Value) {
        let mut c = Command::new(bloop_bin());
        c.args(["doctor", "--json"])
            .env("BLOOP__DATABASE__PATH", &db)
            .current_dir(&dir);
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        let checks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let name = if checks[0]["level"] == "fail" {
            "configuration"
        } else {
            "llm proxy"
        };
        let found = checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned();
        (o.status.code(), found.unwrap_or_default())
    };
    if cfg!(feature = "llm-tracing") {
        let (_, c) = proxy(&[]);
        assert_eq!(c["level"], "ok", "{c}");
        let d = c["detail"].as_str().unwrap();
        assert!(
            d.contains("/v1/proxy/openai → https://api.openai.com/v1"),
            "{d}"
        );
        assert!(
            d.contains("/v1/proxy/anthropic → https://api.anthropic.com/v1"),
            "{d}"
        );
        let (_, c) = proxy(&[(
            "BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL",
            "http://llm-gw.internal:8080/v1",
        )]);
        assert_eq!(c["level"], "warn", "{c}");
        assert!(c["detail"].as_str().unwrap().contains("unencrypted"), "{c}");
        let (_, c) = proxy(&[(
            "BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL",
            "http://127.0.0.1:9/v1",
        )]);
        assert_eq!(c["level"], "ok", "{c}");
        for (key, value, named) in [
            (
                "BLOOP__LLM_TRACING__PROXY__ANTHROPIC_BASE_URL",
                "ftp://x",
                "anthropic_base_url",
            ),
            (
                "BLOOP__LLM_TRACING__PROXY__PROVIDERS",
                "openai,mistral",
                "mistral",
            ),
        ] {
            let (code, c) = proxy(&[(key, value)]);
            assert_eq!((code, c["level"].as_str()), (Some(1), Some("fail")), "{c}");
            assert!(c["detail"].as_str().unwrap().contains(named), "{c}");
        }
    }
}

#[test]
fn backup_during_ingest_is_consistent_and_holds_everything_acknowledged_before_it() {
    let s = TestServer::start();
    let url = s.url.clone();
    let acked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let loader = {
        let (acked, stop) = (acked.clone(), stop.clone());
        std::thread::spawn(move || {
            let http = Http::new();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) && i < 20_000 {
                let events: Vec<_> = (0..20)
                    .map(|j| {
                        serde_json::from_str::<serde_json::Value>(&event(&format!(
                            "k{} load",
                            (i + j) % 50
                        )))
                        .unwrap()
                    })
                    .collect();
                let r = http.post_signed(
                    &format!("{url}/v1/ingest/batch"),
                    &serde_json::json!({"events": events}).to_string(),
                );
                if r.status == 200 {
                    acked.fetch_add(20, Ordering::Relaxed);
                }
                i += 20;
            }
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    // Everything acknowledged so far must be committed before the copy starts.
    let before = acked.load(Ordering::Relaxed) as i64;
    s.wait_count(
        "SELECT count(*) FROM events",
        before,
        Duration::from_secs(10),
    );
    let out = s.dir.path().join("backup.db");
    let o = Command::new(bloop_bin())
        .args(["backup", out.to_str().unwrap(), "--json"])
        .env("BLOOP__DATABASE__PATH", &s.db_path)
        .output()
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    loader.join().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["integrity"], "ok");
    let copy = open_db(&out);
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let copied = count(&copy, "SELECT count(*) FROM events");
    assert!(
        copied >= before,
        "backup has {copied} events, {before} were acknowledged before it"
    );
    assert_eq!(count(&copy, "SELECT sum(total_count) FROM issues"), copied);
    // Refuses to overwrite without --force.
    let o = Command::new(bloop_bin())
        .args(["backup", out.to_str().unwrap()])
        .env("BLOOP__DATABASE__PATH", &s.db_path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}
