//! Two `bloop serve` processes on loopback sharing one PostgreSQL database, as a load balancer
//! would use them: overlapping fingerprints sent to both are counted exactly once, no flush
//! deadlocks, a key revoked on one node is refused by the other within a second (and a setting
//! changed or a rule made applies on every node within a second), one node
//! leads the cluster's jobs and the other takes over when it is killed (`kill -9`) under load,
//! and the database stays consistent.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{bloop_cli_env, cli_ok, sign, wait_until, Http, ServeProcess, SECRET};

struct Cluster {
    url: String,
    dir: tempfile::TempDir,
    token: String,
}

impl Cluster {
    fn new() -> Cluster {
        let url = bloop::store::pg::scratch::shared()
            .database()
            .expect("a scratch database");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = Cluster {
            url,
            dir,
            token: String::new(),
        };
        let out = c.cli(&[
            "tokens", "create", "--name", "cluster", "--scopes", "admin", "--json",
        ]);
        let created: Value = serde_json::from_str(&cli_ok(&out)).expect("token JSON");
        c.token = created["token"].as_str().expect("token").to_string();
        c
    }

    fn db_path(&self) -> std::path::PathBuf {
        // Unused by a node on PostgreSQL; the CLI runs in its directory.
        self.dir.path().join("unused.db")
    }

    fn cli(&self, args: &[&str]) -> std::process::Output {
        bloop_cli_env(
            &self.db_path(),
            args,
            &[("BLOOP__DATABASE__URL", &self.url)],
        )
    }

    fn node(&self) -> ServeProcess {
        ServeProcess::start(&self.db_path(), &[("BLOOP__DATABASE__URL", &self.url)])
    }

    fn get(&self, http: &Http, node: &ServeProcess, path: &str) -> Value {
        let r = http.send(
            http.client()
                .get(format!("{}{path}", node.url))
                .bearer_auth(&self.token),
        );
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        r.body
    }

    /// Runs `sql` on the shared database and returns the one value it answers.
    fn sql(&self, sql: &str) -> String {
        bloop::store::pg::scratch::shared()
            .psql(&self.url, sql)
            .expect("psql")
            .trim()
            .to_string()
    }
}

fn health(http: &Http, node: &ServeProcess) -> Value {
    http.get(&format!("{}/health", node.url)).body
}

fn batch(fingerprints: &[String], round: usize) -> String {
    let events: Vec<Value> = fingerprints
        .iter()
        .enumerate()
        .map(|(i, fp)| {
            json!({
                "timestamp": bloop::store::now_ms(),
                "source": "api",
                "environment": if i % 2 == 0 { "production" } else { "staging" },
                "release": format!("1.{}.0", round % 3),
                "error_type": "ClusterError",
                "message": format!("error {fp}"),
                "fingerprint": fp,
            })
        })
        .collect();
    json!({ "events": events }).to_string()
}

fn post_batch(http: &Http, node: &str, body: &str) -> u16 {
    let sig = sign(SECRET, body.as_bytes());
    http.post(
        &format!("{node}/v1/ingest/batch"),
        body.to_string(),
        &[("x-signature", &sig), ("content-type", "application/json")],
    )
    .status
}

/// Every issue's count equals its stored events and its hourly counts; totals agree.
fn assert_consistent(c: &Cluster) {
    let bad = c.sql(
        "SELECT count(*) FROM issues i
         WHERE i.total_count <> (SELECT count(*) FROM events e WHERE e.issue_id = i.id)
            OR i.total_count <> (SELECT coalesce(sum(count), 0) FROM hourly_counts h
                                 WHERE h.issue_id = i.id)
            OR i.total_count <> (SELECT coalesce(sum(count), 0) FROM issue_releases r
                                 WHERE r.issue_id = i.id)
            OR i.total_count <> (SELECT coalesce(sum(count), 0) FROM issue_slices s
                                 WHERE s.issue_id = i.id)",
    );
    assert_eq!(bad, "0", "issues whose counts disagree with their rows");
    let totals = c.sql(
        "SELECT (SELECT sum(total_count) FROM issues) = (SELECT sum(count) FROM project_hourly)
            AND (SELECT sum(total_count) FROM issues) = (SELECT sum(events) FROM environment_totals)
            AND (SELECT sum(total_count) FROM issues) = (SELECT sum(events) FROM release_totals)",
    );
    assert_eq!(totals, "t", "per-project totals disagree with the issues");
}

