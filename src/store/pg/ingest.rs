//! The writer's flush on PostgreSQL: one transaction per batch, the same in-batch aggregation as
//! SQLite ([`crate::store::ingest::gather`]), written as a few array statements and one binary
//! COPY.
//!
//! Several nodes flush into the same rows at once, so every statement runs in a fixed order and
//! takes its rows in key order (issues by project and fingerprint, counters by their keys): two
//! flushes then wait for each other but never deadlock. What a statement learns from the rows it
//! locked (whether an issue or an issue's release is new, the issue's count before the flush)
//! comes back from the write itself (`RETURNING`), so nodes never double-count. The rows every
//! flush of every node touches (per-project hourly and environment totals) are written last,
//! just before the commit, to hold their locks the shortest time.

use std::collections::HashMap;
use std::sync::Arc;

use deadpool_postgres::Transaction;
use rand::Rng;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use crate::event::Accepted;
use crate::release;
use crate::store::ingest::{
    gather, minute, project_hours, reservoir_slot, tally, IssueValues, Pending,
};
use crate::store::StoreError;

/// What one group (project + fingerprint) of a committed flush did.
#[derive(Debug, Clone)]
pub struct GroupOutcome {
    /// The group's index in the batch's groups.
    pub group: usize,
    pub issue_id: i64,
    pub is_new: bool,
    pub regressed: bool,
}

/// What a committed flush did.
#[derive(Debug, Default)]
pub struct Written {
    /// Events stored (less those of projects deleted while they were queued).
    pub events: usize,
    /// Per group written, in key order.
    pub groups: Vec<GroupOutcome>,
}

/// The issue row as the upsert left it.
struct Upserted {
    id: i64,
    inserted: bool,
    total: i64,
    first_seen: i64,
    resolved: bool,
    resolved_in: Option<String>,
    values: Arc<IssueValues>,
}

/// The flush's clock, whether it feeds the insights' rollup, and its transaction id, taken here
/// (before anything is read) so that a node turning the feed on can wait for every flush that
/// may have decided without it (see `store::pg::analytics::enable`).
const NOW_MS: &str = "SELECT (extract(epoch FROM transaction_timestamp()) * 1000)::int8,
    EXISTS (SELECT 1 FROM analytics_on), pg_current_xact_id()";

const UPSERT_ISSUES: &str = "
INSERT INTO issues AS i (project_id, fingerprint, error_type, message, source,
    route_or_procedure, screen, total_count, first_seen, last_seen, last_seen_minute,
    release, environment)
SELECT u.p, u.f, u.et, u.m, u.s, u.r, u.sc, u.n, u.fs, u.ls, u.lm, u.rel, u.env
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::int8[], $9::int8[], $10::int8[], $11::int8[], $12::text[], $13::text[])
     WITH ORDINALITY AS u(p, f, et, m, s, r, sc, n, fs, ls, lm, rel, env, ord)
WHERE EXISTS (SELECT 1 FROM projects WHERE id = u.p)
ORDER BY u.ord
ON CONFLICT (project_id, fingerprint) DO UPDATE SET
    total_count = i.total_count + excluded.total_count,
    first_seen = least(i.first_seen, excluded.first_seen),
    last_seen = greatest(i.last_seen, excluded.last_seen),
    last_seen_minute = greatest(i.last_seen_minute, excluded.last_seen_minute),
    release = excluded.release,
    environment = excluded.environment
RETURNING id, project_id, fingerprint, (xmax = 0), total_count, first_seen, status,
    resolved_in_release, error_type, source, route_or_procedure, screen";

// The release with each issue's earliest event, as the rows say before this flush adds to them
// (the issue rows are locked by this transaction, so no other flush is changing them).
const CREDITED: &str = "
SELECT DISTINCT ON (issue_id) issue_id, release, first_seen FROM issue_releases
WHERE issue_id = ANY($1) ORDER BY issue_id, first_seen, release";

