//! Projects: list, create (with a first ingest key), show, rename, delete (with all their data,
//! in one transaction; `default` cannot be deleted) and the per-project retention override.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{now_ms, StoreError};

pub const DEFAULT_PROJECT: &str = "default";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub retention_days: Option<u32>,
    /// Issues in the project.
    pub issues: i64,
    /// Events ever received (sum of issue counts).
    pub events: i64,
    /// Usable ingest keys.
    pub keys: i64,
}

const SELECT: &str = "SELECT p.id, p.name, p.created_at, p.retention_days,
        (SELECT count(*) FROM issues i WHERE i.project_id = p.id),
        (SELECT coalesce(sum(total_count), 0) FROM issues i WHERE i.project_id = p.id),
        (SELECT count(*) FROM project_keys k WHERE k.project_id = p.id
            AND (k.revoked_at IS NULL OR k.revoked_at > ?1))
     FROM projects p";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: r.get(0)?,
        name: r.get(1)?,
        created_at: r.get(2)?,
        retention_days: r.get(3)?,
        issues: r.get(4)?,
        events: r.get(5)?,
        keys: r.get(6)?,
    })
}

/// Slugs are lowercase letters, digits and dashes, 1-64 characters, starting with a letter or digit.
pub fn validate_slug(slug: &str) -> Result<(), StoreError> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            field: "slug".into(),
            message: format!(
                "`{slug}` is not a valid slug: use 1-64 lowercase letters, digits and dashes"
            ),
        })
    }
}

/// A slug derived from a display name: "My App (iOS)" → "my-app-ios".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    trimmed.chars().take(64).collect()
}

pub fn list(conn: &Connection, only: Option<&str>) -> Result<Vec<Project>, StoreError> {
    let mut st = conn.prepare(&format!(
        "{SELECT} WHERE ?2 IS NULL OR p.id = ?2 ORDER BY p.created_at, p.id"
    ))?;
    let rows = st
        .query_map(params![now_ms(), only], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Every project's id and name, without the counts (cheap, for pickers).
pub fn names(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut st = conn.prepare_cached("SELECT id, name FROM projects ORDER BY created_at, id")?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: &str) -> Result<Project, StoreError> {
    conn.query_row(
        &format!("{SELECT} WHERE p.id = ?2"),
        params![now_ms(), id],
        row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("no project `{id}`")))
}

pub fn exists(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM projects WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// A project name, trimmed, or why it is refused.
pub fn check_name(name: &str) -> Result<&str, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(StoreError::Invalid {
            field: "name".into(),
            message: "must be 1-200 characters".into(),
        });
    }
    Ok(name)
}

/// The (trimmed) name and the slug of a new project: given, or derived from the name.
pub fn name_and_slug<'a>(
    name: &'a str,
    slug: Option<&str>,
) -> Result<(&'a str, String), StoreError> {
    let name = check_name(name)?;
    let slug = match slug {
        Some(s) => s.to_string(),
        None => slugify(name),
    };
    validate_slug(&slug)?;
    Ok((name, slug))
}

/// Creates a project; the slug defaults to one derived from the name.
pub fn create(conn: &Connection, name: &str, slug: Option<&str>) -> Result<Project, StoreError> {
    let (name, slug) = name_and_slug(name, slug)?;
    if exists(conn, &slug)? {
        return Err(StoreError::Conflict(format!(
            "a project with slug `{slug}` already exists"
        )));
    }
    conn.execute(
        "INSERT INTO projects (id, name, created_at, dsn_id)
         VALUES (?1, ?2, ?3, (SELECT coalesce(max(dsn_id), 0) + 1 FROM projects))",
        params![slug, name, now_ms()],
    )?;
    get(conn, &slug)
}

/// A created project with its first ingest key.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedProject {
    #[serde(flatten)]
    pub project: Project,
    pub key: super::keys::KeyRow,
}

