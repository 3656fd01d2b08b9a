//! Issues on PostgreSQL: the list (the same filters as on SQLite, from
//! [`crate::store::issues::where_clause_in`]), one issue, its events, trends, status changes,
//! releases and stats. Rows and their meaning are those of `store::issues`.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::Pg;
use crate::search::Status;
use crate::store::ingest::HOUR_MS;
use crate::store::issues::{
    self as lite, count_within_in, tally_tags, where_clause_in, zero_fill, Breakdown, Dialect,
    HourCount, IssueDetail, IssueQuery, IssueRow, Occurrence, ReleaseSummary, RouteCount, Sample,
    Stats, StatusChange, StatusChangeResult, TagEvent, DEFAULT_LIMIT, ISSUE_COLS, OCC_COLS,
    TAG_BYTES, TAG_EVENTS, USER_EVENTS,
};
use crate::store::{now_ms, StoreError};

pub(crate) type Params = Vec<Box<dyn ToSql + Sync + Send>>;

/// The shared query builder's arguments as PostgreSQL parameters.
fn params(args: Vec<SqlValue>) -> Params {
    args.into_iter()
        .map(|v| -> Box<dyn ToSql + Sync + Send> {
            match v {
                SqlValue::Integer(i) => Box::new(i),
                SqlValue::Text(t) => Box::new(t),
                SqlValue::Real(f) => Box::new(f),
                SqlValue::Null => Box::new(None::<String>),
                SqlValue::Blob(b) => Box::new(b),
            }
        })
        .collect()
}

pub(crate) fn refs(p: &Params) -> Vec<&(dyn ToSql + Sync)> {
    p.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect()
}

/// [`ISSUE_COLS`], `count` and the assignee's name.
pub(crate) fn cols(count: &str) -> String {
    format!("{ISSUE_COLS}, {count}, (SELECT u.name FROM users u WHERE u.id = i.assignee_id)")
}

pub(crate) fn issue_row(r: &Row) -> IssueRow {
    let status: String = r.get(7);
    IssueRow {
        project_id: r.get(0),
        fingerprint: r.get(1),
        error_type: r.get(2),
        message: r.get(3),
        source: r.get(4),
        route_or_procedure: r.get(5),
        screen: r.get(6),
        status: Status::parse(&status).unwrap_or(Status::Unresolved),
        total_count: r.get(8),
        first_seen: r.get(9),
        last_seen: r.get(10),
        release: r.get(11),
        environment: r.get(12),
        resolved_in_release: r.get(13),
        id: r.get(14),
        count: r.get(15),
        assignee: r.get(16),
    }
}

/// One page of issues and the total that match.
pub async fn list(pg: &Pg, q: &IssueQuery) -> Result<(Vec<IssueRow>, i64), StoreError> {
    let c = pg.client().await?;
    let mut args = Vec::new();
    let wh = where_clause_in(q, &mut args, Dialect::Postgres);
    let p = params(args.clone());
    let total: i64 = c
        .query_one(
            &format!("SELECT count(*) FROM issues i WHERE {wh}"),
            &refs(&p),
        )
        .await?
        .get(0);
    let limit = if q.limit == 0 { DEFAULT_LIMIT } else { q.limit };
    let count = count_within_in(q, &mut args, Dialect::Postgres);
    let cols = cols(count.as_deref().unwrap_or("i.total_count"));
    let order = q.sort.order_by();
    let sql = format!(
        "SELECT {cols} FROM issues i WHERE {wh} ORDER BY {order} LIMIT {limit} OFFSET {}",
        q.offset
    );
    let p = params(args);
    let rows = c.query(&sql, &refs(&p)).await?;
    Ok((rows.iter().map(issue_row).collect(), total))
}

