//! Single-lead booking tokens: `base64url(JSON claims) + "." + base64url(HMAC-SHA256)`.
//!
//! The edge mints one for every Fast-Track lead and hands the visitor
//! `/v1/book/<token>`; the edge later verifies it (and accepts it once, which needs
//! storage and so lives in the worker, not here).
use crate::mac::{b64url, b64url_decode, hmac_matches, hmac_sha256};
use serde::{Deserialize, Serialize};

/// Domain separation: a booking MAC can never be confused with a PoW or envelope MAC.
const DOMAIN: &[u8] = b"leadgate-booking-v1.";

/// What a booking token vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingClaims {
    pub lead_id: String,
    pub campaign: String,
    pub site: String,
    /// Unix seconds after which the token no longer works.
    pub exp: i64,
    /// Prefilled on the calendar page.
    pub name: String,
    pub email: String,
}

/// Why a booking token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// The MAC does not match: altered or made up.
    Forged,
    /// Genuine, but past its `exp`.
    Expired,
    /// Not in the token format at all.
    Malformed,
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenError::Forged => "booking token signature does not match",
            TokenError::Expired => "booking token expired",
            TokenError::Malformed => "booking token malformed",
        })
    }
}

impl std::error::Error for TokenError {}

/// Mints a token for `claims` under `secret`.
pub fn mint_booking_token(secret: &[u8], claims: &BookingClaims) -> String {
    let json = serde_json::to_vec(claims).expect("claims serialise");
    let payload = b64url(&json);
    let tag = hmac_sha256(secret, &[DOMAIN, payload.as_bytes()]);
    format!("{payload}.{}", b64url(&tag))
}

/// Verifies format, MAC (constant time) and expiry, in that order.
pub fn verify_booking_token(
    secret: &[u8],
    token: &str,
    now: i64,
) -> Result<BookingClaims, TokenError> {
    let (payload, tag) = token.split_once('.').ok_or(TokenError::Malformed)?;
    let tag = b64url_decode(tag).ok_or(TokenError::Malformed)?;
    let json = b64url_decode(payload).ok_or(TokenError::Malformed)?;
    if tag.len() != 32 {
        return Err(TokenError::Malformed);
    }
    if !hmac_matches(secret, &[DOMAIN, payload.as_bytes()], &tag) {
        return Err(TokenError::Forged);
    }
    let claims: BookingClaims = serde_json::from_slice(&json).map_err(|_| TokenError::Malformed)?;
    if now >= claims.exp {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> BookingClaims {
        BookingClaims {
            lead_id: "01HZY0000000000000000000AA".into(),
            campaign: "spring".into(),
            site: "acme".into(),
            exp: 2000,
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
        }
    }

    #[test]
    fn round_trips_before_expiry() {
        let token = mint_booking_token(b"k", &claims());
        assert!(!token.contains(['/', '+', '=']), "URL-safe: {token}");
        assert_eq!(verify_booking_token(b"k", &token, 1999), Ok(claims()));
    }

    #[test]
    fn expired_at_and_after_exp() {
        let token = mint_booking_token(b"k", &claims());
        assert_eq!(
            verify_booking_token(b"k", &token, 2000),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn forged_with_another_key_or_altered_payload() {
        let token = mint_booking_token(b"k", &claims());
        assert_eq!(
            verify_booking_token(b"other", &token, 1000),
            Err(TokenError::Forged)
        );
        let (_, tag) = token.split_once('.').unwrap();
        let richer = BookingClaims {
            exp: 9_999_999_999,
            ..claims()
        };
        let payload = b64url(&serde_json::to_vec(&richer).unwrap());
        assert_eq!(
            verify_booking_token(b"k", &format!("{payload}.{tag}"), 1000),
            Err(TokenError::Forged)
        );
    }

    #[test]
    fn malformed_inputs() {
        for bad in ["", "nodot", "a.b", "!!!.???", "e30.AAAA"] {
            assert_eq!(
                verify_booking_token(b"k", bad, 0),
                Err(TokenError::Malformed),
                "{bad}"
            );
        }
        // A correctly signed payload that is not claims JSON is malformed, not forged.
        let payload = b64url(b"[1,2]");
        let tag = b64url(&hmac_sha256(b"k", &[DOMAIN, payload.as_bytes()]));
        assert_eq!(
            verify_booking_token(b"k", &format!("{payload}.{tag}"), 0),
            Err(TokenError::Malformed)
        );
    }
}
