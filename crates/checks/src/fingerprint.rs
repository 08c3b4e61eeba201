//! The lead fingerprint: SHA-256 over the canonical email, the E.164 phone and the
//! IP + user agent, identical in every tier (pure Rust, no platform hashing).
//!
//! Each component is hashed on its own (`email`, `phone`, `device`), so the backend can
//! dedup on any one of them; the `id` hashes the three together. A fingerprint
//! serialises as its hex `id` string.
use crate::text::hex;
use alloc::string::String;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// A lead's fingerprint: a hex id plus hex component hashes (absent when the
/// component is missing or invalid).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Fingerprint {
    /// SHA-256 (hex) over the three component hashes.
    pub id: String,
    /// SHA-256 (hex) of `"email:" + canonical email`.
    pub email: Option<String>,
    /// SHA-256 (hex) of `"phone:" + E.164`.
    pub phone: Option<String>,
    /// SHA-256 (hex) of `"device:" + ip + "\n" + user agent`.
    pub device: Option<String>,
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    hex(&h.finalize())
}

/// Longest IP or user-agent text that goes into the hash (longer input is cut).
const MAX_DEVICE_FIELD: usize = 512;

fn cap(s: &str) -> &str {
    if s.len() <= MAX_DEVICE_FIELD {
        return s;
    }
    let mut end = MAX_DEVICE_FIELD;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The fingerprint of a lead from its canonical email, E.164 phone, IP and user agent.
pub fn fingerprint(
    canonical_email: Option<&str>,
    e164: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Fingerprint {
    let email = canonical_email
        .filter(|s| !s.is_empty())
        .map(|e| sha256_hex(&["email:", e]));
    let phone = e164
        .filter(|s| !s.is_empty())
        .map(|p| sha256_hex(&["phone:", p]));
    let ip = cap(ip.unwrap_or("").trim());
    let ua = cap(user_agent.unwrap_or("").trim());
    let device = (!ip.is_empty() || !ua.is_empty()).then(|| sha256_hex(&["device:", ip, "\n", ua]));
    let id = sha256_hex(&[
        "leadgate-fp-v1\n",
        email.as_deref().unwrap_or("-"),
        "\n",
        phone.as_deref().unwrap_or("-"),
        "\n",
        device.as_deref().unwrap_or("-"),
    ]);
    Fingerprint {
        id,
        email,
        phone,
        device,
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

/// Deserialises from the hex id string; component hashes are not carried on the wire.
impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Ok(Fingerprint {
            id,
            ..Fingerprint::default()
        })
    }
}

impl core::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector_pins_the_format() {
        // Pinned so every tier (browser, edge, backend) can check it computes the same.
        let fp = fingerprint(
            Some("jane@gmail.com"),
            Some("+12025550143"),
            Some("203.0.113.9"),
            Some("UA"),
        );
        assert_eq!(
            fp.email.as_deref(),
            Some(sha256_hex(&["email:jane@gmail.com"]).as_str())
        );
        assert_eq!(fp.id.len(), 64);
        assert_eq!(
            sha256_hex(&["abc"]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn components_change_the_id() {
        let a = fingerprint(Some("a@x.com"), Some("+12025550143"), None, None);
        let b = fingerprint(Some("a@x.com"), Some("+12025550144"), None, None);
        let c = fingerprint(Some("a@x.com"), Some("+12025550143"), Some("1.2.3.4"), None);
        assert_ne!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert_eq!(a.email, b.email);
        assert_eq!(a.device, None);
        assert!(c.device.is_some());
        assert_eq!(
            a,
            fingerprint(Some("a@x.com"), Some("+12025550143"), Some(" "), None)
        );
    }

    #[test]
    fn serialises_as_id_and_caps_huge_input() {
        let big = "u".repeat(1 << 20);
        let fp = fingerprint(None, None, None, Some(&big));
        let json = serde_json::to_string(&fp).unwrap();
        assert_eq!(json, format!("\"{}\"", fp.id));
        let back: Fingerprint = serde_json::from_str(&json).unwrap();
        assert_eq!(back.id, fp.id);
    }
}
