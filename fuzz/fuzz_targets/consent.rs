//! Consent check: arbitrary text never panics; consent needs the box and the text.
#![no_main]
use leadgate_checks::check_consent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let c = check_consent(Some(true), Some(s));
    assert_eq!(c.reason.is_none(), c.has_text);
    assert!(check_consent(Some(false), Some(s)).reason.is_some());
});