/// The issue with fingerprint `fp` among `projects` (see [`lite::find`]).
pub async fn find(pg: &Pg, projects: Option<&[String]>, fp: &str) -> Result<IssueRow, StoreError> {
    let c = pg.client().await?;
    let lookup = |cond: &'static str, arg: String| {
        let c = &c;
        async move {
            let sql = format!(
                "SELECT {} FROM issues i WHERE {cond} ORDER BY i.last_seen DESC LIMIT 20",
                cols("i.total_count")
            );
            let st = c.prepare_cached(&sql).await?;
            let mut rows: Vec<IssueRow> =
                c.query(&st, &[&arg]).await?.iter().map(issue_row).collect();
            if let Some(ps) = projects {
                rows.retain(|i| ps.contains(&i.project_id));
            }
            Ok::<_, StoreError>(rows)
        }
    };
    let mut found = lookup("i.fingerprint = $1", fp.to_string()).await?;
    if found.is_empty()
        && fp.len() >= 6
        && fp.len() < 16
        && fp.bytes().all(|b| b.is_ascii_hexdigit())
    {
        found = lookup(
            "i.fingerprint >= $1 AND i.fingerprint < $1 || 'g'",
            fp.to_ascii_lowercase(),
        )
        .await?;
        found = lite::short_match(fp, found)?;
    }
    lite::pick_found(fp, found)
}

/// The issue with row id `id`.
pub async fn by_id(
    c: &impl deadpool_postgres::GenericClient,
    id: i64,
) -> Result<IssueRow, StoreError> {
    let sql = format!(
        "SELECT {} FROM issues i WHERE i.id = $1",
        cols("i.total_count")
    );
    c.query_opt(&sql, &[&id])
        .await?
        .map(|r| issue_row(&r))
        .ok_or_else(|| StoreError::NotFound("issue not found".into()))
}

async fn breakdown(
    c: &deadpool_postgres::Client,
    sql: &str,
    id: i64,
) -> Result<Vec<Breakdown>, StoreError> {
    let st = c.prepare_cached(sql).await?;
    Ok(c.query(&st, &[&id])
        .await?
        .iter()
        .map(|r| Breakdown {
            name: r.get(0),
            count: r.get(1),
            first_seen: r.get(2),
            last_seen: r.get(3),
        })
        .collect())
}

fn occurrence(r: &Row) -> Occurrence {
    let meta: Option<String> = r.get(17);
    let frames: Option<String> = r.get(19);
    Occurrence {
        id: r.get(0),
        received_at: r.get(1),
        timestamp: r.get(2),
        error_type: r.get(3),
        message: r.get(4),
        source: r.get(5),
        environment: r.get(6),
        release: r.get(7),
        app_version: r.get(8),
        build_number: r.get(9),
        route_or_procedure: r.get(10),
        screen: r.get(11),
        stack: r.get(12),
        http_status: r.get(13),
        request_id: r.get(14),
        user_id_hash: r.get(15),
        device_id_hash: r.get(16),
        metadata: meta.and_then(|m| serde_json::from_str(&m).ok()),
        time_clamped: r.get(18),
        frames: frames.and_then(|f| serde_json::from_str(&f).ok()),
    }
}

/// Raw events of an issue, newest first.
pub async fn occurrences(
    pg: &Pg,
    issue_id: i64,
    limit: u32,
    offset: u32,
) -> Result<Vec<Occurrence>, StoreError> {
    let c = pg.client().await?;
    occurrences_on(&c, issue_id, limit, offset).await
}

async fn occurrences_on(
    c: &deadpool_postgres::Client,
    issue_id: i64,
    limit: u32,
    offset: u32,
) -> Result<Vec<Occurrence>, StoreError> {
    let st = c
        .prepare_cached(&format!(
            "SELECT {OCC_COLS} FROM events e JOIN issues i ON i.id = e.issue_id
             WHERE e.issue_id = $1 ORDER BY e.id DESC LIMIT $2 OFFSET $3"
        ))
        .await?;
    Ok(
        c.query(&st, &[&issue_id, &i64::from(limit), &i64::from(offset)])
            .await?
            .iter()
            .map(occurrence)
            .collect(),
    )
}

