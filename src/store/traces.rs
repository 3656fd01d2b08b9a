//! Writes for LLM traces (the writer thread's side): a trace row with sums over its spans, the
//! spans, hourly usage rollups and latency histograms, and the full-text index.
//!
//! A trace sent again with the same id replaces the earlier one (bloop JSON) or adds to it
//! (OTLP, whose exporters send a trace's spans as they end, over several requests); either way
//! the spans it replaces are taken out of the rollups first, so usage is never counted twice.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::llm_rollups::TraceSums;
pub use super::llm_rollups::{bucket_value, latency_bucket, Rollups};

use crate::llm::trace::{Span, Trace, TraceUpdate};

/// A span with its cost decided (see `crate::pipeline` for how).
#[derive(Debug, Clone)]
pub struct Priced {
    pub span: Span,
    pub cost_micros: Option<i64>,
    pub cost_source: Option<&'static str>,
}

impl Priced {
    /// Whether the span is a billable call: it names a model or counts tokens.
    pub fn billable(&self) -> bool {
        let s = &self.span;
        s.model.is_some()
            || s.input_tokens + s.output_tokens + s.cache_read_tokens + s.cache_write_tokens > 0
    }
}

/// How an incoming trace combines with a stored one of the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// bloop JSON: the trace as sent is the whole trace.
    Replace,
    /// OTLP: the spans are added (same span id: replaced) and the trace's fields filled in.
    Merge,
}

/// Writes one trace. `spans` are `trace.spans` with their costs.
pub fn write_trace(
    tx: &Transaction,
    rollups: &mut Rollups,
    project: &str,
    trace: &Trace,
    spans: Vec<Priced>,
    mode: Mode,
    received_at: i64,
) -> rusqlite::Result<i64> {
    let existing: Option<i64> = tx
        .prepare_cached("SELECT pk FROM llm_traces WHERE project_id = ?1 AND id = ?2")?
        .query_row(params![project, trace.id], |r| r.get(0))
        .optional()?;
    let before = existing.map(|pk| TraceSums::read(tx, pk)).transpose()?;
    let pk = match existing {
        Some(pk) => {
            match mode {
                Mode::Replace => {
                    for old in read_spans(tx, pk)? {
                        rollups.span(project, &old, -1);
                    }
                    tx.prepare_cached("DELETE FROM llm_spans WHERE trace_pk = ?1")?
                        .execute([pk])?;
                    tx.prepare_cached(
                        "UPDATE llm_traces SET session_id = ?2, user_id = ?3, name = ?4,
                             status = ?5, input = ?6, output = ?7, metadata = ?8,
                             prompt_name = ?9, prompt_version = ?10, started_at = ?11,
                             ended_at = ?12, received_at = ?13
                         WHERE pk = ?1",
                    )?
                    .execute(params![
                        pk,
                        trace.session_id,
                        trace.user_id,
                        trace.name,
                        trace.status,
                        trace.input,
                        trace.output,
                        trace.metadata,
                        trace.prompt_name,
                        trace.prompt_version,
                        trace.started_at,
                        trace.ended_at,
                        received_at
                    ])?;
                }
                Mode::Merge => {
                    let ids: Vec<&str> = spans.iter().map(|p| p.span.id.as_str()).collect();
                    for old in read_spans(tx, pk)? {
                        if ids.contains(&old.span.id.as_str()) {
                            remove_span(tx, rollups, project, pk, &old)?;
                        }
                    }
                    tx.prepare_cached(
                        "UPDATE llm_traces SET
                             session_id = coalesce(?2, session_id),
                             user_id = coalesce(?3, user_id),
                             name = CASE WHEN ?4 <> '' THEN ?4 ELSE name END,
                             input = coalesce(?5, input), output = coalesce(?6, output),
                             metadata = coalesce(?7, metadata),
                             prompt_name = coalesce(?8, prompt_name),
                             prompt_version = coalesce(?9, prompt_version),
                             started_at = min(started_at, ?10),
                             ended_at = CASE WHEN ended_at IS NULL THEN ?11
                                             WHEN ?11 IS NULL THEN ended_at
                                             ELSE max(ended_at, ?11) END,
                             received_at = ?12
                         WHERE pk = ?1",
                    )?
                    .execute(params![
                        pk,
                        trace.session_id,
                        trace.user_id,
                        trace.name,
                        trace.input,
                        trace.output,
                        trace.metadata,
                        trace.prompt_name,
                        trace.prompt_version,
                        trace.started_at,
                        trace.ended_at,
                        received_at
                    ])?;
                }
            }
            pk
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO llm_traces (project_id, id, session_id, user_id, name, status,
                     input, output, metadata, prompt_name, prompt_version, started_at, ended_at,
                     received_at, span_count, error_spans, input_tokens, output_tokens,
                     cache_read_tokens, cache_write_tokens, unpriced_spans)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                         0, 0, 0, 0, 0, 0, 0)",
            )?
            .execute(params![
                project,
                trace.id,
                trace.session_id,
                trace.user_id,
                trace.name,
                trace.status,
                trace.input,
                trace.output,
                trace.metadata,
                trace.prompt_name,
                trace.prompt_version,
                trace.started_at,
                trace.ended_at,
                received_at
            ])?;
            tx.last_insert_rowid()
        }
    };
    insert_spans(tx, rollups, project, pk, &spans)?;
    finish(tx, pk, mode == Mode::Merge)?;
    let after = TraceSums::read(tx, pk)?;
    rollups.trace(project, before.as_ref(), Some(&after));
    Ok(pk)
}

