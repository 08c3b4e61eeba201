//! `leadgate_checks::case` against `core`: every char, every char beside a 'Σ', tricky
//! strings and generated ones. Nothing here is a hard-coded answer; `core` is the oracle.
// The standard conversions are the oracle here (the crate's clippy.toml keeps them out of
// the crate itself).
#![allow(clippy::disallowed_methods)]

use leadgate_checks::case::{lower, to_lowercase, to_uppercase, upper};

fn every_char() -> impl Iterator<Item = char> {
    '\0'..=char::MAX
}

#[test]
fn every_char_maps_as_core() {
    for c in every_char() {
        let (ours, core) = (lower(c), c.to_lowercase());
        assert_eq!(ours.len(), core.len(), "lower({c:?}) length");
        assert!(ours.eq(core), "lower({c:?})");
        let (ours, core) = (upper(c), c.to_uppercase());
        assert_eq!(ours.len(), core.len(), "upper({c:?}) length");
        assert!(ours.eq(core), "upper({c:?})");
    }
}

#[test]
fn mappings_iterate_from_both_ends() {
    for c in ['ß', 'ﬃ', 'ΐ', 'İ', 'A', 'é'] {
        let forward: Vec<char> = upper(c).collect();
        let mut backward: Vec<char> = upper(c).rev().collect();
        backward.reverse();
        assert_eq!(forward, backward, "{c:?}");
        let mut m = upper(c);
        m.next();
        assert_eq!(m.len(), forward.len() - 1);
    }
}

/// Every char before and after a 'Σ', bare and with a cased letter beyond it: between
/// them these ask whether each char is case-ignorable and whether it is cased, the two
/// properties final sigma reads.
#[test]
fn every_char_beside_sigma_lowercases_as_core() {
    let mut s = String::new();
    for c in every_char() {
        for (before, after) in [("", ""), ("A", ""), ("A", "A"), ("", "A")] {
            for sigma_first in [false, true] {
                s.clear();
                s.push_str(before);
                if sigma_first {
                    s.push('Σ');
                    s.push(c);
                } else {
                    s.push(c);
                    s.push('Σ');
                }
                s.push_str(after);
                assert_eq!(to_lowercase(&s), s.to_lowercase(), "{s:?}");
            }
        }
    }
}

