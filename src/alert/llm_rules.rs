//! LLM alert rules (`llm_cost_spike`, `llm_cost_threshold`, `llm_error_rate`, `llm_latency`,
//! `llm_budget`): judged on a clock by the evaluator, from the stored spans of each rule's window
//! (exact: the raw spans by their start, through the `(project, started_at)` index) and, for
//! the spike's baseline and the budget, from the hourly usage rollup. What fires goes through
//! the same cooldowns, digests, channels and delivery log as the error rules.

use rusqlite::{params, Connection};

use super::deliver::Alert;
use super::{LatencyMetric, Rule, RuleConfig};
use crate::store::llm_query::LlmParams;
use crate::store::{self, StoreError};

const HOUR_MS: i64 = 3_600_000;
/// A cost spike needs at least this many calls in its window.
const SPIKE_MIN_CALLS: i64 = 10;
/// Budget alerts fire once per month and threshold: the key names the month, and the cooldown
/// outlasts it.
const ONCE: i64 = i64::MAX / 4;

/// One alert the rule wants to send, before its cooldown is checked.
pub struct Candidate {
    pub key: String,
    pub cooldown_ms: Option<i64>,
    pub alert: Alert,
}

/// Calls, failed calls and spend of a project's window (of one model, when given).
fn window_sums(
    conn: &Connection,
    project: &str,
    since: i64,
    until: i64,
    model: Option<&str>,
) -> Result<(i64, i64, i64), StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), COALESCE(SUM(status = 'error'), 0), COALESCE(SUM(cost_micros), 0)
             FROM llm_spans
             WHERE project_id = ?1 AND started_at >= ?2 AND started_at < ?3
               AND model IS NOT NULL AND (?4 IS NULL OR model = ?4)",
        )?
        .query_row(params![project, since, until, model], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?)
}