/// Everything about one issue (see [`lite::detail`]).
pub async fn detail(pg: &Pg, issue: IssueRow) -> Result<IssueDetail, StoreError> {
    let c = pg.client().await?;
    let id = issue.id;
    let st = c
        .prepare_cached(
            "SELECT received_at, event FROM samples WHERE issue_id = $1 ORDER BY received_at DESC",
        )
        .await?;
    let samples = c
        .query(&st, &[&id])
        .await?
        .iter()
        .map(|r| {
            let text: String = r.get(1);
            Sample {
                received_at: r.get(0),
                event: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            }
        })
        .collect();
    // Distinct users among the newest USER_EVENTS events, and whether there are more.
    let st = c
        .prepare_cached(
            "SELECT count(DISTINCT u) FILTER (WHERE n <= $2::int8), count(*) > $2::int8
             FROM (SELECT user_id_hash AS u, row_number() OVER (ORDER BY id DESC) AS n
                   FROM (SELECT id, user_id_hash FROM events WHERE issue_id = $1
                         ORDER BY id DESC LIMIT $2::int8 + 1) newest) numbered",
        )
        .await?;
    let r = c.query_one(&st, &[&id, &i64::from(USER_EVENTS)]).await?;
    let (users, users_capped): (i64, bool) = (r.get(0), r.get(1));
    let st = c
        .prepare_cached(
            "SELECT e.release, e.environment, coalesce(e.source, i.source),
                    coalesce(e.route_or_procedure, i.route_or_procedure), e.metadata
             FROM events e JOIN issues i ON i.id = e.issue_id
             WHERE e.issue_id = $1 ORDER BY e.id DESC LIMIT $2",
        )
        .await?;
    let tag_rows = c.query(&st, &[&id, &(i64::from(TAG_EVENTS) + 1)]).await?;
    let tags = tally_tags(
        tag_rows.iter().map(|r| TagEvent {
            columns: [r.get(0), r.get(1), r.get(2), r.get(3)],
            metadata: r.get(4),
        }),
        TAG_EVENTS,
        TAG_BYTES,
    );
    Ok(IssueDetail {
        releases: breakdown(
            &c,
            "SELECT release, count, first_seen, last_seen FROM issue_releases WHERE issue_id = $1
             ORDER BY count DESC, last_seen DESC LIMIT 100",
            id,
        )
        .await?,
        environments: breakdown(
            &c,
            "SELECT min(environment), sum(count)::int8 AS count, min(first_seen),
                    max(last_seen) AS last_seen
             FROM issue_slices WHERE issue_id = $1 GROUP BY environment
             ORDER BY count DESC, last_seen DESC LIMIT 100",
            id,
        )
        .await?,
        samples,
        latest: occurrences_on(&c, id, 1, 0).await?.into_iter().next(),
        users,
        users_capped,
        tags,
        #[cfg(feature = "llm-tracing")]
        llm: super::llm_usage::issue_cost_of(pg, id).await?,
        #[cfg(not(feature = "llm-tracing"))]
        llm: None,
        issue,
    })
}

/// Hourly counts of one issue for the last `hours` hours, oldest first, zero-filled.
pub async fn trend(
    pg: &Pg,
    issue_id: i64,
    hours: u32,
    now: i64,
) -> Result<Vec<HourCount>, StoreError> {
    let c = pg.client().await?;
    let start = now - now.rem_euclid(HOUR_MS) - (i64::from(hours) - 1) * HOUR_MS;
    let st = c
        .prepare_cached("SELECT hour, count FROM hourly_counts WHERE issue_id = $1 AND hour >= $2")
        .await?;
    let rows = c
        .query(&st, &[&issue_id, &start])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(zero_fill(rows, hours, now))
}

