//! Wire types and signing shared by the browser, the edge and the backend.
//!
//! Pure: no I/O, no clocks, no randomness (callers pass `now` and random bytes), so it
//! builds for `wasm32-unknown-unknown` and is tested natively. Every MAC is
//! HMAC-SHA256, compared in constant time, with a distinct domain per use.
//!
//! - [`envelope`]: the signed edge→backend `POST /v1/intake` envelope.
//! - [`booking`]: single-lead booking tokens (`/v1/book/<token>`).
//! - [`pow`]: self-hosted proof-of-work challenges.
//! - [`lead_id()`]: ULID lead ids.
//!
//! ```
//! use leadgate_protocol::{booking, envelope, pow};
//!
//! // Edge signs, backend verifies.
//! let body = br#"{"lead_id":"01HZY0000000000000000000AA"}"#;
//! let headers = envelope::sign_envelope(b"edge-secret", "k1", 1_700_000_000, body);
//! let keys = [("k1", b"edge-secret".as_slice())];
//! assert!(envelope::verify_envelope(&keys[..], &headers, body, 1_700_000_010).is_ok());
//!
//! // A booking token works until it expires.
//! let claims = booking::BookingClaims {
//!     lead_id: "01HZY0000000000000000000AA".into(), campaign: "spring".into(),
//!     site: "acme".into(), exp: 1_700_003_600, name: "Ada".into(), email: "ada@example.com".into(),
//! };
//! let token = booking::mint_booking_token(b"booking-secret", &claims);
//! assert_eq!(booking::verify_booking_token(b"booking-secret", &token, 1_700_000_000), Ok(claims));
//!
//! // Proof-of-work: the browser solves, the edge verifies.
//! let c = pow::mint(b"pow-secret", "acme", 8, 1_700_000_300, b"random-salt");
//! let nonce = pow::solve(&c.challenge, c.difficulty, 0, 1_000_000).unwrap();
//! let claims = pow::verify(b"pow-secret", &pow::token(&c.challenge, nonce), 1_700_000_000).unwrap();
//! assert_eq!(claims.site, "acme");
//! ```

pub mod booking;
pub mod envelope;
mod lead_id;
mod mac;
pub mod pow;

pub use booking::{mint_booking_token, verify_booking_token, BookingClaims, TokenError};
pub use envelope::{
    sign_envelope, verify_envelope, verify_envelope_once, BotDefense, BotOutcome, EdgeVerdict,
    IntakeEnvelope, KeyLookup, ReplayCheck, SignatureError, SignedHeaders,
};
pub use lead_id::{is_lead_id, lead_id};
pub use pow::{Challenge, PowClaims, PowError};
