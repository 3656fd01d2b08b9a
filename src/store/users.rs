//! Dashboard users: roles, passkeys (stored as the verified credential JSON), invites (single
//! use, expiring, stored hashed; the first admin's setup link is a `setup` invite) and sessions
//! (random ids, stored hashed). Registration consumes its invite and creates the user and the
//! first passkey in one transaction, so a link can be used once and the first admin is created
//! atomically.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::tokens::{hash, Scope};
use super::StoreError;

pub const INVITE_PREFIX: &str = "bloop_inv_";

/// What a dashboard user may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read everything.
    Viewer,
    /// Read, plus triage (status changes) and alert rules.
    Member,
    /// Everything: users, projects, keys, tokens, retention.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Member, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    /// The API scopes a session of this role carries.
    pub fn scopes(self) -> Vec<Scope> {
        let read = [
            Scope::ErrorsRead,
            Scope::ProjectsRead,
            Scope::AlertsRead,
            Scope::LlmRead,
        ];
        match self {
            Role::Viewer => read.to_vec(),
            Role::Member => [
                &read[..],
                &[
                    Scope::ErrorsWrite,
                    Scope::AlertsWrite,
                    Scope::LlmWrite,
                    Scope::SourcemapsWrite,
                ],
            ]
            .concat(),
            Role::Admin => vec![Scope::Admin],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| invalid("role", "must be one of admin, member, viewer"))
    }
}

impl rusqlite::types::FromSql for Role {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        v.as_str()?
            .parse()
            .map_err(|e: StoreError| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

fn invalid(field: &str, message: &str) -> StoreError {
    StoreError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
    /// How many passkeys the user has.
    pub passkeys: i64,
    /// WebAuthn user handle (not secret; identifies the account to authenticators).
    #[serde(skip)]
    #[schemars(skip)]
    pub handle: String,
}

const USER_COLS: &str = "u.id, u.name, u.role, u.created_at, u.last_login_at, \
     (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id), u.handle";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        created_at: r.get(3)?,
        last_login_at: r.get(4)?,
        passkeys: r.get(5)?,
        handle: r.get(6)?,
    })
}

pub fn count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
}

pub fn list(conn: &Connection) -> Result<Vec<User>, StoreError> {
    let mut st = conn.prepare(&format!("SELECT {USER_COLS} FROM users u ORDER BY u.id"))?;
    let rows = st.query_map([], user_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: i64) -> Result<User, StoreError> {
    conn.query_row(
        &format!("SELECT {USER_COLS} FROM users u WHERE u.id = ?1"),
        [id],
        user_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("no user with id {id}")))
}

/// A user by numeric id or by name (case-insensitive).
pub fn find(conn: &Connection, who: &str) -> Result<User, StoreError> {
    if let Ok(id) = who.trim().parse::<i64>() {
        if let Ok(u) = get(conn, id) {
            return Ok(u);
        }
    }
    conn.query_row(
        &format!("SELECT {USER_COLS} FROM users u WHERE u.name = ?1"),
        [who.trim()],
        user_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("no user `{who}`")))
}

fn admins(conn: &Connection) -> Result<i64, StoreError> {
    Ok(
        conn.query_row("SELECT COUNT(*) FROM users WHERE role = 'admin'", [], |r| {
            r.get(0)
        })?,
    )
}

/// Changes a user's role; the last admin cannot be demoted.
pub fn set_role(conn: &mut Connection, id: i64, role: Role) -> Result<User, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let user = get(&tx, id)?;
    if user.role == Role::Admin && role != Role::Admin && admins(&tx)? <= 1 {
        return Err(StoreError::Conflict(
            "this is the last admin; make another user admin first".into(),
        ));
    }
    tx.execute(
        "UPDATE users SET role = ?2 WHERE id = ?1",
        params![id, role.as_str()],
    )?;
    // A role change applies at once: existing sessions read the role on every request.
    let user = get(&tx, id)?;
    tx.commit()?;
    Ok(user)
}

/// Removes a user with their passkeys and sessions, and unassigns their issues (recorded in each
/// issue's history as done by `system`); the last admin cannot be removed.
pub fn remove(conn: &mut Connection, id: i64) -> Result<User, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let user = get(&tx, id)?;
    if user.role == Role::Admin && admins(&tx)? <= 1 {
        return Err(StoreError::Conflict(
            "this is the last admin; make another user admin first".into(),
        ));
    }
    tx.execute(
        "INSERT INTO assignment_history (issue_id, old_assignee, new_assignee, actor, changed_at)
         SELECT id, ?2, NULL, 'system', ?3 FROM issues WHERE assignee_id = ?1",
        params![id, user.name, super::now_ms()],
    )?;
    tx.execute(
        "UPDATE issues SET assignee_id = NULL WHERE assignee_id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM users WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(user)
}

