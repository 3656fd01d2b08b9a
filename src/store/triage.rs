//! Triage beyond status: an issue's assignee (a dashboard user) with the history of who changed
//! it, notes on an issue, and the issue's timeline — status changes, assignment changes and
//! notes interleaved by time — that `GET /v1/errors/{fp}/history`, the issue page and
//! `bloop query error` show. Status changes themselves live in [`super::issues`].
//!
//! Who did something is the caller's actor string, as status history records it:
//! `user:<name>` (a dashboard session), `token:<name>` (an API token) or `cli` (a local command).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::issues::{self, IssueRow, ParamError, StatusChange};
use super::{now_ms, StoreError};

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;
/// Entries of each kind the timeline reads at most (newest first): a busy issue's page and
/// answer stay bounded however many notes a token writes.
pub const TIMELINE_LIMIT: u32 = 500;

/// A note's text, checked: 1 to [`MAX_NOTE_CHARS`] characters, not only whitespace.
pub fn check_note(text: &str) -> Result<&str, ParamError> {
    let chars = text.chars().count();
    if text.trim().is_empty() || chars > MAX_NOTE_CHARS {
        return Err(ParamError {
            field: "text".into(),
            message: format!(
                "a note must be 1 to {MAX_NOTE_CHARS} characters (this one has {chars}{})",
                if chars > 0 && text.trim().is_empty() {
                    ", all whitespace"
                } else {
                    ""
                }
            ),
            limit: Some(MAX_NOTE_CHARS as u64),
        });
    }
    Ok(text)
}

/// A note on an issue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Note {
    pub id: i64,
    /// Who wrote it: `user:<name>`, `token:<name>` or `cli`.
    pub author: String,
    /// As written (attacker-controllable: escape it wherever it is shown).
    pub text: String,
    pub created_at: i64,
}

/// A change of an issue's assignee.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct AssignmentChange {
    /// The user assigned before (their name then); null = nobody.
    pub old_assignee: Option<String>,
    /// The user assigned now; null = unassigned.
    pub new_assignee: Option<String>,
    /// Who changed it: `user:<name>`, `token:<name>` or `cli`.
    pub changed_by: String,
    pub changed_at: i64,
}

/// One entry of an issue's timeline, told apart by `kind`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEntry {
    /// A status change (resolve, ignore, mute, reopen, regression).
    Status(StatusChange),
    /// The assignee changed.
    Assignment(AssignmentChange),
    /// A note was added.
    Note(Note),
}

impl HistoryEntry {
    /// When it happened (epoch ms).
    pub fn at(&self) -> i64 {
        match self {
            HistoryEntry::Status(s) => s.changed_at,
            HistoryEntry::Assignment(a) => a.changed_at,
            HistoryEntry::Note(n) => n.created_at,
        }
    }
}

/// The dashboard user `who` names (case-insensitive), or a 400 naming `user`.
fn user_named(conn: &Connection, who: &str) -> Result<(i64, String), StoreError> {
    conn.query_row(
        "SELECT id, name FROM users WHERE name = ?1",
        [who.trim()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| StoreError::Invalid {
        field: "user".into(),
        message: format!("no dashboard user named `{}`", who.trim()),
    })
}

/// Assigns issue `issue_id` to the dashboard user named `user` (None: unassigns it), recording
/// the change with `actor` unless nothing changed. Answers the issue as it is now.
pub fn assign(
    conn: &mut Connection,
    issue_id: i64,
    user: Option<&str>,
    actor: &str,
) -> Result<IssueRow, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let old: (Option<i64>, Option<String>) = tx
        .query_row(
            "SELECT i.assignee_id, u.name FROM issues i LEFT JOIN users u ON u.id = i.assignee_id
             WHERE i.id = ?1",
            [issue_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound("issue not found".into()))?;
    let new = match user {
        Some(u) => Some(user_named(&tx, u)?),
        None => None,
    };
    if old.0 != new.as_ref().map(|n| n.0) {
        tx.execute(
            "UPDATE issues SET assignee_id = ?2 WHERE id = ?1",
            params![issue_id, new.as_ref().map(|n| n.0)],
        )?;
        tx.execute(
            "INSERT INTO assignment_history (issue_id, old_assignee, new_assignee, actor, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                issue_id,
                old.1,
                new.as_ref().map(|n| n.1.as_str()),
                actor,
                now_ms()
            ],
        )?;
    }
    let row = issues::by_id(&tx, issue_id)?;
    tx.commit()?;
    Ok(row)
}

