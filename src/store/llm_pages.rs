//! The one LLM figure the dashboard shows that no API query answers: the users who cost the most
//! in a window. It reads `llm_traces` (no rollup is kept per user), newest first through
//! `llm_traces_recent`, and stops after [`TOP_USERS_SCAN`] traces so that a busy window costs a
//! bounded amount; the answer says when it was cut short. Everything else on the LLM pages comes
//! from `llm_usage`, `llm_browse` and `llm_admin`.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};

use super::llm_query::{LlmParams, Window};
use super::StoreError;

/// Most traces [`top_users`] reads in one window.
pub const TOP_USERS_SCAN: i64 = 20_000;

/// One user's traces and cost in a window.
#[derive(Debug, Clone, PartialEq)]
pub struct UserCost {
    pub user_id: String,
    pub traces: i64,
    /// `None` when none of the user's traces could be priced.
    pub cost_micros: Option<i64>,
    pub tokens: i64,
}

/// The top users by cost among the traces started in `w`, at most `limit`; and whether the
/// window held at least [`TOP_USERS_SCAN`] traces with a user (then only the newest of them
/// were counted).
pub fn top_users(
    conn: &Connection,
    p: &LlmParams,
    w: &Window,
    limit: u32,
) -> Result<(Vec<UserCost>, bool), StoreError> {
    let mut args: Vec<SqlValue> = vec![w.since.into(), w.until.into()];
    let scope = match p.projects {
        // Named so the `(project_id, started_at)` index serves every project too.
        None => " AND project_id IN (SELECT id FROM projects)".to_string(),
        Some(_) => p.project_sql("project_id", &mut args),
    };
    args.push(SqlValue::Integer(TOP_USERS_SCAN));
    args.push(SqlValue::Integer(limit.into()));
    // One pass: the newest traces of the window, grouped; `seen` (the same on every row) is how
    // many were read, which reaches the cap only when the window holds at least that many.
    let mut st = conn.prepare_cached(&format!(
        "WITH r AS (
             SELECT user_id, cost_micros, input_tokens + output_tokens AS tokens
             FROM llm_traces
             WHERE started_at >= ? AND started_at < ? AND user_id IS NOT NULL{scope}
             ORDER BY started_at DESC LIMIT ?)
         SELECT user_id, count(*), sum(cost_micros), sum(tokens), sum(count(*)) OVER ()
         FROM r GROUP BY user_id
         ORDER BY coalesce(sum(cost_micros), -1) DESC, count(*) DESC, user_id LIMIT ?"
    ))?;
    let mut seen = 0i64;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok((
                UserCost {
                    user_id: r.get(0)?,
                    traces: r.get(1)?,
                    cost_micros: r.get(2)?,
                    tokens: r.get(3)?,
                },
                r.get::<_, i64>(4)?,
            ))
        })?
        .map(|row| {
            row.map(|(u, n)| {
                seen = n;
                u
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((rows, seen >= TOP_USERS_SCAN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE projects (id TEXT PRIMARY KEY);
             INSERT INTO projects VALUES ('a'), ('b');
             CREATE TABLE llm_traces (project_id TEXT, user_id TEXT, cost_micros INTEGER,
                 input_tokens INTEGER, output_tokens INTEGER, started_at INTEGER);
             INSERT INTO llm_traces VALUES
                 ('a', 'u1', 100, 10, 5, 1000), ('a', 'u1', 50, 1, 1, 1100),
                 ('a', 'u2', 500, 3, 3, 1200), ('a', 'u3', NULL, 7, 0, 1300),
                 ('a', NULL, 9999, 1, 1, 1400), ('b', 'u9', 7777, 1, 1, 1500),
                 ('a', 'old', 99999, 1, 1, 10);",
        )
        .unwrap();
        c
    }

    #[test]
    fn users_are_ranked_by_cost_within_the_window_and_project() {
        let c = db();
        let p = LlmParams::new([], Some(vec!["a".into()]), 2000);
        let w = Window {
            since: 500,
            until: 2000,
        };
        let (rows, capped) = top_users(&c, &p, &w, 10).unwrap();
        assert!(!capped);
        let got: Vec<(&str, i64, Option<i64>, i64)> = rows
            .iter()
            .map(|u| (u.user_id.as_str(), u.traces, u.cost_micros, u.tokens))
            .collect();
        assert_eq!(
            got,
            [
                ("u2", 1, Some(500), 6),
                ("u1", 2, Some(150), 17),
                ("u3", 1, None, 7)
            ]
        );
        let every = LlmParams::new([], None, 2000);
        let (rows, _) = top_users(&c, &every, &w, 1).unwrap();
        assert_eq!(rows[0].user_id, "u9");
        let none = Window {
            since: 5000,
            until: 6000,
        };
        assert_eq!(top_users(&c, &p, &none, 5).unwrap(), (vec![], false));
    }
}
