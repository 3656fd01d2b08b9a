//! Dashboard users, invites, passkeys and sessions on PostgreSQL (see `store::users`: tokens
//! and session ids stored hashed, registration all or nothing). The writes that must see a
//! consistent set of users (the last admin stays, a setup link exists only while there are no
//! users, an invite is used once) take a transaction-scoped advisory lock, so two nodes doing
//! them at once take turns.

use deadpool_postgres::GenericClient;

use super::{locks, Pg};
use crate::store::tokens::hash;
use crate::store::users::{
    invalid_invite, random_secret, validate_invite_ttl, validate_name, CreatedInvite, Invite,
    NewPasskey, PasskeyInfo, Role, User, INVITE_PREFIX,
};
use crate::store::StoreError;

const USER_COLS: &str = "u.id, u.name, u.role, u.created_at, u.last_login_at, \
     (SELECT count(*) FROM passkeys p WHERE p.user_id = u.id), u.handle";

fn user_row(r: &tokio_postgres::Row) -> Result<User, StoreError> {
    let role: String = r.get(2);
    Ok(User {
        id: r.get(0),
        name: r.get(1),
        role: role.parse()?,
        created_at: r.get(3),
        last_login_at: r.get(4),
        passkeys: r.get(5),
        handle: r.get(6),
    })
}

const INVITE_COLS: &str = "id, role, setup, created_by, created_at, expires_at, used_at";

fn invite_row(r: &tokio_postgres::Row) -> Result<Invite, StoreError> {
    let role: String = r.get(1);
    Ok(Invite {
        id: r.get(0),
        role: role.parse()?,
        setup: r.get(2),
        created_by: r.get(3),
        created_at: r.get(4),
        expires_at: r.get(5),
        used_at: r.get(6),
    })
}

/// Serialises the writes that check the set of users (see the module note).
async fn lock_users(c: &impl GenericClient) -> Result<(), StoreError> {
    c.execute("SELECT pg_advisory_xact_lock($1)", &[&locks::USERS])
        .await?;
    Ok(())
}

pub async fn count(c: &impl GenericClient) -> Result<i64, StoreError> {
    Ok(c.query_one("SELECT count(*) FROM users", &[]).await?.get(0))
}

pub async fn list(pg: &Pg) -> Result<Vec<User>, StoreError> {
    let c = pg.client().await?;
    c.query(
        &format!("SELECT {USER_COLS} FROM users u ORDER BY u.id"),
        &[],
    )
    .await?
    .iter()
    .map(user_row)
    .collect()
}

pub async fn get(c: &impl GenericClient, id: i64) -> Result<User, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {USER_COLS} FROM users u WHERE u.id = $1"),
            &[&id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no user with id {id}")))?;
    user_row(&r)
}

/// A user by numeric id or by name (case-insensitive).
pub async fn find(pg: &Pg, who: &str) -> Result<User, StoreError> {
    let c = pg.client().await?;
    if let Ok(id) = who.trim().parse::<i64>() {
        if let Ok(u) = get(&c, id).await {
            return Ok(u);
        }
    }
    let r = c
        .query_opt(
            &format!("SELECT {USER_COLS} FROM users u WHERE lower(u.name) = lower($1)"),
            &[&who.trim()],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no user `{who}`")))?;
    user_row(&r)
}

async fn admins(c: &impl GenericClient) -> Result<i64, StoreError> {
    Ok(
        c.query_one("SELECT count(*) FROM users WHERE role = 'admin'", &[])
            .await?
            .get(0),
    )
}

fn last_admin() -> StoreError {
    StoreError::Conflict("this is the last admin; make another user admin first".into())
}

/// Changes a user's role; the last admin cannot be demoted.
pub async fn set_role(pg: &Pg, id: i64, role: Role) -> Result<User, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    lock_users(&tx).await?;
    let user = get(&tx, id).await?;
    if user.role == Role::Admin && role != Role::Admin && admins(&tx).await? <= 1 {
        return Err(last_admin());
    }
    tx.execute(
        "UPDATE users SET role = $2 WHERE id = $1",
        &[&id, &role.as_str()],
    )
    .await?;
    let user = get(&tx, id).await?;
    tx.commit().await?;
    Ok(user)
}

