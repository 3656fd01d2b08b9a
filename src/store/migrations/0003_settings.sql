-- Settings changed at runtime (dashboard, admin API) that override config.toml defaults.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
