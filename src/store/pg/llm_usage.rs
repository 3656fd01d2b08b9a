//! The queries of `store::llm_usage` on PostgreSQL (same parameters, same answers): overview,
//! usage, latency, models, tools, prompts and their comparison, budgets; and the LLM figures the
//! dashboard reads besides them (`llm_pages::top_users`, `issue_traces`' cost of an issue, its
//! top issues by spend, the issues of a trace).
//!
//! The figures come from the same rollups as on SQLite (see that module's header), with the
//! raw traces and spans for the partial hours at a window's edges where SQLite reads them.
//! Everything but the SQL (parameter checks, histogram percentiles, zero-filled series, the
//! statistics of a comparison, budget forecasts) is SQLite's code, shared. Sums are `numeric`
//! here, so each is cast back to `bigint`; text is ordered `COLLATE "C"`, byte order as SQLite
//! orders it, whatever the database's collation.

use deadpool_postgres::GenericClient;
use serde_json::Value;
use tokio_postgres::Row;

use super::args::Args;
use super::llm::{json, Answer, Call};
use super::Pg;
use crate::server::routes::RouteId;
use crate::store::issue_traces::{
    issue_cost, CostSums, IssueCost, IssueSpend, LinkedTrace, TraceIssue, CLOCK_SLACK_MS,
    RECENT_TRACES, TOP_ISSUES_SCAN,
};
use crate::store::llm_admin::PriceOverrideRow;
use crate::store::llm_pages::{day_split, UserCost};
use crate::store::llm_query::{invalid, LlmParams, Window};
use crate::store::llm_usage::{
    self as lite, Budget, BudgetBody, Comparison, HistogramSums, Histograms, ModelLatency,
    ModelRow, Overview, OverviewSums, PromptRow, PromptSums, ToolRow, ToolSums, Usage,
    UsageFigures, MONTHLY_USD_REQUIRED,
};
use crate::store::{now_ms, StoreError};

/// The rollup's columns summed in [`UsageFigures`] field order (read by [`figures`]).
const FIGURE_SUMS: &str = "coalesce(sum(spans), 0)::bigint, \
    coalesce(sum(input_tokens), 0)::bigint, coalesce(sum(output_tokens), 0)::bigint, \
    coalesce(sum(cache_read_tokens), 0)::bigint, coalesce(sum(cache_write_tokens), 0)::bigint, \
    coalesce(sum(cost_micros), 0)::bigint, coalesce(sum(unpriced), 0)::bigint, \
    coalesce(sum(errors), 0)::bigint";

/// The eight figures from columns `at..at + 8` of `r`.
fn figures(r: &Row, at: usize) -> UsageFigures {
    let mut v = [0; 8];
    for (i, x) in v.iter_mut().enumerate() {
        *x = r.get(at + i);
    }
    UsageFigures::from_sums(v)
}

/// ` AND col …` for the projects read. Reading every project still names them (from
/// `projects`), as on SQLite, so the indexes that lead with `project_id` serve every query.
fn projects_sql(p: &LlmParams, col: &str, args: &mut Args) -> String {
    match &p.projects {
        None => format!(" AND {col} IN (SELECT id FROM projects)"),
        Some(ps) => format!(" AND {col} = ANY({})", args.push(ps.clone())),
    }
}

/// The rows of a statement built at run time (prepared once per connection and text).
async fn query(c: &impl GenericClient, sql: &str, args: &Args) -> Result<Vec<Row>, StoreError> {
    let st = c.prepare_cached(sql).await?;
    Ok(c.query(&st, &args.refs()).await?)
}

async fn query_one(c: &impl GenericClient, sql: &str, args: &Args) -> Result<Row, StoreError> {
    let st = c.prepare_cached(sql).await?;
    Ok(c.query_one(&st, &args.refs()).await?)
}

