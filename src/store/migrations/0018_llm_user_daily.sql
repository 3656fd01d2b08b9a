-- Traces, spend and tokens per project, UTC day (of the trace's start) and user: the LLM
-- overview's top users by cost read whole days here and only the partial days at the window's
-- edges from the traces (before, it read the newest 20,000 traces of the window and said so).
-- Kept by the writer like the hourly rollups, and follows their retention.
CREATE TABLE llm_user_daily (
    project_id  TEXT NOT NULL,
    day         INTEGER NOT NULL,
    user_id     TEXT NOT NULL,
    traces      INTEGER NOT NULL,
    cost_count  INTEGER NOT NULL,    -- traces with a cost
    cost_micros INTEGER NOT NULL,
    tokens      INTEGER NOT NULL,    -- input + output
    PRIMARY KEY (project_id, day, user_id)
) STRICT, WITHOUT ROWID;

INSERT INTO llm_user_daily (project_id, day, user_id, traces, cost_count, cost_micros, tokens)
SELECT project_id, (started_at / 86400000) * 86400000, user_id, count(*), count(cost_micros),
       coalesce(sum(cost_micros), 0), sum(input_tokens + output_tokens)
FROM llm_traces WHERE user_id IS NOT NULL
GROUP BY 1, 2, 3;
