//! The USPS tables (Publication 28 appendices and ZIP prefixes) as bundled data.
//!
//! `build.rs` writes each table sorted by key (`SortedPairs`), so a look-up is a binary
//! search over the text in place: nothing is indexed on first use, in any tier.
use crate::lists::{data_body, SortedPairs};

/// Raw text of the street suffix table (provenance in its header).
pub const SUFFIXES: &str = include_str!("../../data/usps_suffixes.txt");
/// Raw text of the secondary unit table.
pub const UNITS: &str = include_str!("../../data/usps_units.txt");
/// Raw text of the directional table.
pub const DIRECTIONALS: &str = include_str!("../../data/usps_directionals.txt");
/// Raw text of the state and possession table.
pub const STATES: &str = include_str!("../../data/us_states.txt");
/// Raw text of the 3-digit ZIP prefix table.
pub const ZIP_PREFIXES: &str = include_str!("../../data/zip_prefixes.txt");

static SUFFIX_INDEX: SortedPairs = SortedPairs::new(data_body!("usps_suffixes.txt"));
static UNIT_INDEX: SortedPairs = SortedPairs::new(data_body!("usps_units.txt"));
static DIRECTIONAL_INDEX: SortedPairs = SortedPairs::new(data_body!("usps_directionals.txt"));
/// Both "CODE|CODE" and "NAME|CODE" for every state and possession.
static STATE_INDEX: SortedPairs = SortedPairs::new(data_body!("us_states.txt"));
/// "FIRST-LAST CODE" lines (3-digit prefixes, inclusive), header stripped.
const ZIP_RANGES: &str = data_body!("zip_prefixes.txt");

/// The data file's own `KEY VALUE` lines (tests compare the tables with them).
#[cfg(test)]
fn pairs(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
}

/// Standard street suffix for an upper-case word (`AVENUE` -> `AVE`).
pub fn suffix(word: &str) -> Option<&'static str> {
    SUFFIX_INDEX.get(word)
}

/// Standard secondary unit designator (`SUITE` -> `STE`); `#` stays `#`.
pub fn unit(word: &str) -> Option<&'static str> {
    if word == "#" {
        return Some("#");
    }
    UNIT_INDEX.get(word)
}

/// Standard directional (`NORTH` -> `N`).
pub fn directional(word: &str) -> Option<&'static str> {
    DIRECTIONAL_INDEX.get(word)
}

/// Two-letter code for a state or possession given by code or name (upper-case in).
pub fn state_code(input: &str) -> Option<&'static str> {
    STATE_INDEX.get(input)
}

/// True when a 3-digit ZIP prefix is assigned to `state` (two-letter code).
pub fn zip_prefix_matches(prefix: u16, state: &str) -> bool {
    zip_prefix_states(prefix).any(|s| s == state)
}

