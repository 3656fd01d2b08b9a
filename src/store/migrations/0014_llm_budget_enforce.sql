-- A project's monthly LLM budget can be enforced: once this month's spend reaches it, the LLM
-- proxy answers 429 `bloop_budget_exceeded` instead of calling the provider.
ALTER TABLE llm_settings ADD COLUMN enforce_budget INTEGER NOT NULL DEFAULT 0;