fn insert_spans(
    tx: &Transaction,
    rollups: &mut Rollups,
    project: &str,
    pk: i64,
    spans: &[Priced],
) -> rusqlite::Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO llm_spans (trace_pk, id, project_id, parent_span_id, span_type, name, model,
             provider, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
             input_includes_cache, cost_micros, cost_source, latency_ms, ttft_ms, status,
             error_message, input, output, metadata, started_at, ended_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
    )?;
    for p in spans {
        let s = &p.span;
        ins.execute(params![
            pk,
            s.id,
            project,
            s.parent_span_id,
            s.span_type,
            s.name,
            s.model,
            s.provider,
            s.input_tokens as i64,
            s.output_tokens as i64,
            s.cache_read_tokens as i64,
            s.cache_write_tokens as i64,
            s.input_includes_cache,
            p.cost_micros,
            p.cost_source,
            s.latency_ms,
            s.time_to_first_token_ms,
            s.status,
            s.error_message,
            s.input,
            s.output,
            s.metadata,
            s.started_at,
            s.ended_at
        ])?;
        rollups.span(project, p, 1);
    }
    Ok(())
}

/// Deletes a stored span and takes it out of the rollups.
fn remove_span(
    tx: &Transaction,
    rollups: &mut Rollups,
    project: &str,
    pk: i64,
    old: &Priced,
) -> rusqlite::Result<()> {
    rollups.span(project, old, -1);
    tx.prepare_cached("DELETE FROM llm_spans WHERE trace_pk = ?1 AND id = ?2")?
        .execute(params![pk, old.span.id])?;
    Ok(())
}

/// Recomputes a trace's sums from its spans and re-indexes its text. `derive_status`: the
/// status follows the spans (`error` when one failed), as for OTLP traces.
fn finish(tx: &Transaction, pk: i64, derive_status: bool) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE llm_traces SET
             (span_count, error_spans, input_tokens, output_tokens, cache_read_tokens,
              cache_write_tokens, cost_micros, unpriced_spans, model) =
             (SELECT count(*), coalesce(sum(status = 'error'), 0), coalesce(sum(input_tokens), 0),
                     coalesce(sum(output_tokens), 0), coalesce(sum(cache_read_tokens), 0),
                     coalesce(sum(cache_write_tokens), 0), sum(cost_micros),
                     coalesce(sum(cost_micros IS NULL AND (model IS NOT NULL
                         OR input_tokens + output_tokens + cache_read_tokens
                            + cache_write_tokens > 0)), 0),
                     (SELECT model FROM llm_spans m WHERE m.trace_pk = ?1 AND m.model IS NOT NULL
                      ORDER BY m.started_at LIMIT 1)
              FROM llm_spans WHERE trace_pk = ?1)
         WHERE pk = ?1",
    )?
    .execute([pk])?;
    if derive_status {
        tx.prepare_cached(
            "UPDATE llm_traces SET status = CASE WHEN error_spans > 0 THEN 'error'
                 ELSE 'completed' END WHERE pk = ?1",
        )?
        .execute([pk])?;
    }
    reindex(tx, pk)
}

