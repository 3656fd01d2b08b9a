-- Triage: an issue's assignee (a dashboard user), the history of assignment changes, and notes.
-- `assignee_id` is a users.id without a foreign key: removing a user unassigns their issues
-- explicitly, with a history entry (users::remove); the history keeps names as they were.
ALTER TABLE issues ADD COLUMN assignee_id INTEGER;
-- `assigned:<user>` and `assigned:me` read one user's issues, newest first, from here; removing a
-- user finds their issues here too. Unassigned issues (most) are left out of the index. Keyed on
-- the minute like the other recency indexes (0009), so the writer's updates of `last_seen` do
-- not move entries.
CREATE INDEX issues_assignee ON issues(assignee_id, last_seen_minute DESC)
    WHERE assignee_id IS NOT NULL;

CREATE TABLE assignment_history (
    id           INTEGER PRIMARY KEY,
    issue_id     INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    old_assignee TEXT,                         -- the user's name then; NULL = nobody
    new_assignee TEXT,
    actor        TEXT NOT NULL,                -- user:<name> | token:<name> | cli
    changed_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX assignment_history_issue ON assignment_history(issue_id, changed_at);

CREATE TABLE issue_notes (
    id         INTEGER PRIMARY KEY,
    issue_id   INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    author     TEXT NOT NULL,                  -- user:<name> | token:<name> | cli
    text       TEXT NOT NULL,                  -- 1-10,000 characters, as written (attacker-controlled)
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX issue_notes_issue ON issue_notes(issue_id, created_at);
