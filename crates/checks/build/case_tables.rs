//! Generates `$OUT_DIR/case_tables.rs`, the tables of `src/case.rs`, from this
//! toolchain's own case conversions.
//!
//! The build script is compiled by the same rustc as the crate, so the host's
//! `char::to_lowercase`, `char::to_uppercase` and `str::to_lowercase` speak the Unicode
//! version of the target's `core`: enumerating every char through them gives exactly the
//! tables `core` uses, and a new toolchain regenerates them. `tests/case.rs` proves the
//! result equal to `core` for every char.
// Reading the standard conversions is the point here (clippy.toml keeps them out of the
// crate's own code).
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::fmt::Write;

/// Every char above ASCII (ASCII never reaches the tables; the range skips surrogates).
fn non_ascii() -> impl Iterator<Item = char> {
    '\u{80}'..=char::MAX
}

/// A run of mapped chars: `count` chars from `start`, every `stride`-th one, each mapping
/// to itself plus `delta`, or (`None`) each to several chars, listed in `multi`. The chars
/// a stride of 2 steps over map to themselves.
#[derive(Debug)]
struct Run {
    start: u32,
    count: u32,
    stride: u32,
    delta: Option<i32>,
}

/// Longest run (the `count` field's 10 bits); a longer one is split.
const MAX_RUN: u32 = 1023;

/// `run_deltas` value of a run of chars that map to several chars.
const MULTI_CHAR: u8 = u8::MAX;

/// One direction (lower or upper) of the mapping.
struct Mapping {
    /// Every char that does not map to itself is in exactly one run.
    runs: Vec<Run>,
    /// Chars that map to 2 or 3 chars, with those chars (`0` pads to 3).
    multi: Vec<(u16, [u16; 3])>,
}

fn mapping(convert: impl Fn(char) -> Vec<char>) -> Mapping {
    let mapped: BTreeMap<u32, Vec<char>> = non_ascii()
        .filter_map(|c| {
            let to = convert(c);
            (to != [c]).then_some((c as u32, to))
        })
        .collect();
    let identity = |u: u32| !mapped.contains_key(&u);
    let mut runs: Vec<Run> = Vec::new();
    let mut multi = Vec::new();
    for (&c, to) in &mapped {
        let delta = match to[..] {
            [one] => Some(one as i32 - c as i32),
            _ => {
                let bmp = |u: u32| u16::try_from(u).expect("multi-char mappings are in the BMP");
                assert!(to.len() <= 3, "U+{c:04X} maps to more than 3 chars");
                let mut chars = [0; 3];
                for (slot, &t) in chars.iter_mut().zip(to) {
                    *slot = bmp(t as u32);
                }
                multi.push((bmp(c), chars));
                None
            }
        };
        if let Some(run) = runs
            .last_mut()
            .filter(|r| r.delta == delta && r.count < MAX_RUN)
        {
            let last = run.start + (run.count - 1) * run.stride;
            if run.count == 1 && c == last + 2 && identity(last + 1) {
                run.stride = 2;
            }
            if c == last + run.stride && (run.stride == 1 || identity(c - 1)) {
                run.count += 1;
                continue;
            }
        }
        runs.push(Run {
            start: c,
            count: 1,
            stride: 1,
            delta,
        });
    }
    Mapping { runs, multi }
}

/// A set of chars as the points where membership flips, for `case::RangeSet`: an index
/// of `first point << 11 | offset into steps`, and each group's further points as `u8`
/// steps from the point before. A group ends before a step over 255, or after
/// `GROUP_STEPS` steps so a lookup's linear walk stays short.
fn range_set(contains: impl Fn(char) -> bool) -> (Vec<u32>, Vec<u8>) {
    const GROUP_STEPS: usize = 64;
    let mut points = Vec::new();
    let mut inside = false;
    // Surrogates are no chars: they keep the membership of U+D7FF, so no point falls there.
    for c in '\0'..=char::MAX {
        if contains(c) != inside {
            inside = !inside;
            points.push(c as u32);
        }
    }
    let (mut index, mut steps) = (Vec::new(), Vec::new());
    let mut in_group = GROUP_STEPS;
    for (i, &p) in points.iter().enumerate() {
        let step = i.checked_sub(1).map(|j| p - points[j]);
        match step.and_then(|s| u8::try_from(s).ok()) {
            Some(s) if in_group < GROUP_STEPS => {
                steps.push(s);
                in_group += 1;
            }
            _ => {
                assert!(
                    steps.len() < 1 << 11,
                    "range set steps overflow the index's 11 bits"
                );
                index.push(p << 11 | steps.len() as u32);
                in_group = 0;
            }
        }
    }
    (index, steps)
}

