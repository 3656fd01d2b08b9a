-- bloop schema, version 1. Never edit once landed: add a new numbered file instead.
-- All times are epoch milliseconds from the server clock unless a column says otherwise.

CREATE TABLE projects (
    id             TEXT PRIMARY KEY,           -- the slug; immutable, used in URLs and API rows
    name           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    retention_days INTEGER                     -- NULL = retention.raw_events_days
) STRICT;

INSERT INTO projects (id, name, created_at) VALUES ('default', 'Default', unixepoch() * 1000);

-- Ingest keys: HMAC secrets, so stored as they are (the file is 0600).
CREATE TABLE project_keys (
    id           INTEGER PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    key          TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER                       -- the key stops working at this time (may be future: grace)
) STRICT;
CREATE INDEX project_keys_project ON project_keys(project_id);

-- One row per (project, fingerprint): the issue.
CREATE TABLE issues (
    id                  INTEGER PRIMARY KEY,
    project_id          TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    fingerprint         TEXT NOT NULL,
    error_type          TEXT NOT NULL,
    message             TEXT NOT NULL,         -- the first message seen
    source              TEXT NOT NULL,
    route_or_procedure  TEXT,
    screen              TEXT,
    status              TEXT NOT NULL DEFAULT 'unresolved',
    resolved_in_release TEXT,                  -- set by "resolve in release"
    total_count         INTEGER NOT NULL,
    first_seen          INTEGER NOT NULL,
    last_seen           INTEGER NOT NULL,
    release             TEXT NOT NULL DEFAULT '',  -- the last release seen
    environment         TEXT NOT NULL DEFAULT '',  -- the last environment seen
    UNIQUE (project_id, fingerprint)
) STRICT;
CREATE INDEX issues_last_seen ON issues(project_id, last_seen DESC);
CREATE INDEX issues_status ON issues(project_id, status, last_seen DESC);

CREATE TABLE issue_releases (
    issue_id   INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    release    TEXT NOT NULL,
    count      INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (issue_id, release)
) STRICT, WITHOUT ROWID;
CREATE INDEX issue_releases_release ON issue_releases(release);

CREATE TABLE issue_environments (
    issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    environment TEXT NOT NULL,
    count       INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (issue_id, environment)
) STRICT, WITHOUT ROWID;

-- Events per issue per hour (hour = start of the hour, server time).
CREATE TABLE hourly_counts (
    issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    hour     INTEGER NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (issue_id, hour)
) STRICT, WITHOUT ROWID;
CREATE INDEX hourly_counts_hour ON hourly_counts(hour);

-- Raw events, pruned after retention. Columns that equal the issue's value (error_type, source,
-- route, screen) are NULL: they are derivable and not stored twice.
CREATE TABLE events (
    id                 INTEGER PRIMARY KEY,
    issue_id           INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    received_at        INTEGER NOT NULL,
    timestamp          INTEGER NOT NULL,       -- client time, normalised to ms
    error_type         TEXT,
    message            TEXT NOT NULL,
    source             TEXT,
    environment        TEXT NOT NULL,
    release            TEXT NOT NULL,
    app_version        TEXT,
    build_number       TEXT,
    route_or_procedure TEXT,
    screen             TEXT,
    stack              TEXT,
    http_status        INTEGER,
    request_id         TEXT,
    user_id_hash       TEXT,
    device_id_hash     TEXT,
    metadata           TEXT
) STRICT;
CREATE INDEX events_issue ON events(issue_id, id);
CREATE INDEX events_received ON events(received_at);

-- Sample reservoir per issue: a full copy of the event as JSON, kept after raw events are pruned.
CREATE TABLE samples (
    issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    slot        INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    event       TEXT NOT NULL,
    PRIMARY KEY (issue_id, slot)
) STRICT, WITHOUT ROWID;

CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    old_status  TEXT NOT NULL,
    new_status  TEXT NOT NULL,
    actor       TEXT NOT NULL,                 -- 'system' for regressions, else user/token name
    reason      TEXT,
    release     TEXT,
    changed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX status_history_issue ON status_history(issue_id, changed_at);
