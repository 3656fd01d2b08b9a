//! Writes for the ingest path: the issue upsert, per-release / per-environment / hourly counts,
//! raw events, samples and automatic regressions. Called by the pipeline's writer inside its
//! transaction, with cached prepared statements.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{params, OptionalExtension, Transaction};

use crate::event::Accepted;
use crate::release;

pub const HOUR_MS: i64 = 3_600_000;

/// What [`write_group`] learned about the issue.
pub struct GroupSummary {
    pub issue_id: i64,
    pub is_new: bool,
    pub regressed: bool,
    /// The issue's event count before this group.
    pub previous_count: u64,
    /// What the issue row holds, so events store NULL where they agree with it.
    pub issue_values: Arc<IssueValues>,
}

/// The issue's own values of the columns events may leave NULL.
pub struct IssueValues {
    pub error_type: String,
    pub source: String,
    pub route: Option<String>,
    pub screen: Option<String>,
}

const EVENT_COLS: usize = 21;

/// Rows per multi-row statement: 64 (21 × 64 parameters, well under SQLite's limit), then
/// powers of two for the rest, so whatever the flush size each statement has at most
/// [`SHAPES`] forms, each prepared once and kept in the connection's cache. A fresh form per
/// flush (the remainder's exact size) cost 14% of the writer's time under single-event load.
const MAX_ROWS: usize = 64;
/// 64, 32, 16, 8, 4, 2 and 1 rows.
pub const SHAPES: usize = 7;

/// `rows` cut into chunks of [`MAX_ROWS`], then of decreasing powers of two.
fn row_chunks<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = if rest.len() >= MAX_ROWS {
            MAX_ROWS
        } else {
            1 << rest.len().ilog2()
        };
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    })
}

type ShapeCache = [std::sync::OnceLock<String>; SHAPES];

/// The SQL of one statement for a chunk of `rows` rows, built once per shape.
fn shape_sql(
    cache: &'static ShapeCache,
    rows: usize,
    build: impl FnOnce(usize) -> String,
) -> &'static str {
    cache[rows.trailing_zeros() as usize].get_or_init(|| build(rows))
}

fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT OR IGNORE INTO events (id, issue_id, received_at, timestamp, error_type, message, source,
             environment, release, app_version, build_number, route_or_procedure, screen,
             stack, http_status, request_id, user_id_hash, device_id_hash, metadata, time_clamped,
             frames)
         VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..EVENT_COLS {
            if c > 0 {
                sql.push(',');
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql
}

/// Inserts the raw events, many rows per statement, with ids above both the newest event and
/// the index mark (see [`index_events`]), so the unindexed tail is exactly `id > through`.
/// Values equal to the issue's are derivable and stored as NULL. Returns the first id given
/// (the batch's ids are consecutive) and how many events are now past the index mark.
///
/// `OR IGNORE` tells SQLite no row can abort the statement half-way, so it skips the statement
/// journal (a copy of each page the statement touches). Nothing can be ignored: the NOT NULL
/// columns are bound from non-optional values and the ids are free (this runs under the write
/// lock); each statement's row count is checked anyway, and a shortfall fails the flush.
pub fn insert_events(
    tx: &Transaction<'_>,
    rows: &[(i64, &IssueValues, &Accepted)],
) -> rusqlite::Result<(i64, i64)> {
    static SQL: ShapeCache = [const { std::sync::OnceLock::new() }; SHAPES];
    let (newest, through): (i64, i64) = tx
        .prepare_cached(
            "SELECT (SELECT coalesce(max(id), 0) FROM events), (SELECT through FROM event_index)",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut id = newest.max(through);
    let first = id + 1;
    for chunk in row_chunks(rows) {
        let mut st = tx.prepare_cached(shape_sql(&SQL, chunk.len(), insert_sql))?;
        let mut i = 1;
        for (issue_id, iv, a) in chunk {
            let ev = &a.event;
            let differs = |v: &str, issue: &str| (v != issue).then(|| v.to_string());
            id += 1;
            st.raw_bind_parameter(i, id)?;
            let j = i + 1;
            st.raw_bind_parameter(j, issue_id)?;
            st.raw_bind_parameter(j + 1, a.received_at)?;
            st.raw_bind_parameter(j + 2, ev.timestamp)?;
            st.raw_bind_parameter(j + 3, differs(&ev.error_type, &iv.error_type))?;
            st.raw_bind_parameter(j + 4, &ev.message)?;
            st.raw_bind_parameter(j + 5, differs(&ev.source, &iv.source))?;
            st.raw_bind_parameter(j + 6, &ev.environment)?;
            st.raw_bind_parameter(j + 7, &ev.release)?;
            st.raw_bind_parameter(j + 8, &ev.app_version)?;
            st.raw_bind_parameter(j + 9, &ev.build_number)?;
            st.raw_bind_parameter(
                j + 10,
                (ev.route_or_procedure != iv.route)
                    .then_some(ev.route_or_procedure.as_deref())
                    .flatten(),
            )?;
            st.raw_bind_parameter(
                j + 11,
                (ev.screen != iv.screen)
                    .then_some(ev.screen.as_deref())
                    .flatten(),
            )?;
            st.raw_bind_parameter(j + 12, &ev.stack)?;
            st.raw_bind_parameter(j + 13, ev.http_status)?;
            st.raw_bind_parameter(j + 14, &ev.request_id)?;
            st.raw_bind_parameter(j + 15, &ev.user_id_hash)?;
            st.raw_bind_parameter(j + 16, &ev.device_id_hash)?;
            st.raw_bind_parameter(j + 17, &ev.metadata)?;
            st.raw_bind_parameter(j + 18, a.time_clamped().then_some(1))?;
            st.raw_bind_parameter(j + 19, &ev.frames)?;
            i += EVENT_COLS;
        }
        let stored = st.raw_execute()?;
        if stored != chunk.len() {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
                Some(format!(
                    "stored {stored} of {} events (id conflict); the flush is retried",
                    chunk.len()
                )),
            ));
        }
    }
    Ok((first, id - through))
}