/// Every state a 3-digit ZIP prefix serves (empty when unassigned): a binary search over
/// the fixed-width range lines, which `build.rs` checks are sorted and either disjoint or
/// the same range; zero-padded prefixes compare as bytes.
pub fn zip_prefix_states(prefix: u16) -> impl Iterator<Item = &'static str> {
    // "FIRST-LAST CC\n"
    const WIDTH: usize = "005-005 NY\n".len();
    let lines = ZIP_RANGES.as_bytes();
    let count = if prefix < 1000 {
        lines.len() / WIDTH
    } else {
        0
    };
    let line = move |i: usize| lines.get(i * WIDTH..(i + 1) * WIDTH - 1).unwrap_or(&[]);
    let key = [
        b'0' + (prefix / 100 % 10) as u8,
        b'0' + (prefix / 10 % 10) as u8,
        b'0' + (prefix % 10) as u8,
    ];
    // The first range whose last prefix is not below `prefix`.
    let (mut lo, mut hi) = (0usize, count);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if line(mid).get(4..7).is_some_and(|last| last < &key[..]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    (lo..count)
        .map(line)
        .take_while(move |l| l.get(..3).is_some_and(|first| first <= &key[..]))
        .filter_map(|l| core::str::from_utf8(l.get(8..).unwrap_or(&[])).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_consistent() {
        // Every standard abbreviation maps to itself.
        for (_, std) in pairs(SUFFIXES) {
            assert_eq!(suffix(std), Some(std), "suffix {std}");
        }
        for (_, std) in pairs(UNITS) {
            assert_eq!(unit(std), Some(std), "unit {std}");
        }
        for (_, std) in pairs(DIRECTIONALS) {
            assert_eq!(directional(std), Some(std));
        }
        // Every state code has at least one ZIP prefix, and every prefix names a state.
        for (code, _) in pairs(STATES) {
            assert!(
                (0..1000).any(|p| zip_prefix_matches(p, code)),
                "{code} has no ZIP prefix"
            );
        }
        for (_, state) in pairs(ZIP_PREFIXES) {
            assert!(state_code(state).is_some(), "{state}");
        }
    }

    #[test]
    fn sorted_tables_hold_every_line_of_the_data_files() {
        for (text, table) in [
            (SUFFIXES, &SUFFIX_INDEX),
            (UNITS, &UNIT_INDEX),
            (DIRECTIONALS, &DIRECTIONAL_INDEX),
        ] {
            assert_eq!(table.iter().count(), pairs(text).count());
            for (key, value) in pairs(text) {
                assert_eq!(table.get(key), Some(value), "{key}");
            }
        }
        for (code, name) in pairs(STATES) {
            assert_eq!(state_code(code), Some(code));
            assert_eq!(state_code(name), Some(code), "{name}");
        }
        assert_eq!(STATE_INDEX.iter().count(), 2 * pairs(STATES).count());
        for absent in ["", "A", "ZZZZ", "NEW", "NEW YORKS", "|", "AVENUE|AVE"] {
            assert_eq!(SUFFIX_INDEX.get(absent), None, "{absent:?}");
            assert_eq!(STATE_INDEX.get(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn zip_prefix_search_equals_a_scan_of_the_data_file() {
        let ranges: Vec<(u16, u16, &str)> = pairs(ZIP_PREFIXES)
            .map(|(range, state)| {
                let (lo, hi) = range.split_once('-').unwrap();
                (lo.parse().unwrap(), hi.parse().unwrap(), state)
            })
            .collect();
        for prefix in 0..1100u16 {
            let want: Vec<&str> = ranges
                .iter()
                .filter(|(lo, hi, _)| (*lo..=*hi).contains(&prefix))
                .map(|(_, _, s)| *s)
                .collect();
            assert_eq!(
                zip_prefix_states(prefix).collect::<Vec<_>>(),
                want,
                "{prefix}"
            );
        }
        assert_eq!(zip_prefix_states(u16::MAX).count(), 0);
    }

    #[test]
    fn lookups() {
        assert_eq!(suffix("AVENUE"), Some("AVE"));
        assert_eq!(suffix("BOULEVARD"), Some("BLVD"));
        assert_eq!(suffix("STREET"), Some("ST"));
        assert_eq!(suffix("JANE"), None);
        assert_eq!(unit("SUITE"), Some("STE"));
        assert_eq!(unit("APARTMENT"), Some("APT"));
        assert_eq!(directional("NORTHWEST"), Some("NW"));
        assert_eq!(state_code("NEW YORK"), Some("NY"));
        assert_eq!(state_code("TX"), Some("TX"));
        assert_eq!(state_code("TEXAS"), Some("TX"));
        assert_eq!(state_code("ZZ"), None);
        assert!(zip_prefix_matches(100, "NY") && zip_prefix_matches(902, "CA"));
        assert!(zip_prefix_matches(969, "GU") && zip_prefix_matches(969, "MP"));
        assert!(!zip_prefix_matches(100, "CA"));
        assert_eq!(zip_prefix_states(0).count(), 0);
    }
}
