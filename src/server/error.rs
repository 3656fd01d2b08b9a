//! The one HTTP error shape: `{"error": "<human message>", "code": "<snake_case>", "field"?,
//! "limit"?}` with the right status. Internals (SQL, paths, panics) are logged, never echoed.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::event::EventError;
use crate::store::StoreError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub limit: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            limit: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error; see the server log",
        )
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }
}

impl ApiError {
    /// The JSON body of this error.
    pub fn body(&self) -> Vec<u8> {
        let body = Body {
            error: &self.message,
            code: self.code,
            field: self.field.as_deref(),
            limit: self.limit,
        };
        serde_json::to_vec(&body).expect("a struct of strings and numbers always serializes")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body();
        (
            self.status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}

impl From<EventError> for ApiError {
    fn from(e: EventError) -> Self {
        let code = match &e {
            EventError::Malformed(_) => "malformed_json",
            EventError::Missing(_) => "missing_field",
            EventError::Invalid { .. } => "invalid_field",
            EventError::TooLarge { .. } | EventError::TooMany { .. } => "too_large",
            EventError::TooDeep { .. } => "too_deep",
        };
        let mut err = ApiError::bad_request(code, e.to_string());
        if let Some(f) = e.field() {
            err = err.field(f);
        }
        if let Some(l) = e.limit() {
            err = err.limit(l as u64);
        }
        err
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => ApiError::not_found(m),
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            StoreError::Invalid { field, message } => {
                ApiError::bad_request("invalid_field", format!("{field}: {message}")).field(field)
            }
            StoreError::Unsupported(m) => {
                ApiError::new(StatusCode::NOT_IMPLEMENTED, "not_implemented", m)
            }
            other => {
                tracing::error!(error = %other, "storage error");
                ApiError::internal()
            }
        }
    }
}

/// Parses a JSON request body; a bad one is a 400 naming the field at fault.
pub fn json_body<T: for<'de> serde::Deserialize<'de>>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let mut err = ApiError::bad_request("invalid_body", e.inner().to_string());
        if field != "." {
            err = err.field(field);
        }
        err
    })
}

/// Like [`json_body`], with an empty body meaning "all defaults".
pub fn json_body_or_default<T: for<'de> serde::Deserialize<'de> + Default>(
    bytes: &[u8],
) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        json_body(bytes)
    }
}

/// The router's fallback: unknown paths get a JSON 404 too.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this endpoint",
    )
}
