//! The issue page with what Sentry events carry: events sent through the Sentry store endpoint
//! with a DSN key, then the page as a signed-in user reads it (frames crashing first, in-app
//! frames marked, framework runs folded, tags with counts and shares, breadcrumbs, affected
//! users) and the detail API's `users` and `tags`; hostile event text stays text.

use std::time::Duration;

use bloop::store::keys;
use bloop::store::tokens::Scope;
use bloop::store::users::Role;
use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);
const XSS: &str = "<img src=x onerror=alert(1)>";
const XSS_ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";

/// A DSN key of the default project (Sentry project number 1).
fn dsn_key(s: &TestServer) -> String {
    keys::create_kind(&s.db(), "default", "sdk", keys::KIND_DSN)
        .unwrap()
        .key
}

/// A Node SDK's event: the stack oldest first, as Sentry sends it.
fn sentry_event(user: &str, region: &str, n: usize) -> Value {
    json!({
        "platform": "node",
        "level": "error",
        "release": "web@1.4.0",
        "environment": "staging",
        "transaction": "POST /checkout",
        "user": {"id": user},
        "tags": {"region": region, "plan": XSS},
        "breadcrumbs": {"values": [
            {"timestamp": 1_700_000_000.25, "category": "ui.click", "level": "info", "message": format!("clicked pay {n}")},
            {"timestamp": "2023-11-14T22:13:21.500Z", "category": "http", "level": "warning", "type": "http",
             "data": {"method": "POST", "url": "/api/charge", "status_code": 502}},
            {"timestamp": 1_700_000_002, "category": "console", "level": "error", "message": XSS}
        ]},
        "exception": {"values": [{"type": "ChargeError", "value": format!("card declined ({n})"),
            "stacktrace": {"frames": [
                {"filename": "node:internal/process/task_queues", "function": "processTicksAndRejections",
                 "lineno": 95, "colno": 5, "in_app": false},
                {"filename": "node_modules/express/lib/router/layer.js", "function": "handle",
                 "lineno": 95, "colno": 5, "in_app": false},
                {"filename": "src/routes/checkout.js", "abs_path": "/srv/web/src/routes/checkout.js",
                 "function": "checkout", "module": "routes.checkout", "lineno": 20, "colno": 3, "in_app": true},
                // No `in_app`: judged by its path, as the same line in a text stack would be.
                {"abs_path": "/srv/web/node_modules/lodash/lodash.js", "function": "map", "lineno": 1, "colno": 9},
                {"filename": "node_modules/stripe/lib/StripeResource.js", "function": "request",
                 "lineno": 310, "colno": 12, "in_app": false},
                {"filename": "src/util.js", "function": "retry", "lineno": 7, "colno": 1},
                {"filename": "src/pay.js", "function": XSS, "lineno": 88, "colno": 7, "in_app": true}
            ]}}]}
    })
}

/// The part of `html` from the element with `id` to the next `<section` (a panel).
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("<section").unwrap_or(rest.len())]
}

