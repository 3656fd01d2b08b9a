//! One release on PostgreSQL: the same answer as `store::releases::detail` (its totals next to
//! the previous release's, events per hour, the issues new in it, the regressions in it and the
//! issues resolved in it).

use super::issues::{cols, issue_row, project_scope, refs, Params};
use super::Pg;
use crate::store::ingest::HOUR_MS;
use crate::store::issues::{zero_fill, HourCount, IssueRow};
use crate::store::releases::{Regression, ReleaseDetail, MAX_LISTED};
use crate::store::StoreError;

async fn hours_of(
    c: &deadpool_postgres::Client,
    projects: Option<&[String]>,
    release: &str,
    hours: u32,
    now: i64,
) -> Result<Vec<HourCount>, StoreError> {
    let start = now - now.rem_euclid(HOUR_MS) - (i64::from(hours) - 1) * HOUR_MS;
    let (scope, mut p) = project_scope(projects, 3);
    p.insert(0, Box::new(start));
    p.insert(0, Box::new(release.to_string()));
    let sql = format!(
        "SELECT hour, sum(count)::int8 FROM release_hours
         WHERE {scope} AND release = $1 AND hour >= $2 GROUP BY hour"
    );
    let rows = c
        .query(&sql, &refs(&p))
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(zero_fill(rows, hours, now))
}

/// Issues of `projects` matching `filter` (SQL over `i`, `$1` the release), ordered by
/// `order`, at most [`MAX_LISTED`].
async fn issue_list(
    c: &deadpool_postgres::Client,
    projects: Option<&[String]>,
    filter: &str,
    release: &str,
    order: &str,
) -> Result<Vec<IssueRow>, StoreError> {
    let (scope, mut p): (String, Params) = project_scope(projects, 2);
    p.insert(0, Box::new(release.to_string()));
    let scope = scope.replace("project_id", "i.project_id");
    let sql = format!(
        "SELECT {} FROM issues i WHERE {filter} AND {scope} ORDER BY {order} LIMIT {MAX_LISTED}",
        cols("i.total_count")
    );
    Ok(c.query(&sql, &refs(&p))
        .await?
        .iter()
        .map(issue_row)
        .collect())
}

/// The release `release` in `projects` (None = all); `None` when no event named it.
pub async fn detail(
    pg: &Pg,
    projects: Option<&[String]>,
    release: &str,
    hours: u32,
    now: i64,
) -> Result<Option<ReleaseDetail>, StoreError> {
    let all = super::issues::releases(pg, projects, u32::MAX).await?;
    let Some(at) = all.iter().position(|r| r.release == release) else {
        return Ok(None);
    };
    let summary = all[at].clone();
    let previous = all.get(at + 1).cloned();
    let c = pg.client().await?;
    // New in it: its (issue, release) row is the issue's earliest (the writer's rule).
    let new_issues = issue_list(
        &c,
        projects,
        "i.id IN (SELECT r.issue_id FROM issue_releases r WHERE r.release = $1
                  AND NOT EXISTS (SELECT 1 FROM issue_releases o WHERE o.issue_id = r.issue_id
                      AND (o.first_seen, o.release) < (r.first_seen, r.release)))",
        release,
        "i.total_count DESC, i.id",
    )
    .await?;
    let resolved = issue_list(
        &c,
        projects,
        "(i.resolved_in_release = $1 OR i.id IN (SELECT issue_id FROM status_history
                                                 WHERE new_status = 'resolved' AND release = $1))",
        release,
        "i.last_seen DESC, i.id",
    )
    .await?;
    let regressed = issue_list(
        &c,
        projects,
        "i.id IN (SELECT issue_id FROM status_history WHERE reason = 'regression' AND release = $1)",
        release,
        "i.last_seen DESC, i.id",
    )
    .await?;
    let st = c
        .prepare_cached(
            "SELECT max(changed_at) FROM status_history
             WHERE issue_id = $1 AND reason = 'regression' AND release = $2",
        )
        .await?;
    let mut regressions = Vec::with_capacity(regressed.len());
    for issue in regressed {
        let at: Option<i64> = c.query_one(&st, &[&issue.id, &release]).await?.get(0);
        regressions.push(Regression {
            at: at.unwrap_or(issue.last_seen),
            issue,
        });
    }
    regressions.sort_by_key(|r| std::cmp::Reverse(r.at));
    Ok(Some(ReleaseDetail {
        release: release.to_string(),
        hours: hours_of(&c, projects, release, hours, now).await?,
        previous_hours: match &previous {
            Some(p) => hours_of(&c, projects, &p.release, hours, now).await?,
            None => Vec::new(),
        },
        summary,
        previous,
        new_issues,
        regressions,
        resolved,
    }))
}
