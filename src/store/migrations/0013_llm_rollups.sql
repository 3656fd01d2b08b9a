-- Rollups the writer keeps so that no LLM query reads every trace or span of its window
-- (measured at 1,000,000 spans over 7 days: prompts, usage by prompt, sessions and tools took
-- 1-1.5 s each from the raw rows). Filled from the stored traces by this migration's hook.

-- Traces per project, hour (of the trace's start) and prompt version; '' = none. What prompts,
-- compare, usage by prompt and the overview's trace counts read. Squares are REAL: a sum of
-- squared ms or micro-dollars leaves i64 quickly.
CREATE TABLE llm_prompt_hourly (
    project_id         TEXT NOT NULL,
    hour               INTEGER NOT NULL,
    prompt_name        TEXT NOT NULL,
    prompt_version     TEXT NOT NULL,
    traces             INTEGER NOT NULL,
    error_traces       INTEGER NOT NULL,
    spans              INTEGER NOT NULL,
    error_spans        INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    unpriced_spans     INTEGER NOT NULL,
    cost_count         INTEGER NOT NULL,    -- traces with a cost
    cost_micros        INTEGER NOT NULL,
    cost_sq            REAL NOT NULL,
    latency_count      INTEGER NOT NULL,    -- traces with an end
    latency_sum        INTEGER NOT NULL,
    latency_sq         REAL NOT NULL,
    first_at           INTEGER NOT NULL,    -- earliest and latest start in the hour (a named
    last_at            INTEGER NOT NULL,    -- prompt's; the hour itself for traces without one)
    PRIMARY KEY (project_id, hour, prompt_name, prompt_version)
) STRICT, WITHOUT ROWID;

-- One row per session: totals over all its stored traces. Follows the traces (prune takes
-- pruned traces out), not the hourly retention.
CREATE TABLE llm_sessions (
    project_id     TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    traces         INTEGER NOT NULL,
    error_traces   INTEGER NOT NULL,
    input_tokens   INTEGER NOT NULL,
    output_tokens  INTEGER NOT NULL,
    unpriced_spans INTEGER NOT NULL,
    cost_count     INTEGER NOT NULL,
    cost_micros    INTEGER NOT NULL,
    first_at       INTEGER NOT NULL,        -- earliest start
    last_at        INTEGER NOT NULL,        -- latest end (or start, for a trace without an end)
    PRIMARY KEY (project_id, session_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX llm_sessions_recent ON llm_sessions(project_id, last_at, first_at);

-- A session's users, with their trace counts (a session's `users` is its row count).
CREATE TABLE llm_session_users (
    project_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    traces     INTEGER NOT NULL,
    PRIMARY KEY (project_id, session_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX llm_session_users_user ON llm_session_users(project_id, user_id);

-- Tool, retrieval and other non-generation spans per hour and name, with latency histograms
-- (the buckets of llm_latency_hourly).
CREATE TABLE llm_tool_hourly (
    project_id  TEXT NOT NULL,
    hour        INTEGER NOT NULL,
    span_type   TEXT NOT NULL,
    name        TEXT NOT NULL,
    calls       INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    latency_max INTEGER,
    PRIMARY KEY (project_id, hour, span_type, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE llm_tool_latency_hourly (
    project_id TEXT NOT NULL,
    hour       INTEGER NOT NULL,
    span_type  TEXT NOT NULL,
    name       TEXT NOT NULL,
    bucket     INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (project_id, hour, span_type, name, bucket)
) STRICT, WITHOUT ROWID;

-- llm_latency_hourly summed per UTC day: windows longer than two days read whole days here.
CREATE TABLE llm_latency_daily (
    project_id TEXT NOT NULL,
    day        INTEGER NOT NULL,
    model      TEXT NOT NULL,
    kind       INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (project_id, day, model, kind, bucket)
) STRICT, WITHOUT ROWID;

INSERT INTO llm_latency_daily (project_id, day, model, kind, bucket, count)
SELECT project_id, (hour / 86400000) * 86400000, model, kind, bucket, SUM(count)
FROM llm_latency_hourly GROUP BY 1, 2, 3, 4, 5;

INSERT INTO llm_prompt_hourly
SELECT project_id, (started_at / 3600000) * 3600000, coalesce(prompt_name, ''),
       coalesce(prompt_version, ''), count(*), sum(error_spans > 0 OR status = 'error'),
       sum(span_count), sum(error_spans), sum(input_tokens), sum(output_tokens),
       sum(cache_read_tokens), sum(cache_write_tokens), sum(unpriced_spans), count(cost_micros),
       coalesce(sum(cost_micros), 0), coalesce(sum(CAST(cost_micros AS REAL) * cost_micros), 0),
       count(ended_at), coalesce(sum(ended_at - started_at), 0),
       coalesce(sum(CAST(ended_at - started_at AS REAL) * (ended_at - started_at)), 0),
       CASE WHEN coalesce(prompt_name, '') = '' THEN (started_at / 3600000) * 3600000
            ELSE min(started_at) END,
       CASE WHEN coalesce(prompt_name, '') = '' THEN (started_at / 3600000) * 3600000
            ELSE max(started_at) END
FROM llm_traces GROUP BY 1, 2, 3, 4;

INSERT INTO llm_sessions
SELECT project_id, session_id, count(*), sum(error_spans > 0 OR status = 'error'),
       sum(input_tokens), sum(output_tokens), sum(unpriced_spans), count(cost_micros),
       coalesce(sum(cost_micros), 0), min(started_at), max(coalesce(ended_at, started_at))
FROM llm_traces WHERE session_id IS NOT NULL GROUP BY 1, 2;

INSERT INTO llm_session_users
SELECT project_id, session_id, user_id, count(*)
FROM llm_traces WHERE session_id IS NOT NULL AND user_id IS NOT NULL GROUP BY 1, 2, 3;

INSERT INTO llm_tool_hourly
SELECT project_id, (started_at / 3600000) * 3600000, span_type, name, count(*),
       sum(status = 'error'), max(latency_ms)
FROM llm_spans WHERE span_type <> 'generation' GROUP BY 1, 2, 3, 4;
