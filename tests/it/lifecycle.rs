//! Process lifecycle: graceful drain on SIGTERM, crash safety on SIGKILL, restart on the same file.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::common::*;

/// Sends `total` events in batches of 50 from `threads` threads; returns how many got 200.
fn flood(url: &str, total: usize, threads: usize) -> usize {
    let ok = Arc::new(AtomicUsize::new(0));
    let per = total / threads;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let url = url.to_string();
            let ok = ok.clone();
            std::thread::spawn(move || {
                let http = Http::new();
                for chunk in 0..per / 50 {
                    let events: Vec<_> = (0..50)
                        .map(|i| json!({"timestamp": 1_700_000_000, "error_type": "Flood", "source": "api",
                                        "message": format!("kind {} thread {t}", (chunk * 50 + i) % 100)}))
                        .collect();
                    let body = json!({"events": events}).to_string();
                    let r = http.post_signed(&format!("{url}/v1/ingest/batch"), &body);
                    if r.status == 200 {
                        ok.fetch_add(50, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    ok.load(Ordering::Relaxed)
}

#[test]
fn sigterm_after_a_flood_keeps_every_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    // Slow flushes are not needed to prove the drain: a large queue and an immediate SIGTERM are.
    let p = ServeProcess::start(&db, &[("BLOOP__INGEST__CHANNEL_CAPACITY", "20000")]);
    let acked = flood(&p.url, 10_000, 4);
    assert_eq!(acked, 10_000);
    p.signal("TERM");
    assert_eq!(p.wait(Duration::from_secs(30)), Some(0));
    let conn = open_db(&db);
    assert_eq!(count(&conn, "SELECT count(*) FROM events"), 10_000);
    assert_eq!(count(&conn, "SELECT sum(total_count) FROM issues"), 10_000);
}

#[test]
fn sigint_also_drains_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let p = ServeProcess::start(&db, &[]);
    let http = Http::new();
    for i in 0..20 {
        assert_eq!(
            http.post_signed(&format!("{}/v1/ingest", p.url), &event(&format!("n{i}")))
                .status,
            200
        );
    }
    p.signal("INT");
    assert_eq!(p.wait(Duration::from_secs(30)), Some(0));
    assert_eq!(count(&open_db(&db), "SELECT count(*) FROM events"), 20);
}

#[test]
fn sigkill_under_load_leaves_a_sound_database_that_serves_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let p = ServeProcess::start(&db, &[]);
    let url = p.url.clone();
    let loader = std::thread::spawn(move || flood(&url, 20_000, 4));
    std::thread::sleep(Duration::from_millis(700));
    p.signal("KILL");
    let _ = p.wait(Duration::from_secs(10));
    let _ = loader.join();
    let conn = open_db(&db);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let before = count(&conn, "SELECT count(*) FROM events");
    // Aggregates agree with the raw rows that survived: every flush was one transaction.
    assert_eq!(
        count(&conn, "SELECT coalesce(sum(total_count), 0) FROM issues"),
        before
    );
    drop(conn);
    let p = ServeProcess::start(&db, &[]);
    let http = Http::new();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", p.url), &event("after crash"))
            .status,
        200
    );
    assert_eq!(
        wait_count(
            &db,
            "SELECT count(*) FROM events",
            before + 1,
            Duration::from_secs(5)
        ),
        before + 1
    );
    p.signal("TERM");
    assert_eq!(p.wait(Duration::from_secs(30)), Some(0));
}

#[test]
fn in_process_server_flushes_everything_on_stop() {
    let s = TestServer::start();
    let http = Http::new();
    for i in 0..100 {
        assert_eq!(
            http.post_signed(&format!("{}/v1/ingest", s.url), &event(&format!("x{i}")))
                .status,
            200
        );
    }
    let (_dir, db) = s.stop();
    assert_eq!(count(&open_db(&db), "SELECT count(*) FROM events"), 100);
}