const RELEASE_FIRST_SEEN: &str = "
SELECT min(r.first_seen) FROM issue_releases r JOIN issues i ON i.id = r.issue_id
WHERE i.project_id = $1 AND r.release = $2";

const REOPEN: &str =
    "UPDATE issues SET status = 'unresolved', resolved_in_release = NULL WHERE id = $1";

const REGRESSION_HISTORY: &str = "
INSERT INTO status_history (issue_id, old_status, new_status, actor, reason, release, changed_at)
VALUES ($1, 'resolved', 'unresolved', 'system', 'regression', $2, $3)";

const UPSERT_RELEASES: &str = "
INSERT INTO issue_releases AS r (issue_id, release, count, first_seen, last_seen)
SELECT u.i, u.rel, u.n, u.fs, u.ls
FROM unnest($1::int8[], $2::text[], $3::int8[], $4::int8[], $5::int8[])
     WITH ORDINALITY AS u(i, rel, n, fs, ls, ord)
ORDER BY u.ord
ON CONFLICT (issue_id, release) DO UPDATE SET count = r.count + excluded.count,
    first_seen = least(r.first_seen, excluded.first_seen),
    last_seen = greatest(r.last_seen, excluded.last_seen)
RETURNING issue_id, release, (xmax = 0)";

// Environments compare without case: spellings of one are merged here, in the statement, by
// the column's own collation (two rows of one key in one upsert would be an error).
const UPSERT_SLICES: &str = "
INSERT INTO issue_slices AS s (issue_id, environment, release, count, first_seen, last_seen)
SELECT u.i, min(u.env), u.rel, sum(u.n)::int8, min(u.fs), max(u.ls)
FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::int8[])
     AS u(i, env, rel, n, fs, ls)
GROUP BY u.i, u.env COLLATE nocase, u.rel
ORDER BY u.i, u.env COLLATE nocase, u.rel
ON CONFLICT (issue_id, environment, release) DO UPDATE SET count = s.count + excluded.count,
    first_seen = least(s.first_seen, excluded.first_seen),
    last_seen = greatest(s.last_seen, excluded.last_seen)";

const UPSERT_HOURS: &str = "
INSERT INTO hourly_counts AS h (hour, issue_id, count)
SELECT u.h, u.i, u.n FROM unnest($1::int8[], $2::int8[], $3::int8[]) WITH ORDINALITY AS u(h, i, n, ord)
ORDER BY u.ord
ON CONFLICT (hour, issue_id) DO UPDATE SET count = h.count + excluded.count";

const UPSERT_SAMPLES: &str = "
INSERT INTO samples AS s (issue_id, slot, received_at, event)
SELECT u.i, u.slot, u.at, u.ev
FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::text[]) WITH ORDINALITY AS u(i, slot, at, ev, ord)
ORDER BY u.ord
ON CONFLICT (issue_id, slot) DO UPDATE SET received_at = excluded.received_at,
    event = excluded.event";

const UPSERT_RELEASE_TOTALS: &str = "
INSERT INTO release_totals AS t (project_id, release, issues, events, first_seen, last_seen,
    new_issues)
SELECT u.p, u.rel, u.issues, u.n, u.fs, u.ls, u.new
FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[], $6::int8[], $7::int8[])
     WITH ORDINALITY AS u(p, rel, issues, n, fs, ls, new, ord)
ORDER BY u.ord
ON CONFLICT (project_id, release) DO UPDATE SET issues = t.issues + excluded.issues,
    events = t.events + excluded.events, first_seen = least(t.first_seen, excluded.first_seen),
    last_seen = greatest(t.last_seen, excluded.last_seen),
    new_issues = t.new_issues + excluded.new_issues";

const UPSERT_RELEASE_HOURS: &str = "
INSERT INTO release_hours AS h (project_id, release, hour, count)
SELECT u.p, u.rel, u.h, u.n FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[])
     WITH ORDINALITY AS u(p, rel, h, n, ord)
