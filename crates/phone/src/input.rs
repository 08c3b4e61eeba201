//! From what people type to a raw number: RFC 3966 `tel:` URIs, free text
//! with punctuation, extensions, vanity letters and Unicode digits.
//!
//! Every rule here mirrors the `phonenumber` crate's parser step for step
//! (its `rfc3966`, `natural`, `extract`, extension pattern, viability
//! grammar and normalisation), written out by hand over chars: the regular
//! expressions it uses are fixed, not metadata, so no engine is needed.

use crate::tables::{UNICODE_ND, UNICODE_N_OR_L};
use alloc::vec::Vec;
use core::slice::SliceIndex;

/// A number as found in the input, before normalisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Raw<'a> {
    pub(crate) national: &'a str,
    /// Country code given by an RFC 3966 `+cc` or `phone-context`.
    pub(crate) prefix: Option<&'a str>,
    pub(crate) extension: Option<&'a str>,
}

/// Whether `c` lies in LEB128 (gap, len - 1) encoded ranges above ASCII.
fn in_ranges(table: &[u8], c: char) -> bool {
    let c = c as u32;
    let mut i = 0;
    let mut prev = 0x80u32;
    while i < table.len() {
        let start = prev + leb(table, &mut i);
        let last = start + leb(table, &mut i);
        if c < start {
            return false;
        }
        if c <= last {
            return true;
        }
        prev = last + 1;
    }
    false
}

fn leb(t: &[u8], i: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = t[*i];
        *i += 1;
        v |= ((b & 0x7f) as u32) << shift;
        if b & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

/// `\p{Nd}`.
pub(crate) fn is_nd(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && in_ranges(UNICODE_ND, c))
}

/// `[\p{N}\p{L}]`.
fn is_n_or_l(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && in_ranges(UNICODE_N_OR_L, c))
}

/// The decimal digits the `phonenumber` crate folds to ASCII.
pub(crate) fn dec_digit(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8);
    }
    const ZEROS: [u32; 15] = [
        0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xe50,
        0xed0, 0xff10,
    ];
    let c = c as u32;
    ZEROS
        .iter()
        .find(|&&z| (z..z + 10).contains(&c))
        .map(|&z| b'0' + (c - z) as u8)
}

/// Keypad letters, as in the crate's `ALPHA_PHONE_MAPPINGS`.
fn keypad(c: char) -> Option<u8> {
    const KEYS: &[u8; 26] = b"22233344455566677778889999";
    c.is_ascii_alphabetic()
        .then(|| KEYS[(c.to_ascii_lowercase() as u8 - b'a') as usize])
}

/// Normalises to ASCII digits: Unicode digits folded, letters mapped to
/// the keypad, everything else dropped.
pub(crate) fn normalize(s: &str, out: &mut Vec<u8>) {
    out.clear();
    out.extend(s.chars().filter_map(|c| dec_digit(c).or_else(|| keypad(c))));
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{FF0B}'
}

/// The crate's `punctuation` set (a literal list: `\u{FF0E}` is not in it).
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '-' | 'x' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{30FC}'
                | '\u{FF0D}'
                | '\u{FF0F}'
                | ' '
                | '\u{00A0}'
                | '\u{00AD}'
                | '\u{200B}'
                | '\u{2060}'
                | '\u{3000}'
                | '('
                | ')'
                | '\u{FF08}'
                | '\u{FF09}'
                | '\u{FF3B}'
                | '\u{FF3D}'
                | '.'
                | '['
                | ']'
                | '/'
                | '~'
                | '\u{2053}'
                | '\u{223C}'
                | '\u{FF5E}'
    )
}

/// The crate's viability grammar: two digits exactly, or
/// `plus* ((punct|star)* digit){3} (punct|star|digit|alpha)*`.
pub(crate) fn is_viable(s: &str) -> bool {
    if s.len() < 2 {
        return false;
    }
    let b = s.as_bytes();
    if b.len() == 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit() {
        return true;
    }
    let mut it = s.chars().peekable();
    while it.next_if(|&c| is_plus(c)).is_some() {}
    for _ in 0..3 {
        while it.next_if(|&c| is_punct(c) || c == '*').is_some() {}
        if it.next_if(char::is_ascii_digit).is_none() {
            return false;
        }
    }
    it.all(|c| is_punct(c) || c == '*' || c.is_ascii_alphanumeric())
}

fn rfc_separator(c: char) -> bool {
    matches!(c, '-' | '.' | '(' | ')')
}

fn rfc_number(c: char) -> bool {
    c.is_ascii_hexdigit() || rfc_separator(c)
}

