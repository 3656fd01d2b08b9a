-- A project's traces by cost or duration, unpriced (unfinished) ones last: PostgreSQL puts
-- NULLs first in a descending index, so the "most expensive / slowest first" page could not
-- read the front of 0004's indexes (a one-project `sort=cost` page: 77 ms scan at 200,000
-- traces, 0.8 ms with these).
DROP INDEX llm_traces_cost;
CREATE INDEX llm_traces_cost
    ON llm_traces (project_id, cost_micros DESC NULLS LAST, started_at DESC);
DROP INDEX llm_traces_duration;
CREATE INDEX llm_traces_duration
    ON llm_traces (project_id, (ended_at - started_at) DESC NULLS LAST, started_at DESC);
