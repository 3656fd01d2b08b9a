//! LLM traces written on PostgreSQL (the writer's side): the same rows and meaning as
//! `store::traces` on SQLite (a trace row with sums over its spans, the spans, the search text,
//! the rollups), with what differs for several writers:
//!
//! - a trace row is taken with `SELECT … FOR UPDATE` (or inserted, `ON CONFLICT DO NOTHING`
//!   then taken) before its spans change, and a flush takes its traces in key order, so two
//!   nodes merging spans of one OTLP trace queue behind each other instead of losing spans;
//! - the rollups are written at the end of the flush, one statement per table over arrays
//!   (`unnest`), keys sorted, so the nodes' upserts meet in the same order.

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use crate::llm::trace::{Span, Trace, TraceUpdate};
use crate::store::llm_rollups::{sorted, TraceSums};
use crate::store::traces::{cost_source, usage_span, Mode, Priced, Pricer, Rollups};
use crate::store::StoreError;

type Tx<'a> = Transaction<'a>;

/// Whether project `id` exists (its traces are dropped when it was deleted while queued).
pub async fn project_exists(c: &impl GenericClient, id: &str) -> Result<bool, StoreError> {
    let st = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM projects WHERE id = $1)")
        .await?;
    Ok(c.query_one(&st, &[&id]).await?.get(0))
}

/// Trace `id` of `project`, locked for this transaction: its pk.
async fn lock_trace(tx: &Tx<'_>, project: &str, id: &str) -> Result<Option<i64>, StoreError> {
    let st = tx
        .prepare_cached("SELECT pk FROM llm_traces WHERE project_id = $1 AND id = $2 FOR UPDATE")
        .await?;
    Ok(tx.query_opt(&st, &[&project, &id]).await?.map(|r| r.get(0)))
}

/// Trace `pk`'s sums as stored.
async fn sums(tx: &Tx<'_>, pk: i64) -> Result<TraceSums, StoreError> {
    let st = tx
        .prepare_cached(&format!(
            "SELECT {} FROM llm_traces WHERE pk = $1",
            TraceSums::COLUMNS
        ))
        .await?;
    let r = tx.query_one(&st, &[&pk]).await?;
    Ok(TraceSums {
        prompt_name: r.get(0),
        prompt_version: r.get(1),
        session_id: r.get(2),
        user_id: r.get(3),
        started_at: r.get(4),
        ended_at: r.get(5),
        failed: r.get(6),
        spans: r.get(7),
        error_spans: r.get(8),
        input_tokens: r.get(9),
        output_tokens: r.get(10),
        cache_read_tokens: r.get(11),
        cache_write_tokens: r.get(12),
        unpriced_spans: r.get(13),
        cost_micros: r.get(14),
    })
}

/// A trace's own columns as the insert and the replacing update take them: session, user,
/// name, status, input, output, metadata, prompt name and version, start, end, received.
fn fields<'a>(trace: &'a Trace, received_at: &'a i64) -> [&'a (dyn ToSql + Sync); 12] {
    [
        &trace.session_id,
        &trace.user_id,
        &trace.name,
        &trace.status,
        &trace.input,
        &trace.output,
        &trace.metadata,
        &trace.prompt_name,
        &trace.prompt_version,
        &trace.started_at,
        &trace.ended_at,
        received_at,
    ]
}

/// Writes one trace (see `store::traces::write_trace`). `spans` are `trace.spans` priced.
pub async fn write_trace(
    tx: &Tx<'_>,
    rollups: &mut Rollups,
    project: &str,
    trace: &Trace,
    spans: Vec<Priced>,
    mode: Mode,
    received_at: i64,
) -> Result<i64, StoreError> {
    let mut existing = lock_trace(tx, project, &trace.id).await?;
    if existing.is_none() {
        let st = tx
            .prepare_cached(
                "INSERT INTO llm_traces (project_id, id, session_id, user_id, name, status,
                     input, output, metadata, prompt_name, prompt_version, started_at, ended_at,
                     received_at, span_count, error_spans, input_tokens, output_tokens,
                     cache_read_tokens, cache_write_tokens, unpriced_spans)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                         0, 0, 0, 0, 0, 0, 0)
                 ON CONFLICT (project_id, id) DO NOTHING
                 RETURNING pk",
            )
            .await?;
        let inserted = tx
            .query_opt(
                &st,
                &[
                    &[&project as &(dyn ToSql + Sync), &trace.id],
                    &fields(trace, &received_at)[..],
                ]
                .concat(),
            )
            .await?;
        match inserted {
            Some(r) => {
                let pk: i64 = r.get(0);
                insert_spans(tx, rollups, project, pk, &spans).await?;
                finish(tx, pk, mode == Mode::Merge).await?;
                let after = sums(tx, pk).await?;
                rollups.trace(project, None, Some(&after));
                return Ok(pk);
            }
            // Another node inserted it meanwhile (and has committed): take it as stored.
            None => existing = lock_trace(tx, project, &trace.id).await?,
        }
    }
    let pk = existing.ok_or_else(|| StoreError::Postgres {
        code: None,
        message: format!("trace {} vanished while being written", trace.id),
    })?;
    let before = sums(tx, pk).await?;
    match mode {
        Mode::Replace => {
            for old in read_spans(tx, pk).await? {
                rollups.span(project, &old, -1);
            }
            let st = tx
                .prepare_cached("DELETE FROM llm_spans WHERE trace_pk = $1")
                .await?;
            tx.execute(&st, &[&pk]).await?;
            let st = tx
                .prepare_cached(
                    "UPDATE llm_traces SET session_id = $2, user_id = $3, name = $4,
                         status = $5, input = $6, output = $7, metadata = $8,
                         prompt_name = $9, prompt_version = $10, started_at = $11,
                         ended_at = $12, received_at = $13
                     WHERE pk = $1",
                )
                .await?;
            tx.execute(
                &st,
                &[
                    &[&pk as &(dyn ToSql + Sync)],
                    &fields(trace, &received_at)[..],
                ]
                .concat(),
            )
            .await?;
        }
        Mode::Merge => {
            let ids: Vec<&str> = spans.iter().map(|p| p.span.id.as_str()).collect();
            for old in read_spans(tx, pk).await? {
                if ids.contains(&old.span.id.as_str()) {
                    remove_span(tx, rollups, project, pk, &old).await?;
                }
            }
            let st = tx
                .prepare_cached(
                    "UPDATE llm_traces SET
                         session_id = coalesce($2, session_id),
                         user_id = coalesce($3, user_id),
                         name = CASE WHEN $4 <> '' THEN $4 ELSE name END,
                         input = coalesce($5, input), output = coalesce($6, output),
                         metadata = coalesce($7, metadata),
                         prompt_name = coalesce($8, prompt_name),
                         prompt_version = coalesce($9, prompt_version),
                         started_at = least(started_at, $10),
                         ended_at = CASE WHEN ended_at IS NULL THEN $11::bigint
                                         WHEN $11::bigint IS NULL THEN ended_at
                                         ELSE greatest(ended_at, $11::bigint) END,
                         received_at = $12
                     WHERE pk = $1",
                )
                .await?;
            tx.execute(
                &st,
                &[
                    &pk,
                    &trace.session_id,
                    &trace.user_id,
                    &trace.name,
                    &trace.input,
                    &trace.output,
                    &trace.metadata,
                    &trace.prompt_name,
                    &trace.prompt_version,
                    &trace.started_at,
                    &trace.ended_at,
                    &received_at,
                ],
            )
            .await?;
        }
    }
    insert_spans(tx, rollups, project, pk, &spans).await?;
    finish(tx, pk, mode == Mode::Merge).await?;
    let after = sums(tx, pk).await?;
    rollups.trace(project, Some(&before), Some(&after));
    Ok(pk)
}

