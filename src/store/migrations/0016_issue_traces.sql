-- What an error cost: an error event that names an LLM trace (`metadata.trace_id`, or Sentry's
-- trace context `metadata.contexts.trace.trace_id`) links its issue to that trace of the same
-- project, in the writer's transaction. The link holds the trace's id, not its row, so a trace
-- written after the event (or sent again) joins all the same, and one that never came or was
-- pruned adds nothing. Links go with their issue (project deletion); a prune removes those
-- older than the project's retention whose trace is not stored, and keeps the rest (pruning
-- raw events does not touch them: the issue's aggregates stay too).
CREATE TABLE issue_traces (
    issue_id   INTEGER NOT NULL,
    project_id TEXT NOT NULL,
    trace_id   TEXT NOT NULL,
    first_seen INTEGER NOT NULL,   -- received_at of the first event naming the trace
    events     INTEGER NOT NULL,   -- events of the issue naming the trace
    PRIMARY KEY (issue_id, trace_id)
) STRICT, WITHOUT ROWID;
-- The issues of a trace; a project's links (deletion).
CREATE INDEX issue_traces_trace ON issue_traces(project_id, trace_id);
-- The links of a window, for the issues that cost most (the LLM overview).
CREATE INDEX issue_traces_recent ON issue_traces(project_id, first_seen);
