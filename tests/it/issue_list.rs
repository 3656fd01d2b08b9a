//! The issue list's triage tools: the bulk status API (all or none, scoped per item, bounded,
//! undone with the previous statuses it reports), the list's HTML (labelled chips that filter,
//! checkboxes, affected users, a bad search shown under the box), and the whole of it in
//! headless Chromium (tests/browser/triage.mjs): keyboard bulk-resolve and undo, chips, the
//! search help, and every page at 390 px.

use std::process::Command;
use std::time::Duration;

use bloop::store::tokens::{self, Scope};
use bloop::store::users::Role;
use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);
const ORIGIN: &str = "http://localhost:5332"; // the test server's auth.rp_origin

fn ev(error_type: &str, message: &str, extra: Value) -> Value {
    let mut e = json!({"timestamp": bloop::store::now_ms() / 1000, "source": "api",
        "environment": "production", "release": "2.1.0", "error_type": error_type, "message": message});
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

/// Sends `events` in signed batches to `base` and waits until the database holds them all.
fn ingest(base: &str, db: &std::path::Path, events: &[Value]) {
    let http = Http::new();
    let before = count(&open_db(db), "SELECT count(*) FROM events");
    for batch in events.chunks(50) {
        let r = http.post_signed(
            &format!("{base}/v1/ingest/batch"),
            &json!({ "events": batch }).to_string(),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let want = before + events.len() as i64;
    assert_eq!(
        wait_count(db, "SELECT count(*) FROM events", want, WAIT),
        want
    );
}

fn fp(db: &std::path::Path, error_type: &str) -> String {
    open_db(db)
        .query_row(
            "SELECT fingerprint FROM issues WHERE error_type = ?1",
            [error_type],
            |r| r.get(0),
        )
        .unwrap()
}

fn status_of(db: &std::path::Path, error_type: &str) -> (String, Option<String>) {
    open_db(db)
        .query_row(
            "SELECT status, resolved_in_release FROM issues WHERE error_type = ?1",
            [error_type],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn patch(http: &Http, url: &str, auth: (&str, &str), body: Value) -> Resp {
    http.send(
        http.client()
            .patch(format!("{url}/v1/errors"))
            .header(auth.0, auth.1)
            .header("origin", ORIGIN)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
}

fn page(http: &Http, url: &str, cookie: &str) -> Resp {
    http.send(http.client().get(url).header("cookie", cookie))
}

#[test]
fn bulk_status_change_is_all_or_none_scoped_per_item_and_undoable() {
    let s = TestServer::start();
    let http = Http::new();
    ingest(
        &s.url,
        &s.db_path,
        &[
            ev("Alpha", "a", json!({})),
            ev("Beta", "b", json!({})),
            ev("Gamma", "c", json!({})),
        ],
    );
    let (a, b, c) = (
        fp(&s.db_path, "Alpha"),
        fp(&s.db_path, "Beta"),
        fp(&s.db_path, "Gamma"),
    );
    let token = api_token(&s.db_path, &[Scope::ErrorsRead, Scope::ErrorsWrite]);
    let bearer = format!("Bearer {token}");
    let auth = ("authorization", bearer.as_str());
    let item = |fp: &str| json!({"project": "default", "fingerprint": fp});
    // Beta starts ignored and Gamma resolved in 1.0, so the undo has something to restore.
    let r = patch(
        &http,
        &s.url,
        auth,
        json!({"issues": [
            {"fingerprint": b, "status": "ignored"},
            {"fingerprint": c, "status": "resolved", "release": "1.0"},
        ]}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let history = |db: &std::path::Path| count(&open_db(db), "SELECT count(*) FROM status_history");
    let base_history = history(&s.db_path);

    // Bad requests name the field and change nothing.
    let r = patch(
        &http,
        &s.url,
        auth,
        json!({"status": "resolved", "issues": []}),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(
        (r.body["field"].as_str(), r.body["limit"].as_i64()),
        (Some("issues"), Some(200))
    );
    let many: Vec<Value> = (0..201).map(|_| item(&a)).collect();
    let r = patch(
        &http,
        &s.url,
        auth,
        json!({"status": "resolved", "issues": many}),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "issues");
    assert!(
        r.body["error"].as_str().unwrap().contains("200"),
        "{:?}",
        r.body
    );
    let r = patch(&http, &s.url, auth, json!({"issues": [item(&a)]}));
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "issues[0].status");
    let r = patch(
        &http,
        &s.url,
        auth,
        json!({"issues": [{"fingerprint": a, "status": "done"}]}),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "issues[0].status");
    let r = patch(
        &http,
        &s.url,
        auth,
        json!({"status": "resolved", "issues": [item(&a)], "extra": 1}),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    // One unknown issue: nothing changes (all or none) and the item is named.
    let r = patch(
        &http,
        &s.url,
        auth,
        json!({"status": "resolved", "issues": [item(&a), item("00000000deadbeef")]}),
    );
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(r.body["field"], "issues[1].fingerprint");
    assert_eq!(status_of(&s.db_path, "Alpha").0, "unresolved");
    assert_eq!(history(&s.db_path), base_history);
    // A token pinned to another project cannot name this one's issues.
    let db = open_db(&s.db_path);
    bloop::store::projects::create(&db, "Other", Some("other")).unwrap();
    let pinned = tokens::create(&db, "pinned", &[Scope::ErrorsWrite], Some("other"), None)
        .unwrap()
        .token;
    let pinned = format!("Bearer {pinned}");
    let r = patch(
        &http,
        &s.url,
        ("authorization", &pinned),
        json!({"status": "resolved", "issues": [item(&a)]}),
    );
    assert_eq!(r.status, 403, "{:?}", r.body);
    assert_eq!(r.body["field"], "issues[0].project");
    // Without a project it reads its own, where the fingerprint is unknown.
    let r = patch(
        &http,
        &s.url,
        ("authorization", &pinned),
        json!({"status": "resolved", "issues": [{"fingerprint": a}]}),
    );
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(status_of(&s.db_path, "Alpha").0, "unresolved");
    // A token without errors:write is refused.
    let reader = format!("Bearer {}", api_token(&s.db_path, &[Scope::ErrorsRead]));
    let r = patch(
        &http,
        &s.url,
        ("authorization", &reader),
        json!({"status": "resolved", "issues": [item(&a)]}),
    );
    assert_eq!(r.status, 403, "{:?}", r.body);

    // Resolve all three in 2.0: each answer says what the issue was.
    let r = patch(
        &http,
        &s.url,
        auth,
        json!({"status": "resolved", "release": "2.0", "issues": [item(&a), item(&b), item(&c)]}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["changed"], 3);
    let before: Vec<(String, Value)> = r.body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["issue"]["status"], "resolved");
            assert_eq!(i["issue"]["resolved_in_release"], "2.0");
            (
                i["previous_status"].as_str().unwrap().to_string(),
                i["previous_release"].clone(),
            )
        })
        .collect();
    assert_eq!(
        before,
        vec![
            ("unresolved".to_string(), Value::Null),
            ("ignored".to_string(), Value::Null),
            ("resolved".to_string(), json!("1.0")),
        ]
    );
    for t in ["Alpha", "Beta", "Gamma"] {
        assert_eq!(
            status_of(&s.db_path, t),
            ("resolved".into(), Some("2.0".into())),
            "{t}"
        );
    }
    assert_eq!(history(&s.db_path), base_history + 3);
    // Undo: each issue back to its own previous status, from the answer.
    let undo: Vec<Value> = r.body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            json!({"project": i["issue"]["project_id"], "fingerprint": i["issue"]["fingerprint"],
                   "status": i["previous_status"], "release": i["previous_release"]})
        })
        .collect();
    let r = patch(&http, &s.url, auth, json!({ "issues": undo }));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(status_of(&s.db_path, "Alpha"), ("unresolved".into(), None));
    assert_eq!(status_of(&s.db_path, "Beta"), ("ignored".into(), None));
    assert_eq!(
        status_of(&s.db_path, "Gamma"),
        ("resolved".into(), Some("1.0".into()))
    );
    // The same again changes nothing and records nothing.
    let r = patch(&http, &s.url, auth, json!({ "issues": undo }));
    assert_eq!(r.body["changed"], 0, "{:?}", r.body);
    assert_eq!(history(&s.db_path), base_history + 6);

    // The dashboard's session: a member may, a viewer may not; the history names the user.
    let member = user_session(&s.db_path, "max", Role::Member);
    let viewer = user_session(&s.db_path, "vera", Role::Viewer);
    let r = patch(
        &http,
        &s.url,
        ("cookie", &viewer),
        json!({"status": "muted", "issues": [item(&a)]}),
    );
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = patch(
        &http,
        &s.url,
        ("cookie", &member),
        json!({"status": "muted", "issues": [item(&a)]}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let actor: String = open_db(&s.db_path)
        .query_row(
            "SELECT actor FROM status_history ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, "user:max");
}

#[test]
fn list_rows_carry_labelled_chips_checkboxes_and_affected_users() {
    let s = TestServer::start();
    let http = Http::new();
    let mut events = Vec::new();
    for user in ["u1", "u2", "u3", "u1"] {
        events.push(ev(
            "TypeError",
            "Cannot read properties of undefined",
            json!({"source": "web", "route_or_procedure": "GET /users", "user_id_hash": user}),
        ));
    }
    // More events than the list counts users in: a lower bound, said so.
    let cap = bloop::store::issues::LIST_USER_EVENTS as usize;
    for n in 0..=cap {
        events.push(ev(
            "Busy",
            "busy",
            json!({"user_id_hash": format!("user-{n}")}),
        ));
    }
    events.push(ev("Lonely", "no user", json!({"environment": "staging"})));
    ingest(&s.url, &s.db_path, &events);
    let member = user_session(&s.db_path, "max", Role::Member);
    let r = page(&http, &format!("{}/issues", s.url), &member);
    assert_eq!(r.status, 200);
    let html = r.body.as_str().unwrap();
    let row = |t: &str| -> String {
        let at = html.find(&format!(">{t}</a>")).unwrap();
        let start = html[..at].rfind("<tr ").unwrap();
        let end = at + html[at..].find("</tr>").unwrap();
        html[start..end].to_string()
    };
    let te = row("TypeError");
    // Labelled chips, each a link that narrows the search to its value.
    // One project: no project chip (it would filter nothing).
    assert!(!te.contains("chip-k\">project"), "{te}");
    for (label, value, href) in [
        ("source", "web", "/issues?q=source%3Aweb"),
        (
            "route",
            "GET /users",
            "/issues?q=route%3A%22GET%20/users%22",
        ),
        ("release", "2.1.0", "/issues?q=release%3A2.1.0"),
        ("env", "production", "/issues?q=env%3Aproduction"),
    ] {
        let chip = format!(
            r#"<a class="tag chip" href="{href}" title="Filter by {label} {value}"><span class="chip-k">{label}</span> {value}</a>"#
        );
        assert!(te.contains(&chip), "{chip}\nnot in\n{te}");
    }
    // A checkbox per row for a member, and select-all.
    assert!(
        te.contains(r#"<input class="row-select" type="checkbox" aria-label="Select TypeError">"#),
        "{te}"
    );
    assert!(html.contains(r#"id="select-all""#));
    assert!(html.contains(r#"data-bulk="resolved""#));
    // Affected users: 3 distinct; the busy issue's count is a bound, and says so.
    assert!(te.contains(r#"<td class="num hide-sm">3</td>"#), "{te}");
    let busy = row("Busy");
    assert!(
        busy.contains(&format!(
            r#"<span title="in the latest {cap} events">≥ {cap}</span>"#
        )),
        "{busy}"
    );
    assert!(row("Lonely").contains("–"));
    // The search help lists every key with an example.
    for example in [
        "is:unresolved",
        "release:2.1.0",
        "env:production",
        "source:ios",
        "route:&quot;GET /users&quot;",
        "type:TypeError",
        "!env:staging",
    ] {
        assert!(
            html.contains(&format!("<code>{example}</code>")),
            "{example}"
        );
    }
    // With several projects, each row has its project's chip.
    bloop::store::projects::create(&open_db(&s.db_path), "Mobile", Some("mobile")).unwrap();
    let html = page(&http, &format!("{}/issues", s.url), &member).body;
    assert!(html.as_str().unwrap().contains(
        r#"<a class="tag chip" href="/issues?project=default" title="Filter by project default"><span class="chip-k">project</span> default</a>"#
    ));
    // With a search already typed, a chip replaces the term of its key and keeps the rest.
    let r = page(
        &http,
        &format!("{}/issues?q=release:2.1.0%20cannot&release=2.1.0", s.url),
        &member,
    );
    let html = r.body.as_str().unwrap();
    assert!(
        html.contains(r#"href="/issues?q=cannot%20release%3A2.1.0""#),
        "the chip moves its term to the end and clears the release select"
    );
    // A viewer gets no checkboxes or bulk actions; the refresh partial carries the total.
    let viewer = user_session(&s.db_path, "vera", Role::Viewer);
    let html = page(&http, &format!("{}/issues", s.url), &viewer).body;
    let html = html.as_str().unwrap();
    assert!(!html.contains("row-select") && !html.contains("data-bulk"));
    let r = page(&http, &format!("{}/issues?partial=rows", s.url), &member);
    assert_eq!(r.headers["x-total-count"], "3");
    assert!(r.body.as_str().unwrap().starts_with("<tr "));
}

#[test]
fn a_bad_search_is_shown_under_the_box_with_the_query_kept() {
    let s = TestServer::start();
    let http = Http::new();
    ingest(&s.url, &s.db_path, &[ev("TypeError", "boom", json!({}))]);
    let cookie = user_session(&s.db_path, "max", Role::Member);
    let r = page(
        &http,
        &format!("{}/issues?q=colour:red%20boom", s.url),
        &cookie,
    );
    assert_eq!(r.status, 200);
    let html = r.body.as_str().unwrap();
    assert!(
        html.contains(r#"value="colour:red boom" aria-label="Search issues""#),
        "the query stays in the box"
    );
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="search-error""#));
    let err = html.split(r#"id="search-error""#).nth(1).unwrap();
    assert!(err.starts_with(r#" role="alert">"#), "{err}");
    let err = &err[err.find('>').unwrap() + 1..err.find("</p>").unwrap()];
    assert!(
        err.starts_with("search term `colour:red`: unknown key `colour`"),
        "{err}"
    );
    assert!(err.contains("release:"), "{err}");
    // The filter bar and the tabs stay; no rows are shown for a search that was not run.
    assert!(html.contains(r#"<form class="filters" id="filters""#));
    assert!(html.contains(r#"<nav class="tabs">"#));
    assert!(!html.contains(r#"id="issues""#));
    assert!(html.contains("Fix the search above"));
    // An unclosed quote names the fragment.
    let r = page(
        &http,
        &format!("{}/issues?q=boom%20%22half", s.url),
        &cookie,
    );
    let html = r.body.as_str().unwrap();
    assert!(
        html.contains("search term `&quot;half`: unclosed double quote"),
        "{html}"
    );
    // Another bad parameter is named and left out; the list still shows.
    let r = page(&http, &format!("{}/issues?sort=loudest", s.url), &cookie);
    let html = r.body.as_str().unwrap();
    assert!(html.contains("`sort` must be last_seen, first_seen or total_count (ignored)"));
    assert!(html.contains(r#"id="issues""#));
    // The API's 400 names the term too.
    let token = api_token(&s.db_path, &[Scope::ErrorsRead]);
    let r = http.send(
        http.client()
            .get(format!("{}/v1/errors?q=colour:red", s.url))
            .bearer_auth(&token),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        (r.body["code"].as_str(), r.body["field"].as_str()),
        (Some("invalid_query"), Some("q"))
    );
    assert!(
        r.body["error"].as_str().unwrap().contains("`colour:red`"),
        "{:?}",
        r.body
    );
}

#[test]
fn triage_with_the_keyboard_chips_and_a_phone_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let (mut serve, origin, _setup) = ServeProcess::for_browser(
        &db,
        &[("BLOOP__LLM_TRACING__DEFAULT_CONTENT_STORAGE", "full")],
    );
    let now = bloop::store::now_ms() / 1000;
    let long_key = format!("bloop_{}", "ab".repeat(32));
    let long_route = "/api/v1/organizations/{organization_id}/projects/{project_id}/environments/{environment_id}/releases/{release_id}/artifacts";
    let stack = format!(
        "Error: upstream refused {long_key}\n    at Object.handler (/srv/app/node_modules/@company/very-long-package-name/dist/handlers/upstream/refusal-handler.js:120:15)\n    at https://cdn.example.com/assets/js/{}.min.js:1:99999",
        "f".repeat(120)
    );
    let long_message = format!(
        "Upstream refused key {long_key} at https://example.com/{}",
        "segment/".repeat(20)
    );
    // Oldest first: the muted issue is the newest, so it is among the three picked.
    let issues = [
        (
            "KeyError",
            "'customer_id'",
            "python",
            "/jobs/sync",
            "2.1.0",
            "production",
        ),
        (
            "PaymentDeclined",
            "Card declined for order 5521",
            "api",
            "/pay",
            "2.0.0",
            "staging",
        ),
        (
            "UpstreamRefused",
            long_message.as_str(),
            "api",
            long_route,
            "2.1.0-beta.1+build.20240611.abcdef0123456789",
            "production",
        ),
        (
            "NSURLErrorDomain",
            "The request timed out.",
            "ios",
            "GET /users",
            "2.1.0",
            "production",
        ),
        (
            "TypeError",
            "Cannot read properties of undefined (reading 'id')",
            "web",
            "/checkout",
            "2.1.0",
            "production",
        ),
        (
            "NullPointerException",
            "Attempt to invoke virtual method on a null object reference",
            "android",
            "CheckoutActivity",
            "2.1.0",
            "production",
        ),
    ];
    let events: Vec<Value> = issues
        .iter()
        .enumerate()
        .map(|(n, (t, m, src, route, rel, env))| {
            json!({"timestamp": now - 600 + n as i64 * 60, "error_type": t, "message": m, "source": src,
                   "route_or_procedure": route, "release": rel, "environment": env,
                   "user_id_hash": format!("user-{n}"), "stack": stack,
                   "metadata": {"request_url": format!("https://example.com/{}", "x".repeat(150)), "key": long_key}})
        })
        .collect();
    ingest(&origin, &db, &events);
    let http = Http::new();
    let token = api_token(&db, &[Scope::ErrorsWrite, Scope::Admin]);
    let npe = fp(&db, "NullPointerException");
    let r = http.send(
        http.client()
            .post(format!("{origin}/v1/errors/{npe}/mute"))
            .bearer_auth(&token),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Something on each admin page: a key, a token, an invite.
    let conn = open_db(&db);
    bloop::store::keys::create(&conn, "default", "web").unwrap();
    bloop::store::users::create_invite(
        &conn,
        Role::Member,
        "ada",
        3_600_000,
        bloop::store::now_ms(),
    )
    .unwrap();
    let member = user_session(&db, "max", Role::Member);
    let admin = user_session(&db, "ada", Role::Admin);
    #[cfg(feature = "llm-tracing")]
    let extra = {
        crate::llm_pages::seed_at(&origin, &db, &http);
        crate::llm_pages::PAGES.join(",")
    };
    #[cfg(not(feature = "llm-tracing"))]
    let extra = String::new();
    let shots = tempfile::tempdir().unwrap();
    let shots_dir = std::env::var_os("BLOOP_SHOTS_DIR").unwrap_or(shots.path().into());
    let out = Command::new("node")
        .arg("tests/browser/triage.mjs")
        .env("BLOOP_URL", &origin)
        .env("SESSION", member.trim_start_matches("bloop_session="))
        .env("ADMIN_SESSION", admin.trim_start_matches("bloop_session="))
        .env(
            "ISSUE_PATH",
            format!("/issues/default/{}", fp(&db, "UpstreamRefused")),
        )
        .env("EXTRA_PAGES", extra)
        .env("SHOTS_DIR", &shots_dir)
        .output()
        .expect("node runs (tests/run.sh installs it with Chromium and playwright-core)");
    let result = browser_result(&out);
    assert!(result.is_object(), "no RESULT line");
    // What the browser did is in the database: three resolved by max, then put back.
    let picked = result["picked"].as_array().unwrap();
    assert_eq!(picked.len(), 3, "{result}");
    assert!(picked
        .iter()
        .any(|p| p["fingerprint"] == npe.as_str() && p["status"] == "muted"));
    for p in picked {
        let fp = p["fingerprint"].as_str().unwrap();
        let (status, by): (String, String) = conn
            .query_row(
                "SELECT i.status, h.actor FROM issues i JOIN status_history h ON h.issue_id = i.id
                 WHERE i.fingerprint = ?1 AND h.new_status = 'resolved'",
                [fp],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(status, p["status"].as_str().unwrap(), "{fp} restored");
        assert_eq!(by, "user:max");
    }
    assert_eq!(status_of(&db, "NullPointerException").0, "muted");
    let ignored = result["ignored"].as_str().unwrap();
    let back: String = conn
        .query_row(
            "SELECT status FROM issues WHERE fingerprint = ?1",
            [ignored],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(back, "unresolved", "the single ignore was undone too");
    for (path, fit) in result["phone"].as_object().unwrap() {
        assert!(fit["page"].as_i64().unwrap() <= 390, "{path}: {fit}");
    }
    let menu: Vec<&str> = result["menu"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for page in [
        "Issues",
        "Releases",
        "Insights",
        "Alerts",
        "Projects",
        "API tokens",
        "Retention",
        "Users",
    ] {
        assert!(menu.contains(&page), "{page} in {menu:?}");
    }
    serve.signal("TERM");
    let _ = serve.child.wait();
}
