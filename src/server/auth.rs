//! Who is calling the API: a bearer token (`Authorization: Bearer bloop_tk_…`) with scopes and an
//! optional project pin, or a dashboard session (cookie `bloop_session`) whose user's role maps
//! to scopes. Every route asks the [`Caller`] for its scope and for the projects it may touch, so
//! a token for project A can neither see nor change project B. Cookie-authenticated requests
//! that change state must come from the dashboard's own origin (CSRF check).

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};

use super::error::ApiError;
use super::AppState;
use crate::store::now_ms;
use crate::store::tokens::{self, Scope, Token};
use crate::store::users::User;

/// The dashboard's session cookie.
pub const SESSION_COOKIE: &str = "bloop_session";

/// Throttle for `last_used_at` writes.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Debug, Clone)]
pub struct Caller {
    /// For history and logs: `token:<name>` or `user:<name>`.
    pub actor: String,
    scopes: Vec<Scope>,
    pin: Option<String>,
    /// The signed-in user, for session callers.
    pub user: Option<User>,
}

impl Caller {
    pub fn from_token(token: Token) -> Self {
        Self {
            actor: format!("token:{}", token.name),
            scopes: token.scopes,
            pin: token.project_id,
            user: None,
        }
    }

    pub fn from_user(user: User) -> Self {
        Self {
            actor: format!("user:{}", user.name),
            scopes: user.role.scopes(),
            pin: None,
            user: Some(user),
        }
    }

    pub fn has(&self, scope: Scope) -> bool {
        tokens::grants(&self.scopes, scope)
    }

    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.has(scope) {
            Ok(())
        } else if let Some(u) = &self.user {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_role",
                format!("the `{}` role may not do this (needs `{scope}`)", u.role),
            ))
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                format!("this token lacks the `{scope}` scope"),
            ))
        }
    }

    /// The project this caller is pinned to, if any.
    pub fn pinned(&self) -> Option<&str> {
        self.pin.as_deref()
    }

    pub fn is_admin(&self) -> bool {
        self.has(Scope::Admin)
    }

    /// The projects a request may read: the requested one (if allowed) or, without one, the
    /// pinned project or every project (`None`).
    pub fn projects(&self, requested: Option<&str>) -> Result<Option<Vec<String>>, ApiError> {
        match (self.pinned(), requested) {
            (Some(pin), Some(req)) if pin != req => Err(self.forbidden_project(req)),
            (Some(pin), _) => Ok(Some(vec![pin.to_string()])),
            (None, Some(req)) => Ok(Some(vec![req.to_string()])),
            (None, None) => Ok(None),
        }
    }

    /// Fails unless this caller may act on `project`.
    pub fn check_project(&self, project: &str) -> Result<(), ApiError> {
        match self.pinned() {
            Some(pin) if pin != project => Err(self.forbidden_project(project)),
            _ => Ok(()),
        }
    }

    fn forbidden_project(&self, project: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_project",
            format!("this token is limited to another project than `{project}`"),
        )
        .field("project")
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::unauthorized("unauthorized", message)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            if let Some(cookie) = session_cookie(&parts.headers) {
                if !parts.method.is_safe() {
                    check_same_origin(&parts.headers, &st.config.auth.rp_origin)?;
                }
                let now = now_ms();
                let user = st
                    .db
                    .session_user(cookie, now)
                    .await?
                    .ok_or_else(|| unauthorized("the session has expired; sign in again"))?;
                return Ok(Caller::from_user(user));
            }
            return Err(unauthorized(
                "missing Authorization: Bearer <token> header (or a dashboard session)",
            ));
        };
        let bearer = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| unauthorized("Authorization must be `Bearer <token>`"))?
            .to_string();
        let now = now_ms();
        let token = st
            .db
            .authenticate_token(bearer, now)
            .await?
            .ok_or_else(|| unauthorized("unknown, revoked or expired token"))?;
        let due = {
            let mut uses = st.token_uses.lock().unwrap_or_else(|p| p.into_inner());
            let last = uses.get(&token.id).copied().unwrap_or(0);
            if now - last >= TOUCH_EVERY_MS {
                uses.insert(token.id, now);
                true
            } else {
                false
            }
        };
        if due {
            let id = token.id;
            if let Err(e) = st.db.touch_token(id, now).await {
                tracing::warn!(error = %e, "could not record token use");
            }
        }
        Ok(Caller::from_token(token))
    }
}

/// Per-token time of the last `last_used_at` write.
pub type TokenUses = std::sync::Mutex<HashMap<i64, i64>>;

/// The `bloop_session` cookie's value, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// CSRF defence for cookie-authenticated requests that change state: the browser must say the
/// request comes from the dashboard's own origin (`Origin`, or `Sec-Fetch-Site: same-origin`
/// when a browser sends no `Origin`). Requests with neither header are refused.
pub fn check_same_origin(headers: &HeaderMap, rp_origin: &str) -> Result<(), ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let ok = match (header("origin"), header("sec-fetch-site")) {
        (Some(origin), _) => origin.trim_end_matches('/') == rp_origin.trim_end_matches('/'),
        (None, Some(site)) => site == "same-origin",
        (None, None) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            format!("requests that change state must come from {rp_origin}"),
        )
        .field("Origin"))
    }
}
