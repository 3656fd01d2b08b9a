//! The writer on PostgreSQL: the same loop as on SQLite (take what is queued, gather a little
//! under load, one transaction per batch, never drop a batch), flushing through
//! [`crate::store::pg::ingest`] on its own connection and runtime. A deadlock or serialization
//! failure (another node's flush) retries the whole batch at once; other failures back off.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::writer::{breakdown, IssueChange, LINGER};
use super::{Accepted, Msg, Record, Stats};
use crate::store::pg::{self, Pg};
use crate::store::{now_ms, StoreError};

pub(super) struct PgWriterLoop {
    pub rt: tokio::runtime::Runtime,
    /// A pool of one connection, made on `rt` (its connection task runs there).
    pub pg: Pg,
    pub rx: mpsc::Receiver<Msg>,
    pub batch_size: usize,
    pub reservoir: usize,
    pub stats: Arc<Stats>,
    pub reports: Option<super::Reports>,
    /// The day whose partitions were last made sure of.
    pub partitions_day: Option<i64>,
    /// LLM traces, when tracing is on: their own queue, written by this thread too.
    #[cfg(feature = "llm-tracing")]
    pub llm: Option<(super::llm::LlmSide, Duration)>,
}

enum Next {
    Record(Msg),
    Closed,
    #[cfg(feature = "llm-tracing")]
    Trace(super::llm::LlmRecord),
}

impl PgWriterLoop {
    pub fn run(mut self) {
        let mut batch: Vec<Arc<Accepted>> = Vec::with_capacity(self.batch_size);
        #[cfg(feature = "llm-tracing")]
        let mut traces: Vec<super::llm::LlmRecord> = Vec::new();
        let mut closing = false;
        let mut last_commit: Option<Instant> = None;
        loop {
            if !closing {
                match self.next() {
                    Next::Record(Msg::Record(Record::Error(a))) => batch.push(a),
                    #[cfg(feature = "llm-tracing")]
                    Next::Trace(r) => traces.push(r),
                    Next::Record(Msg::Shutdown) | Next::Closed => {
                        closing = true;
                        self.rx.close();
                    }
                }
            }
            closing |= self.drain(&mut batch);
            if !closing && batch.len() < self.batch_size {
                if let Some(wait) = last_commit.and_then(|t| LINGER.checked_sub(t.elapsed())) {
                    std::thread::sleep(wait);
                    closing |= self.drain(&mut batch);
                }
            }
            let mut wrote = false;
            if !batch.is_empty() {
                self.flush(&mut batch);
                wrote = true;
            }
            #[cfg(feature = "llm-tracing")]
            if let Some((llm, delay)) = &mut self.llm {
                if closing {
                    llm.rx.close();
                }
                llm.drain(&mut traces);
                if !traces.is_empty() {
                    // Error spans wait in the database; the leader files them when due.
                    llm.flush_pg(&self.rt, &self.pg, &mut traces, *delay);
                    wrote = true;
                }
            }
            if wrote {
                last_commit = Some(Instant::now());
            } else if closing {
                tracing::debug!("writer drained; exiting");
                return;
            }
        }
    }

    /// Waits for the next record on either queue (errors first when both have one).
    fn next(&mut self) -> Next {
        #[cfg(feature = "llm-tracing")]
        if let Some((llm, _)) = &mut self.llm {
            let errors = &mut self.rx;
            return self.rt.block_on(async {
                tokio::select! {
                    biased;
                    m = errors.recv() => m.map_or(Next::Closed, Next::Record),
                    Some(r) = llm.rx.recv() => Next::Trace(r),
                }
            });
        }
        self.rx.blocking_recv().map_or(Next::Closed, Next::Record)
    }

    fn drain(&mut self, batch: &mut Vec<Arc<Accepted>>) -> bool {
        super::writer::drain(&mut self.rx, batch, self.batch_size)
    }

    /// Writes `batch` and clears it, retrying until it is committed.
    fn flush(&mut self, batch: &mut Vec<Arc<Accepted>>) {
        #[cfg(debug_assertions)]
        if let Some(m) = std::env::var_os("BLOOP_FAULT_WRITER_PANIC") {
            if batch.iter().any(|a| m == a.event.message.as_str()) {
                panic!("injected fault: BLOOP_FAULT_WRITER_PANIC");
            }
        }
        let report = self
            .reports
            .as_ref()
            .filter(|r| r.wanted.load(Ordering::Acquire))
            .is_some();
        let mut attempt = 0u32;
        loop {
            let started = Instant::now();
            let r = self.rt.block_on(write_batch(
                &self.pg,
                &mut self.partitions_day,
                batch,
                self.reservoir,
                report,
            ));
            match r {
                Ok((written, changes)) => {
                    let now = self.stats.committed(written, started.elapsed(), attempt);
                    if let Some(r) = self.reports.as_ref().filter(|_| report) {
                        r.send(changes, now);
                    }
                    batch.clear();
                    return;
                }
                Err(e) if e.is_conflict() => {
                    // Another node's flush took the same rows in another order (should not
                    // happen: every statement is key-ordered) or the snapshot moved: retry now.
                    self.stats.conflicts.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, events = batch.len(), "flush conflicted with another writer; retrying");
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(rand::random_range(1..20)));
                }
                Err(e) => {
                    std::thread::sleep(self.stats.failed(&e, batch.len(), attempt));
                    attempt += 1;
                }
            }
        }
    }
}

