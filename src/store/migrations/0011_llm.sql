-- LLM tracing. Created in every build (an errors-only binary keeps pruning and backing up what a
-- full one wrote), written only with the `llm-tracing` feature.

-- One row per trace; the usage columns are sums over its spans, kept by the writer.
CREATE TABLE llm_traces (
    pk                 INTEGER PRIMARY KEY,
    project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    id                 TEXT NOT NULL,
    session_id         TEXT,
    user_id            TEXT,
    name               TEXT NOT NULL,
    status             TEXT NOT NULL,
    input              TEXT,
    output             TEXT,
    metadata           TEXT,
    prompt_name        TEXT,
    prompt_version     TEXT,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER,
    received_at        INTEGER NOT NULL,
    model              TEXT,                -- the first generation span's model
    span_count         INTEGER NOT NULL,
    error_spans        INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    cost_micros        INTEGER,             -- NULL: no span could be priced
    unpriced_spans     INTEGER NOT NULL,    -- spans with tokens and no price
    UNIQUE (project_id, id)
) STRICT;
CREATE INDEX llm_traces_recent ON llm_traces(project_id, started_at);
CREATE INDEX llm_traces_received ON llm_traces(project_id, received_at);
CREATE INDEX llm_traces_session ON llm_traces(project_id, session_id, started_at)
    WHERE session_id IS NOT NULL;
CREATE INDEX llm_traces_user ON llm_traces(project_id, user_id, started_at)
    WHERE user_id IS NOT NULL;
CREATE INDEX llm_traces_prompt ON llm_traces(project_id, prompt_name, prompt_version, started_at)
    WHERE prompt_name IS NOT NULL;

CREATE TABLE llm_spans (
    trace_pk             INTEGER NOT NULL REFERENCES llm_traces(pk) ON DELETE CASCADE,
    id                   TEXT NOT NULL,
    project_id           TEXT NOT NULL,
    parent_span_id       TEXT,
    span_type            TEXT NOT NULL,
    name                 TEXT NOT NULL,
    model                TEXT,
    provider             TEXT,
    input_tokens         INTEGER NOT NULL,
    output_tokens        INTEGER NOT NULL,
    cache_read_tokens    INTEGER NOT NULL,
    cache_write_tokens   INTEGER NOT NULL,
    input_includes_cache INTEGER NOT NULL,
    cost_micros          INTEGER,           -- NULL: unpriced
    cost_source          TEXT,              -- client | table | global_override | project_override
    latency_ms           INTEGER,
    ttft_ms              INTEGER,
    status               TEXT NOT NULL,     -- ok | error
    error_message        TEXT,
    input                TEXT,
    output               TEXT,
    metadata             TEXT,
    started_at           INTEGER NOT NULL,
    ended_at             INTEGER,
    PRIMARY KEY (trace_pk, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX llm_spans_time ON llm_spans(project_id, started_at);
CREATE INDEX llm_spans_type ON llm_spans(project_id, span_type, started_at)
    WHERE span_type <> 'generation';

-- Usage per project, hour (of the span's start), model and provider: what overview and usage
-- queries read. Re-sent traces take their old spans out before the new ones go in.
CREATE TABLE llm_usage_hourly (
    project_id         TEXT NOT NULL,
    hour               INTEGER NOT NULL,
    model              TEXT NOT NULL,
    provider           TEXT NOT NULL,
    spans              INTEGER NOT NULL,
    errors             INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    cost_micros        INTEGER NOT NULL,
    unpriced           INTEGER NOT NULL,
    latency_sum        INTEGER NOT NULL,
    latency_count      INTEGER NOT NULL,
    ttft_sum           INTEGER NOT NULL,
    ttft_count         INTEGER NOT NULL,
    PRIMARY KEY (project_id, hour, model, provider)
) STRICT, WITHOUT ROWID;

-- Latency and time-to-first-token histograms per project, hour and model: log buckets of about
-- 5 % width, so percentiles over any window come from a few hundred rows, not every span.
CREATE TABLE llm_latency_hourly (
    project_id TEXT NOT NULL,
    hour       INTEGER NOT NULL,
    model      TEXT NOT NULL,
    kind       INTEGER NOT NULL,            -- 0 latency, 1 time to first token
    bucket     INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (project_id, hour, model, kind, bucket)
) STRICT, WITHOUT ROWID;

-- Full-text search over a trace's names, error messages and stored content (rowid = trace pk).
CREATE VIRTUAL TABLE llm_search USING fts5(body, content = '', contentless_delete = 1);

-- Per-project LLM settings: content policy (NULL = the configured default), monthly budget.
CREATE TABLE llm_settings (
    project_id     TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    content        TEXT,
    budget_micros  INTEGER,
    updated_at     INTEGER NOT NULL
) STRICT;

-- Price overrides in USD per million tokens; project_id '' is global.
CREATE TABLE llm_prices (
    project_id      TEXT NOT NULL,
    model           TEXT NOT NULL COLLATE NOCASE,
    input_mtok      REAL NOT NULL,
    output_mtok     REAL NOT NULL,
    cache_read_mtok REAL,
    cache_write_mtok REAL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (project_id, model)
) STRICT;

CREATE TABLE llm_scores (
    id         INTEGER PRIMARY KEY,
    trace_pk   INTEGER NOT NULL REFERENCES llm_traces(pk) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      REAL NOT NULL,
    comment    TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX llm_scores_trace ON llm_scores(trace_pk);

CREATE TABLE llm_feedback (
    id         INTEGER PRIMARY KEY,
    trace_pk   INTEGER NOT NULL REFERENCES llm_traces(pk) ON DELETE CASCADE,
    rating     INTEGER NOT NULL,            -- +1 or -1
    comment    TEXT,
    user_id    TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX llm_feedback_trace ON llm_feedback(trace_pk);
