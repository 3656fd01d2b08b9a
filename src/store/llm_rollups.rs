//! The rollups the LLM writer keeps beside the traces and spans, so that a query reads a few
//! rows per hour (or day) of its window instead of every trace or span in it:
//!
//! - `llm_usage_hourly`: spans, tokens, cost and latency sums per hour, model and provider;
//! - `llm_latency_hourly` / `llm_latency_daily`: latency and TTFT histograms per model;
//! - `llm_tool_hourly` / `llm_tool_latency_hourly`: non-generation spans per type and name;
//! - `llm_prompt_hourly`: traces per hour and prompt version (sums and sums of squares);
//! - `llm_sessions` / `llm_session_users`: totals per session over all its stored traces;
//! - `llm_user_daily`: traces, cost and tokens per UTC day and user (the overview's top users).
//!
//! Changes are gathered over a flush and written at its end, each hot row once. A trace or span
//! written again is taken out before it goes back in, so nothing is counted twice. Minimums and
//! maximums cannot be taken out; a row that may have lost its extreme is marked and its
//! extremes are read again from the traces or spans (through an index) after the flush's
//! writes.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, Transaction};

#[cfg(feature = "llm-tracing")]
use super::traces::Priced;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Latency histogram buckets per e-fold: `bucket = round(ln(1 + ms) * 20)`, about 5 % wide.
pub const BUCKETS_PER_E: f64 = 20.0;

pub fn latency_bucket(ms: i64) -> i64 {
    ((1.0 + ms.max(0) as f64).ln() * BUCKETS_PER_E).round() as i64
}

/// The latency a bucket stands for (its centre), in ms.
pub fn bucket_value(bucket: i64) -> f64 {
    ((bucket as f64) / BUCKETS_PER_E).exp() - 1.0
}

pub(crate) fn hour_of(ms: i64) -> i64 {
    ms.div_euclid(HOUR_MS) * HOUR_MS
}

/// What a trace adds to the trace-level rollups, as stored after its writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceSums {
    pub prompt_name: String,
    pub prompt_version: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub failed: bool,
    pub spans: i64,
    pub error_spans: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    pub unpriced_spans: i64,
    pub cost_micros: Option<i64>,
}

impl TraceSums {
    pub(crate) const COLUMNS: &'static str =
        "coalesce(prompt_name, ''), coalesce(prompt_version, ''),
        session_id, user_id, started_at, ended_at, error_spans > 0 OR status = 'error',
        span_count, error_spans, input_tokens, output_tokens, cache_read_tokens,
        cache_write_tokens, unpriced_spans, cost_micros";

    /// Trace `pk` as stored.
    pub fn read(conn: &Connection, pk: i64) -> rusqlite::Result<TraceSums> {
        conn.prepare_cached(&format!(
            "SELECT {} FROM llm_traces WHERE pk = ?1",
            Self::COLUMNS
        ))?
        .query_row([pk], |r| {
            Ok(TraceSums {
                prompt_name: r.get(0)?,
                prompt_version: r.get(1)?,
                session_id: r.get(2)?,
                user_id: r.get(3)?,
                started_at: r.get(4)?,
                ended_at: r.get(5)?,
                failed: r.get(6)?,
                spans: r.get(7)?,
                error_spans: r.get(8)?,
                input_tokens: r.get(9)?,
                output_tokens: r.get(10)?,
                cache_read_tokens: r.get(11)?,
                cache_write_tokens: r.get(12)?,
                unpriced_spans: r.get(13)?,
                cost_micros: r.get(14)?,
            })
        })
    }

    /// The trace's latency: end − start, when it has an end.
    fn latency(&self) -> Option<i64> {
        self.ended_at.map(|e| e - self.started_at)
    }

    /// The end of its activity: its end, or its start while it has none.
    fn last(&self) -> i64 {
        self.ended_at.unwrap_or(self.started_at)
    }

    fn prompt_key(&self, project: &str) -> PromptKey {
        (
            project.to_string(),
            hour_of(self.started_at),
            self.prompt_name.clone(),
            self.prompt_version.clone(),
        )
    }
}

pub(crate) type PromptKey = (String, i64, String, String);
pub(crate) type SessionKey = (String, String);
/// (project, hour or day, model, kind, bucket).
pub(crate) type LatencyKey = (String, i64, String, i64, i64);
/// (project, hour, span type, name).
pub(crate) type ToolKey = (String, i64, String, String);

/// Sums to add to one row, and the extremes of what is added.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delta<const N: usize> {
    pub(crate) ints: [i64; N],
    pub(crate) squares: [f64; 2],
    pub(crate) first: i64,
    pub(crate) last: i64,
    /// Something was taken out.
    pub(crate) removed: bool,
}

impl<const N: usize> Default for Delta<N> {
    fn default() -> Self {
        Self {
            ints: [0; N],
            squares: [0.0; 2],
            first: i64::MAX,
            last: i64::MIN,
            removed: false,
        }
    }
}

