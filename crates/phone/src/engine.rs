//! The parse: country code, international and national prefixes, region,
//! validity and type, following the `phonenumber` crate's algorithm
//! (module by module: `parser`, `parser::helper`, `validator`), except
//! where that crate is known wrong (see `parse`).

use alloc::vec::Vec;

use crate::input::{self, Natural};
use crate::program::{self, group, new_groups};
use crate::tables::{self, desc_matches, Region, DESC_LENGTHS};
use crate::{CodeSource, NumberType, ParseError};

const MIN_LENGTH_FOR_NSN: usize = 2;
const MAX_LENGTH_FOR_NSN: usize = 17;

/// What `validator::length` answers.
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum Length {
    Possible,
    PossibleLocalOnly,
    TooShort,
    Invalid,
    TooLong,
}

impl Length {
    fn is_possible(self) -> bool {
        matches!(self, Length::Possible | Length::PossibleLocalOnly)
    }
}

/// `validator::length(meta, number, Type::Unknown)`.
fn length(r: &Region, s: &[u8]) -> Length {
    let lengths = DESC_LENGTHS[r.general as usize];
    if lengths == 0 {
        return Length::Invalid;
    }
    let n = s.len();
    let bit = |m: u32| n < 32 && m & (1 << n) != 0;
    if bit(r.local_lengths) {
        Length::PossibleLocalOnly
    } else if n == r.first_length as usize {
        Length::Possible
    } else if n < r.first_length as usize {
        Length::TooShort
    } else if n > r.last_length as usize {
        Length::TooLong
    } else if bit(lengths) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

/// `validator::number_type`.
pub(crate) fn number_type(r: &Region, s: &[u8]) -> NumberType {
    if !desc_matches(r.general, s) {
        return NumberType::Unknown;
    }
    const ORDER: [NumberType; 8] = [
        NumberType::PremiumRate,
        NumberType::TollFree,
        NumberType::SharedCost,
        NumberType::Voip,
        NumberType::PersonalNumber,
        NumberType::Pager,
        NumberType::Uan,
        NumberType::Voicemail,
    ];
    for (i, t) in ORDER.iter().enumerate() {
        if desc_matches(r.types[i], s) {
            return *t;
        }
    }
    let (fixed, mobile) = (r.types[8], r.types[9]);
    if desc_matches(fixed, s) {
        if r.fixed_eq_mobile() || desc_matches(mobile, s) {
            return NumberType::FixedLineOrMobile;
        }
        return NumberType::FixedLine;
    }
    if desc_matches(mobile, s) {
        return NumberType::Mobile;
    }
    NumberType::Unknown
}

/// `validator::source_for`: the region a number belongs to, among those
/// sharing its country code. `Err` when that region is not built.
pub(crate) fn source_for(code: u16, s: &[u8]) -> Result<Option<&'static Region>, ParseError> {
    let Some(regions) = tables::regions_for_code(code) else {
        return if tables::code_exists(code) {
            Err(ParseError::OutsideBuiltRegions)
        } else {
            Ok(None)
        };
    };
    let found = if regions.len() == 1 {
        let r = &regions[0];
        (r.is_non_geo() || r.id_parses()).then_some(r)
    } else {
        regions.iter().find(|r| match r.leading_matches(s) {
            Some(hit) => hit,
            None => number_type(r, s) != NumberType::Unknown,
        })
    };
    match found {
        Some(r) if !r.built() => Err(ParseError::OutsideBuiltRegions),
        other => Ok(other),
    }
}

fn starts_with_code(s: &[u8], code: u16) -> Option<usize> {
    let mut buf = [0u8; 5];
    let text = u16_digits(code, &mut buf);
    s.starts_with(text).then_some(text.len())
}

pub(crate) fn u16_digits(mut v: u16, buf: &mut [u8; 5]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            return &buf[i..];
        }
    }
}

fn parse_u16(s: &[u8]) -> Result<u16, ParseError> {
    if s.is_empty() || s.len() > 5 {
        return Err(ParseError::MalformedNumber);
    }
    let v = s.iter().fold(0u32, |v, d| v * 10 + (d - b'0') as u32);
    u16::try_from(v).map_err(|_| ParseError::MalformedNumber)
}

/// `helper::national_number`: strips the national prefix (and carrier code)
/// with `national_prefix_for_parsing` and its transform rule.
fn national_number(r: &Region, s: &[u8]) -> Vec<u8> {
    if r.npfp == u16::MAX {
        if let Some(np) = r.national_prefix() {
            if let Some(rest) = s.strip_prefix(np) {
                return rest.to_vec();
            }
        }
        return s.to_vec();
    }
    let groups = new_groups();
    let Some(end) = program::match_at_start(r.npfp as usize, s, &groups) else {
        return s.to_vec();
    };
    let span = |i: usize| {
        if i == 0 {
            Some((0, end))
        } else {
            group(&groups, i)
        }
    };
    let last = span(r.npfp_groups as usize);
    match (r.transform(), last) {
        (Some(template), Some(_)) => {
            let viable = desc_matches(r.general, s);
            let mut out = Vec::with_capacity(s.len() + 4);
            for &b in template {
                if b & 0x80 != 0 {
                    let g = (b & 0x7f) as usize;
                    if g <= r.npfp_groups as usize {
                        if let Some(text) = span(g).and_then(|(a, z)| s.get(a..z)) {
                            out.extend_from_slice(text);
                        }
                    }
                } else {
                    out.push(b);
                }
            }
            out.extend_from_slice(&s[end..]);
            if viable && !desc_matches(r.general, &out) {
                return s.to_vec();
            }
            out
        }
        // The crate's "is the rest still viable" check compares the number
        // with itself here, so the prefix is always stripped.
        _ => s[end..].to_vec(),
    }
}

