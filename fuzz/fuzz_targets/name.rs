//! Name check: arbitrary names never panic; valid means no reason.
#![no_main]
use leadgate_checks::check_name;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (first, last) = s.split_once('\n').unwrap_or((s, "Doe"));
    let n = check_name(Some(first), Some(last));
    assert_eq!(n.valid, n.reason.is_none());
});