impl<const N: usize> Delta<N> {
    fn add(&mut self, vals: [i64; N], squares: [f64; 2], first: i64, last: i64, sign: i64) {
        for (a, v) in self.ints.iter_mut().zip(vals) {
            *a += sign * v;
        }
        for (a, v) in self.squares.iter_mut().zip(squares) {
            *a += sign as f64 * v;
        }
        if sign > 0 {
            self.first = self.first.min(first);
            self.last = self.last.max(last);
        } else {
            self.removed = true;
        }
    }

    fn is_zero(&self) -> bool {
        self.ints.iter().all(|x| *x == 0) && self.squares.iter().all(|x| *x == 0.0)
    }

    /// Nothing to write: no sums changed and nothing was added (whose extremes could widen
    /// the row's).
    pub(crate) fn is_noop(&self) -> bool {
        self.is_zero() && self.first == i64::MAX
    }
}

/// Rollup changes gathered over one flush (or one prune chunk) and written at its end.
#[derive(Default)]
pub struct Rollups {
    pub(crate) usage: HashMap<(String, i64, String, String), Delta<12>>,
    pub(crate) latency: HashMap<LatencyKey, i64>,
    pub(crate) tools: HashMap<ToolKey, (i64, i64, Option<i64>, bool)>,
    pub(crate) tool_latency: HashMap<(String, i64, String, String, i64), i64>,
    pub(crate) prompts: HashMap<PromptKey, Delta<15>>,
    /// Prompt rows that may have lost their first or last start.
    pub(crate) prompts_moved: HashSet<PromptKey>,
    pub(crate) sessions: HashMap<SessionKey, Delta<7>>,
    /// Sessions that lost a trace: the earliest start and latest end taken out.
    pub(crate) sessions_lost: HashMap<SessionKey, (i64, i64)>,
    pub(crate) session_users: HashMap<(String, String, String), i64>,
    /// (project, day, user) → traces, traces with a cost, cost, tokens.
    pub(crate) users: HashMap<(String, i64, String), [i64; 4]>,
}

impl Rollups {
    /// Adds (`sign` 1) or takes out (`sign` -1) one span.
    #[cfg(feature = "llm-tracing")]
    pub fn span(&mut self, project: &str, p: &Priced, sign: i64) {
        let s = &p.span;
        let hour = hour_of(s.started_at);
        let model = s.model.clone().unwrap_or_default();
        let vals = [
            1,
            (s.status == "error") as i64,
            s.input_tokens as i64,
            s.output_tokens as i64,
            s.cache_read_tokens as i64,
            s.cache_write_tokens as i64,
            p.cost_micros.unwrap_or(0),
            (p.cost_micros.is_none() && p.billable()) as i64,
            s.latency_ms.unwrap_or(0),
            s.latency_ms.is_some() as i64,
            s.time_to_first_token_ms.unwrap_or(0),
            s.time_to_first_token_ms.is_some() as i64,
        ];
        self.usage
            .entry((
                project.to_string(),
                hour,
                model.clone(),
                s.provider.clone().unwrap_or_default(),
            ))
            .or_default()
            .add(vals, [0.0; 2], 0, 0, sign);
        for (kind, v) in [(0, s.latency_ms), (1, s.time_to_first_token_ms)] {
            if let Some(ms) = v {
                *self
                    .latency
                    .entry((
                        project.to_string(),
                        hour,
                        model.clone(),
                        kind,
                        latency_bucket(ms),
                    ))
                    .or_default() += sign;
            }
        }
        if s.span_type != "generation" {
            let key = (
                project.to_string(),
                hour,
                s.span_type.clone(),
                s.name.clone(),
            );
            let t = self.tools.entry(key).or_insert((0, 0, None, false));
            t.0 += sign;
            t.1 += sign * (s.status == "error") as i64;
            if sign > 0 {
                t.2 = t.2.max(s.latency_ms);
            } else {
                t.3 = true;
            }
            if let Some(ms) = s.latency_ms {
                *self
                    .tool_latency
                    .entry((
                        project.to_string(),
                        hour,
                        s.span_type.clone(),
                        s.name.clone(),
                        latency_bucket(ms),
                    ))
                    .or_default() += sign;
            }
        }
    }

    /// A trace changed from `before` (absent: new) to `after` (absent: removed).
    pub fn trace(&mut self, project: &str, before: Option<&TraceSums>, after: Option<&TraceSums>) {
        if before == after {
            return;
        }
        if let Some(b) = before {
            self.prompt(project, b, -1);
            let moved = after.is_none_or(|a| {
                a.prompt_key(project) != b.prompt_key(project) || a.started_at != b.started_at
            });
            if moved && !b.prompt_name.is_empty() {
                self.prompts_moved.insert(b.prompt_key(project));
            }
        }
        if let Some(a) = after {
            self.prompt(project, a, 1);
        }
        for (t, sign) in before
            .map(|b| (b, -1))
            .into_iter()
            .chain(after.map(|a| (a, 1)))
        {
            self.user(project, t, sign);
        }
        // A session keeps its extremes when the trace stays in it and only widens.
        let widened = match (before, after) {
            (Some(b), Some(a)) => {
                a.session_id == b.session_id && a.started_at <= b.started_at && a.last() >= b.last()
            }
            _ => true,
        };
        if let Some(b) = before {
            self.session(project, b, -1, !widened);
        }
        if let Some(a) = after {
            self.session(project, a, 1, false);
        }
    }