/// The count and share shown for `value` under tag `key`.
fn tag_shown(tags: &str, key: &str, value: &str) -> String {
    let block = &tags[tags
        .find(&format!(r#"data-tag="{key}""#))
        .unwrap_or_else(|| panic!("no tag {key} in {tags}"))..];
    let block = &block[..block[1..].find("data-tag=").map_or(block.len(), |i| i + 1)];
    let at = block
        .find(&format!(">{value}</span>"))
        .unwrap_or_else(|| panic!("no value {value} under {key}: {block}"));
    let after = &block[at..];
    let muted = after.find(r#"<span class="muted">"#).unwrap() + r#"<span class="muted">"#.len();
    after[muted..muted + after[muted..].find("</span>").unwrap()].to_string()
}

fn send(s: &TestServer, http: &Http, key: &str, events: &[Value]) {
    for e in events {
        let r = http.post(
            &format!("{}/api/1/store/?sentry_key={key}", s.url),
            e.to_string().into_bytes(),
            &[("content-type", "application/json")],
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    s.wait_count("SELECT count(*) FROM events", events.len() as i64, WAIT);
}

#[test]
fn issue_page_shows_sentry_frames_tags_breadcrumbs_and_users() {
    let s = TestServer::start();
    let http = Http::new();
    let key = dsn_key(&s);
    send(
        &s,
        &http,
        &key,
        &[
            sentry_event("alice", "eu", 1),
            sentry_event("bob", "us", 2),
            sentry_event("alice", "eu", 3),
        ],
    );
    let conn = s.db();
    assert_eq!(count(&conn, "SELECT count(*) FROM issues"), 1, "one issue");
    let fp: String = conn
        .query_row("SELECT fingerprint FROM issues", [], |r| r.get(0))
        .unwrap();

    let cookie = user_session(&s.db_path, "vera", Role::Viewer);
    let page = http.send(
        http.client()
            .get(format!("{}/issues/default/{fp}", s.url))
            .header("cookie", &cookie),
    );
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();

    // Affected users in the header.
    assert!(
        html.contains(r#"<span id="issue-users">2 users</span>"#),
        "{html}"
    );

    // The latest event's frames, the crashing one first.
    let latest = section(html, "event");
    let order = [
        "src/pay.js:88:7",
        "src/util.js:7:1",
        "node_modules/stripe/lib/StripeResource.js:310:12",
        "lodash.js:1:9",
        "src/routes/checkout.js:20:3",
        "node_modules/express/lib/router/layer.js:95:5",
        "node:internal/process/task_queues:95:5",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|f| latest.find(f).unwrap_or_else(|| panic!("{f} in {latest}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "frame order {at:?}");
    // In-app frames are marked (the one without `in_app` by its path), with function and module.
    assert!(latest.contains(
        r#"<div class="frame in-app"><span class="fn">checkout</span> <span class="loc" title="/srv/web/src/routes/checkout.js">src/routes/checkout.js:20:3</span> <span class="module">routes.checkout</span>"#
    ), "{latest}");
    assert!(latest.contains(r#"<div class="frame in-app"><span class="fn">retry</span>"#));
    assert!(latest.contains(&format!(
        r#"<div class="frame in-app"><span class="fn">{XSS_ESCAPED}</span>"#
    )));
    // Framework frames only inside the two folded runs, each of two.
    let folds: Vec<&str> = latest
        .split(r#"<details class="framework-frames">"#)
        .skip(1)
        .map(|d| &d[..d.find("</details>").unwrap()])
        .collect();
    assert_eq!(folds.len(), 2, "{latest}");
    for (fold, names) in folds
        .iter()
        .zip([["request", "map"], ["handle", "processTicksAndRejections"]])
    {
        assert!(
            fold.starts_with("<summary>show 2 framework frames</summary>"),
            "{fold}"
        );
        for n in names {
            assert!(
                fold.contains(&format!(
                    r#"<div class="frame framework"><span class="fn">{n}</span>"#
                )),
                "{n} in {fold}"
            );
        }
    }
    assert_eq!(latest.matches(r#"class="frame framework""#).count(), 4);
    assert_eq!(latest.matches(r#"class="frame in-app""#).count(), 3);

    // Breadcrumbs, newest last; the data of a crumb without a message.
    let crumbs = &latest[latest.find("<table class=\"breadcrumbs\"").unwrap()..];
    let clicked = crumbs.find("clicked pay 3").unwrap();
    let http_crumb = crumbs.find("/api/charge").unwrap();
    let console = crumbs
        .find(&format!(r#"<td class="crumb-message">{XSS_ESCAPED}</td>"#))
        .unwrap();
    assert!(clicked < http_crumb && http_crumb < console, "{crumbs}");
    assert!(crumbs.contains(">22:13:20.250<") && crumbs.contains(">22:13:21.500<"));
    assert!(crumbs.contains("<td>ui.click</td><td>info</td>"));

    // Tags: the columns and the SDK's tags, counts and shares over the three events.
    let tags = section(html, "tags");
    assert!(tags.contains("From all 3 stored events."), "{tags}");
    assert_eq!(tag_shown(tags, "region", "eu"), "2 · 67%");
    assert_eq!(tag_shown(tags, "region", "us"), "1 · 33%");
    assert_eq!(tag_shown(tags, "plan", XSS_ESCAPED), "3 · 100%");
    assert_eq!(tag_shown(tags, "release", "web@1.4.0"), "3 · 100%");
    assert_eq!(tag_shown(tags, "environment", "staging"), "3 · 100%");
    assert_eq!(tag_shown(tags, "source", "node"), "3 · 100%");
    assert_eq!(tag_shown(tags, "route", "POST /checkout"), "3 · 100%");
    assert_eq!(tag_shown(tags, "level", "error"), "3 · 100%");

    // Hostile text (frame function, tag value, breadcrumb) is text everywhere on the page.
    assert!(!html.contains("<img"), "an <img> tag reached the page");
    assert!(html.matches(XSS_ESCAPED).count() >= 3);

    // The same in the detail API.
    let token = api_token(&s.db_path, &[Scope::ErrorsRead]);
    let detail = http.send(
        http.client()
            .get(format!("{}/v1/errors/{fp}", s.url))
            .bearer_auth(&token),
    );
    assert_eq!(detail.status, 200);
    let d = detail.body;
    assert_eq!(d["users"], 2);
    assert_eq!(d["tags"]["events"], 3);
    assert_eq!(d["tags"]["capped"], false);
    let tag = |k: &str| {
        d["tags"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == k)
            .unwrap_or_else(|| panic!("no tag {k} in {d}"))
            .clone()
    };
    assert_eq!(
        tag("region"),
        json!({"key": "region", "events": 3, "distinct": 2,
               "values": [{"value": "eu", "count": 2}, {"value": "us", "count": 1}]})
    );
    assert_eq!(tag("plan")["values"], json!([{"value": XSS, "count": 3}]));
    let keys: Vec<&str> = d["tags"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        &keys[..4],
        ["release", "environment", "source", "route"],
        "columns first: {keys:?}"
    );
}

#[test]
fn tags_count_the_newest_events_and_say_so_when_capped() {
    let s = TestServer::start();
    let http = Http::new();
    // One more event than the breakdown reads: the oldest is the only one in `ap`, and bloop's
    // flat metadata keys count as tags too.
    let total = bloop::store::issues::TAG_EVENTS as usize + 1;
    let events: Vec<Value> = (0..total)
        .map(|n| {
            json!({"timestamp": 1_700_000_000, "source": "api", "release": "2.0.0",
                "error_type": "QuotaError", "message": "over quota", "user_id_hash": format!("u{}", n % 7),
                "metadata": {"region": if n == 0 { "ap" } else if n % 4 == 0 { "us" } else { "eu" }}})
        })
        .collect();
    for batch in events.chunks(50) {
        let body = json!({ "events": batch }).to_string();
        let r = http.post_signed(&format!("{}/v1/ingest/batch", s.url), &body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    s.wait_count("SELECT count(*) FROM events", total as i64, WAIT);
    let conn = s.db();
    let (id, fp): (i64, String) = conn
        .query_row("SELECT id, fingerprint FROM issues", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();

    let cookie = user_session(&s.db_path, "vera", Role::Viewer);
    let page = http.send(
        http.client()
            .get(format!("{}/issues/default/{fp}", s.url))
            .header("cookie", &cookie),
    );
    let html = page.body.as_str().unwrap();
    assert!(html.contains(r#"<span id="issue-users">7 users</span>"#));
    let tags = section(html, "tags");
    assert!(tags.contains("From the latest 5,000 events."), "{tags}");
    // Of the newest 5,000 (n = 1..=5000): every fourth in `us`, none in `ap`.
    assert_eq!(tag_shown(tags, "region", "eu"), "3,750 · 75%");
    assert_eq!(tag_shown(tags, "region", "us"), "1,250 · 25%");
    assert!(!tags.contains(">ap<"));
    assert_eq!(tag_shown(tags, "release", "2.0.0"), "5,000 · 100%");

    // The store reads exactly the newest `limit`.
    let t = bloop::store::issues::tags(&conn, id, 3, usize::MAX).unwrap();
    assert_eq!((t.events, t.capped), (3, true));
    let all = bloop::store::issues::tags(&conn, id, total as u32, usize::MAX).unwrap();
    assert_eq!((all.events, all.capped), (total as i64, false));
    let region = all.tags.iter().find(|t| t.key == "region").unwrap();
    assert_eq!(region.distinct, 3);
    assert_eq!(region.values.last().unwrap().value, "ap");
    // The metadata budget stops the read after the event that crosses it.
    let budget = bloop::store::issues::tags(&conn, id, total as u32, 1).unwrap();
    assert_eq!((budget.events, budget.capped), (1, true));
    // The user count reads the newest `limit` events too, and says when there were more.
    assert_eq!(
        bloop::store::issues::users(&conn, id, total as u32).unwrap(),
        (7, false)
    );
    assert_eq!(
        bloop::store::issues::users(&conn, id, 3).unwrap(),
        (3, true)
    );
}

/// The issue page walks through the issue's stored events (latest, oldest, older, newer, a
/// paged list), each with its own times, release and environment; explains the grouping; and
/// carries the issue as Markdown for a ticket.
#[test]
fn issue_page_walks_events_explains_grouping_and_copies_markdown() {
    let s = TestServer::start();
    let http = Http::new();
    let stack = "TypeError: boom\n    at Module._compile (node:internal/modules/cjs/loader:1105:14)\n    at getUser (/app/src/users.js:42:13)";
    for (n, release) in ["1.0.0", "1.1.0", "1.2.0"].iter().enumerate() {
        let body = json!({"timestamp": bloop::store::now_ms() / 1000 - 3600 + n as i64 * 60, "source": "api",
            "environment": format!("env{n}"), "release": release, "error_type": "TypeError",
            "message": format!("boom for user {n}"), "stack": stack}).to_string();
        assert_eq!(
            http.post_signed(&format!("{}/v1/ingest", s.url), &body)
                .status,
            200
        );
        s.wait_count("SELECT count(*) FROM events", n as i64 + 1, WAIT);
    }
    let fp: String = s
        .db()
        .query_row("SELECT fingerprint FROM issues", [], |r| r.get(0))
        .unwrap();
    let ids: Vec<i64> = {
        let db = s.db();
        let mut st = db.prepare("SELECT id FROM events ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let cookie = user_session(&s.db_path, "vera", Role::Viewer);
    let get = |q: &str| -> String {
        let r = http.send(
            http.client()
                .get(format!("{}/issues/default/{fp}{q}", s.url))
                .header("cookie", &cookie),
        );
        assert_eq!(r.status, 200);
        r.body.as_str().unwrap().to_string()
    };
    let text_of = |html: &str, id: &str| -> String {
        let at = html
            .find(&format!(r#"id="{id}""#))
            .unwrap_or_else(|| panic!("no #{id}"));
        let rest = &html[at..];
        let inner = &rest[rest.find('>').unwrap() + 1..];
        let mut out = String::new();
        let mut depth = 0;
        for part in inner.split_inclusive(['<', '>']) {
            if part.ends_with('>') {
                if part.starts_with('/') {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                } else if !part.ends_with("/>") {
                    depth += 1;
                }
            } else {
                out.push_str(part.trim_end_matches('<'));
            }
        }
        out
    };

    // The latest: 1 of 3, its own release, environment and client time; no newer.
    let html = get("");
    assert_eq!(text_of(&html, "event-position"), "1 of 3");
    assert_eq!(text_of(&html, "event-release"), "1.2.0");
    assert_eq!(text_of(&html, "event-environment"), "env2");
    let client_time = text_of(&html, "event-client-time");
    assert!(
        client_time.ends_with(" GMT") && !client_time.contains("not believed"),
        "{client_time}"
    );
    assert!(!html.contains(r#"id="event-newer""#));
    let older = format!("event={}", ids[1]);
    assert!(
        html.contains(&format!(
            r#"id="event-older" href="?range=24h&amp;{older}#event""#
        )),
        "{html}"
    );
    // Older, then the oldest: 3 of 3, no older.
    let html = get(&format!("?{older}"));
    assert_eq!(text_of(&html, "event-position"), "2 of 3");
    assert_eq!(text_of(&html, "event-release"), "1.1.0");
    assert!(html.contains(&format!(
        r#"id="event-newer" href="?range=24h&amp;event={}#event""#,
        ids[2]
    )));
    let html = get("?event=oldest");
    assert_eq!(text_of(&html, "event-position"), "3 of 3");
    assert_eq!(text_of(&html, "event-release"), "1.0.0");
    assert!(!html.contains(r#"id="event-older""#));
    // The list of stored events, each linking to itself; the one shown is marked.
    let list = section(&html, "event-list");
    for id in &ids {
        assert!(list.contains(&format!("event={id}#event")), "{list}");
    }
    assert_eq!(list.matches(r#"<tr class="current">"#).count(), 1);
    // An id that is not this issue's falls back to the latest, saying so.
    let html = get("?event=999999");
    assert!(html.contains("That event is not stored for this issue"));
    assert_eq!(text_of(&html, "event-position"), "1 of 3");

    // Why grouped: the folded message, the frame, the framework line skipped.
    let g = section(&html, "grouping");
    assert!(g.contains("<code>boom for user &lt;n&gt;</code>"), "{g}");
    assert!(
        g.contains("<code>at getUser (/app/src/users.js)</code>"),
        "{g}"
    );
    assert!(g.contains("stack line 3"), "{g}");
    assert!(g.contains("framework (contains node:internal)"), "{g}");
    assert!(g.contains("<td class=\"muted\">header</td>"), "{g}");
    // The Markdown for a ticket: title, link, counts, release, the stack fenced.
    let md = text_of(&html, "issue-markdown");
    assert!(md.starts_with("### TypeError: boom for user 0\n\n"), "{md}");
    assert!(md.contains(&format!("/issues/default/{fp}\n")), "{md}");
    assert!(md.contains("- **Events:** 3\n"), "{md}");
    assert!(md.contains("- **Release:** 1.2.0\n"), "{md}");
    assert!(
        md.contains("\n```\nTypeError: boom\n    at Module._compile"),
        "{md}"
    );

    // A client-set key is said to be the client's.
    let body = json!({"timestamp": 1_700_000_000, "source": "api", "environment": "prod",
        "release": "2.0", "error_type": "Timeout", "message": "upstream slow",
        "fingerprint": "upstream-timeouts"})
    .to_string();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", s.url), &body)
            .status,
        200
    );
    s.wait_count("SELECT count(*) FROM events", 4, WAIT);
    let html = http
        .send(
            http.client()
                .get(format!("{}/issues/default/upstream-timeouts", s.url))
                .header("cookie", &cookie),
        )
        .body;
    let html = html.as_str().unwrap();
    assert!(
        section(html, "grouping").contains(r#"id="grouping-client""#),
        "{html}"
    );

    // With the raw events pruned, the page says so and explains from a sample.
    s.db().execute("DELETE FROM events", []).unwrap();
    s.db().execute("DELETE FROM event_issues", []).unwrap();
    let html = get("");
    assert!(section(&html, "event").contains("No raw events are stored for this issue"));
    assert!(section(&html, "grouping").contains("<code>at getUser (/app/src/users.js)</code>"));
}
