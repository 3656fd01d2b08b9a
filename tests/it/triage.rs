//! Assignment and notes end to end: the API (tokens and dashboard sessions), the `assigned:`
//! search over the API, the CLI and the dashboard, the CLI's `query assign` / `query note`
//! locally and remotely, and the issue page's history. Note text is hostile in every test: it
//! must come out escaped in HTML and made inert on a terminal.

use std::time::Duration;

use bloop::store::tokens::{self, Scope};
use bloop::store::users::Role;
use serde_json::{json, Value};

use crate::common::*;

/// The dashboard's origin on the test server (the default `auth.rp_origin`).
const ORIGIN: &str = "http://localhost:5332";
const HOSTILE: &str = "<script>alert('note')</script> \u{1b}[31mred\u{1b}[0m \u{202e}evil";

struct World {
    s: TestServer,
    http: Http,
    admin: String,
}

impl World {
    fn start() -> Self {
        let s = TestServer::start();
        let admin = tokens::create(&s.db(), "ci-bot", &[Scope::Admin], None, None)
            .unwrap()
            .token;
        Self {
            s,
            http: Http::new(),
            admin,
        }
    }

    /// One issue per message (each a type of its own); their fingerprints, in order.
    fn issues(&self, messages: &[&str]) -> Vec<String> {
        for (n, m) in messages.iter().enumerate() {
            let e = json!({"timestamp": 1_700_000_000, "source": "api", "environment": "production",
                           "release": "1.0.0", "error_type": format!("Triage{n}Error"), "message": m});
            let r = self
                .http
                .post_signed(&format!("{}/v1/ingest", self.s.url), &e.to_string());
            assert_eq!(r.status, 200, "{:?}", r.body);
        }
        let n = messages.len() as i64;
        assert_eq!(
            self.s
                .wait_count("SELECT count(*) FROM issues", n, Duration::from_secs(10)),
            n
        );
        messages
            .iter()
            .map(|m| {
                self.s
                    .db()
                    .query_row(
                        "SELECT fingerprint FROM issues WHERE message = ?1",
                        [m],
                        |r| r.get(0),
                    )
                    .unwrap()
            })
            .collect()
    }

    /// A call with the admin token.
    fn api(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .client()
            .request(m, format!("{}{path}", self.s.url))
            .bearer_auth(&self.admin);
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.http.send(req)
    }

    /// A call with a dashboard session cookie, from the dashboard's origin.
    fn as_user(&self, cookie: &str, method: &str, path: &str, body: Option<Value>) -> Resp {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .client()
            .request(m, format!("{}{path}", self.s.url))
            .header("cookie", cookie)
            .header("origin", ORIGIN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.http.send(req)
    }

    fn fps(&self, q: &str) -> Vec<String> {
        let r = self.api(
            "GET",
            &format!("/v1/errors?status=all&q={}", urlencode(q)),
            None,
        );
        assert_eq!(r.status, 200, "{q}: {:?}", r.body);
        let mut fps: Vec<String> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect();
        fps.sort();
        fps
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

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn issues_are_assigned_and_unassigned_and_an_unknown_user_is_named() {
    let w = World::start();
    let fp = w.issues(&["checkout failed"]).remove(0);
    user_session(&w.s.db_path, "ana", Role::Member);
    let assign = format!("/v1/errors/{fp}/assign");

    let r = w.api("POST", &assign, Some(json!({"user": "ANA"})));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["assignee"], "ana", "names match without case");
    let detail = w.api("GET", &format!("/v1/errors/{fp}"), None).body;
    assert_eq!(detail["issue"]["assignee"], "ana");
    let list = w.api("GET", "/v1/errors", None).body;
    assert_eq!(list[0]["assignee"], "ana");

    // Someone who is not a dashboard user: 400 naming the field, nothing changed.
    let r = w.api("POST", &assign, Some(json!({"user": "mallory"})));
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "user");
    assert!(r.body["error"].as_str().unwrap().contains("mallory"));
    assert_eq!(
        w.api("GET", &format!("/v1/errors/{fp}"), None).body["issue"]["assignee"],
        "ana"
    );
    // A body without `user`, or with another field, is refused too.
    assert_eq!(w.api("POST", &assign, Some(json!({}))).status, 400);
    assert_eq!(
        w.api("POST", &assign, Some(json!({"user": "ana", "x": 1})))
            .status,
        400
    );
    // An unknown issue is a 404.
    let r = w.api(
        "POST",
        "/v1/errors/0123456789abcdef/assign",
        Some(json!({"user": "ana"})),
    );
    assert_eq!(r.status, 404);

    let r = w.api("POST", &assign, Some(json!({"user": null})));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["assignee"], Value::Null);
    // Unassigning again changes nothing and records nothing.
    w.api("POST", &assign, Some(json!({"user": null})));

