//! Lead ids: 26-character ULIDs (48-bit millisecond time + 80 random bits, Crockford base32).
//! Randomness and time come from the caller, so this stays pure.

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Encodes `unix_ms` and `random` as a ULID string (sorts by time).
pub fn lead_id(unix_ms: u64, random: [u8; 10]) -> String {
    let mut value: u128 = u128::from(unix_ms & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    (0..26)
        .rev()
        .map(|i| CROCKFORD[((value >> (5 * i)) & 0x1f) as usize] as char)
        .collect()
}

/// True for a well-formed ULID (26 Crockford base32 characters, first ≤ '7').
pub fn is_lead_id(text: &str) -> bool {
    text.len() == 26
        && text.as_bytes()[0] <= b'7'
        && text
            .bytes()
            .all(|c| CROCKFORD.contains(&c.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_ulid_spec_example_layout() {
        // ULID spec: time 1469918176385 encodes as "01ARYZ6S41".
        let id = lead_id(1_469_918_176_385, [0; 10]);
        assert_eq!(&id[..10], "01ARYZ6S41");
        assert_eq!(&id[10..], "0000000000000000");
        assert!(is_lead_id(&id));
        assert_eq!(&lead_id(0, [0xff; 10])[10..], "ZZZZZZZZZZZZZZZZ");
    }

    #[test]
    fn sorts_by_time_and_rejects_junk() {
        assert!(lead_id(1000, [9; 10]) < lead_id(1001, [0; 10]));
        assert!(!is_lead_id("not-a-ulid"));
        assert!(!is_lead_id("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"));
    }
}