/// Events past the index mark at which [`index_events`] is run from inside a flush, whatever
/// the time (bounds the tail that readers scan).
pub const INDEX_TAIL_MAX: i64 = 20_000;

/// Files the events past the index mark under their issues in `event_issues`, in one sorted
/// insert (each active issue's page is written once, not once per flush), and moves the mark.
/// Returns how many events it indexed.
pub fn index_events(tx: &Transaction<'_>) -> rusqlite::Result<usize> {
    let through: i64 = tx
        .prepare_cached("SELECT through FROM event_index")?
        .query_row([], |r| r.get(0))?;
    let n = tx
        .prepare_cached(
            // OR IGNORE: no statement journal (it would copy every page the insert touches,
            // megabytes of memory); a pair already present is the same pair.
            "INSERT OR IGNORE INTO event_issues (issue_id, id)
             SELECT issue_id, id FROM events WHERE id > ?1 ORDER BY issue_id, id",
        )?
        .execute([through])?;
    tx.prepare_cached(
        "UPDATE event_index SET through = (SELECT max(id) FROM events)
         WHERE (SELECT max(id) FROM events) > through",
    )?
    .execute([])?;
    Ok(n)
}

/// Per-key count with first and last event time.
#[derive(Default, Debug, Clone, Copy)]
pub struct Tally {
    pub count: i64,
    pub first: i64,
    pub last: i64,
}

