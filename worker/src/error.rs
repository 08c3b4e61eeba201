//! One error type for every request the edge refuses: a status, a stable machine code
//! and a message that never leaks internals.
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    /// Stable, e.g. `body_too_large`.
    pub error: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, error: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error,
            message: message.into(),
        }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(404, "not_found", "no such route")
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            405,
            "method_not_allowed",
            "method not allowed on this route",
        )
    }

    pub fn unknown_site() -> ApiError {
        ApiError::new(404, "unknown_site", "no site with that id")
    }

    pub fn origin_not_allowed() -> ApiError {
        ApiError::new(
            403,
            "origin_not_allowed",
            "this origin may not post to this site",
        )
    }

    pub fn rate_limited(scope: &str) -> ApiError {
        ApiError::new(
            429,
            "rate_limited",
            format!("too many requests from this {scope}; try again in a minute"),
        )
    }

    pub fn internal() -> ApiError {
        ApiError::new(500, "internal", "internal error")
    }

    /// The JSON body: `{"error": "...", "message": "..."}`.
    pub fn body(&self) -> String {
        serde_json::to_string(self).expect("error serialises")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.error, self.message)
    }
}

impl std::error::Error for ApiError {}
