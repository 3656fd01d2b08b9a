//! Reading and triaging issues: the filtered list, detail (breakdowns, samples, latest
//! occurrence), occurrences, hourly trends, status changes with history, releases and stats.
//! The API and the CLI both call these; the shapes are what they serialise.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{now_ms, StoreError};
use crate::search::{Field, Status, Term};

pub const HOUR_MS: i64 = 3_600_000;
pub const MAX_LIMIT: u32 = 200;
pub const DEFAULT_LIMIT: u32 = 50;
/// Longest trend window (90 days).
pub const MAX_TREND_HOURS: u32 = 24 * 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    LastSeen,
    FirstSeen,
    TotalCount,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "last_seen" => Some(Sort::LastSeen),
            "first_seen" => Some(Sort::FirstSeen),
            "total_count" => Some(Sort::TotalCount),
            _ => None,
        }
    }

    pub(crate) fn order_by(self) -> &'static str {
        // `id` breaks ties so pages are stable. The minute comes first so the recency indexes
        // (keyed on it, see migration 0009) give the order; within a minute rows are sorted.
        match self {
            Sort::LastSeen => "i.last_seen_minute DESC, i.last_seen DESC, i.id DESC",
            Sort::FirstSeen => "i.first_seen DESC, i.id DESC",
            Sort::TotalCount => "i.total_count DESC, i.id DESC",
        }
    }
}

/// A list query. `projects = None` means every project.
#[derive(Debug, Clone, Default)]
pub struct IssueQuery {
    pub projects: Option<Vec<String>>,
    pub terms: Vec<Term>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub sort: Sort,
    pub limit: u32,
    pub offset: u32,
    /// The dashboard user asking, whom `assigned:me` names (None for tokens and local commands:
    /// see [`check_me`]).
    pub me: Option<i64>,
}

/// The list parameters (API query string, CLI flags).
pub const LIST_PARAMS: &[&str] = &[
    "project",
    "status",
    "release",
    "environment",
    "env",
    "source",
    "route",
    "since",
    "until",
    "q",
    "sort",
    "limit",
    "offset",
];

/// A bad list parameter, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub field: String,
    pub message: String,
    pub limit: Option<u64>,
}

fn param_err(field: &str, message: impl Into<String>) -> ParamError {
    ParamError {
        field: field.into(),
        message: message.into(),
        limit: None,
    }
}

/// Reads an integer parameter in `min..=max`, naming it when it is not one.
pub fn u32_param(
    get: &impl Fn(&str) -> Option<String>,
    k: &str,
    min: u32,
    max: u32,
    default: u32,
) -> Result<u32, ParamError> {
    match get(k) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| ParamError {
                field: k.into(),
                message: format!("`{k}` must be an integer from {min} to {max}"),
                limit: Some(max as u64),
            }),
    }
}

/// Builds a query from list parameters (`project` becomes the only project when given).
pub fn query_from_params<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    now: i64,
) -> Result<IssueQuery, ParamError> {
    let get = |k: &str| get(k).filter(|v| !v.is_empty()).map(String::from);
    let mut terms = Vec::new();
    if let Some(q) = get("q") {
        terms = crate::search::parse(&q).map_err(|e| param_err("q", e.to_string()))?;
    }
    // `all` (as the dashboard's "All") is no status filter.
    if let Some(s) = get("status").filter(|s| !s.eq_ignore_ascii_case("all")) {
        if Status::parse(&s).is_none() {
            return Err(param_err(
                "status",
                "`status` must be unresolved, resolved, ignored, muted or all",
            ));
        }
        terms.push(Term::new(Field::Status, s));
    }
    for (k, f) in [
        ("release", Field::Release),
        ("environment", Field::Environment),
        ("env", Field::Environment),
        ("source", Field::Source),
        ("route", Field::Route),
    ] {
        if let Some(v) = get(k) {
            terms.push(Term::new(f, v));
        }
    }
    let sort = match get("sort") {
        None => Sort::LastSeen,
        Some(s) => Sort::parse(&s).ok_or_else(|| {
            param_err(
                "sort",
                "`sort` must be last_seen, first_seen or total_count",
            )
        })?,
    };
    let time = |k: &str| -> Result<Option<i64>, ParamError> {
        match get(k) {
            None => Ok(None),
            Some(v) => crate::timefmt::parse_time(&v, now)
                .map(Some)
                .ok_or_else(|| {
                    param_err(
                        k,
                        format!("`{k}` must be epoch milliseconds or a duration like 24h, 7d"),
                    )
                }),
        }
    };
    Ok(IssueQuery {
        projects: get("project").map(|p| vec![p]),
        terms,
        since: time("since")?,
        until: time("until")?,
        sort,
        limit: u32_param(&get, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT)?,
        offset: u32_param(&get, "offset", 0, u32::MAX, 0)?,
        me: None,
    })
}

/// Sets who `assigned:me` means (`user`: the signed-in dashboard user's id), or refuses the
/// term when nobody is signed in: an API token or a local command has no dashboard user (tokens
/// do not record who created them), so it must name one (`assigned:<name>`).
pub fn check_me(q: &mut IssueQuery, user: Option<i64>) -> Result<(), ParamError> {
    q.me = user;
    let asks_me = q
        .terms
        .iter()
        .any(|t| t.field == Field::Assigned && t.value.eq_ignore_ascii_case("me"));
    if asks_me && user.is_none() {
        return Err(param_err(
            "q",
            "`assigned:me` needs a dashboard session (a token or a local command has no user); \
             use assigned:<name>",
        ));
    }
    Ok(())
}

/// One issue, in the field names existing bloop scripts read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct IssueRow {
    pub project_id: String,
    pub fingerprint: String,
    pub error_type: String,
    pub message: String,
    pub source: String,
    pub route_or_procedure: Option<String>,
    pub screen: Option<String>,
    pub status: Status,
    /// Events ever, in every release and environment.
    pub total_count: i64,
    /// Events within the list's release and environment filters (`total_count` without them).
    #[serde(default)]
    pub count: i64,
    pub first_seen: i64,
    pub last_seen: i64,
    /// The last release seen.
    pub release: String,
    /// The last environment seen.
    pub environment: String,
    pub resolved_in_release: Option<String>,
    /// The dashboard user the issue is assigned to (their name); null = nobody.
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(skip)]
    pub id: i64,
}

pub(crate) const ISSUE_COLS: &str =
    "i.project_id, i.fingerprint, i.error_type, i.message, i.source,
    i.route_or_procedure, i.screen, i.status, i.total_count, i.first_seen, i.last_seen,
    i.release, i.environment, i.resolved_in_release, i.id";

