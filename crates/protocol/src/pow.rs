//! Self-hosted proof-of-work: a private, accessible alternative to a captcha.
//!
//! The edge mints a challenge `base64url(JSON {site, exp, difficulty, salt}) + "." +
//! base64url(HMAC)`; the browser finds a `nonce` such that
//! `SHA-256(challenge + ":" + nonce)` starts with at least `difficulty` zero bits and
//! sends `bot_token = "pow:<challenge>:<nonce>"`. [`verify`] checks MAC, expiry and
//! work; accepting a challenge only once needs storage and is the edge's job (keyed on
//! [`PowClaims::challenge`]).
//!
//! The work itself ([`work`], [`solve`]) is `leadgate-pow`'s, re-exported here: the
//! browser's proof-of-work module builds that crate alone, so the edge verifies against
//! the very definition the browser solves.
use crate::mac::{b64url, b64url_decode, hmac_matches, hmac_sha256};
pub use leadgate_pow::{solve, work};
use serde::{Deserialize, Serialize};

const DOMAIN: &[u8] = b"leadgate-pow-v1.";
/// The prefix of a PoW `bot_token`.
pub const TOKEN_PREFIX: &str = "pow:";
/// Difficulties above this are refused when minting (would take a browser too long).
pub const MAX_DIFFICULTY: u32 = 32;

/// What `GET /v1/challenge` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub challenge: String,
    pub difficulty: u32,
    /// Unix seconds.
    pub expires_at: i64,
}

/// The signed content of a challenge, returned by a successful [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowClaims {
    pub site: String,
    #[serde(rename = "exp")]
    pub expires_at: i64,
    pub difficulty: u32,
    pub salt: String,
    /// The full challenge string (the key for accepting it once). Not part of the payload.
    #[serde(skip)]
    pub challenge: String,
    /// The winning nonce. Not part of the payload.
    #[serde(skip)]
    pub nonce: u64,
}

/// Why a PoW token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowError {
    /// Not `pow:<challenge>:<nonce>` or the challenge is not ours in shape.
    Malformed,
    /// The challenge MAC does not match.
    Forged,
    Expired,
    /// The hash has fewer leading zero bits than the challenge demands.
    InsufficientWork,
}

impl std::fmt::Display for PowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PowError::Malformed => "proof-of-work token malformed",
            PowError::Forged => "proof-of-work challenge not issued by us",
            PowError::Expired => "proof-of-work challenge expired",
            PowError::InsufficientWork => "proof-of-work nonce does not meet the difficulty",
        })
    }
}

impl std::error::Error for PowError {}

/// Mints a challenge for `site`. `salt` must be fresh random bytes (the caller owns
/// randomness, so this crate stays pure); `difficulty` is capped at [`MAX_DIFFICULTY`].
pub fn mint(secret: &[u8], site: &str, difficulty: u32, expires_at: i64, salt: &[u8]) -> Challenge {
    let difficulty = difficulty.min(MAX_DIFFICULTY);
    let claims = PowClaims {
        site: site.to_owned(),
        expires_at,
        difficulty,
        salt: b64url(salt),
        challenge: String::new(),
        nonce: 0,
    };
    let payload = b64url(&serde_json::to_vec(&claims).expect("claims serialise"));
    let tag = hmac_sha256(secret, &[DOMAIN, payload.as_bytes()]);
    Challenge {
        challenge: format!("{payload}.{}", b64url(&tag)),
        difficulty,
        expires_at,
    }
}

/// The `bot_token` the snippet sends for a solved challenge.
pub fn token(challenge: &str, nonce: u64) -> String {
    format!("{TOKEN_PREFIX}{challenge}:{nonce}")
}

/// Verifies a `pow:<challenge>:<nonce>` token: format, MAC (constant time), expiry, work.
pub fn verify(secret: &[u8], token: &str, now: i64) -> Result<PowClaims, PowError> {
    let rest = token
        .strip_prefix(TOKEN_PREFIX)
        .ok_or(PowError::Malformed)?;
    let (challenge, nonce) = rest.rsplit_once(':').ok_or(PowError::Malformed)?;
    let nonce: u64 = nonce.parse().map_err(|_| PowError::Malformed)?;
    let (payload, tag) = challenge.split_once('.').ok_or(PowError::Malformed)?;
    let tag = b64url_decode(tag).ok_or(PowError::Malformed)?;
    let json = b64url_decode(payload).ok_or(PowError::Malformed)?;
    if tag.len() != 32 {
        return Err(PowError::Malformed);
    }
    if !hmac_matches(secret, &[DOMAIN, payload.as_bytes()], &tag) {
        return Err(PowError::Forged);
    }
    let mut claims: PowClaims = serde_json::from_slice(&json).map_err(|_| PowError::Malformed)?;
    if now >= claims.expires_at {
        return Err(PowError::Expired);
    }
    if work(challenge, nonce) < claims.difficulty {
        return Err(PowError::InsufficientWork);
    }
    claims.challenge = challenge.to_owned();
    claims.nonce = nonce;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solved_challenge_verifies_once_minted() {
        let c = mint(b"k", "acme", 10, 500, b"salt-1");
        let nonce = solve(&c.challenge, c.difficulty, 0, 1 << 20).expect("10 bits is easy");
        assert!(work(&c.challenge, nonce) >= 10);
        let claims = verify(b"k", &token(&c.challenge, nonce), 100).expect("valid");
        assert_eq!(
            (claims.site.as_str(), claims.difficulty, claims.expires_at),
            ("acme", 10, 500)
        );
        assert_eq!(claims.challenge, c.challenge);
        assert_eq!(claims.nonce, nonce);
    }

    #[test]
    fn insufficient_work_expiry_and_forgery() {
        let c = mint(b"k", "acme", 12, 500, b"salt-2");
        let lazy = (0..).find(|&n| work(&c.challenge, n) < 12).unwrap();
        assert_eq!(
            verify(b"k", &token(&c.challenge, lazy), 100),
            Err(PowError::InsufficientWork)
        );
        let nonce = solve(&c.challenge, 12, 0, 1 << 22).unwrap();
        assert_eq!(
            verify(b"k", &token(&c.challenge, nonce), 500),
            Err(PowError::Expired)
        );
        assert_eq!(
            verify(b"other", &token(&c.challenge, nonce), 100),
            Err(PowError::Forged)
        );
        // Lowering the difficulty in the payload breaks the MAC.
        let (_, tag) = c.challenge.split_once('.').unwrap();
        let easy = mint(b"attacker", "acme", 0, 500, b"salt-2");
        let (easy_payload, _) = easy.challenge.split_once('.').unwrap();
        let spliced = format!("{easy_payload}.{tag}");
        assert_eq!(
            verify(b"k", &token(&spliced, 0), 100),
            Err(PowError::Forged)
        );
    }

    #[test]
    fn malformed_tokens() {
        for bad in [
            "",
            "pow:",
            "pow:abc",
            "pow:a.b:1",
            "pow:x.y:notanumber",
            "captcha:a.b:1",
        ] {
            assert_eq!(verify(b"k", bad, 0), Err(PowError::Malformed), "{bad}");
        }
    }

    #[test]
    fn difficulty_is_capped_when_minting() {
        let c = mint(b"k", "acme", 99, 500, b"s");
        assert_eq!(c.difficulty, MAX_DIFFICULTY);
        // The capped difficulty is the one signed into the challenge and enforced.
        let nonce = solve(&c.challenge, 4, 0, 1 << 16).unwrap();
        assert_eq!(
            verify(b"k", &token(&c.challenge, nonce), 100),
            Err(PowError::InsufficientWork)
        );
    }
}
