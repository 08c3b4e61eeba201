//! The US address check: USPS Publication 28 normalisation, state names to codes,
//! ZIP and ZIP+4 syntax, ZIP prefix consistent with the state, and a 0-100 confidence.
//!
//! Everything here is offline and small enough for the edge: it says whether an
//! address is well-formed and self-consistent, not whether it exists (that is a
//! provider's job in the backend).
use alloc::{
    string::{String, ToString},
    vec::Vec,
};

pub mod street;
pub mod tables;

use crate::case;
use crate::text::{inspect, non_empty};
use crate::ReasonCode;
use serde::{Deserialize, Serialize};

pub use street::{normalize_street, Street};

/// Longest address field looked at.
const MAX_ADDRESS_INPUT: usize = 256;

/// The address fields of a lead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressInput<'a> {
    pub street: Option<&'a str>,
    pub city: Option<&'a str>,
    pub state: Option<&'a str>,
    pub zip: Option<&'a str>,
}

/// The normalised fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NormalizedAddress {
    pub street: Option<String>,
    pub city: Option<String>,
    /// Two-letter USPS code.
    pub state: Option<String>,
    /// `12345` or `12345-6789`.
    pub zip: Option<String>,
}

/// The outcome of the address check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AddressDetails {
    /// Any address field was given.
    pub present: bool,
    /// Complete, well-formed and self-consistent.
    pub valid: bool,
    /// The normalised fields (those that could be normalised).
    pub normalized: NormalizedAddress,
    /// 0 (nothing usable) to 100 (complete and consistent).
    pub confidence: u8,
    /// ADR01 (incomplete/malformed), ADR02 (ZIP vs state); ENR04 is the policy's call.
    pub reasons: Vec<ReasonCode>,
}

/// ZIP or ZIP+4 in canonical form (`12345` / `12345-6789`), or `None` when malformed.
pub fn normalize_zip(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let dashes = input.matches('-').count();
    match digits.len() {
        5 if dashes == 0 => Some(digits),
        9 if dashes <= 1 => {
            let mut zip = digits;
            zip.insert(5, '-');
            Some(zip)
        }
        _ => None,
    }
}

/// A state or possession name or code to its two-letter USPS code.
pub fn normalize_state(input: &str) -> Option<&'static str> {
    let cleaned: String = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| *c != '.')
        .flat_map(case::upper)
        .collect();
    tables::state_code(&cleaned)
}

/// City in USPS style: upper case, single spaces, letters, spaces, hyphens and
/// apostrophes only (`None` when anything else is in it).
pub fn normalize_city(input: &str) -> Option<String> {
    let city = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('.', "");
    if city.is_empty()
        || !city.chars().any(char::is_alphabetic)
        || !city
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\''))
    {
        return None;
    }
    Some(case::to_uppercase(&city))
}