    fn prompt(&mut self, project: &str, t: &TraceSums, sign: i64) {
        let latency = t.latency();
        let cost = t.cost_micros;
        let vals = [
            1,
            t.failed as i64,
            t.spans,
            t.error_spans,
            t.input_tokens,
            t.output_tokens,
            t.cache_read_tokens,
            t.cache_write_tokens,
            t.unpriced_spans,
            cost.is_some() as i64,
            cost.unwrap_or(0),
            latency.is_some() as i64,
            latency.unwrap_or(0),
            0,
            0,
        ];
        let sq = |v: Option<i64>| v.map_or(0.0, |x| (x as f64) * (x as f64));
        let key = t.prompt_key(project);
        // Traces without a prompt keep no extremes (nothing reads them): the hour stands in.
        let at = if t.prompt_name.is_empty() {
            key.1
        } else {
            t.started_at
        };
        self.prompts
            .entry(key)
            .or_default()
            .add(vals, [sq(cost), sq(latency)], at, at, sign);
    }

    fn session(&mut self, project: &str, t: &TraceSums, sign: i64, lost: bool) {
        let Some(session) = &t.session_id else {
            return;
        };
        let key = (project.to_string(), session.clone());
        let vals = [
            1,
            t.failed as i64,
            t.input_tokens,
            t.output_tokens,
            t.unpriced_spans,
            t.cost_micros.is_some() as i64,
            t.cost_micros.unwrap_or(0),
        ];
        self.sessions.entry(key.clone()).or_default().add(
            vals,
            [0.0; 2],
            t.started_at,
            t.last(),
            sign,
        );
        if lost {
            let e = self
                .sessions_lost
                .entry(key)
                .or_insert((i64::MAX, i64::MIN));
            e.0 = e.0.min(t.started_at);
            e.1 = e.1.max(t.last());
        }
        if let Some(user) = &t.user_id {
            *self
                .session_users
                .entry((project.to_string(), session.clone(), user.clone()))
                .or_default() += sign;
        }
    }

    fn user(&mut self, project: &str, t: &TraceSums, sign: i64) {
        let Some(user) = &t.user_id else {
            return;
        };
        let day = t.started_at.div_euclid(DAY_MS) * DAY_MS;
        let row = self
            .users
            .entry((project.to_string(), day, user.clone()))
            .or_default();
        let vals = [
            1,
            t.cost_micros.is_some() as i64,
            t.cost_micros.unwrap_or(0),
            t.input_tokens + t.output_tokens,
        ];
        for (r, v) in row.iter_mut().zip(vals) {
            *r += sign * v;
        }
    }

    /// A trace pruned: out of its session (the hourly rollups follow their own retention).
    pub fn prune(&mut self, project: &str, t: &TraceSums) {
        self.session(project, t, -1, true);
    }

    /// Writes what was gathered and clears it.
    /// The cost this batch adds (or takes out) per project and hour, in µ$ (non-zero only).
    pub fn cost_deltas(&self) -> Vec<(String, i64, i64)> {
        let mut by: HashMap<(&str, i64), i64> = HashMap::new();
        for ((project, hour, _, _), d) in &self.usage {
            *by.entry((project.as_str(), *hour)).or_default() += d.ints[6];
        }
        by.into_iter()
            .filter(|(_, c)| *c != 0)
            .map(|((p, h), c)| (p.to_string(), h, c))
            .collect()
    }

    pub fn write(&mut self, tx: &Transaction) -> rusqlite::Result<()> {
        self.write_usage(tx)?;
        self.write_latency(tx)?;
        self.write_tools(tx)?;
        self.write_prompts(tx)?;
        self.write_sessions(tx)?;
        self.write_users(tx)
    }

