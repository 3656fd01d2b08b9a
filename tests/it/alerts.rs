//! Alerting end to end, with real receivers on 127.0.0.1: a local HTTP receiver for Slack and
//! webhooks, and a real SMTP server (aiosmtpd) for email.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bloop::store::tokens::{self, Scope};
use serde_json::{json, Value};

use crate::common::receiver::Receiver;
use crate::common::*;

const WAIT: Duration = Duration::from_secs(8);

struct Env {
    s: TestServer,
    http: Http,
    admin: String,
}

impl Env {
    fn start(tweak: impl FnOnce(&mut bloop::Config)) -> Self {
        let s = TestServer::start_with(|c| {
            c.alerting.allow_private_targets = true;
            tweak(c);
        });
        let admin = tokens::create(&s.db(), "admin", &[Scope::Admin], None, None)
            .unwrap()
            .token;
        Self {
            s,
            http: Http::new(),
            admin,
        }
    }

    fn api(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = reqwest::Client::new()
            .request(m, format!("{}{}", self.s.url, path))
            .bearer_auth(&self.admin);
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.http.send(req)
    }

    fn rule(&self, body: Value) -> i64 {
        let r = self.api("POST", "/v1/alerts", Some(body));
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    fn send(&self, e: Value) {
        let r = self
            .http
            .post_signed(&format!("{}/v1/ingest", self.s.url), &e.to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    fn send_and_wait(&self, e: Value) {
        let before = count(&self.s.db(), "SELECT count(*) FROM events");
        self.send(e);
        self.s
            .wait_count("SELECT count(*) FROM events", before + 1, WAIT);
    }
}

fn ev(msg: &str) -> Value {
    json!({"timestamp": 1_700_000_000, "source": "api", "environment": "production", "release": "1.0.0",
           "error_type": "CheckoutError", "message": msg, "route_or_procedure": "POST /pay"})
}

fn webhook(rx: &Receiver) -> Value {
    json!([{"type": "webhook", "url": rx.url, "secret": "hook-secret"}])
}

/// Gives the evaluator and delivery worker time to act on what was flushed.
fn settle() {
    std::thread::sleep(Duration::from_millis(600));
}

#[test]
fn new_issue_fires_once_per_issue_and_not_again_after_a_restart() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    env.rule(json!({"name": "new", "config": {"type": "new_issue"}, "channels": webhook(&rx)}));
    env.send_and_wait(ev("card declined for order 1"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let body = got[0].json();
    assert_eq!(body["alerts"][0]["kind"], "new_issue");
    assert_eq!(body["alerts"][0]["error_type"], "CheckoutError");
    assert_eq!(body["alerts"][0]["project_id"], "default");
    // The signature lets the receiver verify the body.
    let sig = got[0].headers["x-bloop-signature"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(sig, sign("hook-secret", &got[0].body));
    // Same issue again (number differs, same fingerprint): no new alert.
    env.send_and_wait(ev("card declined for order 2"));
    settle();
    assert_eq!(rx.received().len(), 1);
    // A restart on the same database does not make the old issue new.
    let cfg = {
        let mut c = test_config(env.s.dir.path());
        c.alerting.allow_private_targets = true;
        c
    };
    let (dir, _) = env.s.stop();
    let s = TestServer::start_in(dir, cfg);
    let r = Http::new().post_signed(
        &format!("{}/v1/ingest", s.url),
        &ev("card declined for order 3").to_string(),
    );
    assert_eq!(r.status, 200);
    s.wait_count("SELECT count(*) FROM events", 3, WAIT);
    settle();
    assert_eq!(rx.received().len(), 1);
    // A genuinely new issue still fires.
    let r = Http::new().post_signed(
        &format!("{}/v1/ingest", s.url),
        &ev("gateway unreachable").to_string(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(rx.wait_for(2, WAIT).len(), 2);
}

#[test]
fn regression_respects_resolved_in_release() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    env.send_and_wait(ev("null pointer in cart"));
    let fp = env.api("GET", "/v1/errors", None).body[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    env.rule(json!({"name": "reg", "config": {"type": "regression"}, "channels": webhook(&rx)}));
    env.api(
        "POST",
        &format!("/v1/errors/{fp}/resolve"),
        Some(json!({"release": "2.0.0"})),
    );
    // Near miss: an old release does not reopen it.
    env.send_and_wait(ev("null pointer in cart"));
    settle();
    assert_eq!(rx.received().len(), 0);
    let mut newer = ev("null pointer in cart");
    newer["release"] = json!("2.0.1");
    env.send_and_wait(newer);
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["kind"], "regression");
}

#[test]
fn threshold_fires_once_at_the_threshold_with_cooldown_and_not_for_muted_issues() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    env.rule(
        json!({"name": "five", "config": {"type": "threshold", "threshold": 5, "window_secs": 60},
                    "channels": webhook(&rx), "environment_filter": "production"}),
    );
    for i in 0..4 {
        env.send_and_wait(ev(&format!("timeout {i}")));
    }
    // Events in another environment do not count toward the filtered rule.
    let mut staging = ev("timeout 99");
    staging["environment"] = json!("staging");
    env.send_and_wait(staging);
    settle();
    assert_eq!(rx.received().len(), 0, "4 matching events are a near miss");
    env.send_and_wait(ev("timeout 5"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["kind"], "threshold");
    assert_eq!(got[0].json()["alerts"][0]["count"], 5);
    for i in 0..6 {
        env.send_and_wait(ev(&format!("timeout {i}")));
    }
    settle();
    assert_eq!(rx.received().len(), 1, "cooldown holds further alerts");

    // A muted issue never alerts.
    let rx2 = Receiver::start();
    env.send_and_wait(ev("quiet failure"));
    let list = env.api("GET", "/v1/errors?q=quiet", None).body;
    let fp = list[0]["fingerprint"].as_str().unwrap().to_string();
    env.api("POST", &format!("/v1/errors/{fp}/mute"), None);
    env.rule(json!({"name": "two", "config": {"type": "threshold", "threshold": 2, "window_secs": 60}, "channels": webhook(&rx2)}));
    settle();
    for _ in 0..4 {
        env.send_and_wait(ev("quiet failure"));
    }
    settle();
    assert!(rx2
        .received()
        .iter()
        .all(|r| !r.json()["alerts"].to_string().contains("quiet failure")));
}

#[test]
fn spike_fires_over_a_steady_baseline_and_not_for_a_near_miss() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    // 24 hours of 4-6 events an hour.
    let db = env.s.db();
    let now = bloop::store::now_ms();
    let hour = now - now.rem_euclid(3_600_000);
    for h in 1..=24 {
        db.execute(
            "INSERT INTO project_hourly (project_id, hour, count) VALUES ('default', ?1, ?2)",
            rusqlite::params![hour - h * 3_600_000, 4 + (h % 3)],
        )
        .unwrap();
    }
    env.rule(json!({"name": "spike", "config": {"type": "spike", "multiplier": 3.0, "window_secs": 600, "baseline_hours": 24},
                    "channels": webhook(&rx)}));
    // Near miss: 8 events in ten minutes (48/h would be a spike by rate, but too few to judge).
    for i in 0..8 {
        env.send(ev(&format!("spike {i}")));
    }
    env.s.wait_count("SELECT count(*) FROM events", 8, WAIT);
    settle();
    assert_eq!(rx.received().len(), 0);
    // 60 more in the window: a spike, reported once.
    for chunk in 0..3 {
        let events: Vec<Value> = (0..20).map(|i| ev(&format!("spike {chunk} {i}"))).collect();
        let r = env.http.post_signed(
            &format!("{}/v1/ingest/batch", env.s.url),
            &json!({"events": events}).to_string(),
        );
        assert_eq!(r.status, 200);
    }
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["kind"], "spike");
    settle();
    assert_eq!(rx.received().len(), 1);
}

#[test]
fn a_burst_of_new_issues_becomes_a_digest_not_a_flood() {
    let rx = Receiver::start();
    let slack = Receiver::start();
    let env = Env::start(|c| c.ingest.max_batch_size = 500);
    env.rule(json!({"name": "new", "config": {"type": "new_issue"},
                    "channels": [{"type": "webhook", "url": rx.url}, {"type": "slack", "webhook_url": slack.url}]}));
    let events: Vec<Value> = (0..500)
        .map(|i| {
            let mut e = ev("burst");
            e["fingerprint"] = json!(format!("burst-{i}"));
            e
        })
        .collect();
    let r = env.http.post_signed(
        &format!("{}/v1/ingest/batch", env.s.url),
        &json!({"events": events}).to_string(),
    );
    assert_eq!(r.status, 200);
    env.s.wait_count("SELECT count(*) FROM issues", 500, WAIT);
    settle();
    settle();
    let got = rx.received();
    let total: u64 = got
        .iter()
        .map(|r| r.json()["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 500, "every new issue is in some digest");
    assert!(
        got.len() <= 5,
        "{} webhook messages for one burst",
        got.len()
    );
    let s = slack.received();
    assert_eq!(s.len(), got.len(), "one Slack message per digest too");
    // The biggest digest lists the first alerts and counts the rest.
    let text = s
        .iter()
        .map(|r| r.json()["text"].as_str().unwrap().to_string())
        .max_by_key(|t| t.len())
        .unwrap();
    assert!(text.contains("more"), "{text}");
    assert!(text.lines().count() < 80, "a digest stays readable: {text}");
}

#[test]
fn delivery_retries_a_500_then_succeeds_and_logs_it() {
    let rx = Receiver::start();
    rx.script(&[500]);
    let env = Env::start(|_| {});
    let id =
        env.rule(json!({"name": "new", "config": {"type": "new_issue"}, "channels": webhook(&rx)}));
    env.send_and_wait(ev("flaky receiver"));
    let got = rx.wait_for(2, WAIT);
    assert_eq!(got.len(), 2, "one failure, one retry");
    let start = Instant::now();
    let log = loop {
        let log = env
            .api("GET", &format!("/v1/alerts/{id}/deliveries"), None)
            .body;
        if !log.as_array().unwrap().is_empty() || start.elapsed() > WAIT {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(log[0]["status"], "sent");
    assert_eq!(log[0]["attempts"], 2);

    // A 400 is final: no retry, logged as failed with the reason.
    let bad = Receiver::start();
    bad.script(&[400, 400, 400, 400]);
    let id2 = env
        .rule(json!({"name": "bad", "config": {"type": "new_issue"}, "channels": webhook(&bad)}));
    env.send_and_wait(ev("another new one"));
    bad.wait_for(1, WAIT);
    settle();
    assert_eq!(bad.received().len(), 1);
    let log = env
        .api("GET", &format!("/v1/alerts/{id2}/deliveries"), None)
        .body;
    assert_eq!(log[0]["status"], "failed");
    assert!(log[0]["error"].as_str().unwrap().contains("400"));
}

#[test]
fn a_hanging_receiver_does_not_delay_ingest() {
    let rx = Receiver::start();
    rx.hang(true);
    let env = Env::start(|_| {});
    env.rule(json!({"name": "new", "config": {"type": "new_issue"}, "channels": webhook(&rx)}));
    let mut worst = Duration::ZERO;
    for i in 0..200 {
        let t = Instant::now();
        env.send(ev(&format!("hang case {i} {}", "x".repeat(i % 7))));
        let mut distinct = ev("distinct");
        distinct["fingerprint"] = json!(format!("hang-{i}"));
        env.send(distinct);
        worst = worst.max(t.elapsed() / 2);
    }
    // Deliveries are stuck on the receiver; ingest answered every request quickly anyway.
    rx.wait_for(1, WAIT);
    assert!(!rx.received().is_empty(), "the receiver was reached");
    assert!(
        worst < Duration::from_millis(500),
        "worst ingest latency {worst:?} while the receiver hangs"
    );
    env.s.wait_count("SELECT count(*) FROM events", 400, WAIT);
}

#[test]
fn test_endpoint_reports_each_channel_outcome_and_private_targets_are_refused() {
    let ok = Receiver::start();
    let broken = Receiver::start();
    broken.script(&[404]);
    let env = Env::start(|_| {});
    let id = env.rule(json!({"name": "both", "config": {"type": "new_issue"},
        "channels": [{"type": "webhook", "url": ok.url}, {"type": "slack", "webhook_url": broken.url}]}));
    let r = env.api("POST", &format!("/v1/alerts/{id}/test"), None);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["ok"], false);
    assert_eq!(r.body["outcomes"][0]["ok"], true);
    assert_eq!(r.body["outcomes"][1]["ok"], false);
    assert!(r.body["outcomes"][1]["error"]
        .as_str()
        .unwrap()
        .contains("404"));
    assert_eq!(ok.received()[0].json()["alerts"][0]["kind"], "test");
    // Listing masks the Slack URL (a secret).
    let listed = env.api("GET", &format!("/v1/alerts/{id}"), None).body;
    assert!(!listed.to_string().contains(&broken.url));

    // Without allow_private_targets, loopback targets are refused after resolution.
    let strict = Env::start(|c| c.alerting.allow_private_targets = false);
    let target = Receiver::start();
    let id = strict.rule(json!({"name": "local", "config": {"type": "new_issue"},
        "channels": [{"type": "webhook", "url": target.url.replace("127.0.0.1", "localhost")}]}));
    let r = strict.api("POST", &format!("/v1/alerts/{id}/test"), None);
    assert_eq!(r.body["ok"], false);
    assert!(
        r.body["outcomes"][0]["error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{:?}",
        r.body
    );
    assert_eq!(target.received().len(), 0);
}

#[test]
fn rules_are_validated_and_scoped() {
    let env = Env::start(|_| {});
    for (body, field) in [
        (
            json!({"name": "x", "config": {"type": "threshold", "threshold": 0, "window_secs": 60}}),
            "config.threshold",
        ),
        (
            json!({"name": "x", "config": {"type": "spike", "multiplier": 1.0}}),
            "config.multiplier",
        ),
        (json!({"name": "", "config": {"type": "new_issue"}}), "name"),
        (
            json!({"name": "x", "config": {"type": "new_issue"}, "channels": [{"type": "email", "to": ["nobody"]}]}),
            "channels[0].to",
        ),
        (
            json!({"name": "x", "config": {"type": "earthquake"}}),
            "config",
        ),
    ] {
        let r = env.api("POST", "/v1/alerts", Some(body.clone()));
        assert_eq!(r.status, 400, "{body}");
        assert!(
            r.body["field"].as_str().unwrap_or("").starts_with(field),
            "{body}: {:?}",
            r.body
        );
    }
    let db = env.s.db();
    bloop::store::projects::create(&db, "Other", Some("other")).unwrap();
    let reader = tokens::create(&db, "r", &[Scope::AlertsRead], Some("default"), None)
        .unwrap()
        .token;
    let writer = tokens::create(
        &db,
        "w",
        &[Scope::AlertsWrite, Scope::AlertsRead],
        Some("default"),
        None,
    )
    .unwrap()
    .token;
    let call = |tok: &str, m: &str, path: &str, body: Option<Value>| {
        let mut req = reqwest::Client::new()
            .request(
                reqwest::Method::from_bytes(m.as_bytes()).unwrap(),
                format!("{}{}", env.s.url, path),
            )
            .bearer_auth(tok);
        if let Some(b) = body {
            req = req.json(&b);
        }
        env.http.send(req)
    };
    let other =
        env.rule(json!({"name": "o", "project_id": "other", "config": {"type": "new_issue"}}));
    assert_eq!(
        call(
            &reader,
            "POST",
            "/v1/alerts",
            Some(json!({"name": "n", "config": {"type": "new_issue"}}))
        )
        .status,
        403
    );
    let mine = call(
        &writer,
        "POST",
        "/v1/alerts",
        Some(json!({"name": "n", "config": {"type": "new_issue"}})),
    );
    assert_eq!(mine.status, 201);
    assert_eq!(
        mine.body["project_id"], "default",
        "a pinned token's rule belongs to its project"
    );
    assert_eq!(
        call(&reader, "GET", &format!("/v1/alerts/{other}"), None).status,
        403
    );
    assert_eq!(
        call(&writer, "DELETE", &format!("/v1/alerts/{other}"), None).status,
        403
    );
    let listed = call(&reader, "GET", "/v1/alerts", None).body;
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["project_id"] != "other"));
}

struct Smtp {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_server() -> Smtp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 -m aiosmtpd (installed by tests/run.sh)");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "aiosmtpd did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Smtp { child, port, dir }
}

#[test]
fn email_alerts_arrive_over_a_real_smtp_conversation() {
    let smtp = smtp_server();
    let env = Env::start(|c| {
        c.smtp.enabled = true;
        c.smtp.host = "127.0.0.1".into();
        c.smtp.port = smtp.port;
        c.smtp.starttls = false;
        c.smtp.from = "bloop@example.com".into();
    });
    let id = env.rule(json!({"name": "mail", "config": {"type": "new_issue"},
                             "channels": [{"type": "email", "to": ["oncall@example.com"]}]}));
    env.send_and_wait(ev("<script>alert(1)</script> payment exploded"));
    let newdir = smtp.dir.path().join("mail").join("new");
    let start = Instant::now();
    let mail = loop {
        let found: Vec<_> = std::fs::read_dir(&newdir)
            .map(|d| d.flatten().collect())
            .unwrap_or_default();
        if let Some(f) = found.first() {
            break std::fs::read_to_string(f.path()).unwrap();
        }
        assert!(start.elapsed() < WAIT, "no email arrived");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(mail.contains("oncall@example.com"), "{mail}");
    assert!(mail.contains("New issue in default"), "{mail}");
    assert!(mail.contains("payment exploded"), "{mail}");
    let r = env.api("POST", &format!("/v1/alerts/{id}/test"), None);
    assert_eq!(r.body["ok"], true, "{:?}", r.body);
}

#[test]
fn alerts_cli_manages_rules_locally_and_remotely() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    let db = env.s.db_path.clone();
    let bloop = |args: &[&str]| {
        Command::new(bloop_bin())
            .args(args)
            .env("BLOOP__DATABASE__PATH", &db)
            .env("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true")
            .env_remove("BLOOP_URL")
            .env_remove("BLOOP_TOKEN")
            .output()
            .unwrap()
    };
    let o = bloop(&[
        "alerts",
        "create",
        "--name",
        "hot",
        "--type",
        "threshold",
        "--threshold",
        "3",
        "--window",
        "1m",
        "--webhook",
        &rx.url,
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let id = serde_json::from_slice::<Value>(&o.stdout).unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let o = bloop(&["alerts", "create", "--name", "bad", "--type", "threshold"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--threshold"));
    let listed = String::from_utf8(bloop(&["alerts", "list"]).stdout).unwrap();
    assert!(
        listed.contains("hot") && listed.contains("webhook"),
        "{listed}"
    );
    // Test through the real channel, locally...
    let o = bloop(&["alerts", "test", &id]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rx.wait_for(1, WAIT).len(), 1);
    // ...and through the server.
    let o = bloop(&[
        "alerts", "disable", &id, "--url", &env.s.url, "--token", &env.admin, "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).unwrap()["enabled"],
        false
    );
    for i in 0..5 {
        env.send_and_wait(ev(&format!("disabled rule {i}")));
    }
    settle();
    assert_eq!(rx.received().len(), 1, "a disabled rule does not fire");
    assert!(bloop(&["alerts", "enable", &id]).status.success());
    assert!(bloop(&["alerts", "delete", &id]).status.success());
    assert_eq!(bloop(&["alerts", "delete", &id]).status.code(), Some(1));
}