/// Checks a US address. Never panics; fields longer than 256 bytes or with control
/// or invisible characters are malformed.
pub fn check_address(input: &AddressInput<'_>) -> AddressDetails {
    let fields = [input.street, input.city, input.state, input.zip].map(non_empty);
    let mut out = AddressDetails {
        present: fields.iter().any(Option::is_some),
        ..Default::default()
    };
    if !out.present {
        return out;
    }
    fn clean(f: Option<&str>) -> Option<&str> {
        f.filter(|s| inspect(s, MAX_ADDRESS_INPUT).clean())
    }
    let [street, city, state, zip] = fields;
    let mut malformed = fields
        .iter()
        .zip([street, city, state, zip].map(clean))
        .any(|(raw, ok)| raw.is_some() && ok.is_none());

    let mut confidence: i32 = 100;
    match clean(street).map(normalize_street) {
        Some(s) if !s.line.is_empty() => {
            if !s.has_number {
                confidence -= 20;
            }
            if !s.has_name {
                confidence -= 25;
                malformed = true;
            }
            if !s.has_suffix {
                confidence -= 5;
            }
            out.normalized.street = Some(s.line);
        }
        _ => confidence -= 40,
    }
    match clean(city).map(normalize_city) {
        Some(Some(c)) => out.normalized.city = Some(c),
        Some(None) => {
            confidence -= 20;
            malformed = true;
        }
        None => confidence -= 15,
    }
    match clean(state).map(normalize_state) {
        Some(Some(s)) => out.normalized.state = Some(s.to_string()),
        Some(None) => {
            confidence -= 25;
            malformed = true;
        }
        None => confidence -= 20,
    }
    match clean(zip).map(normalize_zip) {
        Some(Some(z)) => out.normalized.zip = Some(z),
        Some(None) => {
            confidence -= 25;
            malformed = true;
        }
        None => confidence -= 20,
    }
    let mismatch = match (&out.normalized.state, &out.normalized.zip) {
        (Some(state), Some(zip)) => {
            let prefix: u16 = zip.get(..3).and_then(|p| p.parse().ok()).unwrap_or(0);
            !tables::zip_prefix_matches(prefix, state)
        }
        _ => false,
    };
    if mismatch {
        confidence -= 40;
    }
    let complete = out.normalized.street.is_some()
        && out.normalized.city.is_some()
        && out.normalized.state.is_some()
        && out.normalized.zip.is_some();
    if malformed || !complete {
        out.reasons.push(ReasonCode::ADR01);
    }
    if mismatch {
        out.reasons.push(ReasonCode::ADR02);
    }
    out.valid = out.reasons.is_empty();
    out.confidence = confidence.clamp(0, 100) as u8;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReasonCode::*;

    fn addr<'a>(street: &'a str, city: &'a str, state: &'a str, zip: &'a str) -> AddressInput<'a> {
        AddressInput {
            street: Some(street),
            city: Some(city),
            state: Some(state),
            zip: Some(zip),
        }
    }

    #[test]
    fn complete_consistent_address() {
        let a = check_address(&addr(
            "1600 pennsylvania avenue nw",
            "washington",
            "District of Columbia",
            "20500",
        ));
        assert!(a.valid, "{a:?}");
        assert_eq!(a.confidence, 100);
        assert_eq!(
            a.normalized.street.as_deref(),
            Some("1600 PENNSYLVANIA AVE NW")
        );
        assert_eq!(a.normalized.city.as_deref(), Some("WASHINGTON"));
        assert_eq!(a.normalized.state.as_deref(), Some("DC"));
        assert_eq!(a.normalized.zip.as_deref(), Some("20500"));
        let a = check_address(&addr("350 Fifth Ave", "New York", "n.y.", "10118 1234"));
        assert_eq!(a.normalized.zip.as_deref(), Some("10118-1234"));
        assert!(a.valid);
    }

    #[test]
    fn zip_state_mismatch() {
        let a = check_address(&addr("1 Main St", "Springfield", "CA", "10001"));
        assert_eq!(a.reasons, vec![ADR02]);
        assert!(a.confidence < 70);
    }

    #[test]
    fn incomplete_or_malformed() {
        let a = check_address(&AddressInput {
            zip: Some("90210"),
            ..Default::default()
        });
        assert_eq!(a.reasons, vec![ADR01]);
        assert!(a.confidence <= 30, "{}", a.confidence);
        let a = check_address(&addr("1 Main St", "Springfield", "XX", "62701"));
        assert_eq!(a.reasons, vec![ADR01]);
        let a = check_address(&addr("1 Main St", "Springfield", "IL", "6270"));
        assert_eq!(a.reasons, vec![ADR01]);
        let a = check_address(&addr("1 Main St", "Spr1ngf1eld", "IL", "62701"));
        assert_eq!(a.reasons, vec![ADR01]);
        let big = "x".repeat(1 << 20);
        let a = check_address(&addr(&big, "Springfield", "IL", "62701"));
        assert_eq!(a.reasons, vec![ADR01]);
        let a = check_address(&addr("1 Main\u{202E} St", "Springfield", "IL", "62701"));
        assert_eq!(a.reasons, vec![ADR01]);
    }

    #[test]
    fn absent_address_says_nothing() {
        let a = check_address(&AddressInput::default());
        assert!(!a.present && !a.valid);
        assert!(a.reasons.is_empty());
    }

    #[test]
    fn zip_syntax() {
        assert_eq!(normalize_zip("02134").as_deref(), Some("02134"));
        assert_eq!(normalize_zip("02134-0001").as_deref(), Some("02134-0001"));
        assert_eq!(normalize_zip("021340001").as_deref(), Some("02134-0001"));
        for bad in [
            "2134",
            "021345",
            "0213a",
            "02-134",
            "02134--0001",
            "",
            "１２３４５",
        ] {
            assert_eq!(normalize_zip(bad), None, "{bad}");
        }
    }
}