    // The history has both changes, newest first, with who made them.
    let h = w.api("GET", &format!("/v1/errors/{fp}/history"), None).body;
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0]["kind"], "assignment");
    assert_eq!(h[0]["old_assignee"], "ana");
    assert_eq!(h[0]["new_assignee"], Value::Null);
    assert_eq!(h[0]["changed_by"], "token:ci-bot");
    assert_eq!(h[1]["new_assignee"], "ana");
    assert_eq!(h[1]["old_assignee"], Value::Null);

    // Removing the user unassigns their issues, and says so in the history.
    w.api("POST", &assign, Some(json!({"user": "ana"})));
    let id: i64 =
        w.s.db()
            .query_row("SELECT id FROM users WHERE name = 'ana'", [], |r| r.get(0))
            .unwrap();
    assert_eq!(
        w.api("DELETE", &format!("/v1/users/{id}"), None).status,
        200
    );
    let detail = w.api("GET", &format!("/v1/errors/{fp}"), None).body;
    assert_eq!(detail["issue"]["assignee"], Value::Null);
    let h = w.api("GET", &format!("/v1/errors/{fp}/history"), None).body;
    assert_eq!(h[0]["kind"], "assignment");
    assert_eq!(h[0]["old_assignee"], "ana");
    assert_eq!(h[0]["changed_by"], "system");
}

