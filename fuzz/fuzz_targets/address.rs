//! Address check: arbitrary fields never panic; normalisation is idempotent.
#![no_main]
use leadgate_checks::{check_address, AddressInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = s.splitn(4, '\n');
    let input = AddressInput {
        street: parts.next(),
        city: parts.next(),
        state: parts.next(),
        zip: parts.next(),
    };
    let a = check_address(&input);
    assert!(a.confidence <= 100);
    assert_eq!(a.valid, a.present && a.reasons.is_empty());
    if a.valid {
        let n = &a.normalized;
        let again = check_address(&AddressInput {
            street: n.street.as_deref(),
            city: n.city.as_deref(),
            state: n.state.as_deref(),
            zip: n.zip.as_deref(),
        });
        assert_eq!(&again.normalized, n);
    }
});