    fn write_users(&mut self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut up = tx.prepare_cached(
            "INSERT INTO llm_user_daily (project_id, day, user_id, traces, cost_count,
                 cost_micros, tokens)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (project_id, day, user_id) DO UPDATE SET
                 traces = traces + excluded.traces,
                 cost_count = cost_count + excluded.cost_count,
                 cost_micros = cost_micros + excluded.cost_micros,
                 tokens = tokens + excluded.tokens",
        )?;
        let mut gone = tx.prepare_cached(
            "DELETE FROM llm_user_daily
             WHERE project_id = ?1 AND day = ?2 AND user_id = ?3 AND traces <= 0",
        )?;
        for ((project, day, user), v) in sorted(&mut self.users) {
            if v == [0; 4] {
                continue;
            }
            up.execute(params![project, day, user, v[0], v[1], v[2], v[3]])?;
            if v[0] < 0 {
                gone.execute(params![project, day, user])?;
            }
        }
        Ok(())
    }

    fn write_usage(&mut self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut up = tx.prepare_cached(
            "INSERT INTO llm_usage_hourly (project_id, hour, model, provider, spans, errors,
                 input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros,
                 unpriced, latency_sum, latency_count, ttft_sum, ttft_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (project_id, hour, model, provider) DO UPDATE SET
                 spans = spans + excluded.spans, errors = errors + excluded.errors,
                 input_tokens = input_tokens + excluded.input_tokens,
                 output_tokens = output_tokens + excluded.output_tokens,
                 cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                 cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                 cost_micros = cost_micros + excluded.cost_micros,
                 unpriced = unpriced + excluded.unpriced,
                 latency_sum = latency_sum + excluded.latency_sum,
                 latency_count = latency_count + excluded.latency_count,
                 ttft_sum = ttft_sum + excluded.ttft_sum,
                 ttft_count = ttft_count + excluded.ttft_count",
        )?;
        let mut gone = tx.prepare_cached(
            "DELETE FROM llm_usage_hourly
             WHERE project_id = ?1 AND hour = ?2 AND model = ?3 AND provider = ?4 AND spans <= 0",
        )?;
        for ((project, hour, model, provider), d) in sorted(&mut self.usage) {
            if d.is_noop() {
                continue;
            }
            let v = d.ints;
            up.execute(params![
                project, hour, model, provider, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                v[8], v[9], v[10], v[11]
            ])?;
            if d.removed {
                gone.execute(params![project, hour, model, provider])?;
            }
        }
        Ok(())
    }

    /// The hourly histograms and, summed per UTC day, the daily ones.
    fn write_latency(&mut self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut daily = self.daily_latency();
        for (table, col, rows) in [
            ("llm_latency_hourly", "hour", &mut self.latency),
            ("llm_latency_daily", "day", &mut daily),
        ] {
            let mut up = tx.prepare_cached(&format!(
                "INSERT INTO {table} (project_id, {col}, model, kind, bucket, count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (project_id, {col}, model, kind, bucket) DO UPDATE SET
                     count = count + excluded.count"
            ))?;
            let mut gone = tx.prepare_cached(&format!(
                "DELETE FROM {table} WHERE project_id = ?1 AND {col} = ?2 AND model = ?3
                     AND kind = ?4 AND bucket = ?5 AND count <= 0"
            ))?;
            for ((project, t, model, kind, bucket), n) in sorted(rows) {
                if n != 0 {
                    up.execute(params![project, t, model, kind, bucket, n])?;
                }
                if n < 0 {
                    gone.execute(params![project, t, model, kind, bucket])?;
                }
            }
        }
        Ok(())
    }

    /// The hourly latency histogram changes summed per UTC day.
    pub(crate) fn daily_latency(&self) -> HashMap<LatencyKey, i64> {
        let mut daily: HashMap<LatencyKey, i64> = HashMap::new();
        for ((project, hour, model, kind, bucket), n) in &self.latency {
            let day = hour.div_euclid(DAY_MS) * DAY_MS;
            *daily
                .entry((project.clone(), day, model.clone(), *kind, *bucket))
                .or_default() += n;
        }
        daily
    }

    fn write_tools(&mut self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut up = tx.prepare_cached(
            "INSERT INTO llm_tool_hourly (project_id, hour, span_type, name, calls, errors,
                 latency_max)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (project_id, hour, span_type, name) DO UPDATE SET
                 calls = calls + excluded.calls, errors = errors + excluded.errors,
                 latency_max = coalesce(max(latency_max, excluded.latency_max), latency_max,
                                        excluded.latency_max)",
        )?;
        let mut gone = tx.prepare_cached(
            "DELETE FROM llm_tool_hourly
             WHERE project_id = ?1 AND hour = ?2 AND span_type = ?3 AND name = ?4 AND calls <= 0",
        )?;
        // What is left of a row that lost a span: its maximum, read again from the spans.
        let mut remax = tx.prepare_cached(
            "UPDATE llm_tool_hourly SET latency_max = (
                 SELECT max(latency_ms) FROM llm_spans
                 WHERE project_id = ?1 AND span_type = ?3 AND started_at >= ?2
                   AND started_at < ?2 + 3600000 AND name = ?4)
             WHERE project_id = ?1 AND hour = ?2 AND span_type = ?3 AND name = ?4",
        )?;
        for ((project, hour, kind, name), (calls, errors, max, removed)) in sorted(&mut self.tools)
        {
            if calls != 0 || errors != 0 || max.is_some() {
                up.execute(params![project, hour, kind, name, calls, errors, max])?;
            }
            if removed {
                gone.execute(params![project, hour, kind, name])?;
                remax.execute(params![project, hour, kind, name])?;
            }
        }
        let mut up = tx.prepare_cached(
            "INSERT INTO llm_tool_latency_hourly (project_id, hour, span_type, name, bucket, count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (project_id, hour, span_type, name, bucket) DO UPDATE SET
                 count = count + excluded.count",
        )?;
        let mut gone = tx.prepare_cached(
            "DELETE FROM llm_tool_latency_hourly WHERE project_id = ?1 AND hour = ?2
                 AND span_type = ?3 AND name = ?4 AND bucket = ?5 AND count <= 0",
        )?;
        for ((project, hour, kind, name, bucket), n) in sorted(&mut self.tool_latency) {
            if n != 0 {
                up.execute(params![project, hour, kind, name, bucket, n])?;
            }
            if n < 0 {
                gone.execute(params![project, hour, kind, name, bucket])?;
            }
        }
        Ok(())
    }

    fn write_prompts(&mut self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut up = tx.prepare_cached(
            "INSERT INTO llm_prompt_hourly (project_id, hour, prompt_name, prompt_version,
                 traces, error_traces, spans, error_spans, input_tokens, output_tokens,
                 cache_read_tokens, cache_write_tokens, unpriced_spans, cost_count, cost_micros,
                 latency_count, latency_sum, cost_sq, latency_sq, first_at, last_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21)
             ON CONFLICT (project_id, hour, prompt_name, prompt_version) DO UPDATE SET
                 traces = traces + excluded.traces,
                 error_traces = error_traces + excluded.error_traces,
                 spans = spans + excluded.spans, error_spans = error_spans + excluded.error_spans,
                 input_tokens = input_tokens + excluded.input_tokens,
                 output_tokens = output_tokens + excluded.output_tokens,
                 cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                 cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                 unpriced_spans = unpriced_spans + excluded.unpriced_spans,
                 cost_count = cost_count + excluded.cost_count,
                 cost_micros = cost_micros + excluded.cost_micros,
                 latency_count = latency_count + excluded.latency_count,
                 latency_sum = latency_sum + excluded.latency_sum,
                 cost_sq = cost_sq + excluded.cost_sq, latency_sq = latency_sq + excluded.latency_sq,
                 first_at = min(first_at, excluded.first_at),
                 last_at = max(last_at, excluded.last_at)",
        )?;
        let mut gone = tx.prepare_cached(
            "DELETE FROM llm_prompt_hourly WHERE project_id = ?1 AND hour = ?2
                 AND prompt_name = ?3 AND prompt_version = ?4 AND traces <= 0",
        )?;
        for (key, d) in sorted(&mut self.prompts) {
            if d.is_noop() {
                continue;
            }
            let (project, hour, name, version) = &key;
            let v = d.ints;
            up.execute(params![
                project,
                hour,
                name,
                version,
                v[0],
                v[1],
                v[2],
                v[3],
                v[4],
                v[5],
                v[6],
                v[7],
                v[8],
                v[9],
                v[10],
                v[11],
                v[12],
                d.squares[0],
                d.squares[1],
                d.first,
                d.last
            ])?;
            if d.removed {
                gone.execute(params![project, hour, name, version])?;
            }
        }
        // Named prompts only: the traces' prompt index finds an hour's extremes in two seeks.
        let mut extremes = tx.prepare_cached(
            "UPDATE llm_prompt_hourly SET
                 first_at = (SELECT min(started_at) FROM llm_traces WHERE project_id = ?1
                     AND prompt_name = ?3 AND prompt_version IS nullif(?4, '')
                     AND started_at >= ?2 AND started_at < ?2 + 3600000),
                 last_at = (SELECT max(started_at) FROM llm_traces WHERE project_id = ?1
                     AND prompt_name = ?3 AND prompt_version IS nullif(?4, '')
                     AND started_at >= ?2 AND started_at < ?2 + 3600000)
             WHERE project_id = ?1 AND hour = ?2 AND prompt_name = ?3 AND prompt_version = ?4",
        )?;
        let mut moved: Vec<PromptKey> = self.prompts_moved.drain().collect();
        moved.sort_unstable();
        for (project, hour, name, version) in moved {
            extremes.execute(params![project, hour, name, version])?;
        }
        Ok(())
    }

    fn write_sessions(&mut self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut up = tx.prepare_cached(
            "INSERT INTO llm_sessions (project_id, session_id, traces, error_traces,
                 input_tokens, output_tokens, unpriced_spans, cost_count, cost_micros, first_at,
                 last_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (project_id, session_id) DO UPDATE SET
                 traces = traces + excluded.traces,
                 error_traces = error_traces + excluded.error_traces,
                 input_tokens = input_tokens + excluded.input_tokens,
                 output_tokens = output_tokens + excluded.output_tokens,
                 unpriced_spans = unpriced_spans + excluded.unpriced_spans,
                 cost_count = cost_count + excluded.cost_count,
                 cost_micros = cost_micros + excluded.cost_micros,
                 first_at = min(first_at, excluded.first_at),
                 last_at = max(last_at, excluded.last_at)",
        )?;
        let mut gone = tx.prepare_cached(
            "DELETE FROM llm_sessions WHERE project_id = ?1 AND session_id = ?2 AND traces <= 0",
        )?;
        for ((project, session), d) in sorted(&mut self.sessions) {
            if d.is_noop() {
                continue;
            }
            let v = d.ints;
            up.execute(params![
                project, session, v[0], v[1], v[2], v[3], v[4], v[5], v[6], d.first, d.last
            ])?;
            if d.removed {
                gone.execute(params![project, session])?;
            }
        }
        // A session that lost the trace holding its first start or its last end reads that
        // extreme again: the first through the session index, the last over its traces.
        let mut first = tx.prepare_cached(
            "UPDATE llm_sessions SET first_at = (SELECT min(started_at) FROM llm_traces
                 WHERE project_id = ?1 AND session_id = ?2)
             WHERE project_id = ?1 AND session_id = ?2 AND first_at >= ?3",
        )?;
        let mut last = tx.prepare_cached(
            "UPDATE llm_sessions SET last_at = (SELECT max(coalesce(ended_at, started_at))
                 FROM llm_traces WHERE project_id = ?1 AND session_id = ?2)
             WHERE project_id = ?1 AND session_id = ?2 AND last_at <= ?3",
        )?;
        for ((project, session), (lost_first, lost_last)) in sorted(&mut self.sessions_lost) {
            first.execute(params![project, session, lost_first])?;
            last.execute(params![project, session, lost_last])?;
        }
        let mut up = tx.prepare_cached(
            "INSERT INTO llm_session_users (project_id, session_id, user_id, traces)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (project_id, session_id, user_id) DO UPDATE SET
                 traces = traces + excluded.traces",
        )?;
        let mut gone = tx.prepare_cached(
            "DELETE FROM llm_session_users
             WHERE project_id = ?1 AND session_id = ?2 AND user_id = ?3 AND traces <= 0",
        )?;
        for ((project, session, user), n) in sorted(&mut self.session_users) {
            if n != 0 {
                up.execute(params![project, session, user, n])?;
            }
            if n < 0 {
                gone.execute(params![project, session, user])?;
            }
        }
        Ok(())
    }
}