/// Latency (kind 0) and TTFT (kind 1) histograms per model (or "" for all) over the hours: the
/// whole UTC days from the daily table, the hours around them from the hourly one, summed per
/// bucket here in one statement.
async fn histograms(
    c: &impl GenericClient,
    p: &LlmParams,
    hours: (i64, i64),
    per_model: bool,
    model: Option<&str>,
) -> Result<Histograms, StoreError> {
    let mut args = Args::new();
    let mut parts = Vec::new();
    for (table, col, a, b) in lite::histogram_ranges(hours) {
        let (a, b) = (args.push(a), args.push(b));
        let mut sql = format!(
            "SELECT {} AS model, kind, bucket, count FROM {table}
             WHERE {col} >= {a} AND {col} < {b}",
            if per_model { "model" } else { "''::text" }
        );
        if per_model {
            sql += " AND model <> ''";
        }
        sql += &projects_sql(p, "project_id", &mut args);
        if let Some(m) = model {
            sql += &format!(" AND model = {}", args.push(m.to_string()));
        }
        parts.push(sql);
    }
    let sql = format!(
        "SELECT model, kind, bucket, sum(count)::bigint FROM ({}) h GROUP BY 1, 2, 3",
        parts.join(" UNION ALL ")
    );
    let mut sums = HistogramSums::default();
    for r in query(c, &sql, &args).await? {
        sums.add(r.get(0), r.get(1), r.get(2), r.get(3));
    }
    Ok(sums.finish())
}

/// See [`lite::overview`].
pub async fn overview(pg: Pg, p: LlmParams) -> Result<Overview, StoreError> {
    let window = lite::overview_window(&p)?;
    let (h0, h1) = window.hours();
    let c = pg.client().await?;

    let mut args = Args::new();
    let sql = format!(
        "SELECT coalesce(sum(traces), 0)::bigint, coalesce(sum(error_traces), 0)::bigint
         FROM llm_prompt_hourly WHERE hour >= {} AND hour < {}{}",
        args.push(h0),
        args.push(h1),
        projects_sql(&p, "project_id", &mut args)
    );
    let r = query_one(&c, &sql, &args).await?;
    let (traces, error_traces) = (r.get(0), r.get(1));

    let mut args = Args::new();
    let sql = format!(
        "SELECT {FIGURE_SUMS},
                coalesce(sum(CASE WHEN model <> '' THEN spans ELSE unpriced END), 0)::bigint,
                coalesce(sum(latency_sum), 0)::bigint, coalesce(sum(latency_count), 0)::bigint,
                coalesce(sum(ttft_sum), 0)::bigint, coalesce(sum(ttft_count), 0)::bigint,
                count(DISTINCT NULLIF(model, ''))
         FROM llm_usage_hourly WHERE hour >= {} AND hour < {}{}",
        args.push(h0),
        args.push(h1),
        projects_sql(&p, "project_id", &mut args)
    );
    let r = query_one(&c, &sql, &args).await?;
    let mut more = [0i64; 6];
    for (i, x) in more.iter_mut().enumerate() {
        *x = r.get(8 + i);
    }
    let sums = OverviewSums {
        traces,
        error_traces,
        figures: figures(&r, 0),
        more,
    };

    let hist = histograms(&c, &p, (h0, h1), false, None).await?;
    let budget = match lite::one_project_read(&p) {
        Some(one) => budget_of(&c, one, p.now).await?,
        None => None,
    };
    Ok(lite::overview_answer(window, sums, &hist, budget))
}

