//! USPS Publication 28 street-line normalisation: upper case, no punctuation,
//! standard suffix, directional and secondary-unit abbreviations.
//!
//! `123 north main street apartment 4b` -> `123 N MAIN ST APT 4B`. A directional or
//! suffix word that is really the street name is kept (`123 North St` -> `123 NORTH ST`,
//! `10 Avenue A` -> `10 AVENUE A`), following Pub 28's rule that a name is never
//! abbreviated away.
use super::tables::{directional, suffix, unit};
use crate::case;
use alloc::{
    string::{String, ToString},
    vec::Vec,
};

/// A normalised street line and what was recognised in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Street {
    /// The normalised line.
    pub line: String,
    /// It starts with a primary number (or is a PO box).
    pub has_number: bool,
    /// A street suffix was recognised (or it is a PO box / highway-style name).
    pub has_suffix: bool,
    /// A street name remains after number, directionals, suffix and unit.
    pub has_name: bool,
    /// A PO box.
    pub po_box: bool,
}

/// Upper-case words of a street line; punctuation other than `#`, `-` and `/` goes.
fn words(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in input.split(|c: char| c.is_whitespace() || c == ',') {
        let mut w: String = raw
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '#' | '-' | '/'))
            .flat_map(case::upper)
            .collect();
        // "#5" -> "#", "5"
        if w.len() > 1 && w.starts_with('#') {
            out.push("#".to_string());
            w.remove(0);
        }
        if !w.is_empty() {
            out.push(w);
        }
    }
    out
}

/// Normalises a street line.
pub fn normalize_street(input: &str) -> Street {
    let w = words(input);
    let mut s = Street::default();
    if w.is_empty() {
        return s;
    }
    // PO boxes: "PO BOX 12", "P.O. Box 12", "POST OFFICE BOX 12".
    let joined = w.join(" ");
    for prefix in ["PO BOX ", "POST OFFICE BOX ", "POB ", "BOX "] {
        if let Some(rest) = joined.strip_prefix(prefix) {
            if rest
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            {
                s.line = ["PO BOX ", rest].concat();
                s.has_number = rest.chars().any(|c| c.is_ascii_digit());
                s.has_suffix = true;
                s.has_name = true;
                s.po_box = true;
                return s;
            }
        }
    }
    // Secondary unit: the first designator after the street proper (index >= 2) that
    // is unambiguous (APT, STE, #, ...) or follows a suffix or directional; so
    // "100 OLD FRONT ST" keeps its FRONT.
    const UNAMBIGUOUS: &[&str] = &[
        "#",
        "APT",
        "APARTMENT",
        "STE",
        "SUITE",
        "UNIT",
        "RM",
        "ROOM",
        "BLDG",
        "BUILDING",
        "FL",
        "FLOOR",
        "DEPT",
        "SPC",
        "SPACE",
        "TRLR",
        "HNGR",
        "OFC",
        "PH",
        "BSMT",
    ];
    let unit_at = (2..w.len()).find(|&i| {
        unit(&w[i]).is_some()
            && (UNAMBIGUOUS.contains(&w[i].as_str())
                || suffix(&w[i - 1]).is_some()
                || directional(&w[i - 1]).is_some())
    });
    let (street, unit_part) = w.split_at(unit_at.unwrap_or(w.len()));
    let mut parts: Vec<String> = Vec::with_capacity(w.len());
    let mut rest: &[String] = street;
    if let Some(first) = rest.first() {
        if first.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            s.has_number = true;
            parts.push(first.clone());
            rest = &rest[1..];
        }
    }
    // Pre-directional: only when something other than a lone suffix follows it.
    let mut pre = None;
    if rest.len() >= 2 {
        if let Some(d) = directional(&rest[0]) {
            let lone_suffix = rest.len() == 2 && suffix(&rest[1]).is_some();
            if !lone_suffix {
                pre = Some(d);
                rest = &rest[1..];
            }
        }
    }
    // Post-directional: last word, when at least two words precede it.
    let mut post = None;
    if rest.len() >= 3 || (rest.len() == 2 && pre.is_none() && suffix(&rest[0]).is_none()) {
        if let Some(d) = directional(&rest[rest.len() - 1]) {
            post = Some(d);
            rest = &rest[..rest.len() - 1];
        }
    }
    // Suffix: last word, when a name word precedes it.
    let mut suf = None;
    if rest.len() >= 2 {
        if let Some(x) = suffix(&rest[rest.len() - 1]) {
            suf = Some(x);
            rest = &rest[..rest.len() - 1];
        }
    }
    if let Some(d) = pre {
        parts.push(d.to_string());
    }
    parts.extend(rest.iter().cloned());
    s.has_name = !rest.is_empty();
    // Highways and routes carry their "suffix" in front: "STATE ROUTE 9", "US HIGHWAY 1".
    s.has_suffix = suf.is_some()
        || rest
            .iter()
            .any(|x| matches!(x.as_str(), "HWY" | "HIGHWAY" | "ROUTE" | "RTE" | "BROADWAY"));
    if let Some(x) = suf {
        parts.push(x.to_string());
    }
    if let Some(d) = post {
        parts.push(d.to_string());
    }
    if let Some((designator, number)) = unit_part.split_first() {
        parts.push(unit(designator).unwrap_or(designator).to_string());
        parts.extend(number.iter().filter(|x| x.as_str() != "#").cloned());
    }
    s.line = parts.join(" ");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize_street(s).line
    }

    #[test]
    fn pub28_examples() {
        assert_eq!(
            n("123 north main street apartment 4b"),
            "123 N MAIN ST APT 4B"
        );
        assert_eq!(n("1600 Pennsylvania Avenue NW"), "1600 PENNSYLVANIA AVE NW");
        assert_eq!(n("500 E. Elm Blvd., Suite 200"), "500 E ELM BLVD STE 200");
        assert_eq!(n("12 Oak Lane #5"), "12 OAK LN # 5");
        assert_eq!(n("77 Sunset Boulevard West"), "77 SUNSET BLVD W");
        assert_eq!(n("9 Maple Ave, Fl 3"), "9 MAPLE AVE FL 3");
        assert_eq!(n("P.O. Box 123"), "PO BOX 123");
        assert!(normalize_street("po box 9").po_box);
    }

    #[test]
    fn names_that_look_like_abbreviations_stay() {
        assert_eq!(n("123 North St"), "123 NORTH ST");
        assert_eq!(n("10 Avenue A"), "10 AVENUE A");
        assert_eq!(n("5 West Ave"), "5 WEST AVE");
        assert_eq!(n("42 Park"), "42 PARK");
        assert_eq!(n("100 Old Front Street"), "100 OLD FRONT ST");
        assert_eq!(n("100 Main St Rear"), "100 MAIN ST REAR");
    }

    #[test]
    fn flags() {
        let s = normalize_street("123 Main Street");
        assert!(s.has_number && s.has_suffix && s.has_name);
        let s = normalize_street("Main Street");
        assert!(!s.has_number);
        let s = normalize_street("123");
        assert!(!s.has_name);
        let s = normalize_street("4400 US Highway 9");
        assert!(s.has_suffix);
        assert_eq!(normalize_street("  ,,, ").line, "");
    }
}
