//! Insights (`--features analytics`) against a plain reference computation over generated events
//! with known answers: a planted spike with its z-score, a correlated pair found and an
//! unrelated issue not, an issue in three releases counted once in each, zero-filled hours,
//! environment percentiles; then the rollup across restarts (nothing counted twice), counts the
//! events retention already removed, offline with an empty HOME, the cache, the parameters and
//! the CLI.

// Most of this file needs the feature; the build without it keeps one test.
#![cfg_attr(not(feature = "analytics"), allow(dead_code, unused_imports))]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{json, Value};

use crate::both;
use crate::common::*;

#[cfg(feature = "analytics")]
use bloop::store::tokens::Scope;

const HOUR: i64 = 3_600_000;

/// One generated event: its issue (error type), hour offset before now (0 = this hour),
/// environment and release.
#[derive(Clone, Debug)]
struct Ev {
    issue: &'static str,
    ago: i64,
    env: &'static str,
    release: &'static str,
}

/// Deterministic noise.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn planted() -> Vec<Ev> {
    let mut v = Vec::new();
    let mut push = |issue, ago, n: i64, env, release| {
        for _ in 0..n {
            v.push(Ev {
                issue,
                ago,
                env,
                release,
            });
        }
    };
    // A steady issue (0–2 an hour, with empty hours) that spikes to 30 this hour.
    for ago in 2..=60 {
        push(
            "Spike",
            ago,
            [1, 0, 2, 1][(ago % 4) as usize],
            "production",
            "2.0.0",
        );
    }
    push("Spike", 0, 30, "production", "2.0.0");
    // Two issues that fire together, and one that fires in other hours.
    for (i, ago) in [5i64, 9, 13, 20, 30, 41].into_iter().enumerate() {
        let i = i as i64;
        push("PairA", ago, 2 * (i + 1), "production", "1.1.0");
        push("PairB", ago, 3 * (i + 1) + i % 2, "staging", "1.1.0");
    }
    for ago in [3, 7, 11, 17, 25, 33] {
        push("Loner", ago, 3, "production", "1.1.0");
    }
    // One issue in three releases.
    push("ThreeReleases", 40, 4, "production", "1.0.0");
    push("ThreeReleases", 20, 5, "production", "1.1.0");
    push("ThreeReleases", 3, 6, "staging", "2.0.0");
    // Busy the day before yesterday, quiet since: a mover down.
    push("Fading", 30, 25, "production", "1.0.0");
    push("Fading", 10, 2, "production", "1.1.0");
    // Noise over 60 hours, environments in two spellings.
    let mut rng = Lcg(42);
    let issues = ["NoiseA", "NoiseB", "NoiseC", "NoiseD"];
    let envs = ["production", "staging", "Production"];
    let releases = ["1.0.0", "1.1.0", "2.0.0"];
    for _ in 0..300 {
        let issue = issues[rng.next(4) as usize];
        let ago = rng.next(61) as i64;
        let env = envs[rng.next(3) as usize];
        let release = releases[rng.next(3) as usize];
        push(issue, ago, 1, env, release);
    }
    v
}

/// The wire events for `evs`, each with its own millisecond (so "first seen" has no ties),
/// never after `now`.
fn wire(evs: &[Ev], now: i64, base: &mut i64) -> Vec<(i64, Value)> {
    let this_hour = now - now.rem_euclid(HOUR);
    evs.iter()
        .map(|e| {
            *base += 1;
            let ts = if e.ago == 0 {
                // This hour, before now: spread over what has passed of it.
                this_hour + (*base * 7) % (now - this_hour).max(1)
            } else {
                this_hour - e.ago * HOUR + 60_000 + *base
            };
            let body = json!({"timestamp": ts, "source": "api", "environment": e.env,
                "release": e.release, "error_type": e.issue,
                "message": format!("{} happened", e.issue)});
            (ts, body)
        })
        .collect()
}