#[test]
fn two_nodes_share_one_database_without_losing_or_double_counting() {
    let c = Cluster::new();
    let a = c.node();
    let b = c.node();
    let http = Http::new();

    // One leader.
    let roles = || {
        let mut r = vec![
            health(&http, &a)["database"]["role"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            health(&http, &b)["database"]["role"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        ];
        r.sort();
        r
    };
    assert!(
        wait_until(Duration::from_secs(10), || roles()
            == ["follower", "leader"]),
        "roles: {:?}",
        roles()
    );

    // Two clients, one per node, the same 40 fingerprints in different orders, concurrently.
    let fingerprints: Vec<String> = (0..40)
        .map(|i| format!("{:016x}", 0xc1u64 << 8 | i))
        .collect();
    let rounds = 30;
    let send = |node: &str, reversed: bool| {
        let http = Http::new();
        let mut fps = fingerprints.clone();
        if reversed {
            fps.reverse();
        }
        for round in 0..rounds {
            fps.rotate_left(7);
            assert_eq!(post_batch(&http, node, &batch(&fps, round)), 200);
        }
    };
    std::thread::scope(|s| {
        s.spawn(|| send(&a.url, false));
        s.spawn(|| send(&b.url, true));
    });
    let expected = 2 * rounds as i64 * fingerprints.len() as i64;
    let mut seen = 0;
    assert!(
        wait_until(Duration::from_secs(20), || {
            seen = c.get(&http, &a, "/v1/stats")["total_events"]
                .as_i64()
                .unwrap_or(-1);
            seen == expected
        }),
        "stored {seen} of {expected}"
    );
    let list = c.get(&http, &b, "/v1/errors?limit=200");
    let counts: HashMap<String, i64> = list
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| {
            (
                i["fingerprint"].as_str().unwrap_or("").to_string(),
                i["total_count"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(counts.len(), fingerprints.len());
    assert!(
        counts.values().all(|&n| n == 2 * rounds as i64),
        "each fingerprint counted exactly once per event: {counts:?}"
    );
    for node in [&a, &b] {
        let h = health(&http, node);
        assert_eq!(h["flushes"]["conflicts_retried"], 0, "no deadlocks: {h}");
        assert_eq!(h["dropped"]["queue_full"], 0, "{h}");
    }
    assert_consistent(&c);

    // A key made on one node works on the other; revoked there, it is refused within a second.
    let made = http.send(
        http.client()
            .post(format!("{}/v1/projects/default/keys", a.url))
            .bearer_auth(&c.token)
            .json(&json!({"name": "shared"})),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let key = made.body["key"].as_str().expect("key").to_string();
    let id = made.body["id"].as_i64().expect("id");
    let body = batch(&fingerprints[..1], 0);
    let with_key = |node: &ServeProcess| {
        let sig = sign(&key, body.as_bytes());
        http.post(
            &format!("{}/v1/ingest/batch", node.url),
            body.clone(),
            &[("x-signature", &sig), ("x-project-key", &key)],
        )
        .status
    };
    assert!(wait_until(Duration::from_secs(1), || with_key(&b) == 200));
    let revoked = http.send(
        http.client()
            .delete(format!("{}/v1/keys/{id}", a.url))
            .bearer_auth(&c.token),
    );
    assert_eq!(revoked.status, 200);
    let at = Instant::now();
    assert!(
        wait_until(Duration::from_secs(1), || with_key(&b) == 401),
        "node b still takes the revoked key after {:?}",
        at.elapsed()
    );

    // A setting changed on one node applies on the other within a second: scrubbing turned off
    // for the project on node a, the next events through node b keep their card numbers.
    let off = http.send(
        http.client()
            .put(format!("{}/v1/admin/scrubbing", a.url))
            .bearer_auth(&c.token)
            .json(&json!({"project": "default", "enabled": false})),
    );
    assert_eq!(off.status, 200, "{:?}", off.body);
    let changed = Instant::now();
    let mut probe = 0;
    let mut kept_after = None;
    while kept_after.is_none() && changed.elapsed() < Duration::from_secs(3) {
        probe += 1;
        let sent = changed.elapsed();
        let message = format!("card 4111 1111 1111 1111 probe {probe}");
        let body = json!({"events": [{"timestamp": bloop::store::now_ms(), "source": "api",
            "environment": "production", "release": "1.0.0", "error_type": "SettingProbe",
            "message": message}]})
        .to_string();
        assert_eq!(post_batch(&http, &b.url, &body), 200);
        let stored = |m: &str| {
            c.sql(&format!(
                "SELECT count(*) FROM events WHERE message = '{m}'"
            ))
        };
        assert!(
            wait_until(Duration::from_secs(5), || {
                c.sql(&format!(
                    "SELECT count(*) FROM events WHERE message LIKE '%probe {probe}'"
                )) == "1"
            }),
            "probe {probe} stored"
        );
        if stored(&message) == "1" {
            kept_after = Some(sent);
        }
    }
    let kept_after = kept_after.expect("node b never stopped scrubbing");
    assert!(
        kept_after < Duration::from_secs(1),
        "node b scrubbed for {kept_after:?} after the change on node a"
    );

    // kill -9 of the leader under load: the other node keeps taking events and leads.
    let (leader, other) = if health(&http, &a)["database"]["role"] == "leader" {
        (a, b)
    } else {
        (b, a)
    };
    // The survivor gets fingerprints of its own, so what it stored can be counted exactly.
    let survivors: Vec<String> = (0..40)
        .map(|i| format!("{:016x}", 0x5eu64 << 8 | i))
        .collect();
    let (leader_url, other_url) = (leader.url.clone(), other.url.clone());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let sent_to_other = std::thread::scope(|s| {
        let load = s.spawn(|| {
            let http = Http::new();
            let mut n = 0i64;
            let mut round = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                assert_eq!(
                    post_batch(&http, &other_url, &batch(&survivors, round)),
                    200
                );
                n += survivors.len() as i64;
                round += 1;
            }
            n
        });
        // Until it dies (then its connections are refused).
        let leader_load = s.spawn(|| {
            let http = reqwest::blocking::Client::new();
            for round in 0..20 {
                let body = batch(&fingerprints, round);
                let sent = http
                    .post(format!("{leader_url}/v1/ingest/batch"))
                    .header("x-signature", sign(SECRET, body.as_bytes()))
                    .body(body)
                    .send();
                if sent.map_or(true, |r| r.status() != 200) {
                    break;
                }
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        leader.signal("KILL");
        leader_load.join().expect("leader load thread");
        let took_over = wait_until(Duration::from_secs(10), || {
            health(&http, &other)["database"]["role"] == "leader"
        });
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(took_over, "the survivor did not take over the jobs");
        load.join().expect("load thread")
    });
    // Everything the survivor acknowledged is stored, exactly once (what the killed node had
    // queued died with it).
    let mut stored = String::new();
    let in_list = survivors
        .iter()
        .map(|f| format!("'{f}'"))
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        wait_until(Duration::from_secs(10), || {
            stored = c.sql(&format!(
                "SELECT coalesce(sum(total_count), 0) FROM issues WHERE fingerprint IN ({in_list})"
            ));
            stored == sent_to_other.to_string()
        }),
        "the survivor acknowledged {sent_to_other} events and stored {stored}"
    );
    assert_eq!(health(&http, &other)["status"], "ok");
    assert_consistent(&c);
}

/// The webhook alerts `rx` received, as (kind, message) in arrival order.
fn alerts(rx: &crate::common::receiver::Receiver) -> Vec<(String, String)> {
    rx.received()
        .iter()
        .flat_map(|r| r.json()["alerts"].as_array().cloned().unwrap_or_default())
        .map(|a| {
            (
                a["kind"].as_str().unwrap_or("").to_string(),
                a["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Sends new fingerprints to `node` until the new-issue rule (to `rx`) alerts for one of them:
/// from then on this node's evaluator has the rules and has judged everything sent before.
fn fence(http: &Http, node: &ServeProcess, rx: &crate::common::receiver::Receiver, tag: &str) {
    let mut i = 0;
    let reached = wait_until(Duration::from_secs(15), || {
        i += 1;
        let fp = format!("fence-{tag}-{i}");
        assert_eq!(post_batch(http, &node.url, &batch(&[fp], 0)), 200);
        std::thread::sleep(Duration::from_millis(200));
        alerts(rx)
            .iter()
            .any(|(_, m)| m.starts_with(&format!("error fence-{tag}-")))
    });
    assert!(reached, "node {} never alerted for fence {tag}", node.url);
}

#[test]
fn alerts_fire_once_across_nodes_and_thresholds_count_both() {
    use crate::common::receiver::Receiver;
    let c = Cluster::new();
    let env = [
        ("BLOOP__DATABASE__URL", c.url.as_str()),
        ("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true"),
    ];
    let a = ServeProcess::start(&c.db_path(), &env);
    let b = ServeProcess::start(&c.db_path(), &env);
    let http = Http::new();
    let news = Receiver::start();
    let hot = Receiver::start();
    let cli = |args: &[&str]| cli_ok(&bloop_cli_env(&c.db_path(), args, &env));
    cli(&[
        "alerts",
        "create",
        "--name",
        "new",
        "--type",
        "new_issue",
        "--webhook",
        &news.url,
    ]);
    // 30 events of one issue within a minute: each node alone sees 20 of them.
    cli(&[
        "alerts",
        "create",
        "--name",
        "hot",
        "--type",
        "threshold",
        "--threshold",
        "30",
        "--window",
        "1m",
        "--webhook",
        &hot.url,
    ]);
    // Rules made on the database (here by the CLI) reach both nodes within a second: one new
    // issue sent to each a second later alerts.
    std::thread::sleep(Duration::from_secs(1));
    for (node, fp) in [(&a, "fence-first-a"), (&b, "fence-first-b")] {
        assert_eq!(post_batch(&http, &node.url, &batch(&[fp.into()], 0)), 200);
    }
    assert!(
        wait_until(Duration::from_secs(10), || {
            let got = alerts(&news);
            ["error fence-first-a", "error fence-first-b"]
                .iter()
                .all(|m| got.iter().any(|(_, g)| g == m))
        }),
        "{:?}",
        alerts(&news)
    );
    fence(&http, &a, &news, "a1");
    fence(&http, &b, &news, "b1");

    // The same 40 new issues reach both nodes, in different orders, concurrently; "hot" gets
    // 20 events on each node.
    let fingerprints: Vec<String> = (0..40).map(|i| format!("shared-{i:02}")).collect();
    let send = |node: &str, reversed: bool| {
        let http = Http::new();
        let mut fps = fingerprints.clone();
        if reversed {
            fps.reverse();
        }
        for round in 0..4 {
            fps.rotate_left(7);
            let mut batch_fps = fps.clone();
            batch_fps.extend(std::iter::repeat_n("hot".to_string(), 5));
            assert_eq!(post_batch(&http, node, &batch(&batch_fps, round)), 200);
        }
    };
    std::thread::scope(|s| {
        s.spawn(|| send(&a.url, false));
        s.spawn(|| send(&b.url, true));
    });
    fence(&http, &a, &news, "a2");
    fence(&http, &b, &news, "b2");

    let shared: Vec<String> = alerts(&news)
        .into_iter()
        .filter(|(_, m)| !m.starts_with("error fence-"))
        .map(|(kind, m)| format!("{kind} {m}"))
        .collect();
    let mut unique = shared.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        shared.len(),
        41,
        "one new-issue alert per issue: {shared:?}"
    );
    assert_eq!(unique.len(), 41, "no issue alerted twice: {shared:?}");
    assert!(unique.iter().all(|a| a.starts_with("new_issue error ")));
    assert_eq!(
        alerts(&hot),
        vec![("threshold".to_string(), "error hot".to_string())],
        "the threshold counts both nodes' events and fires once"
    );
    let count = hot.received()[0].json()["alerts"][0]["count"].as_u64();
    assert!(count.is_some_and(|n| (30..=40).contains(&n)), "{count:?}");
    assert_eq!(
        c.sql("SELECT count(*) FROM alert_cooldowns c JOIN alert_rules r ON r.id = c.rule_id WHERE r.name = 'hot'"),
        "1"
    );
}

/// The same LLM traces sent to both nodes at once (a client retrying through the load
/// balancer): each trace is stored once, whole, and the rollups count it once; re-sent with
/// one span fewer, the rollups follow. Spans of one trace sent in parts to both nodes through
/// OTLP/JSON are merged into one trace.
#[cfg(feature = "llm-tracing")]
#[test]
fn llm_traces_sent_to_both_nodes_are_stored_and_counted_once() {
    let c = Cluster::new();
    let (node_a, node_b) = (c.node(), c.node());
    let (a, b) = (node_a.url.clone(), node_b.url.clone());
    let trace = |id: usize, spans: usize| {
        let spans: Vec<Value> = (0..spans)
            .map(|s| {
                json!({"id": format!("s{s}"), "model": "gpt-4o-mini", "provider": "openai",
                       "input_tokens": 100, "output_tokens": 10, "latency_ms": 50 + s,
                       "started_at": 1_780_000_000_000i64 + s as i64})
            })
            .collect();
        json!({"id": format!("t{id}"), "session_id": format!("sess{}", id % 5),
               "started_at": 1_780_000_000_000i64, "spans": spans})
        .to_string()
    };
    let send = |node: &str, body: String| {
        let http = Http::new();
        let sig = sign(SECRET, body.as_bytes());
        http.post(
            &format!("{node}/v1/traces"),
            body,
            &[("x-signature", &sig), ("content-type", "application/json")],
        )
        .status
    };
    const TRACES: usize = 60;
    std::thread::scope(|s| {
        for node in [a.as_str(), b.as_str()] {
            s.spawn(move || {
                for id in 0..TRACES {
                    assert_eq!(send(node, trace(id, 3)), 200);
                }
            });
        }
    });
    let settled = |spans: i64| {
        wait_until(Duration::from_secs(20), || {
            c.sql("SELECT count(*) FROM llm_spans") == spans.to_string()
                && c.sql("SELECT coalesce(sum(spans), 0) FROM llm_usage_hourly")
                    == spans.to_string()
        })
    };
    assert!(
        settled(3 * TRACES as i64),
        "{}",
        c.sql("SELECT count(*) FROM llm_spans")
    );
    assert_eq!(c.sql("SELECT count(*) FROM llm_traces"), TRACES.to_string());
    assert_eq!(
        c.sql("SELECT sum(input_tokens) FROM llm_usage_hourly"),
        (300 * TRACES).to_string(),
        "every trace's tokens counted once"
    );
    assert_eq!(
        c.sql("SELECT sum(traces) FROM llm_sessions"),
        TRACES.to_string()
    );
    // Sent again, with two spans, through the other node each: the rollups follow.
    std::thread::scope(|s| {
        s.spawn(|| {
            for id in (0..TRACES).step_by(2) {
                assert_eq!(send(&a, trace(id, 2)), 200);
            }
        });
        s.spawn(|| {
            for id in (1..TRACES).step_by(2) {
                assert_eq!(send(&b, trace(id, 2)), 200);
            }
        });
    });
    assert!(
        settled(2 * TRACES as i64),
        "{}",
        c.sql("SELECT count(*) FROM llm_spans")
    );
    assert_eq!(
        c.sql("SELECT sum(input_tokens) FROM llm_usage_hourly"),
        (200 * TRACES).to_string()
    );
    assert_eq!(c.sql("SELECT count(*) FROM llm_traces"), TRACES.to_string());

    // OTLP/JSON: one trace's spans in two requests, one to each node, at the same time.
    let made: Value = serde_json::from_str(&cli_ok(
        &c.cli(&["projects", "create", "agents", "--slug", "agents", "--json"]),
    ))
    .expect("project JSON");
    let key = made["key"]["key"].as_str().expect("key").to_string();
    // Both nodes know the new key (announced, and re-read every half second).
    std::thread::sleep(Duration::from_secs(1));
    let otlp = |span: &str, parent: Option<&str>| {
        let mut sp = json!({
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": span,
            "name": "chat gpt-4o-mini", "kind": 3,
            "startTimeUnixNano": "1780000000000000000", "endTimeUnixNano": "1780000001000000000",
            "attributes": [
                {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "1000"}},
                {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "100"}}
            ]
        });
        if let Some(p) = parent {
            sp["parentSpanId"] = json!(p);
        }
        json!({"resourceSpans": [{"resource": {"attributes": []},
               "scopeSpans": [{"scope": {"name": "test"}, "spans": [sp]}]}]})
        .to_string()
    };
    std::thread::scope(|s| {
        for (node, span, parent) in [
            (a.as_str(), "00f067aa0ba902b7", None),
            (b.as_str(), "00f067aa0ba902b8", Some("00f067aa0ba902b7")),
        ] {
            let body = otlp(span, parent);
            let key = key.clone();
            s.spawn(move || {
                let r = Http::new().post(
                    &format!("{node}/otlp/v1/traces"),
                    body,
                    &[
                        ("authorization", &format!("Bearer {key}")),
                        ("content-type", "application/json"),
                    ],
                );
                assert_eq!(r.status, 200, "{:?}", r.body);
            });
        }
    });
    assert!(wait_until(Duration::from_secs(20), || {
        c.sql(
            "SELECT count(*) FROM llm_spans s JOIN llm_traces t ON t.pk = s.trace_pk
             WHERE t.id = '0af7651916cd43dd8448eb211c80319c'",
        ) == "2"
    }));
    assert_eq!(
        c.sql(
            "SELECT span_count || ' ' || input_tokens FROM llm_traces
             WHERE id = '0af7651916cd43dd8448eb211c80319c'"
        ),
        "2 2000",
        "one trace holding both nodes' spans"
    );
}

/// Insights on PostgreSQL: each node keeps its own rollup, fed by every node's flushes through
/// the database, so both answer for everything either stored, each event once; a node started
/// later builds its rollup from the database and agrees.
#[cfg(feature = "analytics")]
#[test]
fn insights_on_each_node_count_what_both_nodes_stored_once() {
    let c = Cluster::new();
    let env = [
        ("BLOOP__DATABASE__URL", c.url.as_str()),
        ("BLOOP__ANALYTICS__CACHE_TTL_SECS", "0"),
    ];
    // Both nodes run in one directory: the second finds the first's rollup file taken and
    // keeps its rollup in memory.
    let a = ServeProcess::start(&c.db_path(), &env);
    let b = ServeProcess::start(&c.db_path(), &env);
    let http = Http::new();
    let totals = |node: &ServeProcess| -> (i64, std::collections::BTreeMap<String, i64>) {
        let v = c.get(&http, node, "/v1/analytics/environments?hours=24");
        let per = v["environments"]
            .as_array()
            .expect("environments")
            .iter()
            .map(|e| {
                (
                    e["environment"].as_str().unwrap_or("").to_lowercase(),
                    e["events"].as_i64().unwrap_or(-1),
                )
            })
            .collect();
        (v["total"].as_i64().expect("total"), per)
    };
    // Asked before anything is stored: the rollups exist and the feed is on.
    assert_eq!(totals(&a).0, 0);
    assert_eq!(totals(&b).0, 0);
    assert_eq!(c.sql("SELECT count(*) FROM analytics_on"), "1");

    let fingerprints: Vec<String> = (0..20).map(|i| format!("insight-{i}")).collect();
    const ROUNDS: usize = 15;
    std::thread::scope(|s| {
        for node in [a.url.as_str(), b.url.as_str()] {
            let fingerprints = &fingerprints;
            s.spawn(move || {
                let http = Http::new();
                for round in 0..ROUNDS {
                    assert_eq!(post_batch(&http, node, &batch(fingerprints, round)), 200);
                }
            });
        }
    });
    let stored = (2 * ROUNDS * fingerprints.len()) as i64;
    assert!(wait_until(Duration::from_secs(20), || {
        c.sql("SELECT count(*) FROM events") == stored.to_string()
    }));
    assert_ne!(c.sql("SELECT count(*) FROM analytics_feed"), "0");
    let expected: std::collections::BTreeMap<String, i64> = [
        ("production".to_string(), stored / 2),
        ("staging".to_string(), stored / 2),
    ]
    .into();
    for node in [&a, &b] {
        assert!(
            wait_until(Duration::from_secs(20), || totals(node).0 == stored),
            "{:?}",
            totals(node)
        );
        assert_eq!(totals(node), (stored, expected.clone()));
    }
    // Read again after more syncs: still each event once.
    std::thread::sleep(Duration::from_secs(6));
    for node in [&a, &b] {
        assert_eq!(totals(node), (stored, expected.clone()));
    }
    // Movers name the issues from the shared issue rows.
    let mv = c.get(&http, &b, "/v1/analytics/movers?hours=24&limit=100");
    let movers = mv["movers"].as_array().expect("movers");
    assert_eq!(movers.len(), fingerprints.len(), "{mv}");
    assert!(movers
        .iter()
        .all(|m| m["current"] == 2 * ROUNDS as i64 && m["issue"]["error_type"] == "ClusterError"));

    // A node started now builds from the database and gives the same answer; the CLI too.
    let late = ServeProcess::start(&c.db_path(), &env);
    assert_eq!(totals(&late), (stored, expected.clone()));
    let out = c.cli(&["analytics", "environments", "--hours", "24", "--json"]);
    let v: Value = serde_json::from_str(&cli_ok(&out)).expect("JSON");
    assert_eq!(v["total"], stored, "{v}");
}