fn rfc_pname(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn rfc_pchar(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '[' | ']'
                | '/'
                | ':'
                | '&'
                | '+'
                | '$'
                | '-'
                | '_'
                | '.'
                | '!'
                | '~'
                | '*'
                | '\''
                | '('
                | ')'
        )
}

/// `&s[range]` for a range whose ends the caller knows are char
/// boundaries (they come from `char_indices`, or sit next to an ASCII char).
///
/// Indexing a `str` would check that again and panic with a message that
/// formats a `char` and a range: the page's wasm discards panic messages,
/// but the formatting code (and its Unicode tables) would still be linked.
/// A range that is not on boundaries, which callers rule out (debug builds
/// assert it), gives `""`.
pub(crate) fn slice<R: SliceIndex<str, Output = str>>(s: &str, range: R) -> &str {
    let sub = s.get(range);
    debug_assert!(sub.is_some(), "not a char boundary");
    sub.unwrap_or("")
}

fn take_while(s: &str, f: fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !f(c))
        .map_or(s.len(), |(i, _)| i)
}

/// `s` split after its longest start of chars matching `f`.
fn split_while(s: &str, f: fn(char) -> bool) -> (&str, &str) {
    let n = take_while(s, f); // the start of a char, or the end
    (slice(s, ..n), slice(s, n..))
}

/// The crate's RFC 3966 parser, tried first on inputs without a space.
pub(crate) fn rfc3966(input: &str) -> Option<Raw<'_>> {
    // Byte by byte: `str::contains` brings in a substring searcher.
    if input.bytes().any(|b| b == b' ') {
        return None;
    }
    let mut i = input;
    if let Some((scheme, rest)) = i.split_at_checked(4) {
        if scheme.eq_ignore_ascii_case("tel:") {
            i = rest;
        }
    }
    let mut prefix = None;
    if let Some(rest) = i.strip_prefix('+') {
        let (code, rest) = split_while(rest, |c| !rfc_separator(c));
        if !code.is_empty() {
            prefix = Some(code);
            i = rest;
        }
    }
    let (national, rest) = split_while(i, rfc_number);
    if national.is_empty() {
        return None;
    }
    i = rest;
    if !(i.is_empty() || i.starts_with(';')) {
        return None;
    }
    let (mut context, mut extension) = (None, None);
    while let Some(rest) = i.strip_prefix(';') {
        let (name, rest) = split_while(rest, rfc_pname);
        let Some(rest) = rest.strip_prefix('=') else {
            break;
        };
        let (value, rest) = split_while(rest, rfc_pchar);
        match name {
            "phone-context" => context = Some(value),
            "ext" => extension = Some(value),
            _ => {}
        }
        i = rest;
    }
    Some(Raw {
        national,
        prefix: prefix.or_else(|| context.map(|c| c.strip_prefix('+').unwrap_or(c))),
        extension,
    })
}

/// The crate's `extract`: from the first `+` or digit, without trailing
/// characters that are neither numbers, letters nor `#`, and cut before a
/// second number (`/ x`).
fn extract(value: &str) -> Option<&str> {
    let start = value
        .char_indices()
        .find(|&(_, c)| is_plus(c) || is_nd(c))?
        .0;
    let mut r = slice(value, start..);
    let mut end = r.len();
    for (i, c) in r.char_indices().rev() {
        if is_n_or_l(c) || c == '#' {
            break;
        }
        end = i;
    }
    r = slice(r, ..end);
    let b = r.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'\\' || b[i] == b'/' {
            let j = i + 1 + b[i + 1..].iter().take_while(|&&c| c == b' ').count();
            if b.get(j) == Some(&b'x') {
                r = slice(r, ..i); // `i` is at an ASCII char
                break;
            }
        }
    }
    (!r.is_empty()).then_some(r)
}

/// Outcome of the natural-text parser.
pub(crate) enum Natural<'a> {
    Found(Raw<'a>),
    /// Nothing that starts like a number.
    NoStart,
    /// The extension pattern matched a form the crate rejects.
    BadExtension,
}

/// The crate's natural-text parser.
pub(crate) fn natural(input: &str) -> Natural<'_> {
    let Some(i) = extract(input) else {
        return Natural::NoStart;
    };
    match crate::extension::find(i) {
        None => Natural::Found(Raw {
            national: i,
            prefix: None,
            extension: None,
        }),
        // The matcher steps char by char: its positions are char boundaries.
        Some(crate::extension::Ext::Text { start, digits }) => Natural::Found(Raw {
            national: slice(i, ..start),
            prefix: None,
            extension: Some(slice(i, digits.0..digits.1)),
        }),
        Some(crate::extension::Ext::Other) => Natural::BadExtension,
    }
}

/// Leading `+` signs (ASCII or full-width), in bytes.
pub(crate) fn plus_len(s: &str) -> usize {
    take_while(s, is_plus)
}
