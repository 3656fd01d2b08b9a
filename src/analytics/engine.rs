//! The queries the insights run over the hourly rollup, written once for both engines that can
//! hold it: DuckDB (what the server uses, behind `--features analytics`) and SQLite (the same SQL
//! on the same rows, for the side-by-side benchmark and to check one engine against the other).
//!
//! The rollup is one table, `hourly(project, issue, hour, environment, release, count)`: events
//! per issue per hour (hours since the epoch) per environment and release, appended as deltas
//! (a key may have several rows; every query sums them). Rows whose environment and release are
//! NULL carry counts the database had only per issue and hour (events retention removed before
//! the rollup existed): they count everywhere except in a per-environment or per-release view.
//!
//! Only aggregation runs in SQL; the statistics on top (z-scores, correlations, percentiles)
//! are computed in Rust ([`super::stats`]), so both engines give the same answer by definition.

use std::sync::Arc;

/// The columns a query returns, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
}

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Int(i64),
    Text(Option<String>),
}

impl Cell {
    pub fn int(&self) -> i64 {
        match self {
            Cell::Int(n) => *n,
            Cell::Text(_) => 0,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => s.as_deref(),
            Cell::Int(_) => None,
        }
    }
}

/// Something that runs the rollup's SQL: text parameters bound in order (`?`), integers
/// written into the statement (the queries make them, never a caller).
pub trait Engine {
    /// Runs `sql` and hands each row to `row` (one buffer, refilled per row: a large answer is
    /// never held whole).
    fn each(
        &self,
        sql: &str,
        params: &[String],
        kinds: &[Kind],
        row: &mut dyn FnMut(&[Cell]) -> Result<(), String>,
    ) -> Result<(), String>;

    /// Every row of `sql`.
    fn query(
        &self,
        sql: &str,
        params: &[String],
        kinds: &[Kind],
    ) -> Result<Vec<Vec<Cell>>, String> {
        let mut out = Vec::new();
        self.each(sql, params, kinds, &mut |r| {
            out.push(r.to_vec());
            Ok(())
        })?;
        Ok(out)
    }
}

/// Rows of three integers (the shape of the larger answers), without a buffer per row.
fn int_triples(
    e: &dyn Engine,
    sql: &str,
    params: &[String],
) -> Result<Vec<(i64, i64, i64)>, String> {
    let mut out = Vec::new();
    e.each(sql, params, &[Kind::Int; 3], &mut |r| {
        out.push((r[0].int(), r[1].int(), r[2].int()));
        Ok(())
    })?;
    Ok(out)
}

/// Which rows a query reads: the projects a caller may see (`None`: all) and an environment
/// (compared without case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub projects: Option<Vec<String>>,
    pub environment: Option<String>,
}

impl Filter {
    /// ` AND …` conditions and their parameters.
    fn clause(&self) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut params = Vec::new();
        if let Some(ps) = &self.projects {
            if ps.is_empty() {
                sql.push_str(" AND FALSE");
            } else {
                sql.push_str(" AND project IN (");
                for (i, p) in ps.iter().enumerate() {
                    sql.push_str(if i == 0 { "?" } else { ", ?" });
                    params.push(p.clone());
                }
                sql.push(')');
            }
        }
        if let Some(env) = &self.environment {
            sql.push_str(" AND lower(environment) = ?");
            params.push(env.to_lowercase());
        }
        (sql, params)
    }
}

fn ids_list(ids: &[i64]) -> String {
    let mut s = String::from("(");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&id.to_string());
    }
    if ids.is_empty() {
        s.push_str("NULL");
    }
    s.push(')');
    s
}

/// Per issue and hour in `lo..=hi`: events (for the given issues, or all).
pub fn issue_hours(
    e: &dyn Engine,
    f: &Filter,
    lo: i64,
    hi: i64,
    ids: Option<&[i64]>,
) -> Result<Vec<(i64, i64, i64)>, String> {
    let (cond, params) = f.clause();
    let only = ids
        .map(|ids| format!(" AND issue IN {}", ids_list(ids)))
        .unwrap_or_default();
    let sql = format!(
        "SELECT issue, hour, CAST(sum(count) AS BIGINT) FROM hourly
         WHERE hour BETWEEN {lo} AND {hi}{cond}{only} GROUP BY issue, hour"
    );
    int_triples(e, &sql, &params)
}

