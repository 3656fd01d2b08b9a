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
    // Every node's proxy checks the new budget from its next call on (not only this one's).
    super::notify(&tx, &format!("{}{project}", super::BUDGET_CHANGED)).await?;
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

#[cfg(test)]
mod tests {
    //! Every query answers the same on both backends over the same rows: rollups, raw traces
    //! and spans at the windows' edges, settings, prices and issue links, written by hand
    //! (the writers have their own tests).

    use super::*;
    use crate::store::llm_query::{DAY_MS, HOUR_MS};
    use crate::store::llm_rollups::latency_bucket;
    use crate::store::pg::scratch;
    use rusqlite::Connection;

    /// A UTC midnight at the start of a month (2024-10-01).
    const T0: i64 = 20_000 * DAY_MS;
    const H: i64 = HOUR_MS;
    const M: i64 = 60_000;

    /// (project, hour, prompt, version, traces … latency count, [latency sum, square sum],
    /// (first, last)).
    type PromptFixture = (
        &'static str,
        i64,
        &'static str,
        &'static str,
        [i64; 12],
        [i64; 2],
        (i64, i64),
    );
    /// (project, hour, type, name, calls, errors, max, [(ms, count)]).
    type ToolFixture = (
        &'static str,
        i64,
        &'static str,
        &'static str,
        i64,
        i64,
        &'static str,
        &'static [(i64, i64)],
    );
    /// (pk, project, user, prompt, version, cost, started at, duration).
    type TraceFixture = (
        i64,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        Option<i64>,
        i64,
        i64,
    );

