//! API bearer tokens: `bloop_tk_` + base64url(32 random bytes), stored only as SHA-256, with
//! scopes, optional project pinning and expiry. `last_used_at` is written at most once a minute.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{now_ms, StoreError};

pub const TOKEN_PREFIX: &str = "bloop_tk_";

/// What a token may do. `Admin` implies every other scope.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
    schemars::JsonSchema,
)]
pub enum Scope {
    #[serde(rename = "errors:read")]
    ErrorsRead,
    #[serde(rename = "errors:write")]
    ErrorsWrite,
    #[serde(rename = "projects:read")]
    ProjectsRead,
    #[serde(rename = "projects:write")]
    ProjectsWrite,
    #[serde(rename = "keys:write")]
    KeysWrite,
    #[serde(rename = "alerts:read")]
    AlertsRead,
    #[serde(rename = "alerts:write")]
    AlertsWrite,
    #[serde(rename = "llm:read")]
    LlmRead,
    #[serde(rename = "llm:write")]
    LlmWrite,
    /// Upload and delete source maps (what a CI build needs, nothing more).
    #[serde(rename = "sourcemaps:write")]
    SourcemapsWrite,
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 11] = [
        Scope::ErrorsRead,
        Scope::ErrorsWrite,
        Scope::ProjectsRead,
        Scope::ProjectsWrite,
        Scope::KeysWrite,
        Scope::AlertsRead,
        Scope::AlertsWrite,
        Scope::LlmRead,
        Scope::LlmWrite,
        Scope::SourcemapsWrite,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ErrorsRead => "errors:read",
            Scope::ErrorsWrite => "errors:write",
            Scope::ProjectsRead => "projects:read",
            Scope::ProjectsWrite => "projects:write",
            Scope::KeysWrite => "keys:write",
            Scope::AlertsRead => "alerts:read",
            Scope::AlertsWrite => "alerts:write",
            Scope::LlmRead => "llm:read",
            Scope::LlmWrite => "llm:write",
            Scope::SourcemapsWrite => "sourcemaps:write",
            Scope::Admin => "admin",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        Scope::ALL
            .into_iter()
            .find(|sc| sc.as_str() == s.trim())
            .ok_or_else(|| StoreError::Invalid {
                field: "scopes".into(),
                message: format!(
                    "unknown scope `{s}`; valid: {}",
                    Scope::ALL.map(|s| s.as_str()).join(", ")
                ),
            })
    }
}

