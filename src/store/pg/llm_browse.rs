//! The queries of `store::llm_browse` on PostgreSQL: traces (list, search, one with its span
//! tree), sessions, scores and feedback, and the traces an export covers. Same parameters, same
//! checks (shared with SQLite: parameter and body validation, paging, the span tree, the
//! summaries, the export documents), same answers; only the SQL is PostgreSQL's.
//!
//! Search reads `llm_search` (a `tsvector` per trace, 'simple' configuration, GIN-indexed):
//! every word of the user's text must match, each word as a phrase of the tokens it holds
//! (`phraseto_tsquery`), so no character of the text is query syntax.
//!
//! Text orders that show (projects in a conflict, sessions, score names, spans that start
//! together) compare bytes (`COLLATE "C"`), as SQLite does, whatever the database's collation.

use deadpool_postgres::GenericClient;
use serde_json::Value;
use tokio_postgres::Row;

use super::args::Args;
use super::llm::{json, page, Answer, Call};
use super::Pg;
use crate::server::routes::RouteId;
use crate::store::llm_browse::{
    self as lite, feedback_summary_of, latency, parse_json, search_words, the_one, ExportTrace,
    Feedback, FeedbackPoint, FeedbackSeries, FeedbackSummary, Score, ScoreBin, ScoreSummary,
    SessionDetail, SessionRow, SessionTotals, SpanRow, TraceDetail, TraceQuery, TraceRow,
    TraceWithContent, FEEDBACK_COLS, FEEDBACK_FROM, SCORE_SELECT, SEARCH_PARAMS, SESSION_COLS,
    SESSION_TRACES, SPAN_COLS, TRACE_COLS, TRACE_FILTERS,
};
use crate::store::llm_query::{invalid, LlmParams};
use crate::store::{now_ms, StoreError};

type Client = deadpool_postgres::Object;

/// ` AND {col} = ANY($n)` for the projects `p` may read (nothing for every project). One
/// project is compared with `=`: PostgreSQL then reads a `(project_id, …)` index in its order
/// (a newest-first page from `llm_traces_recent` in a few rows, not a sort of the window).
fn scope(p: &LlmParams, col: &str, a: &mut Args) -> String {
    match p.projects.as_deref() {
        None => String::new(),
        Some([one]) => format!(" AND {col} = {}", a.push(one.clone())),
        Some(ps) => format!(" AND {col} = ANY({})", a.push(ps.to_vec())),
    }
}

/// [`scope`] for a lookup by `(project_id, id)`: every project is enumerated, so that the key
/// serves each (a trace id alone has no index: 3 ms against 50 ms at 200,000 traces).
fn key_scope(p: &LlmParams, col: &str, a: &mut Args) -> String {
    match p.projects {
        None => format!(" AND {col} IN (SELECT id FROM projects)"),
        Some(_) => scope(p, col, a),
    }
}

/// A [`TraceRow`] from [`TRACE_COLS`] (its first 19 columns).
fn trace_row(r: &Row) -> Result<TraceRow, StoreError> {
    let started_at: i64 = r.try_get(9)?;
    let ended_at: Option<i64> = r.try_get(10)?;
    Ok(TraceRow {
        id: r.try_get(0)?,
        project_id: r.try_get(1)?,
        name: r.try_get(2)?,
        status: r.try_get(3)?,
        session_id: r.try_get(4)?,
        user_id: r.try_get(5)?,
        model: r.try_get(6)?,
        prompt_name: r.try_get(7)?,
        prompt_version: r.try_get(8)?,
        started_at,
        ended_at,
        latency_ms: latency(started_at, ended_at),
        span_count: r.try_get(11)?,
        error_spans: r.try_get(12)?,
        input_tokens: r.try_get(13)?,
        output_tokens: r.try_get(14)?,
        cache_read_tokens: r.try_get(15)?,
        cache_write_tokens: r.try_get(16)?,
        cost_micros: r.try_get(17)?,
        unpriced_spans: r.try_get(18)?,
    })
}

fn rows<T>(rs: Vec<Row>, f: impl Fn(&Row) -> Result<T, StoreError>) -> Result<Vec<T>, StoreError> {
    rs.iter().map(f).collect()
}