/// Adds a note to issue `issue_id`, written by `author`.
pub fn add_note(
    conn: &Connection,
    issue_id: i64,
    text: &str,
    author: &str,
) -> Result<Note, StoreError> {
    let text = check_note(text).map_err(|e| StoreError::Invalid {
        field: e.field,
        message: e.message,
    })?;
    let now = now_ms();
    conn.execute(
        "INSERT INTO issue_notes (issue_id, author, text, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![issue_id, author, text, now],
    )?;
    Ok(Note {
        id: conn.last_insert_rowid(),
        author: author.to_string(),
        text: text.to_string(),
        created_at: now,
    })
}

/// An issue's notes, newest first.
pub fn notes(
    conn: &Connection,
    issue_id: i64,
    limit: u32,
    offset: u32,
) -> Result<Vec<Note>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT id, author, text, created_at FROM issue_notes WHERE issue_id = ?1
         ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = st
        .query_map(params![issue_id, limit, offset], |r| {
            Ok(Note {
                id: r.get(0)?,
                author: r.get(1)?,
                text: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn assignments(conn: &Connection, issue_id: i64) -> Result<Vec<AssignmentChange>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT old_assignee, new_assignee, actor, changed_at FROM assignment_history
         WHERE issue_id = ?1 ORDER BY changed_at DESC, id DESC LIMIT ?2",
    )?;
    let rows = st
        .query_map(params![issue_id, TIMELINE_LIMIT], |r| {
            Ok(AssignmentChange {
                old_assignee: r.get(0)?,
                new_assignee: r.get(1)?,
                changed_by: r.get(2)?,
                changed_at: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// An issue's timeline, newest first: status changes, assignment changes and notes (at most
/// [`TIMELINE_LIMIT`] of each kind, the newest).
pub fn timeline(conn: &Connection, issue_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
    Ok(merge_timeline(
        issues::history(conn, issue_id)?,
        assignments(conn, issue_id)?,
        notes(conn, issue_id, TIMELINE_LIMIT, 0)?,
    ))
}

/// The timeline from each kind's newest-first rows.
pub fn merge_timeline(
    status: Vec<StatusChange>,
    assignments: Vec<AssignmentChange>,
    notes: Vec<Note>,
) -> Vec<HistoryEntry> {
    let mut out: Vec<HistoryEntry> = status
        .into_iter()
        .take(TIMELINE_LIMIT as usize)
        .map(HistoryEntry::Status)
        .collect();
    out.extend(assignments.into_iter().map(HistoryEntry::Assignment));
    out.extend(notes.into_iter().map(HistoryEntry::Note));
    // Stable: within one millisecond each kind keeps its own newest-first order.
    out.sort_by_key(|e| std::cmp::Reverse(e.at()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_one_to_ten_thousand_characters() {
        assert!(check_note("fixed in #12").is_ok());
        assert!(check_note(&"é".repeat(MAX_NOTE_CHARS)).is_ok());
        let e = check_note(&"x".repeat(MAX_NOTE_CHARS + 1)).unwrap_err();
        assert_eq!(e.field, "text");
        assert_eq!(e.limit, Some(MAX_NOTE_CHARS as u64));
        assert!(check_note("").is_err());
        assert!(check_note(" \n\t")
            .unwrap_err()
            .message
            .contains("whitespace"));
    }

    #[test]
    fn history_entries_carry_their_kind() {
        let e = HistoryEntry::Note(Note {
            id: 1,
            author: "user:ana".into(),
            text: "<b>hi</b>".into(),
            created_at: 5,
        });
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "note");
        assert_eq!(v["text"], "<b>hi</b>");
        assert_eq!(serde_json::from_value::<HistoryEntry>(v).unwrap(), e);
    }
}
