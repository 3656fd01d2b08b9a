//! Budget enforcement for the LLM proxy: each project's spend this UTC month, kept in memory
//! and moved by the trace writer as it commits, so the proxy checks a call against the
//! project's budget without a query per call.
//!
//! A project's entry is read from the database on its first check and again every
//! `llm_tracing.cache_ttl_secs` (or at once after its budget is changed through the API, or when
//! the month turns). Between reads the writer adds the cost of every flush it commits. The
//! writer holds [`SpendBook::commit_order`] across its commit and that addition, and a read
//! holds it across its query and the entry's update, so a flush is counted exactly once: either
//! the read saw it, or the entry was there (or put there) before the writer added it.
//!
//! On PostgreSQL the spend is the rollup every node's writer adds to, so a read counts the
//! whole cluster's calls; between reads a node adds only its own flushes, so another node's
//! calls count from the next read (at most `cache_ttl_secs` later). Such a read is an async
//! query, which cannot hold the commit order: it takes a [`Ticket`] before its query and keeps
//! what it read only if no flush was added since ([`SpendBook::keep`]), else reads again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension};

use crate::store::llm_usage::month_of;

/// What the proxy knows of one project's budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    /// µ$ per month; `None`: no budget.
    pub budget_micros: Option<i64>,
    pub enforced: bool,
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub month_start: i64,
    /// When the month ends and the spend starts again from zero (epoch ms).
    pub month_end: i64,
    /// Cost of the calls started this month, µ$.
    pub spent_micros: i64,
}

impl Spend {
    /// A project's budget and its spend of the month holding `now`.
    pub fn new(budget_micros: Option<i64>, enforced: bool, spent_micros: i64, now_ms: i64) -> Self {
        let (month, month_start, month_end) = month_of(now_ms);
        Spend {
            budget_micros,
            enforced,
            month,
            month_start,
            month_end,
            spent_micros,
        }
    }

    /// The budget is enforced and this month's spend has reached it.
    pub fn exceeded(&self) -> bool {
        self.enforced && self.budget_micros.is_some_and(|b| self.spent_micros >= b)
    }
}

struct Entry {
    spend: Spend,
    read_at: Instant,
}

/// Spend per project, shared by the trace writer and the proxy.
pub struct SpendBook {
    ttl: Duration,
    order: Mutex<()>,
    entries: Mutex<HashMap<String, Entry>>,
    /// Flushes added so far (changed only under `order`).
    added: AtomicU64,
}

