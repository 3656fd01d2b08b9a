-- Dashboard users, their passkeys, invites (the first admin's setup link is an invite too) and
-- sessions. Secrets (invite tokens, session ids) are stored only as SHA-256.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    handle        TEXT NOT NULL UNIQUE,          -- WebAuthn user handle (a random UUID)
    role          TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
) STRICT;

CREATE TABLE passkeys (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cred_id      TEXT NOT NULL UNIQUE,           -- base64url credential id
    name         TEXT NOT NULL,
    passkey      TEXT NOT NULL,                  -- the verified public key and counter (JSON)
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;
CREATE INDEX passkeys_user ON passkeys(user_id);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    setup       INTEGER NOT NULL DEFAULT 0,      -- 1: the first-admin setup link
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    used_by     INTEGER REFERENCES users(id) ON DELETE SET NULL
) STRICT;

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
