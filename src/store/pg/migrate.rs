//! `bloop migrate-to-postgres`: copies a SQLite database into PostgreSQL, table by table with
//! binary COPY, keeping every id. Resumable: each table is copied in one transaction that also
//! records it as done in `bloop_moved`, and raw events (the bulk) go in chunks of ids, each
//! chunk's transaction recording how far it got; a rerun continues where the last one stopped.
//! At the end the rows of every table are counted on both sides.
//!
//! Everything moves: the error-tracking tables, and LLM traces with their spans, scores,
//! feedback, rollups and settings; the trace search index (FTS5 on SQLite, `tsvector` on
//! PostgreSQL) is built anew from the moved traces.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::{partitions, Pg};
use crate::store::StoreError;

/// The tables that move, parents before children (foreign keys), events last.
pub const TABLES: &[&str] = &[
    "projects",
    "project_keys",
    "api_tokens",
    "settings",
    "users",
    "passkeys",
    "invites",
    "sessions",
    "issues",
    "issue_releases",
    "issue_slices",
    "hourly_counts",
    "project_hourly",
    "release_totals",
    "release_hours",
    "environment_totals",
    "samples",
    "status_history",
    "assignment_history",
    "issue_notes",
    "alert_rules",
    "alert_cooldowns",
    "alert_deliveries",
    "sourcemaps",
    "issue_traces",
    "llm_settings",
    "llm_prices",
    "llm_traces",
    "llm_spans",
    "llm_scores",
    "llm_feedback",
    "llm_usage_hourly",
    "llm_latency_hourly",
    "llm_latency_daily",
    "llm_prompt_hourly",
    "llm_sessions",
    "llm_session_users",
    "llm_tool_hourly",
    "llm_tool_latency_hourly",
    "llm_user_daily",
    "llm_error_spans",
    "llm_reported_traces",
];

/// Tables whose identity sequence must continue after the copied ids.
const IDENTITIES: &[&str] = &[
    "project_keys",
    "api_tokens",
    "users",
    "passkeys",
    "invites",
    "issues",
    "status_history",
    "assignment_history",
    "issue_notes",
    "alert_rules",
    "alert_deliveries",
    "sourcemaps",
    "llm_scores",
    "llm_feedback",
];

/// Raw events per transaction.
pub const CHUNK: i64 = 20_000;

/// One table's rows on each side after the move.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Counted {
    pub table: String,
    pub sqlite: i64,
    pub postgres: i64,
}

/// What a move did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Moved {
    pub tables: Vec<Counted>,
    /// Whether this run continued an earlier one.
    pub resumed: bool,
}

impl Moved {
    /// Whether every moved table has the same rows on both sides.
    pub fn verified(&self) -> bool {
        self.tables.iter().all(|t| t.sqlite == t.postgres)
    }
}

async fn setup(pg: &Pg) -> Result<bool, StoreError> {
    let c = pg.client().await?;
    c.batch_execute(
        "CREATE TABLE IF NOT EXISTS bloop_moved (
             name      text PRIMARY KEY,
             done      boolean NOT NULL DEFAULT false,
             through   bigint NOT NULL DEFAULT 0
         )",
    )
    .await?;
    let started: i64 = c
        .query_one("SELECT count(*) FROM bloop_moved", &[])
        .await?
        .get(0);
    if started == 0 {
        // A fresh target must hold nothing but what its migrations made.
        let issues: i64 = c
            .query_one("SELECT count(*) FROM issues", &[])
            .await?
            .get(0);
        let keys: i64 = c
            .query_one("SELECT count(*) FROM project_keys", &[])
            .await?
            .get(0);
        if issues > 0 || keys > 0 {
            return Err(StoreError::Conflict(
                "the PostgreSQL database already has issues or keys (and no unfinished move): \
                 move into an empty database"
                    .into(),
            ));
        }
        // Its default project came from the migrations; the SQLite one replaces it.
        c.execute("DELETE FROM projects", &[]).await?;
    }
    Ok(started > 0)
}

/// The columns of `table` on PostgreSQL, in order, with their types.
async fn columns(
    c: &deadpool_postgres::Client,
    table: &str,
) -> Result<Vec<(String, Type)>, StoreError> {
    let rows = c
        .query(
            "SELECT a.attname, a.atttypid FROM pg_attribute a
             WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum",
            &[&table],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let name: String = r.get(0);
            let oid: u32 = r.get(1);
            let ty = Type::from_oid(oid).ok_or_else(|| StoreError::Postgres {
                code: None,
                message: format!("{table}.{name}: unexpected column type {oid}"),
            })?;
            Ok((name, ty))
        })
        .collect()
}