ORDER BY u.ord
ON CONFLICT (project_id, release, hour) DO UPDATE SET count = h.count + excluded.count";

const UPSERT_ENVIRONMENTS: &str = "
INSERT INTO environment_totals AS e (project_id, environment, events)
SELECT u.p, min(u.env), sum(u.n)::int8 FROM unnest($1::text[], $2::text[], $3::int8[]) AS u(p, env, n)
GROUP BY u.p, u.env COLLATE nocase
ORDER BY u.p, u.env COLLATE nocase
ON CONFLICT (project_id, environment) DO UPDATE SET events = e.events + excluded.events";

const FEED: &str = "
INSERT INTO analytics_feed (at, project_id, issue_id, hour, environment, release, count)
SELECT $1, u.p, u.i, u.h, u.e, u.r, u.n
FROM unnest($2::text[], $3::int8[], $4::int8[], $5::text[], $6::text[], $7::int8[]) AS u(p, i, h, e, r, n)";

const UPSERT_PROJECT_HOURS: &str = "
INSERT INTO project_hourly AS h (project_id, hour, count)
SELECT u.p, u.h, u.n FROM unnest($1::text[], $2::int8[], $3::int8[]) WITH ORDINALITY AS u(p, h, n, ord)
ORDER BY u.ord
ON CONFLICT (project_id, hour) DO UPDATE SET count = h.count + excluded.count";

/// The statements of a flush (prepared when a writer connects, and by a test).
pub const STATEMENTS: &[&str] = &[
    NOW_MS,
    UPSERT_ISSUES,
    CREDITED,
    RELEASE_FIRST_SEEN,
    REOPEN,
    REGRESSION_HISTORY,
    UPSERT_RELEASES,
    UPSERT_SLICES,
    UPSERT_HOURS,
    UPSERT_SAMPLES,
    UPSERT_RELEASE_TOTALS,
    UPSERT_RELEASE_HOURS,
    UPSERT_ENVIRONMENTS,
    UPSERT_PROJECT_HOURS,
    FEED,
];

/// The columns a flush copies into `events`, and their types.
const EVENT_COLUMNS: &str = "issue_id, received_at, timestamp, error_type, message, source, \
    environment, release, app_version, build_number, route_or_procedure, screen, stack, \
    http_status, request_id, user_id_hash, device_id_hash, metadata, time_clamped, frames";

const EVENT_TYPES: &[Type] = &[
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::BOOL,
    Type::TEXT,
];

