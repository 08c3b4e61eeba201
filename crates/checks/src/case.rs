//! Unicode case conversion, identical to `core`'s, from tables a fifth the size.
//!
//! [`lower`], [`upper`], [`to_lowercase`] and [`to_uppercase`] give exactly what
//! `char::to_lowercase`, `char::to_uppercase`, `str::to_lowercase` and
//! `str::to_uppercase` give, for every char and string, final sigma included. The checks
//! use these instead (the crate's `clippy.toml` refuses the standard ones) because
//! `core` keeps its case mappings as one `(char, u32)` pair per mapped char, 25 KB,
//! plus 1.5 KB of `Cased` and `Case_Ignorable` sets for final sigma: all of it lands in
//! the browser's wasm. The same answers from the tables here take 5 KB, and each page
//! module is 6.5 KB brotli smaller (docs/checks.md, "Case conversion").
//!
//! The tables are generated at build time (`build/case_tables.rs`) by running every
//! char through this toolchain's own conversions, so they follow `core` to each new
//! Unicode version; `tests/case.rs` compares them with `core` over every char and over
//! generated strings. ASCII never reaches a table.
//!
//! ```
//! use leadgate_checks::case::{lower, to_lowercase, to_uppercase};
//!
//! assert_eq!(to_uppercase("Straße"), "STRASSE");
//! assert_eq!(to_lowercase("ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ"), "οδος σοφοκλεους");
//! assert_eq!(lower('İ').collect::<String>(), "i\u{307}");
//! ```
//!
//! # Layouts
//!
//! A `CaseTable` holds one direction. Its `runs` are sorted by first char, each
//! `start << 11 | count << 1 | stride - 1`: the `count` chars `start`,
//! `start + stride`, ... (stride 1 or 2) each map to one char, themselves plus
//! `DELTAS[run_deltas[i]]` (one list for both directions), or, where `run_deltas[i]`
//! is `MULTI_CHAR`, each to the 2 or 3 chars `multi` lists for it (sorted; all in the
//! BMP; `0` pads to 3). The chars a stride of 2 steps over map to themselves
//! (`Ā ā Ă ă ...` is one run of stride 2), as does every char in no run. So a char
//! costs one binary search over about 200 runs (`core` searches about 1,500 pairs).
//!
//! Final sigma reads two properties `core` does not make public: `CASE_IGNORABLE`
//! and `CASED` (cased and not case-ignorable; whether a case-ignorable char is cased
//! never matters). The build script reads them back out of `str::to_lowercase` itself,
//! probing every char beside a 'Σ' (`build/case_tables.rs` explains how).
//!
//! A `RangeSet` lists the points where membership flips, from outside at U+0000:
//! grouped, each group's first point absolute in `index` (`point << 11 | offset of
//! the group's steps`), the rest as `u8` steps in `steps`. A lookup binary-searches the
//! index and walks at most 64 steps; the number of points up to the char tells
//! whether it is inside (odd) or not.

use crate::text::slice;
use alloc::string::String;
use core::iter::FusedIterator;

include!(concat!(env!("OUT_DIR"), "/case_tables.rs"));

/// The lower-case mapping of `c`: one to three chars, as `c.to_lowercase()`.
#[inline]
pub fn lower(c: char) -> CaseMapping {
    CaseMapping::new(lower_chars(c))
}

/// The upper-case mapping of `c`: one to three chars, as `c.to_uppercase()`.
#[inline]
pub fn upper(c: char) -> CaseMapping {
    CaseMapping::new(upper_chars(c))
}

/// `s` lower-cased, as `s.to_lowercase()`: 'Σ' ending a word becomes 'ς'.
pub fn to_lowercase(s: &str) -> String {
    let ascii = ascii_prefix(s); // a char boundary: the end of the ASCII start
    let mut out = String::with_capacity(s.len());
    out.push_str(slice(s, ..ascii));
    out.make_ascii_lowercase();
    for (i, c) in slice(s, ascii..).char_indices() {
        if c == 'Σ' {
            out.push(lower_sigma(s, ascii + i));
        } else {
            push_chars(&mut out, lower_chars(c));
        }
    }
    out
}

/// `s` upper-cased, as `s.to_uppercase()`.
pub fn to_uppercase(s: &str) -> String {
    let ascii = ascii_prefix(s); // a char boundary: the end of the ASCII start
    let mut out = String::with_capacity(s.len());
    out.push_str(slice(s, ..ascii));
    out.make_ascii_uppercase();
    for c in slice(s, ascii..).chars() {
        push_chars(&mut out, upper_chars(c));
    }
    out
}

/// A mapping as `core` keeps one: up to 3 chars, `'\0'` after the last. (No char maps
/// to `'\0'` but `'\0'` itself, which is ASCII and never padded.)
type Chars = [char; 3];

#[inline]
fn lower_chars(c: char) -> Chars {
    if c.is_ascii() {
        [c.to_ascii_lowercase(), '\0', '\0']
    } else {
        LOWER.map(c)
    }
}

#[inline]
fn upper_chars(c: char) -> Chars {
    if c.is_ascii() {
        [c.to_ascii_uppercase(), '\0', '\0']
    } else {
        UPPER.map(c)
    }
}