/// Removes a user with their passkeys and sessions and unassigns their issues (recorded in
/// each issue's history as done by `system`); the last admin cannot be removed.
pub async fn remove(pg: &Pg, id: i64) -> Result<User, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    lock_users(&tx).await?;
    let user = get(&tx, id).await?;
    if user.role == Role::Admin && admins(&tx).await? <= 1 {
        return Err(last_admin());
    }
    tx.execute(
        "INSERT INTO assignment_history (issue_id, old_assignee, new_assignee, actor, changed_at)
         SELECT id, $2, NULL, 'system', $3 FROM issues WHERE assignee_id = $1",
        &[&id, &user.name, &crate::store::now_ms()],
    )
    .await?;
    tx.execute(
        "UPDATE issues SET assignee_id = NULL WHERE assignee_id = $1",
        &[&id],
    )
    .await?;
    tx.execute("DELETE FROM users WHERE id = $1", &[&id])
        .await?;
    tx.commit().await?;
    Ok(user)
}

async fn insert_invite(
    c: &impl GenericClient,
    role: Role,
    setup: bool,
    created_by: &str,
    expires_at: i64,
    now: i64,
) -> Result<CreatedInvite, StoreError> {
    let token = random_secret(INVITE_PREFIX);
    let r = c
        .query_one(
            &format!(
                "INSERT INTO invites (token_hash, role, setup, created_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING {INVITE_COLS}"
            ),
            &[
                &hash(&token),
                &role.as_str(),
                &setup,
                &created_by,
                &now,
                &expires_at,
            ],
        )
        .await?;
    Ok(CreatedInvite {
        token,
        invite: invite_row(&r)?,
    })
}

pub async fn create_invite(
    pg: &Pg,
    role: Role,
    created_by: &str,
    ttl_ms: i64,
    now: i64,
) -> Result<CreatedInvite, StoreError> {
    validate_invite_ttl(ttl_ms)?;
    let c = pg.client().await?;
    insert_invite(&c, role, false, created_by, now + ttl_ms, now).await
}

/// On a database without users: replaces any unused setup link with a new one (valid 24 h).
/// `None` once a user exists.
pub async fn setup_invite(pg: &Pg, now: i64) -> Result<Option<CreatedInvite>, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    lock_users(&tx).await?;
    if count(&tx).await? > 0 {
        return Ok(None);
    }
    tx.execute("DELETE FROM invites WHERE setup AND used_at IS NULL", &[])
        .await?;
    let created = insert_invite(&tx, Role::Admin, true, "setup", now + 86_400_000, now).await?;
    tx.commit().await?;
    Ok(Some(created))
}

/// Invites that can still be used.
pub async fn pending_invites(pg: &Pg, now: i64) -> Result<Vec<Invite>, StoreError> {
    let c = pg.client().await?;
    c.query(
        &format!(
            "SELECT {INVITE_COLS} FROM invites WHERE used_at IS NULL AND expires_at > $1
             ORDER BY id"
        ),
        &[&now],
    )
    .await?
    .iter()
    .map(invite_row)
    .collect()
}

pub async fn revoke_invite(pg: &Pg, id: i64) -> Result<(), StoreError> {
    let c = pg.client().await?;
    let n = c
        .execute(
            "DELETE FROM invites WHERE id = $1 AND used_at IS NULL",
            &[&id],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!(
            "no pending invite with id {id}"
        )));
    }
    Ok(())
}

/// The invite a token names, if it is unused and unexpired.
pub async fn check_invite(
    c: &impl GenericClient,
    token: &str,
    now: i64,
) -> Result<Option<Invite>, StoreError> {
    if !token.starts_with(INVITE_PREFIX) {
        return Ok(None);
    }
    c.query_opt(
        &format!(
            "SELECT {INVITE_COLS} FROM invites
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
        ),
        &[&hash(token), &now],
    )
    .await?
    .map(|r| invite_row(&r))
    .transpose()
}