/// Inserts `spans` of trace `pk` in one statement and adds them to the rollups.
async fn insert_spans(
    tx: &Tx<'_>,
    rollups: &mut Rollups,
    project: &str,
    pk: i64,
    spans: &[Priced],
) -> Result<(), StoreError> {
    if spans.is_empty() {
        return Ok(());
    }
    let st = tx
        .prepare_cached(
            "INSERT INTO llm_spans (trace_pk, id, project_id, parent_span_id, span_type, name,
                 model, provider, input_tokens, output_tokens, cache_read_tokens,
                 cache_write_tokens, input_includes_cache, cost_micros, cost_source, latency_ms,
                 ttft_ms, status, error_message, input, output, metadata, started_at, ended_at)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],
                 $6::text[], $7::text[], $8::text[], $9::int8[], $10::int8[], $11::int8[],
                 $12::int8[], $13::bool[], $14::int8[], $15::text[], $16::int8[], $17::int8[],
                 $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::int8[],
                 $24::int8[])",
        )
        .await?;
    let col = |f: &dyn Fn(&Span) -> Option<String>| -> Vec<Option<String>> {
        spans.iter().map(|p| f(&p.span)).collect()
    };
    let int =
        |f: &dyn Fn(&Priced) -> Option<i64>| -> Vec<Option<i64>> { spans.iter().map(f).collect() };
    let project_col = vec![project.to_string(); spans.len()];
    let ids = col(&|s| Some(s.id.clone()));
    let parents = col(&|s| s.parent_span_id.clone());
    let types = col(&|s| Some(s.span_type.clone()));
    let names = col(&|s| Some(s.name.clone()));
    let models = col(&|s| s.model.clone());
    let providers = col(&|s| s.provider.clone());
    let input_tokens = int(&|p| Some(p.span.input_tokens as i64));
    let output_tokens = int(&|p| Some(p.span.output_tokens as i64));
    let cache_read = int(&|p| Some(p.span.cache_read_tokens as i64));
    let cache_write = int(&|p| Some(p.span.cache_write_tokens as i64));
    let inclusive: Vec<bool> = spans.iter().map(|p| p.span.input_includes_cache).collect();
    let costs = int(&|p| p.cost_micros);
    let sources: Vec<Option<&str>> = spans.iter().map(|p| p.cost_source).collect();
    let latency = int(&|p| p.span.latency_ms);
    let ttft = int(&|p| p.span.time_to_first_token_ms);
    let status = col(&|s| Some(s.status.clone()));
    let errors = col(&|s| s.error_message.clone());
    let inputs = col(&|s| s.input.clone());
    let outputs = col(&|s| s.output.clone());
    let metadata = col(&|s| s.metadata.clone());
    let started = int(&|p| Some(p.span.started_at));
    let ended = int(&|p| p.span.ended_at);
    tx.execute(
        &st,
        &[
            &pk,
            &ids,
            &project_col,
            &parents,
            &types,
            &names,
            &models,
            &providers,
            &input_tokens,
            &output_tokens,
            &cache_read,
            &cache_write,
            &inclusive,
            &costs,
            &sources,
            &latency,
            &ttft,
            &status,
            &errors,
            &inputs,
            &outputs,
            &metadata,
            &started,
            &ended,
        ],
    )
    .await?;
    for p in spans {
        rollups.span(project, p, 1);
    }
    Ok(())
}

