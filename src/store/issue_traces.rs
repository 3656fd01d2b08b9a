//! What an error cost: the links between issues and the LLM traces their events named
//! (`issue_traces`, migration 0016), and the LLM spend they add up to. The writer links an event
//! in its own transaction ([`link`], called from `pipeline::llm_errors` for events whose
//! metadata names a trace); [`cost`] sums an issue's linked traces for the issue detail (API,
//! dashboard, `bloop query error`), and [`top_issues`] ranks a window's issues by that spend for
//! the LLM overview.
//!
//! A link holds the trace id, so it joins `llm_traces` through its `(project_id, id)` key: a
//! trace sent after the event joins all the same, and a link whose trace never came (or was
//! pruned, or lives in another project) adds nothing. Not here: which events name a trace (the
//! pipeline reads `metadata`), deleting links (with their project, `projects::delete`; old links
//! whose trace is gone, `retention`).

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::llm_query::{LlmParams, Window, HOUR_MS};
use super::llm_usage::{thousands, usd};
use super::StoreError;

/// Linked traces listed with an issue's cost, newest first.
pub const RECENT_TRACES: i64 = 5;

/// Most links [`top_issues`] reads in one window (the newest).
pub const TOP_ISSUES_SCAN: i64 = 20_000;

/// How long before a window's start a link may have been first seen and still count: a trace's
/// `started_at` is the client's clock, a link's `first_seen` the server's, and the error usually
/// comes after the call.
pub(crate) const CLOCK_SLACK_MS: i64 = HOUR_MS;

/// Links an event's issue to the trace its metadata named (in the writer's transaction): the
/// first event sets `first_seen`, each one counts.
pub fn link(
    tx: &Connection,
    issue_id: i64,
    project: &str,
    trace_id: &str,
    received_at: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO issue_traces (issue_id, project_id, trace_id, first_seen, events)
         VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT (issue_id, trace_id) DO UPDATE SET events = events + 1",
    )?
    .execute(params![issue_id, project, trace_id, received_at])?;
    Ok(())
}

/// One linked trace, as the issue lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LinkedTrace {
    pub id: String,
    pub name: String,
    /// The trace's status (`ok`, `error`…).
    pub status: String,
    /// `null` when none of its calls could be priced.
    pub cost_micros: Option<i64>,
    /// Epoch ms (the client's clock).
    pub started_at: i64,
}

/// The LLM spend of an issue: the traces its events named, summed once each.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct IssueCost {
    /// Distinct trace ids the issue's events named, stored here or not.
    pub linked_traces: i64,
    /// Those stored in the issue's project (never sent, pruned or another project's: not
    /// counted below).
    pub traces: i64,
    /// LLM calls: the generation spans of those traces.
    pub calls: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Cost of their priced calls in micro-dollars (USD × 10⁶); `null` when none was priced.
    pub cost_micros: Option<i64>,
    pub cost_usd: Option<f64>,
    /// Calls with tokens and no known price (left out of the cost).
    pub unpriced_calls: i64,
    /// The newest of those traces (by start), at most five.
    pub recent: Vec<LinkedTrace>,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

impl IssueCost {
    /// The one-line summary the dashboard and `bloop query error` show:
    /// "This issue burned $4.12 in 1,210 LLM calls (38 traces)".
    pub fn summary(&self) -> String {
        if self.traces == 0 {
            return format!(
                "This issue names {}, none of them stored here (not sent, pruned, or another project's).",
                plural(self.linked_traces, "LLM trace", "LLM traces")
            );
        }
        let spent = match self.cost_micros {
            Some(c) => usd(c),
            None => "an unknown amount".to_string(),
        };
        let mut line = format!(
            "This issue burned {spent} in {} ({})",
            plural(self.calls, "LLM call", "LLM calls"),
            plural(self.traces, "trace", "traces")
        );
        if self.unpriced_calls > 0 {
            line.push_str(&format!(
                "; {} had no known price",
                plural(self.unpriced_calls, "call", "calls")
            ));
        }
        line
    }
}

/// An issue's sums over its links: links, stored traces, calls, input and output tokens, cost
/// (`None` when none was priced), unpriced calls.
pub(crate) type CostSums = (i64, i64, i64, i64, i64, Option<i64>, i64);

/// The issue's spend from its sums and its newest traces.
pub(crate) fn issue_cost(
    (linked, traces, calls, input, output, cost, unpriced): CostSums,
    recent: Vec<LinkedTrace>,
) -> IssueCost {
    IssueCost {
        linked_traces: linked,
        traces,
        calls,
        input_tokens: input,
        output_tokens: output,
        cost_micros: cost,
        cost_usd: cost.map(|c| c as f64 / 1e6),
        unpriced_calls: unpriced,
        recent,
    }
}

