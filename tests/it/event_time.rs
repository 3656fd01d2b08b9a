//! Counts follow the event's own time: a batch of buffered events lands in the hours it happened
//! in (trends, first and last seen), while a timestamp far in the future or older than the
//! retention window counts at arrival and the stored event says so.

use std::time::Duration;

use bloop::store::tokens::Scope;
use serde_json::{json, Value};

use crate::common::*;

const HOUR: i64 = 3_600_000;

fn ev(error_type: &str, timestamp: i64) -> Value {
    json!({"timestamp": timestamp, "source": "ios", "environment": "production",
           "release": "3.1.0", "error_type": error_type, "message": "offline upload"})
}

#[test]
fn counts_trends_and_first_seen_follow_the_events_own_time() {
    let s = TestServer::start();
    let http = Http::new();
    let token = api_token(&s.db_path, &[Scope::ErrorsRead]);
    let now = bloop::store::now_ms();
    let ten_hours_ago = now - 10 * HOUR;
    let events = vec![
        ev("Buffered", ten_hours_ago),
        ev("Buffered", ten_hours_ago + 1_000),
        ev("Buffered", ten_hours_ago + 2_000),
        // 2100-01-01: beyond the 5-minute tolerance, counted now.
        ev("Future", 4_102_444_800_000),
        // Older than the 7-day retention window: counted now.
        ev("Ancient", now - 30 * 24 * HOUR),
        // A clock 2 minutes ahead is believed, but nothing is seen later than its arrival.
        ev("Ahead", now + 120_000),
    ];
    let body = json!({ "events": events }).to_string();
    let r = http.post_signed(&format!("{}/v1/ingest/batch", s.url), &body);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        s.wait_count("SELECT count(*) FROM events", 6, Duration::from_secs(5)),
        6
    );
    let after = bloop::store::now_ms();
    let get = |path: &str| -> Value {
        let r = http.send(
            reqwest::Client::new()
                .get(format!("{}{path}", s.url))
                .bearer_auth(&token),
        );
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        r.body
    };
    let issues = get("/v1/errors?limit=10");
    let issue = |t: &str| -> Value {
        issues
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["error_type"] == t)
            .unwrap_or_else(|| panic!("{t} in {issues}"))
            .clone()
    };
    let hour_of = |ms: i64| ms - ms.rem_euclid(HOUR);
    let counts = |fp: &Value| -> Vec<(i64, i64)> {
        get(&format!(
            "/v1/errors/{}/trend?hours=24",
            fp.as_str().unwrap()
        ))
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["count"].as_i64().unwrap() > 0)
        .map(|b| {
            (
                b["hour_bucket"].as_i64().unwrap(),
                b["count"].as_i64().unwrap(),
            )
        })
        .collect()
    };

    // The buffered batch: in the hour 10 hours ago, first and last seen then.
    let buffered = issue("Buffered");
    assert_eq!(
        counts(&buffered["fingerprint"]),
        [(hour_of(ten_hours_ago), 3)]
    );
    assert_eq!(buffered["first_seen"], ten_hours_ago);
    assert_eq!(buffered["last_seen"], ten_hours_ago + 2_000);

    // 2100, 30 days ago and 2 minutes ahead: all at the arrival time, in the current hour.
    for t in ["Future", "Ancient", "Ahead"] {
        let i = issue(t);
        let seen = i["last_seen"].as_i64().unwrap();
        assert!(
            (now..=after).contains(&seen),
            "{t}: {seen} not in {now}..{after}"
        );
        assert_eq!(i["first_seen"], i["last_seen"], "{t}");
        let c = counts(&i["fingerprint"]);
        assert_eq!(c.len(), 1, "{t}: {c:?}");
        assert!(c[0].0 >= hour_of(now) && c[0].1 == 1, "{t}: {c:?}");
    }

    // The clamped ones are marked; the others keep their own time as sent.
    let conn = s.db();
    let marked: Vec<String> = conn
        .prepare(
            "SELECT coalesce(e.error_type, i.error_type) FROM events e
             JOIN issues i ON i.id = e.issue_id WHERE e.time_clamped = 1 ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(marked, ["Ancient", "Future"]);
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM events WHERE timestamp = {ten_hours_ago}")
        ),
        1
    );

    // The API says so on the event.
    let future = get(&format!(
        "/v1/errors/{}/occurrences",
        issue("Future")["fingerprint"].as_str().unwrap()
    ));
    assert_eq!(future[0]["time_clamped"], true, "{future}");
    assert_eq!(future[0]["timestamp"], 4_102_444_800_000i64);
    let on_time = get(&format!(
        "/v1/errors/{}/occurrences",
        buffered["fingerprint"].as_str().unwrap()
    ));
    assert!(on_time[0].get("time_clamped").is_none(), "{on_time}");

    // The project's trend and the 24-hour total agree.
    let trend = get("/v1/trends?hours=24");
    let at = |h: i64| {
        trend
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["hour_bucket"] == h)
            .map(|b| b["count"].as_i64().unwrap())
            .sum::<i64>()
    };
    assert_eq!(at(hour_of(ten_hours_ago)), 3);
    assert_eq!(get("/v1/stats")["total_events_24h"], 6);
}

