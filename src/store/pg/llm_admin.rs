//! The queries of `store::llm_admin` on PostgreSQL (same parameters, same answers): the LLM
//! settings per project, price overrides, what the trace writer reads of them, and a project's
//! budget with this month's spend for the proxy. Checks and answers are `store::llm_admin`'s;
//! only the SQL is here.
//!
//! A change is not announced to the other nodes (no `NOTIFY`): no node keeps these settings.
//! Every writer reads the content policies and price overrides at the start of each flush, and
//! `errors_as_issues` is read by the statement that files error spans, so a change on any node
//! applies to every node's next flush.

use std::collections::HashMap;

use deadpool_postgres::GenericClient;
use serde::de::DeserializeOwned;

use super::llm::{Answer, Call};
use super::Pg;
use crate::config::ContentStorage;
use crate::llm::pricing::PriceOverride;
use crate::server::routes::RouteId;
use crate::store::llm_admin::{
    self as admin, PriceOverrideRow, PriceRemoved, PriceUpdate, Prices, ProjectSettings,
    SettingsUpdate,
};
use crate::store::llm_query::LlmParams;
use crate::store::{now_ms, StoreError};

/// Settings of every project the caller reads (`project=`: that one; unknown → 404).
pub async fn settings(
    pg: Pg,
    p: LlmParams,
    default: ContentStorage,
) -> Result<Vec<ProjectSettings>, StoreError> {
    p.only(&[])?;
    let c = pg.client().await?;
    settings_of(&c, &p, default).await
}

async fn settings_of(
    c: &impl GenericClient,
    p: &LlmParams,
    default: ContentStorage,
) -> Result<Vec<ProjectSettings>, StoreError> {
    // Byte order of the slugs, as SQLite sorts them.
    let st = c
        .prepare_cached(
            "SELECT pr.id, s.content, s.budget_micros, s.updated_at,
                    COALESCE(s.errors_as_issues, true)
             FROM projects pr LEFT JOIN llm_settings s ON s.project_id = pr.id
             WHERE $1::text[] IS NULL OR pr.id = ANY($1)
             ORDER BY pr.id COLLATE \"C\"",
        )
        .await?;
    let out: Vec<ProjectSettings> = c
        .query(&st, &[&p.projects])
        .await?
        .iter()
        .map(|r| admin::project_settings(r.get(0), r.get(1), r.get(2), r.get(4), r.get(3), default))
        .collect();
    admin::all_found(p, &out)?;
    Ok(out)
}

/// Sets (or resets to the default) one project's content policy and/or its error filing.
pub async fn put_settings(
    pg: Pg,
    p: LlmParams,
    update: SettingsUpdate,
    default: ContentStorage,
) -> Result<ProjectSettings, StoreError> {
    let (project, change) = admin::settings_change(&p, &update)?;
    let c = pg.client().await?;
    ensure_project(&c, project).await?;
    let st = c
        .prepare_cached(
            "INSERT INTO llm_settings AS s (project_id, content, errors_as_issues, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (project_id) DO UPDATE SET
                 content = CASE WHEN $5 THEN excluded.content ELSE s.content END,
                 errors_as_issues = COALESCE($3, s.errors_as_issues),
                 updated_at = excluded.updated_at",
        )
        .await?;
    c.execute(
        &st,
        &[
            &project,
            &change.content,
            &change.errors_as_issues,
            &now_ms(),
            &change.set_content,
        ],
    )
    .await?;
    Ok(settings_of(&c, &admin::params_for(&p, project), default)
        .await?
        .remove(0))
}

async fn ensure_project(c: &impl GenericClient, project: &str) -> Result<(), StoreError> {
    let st = c
        .prepare_cached("SELECT 1 FROM projects WHERE id = $1")
        .await?;
    match c.query_opt(&st, &[&project]).await? {
        Some(_) => Ok(()),
        None => Err(admin::no_project(project)),
    }
}

/// Global overrides and those of `projects` (`None`: every override), as SQLite orders them
/// (project bytes, then the model without ASCII case).
async fn override_rows(
    c: &impl GenericClient,
    projects: Option<&[String]>,
) -> Result<Vec<PriceOverrideRow>, StoreError> {
    let st = c
        .prepare_cached(
            "SELECT project_id, model::text, input_mtok, output_mtok, cache_read_mtok,
                    cache_write_mtok, updated_at
             FROM llm_prices WHERE project_id = '' OR $1::text[] IS NULL OR project_id = ANY($1)
             ORDER BY project_id COLLATE \"C\", lower(model COLLATE \"C\"), model COLLATE \"C\"",
        )
        .await?;
    Ok(c.query(&st, &[&projects])
        .await?
        .iter()
        .map(|r| PriceOverrideRow {
            project: admin::override_scope(r.get(0)),
            model: r.get(1),
            input_mtok: r.get(2),
            output_mtok: r.get(3),
            cache_read_mtok: r.get(4),
            cache_write_mtok: r.get(5),
            updated_at: r.get(6),
        })
        .collect())
}

/// Overrides visible to the caller: global ones and those of the projects it reads (see
/// [`admin::overrides`]; the dashboard's models page).
pub async fn overrides(pg: Pg, p: LlmParams) -> Result<Vec<PriceOverrideRow>, StoreError> {
    let c = pg.client().await?;
    override_rows(&c, p.projects.as_deref()).await
}

/// The overrides the caller sees, and with `model=` what that model costs.
pub async fn prices(pg: Pg, p: LlmParams) -> Result<Prices, StoreError> {
    p.only(&["model", "provider"])?;
    let c = pg.client().await?;
    let overrides = override_rows(&c, p.projects.as_deref()).await?;
    Ok(admin::prices_answer(&p, overrides))
}