fn send_all(s: &TestServer, http: &Http, events: &[(i64, Value)]) {
    for chunk in events.chunks(500) {
        let body =
            json!({"events": chunk.iter().map(|e| e.1.clone()).collect::<Vec<_>>()}).to_string();
        let r = http.post_signed(&format!("{}/v1/ingest/batch", s.url), &body);
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
}

/// The reference: every event with its hour (since the epoch), issue, environment, release.
struct Reference {
    rows: Vec<(i64, String, String, String)>,
    /// Regressions recorded per release (issue types).
    regressed: BTreeMap<String, BTreeSet<String>>,
    /// Each issue's first release (the release of its earliest event).
    first_release: BTreeMap<String, String>,
}

impl Reference {
    fn new(evs: &[Ev], stamped: &[(i64, Value)]) -> Self {
        let mut first: BTreeMap<String, (i64, String)> = BTreeMap::new();
        let rows = evs
            .iter()
            .zip(stamped)
            .map(|(e, (ts, _))| {
                let f = first
                    .entry(e.issue.to_string())
                    .or_insert((*ts, e.release.to_string()));
                if *ts < f.0 {
                    *f = (*ts, e.release.to_string());
                }
                (
                    ts.div_euclid(HOUR),
                    e.issue.to_string(),
                    e.env.to_string(),
                    e.release.to_string(),
                )
            })
            .collect();
        Reference {
            rows,
            regressed: BTreeMap::new(),
            first_release: first.into_iter().map(|(k, v)| (k, v.1)).collect(),
        }
    }

    fn issues(&self) -> BTreeSet<String> {
        self.rows.iter().map(|r| r.1.clone()).collect()
    }

    /// Zero-filled hourly series of an issue over lo..=hi (optionally one environment).
    fn series(&self, issue: &str, lo: i64, hi: i64, env: Option<&str>) -> Vec<f64> {
        let mut v = vec![0.0; (hi - lo + 1) as usize];
        for (h, i, e, _) in &self.rows {
            if i == issue && (lo..=hi).contains(h) && env.is_none_or(|x| x.eq_ignore_ascii_case(e))
            {
                v[(h - lo) as usize] += 1.0;
            }
        }
        v
    }
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let (ma, _) = mean_sd(a);
    let (mb, _) = mean_sd(b);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va.sqrt() * vb.sqrt()))
}

/// Nearest-rank interpolation (type 7).
fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = p / 100.0 * (v.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (v[hi] - v[lo]) * (rank - lo as f64)
}

fn close(a: &Value, b: f64, what: &str) {
    let a = a
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {a}"));
    assert!((a - b).abs() <= 0.011, "{what}: {a} != {b}");
}

#[cfg(feature = "analytics")]
fn get(http: &Http, url: &str, token: &str) -> Value {
    let r = http.send(reqwest::Client::new().get(url).bearer_auth(token));
    assert_eq!(r.status, 200, "{url}: {:?}", r.body);
    r.body
}

#[cfg(feature = "analytics")]
fn env_total(http: &Http, s: &TestServer, token: &str) -> (i64, i64) {
    let en = get(
        http,
        &format!("{}/v1/analytics/environments?hours=24", s.url),
        token,
    );
    (
        en["total"].as_i64().unwrap(),
        en["unattributed"].as_i64().unwrap(),
    )
}

