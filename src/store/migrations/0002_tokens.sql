-- API bearer tokens: only the SHA-256 of the token is stored; the token is shown once.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,         -- lowercase hex SHA-256 of the whole token
    prefix       TEXT NOT NULL,                -- first characters, to recognise it in lists
    scopes       TEXT NOT NULL,                -- comma-separated
    project_id   TEXT REFERENCES projects(id) ON DELETE CASCADE,  -- NULL = every project
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked_at   INTEGER
) STRICT;
