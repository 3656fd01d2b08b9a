-- Alert rules, their cooldowns and the delivery log.
CREATE TABLE alert_rules (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    project_id         TEXT REFERENCES projects(id) ON DELETE CASCADE,  -- NULL = every project
    config             TEXT NOT NULL,          -- JSON: {"type": "new_issue" | "regression" | "threshold" | "spike", ...}
    channels           TEXT NOT NULL DEFAULT '[]',  -- JSON array; empty = the environment's channels
    environment_filter TEXT,
    source_filter      TEXT,
    release_filter     TEXT,
    enabled            INTEGER NOT NULL DEFAULT 1,
    created_at         INTEGER NOT NULL
) STRICT;

-- When a rule last fired for a key (an issue, a route or a project).
CREATE TABLE alert_cooldowns (
    rule_id    INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    last_fired INTEGER NOT NULL,
    PRIMARY KEY (rule_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE alert_deliveries (
    id           INTEGER PRIMARY KEY,
    rule_id      INTEGER REFERENCES alert_rules(id) ON DELETE CASCADE,
    channel      TEXT NOT NULL,               -- slack | webhook | email
    target       TEXT NOT NULL,               -- where, with secrets masked
    title        TEXT NOT NULL,
    status       TEXT NOT NULL,               -- sent | failed | dropped
    attempts     INTEGER NOT NULL,
    error        TEXT,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX alert_deliveries_rule ON alert_deliveries(rule_id, id DESC);
