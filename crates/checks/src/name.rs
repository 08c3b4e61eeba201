//! The name check: keyboard mash, placeholders, digits, first name equal to last.
//!
//! Deliberately forgiving of real names: any script, apostrophes, hyphens, spaces and
//! dots are fine (`O'Brien`, `Jean-Luc`, `J. R. R.`, `李`, `Nguyễn`); a one-letter name
//! is fine (initials happen). What fails is what people type when they do not want
//! to give a name.
use crate::case;
use crate::text::{inspect, mixed_script, non_empty};
use crate::ReasonCode;
use alloc::{string::String, vec::Vec};
use serde::{Deserialize, Serialize};

/// Longest name field looked at.
const MAX_NAME_INPUT: usize = 256;

/// The outcome of the name check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NameDetails {
    /// Both names are present and none is junk.
    pub valid: bool,
    /// The first name, trimmed with inner whitespace collapsed.
    pub first: Option<String>,
    /// The last name, trimmed with inner whitespace collapsed.
    pub last: Option<String>,
    /// NAM01 (junk) or NAM02 (missing), or none.
    pub reason: Option<ReasonCode>,
}

/// Placeholders people type instead of a name (lower-case, letters only).
const PLACEHOLDERS: &[&str] = &[
    "test",
    "tester",
    "testing",
    "testtest",
    "asdf",
    "asdfasdf",
    "qwerty",
    "qwer",
    "zxcv",
    "aaa",
    "abc",
    "abcd",
    "abcdef",
    "xxx",
    "xyz",
    "foo",
    "bar",
    "foobar",
    "baz",
    "none",
    "null",
    "nil",
    "na",
    "n",
    "nobody",
    "noname",
    "name",
    "firstname",
    "lastname",
    "first",
    "last",
    "fname",
    "lname",
    "user",
    "username",
    "sample",
    "example",
    "fake",
    "dummy",
    "anonymous",
    "anon",
    "unknown",
    "blah",
    "blahblah",
    "lorem",
    "ipsum",
    "mickeymouse",
    "donaldduck",
    "johndoe",
    "janedoe",
    "hjkl",
    "jkl",
    "sdf",
    "dfgh",
    "fgh",
    "ghj",
    "undefined",
    "nan",
    "admin",
    "spam",
    "nothing",
];

/// Keyboard rows, for runs of adjacent keys (`asdf`, `qwer`, `lkjh`).
const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];

/// True when the letters contain a run of 4+ adjacent keys on one row (either way).
fn has_keyboard_run(letters: &[u8]) -> bool {
    let pos = |c: u8| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|&k| k == c).map(|i| (r, i as i32)))
    };
    let mut run = 1;
    for w in letters.windows(2) {
        match (pos(w[0]), pos(w[1])) {
            (Some((ra, ia)), Some((rb, ib))) if ra == rb && (ia - ib).abs() == 1 => {
                run += 1;
                if run >= 4 {
                    return true;
                }
            }
            _ => run = 1,
        }
    }
    false
}