/// See [`lite::usage`].
pub async fn usage(pg: Pg, p: LlmParams) -> Result<Usage, StoreError> {
    let plan = lite::usage_plan(&p)?;
    let (h0, h1) = plan.window.hours();
    let mut args = Args::new();
    let step = args.push(plan.step);
    let (a, b) = (args.push(h0), args.push(h1));
    let scope = projects_sql(&p, "project_id", &mut args);
    let key = lite::usage_key(plan.by);
    let sql = if plan.by == "prompt" {
        format!(
            "SELECT {key}, (hour / {step}) * {step}, coalesce(sum(spans), 0)::bigint,
                    coalesce(sum(input_tokens), 0)::bigint,
                    coalesce(sum(output_tokens), 0)::bigint,
                    coalesce(sum(cache_read_tokens), 0)::bigint,
                    coalesce(sum(cache_write_tokens), 0)::bigint,
                    coalesce(sum(cost_micros), 0)::bigint,
                    coalesce(sum(unpriced_spans), 0)::bigint,
                    coalesce(sum(error_spans), 0)::bigint
             FROM llm_prompt_hourly WHERE hour >= {a} AND hour < {b}{scope}
             GROUP BY 1, 2"
        )
    } else {
        format!(
            "SELECT {key}::text, (hour / {step}) * {step}, {FIGURE_SUMS}
             FROM llm_usage_hourly WHERE hour >= {a} AND hour < {b}{scope}
             GROUP BY 1, 2"
        )
    };
    let c = pg.client().await?;
    let rows = query(&c, &sql, &args).await?;
    Ok(lite::usage_answer(
        &plan,
        rows.iter().map(|r| (r.get(0), r.get(1), figures(r, 2))),
    ))
}

/// See [`lite::latency`].
pub async fn latency(pg: Pg, p: LlmParams) -> Result<Vec<ModelLatency>, StoreError> {
    let (window, model) = lite::latency_params(&p)?;
    let (h0, h1) = window.hours();
    let mut args = Args::new();
    let mut sql = format!(
        "SELECT model,
                CASE WHEN count(DISTINCT provider) = 1 THEN NULLIF(max(provider), '') END,
                sum(spans)::bigint, sum(latency_sum)::bigint, sum(latency_count)::bigint,
                sum(ttft_sum)::bigint, sum(ttft_count)::bigint
         FROM llm_usage_hourly WHERE hour >= {} AND hour < {} AND model <> ''{}",
        args.push(h0),
        args.push(h1),
        projects_sql(&p, "project_id", &mut args)
    );
    if let Some(m) = model {
        sql += &format!(" AND model = {}", args.push(m.to_string()));
    }
    sql += r#" GROUP BY model ORDER BY sum(spans) DESC, model COLLATE "C""#;
    let c = pg.client().await?;
    let hist = histograms(&c, &p, (h0, h1), true, model).await?;
    Ok(query(&c, &sql, &args)
        .await?
        .iter()
        .map(|r| {
            let v = [r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)];
            lite::model_latency(r.get(0), r.get(1), v, &hist)
        })
        .collect())
}

/// Every price override (global ones have no project), as the pricer takes them.
async fn price_overrides(
    c: &impl GenericClient,
) -> Result<Vec<crate::llm::pricing::PriceOverride>, StoreError> {
    let st = c
        .prepare_cached(
            "SELECT project_id, model::text, input_mtok, output_mtok, cache_read_mtok,
                    cache_write_mtok, updated_at
             FROM llm_prices ORDER BY project_id, model",
        )
        .await?;
    Ok(c.query(&st, &[])
        .await?
        .iter()
        .map(|r| {
            let project: String = r.get(0);
            PriceOverrideRow {
                project: (!project.is_empty()).then_some(project),
                model: r.get(1),
                input_mtok: r.get(2),
                output_mtok: r.get(3),
                cache_read_mtok: r.get(4),
                cache_write_mtok: r.get(5),
                updated_at: r.get(6),
            }
            .to_override()
        })
        .collect())
}

/// See [`lite::models`].
pub async fn models(pg: Pg, p: LlmParams) -> Result<Vec<ModelRow>, StoreError> {
    let window = lite::models_window(&p)?;
    let (h0, h1) = window.hours();
    let mut args = Args::new();
    let sql = format!(
        r#"SELECT model, provider, {FIGURE_SUMS}, sum(latency_sum)::bigint,
                  sum(latency_count)::bigint
           FROM llm_usage_hourly WHERE hour >= {} AND hour < {} AND model <> ''{}
           GROUP BY model, provider
           ORDER BY sum(cost_micros) DESC, sum(spans) DESC, model COLLATE "C",
                    provider COLLATE "C""#,
        args.push(h0),
        args.push(h1),
        projects_sql(&p, "project_id", &mut args)
    );
    let c = pg.client().await?;
    let overrides = price_overrides(&c).await?;
    Ok(query(&c, &sql, &args)
        .await?
        .iter()
        .map(|r| {
            lite::model_row(
                &overrides,
                &p,
                (r.get(0), r.get(1)),
                figures(r, 2),
                (r.get(10), r.get(11)),
            )
        })
        .collect())
}

