//! Bundled data lists (loaded with `include_str!`, refreshed by
//! `scripts/refresh-lists.sh`), searched in place.
//!
//! Each file is `#` header lines (provenance, version) followed by one lower-case entry
//! per line, sorted by bytes. Small lists are hashed once, on first use. The big
//! disposable list is hashed natively but binary-searched in place in wasm, where it
//! then costs nothing at start-up (a fresh isolate) and nothing in memory.
use alloc::{string::String, vec::Vec};
#[cfg(feature = "std")]
use std::{collections::HashSet, sync::OnceLock};

/// The text after the leading `#` lines (const, so evaluated at compile time).
const fn strip_header(text: &'static str) -> &'static str {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() && bytes[start] == b'#' {
        while start < bytes.len() && bytes[start] != b'\n' {
            start += 1;
        }
        start += 1;
    }
    let (_, body) = bytes.split_at(if start > bytes.len() {
        bytes.len()
    } else {
        start
    });
    match core::str::from_utf8(body) {
        Ok(body) => body,
        Err(_) => "",
    }
}

/// A sorted, newline-separated list embedded in the binary.
#[derive(Debug)]
pub struct SortedList {
    body: &'static str,
    /// Hash index, built on first look-up, for lists marked `indexed` (native only).
    #[cfg(feature = "std")]
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    index: Option<OnceLock<HashSet<&'static str>>>,
}

impl SortedList {
    /// Wraps a small list file that gets a hash index on first use.
    pub const fn indexed(text: &'static str) -> SortedList {
        SortedList {
            body: strip_header(text),
            #[cfg(feature = "std")]
            index: Some(OnceLock::new()),
        }
    }

    /// Wraps a list file; the `#` header lines are skipped.
    pub const fn new(text: &'static str) -> SortedList {
        SortedList {
            body: strip_header(text),
            #[cfg(feature = "std")]
            index: None,
        }
    }

    /// The entries as one text (after the header).
    pub fn body(&self) -> &'static str {
        self.body
    }

    /// The `#` header of a list file (provenance and version).
    pub fn header(text: &'static str) -> impl Iterator<Item = &'static str> {
        text.lines().take_while(|l| l.starts_with('#'))
    }

    /// True when `key` is an entry. `key` must already be lower-case.
    ///
    /// Natively an `indexed` list is hashed on first use (the CLI and backend look up
    /// millions of times). In wasm every list is binary-searched in place: a fresh
    /// isolate or page then builds nothing before its first answer (1,443 TLDs take 11
    /// comparisons), and the hash table's code stays out of the download.
    pub fn contains(&self, key: &str) -> bool {
        #[cfg(all(feature = "std", not(target_arch = "wasm32")))]
        if let Some(index) = &self.index {
            return index.get_or_init(|| self.iter().collect()).contains(key);
        }
        self.search(key)
    }

    /// Binary search over the text itself.
    fn search(&self, key: &str) -> bool {
        find_line(self.body, key.as_bytes(), |line| line).is_some()
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> {
        self.body.lines().filter(|l| !l.is_empty())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// True when the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// The line of `body` (sorted `\n`-terminated lines) whose key equals `key`, by
/// binary search over the text itself; `key_of` cuts a line down to its key.
fn find_line(body: &'static str, key: &[u8], key_of: fn(&[u8]) -> &[u8]) -> Option<&'static str> {
    let bytes = body.as_bytes();
    let (mut lo, mut hi) = (0usize, bytes.len());
    // Invariant: every line starting in [lo, hi) is a candidate; lo is a line start.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let mut start = mid;
        while start > lo && bytes[start - 1] != b'\n' {
            start -= 1;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| start + p);
        match key_of(&bytes[start..end]).cmp(key) {
            core::cmp::Ordering::Equal => return body.get(start..end),
            core::cmp::Ordering::Less => lo = end + 1,
            core::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

/// A `KEY|VALUE` table sorted by key, written by `build.rs` from a data file's
/// `KEY VALUE` lines, searched in place: nothing is built on first use, in any tier.
#[derive(Debug)]
pub struct SortedPairs {
    body: &'static str,
}

impl SortedPairs {
    /// Wraps a table written by `build.rs`.
    pub const fn new(body: &'static str) -> SortedPairs {
        SortedPairs { body }
    }

    /// The value for `key`, if listed.
    pub fn get(&self, key: &str) -> Option<&'static str> {
        let line = find_line(self.body, key.as_bytes(), |line| {
            let bar = line.iter().position(|&b| b == b'|').unwrap_or(line.len());
            &line[..bar]
        })?;
        line.split_once('|').map(|(_, value)| value)
    }

    /// Every `(key, value)`, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.body.lines().filter_map(|l| l.split_once('|'))
    }
}

/// A data file's entries as `build.rs` wrote them: no `#` header, sorted.
macro_rules! data_body {
    ($file:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/data/", $file))
    };
}
pub(crate) use data_body;

/// A sorted list front-coded by `build.rs` (`front_code`): a `u32` LE bucket count, a
/// `u32` LE offset per bucket into the bucket data, then the buckets. A bucket's first
/// entry is stored whole; each later entry as one byte (the length of the prefix it
/// shares with the entry before it) and the rest; every entry ends with `\n`. Searched
/// in place: a binary search over the buckets' first entries, then one bucket (at most
/// 64 entries) decoded. Nothing is built at start-up.
#[derive(Debug)]
pub struct FrontCoded {
    blob: &'static [u8],
}

impl FrontCoded {
    /// Wraps a blob written by `build.rs`.
    pub const fn new(blob: &'static [u8]) -> FrontCoded {
        FrontCoded { blob }
    }

    fn word(&self, at: usize) -> usize {
        self.blob
            .get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, |b| u32::from_le_bytes(b) as usize)
    }

    fn buckets(&self) -> usize {
        self.word(0)
    }

    /// The bytes of bucket `i`.
    fn bucket(&self, i: usize) -> &'static [u8] {
        let n = self.buckets();
        let data = self.blob.get(4 + 4 * n..).unwrap_or(&[]);
        let start = self.word(4 + 4 * i).min(data.len());
        let end = if i + 1 < n {
            self.word(4 + 4 * (i + 1)).min(data.len())
        } else {
            data.len()
        };
        data.get(start..end.max(start)).unwrap_or(&[])
    }

    fn first_entry(bucket: &[u8]) -> &[u8] {
        let end = bucket
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bucket.len());
        &bucket[..end]
    }

    /// Calls `visit` with each entry of one bucket, in order, until it returns false.
    fn walk(bucket: &[u8], mut visit: impl FnMut(&[u8]) -> bool) {
        let mut entry: Vec<u8> = Vec::with_capacity(64);
        let mut rest = bucket;
        let mut first = true;
        while !rest.is_empty() {
            if !first {
                let shared = usize::from(rest[0]).min(entry.len());
                entry.truncate(shared);
                rest = &rest[1..];
            } else {
                entry.clear();
            }
            first = false;
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            entry.extend_from_slice(&rest[..end]);
            rest = rest.get(end + 1..).unwrap_or(&[]);
            if !visit(&entry) {
                return;
            }
        }
    }

    /// True when `key` is an entry. `key` must already be lower-case.
    pub fn contains(&self, key: &str) -> bool {
        let key = key.as_bytes();
        // The last bucket whose first entry is <= key.
        let (mut lo, mut hi) = (0usize, self.buckets());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if Self::first_entry(self.bucket(mid)) <= key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo == 0 {
            return false;
        }
        let mut found = false;
        Self::walk(self.bucket(lo - 1), |entry| match entry.cmp(key) {
            core::cmp::Ordering::Less => true,
            core::cmp::Ordering::Equal => {
                found = true;
                false
            }
            core::cmp::Ordering::Greater => false,
        });
        found
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.buckets()).flat_map(move |i| {
            let mut all = Vec::new();
            Self::walk(self.bucket(i), |e| {
                all.push(String::from_utf8_lossy(e).into_owned());
                true
            });
            all
        })
    }
}

/// Raw text of the disposable-domain list (provenance in its header).
pub const DISPOSABLE_TEXT: &str = include_str!("../data/disposable_domains.txt");
/// Raw text of the TLD list.
pub const TLDS_TEXT: &str = include_str!("../data/tlds.txt");
/// Raw text of the free-mail provider list.
pub const FREE_TEXT: &str = include_str!("../data/free_email_domains.txt");
/// Raw text of the role local-part list.
pub const ROLES_TEXT: &str = include_str!("../data/role_local_parts.txt");
/// Raw text of the popular mail domains (typo targets).
pub const POPULAR_TEXT: &str = include_str!("../data/popular_domains.txt");

/// Disposable (throwaway) mail domains, natively (backend, CLI: throughput matters):
/// hashed on first use (a few milliseconds, a few MB).
#[cfg(not(target_arch = "wasm32"))]
pub static DISPOSABLE: SortedList = SortedList::indexed(DISPOSABLE_TEXT);

/// The same list front-coded (`build.rs`): what wasm (the Worker: cold start and upload
/// size matter) searches in place. Same answers as [`DISPOSABLE`] (tested natively).
pub static DISPOSABLE_FRONT_CODED: FrontCoded = FrontCoded::new(include_bytes!(concat!(
    env!("OUT_DIR"),
    "/disposable_fc.bin"
)));

/// Disposable (throwaway) mail domains, in wasm: the front-coded list, searched in place.
#[cfg(target_arch = "wasm32")]
pub static DISPOSABLE: &FrontCoded = &DISPOSABLE_FRONT_CODED;
/// Raw text of the browser's disposable subset: the best-known services' domains.
pub const DISPOSABLE_COMMON_TEXT: &str = include_str!("../data/disposable_common.txt");

/// The browser build's disposable list (`compact-lists`): the best-known disposable
/// services' domains (about 170, 2 KB), an exact subset of [`DISPOSABLE_TEXT`] that
/// `build.rs` checks entry by entry. A hit is as certain as the full list's, so the page
/// blocks it at once; a miss means only "not one of the common ones", and the edge, which
/// checks the whole list, decides. See docs/checks.md, "The browser's lists".
pub static DISPOSABLE_COMMON: SortedList = SortedList::new(data_body!("disposable_common.txt"));

/// Top-level domains in the IANA root zone (ASCII form).
pub static TLDS: SortedList = SortedList::indexed(data_body!("tlds.txt"));
/// Free (consumer) mail providers.
pub static FREE: SortedList = SortedList::indexed(data_body!("free_email_domains.txt"));
/// Role local parts.
pub static ROLES: SortedList = SortedList::indexed(data_body!("role_local_parts.txt"));
/// Popular mail domains.
pub static POPULAR: SortedList = SortedList::indexed(data_body!("popular_domains.txt"));

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_sorted(name: &str, list: &SortedList) {
        let v: Vec<&str> = list.iter().collect();
        assert!(!v.is_empty(), "{name} is empty");
        for w in v.windows(2) {
            assert!(w[0] < w[1], "{name} not sorted/unique at {:?}", w);
        }
        for e in &v {
            assert!(list.contains(e), "{name}: {e} not found");
            assert!(list.search(e), "{name}: {e} not found by binary search");
            assert_eq!(e.to_ascii_lowercase(), *e, "{name}: {e} not lower-case");
        }
    }

    #[test]
    fn every_list_is_sorted_and_searchable() {
        assert_sorted("disposable", &DISPOSABLE);
        assert_sorted("tlds", &TLDS);
        assert_sorted("free", &FREE);
        assert_sorted("roles", &ROLES);
        assert_sorted("popular", &POPULAR);
    }

    #[test]
    fn front_coded_list_equals_the_text_list() {
        let text: Vec<&str> = SortedList::new(DISPOSABLE_TEXT).iter().collect();
        let coded: Vec<String> = DISPOSABLE_FRONT_CODED.iter().collect();
        assert_eq!(coded.len(), text.len());
        assert!(coded.iter().zip(&text).all(|(a, b)| a == b));
        for d in &text {
            assert!(DISPOSABLE_FRONT_CODED.contains(d), "{d}");
            // Neighbours that are not entries: one byte more, one byte less.
            let longer = format!("{d}0");
            assert_eq!(
                DISPOSABLE_FRONT_CODED.contains(&longer),
                text.binary_search(&longer.as_str()).is_ok()
            );
            let shorter = &d[..d.len() - 1];
            assert_eq!(
                DISPOSABLE_FRONT_CODED.contains(shorter),
                text.binary_search(&shorter).is_ok()
            );
        }
        for absent in ["", "0", "gmail.com", "zzzzzzzzzz.zz", "\u{10FFFF}"] {
            assert!(!DISPOSABLE_FRONT_CODED.contains(absent), "{absent:?}");
        }
    }

    #[test]
    fn lookups() {
        assert!(DISPOSABLE.contains("mailinator.com"));
        assert!(!DISPOSABLE.contains("gmail.com"));
        assert!(!DISPOSABLE.contains(""));
        assert!(!DISPOSABLE.contains("zzzzzzzzzz.zz"));
        assert!(!DISPOSABLE.contains("0"));
        assert!(TLDS.contains("com") && TLDS.contains("xn--p1ai") && !TLDS.contains("con"));
        assert!(ROLES.contains("sales") && !ROLES.contains("jane"));
    }

    #[test]
    fn every_list_carries_provenance() {
        for text in [
            DISPOSABLE_TEXT,
            DISPOSABLE_COMMON_TEXT,
            TLDS_TEXT,
            FREE_TEXT,
            ROLES_TEXT,
            POPULAR_TEXT,
        ] {
            let header: Vec<_> = SortedList::header(text).collect();
            assert!(
                header.iter().any(|l| l.starts_with("# source:")),
                "{header:?}"
            );
        }
    }

    #[test]
    fn popular_domains_are_never_disposable_and_have_real_tlds() {
        for d in POPULAR.iter().chain(FREE.iter()) {
            assert!(!DISPOSABLE.contains(d), "{d} is on the disposable list");
            let tld = d.rsplit('.').next().unwrap();
            assert!(TLDS.contains(tld), "{d}");
        }
    }

    #[test]
    fn the_browser_subset_is_exact_and_sorted() {
        assert_sorted("disposable_common", &DISPOSABLE_COMMON);
        let n = DISPOSABLE_COMMON.len();
        assert!((100..1000).contains(&n), "{n}");
        for d in DISPOSABLE_COMMON.iter() {
            assert!(DISPOSABLE.contains(d), "{d} is not on the full list");
        }
        for d in [
            "mailinator.com",
            "guerrillamail.com",
            "yopmail.com",
            "10minutemail.com",
        ] {
            assert!(DISPOSABLE_COMMON.contains(d), "{d}");
        }
        for d in POPULAR.iter().chain(FREE.iter()) {
            assert!(!DISPOSABLE_COMMON.contains(d), "{d}");
        }
    }
}
