//! Alert rules, cooldowns, the delivery log and the shared threshold windows on PostgreSQL
//! (see `store::alerts` for the model). Every node evaluates its own flushes; what must agree
//! across nodes lives here: a rule fires for a key at most once per cooldown whichever node
//! asks ([`try_fire`] decides in one statement), and a threshold counts the events every node
//! stored ([`window_add`]).

use deadpool_postgres::GenericClient;

use super::{notify, Pg};
use crate::store::alerts::{stored_rule, to_json, Delivery, NewRule, Rule, COLS, DELIVERIES_KEPT};
use crate::store::{now_ms, StoreError};

fn row(r: &tokio_postgres::Row) -> Result<Rule, StoreError> {
    let id: i64 = r.get(0);
    stored_rule(
        id,
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
        r.get(7),
        r.get(8),
        r.get(9),
    )
    .map_err(|e| StoreError::Postgres {
        code: None,
        message: format!("alert rule {id}: unreadable stored config: {e}"),
    })
}

fn rows(rs: &[tokio_postgres::Row]) -> Result<Vec<Rule>, StoreError> {
    rs.iter().map(row).collect()
}

/// Rules, optionally only those a project sees (its own and the global ones).
pub async fn list(pg: &Pg, project: Option<&str>) -> Result<Vec<Rule>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM alert_rules
             WHERE $1::text IS NULL OR project_id = $1 OR project_id IS NULL ORDER BY id"
        ))
        .await?;
    rows(&c.query(&st, &[&project]).await?)
}

pub async fn enabled(c: &impl GenericClient) -> Result<Vec<Rule>, StoreError> {
    let st = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM alert_rules WHERE enabled ORDER BY id"
        ))
        .await?;
    rows(&c.query(&st, &[]).await?)
}

async fn get_with(c: &impl GenericClient, id: i64) -> Result<Rule, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLS} FROM alert_rules WHERE id = $1"),
            &[&id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no alert rule with id {id}")))?;
    row(&r)
}

pub async fn get(pg: &Pg, id: i64) -> Result<Rule, StoreError> {
    get_with(&pg.client().await?, id).await
}

async fn check_project(c: &impl GenericClient, r: &NewRule) -> Result<(), StoreError> {
    if let Some(p) = &r.project_id {
        if c.query_opt("SELECT 1 FROM projects WHERE id = $1", &[p])
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    Ok(())
}

pub async fn create(pg: &Pg, r: &NewRule) -> Result<Rule, StoreError> {
    r.validate()?;
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    check_project(&tx, r).await?;
    let created = tx
        .query_one(
            &format!(
                "INSERT INTO alert_rules (name, project_id, config, channels, environment_filter,
                     source_filter, release_filter, enabled, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLS}"
            ),
            &[
                &r.name.trim(),
                &r.project_id,
                &to_json(&r.config),
                &to_json(&r.channels),
                &r.environment_filter,
                &r.source_filter,
                &r.release_filter,
                &r.enabled,
                &now_ms(),
            ],
        )
        .await?;
    let rule = row(&created)?;
    notify(&tx, "rules").await?;
    tx.commit().await?;
    Ok(rule)
}

