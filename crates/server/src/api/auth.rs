//! Partner authentication: `X-Api-Key: <key>` or `Authorization: Bearer <key>`,
//! compared by SHA-256 (keys are hashed at rest).
use super::AppError;
use crate::config::{hash_api_key, PartnerConfig};
use crate::state::AppState;
use axum::http::HeaderMap;

/// The partner a request authenticates as.
pub fn partner<'s>(
    state: &'s AppState,
    headers: &HeaderMap,
) -> Result<&'s PartnerConfig, AppError> {
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
        })
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(AppError::Unauthorized("missing API key"))?;
    // The map lookup is on a hash of the key, so timing reveals nothing about the key.
    state
        .partners_by_key
        .get(&hash_api_key(key))
        .ok_or(AppError::Unauthorized("unknown API key"))
}
