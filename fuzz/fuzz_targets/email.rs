//! Email check: arbitrary text never panics; every present, invalid address has a reason.
#![no_main]
use leadgate_checks::{check_email, Policy, ReasonCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let policy = Policy::default();
    let e = check_email(Some(s), &policy);
    if e.present && !e.valid {
        assert_eq!(e.reasons.first(), Some(&ReasonCode::SYN01));
    }
    if e.valid {
        // A valid address is short and its canonical form is stable.
        let canonical = e.canonical.as_deref().unwrap();
        assert!(e.domain.as_deref().unwrap().len() <= 253);
        let again = check_email(Some(canonical), &policy);
        if again.valid {
            assert_eq!(again.canonical.as_deref(), Some(canonical));
        }
    }
});
