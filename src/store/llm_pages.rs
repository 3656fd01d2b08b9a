//! The one LLM figure the dashboard shows that no API query answers: the users who cost the most
//! in a window. Whole UTC days come from the `llm_user_daily` rollup, the partial days at the
//! window's edges from `llm_traces` (through the covering `llm_traces_users` index), so the
//! answer is exact and reads at most two days of traces. Everything else on the LLM pages comes
//! from `llm_usage`, `llm_browse` and `llm_admin`.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};

use super::llm_query::{LlmParams, Window};
use super::llm_rollups::DAY_MS;
use super::StoreError;

/// One user's traces and cost in a window.
#[derive(Debug, Clone, PartialEq)]
pub struct UserCost {
    pub user_id: String,
    pub traces: i64,
    /// `None` when none of the user's traces could be priced.
    pub cost_micros: Option<i64>,
    pub tokens: i64,
}

/// The whole UTC days inside `w` (`(0, 0)` when there are none), and the partial days around
/// them (not empty).
pub(crate) fn day_split(w: &Window) -> ((i64, i64), Vec<(i64, i64)>) {
    let d0 = (w.since + DAY_MS - 1).div_euclid(DAY_MS) * DAY_MS;
    let d1 = w.until.div_euclid(DAY_MS) * DAY_MS;
    let (days, edges) = if d0 < d1 {
        ((d0, d1), vec![(w.since, d0), (d1, w.until)])
    } else {
        ((0, 0), vec![(w.since, w.until)])
    };
    (days, edges.into_iter().filter(|(a, b)| a < b).collect())
}

