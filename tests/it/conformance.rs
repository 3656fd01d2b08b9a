//! One behaviour suite, run on both backends: every test here is a function of the backend,
//! generated once for SQLite (a temp file) and once for PostgreSQL (a fresh database on the
//! suite's throw-away server, `bloop::store::pg::scratch`). They assert only what a user sees:
//! HTTP answers and the CLI's output.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{bloop_cli_env, cli_ok, wait_until, Http, Resp, TestServer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A server on `backend`, with an admin token made by the CLI on the same database.
pub struct Node {
    pub server: TestServer,
    pub pg_url: Option<String>,
    pub token: String,
    pub http: Http,
}

impl Node {
    pub fn start(backend: Backend) -> Node {
        Self::start_with(backend, |_| {})
    }

    pub fn start_with(backend: Backend, tweak: impl FnOnce(&mut bloop::Config)) -> Node {
        let pg_url = (backend == Backend::Postgres).then(|| {
            bloop::store::pg::scratch::shared()
                .database()
                .expect("a scratch database")
        });
        let url = pg_url.clone();
        let server = TestServer::start_with(move |c| {
            c.database.url = url.map(bloop::config::Secret::new);
            tweak(c);
        });
        let mut node = Node {
            server,
            pg_url,
            token: String::new(),
            http: Http::new(),
        };
        let out = node.cli(&[
            "tokens", "create", "--name", "suite", "--scopes", "admin", "--json",
        ]);
        let created: Value = serde_json::from_str(&cli_ok(&out)).expect("token JSON");
        node.token = created["token"].as_str().expect("token").to_string();
        node
    }

    /// The environment that points the CLI at this node's database.
    fn env(&self) -> Vec<(&str, &str)> {
        match &self.pg_url {
            Some(u) => vec![("BLOOP__DATABASE__URL", u.as_str())],
            None => vec![],
        }
    }

    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        bloop_cli_env(&self.server.db_path, args, &self.env())
    }

    pub fn get(&self, path: &str) -> Resp {
        self.http.send(
            self.http
                .client()
                .get(format!("{}{path}", self.server.url))
                .bearer_auth(&self.token),
        )
    }

    pub fn post(&self, path: &str, body: Value) -> Resp {
        self.http.send(
            self.http
                .client()
                .post(format!("{}{path}", self.server.url))
                .bearer_auth(&self.token)
                .json(&body),
        )
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.http.send(
            self.http
                .client()
                .delete(format!("{}{path}", self.server.url))
                .bearer_auth(&self.token),
        )
    }

    /// Sends events signed with the legacy secret (the default project), as one batch.
    pub fn ingest(&self, events: &[Value]) {
        let body = json!({ "events": events }).to_string();
        let r = self
            .http
            .post_signed(&format!("{}/v1/ingest/batch", self.server.url), &body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    /// Waits until the server has stored `n` events in all (its stats say so).
    pub fn wait_events(&self, n: i64) {
        let mut seen = 0;
        let ok = wait_until(Duration::from_secs(10), || {
            seen = self.get("/v1/stats").body["total_events"]
                .as_i64()
                .unwrap_or(-1);
            seen == n
        });
        assert!(ok, "expected {n} events stored, the stats say {seen}");
    }
}

fn ev(message: &str, release: &str, environment: &str, extra: Value) -> Value {
    let mut e = json!({
        "timestamp": bloop::store::now_ms(),
        "source": "api",
        "environment": environment,
        "release": release,
        "error_type": "TestError",
        "message": message,
    });
    if let (Some(o), Some(x)) = (e.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            o.insert(k.clone(), v.clone());
        }
    }
    e
}

fn rows(r: &Resp) -> &Vec<Value> {
    r.body
        .as_array()
        .unwrap_or_else(|| panic!("a list: {:?}", r.body))
}

