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
fn sigterm_with_a_backlog_keeps_every_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    // Room to queue the whole flood, and small flushes, so the drain takes many transactions.
    let p = ServeProcess::start(
        &db,
        &[
            ("BLOOP__INGEST__CHANNEL_CAPACITY", "20000"),
            ("BLOOP__PIPELINE__FLUSH_BATCH_SIZE", "100"),
        ],
    );
    // The test holds SQLite's write lock through the flood and the signal: the writer's flush
    // waits (and retries), so everything acknowledged beyond the one batch it holds stays
    // queued, and the queue cannot shrink before the signal is sent. Taken once the server
    // answers, since its start-up still writes after it logs its address.
    let http = Http::new();
    assert!(wait_until(Duration::from_secs(10), || http
        .try_get(&format!("{}/health", p.url))
        == Some(200)));
    let lock = open_db(&db);
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let acked = flood(&p.url, 10_000, 4);
    assert_eq!(acked, 10_000);
    let health = http.get(&format!("{}/health", p.url));
    let depth = health.body["queue_depth"].as_u64().expect("queue_depth");
    assert!(
        depth >= 10_000 - 100,
        "the backlog at the signal: {depth} queued ({:?})",
        health.body
    );
    assert_eq!(count(&lock, "SELECT count(*) FROM events"), 0);
    p.signal("TERM");
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);
    assert_eq!(p.wait(Duration::from_secs(60)), Some(0));
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
    // More than it can send before the kill: the load is still on when the process dies.
    let loader = std::thread::spawn(move || flood(&url, 1_000_000, 4));
    // Killed once flushes have committed rows (so there is something to keep sound).
    let conn = open_db(&db);
    let mut committed = 0;
    assert!(
        wait_until(Duration::from_secs(20), || {
            committed = count(&conn, "SELECT count(*) FROM events");
            committed >= 1_000
        }),
        "no rows committed before the kill: {committed}"
    );
    drop(conn);
    assert!(!loader.is_finished(), "the load ended before the kill");
    p.signal("KILL");
    let _ = p.wait(Duration::from_secs(10));
    // The loader's requests fail once the server is gone; how they fail does not matter.
    let _ = loader.join();
    let conn = open_db(&db);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let before = count(&conn, "SELECT count(*) FROM events");
    // What was committed before the kill survives it.
    assert!(
        before >= committed,
        "{before} rows after the kill, {committed} before"
    );
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
