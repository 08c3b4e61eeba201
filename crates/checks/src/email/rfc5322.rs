//! The RFC 5322 `addr-spec` check that [`super::syntax::parse`] ends with, in `core`
//! only.
//!
//! It answers exactly as the `email_address` crate (0.2.9) did there:
//! [`is_addr_spec`]`(s)` is `EmailAddress::parse_with_options(s, options).is_ok()` for
//! every string `s`, with `options` = `Options::default().with_required_tld()
//! .without_domain_literal().without_display_text()`. That crate needs `std`; this
//! crate is `no_std` + `alloc` without its `std` feature (the page's build), and a
//! dependency on `std` would bring std's panic machinery and `core::fmt` back into the
//! page's wasm. These few rules are cheaper than the dependency.
//! `tests/email_rfc_differential.rs` holds the two equal on a seeded sample of generated
//! addresses in every `cargo test`, and on a million with `LEADGATE_EMAIL_DIFF_N`
//! (docs/checks.md).
//!
//! # What it adds to the checks before it
//!
//! Nothing, today. `parse` calls it on `local@ascii_domain` only after
//! [`local_part_ok`](super::syntax::local_part_ok) (a dot-atom of ASCII atext, 1..=64
//! bytes), [`hostname_ok`](super::syntax::hostname_ok) (letters, digits and inner
//! hyphens, labels of 1..=63 bytes, two labels or more, 253 bytes at most) and the
//! 254-byte address cap have passed, and each rule below is implied by those (each
//! says by which). No input that reaches it is refused; the differential test counts
//! them. It stays as the address-level guard so that loosening one of the earlier
//! checks can never let through what RFC 5322 refuses.
//!
//! Where `email_address` departs from the RFCs, this module departs with it (its
//! display-text split and its test of non-ASCII characters, below): the aim is its
//! answers, and only ASCII ever reaches the call from `parse`.

/// Longest local part, in bytes (RFC 5321 section 4.5.3.1.1). Implied by
/// `local_part_ok`, which has the same limit.
const LOCAL_PART_MAX: usize = 64;
/// Longest domain, in bytes, as `email_address` has it: 254, citing RFC 3696 erratum
/// 1690 (which gives 254 for the whole address). `hostname_ok` allows 253 (RFC 1035's
/// 255 octets in wire form), so this never decides from `parse`.
const DOMAIN_MAX: usize = 254;
/// Longest domain label, in bytes (RFC 1035 section 2.3.4, RFC 5321 section
/// 4.5.3.1.2). Implied by `hostname_ok`.
const LABEL_MAX: usize = 63;

/// True when `address` is an RFC 5322 `addr-spec` by `email_address`'s rules, with a
/// required top-level domain, no domain literal and no display text.
///
/// ```
/// use leadgate_checks::email::rfc5322::is_addr_spec;
///
/// assert!(is_addr_spec("jane.doe+quote@example.com"));
/// assert!(is_addr_spec("\"jane doe\"@example.com")); // quoted local part (RFC 5322 3.4.1)
/// assert!(!is_addr_spec("jane@localhost")); // one label: no top-level domain
/// assert!(!is_addr_spec("jane@[192.0.2.1]")); // domain literal
/// assert!(!is_addr_spec("Jane <jane@example.com>")); // display text
/// ```
pub fn is_addr_spec(address: &str) -> bool {
    // Display text (RFC 5322 section 3.4 `name-addr`, refused by the options). The crate
    // splits at the last " <" and wants a `>` at the (trimmed) end; any non-blank text
    // before it is display text. A blank one (" <a@b.com>") is not refused: the
    // bracketed address is then judged alone. Never met from `parse`: neither a
    // dot-atom local part nor a hostname holds a space.
    let addr_spec = match rsplit_display(address) {
        None => address,
        Some((display, bracketed)) => match bracketed.trim().strip_suffix('>') {
            Some(inner) if display.trim().is_empty() => inner,
            _ => return false,
        },
    };
    // The `@` that splits them is the last one (an `@` is legal inside a quoted local
    // part). The crate also refuses a local part starting with `<` when there is no
    // display text; `local_part` refuses it anyway (`<` is neither `"` nor atext).
    // From `parse`: exactly one `@`, as `parse` split at it.
    let Some((local, domain)) = addr_spec.rsplit_once('@') else {
        return false;
    };
    local_part(local) && domain_part(domain)
}

