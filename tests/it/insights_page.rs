//! The Insights page (`/insights`) and the issue page's "Moves with" panel, as a user sees them
//! in headless Chromium (tests/browser/insights.mjs) on a real `bloop serve` signed into with a
//! passkey. With the analytics feature: events planted in the past hours through the signed
//! ingest API (a spike, two issues that fire together, two releases, two environments, a hostile
//! message) show up in their sections, linked to their issues, and the page fits a phone.
//! Without it: the page says how to build bloop with it and the issue page has no panel.

use std::process::Command;
use std::time::Duration;

use bloop::store::users::Role;
use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(15);
const HOUR: i64 = 3_600_000;
const XSS: &str = "<img src=x onerror=alert(1)>";

/// Picks a free port for a child server that must know its origin before it starts.
/// A `bloop serve` whose origin is `http://localhost:<port>`, with its setup link.
struct Served {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    origin: String,
    setup: String,
    serve: ServeProcess,
}

fn serve() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let (serve, origin, setup) = ServeProcess::for_browser(&db, &[]);
    Served {
        _dir: dir,
        db,
        origin,
        setup,
        serve,
    }
}

fn ev(t: i64, error_type: &str, message: &str, release: &str, env: &str) -> Value {
    json!({"timestamp": t, "source": "api", "environment": env, "release": release,
           "error_type": error_type, "message": message})
}