/// Replaces rule `id` (its cooldowns are kept).
pub async fn update(pg: &Pg, id: i64, r: &NewRule) -> Result<Rule, StoreError> {
    r.validate()?;
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    check_project(&tx, r).await?;
    let updated = tx
        .query_opt(
            &format!(
                "UPDATE alert_rules SET name = $2, project_id = $3, config = $4, channels = $5,
                     environment_filter = $6, source_filter = $7, release_filter = $8,
                     enabled = $9
                 WHERE id = $1 RETURNING {COLS}"
            ),
            &[
                &id,
                &r.name.trim(),
                &r.project_id,
                &to_json(&r.config),
                &to_json(&r.channels),
                &r.environment_filter,
                &r.source_filter,
                &r.release_filter,
                &r.enabled,
            ],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no alert rule with id {id}")))?;
    let rule = row(&updated)?;
    notify(&tx, "rules").await?;
    tx.commit().await?;
    Ok(rule)
}

pub async fn set_enabled(pg: &Pg, id: i64, on: bool) -> Result<Rule, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    let r = tx
        .query_opt(
            &format!("UPDATE alert_rules SET enabled = $2 WHERE id = $1 RETURNING {COLS}"),
            &[&id, &on],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no alert rule with id {id}")))?;
    let rule = row(&r)?;
    notify(&tx, "rules").await?;
    tx.commit().await?;
    Ok(rule)
}

pub async fn delete(pg: &Pg, id: i64) -> Result<Rule, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    let r = tx
        .query_opt(
            &format!("DELETE FROM alert_rules WHERE id = $1 RETURNING {COLS}"),
            &[&id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no alert rule with id {id}")))?;
    let rule = row(&r)?;
    notify(&tx, "rules").await?;
    tx.commit().await?;
    Ok(rule)
}

/// The last deliveries of a rule (every rule when `None`), newest first.
pub async fn deliveries(
    pg: &Pg,
    rule_id: Option<i64>,
    limit: u32,
) -> Result<Vec<Delivery>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT id, rule_id, channel, target, title, status, attempts, error, created_at
             FROM alert_deliveries WHERE $1::int8 IS NULL OR rule_id = $1
             ORDER BY id DESC LIMIT $2",
        )
        .await?;
    let rows = c.query(&st, &[&rule_id, &i64::from(limit)]).await?;
    Ok(rows.iter().map(delivery).collect())
}

/// The last delivery of each rule to each of its channels, newest first.
pub async fn last_deliveries(pg: &Pg) -> Result<Vec<Delivery>, StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached(
            "SELECT id, rule_id, channel, target, title, status, attempts, error, created_at
             FROM alert_deliveries WHERE id IN (
                 SELECT max(id) FROM alert_deliveries WHERE rule_id IS NOT NULL
                 GROUP BY rule_id, channel, target)
             ORDER BY id DESC",
        )
        .await?;
    Ok(c.query(&st, &[]).await?.iter().map(delivery).collect())
}

fn delivery(r: &tokio_postgres::Row) -> Delivery {
    Delivery {
        id: r.get(0),
        rule_id: r.get(1),
        channel: r.get(2),
        target: r.get(3),
        title: r.get(4),
        status: r.get(5),
        attempts: r.get(6),
        error: r.get(7),
        created_at: r.get(8),
    }
}

/// Appends to the delivery log, keeping the last [`DELIVERIES_KEPT`] entries per rule.
#[allow(clippy::too_many_arguments)]
pub async fn record_delivery(
    c: &impl GenericClient,
    rule_id: Option<i64>,
    channel: &str,
    target: &str,
    title: &str,
    status: &str,
    attempts: u32,
    error: Option<&str>,
) -> Result<(), StoreError> {
    let st = c
        .prepare_cached(
            "INSERT INTO alert_deliveries (rule_id, channel, target, title, status, attempts,
                 error, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .await?;
    c.execute(
        &st,
        &[
            &rule_id,
            &channel,
            &target,
            &title,
            &status,
            &i64::from(attempts),
            &error,
            &now_ms(),
        ],
    )
    .await?;
    if let Some(id) = rule_id {
        let st = c
            .prepare_cached(
                "DELETE FROM alert_deliveries WHERE rule_id = $1 AND id < (
                     SELECT min(id) FROM (SELECT id FROM alert_deliveries WHERE rule_id = $1
                                          ORDER BY id DESC LIMIT $2) AS kept)",
            )
            .await?;
        c.execute(&st, &[&id, &i64::from(DELIVERIES_KEPT)]).await?;
    }
    Ok(())
}

