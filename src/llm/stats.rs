//! Statistics for prompt comparisons. Being written.