/// Creates a project and its first ingest key (named `default`) in one transaction: a
/// project is never left without a key to send with.
pub fn create_with_key(
    conn: &mut Connection,
    name: &str,
    slug: Option<&str>,
) -> Result<CreatedProject, StoreError> {
    let tx = conn.transaction()?;
    let project = create(&tx, name, slug)?;
    let key = super::keys::create(&tx, &project.id, "default")?;
    tx.commit()?;
    Ok(CreatedProject {
        project: get(conn, &key.project_id)?,
        key,
    })
}

pub fn rename(conn: &Connection, id: &str, name: &str) -> Result<Project, StoreError> {
    let name = check_name(name)?;
    if conn.execute(
        "UPDATE projects SET name = ?2 WHERE id = ?1",
        params![id, name],
    )? == 0
    {
        return Err(StoreError::NotFound(format!("no project `{id}`")));
    }
    get(conn, id)
}

/// Refuses a retention of 0 days.
pub fn check_retention(days: Option<u32>) -> Result<(), StoreError> {
    if days == Some(0) {
        return Err(StoreError::Invalid {
            field: "retention_days".into(),
            message: "must be at least 1".into(),
        });
    }
    Ok(())
}

/// Sets (or clears) the project's raw-event retention in days.
pub fn set_retention(
    conn: &Connection,
    id: &str,
    days: Option<u32>,
) -> Result<Project, StoreError> {
    check_retention(days)?;
    if conn.execute(
        "UPDATE projects SET retention_days = ?2 WHERE id = ?1",
        params![id, days],
    )? == 0
    {
        return Err(StoreError::NotFound(format!("no project `{id}`")));
    }
    get(conn, id)
}

/// What deleting a project removed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Deleted {
    pub project: String,
    pub issues: i64,
    pub events: i64,
    pub keys: i64,
}

/// Ids of a project's events: the indexed ones and the writer's not yet indexed tail.
const PROJECT_EVENTS: &str = "SELECT id FROM event_issues
     WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)
     UNION ALL
     SELECT id FROM events WHERE id > (SELECT through FROM event_index)
     AND issue_id IN (SELECT id FROM issues WHERE project_id = ?1)";

/// Turns foreign-key enforcement off on a connection and back on when dropped (it cannot
/// change inside a transaction, so this wraps one).
struct ForeignKeysOff<'c> {
    conn: &'c mut Connection,
}

impl<'c> ForeignKeysOff<'c> {
    fn new(conn: &'c mut Connection) -> rusqlite::Result<Self> {
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        Ok(Self { conn })
    }
}

impl Drop for ForeignKeysOff<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.conn.pragma_update(None, "foreign_keys", "ON") {
            tracing::error!(error = %e, "could not turn foreign keys back on");
        }
    }
}

/// Deletes a project and everything in it, in one transaction.
/// Refuses to delete the default project.
pub fn check_deletable(id: &str) -> Result<(), StoreError> {
    if id == DEFAULT_PROJECT {
        return Err(StoreError::Invalid {
            field: "project".into(),
            message: "the default project cannot be deleted".into(),
        });
    }
    Ok(())
}