/// Writes `groups` (each one project + fingerprint, in arrival order within) in `tx`, which the
/// caller commits. `groups` must be sorted by (project, fingerprint). Returns what changed.
pub async fn write_groups(
    tx: &Transaction<'_>,
    groups: &[Vec<&Arc<Accepted>>],
    reservoir: usize,
    rng: &mut impl Rng,
) -> Result<Written, StoreError> {
    let clock = tx.query_one(&prepared(tx, NOW_MS).await?, &[]).await?;
    let now: i64 = clock.get(0);
    let feeds: bool = clock.get(1);
    let day = now.div_euclid(super::partitions::DAY_MS);

    let upserted = upsert_issues(tx, groups).await?;
    let mut pending = Pending::default();
    let mut written = Written::default();
    // (issue, slot) → (received_at, event), the last pick of a slot winning.
    let mut samples: Vec<(i64, i64, i64, String)> = Vec::new();
    let mut rows: Vec<(i64, Arc<IssueValues>, &Accepted)> = Vec::new();
    // A late event (older than the issue) moves the "new in release" credit: for the issues
    // whose first seen this flush may have lowered, the release that had it, in one query.
    let maybe_late: Vec<i64> = groups
        .iter()
        .filter_map(|g| {
            let issue = upserted.get(&(&*g[0].project_id, g[0].fingerprint.as_str()))?;
            let first = g.iter().map(|a| a.at()).min()?;
            (!issue.inserted && issue.first_seen == first).then_some(issue.id)
        })
        .collect();
    let mut earliest: HashMap<i64, (String, i64)> = HashMap::new();
    if !maybe_late.is_empty() {
        for r in tx
            .query(&prepared(tx, CREDITED).await?, &[&maybe_late])
            .await?
        {
            earliest.insert(r.get(0), (r.get(1), r.get(2)));
        }
    }
    for (gi, group) in groups.iter().enumerate() {
        let first = group[0];
        let key = (&*first.project_id, first.fingerprint.as_str());
        let Some(issue) = upserted.get(&key) else {
            tracing::warn!(
                project = %first.project_id,
                events = group.len(),
                "project deleted while its events were queued; dropping them"
            );
            continue;
        };
        let events: Vec<&Accepted> = group.iter().map(|a| &***a).collect();
        let n = events.len() as i64;
        let group_first = events.iter().map(|a| a.at()).min().unwrap_or(first.at());
        // Moved only when this group is strictly older than the issue was (as on SQLite).
        let credited = earliest
            .get(&issue.id)
            .filter(|(_, first_seen)| !issue.inserted && group_first < *first_seen)
            .map(|(release, _)| release.clone());
        let releases = tally(&events, |a| a.event.release.as_str());
        gather(
            &mut pending,
            &first.project_id,
            issue.id,
            &events,
            &releases,
            issue.inserted,
            credited.as_deref(),
            None,
        );
        let mut regressed = false;
        if issue.resolved {
            let last_seen = events.iter().map(|a| a.at()).max().unwrap_or(group_first);
            for (rel, _) in &releases {
                if regresses(tx, &first.project_id, issue.resolved_in.as_deref(), rel).await? {
                    tx.execute(&prepared(tx, REOPEN).await?, &[&issue.id])
                        .await?;
                    tx.execute(
                        &prepared(tx, REGRESSION_HISTORY).await?,
                        &[&issue.id, rel, &last_seen],
                    )
                    .await?;
                    regressed = true;
                    break;
                }
            }
        }
        let previous = (issue.total - n) as u64;
        for (i, a) in events.iter().enumerate() {
            let k = previous + i as u64 + 1;
            if let Some(slot) = reservoir_slot(k, reservoir, rng) {
                samples.push((issue.id, slot as i64, a.received_at, a.event.to_json()));
            }
        }
        for a in &events {
            rows.push((issue.id, issue.values.clone(), a));
        }
        written.groups.push(GroupOutcome {
            group: gi,
            issue_id: issue.id,
            is_new: issue.inserted,
            regressed,
        });
    }

    // Per-issue rows, each statement in key order. Statements that need nothing from each
    // other's answers are sent together (pipelined: one round trip each group instead of one
    // each statement); the server still runs them one after another, in the order written.
    let mut releases = std::mem::take(&mut pending.releases);
    releases.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let project_of: HashMap<i64, &Arc<str>> = written
        .groups
        .iter()
        .map(|g| (g.issue_id, &groups[g.group][0].project_id))
        .collect();
    let ids: Vec<i64> = releases.iter().map(|r| r.0).collect();
    let names: Vec<&str> = releases.iter().map(|r| r.1.as_str()).collect();
    let counts: Vec<i64> = releases.iter().map(|r| r.2).collect();
    let firsts: Vec<i64> = releases.iter().map(|r| r.3).collect();
    let lasts: Vec<i64> = releases.iter().map(|r| r.4).collect();
    let sl = &pending.slices;
    let sl_ids: Vec<i64> = sl.iter().map(|r| r.0).collect();
    let sl_rels: Vec<&str> = sl.iter().map(|r| r.1.as_str()).collect();
    let sl_envs: Vec<&str> = sl.iter().map(|r| r.2.as_str()).collect();
    let sl_counts: Vec<i64> = sl.iter().map(|r| r.3).collect();
    let sl_firsts: Vec<i64> = sl.iter().map(|r| r.4).collect();
    let sl_lasts: Vec<i64> = sl.iter().map(|r| r.5).collect();
    let mut hours = std::mem::take(&mut pending.hours);
    hours.sort_unstable_by_key(|(id, hour, _)| (*hour, *id));
    let h_hours: Vec<i64> = hours.iter().map(|r| r.1).collect();
    let h_ids: Vec<i64> = hours.iter().map(|r| r.0).collect();
    let h_counts: Vec<i64> = hours.iter().map(|r| r.2).collect();
    // Stable: of two picks of one slot, the later event is kept (as on SQLite).
    samples.sort_by_key(|s| (s.0, s.1));
    let mut kept: Vec<&(i64, i64, i64, String)> = Vec::with_capacity(samples.len());
    for s in &samples {
        match kept.last_mut() {
            Some(k) if (k.0, k.1) == (s.0, s.1) => *k = s,
            _ => kept.push(s),
        }
    }
    let s_ids: Vec<i64> = kept.iter().map(|s| s.0).collect();
    let s_slots: Vec<i64> = kept.iter().map(|s| s.1).collect();
    let s_ats: Vec<i64> = kept.iter().map(|s| s.2).collect();
    let s_evs: Vec<&str> = kept.iter().map(|s| s.3.as_str()).collect();
    let (st_releases, st_slices, st_hours, st_samples) = (
        prepared(tx, UPSERT_RELEASES).await?,
        prepared(tx, UPSERT_SLICES).await?,
        prepared(tx, UPSERT_HOURS).await?,
        prepared(tx, UPSERT_SAMPLES).await?,
    );
    let p_releases: [&(dyn ToSql + Sync); 5] = [&ids, &names, &counts, &firsts, &lasts];
    let p_slices: [&(dyn ToSql + Sync); 6] = [
        &sl_ids, &sl_envs, &sl_rels, &sl_counts, &sl_firsts, &sl_lasts,
    ];
    let p_hours: [&(dyn ToSql + Sync); 3] = [&h_hours, &h_ids, &h_counts];
    let p_samples: [&(dyn ToSql + Sync); 4] = [&s_ids, &s_slots, &s_ats, &s_evs];
    let (new, _, _, _) = tokio::try_join!(
        async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            tx.query(&st_releases, &p_releases).await
        },
        when(tx, !sl_ids.is_empty(), &st_slices, &p_slices),
        when(tx, !h_ids.is_empty(), &st_hours, &p_hours),
        when(tx, !s_ids.is_empty(), &st_samples, &p_samples),
    )?;
    for r in new {
        if r.get::<_, bool>(2) {
            let issue: i64 = r.get(0);
            let release: &str = r.get(1);
            if let Some(p) = project_of.get(&issue) {
                pending.count_new_release(p, release);
            }
        }
    }
    copy_events(tx, day, now, &rows).await?;
    written.events = rows.len();

    // The per-project rows last: every flush of every node writes them.
    let mut totals: Vec<_> = pending
        .release_totals
        .iter()
        .flat_map(|(p, m)| m.iter().map(move |(r, v)| ((&**p, r.as_str()), v)))
        .collect();
    totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let t_ps: Vec<&str> = totals.iter().map(|t| t.0 .0).collect();
    let t_rs: Vec<&str> = totals.iter().map(|t| t.0 .1).collect();
    let col = |i: usize| -> Vec<i64> { totals.iter().map(|t| t.1[i]).collect() };
    let t_cols = [col(0), col(1), col(2), col(3), col(4)];
    let mut release_hours: Vec<_> = pending
        .release_hours
        .iter()
        .flat_map(|(p, m)| {
            m.iter()
                .flat_map(move |(r, hs)| hs.iter().map(move |(h, n)| ((&**p, r.as_str(), *h), *n)))
        })
        .collect();
    release_hours.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let rh_ps: Vec<&str> = release_hours.iter().map(|t| t.0 .0).collect();
    let rh_rs: Vec<&str> = release_hours.iter().map(|t| t.0 .1).collect();
    let rh_hs: Vec<i64> = release_hours.iter().map(|t| t.0 .2).collect();
    let rh_ns: Vec<i64> = release_hours.iter().map(|t| t.1).collect();
    let envs: Vec<(&str, &str, i64)> = pending
        .environment_totals
        .iter()
        .flat_map(|(p, m)| m.iter().map(move |(e, n)| (&**p, e.as_str(), *n)))
        .collect();
    let e_ps: Vec<&str> = envs.iter().map(|t| t.0).collect();
    let e_es: Vec<&str> = envs.iter().map(|t| t.1).collect();
    let e_ns: Vec<i64> = envs.iter().map(|t| t.2).collect();
    let mut project_hours = project_hours(rows.iter().map(|r| r.2));
    project_hours.sort_unstable();
    let ph_ps: Vec<&str> = project_hours.iter().map(|t| t.0).collect();
    let ph_hs: Vec<i64> = project_hours.iter().map(|t| t.1).collect();
    let ph_ns: Vec<i64> = project_hours.iter().map(|t| t.2).collect();
    let feed_rows = if feeds {
        feed_rows(&project_of, &rows)
    } else {
        FeedRows::default()
    };
    let (st_totals, st_release_hours, st_envs, st_project_hours, st_feed) = (
        prepared(tx, UPSERT_RELEASE_TOTALS).await?,
        prepared(tx, UPSERT_RELEASE_HOURS).await?,
        prepared(tx, UPSERT_ENVIRONMENTS).await?,
        prepared(tx, UPSERT_PROJECT_HOURS).await?,
        prepared(tx, FEED).await?,
    );
    let f = &feed_rows;
    let p_totals: [&(dyn ToSql + Sync); 7] = [
        &t_ps, &t_rs, &t_cols[0], &t_cols[1], &t_cols[2], &t_cols[3], &t_cols[4],
    ];
    let p_release_hours: [&(dyn ToSql + Sync); 4] = [&rh_ps, &rh_rs, &rh_hs, &rh_ns];
    let p_envs: [&(dyn ToSql + Sync); 3] = [&e_ps, &e_es, &e_ns];
    let p_project_hours: [&(dyn ToSql + Sync); 3] = [&ph_ps, &ph_hs, &ph_ns];
    let p_feed: [&(dyn ToSql + Sync); 7] = [
        &now,
        &f.projects,
        &f.issues,
        &f.hours,
        &f.environments,
        &f.releases,
        &f.counts,
    ];
    tokio::try_join!(
        when(tx, !t_ps.is_empty(), &st_totals, &p_totals),
        when(tx, !rh_ps.is_empty(), &st_release_hours, &p_release_hours),
        when(tx, !e_ps.is_empty(), &st_envs, &p_envs),
        when(tx, !ph_ps.is_empty(), &st_project_hours, &p_project_hours),
        when(tx, !f.issues.is_empty(), &st_feed, &p_feed),
    )?;
    Ok(written)
}

