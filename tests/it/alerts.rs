//! Alerting end to end, with real receivers on 127.0.0.1: a local HTTP receiver for Slack and
//! webhooks, and a real SMTP server (aiosmtpd) for email.
//!
//! A test that says a rule stays quiet also shows the same rule firing, and checks the silence
//! only once the evaluator has judged the events in question ([`Env::settle`]), never after a
//! fixed sleep.

use std::cell::Cell;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bloop::store::projects;
use bloop::store::tokens::{self, Scope};
use serde_json::{json, Value};

use crate::common::receiver::Receiver;
use crate::common::*;

const WAIT: Duration = Duration::from_secs(8);

struct Env {
    s: TestServer,
    cfg: bloop::Config,
    http: Http,
    admin: String,
    /// Receives the fence rule's alerts (see [`Env::settle`]).
    fence: Receiver,
    fence_key: String,
    fences: Cell<u32>,
}

impl Env {
    fn start(tweak: impl FnOnce(&mut bloop::Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = test_config(dir.path());
        cfg.alerting.allow_private_targets = true;
        tweak(&mut cfg);
        let s = TestServer::start_in(dir, cfg.clone());
        let mut db = s.db();
        let admin = tokens::create(&db, "admin", &[Scope::Admin], None, None)
            .unwrap()
            .token;
        let fence_key = projects::create_with_key(&mut db, "Fence", Some("fence"))
            .unwrap()
            .key
            .key;
        let env = Self {
            s,
            cfg,
            http: Http::new(),
            admin,
            fence: Receiver::start(),
            fence_key,
            fences: Cell::new(0),
        };
        // A server that refuses private targets would refuse the fence's local receiver too:
        // such tests do without (they never settle).
        if env.cfg.alerting.allow_private_targets {
            env.rule(
                json!({"name": "fence", "project_id": "fence", "config": {"type": "new_issue"},
                            "channels": [{"type": "webhook", "url": env.fence.url}]}),
            );
        }
        env
    }

    /// Stops the server and starts it again on the same database and config.
    fn restart(self) -> Self {
        let Env {
            s,
            cfg,
            http,
            admin,
            fence,
            fence_key,
            fences,
        } = self;
        let (dir, _) = s.stop();
        let s = TestServer::start_in(dir, cfg.clone());
        Env {
            s,
            cfg,
            http,
            admin,
            fence,
            fence_key,
            fences,
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

    /// A new project; returns its ingest key.
    fn project(&self, slug: &str) -> String {
        projects::create_with_key(&mut self.s.db(), slug, Some(slug))
            .unwrap()
            .key
            .key
    }

    fn events(&self) -> i64 {
        count(&self.s.db(), "SELECT count(*) FROM events")
    }

    fn wait_events(&self, n: i64) {
        let got = self.s.wait_count("SELECT count(*) FROM events", n, WAIT);
        assert!(got >= n, "{got} of {n} events written");
    }

    /// Sends `e` to the default project.
    fn send(&self, e: Value) {
        let r = self
            .http
            .post_signed(&format!("{}/v1/ingest", self.s.url), &e.to_string());
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    /// Sends `e` to the default project and waits until it is written.
    fn send_and_wait(&self, e: Value) {
        let before = self.events();
        self.send(e);
        self.wait_events(before + 1);
    }

    /// Sends `e` with project key `key` and waits until it is written.
    fn send_to(&self, key: &str, e: Value) {
        let before = self.events();
        let r = self
            .http
            .post_with_key(&format!("{}/v1/ingest", self.s.url), &e.to_string(), key);
        assert_eq!(r.status, 200, "{:?}", r.body);
        self.wait_events(before + 1);
    }

    /// Sends `events` in one batch request, with project key `key` or to the default project,
    /// and waits until they are written.
    fn send_batch(&self, key: Option<&str>, events: Vec<Value>) {
        let before = self.events();
        let n = events.len() as i64;
        let url = format!("{}/v1/ingest/batch", self.s.url);
        let body = json!({ "events": events }).to_string();
        let r = match key {
            Some(k) => self.http.post_with_key(&url, &body, k),
            None => self.http.post_signed(&url, &body),
        };
        assert_eq!(r.status, 200, "{:?}", r.body);
        self.wait_events(before + n);
    }

    /// Waits until the evaluator has judged every event written so far, and what it queued for
    /// them has been on its way for a whole evaluation.
    ///
    /// A fence is a new issue in the `fence` project that only the fence rule watches. Flush
    /// reports are judged in the order they were committed, so the fence's alert arriving means
    /// every earlier flush was judged too (possibly together with the fence). Two fences in a
    /// row: anything a rule fired for the earlier flushes was queued before the first fence's
    /// alert went out, a full evaluation before the second one's, so a receiver that has
    /// nothing by then was sent nothing.
    fn settle(&self) {
        self.fence();
        self.fence();
    }

    fn fence(&self) {
        let n = self.fences.get() + 1;
        self.fences.set(n);
        let msg = format!("fence {n}");
        let e = json!({"timestamp": 1_700_000_000, "source": "fence", "environment": "fence",
                       "release": "0", "error_type": "Fence", "message": msg,
                       "fingerprint": format!("fence-{n}")});
        self.send_to(&self.fence_key, e);
        assert!(
            wait_until(WAIT, || alerts(&self.fence)
                .iter()
                .any(|a| a["message"] == msg.as_str())),
            "the evaluator never judged {msg}"
        );
    }

    /// Waits until rule `id`'s delivery log lists `n` outcomes (an outcome is logged once its
    /// delivery is over, retries included); returns the log, newest first.
    fn deliveries(&self, id: i64, n: usize, timeout: Duration) -> Vec<Value> {
        let mut log = Vec::new();
        wait_until(timeout, || {
            log = self
                .api("GET", &format!("/v1/alerts/{id}/deliveries"), None)
                .body
                .as_array()
                .cloned()
                .unwrap_or_default();
            log.len() >= n
        });
        assert!(log.len() >= n, "rule {id} logged {log:?}");
        log
    }
}

fn ev(msg: &str) -> Value {
    json!({"timestamp": 1_700_000_000, "source": "api", "environment": "production", "release": "1.0.0",
           "error_type": "CheckoutError", "message": msg, "route_or_procedure": "POST /pay"})
}

/// `ev(msg)` with the fields of `patch` set.
fn ev_with(msg: &str, patch: Value) -> Value {
    let mut e = ev(msg);
    for (k, v) in patch.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

fn webhook(rx: &Receiver) -> Value {
    json!([{"type": "webhook", "url": rx.url, "secret": "hook-secret"}])
}

/// Every alert in the webhook bodies `rx` received, in arrival order.
fn alerts(rx: &Receiver) -> Vec<Value> {
    rx.received()
        .iter()
        .flat_map(|r| r.json()["alerts"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn new_issue_fires_once_per_issue_and_not_again_after_a_restart() {
    let rx = Receiver::start();
    // No cooldown: only the database's word that the issue is not new keeps it quiet.
    let env = Env::start(|c| c.alerting.cooldown_secs = 0);
    env.rule(
        json!({"name": "new", "project_id": "default", "config": {"type": "new_issue"},
                    "channels": webhook(&rx)}),
    );
    env.send_and_wait(ev("card declined for order 1"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let body = got[0].json();
    assert_eq!(body["alerts"][0]["kind"], "new_issue");
    assert_eq!(body["alerts"][0]["error_type"], "CheckoutError");
    assert_eq!(body["alerts"][0]["message"], "card declined for order 1");
    assert_eq!(body["alerts"][0]["project_id"], "default");
    // The signature lets the receiver verify the body.
    assert_eq!(
        got[0].header("x-bloop-signature"),
        sign("hook-secret", &got[0].body)
    );
    // Same issue again (number differs, same fingerprint): no new alert.
    env.send_and_wait(ev("card declined for order 2"));
    env.settle();
    assert_eq!(rx.received().len(), 1, "the issue is no longer new");
    // A restart on the same database does not make the old issue new.
    let env = env.restart();
    env.send_and_wait(ev("card declined for order 3"));
    env.settle();
    assert_eq!(rx.received().len(), 1, "a restart made an old issue new");
    // A genuinely new issue still fires.
    env.send_and_wait(ev("gateway unreachable"));
    let got = rx.wait_for(2, WAIT);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].json()["alerts"][0]["message"], "gateway unreachable");
}

#[test]
fn a_rule_judges_only_what_was_committed_after_it_was_created() {
    let rx = Receiver::start();
    let env = Env::start(|c| c.alerting.cooldown_secs = 0);
    // Written before the rule exists; the rule is created while the evaluator may still be
    // gathering that flush (it waits a moment to make one digest of a burst).
    env.send_and_wait(ev("card declined before the rule"));
    let id = env.rule(
        json!({"name": "new", "project_id": "default", "config": {"type": "new_issue"},
                    "channels": webhook(&rx)}),
    );
    env.settle();
    assert!(
        rx.received().is_empty(),
        "a rule fired for an issue created before it: {:?}",
        alerts(&rx)
    );
    // What comes after the rule fires as usual.
    env.send_and_wait(ev("gateway unreachable"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["message"], "gateway unreachable");
    assert_eq!(env.deliveries(id, 1, WAIT).len(), 1);
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
    let r = env.api(
        "POST",
        &format!("/v1/errors/{fp}/resolve"),
        Some(json!({"release": "2.0.0"})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Near miss: an old release does not reopen it.
    env.send_and_wait(ev("null pointer in cart"));
    env.settle();
    assert_eq!(rx.received().len(), 0, "an event of 1.0.0 reopened it");
    let mut newer = ev("null pointer in cart");
    newer["release"] = json!("2.0.1");
    env.send_and_wait(newer);
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["kind"], "regression");
    assert_eq!(alert["fingerprint"], fp.as_str());
    assert_eq!(alert["release"], "2.0.1");
}

#[test]
fn threshold_fires_once_at_the_threshold_then_cooldown_holds_it() {
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
    env.settle();
    assert_eq!(rx.received().len(), 0, "4 matching events are a near miss");
    env.send_and_wait(ev("timeout 5"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["kind"], "threshold");
    assert_eq!(alert["count"], 5);
    assert_eq!(alert["reason"], "5 events in 60s (threshold 5)");
    for i in 0..6 {
        env.send_and_wait(ev(&format!("timeout {i}")));
    }
    env.settle();
    assert_eq!(rx.received().len(), 1, "cooldown holds further alerts");
}

#[test]
fn a_rule_fires_again_for_the_same_issue_once_the_cooldown_has_passed() {
    let rx = Receiver::start();
    let env = Env::start(|c| c.alerting.cooldown_secs = 1);
    env.rule(
        json!({"name": "two", "config": {"type": "threshold", "threshold": 2, "window_secs": 60},
                    "channels": webhook(&rx)}),
    );
    env.send_and_wait(ev("disk full 1"));
    env.send_and_wait(ev("disk full 2"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let first = got[0].json()["alerts"][0]["fired_at"].as_i64().unwrap();
    // Once a second has passed since it fired, the next event (3 in the window) fires again.
    while bloop::store::now_ms() <= first + 1_000 {
        std::thread::sleep(Duration::from_millis(50));
    }
    env.send_and_wait(ev("disk full 3"));
    let got = rx.wait_for(2, WAIT);
    assert_eq!(got.len(), 2);
    let again = &got[1].json()["alerts"][0];
    assert_eq!(again["count"], 3);
    assert!(again["fired_at"].as_i64().unwrap() >= first + 1_000);
}

#[test]
fn muted_and_ignored_issues_never_alert_while_the_same_rule_alerts_for_others() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    env.rule(
        json!({"name": "two", "config": {"type": "threshold", "threshold": 2, "window_secs": 60},
                    "channels": webhook(&rx)}),
    );
    // The rule fires for an issue nobody silenced.
    env.send_and_wait(ev("loud failure"));
    env.send_and_wait(ev("loud failure"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["message"], "loud failure");
    // The same number of events, and more, on a muted and an ignored issue: nothing.
    for (msg, action) in [("quiet failure", "mute"), ("ignored failure", "ignore")] {
        env.send_and_wait(ev(msg));
        let list = env
            .api(
                "GET",
                &format!("/v1/errors?q={}", msg.replace(' ', "+")),
                None,
            )
            .body;
        let fp = list[0]["fingerprint"].as_str().unwrap().to_string();
        let r = env.api("POST", &format!("/v1/errors/{fp}/{action}"), None);
        assert_eq!(r.status, 200, "{:?}", r.body);
        for _ in 0..3 {
            env.send_and_wait(ev(msg));
        }
    }
    env.settle();
    let messages: Vec<Value> = alerts(&rx).iter().map(|a| a["message"].clone()).collect();
    assert_eq!(messages, vec![json!("loud failure")]);
}

#[test]
fn threshold_per_route_counts_every_issue_on_the_route() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    env.rule(json!({"name": "route", "config": {"type": "threshold", "threshold": 3, "window_secs": 60, "per": "route"},
                    "environment_filter": "production", "channels": webhook(&rx)}));
    // Four events of four issues, two per route: neither route has three.
    for (route, msg) in [
        ("GET /cart", "cart empty"),
        ("GET /cart", "cart locked"),
        ("POST /pay", "card declined"),
        ("POST /pay", "gateway down"),
    ] {
        env.send_and_wait(ev_with(msg, json!({"route_or_procedure": route})));
    }
    env.settle();
    assert_eq!(
        rx.received().len(),
        0,
        "two events per route are a near miss"
    );
    // A third issue on POST /pay: the route has three events (each issue only one).
    env.send_and_wait(ev_with(
        "fraud check failed",
        json!({"route_or_procedure": "POST /pay"}),
    ));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["kind"], "threshold");
    assert_eq!(alert["route"], "POST /pay");
    assert_eq!(alert["count"], 3);
    env.settle();
    assert_eq!(alerts(&rx).len(), 1, "GET /cart never reached three");
}

#[test]
fn threshold_per_project_counts_every_issue_in_the_project() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    let shop = env.project("shop");
    let blog = env.project("blog");
    env.rule(json!({"name": "project", "config": {"type": "threshold", "threshold": 3, "window_secs": 60, "per": "project"},
                    "environment_filter": "production", "channels": webhook(&rx)}));
    // Two issues in each project: four events, but two per project.
    for (key, msg) in [
        (&shop, "cart empty"),
        (&shop, "card declined"),
        (&blog, "comment rejected"),
        (&blog, "feed timeout"),
    ] {
        env.send_to(key, ev(msg));
    }
    env.settle();
    assert_eq!(
        rx.received().len(),
        0,
        "two events per project are a near miss"
    );
    // A third issue in the blog: three events in the project (each issue only one).
    env.send_to(&blog, ev("image too large"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["kind"], "threshold");
    assert_eq!(alert["project_id"], "blog");
    assert_eq!(alert["count"], 3);
    env.settle();
    assert_eq!(alerts(&rx).len(), 1, "the shop never reached three");
}

#[test]
fn source_and_release_filters_pick_the_events_a_rule_sees() {
    let workers = Receiver::start();
    let release = Receiver::start();
    let env = Env::start(|_| {});
    env.rule(
        json!({"name": "workers", "config": {"type": "new_issue"}, "source_filter": "worker",
                    "channels": webhook(&workers)}),
    );
    env.rule(
        json!({"name": "2.0", "config": {"type": "new_issue"}, "release_filter": "2.0.0",
                    "channels": webhook(&release)}),
    );
    env.send_and_wait(ev_with("queue stalled", json!({"source": "worker"})));
    let got = workers.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["source"], "worker");
    env.send_and_wait(ev_with("bad migration", json!({"release": "2.0.0"})));
    let got = release.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["release"], "2.0.0");
    // Outside both filters: source api, release 1.0.0.
    env.send_and_wait(ev("plain api failure"));
    env.settle();
    let messages =
        |rx: &Receiver| -> Vec<Value> { alerts(rx).iter().map(|a| a["message"].clone()).collect() };
    assert_eq!(messages(&workers), vec![json!("queue stalled")]);
    assert_eq!(messages(&release), vec![json!("bad migration")]);
}

/// Writes 24 hours of history before the current hour for `project`, cycling through `counts`.
fn seed_baseline(env: &Env, project: &str, counts: &[i64]) {
    let db = env.s.db();
    let now = bloop::store::now_ms();
    let hour = now - now.rem_euclid(3_600_000);
    for h in 1..=24i64 {
        db.execute(
            "INSERT INTO project_hourly (project_id, hour, count) VALUES (?1, ?2, ?3)",
            rusqlite::params![
                project,
                hour - h * 3_600_000,
                counts[h as usize % counts.len()]
            ],
        )
        .unwrap();
    }
}

/// A spike's baseline is the hours before the current one, and events count in the hour they
/// arrive: a test that ran across the hour would see its baseline move. Starts clear of it.
fn clear_of_the_hour() {
    let into = bloop::store::now_ms().rem_euclid(3_600_000);
    if into > 3_600_000 - 30_000 {
        std::thread::sleep(Duration::from_millis((3_600_000 - into + 1_000) as u64));
    }
}

fn spike_events(n: usize, tag: &str) -> Vec<Value> {
    (0..n).map(|i| ev(&format!("{tag} {i}"))).collect()
}

#[test]
fn spike_fires_over_a_steady_baseline_and_not_for_a_near_miss() {
    clear_of_the_hour();
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    // 24 hours of 4-6 events an hour.
    seed_baseline(&env, "default", &[4, 5, 6]);
    env.rule(json!({"name": "spike", "config": {"type": "spike", "multiplier": 3.0, "window_secs": 600, "baseline_hours": 24},
                    "channels": webhook(&rx)}));
    // Near miss: 8 events in ten minutes (48/h would be a spike by rate, but too few to judge).
    for i in 0..8 {
        env.send_and_wait(ev(&format!("spike {i}")));
    }
    env.settle();
    assert_eq!(rx.received().len(), 0, "8 events are too few to be a spike");
    // 60 more in the window: a spike, reported once.
    for chunk in 0..3 {
        env.send_batch(None, spike_events(20, &format!("spike {chunk}")));
    }
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["kind"], "spike");
    assert_eq!(alert["project_id"], "default");
    env.settle();
    assert_eq!(rx.received().len(), 1, "a spike is reported once");
}

#[test]
fn spike_needs_the_rate_at_the_multiplier_times_the_baseline_mean() {
    clear_of_the_hour();
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    let surge = env.project("surge");
    let calm = env.project("calm");
    // 9 and 11 events an hour: mean 10/h, standard deviation 1.
    seed_baseline(&env, "surge", &[9, 11]);
    seed_baseline(&env, "calm", &[9, 11]);
    env.rule(json!({"name": "x3", "config": {"type": "spike", "multiplier": 3.0, "window_secs": 3600, "baseline_hours": 24},
                    "environment_filter": "production", "channels": webhook(&rx)}));
    // 36 in the hour: 3.6 x the mean.
    env.send_batch(Some(&surge), spike_events(36, "surge"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["kind"], "spike");
    assert_eq!(alert["project_id"], "surge");
    assert_eq!(alert["count"], 36);
    assert!(
        alert["reason"]
            .as_str()
            .unwrap()
            .contains("vs a baseline of 10.0/h"),
        "{alert}"
    );
    // 25 in the hour: a z-score of 15, but only 2.5 x the mean.
    env.send_batch(Some(&calm), spike_events(25, "calm"));
    env.settle();
    assert_eq!(
        alerts(&rx).len(),
        1,
        "2.5 x the mean is under the multiplier"
    );
}

#[test]
fn spike_needs_the_zscore_to_reach_the_configured_threshold() {
    clear_of_the_hour();
    // 0 and 20 events an hour: mean 10/h, standard deviation 10. With a multiplier of 2, any
    // rate from 20/h passes the multiplier; the z-score decides.
    let rule = |rx: &Receiver| {
        json!({"name": "z", "config": {"type": "spike", "multiplier": 2.0, "window_secs": 3600, "baseline_hours": 24},
               "environment_filter": "production", "channels": webhook(rx)})
    };
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    let peak = env.project("peak");
    let bump = env.project("bump");
    seed_baseline(&env, "peak", &[0, 20]);
    seed_baseline(&env, "bump", &[0, 20]);
    env.rule(rule(&rx));
    // 40 in the hour: z = 3.0, over the default 2.5.
    env.send_batch(Some(&peak), spike_events(40, "peak"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["project_id"], "peak");
    assert!(
        alert["reason"].as_str().unwrap().contains("(z = 3.0)"),
        "{alert}"
    );
    // 30 in the hour: 3 x the mean, but z = 2.0.
    env.send_batch(Some(&bump), spike_events(30, "bump"));
    env.settle();
    assert_eq!(alerts(&rx).len(), 1, "a z-score of 2.0 is under 2.5");

    // The threshold is analytics.zscore_threshold: at 1.5 the same 30 events are a spike.
    let rx = Receiver::start();
    let env = Env::start(|c| c.analytics.zscore_threshold = 1.5);
    let bump = env.project("bump");
    seed_baseline(&env, "bump", &[0, 20]);
    env.rule(rule(&rx));
    env.send_batch(Some(&bump), spike_events(30, "bump"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["project_id"], "bump");
    assert!(
        alert["reason"].as_str().unwrap().contains("(z = 2.0)"),
        "{alert}"
    );
}

#[test]
fn a_burst_of_new_issues_becomes_a_digest_not_a_flood() {
    let rx = Receiver::start();
    let slack = Receiver::start();
    let env = Env::start(|c| c.ingest.max_batch_size = 500);
    env.rule(json!({"name": "new", "project_id": "default", "config": {"type": "new_issue"},
                    "channels": [{"type": "webhook", "url": rx.url}, {"type": "slack", "webhook_url": slack.url}]}));
    let events: Vec<Value> = (0..500)
        .map(|i| ev_with("burst", json!({"fingerprint": format!("burst-{i}")})))
        .collect();
    env.send_batch(None, events);
    let total = || -> u64 {
        rx.received()
            .iter()
            .map(|r| r.json()["count"].as_u64().unwrap())
            .sum()
    };
    assert!(
        wait_until(WAIT, || total() >= 500),
        "{} of 500 new issues alerted",
        total()
    );
    env.settle();
    let got = rx.received();
    assert_eq!(total(), 500, "every new issue is in exactly one digest");
    assert!(
        got.len() <= 5,
        "{} webhook messages for one burst",
        got.len()
    );
    assert!(got
        .iter()
        .all(|r| r.header("x-bloop-event") == r.json()["event"]));
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
fn webhooks_carry_the_event_header_and_a_signature_of_the_body() {
    let own = Receiver::start();
    let plain = Receiver::start();
    let env = Env::start(|_| {});
    env.rule(
        json!({"name": "new", "project_id": "default", "config": {"type": "new_issue"},
                    "channels": [{"type": "webhook", "url": own.url, "secret": "hook-secret"},
                                 {"type": "webhook", "url": plain.url}]}),
    );
    // One alert.
    env.send_and_wait(ev("lonely failure"));
    for (rx, key) in [(&own, "hook-secret"), (&plain, SECRET)] {
        let got = rx.wait_for(1, WAIT);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].header("x-bloop-event"), "alert");
        assert_eq!(got[0].json()["event"], "alert");
        assert_eq!(got[0].header("content-type"), "application/json");
        // Signed with the channel's secret, or auth.hmac_secret when it has none.
        assert_eq!(got[0].header("x-bloop-signature"), sign(key, &got[0].body));
    }
    // Three new issues in one request: a digest.
    let events: Vec<Value> = (0..3)
        .map(|i| ev_with("crowd", json!({"fingerprint": format!("crowd-{i}")})))
        .collect();
    env.send_batch(None, events);
    for (rx, key) in [(&own, "hook-secret"), (&plain, SECRET)] {
        assert!(wait_until(WAIT, || alerts(rx).len() >= 4));
        let got = rx.received();
        let digest = got.last().unwrap();
        assert_eq!(digest.header("x-bloop-event"), "alert.digest");
        assert_eq!(digest.json()["event"], "alert.digest");
        assert_eq!(digest.json()["count"], 3);
        assert_eq!(digest.header("x-bloop-signature"), sign(key, &digest.body));
    }
}

#[test]
fn rules_without_channels_use_the_environment_slack_and_webhook_urls() {
    let slack = Receiver::start();
    let hook = Receiver::start();
    let own = Receiver::start();
    // What BLOOP_SLACK_WEBHOOK_URL and BLOOP_WEBHOOK_URL become (src/config.rs reads them; the
    // process environment is shared by every test here, so set the result directly).
    let (slack_url, hook_url) = (slack.url.clone(), hook.url.clone());
    let env = Env::start(move |c| {
        c.alerting.slack_webhook_url = Some(bloop::config::Secret::new(&slack_url));
        c.alerting.webhook_url = Some(bloop::config::Secret::new(&hook_url));
    });
    env.rule(json!({"name": "fallback", "config": {"type": "new_issue"}, "source_filter": "cron"}));
    env.rule(
        json!({"name": "own", "config": {"type": "new_issue"}, "source_filter": "worker",
                    "channels": webhook(&own)}),
    );
    // A rule with channels uses only its own.
    env.send_and_wait(ev_with("queue stalled", json!({"source": "worker"})));
    assert_eq!(own.wait_for(1, WAIT).len(), 1);
    // A rule without: both environment channels.
    env.send_and_wait(ev_with("nightly job crashed", json!({"source": "cron"})));
    let got = hook.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let alert = &got[0].json()["alerts"][0];
    assert_eq!(alert["rule_name"], "fallback");
    assert_eq!(alert["message"], "nightly job crashed");
    assert_eq!(got[0].header("x-bloop-event"), "alert");
    assert_eq!(
        got[0].header("x-bloop-signature"),
        sign(SECRET, &got[0].body)
    );
    let got = slack.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let text = got[0].json()["text"].as_str().unwrap().to_string();
    assert!(text.contains("nightly job crashed"), "{text}");
    env.settle();
    assert_eq!(
        hook.received().len(),
        1,
        "the rule with channels used its own"
    );
    assert_eq!(
        slack.received().len(),
        1,
        "the rule with channels used its own"
    );
    assert_eq!(own.received().len(), 1);
}

#[test]
fn delivery_retries_a_500_and_a_429_then_succeeds_and_logs_it() {
    let rx = Receiver::start();
    rx.script(&[500, 429]);
    let env = Env::start(|_| {});
    let id = env.rule(
        json!({"name": "new", "project_id": "default", "config": {"type": "new_issue"},
                             "channels": webhook(&rx)}),
    );
    env.send_and_wait(ev("flaky receiver"));
    let log = env.deliveries(id, 1, WAIT);
    assert_eq!(log[0]["status"], "sent");
    assert_eq!(log[0]["attempts"], 3);
    let got = rx.received();
    assert_eq!(got.len(), 3, "a 500, a 429, then the 200");
    assert!(got
        .iter()
        .all(|r| r.json()["alerts"] == got[0].json()["alerts"]));

    // A 400 is final: no retry, logged as failed with the reason.
    let bad = Receiver::start();
    bad.script(&[400, 400, 400, 400]);
    let id2 = env.rule(
        json!({"name": "bad", "project_id": "default", "config": {"type": "new_issue"},
                              "channels": webhook(&bad)}),
    );
    env.send_and_wait(ev("another new one"));
    let log = env.deliveries(id2, 1, WAIT);
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["attempts"], 1);
    assert!(log[0]["error"].as_str().unwrap().contains("400"));
    assert_eq!(bad.received().len(), 1, "a 400 is not retried");
}

#[test]
fn delivery_gives_up_after_four_attempts() {
    let rx = Receiver::start();
    rx.script(&[429; 6]);
    let env = Env::start(|_| {});
    let id = env.rule(
        json!({"name": "new", "project_id": "default", "config": {"type": "new_issue"},
                             "channels": webhook(&rx)}),
    );
    env.send_and_wait(ev("receiver always busy"));
    // The outcome is logged when the delivery is over: nothing is sent after that.
    let log = env.deliveries(id, 1, Duration::from_secs(15));
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["attempts"], 4);
    assert!(log[0]["error"].as_str().unwrap().contains("429"));
    let got = rx.received();
    assert_eq!(got.len(), 4, "four attempts, then it stops");
    assert!(got
        .iter()
        .all(|r| r.json()["alerts"] == got[0].json()["alerts"]));
}

#[test]
fn delivery_retries_after_the_receiver_times_out() {
    let rx = Receiver::start();
    rx.hang_next();
    let env = Env::start(|_| {});
    let id = env.rule(
        json!({"name": "new", "project_id": "default", "config": {"type": "new_issue"},
                             "channels": webhook(&rx)}),
    );
    env.send_and_wait(ev("slow receiver"));
    // Each attempt waits 10 s for an answer.
    let got = rx.wait_for(2, Duration::from_secs(20));
    assert_eq!(got.len(), 2, "the timed-out attempt was retried");
    let gap = got[1].at - got[0].at;
    assert!(
        gap >= Duration::from_secs(9),
        "the retry came {gap:?} after the first attempt, before its timeout"
    );
    let log = env.deliveries(id, 1, WAIT);
    assert_eq!(log[0]["status"], "sent");
    assert_eq!(log[0]["attempts"], 2);
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
    env.wait_events(400);
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

    // Without allow_private_targets, loopback targets are refused after resolution: a rule made
    // while they were allowed (here: straight in the database) cannot reach one.
    let strict = Env::start(|c| c.alerting.allow_private_targets = false);
    let target = Receiver::start();
    let local = json!({"name": "local", "config": {"type": "new_issue"},
        "channels": [{"type": "webhook", "url": target.url.replace("127.0.0.1", "localhost")}]});
    let id = bloop::store::alerts::create(
        &strict.s.db(),
        &serde_json::from_value(local.clone()).unwrap(),
    )
    .unwrap()
    .id;
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
    let hook = Receiver::start();
    let other = env.rule(
        json!({"name": "o", "project_id": "other", "config": {"type": "new_issue"},
                                "channels": webhook(&hook)}),
    );
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
        Some(json!({"name": "n", "config": {"type": "new_issue"}, "channels": webhook(&hook)})),
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
    env.settle();
    assert_eq!(rx.received().len(), 1, "a disabled rule does not fire");
    // Enabled again on the database (not through the server): the running server picks it up
    // and the same events fire it.
    assert!(bloop(&["alerts", "enable", &id]).status.success());
    let fired = wait_until(WAIT, || {
        env.send_and_wait(ev("disabled rule again"));
        rx.received().len() >= 2
    });
    assert!(fired, "the re-enabled rule never fired");
    let alert = &rx.received()[1].json()["alerts"][0];
    assert_eq!(alert["rule_name"], "hot");
    assert_eq!(alert["kind"], "threshold");
    assert!(bloop(&["alerts", "delete", &id]).status.success());
    assert_eq!(bloop(&["alerts", "delete", &id]).status.code(), Some(1));
}

/// `bloop` on the test server's database, with `env` (configuration) set.
fn bloop_with(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    bloop_cli_env(&env.s.db_path, args, vars)
}

#[test]
fn rules_whose_channels_could_never_deliver_are_refused_with_the_reason() {
    // No SMTP, no server default channel, private targets refused: the defaults.
    let env = Env::start(|c| c.alerting.allow_private_targets = false);
    let local = Receiver::start();
    let rule = |channels: Value| json!({"name": "x", "config": {"type": "new_issue"}, "channels": channels});
    for (body, field, reason) in [
        (
            json!({"name": "x", "config": {"type": "new_issue"}}),
            "channels",
            "BLOOP_SLACK_WEBHOOK_URL",
        ),
        (
            rule(json!([{"type": "email", "to": ["oncall@example.com"]}])),
            "channels[0].to",
            "smtp.enabled is false",
        ),
        (
            rule(json!([{"type": "webhook", "url": local.url}])),
            "channels[0].url",
            "allow_private_targets",
        ),
        (
            rule(json!([{"type": "slack", "webhook_url": "http://localhost:9/services/x"}])),
            "channels[0].webhook_url",
            "allow_private_targets",
        ),
        (
            rule(
                json!([{"type": "webhook", "url": "https://hooks.example.com/ok"},
                        {"type": "webhook", "url": "http://[::1]:9/x"}]),
            ),
            "channels[1].url",
            "loopback",
        ),
        (
            rule(json!([{"type": "webhook", "url": "http://10.1.2.3/x"}])),
            "channels[0].url",
            "10.1.2.3",
        ),
    ] {
        let r = env.api("POST", "/v1/alerts", Some(body.clone()));
        assert_eq!(r.status, 400, "{body}: {:?}", r.body);
        assert_eq!(r.body["field"], field, "{body}: {:?}", r.body);
        let error = r.body["error"].as_str().unwrap();
        assert!(error.contains(reason), "{body}: {error}");
        assert!(error.contains("could never deliver"), "{error}");
    }
    // A public name is fine (one that does not resolve now may later: not refused).
    let ok = env.rule(rule(
        json!([{"type": "webhook", "url": "https://hooks.example.com/bloop"}]),
    ));
    // Replacing or changing a rule is checked the same way, and a refused change changes nothing.
    let r = env.api(
        "PUT",
        &format!("/v1/alerts/{ok}"),
        Some(rule(json!([{"type": "webhook", "url": local.url}]))),
    );
    assert_eq!(
        (r.status, r.body["field"].as_str()),
        (400, Some("channels[0].url"))
    );
    let r = env.api(
        "PATCH",
        &format!("/v1/alerts/{ok}"),
        Some(json!({"name": "renamed", "channels": []})),
    );
    assert_eq!(
        (r.status, r.body["field"].as_str()),
        (400, Some("channels"))
    );
    let shown = env.api("GET", &format!("/v1/alerts/{ok}"), None).body;
    assert_eq!(shown["name"], "x");
    assert_eq!(
        shown["channels"][0]["url"],
        "https://hooks.example.com/bloop"
    );
    let before = count(&env.s.db(), "SELECT count(*) FROM alert_rules");

    // The CLI refuses the same rules with the same reasons, on the database and remotely.
    let remote = ["--url", env.s.url.as_str(), "--token", env.admin.as_str()];
    for (extra, reason) in [
        (
            vec!["--webhook", local.url.as_str()],
            "allow_private_targets",
        ),
        (
            vec!["--email", "oncall@example.com"],
            "smtp.enabled is false",
        ),
        (vec![], "no channel"),
    ] {
        let mut args = vec!["alerts", "create", "--name", "cli", "--type", "new_issue"];
        args.extend(extra.iter().copied());
        for r in [&[][..], &remote[..]] {
            let mut all = args.clone();
            all.extend(r.iter().copied());
            let o = bloop_with(&env, &all, &[]);
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{all:?}: {stderr}");
            assert!(stderr.contains(reason), "{all:?}: {stderr}");
        }
    }
    assert_eq!(
        count(&env.s.db(), "SELECT count(*) FROM alert_rules"),
        before
    );

    // With SMTP on, email is fine; a server default that is itself private is not a default
    // that can deliver.
    let env = Env::start(|c| {
        c.alerting.allow_private_targets = false;
        c.smtp.enabled = true;
        c.alerting.webhook_url = Some(bloop::config::Secret::new("http://127.0.0.1:9/hook"));
    });
    env.rule(rule(
        json!([{"type": "email", "to": ["oncall@example.com"]}]),
    ));
    let r = env.api(
        "POST",
        "/v1/alerts",
        Some(json!({"name": "x", "config": {"type": "new_issue"}})),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert!(r.body["error"]
        .as_str()
        .unwrap()
        .contains("the server's default webhook channel could never deliver"));
}

#[test]
fn rules_are_edited_with_patch_put_and_the_cli() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    let id = env.rule(
        json!({"name": "hot", "config": {"type": "threshold", "threshold": 5, "window_secs": 60},
                             "channels": webhook(&rx)}),
    );
    let path = format!("/v1/alerts/{id}");
    let stored_channels = || -> String {
        env.s
            .db()
            .query_row(
                "SELECT channels FROM alert_rules WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };

    // PATCH: config keys merge; everything else is kept, the webhook's secret included.
    let r = env.api("PATCH", &path, Some(json!({"config": {"threshold": 9}})));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["config"],
        json!({"type": "threshold", "threshold": 9, "window_secs": 60, "per": "issue"})
    );
    assert_eq!(r.body["name"], "hot");
    assert_eq!(
        r.body["channels"][0]["secret"], "***",
        "answers mask the secret"
    );
    assert!(
        stored_channels().contains("hook-secret"),
        "the secret is kept"
    );
    let r = env.api(
        "PATCH",
        &path,
        Some(json!({"name": "hotter", "environment_filter": "production"})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (
            r.body["name"].as_str(),
            r.body["environment_filter"].as_str()
        ),
        (Some("hotter"), Some("production"))
    );
    assert_eq!(r.body["config"]["threshold"], 9);
    // Another type: the config given is the whole new one (with that type's defaults).
    let r = env.api("PATCH", &path, Some(json!({"config": {"type": "spike"}})));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["config"],
        json!({"type": "spike", "multiplier": 3.0, "window_secs": 3600, "baseline_hours": 24})
    );
    // Bad changes are named and change nothing.
    for (patch, field) in [
        (json!({"config": {"type": "threshold"}}), "config"),
        (json!({"config": {"multiplier": 0.5}}), "config.multiplier"),
        (json!({"colour": "red"}), ""),
        (json!({"name": ""}), "name"),
    ] {
        let r = env.api("PATCH", &path, Some(patch.clone()));
        assert_eq!(r.status, 400, "{patch}: {:?}", r.body);
        assert!(
            r.body["field"].as_str().unwrap_or("").starts_with(field),
            "{patch}: {:?}",
            r.body
        );
    }
    assert_eq!(env.api("GET", &path, None).body["config"]["type"], "spike");
    assert_eq!(
        env.api("PATCH", "/v1/alerts/999999", Some(json!({"name": "x"})))
            .status,
        404
    );

    // PUT replaces the whole rule, and the evaluator uses the new one at once.
    let r = env.api(
        "PUT",
        &path,
        Some(
            json!({"name": "put", "config": {"type": "new_issue"}, "project_id": "default",
                    "channels": webhook(&rx)}),
        ),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    env.send_and_wait(ev("edited rule fires"));
    let got = rx.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["alerts"][0]["rule_name"], "put");

    // The CLI: on the database (its configuration allows the local receiver), then remotely.
    let allow = [("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true")];
    let sid = id.to_string();
    let o = bloop_with(
        &env,
        &[
            "alerts",
            "edit",
            &sid,
            "--name",
            "cli edited",
            "--env",
            "staging",
            "--json",
        ],
        &allow,
    );
    let out = cli_ok(&o);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["name"], "cli edited");
    assert_eq!(v["environment_filter"], "staging");
    assert_eq!(v["config"]["type"], "new_issue");
    let out = cli_ok(&bloop_with(
        &env,
        &[
            "alerts",
            "edit",
            &sid,
            "--type",
            "threshold",
            "--threshold",
            "4",
            "--window",
            "2m",
            "--env",
            "",
        ],
        &allow,
    ));
    assert!(
        out.contains("changed alert rule") && out.contains("≥ 4 events in 120s"),
        "{out}"
    );
    let shown = env.api("GET", &path, None).body;
    assert_eq!(
        shown["environment_filter"],
        Value::Null,
        "--env \"\" clears it"
    );
    assert!(stored_channels().contains("hook-secret"));
    let o = bloop_with(&env, &["alerts", "edit", &sid], &allow);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to change"));
    // Without the permission, the CLI refuses the rule's local receiver, as a server would.
    let o = bloop_with(&env, &["alerts", "edit", &sid, "--name", "strict"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("allow_private_targets"));
    let o = bloop_with(
        &env,
        &[
            "alerts",
            "edit",
            &sid,
            "--threshold",
            "7",
            "--url",
            &env.s.url,
            "--token",
            &env.admin,
            "--json",
        ],
        &[],
    );
    let v: Value = serde_json::from_str(&cli_ok(&o)).unwrap();
    assert_eq!(
        v["config"],
        json!({"type": "threshold", "threshold": 7, "window_secs": 120, "per": "issue"})
    );
    assert_eq!(v["name"], "cli edited");
}

#[test]
fn a_failed_delivery_shows_on_the_alerts_page() {
    let rx = Receiver::start();
    // Every attempt fails: a 500 each time.
    rx.script(&[500, 500, 500, 500]);
    let env = Env::start(|_| {});
    let id = env.rule(json!({"name": "pager <b>duty</b>", "project_id": "default",
                             "config": {"type": "new_issue"}, "channels": webhook(&rx)}));
    env.send_and_wait(ev("nobody hears this"));
    let log = env.deliveries(id, 1, Duration::from_secs(30));
    assert_eq!(log[0]["status"], "failed", "{log:?}");
    // The fence rule (id 1) delivers fine.
    env.fence();
    env.deliveries(1, 1, WAIT);
    let cookie = user_session(&env.s.db_path, "mia", bloop::store::users::Role::Member);
    let page = env.http.send(
        env.http
            .client()
            .get(format!("{}/alerts", env.s.url))
            .header("cookie", &cookie),
    );
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    assert!(html.contains("id=\"delivery-failures\""), "{html}");
    assert!(
        html.contains("The last delivery of 1 rule failed"),
        "{html}"
    );
    // The rule's row is marked, and says what went wrong; the fence rule's says it was sent.
    let row = &html[html
        .find("data-rule=\"pager &lt;b&gt;duty&lt;/b&gt;\"")
        .unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("row-error"), "{row}");
    assert!(
        row.contains("failed") && row.contains("receiver answered 500"),
        "{row}"
    );
    let fence = &html[html.find("data-rule=\"fence\"").unwrap()..];
    let fence = &fence[..fence.find("</tr>").unwrap()];
    assert!(
        fence.contains(">sent<") && !fence.contains("row-error"),
        "{fence}"
    );
}

#[test]
fn the_alert_form_shows_one_types_labelled_fields_and_edits_a_rule_prefilled() {
    let rx = Receiver::start();
    let env = Env::start(|_| {});
    let id = env.rule(
        json!({"name": "slow checkout", "config": {"type": "threshold", "threshold": 12,
                             "window_secs": 300, "per": "route"}, "source_filter": "api",
                             "channels": webhook(&rx)}),
    );
    let cookie = user_session(&env.s.db_path, "mia", bloop::store::users::Role::Member);
    let get = |path: &str| -> String {
        let r = env.http.send(
            env.http
                .client()
                .get(format!("{}{path}", env.s.url))
                .header("cookie", &cookie),
        );
        assert_eq!(r.status, 200);
        r.body.as_str().unwrap().to_string()
    };
    // A new rule starts as "new issue": the threshold's fields are there, hidden and disabled
    // from the start (nothing moves when the script runs), each with a label and its unit.
    let html = get("/alerts");
    assert!(html.contains(r#"<div class="field" data-for="threshold" hidden><label for="rule-threshold">At least</label>"#), "{html}");
    assert!(html.contains(
        r#"name="threshold" type="number" data-type="number" min="1" step="1" value="" disabled>"#
    ));
    assert!(html.contains(r#"<span class="unit">events</span>"#));
    assert!(html.contains(r#"<label for="rule-window">Within</label>"#));
    assert!(html.contains(r#"<span class="unit">seconds</span>"#));
    assert!(
        !html.contains("placeholder=\"threshold"),
        "no placeholder stands in for a label"
    );
    // Without a server default, the form asks for a channel of its own.
    assert!(html.contains("Server defaults (none set"), "{html}");
    assert!(html.contains(r#"<option value="slack" data-target-label="Slack incoming-webhook URL" data-target-type="url" selected>"#));
    assert!(html.contains("Email (SMTP is not configured)"));
    // Editing: the rule's values, its type's fields shown, sent as a PATCH that keeps its
    // channels unless another is chosen.
    let html = get(&format!("/alerts?edit={id}"));
    assert!(html.contains("Edit rule “slow checkout”"), "{html}");
    assert!(html.contains(&format!(
        r#"data-api="/v1/alerts/{id}" data-method="PATCH""#
    )));
    assert!(html.contains(r#"value="slow checkout""#));
    assert!(
        html.contains(r#"<div class="field" data-for="threshold"><label for="rule-threshold">"#)
    );
    assert!(html.contains(r#"value="12">"#) && html.contains(r#"value="300">"#));
    assert!(html.contains(r#"<option value="route" selected>per route</option>"#));
    assert!(html.contains(r#"name="source_filter" data-null value="api">"#));
    assert!(
        html.contains(
            r#"<option value="keep" selected>Keep its channels: webhook http://127.0.0.1"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<div class="field grow" id="rule-target-field" hidden>"#));
    assert!(html.contains("Save changes"));
    // A viewer sees the rules, not the form.
    let viewer = user_session(&env.s.db_path, "vic", bloop::store::users::Role::Viewer);
    let r = env.http.send(
        env.http
            .client()
            .get(format!("{}/alerts?edit={id}", env.s.url))
            .header("cookie", &viewer),
    );
    assert!(!r.body.as_str().unwrap().contains("id=\"alert-form\""));
}
