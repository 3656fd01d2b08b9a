//! LLM alert rules end to end: traces through the signed JSON API, rules through the API, a
//! local webhook receiver. Each rule is shown quiet while its condition does not hold — checked
//! only once the evaluator has judged those traces (a fence rule, judged first, has fired for a
//! trace sent after them) — and firing once the one trace that makes it hold arrives, once per
//! cooldown (the budget once per month and threshold). On both backends (on PostgreSQL the
//! rules read the spans and the rollup every node writes, and fire through the shared
//! cooldowns).

use std::cell::Cell;
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::receiver::Receiver;
use crate::common::*;
use crate::llm_admin::{project, token};

const WAIT: Duration = Duration::from_secs(15);
const HOUR_MS: i64 = 3_600_000;

struct Env {
    s: TestServer,
    http: Http,
    admin: String,
    fence: Receiver,
    fences: Cell<u32>,
    hook: Receiver,
}

impl Env {
    fn start() -> Self {
        let s = TestServer::start_with(|c| {
            c.alerting.allow_private_targets = true;
            // Generous: these tests send the condition's traces well apart from each other.
            c.alerting.cooldown_secs = 3600;
        });
        let admin = token(&s, "admin", None);
        let env = Self {
            s,
            http: Http::new(),
            admin,
            fence: Receiver::start(),
            fences: Cell::new(0),
            hook: Receiver::start(),
        };
        // The fence: created first, so judged first in every pass; fires for any spend.
        env.rule(
            json!({"name": "fence", "config": {"type": "llm_cost_threshold",
            "amount_usd": 0.000001, "window_secs": 3600},
            "channels": [{"type": "webhook", "url": env.fence.url}]}),
        );
        env
    }