/// Runs `st` only when `wanted` (a statement over empty arrays is not sent at all).
async fn when(
    tx: &Transaction<'_>,
    wanted: bool,
    st: &tokio_postgres::Statement,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64, tokio_postgres::Error> {
    if wanted {
        tx.execute(st, params).await
    } else {
        Ok(0)
    }
}

/// The insights' feed rows of a flush, as the statement's arrays.
#[derive(Default)]
struct FeedRows<'a> {
    projects: Vec<&'a str>,
    issues: Vec<i64>,
    hours: Vec<i64>,
    environments: Vec<&'a str>,
    releases: Vec<&'a str>,
    counts: Vec<i64>,
}

/// The flush's events summed per (project, issue, hour, environment, release), in key order.
fn feed_rows<'a>(
    project_of: &HashMap<i64, &'a Arc<str>>,
    rows: &[(i64, Arc<IssueValues>, &'a Accepted)],
) -> FeedRows<'a> {
    let mut sums: HashMap<(i64, i64, &str, &str), i64> = HashMap::new();
    for &(issue, _, a) in rows {
        let hour = a.at().div_euclid(crate::store::ingest::HOUR_MS);
        *sums
            .entry((issue, hour, &a.event.environment, &a.event.release))
            .or_default() += 1;
    }
    let mut keys: Vec<_> = sums.into_iter().collect();
    keys.sort_unstable();
    let mut f = FeedRows::default();
    for ((issue, hour, environment, release), n) in keys {
        let project: Option<&'a Arc<str>> = project_of.get(&issue).copied();
        f.projects.push(project.map_or("", |p| &**p));
        f.issues.push(issue);
        f.hours.push(hour);
        f.environments.push(environment);
        f.releases.push(release);
        f.counts.push(n);
    }
    f
}