/// Deletes a stored span and takes it out of the rollups.
async fn remove_span(
    tx: &Tx<'_>,
    rollups: &mut Rollups,
    project: &str,
    pk: i64,
    old: &Priced,
) -> Result<(), StoreError> {
    rollups.span(project, old, -1);
    let st = tx
        .prepare_cached("DELETE FROM llm_spans WHERE trace_pk = $1 AND id = $2")
        .await?;
    tx.execute(&st, &[&pk, &old.span.id]).await?;
    Ok(())
}

/// Recomputes a trace's sums from its spans and re-indexes its text (see
/// `store::traces::finish`).
async fn finish(tx: &Tx<'_>, pk: i64, derive_status: bool) -> Result<(), StoreError> {
    let st = tx
        .prepare_cached(
            "UPDATE llm_traces SET
                 (span_count, error_spans, input_tokens, output_tokens, cache_read_tokens,
                  cache_write_tokens, cost_micros, unpriced_spans, model) =
                 (SELECT count(*), count(*) FILTER (WHERE status = 'error'),
                         coalesce(sum(input_tokens), 0)::bigint,
                         coalesce(sum(output_tokens), 0)::bigint,
                         coalesce(sum(cache_read_tokens), 0)::bigint,
                         coalesce(sum(cache_write_tokens), 0)::bigint, sum(cost_micros)::bigint,
                         count(*) FILTER (WHERE cost_micros IS NULL AND (model IS NOT NULL
                             OR input_tokens + output_tokens + cache_read_tokens
                                + cache_write_tokens > 0)),
                         (SELECT model FROM llm_spans m WHERE m.trace_pk = $1
                              AND m.model IS NOT NULL ORDER BY m.started_at, m.id LIMIT 1)
                  FROM llm_spans WHERE trace_pk = $1)
             WHERE pk = $1",
        )
        .await?;
    tx.execute(&st, &[&pk]).await?;
    if derive_status {
        let st = tx
            .prepare_cached(
                "UPDATE llm_traces SET status = CASE WHEN error_spans > 0 THEN 'error'
                     ELSE 'completed' END WHERE pk = $1",
            )
            .await?;
        tx.execute(&st, &[&pk]).await?;
    }
    let st = tx
        .prepare_cached(&format!(
            "INSERT INTO llm_search (trace_pk, body)
             SELECT t.pk, {} FROM llm_traces t WHERE t.pk = $1
             ON CONFLICT (trace_pk) DO UPDATE SET body = excluded.body",
            super::TRACE_SEARCH_TEXT
        ))
        .await?;
    tx.execute(&st, &[&pk]).await?;
    Ok(())
}

/// The spans of trace `pk`, as written.
pub async fn read_spans(c: &impl GenericClient, pk: i64) -> Result<Vec<Priced>, StoreError> {
    let st = c
        .prepare_cached(
            "SELECT id, parent_span_id, span_type, name, model, provider, input_tokens,
                 output_tokens, cache_read_tokens, cache_write_tokens, input_includes_cache,
                 cost_micros, cost_source, latency_ms, ttft_ms, status, error_message, input,
                 output, metadata, started_at, ended_at
             FROM llm_spans WHERE trace_pk = $1 ORDER BY started_at, id",
        )
        .await?;
    Ok(c.query(&st, &[&pk]).await?.iter().map(priced).collect())
}

fn priced(r: &Row) -> Priced {
    let source: Option<String> = r.get(12);
    let cost: Option<i64> = r.get(11);
    Priced {
        span: Span {
            id: r.get(0),
            parent_span_id: r.get(1),
            span_type: r.get(2),
            name: r.get(3),
            model: r.get(4),
            provider: r.get(5),
            input_tokens: r.get::<_, i64>(6) as u64,
            output_tokens: r.get::<_, i64>(7) as u64,
            cache_read_tokens: r.get::<_, i64>(8) as u64,
            cache_write_tokens: r.get::<_, i64>(9) as u64,
            input_includes_cache: r.get(10),
            // A client's own figure is kept when the span is written again.
            cost_usd: match source.as_deref() {
                Some("client") => cost.map(|m| m as f64 / 1e6),
                _ => None,
            },
            latency_ms: r.get(13),
            time_to_first_token_ms: r.get(14),
            status: r.get(15),
            error_message: r.get(16),
            input: r.get(17),
            output: r.get(18),
            metadata: r.get(19),
            started_at: r.get(20),
            ended_at: r.get(21),
        },
        cost_micros: cost,
        cost_source: source.as_deref().and_then(cost_source),
    }
}

/// Applies a `PUT /v1/traces/{id}` (see `store::traces::apply_update`). False when no such
/// trace is stored.
pub async fn apply_update(
    tx: &Tx<'_>,
    rollups: &mut Rollups,
    pricer: &mut impl Pricer,
    project: &str,
    id: &str,
    u: &TraceUpdate,
) -> Result<bool, StoreError> {
    let st = tx
        .prepare_cached(
            "SELECT pk, started_at, model FROM llm_traces
             WHERE project_id = $1 AND id = $2 FOR UPDATE",
        )
        .await?;
    let Some(row) = tx.query_opt(&st, &[&project, &id]).await? else {
        return Ok(false);
    };
    let (pk, started_at, trace_model): (i64, i64, Option<String>) =
        (row.get(0), row.get(1), row.get(2));
    let before = sums(tx, pk).await?;
    let st = tx
        .prepare_cached(
            "UPDATE llm_traces SET status = coalesce($2, status), output = coalesce($3, output),
                 ended_at = coalesce($4, ended_at)
             WHERE pk = $1",
        )
        .await?;
    tx.execute(&st, &[&pk, &u.status, &u.output, &u.ended_at])
        .await?;
    if let Some(usage) = &u.usage {
        let spans = read_spans(tx, pk).await?;
        let (old, span) = usage_span(&spans, u, usage, started_at, trace_model);
        if let Some(old) = old {
            remove_span(tx, rollups, project, pk, old).await?;
        }
        let priced = pricer.price(project, span);
        insert_spans(tx, rollups, project, pk, &[priced]).await?;
    }
    finish(tx, pk, false).await?;
    let after = sums(tx, pk).await?;
    rollups.trace(project, Some(&before), Some(&after));
    Ok(true)
}

