//! Every API route × token kind: no token → 401, a token without the route's scope → 403, a
//! token pinned to project A acting on project B → 403/404 with B unchanged, and the right
//! token → success.

use std::time::Duration;

use bloop::store::tokens::{self, Scope};
use serde_json::{json, Value};

use crate::common::*;

struct Route {
    method: &'static str,
    /// `{P}` = project, `{FP}` = an issue of that project, `{KEY}` = a key id, `{TOK}` = a token id.
    path: &'static str,
    body: Option<Value>,
    scope: Scope,
    /// Safe to run successfully on project A (not destructive for the rest of the test).
    run_ok: bool,
}

fn routes() -> Vec<Route> {
    use Scope::*;
    let r = |method, path, body: Option<Value>, scope, run_ok| Route {
        method,
        path,
        body,
        scope,
        run_ok,
    };
    vec![
        r("GET", "/v1/errors?project={P}", None, ErrorsRead, true),
        r("GET", "/v1/errors/{FP}?project={P}", None, ErrorsRead, true),
        r(
            "GET",
            "/v1/errors/{FP}/occurrences?project={P}",
            None,
            ErrorsRead,
            true,
        ),
        r(
            "GET",
            "/v1/errors/{FP}/trend?project={P}",
            None,
            ErrorsRead,
            true,
        ),
        r(
            "GET",
            "/v1/errors/{FP}/history?project={P}",
            None,
            ErrorsRead,
            true,
        ),
        r(
            "POST",
            "/v1/errors/{FP}/resolve?project={P}",
            Some(json!({"release": "9.9.9"})),
            ErrorsWrite,
            true,
        ),
        r(
            "POST",
            "/v1/errors/{FP}/ignore?project={P}",
            None,
            ErrorsWrite,
            true,
        ),
        r(
            "POST",
            "/v1/errors/{FP}/mute?project={P}",
            None,
            ErrorsWrite,
            true,
        ),
        r(
            "POST",
            "/v1/errors/{FP}/unresolve?project={P}",
            None,
            ErrorsWrite,
            true,
        ),
        r("GET", "/v1/releases?project={P}", None, ErrorsRead, true),
        r(
            "GET",
            "/v1/releases/1.0.0/errors?project={P}",
            None,
            ErrorsRead,
            true,
        ),
        r("GET", "/v1/trends?project={P}", None, ErrorsRead, true),
        r("GET", "/v1/stats?project={P}", None, ErrorsRead, true),
        r("GET", "/v1/projects/{P}", None, ProjectsRead, true),
        r(
            "PATCH",
            "/v1/projects/{P}",
            Some(json!({"name": "Renamed"})),
            ProjectsWrite,
            true,
        ),
        r("GET", "/v1/projects/{P}/keys", None, ProjectsRead, true),
        r(
            "POST",
            "/v1/projects/{P}/keys",
            Some(json!({"name": "extra"})),
            KeysWrite,
            true,
        ),
        r(
            "POST",
            "/v1/keys/{KEY}/rotate",
            Some(json!({"grace": "1h"})),
            KeysWrite,
            false,
        ),
        r("DELETE", "/v1/keys/{KEY}", None, KeysWrite, false),
        r("DELETE", "/v1/projects/{P}", None, ProjectsWrite, false),
        r("DELETE", "/v1/tokens/{TOK}", None, Admin, false),
        r(
            "PUT",
            "/v1/admin/retention",
            Some(json!({"project": "{P}", "raw_events_days": 5})),
            Admin,
            true,
        ),
        r(
            "POST",
            "/v1/admin/retention/purge",
            Some(json!({"project": "{P}", "dry_run": true})),
            Admin,
            true,
        ),
    ]
}