/// The group's events counted per `key`, in order of first appearance.
pub fn tally<'a>(
    group: &[&'a Accepted],
    key: impl Fn(&'a Accepted) -> &'a str,
) -> Vec<(&'a str, Tally)> {
    let mut out: Vec<(&str, Tally)> = Vec::new();
    let mut pos: HashMap<&str, usize> = HashMap::new();
    for a in group {
        let k = key(a);
        let i = *pos.entry(k).or_insert_with(|| {
            out.push((
                k,
                Tally {
                    count: 0,
                    first: a.at(),
                    last: a.at(),
                },
            ));
            out.len() - 1
        });
        let t = &mut out[i].1;
        t.count += 1;
        t.first = t.first.min(a.at());
        t.last = t.last.max(a.at());
    }
    out
}

/// The minute an issue's `last_seen` falls in: the recency indexes' key (migration 0009).
pub fn minute(ms: i64) -> i64 {
    ms.div_euclid(60_000)
}

/// What the writer knows about an issue row.
#[derive(Clone)]
struct KnownIssue {
    id: i64,
    total: i64,
    first_seen: i64,
    last_seen: i64,
    resolved: bool,
    resolved_in: Option<String>,
    values: Arc<IssueValues>,
    /// The releases the issue has events in (for `release_totals.issues`).
    releases: Arc<[Box<str>]>,
}

/// The writer's memory of the issue rows it wrote, so a fingerprint seen before skips the
/// lookup. Only the writer changes counts and `last_seen`, but the API and the CLI change
/// status and delete issues, so the memory is dropped whenever another connection has committed
/// since the last flush ([`IssueCache::sync`]), when a flush fails (its writes were rolled
/// back), and when it is full.
#[derive(Default)]
pub struct IssueCache {
    data_version: Option<i64>,
    by_project: HashMap<Arc<str>, HashMap<String, KnownIssue>>,
    len: usize,
}

/// Issues remembered at most (a few hundred bytes each).
const CACHE_MAX: usize = 8192;

impl IssueCache {
    /// Forgets everything when another connection committed since the last call. Called inside
    /// the flush's write transaction: nobody else can commit before it ends.
    pub fn sync(&mut self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        let version: i64 = tx
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        if self.data_version != Some(version) {
            self.clear();
            self.data_version = Some(version);
        }
        Ok(())
    }

    pub fn clear(&mut self) {
        self.by_project.clear();
        self.len = 0;
    }

    fn get(&self, project: &str, fingerprint: &str) -> Option<&KnownIssue> {
        self.by_project.get(project)?.get(fingerprint)
    }

    fn put(&mut self, project: &Arc<str>, fingerprint: &str, issue: KnownIssue) {
        if let Some(known) = self
            .by_project
            .get_mut(&**project)
            .and_then(|m| m.get_mut(fingerprint))
        {
            *known = issue;
            return;
        }
        if self.len >= CACHE_MAX {
            self.clear();
        }
        self.by_project
            .entry(project.clone())
            .or_default()
            .insert(fingerprint.to_string(), issue);
        self.len += 1;
    }
}

/// The issue row of (`project`, `fingerprint`), if there is one.
fn lookup(
    tx: &Transaction<'_>,
    project: &str,
    fingerprint: &str,
) -> rusqlite::Result<Option<KnownIssue>> {
    tx.prepare_cached(
        "SELECT id, total_count, last_seen, status, resolved_in_release, error_type, source,
             route_or_procedure, screen, first_seen
         FROM issues WHERE project_id = ?1 AND fingerprint = ?2",
    )?
    .query_row(params![project, fingerprint], |r| {
        Ok(KnownIssue {
            id: r.get(0)?,
            total: r.get(1)?,
            first_seen: r.get(9)?,
            last_seen: r.get(2)?,
            resolved: r.get_ref(3)?.as_str()? == "resolved",
            resolved_in: r.get(4)?,
            values: Arc::new(IssueValues {
                error_type: r.get(5)?,
                source: r.get(6)?,
                route: r.get(7)?,
                screen: r.get(8)?,
            }),
            releases: Arc::from([]),
        })
    })
    .optional()?
    .map(|mut k| {
        k.releases = tx
            .prepare_cached("SELECT release FROM issue_releases WHERE issue_id = ?1")?
            .query_map([k.id], |r| Ok(r.get::<_, String>(0)?.into_boxed_str()))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(k)
    })
    .transpose()
}

/// project → release → issues new to the release, events, first, last, issues new in it.
pub type ReleaseTotals = HashMap<Arc<str>, HashMap<String, [i64; 5]>>;

/// The value under `project` and `key`, inserted as `init` when missing (no key is allocated
/// when it is there).
fn slot<'m, V>(
    map: &'m mut HashMap<Arc<str>, HashMap<String, V>>,
    project: &Arc<str>,
    key: &str,
    init: V,
) -> &'m mut V {
    let inner = map.entry(project.clone()).or_default();
    if !inner.contains_key(key) {
        inner.insert(key.to_string(), init);
    }
    inner
        .get_mut(key)
        .unwrap_or_else(|| unreachable!("inserted above"))
}

