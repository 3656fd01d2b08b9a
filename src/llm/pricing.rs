//! The price table (genai-prices) and cost computation. Being written.