/// Routes with no project in them: only scope checks apply (pinning narrows what they return).
fn global_routes() -> Vec<(&'static str, &'static str, Option<Value>, Scope)> {
    vec![
        ("GET", "/v1/errors", None, Scope::ErrorsRead),
        ("GET", "/v1/projects", None, Scope::ProjectsRead),
        (
            "POST",
            "/v1/projects",
            Some(json!({"name": "Fresh"})),
            Scope::ProjectsWrite,
        ),
        ("GET", "/v1/tokens", None, Scope::Admin),
        ("GET", "/v1/admin/retention", None, Scope::Admin),
        (
            "POST",
            "/v1/tokens",
            Some(json!({"name": "t", "scopes": ["errors:read"]})),
            Scope::Admin,
        ),
        (
            "POST",
            "/v1/prune",
            Some(json!({"dry_run": true})),
            Scope::Admin,
        ),
    ]
}

struct Fixture {
    fp: String,
    key: i64,
    tok: i64,
}

fn fill(path: &str, p: &str, f: &Fixture) -> String {
    path.replace("{P}", p)
        .replace("{FP}", &f.fp)
        .replace("{KEY}", &f.key.to_string())
        .replace("{TOK}", &f.tok.to_string())
}

fn fill_body(body: &Option<Value>, p: &str) -> Option<Value> {
    body.as_ref()
        .map(|b| serde_json::from_str(&b.to_string().replace("{P}", p)).unwrap())
}