/// True when a single name looks like junk.
pub fn is_junk_name(name: &str) -> bool {
    if name.chars().any(|c| c.is_ascii_digit() || c.is_numeric()) {
        return true;
    }
    if name.chars().any(|c| {
        !(c.is_alphabetic() || c.is_whitespace() || matches!(c, '\'' | '’' | '-' | '.' | ','))
    }) {
        return true;
    }
    if !name.chars().any(char::is_alphabetic) || name.split_whitespace().any(mixed_script) {
        return true;
    }
    let letters: String = name
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(case::lower)
        .collect();
    if PLACEHOLDERS.contains(&letters.as_str()) {
        return true;
    }
    if !letters.is_ascii() {
        return false;
    }
    let b = letters.as_bytes();
    // One letter repeated ("aaaa"), or a short pattern repeated ("abab", "asdasd").
    if b.len() >= 3 && b.iter().all(|&c| c == b[0]) {
        return true;
    }
    for period in 2..=3 {
        if b.len() >= period * 2 && b.iter().enumerate().all(|(i, &c)| c == b[i % period]) {
            return true;
        }
    }
    if has_keyboard_run(b) {
        return true;
    }
    // Mash: long runs without vowels ("xkcdqrtz"), or long names with almost none.
    let vowel = |c: &u8| b"aeiouy".contains(c);
    let mut consonants = 0;
    for c in b {
        if vowel(c) {
            consonants = 0;
        } else {
            consonants += 1;
            if consonants >= 6 {
                return true;
            }
        }
    }
    b.len() >= 6 && !b.iter().any(vowel)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks a first and last name. Never panics.
pub fn check_name(first: Option<&str>, last: Option<&str>) -> NameDetails {
    let first = non_empty(first);
    let last = non_empty(last);
    let mut out = NameDetails::default();
    for field in [first, last].into_iter().flatten() {
        if !inspect(field, MAX_NAME_INPUT).clean() {
            out.reason = Some(ReasonCode::NAM01);
            return out;
        }
    }
    out.first = first.map(collapse);
    out.last = last.map(collapse);
    let junk = [out.first.as_deref(), out.last.as_deref()]
        .into_iter()
        .flatten()
        .any(is_junk_name);
    let same = match (&out.first, &out.last) {
        (Some(f), Some(l)) => case::to_lowercase(f) == case::to_lowercase(l),
        _ => false,
    };
    out.reason = if junk || same {
        Some(ReasonCode::NAM01)
    } else if first.is_none() || last.is_none() {
        Some(ReasonCode::NAM02)
    } else {
        None
    };
    out.valid = out.reason.is_none();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReasonCode::*;

    fn r(first: &str, last: &str) -> Option<ReasonCode> {
        check_name(Some(first), Some(last)).reason
    }

    #[test]
    fn real_names_pass() {
        for (f, l) in [
            ("Jane", "Doe"),
            ("Mary-Jane", "O'Brien"),
            ("J. R. R.", "Tolkien"),
            ("José", "Núñez"),
            ("Nguyễn", "Văn An"),
            ("李", "小龙"),
            ("Анна", "Каренина"),
            ("Björk", "Guðmundsdóttir"),
            ("Ng", "Li"),
            ("A", "Lee"),
            ("Sven", "Strand"),
            ("Krzysztof", "Szczepański"),
            ("Rhys", "Llywelyn"),
            ("Ayşe", "Yılmaz"),
            ("Siobhan", "McStrength"),
            ("D'Angelo", "St. James"),
            ("Ute", "Ott"),
        ] {
            assert_eq!(r(f, l), None, "{f} {l}");
        }
    }

    #[test]
    fn junk_names_fail() {
        for (f, l) in [
            ("test", "test"),
            ("Test", "User"),
            ("asdf", "Smith"),
            ("Jane", "qwerty"),
            ("John2", "Doe"),
            ("aaaa", "Smith"),
            ("Jane", "xkcdqrtz"),
            ("Jane", "Jane"),
            ("jane", "JANE"),
            ("abab", "Lee"),
            ("Mary", "asdasd"),
            ("Jane", "Doe!"),
            ("lkjh", "Brown"),
            ("Jane", "@@@"),
            ("N/A", "Smith"),
            ("Jane", "---"),
            ("P\u{0430}ul", "Smith"),
            ("Jane", "Doe\u{200B}"),
            ("Jane", "bcdfghjk"),
        ] {
            assert_eq!(r(f, l), Some(NAM01), "{f} {l}");
        }
        assert_eq!(
            check_name(Some(&"a".repeat(1 << 20)), Some("x")).reason,
            Some(NAM01)
        );
    }

    #[test]
    fn missing_names() {
        assert_eq!(check_name(None, Some("Doe")).reason, Some(NAM02));
        assert_eq!(check_name(Some("  "), None).reason, Some(NAM02));
        let n = check_name(Some("  Mary   Ann "), Some("Doe"));
        assert_eq!(n.first.as_deref(), Some("Mary Ann"));
        assert!(n.valid);
    }
}