/// Whether rule `rule_id` may fire for `key` at `now` given `cooldown_ms`, recording the
/// firing if so. One statement: of two nodes asking at once, exactly one is told yes.
pub async fn try_fire(
    c: &impl GenericClient,
    rule_id: i64,
    key: &str,
    now: i64,
    cooldown_ms: i64,
) -> Result<bool, StoreError> {
    let st = c
        .prepare_cached(
            "INSERT INTO alert_cooldowns AS c (rule_id, key, last_fired) VALUES ($1, $2, $3)
             ON CONFLICT (rule_id, key) DO UPDATE SET last_fired = excluded.last_fired
             WHERE c.last_fired <= $3 - $4
             RETURNING 1",
        )
        .await?;
    Ok(c.query_opt(&st, &[&rule_id, &key, &now, &cooldown_ms])
        .await?
        .is_some())
}

/// Whether the issue is ignored or muted (such issues never alert).
pub async fn issue_silenced(c: &impl GenericClient, issue_id: i64) -> Result<bool, StoreError> {
    let st = c
        .prepare_cached("SELECT status IN ('ignored', 'muted') FROM issues WHERE id = $1")
        .await?;
    Ok(c.query_opt(&st, &[&issue_id])
        .await?
        .is_some_and(|r| r.get::<_, bool>(0)))
}

/// A project's hourly counts in `[start, end)`, as (hour, count).
pub async fn project_hours(
    c: &impl GenericClient,
    project: &str,
    start: i64,
    end: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let st = c
        .prepare_cached(
            "SELECT hour, count FROM project_hourly
             WHERE project_id = $1 AND hour >= $2 AND hour < $3",
        )
        .await?;
    Ok(c.query(&st, &[&project, &start, &end])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// How many buckets a shared window has: a window counts whole buckets of `window / BUCKETS`
/// (at least a second), so its edge is as fine as a sixtieth of it.
pub const BUCKETS: i64 = 60;

/// The bucket width of a window of `window_ms`.
pub fn bucket_ms(window_ms: i64) -> i64 {
    (window_ms / BUCKETS).max(1000)
}

/// Adds `n` events at `now` to each `(key, n)` of rule `rule_id`'s window of `window_ms`, shared
/// by every node, and returns each key's count inside the window (this node's and the others').
/// Keys go in sorted, so two nodes adding to the same keys never deadlock.
pub async fn window_add(
    c: &impl GenericClient,
    rule_id: i64,
    window_ms: i64,
    now: i64,
    adds: &[(String, i64)],
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut adds = adds.to_vec();
    adds.sort();
    let (keys, ns): (Vec<String>, Vec<i64>) = adds.into_iter().unzip();
    let width = bucket_ms(window_ms);
    let bucket = now.div_euclid(width);
    let oldest = (now - window_ms).div_euclid(width);
    // A bucket row lives until the window no longer reaches it.
    let expires = (bucket + 1) * width + window_ms;
    let st = c
        .prepare_cached(
            "WITH added AS (
                 INSERT INTO alert_windows AS w (rule_id, key, bucket, n, expires_at)
                 SELECT $1, k, $2, sum(n), $5 FROM unnest($3::text[], $4::bigint[]) AS t(k, n)
                 GROUP BY k ORDER BY k
                 ON CONFLICT (rule_id, key, bucket) DO UPDATE SET n = w.n + excluded.n
                 RETURNING key, n)
             SELECT a.key, a.n + coalesce((SELECT sum(o.n) FROM alert_windows o
                                           WHERE o.rule_id = $1 AND o.key = a.key
                                             AND o.bucket > $6 AND o.bucket <> $2), 0)::bigint
             FROM added a",
        )
        .await?;
    Ok(
        c.query(&st, &[&rule_id, &bucket, &keys, &ns, &expires, &oldest])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
    )
}

/// Forgets window buckets no window reaches any more.
pub async fn expire_windows(c: &impl GenericClient, now: i64) -> Result<u64, StoreError> {
    let st = c
        .prepare_cached("DELETE FROM alert_windows WHERE expires_at < $1")
        .await?;
    Ok(c.execute(&st, &[&now]).await?)
}
