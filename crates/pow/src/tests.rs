extern crate std;

use super::*;
use std::string::ToString;

/// The definition as first written (and as `sha256sum` computes it), for comparison.
fn work_by_the_book(challenge: &str, nonce: u64) -> u32 {
    let text = std::format!("{challenge}:{nonce}");
    leading_zero_bits(&Sha256::digest(text.as_bytes()))
}

#[test]
fn work_has_known_answers() {
    // From `printf 'abc.def:<n>' | sha256sum`: 002b…, 0093…, 0004…, 4529….
    assert_eq!(work("abc.def", 125), 10);
    assert_eq!(work("abc.def", 422), 8);
    assert_eq!(work("abc.def", 1917), 13);
    assert_eq!(work("abc.def", 801), 1);
}

#[test]
fn work_is_the_hash_of_challenge_colon_decimal_nonce() {
    let long = "x".repeat(200); // the prefix spans several SHA-256 blocks
    for challenge in ["", "abc.def", "a:b", long.as_str()] {
        for nonce in (0..300).chain([9, 10, 99, 100, u64::from(u32::MAX), u64::MAX - 1, u64::MAX]) {
            assert_eq!(
                work(challenge, nonce),
                work_by_the_book(challenge, nonce),
                "{challenge}:{nonce}"
            );
        }
    }
}

#[test]
fn decimal_matches_to_string() {
    let mut buf = [0; 20];
    for n in [
        0,
        1,
        9,
        10,
        11,
        99,
        100,
        12_345,
        1 << 53,
        u64::MAX - 1,
        u64::MAX,
    ] {
        assert_eq!(decimal(n, &mut buf), n.to_string().as_bytes());
    }
}

#[test]
fn leading_zero_bits_counts_across_bytes() {
    assert_eq!(leading_zero_bits(&[]), 0);
    assert_eq!(leading_zero_bits(&[0x80]), 0);
    assert_eq!(leading_zero_bits(&[0x01]), 7);
    assert_eq!(leading_zero_bits(&[0x00, 0x2b, 0x00]), 10);
    assert_eq!(leading_zero_bits(&[0x00, 0x00]), 16);
    assert_eq!(leading_zero_bits(&[0; 32]), 256);
}

#[test]
fn solve_finds_the_first_nonce_that_meets_the_difficulty() {
    assert_eq!(solve("abc.def", 8, 0, 2_000), Some(125));
    assert_eq!(solve("abc.def", 8, 126, 2_000), Some(422));
    assert_eq!(solve("abc.def", 11, 0, 2_000), Some(1917));
    for difficulty in [0, 1, 4, 9, 12] {
        let found = solve("abc.def", difficulty, 0, 1 << 16).expect("within 65,536 tries");
        assert!(work("abc.def", found) >= difficulty);
        assert!(
            (0..found).all(|n| work("abc.def", n) < difficulty),
            "not the first"
        );
    }
}

#[test]
fn solve_respects_its_window() {
    assert_eq!(
        solve("abc.def", 8, 0, 125),
        None,
        "window ends before the answer"
    );
    assert_eq!(solve("abc.def", 8, 125, 1), Some(125));
    assert_eq!(solve("abc.def", 8, 0, 0), None, "an empty window");
    assert_eq!(solve("abc.def", 0, 7, 1), Some(7));
    assert_eq!(
        solve("abc.def", 257, 0, 1_000),
        None,
        "more bits than SHA-256 has"
    );
    // The window stops at u64::MAX instead of wrapping around.
    assert_eq!(solve("abc.def", 0, u64::MAX, 10), None);
    assert_eq!(solve("abc.def", 0, u64::MAX - 1, 10), Some(u64::MAX - 1));
}
