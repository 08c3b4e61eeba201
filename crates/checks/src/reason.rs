//! Reason codes: the one table of every code Leadgate emits.
//!
//! A code never changes meaning once shipped. The seven codes fixed by the design
//! (SYN01, SYN02, ENR03, ENR04, INT05, DUP01, CONS01) keep exactly their meanings;
//! the rest are Leadgate's own, defined here once and published in `docs/reason-codes.md`.
use serde::{Deserialize, Serialize};

/// Which layer of the validation stack a reason belongs to (cheapest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Layer 1: syntax and infrastructure (browser + edge).
    Syntax,
    /// Layer 2: light enrichment (backend).
    Enrichment,
    /// Layer 3: intent and abuse (edge + backend).
    Intent,
    /// Layer 4: compliance and fraud providers (backend).
    Compliance,
    /// The sequencing engine itself: dedup, caps, timeouts.
    Pipeline,
}

/// What a reason does unless a policy says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Advice only: shown to the person typing, never changes the lane.
    Advise,
    /// Sends the lead to a human (Review lane).
    Review,
    /// Blocks the lead.
    Block,
}

macro_rules! reason_codes {
    ($( $(#[$doc:meta])* $code:ident => ($layer:ident, $action:ident, $meaning:literal) ),+ $(,)?) => {
        /// A stable reason code. Serialises as its code string, e.g. `"SYN01"`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum ReasonCode {
            $( $(#[$doc])* #[doc = $meaning] $code, )+
        }

        impl ReasonCode {
            /// Every code, in table order.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$code),+];

            /// The short stable code, e.g. `"SYN01"`.
            pub const fn code(self) -> &'static str {
                match self { $(ReasonCode::$code => stringify!($code)),+ }
            }

            /// The meaning, in one line of plain English.
            pub const fn meaning(self) -> &'static str {
                match self { $(ReasonCode::$code => $meaning),+ }
            }

            /// The layer of the validation stack the code belongs to.
            pub const fn layer(self) -> Layer {
                match self { $(ReasonCode::$code => Layer::$layer),+ }
            }

            /// The default action when a policy does not override it.
            pub const fn default_action(self) -> Action {
                match self { $(ReasonCode::$code => Action::$action),+ }
            }

            /// Parses a code string such as `"SYN01"` (case-sensitive).
            pub fn from_code(code: &str) -> Option<ReasonCode> {
                match code { $(stringify!($code) => Some(ReasonCode::$code),)+ _ => None }
            }
        }
    };
}

reason_codes! {
    // Layer 1: syntax and infrastructure.
    SYN01 => (Syntax, Block, "invalid email format"),
    SYN02 => (Syntax, Block, "disposable domain"),
    SYN03 => (Syntax, Review, "email domain looks mistyped (a suggestion is offered)"),
    SYN04 => (Syntax, Review, "role address (sales@, info@, ...)"),
    SYN05 => (Syntax, Block, "free-mail address where the policy requires a business email"),
    SYN06 => (Syntax, Block, "email domain on the policy's deny list"),
    SYN07 => (Syntax, Block, "email missing"),
    SYN08 => (Syntax, Review, "email domain has no mail server (MX)"),
    PHN01 => (Syntax, Block, "invalid phone number"),
    PHN02 => (Syntax, Block, "fake or placeholder phone number (555-555-5555, 123-456-7890, repeated digit, N11, 555-01XX, unassigned area code)"),
    PHN03 => (Syntax, Block, "phone missing"),
    PHN04 => (Syntax, Review, "phone region not allowed by the policy or not in this build"),
    ADR01 => (Syntax, Review, "address incomplete or malformed"),
    ADR02 => (Syntax, Review, "ZIP code inconsistent with state"),
    NAM01 => (Syntax, Block, "junk name (keyboard mash, placeholder, digits, first equals last)"),
    NAM02 => (Syntax, Review, "name missing"),
    CONS01 => (Syntax, Block, "missing consent (no legal text / unchecked box)"),
    // Layer 2: light enrichment.
    ENR01 => (Enrichment, Review, "phone disconnected or inactive"),
    ENR02 => (Enrichment, Review, "phone prepaid"),
    ENR03 => (Enrichment, Review, "phone VOIP (A2P risk)"),
    ENR04 => (Enrichment, Review, "address low confidence"),
    ENR05 => (Enrichment, Review, "IP is a proxy, VPN, Tor exit or data centre"),
    ENR06 => (Enrichment, Review, "email undeliverable"),
    ENR07 => (Enrichment, Review, "contact name does not match phone, email or address owner"),
    ENR08 => (Enrichment, Review, "low contact grade or activity score"),
    // Layer 3: intent and abuse.
    INT01 => (Intent, Block, "bot token missing, invalid or expired"),
    INT02 => (Intent, Review, "bot verifier unavailable (failed open)"),
    INT03 => (Intent, Block, "proof-of-work missing, invalid or replayed"),
    INT04 => (Intent, Block, "rate limit exceeded"),
    INT05 => (Intent, Block, "captcha low score"),
    INT06 => (Intent, Block, "bot detected by a provider"),
    INT07 => (Intent, Block, "bot token action or hostname mismatch"),
    // Layer 4: compliance and fraud.
    CMP01 => (Compliance, Block, "known TCPA litigator"),
    CMP02 => (Compliance, Block, "on the national Do-Not-Call registry"),
    CMP03 => (Compliance, Block, "on a state Do-Not-Call list"),
    CMP04 => (Compliance, Block, "TrustedForm certificate does not match the lead's phone or email"),
    CMP05 => (Compliance, Review, "TrustedForm certificate missing, invalid or expired"),
    FRD01 => (Compliance, Block, "high fraud score"),
    FRD02 => (Compliance, Review, "elevated fraud score"),
    // The engine.
    DUP01 => (Pipeline, Block, "duplicate fingerprint"),
    PIP01 => (Pipeline, Review, "per-lead cost cap reached"),
    PIP02 => (Pipeline, Review, "provider timed out or failed (failed closed)"),
    PIP03 => (Pipeline, Review, "provider circuit open (check skipped)"),
    PIP04 => (Pipeline, Review, "campaign budget exhausted"),
}

impl core::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seven_fixed_codes_keep_their_meanings() {
        let fixed = [
            (ReasonCode::SYN01, "invalid email format"),
            (ReasonCode::SYN02, "disposable domain"),
            (ReasonCode::ENR03, "phone VOIP (A2P risk)"),
            (ReasonCode::ENR04, "address low confidence"),
            (ReasonCode::INT05, "captcha low score"),
            (ReasonCode::DUP01, "duplicate fingerprint"),
            (
                ReasonCode::CONS01,
                "missing consent (no legal text / unchecked box)",
            ),
        ];
        for (code, meaning) in fixed {
            assert_eq!(code.meaning(), meaning);
        }
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &code in ReasonCode::ALL {
            assert!(seen.insert(code.code()));
            assert_eq!(ReasonCode::from_code(code.code()), Some(code));
            let json = format!("\"{}\"", code.code());
            let parsed: ReasonCode = serde_json::from_str(&json).expect("parses");
            assert_eq!(parsed, code);
        }
    }
}
