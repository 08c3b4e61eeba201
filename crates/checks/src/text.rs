//! Input hygiene shared by every check: invisible and control characters, mixed
//! scripts (homoglyph spoofing) and size caps.
//!
//! Lead forms receive pasted text, bots and deliberate abuse. Every check first asks
//! [`inspect`] about its field, so a zero-width space, a bidi override or a 1 MB
//! field becomes that field's reason code instead of a surprise deeper down, and no
//! check ever does work proportional to a huge input.
use alloc::string::String;
use core::slice::SliceIndex;

/// Upper bound, in bytes, on any single field a check will look at. Longer fields are
/// rejected outright without being scanned further.
pub const MAX_FIELD_BYTES: usize = 1024;

/// What [`inspect`] found in a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hygiene {
    /// Longer than the cap: not scanned, must be rejected.
    pub too_long: bool,
    /// Contains a zero-width, bidi control, BOM or soft hyphen character.
    pub invisible: bool,
    /// Contains a C0/C1 control character other than ordinary spaces.
    pub control: bool,
}

impl Hygiene {
    /// True when the field is safe to check.
    pub fn clean(self) -> bool {
        !(self.too_long || self.invisible || self.control)
    }
}

/// Characters that render as nothing (or reorder text) and have no place in a form field.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Inspect a field (call on the trimmed value). Stops at the size cap.
pub fn inspect(s: &str, max_bytes: usize) -> Hygiene {
    if s.len() > max_bytes {
        return Hygiene {
            too_long: true,
            ..Hygiene::default()
        };
    }
    let mut h = Hygiene::default();
    if s.is_ascii() {
        h.control = s.bytes().any(|b| b < 0x20 && b != b' ' || b == 0x7f);
        return h;
    }
    for c in s.chars() {
        if is_invisible(c) {
            h.invisible = true;
        } else if c.is_control() {
            h.control = true;
        }
    }
    h
}

/// The script a letter belongs to, for the few scripts whose letters are confusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Other,
}

fn script(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    Some(match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F => Script::Cyrillic,
        _ => Script::Other,
    })
}

/// True when one word mixes Latin with Cyrillic or Greek letters: the shape of a
/// homoglyph spoof (`gmаil` with a Cyrillic `а`). Words wholly in one script pass.
pub fn mixed_script(word: &str) -> bool {
    if word.is_ascii() {
        return false;
    }
    let mut seen: Option<Script> = None;
    for s in word.chars().filter_map(script) {
        if s == Script::Other {
            continue;
        }
        match seen {
            None => seen = Some(s),
            Some(prev) if prev != s => return true,
            Some(_) => {}
        }
    }
    false
}

/// Cyrillic and Greek lower-case letters that render like Latin ones.
const LATIN_LOOKALIKES: &[char] = &[
    'а', 'в', 'е', 'к', 'м', 'н', 'о', 'р', 'с', 'т', 'у', 'х', 'ѕ', 'і', 'ј', 'ӏ', 'ԁ', 'ԛ', 'ԝ',
    'ү', 'һ', 'ɡ', 'α', 'ο', 'ρ', 'ν', 'κ', 'τ', 'υ', 'ι', 'ε',
];

/// True when a non-ASCII word is spelled entirely with letters that look Latin
/// (`аррӏе` in Cyrillic): a whole-script homoglyph spoof of a Latin word.
pub fn latin_lookalike(word: &str) -> bool {
    !word.is_ascii()
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || LATIN_LOOKALIKES.contains(&c))
}

/// Trim ASCII and Unicode whitespace; `None` when nothing is left.
pub fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// `&s[range]` for a range whose ends the caller knows are char boundaries (they
/// come from `char_indices`, or sit next to an ASCII char).
///
/// Indexing a `str` would check that again and panic with a message that formats a
/// `char` and a range: the page's wasm discards panic messages, but the formatting
/// code (and its Unicode tables) would still be linked. A range that is not on
/// boundaries, which callers rule out (debug builds assert it), gives `""`.
pub fn slice<R: SliceIndex<str, Output = str>>(s: &str, range: R) -> &str {
    let sub = s.get(range);
    debug_assert!(sub.is_some(), "not a char boundary");
    sub.unwrap_or("")
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_invisible_control_and_size() {
        assert!(inspect("plain text", 100).clean());
        assert!(inspect("a\u{200B}b", 100).invisible);
        assert!(inspect("a\u{202E}b", 100).invisible);
        assert!(inspect("a\u{FEFF}", 100).invisible);
        assert!(inspect("a\u{0007}b", 100).control);
        assert!(inspect("a\u{0085}b", 100).control);
        assert!(inspect("tab\there", 100).control);
        assert!(inspect(&"x".repeat(101), 100).too_long);
        assert!(inspect("Zoë Åsa", 100).clean());
    }

    #[test]
    fn mixed_scripts_are_homoglyph_suspects() {
        assert!(mixed_script("gm\u{0430}il"));
        assert!(mixed_script("p\u{03B1}ypal"));
        assert!(!mixed_script("gmail"));
        assert!(!mixed_script("\u{043C}\u{0430}\u{0440}\u{0438}\u{044F}"));
        assert!(!mixed_script("José"));
        assert!(!mixed_script("李小龙"));
        assert!(latin_lookalike("аррӏе"));
        assert!(!latin_lookalike("пример"));
        assert!(!latin_lookalike("apple"));
    }

    #[test]
    fn slices_on_char_boundaries() {
        assert_eq!(slice("Zoë Åsa", ..4), "Zoë");
        assert_eq!(slice("Zoë Åsa", 5..), "Åsa");
        assert_eq!(slice("Zoë Åsa", 4..5), " ");
    }

    #[test]
    fn hex_encodes() {
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
    }
}