/// [`ISSUE_COLS`], the `count` column (`count` an expression: the total, or a count within the
/// list's filters) and the assignee's name (a primary-key lookup per row).
pub(crate) fn issue_cols(count: &str) -> String {
    format!("{ISSUE_COLS}, {count}, (SELECT u.name FROM users u WHERE u.id = i.assignee_id)")
}

pub(crate) fn issue_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssueRow> {
    let status: String = r.get(7)?;
    Ok(IssueRow {
        project_id: r.get(0)?,
        fingerprint: r.get(1)?,
        error_type: r.get(2)?,
        message: r.get(3)?,
        source: r.get(4)?,
        route_or_procedure: r.get(5)?,
        screen: r.get(6)?,
        status: Status::parse(&status).unwrap_or(Status::Unresolved),
        total_count: r.get(8)?,
        first_seen: r.get(9)?,
        last_seen: r.get(10)?,
        release: r.get(11)?,
        environment: r.get(12)?,
        resolved_in_release: r.get(13)?,
        id: r.get(14)?,
        count: r.get(15)?,
        assignee: r.get(16)?,
    })
}

fn like_pattern(s: &str) -> String {
    let mut p = String::with_capacity(s.len() + 2);
    p.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The SQL dialect a shared query is written in (the list's filters are the same on both
/// backends; only spellings differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The placeholder of the `n`th argument.
    pub(crate) fn ph(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    pub(crate) fn bool(self, b: bool) -> &'static str {
        match (self, b) {
            (Dialect::Sqlite, false) => "0",
            (Dialect::Sqlite, true) => "1",
            (Dialect::Postgres, false) => "false",
            (Dialect::Postgres, true) => "true",
        }
    }
}

/// Builds the WHERE clause (over `issues i`) for `q`, pushing its arguments.
fn where_clause(q: &IssueQuery, args: &mut Vec<SqlValue>) -> String {
    where_clause_in(q, args, Dialect::Sqlite)
}

/// [`where_clause`] in `d`.
pub(crate) fn where_clause_in(q: &IssueQuery, args: &mut Vec<SqlValue>, d: Dialect) -> String {
    let mut parts: Vec<String> = Vec::new();
    // A filter on a column only the rows hold (search, source, route, type) reads every
    // candidate row anyway, and no index gives the order of the other sorts: one pass over the
    // table beats fetching rows one by one in an index's order (a search in 19,800 unresolved
    // issues: 4 ms against 35; the count of source=ios: 4 against 20). The unary `+` keeps
    // SQLite off the project and status indexes then; the matches are sorted (a page's worth
    // kept). A user's issues (`assigned:<user>`, `assigned:me`) are few and come from the
    // assignee index (migration 0024): the `+` keeps SQLite from preferring the project and
    // status indexes, which would read every issue of the project to find them.
    let by_assignee = q
        .terms
        .iter()
        .any(|t| t.field == Field::Assigned && !t.negate && !t.value.eq_ignore_ascii_case("none"));
    let scan = if d == Dialect::Postgres {
        // PostgreSQL plans from statistics; there is no unary plus on text either.
        ""
    } else if by_assignee
        || q.sort != Sort::LastSeen
        || q.terms.iter().any(|t| {
            matches!(
                t.field,
                Field::Text | Field::Source | Field::Route | Field::Type
            )
        })
    {
        "+"
    } else {
        ""
    };
    let arg = |args: &mut Vec<SqlValue>, v: SqlValue| {
        args.push(v);
        d.ph(args.len())
    };
    let (no, yes) = (d.bool(false), d.bool(true));
    if let Some(projects) = &q.projects {
        if projects.is_empty() {
            parts.push(no.into());
        } else {
            let ph: Vec<String> = projects
                .iter()
                .map(|p| arg(args, SqlValue::Text(p.clone())))
                .collect();
            parts.push(format!("{scan}i.project_id IN ({})", ph.join(", ")));
        }
    }
    // With one environment and a release, the slice condition below implies the environment's.
    let joint_env = q
        .terms
        .iter()
        .any(|t| t.field == Field::Release && !t.negate)
        && q.terms
            .iter()
            .filter(|t| t.field == Field::Environment && !t.negate)
            .count()
            == 1;
    for t in &q.terms {
        if joint_env && t.field == Field::Environment && !t.negate {
            continue;
        }
        // `none` and `me` are words, any other value a user's name (case-insensitive, as names
        // are unique; an unknown name matches nothing). A user's issues come from the partial
        // index on the assignee (migration 0024).
        let assigned = match (t.field, t.value.to_ascii_lowercase().as_str()) {
            (Field::Assigned, "none") => Some("i.assignee_id IS NULL".to_string()),
            (Field::Assigned, "me") => Some(match q.me {
                Some(id) => format!("i.assignee_id = {id}"),
                None => no.into(),
            }),
            _ => None,
        };
        if let Some(cond) = assigned {
            parts.push(if t.negate {
                format!("NOT coalesce({cond}, {no})")
            } else {
                cond
            });
            continue;
        }
        let v = arg(
            args,
            SqlValue::Text(if t.field == Field::Text {
                like_pattern(&t.value)
            } else {
                t.value.clone()
            }),
        );
        let cond = match t.field {
            Field::Status => format!("{scan}i.status = {v}"),
            // The issues of a release come from the release's index (one range read): a rare
            // release is not probed issue by issue.
            Field::Release => format!(
                "i.id IN (SELECT r.issue_id FROM issue_releases r WHERE r.release = {v})"
            ),
            // One key lookup per issue in (issue, environment, release) order (migration 0020).
            Field::Environment => format!(
                "EXISTS (SELECT 1 FROM issue_slices e WHERE e.issue_id = i.id AND e.environment = {v})"
            ),
            Field::Source => format!("i.source = {v} COLLATE NOCASE"),
            Field::Route => format!("coalesce(i.route_or_procedure, '') = {v} COLLATE NOCASE"),
            Field::Type => format!("i.error_type = {v} COLLATE NOCASE"),
            // SQLite's LIKE ignores ASCII case.
            Field::Text if d == Dialect::Postgres => format!(
                "(i.message ILIKE {v} ESCAPE '\\' OR i.error_type ILIKE {v} ESCAPE '\\')"
            ),
            Field::Text => format!(
                "(i.message LIKE {v} ESCAPE '\\' OR i.error_type LIKE {v} ESCAPE '\\')"
            ),
            // Names are unique without case (NOCASE on SQLite, an index on lower() here).
            Field::Assigned if d == Dialect::Postgres => format!(
                "i.assignee_id = (SELECT u.id FROM users u WHERE lower(u.name) = lower({v}))"
            ),
            Field::Assigned => {
                format!("i.assignee_id = (SELECT u.id FROM users u WHERE u.name = {v})")
            }
        };
        parts.push(match (t.negate, t.field) {
            // An unassigned issue is not assigned to anyone named: NULL is no match.
            (true, Field::Assigned) => format!("NOT coalesce({cond}, {no})"),
            (true, _) => format!("NOT ({cond})"),
            (false, _) => cond,
        });
    }
    // A release and an environment together mean events in both at once (the slice), as the
    // list's `count` says: not an issue seen in the release somewhere else and in the
    // environment in another release.
    let positive = |f: Field| {
        q.terms
            .iter()
            .filter(move |t| t.field == f && !t.negate)
            .map(|t| t.value.clone())
            .collect::<Vec<_>>()
    };
    let (releases, environments) = (positive(Field::Release), positive(Field::Environment));
    if !releases.is_empty() && !environments.is_empty() {
        let marks = |vals: Vec<String>, args: &mut Vec<SqlValue>| -> String {
            vals.into_iter()
                .map(|v| arg(args, SqlValue::Text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let e = marks(environments, args);
        let r = marks(releases, args);
        parts.push(format!(
            "EXISTS (SELECT 1 FROM issue_slices s WHERE s.issue_id = i.id
                 AND s.environment IN ({e}) AND s.release IN ({r}))"
        ));
    }
    // An issue belongs to a window when it was active in it.
    if let Some(since) = q.since {
        let v = arg(args, SqlValue::Integer(since));
        let m = arg(args, SqlValue::Integer(super::ingest::minute(since)));
        // The minute bound lets the recency indexes narrow the scan.
        parts.push(format!("i.last_seen_minute >= {m} AND i.last_seen >= {v}"));
    }
    if let Some(until) = q.until {
        let v = arg(args, SqlValue::Integer(until));
        parts.push(format!("i.first_seen <= {v}"));
    }
    if parts.is_empty() {
        yes.into()
    } else {
        parts.join(" AND ")
    }
}

/// The `count` column when `q` filters by release or environment: an issue's events within the
/// (non-negated) release and environment terms, from the per-slice counts. `None` without such
/// terms (`count` is then the total).
fn count_within(q: &IssueQuery, args: &mut Vec<SqlValue>) -> Option<String> {
    count_within_in(q, args, Dialect::Sqlite)
}

/// [`count_within`] in `d`.
pub(crate) fn count_within_in(
    q: &IssueQuery,
    args: &mut Vec<SqlValue>,
    d: Dialect,
) -> Option<String> {
    let values = |field: Field, args: &mut Vec<SqlValue>| -> Vec<String> {
        q.terms
            .iter()
            .filter(|t| t.field == field && !t.negate)
            .map(|t| {
                args.push(SqlValue::Text(t.value.clone()));
                d.ph(args.len())
            })
            .collect()
    };
    let releases = values(Field::Release, args);
    let environments = values(Field::Environment, args);
    if releases.is_empty() && environments.is_empty() {
        return None;
    }
    let mut cond = String::from("s.issue_id = i.id");
    if !releases.is_empty() {
        cond.push_str(&format!(" AND s.release IN ({})", releases.join(", ")));
    }
    if !environments.is_empty() {
        cond.push_str(&format!(
            " AND s.environment IN ({})",
            environments.join(", ")
        ));
    }
    let cast = if d == Dialect::Postgres { "::int8" } else { "" };
    Some(format!(
        "(SELECT coalesce(sum(s.count), 0){cast} FROM issue_slices s WHERE {cond})"
    ))
}

/// The only project, when there is exactly one.
fn only_project(conn: &Connection) -> Result<Option<String>, StoreError> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM projects LIMIT 2")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(match <[String; 1]>::try_from(ids) {
        Ok([id]) => Some(id),
        Err(_) => None,
    })
}