/// Rebuilds the search text of trace `pk`: its name, its spans' names, models and error
/// messages, and whatever content the policy let through.
fn reindex(tx: &Transaction, pk: i64) -> rusqlite::Result<()> {
    let mut body: String = tx
        .prepare_cached(
            "SELECT concat_ws(' ', name, session_id, user_id, prompt_name, input, output)
             FROM llm_traces WHERE pk = ?1",
        )?
        .query_row([pk], |r| r.get(0))?;
    let mut st = tx.prepare_cached(
        "SELECT concat_ws(' ', name, model, error_message, input, output)
         FROM llm_spans WHERE trace_pk = ?1",
    )?;
    let mut rows = st.query([pk])?;
    while let Some(r) = rows.next()? {
        let s: String = r.get(0)?;
        body.push(' ');
        body.push_str(&s);
    }
    tx.prepare_cached("DELETE FROM llm_search WHERE rowid = ?1")?
        .execute([pk])?;
    tx.prepare_cached("INSERT INTO llm_search (rowid, body) VALUES (?1, ?2)")?
        .execute(params![pk, body])?;
    Ok(())
}

/// The spans of trace `pk`, as written.
pub fn read_spans(tx: &rusqlite::Connection, pk: i64) -> rusqlite::Result<Vec<Priced>> {
    let mut st = tx.prepare_cached(
        "SELECT id, parent_span_id, span_type, name, model, provider, input_tokens,
             output_tokens, cache_read_tokens, cache_write_tokens, input_includes_cache,
             cost_micros, cost_source, latency_ms, ttft_ms, status, error_message, input, output,
             metadata, started_at, ended_at
         FROM llm_spans WHERE trace_pk = ?1 ORDER BY started_at, id",
    )?;
    let rows = st.query_map([pk], |r| {
        let source: Option<String> = r.get(12)?;
        Ok(Priced {
            span: Span {
                id: r.get(0)?,
                parent_span_id: r.get(1)?,
                span_type: r.get(2)?,
                name: r.get(3)?,
                model: r.get(4)?,
                provider: r.get(5)?,
                input_tokens: r.get::<_, i64>(6)? as u64,
                output_tokens: r.get::<_, i64>(7)? as u64,
                cache_read_tokens: r.get::<_, i64>(8)? as u64,
                cache_write_tokens: r.get::<_, i64>(9)? as u64,
                input_includes_cache: r.get(10)?,
                // A client's own figure is kept when the span is written again.
                cost_usd: match source.as_deref() {
                    Some("client") => r.get::<_, Option<i64>>(11)?.map(|m| m as f64 / 1e6),
                    _ => None,
                },
                latency_ms: r.get(13)?,
                time_to_first_token_ms: r.get(14)?,
                status: r.get(15)?,
                error_message: r.get(16)?,
                input: r.get(17)?,
                output: r.get(18)?,
                metadata: r.get(19)?,
                started_at: r.get(20)?,
                ended_at: r.get(21)?,
            },
            cost_micros: r.get(11)?,
            cost_source: source.as_deref().and_then(cost_source),
        })
    })?;
    rows.collect()
}

pub(crate) fn cost_source(s: &str) -> Option<&'static str> {
    ["client", "table", "global_override", "project_override"]
        .into_iter()
        .find(|x| *x == s)
}

/// What [`apply_update`] needs from the caller: how to price a span.
pub trait Pricer {
    fn price(&mut self, project: &str, span: Span) -> Priced;
}

