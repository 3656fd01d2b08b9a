//! The insights on PostgreSQL. Every node keeps a DuckDB rollup of its own, built once from
//! `events` and `hourly_counts` and then kept current from `analytics_feed` (see
//! `store/pg/migrations/0006_analytics_feed.sql`): each flush, on whichever node, appends its
//! events summed per (project, issue, hour, environment, release) under its transaction id. A
//! read remembers its snapshot, and the next read takes the feed rows visible now and not
//! visible then: exactly the flushes committed in between, whatever order they committed in, so
//! nothing is missed or counted twice.
//!
//! [`Shared`] owns a connection on a runtime of its own, so the analytics thread (or the CLI)
//! can use it without an async caller.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use duckdb::params;

use super::duck::{Duck, Mark, PgMark, Synced};
use super::insights::{Brought, IssueRef, Main};
use crate::pipeline::feed::FeedRow;
use crate::store::pg::Pg;
use crate::store::StoreError;

/// How long the feed's rows are kept (the leader deletes older ones; see
/// `store::pg::prune_analytics_feed`).
pub use crate::store::pg::ANALYTICS_FEED_KEEP_MS as FEED_KEEP_MS;

/// A rollup that has not read for this long is built again (its next rows may be gone).
const STALE_MS: i64 = FEED_KEEP_MS - 10 * 60_000;

/// Rows fetched per step of a build.
const STEP: usize = 20_000;

/// How long turning the feed on waits for the flushes that decided without it.
const SETTLE: Duration = Duration::from_secs(30);

/// The main database on PostgreSQL, for the analytics thread and the CLI.
pub struct Shared {
    rt: tokio::runtime::Runtime,
    pg: Pg,
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The hour an event counts in, on `events e` (the flush set `received_at` by the database's
/// clock; the feed and the hourly counts use the node's, so a build can put an event that
/// arrived within a clock's skew of an hour's turn in the neighbouring hour).
const HOUR_OF_EVENT: &str =
    "(CASE WHEN e.time_clamped IS NULL THEN least(e.timestamp, e.received_at)
      ELSE e.received_at END) / 3600000";

impl Shared {
    /// Connects to `url` (already migrated by `serve` or the command) on a runtime of its own.
    pub fn open(url: &str) -> Result<Shared, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(text)?;
        let pg = Pg::new(url, 1).map_err(text)?;
        Ok(Shared { rt, pg })
    }

    fn on<T, E: Into<StoreError>>(
        &self,
        f: impl Future<Output = Result<T, E>>,
    ) -> Result<T, String> {
        self.rt.block_on(f).map_err(|e| e.into().to_string())
    }