/// Conflict when a user already has this name (names compare case-insensitively).
pub async fn ensure_name_free(c: &impl GenericClient, name: &str) -> Result<(), StoreError> {
    let taken: bool = c
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM users WHERE lower(name) = lower($1))",
            &[&name],
        )
        .await?
        .get(0);
    if taken {
        return Err(StoreError::Conflict(format!("the name `{name}` is taken")));
    }
    Ok(())
}

/// For the start of a registration: the invite is usable and the name free.
pub async fn check_registration(
    pg: &Pg,
    invite: &str,
    name: &str,
    now: i64,
) -> Result<(), StoreError> {
    let c = pg.client().await?;
    if check_invite(&c, invite, now).await?.is_none() {
        return Err(invalid_invite());
    }
    ensure_name_free(&c, name).await
}

async fn insert_passkey(
    c: &impl GenericClient,
    user_id: i64,
    p: &NewPasskey<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let name = crate::store::users::passkey_label(p.name);
    let r = c
        .query_opt(
            "INSERT INTO passkeys (user_id, cred_id, name, passkey, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cred_id) DO NOTHING RETURNING id",
            &[&user_id, &p.cred_id, &name, &p.json, &now],
        )
        .await?
        .ok_or_else(|| StoreError::Conflict("this passkey is already registered".into()))?;
    Ok(r.get(0))
}

/// Consumes the invite and creates the user with their first passkey and a session, all or
/// nothing; returns the user and the session cookie value.
#[allow(clippy::too_many_arguments)]
pub async fn register(
    pg: &Pg,
    invite_token: &str,
    name: &str,
    handle: &str,
    passkey: &NewPasskey<'_>,
    session_ttl_ms: i64,
    now: i64,
) -> Result<(User, String), StoreError> {
    let name = validate_name(name)?;
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    lock_users(&tx).await?;
    let invite =
        check_invite(&tx, invite_token, now)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                field: "invite".into(),
                message: "this link is invalid, expired or already used".into(),
            })?;
    ensure_name_free(&tx, &name).await?;
    let user_id: i64 = tx
        .query_one(
            "INSERT INTO users (name, handle, role, created_at, last_login_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
            &[&name, &handle, &invite.role.as_str(), &now],
        )
        .await?
        .get(0);
    let n = tx
        .execute(
            "UPDATE invites SET used_at = $2, used_by = $3 WHERE id = $1 AND used_at IS NULL",
            &[&invite.id, &now, &user_id],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Invalid {
            field: "invite".into(),
            message: "this link was used meanwhile".into(),
        });
    }
    // Once anyone is registered, an unused setup link (printed in a log) stops working.
    tx.execute("DELETE FROM invites WHERE setup AND used_at IS NULL", &[])
        .await?;
    insert_passkey(&tx, user_id, passkey, now).await?;
    let user = get(&tx, user_id).await?;
    let session = insert_session(&tx, user_id, session_ttl_ms, now).await?;
    tx.commit().await?;
    Ok((user, session))
}

pub async fn add_passkey(
    pg: &Pg,
    user_id: i64,
    passkey: &NewPasskey<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let c = pg.client().await?;
    insert_passkey(&c, user_id, passkey, now).await
}

pub async fn passkeys(pg: &Pg, user_id: i64) -> Result<Vec<PasskeyInfo>, StoreError> {
    let c = pg.client().await?;
    Ok(c.query(
        "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1
             ORDER BY id",
        &[&user_id],
    )
    .await?
    .iter()
    .map(|r| PasskeyInfo {
        id: r.get(0),
        name: r.get(1),
        created_at: r.get(2),
        last_used_at: r.get(3),
    })
    .collect())
}

