//! LLM traces written on PostgreSQL (the writer side).
