//! A compact, exact phone-number engine for wasm.
//!
//! `leadgate-phone` parses what people type into a phone field (spaces,
//! dots, dashes, parentheses, extensions, vanity letters, `+`, `00`, `011`,
//! national prefixes, `tel:` URIs) and answers validity, E.164, number type
//! and region with the same answers as the `phonenumber` crate, from the
//! same libphonenumber metadata, at a fraction of its size and start-up
//! cost: the metadata's patterns are lowered to compact digit programs at
//! build time (build.rs), so there is no regex engine, no metadata decoding
//! and no allocation-heavy start-up at run time.
//!
//! One deliberate difference: an input with an explicit country code (`+`,
//! or the default region's international prefix such as `011`) is parsed
//! without the default region, as libphonenumber documents. The
//! `phonenumber` crate strips the default region's national prefix from
//! such numbers (`+44 121 496 0000` with region US).
//!
//! Regions are chosen at build time with cargo features: `regions-all`
//! (default) or e.g. `regions-nanp-us-ca`; a number from a region that was
//! not built gives [`ParseError::OutsideBuiltRegions`].
//!
//! ```
//! use leadgate_phone::{parse, NumberType};
//!
//! let n = parse("(650) 253-0000 ext. 12", Some("US")).unwrap();
//! assert!(n.valid);
//! assert_eq!(n.e164, "+16502530000");
//! assert_eq!(n.number_type, NumberType::FixedLineOrMobile);
//! assert_eq!(n.region, Some("US"));
//! assert_eq!(n.extension.as_deref(), Some("12"));
//! ```
#![no_std]

extern crate alloc;

use alloc::string::String;

mod engine;
mod extension;
mod input;
mod opcodes;
mod program;
mod tables;

/// A number type, as libphonenumber classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberType {
    FixedLine,
    Mobile,
    /// The metadata cannot tell fixed from mobile (all of the US and Canada).
    FixedLineOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    /// Matches no type pattern: the number is not valid.
    Unknown,
}

impl NumberType {
    /// The snake_case name (`"fixed_line_or_mobile"`), as the `phonenumber`
    /// crate serialises its `Type`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::FixedLine => "fixed_line",
            NumberType::Mobile => "mobile",
            NumberType::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberType::TollFree => "toll_free",
            NumberType::PremiumRate => "premium_rate",
            NumberType::SharedCost => "shared_cost",
            NumberType::Voip => "voip",
            NumberType::PersonalNumber => "personal_number",
            NumberType::Pager => "pager",
            NumberType::Uan => "uan",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "unknown",
        }
    }
}

/// Where the country calling code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSource {
    /// A leading `+` (or an RFC 3966 `+cc` / `phone-context`).
    Plus,
    /// The default region's international dialling prefix (`011`, `00`…).
    Idd,
    /// Digits that repeat the default region's code without a `+`.
    Number,
    /// The default region.
    Default,
}

/// Why an input is not a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing in the input looks like a phone number.
    NoNumber,
    /// No (known) country calling code, and no default region to fall back on.
    InvalidCountryCode,
    /// Too few digits.
    TooShortNsn,
    /// Too many digits.
    TooLong,
    /// A country code or number that is not a well-formed integer.
    MalformedNumber,
    /// The default region is not a libphonenumber region.
    UnknownRegion,
    /// The number (or the default region) belongs to a region this build
    /// does not include (see the `regions-*` features).
    OutsideBuiltRegions,
}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ParseError::NoNumber => "not a phone number",
            ParseError::InvalidCountryCode => "invalid or missing country code",
            ParseError::TooShortNsn => "too short",
            ParseError::TooLong => "too long",
            ParseError::MalformedNumber => "malformed number",
            ParseError::UnknownRegion => "unknown default region",
            ParseError::OutsideBuiltRegions => "region not included in this build",
        })
    }
}

/// A parsed phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    /// Whether the number matches a number type of its region.
    pub valid: bool,
    /// `+` country code and national number, e.g. `+16502530000`.
    pub e164: String,
    /// The number type (`Unknown` when not valid).
    pub number_type: NumberType,
    /// The region (`"US"`), `None` for non-geographic numbers (`+800…`) and
    /// numbers that match no region.
    pub region: Option<&'static str>,
    /// The country calling code.
    pub country_code: u16,
    /// The national significant number, digits only.
    pub national_number: String,
    /// The extension's digits, if one was typed.
    pub extension: Option<String>,
    /// Where the country code came from.
    pub source: CodeSource,
}

fn digits_to_string(d: &[u8]) -> String {
    d.iter().map(|&b| b as char).collect()
}

/// Parses `input`, with `default_region` (e.g. `"US"`, case-insensitive)
/// for numbers typed without a country code.
pub fn parse(input: &str, default_region: Option<&str>) -> Result<PhoneNumber, ParseError> {
    let region = match default_region {
        None => None,
        Some(id) => match tables::region_by_id(id) {
            Some(r) => Some(r),
            None if tables::region_exists(id) => {
                // Not built; only matters if the input has no country code.
                Some(tables::unbuilt_region())
            }
            None => return Err(ParseError::UnknownRegion),
        },
    };
    let p = engine::parse(input, region)?;
    let meta = engine::source_for(p.code, &p.national)?;
    let number_type = meta.map_or(NumberType::Unknown, |r| engine::number_type(r, &p.national));
    let mut code_buf = [0u8; 5];
    let mut e164 = String::with_capacity(1 + 3 + p.national.len());
    e164.push('+');
    e164.extend(
        engine::u16_digits(p.code, &mut code_buf)
            .iter()
            .map(|&d| d as char),
    );
    let national_number = digits_to_string(&p.national);
    e164.push_str(&national_number);
    Ok(PhoneNumber {
        valid: number_type != NumberType::Unknown,
        e164,
        number_type,
        region: meta.filter(|r| r.id_parses()).map(|r| r.id_str()),
        country_code: p.code,
        national_number,
        extension: p.extension.as_deref().map(digits_to_string),
        source: p.source,
    })
}

/// Whether `input` is a valid number (see [`parse`]).
pub fn is_valid(input: &str, default_region: Option<&str>) -> bool {
    parse(input, default_region).is_ok_and(|n| n.valid)
}

/// The regions this build includes, comma-separated (`"CA,US"`).
pub fn built_regions() -> &'static str {
    tables::BUILT_REGIONS
}