/// Splits at the last `" <"`, as `str::rsplit_once(" <")` does, without its general
/// substring searcher (a byte-pair scan: this runs on every address).
fn rsplit_display(address: &str) -> Option<(&str, &str)> {
    let at = address
        .as_bytes()
        .windows(2)
        .rposition(|w| matches!(w, [b' ', b'<']))?;
    // Both ends are next to ASCII bytes, so on char boundaries: `get` never fails.
    Some((address.get(..at)?, address.get(at + 2..)?))
}

/// RFC 5322 section 3.4.1 `local-part`: a `dot-atom` or a `quoted-string` (no comments,
/// no folding white space), 1..=64 bytes. From `parse`: always the dot-atom branch, and
/// `local_part_ok` has already required all of it.
fn local_part(local: &str) -> bool {
    // The crate's separate refusal of an empty local part is implied: "" is one empty
    // atom, refused below.
    if local.len() > LOCAL_PART_MAX {
        return false;
    }
    // `quoted-string` (section 3.2.4) between two DQUOTEs, at least one character
    // inside (the crate refuses `""`). A lone `"` falls through and fails as a dot-atom.
    if let Some(inner) = local.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return !inner.is_empty() && quoted_content(inner);
    }
    // `dot-atom-text` (section 3.2.3): atoms of atext joined by single dots, none at
    // either end (an empty atom is refused). One pass, as `local.split('.').all(atom)`
    // would answer (`.` is not atext: an atom is one or more).
    let mut after_dot = true; // the start is like a dot: an atom must follow
    for c in local.chars() {
        if c == '.' {
            if after_dot {
                return false;
            }
            after_dot = true;
        } else if is_atext(c) {
            after_dot = false;
        } else {
            return false;
        }
    }
    !after_dot
}

/// RFC 5322 section 3.4.1 `domain` as a `dot-atom` of host labels, by the crate's
/// rules: 1..=254 bytes; no `[domain-literal]` (the options refuse it); each label
/// 1..=63 bytes of atext starting and ending with a letter or digit (RFC 1034 section
/// 3.5, widened to a leading digit by RFC 1123 section 2.1); two labels or more (the
/// required top-level domain). From `parse`: `hostname_ok` has already required all of
/// it and more (its labels are `[a-z0-9-]` only).
fn domain_part(domain: &str) -> bool {
    // The crate's separate refusals of an empty domain, an empty label and a domain
    // literal all follow from the label rule below: "", and "[", are not letters or
    // digits.
    if domain.len() > DOMAIN_MAX {
        return false;
    }
    // One pass over the labels (as `domain.split('.')` gives them), judging each at
    // the dot that ends it; a dot is added after the last.
    let (mut labels, mut len, mut last) = (0usize, 0usize, None::<char>);
    for c in domain.chars().chain(Some('.')) {
        if c == '.' {
            // Not empty, ends with a letter or digit, at most 63 bytes.
            if !last.is_some_and(char::is_alphanumeric) || len > LABEL_MAX {
                return false;
            }
            (labels, len, last) = (labels + 1, 0, None);
        } else {
            // Starts with a letter or digit; atext throughout.
            if (last.is_none() && !c.is_alphanumeric()) || !is_atext(c) {
                return false;
            }
            (len, last) = (len + c.len_utf8(), Some(c));
        }
    }
    labels >= 2
}

/// RFC 5322 section 3.2.4 `qcontent`s: `qtext`, a `quoted-pair` (section 3.2.1:
/// backslash and a visible character) or a space or tab (the crate takes WSP anywhere
/// inside the quotes).
fn quoted_content(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\\' => chars.next().is_some_and(|n| n.is_ascii_graphic()), // VCHAR %x21-7E
            ' ' | '\t' => true,
            _ => is_qtext(c),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// RFC 5322 section 3.2.3 `atext`, as the crate has it: any Unicode letter or digit
/// (not only ASCII ones) plus the RFC's 19 symbols, plus its "UTF-8 non-ASCII" test.
fn is_atext(c: char) -> bool {
    if c.is_ascii() {
        // The same answer: an ASCII letter or digit is all `is_alphanumeric` takes in
        // ASCII, and the crate's test never holds there.
        (ASCII_ATEXT >> (c as u32)) & 1 == 1
    } else {
        c.is_alphanumeric() || crate_utf8_non_ascii(c)
    }
}

/// ASCII atext as a bitmap (bit `b` for byte `b`): letters, digits and
/// ``!#$%&'*+-/=?^_`{|}~`` (RFC 5322 section 3.2.3).
const ASCII_ATEXT: u128 = {
    let mut map = 0u128;
    let mut b = 0u8;
    while b < 128 {
        let symbol = matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'/'
                | b'='
                | b'?'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
        );
        if b.is_ascii_alphanumeric() || symbol {
            map |= 1 << b;
        }
        b += 1;
    }
    map
};