/// The top users by cost among the traces started in `w`, at most `limit` (then by traces, then
/// by id).
pub fn top_users(
    conn: &Connection,
    p: &LlmParams,
    w: &Window,
    limit: u32,
) -> Result<Vec<UserCost>, StoreError> {
    let (days, edges) = day_split(w);
    let mut args: Vec<SqlValue> = vec![days.0.into(), days.1.into()];
    let daily_scope = p.project_sql("project_id", &mut args);
    let mut raw = Vec::new();
    for (a, b) in edges {
        args.push(a.into());
        args.push(b.into());
        let scope = match p.projects {
            // Named so the `(project_id, started_at, …)` index serves every project too.
            None => " AND project_id IN (SELECT id FROM projects)".to_string(),
            Some(_) => p.project_sql("project_id", &mut args),
        };
        raw.push(format!(
            " UNION ALL SELECT user_id, 1, cost_micros IS NOT NULL, coalesce(cost_micros, 0),
                 input_tokens + output_tokens
             FROM llm_traces
             WHERE started_at >= ? AND started_at < ? AND user_id IS NOT NULL{scope}"
        ));
    }
    args.push(SqlValue::Integer(limit.into()));
    let mut st = conn.prepare_cached(&format!(
        "SELECT user_id, sum(n), CASE WHEN sum(cc) > 0 THEN sum(c) END, sum(t) FROM (
             SELECT user_id, traces AS n, cost_count AS cc, cost_micros AS c, tokens AS t
             FROM llm_user_daily WHERE day >= ? AND day < ?{daily_scope}{}
         ) GROUP BY user_id
         ORDER BY coalesce(CASE WHEN sum(cc) > 0 THEN sum(c) END, -1) DESC, sum(n) DESC, user_id
         LIMIT ?",
        raw.concat()
    ))?;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok(UserCost {
                user_id: r.get(0)?,
                traces: r.get(1)?,
                cost_micros: r.get(2)?,
                tokens: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: i64 = 20_000 * DAY_MS;
    const H: i64 = DAY_MS / 24;

    /// (project, user, cost, tokens, started at).
    type Row = (&'static str, Option<&'static str>, Option<i64>, i64, i64);

    /// A store with traces over three days (and one long before), the daily rollup filled as
    /// its migration fills it (the writer keeps it equal to that: llm_rollups' tests).
    fn db(dir: &tempfile::TempDir) -> Connection {
        let c = crate::store::open(&dir.path().join("p.db")).unwrap();
        c.execute_batch(
            "INSERT INTO projects (id, name, created_at) VALUES ('a', 'A', 0), ('b', 'B', 0);",
        )
        .unwrap();
        let rows: &[Row] = &[
            ("a", Some("u1"), Some(100), 15, D + 20 * H),
            ("a", Some("u1"), Some(50), 2, D + DAY_MS + 3 * H),
            ("a", Some("u2"), Some(500), 6, D + DAY_MS + 23 * H),
            ("a", Some("u2"), Some(900), 6, D + 2 * DAY_MS + 9 * H),
            ("a", Some("u3"), None, 7, D + 2 * DAY_MS + 2 * H),
            ("a", None, Some(9999), 2, D + DAY_MS + 4 * H),
            ("b", Some("u9"), Some(7777), 2, D + DAY_MS + 5 * H),
            ("a", Some("old"), Some(99999), 2, 10),
        ];
        for (i, (project, user, cost, tokens, at)) in rows.iter().enumerate() {
            c.execute(
                "INSERT INTO llm_traces (project_id, id, user_id, name, status, started_at,
                     received_at, span_count, error_spans, input_tokens, output_tokens,
                     cache_read_tokens, cache_write_tokens, cost_micros, unpriced_spans)
                 VALUES (?1, ?2, ?3, 'chat', 'ok', ?4, ?4, 1, 0, ?5, 0, 0, 0, ?6, 0)",
                rusqlite::params![project, format!("t{i}"), user, at, tokens, cost],
            )
            .unwrap();
        }
        c.execute_batch(&format!(
            "DELETE FROM llm_user_daily; {}",
            include_str!("migrations/0018_llm_user_daily.sql")
                .split_once("INSERT INTO llm_user_daily")
                .map(|(_, rest)| format!("INSERT INTO llm_user_daily{rest}"))
                .unwrap()
        ))
        .unwrap();
        c
    }

    fn ranked(rows: &[UserCost]) -> Vec<(&str, i64, Option<i64>, i64)> {
        rows.iter()
            .map(|u| (u.user_id.as_str(), u.traces, u.cost_micros, u.tokens))
            .collect()
    }

    #[test]
    fn users_are_ranked_by_cost_within_the_window_and_project() {
        let dir = tempfile::tempdir().unwrap();
        let c = db(&dir);
        let a = LlmParams::new([], Some(vec!["a".into()]), 0);
        // Whole day D+1 from the rollup, the partial days around it from the traces.
        let w = Window {
            since: D + 12 * H,
            until: D + 2 * DAY_MS + 6 * H,
        };
        assert_eq!(
            ranked(&top_users(&c, &a, &w, 10).unwrap()),
            [
                ("u2", 1, Some(500), 6),
                ("u1", 2, Some(150), 17),
                ("u3", 1, None, 7)
            ]
        );
        // Inside one day: the traces only.
        let w = Window {
            since: D + DAY_MS + 2 * H,
            until: D + DAY_MS + 6 * H,
        };
        assert_eq!(
            ranked(&top_users(&c, &a, &w, 10).unwrap()),
            [("u1", 1, Some(50), 2)]
        );
        // Whole days only, every project.
        let every = LlmParams::new([], None, 0);
        let w = Window {
            since: D + DAY_MS,
            until: D + 3 * DAY_MS,
        };
        assert_eq!(
            ranked(&top_users(&c, &every, &w, 2).unwrap()),
            [("u9", 1, Some(7777), 2), ("u2", 2, Some(1400), 12)]
        );
        let none = Window {
            since: D + 5 * DAY_MS,
            until: D + 6 * DAY_MS,
        };
        assert_eq!(top_users(&c, &a, &none, 5).unwrap(), vec![]);
        let nobody = LlmParams::new([], Some(vec![]), 0);
        assert_eq!(top_users(&c, &nobody, &w, 5).unwrap(), vec![]);
    }
}