/// Columns of an `unnest` upsert, built row by row.
#[derive(Default)]
struct Cols {
    text: Vec<Vec<String>>,
    int: Vec<Vec<i64>>,
}

impl Cols {
    fn new(texts: usize, ints: usize) -> Self {
        Self {
            text: vec![Vec::new(); texts],
            int: vec![Vec::new(); ints],
        }
    }

    fn row(&mut self, texts: &[&str], ints: &[i64]) {
        for (c, v) in self.text.iter_mut().zip(texts) {
            c.push(v.to_string());
        }
        for (c, v) in self.int.iter_mut().zip(ints) {
            c.push(*v);
        }
    }

    fn is_empty(&self) -> bool {
        self.text.first().is_none_or(Vec::is_empty)
    }

    /// The columns as statement parameters: texts first, then integers.
    fn params(&self) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
        let mut out: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = Vec::new();
        for c in &self.text {
            out.push(c);
        }
        for c in &self.int {
            out.push(c);
        }
        out
    }
}

/// `$1::text[], …, $k::int8[]` for an `unnest` of `texts` text and `ints` integer columns.
fn unnest(texts: usize, ints: usize) -> String {
    let mut parts: Vec<String> = (1..=texts).map(|i| format!("${i}::text[]")).collect();
    parts.extend((texts + 1..=texts + ints).map(|i| format!("${i}::int8[]")));
    format!("unnest({})", parts.join(", "))
}

/// Writes the rollups gathered over a flush and clears them: per table one upsert over the
/// rows in key order, then the rows that fell to nothing are deleted and the extremes that
/// may have moved are read again (as on SQLite, `Rollups::write`).
pub async fn write_rollups(tx: &Tx<'_>, r: &mut Rollups) -> Result<(), StoreError> {
    write_usage(tx, r).await?;
    write_latency(tx, r).await?;
    write_tools(tx, r).await?;
    write_prompts(tx, r).await?;
    write_sessions(tx, r).await?;
    write_users(tx, r).await
}

/// Upserts `rows` into `table` (`keys` text and integer key columns first, then the summed
/// integer columns `sums`), adding to what is there; deletes the rows of `gone` (their key
/// columns) whose `count_col` fell to zero or below.
#[allow(clippy::too_many_arguments)]
async fn add_rows(
    tx: &Tx<'_>,
    table: &str,
    key_texts: &[&str],
    key_ints: &[&str],
    sums: &[&str],
    rows: &Cols,
    gone: &Cols,
    count_col: &str,
) -> Result<(), StoreError> {
    // Column order of `Cols`: texts, then integers (key integers first).
    let texts = key_texts.len();
    let columns: Vec<&str> = key_texts
        .iter()
        .chain(key_ints)
        .chain(sums)
        .copied()
        .collect();
    let keys: Vec<&str> = key_texts.iter().chain(key_ints).copied().collect();
    if !rows.is_empty() {
        let set: Vec<String> = sums
            .iter()
            .map(|c| format!("{c} = r.{c} + excluded.{c}"))
            .collect();
        let sql = format!(
            "INSERT INTO {table} AS r ({cols}) SELECT * FROM {src}
             ON CONFLICT ({keys}) DO UPDATE SET {set}",
            cols = columns.join(", "),
            src = unnest(texts, key_ints.len() + sums.len()),
            keys = keys.join(", "),
            set = set.join(", "),
        );
        let st = tx.prepare_cached(&sql).await?;
        tx.execute(&st, &rows.params()).await?;
    }
    delete_emptied(tx, table, &keys, texts, gone, count_col).await
}

/// Deletes the rows of `table` whose keys are in `gone` (`keys`: the key columns, its first
/// `texts` text, the rest integers, as `gone` holds them) and whose `count_col` fell to zero.
async fn delete_emptied(
    tx: &Tx<'_>,
    table: &str,
    keys: &[&str],
    texts: usize,
    gone: &Cols,
    count_col: &str,
) -> Result<(), StoreError> {
    if gone.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM {table} WHERE ({}) IN (SELECT * FROM {}) AND {count_col} <= 0",
        keys.join(", "),
        unnest(texts, keys.len() - texts),
    );
    let st = tx.prepare_cached(&sql).await?;
    tx.execute(&st, &gone.params()).await?;
    Ok(())
}

async fn write_usage(tx: &Tx<'_>, r: &mut Rollups) -> Result<(), StoreError> {
    let (mut rows, mut gone) = (Cols::new(3, 13), Cols::new(3, 1));
    for ((project, hour, model, provider), d) in sorted(&mut r.usage) {
        if d.is_noop() {
            continue;
        }
        let mut ints = vec![hour];
        ints.extend(d.ints);
        rows.row(&[&project, &model, &provider], &ints);
        if d.removed {
            gone.row(&[&project, &model, &provider], &[hour]);
        }
    }
    add_rows(
        tx,
        "llm_usage_hourly",
        &["project_id", "model", "provider"],
        &["hour"],
        &[
            "spans",
            "errors",
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "cost_micros",
            "unpriced",
            "latency_sum",
            "latency_count",
            "ttft_sum",
            "ttft_count",
        ],
        &rows,
        &gone,
        "spans",
    )
    .await
}