/// See [`lite::tools`]: whole hours from the tool rollups (summed here in SQL), the partial
/// hours at the edges from the spans.
pub async fn tools(pg: Pg, p: LlmParams) -> Result<Vec<ToolRow>, StoreError> {
    let plan = lite::tools_plan(&p)?;
    let kind = plan.kind;
    let filter = |args: &mut Args| {
        let mut sql = projects_sql(&p, "project_id", args);
        match kind {
            "tool" | "retrieval" => {
                sql += &format!(" AND span_type = {}", args.push(kind.to_string()));
            }
            "all" => {}
            _ => sql += " AND span_type IN ('tool', 'retrieval')",
        }
        sql
    };
    let c = pg.client().await?;
    let mut acc = ToolSums::default();
    let (hours, edges) = plan.window.split();
    if let Some((h0, h1)) = hours {
        let mut args = Args::new();
        let (a, b) = (args.push(h0), args.push(h1));
        let f = filter(&mut args);
        let sql = format!(
            "SELECT span_type, name, sum(calls)::bigint, sum(errors)::bigint, max(latency_max)
             FROM llm_tool_hourly WHERE hour >= {a} AND hour < {b}{f} GROUP BY 1, 2"
        );
        for r in query(&c, &sql, &args).await? {
            acc.hour((r.get(0), r.get(1)), r.get(2), r.get(3), r.get(4));
        }
        let sql = format!(
            "SELECT span_type, name, bucket, sum(count)::bigint
             FROM llm_tool_latency_hourly WHERE hour >= {a} AND hour < {b}{f} GROUP BY 1, 2, 3"
        );
        for r in query(&c, &sql, &args).await? {
            acc.bucket((r.get(0), r.get(1)), r.get(2), r.get(3));
        }
    }
    // `span_type <> 'generation'` as written lets the partial index llm_spans_type serve.
    for (a, b) in edges {
        let mut args = Args::new();
        let f = filter(&mut args);
        let sql = format!(
            "SELECT span_type, name, status = 'error', latency_ms FROM llm_spans
             WHERE span_type <> 'generation'{f} AND started_at >= {} AND started_at < {}",
            args.push(a),
            args.push(b)
        );
        for r in query(&c, &sql, &args).await? {
            acc.span((r.get(0), r.get(1)), r.get(2), r.get(3));
        }
    }
    Ok(acc.finish(plan.limit))
}

