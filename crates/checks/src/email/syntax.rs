//! Email syntax fit for lead forms: RFC 5322 (the [`rfc5322`] check) plus the hostname
//! rules it lacks.
//!
//! Beyond the RFC: the local part is a dot-atom of ASCII characters (no quoted strings,
//! no comments) of at most 64 bytes; the domain is a hostname (letters, digits and
//! hyphens per label, no underscores, labels of 1..=63 bytes not starting or ending with
//! a hyphen, at least two labels, at most 253 bytes in ASCII form) whose top-level
//! domain is in the bundled IANA list; the whole address is at most 254 bytes.
//! Internationalised domains are accepted and converted with UTS 46 (`idna`); a
//! domain label that mixes Latin with Cyrillic or Greek letters (a homoglyph spoof)
//! is refused.
use super::rfc5322;
use crate::case;
use crate::lists::TLDS;
#[cfg(feature = "idn")]
use crate::text::latin_lookalike;
use crate::text::mixed_script;
use alloc::string::{String, ToString};

/// Why an address failed syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// No `@`, or more than one.
    NoSingleAt,
    /// Local part empty, too long, or with characters outside a dot-atom.
    BadLocalPart,
    /// Domain not a hostname (label rules, length, underscore, ...).
    BadDomain,
    /// Top-level domain not in the IANA list.
    UnknownTld,
    /// A domain label mixes scripts, or is spelled wholly in Latin look-alikes
    /// (homoglyph spoof).
    MixedScript,
    /// Address longer than 254 bytes.
    TooLong,
    /// Not an RFC 5322 `addr-spec` ([`rfc5322::is_addr_spec`]). [`parse`]'s other checks
    /// imply that check today, so `parse` never returns this; it is kept for the day
    /// one of them loosens.
    Rfc,
    /// An internationalised domain (non-ASCII, or a punycode `xn--` label) in a build
    /// without the `idn` feature (the browser's): this build cannot say whether it is
    /// valid, so it says nothing and the edge, which has the UTS 46 tables, decides.
    /// Never returned with the feature.
    NotJudgedHere,
}

/// A syntactically valid address, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEmail {
    /// The local part as typed.
    pub local: String,
    /// The domain in lower-case ASCII (punycode for IDNs).
    pub ascii_domain: String,
    /// The domain lower-cased as typed (Unicode for IDNs).
    pub display_domain: String,
}

/// RFC 5322 atext (plus `.` handled separately).
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

/// Local part: dot-atom, ASCII, 1..=64 bytes.
pub fn local_part_ok(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.as_bytes().windows(2).any(|w| w == b"..")
        && local.bytes().all(|b| b == b'.' || is_atext(b))
}

/// Hostname rules on an ASCII, lower-case domain (no trailing dot).
pub fn hostname_ok(domain: &str) -> Result<(), SyntaxError> {
    if domain.is_empty() || domain.len() > 253 {
        return Err(SyntaxError::BadDomain);
    }
    let mut labels = 0;
    for label in domain.split('.') {
        labels += 1;
        let b = label.as_bytes();
        if b.is_empty() || b.len() > 63 || b[0] == b'-' || b[b.len() - 1] == b'-' {
            return Err(SyntaxError::BadDomain);
        }
        if !b
            .iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        {
            return Err(SyntaxError::BadDomain);
        }
    }
    if labels < 2 {
        return Err(SyntaxError::BadDomain);
    }
    let tld = domain.rsplit('.').next().unwrap_or("");
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SyntaxError::BadDomain);
    }
    if !TLDS.contains(tld) {
        return Err(SyntaxError::UnknownTld);
    }
    Ok(())
}

/// True when a (lower-case, Unicode) domain has a label mixing Latin with Cyrillic or
/// Greek, or, under an ASCII top-level domain, a label made only of Latin look-alikes.
#[cfg(feature = "idn")]
fn spoofed(domain: &str) -> bool {
    let ascii_tld = domain.rsplit('.').next().is_some_and(str::is_ascii);
    domain
        .split('.')
        .any(|l| mixed_script(l) || (ascii_tld && latin_lookalike(l)))
}

/// Lower-cased ASCII form of a domain (UTS 46 for non-ASCII input).
#[cfg(feature = "idn")]
pub fn to_ascii_domain(domain: &str) -> Result<String, SyntaxError> {
    if domain.is_ascii() {
        let lower = domain.to_ascii_lowercase();
        // A punycode label must decode cleanly and not hide a homoglyph spoof.
        if lower.split('.').any(|l| l.starts_with("xn--")) {
            let (unicode, res) = idna::domain_to_unicode(&lower);
            if res.is_err() {
                return Err(SyntaxError::BadDomain);
            }
            if spoofed(&unicode) {
                return Err(SyntaxError::MixedScript);
            }
        }
        return Ok(lower);
    }
    if spoofed(&case::to_lowercase(domain)) {
        return Err(SyntaxError::MixedScript);
    }
    idna::domain_to_ascii_strict(domain).map_err(|_| SyntaxError::BadDomain)
}