/// project → release → (hour, events).
pub type ReleaseHours = HashMap<Arc<str>, HashMap<String, Vec<(i64, i64)>>>;

/// Per-release, per-environment and hourly counts gathered over a flush, written by
/// [`write_pending`] in a few multi-row upserts instead of one statement per issue.
#[derive(Default)]
pub struct Pending {
    pub releases: Vec<(i64, String, i64, i64, i64)>,
    /// (issue, release, environment, count, first, last); per-environment counts are sums.
    pub slices: Vec<(i64, String, String, i64, i64, i64)>,
    pub hours: Vec<(i64, i64, i64)>,
    pub release_totals: ReleaseTotals,
    /// project → release → (hour, events).
    pub release_hours: ReleaseHours,
    /// project → environment → events.
    pub environment_totals: HashMap<Arc<str>, HashMap<String, i64>>,
}

impl Pending {
    /// Counts an issue as new to `release` in the project's release totals (for a backend that
    /// learns it from the write itself).
    pub fn count_new_release(&mut self, project: &Arc<str>, release: &str) {
        slot(
            &mut self.release_totals,
            project,
            release,
            [0, 0, i64::MAX, i64::MIN, 0],
        )[0] += 1;
    }
}

fn upsert_sql(head: &str, cols: usize, rows: usize, tail: &str) -> String {
    let one = format!("({})", vec!["?"; cols].join(","));
    format!("{head} VALUES {} {tail}", vec![one; rows].join(","))
}

/// Writes what [`write_group`] gathered.
pub fn write_pending(tx: &Transaction<'_>, p: &Pending) -> rusqlite::Result<()> {
    static RELEASES: ShapeCache = [const { std::sync::OnceLock::new() }; SHAPES];
    static HOURS: ShapeCache = [const { std::sync::OnceLock::new() }; SHAPES];
    static SLICES: ShapeCache = [const { std::sync::OnceLock::new() }; SHAPES];
    for chunk in row_chunks(&p.releases) {
        let sql = shape_sql(&RELEASES, chunk.len(), |n| {
            upsert_sql(
                "INSERT INTO issue_releases (issue_id, release, count, first_seen, last_seen)",
                5,
                n,
                "ON CONFLICT (issue_id, release) DO UPDATE SET count = count + excluded.count,
                 first_seen = min(first_seen, excluded.first_seen),
                 last_seen = max(last_seen, excluded.last_seen)",
            )
        });
        let mut st = tx.prepare_cached(sql)?;
        let mut i = 1;
        for (id, name, count, first, last) in chunk {
            st.raw_bind_parameter(i, id)?;
            st.raw_bind_parameter(i + 1, name)?;
            st.raw_bind_parameter(i + 2, count)?;
            st.raw_bind_parameter(i + 3, first)?;
            st.raw_bind_parameter(i + 4, last)?;
            i += 5;
        }
        st.raw_execute()?;
    }
    for chunk in row_chunks(&p.slices) {
        let sql = shape_sql(&SLICES, chunk.len(), |n| {
            upsert_sql(
                "INSERT INTO issue_slices (issue_id, release, environment, count, first_seen, last_seen)",
                6,
                n,
                "ON CONFLICT (issue_id, environment, release) DO UPDATE SET
                 count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen),
                 last_seen = max(last_seen, excluded.last_seen)",
            )
        });
        let mut st = tx.prepare_cached(sql)?;
        let mut i = 1;
        for (id, release, environment, count, first, last) in chunk {
            st.raw_bind_parameter(i, id)?;
            st.raw_bind_parameter(i + 1, release)?;
            st.raw_bind_parameter(i + 2, environment)?;
            st.raw_bind_parameter(i + 3, count)?;
            st.raw_bind_parameter(i + 4, first)?;
            st.raw_bind_parameter(i + 5, last)?;
            i += 6;
        }
        st.raw_execute()?;
    }
    // In key order (hour, issue): the B-tree is walked forwards once.
    let mut hours: Vec<&(i64, i64, i64)> = p.hours.iter().collect();
    hours.sort_unstable_by_key(|(id, hour, _)| (*hour, *id));
    for chunk in row_chunks(&hours) {
        let sql = shape_sql(&HOURS, chunk.len(), |n| {
            upsert_sql(
                "INSERT INTO hourly_counts (hour, issue_id, count)",
                3,
                n,
                "ON CONFLICT (hour, issue_id) DO UPDATE SET count = count + excluded.count",
            )
        });
        let mut st = tx.prepare_cached(sql)?;
        let mut i = 1;
        for (id, hour, count) in chunk {
            st.raw_bind_parameter(i, hour)?;
            st.raw_bind_parameter(i + 1, id)?;
            st.raw_bind_parameter(i + 2, count)?;
            i += 3;
        }
        st.raw_execute()?;
    }
    let mut totals: Vec<_> = p
        .release_totals
        .iter()
        .flat_map(|(p, m)| m.iter().map(move |(r, v)| ((p, r), v)))
        .collect();
    totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut st = tx.prepare_cached(
        "INSERT INTO release_totals (project_id, release, issues, events, first_seen, last_seen,
             new_issues) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (project_id, release) DO UPDATE SET issues = issues + excluded.issues,
             events = events + excluded.events, first_seen = min(first_seen, excluded.first_seen),
             last_seen = max(last_seen, excluded.last_seen),
             new_issues = new_issues + excluded.new_issues",
    )?;
    for ((project, release), v) in totals {
        st.execute(params![&**project, release, v[0], v[1], v[2], v[3], v[4]])?;
    }
    let mut release_hours: Vec<_> = p
        .release_hours
        .iter()
        .flat_map(|(p, m)| {
            m.iter()
                .flat_map(move |(r, hs)| hs.iter().map(move |(h, n)| ((p, r, *h), *n)))
        })
        .collect();
    release_hours.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut st = tx.prepare_cached(
        "INSERT INTO release_hours (project_id, release, hour, count) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (project_id, release, hour) DO UPDATE SET count = count + excluded.count",
    )?;
    for ((project, release, hour), n) in release_hours {
        st.execute(params![&**project, release, hour, n])?;
    }
    let mut envs: Vec<_> = p
        .environment_totals
        .iter()
        .flat_map(|(p, m)| m.iter().map(move |(e, n)| ((p, e), n)))
        .collect();
    envs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut st = tx.prepare_cached(
        "INSERT INTO environment_totals (project_id, environment, events) VALUES (?1, ?2, ?3)
         ON CONFLICT (project_id, environment) DO UPDATE SET events = events + excluded.events",
    )?;
    for ((project, environment), n) in envs {
        st.execute(params![&**project, environment, n])?;
    }
    Ok(())
}