/// What a spike is judged on, per issue with events in the latest two hours (`hi - 1`, `hi`):
/// the count of each, and the sum and sum of squares of its hourly counts in `lo..hi - 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeInput {
    pub issue: i64,
    pub now: i64,
    pub before: i64,
    pub sum: i64,
    pub sum_sq: i64,
}

pub fn spike_inputs(
    e: &dyn Engine,
    f: &Filter,
    lo: i64,
    hi: i64,
) -> Result<Vec<SpikeInput>, String> {
    let (cond, mut params) = f.clause();
    let p2 = params.clone();
    params.extend(p2);
    let prev = hi - 1;
    let sql = format!(
        "SELECT issue,
                CAST(coalesce(sum(c) FILTER (WHERE hour = {hi}), 0) AS BIGINT),
                CAST(coalesce(sum(c) FILTER (WHERE hour = {prev}), 0) AS BIGINT),
                CAST(coalesce(sum(c) FILTER (WHERE hour < {prev}), 0) AS BIGINT),
                CAST(coalesce(sum(c * c) FILTER (WHERE hour < {prev}), 0) AS BIGINT)
         FROM (SELECT issue, hour, sum(count) AS c FROM hourly
               WHERE hour BETWEEN {lo} AND {hi}{cond}
                 AND issue IN (SELECT issue FROM hourly WHERE hour BETWEEN {prev} AND {hi}{cond})
               GROUP BY issue, hour) AS per_hour
         GROUP BY issue"
    );
    let rows = e.query(&sql, &params, &[Kind::Int; 5])?;
    Ok(rows
        .iter()
        .map(|r| SpikeInput {
            issue: r[0].int(),
            now: r[1].int(),
            before: r[2].int(),
            sum: r[3].int(),
            sum_sq: r[4].int(),
        })
        .collect())
}

/// Per issue with events in `prev_lo..=hi`: events in `cur_lo..=hi` and in `prev_lo..cur_lo`.
pub fn window_sums(
    e: &dyn Engine,
    f: &Filter,
    prev_lo: i64,
    cur_lo: i64,
    hi: i64,
) -> Result<Vec<(i64, i64, i64)>, String> {
    let (cond, params) = f.clause();
    let sql = format!(
        "SELECT issue,
                CAST(coalesce(sum(count) FILTER (WHERE hour >= {cur_lo}), 0) AS BIGINT),
                CAST(coalesce(sum(count) FILTER (WHERE hour < {cur_lo}), 0) AS BIGINT)
         FROM hourly WHERE hour BETWEEN {prev_lo} AND {hi}{cond} GROUP BY issue"
    );
    int_triples(e, &sql, &params)
}

/// Issues active (with events) in at least `min_hours` hours of `lo..=hi`, busiest first, at
/// most `max`: (issue, active hours, events).
pub fn active_issues(
    e: &dyn Engine,
    f: &Filter,
    lo: i64,
    hi: i64,
    min_hours: i64,
    max: usize,
) -> Result<Vec<(i64, i64, i64)>, String> {
    let (cond, params) = f.clause();
    let sql = format!(
        "SELECT issue, count(DISTINCT hour) AS active, CAST(sum(count) AS BIGINT) AS events
         FROM hourly WHERE hour BETWEEN {lo} AND {hi}{cond}
         GROUP BY issue HAVING count(DISTINCT hour) >= {min_hours}
         ORDER BY events DESC, issue LIMIT {max}"
    );
    int_triples(e, &sql, &params)
}

/// Per release and issue in `lo..=hi` (attributed rows only): events, first and last hour.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseIssue {
    pub release: Arc<str>,
    pub issue: i64,
    pub events: i64,
    pub first_hour: i64,
    pub last_hour: i64,
}

