//! The queries of `store::llm_browse` on PostgreSQL (same parameters, same answers).

use super::llm::{Answer, Call};
use super::Pg;
use crate::store::StoreError;

/// The CLI's route calls this module answers (see [`super::llm::call`]); `Err(call)` hands
/// back a route that is not one of them.
pub async fn route(_pg: &Pg, call: Call) -> Result<Result<Answer, StoreError>, Call> {
    Err(call)
}