/// Writes the issue row of one group (one project + fingerprint) and gathers its counts into
/// `pending`. `None` when the project was deleted after the events were accepted: there is
/// nothing left to file them under.
pub fn write_group(
    tx: &Transaction<'_>,
    group: &[&Accepted],
    pending: &mut Pending,
    cache: &mut IssueCache,
) -> rusqlite::Result<Option<GroupSummary>> {
    let first = group[0];
    let last = group[group.len() - 1];
    let n = group.len() as i64;
    // Event time (normalised: see `Accepted::at`), so a day of buffered events lands in its day.
    let first_seen = group.iter().map(|a| a.at()).min().unwrap_or(first.at());
    let last_seen = group.iter().map(|a| a.at()).max().unwrap_or(last.at());
    let e = &first.event;
    let project = &first.project_id;

    // A lookup (in memory, else by the unique key), then an UPDATE by rowid or a plain INSERT.
    // One upsert with RETURNING did the same in one statement, but RETURNING runs as a trigger,
    // which makes SQLite open a statement journal and copy every page the statement touches:
    // that was a quarter of the writer's time.
    let known = match cache.get(project, &first.fingerprint) {
        Some(k) => Some(k.clone()),
        None => lookup(tx, project, &first.fingerprint)?,
    };
    // The release credited with the issue as new, when a late event may take the credit.
    let mut credited: Option<String> = None;
    let mut issue = match known {
        Some(mut k) => {
            let seen = k.last_seen.max(last_seen);
            let args: [&dyn rusqlite::ToSql; 6] = [
                &k.id,
                &n,
                &seen,
                &last.event.release,
                &last.event.environment,
                &minute(seen),
            ];
            // Naming `last_seen_minute` moves the issue in both recency indexes: only when the
            // minute changed.
            let updated = if minute(seen) != minute(k.last_seen) {
                tx.prepare_cached(
                    "UPDATE issues SET total_count = total_count + ?2, last_seen = ?3,
                         release = ?4, environment = ?5, last_seen_minute = ?6
                     WHERE id = ?1",
                )?
                .execute(&args[..])?
            } else {
                tx.prepare_cached(
                    "UPDATE issues SET total_count = total_count + ?2, last_seen = ?3,
                         release = ?4, environment = ?5
                     WHERE id = ?1",
                )?
                .execute(&args[..5])?
            };
            if updated != 1 {
                // Cannot happen while the cache follows `data_version`; if it does, the flush
                // fails, the cache is dropped and the retry looks the issue up afresh.
                return Err(rusqlite::Error::StatementChangedRows(updated));
            }
            // A late event (a phone's buffered upload) can be older than the issue: first seen
            // follows the events' own time.
            if first_seen < k.first_seen {
                tx.prepare_cached("UPDATE issues SET first_seen = ?2 WHERE id = ?1")?
                    .execute(params![k.id, first_seen])?;
                k.first_seen = first_seen;
                // Rare (a late upload): the release of the issue's earliest event so far, as
                // the release rows say before this flush adds to them.
                credited = tx
                    .prepare_cached(
                        "SELECT release FROM issue_releases WHERE issue_id = ?1
                         ORDER BY first_seen, release LIMIT 1",
                    )?
                    .query_row([k.id], |r| r.get(0))
                    .optional()?;
            }
            k.total += n;
            k.last_seen = seen;
            k
        }
        None => {
            // The writer's connection does not check foreign keys (see `store::tune_writer`).
            let project_exists = tx
                .prepare_cached("SELECT 1 FROM projects WHERE id = ?1")?
                .exists([&**project])?;
            if !project_exists {
                return Ok(None);
            }
            tx.prepare_cached(
                "INSERT INTO issues (project_id, fingerprint, error_type, message, source,
                     route_or_procedure, screen, total_count, first_seen, last_seen,
                     last_seen_minute, release, environment, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'unresolved')",
            )?
            .execute(params![
                &**project,
                first.fingerprint,
                e.error_type,
                e.message,
                e.source,
                e.route_or_procedure,
                e.screen,
                n,
                first_seen,
                last_seen,
                minute(last_seen),
                last.event.release,
                last.event.environment,
            ])?;
            KnownIssue {
                id: tx.last_insert_rowid(),
                total: n,
                first_seen,
                last_seen,
                resolved: false,
                resolved_in: None,
                values: Arc::new(IssueValues {
                    error_type: e.error_type.clone(),
                    source: e.source.clone(),
                    route: e.route_or_procedure.clone(),
                    screen: e.screen.clone(),
                }),
                releases: Arc::from([]),
            }
        }
    };
    let issue_id = issue.id;
    let is_new = issue.total == n;
    let previous_count = (issue.total - n) as u64;

    let releases = tally(group, |a| a.event.release.as_str());
    let new_releases = gather(
        pending,
        project,
        issue_id,
        group,
        &releases,
        is_new,
        credited.as_deref(),
        Some(&issue.releases),
    );
    if !new_releases.is_empty() {
        issue.releases = issue
            .releases
            .iter()
            .cloned()
            .chain(new_releases.iter().map(|r| Box::from(*r)))
            .collect();
    }
    let mut regressed = false;
    if issue.resolved {
        for (rel, _) in &releases {
            if regresses(tx, project, issue.resolved_in.as_deref(), rel)? {
                tx.prepare_cached(
                    "UPDATE issues SET status = 'unresolved', resolved_in_release = NULL WHERE id = ?1",
                )?
                .execute([issue_id])?;
                tx.prepare_cached(
                    "INSERT INTO status_history (issue_id, old_status, new_status, actor, reason, release, changed_at)
                     VALUES (?1, 'resolved', 'unresolved', 'system', 'regression', ?2, ?3)",
                )?
                .execute(params![issue_id, rel, last_seen])?;
                issue.resolved = false;
                issue.resolved_in = None;
                regressed = true;
                break;
            }
        }
    }
    let issue_values = issue.values.clone();
    cache.put(project, &first.fingerprint, issue);

    Ok(Some(GroupSummary {
        issue_id,
        is_new,
        regressed,
        previous_count,
        issue_values,
    }))
}