/// A parsed number before classification.
pub(crate) struct Parsed {
    pub(crate) code: u16,
    pub(crate) national: Vec<u8>,
    pub(crate) source: CodeSource,
    pub(crate) extension: Option<Vec<u8>>,
}

/// `parser::parse_with`, with one deliberate difference: when the country
/// code comes from the input (a `+`, an RFC 3966 context, or the default
/// region's international dialling prefix), the default region plays no
/// further part, as libphonenumber documents. The crate instead keeps
/// using the default region's national-prefix rules for a foreign number.
pub(crate) fn parse(input: &str, default: Option<&'static Region>) -> Result<Parsed, ParseError> {
    let raw = match input::rfc3966(input) {
        Some(raw) => raw,
        None => match input::natural(input) {
            Natural::Found(raw) => raw,
            Natural::NoStart | Natural::BadExtension => return Err(ParseError::NoNumber),
        },
    };
    if !input::is_viable(raw.national) {
        return Err(ParseError::NoNumber);
    }

    let mut national = Vec::with_capacity(raw.national.len());
    input::normalize(raw.national, &mut national);
    let extension = raw.extension.map(|e| {
        let mut v = Vec::new();
        input::normalize(e, &mut v);
        v
    });

    let mut source = if raw.prefix.is_some() || input::plus_len(raw.national) > 0 {
        CodeSource::Plus
    } else {
        CodeSource::Default
    };
    let region = match source {
        CodeSource::Plus => None,
        _ => default,
    };
    if let Some(r) = region {
        if !r.built() {
            return Err(ParseError::OutsideBuiltRegions);
        }
        if let Some(end) = r.idd_matches(&national) {
            if national.get(end) != Some(&b'0') {
                source = CodeSource::Idd;
                national.drain(..end);
            }
        }
    }

    let code = match source {
        CodeSource::Plus | CodeSource::Idd | CodeSource::Number => {
            if national.len() <= MIN_LENGTH_FOR_NSN {
                return Err(ParseError::TooShortNsn);
            }
            if let Some(p) = raw.prefix {
                let mut digits = Vec::new();
                input::normalize(p, &mut digits);
                let code = parse_u16(&digits)?;
                if !tables::code_exists(code) {
                    return Err(ParseError::InvalidCountryCode);
                }
                code
            } else {
                if national[0] == b'0' {
                    return Err(ParseError::InvalidCountryCode);
                }
                let found = (1..=3).find_map(|len| {
                    let code = parse_u16(&national[..len]).ok()?;
                    tables::code_exists(code).then_some((len, code))
                });
                let Some((len, code)) = found else {
                    return Err(ParseError::InvalidCountryCode);
                };
                national.drain(..len);
                code
            }
        }
        CodeSource::Default => {
            let Some(r) = region else {
                return Err(ParseError::InvalidCountryCode);
            };
            if let Some(len) = starts_with_code(&national, r.code) {
                if !desc_matches(r.general, &national) || !length(r, &national).is_possible() {
                    source = CodeSource::Number;
                    national.drain(..len);
                }
            }
            r.code
        }
    };

    let meta = match source {
        CodeSource::Default | CodeSource::Number => region,
        CodeSource::Plus | CodeSource::Idd => {
            let zeros = national.iter().take_while(|&&d| d == b'0').count();
            source_for(code, &national[zeros..])?
        }
    };
    if let Some(r) = meta {
        let mut potential = national_number(r, &national);
        if let Some(np) = r.national_prefix() {
            if potential.starts_with(np) {
                potential.drain(..np.len());
            }
        }
        if length(r, &potential) != Length::TooShort {
            national = potential;
        }
    }

    if national.len() < MIN_LENGTH_FOR_NSN {
        return Err(ParseError::TooShortNsn);
    }
    if national.len() > MAX_LENGTH_FOR_NSN {
        return Err(ParseError::TooLong);
    }
    // `NationalNumber`: leading zeros counted, the rest must be a u64 < 2^56.
    let zeros = national.iter().take_while(|&&d| d == b'0').count();
    if zeros == national.len() {
        return Err(ParseError::MalformedNumber);
    }
    let value = national[zeros..]
        .iter()
        .fold(0u64, |v, d| v * 10 + (d - b'0') as u64);
    if value >= 1 << 56 {
        return Err(ParseError::TooLong);
    }
    Ok(Parsed {
        code,
        national,
        source,
        extension,
    })
}
