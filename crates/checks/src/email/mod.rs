//! The email check: syntax, normalisation, disposable, role, free-mail, deny/allow
//! lists and typo'd domains.
//!
//! Order follows cost: hygiene and size cap first (no work on a 1 MB field), then
//! syntax, then list look-ups (binary searches over bundled data), then the typo
//! suggestion. MX presence (SYN08) needs DNS and so lives outside this pure crate.
use alloc::{string::String, vec::Vec};

pub mod canonical;
pub mod rfc5322;
pub mod syntax;
pub mod typo;

#[cfg(not(feature = "compact-lists"))]
use crate::lists::DISPOSABLE;
use crate::lists::{FREE, ROLES};
use crate::text::{inspect, non_empty};
use crate::{Policy, ReasonCode};
use serde::{Deserialize, Serialize};

pub use canonical::canonical;
pub use syntax::{parse, ParsedEmail, SyntaxError};
pub use typo::suggest_domain;

/// Longest raw email field looked at (anything above 254 bytes is invalid anyway, but
/// Unicode domains are longer typed than encoded... and never by this much).
const MAX_EMAIL_INPUT: usize = 512;

/// The outcome of the email check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmailDetails {
    /// An email was given (non-blank).
    pub present: bool,
    /// Syntactically valid for a lead form.
    pub valid: bool,
    /// The address with its domain lower-cased (Unicode form for IDNs).
    pub normalized: Option<String>,
    /// Provider-aware canonical form for dedup (lower-case, ASCII domain).
    pub canonical: Option<String>,
    /// The domain in lower-case ASCII (punycode for IDNs).
    pub domain: Option<String>,
    /// A corrected domain's whole address when the domain looks mistyped.
    pub suggestion: Option<String>,
    /// Domain (or a parent domain) is on the disposable list and not allowlisted.
    pub disposable: bool,
    /// This build could not judge the address: an internationalised domain in the
    /// browser build, which has no IDN tables. No reason is given for it here; the edge
    /// judges it. Always false in a build with the `idn` feature.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub unchecked: bool,
    /// Local part names a role (sales@, info@, ...).
    pub role: bool,
    /// Domain is a free (consumer) mail provider.
    pub free: bool,
    /// Reason codes found (before the policy ranks them).
    pub reasons: Vec<ReasonCode>,
}

/// True when the disposable list has `domain`. With the `compact-lists` feature (the
/// browser) the list is the exact subset of best-known services: a hit is certain, a
/// miss is left to the edge.
fn disposable_lookup(domain: &str) -> bool {
    #[cfg(feature = "compact-lists")]
    {
        crate::lists::DISPOSABLE_COMMON.contains(domain)
    }
    #[cfg(not(feature = "compact-lists"))]
    {
        DISPOSABLE.contains(domain)
    }
}

/// True when `domain` or one of its parent domains is on the disposable list.
pub fn is_disposable(domain: &str) -> bool {
    let mut d = domain;
    loop {
        if disposable_lookup(d) {
            return true;
        }
        match d.split_once('.') {
            Some((_, parent)) if parent.contains('.') => d = parent,
            _ => return false,
        }
    }
}

/// True when the local part (ignoring a `+tag`, case-insensitive) names a role.
pub fn is_role(local: &str) -> bool {
    let base = local.split('+').next().unwrap_or(local);
    if base.len() > 32 {
        return false;
    }
    let lower = base.to_ascii_lowercase();
    ROLES.contains(&lower)
}

