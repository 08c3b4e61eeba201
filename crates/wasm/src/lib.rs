//! leadgate-wasm: the browser's bindings to Leadgate's checks and proof-of-work solver.
//!
//! Glue only (DESIGN.md, "Thin glue"): every rule lives in `leadgate-checks`, the
//! proof-of-work in `leadgate-protocol`. Values cross the boundary as JSON strings so the
//! JavaScript side (`www/leadgate.js`) needs no generated types and the wasm stays small.
//!
//! ```
//! let out = leadgate_wasm::assess_json(r#"{"email":"jane@example.com"}"#, "{}").unwrap();
//! let v: serde_json::Value = serde_json::from_str(&out).unwrap();
//! assert!(v.get("lane").is_some());
//! ```

use leadgate_checks::{LeadInput, Policy};
use wasm_bindgen::prelude::*;

/// Why a call from JavaScript could not be answered.
#[derive(Debug, PartialEq, Eq)]
pub enum GlueError {
    /// The lead JSON did not parse as a `LeadInput`.
    BadLead(String),
    /// The policy JSON did not parse as a `Policy`.
    BadPolicy(String),
}

impl std::fmt::Display for GlueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GlueError::BadLead(e) => write!(f, "lead is not valid JSON for LeadInput: {e}"),
            GlueError::BadPolicy(e) => write!(f, "policy is not valid JSON for Policy: {e}"),
        }
    }
}

/// Assesses a lead given as JSON under a policy given as JSON (`""` means the default
/// policy) and returns the `Assessment` as JSON. Pure Rust, testable natively.
pub fn assess_json(lead_json: &str, policy_json: &str) -> Result<String, GlueError> {
    let lead: LeadInput =
        serde_json::from_str(lead_json).map_err(|e| GlueError::BadLead(e.to_string()))?;
    let policy: Policy = if policy_json.trim().is_empty() {
        Policy::default()
    } else {
        serde_json::from_str(policy_json).map_err(|e| GlueError::BadPolicy(e.to_string()))?
    };
    let assessment = leadgate_checks::assess(&lead, &policy);
    // Serialising a plain data struct to a String cannot fail.
    Ok(serde_json::to_string(&assessment).unwrap_or_else(|_| "{}".to_owned()))
}

/// `assess(leadJson, policyJson) -> assessmentJson` for JavaScript; throws on bad input.
#[wasm_bindgen(js_name = assess)]
pub fn assess(lead_json: &str, policy_json: &str) -> Result<String, JsError> {
    assess_json(lead_json, policy_json).map_err(|e| JsError::new(&e.to_string()))
}

/// `powSolve(challenge, difficulty, start, maxSteps) -> nonce | undefined`: tries nonces
/// `start..start + maxSteps` (see `leadgate_protocol::pow::solve`). The Web Worker calls
/// it in slices so it can report progress. Nonces travel as f64: exact below 2^53, far
/// beyond any difficulty the edge mints.
#[wasm_bindgen(js_name = powSolve)]
pub fn pow_solve(challenge: &str, difficulty: u32, start: f64, max_steps: u32) -> Option<f64> {
    let start = if start.is_finite() && start > 0.0 {
        start as u64
    } else {
        0
    };
    leadgate_protocol::pow::solve(challenge, difficulty, start, u64::from(max_steps))
        .map(|nonce| nonce as f64)
}

/// The crate version, so the snippet can log which checks build it runs.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lead_json_is_an_error_not_a_panic() {
        assert!(matches!(
            assess_json("{not json", ""),
            Err(GlueError::BadLead(_))
        ));
    }

    #[test]
    fn bad_policy_json_is_an_error() {
        assert!(matches!(
            assess_json("{}", "[1,2]"),
            Err(GlueError::BadPolicy(_))
        ));
    }

    #[test]
    fn pow_solution_has_the_asked_work() {
        let nonce = pow_solve("abc.def", 8, 0.0, 1 << 16).expect("8 bits within 65536 tries");
        assert!(leadgate_protocol::pow::work("abc.def", nonce as u64) >= 8);
        assert_eq!(pow_solve("abc.def", 8, nonce, 1), Some(nonce));
        assert_eq!(pow_solve("abc.def", 8, f64::NAN, 0), None);
    }

    #[test]
    fn assessment_json_carries_the_verdict() {
        let out = assess_json(r#"{"email":"jane@example.com"}"#, "").unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v["lane"].is_string());
        assert!(v["reasons"].is_array());
    }
}