pub(crate) fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A fresh random WebAuthn user handle (UUID v4 layout).
pub fn new_handle() -> [u8; 16] {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    b
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Invite {
    pub id: i64,
    pub role: Role,
    /// True for the first-admin setup link.
    pub setup: bool,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// A new invite: the only time its token is available.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedInvite {
    pub token: String,
    #[serde(flatten)]
    pub invite: Invite,
}

/// A new invite with its one-time registration link.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InviteLink {
    pub link: String,
    #[serde(flatten)]
    pub invite: CreatedInvite,
}

/// The registration link for an invite token on the dashboard at `origin`.
pub fn invite_link(origin: &str, token: &str, setup: bool) -> String {
    format!(
        "{}/{}?token={token}",
        origin.trim_end_matches('/'),
        if setup { "setup" } else { "invite" }
    )
}

const INVITE_COLS: &str = "id, role, setup, created_by, created_at, expires_at, used_at";

fn invite_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Invite> {
    Ok(Invite {
        id: r.get(0)?,
        role: r.get(1)?,
        setup: r.get::<_, i64>(2)? != 0,
        created_by: r.get(3)?,
        created_at: r.get(4)?,
        expires_at: r.get(5)?,
        used_at: r.get(6)?,
    })
}

/// Longest an invite may live.
pub const MAX_INVITE_TTL_MS: i64 = 30 * 86_400_000;

pub fn create_invite(
    conn: &Connection,
    role: Role,
    created_by: &str,
    ttl_ms: i64,
    now: i64,
) -> Result<CreatedInvite, StoreError> {
    validate_invite_ttl(ttl_ms)?;
    insert_invite(conn, role, false, created_by, now + ttl_ms, now)
}

/// An invite lives from 1 second to [`MAX_INVITE_TTL_MS`].
pub(crate) fn validate_invite_ttl(ttl_ms: i64) -> Result<(), StoreError> {
    if ttl_ms <= 0 || ttl_ms > MAX_INVITE_TTL_MS {
        return Err(invalid(
            "expires_in",
            "must be between 1 second and 30 days",
        ));
    }
    Ok(())
}

/// The refusal of an invite link that cannot be used.
pub(crate) fn invalid_invite() -> StoreError {
    invalid(
        "invite",
        "this link is invalid, expired or already used; ask an admin for a new one",
    )
}

/// For the start of a registration: the invite is usable and the name free.
pub fn check_registration(
    conn: &Connection,
    invite: &str,
    name: &str,
    now: i64,
) -> Result<(), StoreError> {
    if check_invite(conn, invite, now)?.is_none() {
        return Err(invalid_invite());
    }
    ensure_name_free(conn, name)
}

fn insert_invite(
    conn: &Connection,
    role: Role,
    setup: bool,
    created_by: &str,
    expires_at: i64,
    now: i64,
) -> Result<CreatedInvite, StoreError> {
    let token = random_secret(INVITE_PREFIX);
    conn.execute(
        "INSERT INTO invites (token_hash, role, setup, created_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            hash(&token),
            role.as_str(),
            setup,
            created_by,
            now,
            expires_at
        ],
    )?;
    let invite = conn.query_row(
        &format!("SELECT {INVITE_COLS} FROM invites WHERE id = ?1"),
        [conn.last_insert_rowid()],
        invite_row,
    )?;
    Ok(CreatedInvite { token, invite })
}

/// On a database without users: replaces any unused setup link with a new one (valid 24 h) and
/// returns it. `None` once an admin exists.
pub fn setup_invite(conn: &mut Connection, now: i64) -> Result<Option<CreatedInvite>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if count(&tx)? > 0 {
        return Ok(None);
    }
    tx.execute(
        "DELETE FROM invites WHERE setup = 1 AND used_at IS NULL",
        [],
    )?;
    let created = insert_invite(&tx, Role::Admin, true, "setup", now + 86_400_000, now)?;
    tx.commit()?;
    Ok(Some(created))
}

/// Invites that can still be used.
pub fn pending_invites(conn: &Connection, now: i64) -> Result<Vec<Invite>, StoreError> {
    let mut st = conn.prepare(&format!(
        "SELECT {INVITE_COLS} FROM invites WHERE used_at IS NULL AND expires_at > ?1 ORDER BY id"
    ))?;
    let rows = st.query_map([now], invite_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn revoke_invite(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let n = conn.execute(
        "DELETE FROM invites WHERE id = ?1 AND used_at IS NULL",
        [id],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!(
            "no pending invite with id {id}"
        )));
    }
    Ok(())
}