/// Gathers one group's counts into `pending`, the same for every backend: per release (and the
/// project's release totals, crediting the release an issue is new in), per release and
/// environment, per hour, per release and hour, per environment. `releases` is the group's
/// tally by release; `credited` the release that had the credit for the issue when a late
/// event moves it; `known` the releases the issue had events in before (None: not known here,
/// the caller adds issues new to a release with [`Pending::count_new_release`]). Returns the
/// releases new to the issue.
#[allow(clippy::too_many_arguments)]
pub fn gather<'a>(
    pending: &mut Pending,
    project: &Arc<str>,
    issue_id: i64,
    group: &[&Accepted],
    releases: &[(&'a str, Tally)],
    is_new: bool,
    credited: Option<&str>,
    known: Option<&[Box<str>]>,
) -> Vec<&'a str> {
    // An issue is new in the release of its earliest event: a new issue's earliest event is in
    // this group; an event older than the issue moves the credit from the release that had it.
    let earliest = releases
        .iter()
        .min_by(|a, b| (a.1.first, a.0).cmp(&(b.1.first, b.0)))
        .map(|(r, _)| *r);
    let first_release = if is_new {
        earliest
    } else {
        match (credited, earliest) {
            (Some(old), Some(new)) if old != new => {
                slot(
                    &mut pending.release_totals,
                    project,
                    old,
                    [0, 0, i64::MAX, i64::MIN, 0],
                )[4] -= 1;
                Some(new)
            }
            _ => None,
        }
    };
    let mut fresh = Vec::new();
    for (rel, t) in releases {
        pending
            .releases
            .push((issue_id, rel.to_string(), t.count, t.first, t.last));
        // Unknown (None): the caller counts the issues new to a release itself.
        let new_to_issue = known.is_some_and(|k| !k.iter().any(|r| &**r == *rel));
        if new_to_issue {
            fresh.push(*rel);
        }
        let v = slot(
            &mut pending.release_totals,
            project,
            rel,
            [0, 0, i64::MAX, i64::MIN, 0],
        );
        v[0] += i64::from(new_to_issue);
        v[1] += t.count;
        v[2] = v[2].min(t.first);
        v[3] = v[3].max(t.last);
        v[4] += i64::from(first_release == Some(*rel));
    }
    // Most groups have one release and one environment: then the slice is the whole group.
    let slices_start = pending.slices.len();
    let env = &group[0].event.environment;
    if releases.len() == 1 && group.iter().all(|a| &a.event.environment == env) {
        let t = &releases[0].1;
        pending.slices.push((
            issue_id,
            releases[0].0.to_string(),
            env.clone(),
            t.count,
            t.first,
            t.last,
        ));
    } else {
        let start = pending.slices.len();
        for a in group {
            let (rel, env) = (&a.event.release, &a.event.environment);
            match pending.slices[start..]
                .iter_mut()
                .find(|s| &s.1 == rel && &s.2 == env)
            {
                Some(s) => {
                    s.3 += 1;
                    s.4 = s.4.min(a.at());
                    s.5 = s.5.max(a.at());
                }
                None => {
                    pending
                        .slices
                        .push((issue_id, rel.clone(), env.clone(), 1, a.at(), a.at()))
                }
            }
        }
    }

    for (_, _, env, n, _, _) in &pending.slices[slices_start..] {
        *slot(&mut pending.environment_totals, project, env, 0) += n;
    }

    for a in group {
        let h = a.at() - a.at().rem_euclid(HOUR_MS);
        let per_release = slot(
            &mut pending.release_hours,
            project,
            &a.event.release,
            Vec::new(),
        );
        match per_release.iter_mut().rev().find(|(hh, _)| *hh == h) {
            Some((_, c)) => *c += 1,
            None => per_release.push((h, 1)),
        }
        match pending
            .hours
            .iter_mut()
            .rev()
            .take_while(|(id, _, _)| *id == issue_id)
            .find(|(_, hh, _)| *hh == h)
        {
            Some((_, _, c)) => *c += 1,
            None => pending.hours.push((issue_id, h, 1)),
        }
    }
    fresh
}

