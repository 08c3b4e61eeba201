//! North American Numbering Plan rules that need no phone metadata: the fakes and
//! placeholders lead forms see (PHN02) and NPA/NXX shape errors (PHN01).
//!
//! The assigned area codes come from `data/nanp_area_codes.txt`, generated from
//! libphonenumber's metadata by `examples/gen_area_codes.rs`.

use crate::lists::{data_body, SortedList};

/// Raw text of the assigned-area-code table.
pub const AREA_CODES_TEXT: &str = include_str!("../../data/nanp_area_codes.txt");
static AREA_CODES: SortedList = SortedList::new(data_body!("nanp_area_codes.txt"));

/// What the NANP rules say about a 10-digit national number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NanpVerdict {
    /// Plausible; the area code's region (e.g. "US", "CA", "JM").
    Plausible(&'static str),
    /// A known fake or placeholder (PHN02).
    Fake,
    /// Not a NANP number shape (PHN01).
    Malformed,
}

/// The region of an assigned area code, or `None` when unassigned.
pub fn area_code_region(npa: &[u8; 3]) -> Option<&'static str> {
    // Fixed-width lines ("NPA RR\n"): binary search over them by index.
    let lines = AREA_CODES.body();
    let bytes = lines.as_bytes();
    const WIDTH: usize = 7;
    let (mut lo, mut hi) = (0usize, bytes.len() / WIDTH);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let line = &bytes[mid * WIDTH..mid * WIDTH + 3];
        match line.cmp(&npa[..]) {
            core::cmp::Ordering::Equal => return lines.get(mid * WIDTH + 4..mid * WIDTH + 6),
            core::cmp::Ordering::Less => lo = mid + 1,
            core::cmp::Ordering::Greater => hi = mid,
        }
    }
    None
}

/// Judges a 10-digit NANP national number (`NPA NXX XXXX`, ASCII digits).
pub fn judge(d: &[u8; 10]) -> NanpVerdict {
    let npa = [d[0], d[1], d[2]];
    let nxx = [d[3], d[4], d[5]];
    let line = &d[6..];
    if d.iter().all(|&b| b == d[0]) {
        return NanpVerdict::Fake;
    }
    if d == b"1234567890" || d == b"0123456789" || d == b"9876543210" || d == b"5555555555" {
        return NanpVerdict::Fake;
    }
    // 123-4567 and an exchange+line of one repeated digit are placeholders.
    if &d[3..] == b"1234567" || d[3..].iter().all(|&b| b == d[3]) {
        return NanpVerdict::Fake;
    }
    if npa[0] < b'2' || nxx[0] < b'2' {
        return NanpVerdict::Malformed;
    }
    let n11 = |x: [u8; 3]| x[1] == b'1' && x[2] == b'1';
    if n11(npa) || n11(nxx) {
        return NanpVerdict::Fake;
    }
    // 555-0100 through 555-0199 are reserved for fiction; 555-5555 is the cliché.
    if nxx == *b"555" && (line.starts_with(b"01") || line == b"5555") {
        return NanpVerdict::Fake;
    }
    match area_code_region(&npa) {
        Some(region) => NanpVerdict::Plausible(region),
        None => NanpVerdict::Fake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &str) -> NanpVerdict {
        judge(s.as_bytes().try_into().unwrap())
    }

    #[test]
    fn fakes() {
        for s in [
            "5555555555",
            "1234567890",
            "0000000000",
            "9999999999",
            "2222222222",
            "2125550123",
            "2125550199",
            "4155555555",
            "9115551234",
            "2129111234",
            "2124111234",
            "2121234567",
            "2127777777",
            "9999999998",
        ] {
            assert_eq!(j(s), NanpVerdict::Fake, "{s}");
        }
        // 999 is not an assigned area code.
        assert_eq!(j("9992345678"), NanpVerdict::Fake);
    }

    #[test]
    fn malformed_shapes() {
        assert_eq!(j("1125551234"), NanpVerdict::Malformed);
        assert_eq!(j("2120551234"), NanpVerdict::Malformed);
    }

    #[test]
    fn plausible_numbers_and_regions() {
        assert_eq!(j("2025550243"), NanpVerdict::Plausible("US"));
        assert_eq!(j("2125550200"), NanpVerdict::Plausible("US"));
        assert_eq!(j("4165551234"), NanpVerdict::Plausible("CA"));
        assert_eq!(j("8765551234"), NanpVerdict::Plausible("JM"));
        assert_eq!(area_code_region(b"201"), Some("US"));
        assert_eq!(area_code_region(b"999"), None);
        assert_eq!(area_code_region(b"200"), None);
    }
}