/// One page of issues and the total that match.
pub fn list(conn: &Connection, q: &IssueQuery) -> Result<(Vec<IssueRow>, i64), StoreError> {
    // "Every project" on a server with one is that project: named, the recency index gives
    // the page in order instead of a sort of every match.
    let pinned;
    let q = match (&q.projects, only_project(conn)?) {
        (None, Some(p)) => {
            pinned = IssueQuery {
                projects: Some(vec![p]),
                ..q.clone()
            };
            &pinned
        }
        _ => q,
    };
    let mut args = Vec::new();
    let wh = where_clause(q, &mut args);
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM issues i WHERE {wh}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let limit = if q.limit == 0 { DEFAULT_LIMIT } else { q.limit };
    let cols = issue_cols(
        count_within(q, &mut args)
            .as_deref()
            .unwrap_or("i.total_count"),
    );
    // The page's ids first (sorted from the index alone when it can), then its rows and their
    // counts within the filters: those are computed for the page, not for every match.
    let order = q.sort.order_by();
    let sql = format!(
        "SELECT {cols} FROM issues i WHERE i.id IN (
             SELECT i.id FROM issues i WHERE {wh} ORDER BY {order} LIMIT {limit} OFFSET {})
         ORDER BY {order}",
        q.offset
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st
        .query_map(params_from_iter(args.iter()), issue_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}

/// Issues matched by a short fingerprint: several of one project are ambiguous.
pub(crate) fn short_match(fp: &str, found: Vec<IssueRow>) -> Result<Vec<IssueRow>, StoreError> {
    if found.len() > 1 && found.iter().all(|i| i.project_id == found[0].project_id) {
        return Err(StoreError::Invalid {
            field: "fingerprint".into(),
            message: format!("`{fp}` matches several issues; give more digits"),
        });
    }
    Ok(found)
}

/// The one issue `fp` found, or why not.
pub(crate) fn pick_found(fp: &str, mut found: Vec<IssueRow>) -> Result<IssueRow, StoreError> {
    match found.len() {
        0 => Err(StoreError::NotFound(format!(
            "no issue with fingerprint `{fp}`"
        ))),
        1 => Ok(found.remove(0)),
        _ => Err(StoreError::Invalid {
            field: "project".into(),
            message: format!(
                "fingerprint `{fp}` exists in several projects ({}); pass project",
                found
                    .iter()
                    .map(|i| i.project_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// Finds the issue with fingerprint `fp` among `projects` (None = all). A fingerprint present in
/// several of them needs a project to pick one.
pub fn find(
    conn: &Connection,
    projects: Option<&[String]>,
    fp: &str,
) -> Result<IssueRow, StoreError> {
    let lookup = |sql: &str, arg: &str| -> Result<Vec<IssueRow>, StoreError> {
        let mut st = conn.prepare_cached(&format!(
            "SELECT {} FROM issues i WHERE {sql} ORDER BY i.last_seen DESC LIMIT 20",
            issue_cols("i.total_count")
        ))?;
        let mut rows: Vec<IssueRow> = st
            .query_map([arg], issue_row)?
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(ps) = projects {
            rows.retain(|i| ps.contains(&i.project_id));
        }
        Ok(rows)
    };
    let mut found = lookup("i.fingerprint = ?1", fp)?;
    // The short fingerprints tables show (at least 6 hex digits) work too.
    if found.is_empty()
        && fp.len() >= 6
        && fp.len() < 16
        && fp.bytes().all(|b| b.is_ascii_hexdigit())
    {
        found = lookup(
            "i.fingerprint >= ?1 AND i.fingerprint < ?1 || 'g'",
            &fp.to_ascii_lowercase(),
        )?;
        found = short_match(fp, found)?;
    }
    pick_found(fp, found)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Breakdown {
    /// The release or environment.
    pub name: String,
    pub count: i64,
    pub first_seen: i64,
    pub last_seen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Sample {
    pub received_at: i64,
    pub event: serde_json::Value,
}

/// One raw event as received.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Occurrence {
    pub id: i64,
    pub received_at: i64,
    pub timestamp: i64,
    pub error_type: String,
    pub message: String,
    pub source: String,
    pub environment: String,
    pub release: String,
    pub app_version: Option<String>,
    pub build_number: Option<String>,
    pub route_or_procedure: Option<String>,
    pub screen: Option<String>,
    pub stack: Option<String>,
    pub http_status: Option<i64>,
    pub request_id: Option<String>,
    pub user_id_hash: Option<String>,
    pub device_id_hash: Option<String>,
    pub metadata: Option<serde_json::Value>,
    /// Present (true) when `timestamp` was not believed: more than 5 minutes ahead of
    /// `received_at` or older than the retention window; the event then counts at `received_at`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub time_clamped: bool,
    /// The stack frames, structured (oldest first), when the client sent them so (Sentry SDKs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct IssueDetail {
    pub issue: IssueRow,
    pub releases: Vec<Breakdown>,
    pub environments: Vec<Breakdown>,
    pub samples: Vec<Sample>,
    pub latest: Option<Occurrence>,
    /// Affected users: distinct `user_id_hash` values among the issue's stored events (raw
    /// events are kept for the retention window only), or among its newest 25,000 when
    /// `users_capped`.
    #[serde(default)]
    pub users: i64,
    /// Present (true) when the issue has more stored events than `users` counted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub users_capped: bool,
    /// The top values of each tag among the issue's newest stored events.
    #[serde(default)]
    pub tags: TagBreakdown,
    /// The LLM spend of the traces the issue's events named (`metadata.trace_id`); absent when
    /// none did, and in builds without LLM tracing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm: Option<super::issue_traces::IssueCost>,
}

/// Counts of one issue by `col` (release or environment), most first; `table` holds one row per
/// value (a table, or a grouping subquery over the slices).
fn breakdown(
    conn: &Connection,
    table: &str,
    col: &str,
    id: i64,
) -> Result<Vec<Breakdown>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {col}, count, first_seen, last_seen FROM {table} WHERE issue_id = ?1
         ORDER BY count DESC, last_seen DESC LIMIT 100"
    ))?;
    let rows = st
        .query_map([id], |r| {
            Ok(Breakdown {
                name: r.get(0)?,
                count: r.get(1)?,
                first_seen: r.get(2)?,
                last_seen: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) const OCC_COLS: &str =
    "e.id, e.received_at, e.timestamp, coalesce(e.error_type, i.error_type), e.message,
    coalesce(e.source, i.source), e.environment, e.release, e.app_version, e.build_number,
    coalesce(e.route_or_procedure, i.route_or_procedure), coalesce(e.screen, i.screen), e.stack,
    e.http_status, e.request_id, e.user_id_hash, e.device_id_hash, e.metadata,
    e.time_clamped IS NOT NULL, e.frames";

fn occurrence(r: &rusqlite::Row<'_>) -> rusqlite::Result<Occurrence> {
    let meta: Option<String> = r.get(17)?;
    Ok(Occurrence {
        id: r.get(0)?,
        received_at: r.get(1)?,
        timestamp: r.get(2)?,
        error_type: r.get(3)?,
        message: r.get(4)?,
        source: r.get(5)?,
        environment: r.get(6)?,
        release: r.get(7)?,
        app_version: r.get(8)?,
        build_number: r.get(9)?,
        route_or_procedure: r.get(10)?,
        screen: r.get(11)?,
        stack: r.get(12)?,
        http_status: r.get(13)?,
        request_id: r.get(14)?,
        user_id_hash: r.get(15)?,
        device_id_hash: r.get(16)?,
        metadata: meta.and_then(|m| serde_json::from_str(&m).ok()),
        time_clamped: r.get(18)?,
        frames: r
            .get::<_, Option<String>>(19)?
            .and_then(|f| serde_json::from_str(&f).ok()),
    })
}

/// The ids of an issue's stored events (`?1` the issue): the indexed ones (`event_issues`) and
/// the writer's not yet indexed tail. Used in one statement, both parts come from the same
/// snapshot.
const ISSUE_EVENT_IDS: &str = "SELECT id FROM events
             WHERE id > (SELECT through FROM event_index) AND issue_id = ?1
             UNION ALL
             SELECT id FROM event_issues
             WHERE issue_id = ?1 AND id <= (SELECT through FROM event_index)";

/// Raw events of an issue, newest first.
pub fn occurrences(
    conn: &Connection,
    issue_id: i64,
    limit: u32,
    offset: u32,
) -> Result<Vec<Occurrence>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        // The indexed events (`event_issues`) and the writer's not yet indexed tail, merged
        // newest first; one statement, so both parts come from the same snapshot.
        "SELECT {OCC_COLS} FROM events e JOIN issues i ON i.id = e.issue_id
         WHERE e.id IN ({ISSUE_EVENT_IDS} ORDER BY 1 DESC LIMIT ?2 OFFSET ?3)
         ORDER BY e.id DESC"
    ))?;
    let rows = st
        .query_map(params![issue_id, limit, offset], occurrence)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Which stored event of an issue to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Latest,
    Oldest,
    Id(i64),
}

/// One stored event of an issue and where it stands among the others.
#[derive(Debug, Clone, PartialEq)]
pub struct EventWalk {
    pub event: Occurrence,
    /// The next older and the next newer stored event of the issue.
    pub older: Option<i64>,
    pub newer: Option<i64>,
    /// 1 for the newest.
    pub position: i64,
    /// The issue's stored events.
    pub total: i64,
}

/// The extreme id of an issue's stored events within a range (`agg` min or max; `?1` the
/// issue, `?2`..`?3` the exclusive id bounds): the indexed part and the writer's tail, each an
/// index seek.
fn event_id_bound(
    conn: &Connection,
    issue_id: i64,
    agg: &str,
    above: i64,
    below: i64,
) -> Result<Option<i64>, StoreError> {
    let sql = format!(
        "SELECT {agg}(x) FROM (
           SELECT {agg}(id) AS x FROM event_issues
            WHERE issue_id = ?1 AND id > ?2 AND id < ?3 AND id <= (SELECT through FROM event_index)
           UNION ALL
           SELECT {agg}(id) FROM events
            WHERE id > max(?2, (SELECT through FROM event_index)) AND id < ?3 AND issue_id = ?1)"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![issue_id, above, below], |r| r.get(0))?)
}

/// How many of an issue's stored events have an id above `above`.
fn events_above(conn: &Connection, issue_id: i64, above: i64) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM event_issues
                      WHERE issue_id = ?1 AND id > ?2 AND id <= (SELECT through FROM event_index))
                  + (SELECT count(*) FROM events
                      WHERE id > max(?2, (SELECT through FROM event_index)) AND issue_id = ?1)",
        )?
        .query_row(params![issue_id, above], |r| r.get(0))?)
}

/// One stored event of an issue (the latest, the oldest, or one by id) with its older and
/// newer neighbours and its position; `None` when the issue has no stored event (or not that
/// one).
pub fn walk(conn: &Connection, issue_id: i64, pick: Pick) -> Result<Option<EventWalk>, StoreError> {
    let id = match pick {
        Pick::Latest => event_id_bound(conn, issue_id, "max", i64::MIN, i64::MAX)?,
        Pick::Oldest => event_id_bound(conn, issue_id, "min", i64::MIN, i64::MAX)?,
        Pick::Id(id) => Some(id),
    };
    let Some(id) = id else { return Ok(None) };
    let event = conn
        .prepare_cached(&format!(
            "SELECT {OCC_COLS} FROM events e JOIN issues i ON i.id = e.issue_id
             WHERE e.id = ?1 AND e.issue_id = ?2"
        ))?
        .query_row(params![id, issue_id], occurrence)
        .optional()?;
    let Some(event) = event else { return Ok(None) };
    let newer_count = events_above(conn, issue_id, id)?;
    Ok(Some(EventWalk {
        older: event_id_bound(conn, issue_id, "max", i64::MIN, id)?,
        newer: event_id_bound(conn, issue_id, "min", id, i64::MAX)?,
        position: newer_count + 1,
        total: events_above(conn, issue_id, i64::MIN)?,
        event,
    }))
}

/// How many of an issue's newest stored events the user count reads: a row lookup each (0.5 µs
/// for a bloop event, several for a Sentry event whose row spills over a page), so the page
/// stays within its budget on issues of any size.
pub const USER_EVENTS: u32 = 25_000;

/// Distinct users (`user_id_hash`) among the newest `limit` stored events of an issue, and
/// whether it has more stored events than that.
pub fn users(conn: &Connection, issue_id: i64, limit: u32) -> Result<(i64, bool), StoreError> {
    // Counted in a hash set here rather than by SQLite's `count(DISTINCT)`, which sorts the
    // hashes in a temporary b-tree.
    let mut st = conn.prepare_cached(&format!(
        "SELECT e.user_id_hash FROM events e
         WHERE e.id IN ({ISSUE_EVENT_IDS} ORDER BY 1 DESC LIMIT ?2)"
    ))?;
    // One more than counted tells whether there are more.
    let mut rows = st.query(params![issue_id, i64::from(limit) + 1])?;
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut read = 0u32;
    while let Some(r) = rows.next()? {
        if read == limit {
            return Ok((seen.len() as i64, true));
        }
        read += 1;
        if let rusqlite::types::ValueRef::Text(t) = r.get_ref(0)? {
            if !seen.contains(t) {
                seen.insert(t.to_vec());
            }
        }
    }
    Ok((seen.len() as i64, false))
}

/// How many of each issue's newest stored events the issue list reads for its user counts: a
/// page of 50 issues reads at most 25,000 rows, as one issue page does.
pub const LIST_USER_EVENTS: u32 = 500;

/// Affected users of each issue in `ids` (a page of the list), counted as [`users`] counts them
/// among each one's newest `limit` stored events. Issues without a user are left out.
pub fn users_by_issue(
    conn: &Connection,
    ids: &[i64],
    limit: u32,
) -> Result<HashMap<i64, (i64, bool)>, StoreError> {
    let mut out = HashMap::new();
    for &id in ids {
        let (n, capped) = users(conn, id, limit)?;
        if n > 0 {
            out.insert(id, (n, capped));
        }
    }
    Ok(out)
}

/// How many of an issue's newest stored events the tags breakdown reads at most: enough for the
/// shares to be right within a percent or two.
pub const TAG_EVENTS: u32 = 5_000;
/// How much metadata text the tags breakdown reads at most (it stops after the event that
/// crosses it): 5,000 flat bloop metadata objects fit, about 700 Sentry events of 3 KB do.
/// Reading and parsing is what costs (about 5 ms a megabyte).
pub const TAG_BYTES: usize = 2 << 20;
/// Values shown per tag.
pub const TAG_TOP: usize = 10;
/// Tag keys counted (the first ones met, newest events first): a client sending a new key in
/// every event cannot make the page unbounded.
pub const MAX_TAG_KEYS: usize = 50;
/// Longer tag values are cut (Sentry's own limit is 200 characters).
const MAX_TAG_VALUE: usize = 200;
/// The event columns every breakdown starts with.
const COLUMN_TAGS: [&str; 4] = ["release", "environment", "source", "route"];

/// The top values of each tag among an issue's newest stored events.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TagBreakdown {
    /// The events counted: the issue's newest stored ones, at most 5,000.
    pub events: i64,
    /// True when the issue has more stored events than were counted.
    pub capped: bool,
    /// `release`, `environment`, `source` and `route` (the event's columns), then the keys of
    /// `metadata.tags` and the metadata's other keys with a scalar value, most frequent first.
    pub tags: Vec<TagCounts>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TagCounts {
    pub key: String,
    /// Counted events that carry the tag.
    pub events: i64,
    /// Distinct values among them.
    pub distinct: i64,
    /// The most frequent values, most first (at most 10).
    pub values: Vec<TagValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TagValue {
    pub value: String,
    pub count: i64,
}

/// Counts per tag key and value, keys in the order first met.
struct TagTally {
    keys: Vec<(String, HashMap<String, i64>)>,
    index: HashMap<String, usize>,
}

impl TagTally {
    /// A tally whose first keys are the columns.
    fn new() -> Self {
        let mut t = TagTally {
            keys: Vec::new(),
            index: HashMap::new(),
        };
        for c in COLUMN_TAGS {
            t.index.insert(c.to_string(), t.keys.len());
            t.keys.push((c.to_string(), HashMap::new()));
        }
        t
    }

    fn add(&mut self, key: &str, value: &str) {
        let k = match self.index.get(key) {
            Some(k) => *k,
            None if self.keys.len() < COLUMN_TAGS.len() + MAX_TAG_KEYS => {
                self.keys.push((key.to_string(), HashMap::new()));
                self.index.insert(key.to_string(), self.keys.len() - 1);
                self.keys.len() - 1
            }
            None => return,
        };
        let value = cut(value, MAX_TAG_VALUE);
        let counts = &mut self.keys[k].1;
        match counts.get_mut(value) {
            Some(n) => *n += 1,
            None => {
                counts.insert(value.to_string(), 1);
            }
        }
    }

    fn finish(self) -> Vec<TagCounts> {
        let mut out: Vec<TagCounts> = self
            .keys
            .into_iter()
            .map(|(key, counts)| {
                let mut values: Vec<TagValue> = counts
                    .into_iter()
                    .map(|(value, count)| TagValue { value, count })
                    .collect();
                let distinct = values.len() as i64;
                let events = values.iter().map(|v| v.count).sum();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                values.truncate(TAG_TOP);
                TagCounts {
                    key,
                    events,
                    distinct,
                    values,
                }
            })
            .collect();
        // The columns first, in their order; then the most carried tags.
        let rank = |t: &TagCounts| COLUMN_TAGS.iter().position(|c| *c == t.key);
        out.sort_by(|a, b| match (rank(a), rank(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.events.cmp(&a.events).then_with(|| a.key.cmp(&b.key)),
        });
        out
    }
}

/// At most `max` bytes of `s`, cut on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A scalar JSON value as tag text (strings unquoted); None for null, objects and arrays.
fn scalar(raw: &serde_json::value::RawValue) -> Option<std::borrow::Cow<'_, str>> {
    let t = raw.get();
    match t.as_bytes().first()? {
        b'"' => serde_json::from_str::<std::borrow::Cow<'_, str>>(t).ok(),
        b'{' | b'[' | b'n' => None,
        _ => Some(std::borrow::Cow::Borrowed(t)),
    }
}

/// Adds one event's metadata to `tally`: the keys of its `tags` object, and its other top-level
/// keys with a scalar value (bloop clients send flat metadata). A key in both counts once (the
/// tag's value).
fn tally_metadata(tally: &mut TagTally, metadata: &str) {
    // Keys in order, so which ones make the cap does not depend on hashing.
    type Raw<'a> = BTreeMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>;
    // Borrowed: nested parts (contexts, breadcrumbs, request) are checked, not copied.
    let Ok(top) = serde_json::from_str::<Raw<'_>>(metadata) else {
        return;
    };
    let tags = top
        .get("tags")
        .and_then(|t| serde_json::from_str::<Raw<'_>>(t.get()).ok());
    if let Some(tags) = &tags {
        for (k, v) in tags {
            if let Some(v) = scalar(v) {
                tally.add(k, &v);
            }
        }
    }
    for (k, v) in &top {
        if k == "tags" || tags.as_ref().is_some_and(|t| t.contains_key(k)) {
            continue;
        }
        if let Some(v) = scalar(v) {
            tally.add(k, &v);
        }
    }
}

/// The top values of each tag among the newest `limit` stored events of an issue, stopping
/// early after the event whose metadata brings the text read to `max_bytes`.
pub fn tags(
    conn: &Connection,
    issue_id: i64,
    limit: u32,
    max_bytes: usize,
) -> Result<TagBreakdown, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT e.release, e.environment, coalesce(e.source, i.source),
                coalesce(e.route_or_procedure, i.route_or_procedure), e.metadata
         FROM events e JOIN issues i ON i.id = e.issue_id
         WHERE e.id IN ({ISSUE_EVENT_IDS} ORDER BY 1 DESC LIMIT ?2)
         ORDER BY e.id DESC"
    ))?;
    // One more than counted tells whether there are more.
    let mut rows = st.query(params![issue_id, i64::from(limit) + 1])?;
    let text = |r: &rusqlite::Row<'_>, k: usize| -> rusqlite::Result<Option<String>> {
        Ok(match r.get_ref(k)? {
            rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
            _ => None,
        })
    };
    let mut events = Vec::new();
    while let Some(r) = rows.next()? {
        events.push(TagEvent {
            columns: [text(r, 0)?, text(r, 1)?, text(r, 2)?, text(r, 3)?],
            metadata: text(r, 4)?,
        });
    }
    Ok(tally_tags(events, limit, max_bytes))
}

