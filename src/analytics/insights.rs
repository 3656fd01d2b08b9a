//! The five insights, computed from the rollup ([`super::engine`]) and the issue rows of the main
//! database: what is spiking, what moved, what moves together, what each release brought, and
//! how noisy each environment is. Every series is zero-filled (an hour without events is a 0 in
//! it), and counts come from the rollup's sums, never from a join that could repeat them.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::engine::{self, Engine, Filter};
use super::stats::{self, round2};

pub const HOUR_MS: i64 = 3_600_000;

/// The hour (since the epoch) an event counts in, as the writer counts it: its own time unless
/// that was not believed (`time_clamped`), never after its arrival.
pub const HOUR_OF_EVENT: &str =
    "(CASE WHEN e.time_clamped IS NULL THEN min(e.timestamp, e.received_at)
      ELSE e.received_at END) / 3600000";

/// Correlations: the least Pearson coefficient for a pair.
pub const MIN_R: f64 = 0.7;
/// Correlations: an issue needs events in at least this many hours of the window to be paired
/// (two issues that each fired once in the same hour "correlate" perfectly and mean nothing).
pub const MIN_ACTIVE_HOURS: i64 = 3;
/// Correlations: the busiest issues compared pairwise (the work grows with the square).
pub const MAX_CANDIDATES: usize = 300;
/// Spikes: the latest hours judged (the current hour so far and the one before, so a spike in
/// the last hour does not vanish at the turn of the hour).
pub const RECENT_HOURS: i64 = 2;

/// What an insight is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub filter: Filter,
    /// The window in hours (1..=720); for spikes, the baseline before the latest two hours.
    pub hours: i64,
    pub limit: usize,
    /// The server's time (ms).
    pub now_ms: i64,
    /// Correlations: only pairs with this issue (its fingerprint).
    pub fingerprint: Option<String>,
    /// Spikes: the least z-score (`analytics.zscore_threshold`).
    pub threshold: f64,
}

impl Ask {
    fn now_hour(&self) -> i64 {
        self.now_ms.div_euclid(HOUR_MS)
    }
}

