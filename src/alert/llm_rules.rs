//! LLM alert rules (`llm_cost_spike`, `llm_cost_threshold`, `llm_error_rate`, `llm_latency`,
//! `llm_budget`): judged on a clock by the evaluator, from the stored spans of each rule's window
//! (exact: the raw spans by their start, through the `(project, started_at)` index) and, for
//! the spike's baseline and the budget, from the hourly usage rollup. What fires goes through
//! the same cooldowns, digests, channels and delivery log as the error rules.
//!
//! The reads are a [`Source`]: the SQLite file, or PostgreSQL ([`PgSource`]), where every node
//! judges the rules over the spans all nodes stored and the shared cooldowns let one of them
//! send each alert.

use rusqlite::{params, Connection};

use super::deliver::Alert;
use super::{LatencyMetric, Rule, RuleConfig};
use crate::store::llm_query::LlmParams;
use crate::store::llm_usage::{self, month_of, Budget};
use crate::store::pg::Pg;
use crate::store::StoreError;

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

/// What the rules read of the LLM tables.
pub trait Source {
    /// Calls, failed calls and spend of a project's window (of one model, when given).
    fn window_sums(
        &self,
        project: &str,
        since: i64,
        until: i64,
        model: Option<&str>,
    ) -> Result<(i64, i64, i64), StoreError>;

    /// The projects with LLM usage in the hours from `hour` on, by slug.
    fn active_projects(&self, hour: i64) -> Result<Vec<String>, StoreError>;

    /// A project's `metric` values in its window (of one model, when given), by model: the
    /// models sorted, each one's values ascending.
    fn latencies(
        &self,
        project: &str,
        metric: LatencyMetric,
        since: i64,
        until: i64,
        model: Option<&str>,
    ) -> Result<Vec<(String, Vec<i64>)>, StoreError>;

    /// A project's spend per hour in `[start, end)`, as (hour, µ$).
    fn hourly_cost(
        &self,
        project: &str,
        start: i64,
        end: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError>;

    /// The budgets at `now` of the projects that have one (only `project`'s, when given), by
    /// slug.
    fn budgets(&self, project: Option<&str>, now: i64) -> Result<Vec<Budget>, StoreError>;
}

fn column(metric: LatencyMetric) -> &'static str {
    match metric {
        LatencyMetric::Latency => "latency_ms",
        LatencyMetric::Ttft => "ttft_ms",
    }
}

/// (model, value) rows sorted by model as one list of values per model.
fn by_model(rows: impl IntoIterator<Item = (String, i64)>) -> Vec<(String, Vec<i64>)> {
    let mut groups: Vec<(String, Vec<i64>)> = Vec::new();
    for (m, v) in rows {
        match groups.last_mut() {
            Some((last, vals)) if *last == m => vals.push(v),
            _ => groups.push((m, vec![v])),
        }
    }
    groups
}

