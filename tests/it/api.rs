//! The query API and project/key/token management through a real server, with the scope and
//! project-isolation matrix.

use std::time::Duration;

use bloop::store::tokens::{self, Scope};
use serde_json::{json, Value};

use crate::common::*;

const WAIT: Duration = Duration::from_secs(5);

struct Api {
    s: TestServer,
    http: Http,
}

impl Api {
    fn new() -> Self {
        Self {
            s: TestServer::start(),
            http: Http::new(),
        }
    }

    fn token(&self, scopes: &[Scope], project: Option<&str>) -> String {
        tokens::create(&self.s.db(), "test", scopes, project, None)
            .unwrap()
            .token
    }

    fn get(&self, token: &str, path: &str) -> Resp {
        self.http.send(
            reqwest::Client::new()
                .get(format!("{}{}", self.s.url, path))
                .bearer_auth(token),
        )
    }

    fn send(&self, method: reqwest::Method, token: &str, path: &str, body: Option<Value>) -> Resp {
        let mut req = reqwest::Client::new()
            .request(method, format!("{}{}", self.s.url, path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.http.send(req)
    }

    fn post(&self, token: &str, path: &str, body: Option<Value>) -> Resp {
        self.send(reqwest::Method::POST, token, path, body)
    }

    fn ingest(&self, e: Value) {
        let r = self
            .http
            .post_signed(&format!("{}/v1/ingest", self.s.url), &e.to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    fn ingest_key(&self, e: Value, key: &str) {
        let r = self
            .http
            .post_with_key(&format!("{}/v1/ingest", self.s.url), &e.to_string(), key);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    fn wait_events(&self, n: i64) {
        assert_eq!(self.s.wait_count("SELECT count(*) FROM events", n, WAIT), n);
    }
}

fn ev(t: &str, msg: &str, release: &str, env: &str, route: &str) -> Value {
    json!({"timestamp": 1_700_000_000, "source": "api", "environment": env, "release": release,
           "error_type": t, "message": msg, "route_or_procedure": route,
           "stack": "at handler (/app/src/h.js:1:1)", "metadata": {"k": 1}})
}

fn fps(r: &Resp) -> Vec<String> {
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_filters_sort_search_and_paging() {
    let a = Api::new();
    let admin = a.token(&[Scope::Admin], None);
    a.ingest(ev(
        "DbError",
        "Connection refused at 10.0.0.1:5432",
        "1.0.0",
        "production",
        "GET /users",
    ));
    a.ingest(ev(
        "DbError",
        "Connection refused at 10.0.0.2:5432",
        "1.1.0",
        "staging",
        "GET /users",
    ));
    a.ingest(ev(
        "TypeError",
        "undefined is not a function",
        "1.1.0",
        "production",
        "POST /pay",
    ));
    a.ingest(ev(
        "Timeout",
        "upstream timed out",
        "1.1.0",
        "production",
        "GET /feed",
    ));
    a.wait_events(4);

    let r = a.get(&admin, "/v1/errors");
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rows = r.body.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(r.headers["x-total-count"], "3");
    for f in [
        "project_id",
        "fingerprint",
        "error_type",
        "message",
        "source",
        "route_or_procedure",
        "screen",
        "status",
        "total_count",
        "first_seen",
        "last_seen",
        "release",
    ] {
        assert!(rows[0].get(f).is_some(), "row lacks {f}: {}", rows[0]);
    }
    // Sort by count: the DbError issue (2 events) first.
    let r = a.get(&admin, "/v1/errors?sort=total_count");
    assert_eq!(r.body[0]["error_type"], "DbError");
    assert_eq!(r.body[0]["total_count"], 2);
    // Filters.
    assert_eq!(
        a.get(&admin, "/v1/errors?environment=staging")
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        a.get(&admin, "/v1/errors?release=1.0.0")
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A release and an environment together mean events in both at once: DbError has events
    // in (1.0.0, production) and (1.1.0, staging), none in (1.0.0, staging). Environments
    // compare without case.
    let r = a.get(&admin, "/v1/errors?release=1.0.0&environment=staging");
    assert_eq!(r.body, json!([]), "{:?}", r.body);
    assert_eq!(r.headers["x-total-count"], "0");
    let r = a.get(&admin, "/v1/errors?release=1.1.0&environment=STAGING");
    assert_eq!(r.headers["x-total-count"], "1");
    assert_eq!(r.body[0]["error_type"], "DbError");
    assert_eq!(r.body[0]["count"], 1, "events within the filters");
    assert_eq!(r.body[0]["total_count"], 2);
    assert_eq!(
        a.get(&admin, "/v1/errors?environment=Production").headers["x-total-count"],
        "3"
    );
    let r = a.get(
        &admin,
        "/v1/releases/1.1.0/errors?environment=production&sort=first_seen",
    );
    let types: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["error_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Timeout", "TypeError"], "newest first");
    assert_eq!(
        a.get(&admin, "/v1/errors?route=POST%20/pay").body[0]["error_type"],
        "TypeError"
    );
    assert_eq!(
        a.get(&admin, "/v1/errors?source=api")
            .body
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        a.get(&admin, "/v1/errors?since=1h")
            .body
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        a.get(&admin, "/v1/errors?until=1700000000000")
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Search.
    let q = |q: &str| a.get(&admin, &format!("/v1/errors?q={}", urlencode(q)));
    assert_eq!(q("refused").body.as_array().unwrap().len(), 1);
    assert_eq!(q("type:TypeError").body.as_array().unwrap().len(), 1);
    assert_eq!(
        q("!type:DbError is:unresolved")
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        q("env:staging release:1.1.0")
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(q(r#"route:"GET /feed""#).body[0]["error_type"], "Timeout");
    let bad = q("is:sleeping");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["field"], "q");
    assert!(bad.body["error"].as_str().unwrap().contains("is:sleeping"));
    // Paging is stable and complete.
    let p1 = a.get(&admin, "/v1/errors?limit=2");
    let p2 = a.get(&admin, "/v1/errors?limit=2&offset=2");
    assert_eq!(p1.headers["x-next-offset"], "2");
    let mut all = fps(&p1);
    all.extend(fps(&p2));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 3);
    // Bad parameters name themselves.
    for (qs, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("sort=loudest", "sort"),
        ("status=gone", "status"),
        ("since=yesterday", "since"),
        ("colour=red", "colour"),
    ] {
        let r = a.get(&admin, &format!("/v1/errors?{qs}"));
        assert_eq!(r.status, 400, "{qs}");
        assert_eq!(r.body["field"], field, "{qs}: {:?}", r.body);
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn detail_occurrences_trend_and_history() {
    let a = Api::new();
    let admin = a.token(&[Scope::Admin], None);
    for i in 0..3 {
        a.ingest(ev(
            "DbError",
            &format!("Connection refused at 10.0.0.{i}:5432"),
            "1.0.0",
            if i == 0 { "staging" } else { "production" },
            "GET /users",
        ));
    }
    a.wait_events(3);
    let fp = a.get(&admin, "/v1/errors").body[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let d = a.get(&admin, &format!("/v1/errors/{fp}"));
    assert_eq!(d.status, 200, "{:?}", d.body);
    assert_eq!(d.body["issue"]["total_count"], 3);
    assert_eq!(d.body["environments"].as_array().unwrap().len(), 2);
    assert_eq!(d.body["releases"][0]["name"], "1.0.0");
    assert_eq!(d.body["samples"].as_array().unwrap().len(), 3);
    assert_eq!(
        d.body["latest"]["message"],
        "Connection refused at 10.0.0.2:5432"
    );
    assert_eq!(d.body["latest"]["metadata"], json!({"k": 1}));
    let o = a.get(&admin, &format!("/v1/errors/{fp}/occurrences?limit=2"));
    assert_eq!(o.body.as_array().unwrap().len(), 2);
    assert_eq!(o.body[0]["route_or_procedure"], "GET /users");
    let t = a.get(&admin, &format!("/v1/errors/{fp}/trend?hours=48"));
    let buckets = t.body.as_array().unwrap();
    assert_eq!(buckets.len(), 48);
    assert_eq!(
        buckets
            .iter()
            .map(|b| b["count"].as_i64().unwrap())
            .sum::<i64>(),
        3
    );
    assert_eq!(buckets[47]["count"], 3, "the current hour is last");
    assert_eq!(
        a.get(&admin, &format!("/v1/errors/{fp}/trend?hours=0"))
            .status,
        400
    );
    assert_eq!(a.get(&admin, "/v1/errors/ffffffffffffffff").status, 404);
    let g = a.get(&admin, "/v1/trends?hours=24");
    assert_eq!(g.body.as_array().unwrap().len(), 24);
    let s = a.get(&admin, "/v1/stats");
    assert_eq!(s.body["total_errors"], 1);
    assert_eq!(s.body["unresolved_errors"], 1);
    assert_eq!(s.body["total_events_24h"], 3);
    assert_eq!(s.body["top_routes"][0]["route"], "GET /users");
    assert!(s.body["queue"]["depth"].is_u64());
    let rel = a.get(&admin, "/v1/releases");
    assert_eq!(rel.body[0]["release"], "1.0.0");
    assert_eq!(rel.body[0]["events"], 3);
    assert_eq!(
        a.get(&admin, "/v1/releases/1.0.0/errors")
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        a.get(&admin, "/v1/releases/9.9.9/errors")
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let r = a.post(&admin, &format!("/v1/errors/{fp}/ignore"), None);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "ignored");
    let h = a.get(&admin, &format!("/v1/errors/{fp}/history"));
    assert_eq!(h.body[0]["old_status"], "unresolved");
    assert_eq!(h.body[0]["new_status"], "ignored");
    assert_eq!(h.body[0]["changed_by"], "token:test");
    assert_eq!(
        a.post(&admin, &format!("/v1/errors/{fp}/explode"), None)
            .status,
        404
    );
}

#[test]
fn resolve_in_release_regresses_only_on_newer_releases_and_ignore_sticks() {
    let a = Api::new();
    let admin = a.token(&[Scope::Admin], None);
    a.ingest(ev("E", "crash in checkout", "1.3.0", "production", "r"));
    a.ingest(ev("F", "other crash", "1.3.0", "production", "r"));
    a.wait_events(2);
    let rows = a.get(&admin, "/v1/errors?q=type:E").body;
    let fp = rows[0]["fingerprint"].as_str().unwrap().to_string();
    let r = a.post(
        &admin,
        &format!("/v1/errors/{fp}/resolve"),
        Some(json!({"release": "1.4.0"})),
    );
    assert_eq!(r.body["status"], "resolved");
    assert_eq!(r.body["resolved_in_release"], "1.4.0");
    // An old client still on 1.3.0 does not reopen it.
    a.ingest(ev("E", "crash in checkout", "1.3.0", "production", "r"));
    a.wait_events(3);
    assert_eq!(
        a.get(&admin, &format!("/v1/errors/{fp}")).body["issue"]["status"],
        "resolved"
    );
    // 1.4.1 does: a regression, recorded in history.
    a.ingest(ev("E", "crash in checkout", "1.4.1", "production", "r"));
    a.wait_events(4);
    let d = a.get(&admin, &format!("/v1/errors/{fp}"));
    assert_eq!(d.body["issue"]["status"], "unresolved");
    let h = a.get(&admin, &format!("/v1/errors/{fp}/history")).body;
    assert_eq!(h[0]["changed_by"], "system");
    assert_eq!(h[0]["reason"], "regression");
    assert_eq!(h[0]["release"], "1.4.1");

    // Ignored and muted issues stay so.
    let other = a.get(&admin, "/v1/errors?q=type:F").body[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    a.post(&admin, &format!("/v1/errors/{other}/mute"), None);
    a.ingest(ev("F", "other crash", "2.0.0", "production", "r"));
    a.wait_events(5);
    assert_eq!(
        a.get(&admin, &format!("/v1/errors/{other}")).body["issue"]["status"],
        "muted"
    );
    // Plain resolve: any new event regresses.
    a.post(&admin, &format!("/v1/errors/{other}/resolve"), None);
    a.ingest(ev("F", "other crash", "0.1.0", "production", "r"));
    a.wait_events(6);
    assert_eq!(
        a.get(&admin, &format!("/v1/errors/{other}")).body["issue"]["status"],
        "unresolved"
    );
}

#[test]
fn scopes_and_project_isolation_matrix() {
    let a = Api::new();
    let db = a.s.db();
    let admin = a.token(&[Scope::Admin], None);
    let created = a.post(&admin, "/v1/projects", Some(json!({"name": "Mobile"})));
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["id"], "mobile");
    let mobile_key = created.body["key"]["key"].as_str().unwrap().to_string();
    // A new key works on its first request.
    a.ingest(ev("DefaultErr", "in default", "1", "production", "r"));
    a.ingest_key(
        ev("MobileErr", "in mobile", "1", "production", "r"),
        &mobile_key,
    );
    a.wait_events(2);
    let default_fp: String = db
        .query_row(
            "SELECT fingerprint FROM issues WHERE project_id='default'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mobile_fp: String = db
        .query_row(
            "SELECT fingerprint FROM issues WHERE project_id='mobile'",
            [],
            |r| r.get(0),
        )
        .unwrap();

    let read_a = a.token(&[Scope::ErrorsRead], Some("default"));
    let write_a = a.token(&[Scope::ErrorsRead, Scope::ErrorsWrite], Some("default"));
    let read_all = a.token(&[Scope::ErrorsRead], None);
    let projects_a = a.token(
        &[Scope::ProjectsRead, Scope::ProjectsWrite, Scope::KeysWrite],
        Some("default"),
    );

    // No or bad token.
    assert_eq!(a.http.get(&format!("{}/v1/errors", a.s.url)).status, 401);
    assert_eq!(a.get("bloop_tk_forged", "/v1/errors").status, 401);
    // Reading: pinned tokens see only their project.
    assert_eq!(fps(&a.get(&read_a, "/v1/errors")), vec![default_fp.clone()]);
    assert_eq!(a.get(&read_a, "/v1/errors?project=mobile").status, 403);
    assert_eq!(
        a.get(&read_a, &format!("/v1/errors/{mobile_fp}")).status,
        404
    );
    assert_eq!(
        a.get(&read_a, &format!("/v1/errors/{mobile_fp}/occurrences"))
            .status,
        404
    );
    assert_eq!(a.get(&read_a, "/v1/stats").body["total_errors"], 1);
    assert_eq!(
        a.get(&read_all, "/v1/errors")
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        a.get(&read_all, "/v1/errors?project=mobile")
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Writing needs errors:write, and only in the pinned project.
    assert_eq!(
        a.post(&read_a, &format!("/v1/errors/{default_fp}/resolve"), None)
            .status,
        403
    );
    assert_eq!(
        a.post(&write_a, &format!("/v1/errors/{mobile_fp}/resolve"), None)
            .status,
        404
    );
    assert_eq!(
        a.post(&write_a, &format!("/v1/errors/{default_fp}/resolve"), None)
            .status,
        200
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM issues WHERE status = 'resolved'"),
        1
    );
    // Projects and keys.
    assert_eq!(a.get(&read_a, "/v1/projects").status, 403);
    let ps = a.get(&projects_a, "/v1/projects");
    assert_eq!(ps.body.as_array().unwrap().len(), 1);
    assert_eq!(ps.body[0]["id"], "default");
    assert_eq!(a.get(&projects_a, "/v1/projects/mobile").status, 403);
    assert_eq!(a.get(&projects_a, "/v1/projects/mobile/keys").status, 403);
    assert_eq!(
        a.post(&projects_a, "/v1/projects/mobile/keys", None).status,
        403
    );
    assert_eq!(
        a.post(&projects_a, "/v1/projects", Some(json!({"name": "X"})))
            .status,
        403
    );
    assert_eq!(
        a.send(
            reqwest::Method::DELETE,
            &projects_a,
            "/v1/projects/mobile",
            None
        )
        .status,
        403
    );
    let mobile_key_id: i64 = db
        .query_row(
            "SELECT id FROM project_keys WHERE project_id='mobile'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        a.send(
            reqwest::Method::DELETE,
            &projects_a,
            &format!("/v1/keys/{mobile_key_id}"),
            None
        )
        .status,
        403
    );
    assert_eq!(
        a.post(
            &projects_a,
            &format!("/v1/keys/{mobile_key_id}/rotate"),
            None
        )
        .status,
        403
    );
    // Tokens need admin.
    assert_eq!(a.get(&projects_a, "/v1/tokens").status, 403);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM project_keys WHERE revoked_at IS NOT NULL"
        ),
        0
    );
    assert_eq!(count(&db, "SELECT count(*) FROM projects"), 2);
}

#[test]
fn projects_keys_and_tokens_lifecycle() {
    let a = Api::new();
    let admin = a.token(&[Scope::Admin], None);
    let p = a.post(
        &admin,
        "/v1/projects",
        Some(json!({"name": "Web Shop", "slug": "shop"})),
    );
    assert_eq!(p.status, 201);
    let key = p.body["key"]["key"].as_str().unwrap().to_string();
    assert!(bloop::store::keys::is_key_format(&key));
    assert_eq!(
        a.post(
            &admin,
            "/v1/projects",
            Some(json!({"name": "Web Shop", "slug": "shop"}))
        )
        .status,
        409
    );
    assert_eq!(
        a.post(
            &admin,
            "/v1/projects",
            Some(json!({"name": "x", "slug": "Bad Slug"}))
        )
        .body["field"],
        "slug"
    );
    assert_eq!(
        a.post(&admin, "/v1/projects", Some(json!({"nom": "x"})))
            .status,
        400
    );
    let r = a.send(
        reqwest::Method::PATCH,
        &admin,
        "/v1/projects/shop",
        Some(json!({"name": "Shop", "retention_days": 30})),
    );
    assert_eq!(r.body["name"], "Shop");
    assert_eq!(r.body["retention_days"], 30);
    // Keys listed masked; revealed with keys:write.
    let ks = a.get(&admin, "/v1/projects/shop/keys");
    assert_ne!(ks.body[0]["key"], key);
    assert!(ks.body[0]["key"].as_str().unwrap().contains('…'));
    assert_eq!(
        a.get(&admin, "/v1/projects/shop/keys?reveal=true").body[0]["key"],
        key
    );
    // Rotation with grace: both keys work during the grace period.
    let id = ks.body[0]["id"].as_i64().unwrap();
    let rot = a.post(
        &admin,
        &format!("/v1/keys/{id}/rotate"),
        Some(json!({"grace": "1h"})),
    );
    assert_eq!(rot.status, 200, "{:?}", rot.body);
    let new_key = rot.body["new_key"]["key"].as_str().unwrap().to_string();
    a.ingest_key(ev("E", "old key in grace", "1", "p", "r"), &key);
    a.ingest_key(ev("E", "new key", "1", "p", "r"), &new_key);
    a.wait_events(2);
    // Revoke the old key now: refused within a second.
    assert_eq!(
        a.send(
            reqwest::Method::DELETE,
            &admin,
            &format!("/v1/keys/{id}"),
            None
        )
        .status,
        200
    );
    // (An empty object: 400 while the key still works, 401 once it does not; nothing stored.)
    assert!(wait_until(Duration::from_millis(1500), || {
        a.http
            .post_with_key(&format!("{}/v1/ingest", a.s.url), "{}", &key)
            .status
            == 401
    }));

    // Tokens: created once in full, stored hashed, revocable; last_used_at recorded.
    let t = a.post(
        &admin,
        "/v1/tokens",
        Some(json!({"name": "ci", "scopes": ["errors:read"], "project": "shop", "expires": "90d"})),
    );
    assert_eq!(t.status, 201, "{:?}", t.body);
    let tok = t.body["token"].as_str().unwrap().to_string();
    assert!(tok.starts_with("bloop_tk_"));
    assert_eq!(a.get(&tok, "/v1/errors").status, 200);
    assert_eq!(a.get(&tok, "/v1/errors").status, 200);
    let listed = a.get(&admin, "/v1/tokens").body;
    let ci = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "ci")
        .unwrap()
        .clone();
    assert!(ci.get("token").is_none());
    assert!(ci["last_used_at"].is_i64());
    assert_eq!(
        a.post(
            &admin,
            "/v1/tokens",
            Some(json!({"name": "x", "scopes": ["root"]}))
        )
        .body["field"],
        "scopes"
    );
    let tid = ci["id"].as_i64().unwrap();
    assert_eq!(
        a.send(
            reqwest::Method::DELETE,
            &admin,
            &format!("/v1/tokens/{tid}"),
            None
        )
        .status,
        200
    );
    assert_eq!(a.get(&tok, "/v1/errors").status, 401);

    // Deleting a project removes its data; default cannot be deleted.
    let d = a.send(reqwest::Method::DELETE, &admin, "/v1/projects/shop", None);
    assert_eq!(d.status, 200, "{:?}", d.body);
    assert_eq!(d.body["events"], 2);
    let db = a.s.db();
    assert_eq!(count(&db, "SELECT count(*) FROM events"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM issues"), 0);
    assert_eq!(
        a.send(
            reqwest::Method::DELETE,
            &admin,
            "/v1/projects/default",
            None
        )
        .status,
        400
    );
}

/// `/v1/releases` lists the newest version first (semantic versions, `package@` prefixes
/// understood), then releases that are not versions by first seen — not by last activity.
#[test]
fn releases_are_listed_newest_version_first() {
    let a = Api::new();
    let tok = a.token(&[Scope::ErrorsRead], None);
    // Sent oldest version last, so last-seen order would be the reverse of the answer.
    for (i, r) in ["nightly", "1.10.0", "1.9.0", "shop@1.2.0", "1.2.0-beta.1"]
        .iter()
        .enumerate()
    {
        a.ingest(ev("E", &format!("crash {i}"), r, "production", "r"));
        a.wait_events(i as i64 + 1);
    }
    let r = a.get(&tok, "/v1/releases?limit=4");
    assert_eq!(r.status, 200, "{:?}", r.body);
    let names: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["release"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["1.10.0", "1.9.0", "shop@1.2.0", "1.2.0-beta.1"]);
}
