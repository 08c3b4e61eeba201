//! Versioned, serde-configurable policy: what blocks, what reviews, lists and defaults.
//!
//! Every field has a default (`#[serde(default)]`), so `{}` in JSON or an empty TOML
//! table is the default policy. Per-code overrides (`block`, `review`, `advise`) beat
//! each code's [`ReasonCode::default_action`]; the email allowlist beats the bundled
//! disposable list and the deny list.
use crate::{Action, ReasonCode};
use alloc::{
    string::{String, ToString},
    vec::Vec,
};
use serde::{Deserialize, Serialize};

/// What blocks, what reviews, lists, and defaults. Versioned: every verdict names
/// the policy version that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// The rule version, e.g. `"2026-11-22.1"`; recorded with every verdict.
    pub version: String,
    /// Codes that block whatever their default action.
    pub block: Vec<ReasonCode>,
    /// Codes that send to review whatever their default action.
    pub review: Vec<ReasonCode>,
    /// Codes that are advice only (listed, but never change the lane).
    pub advise: Vec<ReasonCode>,
    /// Email domains (or whole addresses) always accepted: beats the disposable,
    /// free-mail and deny lists.
    pub allow_domains: Vec<String>,
    /// Email domains (or whole addresses) always refused (SYN06).
    pub deny_domains: Vec<String>,
    /// Phone numbers (E.164) always refused as fakes (PHN02).
    pub deny_phones: Vec<String>,
    /// Free-mail addresses (gmail.com, ...) get SYN05.
    pub business_email_only: bool,
    /// Region (ISO 3166 alpha-2) for phone numbers written without `+`.
    pub default_region: String,
    /// Regions a phone number may belong to; empty means any (PHN04 otherwise).
    pub allowed_regions: Vec<String>,
    /// A missing email is SYN07.
    pub require_email: bool,
    /// A missing phone is PHN03.
    pub require_phone: bool,
    /// A missing first or last name is NAM02.
    pub require_name: bool,
    /// Consent checking (CONS01) on or off.
    pub require_consent: bool,
    /// Check the US postal address when one is given (ADR01, ADR02, ENR04).
    pub check_address: bool,
    /// An address given with a confidence below this is ENR04.
    pub address_min_confidence: u8,
    /// A lead with no Block or Review reason still goes to Review below this score.
    pub fast_track_min_score: u8,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            version: "default-1".to_string(),
            block: Vec::new(),
            review: Vec::new(),
            advise: Vec::new(),
            allow_domains: Vec::new(),
            deny_domains: Vec::new(),
            deny_phones: Vec::new(),
            business_email_only: false,
            default_region: "US".to_string(),
            allowed_regions: Vec::new(),
            require_email: true,
            require_phone: true,
            require_name: true,
            require_consent: true,
            check_address: true,
            address_min_confidence: 50,
            fast_track_min_score: 70,
        }
    }
}

impl Policy {
    /// The action this policy takes for `code`: an override if listed, else the default.
    /// When a code is listed more than once, the strictest listing wins.
    pub fn action(&self, code: ReasonCode) -> Action {
        if self.block.contains(&code) {
            Action::Block
        } else if self.review.contains(&code) {
            Action::Review
        } else if self.advise.contains(&code) {
            Action::Advise
        } else {
            code.default_action()
        }
    }

    /// True when `domain` (lower-case) or the whole `address` is on the allowlist.
    pub fn allows(&self, address: &str, domain: &str) -> bool {
        list_has(&self.allow_domains, address, domain)
    }

    /// True when `domain` (lower-case) or the whole `address` is on the deny list.
    pub fn denies(&self, address: &str, domain: &str) -> bool {
        list_has(&self.deny_domains, address, domain)
    }

    /// True when the region is allowed (or no region list is set).
    pub fn region_allowed(&self, region: &str) -> bool {
        self.allowed_regions.is_empty()
            || self
                .allowed_regions
                .iter()
                .any(|r| r.eq_ignore_ascii_case(region))
    }
}

/// A list entry matches the whole address, the domain, or a parent domain
/// (`example.com` covers `mail.example.com`).
fn list_has(list: &[String], address: &str, domain: &str) -> bool {
    list.iter().any(|entry| {
        let entry = entry.trim().trim_start_matches('@');
        entry.eq_ignore_ascii_case(address)
            || entry.eq_ignore_ascii_case(domain)
            || (domain.len() > entry.len()
                && domain.as_bytes()[domain.len() - entry.len() - 1] == b'.'
                && domain.as_bytes()[domain.len() - entry.len()..]
                    .eq_ignore_ascii_case(entry.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_json_is_the_default_policy() {
        let p: Policy = serde_json::from_str("{}").unwrap();
        assert_eq!(p, Policy::default());
    }

    #[test]
    fn overrides_beat_default_actions() {
        let p: Policy =
            serde_json::from_str(r#"{"version":"v2","review":["SYN02"],"advise":["SYN04"]}"#)
                .unwrap();
        assert_eq!(p.version, "v2");
        assert_eq!(p.action(ReasonCode::SYN02), Action::Review);
        assert_eq!(p.action(ReasonCode::SYN04), Action::Advise);
        assert_eq!(p.action(ReasonCode::SYN01), Action::Block);
    }

    #[test]
    fn lists_match_domain_parent_and_address() {
        let p = Policy {
            allow_domains: vec!["example.com".into(), "vip@gmail.com".into()],
            ..Policy::default()
        };
        assert!(p.allows("a@example.com", "example.com"));
        assert!(p.allows("a@mail.example.com", "mail.example.com"));
        assert!(!p.allows("a@badexample.com", "badexample.com"));
        assert!(p.allows("vip@gmail.com", "gmail.com"));
        assert!(!p.allows("other@gmail.com", "gmail.com"));
    }

    #[test]
    fn region_list() {
        let p = Policy {
            allowed_regions: vec!["US".into(), "CA".into()],
            ..Policy::default()
        };
        assert!(p.region_allowed("us"));
        assert!(!p.region_allowed("GB"));
        assert!(Policy::default().region_allowed("GB"));
    }
}