impl Source for Connection {
    fn window_sums(
        &self,
        project: &str,
        since: i64,
        until: i64,
        model: Option<&str>,
    ) -> Result<(i64, i64, i64), StoreError> {
        Ok(self
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

    fn active_projects(&self, hour: i64) -> Result<Vec<String>, StoreError> {
        let mut st = self.prepare_cached(
            "SELECT DISTINCT project_id FROM llm_usage_hourly WHERE hour >= ?1 ORDER BY project_id",
        )?;
        let rows = st.query_map([hour], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn latencies(
        &self,
        project: &str,
        metric: LatencyMetric,
        since: i64,
        until: i64,
        model: Option<&str>,
    ) -> Result<Vec<(String, Vec<i64>)>, StoreError> {
        let column = column(metric);
        let mut st = self.prepare_cached(&format!(
            "SELECT model, {column} FROM llm_spans
             WHERE project_id = ?1 AND started_at >= ?2 AND started_at < ?3
               AND model IS NOT NULL AND {column} IS NOT NULL
               AND (?4 IS NULL OR model = ?4)
             ORDER BY model, {column}"
        ))?;
        let rows = st.query_map(params![project, since, until, model], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(by_model(rows.collect::<Result<Vec<_>, _>>()?))
    }

    fn hourly_cost(
        &self,
        project: &str,
        start: i64,
        end: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut st = self.prepare_cached(
            "SELECT hour, SUM(cost_micros) FROM llm_usage_hourly
             WHERE project_id = ?1 AND hour >= ?2 AND hour < ?3 GROUP BY hour",
        )?;
        let rows = st.query_map(params![project, start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn budgets(&self, project: Option<&str>, now: i64) -> Result<Vec<Budget>, StoreError> {
        let mut st = self.prepare_cached(
            "SELECT project_id FROM llm_settings
             WHERE budget_micros IS NOT NULL AND (?1 IS NULL OR project_id = ?1)
             ORDER BY project_id",
        )?;
        let ps: Vec<String> = st
            .query_map([project], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for p in ps {
            let params = LlmParams::new([], Some(vec![p]), now);
            out.extend(llm_usage::budgets(self, &params)?);
        }
        Ok(out)
    }
}

/// The reads on PostgreSQL: one pooled connection, each query run to its end on the server's
/// runtime (the evaluator is a thread of its own).
pub struct PgSource<'a> {
    c: deadpool_postgres::Object,
    rt: &'a tokio::runtime::Handle,
}

impl<'a> PgSource<'a> {
    pub fn connect(pg: &Pg, rt: &'a tokio::runtime::Handle) -> Result<Self, StoreError> {
        Ok(Self {
            c: rt.block_on(pg.client())?,
            rt,
        })
    }

    fn query(
        &self,
        sql: &str,
        args: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        self.rt.block_on(async {
            let st = self.c.prepare_cached(sql).await?;
            Ok(self.c.query(&st, args).await?)
        })
    }
}

impl Source for PgSource<'_> {
    fn window_sums(
        &self,
        project: &str,
        since: i64,
        until: i64,
        model: Option<&str>,
    ) -> Result<(i64, i64, i64), StoreError> {
        let rows = self.query(
            "SELECT count(*), count(*) FILTER (WHERE status = 'error'),
                    COALESCE(sum(cost_micros), 0)::bigint
             FROM llm_spans
             WHERE project_id = $1 AND started_at >= $2 AND started_at < $3
               AND model IS NOT NULL AND ($4::text IS NULL OR model = $4)",
            &[&project, &since, &until, &model],
        )?;
        let r = rows.first().ok_or_else(|| no_row("window sums"))?;
        Ok((r.get(0), r.get(1), r.get(2)))
    }

    fn active_projects(&self, hour: i64) -> Result<Vec<String>, StoreError> {
        // Byte order of the slugs, as SQLite sorts them.
        let rows = self.query(
            "SELECT project_id FROM llm_usage_hourly WHERE hour >= $1
             GROUP BY project_id ORDER BY project_id COLLATE \"C\"",
            &[&hour],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn latencies(
        &self,
        project: &str,
        metric: LatencyMetric,
        since: i64,
        until: i64,
        model: Option<&str>,
    ) -> Result<Vec<(String, Vec<i64>)>, StoreError> {
        let column = column(metric);
        let rows = self.query(
            &format!(
                "SELECT model, {column} FROM llm_spans
                 WHERE project_id = $1 AND started_at >= $2 AND started_at < $3
                   AND model IS NOT NULL AND {column} IS NOT NULL
                   AND ($4::text IS NULL OR model = $4)
                 ORDER BY model COLLATE \"C\", {column}"
            ),
            &[&project, &since, &until, &model],
        )?;
        Ok(by_model(rows.iter().map(|r| (r.get(0), r.get(1)))))
    }

    fn hourly_cost(
        &self,
        project: &str,
        start: i64,
        end: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = self.query(
            "SELECT hour, sum(cost_micros)::bigint FROM llm_usage_hourly
             WHERE project_id = $1 AND hour >= $2 AND hour < $3 GROUP BY hour",
            &[&project, &start, &end],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn budgets(&self, project: Option<&str>, now: i64) -> Result<Vec<Budget>, StoreError> {
        let (_, start, end) = month_of(now);
        let rows = self.query(
            "SELECT s.project_id, s.budget_micros, s.enforce_budget,
                    (SELECT COALESCE(sum(u.cost_micros), 0)::bigint FROM llm_usage_hourly u
                     WHERE u.project_id = s.project_id AND u.hour >= $2 AND u.hour < $3)
             FROM llm_settings s
             WHERE s.budget_micros IS NOT NULL AND ($1::text IS NULL OR s.project_id = $1)
             ORDER BY s.project_id COLLATE \"C\"",
            &[&project, &start, &end],
        )?;
        Ok(rows
            .iter()
            .map(|r| llm_usage::budget_figures(r.get(0), r.get(1), r.get(2), r.get(3), now))
            .collect())
    }
}

fn no_row(what: &str) -> StoreError {
    StoreError::Postgres {
        code: None,
        message: format!("{what}: the query answered no row"),
    }
}

/// `p`-th percentile, nearest rank, of sorted values.
fn percentile(sorted: &[i64], p: f64) -> i64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn usd(micros: i64) -> String {
    format!("${:.2}", micros as f64 / 1e6)
}

/// The projects a rule looks at: its own, or every project with LLM usage since `since`.
fn projects(src: &impl Source, rule: &Rule, since: i64) -> Result<Vec<String>, StoreError> {
    match &rule.project_id {
        Some(p) => Ok(vec![p.clone()]),
        None => src.active_projects(since - since.rem_euclid(HOUR_MS)),
    }
}

/// What each of `rules` (LLM rules) finds at `now`, in their order.
pub fn judge_all(
    src: &impl Source,
    rules: &[Rule],
    now: i64,
    zscore: f64,
    public_url: &str,
) -> Result<Vec<Vec<Candidate>>, StoreError> {
    rules
        .iter()
        .map(|rule| judge(src, rule, now, zscore, public_url))
        .collect()
}

/// What `rule` (an LLM rule) finds at `now`.
pub fn judge(
    src: &impl Source,
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
            for p in projects(src, rule, since)? {
                let (calls, _, spent) = src.window_sums(&p, since, now, model.as_deref())?;
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
            for p in projects(src, rule, since)? {
                let (calls, errors, _) = src.window_sums(&p, since, now, model.as_deref())?;
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
            let what = match metric {
                LatencyMetric::Latency => "latency",
                LatencyMetric::Ttft => "time to first token",
            };
            for p in projects(src, rule, since)? {
                let groups = src.latencies(&p, *metric, since, now, model.as_deref())?;
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
            for p in projects(src, rule, since)? {
                let (calls, _, spent) = src.window_sums(&p, since, now, None)?;
                if calls < SPIKE_MIN_CALLS || spent <= 0 {
                    continue;
                }
                let mut hours = vec![0f64; *baseline_hours as usize];
                for (h, c) in src.hourly_cost(&p, start, hour)? {
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
            for b in src.budgets(rule.project_id.as_deref(), now)? {
                let p = b.project.clone();
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
