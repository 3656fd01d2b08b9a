//! One release: its totals next to the previous release's, events per hour (the writer's
//! `release_hours`), the issues new in it, the regressions in it and the issues resolved in it.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use super::issues::{self, HourCount, IssueRow, ReleaseSummary};
use super::StoreError;

const HOUR_MS: i64 = 3_600_000;

/// Issues listed at most in each of the page's lists.
pub const MAX_LISTED: u32 = 50;

/// A regression: the issue, when it came back, and in which release.
#[derive(Debug, Clone, Serialize)]
pub struct Regression {
    pub issue: IssueRow,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseDetail {
    pub release: String,
    pub summary: ReleaseSummary,
    /// The release before it (by semantic version, else by first seen) in the same projects.
    pub previous: Option<ReleaseSummary>,
    /// Events per hour over the window, zero-filled; and the previous release's.
    pub hours: Vec<HourCount>,
    pub previous_hours: Vec<HourCount>,
    /// Issues first seen in this release (each issue is new in exactly one release), most
    /// events first, at most [`MAX_LISTED`].
    pub new_issues: Vec<IssueRow>,
    /// Resolved issues that came back with an event of this release, newest first.
    pub regressions: Vec<Regression>,
    /// Issues resolved "in this release" (fixed by it), whether or not they came back since.
    pub resolved: Vec<IssueRow>,
}

fn hours_of(
    conn: &Connection,
    projects: Option<&[String]>,
    release: &str,
    hours: u32,
    now: i64,
) -> Result<Vec<HourCount>, StoreError> {
    let start = now - now.rem_euclid(HOUR_MS) - (i64::from(hours) - 1) * HOUR_MS;
    let (scope, mut args) = issues::project_scope(projects);
    args.push(SqlValue::Text(release.to_string()));
    args.push(SqlValue::Integer(start));
    let n = args.len();
    let sql = format!(
        "SELECT hour, sum(count) FROM release_hours
         WHERE {scope} AND release = ?{} AND hour >= ?{n} GROUP BY hour",
        n - 1
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<Vec<(i64, i64)>, _>>()?;
    Ok(issues::zero_fill(rows, hours, now))
}

/// Issues of `projects` matching `filter` (SQL over `i`, `?1` the release: it comes first in
/// the statement, so the scope's bare `?`s number after it), ordered by `order`, at most
/// [`MAX_LISTED`].
fn issue_list(
    conn: &Connection,
    projects: Option<&[String]>,
    filter: &str,
    release: &str,
    order: &str,
) -> Result<Vec<IssueRow>, StoreError> {
    let (scope, scope_args) = issues::project_scope(projects);
    let scope = scope.replace("project_id", "i.project_id");
    let mut args = vec![SqlValue::Text(release.to_string())];
    args.extend(scope_args);
    let sql = format!(
        "SELECT {} FROM issues i WHERE {filter} AND {scope} ORDER BY {order} LIMIT {MAX_LISTED}",
        issues::issue_cols("i.total_count")
    );
    let rows = conn
        .prepare(&sql)?
        .query_map(params_from_iter(args.iter()), issues::issue_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The release `release` in `projects` (None = all); `None` when no event named it.
pub fn detail(
    conn: &Connection,
    projects: Option<&[String]>,
    release: &str,
    hours: u32,
    now: i64,
) -> Result<Option<ReleaseDetail>, StoreError> {
    let all = issues::releases(conn, projects, u32::MAX)?;
    let Some(at) = all.iter().position(|r| r.release == release) else {
        return Ok(None);
    };
    let summary = all[at].clone();
    let previous = all.get(at + 1).cloned();
    // New in it: its (issue, release) row is the issue's earliest (the writer's rule).
    let new_issues = issue_list(
        conn,
        projects,
        "i.id IN (SELECT r.issue_id FROM issue_releases r WHERE r.release = ?1
                  AND NOT EXISTS (SELECT 1 FROM issue_releases o WHERE o.issue_id = r.issue_id
                      AND (o.first_seen, o.release) < (r.first_seen, r.release)))",
        release,
        "i.total_count DESC, i.id",
    )?;
    let resolved = issue_list(
        conn,
        projects,
        "(i.resolved_in_release = ?1 OR i.id IN (SELECT issue_id FROM status_history
                                                 WHERE new_status = 'resolved' AND release = ?1))",
        release,
        "i.last_seen DESC, i.id",
    )?;
    let regressed = issue_list(
        conn,
        projects,
        "i.id IN (SELECT issue_id FROM status_history WHERE reason = 'regression' AND release = ?1)",
        release,
        "i.last_seen DESC, i.id",
    )?;
    let mut regressions = Vec::with_capacity(regressed.len());
    let mut st = conn.prepare_cached(
        "SELECT max(changed_at) FROM status_history
         WHERE issue_id = ?1 AND reason = 'regression' AND release = ?2",
    )?;
    for issue in regressed {
        let at: Option<i64> = st.query_row(rusqlite::params![issue.id, release], |r| r.get(0))?;
        regressions.push(Regression {
            at: at.unwrap_or(issue.last_seen),
            issue,
        });
    }
    regressions.sort_by_key(|r| std::cmp::Reverse(r.at));
    Ok(Some(ReleaseDetail {
        release: release.to_string(),
        hours: hours_of(conn, projects, release, hours, now)?,
        previous_hours: match &previous {
            Some(p) => hours_of(conn, projects, &p.release, hours, now)?,
            None => Vec::new(),
        },
        summary,
        previous,
        new_issues,
        regressions,
        resolved,
    }))
}
