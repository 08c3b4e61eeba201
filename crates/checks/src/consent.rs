//! The consent check: an unchecked or absent consent box, or consent given without
//! the legal text it was given to, is CONS01.
//!
//! TCPA consent is only worth something with the disclosure the person agreed to, so
//! the form must send that text along (`consent_text`). Whether a TrustedForm
//! certificate matches the lead is a provider check (CMP04/CMP05), not this one.
use crate::text::{inspect, non_empty};
use crate::ReasonCode;
use serde::{Deserialize, Serialize};

/// Shortest consent text taken as a real disclosure (characters, trimmed).
pub const MIN_CONSENT_TEXT: usize = 20;
/// Longest consent text looked at (a real disclosure fits easily).
const MAX_CONSENT_TEXT: usize = 16 * 1024;

/// The outcome of the consent check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConsentDetails {
    /// The consent box was checked.
    pub given: bool,
    /// A plausible legal text came with it.
    pub has_text: bool,
    /// CONS01 or none.
    pub reason: Option<ReasonCode>,
}

/// Checks consent. Never panics.
pub fn check_consent(consent: Option<bool>, consent_text: Option<&str>) -> ConsentDetails {
    let given = consent == Some(true);
    let has_text = non_empty(consent_text).is_some_and(|t| {
        // Newlines and stray formatting characters are normal in pasted legal text;
        // only the size cap and the amount of actual words matter here.
        !inspect(t, MAX_CONSENT_TEXT).too_long
            && t.chars()
                .filter(|c| c.is_alphabetic())
                .take(MIN_CONSENT_TEXT)
                .count()
                >= MIN_CONSENT_TEXT
    });
    ConsentDetails {
        given,
        has_text,
        reason: (!(given && has_text)).then_some(ReasonCode::CONS01),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "By checking this box I agree to be contacted by Acme at the number provided.";

    #[test]
    fn consent_needs_box_and_text() {
        assert_eq!(check_consent(Some(true), Some(TEXT)).reason, None);
        assert_eq!(
            check_consent(Some(false), Some(TEXT)).reason,
            Some(ReasonCode::CONS01)
        );
        assert_eq!(
            check_consent(None, Some(TEXT)).reason,
            Some(ReasonCode::CONS01)
        );
        assert_eq!(
            check_consent(Some(true), None).reason,
            Some(ReasonCode::CONS01)
        );
        assert_eq!(
            check_consent(Some(true), Some("  ")).reason,
            Some(ReasonCode::CONS01)
        );
        assert_eq!(
            check_consent(Some(true), Some("ok")).reason,
            Some(ReasonCode::CONS01)
        );
        assert_eq!(
            check_consent(Some(true), Some(&"x".repeat(1 << 20))).reason,
            Some(ReasonCode::CONS01)
        );
        let multi = format!("{TEXT}\nSee terms.\r\n");
        assert!(check_consent(Some(true), Some(&multi)).has_text);
    }
}