// ---------------------------------------------------------------------------------------------
// Traces

/// `GET /v1/llm/traces` (see [`lite::traces`]).
pub async fn traces(pg: Pg, p: LlmParams) -> Result<(Vec<TraceRow>, i64), StoreError> {
    p.only(TRACE_FILTERS)?;
    let words = p.str("q").map(|q| search_words(q, "q")).transpose()?;
    list_traces(&pg, &p, words).await
}

/// `GET /v1/llm/search` (see [`lite::search`]).
pub async fn search(pg: Pg, p: LlmParams) -> Result<(Vec<TraceRow>, i64), StoreError> {
    p.only(SEARCH_PARAMS)?;
    let words = search_words(p.required("q")?, "q")?;
    list_traces(&pg, &p, Some(words)).await
}

async fn list_traces(
    pg: &Pg,
    p: &LlmParams,
    words: Option<Vec<String>>,
) -> Result<(Vec<TraceRow>, i64), StoreError> {
    let tq = TraceQuery::of(p)?;
    let mut a = Args::new();
    let mut sql = format!(
        "t.started_at >= {} AND t.started_at < {}",
        a.push(tq.window.since),
        a.push(tq.window.until)
    );
    sql.push_str(&scope(p, "t.project_id", &mut a));
    for (col, v) in tq.equal() {
        if let Some(v) = v {
            sql.push_str(&format!(" AND {col} = {}", a.push(v.to_string())));
        }
    }
    if let Some(m) = tq.model {
        sql.push_str(&format!(
            " AND t.pk IN (SELECT s.trace_pk FROM llm_spans s WHERE s.model = {})",
            a.push(m.to_string())
        ));
    }
    if let Some(c) = tq.min_cost {
        sql.push_str(&format!(" AND t.cost_micros >= {}", a.push(c)));
    }
    if let Some(ms) = tq.min_latency {
        sql.push_str(&format!(
            " AND t.ended_at IS NOT NULL AND t.ended_at - t.started_at >= {}",
            a.push(ms)
        ));
    }
    if let Some(e) = tq.error_sql() {
        sql.push_str(e);
    }
    if let Some(words) = words {
        // One phrase per word, all ANDed: the text is only ever a value, never syntax. A word
        // of which the parser keeps nothing (`½`) matches nothing, as every word must match
        // (`&&` alone would drop it).
        let query: Vec<String> = words
            .into_iter()
            .map(|w| format!("phraseto_tsquery('simple', {})", a.push(w)))
            .collect();
        let each: Vec<String> = query.iter().map(|q| format!("numnode({q}) > 0")).collect();
        sql.push_str(&format!(
            " AND t.pk IN (SELECT x.trace_pk FROM llm_search x WHERE x.body @@ ({}) AND {})",
            query.join(" && "),
            each.join(" AND ")
        ));
    }
    let c = pg.client().await?;
    let total: i64 = c
        .query_one(
            &format!("SELECT count(*) FROM llm_traces t WHERE {sql}"),
            &a.refs(),
        )
        .await?
        .try_get(0)?;
    // As on SQLite: unpriced (unfinished) traces after the rest.
    let order = match tq.sort {
        "oldest" => "t.started_at ASC, t.pk ASC",
        "cost" => "t.cost_micros DESC NULLS LAST, t.started_at DESC, t.pk DESC",
        "latency" => "(t.ended_at - t.started_at) DESC NULLS LAST, t.started_at DESC, t.pk DESC",
        _ => "t.started_at DESC, t.pk DESC",
    };
    let sql = format!(
        "SELECT {TRACE_COLS} FROM llm_traces t WHERE {sql} ORDER BY {order} LIMIT {} OFFSET {}",
        a.push(i64::from(tq.limit)),
        a.push(i64::from(tq.offset))
    );
    let found = rows(c.query(&sql, &a.refs()).await?, trace_row)?;
    Ok((found, total))
}

