//! Vendor clients for Leadgate's paid checks.
//!
//! One module per vendor, each with a pure request builder, a pure response parser
//! tested on the vendor's documented example bodies, and a mapping from the answer to
//! normalised [`Findings`] (signals + reason codes). The wire layer ([`http`]) and the
//! shared error type ([`CallError`]) are common. [`VendorProvider`] implements the
//! pipeline's `Provider` trait for every vendor; [`build_provider`] / [`build_section`]
//! build one from configuration by `kind` (see `docs/providers.md`).
//!
//! Builders and parsers are pure, so a vendor's wire format is testable without a socket:
//!
//! ```
//! use leadgate_providers::{dncscrub, http::HttpResponse, Secret};
//! use leadgate_checks::ReasonCode;
//! let base = url::Url::parse(dncscrub::DEFAULT_DATA_URL).unwrap();
//! let req = dncscrub::build_litigator(&base, &Secret::new("key"), "+15039367187").unwrap();
//! assert_eq!(req.query("phoneList").as_deref(), Some("5039367187"));
//! assert!(!format!("{req:?}").contains("key\""), "credentials are masked in Debug");
//! let body = r#"[{"Phone": 5039367187, "IsLitigator": true}]"#;
//! let row = dncscrub::parse_litigator(&HttpResponse::new(200, body), "5039367187").unwrap();
//! assert_eq!(dncscrub::litigator_findings(&row).reasons, vec![ReasonCode::CMP01]);
//! ```
//!
//! Run the clients against the sandbox with
//! `cargo run -p leadgate-providers --example sandbox_lookup`.
pub mod captcha;
pub mod dncscrub;
pub mod error;
pub mod findings;
pub mod google_address;
pub mod http;
pub mod ipqs;
pub mod maxmind;
pub mod mx;
pub mod provider;
pub mod purecallerid;
pub mod registry;
pub mod secret;
pub mod settings;
pub mod trestle;
pub mod trustedform;
pub mod twilio;
pub mod usps;
pub mod util;

pub use error::CallError;
pub use findings::{Findings, LineType};
pub use provider::{Kind, VendorProvider};
pub use registry::{build_all, build_provider, build_section, ConfigError};
pub use secret::Secret;
pub use settings::ProviderSettings;
