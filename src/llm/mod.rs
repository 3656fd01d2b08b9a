//! LLM tracing (feature `llm-tracing`): the trace contract and its validation ([`trace`]), the
//! price table and cost computation ([`pricing`]), and the statistics for comparing prompt
//! versions ([`stats`]).

pub mod budget;
pub mod export;
pub mod pricing;
pub mod proxy;
pub mod stats;
pub mod trace;