/// `sql` prepared on this connection once and then taken from its cache.
async fn prepared(
    tx: &Transaction<'_>,
    sql: &str,
) -> Result<tokio_postgres::Statement, StoreError> {
    Ok(tx.prepare_cached(sql).await?)
}

/// Prepares every statement of a flush on `client` (a writer does it when it connects, so a
/// statement the server rejects fails at start, not at the first event).
pub async fn prepare_all(client: &deadpool_postgres::Client) -> Result<(), StoreError> {
    for sql in STATEMENTS {
        client.prepare_cached(sql).await?;
    }
    Ok(())
}

/// The issue rows of all groups in one upsert, keyed by (project, fingerprint); groups of
/// deleted projects are missing.
async fn upsert_issues<'g>(
    tx: &Transaction<'_>,
    groups: &'g [Vec<&Arc<Accepted>>],
) -> Result<HashMap<(&'g str, &'g str), Upserted>, StoreError> {
    let (mut project, mut fingerprint, mut error_type) = (vec![], vec![], vec![]);
    let (mut message, mut source): (Vec<&str>, Vec<&str>) = (vec![], vec![]);
    let (mut route, mut screen): (Vec<Option<&str>>, Vec<Option<&str>>) = (vec![], vec![]);
    let (mut n, mut fs, mut ls, mut lm) = (vec![], vec![], vec![], vec![]);
    let (mut rel, mut env) = (vec![], vec![]);
    for g in groups {
        let (first, last) = (g[0], g[g.len() - 1]);
        let e = &first.event;
        project.push(&*first.project_id);
        fingerprint.push(first.fingerprint.as_str());
        error_type.push(e.error_type.as_str());
        message.push(e.message.as_str());
        source.push(e.source.as_str());
        route.push(e.route_or_procedure.as_deref());
        screen.push(e.screen.as_deref());
        n.push(g.len() as i64);
        let first_seen = g.iter().map(|a| a.at()).min().unwrap_or(first.at());
        let last_seen = g.iter().map(|a| a.at()).max().unwrap_or(last.at());
        fs.push(first_seen);
        ls.push(last_seen);
        lm.push(minute(last_seen));
        rel.push(last.event.release.as_str());
        env.push(last.event.environment.as_str());
    }
    let params: [&(dyn ToSql + Sync); 13] = [
        &project,
        &fingerprint,
        &error_type,
        &message,
        &source,
        &route,
        &screen,
        &n,
        &fs,
        &ls,
        &lm,
        &rel,
        &env,
    ];
    let rows = tx
        .query(&prepared(tx, UPSERT_ISSUES).await?, &params)
        .await?;
    let mut by_key: HashMap<(String, String), Upserted> = HashMap::with_capacity(rows.len());
    for r in rows {
        let status: &str = r.get(6);
        by_key.insert(
            (r.get(1), r.get(2)),
            Upserted {
                id: r.get(0),
                inserted: r.get(3),
                total: r.get(4),
                first_seen: r.get(5),
                resolved: status == "resolved",
                resolved_in: r.get(7),
                values: Arc::new(IssueValues {
                    error_type: r.get(8),
                    source: r.get(9),
                    route: r.get(10),
                    screen: r.get(11),
                }),
            },
        );
    }
    let mut out = HashMap::with_capacity(by_key.len());
    for g in groups {
        let key = (&*g[0].project_id, g[0].fingerprint.as_str());
        if let Some(u) = by_key.remove(&(key.0.to_string(), key.1.to_string())) {
            out.insert(key, u);
        }
    }
    Ok(out)
}