/// Applies a `PUT /v1/traces/{id}`. False when no such trace is stored.
pub fn apply_update(
    tx: &Transaction,
    rollups: &mut Rollups,
    pricer: &mut impl Pricer,
    project: &str,
    id: &str,
    u: &TraceUpdate,
) -> rusqlite::Result<bool> {
    let row: Option<(i64, i64, Option<String>)> = tx
        .prepare_cached(
            "SELECT pk, started_at, model FROM llm_traces WHERE project_id = ?1 AND id = ?2",
        )?
        .query_row(params![project, id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((pk, started_at, trace_model)) = row else {
        return Ok(false);
    };
    let before = TraceSums::read(tx, pk)?;
    tx.prepare_cached(
        "UPDATE llm_traces SET status = coalesce(?2, status), output = coalesce(?3, output),
             ended_at = coalesce(?4, ended_at)
         WHERE pk = ?1",
    )?
    .execute(params![pk, u.status, u.output, u.ended_at])?;
    if let Some(usage) = &u.usage {
        let spans = read_spans(tx, pk)?;
        let (old, span) = usage_span(&spans, u, usage, started_at, trace_model);
        if let Some(old) = old {
            remove_span(tx, rollups, project, pk, old)?;
        }
        let priced = pricer.price(project, span);
        insert_spans(tx, rollups, project, pk, &[priced])?;
    }
    finish(tx, pk, false)?;
    let after = TraceSums::read(tx, pk)?;
    rollups.trace(project, Some(&before), Some(&after));
    Ok(true)
}

/// The id of the span that carries usage sent with a `PUT` when the trace does not have exactly
/// one generation span.
pub const USAGE_SPAN: &str = "usage";

/// The span a `PUT`'s usage goes on, given the trace's stored spans: the one generation span,
/// else the `usage` span (made when missing); answers the stored span it replaces, if any, and
/// the span with the usage applied (to be priced and written). Both backends use it.
pub(crate) fn usage_span<'a>(
    spans: &'a [Priced],
    u: &TraceUpdate,
    usage: &crate::llm::trace::UsageUpdate,
    started_at: i64,
    trace_model: Option<String>,
) -> (Option<&'a Priced>, Span) {
    let generations: Vec<&Priced> = spans
        .iter()
        .filter(|p| p.span.span_type == "generation")
        .collect();
    let mut span = match generations.as_slice() {
        [only] => only.span.clone(),
        _ => match spans.iter().find(|p| p.span.id == USAGE_SPAN) {
            Some(p) => p.span.clone(),
            None => Span {
                id: USAGE_SPAN.into(),
                parent_span_id: None,
                span_type: "generation".into(),
                name: "usage".into(),
                model: trace_model,
                provider: None,
                input_tokens: 0,
                output_tokens: 0,
                cache_read_tokens: 0,
                cache_write_tokens: 0,
                cost_usd: None,
                latency_ms: None,
                time_to_first_token_ms: None,
                status: "ok".into(),
                error_message: None,
                input: None,
                output: None,
                metadata: None,
                started_at,
                ended_at: None,
                input_includes_cache: true,
            },
        },
    };
    let old = spans.iter().find(|p| p.span.id == span.id);
    if usage.model.is_some() {
        span.model = usage.model.clone();
    }
    if usage.provider.is_some() {
        span.provider = usage.provider.clone();
    }
    span.input_tokens = usage.input_tokens.unwrap_or(span.input_tokens);
    span.output_tokens = usage.output_tokens.unwrap_or(span.output_tokens);
    span.cache_read_tokens = usage.cache_read_tokens.unwrap_or(span.cache_read_tokens);
    span.cache_write_tokens = usage.cache_write_tokens.unwrap_or(span.cache_write_tokens);
    span.cost_usd = usage.cost_usd.or(span.cost_usd);
    if u.ended_at.is_some() && span.ended_at.is_none() {
        span.ended_at = u.ended_at.filter(|e| *e >= span.started_at);
        if span.latency_ms.is_none() {
            span.latency_ms = span.ended_at.map(|e| e - span.started_at);
        }
    }
    span.input_includes_cache = crate::llm::trace::Inclusive::decide(
        span.provider.as_deref(),
        span.model.as_deref(),
        span.input_tokens,
        span.cache_read_tokens,
        span.cache_write_tokens,
    );
    (old, span)
}

/// Whether a trace is stored.
pub fn exists(conn: &rusqlite::Connection, project: &str, id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM llm_traces WHERE project_id = ?1 AND id = ?2")?
        .exists(params![project, id])
}

/// Per-project content policies that differ from the configured default.
pub fn content_policies(
    conn: &rusqlite::Connection,
) -> rusqlite::Result<HashMap<String, crate::config::ContentStorage>> {
    let mut st = conn
        .prepare_cached("SELECT project_id, content FROM llm_settings WHERE content IS NOT NULL")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (project, content) = row?;
        if let Some(p) = super::llm_admin::parse_policy(&content) {
            out.insert(project, p);
        }
    }
    Ok(out)
}

/// Every price override (global ones have no project), as the pricer takes them.
pub fn price_overrides(
    conn: &rusqlite::Connection,
) -> rusqlite::Result<Vec<crate::llm::pricing::PriceOverride>> {
    Ok(super::llm_admin::override_rows(conn, None)?
        .iter()
        .map(super::llm_admin::PriceOverrideRow::to_override)
        .collect())
}
