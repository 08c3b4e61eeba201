//! One module per vendor stand-in, each speaking the vendor's documented paths, auth and
//! answer shapes, with answers taken from [`crate::data`].

pub mod address;
pub mod captcha;
pub mod dncscrub;
pub mod ipqs;
pub mod maxmind;
pub mod purecallerid;
pub mod trestle;
pub mod trustedform;
pub mod twilio;

use crate::data::{BAD_KEY, NO_CREDIT_KEY};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// A JSON answer.
pub fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// How the sandbox treats a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Accepted.
    Ok,
    /// Missing.
    Missing,
    /// Wrong (`bad-key`).
    Bad,
    /// Out of credit (`no-credit`).
    NoCredit,
}

/// Classifies a credential: empty = missing, `bad-key` = wrong, `no-credit` = out of
/// credit, anything else accepted.
pub fn key_state(key: Option<&str>) -> KeyState {
    match key.map(str::trim) {
        None | Some("") => KeyState::Missing,
        Some(BAD_KEY) => KeyState::Bad,
        Some(NO_CREDIT_KEY) => KeyState::NoCredit,
        Some(_) => KeyState::Ok,
    }
}

/// A header's value.
pub fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The password of an HTTP Basic `Authorization` header, with the user.
pub fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let v = header_str(headers, "authorization")?;
    let token = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_owned(), p.to_owned()))
}
