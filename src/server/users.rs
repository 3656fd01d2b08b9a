//! Dashboard users and invites over HTTP (admin): `/v1/users`, `/v1/users/{id}`,
//! `/v1/invites`, `/v1/invites/{id}`, and `/v1/me` for any signed-in caller.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::error::{json_body, json_body_or_default, ApiError};
use super::AppState;
use crate::store::tokens::Scope;
use crate::store::users::{invite_link, Invite, InviteLink, PasskeyInfo, Role, User};
use crate::store::{self, now_ms};

fn int_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request("invalid_id", "must be an integer").field("id"))
}

pub(super) async fn list_users(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<User>>, ApiError> {
    caller.require(Scope::Admin)?;
    Ok(Json(st.db.users().await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleChange {
    role: Role,
}

pub(super) async fn set_role(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<User>, ApiError> {
    caller.require(Scope::Admin)?;
    let id = int_id(&id)?;
    let req: RoleChange = json_body(&body)?;
    Ok(Json(st.db.set_user_role(id, req.role).await?))
}

pub(super) async fn remove_user(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<User>, ApiError> {
    caller.require(Scope::Admin)?;
    let id = int_id(&id)?;
    let user = st.db.remove_user(id).await?;
    tracing::info!(user = %user.name, by = %caller.actor, "user removed");
    Ok(Json(user))
}

pub(super) async fn list_invites(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Invite>>, ApiError> {
    caller.require(Scope::Admin)?;
    let now = now_ms();
    Ok(Json(st.db.pending_invites(now).await?))
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewInvite {
    /// Default `member`.
    #[serde(default)]
    role: Option<Role>,
    /// Hours until the link expires (default 72, at most 720).
    #[serde(default)]
    expires_in_hours: Option<u32>,
}

pub(super) async fn create_invite(
    State(st): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<(StatusCode, Json<InviteLink>), ApiError> {
    caller.require(Scope::Admin)?;
    let req: NewInvite = json_body_or_default(&body)?;
    let role = req.role.unwrap_or(Role::Member);
    let hours = i64::from(req.expires_in_hours.unwrap_or(72));
    let by = caller.actor.clone();
    let now = now_ms();
    let invite = st
        .db
        .create_invite(role, by, hours * 3_600_000, now)
        .await
        .map_err(|e| match e {
            store::StoreError::Invalid { .. } => ApiError::bad_request(
                "invalid_value",
                "expires_in_hours must be between 1 and 720",
            )
            .field("expires_in_hours"),
            e => e.into(),
        })?;
    let link = invite_link(&st.config.auth.rp_origin, &invite.token, false);
    Ok((StatusCode::CREATED, Json(InviteLink { link, invite })))
}

pub(super) async fn revoke_invite(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Scope::Admin)?;
    let id = int_id(&id)?;
    st.db.revoke_invite(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user and their passkeys.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Me {
    user: User,
    passkeys: Vec<PasskeyInfo>,
}

pub(super) async fn me(State(st): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    let Some(user) = caller.user.clone() else {
        return Err(ApiError::bad_request(
            "session_required",
            "/v1/me describes a dashboard session; tokens have no user",
        ));
    };
    let id = user.id;
    let passkeys = st.db.passkeys(id).await?;
    Ok(Json(Me { user, passkeys }))
}