/// The stored credential JSON of every passkey of a user.
pub async fn passkey_json(pg: &Pg, user_id: i64) -> Result<Vec<String>, StoreError> {
    let c = pg.client().await?;
    Ok(c.query(
        "SELECT passkey FROM passkeys WHERE user_id = $1",
        &[&user_id],
    )
    .await?
    .iter()
    .map(|r| r.get(0))
    .collect())
}

/// Removes one of a user's passkeys; the last one cannot go.
pub async fn remove_passkey(pg: &Pg, user_id: i64, id: i64) -> Result<(), StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    // The user's passkeys, locked: two removals at once cannot both leave one.
    let mine: Vec<i64> = tx
        .query(
            "SELECT id FROM passkeys WHERE user_id = $1 FOR UPDATE",
            &[&user_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !mine.contains(&id) {
        return Err(StoreError::NotFound(format!("no passkey with id {id}")));
    }
    if mine.len() <= 1 {
        return Err(StoreError::Conflict(
            "this is your only passkey; add another before removing it".into(),
        ));
    }
    tx.execute("DELETE FROM passkeys WHERE id = $1", &[&id])
        .await?;
    tx.commit().await?;
    Ok(())
}

/// For sign-in: the user a handle names and the stored passkey with this credential id.
pub async fn login_credential(
    pg: &Pg,
    handle: &str,
    cred_id: &str,
) -> Result<Option<(User, i64, String)>, StoreError> {
    let c = pg.client().await?;
    let Some(r) = c
        .query_opt(
            "SELECT p.user_id, p.id, p.passkey FROM passkeys p JOIN users u ON u.id = p.user_id
             WHERE u.handle = $1 AND p.cred_id = $2",
            &[&handle, &cred_id],
        )
        .await?
    else {
        return Ok(None);
    };
    let (uid, pid, json): (i64, i64, String) = (r.get(0), r.get(1), r.get(2));
    Ok(Some((get(&c, uid).await?, pid, json)))
}

/// After a sign-in: the passkey's new counter state, the times of use, and a new session
/// (its cookie value returned).
pub async fn record_login(
    pg: &Pg,
    user_id: i64,
    passkey_id: i64,
    json: Option<&str>,
    session_ttl_ms: i64,
    now: i64,
) -> Result<String, StoreError> {
    let mut c = pg.client().await?;
    let tx = c.transaction().await?;
    tx.execute(
        "UPDATE passkeys SET last_used_at = $2, passkey = coalesce($3, passkey) WHERE id = $1",
        &[&passkey_id, &now, &json],
    )
    .await?;
    tx.execute(
        "UPDATE users SET last_login_at = $2 WHERE id = $1",
        &[&user_id, &now],
    )
    .await?;
    let token = insert_session(&tx, user_id, session_ttl_ms, now).await?;
    tx.commit().await?;
    Ok(token)
}

/// Starts a session (expired ones are cleared on the way); returns the cookie value.
async fn insert_session(
    c: &impl GenericClient,
    user_id: i64,
    ttl_ms: i64,
    now: i64,
) -> Result<String, StoreError> {
    c.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now])
        .await?;
    let token = random_secret("");
    c.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        &[&hash(&token), &user_id, &now, &(now + ttl_ms)],
    )
    .await?;
    Ok(token)
}

/// The user a session cookie belongs to, if the session is live.
pub async fn session_user(pg: &Pg, token: &str, now: i64) -> Result<Option<User>, StoreError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let c = pg.client().await?;
    let st = c
        .prepare_cached(&format!(
            "SELECT {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        ))
        .await?;
    c.query_opt(&st, &[&hash(token), &now])
        .await?
        .map(|r| user_row(&r))
        .transpose()
}

pub async fn delete_session(pg: &Pg, token: &str) -> Result<(), StoreError> {
    let c = pg.client().await?;
    c.execute(
        "DELETE FROM sessions WHERE token_hash = $1",
        &[&hash(token)],
    )
    .await?;
    Ok(())
}