/// The flushes a read's query may have seen (see [`SpendBook::ticket`]).
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl SpendBook {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            order: Mutex::new(()),
            entries: Mutex::new(HashMap::new()),
            added: AtomicU64::new(0),
        }
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The project's spend as last read and moved since, when that is fresh enough to use
    /// (`None`: call [`read`](Self::read)).
    pub fn cached(&self, project: &str, now_ms: i64) -> Option<Spend> {
        let entries = self.entries();
        let e = entries.get(project)?;
        (e.read_at.elapsed() < self.ttl
            && now_ms < e.spend.month_end
            && now_ms >= e.spend.month_start)
            .then(|| e.spend.clone())
    }

    /// Reads the project's budget and this month's spend from the database and keeps them.
    pub fn read(&self, conn: &Connection, project: &str, now_ms: i64) -> rusqlite::Result<Spend> {
        let _order = self.commit_order();
        let (_, start, end) = month_of(now_ms);
        let (budget_micros, enforced): (Option<i64>, bool) = conn
            .query_row(
                "SELECT budget_micros, enforce_budget FROM llm_settings WHERE project_id = ?1",
                [project],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((None, false));
        let spent_micros: i64 = conn.query_row(
            "SELECT COALESCE(SUM(cost_micros), 0) FROM llm_usage_hourly
             WHERE project_id = ?1 AND hour >= ?2 AND hour < ?3",
            rusqlite::params![project, start, end],
            |r| r.get(0),
        )?;
        let spend = Spend::new(budget_micros, enforced, spent_micros, now_ms);
        self.put(project, &spend);
        Ok(spend)
    }

    fn put(&self, project: &str, spend: &Spend) {
        self.entries().insert(
            project.to_string(),
            Entry {
                spend: spend.clone(),
                read_at: Instant::now(),
            },
        );
    }

    /// Taken before a read's query that does not hold the commit order (an async one).
    pub fn ticket(&self) -> Ticket {
        let _order = self.commit_order();
        Ticket(self.added.load(Ordering::Acquire))
    }

    /// Keeps what a query begun after `ticket` read, when no flush was added since: then the
    /// query saw exactly the flushes added before, and every later one is added to the entry.
    /// `false`: a flush was added meanwhile (the query may or may not have seen it), nothing
    /// is kept; read again.
    pub fn keep(&self, ticket: Ticket, project: &str, spend: &Spend) -> bool {
        let _order = self.commit_order();
        if self.added.load(Ordering::Acquire) != ticket.0 {
            return false;
        }
        self.put(project, spend);
        true
    }

    /// Drops what is known of a project (its budget changed): the next check reads it again.
    pub fn forget(&self, project: &str) {
        let _order = self.commit_order();
        self.entries().remove(project);
    }

    /// Held by the writer from before its commit until it has called [`add`](Self::add).
    pub fn commit_order(&self) -> MutexGuard<'_, ()> {
        self.order.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A committed flush's cost per (project, hour start, µ$): added to the projects known here,
    /// for the hours of the month each entry counts. Called under [`commit_order`](Self::commit_order).
    pub fn add(&self, deltas: &[(String, i64, i64)]) {
        if deltas.is_empty() {
            return;
        }
        self.added.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries();
        for (project, hour, cost) in deltas {
            if let Some(e) = entries.get_mut(project.as_str()) {
                if (e.spend.month_start..e.spend.month_end).contains(hour) {
                    e.spend.spent_micros += cost;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn usage(conn: &Connection, hour: i64, cost: i64) {
        conn.execute(
            "INSERT INTO llm_usage_hourly VALUES ('p', ?1, 'm', 'openai', 1, 0, 0, 0, 0, 0, ?2,
                 0, 0, 0, 0, 0)",
            [hour, cost],
        )
        .unwrap();
    }

    #[test]
    fn spend_is_read_once_then_moved_by_committed_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("b.db")).unwrap();
        crate::store::projects::create_with_key(&mut conn, "p", Some("p")).unwrap();
        // 2026-11-30T12:00Z: this month began 2026-11-01.
        let now = 1_796_040_000_000;
        let (_, start, end) = month_of(now);
        conn.execute(
            "INSERT INTO llm_settings (project_id, budget_micros, enforce_budget, updated_at)
             VALUES ('p', 10000, 1, 0)",
            [],
        )
        .unwrap();
        usage(&conn, start, 3000);
        usage(&conn, start + 5 * HOUR, 1000);
        usage(&conn, start - HOUR, 50_000); // last month

        let book = SpendBook::new(Duration::from_secs(60));
        assert_eq!(book.cached("p", now), None, "nothing read yet");
        let s = book.read(&conn, "p", now).unwrap();
        assert_eq!(
            (s.spent_micros, s.budget_micros, s.enforced),
            (4000, Some(10000), true)
        );
        assert_eq!((s.month.as_str(), s.month_end), ("2026-11", end));
        assert!(!s.exceeded());

        // Flushes: counted for this month's hours only, for projects known here only.
        book.add(&[
            ("p".into(), start + 9 * HOUR, 5000),
            ("p".into(), start - 2 * HOUR, 7000),
            ("other".into(), start, 9000),
        ]);
        let s = book.cached("p", now).unwrap();
        assert_eq!(s.spent_micros, 9000);
        assert!(!s.exceeded());
        book.add(&[("p".into(), start + 9 * HOUR, 1000)]);
        assert!(
            book.cached("p", now).unwrap().exceeded(),
            "reached, not only passed"
        );
        assert_eq!(book.cached("other", now), None);

        // A new month, a stale entry or a changed budget: read again.
        assert_eq!(book.cached("p", end), None);
        let short = SpendBook::new(Duration::ZERO);
        short.read(&conn, "p", now).unwrap();
        assert_eq!(short.cached("p", now), None);
        book.forget("p");
        assert_eq!(book.cached("p", now), None);

        // Not enforced: never exceeded, whatever the spend.
        conn.execute("UPDATE llm_settings SET enforce_budget = 0", [])
            .unwrap();
        usage(&conn, start + HOUR, 90_000);
        let s = book.read(&conn, "p", now).unwrap();
        assert_eq!(s.spent_micros, 94_000);
        assert!(!s.exceeded());
        // No settings row: no budget.
        let s = book.read(&conn, "nobody", now).unwrap();
        assert_eq!(
            (s.budget_micros, s.enforced, s.spent_micros),
            (None, false, 0)
        );
    }

    #[test]
    fn a_read_without_the_commit_order_keeps_nothing_a_flush_raced() {
        let book = SpendBook::new(Duration::from_secs(60));
        let now = 1_796_040_000_000;
        let (_, start, _) = month_of(now);
        let read = Spend::new(Some(100), true, 40, now);
        // A flush was committed and added while the query ran: it may or may not be in `read`.
        let t = book.ticket();
        book.add(&[("p".into(), start, 5)]);
        assert!(!book.keep(t, "p", &read));
        assert_eq!(book.cached("p", now), None);
        // Nothing in between: kept, and later flushes move it.
        let t = book.ticket();
        assert!(book.keep(t, "p", &read));
        book.add(&[("p".into(), start, 5)]);
        assert_eq!(book.cached("p", now).map(|s| s.spent_micros), Some(45));
    }
}