async fn write_latency(tx: &Tx<'_>, r: &mut Rollups) -> Result<(), StoreError> {
    let mut daily = r.daily_latency();
    for (table, col, map) in [
        ("llm_latency_hourly", "hour", &mut r.latency),
        ("llm_latency_daily", "day", &mut daily),
    ] {
        let (mut rows, mut gone) = (Cols::new(2, 4), Cols::new(2, 3));
        for ((project, t, model, kind, bucket), n) in sorted(map) {
            if n != 0 {
                rows.row(&[&project, &model], &[t, kind, bucket, n]);
            }
            if n < 0 {
                gone.row(&[&project, &model], &[t, kind, bucket]);
            }
        }
        add_rows(
            tx,
            table,
            &["project_id", "model"],
            &[col, "kind", "bucket"],
            &["count"],
            &rows,
            &gone,
            "count",
        )
        .await?;
    }
    Ok(())
}

async fn write_tools(tx: &Tx<'_>, r: &mut Rollups) -> Result<(), StoreError> {
    // Calls and errors add up; the latency maximum only grows here (a row that lost a span
    // reads its maximum again below). NULL maxima travel as -1.
    let (mut rows, mut gone) = (Cols::new(3, 4), Cols::new(3, 1));
    for ((project, hour, kind, name), (calls, errors, max, removed)) in sorted(&mut r.tools) {
        if calls != 0 || errors != 0 || max.is_some() {
            rows.row(
                &[&project, &kind, &name],
                &[hour, calls, errors, max.unwrap_or(-1)],
            );
        }
        if removed {
            gone.row(&[&project, &kind, &name], &[hour]);
        }
    }
    if !rows.is_empty() {
        let st = tx
            .prepare_cached(&format!(
                "INSERT INTO llm_tool_hourly AS r (project_id, span_type, name, hour, calls,
                     errors, latency_max)
                 SELECT p, k, n, h, c, e, nullif(m, -1) FROM {} AS x(p, k, n, h, c, e, m)
                 ON CONFLICT (project_id, hour, span_type, name) DO UPDATE SET
                     calls = r.calls + excluded.calls, errors = r.errors + excluded.errors,
                     latency_max = greatest(r.latency_max, excluded.latency_max)",
                unnest(3, 4)
            ))
            .await?;
        tx.execute(&st, &rows.params()).await?;
    }
    let tool_keys = ["project_id", "span_type", "name", "hour"];
    delete_emptied(tx, "llm_tool_hourly", &tool_keys, 3, &gone, "calls").await?;
    if !gone.is_empty() {
        // What is left of a row that lost a span: its maximum, read again from the spans.
        let st = tx
            .prepare_cached(&format!(
                "UPDATE llm_tool_hourly t SET latency_max = (
                     SELECT max(s.latency_ms) FROM llm_spans s
                     WHERE s.project_id = g.p AND s.span_type = g.k AND s.started_at >= g.h
                       AND s.started_at < g.h + 3600000 AND s.name = g.n)
                 FROM {} AS g(p, k, n, h)
                 WHERE t.project_id = g.p AND t.span_type = g.k AND t.name = g.n
                   AND t.hour = g.h",
                unnest(3, 1)
            ))
            .await?;
        tx.execute(&st, &gone.params()).await?;
    }
    let (mut rows, mut gone) = (Cols::new(3, 3), Cols::new(3, 2));
    for ((project, hour, kind, name, bucket), n) in sorted(&mut r.tool_latency) {
        if n != 0 {
            rows.row(&[&project, &kind, &name], &[hour, bucket, n]);
        }
        if n < 0 {
            gone.row(&[&project, &kind, &name], &[hour, bucket]);
        }
    }
    add_rows(
        tx,
        "llm_tool_latency_hourly",
        &["project_id", "span_type", "name"],
        &["hour", "bucket"],
        &["count"],
        &rows,
        &gone,
        "count",
    )
    .await
}