/// [`PromptSums`] per named prompt version over exactly the window: its whole hours from
/// `llm_prompt_hourly`, the partial hours at its edges from the traces. `name` and `version`
/// narrow it to one prompt or one version ('' = traces without a version).
async fn prompt_sums(
    c: &impl GenericClient,
    p: &LlmParams,
    w: &Window,
    name: Option<&str>,
    version: Option<&str>,
) -> Result<Vec<PromptSums>, StoreError> {
    let (hours, edges) = w.split();
    let mut args = Args::new();
    let mut parts: Vec<String> = Vec::new();
    let narrow = |args: &mut Args, version_col: &str| {
        let mut sql = projects_sql(p, "project_id", args);
        if let Some(n) = name {
            sql += &format!(" AND prompt_name = {}", args.push(n.to_string()));
        }
        if let Some(v) = version {
            sql += &format!(" AND {version_col} = {}", args.push(v.to_string()));
        }
        sql
    };
    if let Some((h0, h1)) = hours {
        let (a, b) = (args.push(h0), args.push(h1));
        let filter = narrow(&mut args, "prompt_version");
        parts.push(format!(
            "SELECT prompt_name, prompt_version, traces, error_traces, latency_count,
                    latency_sum, latency_sq, cost_count, cost_micros, cost_sq, input_tokens,
                    output_tokens, first_at, last_at
             FROM llm_prompt_hourly
             WHERE hour >= {a} AND hour < {b} AND prompt_name <> ''{filter}"
        ));
    }
    for (a, b) in edges {
        let (a, b) = (args.push(a), args.push(b));
        let filter = narrow(&mut args, "coalesce(prompt_version, '')");
        parts.push(format!(
            "SELECT prompt_name, coalesce(prompt_version, ''), 1::bigint,
                    (error_spans > 0 OR status = 'error')::int::bigint,
                    (ended_at IS NOT NULL)::int::bigint,
                    coalesce(ended_at - started_at, 0),
                    coalesce((ended_at - started_at)::float8 * (ended_at - started_at), 0),
                    (cost_micros IS NOT NULL)::int::bigint, coalesce(cost_micros, 0),
                    coalesce(cost_micros::float8 * cost_micros, 0), input_tokens,
                    output_tokens, started_at, started_at
             FROM llm_traces
             WHERE started_at >= {a} AND started_at < {b} AND prompt_name IS NOT NULL{filter}"
        ));
    }
    let sql = format!(
        "WITH u(n, v, t, e, ln, ls, lq, cn, cs, cq, it, ot, f, l) AS ({})
         SELECT n, v, sum(t)::bigint, sum(e)::bigint, sum(ln)::bigint, sum(ls)::bigint,
                sum(lq), sum(cn)::bigint, sum(cs)::bigint, sum(cq), sum(it)::bigint,
                sum(ot)::bigint, min(f), max(l)
         FROM u GROUP BY n, v",
        parts.join(" UNION ALL ")
    );
    Ok(query(c, &sql, &args)
        .await?
        .iter()
        .map(|r| PromptSums {
            name: r.get(0),
            version: r.get(1),
            traces: r.get(2),
            errors: r.get(3),
            lat_n: r.get(4),
            lat_sum: r.get(5),
            lat_sq: r.get(6),
            cost_n: r.get(7),
            cost_sum: r.get(8),
            cost_sq: r.get(9),
            input_tokens: r.get(10),
            output_tokens: r.get(11),
            first: r.get(12),
            last: r.get(13),
        })
        .collect())
}

/// See [`lite::prompts`].
pub async fn prompts(pg: Pg, p: LlmParams) -> Result<Vec<PromptRow>, StoreError> {
    let (window, name) = lite::prompts_params(&p)?;
    let c = pg.client().await?;
    Ok(lite::prompt_rows(
        prompt_sums(&c, &p, &window, name, None).await?,
    ))
}

/// See [`lite::compare`].
pub async fn compare(pg: Pg, p: LlmParams, name: String) -> Result<Comparison, StoreError> {
    let (window, va, vb) = lite::compare_params(&p)?;
    let c = pg.client().await?;
    let mut arms = Vec::new();
    for v in [&va, &vb] {
        let sums = prompt_sums(&c, &p, &window, Some(&name), Some(v)).await?;
        arms.push(sums.into_iter().next().unwrap_or_default());
    }
    let sb = arms.pop().unwrap_or_default();
    let sa = arms.pop().unwrap_or_default();
    lite::comparison(&name, window, (va, sa), (vb, sb))
}

/// The budget of one project, `None` when the project does not exist.
async fn budget_of(
    c: &impl GenericClient,
    project: &str,
    now: i64,
) -> Result<Option<Budget>, StoreError> {
    let (_, start, end) = lite::month_of(now);
    let st = c
        .prepare_cached(
            "SELECT s.budget_micros, s.enforce_budget,
                    (SELECT coalesce(sum(cost_micros), 0)::bigint FROM llm_usage_hourly
                     WHERE project_id = p.id AND hour >= $2 AND hour < $3)
             FROM projects p LEFT JOIN llm_settings s ON s.project_id = p.id WHERE p.id = $1",
        )
        .await?;
    let row = c.query_opt(&st, &[&project, &start, &end]).await?;
    Ok(row.map(|r| {
        let enforced: Option<bool> = r.get(1);
        lite::budget_figures(
            project.to_string(),
            r.get(0),
            enforced.unwrap_or(false),
            r.get(2),
            now,
        )
    }))
}

