//! The phone check: E.164, line type and region via the `phonenumber` crate
//! (libphonenumber metadata), with the NANP fake/placeholder rules in front.
//!
//! Inputs written internationally (`+44 …`, `00 44 …`, or `011 44 …` from a NANP
//! region) are parsed with **no** default region: with one, the crate strips that
//! region's national prefix from the number (`+44 121 496 0000` with region US would
//! become `+44214960000`).
//!
//! Two engines answer behind the same API (`check_phone` -> `PhoneDetails`):
//! leadgate-phone (the default, in every tier: tables generated from the
//! libphonenumber metadata, no regex engine) and, with the `native-phone` feature, the
//! `phonenumber` crate itself. crates/phone's differential test proves they agree.
use alloc::string::{String, ToString};

pub mod nanp;

use crate::text::{inspect, slice};
use crate::ReasonCode;
use nanp::NanpVerdict;
use serde::{Deserialize, Serialize};

/// Longest raw phone field looked at.
const MAX_PHONE_INPUT: usize = 64;

/// Line type, as far as numbering metadata can tell (real line type needs a carrier
/// lookup: every US geographic number is `fixed_line_or_mobile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneType {
    FixedLine,
    Mobile,
    FixedLineOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    PersonalNumber,
    Voip,
    Pager,
    Uan,
    Voicemail,
    /// Any other metadata type (short code, emergency, ...).
    Other,
    /// Not known (invalid or not parsed).
    #[default]
    Unknown,
}

/// What an engine found for a number: E.164, line type, region.
struct Parsed {
    e164: String,
    line_type: PhoneType,
    region: Option<String>,
}

/// An engine's answer: a valid number, not a valid one, or (a regions-subset build)
/// a number this build cannot judge.
enum Engine {
    Valid(Parsed),
    Invalid,
    /// Only leadgate-phone builds a subset of regions; the `phonenumber` crate has all.
    #[cfg_attr(feature = "native-phone", allow(dead_code))]
    OutsideBuild,
}

/// `digits` with their country code (`international`) or national under `region`;
/// `None` when not a valid number.
#[cfg(not(feature = "native-phone"))]
fn parse_valid(digits: &str, international: bool, region: &str) -> Engine {
    use leadgate_phone::NumberType as T;
    let number = match if international {
        leadgate_phone::parse(&["+", digits].concat(), None)
    } else {
        leadgate_phone::parse(digits, Some(&region.to_ascii_uppercase()))
    } {
        Ok(n) if n.valid => n,
        Err(leadgate_phone::ParseError::OutsideBuiltRegions) => return Engine::OutsideBuild,
        _ => return Engine::Invalid,
    };
    let line_type = match number.number_type {
        T::FixedLine => PhoneType::FixedLine,
        T::Mobile => PhoneType::Mobile,
        T::FixedLineOrMobile => PhoneType::FixedLineOrMobile,
        T::TollFree => PhoneType::TollFree,
        T::PremiumRate => PhoneType::PremiumRate,
        T::SharedCost => PhoneType::SharedCost,
        T::PersonalNumber => PhoneType::PersonalNumber,
        T::Voip => PhoneType::Voip,
        T::Pager => PhoneType::Pager,
        T::Uan => PhoneType::Uan,
        T::Voicemail => PhoneType::Voicemail,
        T::Unknown => PhoneType::Unknown,
    };
    Engine::Valid(Parsed {
        e164: number.e164,
        line_type,
        region: number.region.map(str::to_string),
    })
}

