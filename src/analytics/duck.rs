//! The DuckDB side: the rollup's file beside the database, and how it is kept current.
//!
//! Each sync appends, with DuckDB's appender and the cursor (the last event id covered) moving
//! in the same transaction, either the writer's sums of the flushes since the last sync
//! ([`crate::pipeline::feed`]), when their ids continue exactly at the cursor, or else the
//! events past the cursor read from SQLite by id (the writer gives every event an id above all
//! earlier ones, so `id > cursor` is exactly what is new), summed per (project, issue, hour,
//! environment, release). The first build also takes the hourly counts kept beyond the raw
//! events' retention: per issue and hour, what the stored events do not explain is added
//! without an environment or release, so the rollup's totals equal the database's hourly counts.
//!
//! DuckDB is opened with a memory limit and one thread, with extension auto-loading and
//! auto-installing off and no external file access: it never touches the network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use duckdb::{params, Connection};

use super::engine::{Cell, Engine, Kind};
use super::insights::{HOUR_MS, HOUR_OF_EVENT};
use crate::pipeline::feed::{FeedRow, Key, Taken};

/// Bumped when the rollup's layout changes: an older file is rebuilt.
const LAYOUT: i64 = 1;

/// Events read from SQLite per step of the feed.
const STEP: i64 = 100_000;

pub struct Duck {
    conn: Connection,
    pub path: Option<PathBuf>,
}

fn err(e: duckdb::Error) -> String {
    e.to_string()
}

fn sql_err(e: rusqlite::Error) -> String {
    e.to_string()
}

/// Whether an open failed because another process holds the file.
pub fn is_locked(message: &str) -> bool {
    message.contains("Could not set lock") || message.contains("Conflicting lock")
}

/// How far a rollup has read: on SQLite the last event id, on PostgreSQL a snapshot.
pub enum Mark<'a> {
    Cursor(i64),
    Pg(&'a PgMark),
}

/// Where a rollup of a PostgreSQL database last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgMark {
    /// The database's id (`analytics_on.id`): another database means another rollup.
    pub instance: String,
    /// `pg_current_snapshot()` of the read, as text.
    pub snapshot: String,
    /// The database's clock at the read (ms).
    pub read_at: i64,
}

/// What one sync did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    pub events: i64,
    pub rows: i64,
    pub rebuilt: bool,
}