/// Checks an email under `policy`. Never panics; a blank input is "absent"
/// (SYN07 when the policy requires an email).
pub fn check_email(input: Option<&str>, policy: &Policy) -> EmailDetails {
    let mut out = EmailDetails::default();
    let Some(raw) = non_empty(input) else {
        if policy.require_email {
            out.reasons.push(ReasonCode::SYN07);
        }
        return out;
    };
    out.present = true;
    if !inspect(raw, MAX_EMAIL_INPUT).clean() {
        out.reasons.push(ReasonCode::SYN01);
        return out;
    }
    let parsed = match parse(raw) {
        Ok(p) => p,
        Err(SyntaxError::NotJudgedHere) => {
            out.unchecked = true;
            return out;
        }
        Err(err) => {
            out.reasons.push(ReasonCode::SYN01);
            if matches!(err, SyntaxError::UnknownTld | SyntaxError::BadDomain) {
                if let Some((local, domain)) = raw.rsplit_once('@') {
                    let domain = domain.to_ascii_lowercase();
                    if let Some(fixed) = suggest_domain(&domain) {
                        out.suggestion = Some([local, "@", fixed.as_str()].concat());
                        out.reasons.push(ReasonCode::SYN03);
                    }
                }
            }
            return out;
        }
    };
    out.valid = true;
    let domain = parsed.ascii_domain.as_str();
    // The whole address is only needed to match allow/deny entries.
    let address = if policy.allow_domains.is_empty() && policy.deny_domains.is_empty() {
        String::new()
    } else {
        [parsed.local.as_str(), "@", domain].concat()
    };
    out.normalized = Some([parsed.local.as_str(), "@", parsed.display_domain.as_str()].concat());
    out.canonical = Some(canonical(&parsed.local, domain));
    out.role = is_role(&parsed.local);
    out.free = FREE.contains(domain);
    let allowed = policy.allows(&address, domain);
    if !allowed {
        out.disposable = is_disposable(domain);
        if let Some(fixed) = suggest_domain(domain) {
            out.suggestion = Some([parsed.local.as_str(), "@", fixed.as_str()].concat());
        }
    }
    out.domain = Some(parsed.ascii_domain);

    if !allowed && policy.denies(&address, out.domain.as_deref().unwrap_or("")) {
        out.reasons.push(ReasonCode::SYN06);
    }
    if out.disposable {
        out.reasons.push(ReasonCode::SYN02);
    }
    if out.suggestion.is_some() {
        out.reasons.push(ReasonCode::SYN03);
    }
    if out.role {
        out.reasons.push(ReasonCode::SYN04);
    }
    if out.free && policy.business_email_only && !allowed {
        out.reasons.push(ReasonCode::SYN05);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReasonCode::*;

    fn check(s: &str) -> EmailDetails {
        check_email(Some(s), &Policy::default())
    }

    #[test]
    fn clean_address() {
        let e = check("  Jane.Doe+news@GMail.com ");
        assert!(e.valid && e.present);
        assert_eq!(e.normalized.as_deref(), Some("Jane.Doe+news@gmail.com"));
        assert_eq!(e.canonical.as_deref(), Some("janedoe@gmail.com"));
        assert!(e.free && !e.role && !e.disposable);
        assert_eq!(e.reasons, vec![]);
    }

    #[test]
    fn absent_and_invalid() {
        assert_eq!(check_email(None, &Policy::default()).reasons, vec![SYN07]);
        assert_eq!(
            check_email(Some("   "), &Policy::default()).reasons,
            vec![SYN07]
        );
        let p = Policy {
            require_email: false,
            ..Policy::default()
        };
        assert_eq!(check_email(None, &p).reasons, vec![]);
        assert_eq!(check("not-an-email").reasons, vec![SYN01]);
        assert!(!check("a@exa_mple.com").valid);
    }

    #[test]
    fn mistyped_tld_is_invalid_with_a_suggestion() {
        let e = check("jane@yahoo.con");
        assert!(!e.valid);
        assert_eq!(e.suggestion.as_deref(), Some("jane@yahoo.com"));
        assert_eq!(e.reasons, vec![SYN01, SYN03]);
        let e = check("jane@gmail");
        assert_eq!(
            (e.valid, e.suggestion.as_deref()),
            (false, Some("jane@gmail.com"))
        );
        let e = check("jane@gmial.com");
        assert!(e.valid);
        assert_eq!(e.suggestion.as_deref(), Some("jane@gmail.com"));
        assert_eq!(e.reasons, vec![SYN03]);
    }

    #[test]
    fn disposable_role_and_parent_domains() {
        assert_eq!(check("x@mailinator.com").reasons, vec![SYN02]);
        assert!(check("x@eu.mailinator.com").disposable);
        assert!(check("x@a.b.eu.mailinator.com").disposable);
        let lane =
            crate::verdict_from_reasons(&check("x@mailinator.com").reasons, &Policy::default())
                .lane;
        assert_eq!(lane, crate::Lane::Block);
        // On the full list but not among the best-known services: the browser build
        // leaves it to the edge.
        assert!(!crate::lists::DISPOSABLE_COMMON.contains("0815.ru"));
        assert_eq!(
            check("x@0815.ru").disposable,
            !cfg!(feature = "compact-lists")
        );
        let e = check("Sales+promo@acme.com");
        assert!(e.role);
        assert_eq!(e.reasons, vec![SYN04]);
    }

    #[test]
    fn allowlist_beats_disposable_and_deny() {
        let p = Policy {
            allow_domains: vec!["mailinator.com".into()],
            deny_domains: vec![
                "mailinator.com".into(),
                "spam.example".into(),
                "acme.com".into(),
            ],
            ..Policy::default()
        };
        let e = check_email(Some("x@mailinator.com"), &p);
        assert!(!e.disposable);
        assert_eq!(e.reasons, vec![]);
        assert_eq!(check_email(Some("x@acme.com"), &p).reasons, vec![SYN06]);
    }

    #[test]
    fn business_only_flags_free_mail() {
        let p = Policy {
            business_email_only: true,
            ..Policy::default()
        };
        assert_eq!(check_email(Some("x@gmail.com"), &p).reasons, vec![SYN05]);
        assert_eq!(check_email(Some("x@acme.com"), &p).reasons, vec![]);
    }

    #[test]
    fn hostile_input_is_a_reason_not_a_panic() {
        for s in [
            "ja\u{200B}ne@example.com".to_string(),
            "jane@exam\u{202E}ple.com".to_string(),
            "jane\u{0000}@example.com".to_string(),
            format!("{}@example.com", "a".repeat(1 << 20)),
            "jane@gm\u{0430}il.com".to_string(),
            "@".to_string(),
            "jane@".to_string(),
            "@example.com".to_string(),
        ] {
            let e = check(&s);
            assert!(!e.valid, "{s:.40}");
            assert_eq!(e.reasons.first(), Some(&SYN01), "{s:.40}");
        }
    }

    #[cfg(not(feature = "idn"))]
    #[test]
    fn idn_domains_are_unchecked_without_the_feature() {
        let e = check("joerg@Bücher.de");
        assert!(e.present && e.unchecked && !e.valid);
        assert_eq!(e.reasons, vec![]);
        assert_eq!(check("Jörg@Bücher.de").reasons, vec![SYN01]);
        assert_eq!(check("u@pаypal.com").reasons, vec![SYN01]);
    }

    #[cfg(feature = "idn")]
    #[test]
    fn idn_domains() {
        assert!(!check("joerg@Bücher.de").unchecked);
        let e = check("Jörg@Bücher.de");
        assert!(!e.valid, "non-ASCII local parts are refused");
        let e = check("joerg@Bücher.de");
        assert!(e.valid);
        assert_eq!(e.normalized.as_deref(), Some("joerg@bücher.de"));
        assert_eq!(e.domain.as_deref(), Some("xn--bcher-kva.de"));
        assert_eq!(e.canonical.as_deref(), Some("joerg@xn--bcher-kva.de"));
    }
}
