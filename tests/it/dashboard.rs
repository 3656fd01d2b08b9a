//! The dashboard: sessions, roles, CSRF, escaping and security headers over real HTTP, and a
//! full passkey ceremony in headless Chromium (tests/browser/dashboard.mjs, Playwright with the
//! DevTools virtual authenticator) against a real `bloop serve`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use bloop::store::users::{self, NewPasskey, Role};
use serde_json::{json, Value};
use sha2::Digest;

use crate::both;
use crate::common::{
    bloop_bin, bloop_cli, browser_result, count_in, open_db, text_in, user_session, Http, Resp,
    ServeProcess, TestServer, SECRET,
};

const ORIGIN: &str = "http://localhost:5332"; // the default auth.rp_origin the test server uses
const XSS: &str = r#"<img src=x onerror="document.title='pwned'">"#;

fn get(http: &Http, url: &str, cookie: &str) -> Resp {
    http.send(http.client().get(url).header("cookie", cookie))
}

fn post(http: &Http, url: &str, cookie: &str, origin: Option<&str>, body: Value) -> Resp {
    let mut req = http
        .client()
        .post(url)
        .header("cookie", cookie)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    http.send(req)
}

fn ingest_hostile(s: &TestServer, http: &Http) -> String {
    let body = json!({
        "timestamp": 1_700_000_000, "source": "api", "environment": "production",
        "release": "1.0.0", "error_type": "XssProbe", "message": XSS,
        "stack": "at <script>window.__pwned = true</script> (app.js:1:2)\nat node_modules/x/y.js:3:4",
        "metadata": {"note": "</pre><script>alert(1)</script>"},
    })
    .to_string();
    assert_eq!(
        http.post_signed(&format!("{}/v1/ingest", s.url), &body)
            .status,
        200
    );
    s.wait_count("SELECT count(*) FROM issues", 1, Duration::from_secs(5));
    open_db(&s.db_path)
        .query_row("SELECT fingerprint FROM issues", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn pages_need_a_session_and_carry_security_headers() {
    let s = TestServer::start();
    let http = Http::without_redirects();
    for path in [
        "/issues",
        "/issues?status=all&q=a%20b",
        "/users",
        "/projects",
    ] {
        let r = http.get(&format!("{}{path}", s.url));
        assert_eq!(r.status, 303, "{path}");
        let loc = r.headers["location"].to_str().unwrap();
        assert!(loc.starts_with("/login?next=/"), "{path} → {loc}");
    }
    assert_eq!(http.get(&format!("{}/", s.url)).status, 303);
    // An unknown or expired session is no session.
    let r = get(&http, &format!("{}/issues", s.url), "bloop_session=forged");
    assert_eq!(r.status, 303);

    for path in ["/login", "/v1/errors", "/health", "/assets/app.js"] {
        let r = http.get(&format!("{}{path}", s.url));
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        assert!(r.headers.contains_key("referrer-policy"), "{path}");
    }
    // No inline script anywhere on the sign-in page; the one script is external.
    let login = http.get(&format!("{}/login", s.url));
    let html = login.body.as_str().unwrap();
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains(r#"<script src="/assets/app.js?v="#));
    assert!(html.contains("No one has an account here yet"));
}

#[test]
fn event_text_is_escaped_on_list_and_detail() {
    let s = TestServer::start();
    let http = Http::without_redirects();
    let fp = ingest_hostile(&s, &http);
    let cookie = user_session(&s.db_path, "vera", Role::Viewer);
    let list = get(&http, &format!("{}/issues", s.url), &cookie);
    assert_eq!(list.status, 200);
    let html = list.body.as_str().unwrap();
    assert!(html.contains("&lt;img src=x onerror=&quot;document.title='pwned'&quot;&gt;"));
    assert!(!html.contains("<img"));
    let detail = get(&http, &format!("{}/issues/default/{fp}", s.url), &cookie);
    assert_eq!(detail.status, 200);
    let html = detail.body.as_str().unwrap();
    assert!(html.contains("&lt;script&gt;window.__pwned = true&lt;/script&gt;"));
    assert!(html.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(html.matches("<script").count(), 1, "only the app script");
    // The framework frame is dimmed, the app frame is not.
    assert!(html.contains(r#"<span class="frame framework">at node_modules/x/y.js:3:4"#));
    // A viewer sees no triage buttons.
    assert!(!html.contains("data-api=\"/v1/errors/"));
    // The auto-refresh partial is escaped the same way.
    let rows = get(&http, &format!("{}/issues?partial=rows", s.url), &cookie);
    let rows = rows.body.as_str().unwrap();
    assert!(rows.starts_with("<tr") && rows.contains("&lt;img") && !rows.contains("<img"));
    // Unknown issue: a 404 page, not an error.
    let missing = get(&http, &format!("{}/issues/default/0000", s.url), &cookie);
    assert_eq!(missing.status, 404);
}

#[test]
fn sessions_act_in_the_api_with_role_and_origin_checks() {
    let s = TestServer::start();
    let http = Http::without_redirects();
    let fp = ingest_hostile(&s, &http);
    let viewer = user_session(&s.db_path, "vera", Role::Viewer);
    let member = user_session(&s.db_path, "max", Role::Member);
    let admin = user_session(&s.db_path, "ada", Role::Admin);
    let resolve = format!("{}/v1/errors/{fp}/resolve", s.url);

    // Reads work with the cookie.
    let r = get(&http, &format!("{}/v1/errors", s.url), &viewer);
    assert_eq!(r.status, 200);
    assert_eq!(r.body[0]["fingerprint"], fp);
    // A viewer may not triage.
    let r = post(&http, &resolve, &viewer, Some(ORIGIN), json!({}));
    assert_eq!(r.status, 403);
    assert_eq!(r.body["code"], "insufficient_role");
    // CSRF: a member's cookie without the dashboard's origin changes nothing.
    let r = post(&http, &resolve, &member, None, json!({}));
    assert_eq!(r.status, 403);
    assert_eq!(r.body["code"], "cross_origin");
    let r = post(
        &http,
        &resolve,
        &member,
        Some("https://evil.example"),
        json!({}),
    );
    assert_eq!(r.status, 403);
    let req = http
        .client()
        .post(&resolve)
        .header("cookie", &member)
        .header("sec-fetch-site", "cross-site");
    assert_eq!(http.send(req).status, 403);
    let status: String = open_db(&s.db_path)
        .query_row("SELECT status FROM issues", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "unresolved");
    // From the dashboard's origin it works, and history names the user.
    let r = post(&http, &resolve, &member, Some(ORIGIN), json!({}));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "resolved");
    let by: String = open_db(&s.db_path)
        .query_row("SELECT actor FROM status_history", [], |r| r.get(0))
        .unwrap();
    assert_eq!(by, "user:max");

    // Admin-only API and pages.
    let r = get(&http, &format!("{}/v1/users", s.url), &member);
    assert_eq!(r.status, 403);
    for page in ["/users", "/tokens", "/retention"] {
        let r = get(&http, &format!("{}{page}", s.url), &member);
        assert_eq!(r.status, 403, "{page}");
        assert!(r.body.as_str().unwrap().contains("Not allowed"));
        assert_eq!(get(&http, &format!("{}{page}", s.url), &admin).status, 200);
    }
    for page in [
        "/issues",
        "/releases",
        "/insights",
        "/projects",
        "/alerts",
        "/account",
    ] {
        assert_eq!(
            get(&http, &format!("{}{page}", s.url), &viewer).status,
            200,
            "{page}"
        );
    }
    // Ingest keys: admins create them from the dashboard and see them in full; others masked.
    let r = post(
        &http,
        &format!("{}/v1/projects/default/keys", s.url),
        &member,
        Some(ORIGIN),
        json!({"name": "web"}),
    );
    assert_eq!(r.status, 403);
    let r = post(
        &http,
        &format!("{}/v1/projects/default/keys", s.url),
        &admin,
        Some(ORIGIN),
        json!({"name": "web"}),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    let key = r.body["key"].as_str().unwrap().to_string();
    let as_viewer = get(&http, &format!("{}/projects", s.url), &viewer);
    assert!(!as_viewer.body.as_str().unwrap().contains(&key));
    let as_admin = get(&http, &format!("{}/projects", s.url), &admin);
    let as_admin = as_admin.body.as_str().unwrap();
    // Admins see it masked with Reveal (fetched from the API when clicked), Copy, Rotate and
    // Revoke; in full only inside the collapsed test-event snippets.
    let id = r.body["id"].as_i64().unwrap();
    let masked = bloop::store::keys::mask(&key);
    assert!(
        as_admin.contains(&format!(
            r#"<code class="secret grow" id="key-{id}" data-key-id="{id}" data-project="default">{masked}</code><button type="button" data-reveal="key-{id}">Reveal</button>"#
        )),
        "{as_admin}"
    );
    assert!(as_admin.contains(&format!(r#"data-api="/v1/keys/{id}/rotate""#)));
    let reveal = http.send(
        http.client()
            .get(format!("{}/v1/projects/default/keys?reveal=true", s.url))
            .header("cookie", &admin),
    );
    assert_eq!(reveal.status, 200, "{:?}", reveal.body);
    assert!(reveal.body.to_string().contains(&key));
    let masked_list = http.send(
        http.client()
            .get(format!("{}/v1/projects/default/keys?reveal=true", s.url))
            .header("cookie", &viewer),
    );
    assert!(!masked_list.body.to_string().contains(&key));
    // A Sentry DSN from the same form with kind=dsn: listed with its DSN (public, shown to every
    // role), not among the ingest keys, and not offered for the test-event snippets.
    let r = post(
        &http,
        &format!("{}/v1/projects/default/keys", s.url),
        &admin,
        Some(ORIGIN),
        json!({"name": "ios", "kind": "dsn"}),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    let dsn = r.body["dsn"].as_str().unwrap().to_string();
    let dsn_key = r.body["key"].as_str().unwrap().to_string();
    assert!(
        dsn.contains(&format!("{dsn_key}@")) && dsn.ends_with("/1"),
        "{dsn}"
    );
    let page = get(&http, &format!("{}/projects", s.url), &viewer);
    let html = page.body.as_str().unwrap();
    assert!(html.contains(&dsn), "the DSN is on the page");
    let admin_html = get(&http, &format!("{}/projects", s.url), &admin);
    let admin_html = admin_html.body.as_str().unwrap();
    let ingest_part = admin_html.split("Sentry DSN").next().unwrap();
    assert!(
        !ingest_part.contains(&dsn_key),
        "a DSN key is not an ingest key"
    );

    // Admin: invite over the API, change roles, and the last admin stays.
    let r = post(
        &http,
        &format!("{}/v1/invites", s.url),
        &admin,
        Some(ORIGIN),
        json!({"role": "viewer", "expires_in_hours": 2}),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert!(r.body["link"]
        .as_str()
        .unwrap()
        .starts_with("http://localhost:5332/invite?token=bloop_inv_"));
    let r = post(
        &http,
        &format!("{}/v1/invites", s.url),
        &admin,
        Some(ORIGIN),
        json!({"expires_in_hours": 9999}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["field"], "expires_in_hours");
    let users = get(&http, &format!("{}/v1/users", s.url), &admin).body;
    let ada = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "ada")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let req = http
        .client()
        .put(format!("{}/v1/users/{ada}", s.url))
        .header("cookie", &admin)
        .header("origin", ORIGIN)
        .body(r#"{"role":"member"}"#);
    let r = http.send(req);
    assert_eq!(r.status, 409, "{:?}", r.body);

    // Sessions are stored hashed: max's one row holds the SHA-256 of the cookie value (lowercase
    // hex), never the value itself.
    let raw = member.trim_start_matches("bloop_session=");
    let sha = hex::encode(sha2::Sha256::digest(raw.as_bytes()));
    let stored: Vec<String> = open_db(&s.db_path)
        .prepare(
            "SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE u.name = 'max'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_ne!(stored[0], raw);
    assert!(!stored[0].contains(raw));
    assert_eq!(stored[0], sha);

    // Sign-out deletes the session.
    let r = post(
        &http,
        &format!("{}/auth/logout", s.url),
        &member,
        Some(ORIGIN),
        json!({}),
    );
    assert_eq!(r.status, 200);
    let set = r.headers["set-cookie"].to_str().unwrap();
    assert!(set.contains("Max-Age=0") && set.contains("HttpOnly") && set.contains("SameSite=Lax"));
    assert_eq!(
        get(&http, &format!("{}/v1/errors", s.url), &member).status,
        401
    );
    let left: i64 = open_db(&s.db_path)
        .query_row(
            "SELECT count(*) FROM sessions WHERE token_hash = ?1",
            [&sha],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the session row outlived sign-out");
}

#[test]
fn ceremonies_validate_input_and_are_rate_limited() {
    let s = TestServer::start();
    let http = Http::without_redirects();
    let url = |p: &str| format!("{}{p}", s.url);
    let r = post(
        &http,
        &url("/auth/register/start"),
        "",
        Some(ORIGIN),
        json!({"invite": "bloop_inv_nope", "name": "eve"}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["field"], "invite");
    let inv = users::create_invite(
        &open_db(&s.db_path),
        Role::Member,
        "t",
        60_000,
        bloop::store::now_ms(),
    )
    .unwrap();
    let r = post(
        &http,
        &url("/auth/register/start"),
        "",
        Some(ORIGIN),
        json!({"invite": inv.token, "name": "  "}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["field"], "name");
    let r = post(
        &http,
        &url("/auth/register/start"),
        "",
        Some(ORIGIN),
        json!({"invite": inv.token, "name": "eve"}),
    );
    assert_eq!(r.status, 200);
    let opts = &r.body["options"]["publicKey"];
    assert_eq!(opts["rp"]["id"], "localhost");
    assert_eq!(opts["authenticatorSelection"]["residentKey"], "required");
    // Discoverable sign-in hands out no credential ids.
    let r = post(
        &http,
        &url("/auth/login/start"),
        "",
        Some(ORIGIN),
        json!({}),
    );
    assert_eq!(r.status, 200);
    assert!(r.body["options"]["publicKey"]["allowCredentials"]
        .as_array()
        .is_none_or(|a| a.is_empty()));
    // A forged finish is refused with a JSON error, not a panic.
    let r = post(
        &http,
        &url("/auth/login/finish"),
        "",
        Some(ORIGIN),
        json!({"ceremony": "nope", "credential": {"id": "x", "rawId": "eA", "type": "public-key",
            "response": {"authenticatorData": "eA", "clientDataJSON": "eA", "signature": "eA"}}}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["field"], "ceremony");
    // Cross-site ceremony calls are refused.
    let r = post(
        &http,
        &url("/auth/login/start"),
        "",
        Some("https://evil.example"),
        json!({}),
    );
    assert_eq!(r.status, 403);
    // Rate limit per IP: a burst of sign-in attempts gets 429s.
    let codes: Vec<u16> = (0..40)
        .map(|_| {
            post(
                &http,
                &url("/auth/login/start"),
                "",
                Some(ORIGIN),
                json!({}),
            )
            .status
        })
        .collect();
    assert!(codes.contains(&429), "{codes:?}");
    // Ingest is unaffected by the sign-in limiter.
    let body = crate::common::event("after the burst");
    assert_eq!(http.post_signed(&url("/v1/ingest"), &body).status, 200);
}

#[test]
fn list_page_stays_light() {
    let s = TestServer::start();
    let http = Http::without_redirects();
    for i in 0..60 {
        let body = json!({
            "timestamp": 1_700_000_000, "source": "api", "environment": "production",
            "release": "1.0.0", "error_type": format!("Error{i}"),
            "message": format!("Something failed in handler number {i} with a realistic length message"),
            "route_or_procedure": format!("/api/v1/resource{i}"),
        })
        .to_string();
        http.post_signed(&format!("{}/v1/ingest", s.url), &body);
    }
    s.wait_count("SELECT count(*) FROM issues", 60, Duration::from_secs(5));
    let cookie = user_session(&s.db_path, "ada", Role::Admin);
    let page = get(&http, &format!("{}/issues", s.url), &cookie);
    let html = page.body.as_str().unwrap();
    assert_eq!(html.matches("<tr data-href").count(), 50, "one page of 50");
    assert!(html.contains("Older →"));
    let css = http.get(&format!("{}/assets/app.css", s.url));
    let js = http.get(&format!("{}/assets/app.js", s.url));
    // The rows are sent on every load and every 15-second refresh; the stylesheet and the
    // script once a day (cached). 50 rows with their chips, checkboxes, user counts and
    // sparklines stay under 1.8 KB each.
    assert!(
        html.len() < 90_000,
        "the list page weighs {} bytes",
        html.len()
    );
    let assets = css.body.as_str().unwrap().len() + js.body.as_str().unwrap().len();
    assert!(
        assets < 45_000,
        "the stylesheet and script weigh {assets} bytes"
    );
    assert!(css.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=86400"));
}

both! {
    fn passkey_ceremony_xss_and_triage_in_chromium() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bloop.db");
        let (mut serve, origin, setup) = ServeProcess::for_browser(&db, &[]);
        let shots = tempfile::tempdir().unwrap();
        let out = Command::new("node")
            .arg("tests/browser/dashboard.mjs")
            .env("BLOOP_URL", &origin)
            .env("SETUP_URL", &setup)
            .env("XSS_MESSAGE", XSS)
            .env("INGEST_SECRET", SECRET)
            .env("SHOTS_DIR", shots.path())
            .env(
                "LLM_RULES",
                if cfg!(feature = "llm-tracing") {
                    "1"
                } else {
                    ""
                },
            )
            .output()
            .expect("node runs (tests/run.sh installs it with Chromium and playwright-core)");
        let result = browser_result(&out);
        assert!(result.is_object(), "no RESULT line");
        let fp = result["fingerprint"].as_str().unwrap();

        // What the browser did is what the CLI sees.
        let cli = bloop_cli(&db, &["query", "errors", "--status", "resolved", "--json"]);
        assert!(cli.status.success());
        let resolved: Value = serde_json::from_slice(&cli.stdout).unwrap();
        let resolved = resolved.as_array().unwrap();
        assert_eq!(resolved.len(), 1, "{resolved:?}");
        assert_eq!(resolved[0]["fingerprint"], fp);
        assert_eq!(resolved[0]["error_type"], "XssProbe");
        assert_eq!(resolved[0]["assignee"], "ada", "assigned in the browser");

        // Two users with passkeys, the setup link used up.
        assert_eq!(count_in(&db, "SELECT count(*) FROM users"), 2);
        // The note the browser wrote, as written, by its user.
        assert_eq!(
            text_in(&db, "SELECT author FROM issue_notes"),
            "user:ada"
        );
        assert_eq!(
            text_in(&db, "SELECT text FROM issue_notes"),
            format!("Looked at it: {XSS}\nthe second line")
        );
        // The LLM rule the form made holds only its type's fields.
        if cfg!(feature = "llm-tracing") {
            let config = text_in(&db, "SELECT config FROM alert_rules WHERE name = 'LLM failures'");
            let config: Value = serde_json::from_str(&config).unwrap();
            assert_eq!(
                config,
                json!({"type": "llm_error_rate", "percent": 25.0, "window_secs": 600,
                       "min_calls": 5, "model": "gpt-4o"})
            );
        }
        for f in ["issues.png", "issue.png"] {
            let len = std::fs::metadata(shots.path().join(f)).unwrap().len();
            assert!(len > 10_000, "{f} is {len} bytes");
        }
        if std::env::var_os("BLOOP_BLESS").is_some() {
            let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/images");
            std::fs::create_dir_all(&images).unwrap();
            for f in ["issues.png", "issue.png"] {
                std::fs::copy(shots.path().join(f), images.join(f)).unwrap();
            }
        }
        serve.signal("TERM");
        let _ = serve.child.wait();
    }
}

#[test]
fn users_cli_invites_and_guards_the_last_admin() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bloop.db");
    let run = |args: &[&str]| {
        Command::new(bloop_bin())
            .args(args)
            .env("BLOOP__DATABASE__PATH", &db)
            .env("BLOOP__AUTH__RP_ORIGIN", "https://bloop.example.com")
            .env("BLOOP__AUTH__RP_ID", "bloop.example.com")
            .env_remove("BLOOP_CONFIG")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    bloop::store::open(&db).unwrap();
    let out = run(&["users", "invite", "--admin"]);
    assert!(out.status.success(), "{out:?}");
    let link = String::from_utf8(out.stdout).unwrap();
    assert!(link.starts_with("https://bloop.example.com/invite?token=bloop_inv_"));
    let token = link.trim().rsplit('=').next().unwrap().to_string();
    {
        let mut conn = open_db(&db);
        users::register(
            &mut conn,
            &token,
            "ada",
            "h",
            &NewPasskey {
                cred_id: "c",
                name: "k",
                json: "{}",
            },
            bloop::store::now_ms(),
        )
        .unwrap();
    }
    let list: Value = serde_json::from_slice(&run(&["users", "list", "--json"]).stdout).unwrap();
    assert_eq!(list[0]["name"], "ada");
    assert_eq!(list[0]["role"], "admin");
    let out = run(&["users", "role", "ada", "viewer"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("last admin"));
    let out = run(&["users", "remove", "ada"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["users", "invite", "--role", "owner"]);
    assert_eq!(out.status.code(), Some(2));
    // A used invite link cannot be used twice.
    let again = users::register(
        &mut open_db(&db),
        &token,
        "eve",
        "h2",
        &NewPasskey {
            cred_id: "c2",
            name: "k",
            json: "{}",
        },
        bloop::store::now_ms(),
    );
    assert!(again.is_err());
}

/// The only admin is not offered a role picker (the server would refuse to demote them); with a
/// second admin, both are.
#[test]
fn the_only_admin_gets_no_role_picker() {
    let s = TestServer::start();
    let http = Http::new();
    let admin = user_session(&s.db_path, "ada", Role::Admin);
    user_session(&s.db_path, "max", Role::Member);
    let html = get(&http, &format!("{}/users", s.url), &admin).body;
    let html = html.as_str().unwrap();
    assert!(html.contains("(the only admin)"), "{html}");
    // Max's, and the invite form's.
    assert_eq!(html.matches(r#"<select name="role">"#).count(), 2, "{html}");
    user_session(&s.db_path, "bea", Role::Admin);
    let html = get(&http, &format!("{}/users", s.url), &admin).body;
    let html = html.as_str().unwrap();
    assert!(!html.contains("(the only admin)"), "{html}");
    assert_eq!(html.matches(r#"<select name="role">"#).count(), 4, "{html}");
}
