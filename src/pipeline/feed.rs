//! What the writer hands the analytics rollup after each commit: the flush's events summed per
//! (project, issue, hour, environment, release), with the range of event ids they were stored
//! under. The rollup appends these sums instead of reading every new event back from SQLite
//! (which, under full ingest load, cost about a tenth of the batch throughput on two cores).
//!
//! The ids tell the rollup whether the sums continue exactly where it stands; when they do
//! not (the server just started, the rollup fell behind, too much piled up), it reads the
//! events from SQLite by id as before, so nothing is counted twice or missed.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One key's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub project: Arc<str>,
    pub issue: i64,
    /// Hours since the epoch, as the writer counts the event (`Accepted::at`).
    pub hour: i64,
    pub environment: Arc<str>,
    pub release: Arc<str>,
    pub count: i64,
}

impl From<(Key, i64)> for FeedRow {
    fn from(((project, issue, hour, environment, release), count): (Key, i64)) -> FeedRow {
        FeedRow {
            project,
            issue,
            hour,
            environment,
            release,
            count,
        }
    }
}

/// What piled up since the last [`Feed::take`].
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    Nothing,
    /// Consecutive flushes: events `first..=last`, all of them summed in `rows`.
    Range {
        first: i64,
        last: i64,
        rows: Vec<FeedRow>,
    },
    /// Something is missing (not contiguous, or more than [`MAX_KEYS`] piled up): read SQLite.
    Gap,
}

/// Keys held at most between two takes (about 120 bytes each); past it the feed gives up until
/// the next take, and the rollup reads the events from SQLite instead.
pub const MAX_KEYS: usize = 200_000;

/// (project, issue, hour, environment, release).
pub type Key = (Arc<str>, i64, i64, Arc<str>, Arc<str>);

/// A key of one flush, borrowed from its events, and its count.
type FlushRow<'a> = (&'a Arc<str>, i64, i64, &'a str, &'a str, i64);

#[derive(Default)]
struct State {
    range: Option<(i64, i64)>,
    sums: HashMap<Key, i64>,
    /// Environment and release names, shared by every key that has them.
    names: HashSet<Arc<str>>,
    gap: bool,
}

impl State {
    fn name(&mut self, s: &str) -> Arc<str> {
        if let Some(n) = self.names.get(s) {
            return n.clone();
        }
        let n: Arc<str> = Arc::from(s);
        self.names.insert(n.clone());
        n
    }

    fn give_up(&mut self) {
        *self = State {
            gap: true,
            ..State::default()
        };
    }
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

    /// The writer, after a commit: the flush's `events`, (issue id, event) with each issue's
    /// events together, were stored under ids `first..first + n`. Summed per key here (a
    /// flush's keys are few: most of an issue's events share hour, environment and release),
    /// then into what waits for the next take.
    pub fn push<'a>(
        &self,
        first: i64,
        events: impl Iterator<Item = (i64, &'a crate::event::Accepted)>,
    ) {
        let mut flush: Vec<FlushRow> = Vec::new();
        let mut issue_start = 0;
        let mut current = None;
        let mut n = 0;
        for (issue, a) in events {
            n += 1;
            if current != Some(issue) {
                current = Some(issue);
                issue_start = flush.len();
            }
            let hour = a.at().div_euclid(crate::analytics::insights::HOUR_MS);
            let (env, rel) = (a.event.environment.as_str(), a.event.release.as_str());
            match flush[issue_start..]
                .iter_mut()
                .rev()
                .find(|r| r.2 == hour && r.3 == env && r.4 == rel)
            {
                Some(r) => r.5 += 1,
                None => flush.push((&a.project_id, issue, hour, env, rel, 1)),
            }
        }
        if n == 0 {
            return;
        }
        let last = first + n - 1;
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if s.gap {
            return;
        }
        match s.range {
            Some((from, to)) if first == to + 1 => s.range = Some((from, last)),
            Some(_) => return s.give_up(),
            None => s.range = Some((first, last)),
        }
        for (project, issue, hour, env, rel, count) in flush {
            let key = (project.clone(), issue, hour, s.name(env), s.name(rel));
            *s.sums.entry(key).or_default() += count;
        }
        if s.sums.len() > MAX_KEYS {
            s.give_up();
        }
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
                rows: s.sums.into_iter().map(FeedRow::from).collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Accepted;

    fn event(issue: i64, env: &str, release: &str) -> (i64, Accepted) {
        let body = format!(
            r#"{{"timestamp":1700000000000,"source":"api","environment":"{env}",
                "release":"{release}","error_type":"Boom","message":"it broke"}}"#
        );
        let a = Accepted {
            project_id: Arc::from("p"),
            fingerprint: format!("f{issue}"),
            received_at: 1_700_000_000_000,
            max_age_ms: Accepted::DEFAULT_MAX_AGE_MS,
            event: crate::event::parse_event(body.as_bytes(), &Default::default()).expect("valid"),
        };
        (issue, a)
    }

    fn push(f: &Feed, first: i64, events: &[(i64, Accepted)]) {
        f.push(first, events.iter().map(|(i, a)| (*i, a)));
    }

    type Sums = Vec<(i64, String, String, i64)>;

    fn sums(t: Taken) -> (i64, i64, Sums) {
        match t {
            Taken::Range { first, last, rows } => {
                let mut v: Vec<_> = rows
                    .into_iter()
                    .map(|r| {
                        (
                            r.issue,
                            r.environment.to_string(),
                            r.release.to_string(),
                            r.count,
                        )
                    })
                    .collect();
                v.sort();
                (first, last, v)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn consecutive_flushes_are_summed_per_key_and_a_break_is_a_gap() {
        let f = Feed::default();
        assert_eq!(f.take(), Taken::Nothing);
        push(
            &f,
            11,
            &[
                event(1, "production", "1.0"),
                event(1, "production", "1.0"),
                event(1, "staging", "1.0"),
                event(2, "production", "2.0"),
            ],
        );
        push(
            &f,
            15,
            &[event(1, "production", "1.0"), event(2, "production", "2.0")],
        );
        assert_eq!(
            sums(f.take()),
            (
                11,
                16,
                vec![
                    (1, "production".into(), "1.0".into(), 3),
                    (1, "staging".into(), "1.0".into(), 1),
                    (2, "production".into(), "2.0".into(), 2),
                ]
            )
        );
        assert_eq!(f.take(), Taken::Nothing);
        // A flush that skips ids: the rollup must read SQLite.
        push(&f, 17, &[event(1, "production", "1.0")]);
        push(&f, 30, &[event(1, "production", "1.0")]);
        push(&f, 31, &[event(1, "production", "1.0")]);
        assert_eq!(f.take(), Taken::Gap);
        // After a take the feed starts over; a flush that stored nothing changes nothing.
        push(&f, 32, &[event(3, "production", "1.0")]);
        push(&f, 33, &[]);
        assert_eq!(sums(f.take()).0, 32);
        assert_eq!(f.take(), Taken::Nothing);
    }

    #[test]
    fn too_many_keys_become_a_gap() {
        let f = Feed::default();
        let (_, a) = event(0, "production", "1.0");
        f.push(1, (0..=MAX_KEYS as i64).map(|i| (i, &a)));
        assert_eq!(f.take(), Taken::Gap);
    }
}
