-- Indexes for the LLM query API (measured at 1,000,000 spans).

-- Traces that failed (an error span or an error status), by time: the overview's error count
-- and the trace list's `has_error=true` read these instead of every trace of the window.
CREATE INDEX llm_traces_errors ON llm_traces(project_id, started_at)
    WHERE error_spans > 0 OR status = 'error';

-- Tool, retrieval and other non-generation spans, covering what the tools query reads (name,
-- latency, status), so its per-name percentiles never touch the span rows.
DROP INDEX llm_spans_type;
CREATE INDEX llm_spans_type ON llm_spans(project_id, span_type, started_at, name, latency_ms, status)
    WHERE span_type <> 'generation';

-- Traces that used a model in any of their spans (`/v1/llm/traces?model=`).
CREATE INDEX llm_spans_model ON llm_spans(model, trace_pk) WHERE model IS NOT NULL;
