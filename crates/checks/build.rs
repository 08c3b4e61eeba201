//! Build script. Writes `$OUT_DIR/disposable_fc.bin`: `data/disposable_domains.txt`
//! front-coded in buckets (`src/lists.rs`, `FrontCoded`, documents the layout), the exact
//! list the Worker searches in place: about 30% smaller than the text, 14% smaller
//! gzipped. Also checks that the browser's subset (`data/disposable_common.txt`) lists
//! nothing the full list does not: the page blocks its hits, so it must be exact.
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
    std::fs::write(out.join("case_tables.rs"), case_tables::source()).expect("write case tables");
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