/// The invite a token names, if it is unused and unexpired.
pub fn check_invite(
    conn: &Connection,
    token: &str,
    now: i64,
) -> Result<Option<Invite>, StoreError> {
    if !token.starts_with(INVITE_PREFIX) {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            &format!(
                "SELECT {INVITE_COLS} FROM invites
                 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2"
            ),
            params![hash(token), now],
            invite_row,
        )
        .optional()?)
}

pub fn validate_name(name: &str) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            "must be 1-64 characters without control characters",
        ));
    }
    Ok(name.to_string())
}

/// Conflict when a user already has this name (names compare case-insensitively).
pub fn ensure_name_free(conn: &Connection, name: &str) -> Result<(), StoreError> {
    let taken: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM users WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StoreError::Conflict(format!("the name `{name}` is taken")));
    }
    Ok(())
}

/// A verified passkey ready to store.
pub struct NewPasskey<'a> {
    pub cred_id: &'a str,
    pub name: &'a str,
    pub json: &'a str,
}

/// A verified passkey, owned (to move into a store call).
#[derive(Debug, Clone)]
pub struct OwnedPasskey {
    pub cred_id: String,
    pub name: String,
    pub json: String,
}

impl OwnedPasskey {
    pub fn as_new(&self) -> NewPasskey<'_> {
        NewPasskey {
            cred_id: &self.cred_id,
            name: &self.name,
            json: &self.json,
        }
    }
}

/// Consumes the invite and creates the user with their first passkey, all or nothing.
pub fn register(
    conn: &mut Connection,
    invite_token: &str,
    name: &str,
    handle: &str,
    passkey: &NewPasskey<'_>,
    now: i64,
) -> Result<User, StoreError> {
    let name = validate_name(name)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let invite = check_invite(&tx, invite_token, now)?
        .ok_or_else(|| invalid("invite", "this link is invalid, expired or already used"))?;
    ensure_name_free(&tx, &name)?;
    tx.execute(
        "INSERT INTO users (name, handle, role, created_at, last_login_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![name, handle, invite.role.as_str(), now],
    )?;
    let user_id = tx.last_insert_rowid();
    let n = tx.execute(
        "UPDATE invites SET used_at = ?2, used_by = ?3 WHERE id = ?1 AND used_at IS NULL",
        params![invite.id, now, user_id],
    )?;
    if n != 1 {
        return Err(invalid("invite", "this link was used meanwhile"));
    }
    // The first admin's setup link is for a database without users: once anyone registers,
    // an unused one (printed in the server's log) stops working.
    tx.execute(
        "DELETE FROM invites WHERE setup = 1 AND used_at IS NULL",
        [],
    )?;
    insert_passkey(&tx, user_id, passkey, now)?;
    let user = get(&tx, user_id)?;
    tx.commit()?;
    Ok(user)
}