fn push_chars(out: &mut String, [a, b, c]: Chars) {
    out.push(a);
    if b != '\0' {
        out.push(b);
        if c != '\0' {
            out.push(c);
        }
    }
}

/// Length of the all-ASCII start of `s`, found 16 bytes at a time where it can be.
fn ascii_prefix(s: &str) -> usize {
    let bytes = s.as_bytes();
    let chunks = bytes
        .chunks_exact(16)
        .take_while(|chunk| chunk.iter().fold(0, |any, b| any | b) < 0x80)
        .count();
    let rest = &bytes[chunks * 16..];
    chunks * 16 + rest.iter().take_while(|b| b.is_ascii()).count()
}

/// The 'Σ' at byte `at` of `s` lower-cased: 'ς' at the end of a word, else 'σ'.
///
/// `core`'s rule, Unicode's `Final_Sigma` without language tailoring: the first char
/// before it that is not case-ignorable is cased, and the first one after it is not (or
/// there is none).
fn lower_sigma(s: &str, at: usize) -> char {
    let after = at + 'Σ'.len_utf8();
    let ends_word = cased_past_ignorable(slice(s, ..at).chars().rev())
        && !cased_past_ignorable(slice(s, after..).chars());
    if ends_word {
        'ς'
    } else {
        'σ'
    }
}

/// Whether the first char of `chars` that is not case-ignorable is cased.
fn cased_past_ignorable(mut chars: impl Iterator<Item = char>) -> bool {
    chars
        .find(|&c| !CASE_IGNORABLE.contains(c))
        .is_some_and(|c| CASED.contains(c))
}

/// The chars a char maps to, as [`std::char::ToLowercase`] and [`std::char::ToUppercase`]
/// yield them.
#[derive(Debug, Clone)]
pub struct CaseMapping {
    chars: Chars,
    next: u8,
    end: u8,
}

impl CaseMapping {
    fn new(chars: Chars) -> Self {
        let end = if chars[1] == '\0' {
            1
        } else if chars[2] == '\0' {
            2
        } else {
            3
        };
        CaseMapping {
            chars,
            next: 0,
            end,
        }
    }
}

impl Iterator for CaseMapping {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        (self.next < self.end).then(|| {
            self.next += 1;
            self.chars[usize::from(self.next - 1)]
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::from(self.end - self.next);
        (left, Some(left))
    }
}

impl DoubleEndedIterator for CaseMapping {
    fn next_back(&mut self) -> Option<char> {
        (self.next < self.end).then(|| {
            self.end -= 1;
            self.chars[usize::from(self.end)]
        })
    }
}

impl ExactSizeIterator for CaseMapping {}
impl FusedIterator for CaseMapping {}

/// One direction of the mapping (layout in the module docs). Its `N` runs are an array,
/// not a slice: the binary search then has a fixed number of steps, which the compiler
/// unrolls (a third less time per char than over a slice).
struct CaseTable<const N: usize> {
    runs: [u32; N],
    run_deltas: [u8; N],
    multi: &'static [(u16, [u16; 3])],
}

impl<const N: usize> CaseTable<N> {
    #[inline]
    fn map(&self, c: char) -> Chars {
        let unmapped = [c, '\0', '\0'];
        let u = c as u32;
        // The last run starting at or before `u`.
        let i = self.runs.partition_point(|&run| run >> 11 <= u);
        let Some(i) = i.checked_sub(1) else {
            return unmapped;
        };
        let run = self.runs[i];
        // Stride 1 or 2 as a shift of 0 or 1.
        let (offset, count, shift) = (u - (run >> 11), run >> 1 & 0x3FF, run & 1);
        if offset & shift != 0 || offset >> shift >= count {
            return unmapped;
        }
        match self.run_deltas[i] {
            MULTI_CHAR => self.multi_char(c),
            d => {
                let to = u.wrapping_add_signed(DELTAS[usize::from(d)]);
                // Always a char: the tests map every char.
                [char::from_u32(to).unwrap_or(c), '\0', '\0']
            }
        }
    }

    fn multi_char(&self, c: char) -> Chars {
        let u = c as u32;
        match self
            .multi
            .binary_search_by_key(&u, |&(from, _)| from.into())
        {
            Ok(i) => self.multi[i]
                .1
                .map(|t| char::from_u32(t.into()).unwrap_or('\0')),
            Err(_) => [c, '\0', '\0'],
        }
    }
}

/// A set of chars as the points where membership flips (layout in the module docs).
struct RangeSet {
    index: &'static [u32],
    steps: &'static [u8],
}

impl RangeSet {
    fn contains(&self, c: char) -> bool {
        let u = c as u32;
        let group = self.index.partition_point(|&e| e >> 11 <= u);
        let Some(group) = group.checked_sub(1) else {
            return false;
        };
        let offset = |e: u32| (e & 0x7FF) as usize;
        let from = offset(self.index[group]);
        let to = self
            .index
            .get(group + 1)
            .map_or(self.steps.len(), |&e| offset(e));
        // Points up to `u`: those of the groups before (each one's first and its steps),
        // this group's first, and each of its steps that stays at or below `u`.
        let mut point = self.index[group] >> 11;
        let mut points = from + group + 1;
        for &step in &self.steps[from..to] {
            point += u32::from(step);
            if point > u {
                break;
            }
            points += 1;
        }
        points % 2 == 1
    }
}
