//! Pure lead checks shared by every Leadgate tier: the browser and the edge (as wasm)
//! and the backend and CLI (natively) run exactly this code, so a lead is judged the
//! same everywhere.
//!
//! No I/O, no async, no clocks, no randomness: every function here is a pure
//! function of its input, and the crate builds for `wasm32-unknown-unknown`. Without
//! its default `std` feature it is `no_std` + `alloc`, as the page's wasm builds it.
//!
//! * [`check_email`], [`check_phone`], [`check_address`], [`check_name`],
//!   [`check_consent`]: one check each, returning its outcome as data
//!   (`EmailDetails`, ...), never panicking on hostile input.
//! * [`check_lead`] runs them all into a [`LeadReport`]; [`verdict()`] turns a report and
//!   a [`Policy`] into a [`Verdict`] (lane, reasons primary first, 0-100 score).
//! * [`assess`] does both plus the [`Fingerprint`], giving an [`Assessment`] that
//!   serialises to the public JSON shape.
//! * Folding in reasons found later: the edge adds bot results (INT01..INT07) and the
//!   backend provider reasons with [`Assessment::fold`], [`Verdict::with_extra`],
//!   [`verdict_with`] or [`verdict_from_reasons`]. The outcome is exactly what judging
//!   all reasons at once would give.
//! * [`case`]: Unicode case conversion giving exactly the standard library's answers
//!   from tables a fifth the size, which the checks use so the browser's wasm carries
//!   no standard case tables.
//!
//! ```
//! use leadgate_checks::{assess, LeadInput, Lane, Policy, ReasonCode};
//!
//! let policy = Policy::default();
//! let lead = LeadInput {
//!     email: Some("jane.doe@gmial.com".into()),
//!     phone: Some("(202) 746-0143".into()),
//!     first_name: Some("Jane".into()),
//!     last_name: Some("Doe".into()),
//!     consent: Some(true),
//!     consent_text: Some("I agree to be contacted by Acme about my quote.".into()),
//!     ..LeadInput::default()
//! };
//! let mut a = assess(&lead, &policy);
//! assert_eq!(a.verdict.lane, Lane::Review);
//! assert_eq!(a.verdict.reasons, vec![ReasonCode::SYN03]);
//! assert_eq!(a.report.email.suggestion.as_deref(), Some("jane.doe@gmail.com"));
//! assert_eq!(a.report.phone.e164.as_deref(), Some("+12027460143"));
//!
//! // The edge learns the captcha score was low: fold it in.
//! a.fold(&[ReasonCode::INT05], &policy);
//! assert_eq!(a.verdict.lane, Lane::Block);
//! assert_eq!(a.verdict.primary(), Some(ReasonCode::INT05));
//! ```
#![cfg_attr(not(any(feature = "std", test)), no_std)]

extern crate alloc;

pub mod address;
pub mod case;
pub mod consent;
pub mod email;
pub mod fingerprint;
pub mod lead;
pub mod lists;
pub mod name;
pub mod phone;
pub mod policy;
pub mod reason;
pub mod text;
pub mod verdict;

pub use address::{check_address, AddressDetails, AddressInput, NormalizedAddress};
pub use consent::{check_consent, ConsentDetails};
pub use email::{check_email, EmailDetails};
pub use fingerprint::{fingerprint, Fingerprint};
pub use lead::{assess, assess_with, check_lead, verdict, Assessment, LeadInput, LeadReport};
pub use name::{check_name, NameDetails};
pub use phone::{check_phone, PhoneDetails, PhoneType};
pub use policy::Policy;
pub use reason::{Action, Layer, ReasonCode};
pub use verdict::{verdict_from_reasons, verdict_with, Lane, Verdict};