/// Whether an event from `event_release` reopens an issue resolved in `resolved_in`.
///
/// No release given at resolve time: any new event regresses. Both semantic versions: the event
/// regresses unless its release is older. Otherwise releases are ordered by when the project first
/// saw them; a resolve release never seen yet has not shipped, so nothing regresses before it.
pub fn regresses(
    tx: &rusqlite::Connection,
    project_id: &str,
    resolved_in: Option<&str>,
    event_release: &str,
) -> rusqlite::Result<bool> {
    let Some(fixed) = resolved_in.filter(|r| !r.is_empty()) else {
        return Ok(true);
    };
    if let Some(ord) = release::compare(event_release, fixed) {
        return Ok(ord != std::cmp::Ordering::Less);
    }
    let first_seen = |rel: &str| -> rusqlite::Result<Option<i64>> {
        tx.prepare_cached(
            "SELECT min(r.first_seen) FROM issue_releases r JOIN issues i ON i.id = r.issue_id
             WHERE i.project_id = ?1 AND r.release = ?2",
        )?
        .query_row(params![project_id, rel], |r| r.get(0))
        .optional()
        .map(Option::flatten)
    };
    let Some(fixed_at) = first_seen(fixed)? else {
        return Ok(false);
    };
    Ok(first_seen(event_release)?.is_none_or(|t| t >= fixed_at))
}