/// [`crate::store::ingest::regresses`] on PostgreSQL.
async fn regresses(
    tx: &Transaction<'_>,
    project_id: &str,
    resolved_in: Option<&str>,
    event_release: &str,
) -> Result<bool, StoreError> {
    let Some(fixed) = resolved_in.filter(|r| !r.is_empty()) else {
        return Ok(true);
    };
    if let Some(ord) = release::compare(event_release, fixed) {
        return Ok(ord != std::cmp::Ordering::Less);
    }
    let st = prepared(tx, RELEASE_FIRST_SEEN).await?;
    let first_seen = |rel: &str| {
        let st = &st;
        let rel = rel.to_string();
        async move {
            Ok::<Option<i64>, StoreError>(
                tx.query_one(st, &[&project_id, &rel])
                    .await?
                    .get::<_, Option<i64>>(0),
            )
        }
    };
    let Some(fixed_at) = first_seen(fixed).await? else {
        return Ok(false);
    };
    Ok(first_seen(event_release)
        .await?
        .is_none_or(|t| t >= fixed_at))
}

/// Copies the events into the day's partition (binary COPY), storing NULL where a value equals
/// the issue's (as on SQLite).
async fn copy_events(
    tx: &Transaction<'_>,
    day: i64,
    received_at: i64,
    rows: &[(i64, Arc<IssueValues>, &Accepted)],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let sink = tx
        .copy_in(&format!(
            "COPY {} ({EVENT_COLUMNS}) FROM STDIN (FORMAT binary)",
            super::partitions::name(day)
        ))
        .await?;
    let writer = BinaryCopyInWriter::new(sink, EVENT_TYPES);
    let mut writer = std::pin::pin!(writer);
    for (issue_id, iv, a) in rows {
        let ev = &a.event;
        let differs = |v: &'_ str, issue: &str| (v != issue).then(|| v.to_string());
        let route = (ev.route_or_procedure != iv.route)
            .then_some(ev.route_or_procedure.as_deref())
            .flatten();
        let screen = (ev.screen != iv.screen)
            .then_some(ev.screen.as_deref())
            .flatten();
        let http_status = ev.http_status.map(i64::from);
        let clamped = a.time_clamped().then_some(true);
        let error_type = differs(&ev.error_type, &iv.error_type);
        let source = differs(&ev.source, &iv.source);
        let values: [&(dyn ToSql + Sync); 20] = [
            issue_id,
            &received_at,
            &ev.timestamp,
            &error_type,
            &ev.message,
            &source,
            &ev.environment,
            &ev.release,
            &ev.app_version,
            &ev.build_number,
            &route,
            &screen,
            &ev.stack,
            &http_status,
            &ev.request_id,
            &ev.user_id_hash,
            &ev.device_id_hash,
            &ev.metadata,
            &clamped,
            &ev.frames,
        ];
        writer.as_mut().write(&values).await?;
    }
    let copied = writer.finish().await?;
    if copied as usize != rows.len() {
        return Err(StoreError::Postgres {
            code: None,
            message: format!("copied {copied} of {} events", rows.len()),
        });
    }
    Ok(())
}