fn call(
    http: &Http,
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Resp {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = reqwest::Client::new().request(m, format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    http.send(req)
}

/// A snapshot of project B's state, to prove nothing changed it.
fn snapshot(db: &rusqlite::Connection) -> String {
    let q = |sql: &str| -> String {
        let mut st = db.prepare(sql).unwrap();
        let rows: Vec<String> = st
            .query_map([], |r| {
                let n = r.as_ref().column_count();
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows.join("\n")
    };
    [
        "SELECT * FROM projects WHERE id = 'b'",
        "SELECT id, status, resolved_in_release, total_count FROM issues WHERE project_id = 'b'",
        "SELECT id, revoked_at FROM project_keys WHERE project_id = 'b'",
        "SELECT id, revoked_at FROM api_tokens WHERE project_id = 'b'",
        "SELECT count(*) FROM status_history WHERE issue_id IN (SELECT id FROM issues WHERE project_id = 'b')",
    ]
    .iter()
    .map(|s| q(s))
    .collect::<Vec<_>>()
    .join("\n--\n")
}

#[test]
fn every_route_checks_scope_and_project() {
    let s = TestServer::start();
    let http = Http::new();
    let db = s.db();
    let mut fixtures = Vec::new();
    for p in ["a", "b"] {
        bloop::store::projects::create(&db, &p.to_uppercase(), Some(p)).unwrap();
        let key = bloop::store::keys::create(&db, p, "k").unwrap();
        let tok = tokens::create(
            &db,
            &format!("tok-{p}"),
            &[Scope::ErrorsRead],
            Some(p),
            None,
        )
        .unwrap();
        fixtures.push((p, key, tok.info.id));
    }
    std::thread::sleep(Duration::from_millis(2100));
    for (p, key, _) in &fixtures {
        let e = json!({"timestamp": 1_700_000_000, "error_type": "E", "message": format!("in {p}"), "release": "1.0.0"});
        let r = http.post_with_key(&format!("{}/v1/ingest", s.url), &e.to_string(), &key.key);
        assert_eq!(r.status, 200);
    }
    s.wait_count("SELECT count(*) FROM events", 2, Duration::from_secs(5));
    let fx = |p: &str| {
        let (_, key, tok) = fixtures.iter().find(|(q, _, _)| *q == p).unwrap();
        let fp: String = db
            .query_row(
                "SELECT fingerprint FROM issues WHERE project_id = ?1",
                [p],
                |r| r.get(0),
            )
            .unwrap();
        Fixture {
            fp,
            key: key.id,
            tok: *tok,
        }
    };
    let (fa, fb) = (fx("a"), fx("b"));
    let every: Vec<Scope> = Scope::ALL.to_vec();
    let admin_all = tokens::create(&db, "root", &[Scope::Admin], None, None)
        .unwrap()
        .token;
    let before = snapshot(&db);

    for route in routes() {
        let label = format!("{} {}", route.method, route.path);
        // 1. No token.
        let r = call(
            &http,
            &s.url,
            route.method,
            &fill(route.path, "a", &fa),
            None,
            fill_body(&route.body, "a"),
        );
        assert_eq!(r.status, 401, "{label} without a token");
        // 2. Pinned to A with every scope but the one needed (and not admin).
        let others: Vec<Scope> = every
            .iter()
            .copied()
            .filter(|sc| *sc != route.scope && *sc != Scope::Admin)
            .collect();
        let lacking = tokens::create(&db, "lacking", &others, Some("a"), None)
            .unwrap()
            .token;
        let r = call(
            &http,
            &s.url,
            route.method,
            &fill(route.path, "a", &fa),
            Some(&lacking),
            fill_body(&route.body, "a"),
        );
        assert_eq!(
            r.status, 403,
            "{label} without scope {}: {:?}",
            route.scope, r.body
        );
        // 3. Pinned to A, right scope, aimed at B.
        let pinned = tokens::create(&db, "pinned", &[route.scope], Some("a"), None)
            .unwrap()
            .token;
        let r = call(
            &http,
            &s.url,
            route.method,
            &fill(route.path, "b", &fb),
            Some(&pinned),
            fill_body(&route.body, "b"),
        );
        assert!(
            r.status == 403 || r.status == 404,
            "{label} from A at B gave {}: {:?}",
            r.status,
            r.body
        );
        assert_eq!(snapshot(&db), before, "{label} from A changed B");
        // 4. The right token on A succeeds.
        if route.run_ok {
            let r = call(
                &http,
                &s.url,
                route.method,
                &fill(route.path, "a", &fa),
                Some(&pinned),
                fill_body(&route.body, "a"),
            );
            assert!(
                (200..300).contains(&r.status),
                "{label} with scope on A gave {}: {:?}",
                r.status,
                r.body
            );
        }
    }
    for (method, path, body, scope) in global_routes() {
        let label = format!("{method} {path}");
        assert_eq!(
            call(&http, &s.url, method, path, None, body.clone()).status,
            401,
            "{label}"
        );
        let others: Vec<Scope> = every
            .iter()
            .copied()
            .filter(|sc| *sc != scope && *sc != Scope::Admin)
            .collect();
        let lacking = tokens::create(&db, "lacking", &others, None, None)
            .unwrap()
            .token;
        assert_eq!(
            call(&http, &s.url, method, path, Some(&lacking), body.clone()).status,
            403,
            "{label}"
        );
        let ok = call(&http, &s.url, method, path, Some(&admin_all), body.clone());
        assert!((200..300).contains(&ok.status), "{label}: {:?}", ok.body);
    }
    // Pinned listings only show their project.
    let pinned = tokens::create(
        &db,
        "p",
        &[Scope::ErrorsRead, Scope::ProjectsRead, Scope::Admin],
        Some("a"),
        None,
    )
    .unwrap()
    .token;
    let errs = call(&http, &s.url, "GET", "/v1/errors", Some(&pinned), None).body;
    assert!(errs
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["project_id"] == "a"));
    let ps = call(&http, &s.url, "GET", "/v1/projects", Some(&pinned), None).body;
    assert_eq!(ps.as_array().unwrap().len(), 1);
    let ts = call(&http, &s.url, "GET", "/v1/tokens", Some(&pinned), None).body;
    assert!(ts
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["project_id"] == "a"));
    let r = call(
        &http,
        &s.url,
        "POST",
        "/v1/tokens",
        Some(&pinned),
        Some(json!({"name": "x", "scopes": ["admin"], "project": "b"})),
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        call(
            &http,
            &s.url,
            "POST",
            "/v1/projects",
            Some(&pinned),
            Some(json!({"name": "Z"}))
        )
        .status,
        403
    );
    assert_eq!(snapshot(&db), before);
}