pub fn delete(conn: &mut Connection, id: &str) -> Result<Deleted, StoreError> {
    check_deletable(id)?;
    // Every child row is deleted explicitly below, so foreign-key actions have nothing to do;
    // left on, SQLite would look for each deleted issue's events through `events.issue_id`,
    // which has no index (see migration 0008): a full scan per issue.
    let guard = ForeignKeysOff::new(conn)?;
    let tx = guard
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if !exists(&tx, id)? {
        return Err(StoreError::NotFound(format!("no project `{id}`")));
    }
    let count = |sql: &str| -> rusqlite::Result<i64> { tx.query_row(sql, [id], |r| r.get(0)) };
    let deleted = Deleted {
        project: id.to_string(),
        issues: count("SELECT count(*) FROM issues WHERE project_id = ?1")?,
        events: count(&format!("SELECT count(*) FROM ({PROJECT_EVENTS})"))?,
        keys: count("SELECT count(*) FROM project_keys WHERE project_id = ?1")?,
    };
    // Children first (explicitly, so the cost is visible and does not depend on cascade order).
    for sql in [
        &format!("DELETE FROM events WHERE id IN ({PROJECT_EVENTS})"),
        "DELETE FROM event_issues WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM samples WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM hourly_counts WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM issue_releases WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM issue_slices WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM status_history WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM assignment_history WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM issue_notes WHERE issue_id IN (SELECT id FROM issues WHERE project_id = ?1)",
        "DELETE FROM issue_traces WHERE project_id = ?1",
        "DELETE FROM issues WHERE project_id = ?1",
        "DELETE FROM project_keys WHERE project_id = ?1",
        "DELETE FROM project_hourly WHERE project_id = ?1",
        "DELETE FROM release_totals WHERE project_id = ?1",
        "DELETE FROM release_hours WHERE project_id = ?1",
        "DELETE FROM environment_totals WHERE project_id = ?1",
        "DELETE FROM sourcemaps WHERE project_id = ?1",
        "DELETE FROM api_tokens WHERE project_id = ?1",
        "DELETE FROM alert_cooldowns WHERE rule_id IN (SELECT id FROM alert_rules WHERE project_id = ?1)",
        "DELETE FROM alert_deliveries WHERE rule_id IN (SELECT id FROM alert_rules WHERE project_id = ?1)",
        "DELETE FROM alert_rules WHERE project_id = ?1",
        "DELETE FROM llm_search WHERE rowid IN (SELECT pk FROM llm_traces WHERE project_id = ?1)",
        "DELETE FROM llm_scores WHERE trace_pk IN (SELECT pk FROM llm_traces WHERE project_id = ?1)",
        "DELETE FROM llm_feedback WHERE trace_pk IN (SELECT pk FROM llm_traces WHERE project_id = ?1)",
        "DELETE FROM llm_spans WHERE trace_pk IN (SELECT pk FROM llm_traces WHERE project_id = ?1)",
        "DELETE FROM llm_traces WHERE project_id = ?1",
        "DELETE FROM llm_usage_hourly WHERE project_id = ?1",
        "DELETE FROM llm_latency_hourly WHERE project_id = ?1",
        "DELETE FROM llm_latency_daily WHERE project_id = ?1",
        "DELETE FROM llm_prompt_hourly WHERE project_id = ?1",
        "DELETE FROM llm_tool_hourly WHERE project_id = ?1",
        "DELETE FROM llm_tool_latency_hourly WHERE project_id = ?1",
        "DELETE FROM llm_sessions WHERE project_id = ?1",
        "DELETE FROM llm_error_spans WHERE project_id = ?1",
        "DELETE FROM llm_reported_traces WHERE project_id = ?1",
        // A project made later under the same slug starts scrubbed, like any new project.
        &format!(
            "DELETE FROM settings WHERE key = '{}' || ?1",
            crate::scrub::PROJECT_OFF_PREFIX
        ),
        "DELETE FROM llm_session_users WHERE project_id = ?1",
        "DELETE FROM llm_user_daily WHERE project_id = ?1",
        "DELETE FROM llm_settings WHERE project_id = ?1",
        "DELETE FROM llm_prices WHERE project_id = ?1",
        "DELETE FROM projects WHERE id = ?1",
    ] {
        tx.execute(sql, [id])?;
    }
    tx.commit()?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("My App (iOS)"), "my-app-ios");
        assert!(validate_slug("my-app-2").is_ok());
        assert!(validate_slug("My App").is_err());
        assert!(validate_slug("").is_err());
        assert!(validate_slug("-x").is_err());
    }

    #[test]
    fn create_rename_delete() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("b.db")).unwrap();
        let p = create(&conn, "Mobile App", None).unwrap();
        assert_eq!(p.id, "mobile-app");
        assert!(matches!(
            create(&conn, "Mobile App", None),
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            rename(&conn, "mobile-app", "Phones").unwrap().name,
            "Phones"
        );
        crate::store::keys::create(&conn, "mobile-app", "k").unwrap();
        let d = delete(&mut conn, "mobile-app").unwrap();
        assert_eq!(d.keys, 1);
        assert!(matches!(
            get(&conn, "mobile-app"),
            Err(StoreError::NotFound(_))
        ));
        assert!(delete(&mut conn, "default").is_err());
    }
}