/// Drains `map` in key order: rows are written in primary-key order.
pub(crate) fn sorted<K: Ord, V>(map: &mut HashMap<K, V>) -> Vec<(K, V)> {
    let mut v: Vec<(K, V)> = map.drain().collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Tool latency histograms for the spans already stored (the migration that added the table
/// sums everything else in SQL; the bucket needs a logarithm, which this SQLite build lacks).
pub fn fill_tool_latency(tx: &Transaction) -> rusqlite::Result<()> {
    let mut counts: HashMap<(String, i64, String, String, i64), i64> = HashMap::new();
    {
        let mut st = tx.prepare(
            "SELECT project_id, started_at, span_type, name, latency_ms FROM llm_spans
             WHERE span_type <> 'generation' AND latency_ms IS NOT NULL",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            *counts
                .entry((
                    r.get(0)?,
                    hour_of(r.get(1)?),
                    r.get(2)?,
                    r.get(3)?,
                    latency_bucket(r.get(4)?),
                ))
                .or_default() += 1;
        }
    }
    let mut ins = tx.prepare(
        "INSERT INTO llm_tool_latency_hourly (project_id, hour, span_type, name, bucket, count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for ((project, hour, kind, name, bucket), n) in sorted(&mut counts) {
        ins.execute(params![project, hour, kind, name, bucket, n])?;
    }
    Ok(())
}

#[cfg(test)]
#[cfg(feature = "llm-tracing")]
mod tests {
    use super::*;
    use crate::llm::trace::{Span, Trace, TraceUpdate, UsageUpdate};
    use crate::store::traces::{self, Mode, Pricer};
    use rand::{rngs::StdRng, Rng, SeedableRng};

    const T0: i64 = 1_800_000_000_000;

    struct ByTokens;
    impl Pricer for ByTokens {
        fn price(&mut self, _: &str, span: Span) -> Priced {
            let cost = span
                .model
                .as_ref()
                .filter(|m| *m != "unpriced")
                .map(|_| (span.input_tokens + 3 * span.output_tokens) as i64);
            Priced {
                cost_micros: cost,
                cost_source: cost.map(|_| "table"),
                span,
            }
        }
    }

    fn pick<'a>(rng: &mut StdRng, xs: &[&'a str]) -> &'a str {
        xs[rng.random_range(0..xs.len())]
    }

    fn maybe(rng: &mut StdRng, xs: &[&str]) -> Option<String> {
        rng.random_bool(0.7).then(|| pick(rng, xs).to_string())
    }

    fn span(rng: &mut StdRng, id: usize, start: i64) -> Span {
        let kind = pick(rng, &["generation", "generation", "tool", "retrieval"]);
        let started_at = start + rng.random_range(0..90_000);
        let latency = rng.random_bool(0.9).then(|| rng.random_range(0..20_000));
        Span {
            id: format!("s{id}"),
            parent_span_id: None,
            span_type: kind.into(),
            name: pick(rng, &["search", "fetch", "chat"]).into(),
            model: (kind == "generation")
                .then(|| pick(rng, &["gpt-4o", "claude", "unpriced"]).to_string()),
            provider: maybe(rng, &["openai", "anthropic"]),
            input_tokens: rng.random_range(0..2_000),
            output_tokens: rng.random_range(0..500),
            cache_read_tokens: rng.random_range(0..100),
            cache_write_tokens: 0,
            cost_usd: None,
            latency_ms: latency,
            time_to_first_token_ms: latency.filter(|_| rng.random_bool(0.5)).map(|l| l / 3),
            status: pick(rng, &["ok", "ok", "ok", "error"]).into(),
            error_message: None,
            input: None,
            output: None,
            metadata: None,
            started_at,
            ended_at: latency.map(|l| started_at + l),
            input_includes_cache: true,
        }
    }

    fn trace(rng: &mut StdRng, id: usize) -> Trace {
        // Over five hours around a day boundary, so hours, days and moves between them occur.
        let started_at = T0 - 2 * HOUR_MS + rng.random_range(0..5 * HOUR_MS);
        let spans = (0..rng.random_range(0..4))
            .map(|i| span(rng, i, started_at))
            .collect();
        Trace {
            id: format!("t{id}"),
            session_id: maybe(rng, &["a", "b", "c"]),
            user_id: maybe(rng, &["u1", "u2"]),
            name: "run".into(),
            status: pick(rng, &["completed", "error"]).into(),
            input: None,
            output: None,
            metadata: None,
            started_at,
            ended_at: rng
                .random_bool(0.8)
                .then(|| started_at + rng.random_range(0..100_000)),
            prompt_name: maybe(rng, &["greet", "summarise"]),
            prompt_version: maybe(rng, &["1", "2"]),
            spans,
        }
    }

    /// Every row of the rollup tables, as text, in key order.
    fn dump(conn: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        for table in [
            "llm_usage_hourly",
            "llm_latency_hourly",
            "llm_latency_daily",
            "llm_tool_hourly",
            "llm_tool_latency_hourly",
            "llm_prompt_hourly",
            "llm_sessions",
            "llm_session_users",
            "llm_user_daily",
        ] {
            let mut st = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let n = st.column_count();
            let mut rows = st.query([]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                let cols: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into(),
                        v => format!("{v:?}"),
                    })
                    .collect();
                out.push(format!("{table}: {}", cols.join(" | ")));
            }
        }
        out.sort();
        out
    }

    /// The rollups as a from-scratch build over the stored traces and spans gives them: the
    /// 0013 migration run again (its SQL and hook, then the later ones), the span-level tables
    /// replayed.
    fn rebuilt(live: &Connection, path: &std::path::Path) -> Vec<String> {
        let copy = path.with_extension("rebuilt.db");
        let _ = std::fs::remove_file(&copy);
        live.execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
            .unwrap();
        let conn = Connection::open(&copy).unwrap();
        conn.execute_batch(
            "DROP TABLE llm_prompt_hourly; DROP TABLE llm_sessions; DROP TABLE llm_session_users;
             DROP TABLE llm_tool_hourly; DROP TABLE llm_tool_latency_hourly;
             DROP TABLE llm_latency_daily; DELETE FROM llm_latency_hourly;
             DELETE FROM llm_usage_hourly; ALTER TABLE llm_settings DROP COLUMN enforce_budget;
             ALTER TABLE llm_settings DROP COLUMN errors_as_issues;
             DROP TABLE llm_error_spans; DROP TABLE llm_reported_traces; DROP TABLE issue_traces;
             DROP INDEX llm_traces_cost; DROP INDEX llm_traces_duration;
             DROP INDEX llm_traces_users; DROP TABLE llm_user_daily;
             ALTER TABLE events DROP COLUMN time_clamped; DROP TABLE release_totals; DROP TABLE release_hours;
             DROP TABLE environment_totals; ALTER TABLE events DROP COLUMN frames;
             DROP INDEX projects_dsn_id; ALTER TABLE projects DROP COLUMN dsn_id;
             ALTER TABLE project_keys DROP COLUMN kind; DROP TABLE sourcemaps;
             DROP INDEX issues_assignee; ALTER TABLE issues DROP COLUMN assignee_id;
             DROP TABLE assignment_history; DROP TABLE issue_notes;
             PRAGMA user_version = 12;",
        )
        .unwrap();
        let mut conn = crate::store::open(&copy).unwrap();
        let tx = conn.transaction().unwrap();
        let mut r = Rollups::default();
        let pks: Vec<(String, i64)> = tx
            .prepare("SELECT project_id, pk FROM llm_traces")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (project, pk) in pks {
            for s in traces::read_spans(&tx, pk).unwrap() {
                r.span(&project, &s, 1);
            }
        }
        // The migration already filled these from the traces and spans.
        r.tools.clear();
        r.tool_latency.clear();
        r.write(&tx).unwrap();
        // The daily histograms as the migration derives them from the hourly ones.
        tx.execute_batch(
            "DELETE FROM llm_latency_daily;
             INSERT INTO llm_latency_daily SELECT project_id, (hour / 86400000) * 86400000,
                 model, kind, bucket, SUM(count) FROM llm_latency_hourly GROUP BY 1, 2, 3, 4, 5;",
        )
        .unwrap();
        tx.commit().unwrap();
        dump(&conn)
    }

    /// The rows only one side has, if any.
    fn same(live: &[String], rebuilt: &[String]) {
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter()
                .filter(|r| !b.contains(r))
                .take(8)
                .cloned()
                .collect()
        };
        let (l, r) = (only(live, rebuilt), only(rebuilt, live));
        assert!(
            l.is_empty() && r.is_empty(),
            "only kept incrementally:\n{}\nonly rebuilt:\n{}",
            l.join("\n"),
            r.join("\n")
        );
    }

    /// Traces written, re-sent (moved to other hours, sessions, prompts), merged, updated and
    /// pruned in random batches leave every rollup exactly as a from-scratch build over what is
    /// stored: nothing counted twice, no extreme left behind by a trace that moved.
    #[test]
    fn incremental_rollups_match_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let mut conn = crate::store::open(&path).unwrap();
        conn.execute(
            "INSERT INTO projects (id, name, created_at) VALUES ('p2', 'P2', 0)",
            [],
        )
        .unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        let mut next = 0usize;
        for round in 0..200 {
            let tx = conn.transaction().unwrap();
            let mut rollups = Rollups::default();
            for _ in 0..rng.random_range(1..6) {
                let project = pick(&mut rng, &["default", "p2"]);
                let id = if next > 0 && rng.random_bool(0.5) {
                    rng.random_range(0..next)
                } else {
                    next += 1;
                    next - 1
                };
                let received_at = crate::store::now_ms() - 1_000 - rng.random_range(0..3) * DAY_MS;
                match rng.random_range(0..4) {
                    0 | 1 => {
                        let t = trace(&mut rng, id);
                        let spans = t.spans.iter().map(|s| ByTokens.price(project, s.clone()));
                        let mode = if rng.random_bool(0.5) {
                            Mode::Replace
                        } else {
                            Mode::Merge
                        };
                        traces::write_trace(
                            &tx,
                            &mut rollups,
                            project,
                            &t,
                            spans.collect(),
                            mode,
                            received_at,
                        )
                        .unwrap();
                    }
                    _ => {
                        let u = TraceUpdate {
                            status: Some("error".into()).filter(|_| rng.random_bool(0.3)),
                            output: None,
                            ended_at: Some(T0 + rng.random_range(0..3 * HOUR_MS)),
                            usage: rng.random_bool(0.5).then(|| UsageUpdate {
                                model: Some("gpt-4o".into()),
                                input_tokens: Some(rng.random_range(0..900)),
                                output_tokens: Some(rng.random_range(0..90)),
                                ..Default::default()
                            }),
                        };
                        traces::apply_update(
                            &tx,
                            &mut rollups,
                            &mut ByTokens,
                            project,
                            &format!("t{id}"),
                            &u,
                        )
                        .unwrap();
                    }
                }
            }
            rollups.write(&tx).unwrap();
            tx.commit().unwrap();
            if round % 25 == 24 {
                same(&dump(&conn), &rebuilt(&conn, &path));
            }
        }
        let live = dump(&conn);
        assert!(live.iter().any(|r| r.starts_with("llm_sessions")));
        assert!(live
            .iter()
            .any(|r| r.starts_with("llm_tool_latency_hourly")));
        same(&live, &rebuilt(&conn, &path));

        // Pruning takes traces out of their sessions (and leaves the hourly rollups).
        let keep = |rows: Vec<String>| -> Vec<String> {
            rows.into_iter()
                .filter(|r| r.starts_with("llm_session"))
                .collect()
        };
        let before = keep(live.clone());
        let report = crate::retention::prune(
            &conn,
            &Default::default(),
            &crate::retention::PruneOptions {
                days: Some(1),
                ..Default::default()
            },
            |_| {},
        )
        .unwrap();
        assert!(report.projects.iter().any(|p| p.traces > 0), "{report:?}");
        let after = dump(&conn);
        assert_ne!(keep(after.clone()), before);
        same(&keep(after), &keep(rebuilt(&conn, &path)));
    }
}
