//! The USPS tables (Publication 28 appendices and ZIP prefixes) as bundled data.
//!
//! Each table is indexed once, on first use, into a hash map (a few hundred entries:
//! microseconds, also in wasm), so a look-up costs one hash instead of a scan.
use std::collections::HashMap;
use std::sync::OnceLock;

const SUFFIXES: &str = include_str!("../../data/usps_suffixes.txt");
const UNITS: &str = include_str!("../../data/usps_units.txt");
const DIRECTIONALS: &str = include_str!("../../data/usps_directionals.txt");
const STATES: &str = include_str!("../../data/us_states.txt");
const ZIP_PREFIXES: &str = include_str!("../../data/zip_prefixes.txt");

fn pairs(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
}

type Index = HashMap<&'static str, &'static str>;

fn index(text: &'static str) -> Index {
    pairs(text).collect()
}

fn lookup(table: &'static OnceLock<Index>, text: &'static str, key: &str) -> Option<&'static str> {
    table.get_or_init(|| index(text)).get(key).copied()
}

static SUFFIX_INDEX: OnceLock<Index> = OnceLock::new();
static UNIT_INDEX: OnceLock<Index> = OnceLock::new();
static DIRECTIONAL_INDEX: OnceLock<Index> = OnceLock::new();
static STATE_INDEX: OnceLock<Index> = OnceLock::new();
static ZIP_INDEX: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();

/// Standard street suffix for an upper-case word (`AVENUE` -> `AVE`).
pub fn suffix(word: &str) -> Option<&'static str> {
    lookup(&SUFFIX_INDEX, SUFFIXES, word)
}

/// Standard secondary unit designator (`SUITE` -> `STE`); `#` stays `#`.
pub fn unit(word: &str) -> Option<&'static str> {
    if word == "#" {
        return Some("#");
    }
    lookup(&UNIT_INDEX, UNITS, word)
}

/// Standard directional (`NORTH` -> `N`).
pub fn directional(word: &str) -> Option<&'static str> {
    lookup(&DIRECTIONAL_INDEX, DIRECTIONALS, word)
}

/// Two-letter code for a state or possession given by code or name (upper-case in).
pub fn state_code(input: &str) -> Option<&'static str> {
    STATE_INDEX
        .get_or_init(|| {
            pairs(STATES)
                .flat_map(|(code, name)| [(code, code), (name, code)])
                .collect()
        })
        .get(input)
        .copied()
}

/// True when a 3-digit ZIP prefix is assigned to `state` (two-letter code).
pub fn zip_prefix_matches(prefix: u16, state: &str) -> bool {
    zip_prefix_states(prefix).any(|s| s == state)
}

/// Every state a 3-digit ZIP prefix serves (empty when unassigned).
pub fn zip_prefix_states(prefix: u16) -> impl Iterator<Item = &'static str> {
    let table = ZIP_INDEX.get_or_init(|| {
        let mut t = vec![Vec::new(); 1000];
        for (range, state) in pairs(ZIP_PREFIXES) {
            let Some((lo, hi)) = range.split_once('-') else {
                continue;
            };
            let (Ok(lo), Ok(hi)) = (lo.parse::<usize>(), hi.parse::<usize>()) else {
                continue;
            };
            for slot in t.iter_mut().take(hi.min(999) + 1).skip(lo) {
                slot.push(state);
            }
        }
        t
    });
    table.get(prefix as usize).into_iter().flatten().copied()
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