/// Trace `id` among the projects `p` reads: its pk (several → 409, none → 404).
async fn find_trace(c: &impl GenericClient, p: &LlmParams, id: &str) -> Result<i64, StoreError> {
    let mut a = Args::new();
    let sql = format!(
        "SELECT t.pk, t.project_id FROM llm_traces t WHERE t.id = {}{}
         ORDER BY t.project_id COLLATE \"C\" LIMIT 5",
        a.push(id.to_string()),
        key_scope(p, "t.project_id", &mut a)
    );
    let found = c
        .query(&sql, &a.refs())
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<_, i64>(0)?, r.try_get::<_, String>(1)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(the_one(found, "trace", id)?.0)
}

/// `GET /v1/llm/traces/{id}`: the trace with its content, span tree, scores and feedback, read
/// in one snapshot.
pub async fn trace(pg: Pg, p: LlmParams, id: String) -> Result<TraceDetail, StoreError> {
    p.only(&[])?;
    let mut c = pg.client().await?;
    let tx = snapshot(&mut c).await?;
    let pk = find_trace(&tx, &p, &id).await?;
    let (trace, input, output, metadata) = traces_by_pk(&tx, &[pk])
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("no LLM trace `{id}`")))?;
    let spans = spans_of(&tx, &[pk]).await?.pop().unwrap_or_default();
    let scores = scores_by_pk(&tx, pk).await?;
    let feedback = feedback_by_pk(&tx, pk).await?;
    tx.commit().await?;
    Ok(TraceDetail {
        trace,
        input,
        output,
        metadata,
        spans: lite::tree(spans),
        scores,
        feedback,
    })
}

