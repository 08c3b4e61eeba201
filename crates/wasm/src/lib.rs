//! leadgate-wasm: the browser's bindings to Leadgate's checks.
//!
//! Glue only (DESIGN.md, "Thin glue"): every rule lives in `leadgate-checks`. The
//! proof-of-work solver is not here but in its own module, `leadgate-pow-wasm`, which only
//! sites that use it download. Values cross the boundary as JSON strings so the
//! JavaScript side (`www/leadgate.js`) needs no generated types. The wasm carries no JSON
//! parser: `JSON.parse` reads the strings and the glue asks the parsed objects for each
//! field ([`fields`]); the answer is written by [`out`]. That keeps serde's generated
//! code out of the page's download.
//!
//! ```
//! use leadgate_wasm::fields::{Source, Val};
//! struct Lead;
//! impl Source for Lead {
//!     fn is_object(&self) -> bool { true }
//!     fn get(&self, key: &str) -> Val {
//!         if key == "email" { Val::Str("jane@example.com".into()) } else { Val::Missing }
//!     }
//! }
//! let json = leadgate_wasm::assess_source(&Lead, None::<&Lead>).unwrap();
//! assert!(json.starts_with(r#"{"lane":"#));
//! ```

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

pub mod fields;
pub mod out;

use alloc::string::String;

// In wasm the crate is no_std: std's panic handler formats its message, which would
// link `core::fmt`, `char`'s Debug and Unicode tables into every page (several KB
// brotli). A panic traps instead (the checks never panic on any input: the glue tests
// and the fuzz targets hold them to that), and the allocator is dlmalloc, as in std.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

use fields::{FieldError, Source, Val};
use leadgate_checks::{check_lead, verdict_from_reasons, Policy};
use wasm_bindgen::prelude::*;

/// Why a call from JavaScript could not be answered.
#[derive(Debug, PartialEq, Eq)]
pub enum GlueError {
    /// The lead did not read as a `LeadInput`.
    BadLead(String),
    /// The policy did not read as a `Policy`.
    BadPolicy(String),
}

impl GlueError {
    /// What JavaScript is told (built without `core::fmt`, which the page does not ship).
    pub fn message(&self) -> String {
        match self {
            GlueError::BadLead(e) => ["lead is not valid: ", e].concat(),
            GlueError::BadPolicy(e) => ["policy is not valid: ", e].concat(),
        }
    }
}

impl core::fmt::Display for GlueError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
    }
}

/// Assesses a lead read from `lead` under the policy read from `policy` (`None`: the
/// default policy) and returns the page's assessment JSON ([`out::assessment`]).
pub fn assess_source(
    lead: &impl Source,
    policy: Option<&impl Source>,
) -> Result<String, GlueError> {
    let input = fields::lead(lead).map_err(|FieldError(e)| GlueError::BadLead(e))?;
    let policy = match policy {
        Some(p) => fields::policy(p).map_err(|FieldError(e)| GlueError::BadPolicy(e))?,
        None => Policy::default(),
    };
    // The page needs the verdict and the fields it shows, not the fingerprint (the edge
    // computes that): `check_lead` + the verdict is `assess` without the SHA-256.
    let report = check_lead(&input, &policy);
    let verdict = verdict_from_reasons(&report.reasons(&policy), &policy);
    Ok(out::assessment(&verdict, &report, &policy.version))
}

/// A `JSON.parse`d value as a [`Source`].
struct Js(JsValue);

impl Source for Js {
    fn is_object(&self) -> bool {
        self.0.is_object() && !js_sys::Array::is_array(&self.0)
    }

    fn get(&self, key: &str) -> Val {
        let v = js_sys::Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::NULL);
        if v.is_null() || v.is_undefined() {
            Val::Missing
        } else if let Some(b) = v.as_bool() {
            Val::Bool(b)
        } else if let Some(n) = v.as_f64() {
            Val::Num(n)
        } else if let Some(s) = v.as_string() {
            Val::Str(s)
        } else if js_sys::Array::is_array(&v) {
            Val::List(
                js_sys::Array::from(&v)
                    .iter()
                    .map(|i| i.as_string())
                    .collect(),
            )
        } else {
            Val::Other
        }
    }
}

fn parse_json(text: &str, what: &str) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(text).map_err(|_| JsError::new(&[what, " is not valid JSON"].concat()))
}

/// `assess(leadJson, policyJson) -> assessmentJson` for JavaScript (`""` means the
/// default policy); throws on a lead or policy it cannot read, naming the field.
#[wasm_bindgen(js_name = assess)]
pub fn assess(lead_json: &str, policy_json: &str) -> Result<String, JsError> {
    let lead = Js(parse_json(lead_json, "lead")?);
    let policy = if policy_json.trim().is_empty() {
        None
    } else {
        Some(Js(parse_json(policy_json, "policy")?))
    };
    assess_source(&lead, policy.as_ref()).map_err(|e| JsError::new(&e.message()))
}

/// The crate version, so the snippet can log which checks build it runs.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    String::from(env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests;
