//! The compact phone engine on raw text (what checks never hands it: letters, Unicode
//! digits, `tel:` URIs, extensions): never panics; a valid number's E.164 parses back to
//! itself with no default region and with any other; the extension is digits only.
#![no_main]
use leadgate_phone::parse;
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
    for r in [Some(region), Some("US"), Some("DE"), None] {
        let Ok(n) = parse(input, r) else { continue };
        assert!(n.e164.starts_with('+') && n.e164[1..].bytes().all(|b| b.is_ascii_digit()));
        if let Some(ext) = &n.extension {
            assert!(ext.bytes().all(|b| b.is_ascii_digit()), "{ext:?}");
        }
        if n.valid {
            for again in [None, Some("GB")] {
                let back = parse(&n.e164, again).expect("a valid number's E.164 parses");
                assert!(back.valid, "{} from {input:?}", n.e164);
                assert_eq!(back.e164, n.e164);
                assert_eq!(back.number_type, n.number_type);
                assert_eq!(back.region, n.region);
            }
        }
    }
});