    fn rule(&self, body: Value) -> i64 {
        let r = self.http.send(
            self.http
                .client()
                .post(format!("{}/v1/alerts", self.s.url))
                .bearer_auth(&self.admin)
                .json(&body),
        );
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    fn project(&self, slug: &str) -> String {
        project(&self.s, slug)
    }

    /// The rule's deliveries with status `sent`.
    fn sent(&self, rule: i64) -> usize {
        let r = self.http.send(
            self.http
                .client()
                .get(format!("{}/v1/alerts/{rule}/deliveries", self.s.url))
                .bearer_auth(&self.admin),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["status"] == "sent")
            .count()
    }

    /// Runs `sql` (the same on both backends) on the server's database: for what a test fakes,
    /// the passing of time.
    fn execute(&self, sql: &str) {
        match pg_url_of(&self.s.db_path) {
            None => {
                self.s.db().execute(sql, []).unwrap();
            }
            Some(url) => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let pg = bloop::store::pg::Pg::new(&url, 1).unwrap();
                    pg.client().await.unwrap().execute(sql, &[]).await.unwrap();
                });
            }
        }
    }

    /// One call as a trace of `project` (through its key), started `ago_ms` before now.
    fn call(&self, key: &str, model: &str, status: &str, latency_ms: i64, ago_ms: i64) {
        let now = bloop::store::now_ms();
        let (input, output) = match model {
            // 9,225 µ$ each, as in the proxy tests: 1,000 in + 500 cache write + 2,000 cache
            // read + 250 out.
            "claude-3-5-sonnet-20241022" => (1000, 250),
            // 345 µ$: 1,200 in of which 200 cached, 300 out.
            _ => (1200, 300),
        };
        let (cw, cr) = if model.starts_with("claude") {
            (500, 2000)
        } else {
            (0, 200)
        };
        let body = json!({"spans": [{"id": "s", "model": model, "input_tokens": input,
            "output_tokens": output, "cache_write_tokens": cw, "cache_read_tokens": cr,
            "status": status, "error_message": if status == "error" { Some("boom") } else { None },
            "latency_ms": latency_ms, "started_at": now - ago_ms}]})
        .to_string();
        let r = self
            .http
            .post_with_key(&format!("{}/v1/traces", self.s.url), &body, key);
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "accepted", "{:?}", r.body);
    }

    /// Returns once every trace sent so far has been written and judged by every LLM rule.
    fn settle(&self) {
        let n = self.fences.get() + 1;
        self.fences.set(n);
        let slug = format!("fence-{n}");
        let key = self.project(&slug);
        self.call(&key, "gpt-4o-mini", "ok", 10, 0);
        let start = std::time::Instant::now();
        loop {
            let seen = self.fence.received().iter().any(|r| {
                r.json()["alerts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["project_id"] == slug.as_str())
            });
            if seen {
                return;
            }
            assert!(
                start.elapsed() < WAIT,
                "the fence rule never fired for {slug}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// After [`settle`](Self::settle): the alerts the test receiver got, once `n` have arrived
    /// (deliveries run after judging, so the fence's alert may come first) and a moment more for
    /// any that should not have.
    fn alerts_after(&self, n: usize) -> Vec<Value> {
        let start = std::time::Instant::now();
        while self.alerts().len() < n && start.elapsed() < WAIT {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
        self.alerts()
    }

    /// The alerts the test receiver got, flattened.
    fn alerts(&self) -> Vec<Value> {
        self.hook
            .received()
            .iter()
            .flat_map(|r| r.json()["alerts"].as_array().unwrap().clone())
            .collect()
    }

    fn hook(&self) -> Value {
        json!([{"type": "webhook", "url": self.hook.url}])
    }
}

crate::both! {
fn error_rate_cost_and_latency_rules_fire_exactly_when_they_hold() {
    let env = Env::start();
    let e = env.project("errs");
    let c = env.project("costs");
    let l = env.project("slow");
    let errors = env.rule(
        json!({"name": "errors", "project_id": "errs", "channels": env.hook(),
        "config": {"type": "llm_error_rate", "percent": 50, "min_calls": 4, "window_secs": 600}}),
    );
    let spend = env.rule(
        json!({"name": "spend", "project_id": "costs", "channels": env.hook(),
        "config": {"type": "llm_cost_threshold", "amount_usd": 0.01, "window_secs": 600}}),
    );
    let latency = env.rule(
        json!({"name": "latency", "project_id": "slow", "channels": env.hook(),
        "config": {"type": "llm_latency", "threshold_ms": 1000, "percentile": "p95",
                   "min_calls": 3, "window_secs": 600, "model": "gpt-4o-mini"}}),
    );

    // Not yet: 2 failures in 3 calls (under min_calls), 9,225 µ$ of 10,000, two slow calls.
    env.call(&e, "gpt-4o-mini", "error", 50, 1000);
    env.call(&e, "gpt-4o-mini", "ok", 50, 1000);
    env.call(&e, "gpt-4o-mini", "error", 50, 1000);
    env.call(&c, "claude-3-5-sonnet-20241022", "ok", 50, 1000);
    env.call(&l, "gpt-4o-mini", "ok", 2000, 1000);
    env.call(&l, "gpt-4o-mini", "ok", 2500, 1000);
    // Another model's slow calls and another project's failures do not count.
    env.call(&l, "gpt-4o", "ok", 9000, 1000);
    env.settle();
    assert_eq!(env.alerts_after(0), Vec::<Value>::new());

    // The one call that makes each hold.
    env.call(&e, "gpt-4o-mini", "ok", 50, 1000); // 2 of 4 = 50 %
    env.call(&c, "claude-3-5-sonnet-20241022", "ok", 50, 1000); // 18,450 µ$
    env.call(&l, "gpt-4o-mini", "ok", 100, 1000); // p95 of [100, 2000, 2500] = 2500
    env.settle();
    let got = env.alerts_after(3);
    let kind = |k: &str| {
        got.iter()
            .filter(|a| a["kind"] == k)
            .cloned()
            .collect::<Vec<_>>()
    };
    let errs = kind("llm_error_rate");
    assert_eq!(errs.len(), 1, "{got:?}");
    assert_eq!(errs[0]["project_id"], "errs");
    assert!(
        errs[0]["reason"].as_str().unwrap().contains("2 of 4"),
        "{errs:?}"
    );
    let cost = kind("llm_cost_threshold");
    assert_eq!(cost.len(), 1, "{got:?}");
    assert!(
        cost[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("$0.02 spent on 2 LLM calls"),
        "{cost:?}"
    );
    let slow = kind("llm_latency");
    assert_eq!(slow.len(), 1, "{got:?}");
    assert_eq!(slow[0]["route"], "gpt-4o-mini");
    assert!(
        slow[0]["reason"]
            .as_str()
            .unwrap()
            .contains("p95 latency of gpt-4o-mini was 2500 ms"),
        "{slow:?}"
    );
    assert_eq!(got.len(), 3, "{got:?}");

    // Still holding: nothing more within the cooldown.
    env.call(&e, "gpt-4o-mini", "error", 50, 1000);
    env.call(&c, "claude-3-5-sonnet-20241022", "ok", 50, 1000);
    env.settle();
    assert_eq!(env.alerts_after(3).len(), 3);
    // The delivery log has them.
    for rule in [errors, spend, latency] {
        assert!(
            wait_until(WAIT, || env.sent(rule) == 1),
            "rule {rule}: one delivery logged"
        );
    }
}

fn budget_alerts_fire_once_a_month_per_threshold_and_spikes_need_a_real_spike() {
    let env = Env::start();
    let b = env.project("budgeted");
    let s = env.project("spiky");
    let token = token(&env.s, "llm:write", None);
    let r = env.http.send(
        env.http
            .client()
            .put(format!("{}/v1/llm/budget", env.s.url))
            .bearer_auth(&token)
            .json(&json!({"project": "budgeted", "monthly_usd": 0.02})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    env.rule(
        json!({"name": "budget", "project_id": "budgeted", "channels": env.hook(),
        "config": {"type": "llm_budget", "percent": 50}}),
    );
    // Baseline: one 345 µ$ call an hour for the 23 hours before the last.
    for k in 2..=24 {
        env.call(&s, "gpt-4o-mini", "ok", 50, k * HOUR_MS);
    }
    env.rule(
        json!({"name": "spike", "project_id": "spiky", "channels": env.hook(),
        "config": {"type": "llm_cost_spike", "multiplier": 3, "window_secs": 3600,
                   "baseline_hours": 24}}),
    );

    // 9,225 µ$ of 20,000 (46 %): under the threshold, but a month that goes on like this ends
    // far over the budget. 9 calls this hour: ten times the baseline's spend, but a spike needs
    // 10 calls.
    env.call(&b, "claude-3-5-sonnet-20241022", "ok", 50, 1000);
    for _ in 0..9 {
        env.call(&s, "gpt-4o-mini", "ok", 50, 1000);
    }
    env.settle();
    let got = env.alerts_after(1);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["kind"], "llm_budget_forecast");
    assert!(
        got[0]["reason"]
            .as_str()
            .unwrap()
            .contains("will end over its $0.02 budget"),
        "{got:?}"
    );

    // 18,450 µ$: 92 % ≥ 50 %. The tenth call: a spike.
    env.call(&b, "claude-3-5-sonnet-20241022", "ok", 50, 1000);
    env.call(&s, "gpt-4o-mini", "ok", 50, 1000);
    env.settle();
    let got = env.alerts_after(3);
    assert_eq!(got.len(), 3, "{got:?}");
    let budget: Vec<_> = got.iter().filter(|a| a["kind"] == "llm_budget").collect();
    assert_eq!(budget.len(), 1, "{got:?}");
    assert!(
        budget[0]["reason"]
            .as_str()
            .unwrap()
            .contains("92% of the $0.02 monthly budget"),
        "{budget:?}"
    );
    let spike: Vec<_> = got
        .iter()
        .filter(|a| a["kind"] == "llm_cost_spike")
        .collect();
    assert_eq!(spike.len(), 1, "{got:?}");
    assert_eq!(spike[0]["project_id"], "spiky");

    // Once a month per threshold, even after the cooldown would have let it through.
    env.execute("UPDATE alert_cooldowns SET last_fired = last_fired - 7200000");
    env.call(&b, "claude-3-5-sonnet-20241022", "ok", 50, 1000);
    env.settle();
    let got = env.alerts_after(3);
    assert_eq!(
        got.iter().filter(|a| a["kind"] == "llm_budget").count(),
        1,
        "{got:?}"
    );
    assert_eq!(
        got.iter()
            .filter(|a| a["kind"] == "llm_budget_forecast")
            .count(),
        1,
        "{got:?}"
    );
}

fn llm_rules_are_created_from_the_cli_and_bad_ones_are_named() {
    let env = Env::start();
    // The CLI checks the channel as the server would: its configuration allows the local hook.
    let out = cli_ok(&bloop_cli_env(
        &env.s.db_path,
        &[
            "alerts",
            "create",
            "--name",
            "fails",
            "--type",
            "llm_error_rate",
            "--percent",
            "20",
            "--window",
            "10m",
            "--model",
            "gpt-4o",
            "--webhook",
            &env.hook.url,
            "--json",
        ],
        &[("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true")],
    ));
    let rule: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        rule["config"],
        json!({"type": "llm_error_rate", "percent": 20.0, "window_secs": 600, "min_calls": 20,
               "model": "gpt-4o"})
    );
    let list = cli_ok(&bloop_cli(&env.s.db_path, &["alerts", "list"]));
    assert!(
        list.contains("LLM error rate of gpt-4o ≥ 20% in 600 s"),
        "{list}"
    );
    let o = bloop_cli(
        &env.s.db_path,
        &["alerts", "create", "--name", "x", "--type", "llm_latency"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--threshold-ms"));
    for (config, field) in [
        (
            json!({"type": "llm_error_rate", "percent": 0}),
            "config.percent",
        ),
        (
            json!({"type": "llm_cost_threshold", "amount_usd": 1, "window_secs": 5}),
            "config.window_secs",
        ),
        (
            json!({"type": "llm_latency", "threshold_ms": 0}),
            "config.threshold_ms",
        ),
        (
            json!({"type": "llm_budget", "percent": -1}),
            "config.percent",
        ),
    ] {
        let r = env.http.send(
            env.http
                .client()
                .post(format!("{}/v1/alerts", env.s.url))
                .bearer_auth(&env.admin)
                .json(&json!({"name": "bad", "config": config})),
        );
        assert_eq!(
            (r.status, r.body["field"].as_str()),
            (400, Some(field)),
            "{config}: {:?}",
            r.body
        );
    }
    let r = env.http.send(
        env.http
            .client()
            .post(format!("{}/v1/alerts", env.s.url))
            .bearer_auth(&env.admin)
            .json(&json!({"name": "bad", "environment_filter": "prod",
                          "config": {"type": "llm_budget"}})),
    );
    assert_eq!(
        (r.status, r.body["field"].as_str()),
        (400, Some("environment_filter")),
        "{:?}",
        r.body
    );
}
}