/// A read-only transaction that sees one snapshot of the database (a trace and its spans as
/// one write left them).
async fn snapshot(c: &mut Client) -> Result<deadpool_postgres::Transaction<'_>, StoreError> {
    Ok(c.build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

/// The traces `pks` with their content, in the order of `pks` (a pk not found is left out).
async fn traces_by_pk(
    c: &impl GenericClient,
    pks: &[i64],
) -> Result<Vec<TraceWithContent>, StoreError> {
    let st = c
        .prepare_cached(&format!(
            "SELECT {TRACE_COLS}, t.input, t.output, t.metadata, t.pk FROM llm_traces t
             WHERE t.pk = ANY($1)"
        ))
        .await?;
    let mut found = c
        .query(&st, &[&pks])
        .await?
        .iter()
        .map(|r| {
            let pk: i64 = r.try_get(22)?;
            let row = (
                trace_row(r)?,
                r.try_get(19)?,
                r.try_get(20)?,
                parse_json(r.try_get(21)?),
            );
            Ok((pk, row))
        })
        .collect::<Result<std::collections::HashMap<i64, TraceWithContent>, StoreError>>()?;
    Ok(pks.iter().filter_map(|pk| found.remove(pk)).collect())
}

fn span_row(r: &Row) -> Result<SpanRow, StoreError> {
    Ok(SpanRow {
        id: r.try_get(0)?,
        parent_span_id: r.try_get(1)?,
        span_type: r.try_get(2)?,
        name: r.try_get(3)?,
        model: r.try_get(4)?,
        provider: r.try_get(5)?,
        input_tokens: r.try_get(6)?,
        output_tokens: r.try_get(7)?,
        cache_read_tokens: r.try_get(8)?,
        cache_write_tokens: r.try_get(9)?,
        input_includes_cache: r.try_get(10)?,
        cost_micros: r.try_get(11)?,
        cost_source: r.try_get(12)?,
        latency_ms: r.try_get(13)?,
        ttft_ms: r.try_get(14)?,
        status: r.try_get(15)?,
        error_message: r.try_get(16)?,
        input: r.try_get(17)?,
        output: r.try_get(18)?,
        metadata: parse_json(r.try_get(19)?),
        started_at: r.try_get(20)?,
        ended_at: r.try_get(21)?,
    })
}

/// The spans of each trace of `pks` (in that order), each trace's in start order.
async fn spans_of(c: &impl GenericClient, pks: &[i64]) -> Result<Vec<Vec<SpanRow>>, StoreError> {
    let st = c
        .prepare_cached(&format!(
            "SELECT {SPAN_COLS}, trace_pk FROM llm_spans WHERE trace_pk = ANY($1)
             ORDER BY trace_pk, started_at, id COLLATE \"C\""
        ))
        .await?;
    let mut by_pk: std::collections::HashMap<i64, Vec<SpanRow>> = Default::default();
    for r in c.query(&st, &[&pks]).await? {
        let pk: i64 = r.try_get(22)?;
        by_pk.entry(pk).or_default().push(span_row(&r)?);
    }
    Ok(pks
        .iter()
        .map(|pk| by_pk.remove(pk).unwrap_or_default())
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Sessions

fn session_totals(r: &Row, at: usize) -> Result<SessionTotals, StoreError> {
    Ok(SessionTotals {
        traces: r.try_get(at)?,
        users: r.try_get(at + 1)?,
        first_at: r.try_get(at + 2)?,
        last_at: r.try_get(at + 3)?,
        input_tokens: r.try_get(at + 4)?,
        output_tokens: r.try_get(at + 5)?,
        cost_micros: r.try_get(at + 6)?,
        unpriced_spans: r.try_get(at + 7)?,
        error_traces: r.try_get(at + 8)?,
    })
}

/// `GET /v1/llm/sessions` (see [`lite::sessions`]).
pub async fn sessions(pg: Pg, p: LlmParams) -> Result<(Vec<SessionRow>, i64), StoreError> {
    p.only(&["since", "until", "user", "limit", "offset"])?;
    let w = p.window(7 * crate::store::llm_query::DAY_MS)?;
    let (limit, offset) = lite::page(&p)?;
    let mut a = Args::new();
    let mut sql = format!(
        "FROM llm_sessions s WHERE s.last_at >= {} AND s.first_at < {}",
        a.push(w.since),
        a.push(w.until)
    );
    sql.push_str(&scope(&p, "s.project_id", &mut a));
    if let Some(u) = p.str("user") {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM llm_session_users u WHERE u.project_id = s.project_id
                 AND u.session_id = s.session_id AND u.user_id = {})",
            a.push(u.to_string())
        ));
    }
    let c = pg.client().await?;
    let total: i64 = c
        .query_one(&format!("SELECT count(*) {sql}"), &a.refs())
        .await?
        .try_get(0)?;
    // The page first, then its totals (the users count is a lookup per row).
    let sql = format!(
        "WITH pg AS (SELECT s.project_id, s.session_id, s.last_at {sql}
             ORDER BY s.last_at DESC, s.project_id COLLATE \"C\", s.session_id COLLATE \"C\"
             LIMIT {} OFFSET {})
         SELECT s.session_id, s.project_id, {SESSION_COLS}
         FROM pg JOIN llm_sessions s
             ON s.project_id = pg.project_id AND s.session_id = pg.session_id
         ORDER BY pg.last_at DESC, pg.project_id COLLATE \"C\", pg.session_id COLLATE \"C\"",
        a.push(i64::from(limit)),
        a.push(i64::from(offset))
    );
    let found = rows(c.query(&sql, &a.refs()).await?, |r| {
        Ok(SessionRow {
            session_id: r.try_get(0)?,
            project_id: r.try_get(1)?,
            totals: session_totals(r, 2)?,
        })
    })?;
    Ok((found, total))
}