/// The two properties `str::to_lowercase` reads for final sigma, read back from it.
///
/// `core` lower-cases 'Σ' to 'ς' when the first char before it that is not
/// `Case_Ignorable` is `Cased`, and the first such char after it is not (or there is
/// none). Neither property is public, but they show through that rule:
///
/// * `"cΣ"` ends in 'ς' exactly when `c` is cased and not case-ignorable;
/// * `"AcΣ"` ends in 'ς' exactly when `c` is case-ignorable or cased ('A' is cased).
///
/// So the probes give, for every char, whether it is case-ignorable, and whether it is
/// cased when it is not. Whether a case-ignorable char is also cased never shows: the
/// rule skips it before asking. Returns (case-ignorable, cased and not case-ignorable).
fn sigma_properties() -> (impl Fn(char) -> bool, impl Fn(char) -> bool) {
    fn ends_in_final_sigma(before: &str, c: char) -> bool {
        let mut s = String::with_capacity(12);
        s.push_str(before);
        s.push(c);
        s.push('Σ');
        s.to_lowercase().ends_with('ς')
    }
    let cased = |c| ends_in_final_sigma("", c);
    let ignorable = move |c| ends_in_final_sigma("A", c) && !cased(c);
    (ignorable, cased)
}

fn write_list<T: std::fmt::Display>(out: &mut String, items: impl IntoIterator<Item = T>) {
    out.push('[');
    for (i, item) in items.into_iter().enumerate() {
        let sep = if i % 12 == 0 { "\n    " } else { " " };
        write!(out, "{sep}{item},").unwrap();
    }
    out.push_str("\n]");
}

/// Rust source for `src/case.rs` to `include!`.
pub fn source() -> String {
    let lower = mapping(|c| c.to_lowercase().collect());
    let upper = mapping(|c| c.to_uppercase().collect());
    let mut deltas: Vec<i32> = lower
        .runs
        .iter()
        .chain(&upper.runs)
        .filter_map(|r| r.delta)
        .collect();
    deltas.sort_unstable();
    deltas.dedup();
    assert!(
        deltas.len() < usize::from(MULTI_CHAR),
        "more distinct deltas than a u8 index reaches"
    );
    let delta_index = |delta: Option<i32>| match delta {
        Some(d) => deltas.binary_search(&d).expect("delta listed") as u8,
        None => MULTI_CHAR,
    };

    let (major, minor, update) = char::UNICODE_VERSION;
    let mut out = format!(
        "// Generated by build.rs from this toolchain's case conversions (Unicode \
         {major}.{minor}.{update}). Layouts: src/case.rs.\n\n\
         const MULTI_CHAR: u8 = {MULTI_CHAR};\n\n"
    );
    write!(out, "static DELTAS: [i32; {}] = ", deltas.len()).unwrap();
    write_list(&mut out, &deltas);
    out.push_str(";\n\n");
    for (name, m) in [("LOWER", &lower), ("UPPER", &upper)] {
        let n = m.runs.len();
        writeln!(out, "static {name}: CaseTable<{n}> = CaseTable {{").unwrap();
        out.push_str("runs: ");
        let runs = m
            .runs
            .iter()
            .map(|r| r.start << 11 | r.count << 1 | (r.stride - 1));
        write_list(&mut out, runs);
        out.push_str(",\nrun_deltas: ");
        write_list(&mut out, m.runs.iter().map(|r| delta_index(r.delta)));
        out.push_str(",\nmulti: &");
        let multi = m
            .multi
            .iter()
            .map(|(c, [a, b, d])| format!("({c}, [{a}, {b}, {d}])"));
        write_list(&mut out, multi);
        out.push_str(",\n};\n\n");
    }
    let (ignorable, cased) = sigma_properties();
    for (name, set) in [
        ("CASE_IGNORABLE", range_set(ignorable)),
        ("CASED", range_set(cased)),
    ] {
        writeln!(out, "static {name}: RangeSet = RangeSet {{\nindex: &").unwrap();
        write_list(&mut out, set.0);
        out.push_str(",\nsteps: &");
        write_list(&mut out, set.1);
        out.push_str(",\n};\n\n");
    }
    out
}
