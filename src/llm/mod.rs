//! LLM tracing (feature `llm-tracing`): the trace contract and its validation ([`trace`]), the
//! price table and cost computation ([`pricing`]), and the statistics for comparing prompt
//! versions ([`stats`]).

pub mod budget;
pub mod export;
pub mod pricing;
pub mod proxy;
pub mod stats;
pub mod trace;

/// `s` cut to at most `max` bytes, on a char boundary (labels, ids and content caps).
pub fn cut(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