impl Duck {
    /// Opens (or creates) the rollup at `path` (`None`: in memory). A file DuckDB cannot open
    /// (damaged, or written by another version) is moved aside and a new one built.
    pub fn open(path: Option<&Path>, memory_limit_mb: u32) -> Result<Duck, String> {
        let config = || -> Result<duckdb::Config, duckdb::Error> {
            duckdb::Config::default()
                .max_memory(&format!("{memory_limit_mb}MB"))?
                .threads(1)?
                .enable_autoload_extension(false)?
                .with("autoinstall_known_extensions", "false")?
                .enable_external_access(false)?
                .enable_object_cache(false)
        };
        let conn = match path {
            None => Connection::open_in_memory_with_flags(config().map_err(err)?).map_err(err)?,
            Some(p) => match Connection::open_with_flags(p, config().map_err(err)?) {
                Ok(c) => c,
                // Another process (a running server) has it: not damage.
                Err(e) if is_locked(&e.to_string()) => return Err(e.to_string()),
                Err(e) => {
                    let aside = p.with_extension(format!(
                        "{}.unreadable",
                        p.extension().and_then(|x| x.to_str()).unwrap_or("duckdb")
                    ));
                    tracing::warn!(path = %p.display(), error = %e,
                        "analytics store unreadable; moved aside and rebuilt from the database");
                    std::fs::rename(p, &aside).map_err(|e| e.to_string())?;
                    let _ = std::fs::remove_file(p.with_extension("duckdb.wal"));
                    Connection::open_with_flags(p, config().map_err(err)?).map_err(err)?
                }
            },
        };
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS hourly (
                 project VARCHAR NOT NULL, issue BIGINT NOT NULL, hour BIGINT NOT NULL,
                 environment VARCHAR, release VARCHAR, count BIGINT NOT NULL);
             CREATE TABLE IF NOT EXISTS feed (layout BIGINT NOT NULL, cursor BIGINT NOT NULL,
                 built BOOLEAN NOT NULL);
             CREATE TABLE IF NOT EXISTS pg_feed (instance VARCHAR NOT NULL,
                 snapshot VARCHAR NOT NULL, read_at BIGINT NOT NULL);",
        )
        .map_err(err)?;
        let duck = Duck {
            conn,
            path: path.map(Path::to_path_buf),
        };
        if duck.state()?.is_none_or(|s| s.0 != LAYOUT) {
            duck.reset()?;
        }
        Ok(duck)
    }

    /// (layout, cursor, built).
    pub(super) fn state(&self) -> Result<Option<(i64, i64, bool)>, String> {
        let mut st = self
            .conn
            .prepare("SELECT layout, cursor, built FROM feed")
            .map_err(err)?;
        let mut rows = st.query([]).map_err(err)?;
        match rows.next().map_err(err)? {
            Some(r) => Ok(Some((
                r.get(0).map_err(err)?,
                r.get(1).map_err(err)?,
                r.get(2).map_err(err)?,
            ))),
            None => Ok(None),
        }
    }

    /// Empties the rollup; the next sync builds it again.
    pub fn reset(&self) -> Result<(), String> {
        self.conn
            .execute_batch(&format!(
                "BEGIN TRANSACTION; DELETE FROM hourly; DELETE FROM feed; DELETE FROM pg_feed;
                 INSERT INTO feed VALUES ({LAYOUT}, 0, false); COMMIT;"
            ))
            .map_err(err)
    }

    /// The rollup's rows (with repeats of a key not yet compacted).
    pub fn rows(&self) -> Result<i64, String> {
        self.conn
            .query_row("SELECT count(*) FROM hourly", [], |r| r.get(0))
            .map_err(err)
    }

    /// On PostgreSQL: where the rollup last read (see `super::pg`), when it has.
    pub(super) fn pg_state(&self) -> Result<Option<PgMark>, String> {
        let mut st = self
            .conn
            .prepare("SELECT instance, snapshot, read_at FROM pg_feed")
            .map_err(err)?;
        let mut rows = st.query([]).map_err(err)?;
        match rows.next().map_err(err)? {
            Some(r) => Ok(Some(PgMark {
                instance: r.get(0).map_err(err)?,
                snapshot: r.get(1).map_err(err)?,
                read_at: r.get(2).map_err(err)?,
            })),
            None => Ok(None),
        }
    }

    /// Replaces every row with what `fill` appends, and records `mark`, in one transaction.
    pub(super) fn rebuild(
        &self,
        fill: impl FnOnce(&mut duckdb::Appender<'_>) -> Result<Synced, String>,
        mark: &Mark<'_>,
    ) -> Result<Synced, String> {
        self.conn
            .execute_batch("BEGIN TRANSACTION; DELETE FROM hourly;")
            .map_err(err)?;
        let r = (|| {
            let mut app = self.conn.appender("hourly").map_err(err)?;
            let done = fill(&mut app)?;
            app.flush().map_err(err)?;
            drop(app);
            self.mark(mark)?;
            self.conn
                .execute("UPDATE feed SET built = true", [])
                .map_err(err)?;
            Ok(done)
        })();
        match r {
            Ok(done) => {
                self.conn.execute_batch("COMMIT").map_err(err)?;
                Ok(done)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Records how far the rollup has read.
    fn mark(&self, mark: &Mark<'_>) -> Result<(), String> {
        match mark {
            Mark::Cursor(c) => self
                .conn
                .execute("UPDATE feed SET cursor = ?", params![c])
                .map(|_| ())
                .map_err(err),
            Mark::Pg(m) => {
                self.conn.execute("DELETE FROM pg_feed", []).map_err(err)?;
                self.conn
                    .execute(
                        "INSERT INTO pg_feed VALUES (?, ?, ?)",
                        params![m.instance, m.snapshot, m.read_at],
                    )
                    .map(|_| ())
                    .map_err(err)
            }
        }
    }

    /// Brings the rollup up to date with `db`: the first time (or after the database was
    /// replaced by an older one) a full build; else the writer's sums in `fed` when they
    /// continue exactly at the cursor, or the events past the cursor read from `db`.
    pub fn sync(
        &self,
        db: &mut rusqlite::Connection,
        horizon_hour: i64,
        fed: Taken,
    ) -> Result<Synced, String> {
        let (_, cursor, built) = self.state()?.unwrap_or((LAYOUT, 0, false));
        if let (true, Taken::Range { first, last, rows }) = (built, fed) {
            if first == cursor + 1 {
                let rows = self.append(rows, &Mark::Cursor(last))?;
                return Ok(Synced {
                    events: last - first + 1,
                    rows: rows as i64,
                    rebuilt: false,
                });
            }
        }
        let newest = newest_event_id(db)?;
        if built && newest < cursor {
            tracing::warn!(
                cursor,
                newest,
                "the database is older than the analytics store; rebuilding it"
            );
            self.reset()?;
            return self.build(db, horizon_hour);
        }
        if !built {
            return self.build(db, horizon_hour);
        }
        let mut done = Synced::default();
        let mut cursor = cursor;
        loop {
            let (rows, last, read) = read_events(db, cursor, STEP)?;
            if read == 0 {
                break;
            }
            done.events += read;
            done.rows += self.append(rows, &Mark::Cursor(last))? as i64;
            cursor = last;
            if read < STEP {
                break;
            }
        }
        Ok(done)
    }

    /// The first build, from one snapshot of `db`: the stored events by key, and per issue and
    /// hour the rest of the hourly counts without environment or release. Streamed from SQLite
    /// into the appender in hour order (nothing of the size of the database is held in memory).
    fn build(&self, db: &mut rusqlite::Connection, horizon_hour: i64) -> Result<Synced, String> {
        // The build sorts every stored event's key: let SQLite's sorter spill to a temporary
        // file beyond its page cache instead of holding it all in memory (the connections'
        // `temp_store = MEMORY` is put back after).
        db.pragma_update(None, "temp_store", "FILE")
            .map_err(sql_err)?;
        let r = self.build_sorted(db, horizon_hour);
        let back = db.pragma_update(None, "temp_store", "MEMORY");
        let done = r?;
        back.map_err(sql_err)?;
        Ok(done)
    }

    fn build_sorted(
        &self,
        db: &mut rusqlite::Connection,
        horizon_hour: i64,
    ) -> Result<Synced, String> {
        // A read snapshot (DEFERRED: the pool's connections begin IMMEDIATE, which would hold
        // the write lock, and with it every ingest flush, for the whole build).
        let tx = db
            .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
            .map_err(sql_err)?;
        let newest = newest_event_id(&tx)?;
        let done = self.rebuild(
            |app| fill_from_sqlite(app, &tx, newest, horizon_hour),
            &Mark::Cursor(newest),
        )?;
        tx.commit().map_err(sql_err)?;
        tracing::info!(
            rows = done.rows,
            events = done.events,
            "analytics store built from the database"
        );
        Ok(done)
    }

    fn append_in_tx(&self, rows: &[FeedRow]) -> Result<(), String> {
        let mut app = self.conn.appender("hourly").map_err(err)?;
        for r in rows {
            app.append_row(params![
                &*r.project,
                r.issue,
                r.hour,
                &*r.environment,
                &*r.release,
                r.count
            ])
            .map_err(err)?;
        }
        app.flush().map_err(err)
    }

    /// Appends `rows` (in hour order, so the table stays nearly sorted for the hour filters)
    /// and records `mark`, together.
    pub(super) fn append(&self, mut rows: Vec<FeedRow>, mark: &Mark<'_>) -> Result<usize, String> {
        rows.sort_unstable_by_key(|r| r.hour);
        self.conn.execute_batch("BEGIN TRANSACTION").map_err(err)?;
        let r = self.append_in_tx(&rows).and_then(|_| self.mark(mark));
        match r {
            Ok(_) => {
                self.conn.execute_batch("COMMIT").map_err(err)?;
                Ok(rows.len())
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Sums the repeated keys of hours from `from_hour` on into one row each (the feed appends a
    /// delta per sync; the queries sum them either way, this keeps the table small).
    pub fn compact(&self, from_hour: i64) -> Result<(), String> {
        self.conn
            .execute_batch(&format!(
                "BEGIN TRANSACTION;
                 CREATE TEMP TABLE compacted AS
                     SELECT project, issue, hour, environment, release, CAST(sum(count) AS BIGINT) AS count
                     FROM hourly WHERE hour >= {from_hour}
                     GROUP BY ALL ORDER BY hour;
                 DELETE FROM hourly WHERE hour >= {from_hour};
                 INSERT INTO hourly SELECT * FROM compacted;
                 DROP TABLE compacted;
                 COMMIT;"
            ))
            .map_err(|e| {
                let _ = self.conn.execute_batch("ROLLBACK");
                err(e)
            })
    }

    /// Drops hours before `hour` (the hourly counts' retention) and the rows of projects that
    /// no longer exist.
    pub fn prune(&self, hour: i64, live_projects: &[String]) -> Result<(), String> {
        self.conn
            .execute(&format!("DELETE FROM hourly WHERE hour < {hour}"), [])
            .map_err(err)?;
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT project FROM hourly")
            .map_err(err)?;
        let present: Vec<String> = st
            .query_map([], |r| r.get(0))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        for p in present.iter().filter(|p| !live_projects.contains(p)) {
            self.conn
                .execute("DELETE FROM hourly WHERE project = ?", params![p])
                .map_err(err)?;
        }
        Ok(())
    }
}

/// The first build's rows from SQLite (`tx`, events up to `newest`), appended to `app`.
fn fill_from_sqlite(
    app: &mut duckdb::Appender<'_>,
    tx: &rusqlite::Transaction<'_>,
    newest: i64,
    horizon_hour: i64,
) -> Result<Synced, String> {
    let mut done = Synced {
        rebuilt: true,
        ..Synced::default()
    };
    // Both streams in (hour, issue) order, merged: per hour and issue, the stored events by
    // environment and release, then what the hourly count has beyond them. The rows reach
    // the table in hour order (what the window filters skip by) with every key once, so
    // the build needs no compaction after it.
    let mut events = tx
        .prepare(&format!(
            "SELECT i.project_id, e.issue_id, {HOUR_OF_EVENT} AS h, e.environment, e.release,
                    count(*)
             FROM events e JOIN issues i ON i.id = e.issue_id
             WHERE e.id <= ?1
             GROUP BY h, e.issue_id, e.environment, e.release
             ORDER BY h, e.issue_id, e.environment, e.release"
        ))
        .map_err(sql_err)?;
    let mut counts = tx
        .prepare(
            "SELECT i.project_id, h.issue_id, h.hour / 3600000 AS hh, h.count
             FROM hourly_counts h JOIN issues i ON i.id = h.issue_id
             WHERE h.hour >= ?1
             ORDER BY h.hour, h.issue_id",
        )
        .map_err(sql_err)?;
    let mut ev = events.query([newest]).map_err(sql_err)?;
    let mut hc = counts.query([horizon_hour * HOUR_MS]).map_err(sql_err)?;
    // (hour, issue)
    let key = |r: &rusqlite::Row<'_>| -> Result<(i64, i64), String> {
        Ok((r.get(2).map_err(sql_err)?, r.get(1).map_err(sql_err)?))
    };
    let mut next_event = ev.next().map_err(sql_err)?;
    while let Some(c) = hc.next().map_err(sql_err)? {
        let (hour, issue) = key(c)?;
        let mut explained = 0;
        while let Some(r) = next_event {
            if key(r)? > (hour, issue) {
                break;
            }
            let (k, n) = append_events(app, r, &mut done)?;
            if k == (hour, issue) {
                explained += n;
            }
            next_event = ev.next().map_err(sql_err)?;
        }
        let rest = c.get::<_, i64>(3).map_err(sql_err)? - explained;
        if rest > 0 {
            let project: String = c.get(0).map_err(sql_err)?;
            done.rows += 1;
            app.append_row(params![
                project,
                issue,
                hour,
                None::<&str>,
                None::<&str>,
                rest
            ])
            .map_err(err)?;
        }
    }
    while let Some(r) = next_event {
        append_events(app, r, &mut done)?;
        next_event = ev.next().map_err(sql_err)?;
    }
    Ok(done)
}

/// Appends one row of the build's events query (project, issue, hour, environment, release,
/// count): its ((hour, issue), count).
fn append_events(
    app: &mut duckdb::Appender<'_>,
    r: &rusqlite::Row<'_>,
    done: &mut Synced,
) -> Result<((i64, i64), i64), String> {
    let (project, issue, hour, environment, release, n): (String, i64, i64, String, String, i64) = (
        r.get(0).map_err(sql_err)?,
        r.get(1).map_err(sql_err)?,
        r.get(2).map_err(sql_err)?,
        r.get(3).map_err(sql_err)?,
        r.get(4).map_err(sql_err)?,
        r.get(5).map_err(sql_err)?,
    );
    app.append_row(params![project, issue, hour, environment, release, n])
        .map_err(err)?;
    done.events += n;
    done.rows += 1;
    Ok(((hour, issue), n))
}

/// The highest event id the writer has given (ids only grow: it numbers above both).
fn newest_event_id(db: &rusqlite::Connection) -> Result<i64, String> {
    db.query_row(
        "SELECT max((SELECT coalesce(max(id), 0) FROM events), (SELECT through FROM event_index))",
        [],
        |r| r.get(0),
    )
    .map_err(sql_err)
}

#[derive(Default)]
struct Interner(std::collections::HashSet<Arc<str>>);

impl Interner {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(a.clone());
        a
    }
}

/// Up to `limit` events after `cursor`, summed by key: (rows, the last id read, events read).
fn read_events(
    db: &rusqlite::Connection,
    cursor: i64,
    limit: i64,
) -> Result<(Vec<FeedRow>, i64, i64), String> {
    let mut st = db
        .prepare_cached(&format!(
            "SELECT e.id, i.project_id, e.issue_id, {HOUR_OF_EVENT}, e.environment, e.release
             FROM events e JOIN issues i ON i.id = e.issue_id
             WHERE e.id > ?1 ORDER BY e.id LIMIT ?2"
        ))
        .map_err(sql_err)?;
    let mut q = st.query([cursor, limit]).map_err(sql_err)?;
    let mut last = cursor;
    let mut read = 0;
    let mut names = Interner::default();
    let mut sums: HashMap<Key, i64> = HashMap::new();
    let text =
        |r: &rusqlite::Row<'_>, i: usize, names: &mut Interner| -> Result<Arc<str>, String> {
            let v = r.get_ref(i).map_err(sql_err)?;
            Ok(names.get(v.as_str().map_err(|e| e.to_string())?))
        };
    while let Some(r) = q.next().map_err(sql_err)? {
        last = r.get(0).map_err(sql_err)?;
        read += 1;
        let key = (
            text(r, 1, &mut names)?,
            r.get(2).map_err(sql_err)?,
            r.get(3).map_err(sql_err)?,
            text(r, 4, &mut names)?,
            text(r, 5, &mut names)?,
        );
        *sums.entry(key).or_default() += 1;
    }
    let rows = sums.into_iter().map(FeedRow::from).collect();
    Ok((rows, last, read))
}

impl Engine for Duck {
    fn each(
        &self,
        sql: &str,
        params: &[String],
        kinds: &[Kind],
        each: &mut dyn FnMut(&[Cell]) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut st = self.conn.prepare_cached(sql).map_err(err)?;
        let mut rows = st
            .query(duckdb::params_from_iter(params.iter()))
            .map_err(err)?;
        let mut row = Vec::with_capacity(kinds.len());
        while let Some(r) = rows.next().map_err(err)? {
            row.clear();
            for (i, k) in kinds.iter().enumerate() {
                row.push(match k {
                    Kind::Int => Cell::Int(r.get::<_, Option<i64>>(i).map_err(err)?.unwrap_or(0)),
                    Kind::Text => Cell::Text(r.get(i).map_err(err)?),
                });
            }
            each(&row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Accepted;
    use crate::pipeline::feed::Feed;
    use crate::store;

    fn event(fp: &str, env: &str) -> Arc<Accepted> {
        let body = format!(
            r#"{{"timestamp":{},"source":"api","environment":"{env}","release":"1.0",
                "error_type":"Boom","message":"it broke"}}"#,
            store::now_ms()
        );
        Arc::new(Accepted {
            project_id: Arc::from("default"),
            fingerprint: fp.to_string(),
            received_at: store::now_ms(),
            max_age_ms: Accepted::DEFAULT_MAX_AGE_MS,
            event: crate::event::parse_event(body.as_bytes(), &Default::default()).expect("valid"),
        })
    }

    /// Writes `batch` and, when `feed` is given, hands it the flush as the writer does.
    fn write(conn: &mut rusqlite::Connection, batch: &[Arc<Accepted>], feed: Option<&Feed>) {
        let first = newest_event_id(conn).expect("newest") + 1;
        crate::pipeline::write_batch(conn, &mut Default::default(), batch, 5, false)
            .expect("flush");
        let ids: HashMap<String, i64> = conn
            .prepare("SELECT fingerprint, id FROM issues")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        if let Some(f) = feed {
            // The writer stores each issue's events together, in first-seen order.
            let mut order: Vec<&str> = Vec::new();
            for a in batch {
                if !order.contains(&a.fingerprint.as_str()) {
                    order.push(&a.fingerprint);
                }
            }
            let events: Vec<(i64, &Accepted)> = order
                .iter()
                .flat_map(|fp| {
                    batch
                        .iter()
                        .filter(move |a| a.fingerprint == *fp)
                        .map(|a| (ids[&a.fingerprint], &**a))
                })
                .collect();
            f.push(first, events.into_iter());
        }
    }

    fn rollup(duck: &Duck) -> Vec<(i64, String, i64)> {
        duck.query(
            "SELECT issue, environment, CAST(sum(count) AS BIGINT) FROM hourly
             GROUP BY ALL ORDER BY ALL",
            &[],
            &[Kind::Int, Kind::Text, Kind::Int],
        )
        .expect("rollup")
        .into_iter()
        .map(|r| {
            (
                r[0].int(),
                r[1].text().unwrap_or("").to_string(),
                r[2].int(),
            )
        })
        .collect()
    }

    fn stored(conn: &rusqlite::Connection) -> Vec<(i64, String, i64)> {
        conn.prepare(
            "SELECT issue_id, environment, count(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    /// The rollup follows the database whichever way it is fed: the writer's sums when they
    /// continue at its cursor, else the events read back (after a gap in the feed, or sums
    /// that do not start where it stands), never counting a flush twice.
    #[test]
    fn fed_or_read_back_the_rollup_equals_the_stored_events() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = store::open(&dir.path().join("t.db")).expect("open");
        store::tune_writer(&conn).expect("tune");
        let duck = Duck::open(None, 64).expect("duck");
        let feed = Feed::default();
        let batch = |n: usize, k: usize| -> Vec<Arc<Accepted>> {
            (0..n)
                .map(|i| {
                    event(
                        &format!("f{}", (i + k) % 4),
                        ["production", "staging"][(i + k) % 2],
                    )
                })
                .collect()
        };

        write(&mut conn, &batch(10, 0), None);
        let s = duck.sync(&mut conn, 0, feed.take()).expect("build");
        assert!(s.rebuilt);
        assert_eq!(rollup(&duck), stored(&conn));

        // Fed: two flushes in one take.
        write(&mut conn, &batch(7, 1), Some(&feed));
        write(&mut conn, &batch(5, 2), Some(&feed));
        let s = duck.sync(&mut conn, 0, feed.take()).expect("fed");
        assert_eq!((s.events, s.rebuilt), (12, false));
        assert_eq!(rollup(&duck), stored(&conn));

        // A flush the feed did not see, then one it did: the sums do not continue at the
        // cursor, so both are read back, once.
        write(&mut conn, &batch(3, 3), None);
        write(&mut conn, &batch(4, 0), Some(&feed));
        let s = duck.sync(&mut conn, 0, feed.take()).expect("read back");
        assert_eq!(s.events, 7);
        assert_eq!(rollup(&duck), stored(&conn));

        // Sums already covered by a read (taken late): skipped, not added again.
        write(&mut conn, &batch(6, 1), Some(&feed));
        let late = feed.take();
        duck.sync(&mut conn, 0, Taken::Nothing).expect("read");
        let s = duck.sync(&mut conn, 0, late).expect("late sums");
        assert_eq!(s.events, 0);
        assert_eq!(rollup(&duck), stored(&conn));

        // A gap: read back.
        write(&mut conn, &batch(2, 0), Some(&feed));
        write(&mut conn, &batch(2, 1), None);
        write(&mut conn, &batch(2, 2), Some(&feed));
        assert_eq!(feed.take(), Taken::Gap);
        write(&mut conn, &batch(1, 3), None);
        duck.sync(&mut conn, 0, Taken::Gap).expect("gap");
        assert_eq!(rollup(&duck), stored(&conn));
        let total: i64 = rollup(&duck).iter().map(|r| r.2).sum();
        assert_eq!(total, 10 + 12 + 7 + 6 + 2 + 2 + 2 + 1);
    }
}
