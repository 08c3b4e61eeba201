//! Phone check: arbitrary text and regions never panic; valid means an E.164 number.
#![no_main]
use leadgate_checks::check_phone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (region, input) = if s.len() >= 2 && s.is_char_boundary(2) {
        s.split_at(2)
    } else {
        ("US", s)
    };
    for r in [region, "US", "GB"] {
        let p = check_phone(input, r);
        assert_eq!(p.valid, p.reason.is_none() && p.e164.is_some());
        if let Some(e164) = &p.e164 {
            assert!(e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()));
            // E.164 in, same E.164 out (any default region).
            assert_eq!(check_phone(e164, "US").e164.as_deref(), Some(e164.as_str()));
        }
    }
});