/// Sends `events` through the signed batch API and waits until all are stored.
fn ingest(s: &Served, events: &[Value]) {
    let http = Http::new();
    for batch in events.chunks(50) {
        let body = json!({ "events": batch }).to_string();
        let r = http.post_signed(&format!("{}/v1/ingest/batch", s.origin), &body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let stored = wait_count(
        &s.db,
        "SELECT count(*) FROM events",
        events.len() as i64,
        WAIT,
    );
    assert_eq!(stored, events.len() as i64);
}

fn fingerprint(s: &Served, error_type: &str) -> String {
    open_db(&s.db)
        .query_row(
            "SELECT fingerprint FROM issues WHERE error_type = ?1",
            [error_type],
            |r| r.get(0),
        )
        .unwrap()
}

/// Runs tests/browser/insights.mjs and returns what it saw.
fn browse(s: &Served, issue_path: &str) -> Value {
    // BLOOP_SHOTS_DIR keeps the screenshots for a look.
    let shots = tempfile::tempdir().unwrap();
    let shots_dir = std::env::var_os("BLOOP_SHOTS_DIR").unwrap_or(shots.path().into());
    let out = Command::new("node")
        .arg("tests/browser/insights.mjs")
        .env("BLOOP_URL", &s.origin)
        .env("SETUP_URL", &s.setup)
        .env("ISSUE_PATH", issue_path)
        .env("SHOTS_DIR", &shots_dir)
        .output()
        .expect("node runs (tests/run.sh installs it with Chromium and playwright-core)");
    let result = browser_result(&out);
    assert!(result.is_object(), "no RESULT line");
    result
}

/// The page fits the 390 px window: nothing scrolls sideways but the tables in their cards.
fn assert_fits(seen: &Value, what: &str) {
    let (window, page) = (
        seen["window"].as_i64().unwrap(),
        seen["page"].as_i64().unwrap(),
    );
    assert!(
        window <= 390 && page <= window,
        "{what} is {page} px wide in a {window} px window"
    );
}

fn assert_no_markup_from_events(seen: &Value, what: &str) {
    assert_eq!(
        seen,
        &json!({"imgs": 0, "scripts": 0, "dialogs": 0}),
        "{what}: event text became markup"
    );
}

#[cfg(feature = "analytics")]
#[test]
fn insights_page_shows_the_spike_the_cluster_the_releases_and_environments_in_chromium() {
    let s = serve();
    let now = bloop::store::now_ms();
    let this_hour = now - now.rem_euclid(HOUR);
    let mut events = Vec::new();
    // A steady 1–2 events an hour for 20 hours in 1.0.0, then 40 in the current hour in 1.1.0.
    for h in 1..=20 {
        for k in 0..(1 + h % 2) {
            events.push(ev(
                this_hour - h * HOUR + 60_000 * (k + 1),
                "SpikeError",
                "payment gateway timed out",
                "1.0.0",
                "production",
            ));
        }
    }
    for k in 0..40 {
        // Spread over the current hour so far.
        let t = this_hour + (now - this_hour) * k / 40;
        events.push(ev(
            t,
            "SpikeError",
            "payment gateway timed out",
            "1.1.0",
            "production",
        ));
    }
    // Two issues firing together in the same five hours (one with a hostile message).
    for (h, n) in [(10, 3), (9, 5), (8, 2), (7, 6), (6, 4)] {
        for k in 0..n {
            let t = this_hour - h * HOUR + 60_000 * (k + 1);
            events.push(ev(
                t,
                "InventoryError",
                "stock service unavailable",
                "1.0.0",
                "staging",
            ));
            events.push(ev(t + 1_000, "CacheError", XSS, "1.0.0", "staging"));
        }
    }
    ingest(&s, &events);
    let spike = fingerprint(&s, "SpikeError");
    let inventory = fingerprint(&s, "InventoryError");
    let cache = fingerprint(&s, "CacheError");

    let seen = browse(&s, &format!("/issues/default/{inventory}"));
    assert_eq!(seen["nav"], true);
    assert_eq!(seen["nav_active"], true, "the entry is marked on its page");
    let page = &seen["insights"];
    assert_eq!(page["title"], "Insights");
    assert!(page["off"].is_null(), "{page}");
    let section = |id: &str| -> &Value {
        let s = &page["sections"][id];
        assert!(s.is_object(), "no #{id} section: {page}");
        assert_eq!(s["failed"], false, "{id} failed: {page}");
        s
    };
    let row_of = |id: &str, fp: &str| -> Value {
        section(id)["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["fingerprint"] == fp)
            .unwrap_or_else(|| panic!("{fp} not in {id}: {}", section(id)))
            .clone()
    };

    // Spikes: the spiking issue, its message, a link to its page, its 40 events, a sparkline;
    // the steady clustered issues are not spikes.
    let spikes = section("spikes");
    let row = row_of("spikes", &spike);
    assert_eq!(row["type"], "SpikeError");
    assert_eq!(row["message"], "payment gateway timed out");
    assert_eq!(row["href"], format!("/issues/default/{spike}"));
    assert_eq!(row["spark"], true);
    let events_cell = row["cells"][2].as_str().unwrap();
    assert!(
        events_cell.starts_with("40\n") || events_cell.starts_with("40 "),
        "{events_cell}"
    );
    assert_eq!(spikes["rows"].as_array().unwrap().len(), 1, "{spikes}");
    assert_eq!(
        seen["followed"],
        json!({"path": format!("/issues/default/{spike}"), "title": "SpikeError"}),
        "the spike's link opens its issue"
    );

    // Movers: all three are new in the window; the spiking issue has the most events.
    let movers = section("movers");
    assert_eq!(movers["rows"][0]["fingerprint"], spike.as_str(), "{movers}");
    assert_eq!(row_of("movers", &spike)["spark"], true);
    row_of("movers", &cache);

    // The cluster: these two issues moved together, each linked; the hostile message is text.
    let clusters = section("clusters")["clusters"].as_array().unwrap();
    let pair = clusters
        .iter()
        .find(|c| {
            c["issues"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["fingerprint"] == inventory.as_str())
        })
        .unwrap_or_else(|| panic!("no cluster with InventoryError: {clusters:?}"));
    assert_eq!(pair["heading"], "These 2 issues moved together");
    let mut members: Vec<(String, String, String)> = pair["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["type"].as_str().unwrap().to_string(),
                i["message"].as_str().unwrap().to_string(),
                i["href"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    members.sort();
    assert_eq!(
        members,
        [
            (
                "CacheError".to_string(),
                XSS.to_string(),
                format!("/issues/default/{cache}")
            ),
            (
                "InventoryError".to_string(),
                "stock service unavailable".to_string(),
                format!("/issues/default/{inventory}")
            ),
        ]
    );

    // Releases: both, newest first, with their events.
    let releases: Vec<(String, String)> = section("releases")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["release"].as_str().unwrap().to_string(),
                r["cells"][1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let old = (20 * 3 / 2 + 2 * 20).to_string(); // the steady hours and both clustered issues
    assert_eq!(
        releases,
        [
            ("1.1.0".to_string(), "40".to_string()),
            ("1.0.0".to_string(), old)
        ]
    );
    let newest = &section("releases")["rows"][0]["cells"];
    assert!(newest[6].as_str().unwrap().contains("vs 1.0.0"), "{newest}");

    // Environments: both, busiest first.
    let envs: Vec<(String, String)> = section("environments")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["environment"].as_str().unwrap().to_string(),
                r["cells"][1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        envs,
        [
            ("production".to_string(), "70".to_string()),
            ("staging".to_string(), "40".to_string())
        ]
    );
    // The environment filter offers both.
    let offered = &page["selects"]["environment"];
    assert_eq!(offered, &json!(["", "production", "staging"]), "{page}");

    // The issue page of one clustered issue: the other under "Moves with", linked, with its r.
    assert_eq!(seen["issue_title"], "InventoryError");
    let moves = seen["moves_with"].as_array().expect("a Moves with panel");
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert_eq!(moves[0]["fingerprint"], cache.as_str());
    assert_eq!(moves[0]["type"], "CacheError");
    assert_eq!(moves[0]["message"], XSS);
    assert_eq!(moves[0]["href"], format!("/issues/default/{cache}"));
    assert_eq!(moves[0]["r"], "r 1");

    // Hostile text stays text; both pages fit a phone.
    assert_no_markup_from_events(&seen["insights_injected"], "/insights");
    assert_no_markup_from_events(&seen["issue_injected"], "the issue page");
    assert_fits(&seen["insights_390"], "/insights");
    assert_fits(&seen["issue_390"], "the issue page");
    drop(s.serve);
}

#[cfg(not(feature = "analytics"))]
#[test]
fn without_the_feature_insights_says_how_to_build_it_and_issues_have_no_moves_with() {
    let s = serve();
    let now = bloop::store::now_ms();
    ingest(
        &s,
        &[
            ev(now - HOUR, "CacheError", XSS, "1.0.0", "staging"),
            ev(now, "CacheError", XSS, "1.0.0", "staging"),
        ],
    );
    let cache = fingerprint(&s, "CacheError");
    let seen = browse(&s, &format!("/issues/default/{cache}"));
    assert_eq!(seen["nav"], true, "the entry stays");
    let page = &seen["insights"];
    assert_eq!(page["title"], "Insights");
    let off = page["off"].as_str().expect("the page says why");
    assert!(off.contains("--features analytics"), "{off}");
    assert!(
        page["pre"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "cargo build --release --features analytics"),
        "{page}"
    );
    assert!(
        page["pre"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().contains("FEATURES=\"analytics")),
        "the Docker build too: {page}"
    );
    for id in ["spikes", "movers", "clusters", "releases", "environments"] {
        assert!(page["sections"][id].is_null(), "{id} on a page without it");
    }
    assert_eq!(seen["issue_title"], "CacheError");
    assert!(seen["moves_with"].is_null(), "{seen}");
    assert_no_markup_from_events(&seen["issue_injected"], "the issue page");
    assert_fits(&seen["insights_390"], "/insights");
    drop(s.serve);
}

/// Turned off in the configuration: the page says so and how to turn it on (a build without the
/// feature says how to build it); the issue page carries on without the panel.
#[test]
fn insights_turned_off_says_how_to_turn_them_on() {
    let s = TestServer::start_with(|c| c.analytics.enabled = false);
    let http = Http::new();
    let body = json!({"timestamp": bloop::store::now_ms(), "source": "api",
        "error_type": "CacheError", "message": XSS})
    .to_string();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", s.url), &body)
            .status,
        200
    );
    s.wait_count("SELECT count(*) FROM issues", 1, WAIT);
    let fp: String = s
        .db()
        .query_row("SELECT fingerprint FROM issues", [], |r| r.get(0))
        .unwrap();
    let cookie = user_session(&s.db_path, "vera", Role::Viewer);
    let get = |path: &str| {
        let r = http.send(
            http.client()
                .get(format!("{}{path}", s.url))
                .header("cookie", &cookie),
        );
        assert_eq!(r.status, 200, "{path}");
        r.body.as_str().unwrap().to_string()
    };
    let html = get("/insights?hours=24&environment=prod");
    assert!(
        html.contains(r#"<a href="/insights" class="active">Insights</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"id="insights-off""#), "{html}");
    if cfg!(feature = "analytics") {
        assert!(html.contains("nalytics is turned off"), "{html}");
        assert!(html.contains("[analytics]\nenabled = true"), "{html}");
        assert!(!html.contains("cargo build"), "{html}");
    } else {
        assert!(html.contains("--features analytics"), "{html}");
    }
    let issue = get(&format!("/issues/default/{fp}"));
    assert!(issue.contains("CacheError"));
    assert!(!issue.contains("Moves with"), "{issue}");
    assert!(!issue.contains("<img"));
}
