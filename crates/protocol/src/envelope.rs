//! The edge→backend intake envelope and its signature.
//!
//! The edge posts an [`IntakeEnvelope`] as JSON to `{backend}/v1/intake` with four headers:
//! `X-Leadgate-Key-Id`, `X-Leadgate-Timestamp` (unix seconds), `X-Leadgate-Signature`
//! (`v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`) and `Idempotency-Key`
//! (the lead id). The key id lets the backend hold several keys during a rotation; the
//! timestamp window ([`MAX_SKEW_SECS`]) and a replay check on the signature stop a
//! captured request from being replayed later.
use crate::mac::{from_hex, hmac_matches, hmac_sha256, to_hex};
use leadgate_checks::{Lane, LeadInput, ReasonCode};
use serde::{Deserialize, Serialize};

/// Header carrying the signing key id.
pub const HEADER_KEY_ID: &str = "X-Leadgate-Key-Id";
/// Header carrying the unix-seconds timestamp that was signed.
pub const HEADER_TIMESTAMP: &str = "X-Leadgate-Timestamp";
/// Header carrying `v1=<hex>`.
pub const HEADER_SIGNATURE: &str = "X-Leadgate-Signature";
/// Header carrying the lead id, so a re-delivery is stored once.
pub const HEADER_IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// The largest accepted |now - timestamp|, in seconds.
pub const MAX_SKEW_SECS: i64 = 300;

/// What the edge sends the backend for every Review or Fast-Track lead.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntakeEnvelope {
    /// 26-character ULID (see [`crate::lead_id`]).
    pub lead_id: String,
    pub site: String,
    pub campaign: String,
    /// Unix milliseconds when the edge received the lead.
    pub received_at: i64,
    pub lead: LeadInput,
    pub edge: EdgeVerdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
}

/// The edge's authoritative verdict, as it travels to the backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeVerdict {
    pub lane: Lane,
    /// Primary first.
    pub reasons: Vec<ReasonCode>,
    pub score: u8,
    /// The checks crate's fingerprint id (hex).
    pub fingerprint: String,
    /// The policy version that made the verdict.
    pub rule_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotOutcome>,
}

/// Which bot defense produced a [`BotOutcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BotDefense {
    None,
    Turnstile,
    RecaptchaV3,
    RecaptchaEnterprise,
    Pow,
}

/// The result of bot verification at the edge, kept as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotOutcome {
    pub defense: BotDefense,
    /// True when the verifier vouched for a human (or no defense is configured).
    pub passed: bool,
    /// reCAPTCHA score (0.0–1.0) when the verifier reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// The reason this outcome adds to the verdict (INT01..INT07), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonCode>,
    /// The verifier's own error codes, verbatim (e.g. `timeout-or-duplicate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<String>,
    /// True when the verifier was slow or down and the site fails open.
    #[serde(default)]
    pub failed_open: bool,
}

/// The headers that authenticate one envelope body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub key_id: String,
    /// Unix seconds.
    pub timestamp: i64,
    /// `v1=<lowercase hex>`.
    pub signature: String,
}

