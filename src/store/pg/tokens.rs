//! API tokens on PostgreSQL (see `store::tokens`: stored as SHA-256 only).

use super::Pg;
use crate::store::tokens::{self, CreatedToken, Scope, Token, COLS, TOKEN_PREFIX};
use crate::store::{now_ms, StoreError};

fn row(r: &tokio_postgres::Row) -> Token {
    let scopes: String = r.get(3);
    Token {
        id: r.get(0),
        name: r.get(1),
        prefix: r.get(2),
        scopes: tokens::stored_scopes(&scopes),
        project_id: r.get(4),
        created_at: r.get(5),
        expires_at: r.get(6),
        last_used_at: r.get(7),
        revoked_at: r.get(8),
    }
}

pub async fn create(
    pg: &Pg,
    name: &str,
    scopes: &[Scope],
    project_id: Option<&str>,
    expires_at: Option<i64>,
) -> Result<CreatedToken, StoreError> {
    let new = tokens::new_token(name, scopes, expires_at)?;
    let c = pg.client().await?;
    if let Some(p) = project_id {
        if c.query_opt("SELECT 1 FROM projects WHERE id = $1", &[&p])
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    let r = c
        .query_one(
            &format!(
                "INSERT INTO api_tokens (name, token_hash, prefix, scopes, project_id, created_at,
                     expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLS}"
            ),
            &[
                &new.name,
                &new.hash,
                &new.prefix,
                &new.scopes,
                &project_id,
                &now_ms(),
                &expires_at,
            ],
        )
        .await?;
    Ok(CreatedToken {
        token: new.token,
        info: row(&r),
    })
}

pub async fn get(pg: &Pg, id: i64) -> Result<Token, StoreError> {
    let c = pg.client().await?;
    c.query_opt(
        &format!("SELECT {COLS} FROM api_tokens WHERE id = $1"),
        &[&id],
    )
    .await?
    .map(|r| row(&r))
    .ok_or_else(|| StoreError::NotFound(format!("no API token with id {id}")))
}

pub async fn list(pg: &Pg, project: Option<&str>) -> Result<Vec<Token>, StoreError> {
    let c = pg.client().await?;
    Ok(c.query(
        &format!(
            "SELECT {COLS} FROM api_tokens WHERE $1::text IS NULL OR project_id = $1 ORDER BY id"
        ),
        &[&project],
    )
    .await?
    .iter()
    .map(row)
    .collect())
}

pub async fn revoke(pg: &Pg, id: i64) -> Result<Token, StoreError> {
    let c = pg.client().await?;
    c.execute(
        "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[&id, &now_ms()],
    )
    .await?;
    drop(c);
    get(pg, id).await
}

/// The token a bearer string names, if it exists and is neither revoked nor expired.
pub async fn authenticate(pg: &Pg, bearer: &str, now: i64) -> Result<Option<Token>, StoreError> {
    if !bearer.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let c = pg.client().await?;
    let st = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM api_tokens WHERE token_hash = $1"
        ))
        .await?;
    Ok(c.query_opt(&st, &[&tokens::hash(bearer)])
        .await?
        .map(|r| row(&r))
        .filter(|t| tokens::usable(t, now)))
}

/// Records use of a token.
pub async fn touch(pg: &Pg, id: i64, now: i64) -> Result<(), StoreError> {
    let c = pg.client().await?;
    let st = c
        .prepare_cached("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .await?;
    c.execute(&st, &[&id, &now]).await?;
    Ok(())
}