/// See [`lite::budgets`].
pub async fn budgets(pg: Pg, p: LlmParams) -> Result<Vec<Budget>, StoreError> {
    p.only(&[])?;
    let c = pg.client().await?;
    let ids: Vec<String> = match &p.projects {
        Some(ps) => ps.clone(),
        None => {
            let st = c
                .prepare_cached(r#"SELECT id FROM projects ORDER BY id COLLATE "C""#)
                .await?;
            c.query(&st, &[]).await?.iter().map(|r| r.get(0)).collect()
        }
    };
    let mut found = Vec::with_capacity(ids.len());
    for id in &ids {
        found.push(budget_of(&c, id, p.now).await?);
    }
    lite::found_budgets(&ids, found)
}

/// See [`lite::set_budget`]. The project row is locked (`FOR KEY SHARE`) until the settings row
/// is written, so a project deleted meanwhile on another node is a 404, not a foreign-key error.
pub async fn set_budget(
    pg: Pg,
    p: LlmParams,
    monthly_usd: Option<f64>,
    enforce: Option<bool>,
) -> Result<Budget, StoreError> {
    let (project, micros) = lite::budget_to_set(&p, monthly_usd)?;
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    let missing = || StoreError::NotFound(format!("no project `{project}`"));
    tx.query_opt(
        "SELECT 1 FROM projects WHERE id = $1 FOR KEY SHARE",
        &[&project],
    )
    .await?
    .ok_or_else(missing)?;
    tx.execute(
        "INSERT INTO llm_settings (project_id, content, budget_micros, enforce_budget, updated_at)
         VALUES ($1, NULL, $2, COALESCE($3, false), $4)
         ON CONFLICT (project_id) DO UPDATE SET
             budget_micros = excluded.budget_micros,
             enforce_budget = COALESCE($3, llm_settings.enforce_budget),
             updated_at = excluded.updated_at",
        &[&project, &micros, &enforce, &now_ms()],
    )
    .await?;
    let b = budget_of(&tx, &project, p.now).await?.ok_or_else(missing)?;
    tx.commit().await?;
    Ok(b)
}

// ---------------------------------------------------------------------------------------------
// The dashboard's other LLM figures.

/// See [`crate::store::llm_pages::top_users`]: whole UTC days from `llm_user_daily`, the
/// partial days around them from the traces.
pub async fn top_users(
    pg: &Pg,
    p: &LlmParams,
    w: &Window,
    limit: u32,
) -> Result<Vec<UserCost>, StoreError> {
    let (days, edges) = day_split(w);
    let mut args = Args::new();
    let (d0, d1) = (args.push(days.0), args.push(days.1));
    let daily_scope = match &p.projects {
        None => String::new(),
        Some(_) => projects_sql(p, "project_id", &mut args),
    };
    let mut raw = String::new();
    for (a, b) in edges {
        let (a, b) = (args.push(a), args.push(b));
        let scope = projects_sql(p, "project_id", &mut args);
        raw += &format!(
            " UNION ALL SELECT user_id, 1::bigint, (cost_micros IS NOT NULL)::int::bigint,
                  coalesce(cost_micros, 0), input_tokens + output_tokens
              FROM llm_traces
              WHERE started_at >= {a} AND started_at < {b} AND user_id IS NOT NULL{scope}"
        );
    }
    let limit = args.push(i64::from(limit));
    let sql = format!(
        r#"SELECT user_id, sum(n)::bigint, CASE WHEN sum(cc) > 0 THEN sum(c)::bigint END,
                  sum(t)::bigint
           FROM (
               SELECT user_id, traces AS n, cost_count AS cc, cost_micros AS c, tokens AS t
               FROM llm_user_daily WHERE day >= {d0} AND day < {d1}{daily_scope}{raw}
           ) u GROUP BY user_id
           ORDER BY coalesce(CASE WHEN sum(cc) > 0 THEN sum(c) END, -1) DESC, sum(n) DESC,
                    user_id COLLATE "C"
           LIMIT {limit}"#
    );
    let c = pg.client().await?;
    Ok(query(&c, &sql, &args)
        .await?
        .iter()
        .map(|r| UserCost {
            user_id: r.get(0),
            traces: r.get(1),
            cost_micros: r.get(2),
            tokens: r.get(3),
        })
        .collect())
}

/// See [`crate::store::issue_traces::cost`].
pub async fn issue_cost_of(pg: &Pg, issue_id: i64) -> Result<Option<IssueCost>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT count(*), count(t.pk),
                    coalesce(sum((SELECT count(*) FROM llm_spans s
                                  WHERE s.trace_pk = t.pk AND s.span_type = 'generation')), 0)
                        ::bigint,
                    coalesce(sum(t.input_tokens), 0)::bigint,
                    coalesce(sum(t.output_tokens), 0)::bigint,
                    sum(t.cost_micros)::bigint, coalesce(sum(t.unpriced_spans), 0)::bigint
             FROM issue_traces l
             LEFT JOIN llm_traces t ON t.project_id = l.project_id AND t.id = l.trace_id
             WHERE l.issue_id = $1",
        )
        .await?;
    let r = c.query_one(&st, &[&issue_id]).await?;
    let sums: CostSums = (
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
    );
    if sums.0 == 0 {
        return Ok(None);
    }
    let st = c
        .prepare_cached(
            r#"SELECT t.id, t.name, t.status, t.cost_micros, t.started_at
               FROM issue_traces l
               JOIN llm_traces t ON t.project_id = l.project_id AND t.id = l.trace_id
               WHERE l.issue_id = $1
               ORDER BY t.started_at DESC, t.id COLLATE "C" LIMIT $2"#,
        )
        .await?;
    let recent = c
        .query(&st, &[&issue_id, &RECENT_TRACES])
        .await?
        .iter()
        .map(|r| LinkedTrace {
            id: r.get(0),
            name: r.get(1),
            status: r.get(2),
            cost_micros: r.get(3),
            started_at: r.get(4),
        })
        .collect();
    Ok(Some(issue_cost(sums, recent)))
}