/// Fails showing where two long strings part, not all 4 MB of them.
fn assert_same(ours: &str, core: &str, what: &str) {
    if ours != core {
        let at = ours
            .chars()
            .zip(core.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let from = |s: &str| s.chars().skip(at).take(8).collect::<String>();
        panic!(
            "{what}: char {at} on, ours {:?}, core {:?}",
            from(ours),
            from(core)
        );
    }
}

#[test]
fn all_chars_in_one_string_convert_as_core() {
    let s: String = every_char().collect();
    assert_same(&to_lowercase(&s), &s.to_lowercase(), "lower");
    assert_same(&to_uppercase(&s), &s.to_uppercase(), "upper");
    let reversed: String = s.chars().rev().collect();
    assert_same(
        &to_lowercase(&reversed),
        &reversed.to_lowercase(),
        "lower, reversed",
    );
}

const TRICKY: &[&str] = &[
    "",
    "Σ",
    "ΣΣ",
    "ΣΣΣ",
    "AΣ",
    "ΑΣ",
    "ΣA",
    "A Σ",
    "AΣ B",
    "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ",
    "ὈΔΥΣΣΕΎΣ",
    "ΣΑΣ'",
    "ΑΣ'Σ",
    "Α'Σ",
    "Α'Σ'",
    "Α'Σ'Α",
    "Α\u{301}Σ",
    "ΑΣ\u{301}",
    "ΑΣ\u{301}Α",
    "Α\u{345}Σ",
    "Α.Σ.",
    "Α:Σ",
    "Α\u{AD}Σ",
    "Α\u{200D}Σ",
    "ΑʰΣ",
    "ΑΣʰ",
    "\u{301}Σ",
    "'Σ'",
    "1Σ",
    "Α1Σ",
    "ǅΣ",
    "ⒶΣ",
    "𐐀Σ",
    "ΑΣ𐐨",
    "İstanbul",
    "İİ",
    "ıi",
    "STRASSE Straße ẞ ß",
    "ﬃ ﬀ ﬆ ﬓ",
    "ŉ ǰ ΐ ΰ և ẖ ẘ ẙ ẚ",
    "ᾳ ᾼ ᾀ ᾈ ᾯ ῳ ῼ ᾷ ῷ ᾲ ᾴ",
    "ᾺΙ ΆΙ ᾼ\u{345}",
    "ǄǅǆǇǈǉǊǋǌǱǲǳ",
    "ႠႡ ⴀⴁ ა ᲐᲑ Ა",
    "ᎠᎡᎢ ꭰꭱ ᏸᏹ ᏰᏱ",
    "\u{212A}\u{2126}\u{212B} KΩÅ kωå",
    "𞤀𞤢 𐐀𐐨 𖹀𖹠 𐲀𐳀",
    "Ǆemal ǅemal ǆemal",
    "ꞪꞫꞬꞭꞮ ɦɜɡɬɪ",
    "ⱥⱦ Ⱥ Ⱦ",
    "ǈ Ǉ ǉ",
    "Nguyễn Văn An",
    "O'Brien",
    "李小龍",
    "Ὀδυσσεύς",
];

#[test]
fn tricky_strings_convert_as_core() {
    for s in TRICKY {
        assert_eq!(to_lowercase(s), s.to_lowercase(), "lower {s:?}");
        assert_eq!(to_uppercase(s), s.to_uppercase(), "upper {s:?}");
        let prefixed = format!("plain ASCII first {s}");
        assert_eq!(
            to_lowercase(&prefixed),
            prefixed.to_lowercase(),
            "lower {prefixed:?}"
        );
        assert_eq!(
            to_uppercase(&prefixed),
            prefixed.to_uppercase(),
            "upper {prefixed:?}"
        );
    }
}

/// Chars whose case or case context is unusual, plus plain ones to border them ('Σ' is
/// drawn a quarter of the time besides).
const ALPHABET: &[char] = &[
    'a',
    'A',
    'z',
    'I',
    'i',
    'k',
    'K',
    ' ',
    '-',
    '1',
    '.',
    ':',
    '\'',
    '^',
    '`',
    '’',
    'Σ',
    'σ',
    'ς',
    'Α',
    'ε',
    'ΐ',
    'ΰ',
    '\u{345}',
    '\u{301}',
    '\u{300}',
    '\u{AD}',
    '\u{200D}',
    'ʰ',
    'ˆ',
    'ª',
    'ǅ',
    'ǈ',
    'Ǆ',
    'İ',
    'ı',
    'ß',
    'ẞ',
    'ﬃ',
    'ﬅ',
    'ŉ',
    'ǰ',
    'ᾳ',
    'ᾼ',
    'ᾀ',
    'ᾈ',
    'ῷ',
    'Ⴀ',
    'ⴀ',
    'ა',
    'Ა',
    'Ꭰ',
    'ꭰ',
    'ᏸ',
    '\u{212A}',
    'Ω',
    'Å',
    'Ⓐ',
    'ⓐ',
    '𐐀',
    '𐐨',
    '𞤀',
    '𞤢',
    '𝐀',
    'ℎ',
    '李',
    '😀',
    '\u{E0041}',
];

/// A fixed-seed SplitMix64: the same strings on every run.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

#[test]
fn generated_strings_convert_as_core() {
    let mut rng = SplitMix(0x1ead_9a7e);
    let mut s = String::new();
    for _ in 0..300_000 {
        s.clear();
        for _ in 0..rng.below(9) {
            let c = match rng.below(4) {
                0 => 'Σ',
                _ => ALPHABET[rng.below(ALPHABET.len())],
            };
            s.push(c);
        }
        assert_eq!(to_lowercase(&s), s.to_lowercase(), "lower {s:?}");
        assert_eq!(to_uppercase(&s), s.to_uppercase(), "upper {s:?}");
    }
}