/// One SQLite value as the PostgreSQL column of type `ty` takes it.
fn convert(
    v: SqlValue,
    ty: &Type,
    table: &str,
    column: &str,
) -> Result<Box<dyn ToSql + Sync + Send>, StoreError> {
    let bad = || StoreError::Invalid {
        field: format!("{table}.{column}"),
        message: format!("cannot be moved as {ty}"),
    };
    Ok(match (v, ty) {
        (SqlValue::Null, &Type::INT8) => Box::new(None::<i64>),
        (SqlValue::Null, &Type::BOOL) => Box::new(None::<bool>),
        (SqlValue::Null, &Type::FLOAT8) => Box::new(None::<f64>),
        (SqlValue::Null, &Type::BYTEA) => Box::new(None::<Vec<u8>>),
        (SqlValue::Null, _) => Box::new(None::<String>),
        (SqlValue::Integer(i), &Type::INT8) => Box::new(i),
        (SqlValue::Integer(i), &Type::INT4) => Box::new(i32::try_from(i).map_err(|_| bad())?),
        (SqlValue::Integer(i), &Type::BOOL) => Box::new(i != 0),
        (SqlValue::Integer(i), &Type::FLOAT8) => Box::new(i as f64),
        (SqlValue::Integer(i), &Type::TEXT) => Box::new(i.to_string()),
        (SqlValue::Real(f), &Type::FLOAT8) => Box::new(f),
        (SqlValue::Text(t), &Type::TEXT) => Box::new(t),
        (SqlValue::Text(t), &Type::BYTEA) => Box::new(t.into_bytes()),
        (SqlValue::Blob(b), &Type::BYTEA) => Box::new(b),
        (SqlValue::Blob(b), &Type::TEXT) => Box::new(String::from_utf8(b).map_err(|_| bad())?),
        _ => return Err(bad()),
    })
}