#[cfg(feature = "native-phone")]
fn parse_valid(digits: &str, international: bool, region: &str) -> Engine {
    use core::str::FromStr;
    use phonenumber::Type as T;
    let parsed = if international {
        phonenumber::parse(None, format!("+{digits}"))
    } else {
        let Ok(region) = phonenumber::country::Id::from_str(&region.to_ascii_uppercase()) else {
            return Engine::Invalid;
        };
        phonenumber::parse(Some(region), digits)
    };
    let Some(number) = parsed.ok().filter(phonenumber::is_valid) else {
        return Engine::Invalid;
    };
    let line_type = match number.number_type(&phonenumber::metadata::DATABASE) {
        T::FixedLine => PhoneType::FixedLine,
        T::Mobile => PhoneType::Mobile,
        T::FixedLineOrMobile => PhoneType::FixedLineOrMobile,
        T::TollFree => PhoneType::TollFree,
        T::PremiumRate => PhoneType::PremiumRate,
        T::SharedCost => PhoneType::SharedCost,
        T::PersonalNumber => PhoneType::PersonalNumber,
        T::Voip => PhoneType::Voip,
        T::Pager => PhoneType::Pager,
        T::Uan => PhoneType::Uan,
        T::Voicemail => PhoneType::Voicemail,
        T::Unknown => PhoneType::Unknown,
        _ => PhoneType::Other,
    };
    Engine::Valid(Parsed {
        e164: number.format().mode(phonenumber::Mode::E164).to_string(),
        line_type,
        region: number.country().id().map(|id| id.as_ref().to_string()),
    })
}

/// The outcome of the phone check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PhoneDetails {
    /// A phone was given (non-blank).
    pub present: bool,
    /// A valid number for its region.
    pub valid: bool,
    /// E.164 form, e.g. `+12025550143`.
    pub e164: Option<String>,
    /// Line type from numbering metadata.
    #[serde(rename = "type")]
    pub line_type: PhoneType,
    /// ISO 3166 alpha-2 region, e.g. `"US"`.
    pub region: Option<String>,
    /// PHN01 (invalid), PHN02 (fake), PHN03 (missing), or none.
    pub reason: Option<ReasonCode>,
    /// This build could not judge the number: it belongs to a region outside a
    /// regions-subset build (the `phone-nanp` page build). No reason is given for it
    /// here; the edge judges it. Always false with every region built.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub unchecked: bool,
}

impl PhoneDetails {
    fn failed(present: bool, reason: ReasonCode) -> PhoneDetails {
        PhoneDetails {
            present,
            reason: Some(reason),
            ..PhoneDetails::default()
        }
    }
}

/// True for the NANP regions (country code 1), where `011` is the international prefix.
fn is_nanp_region(region: &str) -> bool {
    matches!(
        region.to_ascii_uppercase().as_str(),
        "US" | "CA"
            | "PR"
            | "VI"
            | "GU"
            | "AS"
            | "MP"
            | "AG"
            | "AI"
            | "BB"
            | "BM"
            | "BS"
            | "DM"
            | "DO"
            | "GD"
            | "JM"
            | "KN"
            | "KY"
            | "LC"
            | "MS"
            | "SX"
            | "TC"
            | "TT"
            | "VC"
            | "VG"
    )
}

/// The digits of a phone field, and whether it was written internationally.
/// `None` when the field has characters no phone number has.
fn digits_of(input: &str, default_region: &str) -> Option<(String, bool)> {
    // Drop an extension ("x123", "ext. 123", "#123").
    let lower_end = input
        .char_indices()
        .find(|&(_, c)| matches!(c, 'x' | 'X' | 'e' | 'E' | '#'))
        .map_or(input.len(), |(i, _)| i);
    // `lower_end` is at an ASCII char (or the end).
    let (number, ext) = (slice(input, ..lower_end), slice(input, lower_end..));
    let ext_ok = ext.is_empty() || {
        let t = ext.trim_start_matches(['x', 'X', '#']);
        let t = t
            .strip_prefix("ext")
            .or_else(|| t.strip_prefix("EXT"))
            .unwrap_or(t);
        t.trim_start_matches(['.', ':', ' '])
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ')
    };
    if !ext_ok {
        return None;
    }
    let mut digits = String::with_capacity(16);
    let mut plus = false;
    for (i, c) in number.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty()
                && !plus
                && slice(number, ..i).trim().chars().all(|c| c == '(') =>
            {
                plus = true
            }
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{00A0}' => {}
            _ => return None,
        }
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            return Some((rest.to_string(), true));
        }
        if is_nanp_region(default_region) {
            if let Some(rest) = digits.strip_prefix("011") {
                return Some((rest.to_string(), true));
            }
        }
    }
    Some((digits, plus))
}