/// The LLM spend of issue `issue_id`, or `None` when none of its events named a trace. Index
/// lookups only: the issue's links (primary key), each trace by `(project_id, id)`, each
/// trace's generation spans by the spans' primary key.
pub fn cost(conn: &Connection, issue_id: i64) -> Result<Option<IssueCost>, StoreError> {
    let sums: CostSums = conn
        .prepare_cached(
            "SELECT count(*), count(t.pk),
                    coalesce(sum((SELECT count(*) FROM llm_spans s
                                  WHERE s.trace_pk = t.pk AND s.span_type = 'generation')), 0),
                    coalesce(sum(t.input_tokens), 0), coalesce(sum(t.output_tokens), 0),
                    sum(t.cost_micros), coalesce(sum(t.unpriced_spans), 0)
             FROM issue_traces l
             LEFT JOIN llm_traces t ON t.project_id = l.project_id AND t.id = l.trace_id
             WHERE l.issue_id = ?1",
        )?
        .query_row([issue_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
    if sums.0 == 0 {
        return Ok(None);
    }
    let recent = conn
        .prepare_cached(
            "SELECT t.id, t.name, t.status, t.cost_micros, t.started_at
             FROM issue_traces l
             JOIN llm_traces t ON t.project_id = l.project_id AND t.id = l.trace_id
             WHERE l.issue_id = ?1
             ORDER BY t.started_at DESC, t.id LIMIT ?2",
        )?
        .query_map(params![issue_id, RECENT_TRACES], |r| {
            Ok(LinkedTrace {
                id: r.get(0)?,
                name: r.get(1)?,
                status: r.get(2)?,
                cost_micros: r.get(3)?,
                started_at: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(issue_cost(sums, recent)))
}

/// An issue ranked by the spend of its linked traces in a window.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueSpend {
    pub project_id: String,
    pub fingerprint: String,
    pub error_type: String,
    pub message: String,
    /// Linked traces started in the window.
    pub traces: i64,
    /// `None` when none of them was priced.
    pub cost_micros: Option<i64>,
}

/// The issues whose linked traces started in `w` cost most, at most `limit`; and whether the
/// window held at least [`TOP_ISSUES_SCAN`] links (then only the newest were read). Reads the
/// links first seen from shortly before the window on (`issue_traces_recent`), not the traces.
pub fn top_issues(
    conn: &Connection,
    p: &LlmParams,
    w: &Window,
    limit: u32,
) -> Result<(Vec<IssueSpend>, bool), StoreError> {
    let mut args: Vec<SqlValue> = vec![(w.since - CLOCK_SLACK_MS).into()];
    let scope = match p.projects {
        // Named so the `(project_id, first_seen)` index serves every project too.
        None => " AND project_id IN (SELECT id FROM projects)".to_string(),
        Some(_) => p.project_sql("project_id", &mut args),
    };
    args.extend([
        SqlValue::Integer(TOP_ISSUES_SCAN),
        w.since.into(),
        w.until.into(),
        SqlValue::Integer(limit.into()),
    ]);
    let mut st = conn.prepare_cached(&format!(
        "WITH l AS (
             SELECT issue_id, project_id, trace_id FROM issue_traces
             WHERE first_seen >= ?{scope} ORDER BY first_seen DESC LIMIT ?),
         seen AS (SELECT count(*) AS n FROM l),
         x AS (
             SELECT l.issue_id, count(*) AS traces, sum(t.cost_micros) AS cost
             FROM l JOIN llm_traces t ON t.project_id = l.project_id AND t.id = l.trace_id
             WHERE t.started_at >= ? AND t.started_at < ?
             GROUP BY l.issue_id
             ORDER BY coalesce(sum(t.cost_micros), -1) DESC, count(*) DESC, l.issue_id LIMIT ?)
         SELECT i.project_id, i.fingerprint, i.error_type, i.message, x.traces, x.cost,
                (SELECT n FROM seen)
         FROM x JOIN issues i ON i.id = x.issue_id
         ORDER BY coalesce(x.cost, -1) DESC, x.traces DESC, x.issue_id"
    ))?;
    let mut seen = 0i64;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok((
                IssueSpend {
                    project_id: r.get(0)?,
                    fingerprint: r.get(1)?,
                    error_type: r.get(2)?,
                    message: r.get(3)?,
                    traces: r.get(4)?,
                    cost_micros: r.get(5)?,
                },
                r.get::<_, i64>(6)?,
            ))
        })?
        .map(|row| {
            row.map(|(i, n)| {
                seen = n;
                i
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((rows, seen >= TOP_ISSUES_SCAN))
}

/// An issue one of whose events named a trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceIssue {
    pub fingerprint: String,
    pub error_type: String,
    pub message: String,
    pub source: String,
    pub events: i64,
}

/// The issues whose events named this trace of this project (at most 20, most events first).
pub fn issues_of_trace(
    conn: &Connection,
    project: &str,
    trace_id: &str,
) -> Result<Vec<TraceIssue>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT i.fingerprint, i.error_type, i.message, i.source, it.events
         FROM issue_traces it JOIN issues i ON i.id = it.issue_id
         WHERE it.project_id = ?1 AND it.trace_id = ?2
         ORDER BY it.events DESC, i.id LIMIT 20",
    )?;
    let rows = st.query_map(rusqlite::params![project, trace_id], |r| {
        Ok(TraceIssue {
            fingerprint: r.get(0)?,
            error_type: r.get(1)?,
            message: r.get(2)?,
            source: r.get(3)?,
            events: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let c = crate::store::open(&dir.path().join("c.db")).unwrap();
        c.execute_batch(
            "INSERT INTO projects (id, name, created_at) VALUES ('b', 'b', 0);
             INSERT INTO issues (id, project_id, fingerprint, error_type, message, source,
                 first_seen, last_seen, total_count)
             VALUES (1, 'default', 'f1', 'E1', 'm1', 'api', 0, 0, 1),
                    (2, 'default', 'f2', 'E2', 'm2', 'api', 0, 0, 1),
                    (3, 'b', 'f3', 'E3', 'm3', 'api', 0, 0, 1);",
        )
        .unwrap();
        (dir, c)
    }

    fn trace(c: &Connection, project: &str, id: &str, cost: Option<i64>, at: i64, gens: i64) {
        c.execute(
            "INSERT INTO llm_traces (project_id, id, name, status, started_at, received_at,
                 span_count, error_spans, input_tokens, output_tokens, cache_read_tokens,
                 cache_write_tokens, cost_micros, unpriced_spans)
             VALUES (?1, ?2, 'n-' || ?2, 'ok', ?3, ?3, ?4, 0, 10, 5, 0, 0, ?5, ?6)",
            params![project, id, at, gens + 1, cost, i64::from(cost.is_none())],
        )
        .unwrap();
        let pk = c.last_insert_rowid();
        for k in 0..=gens {
            let kind = if k < gens { "generation" } else { "tool" };
            c.execute(
                "INSERT INTO llm_spans (trace_pk, id, project_id, span_type, name,
                     input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                     input_includes_cache, status, started_at)
                 VALUES (?1, ?2, ?3, ?4, 's', 0, 0, 0, 0, 0, 'ok', ?5)",
                params![pk, format!("s{k}"), project, kind, at],
            )
            .unwrap();
        }
    }

    #[test]
    fn an_issue_costs_its_linked_traces_once_each() {
        let (_d, c) = db();
        assert_eq!(cost(&c, 1).unwrap(), None);
        trace(&c, "default", "t1", Some(1_500_000), 1000, 2);
        trace(&c, "default", "t2", None, 2000, 1);
        trace(&c, "b", "t3", Some(9_000_000), 3000, 4);
        for (trace, at) in [("t1", 10), ("t1", 11), ("t2", 12), ("t3", 13), ("nope", 14)] {
            link(&c, 1, "default", trace, at).unwrap();
        }
        let got = cost(&c, 1).unwrap().unwrap();
        assert_eq!(
            (got.linked_traces, got.traces, got.calls, got.cost_micros),
            (4, 2, 3, Some(1_500_000))
        );
        assert_eq!(
            (got.input_tokens, got.output_tokens, got.unpriced_calls),
            (20, 10, 1)
        );
        let ids: Vec<&str> = got.recent.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["t2", "t1"]);
        assert_eq!(
            got.summary(),
            "This issue burned $1.50 in 3 LLM calls (2 traces); 1 call had no known price"
        );
        let events: i64 = c
            .query_row(
                "SELECT events FROM issue_traces WHERE issue_id = 1 AND trace_id = 't1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(events, 2);

        link(&c, 2, "default", "ghost", 20).unwrap();
        let ghost = cost(&c, 2).unwrap().unwrap();
        assert_eq!(
            (ghost.linked_traces, ghost.traces, ghost.cost_micros),
            (1, 0, None)
        );
        assert!(ghost.summary().starts_with("This issue names 1 LLM trace,"));
    }

    #[test]
    fn issues_are_ranked_by_the_spend_of_traces_started_in_the_window() {
        let (_d, c) = db();
        let now = 100 * HOUR_MS;
        trace(&c, "default", "a", Some(100), now - 10, 1);
        trace(&c, "default", "b", Some(700), now - 20, 1);
        trace(&c, "default", "old", Some(99_999), now - 30 * HOUR_MS, 1);
        trace(&c, "b", "c", Some(50), now - 5, 1);
        link(&c, 1, "default", "a", now).unwrap();
        link(&c, 1, "default", "old", now - 30 * HOUR_MS).unwrap();
        link(&c, 2, "default", "b", now).unwrap();
        link(&c, 3, "b", "c", now).unwrap();
        let w = Window {
            since: now - 24 * HOUR_MS,
            until: now + 1,
        };
        let every = LlmParams::new([], None, now);
        let (rows, capped) = top_issues(&c, &every, &w, 10).unwrap();
        assert!(!capped);
        let got: Vec<(&str, i64, Option<i64>)> = rows
            .iter()
            .map(|r| (r.fingerprint.as_str(), r.traces, r.cost_micros))
            .collect();
        assert_eq!(
            got,
            [
                ("f2", 1, Some(700)),
                ("f1", 1, Some(100)),
                ("f3", 1, Some(50))
            ]
        );
        let only_b = LlmParams::new([], Some(vec!["b".into()]), now);
        let (rows, _) = top_issues(&c, &only_b, &w, 10).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].project_id, "b");
    }
}