impl SignedHeaders {
    /// The three signature headers as (name, value) pairs, ready to set on a request.
    pub fn pairs(&self) -> [(&'static str, String); 3] {
        [
            (HEADER_KEY_ID, self.key_id.clone()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_SIGNATURE, self.signature.clone()),
        ]
    }

    /// Reads the three headers through `get` (a case-insensitive header lookup).
    pub fn from_lookup<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<SignedHeaders, SignatureError> {
        let key_id = get(HEADER_KEY_ID).ok_or(SignatureError::MissingHeader(HEADER_KEY_ID))?;
        let timestamp =
            get(HEADER_TIMESTAMP).ok_or(SignatureError::MissingHeader(HEADER_TIMESTAMP))?;
        let signature =
            get(HEADER_SIGNATURE).ok_or(SignatureError::MissingHeader(HEADER_SIGNATURE))?;
        let timestamp = timestamp
            .trim()
            .parse::<i64>()
            .map_err(|_| SignatureError::Malformed)?;
        Ok(SignedHeaders {
            key_id: key_id.trim().to_owned(),
            timestamp,
            signature: signature.trim().to_owned(),
        })
    }
}

/// Why an envelope was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    MissingHeader(&'static str),
    /// A header is present but not in the documented format.
    Malformed,
    UnknownKeyId,
    /// |now - timestamp| exceeds [`MAX_SKEW_SECS`].
    StaleTimestamp,
    /// The MAC does not match the body under the named key.
    BadSignature,
    /// This exact signature was accepted before.
    Replayed,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureError::MissingHeader(name) => write!(f, "missing header {name}"),
            SignatureError::Malformed => f.write_str("malformed signature header"),
            SignatureError::UnknownKeyId => f.write_str("unknown signing key id"),
            SignatureError::StaleTimestamp => f.write_str("timestamp outside the accepted window"),
            SignatureError::BadSignature => f.write_str("signature does not match"),
            SignatureError::Replayed => f.write_str("signature already used"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Finds the secret for a key id (the backend's configured `edge_keys`).
pub trait KeyLookup {
    fn secret(&self, key_id: &str) -> Option<&[u8]>;
}

impl<K, V> KeyLookup for std::collections::HashMap<K, V>
where
    K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
    V: AsRef<[u8]>,
{
    fn secret(&self, key_id: &str) -> Option<&[u8]> {
        self.get(key_id).map(AsRef::as_ref)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> KeyLookup for [(K, V)] {
    fn secret(&self, key_id: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref() == key_id)
            .map(|(_, v)| v.as_ref())
    }
}

/// The replay-check hook: remembers signatures until they can no longer pass the window.
pub trait ReplayCheck {
    /// Records `signature`; returns false when it was already recorded.
    /// `valid_until` (unix seconds) is when it may be forgotten.
    fn first_use(&mut self, signature: &str, valid_until: i64) -> bool;
}

/// Signs `body` (the exact bytes that will be sent) at `timestamp` with key `kid`.
pub fn sign_envelope(secret: &[u8], kid: &str, timestamp: i64, body: &[u8]) -> SignedHeaders {
    let ts = timestamp.to_string();
    let tag = hmac_sha256(secret, &[ts.as_bytes(), b".", body]);
    SignedHeaders {
        key_id: kid.to_owned(),
        timestamp,
        signature: format!("v1={}", to_hex(&tag)),
    }
}

/// Checks key id, timestamp window and MAC (constant time). Does not check replay;
/// see [`verify_envelope_once`].
pub fn verify_envelope(
    keys: &(impl KeyLookup + ?Sized),
    headers: &SignedHeaders,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let hex = headers
        .signature
        .strip_prefix("v1=")
        .ok_or(SignatureError::Malformed)?;
    let tag = from_hex(hex).ok_or(SignatureError::Malformed)?;
    let secret = keys
        .secret(&headers.key_id)
        .ok_or(SignatureError::UnknownKeyId)?;
    if (now - headers.timestamp).abs() > MAX_SKEW_SECS {
        return Err(SignatureError::StaleTimestamp);
    }
    let ts = headers.timestamp.to_string();
    if hmac_matches(secret, &[ts.as_bytes(), b".", body], &tag) {
        Ok(())
    } else {
        Err(SignatureError::BadSignature)
    }
}

/// [`verify_envelope`] plus the replay check: a valid signature is accepted once.
pub fn verify_envelope_once(
    keys: &(impl KeyLookup + ?Sized),
    headers: &SignedHeaders,
    body: &[u8],
    now: i64,
    replay: &mut impl ReplayCheck,
) -> Result<(), SignatureError> {
    verify_envelope(keys, headers, body, now)?;
    if replay.first_use(&headers.signature, headers.timestamp + MAX_SKEW_SECS) {
        Ok(())
    } else {
        Err(SignatureError::Replayed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Seen(HashMap<String, i64>);
    impl ReplayCheck for Seen {
        fn first_use(&mut self, signature: &str, valid_until: i64) -> bool {
            self.0.insert(signature.to_owned(), valid_until).is_none()
        }
    }

    fn keys() -> HashMap<String, Vec<u8>> {
        HashMap::from([
            ("k1".to_owned(), b"old-secret".to_vec()),
            ("k2".to_owned(), b"new-secret".to_vec()),
        ])
    }

    #[test]
    fn signature_matches_the_documented_formula() {
        let h = sign_envelope(b"s3cret", "k1", 1_700_000_000, b"{\"a\":1}");
        let expected = to_hex(&hmac_sha256(b"s3cret", &[b"1700000000.{\"a\":1}"]));
        assert_eq!(h.signature, format!("v1={expected}"));
        assert_eq!(h.pairs()[1], (HEADER_TIMESTAMP, "1700000000".to_owned()));
    }

    #[test]
    fn accepts_either_key_during_rotation() {
        for (kid, secret) in [("k1", &b"old-secret"[..]), ("k2", &b"new-secret"[..])] {
            let h = sign_envelope(secret, kid, 1000, b"body");
            assert_eq!(verify_envelope(&keys(), &h, b"body", 1000), Ok(()));
        }
    }

    #[test]
    fn rejects_tampering_unknown_keys_and_stale_timestamps() {
        let h = sign_envelope(b"old-secret", "k1", 1000, b"body");
        assert_eq!(
            verify_envelope(&keys(), &h, b"bodY", 1000),
            Err(SignatureError::BadSignature)
        );
        let wrong_key = SignedHeaders {
            key_id: "k2".into(),
            ..h.clone()
        };
        assert_eq!(
            verify_envelope(&keys(), &wrong_key, b"body", 1000),
            Err(SignatureError::BadSignature)
        );
        let unknown = SignedHeaders {
            key_id: "k9".into(),
            ..h.clone()
        };
        assert_eq!(
            verify_envelope(&keys(), &unknown, b"body", 1000),
            Err(SignatureError::UnknownKeyId)
        );
        assert_eq!(verify_envelope(&keys(), &h, b"body", 1300), Ok(()));
        assert_eq!(
            verify_envelope(&keys(), &h, b"body", 1301),
            Err(SignatureError::StaleTimestamp)
        );
        assert_eq!(
            verify_envelope(&keys(), &h, b"body", 699),
            Err(SignatureError::StaleTimestamp)
        );
        let moved = SignedHeaders {
            timestamp: 1001,
            ..h.clone()
        };
        assert_eq!(
            verify_envelope(&keys(), &moved, b"body", 1000),
            Err(SignatureError::BadSignature)
        );
        let junk = SignedHeaders {
            signature: "v2=00".into(),
            ..h
        };
        assert_eq!(
            verify_envelope(&keys(), &junk, b"body", 1000),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn replayed_signature_is_refused() {
        let mut seen = Seen(HashMap::new());
        let h = sign_envelope(b"old-secret", "k1", 1000, b"body");
        assert_eq!(
            verify_envelope_once(&keys(), &h, b"body", 1000, &mut seen),
            Ok(())
        );
        assert_eq!(
            verify_envelope_once(&keys(), &h, b"body", 1001, &mut seen),
            Err(SignatureError::Replayed)
        );
        assert_eq!(seen.0[&h.signature], 1300);
    }

    #[test]
    fn headers_are_read_through_a_lookup() {
        let h = sign_envelope(b"old-secret", "k1", 1000, b"body");
        let pairs = h.pairs();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(SignedHeaders::from_lookup(get), Ok(h));
        let none = |_: &str| None;
        assert_eq!(
            SignedHeaders::from_lookup(none),
            Err(SignatureError::MissingHeader(HEADER_KEY_ID))
        );
    }

    #[test]
    fn envelope_json_uses_the_contract_field_names() {
        let env = IntakeEnvelope {
            lead_id: "01JAAAAAAAAAAAAAAAAAAAAAAA".into(),
            site: "acme".into(),
            campaign: "spring".into(),
            received_at: 1_700_000_000_000,
            lead: LeadInput {
                email: Some("a@b.co".into()),
                ..LeadInput::default()
            },
            edge: EdgeVerdict {
                lane: Lane::FastTrack,
                reasons: vec![ReasonCode::INT02],
                score: 90,
                fingerprint: "ab12".into(),
                rule_version: "v1".into(),
                bot: Some(BotOutcome {
                    defense: BotDefense::Turnstile,
                    passed: false,
                    score: None,
                    reason: Some(ReasonCode::INT02),
                    error_codes: vec![],
                    failed_open: true,
                }),
            },
            page_url: None,
        };
        let json: serde_json::Value = serde_json::to_value(&env).expect("serialises");
        assert_eq!(json["edge"]["lane"], "fast_track");
        assert_eq!(json["edge"]["reasons"][0], "INT02");
        assert_eq!(json["edge"]["bot"]["defense"], "turnstile");
        assert_eq!(json["received_at"], 1_700_000_000_000_i64);
        let back: IntakeEnvelope = serde_json::from_value(json.clone()).expect("parses");
        assert_eq!(serde_json::to_value(&back).expect("serialises"), json);
        assert_eq!(back.edge, env.edge);
    }
}