async fn write_prompts(tx: &Tx<'_>, r: &mut Rollups) -> Result<(), StoreError> {
    let mut rows = Cols::new(3, 16);
    let mut squares: (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut gone = Cols::new(3, 1);
    for ((project, hour, name, version), d) in sorted(&mut r.prompts) {
        if d.is_noop() {
            continue;
        }
        let mut ints = vec![hour];
        ints.extend(&d.ints[..13]);
        ints.push(d.first);
        ints.push(d.last);
        rows.row(&[&project, &name, &version], &ints);
        squares.0.push(d.squares[0]);
        squares.1.push(d.squares[1]);
        if d.removed {
            gone.row(&[&project, &name, &version], &[hour]);
        }
    }
    if !rows.is_empty() {
        // Texts ($1-$3), integers ($4-$19), then the two squares ($20, $21).
        let st = tx
            .prepare_cached(&format!(
                "INSERT INTO llm_prompt_hourly AS r (project_id, prompt_name, prompt_version,
                     hour, traces, error_traces, spans, error_spans, input_tokens, output_tokens,
                     cache_read_tokens, cache_write_tokens, unpriced_spans, cost_count,
                     cost_micros, latency_count, latency_sum, first_at, last_at, cost_sq,
                     latency_sq)
                 SELECT * FROM {src}
                 ON CONFLICT (project_id, hour, prompt_name, prompt_version) DO UPDATE SET
                     traces = r.traces + excluded.traces,
                     error_traces = r.error_traces + excluded.error_traces,
                     spans = r.spans + excluded.spans,
                     error_spans = r.error_spans + excluded.error_spans,
                     input_tokens = r.input_tokens + excluded.input_tokens,
                     output_tokens = r.output_tokens + excluded.output_tokens,
                     cache_read_tokens = r.cache_read_tokens + excluded.cache_read_tokens,
                     cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
                     unpriced_spans = r.unpriced_spans + excluded.unpriced_spans,
                     cost_count = r.cost_count + excluded.cost_count,
                     cost_micros = r.cost_micros + excluded.cost_micros,
                     latency_count = r.latency_count + excluded.latency_count,
                     latency_sum = r.latency_sum + excluded.latency_sum,
                     cost_sq = r.cost_sq + excluded.cost_sq,
                     latency_sq = r.latency_sq + excluded.latency_sq,
                     first_at = least(r.first_at, excluded.first_at),
                     last_at = greatest(r.last_at, excluded.last_at)",
                src = unnest(3, 16).replace(")", ", $20::float8[], $21::float8[])"),
            ))
            .await?;
        let mut params = rows.params();
        params.push(&squares.0);
        params.push(&squares.1);
        tx.execute(&st, &params).await?;
    }
    let prompt_keys = ["project_id", "prompt_name", "prompt_version", "hour"];
    delete_emptied(tx, "llm_prompt_hourly", &prompt_keys, 3, &gone, "traces").await?;
    // Named prompts only: the hour's extremes read again from the traces.
    let mut moved: Vec<_> = r.prompts_moved.drain().collect();
    moved.sort_unstable();
    let mut cols = Cols::new(3, 1);
    for (project, hour, name, version) in &moved {
        cols.row(&[project, name, version], &[*hour]);
    }
    if !cols.is_empty() {
        let st = tx
            .prepare_cached(&format!(
                "UPDATE llm_prompt_hourly r SET first_at = x.lo, last_at = x.hi
                 FROM (SELECT g.p, g.n, g.v, g.h,
                              (SELECT min(started_at) FROM llm_traces t WHERE t.project_id = g.p
                                 AND t.prompt_name = g.n
                                 AND t.prompt_version IS NOT DISTINCT FROM nullif(g.v, '')
                                 AND t.started_at >= g.h AND t.started_at < g.h + 3600000) AS lo,
                              (SELECT max(started_at) FROM llm_traces t WHERE t.project_id = g.p
                                 AND t.prompt_name = g.n
                                 AND t.prompt_version IS NOT DISTINCT FROM nullif(g.v, '')
                                 AND t.started_at >= g.h AND t.started_at < g.h + 3600000) AS hi
                       FROM {} AS g(p, n, v, h)) x
                 WHERE r.project_id = x.p AND r.prompt_name = x.n AND r.prompt_version = x.v
                   AND r.hour = x.h",
                unnest(3, 1)
            ))
            .await?;
        tx.execute(&st, &cols.params()).await?;
    }
    Ok(())
}

async fn write_sessions(tx: &Tx<'_>, r: &mut Rollups) -> Result<(), StoreError> {
    let (mut rows, mut gone) = (Cols::new(2, 9), Cols::new(2, 0));
    for ((project, session), d) in sorted(&mut r.sessions) {
        if d.is_noop() {
            continue;
        }
        let mut ints = d.ints.to_vec();
        ints.push(d.first);
        ints.push(d.last);
        rows.row(&[&project, &session], &ints);
        if d.removed {
            gone.row(&[&project, &session], &[]);
        }
    }
    if !rows.is_empty() {
        let st = tx
            .prepare_cached(&format!(
                "INSERT INTO llm_sessions AS r (project_id, session_id, traces, error_traces,
                     input_tokens, output_tokens, unpriced_spans, cost_count, cost_micros,
                     first_at, last_at)
                 SELECT * FROM {}
                 ON CONFLICT (project_id, session_id) DO UPDATE SET
                     traces = r.traces + excluded.traces,
                     error_traces = r.error_traces + excluded.error_traces,
                     input_tokens = r.input_tokens + excluded.input_tokens,
                     output_tokens = r.output_tokens + excluded.output_tokens,
                     unpriced_spans = r.unpriced_spans + excluded.unpriced_spans,
                     cost_count = r.cost_count + excluded.cost_count,
                     cost_micros = r.cost_micros + excluded.cost_micros,
                     first_at = least(r.first_at, excluded.first_at),
                     last_at = greatest(r.last_at, excluded.last_at)",
                unnest(2, 9)
            ))
            .await?;
        tx.execute(&st, &rows.params()).await?;
    }
    let session_keys = ["project_id", "session_id"];
    delete_emptied(tx, "llm_sessions", &session_keys, 2, &gone, "traces").await?;
    // A session that lost the trace holding its first start or last end reads it again.
    let mut lost = Cols::new(2, 2);
    for ((project, session), (first, last)) in sorted(&mut r.sessions_lost) {
        lost.row(&[&project, &session], &[first, last]);
    }
    if !lost.is_empty() {
        let st = tx
            .prepare_cached(&format!(
                "UPDATE llm_sessions r SET
                     first_at = CASE WHEN r.first_at >= g.f THEN coalesce((SELECT min(started_at)
                         FROM llm_traces t WHERE t.project_id = g.p AND t.session_id = g.s),
                         r.first_at) ELSE r.first_at END,
                     last_at = CASE WHEN r.last_at <= g.l THEN coalesce((SELECT
                         max(coalesce(ended_at, started_at)) FROM llm_traces t
                         WHERE t.project_id = g.p AND t.session_id = g.s), r.last_at)
                         ELSE r.last_at END
                 FROM {} AS g(p, s, f, l)
                 WHERE r.project_id = g.p AND r.session_id = g.s",
                unnest(2, 2)
            ))
            .await?;
        tx.execute(&st, &lost.params()).await?;
    }
    let (mut rows, mut gone) = (Cols::new(3, 1), Cols::new(3, 0));
    for ((project, session, user), n) in sorted(&mut r.session_users) {
        if n != 0 {
            rows.row(&[&project, &session, &user], &[n]);
        }
        if n < 0 {
            gone.row(&[&project, &session, &user], &[]);
        }
    }
    add_rows(
        tx,
        "llm_session_users",
        &["project_id", "session_id", "user_id"],
        &[],
        &["traces"],
        &rows,
        &gone,
        "traces",
    )
    .await
}