/// See [`crate::store::issue_traces::top_issues`].
pub async fn top_issues(
    pg: &Pg,
    p: &LlmParams,
    w: &Window,
    limit: u32,
) -> Result<(Vec<IssueSpend>, bool), StoreError> {
    let mut args = Args::new();
    let since = args.push(w.since - CLOCK_SLACK_MS);
    let scope = projects_sql(p, "project_id", &mut args);
    let sql = format!(
        "WITH l AS (
             SELECT issue_id, project_id, trace_id FROM issue_traces
             WHERE first_seen >= {since}{scope} ORDER BY first_seen DESC LIMIT {}),
         seen AS (SELECT count(*) AS n FROM l),
         x AS (
             SELECT l.issue_id, count(*) AS traces, sum(t.cost_micros)::bigint AS cost
             FROM l JOIN llm_traces t ON t.project_id = l.project_id AND t.id = l.trace_id
             WHERE t.started_at >= {} AND t.started_at < {}
             GROUP BY l.issue_id
             ORDER BY coalesce(sum(t.cost_micros), -1) DESC, count(*) DESC, l.issue_id
             LIMIT {})
         SELECT i.project_id, i.fingerprint, i.error_type, i.message, x.traces, x.cost,
                (SELECT n FROM seen)
         FROM x JOIN issues i ON i.id = x.issue_id
         ORDER BY coalesce(x.cost, -1) DESC, x.traces DESC, x.issue_id",
        args.push(TOP_ISSUES_SCAN),
        args.push(w.since),
        args.push(w.until),
        args.push(i64::from(limit)),
    );
    let c = pg.client().await?;
    let mut seen = 0i64;
    let rows = query(&c, &sql, &args)
        .await?
        .iter()
        .map(|r| {
            seen = r.get(6);
            IssueSpend {
                project_id: r.get(0),
                fingerprint: r.get(1),
                error_type: r.get(2),
                message: r.get(3),
                traces: r.get(4),
                cost_micros: r.get(5),
            }
        })
        .collect();
    Ok((rows, seen >= TOP_ISSUES_SCAN))
}