    /// Brings `duck` up to date (building it when it has never read this database, or not for
    /// [`STALE_MS`]), and returns what it did with the projects that exist.
    pub fn sync(&self, duck: &Duck, horizon_hour: i64) -> Result<(Synced, Vec<String>), String> {
        let c = self.on(self.pg.client())?;
        let instance = self.on(enable(&c))?;
        self.on(c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))?;
        let r = self.sync_in(&c, duck, horizon_hour, instance);
        let end = self.on(c.batch_execute(if r.is_ok() { "COMMIT" } else { "ROLLBACK" }));
        if end.is_err() {
            // Not back to a known state: this connection is not reused.
            let _ = deadpool_postgres::Object::take(c);
        }
        let done = r?;
        end?;
        Ok(done)
    }

    fn sync_in(
        &self,
        c: &deadpool_postgres::Client,
        duck: &Duck,
        horizon_hour: i64,
        instance: String,
    ) -> Result<(Synced, Vec<String>), String> {
        // The first statement: the transaction's snapshot, which every read below sees.
        let head = self.on(c.query_one(
            "SELECT pg_current_snapshot()::text,
                    (extract(epoch FROM clock_timestamp()) * 1000)::int8",
            &[],
        ))?;
        let mark = PgMark {
            instance,
            snapshot: head.get(0),
            read_at: head.get(1),
        };
        let built = duck.state()?.is_some_and(|s| s.2);
        let last = duck.pg_state()?;
        let rebuild = match (&last, built) {
            (Some(last), true) => {
                if last.instance != mark.instance {
                    tracing::info!(
                        "the analytics store belongs to another database; rebuilding it"
                    );
                    true
                } else if mark.read_at - last.read_at > STALE_MS {
                    tracing::info!("the analytics store has not read for too long; rebuilding it");
                    true
                } else if bounds(&mark.snapshot).1 < bounds(&last.snapshot).0 {
                    tracing::warn!("the database is older than the analytics store; rebuilding it");
                    true
                } else {
                    false
                }
            }
            _ => true,
        };
        let done = if rebuild {
            self.build(c, duck, horizon_hour, &mark)?
        } else {
            let last = last.expect("checked above");
            let rows = self.feed_since(c, &last.snapshot)?;
            let events = rows.iter().map(|r| r.count).sum();
            let n = duck.append(rows, &Mark::Pg(&mark))?;
            Synced {
                events,
                rows: n as i64,
                rebuilt: false,
            }
        };
        let projects = self
            .on(c.query("SELECT id FROM projects ORDER BY id", &[]))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok((done, projects))
    }

    /// The feed's rows committed after `snapshot` (and visible in this transaction's).
    fn feed_since(
        &self,
        c: &deadpool_postgres::Client,
        snapshot: &str,
    ) -> Result<Vec<FeedRow>, String> {
        let rows = self.on(c.query(
            "SELECT project_id, issue_id, hour, environment, release, sum(count)::int8
             FROM analytics_feed
             WHERE xid >= pg_snapshot_xmin($1::text::pg_snapshot)
               AND NOT pg_visible_in_snapshot(xid, $1::text::pg_snapshot)
             GROUP BY 1, 2, 3, 4, 5",
            &[&snapshot],
        ))?;
        let mut names: HashMap<String, Arc<str>> = HashMap::new();
        let mut name = |s: String| -> Arc<str> {
            names
                .entry(s)
                .or_insert_with_key(|k| Arc::from(k.as_str()))
                .clone()
        };
        Ok(rows
            .into_iter()
            .map(|r| FeedRow {
                project: name(r.get(0)),
                issue: r.get(1),
                hour: r.get(2),
                environment: name(r.get(3)),
                release: name(r.get(4)),
                count: r.get(5),
            })
            .collect())
    }

    /// The whole rollup from this transaction's snapshot: the stored events by key, and per
    /// issue and hour what the hourly counts have beyond them (events retention removed),
    /// without an environment or release. Streamed through a cursor, in hour order.
    fn build(
        &self,
        c: &deadpool_postgres::Client,
        duck: &Duck,
        horizon_hour: i64,
        mark: &PgMark,
    ) -> Result<Synced, String> {
        let horizon_ms = horizon_hour * super::insights::HOUR_MS;
        self.on(c.batch_execute(&format!(
            "DECLARE rollup_build NO SCROLL CURSOR FOR
             WITH ev AS MATERIALIZED (
                 SELECT e.issue_id, {HOUR_OF_EVENT} AS h, e.environment, e.release,
                        count(*)::int8 AS n
                 FROM events e GROUP BY 1, 2, 3, 4),
             per AS (SELECT issue_id, h, sum(n)::int8 AS n FROM ev GROUP BY 1, 2)
             SELECT i.project_id, x.issue_id, x.h, x.environment, x.release, x.n
             FROM (SELECT issue_id, h, environment, release, n FROM ev
                   UNION ALL
                   SELECT hc.issue_id, hc.hour / 3600000, NULL, NULL,
                          hc.count - coalesce(p.n, 0)
                   FROM hourly_counts hc
                   LEFT JOIN per p ON p.issue_id = hc.issue_id AND p.h = hc.hour / 3600000
                   WHERE hc.hour >= {horizon_ms} AND hc.count > coalesce(p.n, 0)) x
             JOIN issues i ON i.id = x.issue_id
             ORDER BY x.h, x.issue_id"
        )))?;
        let fetch = format!("FETCH {STEP} FROM rollup_build");
        let done = duck.rebuild(
            |app| {
                let mut done = Synced {
                    rebuilt: true,
                    ..Synced::default()
                };
                loop {
                    let rows = self.on(c.query(&fetch, &[]))?;
                    for r in &rows {
                        let environment: Option<&str> = r.get(3);
                        let n: i64 = r.get(5);
                        app.append_row(params![
                            r.get::<_, &str>(0),
                            r.get::<_, i64>(1),
                            r.get::<_, i64>(2),
                            environment,
                            r.get::<_, Option<&str>>(4),
                            n
                        ])
                        .map_err(text)?;
                        done.rows += 1;
                        if environment.is_some() {
                            done.events += n;
                        }
                    }
                    if rows.len() < STEP {
                        return Ok(done);
                    }
                }
            },
            &Mark::Pg(mark),
        )?;
        self.on(c.batch_execute("CLOSE rollup_build"))?;
        tracing::info!(
            rows = done.rows,
            events = done.events,
            "analytics store built from the database"
        );
        Ok(done)
    }

    /// The projects that exist.
    pub fn projects(&self) -> Result<Vec<String>, String> {
        let c = self.on(self.pg.client())?;
        Ok(self
            .on(c.query("SELECT id FROM projects ORDER BY id", &[]))?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
}

/// (xmin, xmax) of a snapshot's text (`xmin:xmax:xip,...`).
fn bounds(snapshot: &str) -> (u64, u64) {
    let mut parts = snapshot.split(':').map(|p| p.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Turns the feed on when it is off, and returns the database's id for rollups. Turning it on
/// waits (up to [`SETTLE`]) for the flushes in progress, which may have decided without it: a
/// rollup built after that sees all of their events, or none of them and their feed rows.
pub async fn enable(c: &deadpool_postgres::Client) -> Result<String, StoreError> {
    if let Some(r) = c.query_opt("SELECT id FROM analytics_on", &[]).await? {
        return Ok(r.get(0));
    }
    let now = crate::store::now_ms();
    let made = c
        .query_opt(
            "INSERT INTO analytics_on (since) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id",
            &[&now],
        )
        .await?;
    let Some(made) = made else {
        // Another node turned it on just now (and waits itself).
        return Ok(c
            .query_one("SELECT id FROM analytics_on", &[])
            .await?
            .get(0));
    };
    // A flush that read the flag before it was committed took its transaction id in the same
    // statement: after a moment it is in the snapshot's list of transactions in progress.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let snapshot: String = c
        .query_one("SELECT pg_current_snapshot()::text", &[])
        .await?
        .get(0);
    let started = Instant::now();
    loop {
        let busy: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_snapshot_xip($1::text::pg_snapshot) x
                 WHERE pg_xact_status(x) = 'in progress'",
                &[&snapshot],
            )
            .await?
            .get(0);
        if busy == 0 {
            break;
        }
        if started.elapsed() > SETTLE {
            tracing::warn!(
                transactions = busy,
                "turned the analytics feed on while transactions were still running; \
                 the first insights may miss their events until the rollup is rebuilt"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tracing::info!("analytics feed turned on for this database");
    Ok(made.get(0))
}

impl Main for Shared {
    fn issue_refs(&self, ids: &[i64]) -> Result<HashMap<i64, IssueRef>, String> {
        let c = self.on(self.pg.client())?;
        let rows = self.on(c.query(
            "SELECT id, fingerprint, project_id, error_type, message, status, first_seen,
                    last_seen, total_count
             FROM issues WHERE id = ANY($1)",
            &[&ids],
        ))?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    IssueRef {
                        fingerprint: r.get(1),
                        project: r.get(2),
                        error_type: r.get(3),
                        message: r.get(4),
                        status: r.get(5),
                        first_seen: r.get(6),
                        last_seen: r.get(7),
                        total_count: r.get(8),
                    },
                )
            })
            .collect())
    }

    fn brought(&self, projects: Option<&[String]>) -> Result<Vec<Brought>, String> {
        let c = self.on(self.pg.client())?;
        let rows = self.on(c.query(
            "SELECT release, issue_id, true FROM (
                 SELECT r.release, r.issue_id,
                        row_number() OVER (PARTITION BY r.issue_id
                                           ORDER BY r.first_seen, r.release COLLATE \"C\") AS k
                 FROM issue_releases r JOIN issues i ON i.id = r.issue_id
                 WHERE $1::text[] IS NULL OR i.project_id = ANY($1)) b
             WHERE k = 1
             UNION ALL
             SELECT DISTINCT h.release, h.issue_id, false
             FROM status_history h JOIN issues i ON i.id = h.issue_id
             WHERE ($1::text[] IS NULL OR i.project_id = ANY($1))
               AND h.reason = 'regression' AND h.release IS NOT NULL",
            &[&projects],
        ))?;
        Ok(rows
            .iter()
            .map(|r| Brought {
                release: r.get(0),
                issue: r.get(1),
                new: r.get(2),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::pg::scratch;

    fn rollup_total(duck: &Duck) -> i64 {
        use super::super::engine::{Engine, Kind};
        duck.query(
            "SELECT CAST(coalesce(sum(count), 0) AS BIGINT) FROM hourly",
            &[],
            &[Kind::Int],
        )
        .expect("total")[0][0]
            .int()
    }

    /// A flush still open while a rollup reads, committed after: read once, at the next sync,
    /// and nothing read before read again (the snapshot, not the transaction id order, decides).
    #[test]
    fn a_flush_committed_after_a_read_is_taken_by_the_next_one_once() {
        let url = scratch::shared().database().expect("scratch database");
        let shared = Shared::open(&url).expect("open");
        shared
            .rt
            .block_on(async {
                let mut c = shared.pg.client().await?;
                crate::store::pg::migrate(&mut c).await?;
                Ok::<_, StoreError>(())
            })
            .expect("migrate");
        let duck = Duck::open(None, 64).expect("duck");
        let hour = crate::store::now_ms() / super::super::insights::HOUR_MS;
        let add = |n: i64| {
            format!(
                "INSERT INTO analytics_feed (at, project_id, issue_id, hour, environment, release, count)
                 VALUES ({}, 'default', 1, {hour}, 'production', '1.0', {n})",
                crate::store::now_ms()
            )
        };
        let (done, _) = shared.sync(&duck, 0).expect("build");
        assert!(done.rebuilt);
        assert_eq!(rollup_total(&duck), 0);

        // A: open, with a feed row (it has a transaction id older than B's).
        let other = Pg::new(&url, 1).expect("pool");
        let open = shared.on(other.client()).expect("client");
        shared.on(open.batch_execute("BEGIN")).expect("begin");
        shared.on(open.batch_execute(&add(1))).expect("row in A");
        // B: committed.
        scratch::shared().psql(&url, &add(10)).expect("B");
        let (done, _) = shared.sync(&duck, 0).expect("sync");
        assert!(!done.rebuilt);
        assert_eq!(rollup_total(&duck), 10, "B read, A not yet visible");

        shared.on(open.batch_execute("COMMIT")).expect("commit A");
        scratch::shared().psql(&url, &add(100)).expect("C");
        shared.sync(&duck, 0).expect("sync");
        assert_eq!(rollup_total(&duck), 111, "A and C read, B not again");
        shared.sync(&duck, 0).expect("sync");
        assert_eq!(rollup_total(&duck), 111, "nothing new");
    }
}