    /// The same rows for both backends (SQL both accept).
    fn fixture() -> String {
        let mut sql = String::new();
        let usage: &[(&str, i64, &str, &str, [i64; 12])] = &[
            (
                "default",
                T0 + H,
                "gpt-4o",
                "openai",
                [3, 1, 300, 30, 10, 0, 900, 0, 1500, 3, 240, 2],
            ),
            (
                "default",
                T0 + H,
                "claude",
                "anthropic",
                [2, 0, 200, 20, 0, 5, 2000, 0, 2400, 2, 0, 0],
            ),
            (
                "default",
                T0 + 2 * H,
                "",
                "",
                [4, 2, 0, 0, 0, 0, 0, 1, 100, 4, 0, 0],
            ),
            (
                "default",
                T0 + 26 * H,
                "gpt-4o",
                "azure",
                [1, 0, 100, 10, 0, 0, 300, 0, 700, 1, 50, 1],
            ),
            (
                "default",
                T0 + 50 * H,
                "mystery",
                "acme",
                [2, 0, 50, 5, 0, 0, 0, 2, 600, 2, 0, 0],
            ),
            (
                "default",
                T0 + 3 * H,
                "alpha",
                "x",
                [1, 0, 1, 1, 0, 0, 7, 0, 10, 1, 0, 0],
            ),
            (
                "default",
                T0 + 3 * H,
                "Zeta",
                "x",
                [1, 0, 1, 1, 0, 0, 7, 0, 10, 1, 0, 0],
            ),
            (
                "b",
                T0 + H,
                "gpt-4o",
                "openai",
                [5, 0, 500, 50, 0, 0, 1500, 0, 2500, 5, 500, 5],
            ),
            (
                "b",
                T0 + 30 * H,
                "claude",
                "anthropic",
                [1, 1, 10, 1, 0, 0, 40, 0, 90, 1, 0, 0],
            ),
        ];
        for (p, hour, model, provider, v) in usage {
            let v: Vec<String> = v.iter().map(i64::to_string).collect();
            sql += &format!(
                "INSERT INTO llm_usage_hourly (project_id, hour, model, provider, spans, errors,
                     input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                     cost_micros, unpriced, latency_sum, latency_count, ttft_sum, ttft_count)
                 VALUES ('{p}', {hour}, '{model}', '{provider}', {});\n",
                v.join(", ")
            );
        }
        // (project, table, time, model, kind, latency ms, count)
        let hist: &[(&str, &str, i64, &str, i64, i64, i64)] = &[
            ("default", "hourly", T0 + H, "gpt-4o", 0, 500, 3),
            ("default", "hourly", T0 + H, "gpt-4o", 1, 120, 2),
            ("default", "hourly", T0 + H, "claude", 0, 1200, 2),
            ("default", "hourly", T0 + H, "", 0, 500, 3),
            ("default", "hourly", T0 + H, "", 0, 1200, 2),
            ("default", "hourly", T0 + 2 * H, "", 0, 25, 4),
            ("default", "hourly", T0 + 26 * H, "gpt-4o", 0, 700, 1),
            ("default", "daily", T0 + DAY_MS, "gpt-4o", 0, 700, 1),
            ("default", "daily", T0 + DAY_MS, "gpt-4o", 1, 50, 1),
            ("default", "daily", T0 + DAY_MS, "", 0, 700, 1),
            ("default", "hourly", T0 + 50 * H, "mystery", 0, 300, 2),
            ("default", "hourly", T0 + 50 * H, "", 0, 300, 2),
            ("b", "hourly", T0 + H, "gpt-4o", 0, 500, 5),
            ("b", "hourly", T0 + H, "", 0, 500, 5),
            ("b", "daily", T0 + DAY_MS, "claude", 0, 90, 1),
        ];
        for (p, table, t, model, kind, ms, n) in hist {
            let (col, b) = if *table == "daily" {
                ("day", latency_bucket(*ms))
            } else {
                ("hour", latency_bucket(*ms))
            };
            sql += &format!(
                "INSERT INTO llm_latency_{table} (project_id, {col}, model, kind, bucket, count)
                 VALUES ('{p}', {t}, '{model}', {kind}, {b}, {n});\n"
            );
        }
        // Prompt versions 9 and 10 of `greet`: latencies 1,000 + d and 1,004 + d for
        // d in {-6, -2, 1, 1, 3, 3}, 3,500 µ$ each.
        let prompt: &[PromptFixture] = &[
            (
                "default",
                T0 + H,
                "greet",
                "9",
                [6, 0, 6, 0, 6000, 600, 0, 0, 0, 6, 21000, 6],
                [6000, 6_000_060],
                (T0 + H + 5, T0 + H + 5000),
            ),
            (
                "default",
                T0 + H,
                "greet",
                "10",
                [6, 3, 6, 3, 6000, 600, 0, 0, 1, 6, 21000, 6],
                [6024, 6_048_156],
                (T0 + H + 7, T0 + H + 9000),
            ),
            (
                "default",
                T0 + 2 * H,
                "",
                "",
                [3, 1, 4, 2, 100, 10, 0, 0, 1, 2, 500, 3],
                [900, 300_000],
                (T0 + 2 * H, T0 + 2 * H + 10),
            ),
            (
                "b",
                T0 + H,
                "greet",
                "9",
                [2, 0, 2, 0, 20, 2, 0, 0, 0, 2, 70, 2],
                [20, 200],
                (T0 + H, T0 + H + 1),
            ),
        ];
        for (p, hour, name, version, v, lat, (first, last)) in prompt {
            let cost_sq = v[10] * v[10] / v[9].max(1);
            sql += &format!(
                "INSERT INTO llm_prompt_hourly (project_id, hour, prompt_name, prompt_version,
                     traces, error_traces, spans, error_spans, input_tokens, output_tokens,
                     cache_read_tokens, cache_write_tokens, unpriced_spans, cost_count,
                     cost_micros, cost_sq, latency_count, latency_sum, latency_sq, first_at,
                     last_at)
                 VALUES ('{p}', {hour}, '{name}', '{version}', {}, {}, {}, {}, {}, {}, {}, {},
                     {}, {}, {}, {cost_sq}, {}, {}, {}, {first}, {last});\n",
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
                lat[0],
                lat[1]
            );
        }
        let tools: &[ToolFixture] = &[
            (
                "default",
                T0 + H,
                "tool",
                "search",
                20,
                1,
                "200",
                &[(10, 5), (100, 10), (200, 5)],
            ),
            (
                "default",
                T0 + 2 * H,
                "tool",
                "search",
                2,
                0,
                "90",
                &[(90, 2)],
            ),
            (
                "default",
                T0 + H,
                "retrieval",
                "vector",
                3,
                0,
                "15",
                &[(5, 1), (15, 1)],
            ),
            ("default", T0 + H, "agent", "planner", 1, 0, "NULL", &[]),
            ("b", T0 + H, "tool", "search", 4, 4, "30", &[(30, 4)]),
        ];
        for (p, hour, ty, name, calls, errors, max, buckets) in tools {
            sql += &format!(
                "INSERT INTO llm_tool_hourly (project_id, hour, span_type, name, calls, errors,
                     latency_max)
                 VALUES ('{p}', {hour}, '{ty}', '{name}', {calls}, {errors}, {max});\n"
            );
            for (ms, n) in *buckets {
                sql += &format!(
                    "INSERT INTO llm_tool_latency_hourly (project_id, hour, span_type, name,
                         bucket, count)
                     VALUES ('{p}', {hour}, '{ty}', '{name}', {}, {n});\n",
                    latency_bucket(*ms)
                );
            }
        }
        // Raw traces in the partial hours around T0 + 1 h .. T0 + 3 h, and one the day before.
        let traces: &[TraceFixture] = &[
            (
                1,
                "default",
                "u1",
                Some("greet"),
                Some("9"),
                Some(3500),
                T0 + 30 * M,
                1_000,
            ),
            (
                2,
                "default",
                "u2",
                Some("greet"),
                Some("10"),
                Some(3500),
                T0 + 40 * M,
                1_010,
            ),
            (
                3,
                "default",
                "u1",
                Some("greet"),
                None,
                None,
                T0 + 3 * H + 10 * M,
                400,
            ),
            (
                4,
                "default",
                "u3",
                None,
                None,
                Some(99),
                T0 + 3 * H + 15 * M,
                10,
            ),
            (
                5,
                "b",
                "u9",
                Some("greet"),
                Some("9"),
                Some(7),
                T0 + 20 * M,
                100,
            ),
            (
                6,
                "default",
                "old",
                Some("greet"),
                Some("9"),
                Some(5),
                T0 - 20 * H,
                100,
            ),
        ];
        for (pk, p, user, name, version, cost, at, ms) in traces {
            let q = |v: &Option<&str>| v.map_or("NULL".to_string(), |s| format!("'{s}'"));
            let cost = cost.map_or("NULL".to_string(), |c| c.to_string());
            let errors = i64::from(*pk == 2);
            sql += &format!(
                "INSERT INTO llm_traces (pk, project_id, id, user_id, name, status, prompt_name,
                     prompt_version, started_at, ended_at, received_at, span_count, error_spans,
                     input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                     cost_micros, unpriced_spans)
                 VALUES ({pk}, '{p}', 't{pk}', '{user}', 'chat', 'ok', {}, {}, {at}, {}, {at},
                     2, {errors}, 1000, 100, 0, 0, {cost}, 0);\n",
                q(name),
                q(version),
                at + ms
            );
            for (id, ty, name, lat, status) in [
                ("g", "generation", "say", *ms, "ok"),
                (
                    "s",
                    "tool",
                    "search",
                    ms / 10,
                    if errors > 0 { "error" } else { "ok" },
                ),
                ("r", "retrieval", "vector", ms / 100, "ok"),
            ] {
                sql += &format!(
                    "INSERT INTO llm_spans (trace_pk, id, project_id, span_type, name,
                         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                         input_includes_cache, latency_ms, status, started_at)
                     VALUES ({pk}, '{id}', '{p}', '{ty}', '{name}', 0, 0, 0, 0, false, {lat},
                         '{status}', {at});\n"
                );
            }
        }
        for (p, day, user, traces, cc, cost, tokens) in [
            ("default", T0, "u1", 3, 3, 300, 30),
            ("default", T0, "u2", 1, 0, 0, 10),
            ("default", T0 + DAY_MS, "u2", 2, 2, 900, 20),
            ("b", T0, "u9", 5, 5, 5000, 50),
        ] {
            sql += &format!(
                "INSERT INTO llm_user_daily (project_id, day, user_id, traces, cost_count,
                     cost_micros, tokens)
                 VALUES ('{p}', {day}, '{user}', {traces}, {cc}, {cost}, {tokens});\n"
            );
        }
        sql += "INSERT INTO llm_settings (project_id, content, budget_micros, updated_at,
                    enforce_budget)
                VALUES ('default', 'full', 5000, 0, true);
                INSERT INTO llm_prices (project_id, model, input_mtok, output_mtok,
                    cache_read_mtok, cache_write_mtok, updated_at)
                VALUES ('default', 'claude', 1.5, 7.5, NULL, NULL, 0),
                       ('', 'GPT-4o', 2.0, 8.0, 1.0, NULL, 0);
                INSERT INTO issues (id, project_id, fingerprint, error_type, message, source,
                    first_seen, last_seen, total_count)
                VALUES (1, 'default', 'f1', 'E1', 'm1', 'api', 0, 0, 1),
                       (2, 'default', 'f2', 'E2', 'm2', 'api', 0, 0, 1),
                       (3, 'b', 'f3', 'E3', 'm3', 'api', 0, 0, 1);\n";
        for (issue, p, trace, seen, events) in [
            (1, "default", "t1", T0 + 31 * M, 2),
            (1, "default", "t2", T0 + 41 * M, 1),
            (1, "default", "ghost", T0 + 41 * M, 1),
            (2, "default", "t4", T0 + 3 * H + 16 * M, 3),
            (2, "default", "t1", T0 + 32 * M, 1),
            (3, "b", "t5", T0 + 21 * M, 1),
        ] {
            sql += &format!(
                "INSERT INTO issue_traces (issue_id, project_id, trace_id, first_seen, events)
                 VALUES ({issue}, '{p}', '{trace}', {seen}, {events});\n"
            );
        }
        sql
    }

    /// An answer as JSON, or its error as text.
    fn out<T: serde::Serialize>(r: Result<T, StoreError>) -> String {
        match r {
            Ok(v) => serde_json::to_string(&v).unwrap(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn every_query_answers_as_on_sqlite() {
        let url = scratch::shared().database().expect("database");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let pg = rt.block_on(Pg::open(&url, 2)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut conn: Connection = crate::store::open(&dir.path().join("u.db")).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO projects (id, name, created_at) VALUES ('b', 'B', 0); {}",
            fixture()
        ))
        .unwrap();
        rt.block_on(async {
            pg.client()
                .await
                .unwrap()
                .batch_execute(&format!(
                    "INSERT INTO projects (id, name, created_at, dsn_id) VALUES ('b', 'B', 0, 2);
                     {}",
                    fixture()
                ))
                .await
                .unwrap()
        });

        let now = T0 + 3 * H + 30 * M;
        let windows = [
            (T0 + 10 * M, T0 + 3 * H + 20 * M),
            (T0, T0 + 3 * DAY_MS),
            (T0 - DAY_MS + 5 * M, T0 + 2 * DAY_MS + 7 * M),
            (T0 + 20 * M, T0 + 40 * M),
            (T0 - 90 * DAY_MS, T0 - 80 * DAY_MS),
        ];
        let scopes: [Option<Vec<String>>; 4] = [
            None,
            Some(vec!["default".into()]),
            Some(vec!["b".into(), "default".into()]),
            Some(vec![]),
        ];
        let mut checked = 0;
        for (since, until) in windows {
            for scope in &scopes {
                let w = [
                    ("since".to_string(), since.to_string()),
                    ("until".to_string(), until.to_string()),
                ];
                let params = |extra: &[(&str, &str)]| {
                    let mut kv = w.to_vec();
                    kv.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                    LlmParams::new(kv, scope.clone(), now)
                };
                let same = |what: &str, a: String, b: String| {
                    assert_eq!(a, b, "{what} over {since}..{until} for {scope:?}");
                };
                let p = params(&[]);
                same(
                    "overview",
                    out(lite::overview(&conn, &p)),
                    out(rt.block_on(overview(pg.clone(), p.clone()))),
                );
                for by in ["model", "provider", "project", "prompt", "none"] {
                    for bucket in ["hour", "day"] {
                        let p = params(&[("by", by), ("bucket", bucket)]);
                        same(
                            &format!("usage by {by} per {bucket}"),
                            out(lite::usage(&conn, &p)),
                            out(rt.block_on(usage(pg.clone(), p.clone()))),
                        );
                    }
                }
                for extra in [&[][..], &[("model", "gpt-4o")][..]] {
                    let p = params(extra);
                    same(
                        "latency",
                        out(lite::latency(&conn, &p)),
                        out(rt.block_on(latency(pg.clone(), p.clone()))),
                    );
                }
                same(
                    "models",
                    out(lite::models(&conn, &p)),
                    out(rt.block_on(models(pg.clone(), p.clone()))),
                );
                for extra in [
                    &[][..],
                    &[("type", "all")][..],
                    &[("type", "tool")][..],
                    &[("type", "retrieval"), ("limit", "1")][..],
                ] {
                    let p = params(extra);
                    same(
                        "tools",
                        out(lite::tools(&conn, &p)),
                        out(rt.block_on(tools(pg.clone(), p.clone()))),
                    );
                }
                for extra in [&[][..], &[("name", "greet")][..]] {
                    let p = params(extra);
                    same(
                        "prompts",
                        out(lite::prompts(&conn, &p)),
                        out(rt.block_on(prompts(pg.clone(), p.clone()))),
                    );
                }
                for (a, b) in [("9", "10"), ("10", "9"), ("9", "99")] {
                    let p = params(&[("a", a), ("b", b)]);
                    same(
                        "compare",
                        out(lite::compare(&conn, &p, "greet")),
                        out(rt.block_on(compare(pg.clone(), p.clone(), "greet".into()))),
                    );
                }
                let win = Window { since, until };
                same(
                    "top users",
                    format!(
                        "{:?}",
                        crate::store::llm_pages::top_users(&conn, &p, &win, 3)
                    ),
                    format!("{:?}", rt.block_on(top_users(&pg, &p, &win, 3))),
                );
                same(
                    "top issues",
                    format!(
                        "{:?}",
                        crate::store::issue_traces::top_issues(&conn, &p, &win, 5)
                    ),
                    format!("{:?}", rt.block_on(top_issues(&pg, &p, &win, 5))),
                );
                let p = LlmParams::new([], scope.clone(), now);
                same(
                    "budgets",
                    out(lite::budgets(&conn, &p)),
                    out(rt.block_on(budgets(pg.clone(), p.clone()))),
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 20);
        // The fixture is not empty where it matters.
        let p = LlmParams::new([], None, now);
        let o = lite::overview(&conn, &p).unwrap();
        assert!(o.traces > 0 && o.latency_ms.p50.is_some() && o.cost_micros > 0);
        let edges = |extra: &[(&str, &str)]| {
            let mut kv = vec![
                ("since".to_string(), (T0 + 10 * M).to_string()),
                ("until".to_string(), (T0 + 3 * H + 20 * M).to_string()),
            ];
            kv.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            LlmParams::new(kv, None, now)
        };
        let c = lite::compare(&conn, &edges(&[("a", "9"), ("b", "10")]), "greet").unwrap();
        assert_eq!((c.a.n, c.b.n), (10, 7), "rollup and edge traces");
        assert!(c.latency.p_value.is_some());
        let t = lite::tools(&conn, &edges(&[])).unwrap();
        assert_eq!((t[0].name.as_str(), t[0].calls), ("search", 31), "{t:?}");
        let m = lite::models(
            &conn,
            &LlmParams::new([], Some(vec!["default".into()]), now),
        );
        let sources: Vec<String> = m
            .unwrap()
            .into_iter()
            .filter_map(|m| m.price.map(|p| p.source))
            .collect();
        assert!(
            sources.contains(&"project_override".to_string())
                && sources.contains(&"global_override".to_string()),
            "{sources:?}"
        );
        let users = crate::store::llm_pages::top_users(
            &conn,
            &p,
            &Window {
                since: T0 - DAY_MS + 5 * M,
                until: T0 + 2 * DAY_MS + 7 * M,
            },
            9,
        )
        .unwrap();
        assert!(users.len() >= 4, "{users:?}");

        for issue in [1, 2, 3, 4] {
            assert_eq!(
                format!("{:?}", crate::store::issue_traces::cost(&conn, issue)),
                format!("{:?}", rt.block_on(issue_cost_of(&pg, issue))),
                "issue {issue}"
            );
        }
        for (project, trace) in [("default", "t1"), ("b", "t5"), ("b", "t1")] {
            assert_eq!(
                format!(
                    "{:?}",
                    crate::store::issue_traces::issues_of_trace(&conn, project, trace)
                ),
                format!("{:?}", rt.block_on(issues_of_trace(&pg, project, trace))),
            );
        }

        // Bad parameters: the same error naming the same field.
        for kv in [
            &[("since", "yesterday")][..],
            &[("sinse", "1h")][..],
            &[("by", "week")][..],
            &[("bucket", "hour"), ("since", "60d")][..],
            &[("limit", "0")][..],
        ] {
            let p = LlmParams::new(
                kv.iter().map(|(k, v)| (k.to_string(), v.to_string())),
                None,
                now,
            );
            assert_eq!(
                out(lite::usage(&conn, &p)),
                out(rt.block_on(usage(pg.clone(), p.clone())))
            );
            assert_eq!(
                out(lite::tools(&conn, &p)),
                out(rt.block_on(tools(pg.clone(), p.clone())))
            );
        }

        // Budgets: set, changed, cleared, an unknown project; then read back.
        let one = |id: &str| LlmParams::new([], Some(vec![id.to_string()]), now);
        for (project, usd, enforce) in [
            ("b", Some(0.5), None),
            ("b", Some(1.25), Some(true)),
            ("default", None, Some(false)),
            ("nope", Some(1.0), None),
            ("b", Some(-1.0), None),
        ] {
            let p = one(project);
            assert_eq!(
                out(lite::set_budget(&mut conn, &p, usd, enforce)),
                out(rt.block_on(set_budget(pg.clone(), p.clone(), usd, enforce))),
                "{project} {usd:?} {enforce:?}"
            );
        }
        let every = LlmParams::new([], None, now);
        let read = out(lite::budgets(&conn, &every));
        assert!(read.contains(r#""budget_micros":1250000"#), "{read}");
        assert_eq!(read, out(rt.block_on(budgets(pg.clone(), every))));
        assert_eq!(
            out(lite::budgets(&conn, &one("nope"))),
            out(rt.block_on(budgets(pg.clone(), one("nope"))))
        );
    }

    #[test]
    fn the_cli_reads_a_budget_body_as_the_api_does() {
        let p = LlmParams::new([("project".into(), "a".into())], Some(vec!["a".into()]), 0);
        let e = with_body_project(p.clone(), Some("b")).unwrap_err();
        assert!(e.to_string().starts_with("project:"), "{e}");
        let p = with_body_project(LlmParams::new([], None, 0), Some("b")).unwrap();
        assert_eq!(p.projects, Some(vec!["b".to_string()]));
        let e = body::<BudgetBody>(Some(serde_json::json!({"monthly_usd": "ten"}))).unwrap_err();
        assert!(e.to_string().starts_with("monthly_usd:"), "{e}");
        let e = body::<BudgetBody>(Some(serde_json::json!({"montly": 1}))).unwrap_err();
        assert!(e.to_string().contains("`montly`"), "{e}");
        let b: BudgetBody = body(Some(serde_json::json!({"project": "a"}))).unwrap();
        assert_eq!(b.monthly_usd, None);
    }
}