/// See [`crate::store::issue_traces::issues_of_trace`].
pub async fn issues_of_trace(
    pg: &Pg,
    project: &str,
    trace_id: &str,
) -> Result<Vec<TraceIssue>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT i.fingerprint, i.error_type, i.message, i.source, it.events
             FROM issue_traces it JOIN issues i ON i.id = it.issue_id
             WHERE it.project_id = $1 AND it.trace_id = $2
             ORDER BY it.events DESC, i.id LIMIT 20",
        )
        .await?;
    Ok(c.query(&st, &[&project, &trace_id])
        .await?
        .iter()
        .map(|r| TraceIssue {
            fingerprint: r.get(0),
            error_type: r.get(1),
            message: r.get(2),
            source: r.get(3),
            events: r.get(4),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The CLI's calls.

/// A request body as the route's handler reads it: a bad one names its field.
fn body<T: serde::de::DeserializeOwned>(body: Option<Value>) -> Result<T, StoreError> {
    serde_path_to_error::deserialize(body.unwrap_or(Value::Null)).map_err(|e| {
        let field = e.path().to_string();
        invalid(
            if field == "." { "body" } else { &field },
            e.inner().to_string(),
        )
    })
}

/// The body's project joins `project=` (the two must agree), as `server::llm::with_body_project`
/// does for the API.
fn with_body_project(mut p: LlmParams, project: Option<&str>) -> Result<LlmParams, StoreError> {
    let Some(project) = project.filter(|p| !p.is_empty()) else {
        return Ok(p);
    };
    if p.str("project").is_some_and(|q| q != project) {
        return Err(invalid(
            "project",
            "the body and the query name different projects",
        ));
    }
    p.projects = Some(vec![project.to_string()]);
    Ok(p)
}

/// The CLI's route calls this module answers (see [`super::llm::call`]); `Err(call)` hands
/// back a route that is not one of them.
pub async fn route(pg: &Pg, call: Call) -> Result<Result<Answer, StoreError>, Call> {
    use RouteId as R;
    let pg = pg.clone();
    Ok(match call.id {
        R::LlmOverview => overview(pg, call.params).await.and_then(json),
        R::LlmUsage => usage(pg, call.params).await.and_then(json),
        R::LlmLatency => latency(pg, call.params).await.and_then(json),
        R::LlmModels => models(pg, call.params).await.and_then(json),
        R::LlmTools => tools(pg, call.params).await.and_then(json),
        R::LlmPrompts => prompts(pg, call.params).await.and_then(json),
        R::LlmCompare => {
            let name = call.path.into_iter().next().unwrap_or_default();
            compare(pg, call.params, name).await.and_then(json)
        }
        R::LlmBudget => budgets(pg, call.params).await.and_then(json),
        R::LlmSetBudget => set_budget_call(pg, call.params, call.body)
            .await
            .and_then(json),
        _ => return Err(call),
    })
}

/// `PUT /v1/llm/budget` from the CLI: the body read as the handler reads it.
async fn set_budget_call(pg: Pg, p: LlmParams, raw: Option<Value>) -> Result<Budget, StoreError> {
    let b: BudgetBody = body(raw)?;
    let monthly_usd = b
        .monthly_usd
        .ok_or_else(|| invalid("monthly_usd", MONTHLY_USD_REQUIRED))?;
    let p = with_body_project(p, b.project.as_deref())?;
    set_budget(pg, p, monthly_usd, b.enforce).await
}