/// One flush: events grouped by (project, fingerprint), the groups in key order, one
/// transaction. Returns the events written and, when `report`, what changed per issue.
pub async fn write_batch(
    pg: &Pg,
    partitions_day: &mut Option<i64>,
    batch: &[Arc<Accepted>],
    reservoir: usize,
    report: bool,
) -> Result<(usize, Vec<IssueChange>), StoreError> {
    let mut client = pg.client().await?;
    let today = now_ms().div_euclid(pg::partitions::DAY_MS);
    if *partitions_day != Some(today) {
        pg::partitions::ensure(&mut client, now_ms()).await?;
        *partitions_day = Some(today);
    }
    let mut index: HashMap<(&str, &str), usize> = HashMap::with_capacity(batch.len());
    let mut groups: Vec<Vec<&Arc<Accepted>>> = Vec::new();
    for a in batch {
        let key = (&*a.project_id, a.fingerprint.as_str());
        let slot = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[slot].push(a);
    }
    groups.sort_unstable_by(|a, b| {
        (&*a[0].project_id, &a[0].fingerprint).cmp(&(&*b[0].project_id, &b[0].fingerprint))
    });
    let tx = client.transaction().await?;
    let written = pg::ingest::write_groups(&tx, &groups, reservoir, &mut rand::rng()).await?;
    tx.commit().await?;
    let changes = if report {
        written
            .groups
            .iter()
            .map(|g| {
                let group = &groups[g.group];
                let first = group[0];
                IssueChange {
                    issue_id: g.issue_id,
                    project_id: first.project_id.clone(),
                    fingerprint: first.fingerprint.clone(),
                    count: group.len() as u64,
                    is_new: g.is_new,
                    regressed: g.regressed,
                    sample: Arc::clone(first),
                    breakdown: breakdown(group.iter().map(|a| &***a)),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((written.events, changes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IngestConfig;
    use crate::store::{self, pg::scratch};
    use rusqlite::Connection;

    const H: i64 = 3_600_000;

    fn event(project: &str, fp: &str, release: &str, env: &str, ago_h: i64) -> Arc<Accepted> {
        let now = now_ms();
        let body = serde_json::json!({
            "timestamp": now - ago_h * H, "source": "api", "environment": env,
            "release": release, "error_type": "Boom", "message": format!("{fp} broke"),
        });
        Arc::new(Accepted {
            project_id: Arc::from(project),
            fingerprint: fp.to_string(),
            received_at: now,
            max_age_ms: Accepted::DEFAULT_MAX_AGE_MS,
            event: crate::event::parse_event(body.to_string().as_bytes(), &IngestConfig::default())
                .expect("valid"),
        })
    }

    /// The batches both backends get: two projects, overlapping fingerprints, releases and
    /// environments in two spellings, events over several hours, a late event that moves the
    /// "new in release" credit, and (second batch) a regression of a resolved issue.
    fn batches() -> Vec<Vec<Arc<Accepted>>> {
        let mut first = Vec::new();
        for i in 0..60i64 {
            let p = if i % 3 == 0 { "p2" } else { "default" };
            let fp = format!("f{}", i % 7);
            let rel = ["1.0.0", "1.1.0", ""][(i % 3) as usize];
            let env = ["production", "Production", "staging"][(i % 4 % 3) as usize];
            first.push(event(p, &fp, rel, env, 2 + i % 5));
        }
        first.push(event("gone", "f1", "1.0.0", "production", 1));
        let second = vec![
            // Older than f0's first event, from another release: the credit moves to it.
            event("default", "f1", "0.9.0", "production", 30),
            // f2 is resolved in 1.1.0 before this batch: 1.2.0 reopens it.
            event("default", "f2", "1.2.0", "staging", 0),
            event("default", "f9", "2.0.0", "PRODUCTION", 0),
            event("p2", "f0", "1.0.0", "production", 0),
        ];
        vec![first, second]
    }

    const VIEWS: &[&str] = &[
        "SELECT i.project_id || '|' || i.fingerprint || '|' || i.total_count || '|' || i.first_seen
             || '|' || i.last_seen || '|' || i.status || '|' || i.release || '|'
             || lower(i.environment) || '|' || i.last_seen_minute FROM issues i",
        "SELECT i.project_id || '|' || i.fingerprint || '|' || r.release || '|' || r.count || '|'
             || r.first_seen || '|' || r.last_seen FROM issue_releases r JOIN issues i ON i.id = r.issue_id",
        "SELECT i.project_id || '|' || i.fingerprint || '|' || s.release || '|' || lower(s.environment)
             || '|' || s.count || '|' || s.first_seen || '|' || s.last_seen
         FROM issue_slices s JOIN issues i ON i.id = s.issue_id",
        "SELECT i.project_id || '|' || i.fingerprint || '|' || h.hour || '|' || h.count
         FROM hourly_counts h JOIN issues i ON i.id = h.issue_id",
        "SELECT project_id || '|' || hour || '|' || count FROM project_hourly",
        "SELECT project_id || '|' || release || '|' || issues || '|' || events || '|' || first_seen
             || '|' || last_seen || '|' || new_issues FROM release_totals",
        "SELECT project_id || '|' || release || '|' || hour || '|' || count FROM release_hours",
        "SELECT project_id || '|' || lower(environment) || '|' || events FROM environment_totals",
        "SELECT i.project_id || '|' || i.fingerprint || '|' || count(*) || '|' || sum(length(e.message))
         FROM events e JOIN issues i ON i.id = e.issue_id GROUP BY i.project_id, i.fingerprint",
        "SELECT i.project_id || '|' || i.fingerprint || '|' || count(*) FROM samples s
         JOIN issues i ON i.id = s.issue_id GROUP BY i.project_id, i.fingerprint",
        "SELECT i.fingerprint || '|' || h.old_status || '|' || h.new_status || '|' || h.actor || '|'
             || h.release FROM status_history h JOIN issues i ON i.id = h.issue_id",
    ];

    fn sqlite_views(conn: &Connection) -> Vec<Vec<String>> {
        VIEWS
            .iter()
            .map(|sql| {
                let mut rows: Vec<String> = conn
                    .prepare(sql)
                    .expect(sql)
                    .query_map([], |r| r.get::<_, String>(0))
                    .expect(sql)
                    .map(|r| r.expect("row"))
                    .collect();
                rows.sort();
                rows
            })
            .collect()
    }

    async fn pg_views(pg: &Pg) -> Vec<Vec<String>> {
        let c = pg.client().await.expect("client");
        let mut out = Vec::new();
        for sql in VIEWS {
            let mut rows: Vec<String> = c
                .query(*sql, &[])
                .await
                .expect(sql)
                .iter()
                .map(|r| r.get(0))
                .collect();
            rows.sort();
            out.push(rows);
        }
        out
    }

    #[test]
    fn a_flush_writes_the_same_rows_on_both_backends() {
        let url = scratch::shared().database().expect("database");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let pg = rt.block_on(Pg::open(&url, 2)).expect("open");
        rt.block_on(async {
            let c = pg.client().await.expect("client");
            c.batch_execute(
                "INSERT INTO projects (id, name, created_at, dsn_id) VALUES ('p2', 'P2', 0, 2)",
            )
            .await
            .expect("p2");
            pg::ingest::prepare_all(&c)
                .await
                .expect("every statement prepares");
        });
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = store::open(&dir.path().join("b.db")).expect("open");
        store::tune_writer(&conn).expect("tune");
        store::projects::create(&conn, "P2", Some("p2")).expect("p2");
        let mut cache = Default::default();
        let mut day = None;
        for (i, batch) in batches().into_iter().enumerate() {
            if i == 1 {
                let resolve = "UPDATE issues SET status = 'resolved', resolved_in_release = '1.1.0'
                               WHERE fingerprint = 'f2' AND project_id = 'default'";
                // Another connection, as the API's would be (the writer notices its commits).
                store::open(&dir.path().join("b.db"))
                    .expect("open")
                    .execute(resolve, [])
                    .expect("resolve");
                rt.block_on(async {
                    pg.client()
                        .await
                        .expect("c")
                        .execute(resolve, &[])
                        .await
                        .expect("resolve")
                });
            }
            let lite = super::super::write_batch(&mut conn, &mut cache, &batch, 3, true)
                .expect("sqlite flush");
            let (written, changes) = rt
                .block_on(write_batch(&pg, &mut day, &batch, 3, true))
                .expect("postgres flush");
            assert_eq!(written, lite.written);
            let summary = |c: &[IssueChange]| {
                let mut v: Vec<_> = c
                    .iter()
                    .map(|c| {
                        (
                            c.project_id.to_string(),
                            c.fingerprint.clone(),
                            c.count,
                            c.is_new,
                            c.regressed,
                            c.breakdown.len(),
                        )
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(summary(&changes), summary(&lite.changes), "batch {i}");
        }
        crate::pipeline::writer::index_events(&mut conn).expect("index");
        let (lite, post) = (sqlite_views(&conn), rt.block_on(pg_views(&pg)));
        for ((sql, l), p) in VIEWS.iter().zip(&lite).zip(&post) {
            assert!(
                !l.is_empty() || sql.contains("status_history"),
                "{sql}: no rows"
            );
            assert_eq!(l, p, "{sql}");
        }
        // The regression and the moved credit happened (not merely the same on both).
        assert_eq!(lite[10], ["f2|resolved|unresolved|system|1.2.0"]);
        assert!(
            lite[5].iter().any(|r| r.starts_with("default|0.9.0|1|1|")),
            "{:?}",
            lite[5]
        );
        let c = rt.block_on(pg.client()).expect("client");
        let client: &tokio_postgres::Client = &c;
        let days = rt.block_on(pg::partitions::days(client)).expect("days");
        assert_eq!(days.len(), 5, "yesterday, today and 3 ahead: {days:?}");
    }
}
