//! Build script. Writes `$OUT_DIR/disposable_fc.bin`: `data/disposable_domains.txt`
//! front-coded in buckets (`src/lists.rs`, `FrontCoded`, documents the layout), the exact
//! list the Worker searches in place: about 30% smaller than the text, 14% smaller
//! gzipped. Also checks that the browser's subset (`data/disposable_common.txt`) lists
//! nothing the full list does not: the page blocks its hits, so it must be exact.
//!
//! And writes `$OUT_DIR/data/<file>` for the small data files: the entries without the
//! `#` provenance header (which stays in `data/` and in the `*_TEXT` constants that
//! tests read), pair tables sorted by key for an in-place binary search (`SortedPairs`
//! in `src/lists.rs`). The page and the Worker then ship entries only.
//!
//! And writes `$OUT_DIR/case_tables.rs`, the case-conversion tables of `src/case.rs`
//! (`build/case_tables.rs`).
use std::collections::HashSet;
use std::path::PathBuf;

#[path = "build/case_tables.rs"]
mod case_tables;

const DISPOSABLE: &str = "data/disposable_domains.txt";
const COMMON: &str = "data/disposable_common.txt";

fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/case_tables.rs");
    println!("cargo:rerun-if-changed={DISPOSABLE}");
    println!("cargo:rerun-if-changed={COMMON}");
    let text = std::fs::read_to_string(DISPOSABLE).expect("read the disposable list");
    let keys: Vec<&[u8]> = entries(&text).map(str::as_bytes).collect();
    let all: HashSet<&[u8]> = keys.iter().copied().collect();
    let common = std::fs::read_to_string(COMMON).expect("read the browser's disposable subset");
    for d in entries(&common) {
        assert!(
            all.contains(d.as_bytes()),
            "{COMMON}: {d} is not in {DISPOSABLE}; the browser's subset must be exact"
        );
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("disposable_fc.bin"), front_code(&keys)).expect("write list");
    write_data(&out.join("data"));
    std::fs::write(out.join("case_tables.rs"), case_tables::source()).expect("write case tables");
}

/// `src/address/tables.rs` binary-searches the ZIP prefix ranges as fixed-width lines
/// ("FIRST-LAST CODE", 3-digit prefixes): they must be that wide, sorted, and either
/// disjoint or the same range (one prefix serving several codes).
fn check_zip_ranges(text: &str) {
    let ranges: Vec<(&str, &str)> = entries(text)
        .map(|l| {
            let b = l.as_bytes();
            assert!(
                b.len() == 10
                    && b[3] == b'-'
                    && b[7] == b' '
                    && b[..3].iter().chain(&b[4..7]).all(u8::is_ascii_digit),
                "zip_prefixes.txt: {l:?} is not \"NNN-NNN CC\""
            );
            (&l[..3], &l[4..7])
        })
        .collect();
    for w in ranges.windows(2) {
        assert!(
            w[0].1 < w[1].0 || w[0] == w[1],
            "zip_prefixes.txt: {:?} and {:?} overlap or are out of order",
            w[0],
            w[1]
        );
    }
}

/// Lists of one entry per line, already sorted (the crate's tests check that).
const LISTS: [&str; 7] = [
    "tlds.txt",
    "free_email_domains.txt",
    "role_local_parts.txt",
    "popular_domains.txt",
    "disposable_common.txt",
    "nanp_area_codes.txt",
    "zip_prefixes.txt",
];
/// "KEY VALUE" tables, written as "KEY|VALUE" sorted by key (a key may hold spaces).
const PAIRS: [&str; 4] = [
    "usps_suffixes.txt",
    "usps_units.txt",
    "usps_directionals.txt",
    "tld_typos.txt",
];
/// "CODE NAME" states, written as "CODE|CODE" and "NAME|CODE".
const STATES: &str = "us_states.txt";

fn write_data(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).expect("create data dir");
    let read = |name: &str| {
        println!("cargo:rerun-if-changed=data/{name}");
        std::fs::read_to_string(format!("data/{name}")).expect("read data file")
    };
    let write = |name: &str, lines: Vec<String>| {
        let mut body = lines.join("\n");
        body.push('\n');
        std::fs::write(dir.join(name), body).expect("write data file");
    };
    for name in LISTS {
        write(name, entries(&read(name)).map(str::to_owned).collect());
    }
    check_zip_ranges(&read("zip_prefixes.txt"));
    let sorted_pairs = |pairs: Vec<(String, String)>, name: &str| {
        let mut pairs = pairs;
        pairs.sort();
        for w in pairs.windows(2) {
            assert!(w[0].0 != w[1].0, "{name}: {} listed twice", w[0].0);
        }
        pairs.into_iter().map(|(k, v)| format!("{k}|{v}")).collect()
    };
    for name in PAIRS {
        let text = read(name);
        let pairs = entries(&text)
            .map(|l| {
                let (k, v) = l.split_once(' ').expect("KEY VALUE line");
                (k.to_owned(), v.to_owned())
            })
            .collect();
        write(name, sorted_pairs(pairs, name));
    }
    let text = read(STATES);
    let pairs = entries(&text)
        .flat_map(|l| {
            let (code, name) = l.split_once(' ').expect("CODE NAME line");
            [
                (code.to_owned(), code.to_owned()),
                (name.to_owned(), code.to_owned()),
            ]
        })
        .collect();
    write(STATES, sorted_pairs(pairs, STATES));
}

/// Entries per front-coded bucket (must equal `FrontCoded`'s reading of the blob; the
/// blob carries no bucket size because the reader does not need one).
const BUCKET: usize = 64;

/// Front-codes sorted `keys`: `u32` LE bucket count, `u32` LE offset of each bucket
/// (from the start of the bucket data), then the buckets. A bucket's first entry is
/// written whole; each later one as one byte (length of the prefix it shares with the
/// entry before it, at most 255) and the rest. Every entry ends with `\n`.
fn front_code(keys: &[&[u8]]) -> Vec<u8> {
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "the disposable list must be sorted and unique"
    );
    let mut data = Vec::new();
    let mut offsets = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        assert!(!key.contains(&b'\n') && !key.is_empty());
        if i % BUCKET == 0 {
            offsets.push(u32::try_from(data.len()).expect("list under 4 GB"));
            data.extend_from_slice(key);
        } else {
            let prev = keys[i - 1];
            let shared = key
                .iter()
                .zip(prev)
                .take(255)
                .take_while(|(a, b)| a == b)
                .count();
            data.push(shared as u8);
            data.extend_from_slice(&key[shared..]);
        }
        data.push(b'\n');
    }
    let mut blob = Vec::with_capacity(4 + 4 * offsets.len() + data.len());
    blob.extend_from_slice(&u32::try_from(offsets.len()).expect("count").to_le_bytes());
    for o in &offsets {
        blob.extend_from_slice(&o.to_le_bytes());
    }
    blob.extend_from_slice(&data);
    blob
}