/// Copies the rows `select` yields from SQLite into `table` (columns `cols`) with binary COPY,
/// in the open transaction `tx`. Returns the rows copied.
async fn copy_rows(
    tx: &deadpool_postgres::Transaction<'_>,
    sqlite: &Connection,
    table: &str,
    target: &str,
    cols: &[(String, Type)],
    select: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<i64, StoreError> {
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    let types: Vec<Type> = cols.iter().map(|(_, t)| t.clone()).collect();
    let sink = tx
        .copy_in(&format!(
            "COPY {target} ({}) FROM STDIN (FORMAT binary)",
            names.join(", ")
        ))
        .await?;
    let writer = BinaryCopyInWriter::new(sink, &types);
    let mut writer = std::pin::pin!(writer);
    let mut st = sqlite.prepare(select)?;
    let mut rows = st.query(args)?;
    let mut n = 0i64;
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(cols.len());
        for (i, (name, ty)) in cols.iter().enumerate() {
            values.push(convert(r.get::<_, SqlValue>(i)?, ty, table, name)?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| &**v as &(dyn ToSql + Sync)).collect();
        writer.as_mut().write(&refs).await?;
        n += 1;
    }
    writer.finish().await?;
    Ok(n)
}

/// The SQLite expression for a PostgreSQL column (the few that differ).
fn source_expr(table: &str, column: &str) -> String {
    match (table, column) {
        // SQLite keeps the time of a clamped event as 1 (NULL otherwise).
        ("events", "time_clamped") => "CASE WHEN time_clamped IS NULL THEN NULL ELSE 1 END".into(),
        _ => format!("\"{column}\""),
    }
}

/// Moves `sqlite` into `pg`, telling `progress` how many raw events are done of how many.
pub async fn run(
    sqlite: &Connection,
    pg: &Pg,
    chunk: i64,
    mut progress: impl FnMut(u64, u64),
) -> Result<Moved, StoreError> {
    let resumed = setup(pg).await?;
    let mut c = pg.client().await?;
    let done: HashMap<String, (bool, i64)> = c
        .query("SELECT name, done, through FROM bloop_moved", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    for table in TABLES {
        if done.get(*table).is_some_and(|d| d.0) {
            continue;
        }
        let cols = columns(&c, table).await?;
        let select = format!(
            "SELECT {} FROM {table}",
            cols.iter()
                .map(|(n, _)| source_expr(table, n))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let tx = c.transaction().await?;
        // A table half-copied by a run that died is not possible (one transaction), but a
        // default row the migrations made may be there: start the table afresh.
        tx.execute(&format!("DELETE FROM {table}"), &[]).await?;
        copy_rows(&tx, sqlite, table, table, &cols, &select, &[]).await?;
        tx.execute(
            "INSERT INTO bloop_moved (name, done) VALUES ($1, true)
             ON CONFLICT (name) DO UPDATE SET done = true",
            &[table],
        )
        .await?;
        tx.commit().await?;
    }

    // Raw events: partitions for every day they span, then chunks of ids.
    let (min_at, max_at, total): (Option<i64>, Option<i64>, i64) = sqlite.query_row(
        "SELECT min(received_at), max(received_at), count(*) FROM events",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if let (Some(lo), Some(hi)) = (min_at, max_at) {
        partitions::ensure_days(
            &mut c,
            lo.div_euclid(partitions::DAY_MS),
            hi.div_euclid(partitions::DAY_MS),
        )
        .await?;
    }
    let mut through = done.get("events").map_or(0, |d| d.1);
    let mut copied: i64 = sqlite.query_row(
        "SELECT count(*) FROM events WHERE id <= ?1",
        [through],
        |r| r.get(0),
    )?;
    progress(copied as u64, total as u64);
    let cols = columns(&c, "events").await?;
    let list = cols
        .iter()
        .map(|(n, _)| source_expr("events", n))
        .collect::<Vec<_>>()
        .join(", ");
    loop {
        let upto: Option<i64> = sqlite.query_row(
            "SELECT max(id) FROM (SELECT id FROM events WHERE id > ?1 ORDER BY id LIMIT ?2)",
            [through, chunk],
            |r| r.get(0),
        )?;
        let Some(upto) = upto else { break };
        let tx = c.transaction().await?;
        let select = format!("SELECT {list} FROM events WHERE id > ?1 AND id <= ?2 ORDER BY id");
        let n = copy_rows(
            &tx,
            sqlite,
            "events",
            "events",
            &cols,
            &select,
            &[&through, &upto],
        )
        .await?;
        tx.execute(
            "INSERT INTO bloop_moved (name, through) VALUES ('events', $1)
             ON CONFLICT (name) DO UPDATE SET through = excluded.through",
            &[&upto],
        )
        .await?;
        tx.commit().await?;
        through = upto;
        copied += n;
        progress(copied as u64, total as u64);
        // Fault injection for the test that proves a move continues where it stopped: debug
        // builds only.
        #[cfg(debug_assertions)]
        if std::env::var("BLOOP_FAULT_MOVE_STOP_AT").is_ok_and(|v| v.parse() == Ok(copied)) {
            return Err(StoreError::Pool(
                "injected fault: BLOOP_FAULT_MOVE_STOP_AT".into(),
            ));
        }
    }
    c.execute(
        "INSERT INTO bloop_moved (name, done, through) VALUES ('events', true, $1)
         ON CONFLICT (name) DO UPDATE SET done = true",
        &[&through],
    )
    .await?;

    // Ids continue after the copied ones.
    for table in IDENTITIES {
        c.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                               greatest((SELECT max(id) FROM {table}), 1))"
            ),
            &[],
        )
        .await?;
    }
    c.execute(
        "SELECT setval('events_id_seq', greatest((SELECT max(id) FROM events), 1))",
        &[],
    )
    .await?;
    c.execute(
        "SELECT setval(pg_get_serial_sequence('llm_traces', 'pk'),
                       greatest((SELECT max(pk) FROM llm_traces), 1))",
        &[],
    )
    .await?;
    // The search text of every moved trace, as the writer builds it (see `llm_write`).
    if !done.get("llm_search").is_some_and(|d| d.0) {
        let tx = c.transaction().await?;
        tx.execute(
            &format!(
                "INSERT INTO llm_search (trace_pk, body)
                 SELECT t.pk, {} FROM llm_traces t
                 ON CONFLICT (trace_pk) DO NOTHING",
                super::TRACE_SEARCH_TEXT
            ),
            &[],
        )
        .await?;
        tx.execute(
            "INSERT INTO bloop_moved (name, done) VALUES ('llm_search', true)
             ON CONFLICT (name) DO UPDATE SET done = true",
            &[],
        )
        .await?;
        tx.commit().await?;
    }

    // Counted on both sides.
    let mut tables = Vec::new();
    for table in TABLES.iter().chain(&["events"]) {
        let lite: i64 =
            sqlite.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        let post: i64 = c
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await?
            .get(0);
        tables.push(Counted {
            table: table.to_string(),
            sqlite: lite,
            postgres: post,
        });
    }
    Ok(Moved { tables, resumed })
}
