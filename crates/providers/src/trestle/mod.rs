//! Trestle: Real Contact (v1.1 flat keys and v2.0 nested objects), Phone Validation,
//! Reverse Phone and Reverse Address.
//!
//! Auth: `x-api-key` header. Errors: 401 missing/bad key, 403 unauthorised key *or* quota
//! exceeded (told apart by the message), 429 rate limit, in-body partial errors
//! (`error: {name, message}`) and `warnings` (a list, or a plain string in an archived
//! example: both accepted).
//!
//! Prices: Real Contact $0.03 (ActiveProspect's Trestle page); add-ons +$0.005 each and
//! Phone Validation $0.015 are third-party figures (UNCONFIRMED); Reverse Phone uses the
//! $0.08 LeadConduit "Caller ID" figure and Reverse Address has no public price (placeholder).

use crate::error::{shorten, CallError};
use crate::findings::Findings;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join, string_or_list, value_bool, value_f64};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde_json::Value;
use url::Url;

mod address;
mod phone;
mod real_contact;

pub use address::*;
pub use phone::*;
pub use real_contact::*;

/// Provider name.
pub const NAME: &str = "trestle";
/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.trestleiq.com";
/// Real Contact price per query.
pub const REAL_CONTACT_PRICE_USD: f64 = 0.03;
/// Price per add-on (UNCONFIRMED).
pub const ADD_ON_PRICE_USD: f64 = 0.005;
/// Phone Validation price (UNCONFIRMED).
pub const PHONE_INTEL_PRICE_USD: f64 = 0.015;
/// Reverse Phone price (UNCONFIRMED).
pub const REVERSE_PHONE_PRICE_USD: f64 = 0.08;
/// Reverse Address price (placeholder: none published).
pub const REVERSE_ADDRESS_PRICE_USD: f64 = 0.08;

/// The lead fields Real Contact takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactQuery<'a> {
    /// First name.
    pub first_name: Option<&'a str>,
    /// Last name.
    pub last_name: Option<&'a str>,
    /// Phone (E.164).
    pub phone: Option<&'a str>,
    /// Email.
    pub email: Option<&'a str>,
    /// IP.
    pub ip: Option<&'a str>,
    /// Street line 1.
    pub street: Option<&'a str>,
    /// City.
    pub city: Option<&'a str>,
    /// State code.
    pub state: Option<&'a str>,
    /// ZIP.
    pub zip: Option<&'a str>,
    /// ISO country.
    pub country: Option<&'a str>,
}

fn authed(url: Url, key: &Secret) -> HttpRequest {
    HttpRequest::new(Method::Get, url)
        .secret_header("x-api-key", key)
        .header("accept", "application/json")
}

/// Reads `section.field` as v1.1 flat `"section.field"` or v2.0 nested `section.field`.
fn field<'v>(v: &'v Value, section: &str, name: &str) -> Option<&'v Value> {
    v.get(format!("{section}.{name}"))
        .or_else(|| v.get(section).and_then(|s| s.get(name)))
        .filter(|x| !x.is_null())
}

/// Reads an add-on value by any of its spellings (`phone.is_litigator_risk` in 1.1 and
/// phone_intel, `phone_is_litigator_risk` in 2.0).
fn add_on<'v>(v: &'v Value, group: &str, names: &[&str]) -> Option<&'v Value> {
    let g = v.get("add_ons")?.get(group)?;
    names
        .iter()
        .find_map(|n| g.get(*n))
        .filter(|x| !x.is_null())
}

fn check(resp: &HttpResponse) -> Result<Value, CallError> {
    if resp.status == 403 {
        let msg = resp.error_message().to_ascii_lowercase();
        return Err(if msg.contains("quota") || msg.contains("limit") {
            CallError::QuotaExhausted { provider: NAME }
        } else {
            CallError::Unauthorized {
                provider: NAME,
                status: 403,
            }
        });
    }
    resp.check_status(NAME)?;
    let v: Value = resp.json(NAME)?;
    if !v.is_object() {
        return Err(CallError::Malformed {
            provider: NAME,
            detail: "expected a JSON object".into(),
        });
    }
    Ok(v)
}

fn partial_error(v: &Value) -> Option<String> {
    let e = v
        .get("error")
        .or_else(|| v.get("errors"))
        .filter(|e| !e.is_null())?;
    let text = match e {
        Value::Object(o) => o
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| e.to_string()),
        Value::Array(a) if a.is_empty() => return None,
        other => other.to_string(),
    };
    Some(shorten(&text))
}

fn warnings(v: &Value) -> Vec<String> {
    v.get("warnings")
        .cloned()
        .map(|w| string_or_list(w).unwrap_or_default())
        .unwrap_or_default()
}

fn contact_query(req: &ProviderRequest) -> ContactQuery<'_> {
    ContactQuery {
        first_name: req.first_name.as_deref(),
        last_name: req.last_name.as_deref(),
        phone: req.phone_e164.as_deref(),
        email: req.email.as_deref(),
        ip: req.ip.as_deref(),
        street: req.street.as_deref(),
        city: req.city.as_deref(),
        state: req.state.as_deref(),
        zip: req.zip.as_deref(),
        country: req.country.as_deref(),
    }
}