async fn write_users(tx: &Tx<'_>, r: &mut Rollups) -> Result<(), StoreError> {
    let (mut rows, mut gone) = (Cols::new(2, 5), Cols::new(2, 1));
    for ((project, day, user), v) in sorted(&mut r.users) {
        if v == [0; 4] {
            continue;
        }
        rows.row(&[&project, &user], &[day, v[0], v[1], v[2], v[3]]);
        if v[0] < 0 {
            gone.row(&[&project, &user], &[day]);
        }
    }
    add_rows(
        tx,
        "llm_user_daily",
        &["project_id", "user_id"],
        &["day"],
        &["traces", "cost_count", "cost_micros", "tokens"],
        &rows,
        &gone,
        "traces",
    )
    .await
}

/// An error span to be filed later as an error event (see `pipeline::llm_errors`).
pub struct QueuedFailure<'a> {
    pub span_id: &'a str,
    pub error_type: &'a str,
    pub http_status: Option<u16>,
    pub environment: &'a str,
    pub release: &'a str,
}

/// Queues a trace's error spans (in the trace's transaction); a span queued before (the trace
/// was sent again) keeps its place.
pub async fn queue_failures(
    tx: &Tx<'_>,
    project: &str,
    trace_id: &str,
    failures: &[QueuedFailure<'_>],
    due_at: i64,
) -> Result<(), StoreError> {
    let st = tx
        .prepare_cached(
            "INSERT INTO llm_error_spans (project_id, trace_id, span_id, due_at, error_type,
                 http_status, environment, release)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (project_id, trace_id, span_id) DO NOTHING",
        )
        .await?;
    for f in failures {
        let status = f.http_status.map(i64::from);
        tx.execute(
            &st,
            &[
                &project,
                &trace_id,
                &f.span_id,
                &due_at,
                &f.error_type,
                &status,
                &f.environment,
                &f.release,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Whether trace `id` of `project` is stored.
pub async fn trace_exists(pg: &super::Pg, project: &str, id: &str) -> Result<bool, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM llm_traces WHERE project_id = $1 AND id = $2)",
        )
        .await?;
    Ok(c.query_one(&st, &[&project, &id]).await?.get(0))
}

/// A due error span as stored, with what decides whether it is filed.
pub struct DueSpan {
    pub project: String,
    pub trace: String,
    pub span: String,
    /// The span's status now (`None`: the trace or span is gone).
    pub status: Option<String>,
    pub name: Option<String>,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub error: Option<String>,
    pub started_at: Option<i64>,
    pub error_type: String,
    pub http_status: Option<u16>,
    pub environment: String,
    pub release: String,
    /// An error event named the trace (the client reported the failure itself).
    pub reported: bool,
    /// The project files LLM errors as issues (`llm_settings.errors_as_issues`, default on).
    pub on: bool,
}

/// Takes up to `limit` error spans due at `now` for this transaction: rows another node's
/// filer holds are skipped, so each span is filed by one node, once (the caller marks them
/// done in the same transaction with [`mark_done`]).
pub async fn take_due(tx: &Tx<'_>, now: i64, limit: i64) -> Result<Vec<DueSpan>, StoreError> {
    let st = tx
        .prepare_cached(
            "WITH due AS (
                 SELECT project_id, trace_id, span_id, due_at, error_type, http_status,
                        environment, release
                 FROM llm_error_spans WHERE NOT done AND due_at <= $1
                 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
             SELECT e.project_id, e.trace_id, e.span_id, sp.status, sp.name, sp.model,
                    sp.provider, sp.error_message, sp.started_at, e.error_type, e.http_status,
                    e.environment, e.release,
                    EXISTS (SELECT 1 FROM llm_reported_traces r
                            WHERE r.project_id = e.project_id AND r.trace_id = e.trace_id),
                    coalesce((SELECT errors_as_issues FROM llm_settings s
                              WHERE s.project_id = e.project_id), true)
             FROM due e
             LEFT JOIN llm_traces t ON t.project_id = e.project_id AND t.id = e.trace_id
             LEFT JOIN llm_spans sp ON sp.trace_pk = t.pk AND sp.id = e.span_id
             ORDER BY e.due_at, e.project_id, e.trace_id, e.span_id",
        )
        .await?;
    Ok(tx
        .query(&st, &[&now, &limit])
        .await?
        .iter()
        .map(|r| DueSpan {
            project: r.get(0),
            trace: r.get(1),
            span: r.get(2),
            status: r.get(3),
            name: r.get(4),
            model: r.get(5),
            provider: r.get(6),
            error: r.get(7),
            started_at: r.get(8),
            error_type: r.get(9),
            http_status: r
                .get::<_, Option<i64>>(10)
                .and_then(|s| u16::try_from(s).ok()),
            environment: r.get(11),
            release: r.get(12),
            reported: r.get(13),
            on: r.get(14),
        })
        .collect())
}

/// Marks the spans taken by [`take_due`] handled.
pub async fn mark_done(tx: &Tx<'_>, spans: &[DueSpan]) -> Result<(), StoreError> {
    let mut cols = Cols::new(3, 0);
    for d in spans {
        cols.row(&[&d.project, &d.trace, &d.span], &[]);
    }
    if cols.is_empty() {
        return Ok(());
    }
    let st = tx
        .prepare_cached(&format!(
            "UPDATE llm_error_spans SET done = true
             WHERE (project_id, trace_id, span_id) IN (SELECT * FROM {})",
            unnest(3, 0)
        ))
        .await?;
    tx.execute(&st, &cols.params()).await?;
    Ok(())
}

/// Error events that name a trace, by issue: each links its issue to the trace (counting the
/// events), and `reported` ones (not filed by bloop itself) mark the trace's failures as
/// already reported. `links` are (issue id, project, trace id, received at, reported).
pub async fn note_traces(
    tx: &Tx<'_>,
    links: &[(i64, &str, String, i64, bool)],
) -> Result<(), StoreError> {
    if links.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<&(i64, &str, String, i64, bool)> = links.iter().collect();
    sorted.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
    let link = tx
        .prepare_cached(
            "INSERT INTO issue_traces AS l (issue_id, project_id, trace_id, first_seen, events)
             VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (issue_id, trace_id) DO UPDATE SET events = l.events + 1",
        )
        .await?;
    let reported = tx
        .prepare_cached(
            "INSERT INTO llm_reported_traces (project_id, trace_id, reported_at)
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .await?;
    for (issue, project, trace, at, was_reported) in sorted {
        tx.execute(&link, &[issue, project, trace, at]).await?;
        if *was_reported {
            tx.execute(&reported, &[project, trace, at]).await?;
        }
    }
    Ok(())
}

/// Traces pruned per transaction.
const PRUNE_CHUNK: i64 = 2_000;

/// Removes `project`'s LLM traces received before `cutoff`, a chunk per transaction (spans,
/// scores, feedback and search rows follow by foreign key), taking them out of their sessions
/// first; then what filing errors remembered of them and the issue links whose trace is gone.
/// The hourly rollups stay (they follow `retention.hourly_counts_days`). Answers the traces
/// removed, or with `dry_run` those that would be.
pub async fn prune_traces(
    pg: &super::Pg,
    project: &str,
    cutoff: i64,
    dry_run: bool,
) -> Result<i64, StoreError> {
    let mut c = pg.client().await?;
    if dry_run {
        let st = c
            .prepare_cached(
                "SELECT count(*) FROM llm_traces WHERE project_id = $1 AND received_at < $2",
            )
            .await?;
        return Ok(c.query_one(&st, &[&project, &cutoff]).await?.get(0));
    }
    let mut total = 0;
    loop {
        let tx = c.transaction().await?;
        let st = tx
            .prepare_cached(
                "SELECT pk FROM llm_traces WHERE project_id = $1 AND received_at < $2
                 ORDER BY received_at LIMIT $3 FOR UPDATE SKIP LOCKED",
            )
            .await?;
        let pks: Vec<i64> = tx
            .query(&st, &[&project, &cutoff, &PRUNE_CHUNK])
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut rollups = Rollups::default();
        for pk in &pks {
            rollups.prune(project, &sums(&tx, *pk).await?);
        }
        let st = tx
            .prepare_cached("DELETE FROM llm_traces WHERE pk = ANY($1)")
            .await?;
        let n = tx.execute(&st, &[&pks]).await? as i64;
        write_rollups(&tx, &mut rollups).await?;
        tx.commit().await?;
        total += n;
        if (pks.len() as i64) < PRUNE_CHUNK {
            break;
        }
    }
    c.execute(
        "DELETE FROM llm_error_spans WHERE project_id = $1 AND done AND due_at < $2",
        &[&project, &cutoff],
    )
    .await?;
    c.execute(
        "DELETE FROM llm_reported_traces WHERE project_id = $1 AND reported_at < $2",
        &[&project, &cutoff],
    )
    .await?;
    c.execute(
        "DELETE FROM issue_traces l WHERE l.project_id = $1 AND l.first_seen < $2
           AND NOT EXISTS (SELECT 1 FROM llm_traces t
                           WHERE t.project_id = l.project_id AND t.id = l.trace_id)",
        &[&project, &cutoff],
    )
    .await?;
    Ok(total)
}

/// Removes the LLM rollup rows older than `horizon` (hours; a day when all of it is past).
pub async fn prune_rollups(pg: &super::Pg, horizon: i64) -> Result<(), StoreError> {
    let c = pg.client().await?;
    for table in [
        "llm_usage_hourly",
        "llm_latency_hourly",
        "llm_prompt_hourly",
        "llm_tool_hourly",
        "llm_tool_latency_hourly",
    ] {
        c.execute(&format!("DELETE FROM {table} WHERE hour < $1"), &[&horizon])
            .await?;
    }
    for table in ["llm_latency_daily", "llm_user_daily"] {
        c.execute(
            &format!("DELETE FROM {table} WHERE day + 86400000 <= $1"),
            &[&horizon],
        )
        .await?;
    }
    Ok(())
}
