//! Triage on PostgreSQL: assignees, notes and an issue's timeline (see `store::triage`).

use super::Pg;
use crate::store::issues::IssueRow;
use crate::store::triage::{
    check_note, merge_timeline, AssignmentChange, HistoryEntry, Note, TIMELINE_LIMIT,
};
use crate::store::{now_ms, StoreError};

/// Assigns the issue to the dashboard user named `user` (None: nobody), recorded under `actor`.
pub async fn assign(
    pg: &Pg,
    issue_id: i64,
    user: Option<&str>,
    actor: &str,
) -> Result<IssueRow, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    let old = tx
        .query_opt(
            "SELECT i.assignee_id, u.name FROM issues i LEFT JOIN users u ON u.id = i.assignee_id
             WHERE i.id = $1 FOR UPDATE OF i",
            &[&issue_id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound("issue not found".into()))?;
    let (old_id, old_name): (Option<i64>, Option<String>) = (old.get(0), old.get(1));
    let new: Option<(i64, String)> = match user {
        Some(u) => Some(
            tx.query_opt(
                "SELECT id, name FROM users WHERE lower(name) = lower($1)",
                &[&u.trim()],
            )
            .await?
            .map(|r| (r.get(0), r.get(1)))
            .ok_or_else(|| StoreError::Invalid {
                field: "user".into(),
                message: format!("no dashboard user named `{}`", u.trim()),
            })?,
        ),
        None => None,
    };
    let new_id = new.as_ref().map(|n| n.0);
    if old_id != new_id {
        tx.execute(
            "UPDATE issues SET assignee_id = $2 WHERE id = $1",
            &[&issue_id, &new_id],
        )
        .await?;
        tx.execute(
            "INSERT INTO assignment_history (issue_id, old_assignee, new_assignee, actor,
                 changed_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                &issue_id,
                &old_name,
                &new.as_ref().map(|n| n.1.as_str()),
                &actor,
                &now_ms(),
            ],
        )
        .await?;
    }
    let row = super::issues::by_id(&tx, issue_id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn add_note(
    pg: &Pg,
    issue_id: i64,
    text: &str,
    author: &str,
) -> Result<Note, StoreError> {
    let text = check_note(text).map_err(|e| StoreError::Invalid {
        field: e.field,
        message: e.message,
    })?;
    let now = now_ms();
    let c = pg.client().await?;
    let id: i64 = c
        .query_one(
            "INSERT INTO issue_notes (issue_id, author, text, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id",
            &[&issue_id, &author, &text, &now],
        )
        .await?
        .get(0);
    Ok(Note {
        id,
        author: author.to_string(),
        text: text.to_string(),
        created_at: now,
    })
}

pub async fn notes(
    pg: &Pg,
    issue_id: i64,
    limit: u32,
    offset: u32,
) -> Result<Vec<Note>, StoreError> {
    let c = pg.client().await?;
    Ok(c.query(
        "SELECT id, author, text, created_at FROM issue_notes WHERE issue_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        &[&issue_id, &i64::from(limit), &i64::from(offset)],
    )
    .await?
    .iter()
    .map(|r| Note {
        id: r.get(0),
        author: r.get(1),
        text: r.get(2),
        created_at: r.get(3),
    })
    .collect())
}

/// Status changes, assignment changes and notes, newest first.
pub async fn timeline(pg: &Pg, issue_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
    let status = super::issues::history(pg, issue_id).await?;
    let c = pg.client().await?;
    let assignments = c
        .query(
            "SELECT old_assignee, new_assignee, actor, changed_at FROM assignment_history
             WHERE issue_id = $1 ORDER BY changed_at DESC, id DESC LIMIT $2",
            &[&issue_id, &i64::from(TIMELINE_LIMIT)],
        )
        .await?
        .iter()
        .map(|r| AssignmentChange {
            old_assignee: r.get(0),
            new_assignee: r.get(1),
            changed_by: r.get(2),
            changed_at: r.get(3),
        })
        .collect();
    drop(c);
    let notes = notes(pg, issue_id, TIMELINE_LIMIT, 0).await?;
    Ok(merge_timeline(status, assignments, notes))
}
