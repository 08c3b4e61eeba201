//! A lead's fields, and the one-call assessment.
use crate::{Lane, Policy, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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
    pub consent: Option<bool>,
    pub consent_text: Option<String>,
    pub trustedform_cert_url: Option<String>,
    pub default_region: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    #[serde(flatten)]
    pub verdict: Verdict,
    pub fingerprint: String,
}

/// Run every check and the verdict.
pub fn assess(_input: &LeadInput, _policy: &Policy) -> Assessment {
    Assessment {
        verdict: Verdict { lane: Lane::Review, reasons: vec![], score: 0 },
        fingerprint: String::new(),
    }
}
