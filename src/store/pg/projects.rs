//! Projects on PostgreSQL (see `store::projects`).

use deadpool_postgres::GenericClient;

use super::Pg;
use crate::store::projects::{
    check_deletable, check_name, check_retention, name_and_slug, CreatedProject, Deleted, Project,
};
use crate::store::{now_ms, StoreError};

const SELECT: &str = "SELECT p.id, p.name, p.created_at, p.retention_days,
        (SELECT count(*) FROM issues i WHERE i.project_id = p.id),
        (SELECT coalesce(sum(total_count), 0)::int8 FROM issues i WHERE i.project_id = p.id),
        (SELECT count(*) FROM project_keys k WHERE k.project_id = p.id
            AND (k.revoked_at IS NULL OR k.revoked_at > $1))
     FROM projects p";

fn row(r: &tokio_postgres::Row) -> Project {
    Project {
        id: r.get(0),
        name: r.get(1),
        created_at: r.get(2),
        retention_days: r.get::<_, Option<i64>>(3).map(|d| d as u32),
        issues: r.get(4),
        events: r.get(5),
        keys: r.get(6),
    }
}

pub async fn list(pg: &Pg, only: Option<&str>) -> Result<Vec<Project>, StoreError> {
    let c = pg.client().await?;
    Ok(c.query(
        &format!("{SELECT} WHERE $2::text IS NULL OR p.id = $2 ORDER BY p.created_at, p.id"),
        &[&now_ms(), &only],
    )
    .await?
    .iter()
    .map(row)
    .collect())
}

pub async fn get_on(c: &impl GenericClient, id: &str) -> Result<Project, StoreError> {
    c.query_opt(&format!("{SELECT} WHERE p.id = $2"), &[&now_ms(), &id])
        .await?
        .map(|r| row(&r))
        .ok_or_else(|| StoreError::NotFound(format!("no project `{id}`")))
}

pub async fn get(pg: &Pg, id: &str) -> Result<Project, StoreError> {
    get_on(&pg.client().await?, id).await
}

/// Creates a project and its first ingest key (named `default`) in one transaction.
pub async fn create_with_key(
    pg: &Pg,
    name: &str,
    slug: Option<&str>,
) -> Result<CreatedProject, StoreError> {
    let (name, slug) = name_and_slug(name, slug)?;
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    // Serialises the numbering of DSNs between nodes.
    tx.execute("LOCK TABLE projects IN SHARE ROW EXCLUSIVE MODE", &[])
        .await?;
    if tx
        .query_opt("SELECT 1 FROM projects WHERE id = $1", &[&slug])
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict(format!(
            "a project with slug `{slug}` already exists"
        )));
    }
    tx.execute(
        "INSERT INTO projects (id, name, created_at, dsn_id)
         VALUES ($1, $2, $3, (SELECT coalesce(max(dsn_id), 0) + 1 FROM projects))",
        &[&slug, &name, &now_ms()],
    )
    .await?;
    let key =
        super::keys::create_on(&tx, &slug, "default", crate::store::keys::KIND_INGEST).await?;
    let project = get_on(&tx, &slug).await?;
    super::notify(&tx, "keys").await?;
    tx.commit().await?;
    Ok(CreatedProject { project, key })
}

pub async fn rename(pg: &Pg, id: &str, name: &str) -> Result<Project, StoreError> {
    let name = check_name(name)?;
    let c = pg.client().await?;
    if c.execute("UPDATE projects SET name = $2 WHERE id = $1", &[&id, &name])
        .await?
        == 0
    {
        return Err(StoreError::NotFound(format!("no project `{id}`")));
    }
    get_on(&c, id).await
}

pub async fn set_retention(pg: &Pg, id: &str, days: Option<u32>) -> Result<Project, StoreError> {
    check_retention(days)?;
    let c = pg.client().await?;
    let days = days.map(i64::from);
    if c.execute(
        "UPDATE projects SET retention_days = $2 WHERE id = $1",
        &[&id, &days],
    )
    .await?
        == 0
    {
        return Err(StoreError::NotFound(format!("no project `{id}`")));
    }
    get_on(&c, id).await
}

/// Deletes a project and everything in it, in one transaction (the foreign keys cascade).
pub async fn delete(pg: &Pg, id: &str) -> Result<Deleted, StoreError> {
    check_deletable(id)?;
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    let found = tx
        .query_opt("SELECT 1 FROM projects WHERE id = $1 FOR UPDATE", &[&id])
        .await?;
    if found.is_none() {
        return Err(StoreError::NotFound(format!("no project `{id}`")));
    }
    let count = |sql: &'static str| {
        let tx = &tx;
        async move { Ok::<i64, StoreError>(tx.query_one(sql, &[&id]).await?.get(0)) }
    };
    let deleted = Deleted {
        project: id.to_string(),
        issues: count("SELECT count(*) FROM issues WHERE project_id = $1").await?,
        events: count(
            "SELECT count(*) FROM events WHERE issue_id IN (SELECT id FROM issues WHERE project_id = $1)",
        )
        .await?,
        keys: count("SELECT count(*) FROM project_keys WHERE project_id = $1").await?,
    };
    // Events have no foreign key to their issue (migration 0002): they go first, by hand.
    tx.execute(
        "DELETE FROM events WHERE issue_id IN (SELECT id FROM issues WHERE project_id = $1)",
        &[&id],
    )
    .await?;
    // LLM rows no foreign key takes with the project (its traces, spans, scores, feedback,
    // search rows and settings go by cascade).
    for table in [
        "llm_usage_hourly",
        "llm_latency_hourly",
        "llm_latency_daily",
        "llm_prompt_hourly",
        "llm_sessions",
        "llm_session_users",
        "llm_tool_hourly",
        "llm_tool_latency_hourly",
        "llm_user_daily",
        "llm_error_spans",
        "llm_reported_traces",
        "llm_prices",
    ] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE project_id = $1"),
            &[&id],
        )
        .await?;
    }
    tx.execute("DELETE FROM sourcemaps WHERE project_id = $1", &[&id])
        .await?;
    // A project made later under the same slug starts scrubbed, like any new project.
    let off = format!("{}{id}", crate::scrub::PROJECT_OFF_PREFIX);
    tx.execute("DELETE FROM settings WHERE key = $1", &[&off])
        .await?;
    tx.execute("DELETE FROM projects WHERE id = $1", &[&id])
        .await?;
    super::notify(&tx, "keys").await?;
    tx.commit().await?;
    Ok(deleted)
}