/// Hourly totals over the issues matching `q`, zero-filled (see [`lite::trends`]).
pub async fn trends(
    pg: &Pg,
    q: &IssueQuery,
    hours: u32,
    now: i64,
) -> Result<Vec<HourCount>, StoreError> {
    let c = pg.client().await?;
    let start = now - now.rem_euclid(HOUR_MS) - (i64::from(hours) - 1) * HOUR_MS;
    let mut args = vec![SqlValue::Integer(start)];
    let sql = if q.terms.is_empty() && q.since.is_none() && q.until.is_none() {
        let filter = match &q.projects {
            None => String::new(),
            Some(ps) => {
                let ph: Vec<String> = ps
                    .iter()
                    .map(|p| {
                        args.push(SqlValue::Text(p.clone()));
                        format!("${}", args.len())
                    })
                    .collect();
                if ph.is_empty() {
                    " AND false".to_string()
                } else {
                    format!(" AND project_id IN ({})", ph.join(", "))
                }
            }
        };
        format!(
            "SELECT hour, sum(count)::int8 FROM project_hourly WHERE hour >= $1{filter} GROUP BY hour"
        )
    } else {
        let wh = where_clause_in(q, &mut args, Dialect::Postgres);
        format!(
            "SELECT h.hour, sum(h.count)::int8 FROM hourly_counts h
             WHERE h.hour >= $1 AND h.issue_id IN (SELECT i.id FROM issues i WHERE {wh})
             GROUP BY h.hour"
        )
    };
    let p = params(args);
    let rows = c
        .query(&sql, &refs(&p))
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(zero_fill(rows, hours, now))
}

/// An issue's status changes, newest first.
pub async fn history(pg: &Pg, issue_id: i64) -> Result<Vec<StatusChange>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT old_status, new_status, actor, reason, release, changed_at FROM status_history
             WHERE issue_id = $1 ORDER BY changed_at DESC, id DESC",
        )
        .await?;
    Ok(c.query(&st, &[&issue_id])
        .await?
        .iter()
        .map(|r| StatusChange {
            old_status: r.get(0),
            new_status: r.get(1),
            changed_by: r.get(2),
            reason: r.get(3),
            release: r.get(4),
            changed_at: r.get(5),
        })
        .collect())
}

/// Changes issues' statuses in one transaction, all or none (see [`lite::set_statuses`]).
pub async fn set_statuses(
    pg: &Pg,
    changes: &[(i64, Status, Option<String>)],
    actor: &str,
) -> Result<Vec<StatusChangeResult>, StoreError> {
    let mut c = pg.client().await?;
    let now = now_ms();
    let tx = c.transaction().await?;
    let mut out = Vec::with_capacity(changes.len());
    // In id order, so two bulk changes cannot deadlock; answered in the order asked.
    let mut order: Vec<usize> = (0..changes.len()).collect();
    order.sort_by_key(|&k| changes[k].0);
    let mut results: Vec<Option<StatusChangeResult>> = vec![None; changes.len()];
    for k in order {
        let (id, status, release) = &changes[k];
        let release = if *status == Status::Resolved {
            release.as_deref().map(str::trim).filter(|r| !r.is_empty())
        } else {
            None
        };
        let row = tx
            .query_opt(
                "SELECT status, resolved_in_release FROM issues WHERE id = $1 FOR UPDATE",
                &[id],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound("issue not found".into()))?;
        let (old, old_release): (String, Option<String>) = (row.get(0), row.get(1));
        let changed = old != status.as_str() || old_release.as_deref() != release;
        if changed {
            tx.execute(
                "UPDATE issues SET status = $2, resolved_in_release = $3 WHERE id = $1",
                &[id, &status.as_str(), &release],
            )
            .await?;
            tx.execute(
                "INSERT INTO status_history (issue_id, old_status, new_status, actor, reason,
                     release, changed_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)",
                &[id, &old, &status.as_str(), &actor, &release, &now],
            )
            .await?;
        }
        results[k] = Some(StatusChangeResult {
            issue: by_id(&tx, *id).await?,
            previous_status: Status::parse(&old).unwrap_or(Status::Unresolved),
            previous_release: old_release,
            changed,
        });
    }
    tx.commit().await?;
    out.extend(results.into_iter().flatten());
    Ok(out)
}