#[test]
fn a_late_event_older_than_its_issue_moves_first_seen_back() {
    let s = TestServer::start();
    let http = Http::new();
    let now = bloop::store::now_ms();
    let send = |ts: i64| {
        let body = json!({ "events": [ev("Late", ts)] }).to_string();
        let r = http.post_signed(&format!("{}/v1/ingest/batch", s.url), &body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    };
    send(now - HOUR);
    s.wait_count("SELECT count(*) FROM events", 1, Duration::from_secs(5));
    // Uploaded later, from a phone that was offline for a day.
    send(now - 26 * HOUR);
    s.wait_count("SELECT count(*) FROM events", 2, Duration::from_secs(5));
    let (first, last): (i64, i64) = s
        .db()
        .query_row(
            "SELECT first_seen, last_seen FROM issues WHERE error_type = 'Late'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((first, last), (now - 26 * HOUR, now - HOUR));
}

#[test]
fn a_late_event_moves_its_release_and_slice_first_seen_back_too() {
    let s = TestServer::start();
    let http = Http::new();
    let now = bloop::store::now_ms();
    let send = |ts: i64| {
        let body = json!({ "events": [ev("LateRelease", ts)] }).to_string();
        let r = http.post_signed(&format!("{}/v1/ingest/batch", s.url), &body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    };
    send(now - HOUR);
    s.wait_count("SELECT count(*) FROM events", 1, Duration::from_secs(5));
    send(now - 30 * HOUR);
    s.wait_count("SELECT count(*) FROM events", 2, Duration::from_secs(5));
    let db = s.db();
    let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    // "New in a release" is decided by the earliest (issue, release) row: it must be the
    // earliest event, whatever the order they arrived in.
    assert_eq!(
        one("SELECT min(first_seen) FROM issue_releases"),
        now - 30 * HOUR
    );
    assert_eq!(
        one("SELECT min(first_seen) FROM issue_slices"),
        now - 30 * HOUR
    );
}

/// "New issues" per release count each issue once, in the release of its earliest event: a
/// late upload from an older release takes the credit from the release that had it, and a
/// batch mixing releases credits only the earliest.
#[test]
fn new_issues_count_each_issue_once_in_the_release_of_its_earliest_event() {
    let s = TestServer::start();
    let http = Http::new();
    let now = bloop::store::now_ms();
    let send = |events: Vec<Value>| {
        let body = json!({ "events": events }).to_string();
        let r = http.post_signed(&format!("{}/v1/ingest/batch", s.url), &body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    };
    let at = |ty: &str, release: &str, ts: i64| {
        let mut e = ev(ty, ts);
        e["release"] = json!(release);
        e
    };
    // One batch, two releases: only the earlier one gets the new issue.
    send(vec![
        at("Mixed", "2.0.0", now - HOUR),
        at("Mixed", "1.9.0", now - 2 * HOUR),
    ]);
    // Seen first in 2.0.0, then a phone uploads an older 1.8.0 event.
    send(vec![at("Moved", "2.0.0", now - HOUR)]);
    s.wait_count("SELECT count(*) FROM events", 3, Duration::from_secs(5));
    send(vec![at("Moved", "1.8.0", now - 20 * HOUR)]);
    s.wait_count("SELECT count(*) FROM events", 4, Duration::from_secs(5));
    let db = s.db();
    let new_in = |release: &str| -> i64 {
        db.query_row(
            "SELECT new_issues FROM release_totals WHERE release = ?1",
            [release],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        (new_in("1.8.0"), new_in("1.9.0"), new_in("2.0.0")),
        (1, 1, 0)
    );
    let total: i64 = db
        .query_row("SELECT sum(new_issues) FROM release_totals", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(total, count(&db, "SELECT count(*) FROM issues"));
}