/// RFC 5322 section 3.2.4 `qtext` (%d33, %d35-91, %d93-126: printable ASCII but `"`
/// and `\`), plus the crate's "UTF-8 non-ASCII" test (RFC 6532 section 3.2 widens
/// qtext to every non-ASCII character; the crate does not, see below).
fn is_qtext(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e') || crate_utf8_non_ascii(c)
}

/// `email_address`'s `is_utf8_non_ascii`: it matches the RFC 3629 UTF-8 byte patterns
/// against the bytes of the code point's number, not of its UTF-8 encoding. Of its
/// patterns only the two-byte one can match a `char` (the others need a number above
/// U+10FFFF), so it holds for U+C280..=U+D7BF with a low byte in 0x80..=0xBF (U+D800
/// up are surrogates, never a `char`). Kept as is, since the aim is the crate's answers:
/// it is why `"어"@example.com` (U+C5B4) is accepted but `"가"@example.com` (U+AC00) and
/// `"é"@example.com` are refused.
fn crate_utf8_non_ascii(c: char) -> bool {
    let [_, _, hi, lo] = (c as u32).to_be_bytes();
    (c as u32) <= 0xFFFF && matches!((hi, lo), (0xc2..=0xdf, 0x80..=0xbf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_atoms_and_quoted_strings() {
        for ok in [
            "a@b.co",
            "jane.doe+quote@example.com",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "\"jane doe\"@example.com",
            "\"a@b\"@example.com",
            "\"a\\\"b\"@example.com",
            "\"\t\"@example.com",
            "jöhn@exämple.com",
            "x@1example.com",
            "x@a.123",
            "jane@exa_mple.com", // atext; `hostname_ok` refuses it
            " <jane@example.com>",
        ] {
            assert!(is_addr_spec(ok), "{ok}");
        }
        for bad in [
            "",
            "@",
            "jane",
            "@example.com",
            "jane@",
            ".jane@example.com",
            "jane.@example.com",
            "ja..ne@example.com",
            "\"\"@example.com",
            "\"@example.com",
            "\"a\"b\"@example.com",
            "\"a\\\"@example.com",
            "\"é\"@example.com",
            "jane doe@example.com",
            "jane@localhost",
            "jane@example..com",
            "jane@-example.com",
            "jane@example-.com",
            "jane@[192.0.2.1]",
            "jane@[IPv6:2001:db8::1]",
            "Jane <jane@example.com>",
            "<jane@example.com>",
            "jane@example.com <",
        ] {
            assert!(!is_addr_spec(bad), "{bad}");
        }
    }

    #[test]
    fn length_limits() {
        let domain = "example.com";
        assert!(is_addr_spec(&[&"l".repeat(64), "@", domain].concat()));
        assert!(!is_addr_spec(&[&"l".repeat(65), "@", domain].concat()));
        let label = "a".repeat(63);
        assert!(is_addr_spec(&["x@", &label, ".com"].concat()));
        assert!(!is_addr_spec(&["x@", &label, "a.com"].concat()));
        // 254 bytes of domain pass (the crate's limit), 255 do not.
        let d254 = [&label, ".", &label, ".", &label, ".", &"a".repeat(62)].concat();
        assert_eq!(d254.len(), 254);
        assert!(is_addr_spec(&["x@", &d254].concat()));
        assert!(!is_addr_spec(&["x@", &d254, "a"].concat()));
    }

    #[test]
    fn the_crates_non_ascii_test_is_on_the_code_point() {
        assert!(crate_utf8_non_ascii('\u{c280}'));
        assert!(crate_utf8_non_ascii('\u{d7af}'));
        assert!(!crate_utf8_non_ascii('\u{c27f}'));
        assert!(!crate_utf8_non_ascii('\u{c2c0}'));
        assert!(!crate_utf8_non_ascii('é'));
        assert!(!crate_utf8_non_ascii('\u{1d180}')); // low bytes D1 80, but above U+FFFF
        assert!(is_addr_spec("\"어\"@example.com"));
        assert!(!is_addr_spec("\"가\"@example.com"));
        // Unassigned, so not alphanumeric: atext only through that test.
        assert!(is_addr_spec("\u{d7a4}@example.com"));
        assert!(!is_addr_spec("\u{d7fc}@example.com"));
        assert!(!is_addr_spec("\u{1d180}@example.com"));
    }
}