/// One stored event as the tags breakdown reads it: its release, environment, source and route,
/// and its metadata text.
pub(crate) struct TagEvent {
    pub columns: [Option<String>; 4],
    pub metadata: Option<String>,
}

/// The tags breakdown of `events` (newest first, one more than `limit` when there are more),
/// stopping after the event whose metadata brings the text read to `max_bytes`.
pub(crate) fn tally_tags(
    events: impl IntoIterator<Item = TagEvent>,
    limit: u32,
    max_bytes: usize,
) -> TagBreakdown {
    let mut tally = TagTally::new();
    let mut counted = 0i64;
    let mut bytes = 0usize;
    let mut capped = false;
    for e in events {
        if counted == i64::from(limit) || bytes >= max_bytes {
            capped = true;
            break;
        }
        counted += 1;
        for (k, key) in COLUMN_TAGS.iter().enumerate() {
            if let Some(v) = e.columns[k].as_deref().filter(|v| !v.is_empty()) {
                tally.add(key, v);
            }
        }
        if let Some(m) = &e.metadata {
            bytes += m.len();
            tally_metadata(&mut tally, m);
        }
    }
    let mut tags = tally.finish();
    // A column no counted event filled (no route, say) says nothing.
    tags.retain(|t| t.events > 0);
    TagBreakdown {
        events: counted,
        capped,
        tags,
    }
}

