//! Hand-picked cases with known answers (libphonenumber's own examples).

use leadgate_phone::{parse, CodeSource, NumberType, ParseError};

#[test]
fn us_formats_all_agree() {
    for input in [
        "(650) 253-0000",
        "650.253.0000",
        "650-253-0000",
        "6502530000",
        "+1 650 253 0000",
        "+1-650-253-0000",
        "1 650 253 0000",
        "011 1 650 253 0000",
        "tel:+1-650-253-0000",
    ] {
        let n = parse(input, Some("US")).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(n.e164, "+16502530000", "{input}");
        assert!(n.valid, "{input}");
        assert_eq!(n.number_type, NumberType::FixedLineOrMobile, "{input}");
        assert_eq!(n.region, Some("US"), "{input}");
    }
}

#[test]
fn vanity_and_extension() {
    let n = parse("1-800-FLOWERS", Some("US")).unwrap();
    assert_eq!(n.e164, "+18003569377");
    assert_eq!(n.number_type, NumberType::TollFree);
    let n = parse("650 253 0000 x 123", Some("US")).unwrap();
    assert_eq!(n.extension.as_deref(), Some("123"));
    assert_eq!(n.e164, "+16502530000");
}

#[test]
fn plus_with_default_region_is_not_stripped() {
    // The `phonenumber` crate gives +44214960000 here (its known bug).
    let n = parse("+44 121 496 0000", Some("US")).unwrap();
    assert_eq!(n.e164, "+441214960000");
    assert_eq!(n.region, Some("GB"));
    assert!(n.valid);
    assert_eq!(n.source, CodeSource::Plus);
}

#[test]
fn national_prefix_and_idd() {
    let n = parse("0121 496 0000", Some("GB")).unwrap();
    assert_eq!(n.e164, "+441214960000");
    assert_eq!(n.number_type, NumberType::FixedLine);
    let n = parse("00 49 30 123456", Some("GB")).unwrap();
    assert_eq!(n.e164, "+4930123456");
    assert_eq!(n.source, CodeSource::Idd);
    assert_eq!(n.region, Some("DE"));
}

#[test]
fn junk_is_rejected() {
    assert_eq!(parse("hello", Some("US")), Err(ParseError::NoNumber));
    assert_eq!(parse("", None), Err(ParseError::NoNumber));
    assert_eq!(
        parse("650 253 0000", None),
        Err(ParseError::InvalidCountryCode)
    );
    assert_eq!(parse("1", Some("US")), Err(ParseError::NoNumber));
    assert_eq!(
        parse("650 253 0000", Some("XX")),
        Err(ParseError::UnknownRegion)
    );
    assert!(!parse("555 0100", Some("US")).is_ok_and(|n| n.valid));
}
