-- Indexes for the dashboard's LLM pages at 1,000,000 spans (bench/llm_pages.py).

-- A project's traces by cost or by duration: the page of the most expensive (or slowest)
-- traces is read from the front of the index instead of sorting the whole window.
CREATE INDEX llm_traces_cost ON llm_traces(project_id, cost_micros DESC, started_at DESC);
CREATE INDEX llm_traces_duration
    ON llm_traces(project_id, (ended_at - started_at) DESC, started_at DESC);

-- The overview's top users: the window's traces that name a user, read from the index alone.
CREATE INDEX llm_traces_users
    ON llm_traces(project_id, started_at, user_id, cost_micros, input_tokens, output_tokens)
    WHERE user_id IS NOT NULL;
