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

use std::collections::HashMap;
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
}

impl SpendBook {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            order: Mutex::new(()),
            entries: Mutex::new(HashMap::new()),
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
        let (month, start, end) = month_of(now_ms);
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
        let spend = Spend {
            budget_micros,
            enforced,
            month,
            month_start: start,
            month_end: end,
            spent_micros,
        };
        self.entries().insert(
            project.to_string(),
            Entry {
                spend: spend.clone(),
                read_at: Instant::now(),
            },
        );
        Ok(spend)
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
    /// for the hours of the month each entry counts.
    pub fn add(&self, deltas: &[(String, i64, i64)]) {
        if deltas.is_empty() {
            return;
        }
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
}
