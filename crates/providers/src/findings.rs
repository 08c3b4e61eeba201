//! [`Findings`]: what a vendor answer means, in Leadgate's words: normalised signals plus
//! reason codes. Every vendor module maps its parsed answer to this one shape; the
//! provider adapters then hand it to the pipeline.

use leadgate_checks::ReasonCode;
use serde::Serialize;

/// Normalised phone line type across vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineType {
    /// Mobile / wireless.
    Mobile,
    /// Landline.
    Landline,
    /// Fixed VoIP (tied to an address).
    FixedVoip,
    /// Non-fixed VoIP (Google Voice, TextNow, ...).
    NonFixedVoip,
    /// Toll free.
    TollFree,
    /// Premium rate.
    Premium,
    /// Voicemail, pager, personal, shared cost, UAN, ...
    Other,
}

impl LineType {
    /// Maps a vendor's line-type label (any of Trestle's, IPQS's, Twilio's, DNC.com's).
    pub fn from_label(label: &str) -> Option<LineType> {
        let l: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match l.as_str() {
            "" | "na" | "unknown" => return None,
            "mobile" | "wireless" | "cell" | "cellular" => LineType::Mobile,
            "landline" | "fixedline" | "allother" => LineType::Landline,
            "fixedvoip" => LineType::FixedVoip,
            "nonfixedvoip" | "voip" => LineType::NonFixedVoip,
            "tollfree" => LineType::TollFree,
            "premium" | "premiumrate" => LineType::Premium,
            _ => LineType::Other,
        })
    }

    /// True for both VoIP kinds.
    pub fn is_voip(self) -> bool {
        matches!(self, LineType::FixedVoip | LineType::NonFixedVoip)
    }
}

/// Normalised signals from one vendor answer. `None` means "this vendor did not say".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Findings {
    /// Fraud score 0–100 (IPQS fraud_score; MaxMind risk_score).
    pub fraud_score: Option<f64>,
    /// Phone number valid.
    pub phone_valid: Option<bool>,
    /// Phone line type.
    pub line_type: Option<LineType>,
    /// VoIP line.
    pub is_voip: Option<bool>,
    /// Prepaid line.
    pub is_prepaid: Option<bool>,
    /// Phone connected / active.
    pub phone_active: Option<bool>,
    /// Trestle activity score 0–100.
    pub activity_score: Option<u8>,
    /// Trestle contact grade A–F.
    pub contact_grade: Option<char>,
    /// Name matches the phone/email/address owner.
    pub name_match: Option<bool>,
    /// Carrier name.
    pub carrier: Option<String>,
    /// Known TCPA litigator.
    pub is_litigator: Option<bool>,
    /// On the national DNC registry.
    pub dnc_national: Option<bool>,
    /// On a state DNC list (or a wireless-prohibited state).
    pub dnc_state: Option<bool>,
    /// TrustedForm certificate matches the lead's phone/email.
    pub consent_match: Option<bool>,
    /// TrustedForm certificate found and usable.
    pub consent_valid: Option<bool>,
    /// A bot was detected (TrustedForm insights, IPQS bot_status).
    pub bot_detected: Option<bool>,
    /// Email syntactically and DNS valid.
    pub email_valid: Option<bool>,
    /// Email deliverable.
    pub email_deliverable: Option<bool>,
    /// Disposable email.
    pub email_disposable: Option<bool>,
    /// Email domain has an MX (or A fallback) record.
    pub email_has_mx: Option<bool>,
    /// IP is a proxy / VPN / Tor / hosting address.
    pub ip_proxy: Option<bool>,
    /// Address deliverable / confirmed.
    pub address_valid: Option<bool>,
    /// Address confidence 0.0–1.0.
    pub address_confidence: Option<f64>,
    /// Captcha verification passed.
    pub captcha_passed: Option<bool>,
    /// Captcha score 0.0–1.0 (reCAPTCHA v3 / Enterprise).
    pub captcha_score: Option<f64>,
    /// Reason codes, primary first, no duplicates.
    pub reasons: Vec<ReasonCode>,
}

impl Findings {
    /// Adds a reason unless present.
    pub fn flag(&mut self, code: ReasonCode) {
        if !self.reasons.contains(&code) {
            self.reasons.push(code);
        }
    }

    /// Adds `code` when `cond` is `Some(true)`.
    pub fn flag_if(&mut self, cond: Option<bool>, code: ReasonCode) {
        if cond == Some(true) {
            self.flag(code);
        }
    }

    /// Sets line type and the VoIP flag it implies.
    pub fn set_line_type(&mut self, label: Option<&str>) {
        if let Some(lt) = label.and_then(LineType::from_label) {
            self.line_type = Some(lt);
            self.is_voip = Some(lt.is_voip());
        }
    }

    /// Fraud-score reasons with the IPQS guidance thresholds (>= 85 high, >= 75 elevated);
    /// see `docs/providers.md`.
    pub fn flag_fraud_score(&mut self, score: Option<f64>, high: f64, elevated: f64) {
        if let Some(s) = score {
            self.fraud_score = Some(s);
            if s >= high {
                self.flag(ReasonCode::FRD01);
            } else if s >= elevated {
                self.flag(ReasonCode::FRD02);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_type_labels_from_every_vendor() {
        assert_eq!(
            LineType::from_label("NonFixedVOIP"),
            Some(LineType::NonFixedVoip)
        );
        assert_eq!(
            LineType::from_label("nonFixedVoip"),
            Some(LineType::NonFixedVoip)
        );
        assert_eq!(LineType::from_label("Toll Free"), Some(LineType::TollFree));
        assert_eq!(LineType::from_label("VoIP"), Some(LineType::NonFixedVoip));
        assert_eq!(LineType::from_label("Wireless"), Some(LineType::Mobile));
        assert_eq!(LineType::from_label("N/A"), None);
    }

    #[test]
    fn reasons_are_deduplicated_in_order() {
        let mut f = Findings::default();
        f.flag(ReasonCode::CMP01);
        f.flag_if(Some(true), ReasonCode::ENR03);
        f.flag(ReasonCode::CMP01);
        f.flag_if(None, ReasonCode::ENR02);
        assert_eq!(f.reasons, vec![ReasonCode::CMP01, ReasonCode::ENR03]);
    }
}