/// Parses `errors:read,projects:read` (commas or spaces).
pub fn parse_scopes(s: &str) -> Result<Vec<Scope>, StoreError> {
    let mut out: Vec<Scope> = s
        .split([',', ' '])
        .filter(|p| !p.trim().is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    out.sort();
    out.dedup();
    if out.is_empty() {
        return Err(StoreError::Invalid {
            field: "scopes".into(),
            message: "at least one scope is required".into(),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Token {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub project_id: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Token {
    pub fn has(&self, scope: Scope) -> bool {
        grants(&self.scopes, scope)
    }
}

/// Whether a set of scopes allows `scope` (`admin` allows everything).
pub fn grants(scopes: &[Scope], scope: Scope) -> bool {
    scopes.contains(&Scope::Admin) || scopes.contains(&scope)
}

/// A newly created token: the only time its secret is available.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedToken {
    pub token: String,
    #[serde(flatten)]
    pub info: Token,
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub const COLS: &str =
    "id, name, prefix, scopes, project_id, created_at, expires_at, last_used_at, revoked_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Token> {
    let scopes: String = r.get(3)?;
    Ok(Token {
        id: r.get(0)?,
        name: r.get(1)?,
        prefix: r.get(2)?,
        scopes: stored_scopes(&scopes),
        project_id: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        last_used_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

/// A token about to be stored: checked, generated, hashed (the same on every backend).
pub struct NewToken {
    pub token: String,
    pub hash: String,
    pub prefix: String,
    pub name: String,
    pub scopes: String,
}

/// Checks what a new token is given and makes its secret. The project is checked by the caller.
pub fn new_token(
    name: &str,
    scopes: &[Scope],
    expires_at: Option<i64>,
) -> Result<NewToken, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(StoreError::Invalid {
            field: "name".into(),
            message: "must be 1-200 characters".into(),
        });
    }
    if scopes.is_empty() {
        return Err(StoreError::Invalid {
            field: "scopes".into(),
            message: "at least one scope is required".into(),
        });
    }
    if expires_at.is_some_and(|at| at <= now_ms()) {
        return Err(StoreError::Invalid {
            field: "expires".into(),
            message: "must be a time in the future (a duration like 90d, more than 0)".into(),
        });
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let scopes = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    Ok(NewToken {
        hash: hash(&token),
        token,
        prefix,
        name: name.to_string(),
        scopes,
    })
}

/// Scopes as stored (comma-separated), parsed; unknown ones are skipped.
pub fn stored_scopes(s: &str) -> Vec<Scope> {
    s.split(',').filter_map(|s| s.parse().ok()).collect()
}

pub fn create(
    conn: &Connection,
    name: &str,
    scopes: &[Scope],
    project_id: Option<&str>,
    expires_at: Option<i64>,
) -> Result<CreatedToken, StoreError> {
    let new = new_token(name, scopes, expires_at)?;
    if let Some(p) = project_id {
        if !super::projects::exists(conn, p)? {
            return Err(StoreError::NotFound(format!("no project `{p}`")));
        }
    }
    conn.execute(
        "INSERT INTO api_tokens (name, token_hash, prefix, scopes, project_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![new.name, new.hash, new.prefix, new.scopes, project_id, now_ms(), expires_at],
    )?;
    let info = get(conn, conn.last_insert_rowid())?;
    Ok(CreatedToken {
        token: new.token,
        info,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Token, StoreError> {
    conn.query_row(
        &format!("SELECT {COLS} FROM api_tokens WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("no API token with id {id}")))
}

pub fn list(conn: &Connection, project: Option<&str>) -> Result<Vec<Token>, StoreError> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM api_tokens WHERE ?1 IS NULL OR project_id = ?1 ORDER BY id"
    ))?;
    let rows = st
        .query_map([project], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn revoke(conn: &Connection, id: i64) -> Result<Token, StoreError> {
    conn.execute(
        "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now_ms()],
    )?;
    get(conn, id)
}

/// The token a bearer string names, if it exists and is neither revoked nor expired.
pub fn authenticate(
    conn: &Connection,
    bearer: &str,
    now: i64,
) -> Result<Option<Token>, StoreError> {
    if !bearer.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let t = conn
        .prepare_cached(&format!(
            "SELECT {COLS} FROM api_tokens WHERE token_hash = ?1"
        ))?
        .query_row([hash(bearer)], row)
        .optional()?;
    Ok(t.filter(|t| usable(t, now)))
}

/// Neither revoked nor expired at `now`.
pub fn usable(t: &Token, now: i64) -> bool {
    t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now)
}

/// Records use of a token (callers throttle this to once a minute per token).
pub fn touch(conn: &Connection, id: i64, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hashed_scoped_and_revocable() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("b.db")).unwrap();
        let scopes = parse_scopes("errors:read, projects:read").unwrap();
        let t = create(&conn, "ci", &scopes, Some("default"), None).unwrap();
        assert!(t.token.starts_with("bloop_tk_"));
        assert_eq!(t.token.len(), 9 + 43);
        let stored: String = conn
            .query_row("SELECT token_hash FROM api_tokens", [], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, t.token);
        assert!(!stored.contains(&t.token[9..]));
        let found = authenticate(&conn, &t.token, now_ms()).unwrap().unwrap();
        assert!(found.has(Scope::ErrorsRead) && !found.has(Scope::ErrorsWrite));
        assert!(authenticate(&conn, "bloop_tk_nope", now_ms())
            .unwrap()
            .is_none());
        revoke(&conn, t.info.id).unwrap();
        assert!(authenticate(&conn, &t.token, now_ms()).unwrap().is_none());
        let exp = create(&conn, "soon", &scopes, None, Some(now_ms() + 1000)).unwrap();
        assert!(authenticate(&conn, &exp.token, now_ms()).unwrap().is_some());
        assert!(authenticate(&conn, &exp.token, now_ms() + 1000)
            .unwrap()
            .is_none());
        // A token that would be born expired is refused.
        let past = create(&conn, "old", &scopes, None, Some(now_ms()));
        assert!(matches!(past, Err(StoreError::Invalid { field, .. }) if field == "expires"));
        assert!(parse_scopes("errors:read,root").is_err());
        assert!(parse_scopes("").is_err());
    }
}