/// The projects a rule looks at: its own, or every project with LLM usage since `since`.
fn projects(conn: &Connection, rule: &Rule, since: i64) -> Result<Vec<String>, StoreError> {
    if let Some(p) = &rule.project_id {
        return Ok(vec![p.clone()]);
    }
    let mut st = conn.prepare_cached(
        "SELECT DISTINCT project_id FROM llm_usage_hourly WHERE hour >= ?1 ORDER BY project_id",
    )?;
    let rows = st.query_map([since - since.rem_euclid(HOUR_MS)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `p`-th percentile, nearest rank, of sorted values.
fn percentile(sorted: &[i64], p: f64) -> i64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn usd(micros: i64) -> String {
    format!("${:.2}", micros as f64 / 1e6)
}

/// What `rule` (an LLM rule) finds at `now`.
pub fn judge(
    conn: &Connection,
    rule: &Rule,
    now: i64,
    zscore: f64,
    public_url: &str,
) -> Result<Vec<Candidate>, StoreError> {
    let mut out = Vec::new();
    let alert =
        |project: &str, kind: &str, model: Option<&str>, count: i64, reason: String| Alert {
            rule_id: rule.id,
            rule_name: rule.name.clone(),
            kind: kind.into(),
            project_id: project.to_string(),
            fingerprint: None,
            error_type: None,
            message: None,
            source: Some("llm".into()),
            environment: None,
            release: None,
            route: model.map(str::to_string),
            count: count.max(0) as u64,
            reason,
            link: format!("{public_url}/llm?project={project}"),
            fired_at: now,
        };
    match &rule.config {
        RuleConfig::LlmCostThreshold {
            amount_usd,
            window_secs,
            model,
        } => {
            let since = now - *window_secs as i64 * 1000;
            let amount = (amount_usd * 1e6).round() as i64;
            for p in projects(conn, rule, since)? {
                let (calls, _, spent) = window_sums(conn, &p, since, now, model.as_deref())?;
                if spent >= amount {
                    out.push(Candidate {
                        key: format!("llm_cost:{p}"),
                        cooldown_ms: None,
                        alert: alert(
                            &p,
                            "llm_cost_threshold",
                            model.as_deref(),
                            calls,
                            format!(
                                "{} spent on {calls} LLM calls in {window_secs} s (threshold {})",
                                usd(spent),
                                usd(amount)
                            ),
                        ),
                    });
                }
            }
        }
        RuleConfig::LlmErrorRate {
            percent,
            window_secs,
            min_calls,
            model,
        } => {
            let since = now - *window_secs as i64 * 1000;
            for p in projects(conn, rule, since)? {
                let (calls, errors, _) = window_sums(conn, &p, since, now, model.as_deref())?;
                if calls < *min_calls as i64 || calls == 0 {
                    continue;
                }
                let rate = errors as f64 * 100.0 / calls as f64;
                if rate >= *percent {
                    out.push(Candidate {
                        key: format!("llm_errors:{p}"),
                        cooldown_ms: None,
                        alert: alert(
                            &p,
                            "llm_error_rate",
                            model.as_deref(),
                            calls,
                            format!(
                                "{errors} of {calls} LLM calls failed in {window_secs} s ({rate:.1}%, threshold {percent}%)"
                            ),
                        ),
                    });
                }
            }
        }
        RuleConfig::LlmLatency {
            threshold_ms,
            percentile: pct,
            metric,
            window_secs,
            min_calls,
            model,
        } => {
            let since = now - *window_secs as i64 * 1000;
            let column = match metric {
                LatencyMetric::Latency => "latency_ms",
                LatencyMetric::Ttft => "ttft_ms",
            };
            let what = match metric {
                LatencyMetric::Latency => "latency",
                LatencyMetric::Ttft => "time to first token",
            };
            for p in projects(conn, rule, since)? {
                let mut st = conn.prepare_cached(&format!(
                    "SELECT model, {column} FROM llm_spans
                     WHERE project_id = ?1 AND started_at >= ?2 AND started_at < ?3
                       AND model IS NOT NULL AND {column} IS NOT NULL
                       AND (?4 IS NULL OR model = ?4)
                     ORDER BY model, {column}"
                ))?;
                let mut rows = st.query(params![p, since, now, model])?;
                let mut groups: Vec<(String, Vec<i64>)> = Vec::new();
                while let Some(r) = rows.next()? {
                    let (m, v): (String, i64) = (r.get(0)?, r.get(1)?);
                    match groups.last_mut() {
                        Some((last, vals)) if *last == m => vals.push(v),
                        _ => groups.push((m, vec![v])),
                    }
                }
                for (m, vals) in groups {
                    if (vals.len() as u64) < *min_calls {
                        continue;
                    }
                    let value = percentile(&vals, pct.fraction());
                    if value >= *threshold_ms as i64 {
                        out.push(Candidate {
                            key: format!("llm_latency:{p}:{m}"),
                            cooldown_ms: None,
                            alert: alert(
                                &p,
                                "llm_latency",
                                Some(&m),
                                vals.len() as i64,
                                format!(
                                    "{} {what} of {m} was {value} ms over {} calls in {window_secs} s (threshold {threshold_ms} ms)",
                                    pct.name(),
                                    vals.len()
                                ),
                            ),
                        });
                    }
                }
            }
        }
        RuleConfig::LlmCostSpike {
            multiplier,
            window_secs,
            baseline_hours,
        } => {
            let since = now - *window_secs as i64 * 1000;
            let hour = now - now.rem_euclid(HOUR_MS);
            let start = hour - *baseline_hours as i64 * HOUR_MS;
            for p in projects(conn, rule, since)? {
                let (calls, _, spent) = window_sums(conn, &p, since, now, None)?;
                if calls < SPIKE_MIN_CALLS || spent <= 0 {
                    continue;
                }
                let mut hours = vec![0f64; *baseline_hours as usize];
                let mut st = conn.prepare_cached(
                    "SELECT hour, SUM(cost_micros) FROM llm_usage_hourly
                     WHERE project_id = ?1 AND hour >= ?2 AND hour < ?3 GROUP BY hour",
                )?;
                let rows = st.query_map(params![p, start, hour], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })?;
                for row in rows {
                    let (h, c) = row?;
                    if let Some(slot) = hours.get_mut(((h - start) / HOUR_MS) as usize) {
                        *slot = c as f64;
                    }
                }
                let n = hours.len() as f64;
                let mean = hours.iter().sum::<f64>() / n;
                let sd = (hours.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n).sqrt();
                let rate = spent as f64 * 3600.0 / *window_secs as f64;
                let z = if sd > 0.0 {
                    (rate - mean) / sd
                } else if rate > mean {
                    f64::INFINITY
                } else {
                    0.0
                };
                if rate < multiplier * mean || z < zscore {
                    continue;
                }
                out.push(Candidate {
                    key: format!("llm_spike:{p}"),
                    cooldown_ms: None,
                    alert: alert(
                        &p,
                        "llm_cost_spike",
                        None,
                        calls,
                        format!(
                            "{} in {window_secs} s ({}/h) vs a baseline of {}/h (z = {})",
                            usd(spent),
                            usd(rate.round() as i64),
                            usd(mean.round() as i64),
                            if z.is_finite() {
                                format!("{z:.1}")
                            } else {
                                "∞".into()
                            }
                        ),
                    ),
                });
            }
        }
        RuleConfig::LlmBudget { percent, forecast } => {
            let mut st = conn.prepare_cached(
                "SELECT project_id FROM llm_settings
                 WHERE budget_micros IS NOT NULL AND (?1 IS NULL OR project_id = ?1)
                 ORDER BY project_id",
            )?;
            let ps: Vec<String> = st
                .query_map([&rule.project_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for p in ps {
                let params = LlmParams::new([], Some(vec![p.clone()]), now);
                let Some(b) = store::llm_usage::budgets(conn, &params)?.pop() else {
                    continue;
                };
                let Some(budget) = b.budget_micros.filter(|b| *b > 0) else {
                    continue;
                };
                let reached = b.spent_micros as f64 * 100.0 / budget as f64;
                if reached >= *percent {
                    out.push(Candidate {
                        key: format!("llm_budget:{p}:{}:{percent}", b.month),
                        cooldown_ms: Some(ONCE),
                        alert: alert(
                            &p,
                            "llm_budget",
                            None,
                            0,
                            format!(
                                "{} spent in {}: {reached:.0}% of the {} monthly budget (threshold {percent}%)",
                                usd(b.spent_micros),
                                b.month,
                                usd(budget)
                            ),
                        ),
                    });
                }
                if *forecast && b.forecast_micros > budget {
                    out.push(Candidate {
                        key: format!("llm_budget_forecast:{p}:{}", b.month),
                        cooldown_ms: Some(ONCE),
                        alert: alert(
                            &p,
                            "llm_budget_forecast",
                            None,
                            0,
                            format!(
                                "{} will end over its {} budget: {} forecast ({} spent so far)",
                                b.month,
                                usd(budget),
                                usd(b.forecast_micros),
                                usd(b.spent_micros)
                            ),
                        ),
                    });
                }
            }
        }
        _ => {}
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), 50);
        assert_eq!(percentile(&v, 0.95), 95);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[1, 2, 3], 0.5), 2);
    }
}