/// `GET /v1/llm/sessions/{id}` (see [`lite::session`]).
pub async fn session(pg: Pg, p: LlmParams, id: String) -> Result<SessionDetail, StoreError> {
    p.only(&[])?;
    let mut c = pg.client().await?;
    let tx = snapshot(&mut c).await?;
    let mut a = Args::new();
    let sql = format!(
        "SELECT s.project_id, {SESSION_COLS} FROM llm_sessions s WHERE s.session_id = {}{}
         ORDER BY s.project_id COLLATE \"C\" LIMIT 5",
        a.push(id.clone()),
        key_scope(&p, "s.project_id", &mut a)
    );
    let found = tx
        .query(&sql, &a.refs())
        .await?
        .iter()
        .map(|r| Ok((session_totals(r, 1)?, r.try_get::<_, String>(0)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let (totals, project) = the_one(found, "session", &id)?;
    let st = tx
        .prepare_cached(&format!(
            "SELECT {TRACE_COLS} FROM llm_traces t WHERE t.project_id = $1 AND t.session_id = $2
             ORDER BY t.started_at, t.pk LIMIT $3"
        ))
        .await?;
    let traces = rows(
        tx.query(&st, &[&project, &id, &SESSION_TRACES]).await?,
        trace_row,
    )?;
    tx.commit().await?;
    Ok(SessionDetail {
        session_id: id,
        project_id: project,
        totals,
        traces,
    })
}

// ---------------------------------------------------------------------------------------------
// Scores and feedback

fn score_row(r: &Row) -> Result<Score, StoreError> {
    Ok(Score {
        id: r.try_get(0)?,
        trace_id: r.try_get(1)?,
        project_id: r.try_get(2)?,
        name: r.try_get(3)?,
        value: r.try_get(4)?,
        comment: r.try_get(5)?,
        created_at: r.try_get(6)?,
    })
}

fn feedback_row(r: &Row) -> Result<Feedback, StoreError> {
    Ok(Feedback {
        id: r.try_get(0)?,
        trace_id: r.try_get(1)?,
        project_id: r.try_get(2)?,
        rating: r.try_get(3)?,
        comment: r.try_get(4)?,
        user_id: r.try_get(5)?,
        created_at: r.try_get(6)?,
    })
}

async fn scores_by_pk(c: &impl GenericClient, pk: i64) -> Result<Vec<Score>, StoreError> {
    let st = c
        .prepare_cached(&format!(
            "{SCORE_SELECT} WHERE s.trace_pk = $1 ORDER BY s.created_at, s.id"
        ))
        .await?;
    rows(c.query(&st, &[&pk]).await?, score_row)
}

async fn feedback_by_pk(c: &impl GenericClient, pk: i64) -> Result<Vec<Feedback>, StoreError> {
    let st = c
        .prepare_cached(&format!(
            "SELECT {FEEDBACK_COLS} {FEEDBACK_FROM}
             WHERE f.trace_pk = $1 ORDER BY f.created_at, f.id"
        ))
        .await?;
    rows(c.query(&st, &[&pk]).await?, feedback_row)
}

/// `GET /v1/llm/traces/{id}/scores`.
pub async fn scores(pg: Pg, p: LlmParams, trace_id: String) -> Result<Vec<Score>, StoreError> {
    p.only(&[])?;
    let c = pg.client().await?;
    let pk = find_trace(&c, &p, &trace_id).await?;
    scores_by_pk(&c, pk).await
}

/// `POST /v1/llm/traces/{id}/scores` with a [`crate::store::llm_browse::NewScore`] body.
pub async fn add_score(
    pg: Pg,
    p: LlmParams,
    trace_id: String,
    body: Value,
) -> Result<Score, StoreError> {
    p.only(&[])?;
    let (name, value, comment) = lite::new_score(&body)?;
    let c = pg.client().await?;
    let pk = find_trace(&c, &p, &trace_id).await?;
    let st = c
        .prepare_cached(
            "INSERT INTO llm_scores (trace_pk, name, value, comment, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .await?;
    let id: i64 = c
        .query_one(&st, &[&pk, &name, &value, &comment, &now_ms()])
        .await?
        .try_get(0)?;
    let st = c
        .prepare_cached(&format!("{SCORE_SELECT} WHERE s.id = $1"))
        .await?;
    score_row(&c.query_one(&st, &[&id]).await?)
}

/// `POST /v1/llm/traces/{id}/feedback` with a [`crate::store::llm_browse::NewFeedback`] body.
pub async fn add_feedback(
    pg: Pg,
    p: LlmParams,
    trace_id: String,
    body: Value,
) -> Result<Feedback, StoreError> {
    p.only(&[])?;
    let (rating, comment, user_id) = lite::new_feedback(&body)?;
    let c = pg.client().await?;
    let pk = find_trace(&c, &p, &trace_id).await?;
    let st = c
        .prepare_cached(
            "INSERT INTO llm_feedback (trace_pk, rating, comment, user_id, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .await?;
    let id: i64 = c
        .query_one(&st, &[&pk, &rating, &comment, &user_id, &now_ms()])
        .await?
        .try_get(0)?;
    let st = c
        .prepare_cached(&format!(
            "SELECT {FEEDBACK_COLS} {FEEDBACK_FROM} WHERE f.id = $1"
        ))
        .await?;
    feedback_row(&c.query_one(&st, &[&id]).await?)
}

/// `GET /v1/llm/scores` (see [`lite::score_summary`]).
pub async fn score_summary(pg: Pg, p: LlmParams) -> Result<Vec<ScoreSummary>, StoreError> {
    let w = lite::score_window(&p)?;
    let mut a = Args::new();
    // `floor`: SQLite's CAST to an integer truncates, PostgreSQL's rounds (values are ≥ 0).
    let mut sql = format!(
        "SELECT s.name, least(floor(s.value * 10)::bigint, 9), count(*), sum(s.value),
                min(s.value), max(s.value)
         FROM llm_scores s JOIN llm_traces t ON t.pk = s.trace_pk
         WHERE s.created_at >= {} AND s.created_at < {}",
        a.push(w.since),
        a.push(w.until)
    );
    sql.push_str(&scope(&p, "t.project_id", &mut a));
    if let Some(n) = p.str("name") {
        sql.push_str(&format!(" AND s.name = {}", a.push(n.to_string())));
    }
    sql.push_str(" GROUP BY s.name, 2 ORDER BY s.name COLLATE \"C\", 2");
    let c = pg.client().await?;
    let bins = rows(c.query(&sql, &a.refs()).await?, |r| {
        Ok(ScoreBin {
            name: r.try_get(0)?,
            bin: r.try_get(1)?,
            count: r.try_get(2)?,
            sum: r.try_get(3)?,
            min: r.try_get(4)?,
            max: r.try_get(5)?,
        })
    })?;
    Ok(lite::summarise_scores(bins))
}

/// Feedback per bucket over `[since, until)` beside the traces started in it (see
/// [`lite::feedback_series`]).
pub async fn feedback_series(
    pg: Pg,
    p: LlmParams,
    since: i64,
    until: i64,
    bucket_ms: i64,
) -> Result<Vec<FeedbackPoint>, StoreError> {
    let mut series = FeedbackSeries::new(since, until, bucket_ms);
    let c = pg.client().await?;
    let mut a = Args::new();
    let sql = format!(
        "SELECT f.created_at, f.rating {FEEDBACK_FROM} WHERE f.created_at >= {} AND f.created_at < {}{}",
        a.push(since),
        a.push(until),
        scope(&p, "t.project_id", &mut a)
    );
    for r in c.query(&sql, &a.refs()).await? {
        series.feedback(r.try_get(0)?, r.try_get(1)?);
    }
    let mut a = Args::new();
    let sql = format!(
        "SELECT hour, sum(traces)::bigint FROM llm_prompt_hourly WHERE hour >= {} AND hour < {}{}
         GROUP BY hour",
        a.push(series.start),
        a.push(until),
        scope(&p, "project_id", &mut a)
    );
    for r in c.query(&sql, &a.refs()).await? {
        series.traces(r.try_get(0)?, r.try_get(1)?);
    }
    Ok(series.points)
}

/// `GET /v1/llm/feedback` (see [`lite::feedback_summary`]).
pub async fn feedback_summary(pg: Pg, p: LlmParams) -> Result<FeedbackSummary, StoreError> {
    let w = lite::feedback_window(&p)?;
    let mut a = Args::new();
    let filter = format!(
        "{FEEDBACK_FROM} WHERE f.created_at >= {} AND f.created_at < {}{}",
        a.push(w.since),
        a.push(w.until),
        scope(&p, "t.project_id", &mut a)
    );
    let c = pg.client().await?;
    let r = c
        .query_one(
            &format!(
                "SELECT count(*) FILTER (WHERE f.rating > 0), count(*) FILTER (WHERE f.rating < 0)
                 {filter}"
            ),
            &a.refs(),
        )
        .await?;
    let (up, down): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
    let recent = rows(
        c.query(
            &format!(
                "SELECT {FEEDBACK_COLS} {filter} ORDER BY f.created_at DESC, f.id DESC LIMIT 20"
            ),
            &a.refs(),
        )
        .await?,
        feedback_row,
    )?;
    Ok(feedback_summary_of(up, down, recent))
}

// ---------------------------------------------------------------------------------------------
// Export

/// The traces `GET /v1/llm/export` covers (see [`lite::export_traces`]), read in one snapshot:
/// the traces, then all their spans at once.
pub async fn export_traces(pg: &Pg, p: &LlmParams) -> Result<Vec<ExportTrace>, StoreError> {
    let (w, limit) = lite::export_params(p)?;
    let mut a = Args::new();
    let mut sql = format!(
        "SELECT t.pk FROM llm_traces t WHERE t.started_at >= {} AND t.started_at < {}{}",
        a.push(w.since),
        a.push(w.until),
        scope(p, "t.project_id", &mut a)
    );
    if let Some(s) = p.str("session") {
        sql.push_str(&format!(" AND t.session_id = {}", a.push(s.to_string())));
    }
    sql.push_str(&format!(
        " ORDER BY t.started_at DESC, t.pk DESC LIMIT {}",
        a.push(i64::from(limit))
    ));
    let mut c = pg.client().await?;
    let tx = snapshot(&mut c).await?;
    let mut pks = tx
        .query(&sql, &a.refs())
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<Vec<i64>, _>>()?;
    pks.reverse();
    let traces = traces_by_pk(&tx, &pks).await?;
    let spans = spans_of(&tx, &pks).await?;
    tx.commit().await?;
    Ok(traces
        .into_iter()
        .zip(spans)
        .map(|((trace, input, output, metadata), spans)| ExportTrace {
            trace,
            input,
            output,
            metadata,
            spans,
        })
        .collect())
}

/// `GET /v1/llm/export`: LangSmith runs or an OTLP/JSON request (see [`lite::export`]).
pub async fn export(pg: Pg, p: LlmParams) -> Result<Value, StoreError> {
    let traces = export_traces(&pg, &p).await?;
    lite::export_document(&p, &traces)
}

// ---------------------------------------------------------------------------------------------
// The CLI's route calls

/// The id in the route's path (a trace or session id).
fn path_id(call: &Call) -> Result<String, StoreError> {
    call.path
        .first()
        .cloned()
        .ok_or_else(|| invalid("id", "the route needs an id"))
}

/// A POST body as the handler reads it: absent is no JSON object.
fn body(call: &mut Call) -> Value {
    call.body.take().unwrap_or(Value::Null)
}

/// The CLI's route calls this module answers (see [`super::llm::call`]); `Err(call)` hands
/// back a route that is not one of them.
pub async fn route(pg: &Pg, mut call: Call) -> Result<Result<Answer, StoreError>, Call> {
    use RouteId as R;
    let pg = pg.clone();
    Ok(match call.id {
        R::LlmTraces => traces(pg, call.params).await.and_then(page),
        R::LlmSearch => search(pg, call.params).await.and_then(page),
        R::LlmSessions => sessions(pg, call.params).await.and_then(page),
        R::LlmScoreSummary => score_summary(pg, call.params).await.and_then(json),
        R::LlmFeedback => feedback_summary(pg, call.params).await.and_then(json),
        R::LlmExport => export(pg, call.params).await.and_then(json),
        R::LlmTrace | R::LlmSession | R::LlmScores | R::LlmAddScore | R::LlmAddFeedback => {
            let id = match path_id(&call) {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            };
            let body = body(&mut call);
            let p = call.params;
            match call.id {
                R::LlmTrace => trace(pg, p, id).await.and_then(json),
                R::LlmSession => session(pg, p, id).await.and_then(json),
                R::LlmScores => scores(pg, p, id).await.and_then(json),
                R::LlmAddScore => add_score(pg, p, id, body).await.and_then(json),
                _ => add_feedback(pg, p, id, body).await.and_then(json),
            }
        }
        _ => return Err(call),
    })
}