#[test]
fn notes_are_bounded_escaped_and_interleaved_with_the_history() {
    let w = World::start();
    let fp = w.issues(&["payment timeout"]).remove(0);
    let ana = user_session(&w.s.db_path, "ana", Role::Member);
    let viewer = user_session(&w.s.db_path, "vic", Role::Viewer);
    let notes = format!("/v1/errors/{fp}/notes");

    // Too long, empty or blank: 400 naming the field and the limit.
    for text in ["x".repeat(10_001), String::new(), " \n ".into()] {
        let r = w.api("POST", &notes, Some(json!({"text": text})));
        assert_eq!(r.status, 400, "{:?}", r.body);
        assert_eq!(r.body["field"], "text");
        assert_eq!(r.body["limit"], 10_000);
    }
    // 10,000 characters (not bytes) is fine.
    let r = w.api("POST", &notes, Some(json!({"text": "é".repeat(10_000)})));
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["author"], "token:ci-bot");

    // A status change, then a hostile note by a user, then an assignment: the timeline has
    // them newest first, interleaved.
    let r = w.as_user(&ana, "POST", &format!("/v1/errors/{fp}/resolve"), None);
    assert_eq!(r.status, 200, "{:?}", r.body);
    std::thread::sleep(Duration::from_millis(5));
    let r = w.as_user(&ana, "POST", &notes, Some(json!({"text": HOSTILE})));
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["author"], "user:ana");
    assert_eq!(r.body["text"], HOSTILE, "stored as written");
    std::thread::sleep(Duration::from_millis(5));
    let r = w.as_user(
        &ana,
        "POST",
        &format!("/v1/errors/{fp}/assign"),
        Some(json!({"user": "vic"})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A viewer reads but may not write.
    let r = w.as_user(&viewer, "POST", &notes, Some(json!({"text": "hi"})));
    assert_eq!(r.status, 403);
    let h = w.as_user(&viewer, "GET", &format!("/v1/errors/{fp}/history"), None);
    let kinds: Vec<&str> = h
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["assignment", "note", "status", "note"],
        "{:?}",
        h.body
    );
    assert_eq!(h.body[2]["new_status"], "resolved");
    assert_eq!(h.body[2]["changed_by"], "user:ana");
    let listed = w.as_user(&viewer, "GET", &notes, None).body;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["text"], HOSTILE);
    let paged = w.api("GET", &format!("{notes}?limit=1"), None);
    assert_eq!(paged.body.as_array().unwrap().len(), 1);
    assert_eq!(paged.headers["x-next-offset"], "1");

    // The issue page shows the note escaped, in the history, with the assignment.
    let page = w.as_user(&viewer, "GET", &format!("/issues/default/{fp}"), None);
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    assert!(
        html.contains("&lt;script&gt;alert('note')&lt;/script&gt;"),
        "the note is escaped"
    );
    assert_eq!(html.matches("<script").count(), 1, "only the app's script");
    assert!(html.contains("Assigned to <strong>vic</strong>"), "{html}");
    assert!(html.contains("added a note"));
    let history = &html[html.find("id=\"history\"").unwrap()..];
    let (assigned, noted, resolved) = (
        history.find("Assigned to").unwrap(),
        history.find("&lt;script&gt;").unwrap(),
        history.find("<strong>resolved</strong>").unwrap(),
    );
    assert!(
        assigned < noted && noted < resolved,
        "newest first, interleaved"
    );
    // A viewer gets no picker and no form; a member does, with every user to pick from.
    assert!(!html.contains("id=\"note-form\""));
    let page = w.as_user(&ana, "GET", &format!("/issues/default/{fp}"), None);
    let html = page.body.as_str().unwrap();
    assert!(html.contains("id=\"note-form\"") && html.contains("id=\"assign-form\""));
    assert!(
        html.contains("<option value=\"vic\" selected>vic</option>"),
        "{html}"
    );
    assert!(html.contains(r#"data-body="{&quot;user&quot;:&quot;ana&quot;}""#));
}

#[test]
fn assigned_filters_work_in_the_api_the_cli_and_the_dashboard() {
    let w = World::start();
    let fps = w.issues(&["alpha broke", "beta broke", "gamma broke"]);
    let (a, b, c) = (fps[0].clone(), fps[1].clone(), fps[2].clone());
    let ana = user_session(&w.s.db_path, "ana", Role::Member);
    user_session(&w.s.db_path, "Bo Diddley", Role::Member);
    for (fp, user) in [(&a, "ana"), (&b, "Bo Diddley")] {
        let r = w.api(
            "POST",
            &format!("/v1/errors/{fp}/assign"),
            Some(json!({"user": user})),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    assert_eq!(w.fps("assigned:ana"), [a.as_str()]);
    assert_eq!(w.fps("assigned:ANA"), [a.as_str()]);
    assert_eq!(w.fps(r#"assigned:"Bo Diddley""#), [b.as_str()]);
    assert_eq!(w.fps("assigned:none"), [c.as_str()]);
    assert_eq!(w.fps("!assigned:none"), sorted(vec![a.clone(), b.clone()]));
    assert_eq!(
        w.fps("!assigned:ana"),
        sorted(vec![b.clone(), c.clone()]),
        "negation keeps the unassigned issues"
    );
    assert_eq!(w.fps("assigned:nobody"), Vec::<String>::new());
    assert_eq!(w.fps("assigned:ana alpha"), [a.as_str()]);
    assert_eq!(w.fps("assigned:ana beta"), Vec::<String>::new());

    // `assigned:me`: a token has no user (400 saying so); a session is its user.
    let r = w.api("GET", "/v1/errors?q=assigned:me", None);
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "q");
    assert!(r.body["error"]
        .as_str()
        .unwrap()
        .contains("needs a dashboard session"));
    let r = w.as_user(&ana, "GET", "/v1/errors?status=all&q=assigned:me", None);
    assert_eq!(r.status, 200, "{:?}", r.body);
    let mine: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(mine, [a.as_str()]);
    let r = w.as_user(&ana, "GET", "/v1/errors?status=all&q=!assigned:me", None);
    assert_eq!(r.body.as_array().unwrap().len(), 2);

    // The dashboard's list: `assigned:me` is the signed-in user.
    let page = w.as_user(&ana, "GET", "/issues?status=all&q=assigned%3Ame", None);
    let html = page.body.as_str().unwrap();
    assert!(html.contains("alpha broke"), "{html}");
    assert!(!html.contains("beta broke") && !html.contains("gamma broke"));

    // The CLI, on the database and through the server.
    let cli = |args: &[&str]| bloop_cli(&w.s.db_path, args);
    let json_fps = |out: &str| -> Vec<String> {
        serde_json::from_str::<Value>(out)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let out = cli_ok(&cli(&["query", "errors", "--q", "assigned:ana", "--json"]));
    assert_eq!(json_fps(&out), [a.as_str()]);
    let out = cli_ok(&cli(&[
        "query",
        "errors",
        "--q",
        "assigned:ana",
        "--json",
        "--url",
        &w.s.url,
        "--token",
        &w.admin,
    ]));
    assert_eq!(json_fps(&out), [a.as_str()]);
    let table = cli_ok(&cli(&["query", "errors", "--q", "!assigned:none"]));
    assert!(
        table.contains("assignee") && table.contains("Bo Diddley"),
        "{table}"
    );
    let o = cli(&["query", "errors", "--q", "assigned:me"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("assigned:me"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_cli_assigns_and_notes_locally_and_remotely_and_prints_notes_inertly() {
    let w = World::start();
    let fp = w.issues(&["disk full"]).remove(0);
    user_session(&w.s.db_path, "ana", Role::Member);
    let cli = |args: &[&str]| bloop_cli(&w.s.db_path, args);
    let remote = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--url", w.s.url.as_str(), "--token", w.admin.as_str()]);
        bloop_cli(&w.s.db_path, &all)
    };

    let out = cli_ok(&cli(&["query", "assign", &fp, "ana"]));
    assert!(out.contains("assigned to ana"), "{out}");
    let out = cli_ok(&cli(&["query", "note", &fp, HOSTILE]));
    assert!(out.contains("note 1 added"), "{out}");
    let o = cli(&["query", "assign", &fp, "mallory"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no dashboard user named `mallory`"));
    let long = "y".repeat(10_001);
    let o = cli(&["query", "note", &fp, &long]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("10000"));
    // USER and --none exclude each other; one of them is needed.
    assert_eq!(cli(&["query", "assign", &fp]).status.code(), Some(2));
    assert_eq!(
        cli(&["query", "assign", &fp, "ana", "--none"])
            .status
            .code(),
        Some(2)
    );

    // The detail shows the assignee and the history, the note made inert.
    let out = cli_ok(&cli(&["query", "error", &fp]));
    assert!(out.contains("assigned to ana"), "{out}");
    assert!(out.contains("note by cli:"), "{out}");
    assert!(out.contains(r"\x1b[31mred"), "{out}");
    assert!(out.contains(r"\u{202e}evil"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}'));
    assert!(out.contains("assigned to ana by cli"), "{out}");

    // Through the server: the token is the author.
    let out = cli_ok(&remote(&["query", "note", &fp, "from afar", "--json"]));
    let note: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(note["author"], "token:ci-bot");
    let out = cli_ok(&remote(&["query", "assign", &fp, "--none", "--json"]));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["assignee"],
        Value::Null
    );
    let o = remote(&["query", "assign", &fp, "mallory"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("mallory"));
    let out = cli_ok(&remote(&["query", "error", &fp]));
    assert!(out.contains("unassigned by token:ci-bot"), "{out}");
    assert!(out.contains("from afar"), "{out}");
    assert!(!out.contains('\u{1b}'));
    let db = w.s.db();
    let authors: Vec<String> = db
        .prepare("SELECT author FROM issue_notes ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(authors, ["cli", "token:ci-bot"]);
}