fn insert_passkey(
    conn: &Connection,
    user_id: i64,
    p: &NewPasskey<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let name = passkey_label(p.name);
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM passkeys WHERE cred_id = ?1)",
        [p.cred_id],
        |r| r.get(0),
    )?;
    if exists {
        return Err(StoreError::Conflict(
            "this passkey is already registered".into(),
        ));
    }
    conn.execute(
        "INSERT INTO passkeys (user_id, cred_id, name, passkey, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user_id, p.cred_id, name, p.json, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A passkey's label as stored: trimmed, without control characters, at most 64 characters,
/// `passkey` when empty.
pub(crate) fn passkey_label(name: &str) -> String {
    let name = name.trim();
    let name = if name.is_empty() { "passkey" } else { name };
    name.chars().filter(|c| !c.is_control()).take(64).collect()
}

pub fn add_passkey(
    conn: &Connection,
    user_id: i64,
    passkey: &NewPasskey<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    insert_passkey(conn, user_id, passkey, now)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct PasskeyInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub fn passkeys(conn: &Connection, user_id: i64) -> Result<Vec<PasskeyInfo>, StoreError> {
    let mut st = conn.prepare(
        "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = ?1 ORDER BY id",
    )?;
    let rows = st
        .query_map([user_id], |r| {
            Ok(PasskeyInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
                last_used_at: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The stored credential JSON of every passkey of a user (to exclude on re-registration).
pub fn passkey_json(conn: &Connection, user_id: i64) -> Result<Vec<String>, StoreError> {
    let mut st = conn.prepare("SELECT passkey FROM passkeys WHERE user_id = ?1")?;
    let rows = st
        .query_map([user_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Removes one of a user's passkeys; the last one cannot go (the account would be locked).
pub fn remove_passkey(conn: &mut Connection, user_id: i64, id: i64) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mine: i64 = tx.query_row(
        "SELECT COUNT(*) FROM passkeys WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )?;
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM passkeys WHERE id = ?1 AND user_id = ?2)",
        params![id, user_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NotFound(format!("no passkey with id {id}")));
    }
    if mine <= 1 {
        return Err(StoreError::Conflict(
            "this is your only passkey; add another before removing it".into(),
        ));
    }
    tx.execute("DELETE FROM passkeys WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(())
}

/// For sign-in: the user a handle names and the stored passkey with this credential id.
pub fn login_credential(
    conn: &Connection,
    handle: &str,
    cred_id: &str,
) -> Result<Option<(User, i64, String)>, StoreError> {
    let row = conn
        .query_row(
            "SELECT p.user_id, p.id, p.passkey FROM passkeys p JOIN users u ON u.id = p.user_id
             WHERE u.handle = ?1 AND p.cred_id = ?2",
            params![handle, cred_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    match row {
        Some((uid, pid, json)) => Ok(Some((get(conn, uid)?, pid, json))),
        None => Ok(None),
    }
}

/// After a sign-in: the passkey's new counter state and the times of use.
pub fn record_login(
    conn: &Connection,
    user_id: i64,
    passkey_id: i64,
    json: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE passkeys SET last_used_at = ?2, passkey = COALESCE(?3, passkey) WHERE id = ?1",
        params![passkey_id, now, json],
    )?;
    conn.execute(
        "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
        params![user_id, now],
    )?;
    Ok(())
}

/// Starts a session; returns the cookie value (only its hash is stored). Expired sessions are
/// cleared on the way.
pub fn create_session(
    conn: &Connection,
    user_id: i64,
    ttl_ms: i64,
    now: i64,
) -> Result<String, StoreError> {
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
    let token = random_secret("");
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash(&token), user_id, now, now + ttl_ms],
    )?;
    Ok(token)
}

/// The user a session cookie belongs to, if the session is live.
pub fn session_user(conn: &Connection, token: &str, now: i64) -> Result<Option<User>, StoreError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2"
        ))?
        .query_row(params![hash(token), now], user_row)
        .optional()?)
}

pub fn delete_session(conn: &Connection, token: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash(token)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::now_ms;

    fn pk<'a>(id: &'a str) -> NewPasskey<'a> {
        NewPasskey {
            cred_id: id,
            name: "laptop",
            json: "{}",
        }
    }

    #[test]
    fn setup_link_is_single_use_and_creates_the_first_admin() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("b.db")).unwrap();
        let now = now_ms();
        let first = setup_invite(&mut conn, now).unwrap().unwrap();
        let second = setup_invite(&mut conn, now).unwrap().unwrap();
        // A new setup link replaces the old one.
        assert!(check_invite(&conn, &first.token, now).unwrap().is_none());
        let stored: Vec<String> = conn
            .prepare("SELECT token_hash FROM invites")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(stored.iter().all(|h| !h.contains(&second.token[10..])));
        let admin = register(&mut conn, &second.token, "ada", "h1", &pk("c1"), now).unwrap();
        assert_eq!(admin.role, Role::Admin);
        assert_eq!(admin.passkeys, 1);
        let again = register(&mut conn, &second.token, "eve", "h2", &pk("c2"), now);
        assert!(matches!(again, Err(StoreError::Invalid { .. })));
        assert_eq!(count(&conn).unwrap(), 1);
        assert!(setup_invite(&mut conn, now).unwrap().is_none());

        // Sessions: hashed, expiring, deletable.
        let s = create_session(&conn, admin.id, 1000, now).unwrap();
        assert_eq!(session_user(&conn, &s, now).unwrap().unwrap().name, "ada");
        assert!(session_user(&conn, &s, now + 1000).unwrap().is_none());
        delete_session(&conn, &s).unwrap();
        assert!(session_user(&conn, &s, now).unwrap().is_none());

        // The last admin stays.
        assert!(matches!(
            set_role(&mut conn, admin.id, Role::Member),
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            remove(&mut conn, admin.id),
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            remove_passkey(&mut conn, admin.id, 1),
            Err(StoreError::Conflict(_))
        ));

        // Invites: role carried, expiry enforced, names unique.
        let inv = create_invite(&conn, Role::Viewer, "ada", 1000, now).unwrap();
        assert!(check_invite(&conn, &inv.token, now + 1000)
            .unwrap()
            .is_none());
        let dup = register(&mut conn, &inv.token, "ADA", "h3", &pk("c3"), now);
        assert!(matches!(dup, Err(StoreError::Conflict(_))));
        let v = register(&mut conn, &inv.token, "vic", "h3", &pk("c3"), now).unwrap();
        assert_eq!(v.role, Role::Viewer);
        assert_eq!(pending_invites(&conn, now).unwrap().len(), 0);
        let (u, _, _) = login_credential(&conn, "h3", "c3").unwrap().unwrap();
        assert_eq!(u.name, "vic");
        assert!(login_credential(&conn, "h1", "c3").unwrap().is_none());
    }
}
