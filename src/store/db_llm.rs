//! The LLM use cases of [`Db`] that are not an API query (those go through [`Db::llm`]): what
//! the proxy reads for its budget check.

use std::sync::Arc;

use super::db::{with_conn, Db};
use super::llm_usage::month_of;
use super::pg;
use super::StoreError;
use crate::llm::budget::{Spend, SpendBook};

/// Reads of the spend on PostgreSQL tried before one is used without being kept (each retry
/// means the node's writer added a flush while the query ran).
const SPEND_TRIES: usize = 3;

impl Db {
    /// A project's budget and this month's spend, read from the database and kept in `book`
    /// (see [`SpendBook`]): on PostgreSQL the spend of every node's calls.
    pub async fn read_spend(
        &self,
        book: Arc<SpendBook>,
        project: String,
        now: i64,
    ) -> Result<Spend, StoreError> {
        let pg = match self {
            Db::Sqlite(_) => {
                return with_conn(self, move |c| Ok(book.read(c, &project, now)?)).await;
            }
            Db::Postgres(pg) => pg,
        };
        let (_, start, end) = month_of(now);
        let c = pg.client().await?;
        let mut tries = 0;
        loop {
            let ticket = book.ticket();
            let (budget, enforced, spent) =
                pg::llm_admin::month_spend(&c, &project, start, end).await?;
            let spend = Spend::new(budget, enforced, spent, now);
            tries += 1;
            // Not kept after the last try: this check uses it, the next call reads again.
            if book.keep(ticket, &project, &spend) || tries == SPEND_TRIES {
                return Ok(spend);
            }
        }
    }
}