pub fn detail(conn: &Connection, issue: IssueRow) -> Result<IssueDetail, StoreError> {
    let id = issue.id;
    let mut st = conn.prepare_cached(
        "SELECT received_at, event FROM samples WHERE issue_id = ?1 ORDER BY received_at DESC",
    )?;
    let samples = st
        .query_map([id], |r| {
            let text: String = r.get(1)?;
            Ok(Sample {
                received_at: r.get(0)?,
                event: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let (users, users_capped) = users(conn, id, USER_EVENTS)?;
    Ok(IssueDetail {
        releases: breakdown(conn, "issue_releases", "release", id)?,
        environments: breakdown(
            conn,
            "(SELECT environment, sum(count) AS count, min(first_seen) AS first_seen,
                     max(last_seen) AS last_seen, issue_id
              FROM issue_slices WHERE issue_id = ?1 GROUP BY environment)",
            "environment",
            id,
        )?,
        samples,
        latest: occurrences(conn, id, 1, 0)?.into_iter().next(),
        users,
        users_capped,
        tags: tags(conn, id, TAG_EVENTS, TAG_BYTES)?,
        #[cfg(feature = "llm-tracing")]
        llm: super::issue_traces::cost(conn, id)?,
        #[cfg(not(feature = "llm-tracing"))]
        llm: None,
        issue,
    })
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct HourCount {
    /// Start of the hour, epoch ms (server time).
    pub hour_bucket: i64,
    pub count: i64,
}

pub(crate) fn zero_fill(rows: Vec<(i64, i64)>, hours: u32, now: i64) -> Vec<HourCount> {
    let end = now - now.rem_euclid(HOUR_MS);
    let start = end - (hours as i64 - 1) * HOUR_MS;
    let mut out: Vec<HourCount> = (0..hours as i64)
        .map(|k| HourCount {
            hour_bucket: start + k * HOUR_MS,
            count: 0,
        })
        .collect();
    for (h, c) in rows {
        if h >= start && h <= end {
            out[((h - start) / HOUR_MS) as usize].count += c;
        }
    }
    out
}

/// Hourly counts of one issue for the last `hours` hours, oldest first, zero-filled.
pub fn trend(
    conn: &Connection,
    issue_id: i64,
    hours: u32,
    now: i64,
) -> Result<Vec<HourCount>, StoreError> {
    let start = now - now.rem_euclid(HOUR_MS) - (hours as i64 - 1) * HOUR_MS;
    let mut st = conn.prepare_cached(
        "SELECT hour, count FROM hourly_counts WHERE issue_id = ?1 AND hour >= ?2",
    )?;
    let rows = st
        .query_map(params![issue_id, start], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(zero_fill(rows, hours, now))
}

/// Hourly totals over the issues matching `q` (its paging ignored), zero-filled.
pub fn trends(
    conn: &Connection,
    q: &IssueQuery,
    hours: u32,
    now: i64,
) -> Result<Vec<HourCount>, StoreError> {
    let start = now - now.rem_euclid(HOUR_MS) - (hours as i64 - 1) * HOUR_MS;
    if q.terms.is_empty() && q.since.is_none() && q.until.is_none() {
        // Whole projects: the per-project totals answer without touching issue rows.
        let mut args = vec![SqlValue::Integer(start)];
        let filter = match &q.projects {
            None => String::new(),
            Some(ps) => {
                let ph: Vec<String> = ps
                    .iter()
                    .map(|p| {
                        args.push(SqlValue::Text(p.clone()));
                        format!("?{}", args.len())
                    })
                    .collect();
                format!(" AND project_id IN ({})", ph.join(", "))
            }
        };
        let mut st = conn.prepare(&format!(
            "SELECT hour, sum(count) FROM project_hourly WHERE hour >= ?1{filter} GROUP BY hour"
        ))?;
        let rows = st
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(zero_fill(rows, hours, now));
    }
    let mut args = vec![SqlValue::Integer(start)];
    let wh = where_clause(q, &mut args);
    let sql = format!(
        // The window's hours in key order, each kept when its issue is in the list of matching
        // ones (built once): `+` keeps SQLite from seeking every matching issue's hours through
        // the (issue, hour) index, which then reads each count from the table (74 against 13 ms
        // for a day of a release's 7,368 issues at 1M events).
        "SELECT h.hour, sum(h.count) FROM hourly_counts h
         WHERE h.hour >= ?1 AND +h.issue_id IN (SELECT i.id FROM issues i WHERE {wh})
         GROUP BY h.hour"
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st
        .query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(zero_fill(rows, hours, now))
}

/// Last-24-hour sparkline data for many issues at once (one query for a whole page).
pub fn trends_by_issue(
    conn: &Connection,
    issue_ids: &[i64],
    hours: u32,
    now: i64,
) -> Result<std::collections::HashMap<i64, Vec<HourCount>>, StoreError> {
    let start = now - now.rem_euclid(HOUR_MS) - (hours as i64 - 1) * HOUR_MS;
    let mut map: std::collections::HashMap<i64, Vec<(i64, i64)>> = Default::default();
    if !issue_ids.is_empty() {
        let ids = issue_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut st = conn.prepare(&format!(
            "SELECT issue_id, hour, count FROM hourly_counts WHERE hour >= ?1 AND issue_id IN ({ids})"
        ))?;
        let rows = st.query_map([start], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?;
        for row in rows {
            let (id, h, c) = row?;
            map.entry(id).or_default().push((h, c));
        }
    }
    Ok(issue_ids
        .iter()
        .map(|id| {
            (
                *id,
                zero_fill(map.remove(id).unwrap_or_default(), hours, now),
            )
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct StatusChange {
    pub old_status: String,
    pub new_status: String,
    /// Who: a user, token or `system` (regressions).
    pub changed_by: String,
    pub reason: Option<String>,
    pub release: Option<String>,
    pub changed_at: i64,
}

pub fn history(conn: &Connection, issue_id: i64) -> Result<Vec<StatusChange>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT old_status, new_status, actor, reason, release, changed_at FROM status_history
         WHERE issue_id = ?1 ORDER BY changed_at DESC, id DESC",
    )?;
    let rows = st
        .query_map([issue_id], |r| {
            Ok(StatusChange {
                old_status: r.get(0)?,
                new_status: r.get(1)?,
                changed_by: r.get(2)?,
                reason: r.get(3)?,
                release: r.get(4)?,
                changed_at: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Changes an issue's status (and "resolved in release"), recording who did it.
pub fn set_status(
    conn: &mut Connection,
    issue_id: i64,
    status: Status,
    release: Option<&str>,
    actor: &str,
) -> Result<IssueRow, StoreError> {
    let release = if status == Status::Resolved {
        release.map(str::trim).filter(|r| !r.is_empty())
    } else {
        None
    };
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let change = apply_status(&tx, issue_id, status, release, actor, now_ms())?;
    tx.commit()?;
    Ok(change.issue)
}

/// One issue's status change within a bulk change: the issue as it is now, and what it was.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct StatusChangeResult {
    pub issue: IssueRow,
    pub previous_status: Status,
    /// "Resolved in release" before the change.
    pub previous_release: Option<String>,
    /// False when the issue already had this status (and release): nothing was recorded.
    pub changed: bool,
}

/// Most issues one bulk change takes (a page of the list at its largest).
pub const MAX_BULK: usize = MAX_LIMIT as usize;

/// Changes several issues' statuses in one transaction (all or none): each `(issue id, status,
/// release)` as [`set_status`] does it, each change in the history under `actor`.
pub fn set_statuses(
    conn: &mut Connection,
    changes: &[(i64, Status, Option<String>)],
    actor: &str,
) -> Result<Vec<StatusChangeResult>, StoreError> {
    let now = now_ms();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut out = Vec::with_capacity(changes.len());
    for (id, status, release) in changes {
        let release = if *status == Status::Resolved {
            release.as_deref().map(str::trim).filter(|r| !r.is_empty())
        } else {
            None
        };
        out.push(apply_status(&tx, *id, *status, release, actor, now)?);
    }
    tx.commit()?;
    Ok(out)
}

fn apply_status(
    tx: &rusqlite::Transaction<'_>,
    issue_id: i64,
    status: Status,
    release: Option<&str>,
    actor: &str,
    now: i64,
) -> Result<StatusChangeResult, StoreError> {
    let (old, old_release): (String, Option<String>) = tx
        .query_row(
            "SELECT status, resolved_in_release FROM issues WHERE id = ?1",
            [issue_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound("issue not found".into()))?;
    let changed = old != status.as_str() || old_release.as_deref() != release;
    if changed {
        tx.execute(
            "UPDATE issues SET status = ?2, resolved_in_release = ?3 WHERE id = ?1",
            params![issue_id, status.as_str(), release],
        )?;
        tx.execute(
            "INSERT INTO status_history (issue_id, old_status, new_status, actor, reason, release, changed_at)
             VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)",
            params![issue_id, old, status.as_str(), actor, release, now],
        )?;
    }
    let issue = by_id(tx, issue_id)?;
    Ok(StatusChangeResult {
        issue,
        previous_status: Status::parse(&old).unwrap_or(Status::Unresolved),
        previous_release: old_release,
        changed,
    })
}

/// The issue with row id `issue_id`.
pub fn by_id(conn: &Connection, issue_id: i64) -> Result<IssueRow, StoreError> {
    conn.query_row(
        &format!(
            "SELECT {} FROM issues i WHERE i.id = ?1",
            issue_cols("i.total_count")
        ),
        [issue_id],
        issue_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound("issue not found".into()))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ReleaseSummary {
    pub release: String,
    pub issues: i64,
    pub events: i64,
    pub first_seen: i64,
    pub last_seen: i64,
    /// Issues whose first event came in this release.
    pub new_issues: i64,
}

pub fn releases(
    conn: &Connection,
    projects: Option<&[String]>,
    limit: u32,
) -> Result<Vec<ReleaseSummary>, StoreError> {
    let (scope, args) = project_scope(projects);
    // The writer's per-release totals (migration 0021), summed over the projects asked for.
    let sql = format!(
        "SELECT release, sum(issues), sum(events), min(first_seen), max(last_seen),
                sum(new_issues)
         FROM release_totals WHERE {scope} GROUP BY release"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(args.iter()), |r| {
            Ok(ReleaseSummary {
                release: r.get(0)?,
                issues: r.get(1)?,
                events: r.get(2)?,
                first_seen: r.get(3)?,
                last_seen: r.get(4)?,
                new_issues: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // Newest version first (semantic versions, then the rest by first seen).
    let mut rows = rows;
    rows.sort_by(|a, b| {
        crate::release::newest_first((&a.release, a.first_seen), (&b.release, b.first_seen))
    });
    rows.truncate(limit as usize);
    Ok(rows)
}

/// `project_id IN (…)` for `projects` (None = every project: always true), and its arguments.
pub(crate) fn project_scope(projects: Option<&[String]>) -> (String, Vec<SqlValue>) {
    match projects {
        None => ("1".into(), Vec::new()),
        Some([]) => ("0".into(), Vec::new()),
        Some(ps) => (
            format!("project_id IN ({})", vec!["?"; ps.len()].join(", ")),
            ps.iter().map(|p| SqlValue::Text(p.clone())).collect(),
        ),
    }
}

/// Whether any issue exists at all.
pub fn any(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM issues)", [], |r| r.get(0))?)
}

/// The environments seen in `projects` (None = all), most events first.
pub fn environments(
    conn: &Connection,
    projects: Option<&[String]>,
) -> Result<Vec<String>, StoreError> {
    let (scope, args) = project_scope(projects);
    let sql = format!(
        "SELECT min(environment) FROM environment_totals WHERE {scope} AND environment != ''
         GROUP BY environment ORDER BY sum(events) DESC LIMIT 50"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(args.iter()), |r| r.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct RouteCount {
    pub route: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Stats {
    pub total_errors: i64,
    pub unresolved_errors: i64,
    /// Events in the last 24 hours of server time (whole hour buckets).
    pub total_events_24h: i64,
    pub total_events: i64,
    pub top_routes: Vec<RouteCount>,
}

pub fn stats(
    conn: &Connection,
    projects: Option<&[String]>,
    now: i64,
) -> Result<Stats, StoreError> {
    let q = IssueQuery {
        projects: projects.map(<[String]>::to_vec),
        ..Default::default()
    };
    let mut args = Vec::new();
    let wh = where_clause(&q, &mut args);
    let (total, unresolved, events): (i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(i.status = 'unresolved'), 0), coalesce(sum(i.total_count), 0)
             FROM issues i WHERE {wh}"
        ),
        params_from_iter(args.iter()),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let last24: i64 = trends(conn, &q, 24, now)?.iter().map(|h| h.count).sum();
    let mut st = conn.prepare(&format!(
        "SELECT i.route_or_procedure, sum(i.total_count) AS c FROM issues i
         WHERE {wh} AND i.route_or_procedure IS NOT NULL
         GROUP BY i.route_or_procedure ORDER BY c DESC LIMIT 10"
    ))?;
    let top_routes = st
        .query_map(params_from_iter(args.iter()), |r| {
            Ok(RouteCount {
                route: r.get(0)?,
                count: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Stats {
        total_errors: total,
        unresolved_errors: unresolved,
        total_events_24h: last24,
        total_events: events,
        top_routes,
    })
}

#[cfg(test)]
mod assignee_tests {
    use super::*;

    fn plan(conn: &Connection, q: &IssueQuery) -> String {
        let mut args = Vec::new();
        let wh = where_clause(q, &mut args);
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT i.id FROM issues i WHERE {wh} ORDER BY {} LIMIT 50",
            q.sort.order_by()
        );
        let mut st = conn.prepare(&sql).unwrap();
        st.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A user's issues are read from the assignee index, whatever else the list filters by.
    #[test]
    fn assigned_filters_use_the_assignee_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::open(&dir.path().join("b.db")).unwrap();
        for terms in [
            "assigned:ana",
            "assigned:me is:unresolved",
            "assigned:ana timeout",
        ] {
            let q = IssueQuery {
                projects: Some(vec!["default".into()]),
                terms: crate::search::parse(terms).unwrap(),
                me: Some(1),
                ..Default::default()
            };
            let plan = plan(&conn, &q);
            assert!(plan.contains("issues_assignee"), "{terms}: {plan}");
        }
    }
}