pub fn release_issues(
    e: &dyn Engine,
    f: &Filter,
    lo: i64,
    hi: i64,
) -> Result<Vec<ReleaseIssue>, String> {
    let (cond, params) = f.clause();
    let sql = format!(
        "SELECT release, issue, CAST(sum(count) AS BIGINT), min(hour), max(hour)
         FROM hourly WHERE release IS NOT NULL AND hour BETWEEN {lo} AND {hi}{cond}
         GROUP BY release, issue"
    );
    let kinds = [Kind::Text, Kind::Int, Kind::Int, Kind::Int, Kind::Int];
    // Many rows name the same few releases: one shared name each.
    let mut names: std::collections::HashSet<Arc<str>> = std::collections::HashSet::new();
    let mut out = Vec::new();
    e.each(&sql, &params, &kinds, &mut |r| {
        let name = r[0].text().unwrap_or_default();
        let release = match names.get(name) {
            Some(n) => n.clone(),
            None => {
                let n: Arc<str> = Arc::from(name);
                names.insert(n.clone());
                n
            }
        };
        out.push(ReleaseIssue {
            release,
            issue: r[1].int(),
            events: r[2].int(),
            first_hour: r[3].int(),
            last_hour: r[4].int(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Per environment (compared without case; named by its spelling that sorts first) and hour in
/// `lo..=hi`: events.
pub fn environment_hours(
    e: &dyn Engine,
    f: &Filter,
    lo: i64,
    hi: i64,
) -> Result<Vec<(String, i64, i64)>, String> {
    let (cond, params) = f.clause();
    let sql = format!(
        "SELECT min(environment), hour, CAST(sum(count) AS BIGINT)
         FROM hourly WHERE environment IS NOT NULL AND hour BETWEEN {lo} AND {hi}{cond}
         GROUP BY lower(environment), hour"
    );
    let rows = e.query(&sql, &params, &[Kind::Text, Kind::Int, Kind::Int])?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r[0].text().unwrap_or_default().to_string(),
                r[1].int(),
                r[2].int(),
            )
        })
        .collect())
}

/// Per environment (lower case) in `lo..=hi`: distinct issues.
pub fn environment_issues(
    e: &dyn Engine,
    f: &Filter,
    lo: i64,
    hi: i64,
) -> Result<Vec<(String, i64)>, String> {
    let (cond, params) = f.clause();
    let sql = format!(
        "SELECT lower(environment), count(DISTINCT issue)
         FROM hourly WHERE environment IS NOT NULL AND hour BETWEEN {lo} AND {hi}{cond}
         GROUP BY lower(environment)"
    );
    let rows = e.query(&sql, &params, &[Kind::Text, Kind::Int])?;
    Ok(rows
        .into_iter()
        .map(|r| (r[0].text().unwrap_or_default().to_string(), r[1].int()))
        .collect())
}

/// Events in `lo..=hi` not attributed to an environment (see the module note).
pub fn unattributed(e: &dyn Engine, f: &Filter, lo: i64, hi: i64) -> Result<i64, String> {
    let (cond, params) = f.clause();
    let sql = format!(
        "SELECT CAST(coalesce(sum(count), 0) AS BIGINT)
         FROM hourly WHERE environment IS NULL AND hour BETWEEN {lo} AND {hi}{cond}"
    );
    let rows = e.query(&sql, &params, &[Kind::Int])?;
    Ok(rows.first().map(|r| r[0].int()).unwrap_or(0))
}

/// The rollup in SQLite: the benchmark's side of the comparison, and a second engine the tests
/// check DuckDB's answers against.
pub struct Sqlite<'a>(pub &'a rusqlite::Connection);

/// The rollup's table in SQLite, with the index its queries use.
pub const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS hourly (
    project TEXT NOT NULL, issue INTEGER NOT NULL, hour INTEGER NOT NULL,
    environment TEXT, release TEXT, count INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS hourly_hour ON hourly(hour, project);";

impl Engine for Sqlite<'_> {
    fn each(
        &self,
        sql: &str,
        params: &[String],
        kinds: &[Kind],
        each: &mut dyn FnMut(&[Cell]) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut st = self.0.prepare_cached(sql).map_err(|e| e.to_string())?;
        let mut rows = st
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(|e| e.to_string())?;
        let mut row = Vec::with_capacity(kinds.len());
        while let Some(r) = rows.next().map_err(|e| e.to_string())? {
            row.clear();
            for (i, k) in kinds.iter().enumerate() {
                row.push(match k {
                    Kind::Int => Cell::Int(
                        r.get::<_, Option<i64>>(i)
                            .map_err(|e| e.to_string())?
                            .unwrap_or(0),
                    ),
                    Kind::Text => Cell::Text(r.get(i).map_err(|e| e.to_string())?),
                });
            }
            each(&row)?;
        }
        Ok(())
    }
}
