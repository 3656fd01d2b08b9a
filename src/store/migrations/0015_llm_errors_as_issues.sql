-- LLM failures become issues: a span with status `error` is also filed as an error event of its
-- project (source `llm`) once `llm_tracing.error_issue_delay_secs` has passed, unless the client
-- reported an error event carrying the trace id by then (`llm_reported_traces`).

-- NULL: on (the default); 0: off for this project.
ALTER TABLE llm_settings ADD COLUMN errors_as_issues INTEGER;

-- Error spans waiting to be filed (done = 0) or already handled (done = 1, kept so that a trace
-- sent again does not file its failures twice). The error type, HTTP status, environment and
-- release are read from the span's and trace's metadata when the trace is written, before the
-- content policy drops metadata.
CREATE TABLE llm_error_spans (
    project_id  TEXT NOT NULL,
    trace_id    TEXT NOT NULL,
    span_id     TEXT NOT NULL,
    due_at      INTEGER NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    error_type  TEXT NOT NULL,
    http_status INTEGER,
    environment TEXT NOT NULL,
    release     TEXT NOT NULL,
    PRIMARY KEY (project_id, trace_id, span_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX llm_error_spans_due ON llm_error_spans(due_at) WHERE done = 0;

-- Traces an error event named (`metadata.trace_id`): their failures are already an event.
CREATE TABLE llm_reported_traces (
    project_id  TEXT NOT NULL,
    trace_id    TEXT NOT NULL,
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, trace_id)
) STRICT, WITHOUT ROWID;
