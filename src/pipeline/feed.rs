//! What the writer hands the analytics rollup after each commit: the flush's events summed per
//! (project, issue, hour, environment, release), with the range of event ids they were stored
//! under. The rollup appends these sums instead of reading every new event back from SQLite
//! (which, under full ingest load, cost about a tenth of the batch throughput on two cores).
//!
//! The ids tell the rollup whether the sums continue exactly where it stands; when they do
//! not (the server just started, the rollup fell behind, too much piled up), it reads the
//! events from SQLite by id as before, so nothing is counted twice or missed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One key's events in a flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub project: Arc<str>,
    pub issue: i64,
    /// Hours since the epoch, as the writer counts the event (`Accepted::at`).
    pub hour: i64,
    pub environment: String,
    pub release: String,
    pub count: i64,
}

/// One committed flush: its events were stored under ids `first..=last`.
#[derive(Debug, Default)]
pub struct FeedBatch {
    pub first: i64,
    pub last: i64,
    pub rows: Vec<FeedRow>,
}

/// What piled up since the last [`Feed::take`].
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    Nothing,
    /// Consecutive flushes: events `first..=last`, all of them in `rows`.
    Range {
        first: i64,
        last: i64,
        rows: Vec<FeedRow>,
    },
    /// Something is missing (not contiguous, or more than [`MAX_ROWS`] piled up): read SQLite.
    Gap,
}

/// Rows held at most between two takes (about 100 bytes each); past it the feed gives up until
/// the next take, and the rollup reads the events from SQLite instead.
pub const MAX_ROWS: usize = 500_000;

#[derive(Default)]
struct State {
    range: Option<(i64, i64)>,
    rows: Vec<FeedRow>,
    gap: bool,
}

/// Shared by the writer (which pushes) and the analytics rollup (which takes). The writer
/// builds nothing while no one [`Feed::want`]s it.
#[derive(Default)]
pub struct Feed {
    wanted: AtomicBool,
    state: Mutex<State>,
}

impl Feed {
    pub fn want(&self) {
        self.wanted.store(true, Ordering::Release);
    }

    pub fn wanted(&self) -> bool {
        self.wanted.load(Ordering::Acquire)
    }

    /// The writer, after a commit.
    pub fn push(&self, batch: FeedBatch) {
        if batch.last < batch.first {
            return;
        }
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if s.gap {
            return;
        }
        match s.range {
            Some((first, last)) if batch.first == last + 1 => {
                s.range = Some((first, batch.last));
            }
            Some(_) => {
                *s = State {
                    gap: true,
                    ..State::default()
                };
                return;
            }
            None => s.range = Some((batch.first, batch.last)),
        }
        if s.rows.len() + batch.rows.len() > MAX_ROWS {
            *s = State {
                gap: true,
                ..State::default()
            };
            return;
        }
        s.rows.extend(batch.rows);
    }

    /// The rollup: everything pushed since the last take.
    pub fn take(&self) -> Taken {
        let Ok(mut s) = self.state.lock() else {
            return Taken::Gap;
        };
        let s = std::mem::take(&mut *s);
        match (s.gap, s.range) {
            (true, _) => Taken::Gap,
            (false, None) => Taken::Nothing,
            (false, Some((first, last))) => Taken::Range {
                first,
                last,
                rows: s.rows,
            },
        }
    }
}

/// Sums a flush's stored events per key, in the writer: `events` are (issue id, event) in
/// issue order (each issue's events together).
pub fn rows<'a>(events: impl Iterator<Item = (i64, &'a crate::event::Accepted)>) -> Vec<FeedRow> {
    let mut out: Vec<FeedRow> = Vec::new();
    let mut issue_start = 0;
    let mut current = None;
    for (issue, a) in events {
        if current != Some(issue) {
            current = Some(issue);
            issue_start = out.len();
        }
        let hour = a.at().div_euclid(crate::analytics::insights::HOUR_MS);
        let (env, rel) = (&a.event.environment, &a.event.release);
        // Most of an issue's events in a flush share hour, environment and release.
        match out[issue_start..]
            .iter_mut()
            .rev()
            .find(|r| r.hour == hour && &r.environment == env && &r.release == rel)
        {
            Some(r) => r.count += 1,
            None => out.push(FeedRow {
                project: a.project_id.clone(),
                issue,
                hour,
                environment: env.clone(),
                release: rel.clone(),
                count: 1,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(first: i64, last: i64, n: usize) -> FeedBatch {
        FeedBatch {
            first,
            last,
            rows: (0..n)
                .map(|i| FeedRow {
                    project: Arc::from("p"),
                    issue: i as i64,
                    hour: 1,
                    environment: "production".into(),
                    release: "1.0".into(),
                    count: 1,
                })
                .collect(),
        }
    }

    #[test]
    fn consecutive_flushes_are_taken_as_one_range_and_a_break_is_a_gap() {
        let f = Feed::default();
        assert_eq!(f.take(), Taken::Nothing);
        f.push(batch(11, 20, 2));
        f.push(batch(21, 25, 1));
        match f.take() {
            Taken::Range { first, last, rows } => {
                assert_eq!((first, last, rows.len()), (11, 25, 3));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(f.take(), Taken::Nothing);
        // A flush that skips ids: the rollup must read SQLite.
        f.push(batch(26, 30, 1));
        f.push(batch(40, 41, 1));
        f.push(batch(42, 43, 1));
        assert_eq!(f.take(), Taken::Gap);
        // After a take the feed starts over.
        f.push(batch(44, 45, 1));
        assert!(matches!(f.take(), Taken::Range { first: 44, .. }));
        // An empty flush (every event's project deleted) changes nothing.
        f.push(batch(46, 45, 0));
        assert_eq!(f.take(), Taken::Nothing);
    }

    #[test]
    fn too_many_rows_become_a_gap() {
        let f = Feed::default();
        f.push(batch(1, 10, MAX_ROWS));
        f.push(batch(11, 11, 1));
        assert_eq!(f.take(), Taken::Gap);
    }
}