/// `project_id IN (…)` for `projects` from parameter `$first` on, and its arguments.
pub(crate) fn project_scope(projects: Option<&[String]>, first: usize) -> (String, Params) {
    match projects {
        None => ("true".into(), Vec::new()),
        Some([]) => ("false".into(), Vec::new()),
        Some(ps) => (
            format!(
                "project_id IN ({})",
                (0..ps.len())
                    .map(|k| format!("${}", first + k))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ps.iter()
                .map(|p| -> Box<dyn ToSql + Sync + Send> { Box::new(p.clone()) })
                .collect(),
        ),
    }
}

/// Releases of `projects`, newest version first (see [`lite::releases`]).
pub async fn releases(
    pg: &Pg,
    projects: Option<&[String]>,
    limit: u32,
) -> Result<Vec<ReleaseSummary>, StoreError> {
    let c = pg.client().await?;
    let (scope, p) = project_scope(projects, 1);
    let sql = format!(
        "SELECT release, sum(issues)::int8, sum(events)::int8, min(first_seen), max(last_seen),
                sum(new_issues)::int8
         FROM release_totals WHERE {scope} GROUP BY release"
    );
    let mut rows: Vec<ReleaseSummary> = c
        .query(&sql, &refs(&p))
        .await?
        .iter()
        .map(|r| ReleaseSummary {
            release: r.get(0),
            issues: r.get(1),
            events: r.get(2),
            first_seen: r.get(3),
            last_seen: r.get(4),
            new_issues: r.get(5),
        })
        .collect();
    rows.sort_by(|a, b| {
        crate::release::newest_first((&a.release, a.first_seen), (&b.release, b.first_seen))
    });
    rows.truncate(limit as usize);
    Ok(rows)
}

/// Totals for the stats view (see [`lite::stats`]).
pub async fn stats(pg: &Pg, projects: Option<&[String]>, now: i64) -> Result<Stats, StoreError> {
    let c = pg.client().await?;
    let q = IssueQuery {
        projects: projects.map(<[String]>::to_vec),
        ..Default::default()
    };
    let mut args = Vec::new();
    let wh = where_clause_in(&q, &mut args, Dialect::Postgres);
    let p = params(args);
    let r = c
        .query_one(
            &format!(
                "SELECT count(*), count(*) FILTER (WHERE i.status = 'unresolved'),
                        coalesce(sum(i.total_count), 0)::int8
                 FROM issues i WHERE {wh}"
            ),
            &refs(&p),
        )
        .await?;
    let (total, unresolved, events): (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
    drop(c);
    let last24: i64 = trends(pg, &q, 24, now).await?.iter().map(|h| h.count).sum();
    let c = pg.client().await?;
    let top_routes = c
        .query(
            &format!(
                "SELECT i.route_or_procedure, sum(i.total_count)::int8 AS c FROM issues i
                 WHERE {wh} AND i.route_or_procedure IS NOT NULL
                 GROUP BY i.route_or_procedure ORDER BY c DESC LIMIT 10"
            ),
            &refs(&p),
        )
        .await?
        .iter()
        .map(|r| RouteCount {
            route: r.get(0),
            count: r.get(1),
        })
        .collect();
    Ok(Stats {
        total_errors: total,
        unresolved_errors: unresolved,
        total_events_24h: last24,
        total_events: events,
        top_routes,
    })
}

/// Every project as (id, name), oldest first.
pub async fn project_names(pg: &Pg) -> Result<Vec<(String, String)>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached("SELECT id, name FROM projects ORDER BY created_at, id")
        .await?;
    Ok(c.query(&st, &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Sparkline data for a page of issues (see [`lite::trends_by_issue`]), one query.
pub async fn trends_by_issue(
    pg: &Pg,
    ids: &[i64],
    hours: u32,
    now: i64,
) -> Result<HashMap<i64, Vec<HourCount>>, StoreError> {
    let start = now - now.rem_euclid(HOUR_MS) - (i64::from(hours) - 1) * HOUR_MS;
    let mut by_issue: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    if !ids.is_empty() {
        let c = pg.client().await?;
        let st = c
            .prepare_cached(
                "SELECT issue_id, hour, count FROM hourly_counts
                 WHERE hour >= $1 AND issue_id = ANY($2)",
            )
            .await?;
        for r in c.query(&st, &[&start, &ids]).await? {
            by_issue
                .entry(r.get(0))
                .or_default()
                .push((r.get(1), r.get(2)));
        }
    }
    Ok(ids
        .iter()
        .map(|id| {
            let rows = by_issue.remove(id).unwrap_or_default();
            (*id, zero_fill(rows, hours, now))
        })
        .collect())
}

/// Affected users of a page of issues, each counted among its newest `limit` events (see
/// [`lite::users_by_issue`]); issues without a user are left out. One query.
pub async fn users_by_issue(
    pg: &Pg,
    ids: &[i64],
    limit: u32,
) -> Result<HashMap<i64, (i64, bool)>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT i.id, count(DISTINCT n.u) FILTER (WHERE n.k <= $2::int8),
                    count(*) > $2::int8
             FROM unnest($1::int8[]) AS i(id)
             CROSS JOIN LATERAL (
                 SELECT user_id_hash AS u, row_number() OVER (ORDER BY id DESC) AS k
                 FROM (SELECT id, user_id_hash FROM events WHERE issue_id = i.id
                       ORDER BY id DESC LIMIT $2::int8 + 1) newest) n
             GROUP BY i.id",
        )
        .await?;
    Ok(c.query(&st, &[&ids, &i64::from(limit)])
        .await?
        .iter()
        .map(|r| {
            (
                r.get::<_, i64>(0),
                (r.get::<_, i64>(1), r.get::<_, bool>(2)),
            )
        })
        .filter(|(_, (n, _))| *n > 0)
        .collect())
}

/// The environments seen in `projects` (None = all), most events first (see
/// [`lite::environments`]).
pub async fn environments(pg: &Pg, projects: Option<&[String]>) -> Result<Vec<String>, StoreError> {
    let (scope, args) = project_scope(projects, 1);
    let c = pg.client().await?;
    let sql = format!(
        "SELECT min(environment) FROM environment_totals WHERE {scope} AND environment <> ''
         GROUP BY environment ORDER BY sum(events) DESC LIMIT 50"
    );
    let st = c.prepare_cached(&sql).await?;
    Ok(c.query(&st, &refs(&args))
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// Whether any issue exists at all.
pub async fn any(pg: &Pg) -> Result<bool, StoreError> {
    let c = pg.client().await?;
    Ok(c.query_one("SELECT EXISTS (SELECT 1 FROM issues)", &[])
        .await?
        .get(0))
}

/// One stored event of an issue with its neighbours and position (see [`lite::walk`]).
pub async fn walk(
    pg: &Pg,
    issue_id: i64,
    pick: lite::Pick,
) -> Result<Option<lite::EventWalk>, StoreError> {
    let c = pg.client().await?;
    let bound = |agg: &'static str, cond: &'static str| {
        format!("SELECT {agg}(id) FROM events WHERE issue_id = $1 AND {cond}")
    };
    let id: Option<i64> = match pick {
        lite::Pick::Latest => c
            .query_one(&bound("max", "true"), &[&issue_id])
            .await?
            .get(0),
        lite::Pick::Oldest => c
            .query_one(&bound("min", "true"), &[&issue_id])
            .await?
            .get(0),
        lite::Pick::Id(id) => Some(id),
    };
    let Some(id) = id else { return Ok(None) };
    let st = c
        .prepare_cached(&format!(
            "SELECT {OCC_COLS} FROM events e JOIN issues i ON i.id = e.issue_id
             WHERE e.id = $1 AND e.issue_id = $2"
        ))
        .await?;
    let Some(event) = c.query_opt(&st, &[&id, &issue_id]).await? else {
        return Ok(None);
    };
    let st = c
        .prepare_cached(
            "SELECT (SELECT max(id) FROM events WHERE issue_id = $1 AND id < $2),
                    (SELECT min(id) FROM events WHERE issue_id = $1 AND id > $2),
                    (SELECT count(*) FROM events WHERE issue_id = $1 AND id > $2),
                    (SELECT count(*) FROM events WHERE issue_id = $1)",
        )
        .await?;
    let r = c.query_one(&st, &[&issue_id, &id]).await?;
    Ok(Some(lite::EventWalk {
        event: occurrence(&event),
        older: r.get(0),
        newer: r.get(1),
        position: r.get::<_, i64>(2) + 1,
        total: r.get(3),
    }))
}
