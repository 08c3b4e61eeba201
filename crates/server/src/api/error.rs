//! One error type for every handler; internals are logged, never sent.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing or wrong credentials / signature.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Malformed request.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Not found (or not yours).
    #[error("not found")]
    NotFound,
    /// A replayed signature.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A conflict that needs its detail (a reused campaign version).
    #[error("conflict: {0}")]
    ConflictWith(String),
    /// A feature switched off by config (the admin API without a token).
    #[error("disabled: {0}")]
    Disabled(&'static str),
    /// Well-formed but refers to something unknown (campaign).
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// Anything else (logged with detail, sent as a bare 500).
    #[error("internal: {0}")]
    Internal(String),
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            AppError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m.to_string()),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", "not found".into()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.to_string()),
            AppError::ConflictWith(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            AppError::Disabled(m) => (StatusCode::NOT_FOUND, "disabled", m.to_string()),
            AppError::Unprocessable(m) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", m.clone())
            }
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error".into(),
                )
            }
        };
        (
            status,
            Json(serde_json::json!({"error": code, "message": message})),
        )
            .into_response()
    }
}