both! {
    #[cfg(feature = "analytics")]
    fn insights_match_a_reference_computation() {
        let s = TestServer::start_with(|c| {
            c.analytics.cache_ttl_secs = 0;
            c.ingest.max_batch_size = 1000;
        });
        let http = Http::new();
        let token = api_token(&s.db_path, &[Scope::ErrorsRead, Scope::ErrorsWrite]);
        let now = bloop::store::now_ms();
        let evs = planted();
        let mut base = 0;
        let stamped = wire(&evs, now, &mut base);
        send_all(&s, &http, &stamped);
        let mut reference = Reference::new(&evs, &stamped);
        let n = evs.len() as i64;
        assert_eq!(
            s.wait_count("SELECT count(*) FROM events", n, Duration::from_secs(20)),
            n
        );

        // A resolved issue that comes back in 2.0.0 is a regression there.
        let fp_of = |t: &str| -> String {
            let list = get(
                &http,
                &format!("{}/v1/errors?limit=100&status=all", s.url),
                &token,
            );
            list.as_array()
                .unwrap()
                .iter()
                .find(|i| i["error_type"] == t)
                .unwrap_or_else(|| panic!("{t}"))["fingerprint"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let fp = fp_of("ThreeReleases");
        let r = http.send(
            reqwest::Client::new()
                .post(format!("{}/v1/errors/{fp}/resolve", s.url))
                .bearer_auth(&token)
                .json(&json!({})),
        );
        assert_eq!(r.status, 200, "{:?}", r.body);
        let back = vec![Ev {
            issue: "ThreeReleases",
            ago: 0,
            env: "staging",
            release: "2.0.0",
        }];
        let again = wire(&back, bloop::store::now_ms(), &mut base);
        send_all(&s, &http, &again);
        assert_eq!(
            s.wait_count(
                "SELECT count(*) FROM events",
                n + 1,
                Duration::from_secs(20)
            ),
            n + 1
        );
        reference.rows.extend(Reference::new(&back, &again).rows);
        reference
            .regressed
            .entry("2.0.0".into())
            .or_default()
            .insert("ThreeReleases".into());

        let url = |path: &str| format!("{}/v1/analytics/{path}", s.url);

        // Spikes, over the default 72 baseline hours.
        let sp = get(&http, &url("spikes?limit=100"), &token);
        let hi = sp["to"].as_i64().unwrap() / HOUR;
        let lo = sp["from"].as_i64().unwrap() / HOUR;
        assert_eq!(hi - lo + 1, 72 + 2, "{sp}");
        let mut expected: Vec<(String, f64, i64, i64)> = Vec::new();
        for issue in reference.issues() {
            let v = reference.series(&issue, lo, hi, None);
            let (mean, sd) = mean_sd(&v[..72]);
            let z = |x: f64| (x - mean) / sd.max(1.0);
            let (z1, z0) = (z(v[72]), z(v[73]));
            let (zz, hour, count) = if z0 >= z1 {
                (z0, hi, v[73])
            } else {
                (z1, hi - 1, v[72])
            };
            if zz >= 2.5 {
                expected.push((issue.clone(), zz, hour, count as i64));
                let got = sp["spikes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["issue"]["error_type"] == issue.as_str())
                    .unwrap_or_else(|| panic!("{issue} should spike (z {zz:.2}): {sp}"));
                close(&got["zscore"], zz, &format!("{issue} z"));
                close(&got["mean"], mean, &format!("{issue} mean"));
                close(&got["stddev"], sd, &format!("{issue} sd"));
                assert_eq!(got["count"], count as i64, "{issue}");
                assert_eq!(got["hour"], hour * HOUR, "{issue}");
                let series: Vec<f64> = got["series"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect();
                assert_eq!(series, v, "{issue}: zero-filled series");
            }
        }
        assert_eq!(
            sp["spikes"].as_array().unwrap().len(),
            expected.len(),
            "{sp}"
        );
        assert!(
            expected.iter().any(|e| e.0 == "Spike"),
            "the planted spike is expected"
        );
        let zs: Vec<f64> = sp["spikes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["zscore"].as_f64().unwrap())
            .collect();
        assert!(zs.windows(2).all(|w| w[0] >= w[1]), "ranked by z: {zs:?}");

        // The same, in one environment: the other environments' events are not in it.
        let spe = get(&http, &url("spikes?limit=100&environment=STAGING"), &token);
        for x in spe["spikes"].as_array().unwrap() {
            let issue = x["issue"]["error_type"].as_str().unwrap();
            let v = reference.series(issue, lo, hi, Some("staging"));
            let series: Vec<f64> = x["series"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            assert_eq!(series, v, "{issue} in staging");
        }

        // Movers, 24 hours against the 24 before.
        let mv = get(&http, &url("movers?hours=24&limit=100"), &token);
        let hi = mv["to"].as_i64().unwrap() / HOUR;
        let cur_lo = mv["from"].as_i64().unwrap() / HOUR;
        assert_eq!(hi - cur_lo + 1, 24);
        assert_eq!(mv["previous_from"].as_i64().unwrap() / HOUR, cur_lo - 24);
        let mut want: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for issue in reference.issues() {
            let cur: f64 = reference.series(&issue, cur_lo, hi, None).iter().sum();
            let prev: f64 = reference
                .series(&issue, cur_lo - 24, cur_lo - 1, None)
                .iter()
                .sum();
            if cur != prev {
                want.insert(issue, (cur as i64, prev as i64));
            }
        }
        let got: BTreeMap<String, (i64, i64)> = mv["movers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let (c, p) = (
                    m["current"].as_i64().unwrap(),
                    m["previous"].as_i64().unwrap(),
                );
                assert_eq!(m["delta"].as_i64().unwrap(), c - p);
                match p {
                    0 => assert!(m["delta_pct"].is_null(), "{m}"),
                    _ => close(
                        &m["delta_pct"],
                        (c - p) as f64 * 100.0 / p as f64,
                        "delta_pct",
                    ),
                }
                // Every issue here is older than the window: none is new.
                assert_eq!(m["new"], false, "{m}");
                (
                    m["issue"]["error_type"].as_str().unwrap().to_string(),
                    (c, p),
                )
            })
            .collect();
        assert_eq!(got, want);
        let deltas: Vec<i64> = mv["movers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["delta"].as_i64().unwrap().abs())
            .collect();
        assert!(
            deltas.windows(2).all(|w| w[0] >= w[1]),
            "largest change first: {deltas:?}"
        );
        assert!(
            got["Fading"].0 < got["Fading"].1,
            "Fading moved down: {got:?}"
        );

        // Correlations: the planted pair is found, the loner is in no pair.
        let co = get(&http, &url("correlations?limit=100"), &token);
        let hi = co["to"].as_i64().unwrap() / HOUR;
        let lo = co["from"].as_i64().unwrap() / HOUR;
        let cands: Vec<String> = reference
            .issues()
            .into_iter()
            .filter(|i| {
                reference
                    .series(i, lo, hi, None)
                    .iter()
                    .filter(|x| **x > 0.0)
                    .count()
                    >= 3
            })
            .collect();
        assert_eq!(co["candidates"], cands.len(), "{co}");
        let mut want: BTreeMap<(String, String), f64> = BTreeMap::new();
        for (i, a) in cands.iter().enumerate() {
            for b in &cands[i + 1..] {
                let r = pearson(
                    &reference.series(a, lo, hi, None),
                    &reference.series(b, lo, hi, None),
                );
                if let Some(r) = r.filter(|r| *r >= 0.7) {
                    want.insert((a.clone(), b.clone()), r);
                }
            }
        }
        let mut got: BTreeMap<(String, String), f64> = BTreeMap::new();
        for p in co["pairs"].as_array().unwrap() {
            let mut k = [
                p["a"]["error_type"].as_str().unwrap().to_string(),
                p["b"]["error_type"].as_str().unwrap().to_string(),
            ];
            k.sort();
            got.insert((k[0].clone(), k[1].clone()), p["r"].as_f64().unwrap());
        }
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{co}"
        );
        for (k, r) in &want {
            assert!((got[k] - r).abs() <= 0.011, "{k:?}: {} vs {r}", got[k]);
        }
        assert!(
            want.contains_key(&("PairA".into(), "PairB".into())),
            "{want:?}"
        );
        assert!(
            !want.keys().any(|(a, b)| a == "Loner" || b == "Loner"),
            "{want:?}"
        );
        let pair_cluster = co["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["issues"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["error_type"] == "PairA")
            })
            .expect("a cluster with the pair");
        let members: BTreeSet<&str> = pair_cluster["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["error_type"].as_str().unwrap())
            .collect();
        assert!(members.contains("PairB"), "{members:?}");
        // Only pairs with one issue, when asked.
        let fpa = fp_of("PairA");
        let only = get(
            &http,
            &url(&format!("correlations?fingerprint={fpa}")),
            &token,
        );
        for p in only["pairs"].as_array().unwrap() {
            assert!(
                p["a"]["fingerprint"] == fpa.as_str() || p["b"]["fingerprint"] == fpa.as_str(),
                "{p}"
            );
        }
        assert!(!only["pairs"].as_array().unwrap().is_empty());

        // Releases: each issue counted once per release; new issues once, in their first release.
        let rl = get(&http, &url("releases"), &token);
        let hi = rl["to"].as_i64().unwrap() / HOUR;
        let lo = rl["from"].as_i64().unwrap() / HOUR;
        let names: Vec<&str> = rl["releases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["release"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["2.0.0", "1.1.0", "1.0.0"], "newest version first");
        for r in rl["releases"].as_array().unwrap() {
            let name = r["release"].as_str().unwrap();
            let rows: Vec<_> = reference
                .rows
                .iter()
                .filter(|x| x.3 == name && (lo..=hi).contains(&x.0))
                .collect();
            let issues: BTreeSet<&String> = rows.iter().map(|x| &x.1).collect();
            assert_eq!(r["events"], rows.len() as i64, "{name}");
            assert_eq!(r["issues"], issues.len() as i64, "{name}");
            let first = rows.iter().map(|x| x.0).min().unwrap();
            let last = rows.iter().map(|x| x.0).max().unwrap();
            assert_eq!(r["first_hour"], first * HOUR, "{name}");
            let per_hour = rows.len() as f64 / (last - first + 1) as f64;
            close(&r["events_per_hour"], per_hour, name);
            let new: Vec<&String> = reference
                .first_release
                .iter()
                .filter(|(_, rel)| *rel == name)
                .map(|(i, _)| i)
                .collect();
            assert_eq!(r["new_issues"], new.len() as i64, "{name}: {new:?}");
            let regressed = reference.regressed.get(name).cloned().unwrap_or_default();
            assert_eq!(r["regressions"], regressed.len() as i64, "{name}");
            let brought: BTreeSet<&String> = new.into_iter().chain(regressed.iter()).collect();
            let brought_events = rows.iter().filter(|x| brought.contains(&x.1)).count() as f64;
            close(
                &r["impact"],
                brought_events / (last - first + 1) as f64,
                &format!("{name} impact"),
            );
        }
        let three: i64 = rl["releases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["new_issues"].as_i64().unwrap())
            .sum();
        assert_eq!(
            three,
            reference.issues().len() as i64,
            "every issue is new in exactly one release"
        );

        // Environments: case folded, shares, distinct issues and zero-filled percentiles.
        let en = get(&http, &url("environments"), &token);
        let hi = en["to"].as_i64().unwrap() / HOUR;
        let lo = en["from"].as_i64().unwrap() / HOUR;
        let in_window: Vec<_> = reference
            .rows
            .iter()
            .filter(|x| (lo..=hi).contains(&x.0))
            .collect();
        assert_eq!(en["total"], in_window.len() as i64);
        assert_eq!(en["unattributed"], 0);
        let envs = en["environments"].as_array().unwrap();
        assert_eq!(envs.len(), 2, "production and Production are one: {en}");
        for e in envs {
            let name = e["environment"].as_str().unwrap().to_lowercase();
            let rows: Vec<_> = in_window
                .iter()
                .filter(|x| x.2.to_lowercase() == name)
                .collect();
            assert_eq!(e["events"], rows.len() as i64, "{name}");
            close(
                &e["share"],
                rows.len() as f64 * 100.0 / in_window.len() as f64,
                "share",
            );
            let issues: BTreeSet<&String> = rows.iter().map(|x| &x.1).collect();
            assert_eq!(e["issues"], issues.len() as i64, "{name}");
            let mut hourly = vec![0.0; (hi - lo + 1) as usize];
            for x in &rows {
                hourly[(x.0 - lo) as usize] += 1.0;
            }
            assert!(
                hourly.contains(&0.0),
                "the window has empty hours, counted as 0"
            );
            for (k, p) in [("p50", 50.0), ("p90", 90.0), ("p99", 99.0)] {
                close(&e[k], percentile(hourly.clone(), p), &format!("{name} {k}"));
            }
        }

        // The CLI on the same database while the server holds the rollup: the same answer.
        let o = bloop_cli(&s.db_path, &["analytics", "releases", "--json"]);
        let cli: Value = serde_json::from_str(&cli_ok(&o)).unwrap();
        assert_eq!(cli["releases"], rl["releases"]);
        let o = bloop_cli(&s.db_path, &["analytics", "environments"]);
        let text = cli_ok(&o).to_lowercase();
        assert!(
            text.contains("production") && text.contains("staging"),
            "{text}"
        );
        let o = bloop_cli(&s.db_path, &["analytics", "spikes"]);
        assert!(cli_ok(&o).contains("Spike happened"));

        if on_postgres() {
            // The engines' comparison needs a SQLite database to copy the rollup into.
            let o = bloop_cli(&s.db_path, &["analytics", "compare", "--runs", "1"]);
            assert!(!o.status.success());
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("PostgreSQL"), "{err}");
        } else {
            // Both engines over this database: every insight timed, the answers equal (the command
            // fails when they are not).
            let o = bloop_cli(
                &s.db_path,
                &["analytics", "compare", "--runs", "1", "--json"],
            );
            let cmp: Value = serde_json::from_str(&cli_ok(&o)).unwrap();
            assert_eq!(cmp["events"], n + 1, "{cmp}");
            let timed: BTreeSet<&str> = cmp["timings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["insight"].as_str().unwrap())
                .collect();
            assert_eq!(timed.len(), 5, "{cmp}");
            let o = bloop_cli(&s.db_path, &["analytics", "compare", "--runs", "1"]);
            let text = cli_ok(&o);
            assert!(
                text.contains("correlations") && text.contains("both engines gave the same answers"),
                "{text}"
            );
        }
        let o = bloop_cli(
            &s.db_path,
            &["analytics", "compare", "--url", &s.url, "--token", &token],
        );
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("local database"));
    }

    #[cfg(feature = "analytics")]
    fn the_rollup_survives_restarts_and_counts_what_retention_removed() {
        let tweak = |c: &mut bloop::Config| {
            c.analytics.cache_ttl_secs = 0;
            c.ingest.max_batch_size = 1000;
        };
        let s = TestServer::start_with(tweak);
        let http = Http::new();
        let token = api_token(&s.db_path, &[Scope::ErrorsRead]);
        let ev = |ago, n| {
            (0..n)
                .map(|_| Ev {
                    issue: "Kept",
                    ago,
                    env: "production",
                    release: "1.0.0",
                })
                .collect::<Vec<_>>()
        };
        let mut base = 0;
        let first: Vec<Ev> = [ev(1, 10), ev(2, 10), ev(3, 10)].concat();
        send_all(&s, &http, &wire(&first, bloop::store::now_ms(), &mut base));
        s.wait_count("SELECT count(*) FROM events", 30, Duration::from_secs(10));
        assert_eq!(env_total(&http, &s, &token), (30, 0));
        let rollup = if on_postgres() {
            bloop::analytics::pg_store_path(&s.db_path)
        } else {
            bloop::analytics::store_path(&s.db_path)
        };
        assert!(
            rollup.exists(),
            "the rollup's file sits beside the database (on PostgreSQL: beside `database.path`)"
        );
        // The same database again (on PostgreSQL: the same URL).
        let again = |dir: tempfile::TempDir, db_path: &std::path::Path| {
            let mut cfg = test_config(dir.path());
            tweak(&mut cfg);
            cfg.database.url = pg_url_of(db_path).map(bloop::config::Secret::new);
            TestServer::start_in(dir, cfg)
        };

        // Restarted: the feed goes on from where it was, nothing counted twice.
        let (dir, db_path) = s.stop();
        let s = again(dir, &db_path);
        assert_eq!(env_total(&http, &s, &token), (30, 0));
        send_all(
            &s,
            &http,
            &wire(&ev(1, 10), bloop::store::now_ms(), &mut base),
        );
        s.wait_count("SELECT count(*) FROM events", 40, Duration::from_secs(10));
        assert_eq!(env_total(&http, &s, &token), (40, 0));

        // Raw events removed (as retention does) and the rollup lost: rebuilt from the database,
        // the hourly counts still count them, without an environment.
        let (dir, db_path) = s.stop();
        const SEVEN: &str = "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 7)";
        match pg_url_of(&db_path) {
            Some(url) => {
                bloop::store::pg::scratch::shared()
                    .psql(&url, SEVEN)
                    .unwrap();
            }
            None => {
                assert_eq!(open_db(&db_path).execute(SEVEN, []).unwrap(), 7);
            }
        }
        assert_eq!(count_in(&db_path, "SELECT count(*) FROM events"), 33);
        std::fs::remove_file(&rollup).unwrap();
        let s = again(dir, &db_path);
        assert_eq!(env_total(&http, &s, &token), (33, 7));
        let mv = get(
            &http,
            &format!("{}/v1/analytics/movers?hours=24", s.url),
            &token,
        );
        assert_eq!(mv["movers"][0]["current"], 40, "{mv}");
        // An environment filter sees only what is known to be in it.
        let mv = get(
            &http,
            &format!(
                "{}/v1/analytics/movers?hours=24&environment=production",
                s.url
            ),
            &token,
        );
        assert_eq!(mv["movers"][0]["current"], 33, "{mv}");

        // A damaged file is set aside and rebuilt, not fatal.
        let (dir, db_path) = s.stop();
        std::fs::write(&rollup, b"not a duckdb file").unwrap();
        let s = again(dir, &db_path);
        assert_eq!(env_total(&http, &s, &token), (33, 7));
    }

    #[cfg(feature = "analytics")]
    fn answers_are_cached_for_the_ttl_and_parameters_are_checked() {
        let s = TestServer::start_with(|c| c.analytics.cache_ttl_secs = 3600);
        let http = Http::new();
        let token = api_token(&s.db_path, &[Scope::ErrorsRead]);
        let send = |n: usize| {
            let events: Vec<Value> = (0..n)
                .map(|_| json!({"timestamp": bloop::store::now_ms(), "source": "api", "environment": "production",
                    "release": "1.0.0", "error_type": "Cached", "message": "m"}))
                .collect();
            let r = http.post_signed(
                &format!("{}/v1/ingest/batch", s.url),
                &json!({"events": events}).to_string(),
            );
            assert_eq!(r.status, 200);
        };
        send(3);
        s.wait_count("SELECT count(*) FROM events", 3, Duration::from_secs(10));
        let url = format!("{}/v1/analytics/environments", s.url);
        assert_eq!(get(&http, &url, &token)["total"], 3);
        send(2);
        s.wait_count("SELECT count(*) FROM events", 5, Duration::from_secs(10));
        assert_eq!(get(&http, &url, &token)["total"], 3, "cached");
        assert_eq!(
            get(&http, &format!("{url}?hours=24"), &token)["total"],
            5,
            "another question"
        );

        for (q, field) in [
            ("hours=0", "hours"),
            ("hours=721", "hours"),
            ("limit=101", "limit"),
            ("limit=x", "limit"),
            ("bogus=1", "bogus"),
        ] {
            let r = http.send(
                reqwest::Client::new()
                    .get(format!("{url}?{q}"))
                    .bearer_auth(&token),
            );
            assert_eq!(r.status, 400, "{q}: {:?}", r.body);
            assert_eq!(r.body["field"], field, "{q}: {:?}", r.body);
        }
        let long = "e".repeat(201);
        let r = http.send(
            reqwest::Client::new()
                .get(format!("{url}?environment={long}"))
                .bearer_auth(&token),
        );
        assert_eq!(
            (r.status, r.body["field"].as_str()),
            (400, Some("environment")),
            "{:?}",
            r.body
        );
        let r = http.send(
            reqwest::Client::new()
                .get(format!("{}/v1/analytics/spikes?fingerprint=abc", s.url))
                .bearer_auth(&token),
        );
        assert_eq!(
            (r.status, r.body["field"].as_str()),
            (400, Some("fingerprint")),
            "only correlations take one"
        );
        let r = http.get(&format!("{}/v1/analytics/spikes", s.url));
        assert_eq!(r.status, 401);
    }

    #[cfg(feature = "analytics")]
    fn analytics_works_offline_with_an_empty_home() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir(&home).unwrap();
        let db = dir.path().join("bloop.db");
        let p = ServeProcess::start(
            &db,
            &[
                ("HOME", home.to_str().unwrap()),
                // Anything that tried the network would go nowhere.
                ("http_proxy", "http://127.0.0.1:9"),
                ("https_proxy", "http://127.0.0.1:9"),
                ("HTTP_PROXY", "http://127.0.0.1:9"),
                ("HTTPS_PROXY", "http://127.0.0.1:9"),
            ],
        );
        let http = Http::new();
        let url = p.url.clone();
        let r = http.post_signed(&format!("{url}/v1/ingest"), &event("offline"));
        assert_eq!(r.status, 200, "{:?}", r.body);
        wait_count(
            &db,
            "SELECT count(*) FROM events",
            1,
            Duration::from_secs(10),
        );
        let token = api_token(&db, &[Scope::ErrorsRead]);
        for which in [
            "spikes",
            "movers",
            "correlations",
            "releases",
            "environments",
        ] {
            let v = get(
                &http,
                &format!("{url}/v1/analytics/{which}?hours=720"),
                &token,
            );
            assert!(v.is_object(), "{which}: {v}");
        }
        let en = get(
            &http,
            &format!("{url}/v1/analytics/environments?hours=720"),
            &token,
        );
        assert_eq!(en["total"], 1, "{en}");
        let left: Vec<_> = std::fs::read_dir(&home).unwrap().collect();
        assert!(
            left.is_empty(),
            "nothing written under HOME (no extension cache): {left:?}"
        );
    }
}

#[cfg(not(feature = "analytics"))]
#[test]
fn without_the_feature_the_cli_says_how_to_get_it() {
    let s = TestServer::start();
    let (_dir, db) = s.stop();
    let o = bloop_cli(&db, &["analytics", "spikes"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--features analytics"), "{err}");
}