/// Messages that differ only in an address group together; a different error is its own issue;
/// counts, first/last seen and the list's total agree.
fn ingest_groups_and_counts(b: Backend) {
    let n = Node::start(b);
    let mut events: Vec<Value> = (1..=5)
        .map(|i| {
            ev(
                &format!("Connection refused at 10.0.0.{i}:5432"),
                "1.0.0",
                "production",
                json!({}),
            )
        })
        .collect();
    events.push(ev("KeyError: 'user'", "1.0.0", "production", json!({})));
    n.ingest(&events);
    n.wait_events(6);
    let list = n.get("/v1/errors");
    assert_eq!(list.status, 200);
    assert_eq!(list.headers["x-total-count"], "2");
    let issues = rows(&list);
    let refused = issues
        .iter()
        .find(|i| {
            i["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("Connection refused")
        })
        .expect("the grouped issue");
    assert_eq!(refused["total_count"], 5);
    assert_eq!(refused["count"], 5);
    assert_eq!(refused["status"], "unresolved");
    assert_eq!(refused["release"], "1.0.0");
    assert!(refused["first_seen"].as_i64() <= refused["last_seen"].as_i64());
    let stats = n.get("/v1/stats").body;
    assert_eq!(stats["total_errors"], 2);
    assert_eq!(stats["unresolved_errors"], 2);
    assert_eq!(stats["total_events_24h"], 6);
}

/// Release, environment (any case), text and status filters, the per-filter `count`, releases.
fn list_filters(b: Backend) {
    let n = Node::start(b);
    let mut events = Vec::new();
    for (msg, rel, env, k) in [
        ("alpha failed", "1.0.0", "production", 3),
        ("alpha failed", "1.1.0", "staging", 2),
        ("beta timed out", "1.1.0", "Production", 4),
        ("gamma crashed", "2.0.0", "staging", 1),
    ] {
        for _ in 0..k {
            events.push(ev(msg, rel, env, json!({})));
        }
    }
    n.ingest(&events);
    n.wait_events(10);
    let total = |q: &str| -> (String, Vec<(String, i64)>) {
        let r = n.get(&format!("/v1/errors?{q}"));
        assert_eq!(r.status, 200, "{q}: {:?}", r.body);
        let mut found: Vec<(String, i64)> = rows(&r)
            .iter()
            .map(|i| {
                (
                    i["message"].as_str().unwrap_or("").to_string(),
                    i["count"].as_i64().unwrap_or(-1),
                )
            })
            .collect();
        found.sort();
        (
            r.headers["x-total-count"]
                .to_str()
                .unwrap_or("")
                .to_string(),
            found,
        )
    };
    assert_eq!(
        total("release=1.1.0"),
        (
            "2".into(),
            vec![("alpha failed".into(), 2), ("beta timed out".into(), 4)]
        )
    );
    // Environments compare without case on both backends.
    assert_eq!(
        total("environment=production"),
        (
            "2".into(),
            vec![("alpha failed".into(), 3), ("beta timed out".into(), 4)]
        )
    );
    assert_eq!(
        total("environment=staging&release=1.1.0"),
        ("1".into(), vec![("alpha failed".into(), 2)])
    );
    assert_eq!(
        total("q=TIMED"),
        ("1".into(), vec![("beta timed out".into(), 4)])
    );
    let releases = n.get("/v1/releases").body;
    let names: Vec<&str> = releases
        .as_array()
        .expect("releases")
        .iter()
        .map(|r| r["release"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["2.0.0", "1.1.0", "1.0.0"], "newest version first");
    let r110 = &releases[1];
    assert_eq!(
        (r110["issues"].as_i64(), r110["events"].as_i64()),
        (Some(2), Some(6))
    );
    assert_eq!(
        r110["new_issues"], 1,
        "beta is new in 1.1.0; alpha came in 1.0.0"
    );
}

/// One issue: breakdowns, samples, the latest event, paging through events, the trend.
fn issue_detail_events_and_trend(b: Backend) {
    let n = Node::start_with(b, |c| c.pipeline.sample_reservoir_size = 3);
    let events: Vec<Value> = (0..7)
        .map(|i| {
            ev(
                "detail me",
                if i < 4 { "1.0.0" } else { "1.1.0" },
                if i % 2 == 0 { "production" } else { "staging" },
                json!({"user_id_hash": format!("u{}", i % 3), "metadata": {"tier": "gold"}}),
            )
        })
        .collect();
    n.ingest(&events);
    n.wait_events(7);
    let fp = rows(&n.get("/v1/errors"))[0]["fingerprint"]
        .as_str()
        .expect("fp")
        .to_string();
    let d = n.get(&format!("/v1/errors/{fp}"));
    assert_eq!(d.status, 200, "{:?}", d.body);
    let d = d.body;
    assert_eq!(d["issue"]["total_count"], 7);
    let counts = |k: &str| -> Vec<(String, i64)> {
        let mut v: Vec<(String, i64)> = d[k]
            .as_array()
            .expect(k)
            .iter()
            .map(|x| {
                (
                    x["name"].as_str().unwrap_or("").into(),
                    x["count"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        counts("releases"),
        [("1.0.0".into(), 4), ("1.1.0".into(), 3)]
    );
    assert_eq!(
        counts("environments"),
        [("production".into(), 4), ("staging".into(), 3)]
    );
    assert_eq!(d["samples"].as_array().map(Vec::len), Some(3));
    assert_eq!(d["users"], 3);
    assert_eq!(d["latest"]["message"], "detail me");
    let tier = d["tags"]["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .find(|t| t["key"] == "tier")
        .expect("the metadata tag");
    assert_eq!(tier["values"][0], json!({"value": "gold", "count": 7}));
    let page = n.get(&format!("/v1/errors/{fp}/occurrences?limit=5"));
    assert_eq!(rows(&page).len(), 5);
    assert_eq!(page.headers["x-next-offset"], "5");
    let ids: Vec<i64> = rows(&page)
        .iter()
        .filter_map(|e| e["id"].as_i64())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let rest = n.get(&format!("/v1/errors/{fp}/occurrences?limit=5&offset=5"));
    assert_eq!(rows(&rest).len(), 2);
    let trend = n.get(&format!("/v1/errors/{fp}/trend?hours=3")).body;
    let hours = trend.as_array().expect("trend");
    assert_eq!(hours.len(), 3);
    assert_eq!(hours[2]["count"], 7, "{trend}");
    let all = n.get("/v1/trends?hours=2").body;
    assert_eq!(
        all.as_array()
            .and_then(|h| h.last())
            .map(|h| h["count"].clone()),
        Some(json!(7))
    );
}

/// Resolve in a release: an older release does not reopen it, a newer one does, and the
/// timeline says who did what.
fn status_changes_and_regression(b: Backend) {
    let n = Node::start(b);
    n.ingest(&[ev("flaky thing", "1.0.0", "production", json!({}))]);
    n.wait_events(1);
    let fp = rows(&n.get("/v1/errors"))[0]["fingerprint"]
        .as_str()
        .expect("fp")
        .to_string();
    let r = n.post(
        &format!("/v1/errors/{fp}/resolve"),
        json!({"release": "1.1.0"}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "resolved");
    assert_eq!(r.body["resolved_in_release"], "1.1.0");
    n.ingest(&[ev("flaky thing", "1.0.0", "production", json!({}))]);
    n.wait_events(2);
    assert_eq!(
        n.get(&format!("/v1/errors/{fp}")).body["issue"]["status"],
        "resolved"
    );
    n.ingest(&[ev("flaky thing", "1.2.0", "production", json!({}))]);
    n.wait_events(3);
    assert_eq!(
        n.get(&format!("/v1/errors/{fp}")).body["issue"]["status"],
        "unresolved"
    );
    let note = n.post(
        &format!("/v1/errors/{fp}/notes"),
        json!({"text": "seen on <b>iOS</b>"}),
    );
    assert_eq!(note.status, 201, "{:?}", note.body);
    let history = n.get(&format!("/v1/errors/{fp}/history")).body;
    let kinds: Vec<String> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|h| {
            format!(
                "{}:{}",
                h["kind"].as_str().unwrap_or(""),
                h["new_status"]
                    .as_str()
                    .or(h["text"].as_str())
                    .unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "note:seen on <b>iOS</b>",
            "status:unresolved",
            "status:resolved"
        ]
    );
    assert_eq!(history[1]["changed_by"], "system");
    assert_eq!(history[2]["changed_by"], "token:suite");
    // Bulk: all or none; an unknown fingerprint names the item.
    let bulk = n.http.send(
        n.http
            .client()
            .patch(format!("{}/v1/errors", n.server.url))
            .bearer_auth(&n.token)
            .json(&json!({"status": "ignored", "issues": [{"fingerprint": fp}, {"fingerprint": "0000000000000000"}]})),
    );
    assert_eq!(bulk.status, 404, "{:?}", bulk.body);
    assert_eq!(bulk.body["field"], "issues[1].fingerprint");
    assert_eq!(
        n.get(&format!("/v1/errors/{fp}")).body["issue"]["status"],
        "unresolved"
    );
    let assign = n.post(
        &format!("/v1/errors/{fp}/assign"),
        json!({"user": "nobody-here"}),
    );
    assert_eq!(assign.status, 400, "{:?}", assign.body);
}

/// Projects and keys through the API: a new project's key files events there; a revoked key
/// is refused within a second; a project-pinned token sees only its project.
fn projects_keys_and_tokens(b: Backend) {
    let n = Node::start(b);
    let created = n.post("/v1/projects", json!({"name": "Mobile App"}));
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["id"], "mobile-app");
    let key = created.body["key"]["key"]
        .as_str()
        .expect("key")
        .to_string();
    let key_id = created.body["key"]["id"].as_i64().expect("key id");
    let dup = n.post("/v1/projects", json!({"name": "Mobile App"}));
    assert_eq!(dup.status, 409);
    let body = ev("only in mobile", "1.0.0", "production", json!({})).to_string();
    let url = format!("{}/v1/ingest", n.server.url);
    let r = n.http.post_with_key(&url, &body, &key);
    assert_eq!(r.status, 200, "{:?}", r.body);
    n.wait_events(1);
    let mobile = n.get("/v1/errors?project=mobile-app");
    assert_eq!(rows(&mobile).len(), 1);
    assert_eq!(rows(&n.get("/v1/errors?project=default")).len(), 0);
    let projects = n.get("/v1/projects").body;
    let p = projects
        .as_array()
        .expect("projects")
        .iter()
        .find(|p| p["id"] == "mobile-app")
        .expect("listed");
    assert_eq!(
        (
            p["issues"].as_i64(),
            p["events"].as_i64(),
            p["keys"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let revoked = n.delete(&format!("/v1/keys/{key_id}"));
    assert_eq!(revoked.status, 200, "{:?}", revoked.body);
    // Until every cache has dropped the key it still works (at most a second): count those.
    let mut accepted = 1;
    let refused = wait_until(Duration::from_secs(2), || {
        match n.http.post_with_key(&url, &body, &key).status {
            401 => true,
            200 => {
                accepted += 1;
                false
            }
            other => panic!("{other}"),
        }
    });
    assert!(refused, "a revoked key still works");
    n.wait_events(accepted);
    // A token pinned to the project.
    let t = n.post(
        "/v1/tokens",
        json!({"name": "mobile-ci", "scopes": ["errors:read"], "project": "mobile-app"}),
    );
    assert_eq!(t.status, 201, "{:?}", t.body);
    let pinned = t.body["token"].as_str().expect("token").to_string();
    let as_pinned = |path: &str| {
        n.http.send(
            n.http
                .client()
                .get(format!("{}{path}", n.server.url))
                .bearer_auth(&pinned),
        )
    };
    assert_eq!(rows(&as_pinned("/v1/errors")).len(), 1);
    assert_eq!(as_pinned("/v1/errors?project=default").status, 403);
    let gone = n.delete("/v1/projects/mobile-app");
    assert_eq!(gone.status, 200, "{:?}", gone.body);
    assert_eq!(gone.body["issues"], 1);
    assert_eq!(
        gone.body["events"], accepted,
        "every accepted event was stored"
    );
    assert_eq!(
        as_pinned("/v1/errors").status,
        401,
        "its token went with it"
    );
}

/// The CLI reads and changes the same data on either backend.
fn cli_on_the_database(b: Backend) {
    let n = Node::start(b);
    n.ingest(&[
        ev("cli sees this", "3.1.0", "production", json!({})),
        ev("cli sees this", "3.1.0", "production", json!({})),
    ]);
    n.wait_events(2);
    let list: Value =
        serde_json::from_str(&cli_ok(&n.cli(&["query", "errors", "--json"]))).expect("json");
    let fp = list[0]["fingerprint"].as_str().expect("fp").to_string();
    assert_eq!(list[0]["total_count"], 2);
    let out = cli_ok(&n.cli(&["query", "error", &fp[..8]]));
    assert!(
        out.contains("cli sees this") && out.contains("3.1.0"),
        "{out}"
    );
    cli_ok(&n.cli(&["query", "resolve", &fp]));
    assert_eq!(
        n.get(&format!("/v1/errors/{fp}")).body["issue"]["status"],
        "resolved"
    );
    let made: Value = serde_json::from_str(&cli_ok(
        &n.cli(&["projects", "create", "Backend", "--json"]),
    ))
    .expect("json");
    assert_eq!(made["id"], "backend");
    let keys = cli_ok(&n.cli(&["keys", "list", "--project", "backend"]));
    assert!(
        keys.contains("backend") && !keys.contains(made["key"]["key"].as_str().unwrap_or("-")),
        "masked: {keys}"
    );
    let projects = cli_ok(&n.cli(&["projects", "list"]));
    assert!(
        projects.contains("backend") && projects.contains("default"),
        "{projects}"
    );
}

/// The clients users have, unmodified: the Python `bloop-sdk` (signs with a project key made a
/// moment ago through the API, batches) and the PyPI `sentry-sdk` (a DSN key, a compressed
/// envelope) land the same on either backend.
fn real_clients_report(b: Backend) {
    let n = Node::start(b);
    let made = n.post("/v1/projects", json!({"name": "App"}));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let key = made.body["key"]["key"].as_str().expect("key").to_string();
    crate::clients::python_sdk(&n.server.url, &key, 30, Some(10));
    let dsn_key = n.post(
        "/v1/projects/default/keys",
        json!({"name": "sdk", "kind": "dsn"}),
    );
    assert_eq!(dsn_key.status, 201, "{:?}", dsn_key.body);
    // The DSN names this test server (not the configured public URL).
    let number = dsn_key.body["dsn"]
        .as_str()
        .and_then(|d| d.rsplit('/').next())
        .expect("dsn")
        .to_string();
    let host = n.server.url.trim_start_matches("http://");
    let dsn = format!(
        "http://{}@{host}/{number}",
        dsn_key.body["key"].as_str().expect("key")
    );
    crate::sentry::sdk(&dsn, "exceptions", true);
    n.wait_events(32);
    let app = n.get("/v1/errors?project=app").body;
    let app = app.as_array().expect("issues");
    assert_eq!(app.len(), 1);
    assert_eq!(
        (
            app[0]["error_type"].as_str(),
            app[0]["total_count"].as_i64()
        ),
        (Some("SdkError"), Some(30))
    );
    assert_eq!(app[0]["release"], "2.0");
    let fp = app[0]["fingerprint"].as_str().expect("fp");
    let latest = n.get(&format!("/v1/errors/{fp}?project=app")).body;
    assert_eq!(
        latest["latest"]["metadata"]["nested"],
        json!({"deep": [1, 2]}),
        "{latest}"
    );
    let sentry = n.get("/v1/errors?project=default").body;
    let value_error = sentry
        .as_array()
        .expect("issues")
        .iter()
        .find(|i| i["error_type"] == "ValueError")
        .expect("the SDK's exceptions")
        .clone();
    assert_eq!(value_error["total_count"], 2, "one issue for both amounts");
    assert_eq!(value_error["message"], "bad amount 17 for order");
    assert_eq!(value_error["source"], "python");
    assert_eq!(value_error["release"], "shop@2.0.1");
    assert_eq!(value_error["environment"], "staging");
    let detail = n
        .get(&format!(
            "/v1/errors/{}",
            value_error["fingerprint"].as_str().expect("fp")
        ))
        .body;
    let region = detail["tags"]["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .find(|t| t["key"] == "region")
        .cloned();
    assert_eq!(
        region.map(|r| r["values"][0].clone()),
        Some(json!({"value": "eu-west", "count": 2}))
    );
}

/// The webhook alerts `rx` received, as (kind, fingerprint) in arrival order.
fn fired(rx: &crate::common::receiver::Receiver) -> Vec<(String, String)> {
    rx.received()
        .iter()
        .flat_map(|r| r.json()["alerts"].as_array().cloned().unwrap_or_default())
        .map(|a| {
            (
                a["kind"].as_str().unwrap_or("").to_string(),
                a["fingerprint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Alert rules through the API and the CLI; a new issue alerts once, a threshold fires when
/// it is reached and its cooldown holds it; deliveries are logged.
fn alerts_fire_and_are_managed(b: Backend) {
    use crate::common::receiver::Receiver;
    let n = Node::start_with(b, |c| c.alerting.allow_private_targets = true);
    let news = Receiver::start();
    let hot = Receiver::start();
    let created = n.post(
        "/v1/alerts",
        json!({"name": "new", "config": {"type": "new_issue"},
               "channels": [{"type": "webhook", "url": news.url}]}),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    let new_rule = created.body["id"].as_i64().expect("id");
    let created = n.post(
        "/v1/alerts",
        json!({"name": "hot", "config": {"type": "threshold", "threshold": 5, "window_secs": 60},
               "channels": [{"type": "webhook", "url": hot.url}]}),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    let hot_rule = created.body["id"].as_i64().expect("id");

    let alpha = || ev("alpha broke", "1.0.0", "production", json!({}));
    n.ingest(&[alpha(), alpha(), alpha()]);
    n.ingest(&[ev("beta broke", "1.0.0", "production", json!({})), alpha()]);
    n.wait_events(5);
    let fp = |msg: &str| -> String {
        let list = n
            .get(&format!("/v1/errors?q={}", msg.replace(' ', "+")))
            .body;
        list[0]["fingerprint"]
            .as_str()
            .expect("fingerprint")
            .to_string()
    };
    let (alpha_fp, beta_fp) = (fp("alpha"), fp("beta"));
    assert!(wait_until(Duration::from_secs(10), || fired(&news).len() >= 2));
    let mut got = fired(&news);
    got.sort();
    let mut want = vec![
        ("new_issue".to_string(), alpha_fp.clone()),
        ("new_issue".to_string(), beta_fp),
    ];
    want.sort();
    assert_eq!(got, want);

    // The fifth alpha event reaches the threshold.
    n.ingest(&[alpha()]);
    assert!(
        wait_until(Duration::from_secs(10), || !fired(&hot).is_empty()),
        "the threshold never fired"
    );
    assert_eq!(
        fired(&hot),
        vec![("threshold".to_string(), alpha_fp.clone())]
    );
    let alert = &hot.received()[0].json()["alerts"][0];
    assert_eq!(alert["count"], 5, "{alert}");
    // More of the same within the cooldown: nothing. A fence (a new issue, judged after them)
    // shows the evaluator has seen them.
    n.ingest(&[alpha(), alpha(), alpha()]);
    n.ingest(&[ev("fence", "1.0.0", "production", json!({}))]);
    assert!(wait_until(Duration::from_secs(10), || fired(&news).len() >= 3));
    assert_eq!(fired(&hot).len(), 1, "the cooldown holds the threshold");
    assert_eq!(fired(&news).len(), 3, "each issue is new once");

    let log = n.get(&format!("/v1/alerts/{hot_rule}/deliveries"));
    assert_eq!(log.status, 200);
    assert_eq!(rows(&log).len(), 1, "{:?}", log.body);
    assert_eq!(rows(&log)[0]["status"], "sent");
    assert_eq!(rows(&log)[0]["channel"], "webhook");

    // The CLI on the same database sees and changes the same rules.
    let mut env = n.env();
    env.push(("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true"));
    let cli = |args: &[&str]| bloop_cli_env(&n.server.db_path, args, &env);
    let listed = cli_ok(&cli(&["alerts", "list", "--json"]));
    let listed: Value = serde_json::from_str(&listed).expect("JSON");
    let names: Vec<&str> = listed
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["new", "hot"]);
    let out = cli(&["alerts", "disable", &new_rule.to_string(), "--json"]);
    let disabled: Value = serde_json::from_str(&cli_ok(&out)).expect("JSON");
    assert_eq!(disabled["enabled"], false);
    assert_eq!(
        n.get(&format!("/v1/alerts/{new_rule}")).body["enabled"],
        false
    );
    let out = cli(&[
        "alerts",
        "create",
        "--name",
        "later",
        "--type",
        "regression",
        "--webhook",
        &news.url,
        "--json",
    ]);
    let later: Value = serde_json::from_str(&cli_ok(&out)).expect("JSON");
    assert_eq!(later["config"]["type"], "regression");
    let gone = n.delete(&format!("/v1/alerts/{}", later["id"]));
    assert_eq!(gone.status, 200);
    assert_eq!(n.get(&format!("/v1/alerts/{}", later["id"])).status, 404);
    // A rule that names no channel the server could use is refused, naming the field.
    let bad = n.post(
        "/v1/alerts",
        json!({"name": "mute", "config": {"type": "new_issue"}, "channels": []}),
    );
    assert_eq!(bad.status, 400, "{:?}", bad.body);
    assert_eq!(bad.body["field"], "channels");
}

impl Node {
    /// The node's database as the server's own store handle (for what only a browser's
    /// passkey could do over HTTP: registering a user).
    fn db(&self, rt: &tokio::runtime::Runtime) -> bloop::store::Db {
        let _inside = rt.enter();
        match &self.pg_url {
            Some(u) => bloop::store::Db::Postgres(
                rt.block_on(bloop::store::pg::Pg::open(u, 1)).expect("open"),
            ),
            None => {
                bloop::store::Db::Sqlite(bloop::store::pool(&self.server.db_path, 1).expect("pool"))
            }
        }
    }

    /// Registers `name` with the invite `token` (as a finished passkey ceremony does) and
    /// returns their session cookie.
    fn register(&self, rt: &tokio::runtime::Runtime, token: &str, name: &str) -> String {
        // The pool is made and dropped inside the runtime.
        let _inside = rt.enter();
        let db = self.db(rt);
        let passkey = bloop::store::users::OwnedPasskey {
            cred_id: format!("cred-{name}"),
            name: "laptop".into(),
            json: "{}".into(),
        };
        let id = name.bytes().fold(0u64, |h, b| h * 31 + u64::from(b)) & 0xffff_ffff_ffff;
        let handle = format!("00000000-0000-4000-8000-{id:012x}");
        let (_, session) = rt
            .block_on(db.register(
                token.into(),
                name.into(),
                handle,
                passkey,
                3_600_000,
                bloop::store::now_ms(),
            ))
            .expect("register");
        format!("bloop_session={session}")
    }

    fn with_cookie(&self, method: reqwest::Method, path: &str, cookie: &str) -> Resp {
        self.http.send(
            self.http
                .client()
                .request(method, format!("{}{path}", self.server.url))
                .header("cookie", cookie)
                // The test configuration's auth.rp_origin.
                .header("origin", "http://localhost:5332"),
        )
    }
}

/// Invites (CLI and API), single-use registration, sessions in the API with their role, the
/// last admin guarded, sign-out and removal end sessions.
fn users_invites_and_sessions(b: Backend) {
    let n = Node::start(b);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let login = n.http.get(&format!("{}/login", n.server.url));
    assert_eq!(login.status, 200);
    assert!(login
        .body
        .as_str()
        .unwrap_or("")
        .contains("No one has an account here yet"));

    let out = cli_ok(&n.cli(&["users", "invite", "--admin"]));
    let token = out.trim().rsplit('=').next().expect("token").to_string();
    assert!(token.starts_with("bloop_inv_"), "{out}");
    let ada = n.register(&rt, &token, "ada");
    // The link is single use.
    let inside = rt.enter();
    let again = rt.block_on(n.db(&rt).register(
        token.clone(),
        "eve".into(),
        "00000000-0000-4000-8000-000000000099".into(),
        bloop::store::users::OwnedPasskey {
            cred_id: "cred-eve".into(),
            name: "k".into(),
            json: "{}".into(),
        },
        60_000,
        bloop::store::now_ms(),
    ));
    drop(inside);
    assert!(again.is_err(), "{again:?}");
    let me = n.with_cookie(reqwest::Method::GET, "/v1/me", &ada);
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert_eq!(me.body["user"]["name"], "ada");
    assert_eq!(me.body["user"]["role"], "admin");
    assert_eq!(me.body["passkeys"][0]["name"], "laptop");
    let login = n.http.get(&format!("{}/login", n.server.url));
    assert!(!login
        .body
        .as_str()
        .unwrap_or("")
        .contains("No one has an account here yet"));

    // An invite made over the API, for a viewer.
    let inv = n.post(
        "/v1/invites",
        json!({"role": "viewer", "expires_in_hours": 1}),
    );
    assert_eq!(inv.status, 201, "{:?}", inv.body);
    let pending = n.get("/v1/invites");
    assert_eq!(rows(&pending).len(), 1);
    let vic = n.register(&rt, inv.body["token"].as_str().expect("token"), "vic");
    assert!(
        rows(&n.get("/v1/invites")).is_empty(),
        "a used invite is not pending"
    );
    assert_eq!(
        n.with_cookie(reqwest::Method::GET, "/v1/errors", &vic)
            .status,
        200
    );
    let denied = n.with_cookie(reqwest::Method::GET, "/v1/users", &vic);
    assert_eq!(denied.status, 403, "{:?}", denied.body);
    let users = n.with_cookie(reqwest::Method::GET, "/v1/users", &ada);
    let names: Vec<&str> = rows(&users)
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert_eq!(names, ["ada", "vic"]);

    // The last admin stays; a second admin makes the change possible.
    let out = n.cli(&["users", "role", "ada", "viewer"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("last admin"));
    cli_ok(&n.cli(&["users", "role", "VIC", "admin"]));
    assert_eq!(
        n.with_cookie(reqwest::Method::GET, "/v1/users", &vic)
            .status,
        200,
        "the role applies to the live session"
    );
    let listed: Value =
        serde_json::from_str(&cli_ok(&n.cli(&["users", "list", "--json"]))).expect("JSON");
    assert_eq!(listed[1]["role"], "admin");

    // Signing out ends that session; removing a user ends theirs.
    let out = n.with_cookie(reqwest::Method::POST, "/auth/logout", &ada);
    assert_eq!(out.status, 200, "{:?}", out.body);
    assert_eq!(
        n.with_cookie(reqwest::Method::GET, "/v1/me", &ada).status,
        401
    );
    cli_ok(&n.cli(&["users", "remove", "ada"]));
    assert_eq!(
        n.with_cookie(reqwest::Method::GET, "/v1/me", &vic).status,
        200
    );
    let out = n.cli(&["users", "remove", "vic"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the last admin cannot be removed"
    );
}

/// The dashboard's pages that read the store render the same data on both backends.
fn dashboard_pages(b: Backend) {
    let n = Node::start(b);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let token = cli_ok(&n.cli(&["users", "invite", "--admin"]));
    let ada = n.register(&rt, token.trim().rsplit('=').next().expect("token"), "ada");
    let page = |path: &str| -> String {
        let r = n.with_cookie(reqwest::Method::GET, path, &ada);
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        r.body.as_str().unwrap_or("").to_string()
    };
    // No events yet: the list says how to send one, with the project's key.
    assert!(page("/issues").contains("has no ingest key yet"));
    let made = n.post("/v1/projects/default/keys", json!({"name": "first"}));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let key = made.body["key"].as_str().expect("key").to_string();
    let empty = page("/issues");
    assert!(empty.contains(&key), "the empty list shows the ingest key");

    n.ingest(&[
        ev(
            "checkout exploded",
            "2.4.0",
            "production",
            json!({"user_id_hash": "u1"}),
        ),
        ev(
            "checkout exploded",
            "2.4.0",
            "staging",
            json!({"user_id_hash": "u2"}),
        ),
        ev("login slow", "2.3.9", "production", json!({})),
    ]);
    n.wait_events(3);
    let list = page("/issues");
    assert!(list.contains("checkout exploded") && list.contains("login slow"));
    assert!(
        list.contains("2.4.0") && list.contains("staging"),
        "filter choices"
    );
    let rows = page("/issues?partial=rows&q=checkout");
    assert!(rows.contains("checkout exploded") && !rows.contains("login slow"));
    assert!(
        rows.contains(r#"<td class="num hide-sm">2</td>"#),
        "two affected users: {rows}"
    );
    // The issue page: its breakdowns, and a walk through its two events.
    let listed = n.get("/v1/errors?q=checkout").body;
    let fp = listed[0]["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string();
    let issue = page(&format!("/issues/default/{fp}"));
    assert!(issue.contains("checkout exploded") && issue.contains("staging"));
    assert!(
        issue.contains(r#"<span class="muted" id="event-position">1 of 2</span>"#),
        "the newest of two events"
    );
    let events = n.get(&format!("/v1/errors/{fp}/occurrences")).body;
    let oldest = events[1]["id"].as_i64().expect("event id");
    let older = page(&format!("/issues/default/{fp}?event={oldest}"));
    assert!(older.contains(r#"<span class="muted" id="event-position">2 of 2</span>"#));
    let gone = n.with_cookie(
        reqwest::Method::GET,
        "/issues/default/0000000000000000",
        &ada,
    );
    assert_eq!(gone.status, 404);
    assert!(page("/releases").contains("2.3.9"));
    // One release next to the one before it, with the issue new in it.
    let release = page("/releases/2.4.0");
    assert!(
        release.contains("checkout exploded") && release.contains("2.3.9"),
        "the release page lists its new issue and the previous release"
    );
    let none = n.with_cookie(reqwest::Method::GET, "/releases/9.9.9", &ada);
    assert_eq!(none.status, 404);
    let rule = n.post(
        "/v1/alerts",
        json!({"name": "pager duty", "config": {"type": "regression"},
               "channels": [{"type": "webhook", "url": "https://hooks.example.com/bloop"}]}),
    );
    assert_eq!(rule.status, 201, "{:?}", rule.body);
    assert!(page("/alerts").contains("pager duty"));
    assert!(page("/users").contains("ada"));
    assert!(page("/tokens").contains("suite"));
    assert!(page("/projects").contains(&key));
    assert!(page("/account").contains("laptop"));
    let r = n.http.send(
        n.http
            .client()
            .put(format!("{}/v1/admin/retention", n.server.url))
            .bearer_auth(&n.token)
            .json(&json!({"raw_events_days": 9})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["raw_events_days"], 9);
    assert!(page("/retention").contains("9 days"));
    // The scrubbing switch of a project, and a project that is not there.
    let put = |body: Value| {
        n.http.send(
            n.http
                .client()
                .put(format!("{}/v1/admin/scrubbing", n.server.url))
                .bearer_auth(&n.token)
                .json(&body),
        )
    };
    let off = put(json!({"project": "default", "enabled": false}));
    assert_eq!(off.status, 200, "{:?}", off.body);
    let default = off.body["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .find(|p| p["project"] == "default")
        .cloned()
        .expect("default");
    assert_eq!(default["enabled"], false);
    assert_eq!(
        n.get("/v1/admin/scrubbing").body["projects"][0]["enabled"],
        false
    );
    assert_eq!(
        put(json!({"project": "nope", "enabled": false})).status,
        404
    );
}

/// Source maps: uploaded over the API, listed, used to resolve a minified Sentry frame at
/// ingest, deleted.
fn sourcemaps_resolve_minified_frames(b: Backend) {
    let n = Node::start(b);
    let files = [
        bloop::sourcemap::upload::File {
            path: "app.min.js".into(),
            bytes: b"function a(){throw new TypeError('boom')}a();\n".to_vec(),
        },
        bloop::sourcemap::upload::File {
            path: "app.min.js.map".into(),
            bytes: br#"{"version":3,"file":"app.min.js","sources":["src/checkout.ts"],"names":["handleCheckout"],"mappings":"AAAAA"}"#.to_vec(),
        },
    ];
    let (ct, body) = bloop::sourcemap::upload::build_multipart(&files);
    let up = n.http.send(
        n.http
            .client()
            .post(format!(
                "{}/v1/sourcemaps?project=default&release=1.0",
                n.server.url
            ))
            .bearer_auth(&n.token)
            .header("content-type", ct)
            .body(body),
    );
    assert_eq!(up.status, 201, "{:?}", up.body);
    assert_eq!(up.body["stored"][0]["name"], "~/app.min.js");
    let listed = n.get("/v1/sourcemaps?project=default");
    assert_eq!(rows(&listed).len(), 1);
    let cli = cli_ok(&n.cli(&["sourcemaps", "list", "--project", "default", "--json"]));
    assert!(cli.contains("~/app.min.js"), "{cli}");

    let dsn = n.post(
        "/v1/projects/default/keys",
        json!({"name": "sdk", "kind": "dsn"}),
    );
    assert_eq!(dsn.status, 201, "{:?}", dsn.body);
    let key = dsn.body["key"].as_str().expect("key");
    let number = dsn.body["dsn"]
        .as_str()
        .and_then(|d| d.rsplit('/').next())
        .expect("dsn");
    let event = json!({
        "event_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "platform": "javascript",
        "release": "1.0",
        "exception": {"values": [{"type": "TypeError", "value": "boom", "stacktrace": {"frames": [
            {"filename": "https://cdn.example.com/app.min.js",
             "abs_path": "https://cdn.example.com/app.min.js",
             "lineno": 1, "colno": 1, "function": "a", "in_app": true}
        ]}}]}
    });
    let r = n.http.send(
        n.http
            .client()
            .post(format!("{}/api/{number}/store/", n.server.url))
            .header(
                "x-sentry-auth",
                format!("Sentry sentry_version=7, sentry_key={key}"),
            )
            .json(&event),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    n.wait_events(1);
    let fp = n.get("/v1/errors").body[0]["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string();
    let detail = n.get(&format!("/v1/errors/{fp}")).body.to_string();
    assert!(
        detail.contains(r#""stack":"at a (src/checkout.ts:1:1)""#)
            && detail.contains(r#""minified":{"abs_path":"https://cdn.example.com/app.min.js""#),
        "the frame reads as source: {detail}"
    );

    let gone = n.delete("/v1/sourcemaps?project=default&release=1.0");
    assert_eq!(gone.status, 200, "{:?}", gone.body);
    assert_eq!(gone.body["deleted"][0]["name"], "~/app.min.js");
    assert!(rows(&n.get("/v1/sourcemaps?project=default")).is_empty());
    assert_eq!(
        n.delete("/v1/sourcemaps?project=default&release=1.0")
            .status,
        404
    );
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(super::Backend::Sqlite) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(super::Backend::Postgres) })*
        }
    };
}

on_both!(
    ingest_groups_and_counts,
    list_filters,
    issue_detail_events_and_trend,
    status_changes_and_regression,
    projects_keys_and_tokens,
    cli_on_the_database,
    real_clients_report,
    alerts_fire_and_are_managed,
    users_invites_and_sessions,
    dashboard_pages,
    sourcemaps_resolve_minified_frames,
);