/// An issue as the insights name it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct IssueRef {
    pub fingerprint: String,
    pub project: String,
    pub error_type: String,
    pub message: String,
    pub status: String,
    pub first_seen: i64,
    pub last_seen: i64,
    pub total_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Spike {
    pub issue: IssueRef,
    /// The hour judged (its start, ms): the current one or the one before.
    pub hour: i64,
    pub count: i64,
    /// The baseline's hourly mean and standard deviation (zero-filled).
    pub mean: f64,
    pub stddev: f64,
    /// (count − mean) / max(stddev, 1).
    pub zscore: f64,
    /// Hourly counts from `from` to `to`, zero-filled.
    pub series: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Spikes {
    /// The first hour of the series (ms); the baseline runs to the hour before `to` − 1 h.
    pub from: i64,
    /// The current hour (ms).
    pub to: i64,
    pub baseline_hours: i64,
    pub threshold: f64,
    pub spikes: Vec<Spike>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Mover {
    pub issue: IssueRef,
    /// Events in this window and in the one before.
    pub current: i64,
    pub previous: i64,
    pub delta: i64,
    /// delta / previous × 100; null when the previous window had none.
    pub delta_pct: Option<f64>,
    /// First seen inside this window.
    pub new: bool,
    /// This window's hourly counts, zero-filled.
    pub series: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Movers {
    pub from: i64,
    pub to: i64,
    pub previous_from: i64,
    pub movers: Vec<Mover>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Pair {
    pub a: IssueRef,
    pub b: IssueRef,
    /// Pearson's r of the two zero-filled hourly series.
    pub r: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Cluster {
    pub issues: Vec<IssueRef>,
    /// Events of the cluster's issues in the window.
    pub events: i64,
    /// The weakest and the mean r of the pairs that join it.
    pub min_r: f64,
    pub mean_r: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Correlations {
    pub from: i64,
    pub to: i64,
    pub min_r: f64,
    pub min_active_hours: i64,
    /// Issues compared (active enough, the busiest first, at most 300).
    pub candidates: usize,
    pub pairs: Vec<Pair>,
    pub clusters: Vec<Cluster>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ReleaseInsight {
    pub release: String,
    /// Events and distinct issues in the window.
    pub events: i64,
    pub issues: i64,
    /// Issues first seen in this release (each issue counted once, in its first release).
    pub new_issues: i64,
    /// Resolved issues that came back in this release.
    pub regressions: i64,
    /// The first and last hour (ms) with events in the window.
    pub first_hour: i64,
    pub last_hour: i64,
    /// Events per hour from its first to its last hour in the window.
    pub events_per_hour: f64,
    /// The release before it (semantic-version order, else first seen) and the change in
    /// events per hour against it (%; null without one).
    pub previous: Option<String>,
    pub change_pct: Option<f64>,
    /// Events per hour, in the window, of the issues this release brought: new in it or
    /// regressed in it. 0 = it brought nothing that is still firing.
    pub impact: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Releases {
    pub from: i64,
    pub to: i64,
    /// Newest version first.
    pub releases: Vec<ReleaseInsight>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct EnvironmentInsight {
    pub environment: String,
    pub events: i64,
    /// Of the window's events with an environment (%).
    pub share: f64,
    pub issues: i64,
    /// Percentiles of its hourly counts over the window, zero-filled.
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Environments {
    pub from: i64,
    pub to: i64,
    pub total: i64,
    /// Events counted before the analytics store kept environments (see the README).
    pub unattributed: i64,
    pub environments: Vec<EnvironmentInsight>,
}

/// What the insights read from the main database besides the rollup: the issue rows they name,
/// and what each release brought. On SQLite a connection; on PostgreSQL see `super::pg`.
pub trait Main {
    /// The issues `ids` (those that still exist).
    fn issue_refs(&self, ids: &[i64]) -> Result<HashMap<i64, IssueRef>, String>;

    /// Per issue of `projects` (None: all): the release it first appeared in (`new` true), and
    /// each release a regression of it was recorded in (`new` false).
    fn brought(&self, projects: Option<&[String]>) -> Result<Vec<Brought>, String>;
}

/// One row of [`Main::brought`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brought {
    pub release: String,
    pub issue: i64,
    pub new: bool,
}

impl Main for Connection {
    fn issue_refs(&self, ids: &[i64]) -> Result<HashMap<i64, IssueRef>, String> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let sql = format!(
                "SELECT id, fingerprint, project_id, error_type, message, status, first_seen,
                        last_seen, total_count
                 FROM issues WHERE id IN ({})",
                list.join(", ")
            );
            let mut st = self.prepare(&sql).map_err(|e| e.to_string())?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        IssueRef {
                            fingerprint: r.get(1)?,
                            project: r.get(2)?,
                            error_type: r.get(3)?,
                            message: r.get(4)?,
                            status: r.get(5)?,
                            first_seen: r.get(6)?,
                            last_seen: r.get(7)?,
                            total_count: r.get(8)?,
                        },
                    ))
                })
                .map_err(|e| e.to_string())?;
            for row in rows {
                let (id, issue) = row.map_err(|e| e.to_string())?;
                out.insert(id, issue);
            }
        }
        Ok(out)
    }

    fn brought(&self, projects: Option<&[String]>) -> Result<Vec<Brought>, String> {
        let (scope, params) = project_clause(projects, "i.project_id");
        let sql = format!(
            "SELECT release, issue_id, 1 FROM (
                 SELECT r.release, r.issue_id,
                        row_number() OVER (PARTITION BY r.issue_id ORDER BY r.first_seen, r.release) AS k
                 FROM issue_releases r JOIN issues i ON i.id = r.issue_id WHERE {scope})
             WHERE k = 1
             UNION ALL
             SELECT DISTINCT h.release, h.issue_id, 0
             FROM status_history h JOIN issues i ON i.id = h.issue_id
             WHERE {scope} AND h.reason = 'regression' AND h.release IS NOT NULL"
        );
        let mut all_params = params.clone();
        all_params.extend(params);
        let mut st = self.prepare(&sql).map_err(|e| e.to_string())?;
        let rows = st
            .query_map(rusqlite::params_from_iter(all_params.iter()), |r| {
                Ok(Brought {
                    release: r.get(0)?,
                    issue: r.get(1)?,
                    new: r.get::<_, i64>(2)? == 1,
                })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }
}

fn issue_refs(db: &dyn Main, ids: &[i64]) -> Result<HashMap<i64, IssueRef>, String> {
    db.issue_refs(ids)
}

/// Zero-filled hourly series of `ids` over `lo..=hi`.
fn series(
    e: &dyn Engine,
    f: &Filter,
    lo: i64,
    hi: i64,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, String> {
    let len = (hi - lo + 1).max(0) as usize;
    let mut out: HashMap<i64, Vec<i64>> = ids.iter().map(|&id| (id, vec![0; len])).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    for (issue, hour, n) in engine::issue_hours(e, f, lo, hi, Some(ids))? {
        if let Some(s) = out.get_mut(&issue) {
            if let Some(slot) = s.get_mut((hour - lo) as usize) {
                *slot += n;
            }
        }
    }
    Ok(out)
}

/// Issues spiking now: for each issue with events in the latest two hours, the z-score of each
/// of those hours against the `hours` hours before them; the larger kept; those at or above the
/// threshold, highest first.
pub fn spikes(e: &dyn Engine, db: &dyn Main, ask: &Ask) -> Result<Spikes, String> {
    let hi = ask.now_hour();
    let lo = hi - RECENT_HOURS - ask.hours + 1;
    let n = ask.hours as f64;
    let mut found: Vec<(i64, i64, i64, f64, f64, f64)> = Vec::new();
    for s in engine::spike_inputs(e, &ask.filter, lo, hi)? {
        let (mean, sd) = stats::mean_sd(s.sum as f64, s.sum_sq as f64, n);
        let z_now = stats::zscore(s.now as f64, mean, sd);
        let z_before = stats::zscore(s.before as f64, mean, sd);
        let (hour, count, z) = if z_now >= z_before {
            (hi, s.now, z_now)
        } else {
            (hi - 1, s.before, z_before)
        };
        if z >= ask.threshold {
            found.push((s.issue, hour, count, mean, sd, z));
        }
    }
    found.sort_by(|a, b| b.5.total_cmp(&a.5).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    found.truncate(ask.limit);
    let ids: Vec<i64> = found.iter().map(|f| f.0).collect();
    let refs = issue_refs(db, &ids)?;
    let mut all = series(e, &ask.filter, lo, hi, &ids)?;
    let spikes = found
        .into_iter()
        .filter_map(|(id, hour, count, mean, sd, z)| {
            Some(Spike {
                issue: refs.get(&id)?.clone(),
                hour: hour * HOUR_MS,
                count,
                mean: round2(mean),
                stddev: round2(sd),
                zscore: round2(z),
                series: all.remove(&id).unwrap_or_default(),
            })
        })
        .collect();
    Ok(Spikes {
        from: lo * HOUR_MS,
        to: hi * HOUR_MS,
        baseline_hours: ask.hours,
        threshold: ask.threshold,
        spikes,
    })
}

/// This window against the one before it, per issue, the largest changes (up or down) first.
pub fn movers(e: &dyn Engine, db: &dyn Main, ask: &Ask) -> Result<Movers, String> {
    let hi = ask.now_hour();
    let cur_lo = hi - ask.hours + 1;
    let prev_lo = cur_lo - ask.hours;
    let mut rows = engine::window_sums(e, &ask.filter, prev_lo, cur_lo, hi)?;
    rows.retain(|(_, cur, prev)| cur != prev);
    rows.sort_by(|a, b| {
        let (da, db_) = ((a.1 - a.2).abs(), (b.1 - b.2).abs());
        db_.cmp(&da).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
    });
    rows.truncate(ask.limit);
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let refs = issue_refs(db, &ids)?;
    let mut all = series(e, &ask.filter, cur_lo, hi, &ids)?;
    let movers = rows
        .into_iter()
        .filter_map(|(id, cur, prev)| {
            let issue = refs.get(&id)?.clone();
            let new = issue.first_seen >= cur_lo * HOUR_MS;
            Some(Mover {
                delta: cur - prev,
                delta_pct: (prev > 0).then(|| round2((cur - prev) as f64 * 100.0 / prev as f64)),
                new,
                current: cur,
                previous: prev,
                series: all.remove(&id).unwrap_or_default(),
                issue,
            })
        })
        .collect();
    Ok(Movers {
        from: cur_lo * HOUR_MS,
        to: hi * HOUR_MS,
        previous_from: prev_lo * HOUR_MS,
        movers,
    })
}

/// Issues whose zero-filled hourly series correlate (r ≥ 0.7), as pairs (strongest first) and
/// as clusters (issues joined through such pairs, largest first).
pub fn correlations(e: &dyn Engine, db: &dyn Main, ask: &Ask) -> Result<Correlations, String> {
    let hi = ask.now_hour();
    let lo = hi - ask.hours + 1;
    let cands = engine::active_issues(e, &ask.filter, lo, hi, MIN_ACTIVE_HOURS, MAX_CANDIDATES)?;
    let ids: Vec<i64> = cands.iter().map(|c| c.0).collect();
    let events: HashMap<i64, i64> = cands.iter().map(|c| (c.0, c.2)).collect();
    let all = series(e, &ask.filter, lo, hi, &ids)?;
    let units: Vec<Option<stats::Unit>> = ids
        .iter()
        .map(|id| stats::Unit::new(&all[id].iter().map(|&n| n as f64).collect::<Vec<_>>()))
        .collect();
    // Only pairs with one issue, when asked for one.
    let focus: Option<usize> = match &ask.fingerprint {
        Some(fp) => {
            let refs = issue_refs(db, &ids)?;
            match ids
                .iter()
                .position(|id| refs.get(id).is_some_and(|r| &r.fingerprint == fp))
            {
                Some(i) => Some(i),
                None => {
                    return Ok(Correlations {
                        from: lo * HOUR_MS,
                        to: hi * HOUR_MS,
                        min_r: MIN_R,
                        min_active_hours: MIN_ACTIVE_HOURS,
                        candidates: ids.len(),
                        pairs: Vec::new(),
                        clusters: Vec::new(),
                    })
                }
            }
        }
        None => None,
    };
    let mut edges: Vec<(usize, usize, f64)> = Vec::new();
    for i in 0..units.len() {
        for j in i + 1..units.len() {
            if focus.is_some_and(|f| f != i && f != j) {
                continue;
            }
            if let (Some(a), Some(b)) = (&units[i], &units[j]) {
                let r = a.r(b);
                if r >= MIN_R {
                    edges.push((i, j, r));
                }
            }
        }
    }
    let plain: Vec<(usize, usize)> = edges.iter().map(|&(a, b, _)| (a, b)).collect();
    let mut groups = stats::clusters(ids.len(), &plain);
    let group_events = |g: &Vec<usize>| g.iter().map(|&i| events[&ids[i]]).sum::<i64>();
    groups.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then(group_events(b).cmp(&group_events(a)))
    });
    groups.truncate(ask.limit);
    edges.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let shown_edges: Vec<&(usize, usize, f64)> = edges.iter().take(ask.limit).collect();

    let mut wanted: Vec<i64> = shown_edges
        .iter()
        .flat_map(|e| [ids[e.0], ids[e.1]])
        .collect();
    wanted.extend(groups.iter().flatten().map(|&i| ids[i]));
    wanted.sort_unstable();
    wanted.dedup();
    let refs = issue_refs(db, &wanted)?;
    let pairs = shown_edges
        .iter()
        .filter_map(|&&(a, b, r)| {
            Some(Pair {
                a: refs.get(&ids[a])?.clone(),
                b: refs.get(&ids[b])?.clone(),
                r: round2(r),
            })
        })
        .collect();
    let clusters = groups
        .iter()
        .map(|g| {
            let rs: Vec<f64> = edges
                .iter()
                .filter(|(a, b, _)| g.contains(a) && g.contains(b))
                .map(|e| e.2)
                .collect();
            let min_r = rs.iter().copied().fold(f64::INFINITY, f64::min);
            let mean_r = rs.iter().sum::<f64>() / rs.len().max(1) as f64;
            Cluster {
                issues: g
                    .iter()
                    .filter_map(|&i| refs.get(&ids[i]).cloned())
                    .collect(),
                events: group_events(g),
                min_r: round2(if min_r.is_finite() { min_r } else { 0.0 }),
                mean_r: round2(mean_r),
            }
        })
        .collect();
    Ok(Correlations {
        from: lo * HOUR_MS,
        to: hi * HOUR_MS,
        min_r: MIN_R,
        min_active_hours: MIN_ACTIVE_HOURS,
        candidates: ids.len(),
        pairs,
        clusters,
    })
}

fn project_clause(projects: Option<&[String]>, column: &str) -> (String, Vec<String>) {
    match projects {
        None => ("1".into(), Vec::new()),
        Some([]) => ("0".into(), Vec::new()),
        Some(ps) => (
            format!("{column} IN ({})", vec!["?"; ps.len()].join(", ")),
            ps.to_vec(),
        ),
    }
}

/// Per release with events in the window, newest version first: events, issues, what it
/// brought (new issues, regressions), its rate against the release before, and its impact.
pub fn releases(e: &dyn Engine, db: &dyn Main, ask: &Ask) -> Result<Releases, String> {
    let hi = ask.now_hour();
    let lo = hi - ask.hours + 1;
    let rows = engine::release_issues(e, &ask.filter, lo, hi)?;
    struct Acc {
        events: i64,
        issues: i64,
        first: i64,
        last: i64,
        issue_events: HashMap<i64, i64>,
    }
    let mut by: HashMap<std::sync::Arc<str>, Acc> = HashMap::new();
    for r in rows {
        let a = by.entry(r.release.clone()).or_insert(Acc {
            events: 0,
            issues: 0,
            first: r.first_hour,
            last: r.last_hour,
            issue_events: HashMap::new(),
        });
        a.events += r.events;
        a.issues += 1;
        a.first = a.first.min(r.first_hour);
        a.last = a.last.max(r.last_hour);
        a.issue_events.insert(r.issue, r.events);
    }
    // What each release brought, from the main database: the issues whose first release it is
    // (the release of their earliest (issue, release) row) and the regressions recorded in it.
    let mut brought: HashMap<String, (Vec<i64>, Vec<i64>)> = HashMap::new();
    for b in db.brought(ask.filter.projects.as_deref())? {
        if !by.contains_key(b.release.as_str()) {
            continue;
        }
        let slot = brought.entry(b.release).or_default();
        if b.new {
            slot.0.push(b.issue);
        } else {
            slot.1.push(b.issue);
        }
    }
    let mut names: Vec<(std::sync::Arc<str>, i64)> =
        by.iter().map(|(k, a)| (k.clone(), a.first)).collect();
    names
        .sort_by(|a, b| crate::release::newest_first((&a.0, a.1), (&b.0, b.1)).then(a.0.cmp(&b.0)));
    let rate = |a: &Acc| a.events as f64 / (a.last - a.first + 1).max(1) as f64;
    let mut out = Vec::with_capacity(names.len());
    for (i, (name, _)) in names.iter().enumerate() {
        let a = &by[name];
        let previous = names.get(i + 1).map(|p| p.0.to_string());
        let per_hour = rate(a);
        let change_pct = previous.as_ref().and_then(|p| {
            let pr = rate(&by[p.as_str()]);
            (pr > 0.0).then(|| round2((per_hour - pr) * 100.0 / pr))
        });
        let (new, regressed) = brought.remove(&**name).unwrap_or_default();
        let mut brought_ids: Vec<i64> = new.iter().chain(&regressed).copied().collect();
        brought_ids.sort_unstable();
        brought_ids.dedup();
        let brought_events: i64 = brought_ids
            .iter()
            .filter_map(|id| a.issue_events.get(id))
            .sum();
        out.push(ReleaseInsight {
            release: name.to_string(),
            events: a.events,
            issues: a.issues,
            new_issues: new.len() as i64,
            regressions: regressed.len() as i64,
            first_hour: a.first * HOUR_MS,
            last_hour: a.last * HOUR_MS,
            events_per_hour: round2(per_hour),
            previous,
            change_pct,
            impact: round2(brought_events as f64 / (a.last - a.first + 1).max(1) as f64),
        });
    }
    out.truncate(ask.limit);
    Ok(Releases {
        from: lo * HOUR_MS,
        to: hi * HOUR_MS,
        releases: out,
    })
}

/// Per environment: events, share, distinct issues and percentiles of its zero-filled hourly
/// counts, the busiest first.
pub fn environments(e: &dyn Engine, ask: &Ask) -> Result<Environments, String> {
    let hi = ask.now_hour();
    let lo = hi - ask.hours + 1;
    let len = (hi - lo + 1) as usize;
    let mut hours: HashMap<String, (String, Vec<f64>)> = HashMap::new();
    for (name, hour, n) in engine::environment_hours(e, &ask.filter, lo, hi)? {
        let slot = hours
            .entry(name.to_lowercase())
            .or_insert_with(|| (name.clone(), vec![0.0; len]));
        if let Some(v) = slot.1.get_mut((hour - lo) as usize) {
            *v += n as f64;
        }
    }
    let issues: HashMap<String, i64> = engine::environment_issues(e, &ask.filter, lo, hi)?
        .into_iter()
        .collect();
    let unattributed = if ask.filter.environment.is_some() {
        0
    } else {
        engine::unattributed(e, &ask.filter, lo, hi)?
    };
    let total: f64 = hours.values().map(|(_, v)| v.iter().sum::<f64>()).sum();
    let mut envs: Vec<EnvironmentInsight> = hours
        .into_iter()
        .map(|(key, (name, mut v))| {
            let events = v.iter().sum::<f64>();
            v.sort_by(f64::total_cmp);
            EnvironmentInsight {
                environment: name,
                events: events as i64,
                share: if total > 0.0 {
                    round2(events * 100.0 / total)
                } else {
                    0.0
                },
                issues: issues.get(&key).copied().unwrap_or(0),
                p50: round2(stats::percentile(&v, 50.0)),
                p90: round2(stats::percentile(&v, 90.0)),
                p99: round2(stats::percentile(&v, 99.0)),
            }
        })
        .collect();
    envs.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then(a.environment.cmp(&b.environment))
    });
    envs.truncate(ask.limit);
    Ok(Environments {
        from: lo * HOUR_MS,
        to: hi * HOUR_MS,
        total: total as i64,
        unattributed,
        environments: envs,
    })
}
