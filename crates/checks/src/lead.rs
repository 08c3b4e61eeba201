//! A lead's fields, the report of every check, and the one-call assessment.
use crate::address::{check_address, AddressDetails, AddressInput};
use crate::consent::{check_consent, ConsentDetails};
use crate::email::{check_email, EmailDetails};
use crate::fingerprint::{fingerprint, Fingerprint};
use crate::name::{check_name, NameDetails};
use crate::phone::{check_phone, PhoneDetails};
use crate::text::non_empty;
use crate::verdict::{verdict_from_reasons, verdict_with};
use crate::{Policy, ReasonCode, Verdict};
use alloc::{string::String, vec::Vec};
use serde::{Deserialize, Deserializer, Serialize};

/// A lead as a form, a CSV row or a JSON line gives it. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The consent box. Lenient: `true`, `"true"`, `"yes"`, `"1"`, `"on"`, `1` are true.
    #[serde(deserialize_with = "lenient_bool")]
    pub consent: Option<bool>,
    pub consent_text: Option<String>,
    pub trustedform_cert_url: Option<String>,
    /// Region for a phone written without `+`; overrides the policy's.
    pub default_region: Option<String>,
}

/// Reads a checkbox value the many ways forms and CSV files spell it.
pub fn parse_bool_lenient(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "on" | "checked" | "t" => Some(true),
        "false" | "no" | "n" | "0" | "off" | "unchecked" | "f" | "" => Some(false),
        _ => None,
    }
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Int(i64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Bool(b)) => Some(b),
        Some(Raw::Int(i)) => Some(i != 0),
        Some(Raw::Float(f)) => Some(f != 0.0),
        // Unknown words are not consent.
        Some(Raw::Text(s)) => Some(parse_bool_lenient(&s).unwrap_or(false)),
    })
}

/// Every check's outcome, as data. The verdict is a function of this and a policy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LeadReport {
    pub email: EmailDetails,
    pub phone: PhoneDetails,
    pub address: AddressDetails,
    pub name: NameDetails,
    pub consent: ConsentDetails,
}

/// True when a country field means the United States (or is absent).
fn is_us(country: Option<&str>) -> bool {
    match non_empty(country) {
        None => true,
        Some(c) => {
            let c: String = c
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect::<String>()
                .to_ascii_uppercase();
            matches!(
                c.as_str(),
                "US" | "USA" | "UNITEDSTATES" | "UNITEDSTATESOFAMERICA" | "AMERICA"
            )
        }
    }
}

/// Runs every check on a lead.
pub fn check_lead(input: &LeadInput, policy: &Policy) -> LeadReport {
    let region = non_empty(input.default_region.as_deref()).unwrap_or(&policy.default_region);
    let email = check_email(input.email.as_deref(), policy);
    let phone = check_phone(input.phone.as_deref().unwrap_or(""), region);
    let address = if is_us(input.country.as_deref()) {
        check_address(&AddressInput {
            street: input.street.as_deref(),
            city: input.city.as_deref(),
            state: input.state.as_deref(),
            zip: input.zip.as_deref(),
        })
    } else {
        // Non-US addresses are not checked offline.
        AddressDetails::default()
    };
    let name = check_name(input.first_name.as_deref(), input.last_name.as_deref());
    let consent = check_consent(input.consent, input.consent_text.as_deref());
    LeadReport {
        email,
        phone,
        address,
        name,
        consent,
    }
}

impl LeadReport {
    /// The reason codes these outcomes give under `policy` (unranked).
    pub fn reasons(&self, policy: &Policy) -> Vec<ReasonCode> {
        let mut out: Vec<ReasonCode> = self.email.reasons.clone();
        match self.phone.reason {
            Some(ReasonCode::PHN03) if !policy.require_phone => {}
            Some(code) => out.push(code),
            None => {
                let e164 = self.phone.e164.as_deref().unwrap_or("");
                if policy.deny_phones.iter().any(|p| p == e164) {
                    out.push(ReasonCode::PHN02);
                }
                if let Some(region) = &self.phone.region {
                    if !policy.region_allowed(region) {
                        out.push(ReasonCode::PHN04);
                    }
                }
            }
        }
        if policy.check_address && self.address.present {
            out.extend_from_slice(&self.address.reasons);
            if self.address.reasons.is_empty()
                && self.address.confidence < policy.address_min_confidence
            {
                out.push(ReasonCode::ENR04);
            }
        }
        match self.name.reason {
            Some(ReasonCode::NAM02) if !policy.require_name => {}
            Some(code) => out.push(code),
            None => {}
        }
        if policy.require_consent {
            out.extend(self.consent.reason);
        }
        out
    }
}

/// The verdict on a report under a policy.
pub fn verdict(report: &LeadReport, policy: &Policy) -> Verdict {
    verdict_from_reasons(&report.reasons(policy), policy)
}

/// Everything Leadgate says about a lead: verdict (flattened: `lane`, `reasons`,
/// `score`), each check's outcome (flattened: `email`, `phone`, `address`, `name`,
/// `consent`), the fingerprint (its hex id) and the policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    #[serde(flatten)]
    pub verdict: Verdict,
    #[serde(flatten)]
    pub report: LeadReport,
    pub fingerprint: Fingerprint,
    pub policy_version: String,
}

impl Assessment {
    /// Folds more reasons (bot results at the edge, provider reasons in the backend)
    /// into this assessment's verdict, as if they had been found with the rest.
    pub fn fold(&mut self, extra: &[ReasonCode], policy: &Policy) {
        self.verdict = verdict_with(&self.verdict.reasons, extra, policy);
        self.policy_version.clone_from(&policy.version);
    }
}

/// Runs every check, the verdict and the fingerprint.
pub fn assess(input: &LeadInput, policy: &Policy) -> Assessment {
    assess_with(input, policy, &[])
}

/// [`assess`] with extra reasons folded into the verdict.
pub fn assess_with(input: &LeadInput, policy: &Policy, extra: &[ReasonCode]) -> Assessment {
    let report = check_lead(input, policy);
    let verdict = verdict_with(&report.reasons(policy), extra, policy);
    let fingerprint = fingerprint(
        report.email.canonical.as_deref(),
        report.phone.e164.as_deref(),
        input.ip.as_deref(),
        input.user_agent.as_deref(),
    );
    Assessment {
        verdict,
        report,
        fingerprint,
        policy_version: policy.version.clone(),
    }
}