/// Checks a phone number. `default_region` (ISO alpha-2) applies only to numbers
/// written without an international prefix. Never panics.
pub fn check_phone(input: &str, default_region: &str) -> PhoneDetails {
    let raw = input.trim();
    if raw.is_empty() {
        return PhoneDetails::failed(false, ReasonCode::PHN03);
    }
    if !inspect(raw, MAX_PHONE_INPUT).clean() {
        return PhoneDetails::failed(true, ReasonCode::PHN01);
    }
    let Some((digits, international)) = digits_of(raw, default_region) else {
        return PhoneDetails::failed(true, ReasonCode::PHN01);
    };
    if digits.len() < 4 || digits.len() > 17 {
        return PhoneDetails::failed(true, ReasonCode::PHN01);
    }
    // A number of one repeated digit is a placeholder in any region.
    if digits.bytes().all(|b| b == digits.as_bytes()[0]) {
        return PhoneDetails::failed(true, ReasonCode::PHN02);
    }
    // NANP numbers: the fake rules first (no metadata needed).
    let nanp_national: Option<&str> = if international {
        digits.strip_prefix('1').filter(|n| n.len() == 10)
    } else if is_nanp_region(default_region) {
        match digits.len() {
            10 => Some(digits.as_str()),
            11 => digits.strip_prefix('1'),
            _ => None,
        }
    } else {
        None
    };
    if let Some(national) = nanp_national {
        let arr: [u8; 10] = national.as_bytes().try_into().unwrap_or([b'0'; 10]);
        match nanp::judge(&arr) {
            NanpVerdict::Fake => return PhoneDetails::failed(true, ReasonCode::PHN02),
            NanpVerdict::Malformed => return PhoneDetails::failed(true, ReasonCode::PHN01),
            NanpVerdict::Plausible(_) => {}
        }
    }
    let as_international = international || nanp_national.is_some() && digits.len() == 11;
    let Parsed {
        e164,
        line_type,
        region,
    } = match parse_valid(&digits, as_international, default_region) {
        Engine::Valid(parsed) => parsed,
        Engine::Invalid => return PhoneDetails::failed(true, ReasonCode::PHN01),
        Engine::OutsideBuild => {
            return PhoneDetails {
                present: true,
                unchecked: true,
                ..PhoneDetails::default()
            }
        }
    };
    // The parser may reach a NANP number by a road the pre-check did not see (e.g. a
    // national prefix stripped under a Caribbean region): judge what it found too.
    if let Some(national) = e164.strip_prefix("+1") {
        if let Ok(arr) = <[u8; 10]>::try_from(national.as_bytes()) {
            match nanp::judge(&arr) {
                NanpVerdict::Fake => return PhoneDetails::failed(true, ReasonCode::PHN02),
                NanpVerdict::Malformed => return PhoneDetails::failed(true, ReasonCode::PHN01),
                NanpVerdict::Plausible(_) => {}
            }
        }
    }
    PhoneDetails {
        present: true,
        valid: true,
        line_type,
        region,
        e164: Some(e164),
        reason: None,
        unchecked: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReasonCode::*;

    #[test]
    fn us_numbers_in_many_spellings() {
        for s in [
            "(202) 746-0143",
            "202-746-0143",
            "202.746.0143",
            "+1 202 746 0143",
            "1-202-746-0143",
            "+1 (202) 746-0143 ext. 12",
            "2027460143 x9",
        ] {
            let p = check_phone(s, "US");
            assert!(p.valid, "{s}: {p:?}");
            assert_eq!(p.e164.as_deref(), Some("+12027460143"), "{s}");
            assert_eq!(p.region.as_deref(), Some("US"));
            assert_eq!(p.line_type, PhoneType::FixedLineOrMobile);
        }
    }

    /// The page build for US/CA sites (`phone-nanp`): other regions are left to the edge.
    #[cfg(all(feature = "phone-nanp", not(feature = "phone-all-regions")))]
    #[test]
    fn a_regions_subset_build_leaves_other_regions_unchecked() {
        for (s, region) in [
            ("+44 20 7946 0958", "US"),
            ("020 7946 0958", "GB"),
            ("011 44 20 7946 0958", "US"),
            ("+1 876 927 1234", "US"), // Jamaica: country code 1, not built
        ] {
            let p = check_phone(s, region);
            assert!(p.present && p.unchecked && !p.valid, "{s}: {p:?}");
            assert_eq!(p.reason, None, "{s}");
        }
        let p = check_phone("(202) 746-0143", "US");
        assert!(p.valid && !p.unchecked);
        assert_eq!(check_phone("+1 (416) 555-0199", "US").reason, Some(PHN02));
        assert_eq!(check_phone("555-555-5555", "US").reason, Some(PHN02));
        assert_eq!(check_phone("12", "US").reason, Some(PHN01));
    }

    #[cfg(feature = "phone-all-regions")]
    #[test]
    fn every_region_is_judged_in_a_full_build() {
        let p = check_phone("+1 876 927 1234", "US");
        assert!(!p.unchecked, "{p:?}");
        assert!(!check_phone("+44 20 7946 0958", "US").unchecked);
    }

    // Other regions: judged only with every region built.
    #[cfg(not(all(feature = "phone-nanp", not(feature = "phone-all-regions"))))]
    #[test]
    fn explicit_plus_ignores_the_default_region() {
        // The crate bug: with region US this parsed as +44214960000.
        let p = check_phone("+44 121 496 0000", "US");
        assert_eq!(p.e164.as_deref(), Some("+441214960000"));
        assert_eq!(p.region.as_deref(), Some("GB"));
        for s in ["0044 121 496 0000", "011 44 121 496 0000"] {
            assert_eq!(
                check_phone(s, "US").e164.as_deref(),
                Some("+441214960000"),
                "{s}"
            );
        }
        let p = check_phone("0121 496 0000", "GB");
        assert_eq!(p.e164.as_deref(), Some("+441214960000"));
        let p = check_phone("+44 7400 123456", "US");
        assert_eq!(p.line_type, PhoneType::Mobile);
        assert_eq!(
            check_phone("(800) 246-1234", "US").line_type,
            PhoneType::TollFree
        );
    }

    /// Found by the `phone` fuzz target: under region BS the parser stripped a national
    /// prefix and reached +1 430 222 2222, which the pre-parse NANP rules never saw.
    // Other regions: judged only with every region built.
    #[cfg(not(all(feature = "phone-nanp", not(feature = "phone-all-regions"))))]
    #[test]
    fn regression_fuzz_nanp_fake_reached_through_national_prefix() {
        assert_eq!(check_phone("1114302222222", "BS").reason, Some(PHN02));
    }

    #[test]
    fn fakes_have_their_own_reason() {
        for s in [
            "555-555-5555",
            "123-456-7890",
            "(999) 999-9999",
            "0000000000",
            "212-555-0123",
            "911-555-1234",
            "212-411-1234",
            "999-234-5678",
            "+1 555 555 5555",
            "1111",
        ] {
            assert_eq!(check_phone(s, "US").reason, Some(PHN02), "{s}");
        }
    }

    #[test]
    fn invalid_and_missing() {
        assert_eq!(check_phone("  ", "US").reason, Some(PHN03));
        assert!(!check_phone("  ", "US").present);
        for s in [
            "abc",
            "12",
            "202-746-014",
            "+1 202 746 01434",
            "112-746-0143",
            "+999 1234 5678",
            "call me",
            "202\u{200B}7460143",
            "2027460143 ext abc",
            "++12027460143",
        ] {
            let p = check_phone(s, "US");
            assert_eq!(p.reason, Some(PHN01), "{s}: {p:?}");
            assert!(!p.valid);
        }
        assert_eq!(check_phone("0121 496 0000", "ZZ").reason, Some(PHN01));
        assert_eq!(check_phone(&"1".repeat(1 << 20), "US").reason, Some(PHN01));
    }
}