/// Sets an override (replacing one for the same project and model).
pub async fn set_price(
    pg: Pg,
    p: LlmParams,
    u: PriceUpdate,
) -> Result<PriceOverrideRow, StoreError> {
    let row = admin::checked_price(&p, &u)?;
    let c = pg.client().await?;
    if let Some(pr) = &row.project {
        ensure_project(&c, pr).await?;
    }
    let st = c
        .prepare_cached(
            "INSERT INTO llm_prices (project_id, model, input_mtok, output_mtok, cache_read_mtok,
                 cache_write_mtok, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (project_id, model) DO UPDATE SET model = excluded.model,
                 input_mtok = excluded.input_mtok, output_mtok = excluded.output_mtok,
                 cache_read_mtok = excluded.cache_read_mtok,
                 cache_write_mtok = excluded.cache_write_mtok, updated_at = excluded.updated_at",
        )
        .await?;
    c.execute(
        &st,
        &[
            &row.project.as_deref().unwrap_or(""),
            &row.model,
            &row.input_mtok,
            &row.output_mtok,
            &row.cache_read_mtok,
            &row.cache_write_mtok,
            &row.updated_at,
        ],
    )
    .await?;
    Ok(row)
}

/// Removes an override (`model=`, for `project=` or the global one); 404 when there is none.
pub async fn delete_price(pg: Pg, p: LlmParams) -> Result<PriceRemoved, StoreError> {
    let (project, model) = admin::price_removal(&p)?;
    let c = pg.client().await?;
    let st = c
        .prepare_cached("DELETE FROM llm_prices WHERE project_id = $1 AND model = $2")
        .await?;
    let n = c.execute(&st, &[&project.unwrap_or(""), &model]).await?;
    admin::removed(project, model, n)
}

/// Per-project content policies that differ from the configured default (the writer's read).
pub async fn content_policies(
    c: &impl GenericClient,
) -> Result<HashMap<String, ContentStorage>, StoreError> {
    let st = c
        .prepare_cached("SELECT project_id, content FROM llm_settings WHERE content IS NOT NULL")
        .await?;
    Ok(c.query(&st, &[])
        .await?
        .iter()
        .filter_map(|r| {
            let content: &str = r.get(1);
            Some((r.get(0), admin::parse_policy(content)?))
        })
        .collect())
}

/// Every price override (global ones have no project), as the pricer takes them (the writer's
/// read).
pub async fn price_overrides(c: &impl GenericClient) -> Result<Vec<PriceOverride>, StoreError> {
    Ok(override_rows(c, None)
        .await?
        .iter()
        .map(PriceOverrideRow::to_override)
        .collect())
}

/// A project's monthly budget, whether it is enforced, and what the calls started in
/// `[start, end)` cost (every node's, from the hourly rollup): what the proxy checks.
pub async fn month_spend(
    c: &impl GenericClient,
    project: &str,
    start: i64,
    end: i64,
) -> Result<(Option<i64>, bool, i64), StoreError> {
    let st = c
        .prepare_cached(
            "SELECT s.budget_micros, COALESCE(s.enforce_budget, false),
                    (SELECT COALESCE(sum(u.cost_micros), 0)::bigint FROM llm_usage_hourly u
                     WHERE u.project_id = $1 AND u.hour >= $2 AND u.hour < $3)
             FROM (SELECT $1::text AS id) p LEFT JOIN llm_settings s ON s.project_id = p.id",
        )
        .await?;
    let r = c.query_one(&st, &[&project, &start, &end]).await?;
    Ok((r.get(0), r.get(1), r.get(2)))
}

/// The CLI's route calls this module answers (see [`super::llm::call`]); `Err(call)` hands
/// back a route that is not one of them.
pub async fn route(pg: &Pg, call: Call) -> Result<Result<Answer, StoreError>, Call> {
    use super::llm::json;
    let pg = pg.clone();
    let default = call.default_policy;
    Ok(match call.id {
        RouteId::LlmSettings => settings(pg, call.params, default).await.and_then(json),
        RouteId::LlmPutSettings => match body::<SettingsUpdate>(&call) {
            Ok(u) => {
                let p = with_body_project(call.params, u.project.as_deref());
                put_settings(pg, p, u, default).await.and_then(json)
            }
            Err(e) => Err(e),
        },
        RouteId::LlmPrices => prices(pg, call.params).await.and_then(json),
        RouteId::LlmSetPrice => match body::<PriceUpdate>(&call) {
            Ok(u) => {
                let p = with_body_project(call.params, u.project.as_deref());
                set_price(pg, p, u).await.and_then(json)
            }
            Err(e) => Err(e),
        },
        RouteId::LlmDeletePrice => delete_price(pg, call.params).await.and_then(json),
        _ => return Err(call),
    })
}

/// A call's JSON body as the route's handler reads it (a bad one: 400 naming the field).
fn body<T: DeserializeOwned>(call: &Call) -> Result<T, StoreError> {
    let v = call.body.clone().unwrap_or(serde_json::Value::Null);
    serde_path_to_error::deserialize(v).map_err(|e| {
        let field = e.path().to_string();
        StoreError::Invalid {
            field: if field == "." { "body".into() } else { field },
            message: e.inner().to_string(),
        }
    })
}

/// The body's project as the query's when the query names none (as the handler joins them).
fn with_body_project(mut p: LlmParams, project: Option<&str>) -> LlmParams {
    if let (None, Some(b)) = (&p.projects, project.filter(|b| !b.is_empty())) {
        p.projects = Some(vec![b.to_string()]);
    }
    p
}
