//! Who is calling the API: a bearer token (`Authorization: Bearer bloop_tk_…`) with scopes and an
//! optional project pin. Every route asks the [`Caller`] for its scope and for the projects it
//! may touch, so a token for project A can neither see nor change project B.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::error::ApiError;
use super::AppState;
use crate::store::tokens::{self, Scope, Token};
use crate::store::{self, now_ms};

/// Throttle for `last_used_at` writes.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Debug, Clone)]
pub struct Caller {
    /// For history and logs: `token:<name>`.
    pub actor: String,
    token: Token,
}

impl Caller {
    pub fn from_token(token: Token) -> Self {
        Self {
            actor: format!("token:{}", token.name),
            token,
        }
    }

    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.token.has(scope) {
            Ok(())
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
        self.token.project_id.as_deref()
    }

    pub fn is_admin(&self) -> bool {
        self.token.has(Scope::Admin)
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
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| unauthorized("missing Authorization: Bearer <token> header"))?;
        let bearer = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| unauthorized("Authorization must be `Bearer <token>`"))?
            .to_string();
        let now = now_ms();
        let token = store::with_conn(&st.pool, move |c| tokens::authenticate(c, &bearer, now))
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
            if let Err(e) = store::with_conn(&st.pool, move |c| tokens::touch(c, id, now)).await {
                tracing::warn!(error = %e, "could not record token use");
            }
        }
        Ok(Caller::from_token(token))
    }
}

/// Per-token time of the last `last_used_at` write.
pub type TokenUses = std::sync::Mutex<HashMap<i64, i64>>;