/// Lower-cased ASCII form of a domain. Built without the `idn` feature (the browser,
/// where the UTS 46 tables would cost about 45 KB brotli): a label mixing scripts is
/// refused as with the feature; any other internationalised domain is
/// [`SyntaxError::NotJudgedHere`].
#[cfg(not(feature = "idn"))]
pub fn to_ascii_domain(domain: &str) -> Result<String, SyntaxError> {
    if domain.is_ascii() {
        let lower = domain.to_ascii_lowercase();
        if lower.split('.').any(|l| l.starts_with("xn--")) {
            return Err(SyntaxError::NotJudgedHere);
        }
        return Ok(lower);
    }
    if case::to_lowercase(domain).split('.').any(mixed_script) {
        return Err(SyntaxError::MixedScript);
    }
    Err(SyntaxError::NotJudgedHere)
}

/// Parses an address that has already passed the hygiene check (trimmed, no
/// invisible or control characters, size-capped).
pub fn parse(address: &str) -> Result<ParsedEmail, SyntaxError> {
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SyntaxError::NoSingleAt);
    };
    if !local_part_ok(local) {
        return Err(SyntaxError::BadLocalPart);
    }
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let ascii_domain = to_ascii_domain(domain)?;
    hostname_ok(&ascii_domain)?;
    if local.len() + 1 + ascii_domain.len() > 254 {
        return Err(SyntaxError::TooLong);
    }
    // The address as RFC 5322 sees it.
    if !rfc5322::is_addr_spec(&[local, "@", ascii_domain.as_str()].concat()) {
        return Err(SyntaxError::Rfc);
    }
    let display_domain = if domain.is_ascii() {
        ascii_domain.clone()
    } else {
        case::to_lowercase(domain)
    };
    Ok(ParsedEmail {
        local: local.to_string(),
        ascii_domain,
        display_domain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "jane@example.com",
            "Jane.Doe+leads@Example.COM",
            "o'brien@sub.example.co.uk",
            "a@b.io",
            "x_y@example.museum",
            #[cfg(feature = "idn")]
            "user@xn--mller-kva.de",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
        let p = parse("Jane@Example.COM.").unwrap();
        assert_eq!(
            (p.local.as_str(), p.ascii_domain.as_str()),
            ("Jane", "example.com")
        );
    }

    #[test]
    fn refuses_what_a_lead_form_should() {
        use SyntaxError::*;
        let cases = [
            ("plainaddress", NoSingleAt),
            ("a@b@c.com", NoSingleAt),
            ("\"john doe\"@example.com", BadLocalPart),
            (".jane@example.com", BadLocalPart),
            ("ja..ne@example.com", BadLocalPart),
            ("jöhn@example.com", BadLocalPart),
            ("a@exa_mple.com", BadDomain),
            ("a@-example.com", BadDomain),
            ("a@example-.com", BadDomain),
            ("a@localhost", BadDomain),
            ("a@example..com", BadDomain),
            ("a@[127.0.0.1]", BadDomain),
            ("a@1.2.3.4", BadDomain),
            ("a@example.con", UnknownTld),
            ("a@example.c", UnknownTld),
            ("a@gm\u{0430}il.com", MixedScript),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), Err(want), "{input}");
        }
    }

    #[test]
    fn length_limits() {
        let label63 = "a".repeat(63);
        assert!(parse(&format!("x@{label63}.com")).is_ok());
        assert_eq!(
            parse(&format!("x@{}a.com", label63)),
            Err(SyntaxError::BadDomain)
        );
        assert!(parse(&format!("{}@example.com", "l".repeat(64))).is_ok());
        assert_eq!(
            parse(&format!("{}@example.com", "l".repeat(65))),
            Err(SyntaxError::BadLocalPart)
        );
        // 4 labels of 63 + 3 dots = 255 > 253.
        let long = format!("{l}.{l}.{l}.{l}", l = label63);
        assert_eq!(parse(&format!("x@{long}")), Err(SyntaxError::BadDomain));
        // Domain of 249 bytes passes; with a 5-byte local part the address is 255.
        let d = format!("{l}.{l}.{l}.{m}.com", l = label63, m = "a".repeat(53));
        assert_eq!(d.len(), 249);
        assert!(parse(&format!("abcd@{d}")).is_ok());
        assert_eq!(parse(&format!("abcde@{d}")), Err(SyntaxError::TooLong));
    }

    #[cfg(feature = "idn")]
    #[test]
    fn idn_domains_are_converted() {
        let ascii = |s: &str| parse(s).map(|p| p.ascii_domain);
        assert_eq!(ascii("u@münchen.de").as_deref(), Ok("xn--mnchen-3ya.de"));
        assert_eq!(ascii("u@пример.рф").as_deref(), Ok("xn--e1afmkfd.xn--p1ai"));
        assert!(parse("u@сосо.рф").is_ok());
        assert_eq!(parse("u@xn--80ak6aa92e.com"), Err(SyntaxError::MixedScript));
        assert_eq!(parse("u@аррӏе.com"), Err(SyntaxError::MixedScript));
        assert_eq!(parse("u@xn--zz.com"), Err(SyntaxError::BadDomain));
    }

    #[cfg(not(feature = "idn"))]
    #[test]
    fn idn_domains_are_left_to_the_edge_without_the_feature() {
        for d in [
            "u@münchen.de",
            "u@пример.рф",
            "u@аррӏе.com",
            "u@xn--mnchen-3ya.de",
        ] {
            assert_eq!(parse(d), Err(SyntaxError::NotJudgedHere), "{d}");
        }
        // A label mixing Latin and Cyrillic is a spoof in every build.
        assert_eq!(parse("u@pаypal.com"), Err(SyntaxError::MixedScript));
        assert!(parse("u@example.com").is_ok());
    }
}
