-- The Sentry protocol. DSN keys are public (they ship inside browser bundles): they sit with the
-- ingest keys (listed, rotated and revoked the same way) but can only ingest through the Sentry
-- endpoints; HMAC signing, OTLP and the LLM proxy accept only `ingest` keys.
ALTER TABLE project_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'ingest';  -- 'ingest' | 'dsn'

-- The number in a project's DSN (`http://<key>@host/<number>`): the SDKs accept only digits
-- there. Stable once given; new projects take the next one.
ALTER TABLE projects ADD COLUMN dsn_id INTEGER;
UPDATE projects SET dsn_id = (
    SELECT count(*) FROM projects p
    WHERE p.created_at < projects.created_at
       OR (p.created_at = projects.created_at AND p.id <= projects.id));
CREATE UNIQUE INDEX projects_dsn_id ON projects(dsn_id);

-- Stack frames kept structured (JSON array) for events that came with them.
ALTER TABLE events ADD COLUMN frames TEXT;