/// Stores `a` in the issue's sample slot `slot` (replacing what was there).
pub fn put_sample(
    tx: &Transaction<'_>,
    issue_id: i64,
    slot: i64,
    a: &Accepted,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO samples (issue_id, slot, received_at, event) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (issue_id, slot) DO UPDATE SET received_at = excluded.received_at, event = excluded.event",
    )?
    .execute(params![issue_id, slot, a.received_at, a.event.to_json()])?;
    Ok(())
}

/// `events` counted per (project, hour of their own time).
pub fn project_hours<'a>(events: impl Iterator<Item = &'a Accepted>) -> Vec<(&'a str, i64, i64)> {
    let mut hours: Vec<(&str, i64, i64)> = Vec::new();
    for a in events {
        let h = a.at() - a.at().rem_euclid(HOUR_MS);
        match hours
            .iter_mut()
            .find(|(p, hh, _)| *hh == h && *p == &*a.project_id)
        {
            Some((_, _, c)) => *c += 1,
            None => hours.push((&a.project_id, h, 1)),
        }
    }
    hours
}

/// Uniform reservoir sampling: the `k`-th event of an issue (1-based) takes slot `k - 1` while
/// the reservoir of `size` fills, then replaces a random slot with probability `size / k`.
/// The slot it takes, if any.
pub fn reservoir_slot(k: u64, size: usize, rng: &mut impl rand::Rng) -> Option<u64> {
    if k <= size as u64 {
        Some(k - 1)
    } else {
        let r = rng.random_range(0..k);
        (r < size as u64).then_some(r)
    }
}

/// Adds the batch to the per-project hourly totals (one upsert per project and hour).
pub fn add_project_hours<'a>(
    tx: &Transaction<'_>,
    events: impl Iterator<Item = &'a Accepted>,
) -> rusqlite::Result<()> {
    let hours = project_hours(events);
    let mut st = tx.prepare_cached(
        "INSERT INTO project_hourly (project_id, hour, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (project_id, hour) DO UPDATE SET count = count + excluded.count",
    )?;
    for (p, h, c) in hours {
        st.execute(params![p, h, c])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_use_few_shapes_and_keep_every_row() {
        for n in 0..300usize {
            let rows: Vec<usize> = (0..n).collect();
            let chunks: Vec<&[usize]> = row_chunks(&rows).collect();
            assert_eq!(chunks.concat(), rows, "n = {n}");
            assert!(chunks
                .iter()
                .all(|c| c.len().is_power_of_two() && c.len() <= MAX_ROWS));
        }
    }
}
