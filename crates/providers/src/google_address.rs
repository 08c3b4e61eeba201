//! Google Address Validation API.
//!
//! `POST {base}/v1:validateAddress?key=API_KEY` with `{"address": {regionCode, locality,
//! administrativeArea, postalCode, addressLines}, "enableUspsCass": true}` (US). Errors
//! use Google's `{"error": {"code", "message", "status"}}`. Price: $17.00 per 1,000
//! (0–100k/month), i.e. $0.017 per call.
//!
//! Confidence (0–1) is Leadgate's reading of `result.verdict`: premise-level granularity
//! and a complete address with nothing unconfirmed is high; route/block level or
//! unconfirmed components is low. ENR04 below `min_confidence` (default 0.6).

use crate::error::CallError;
use crate::findings::Findings;
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join, value_bool};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde_json::{json, Value};
use url::Url;

/// Provider name.
pub const NAME: &str = "google_address";
/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://addressvalidation.googleapis.com";
/// Price per call (first tier).
pub const PRICE_USD: f64 = 0.017;
/// Default ENR04 threshold.
pub const MIN_CONFIDENCE: f64 = 0.6;

/// Builds the request.
pub fn build(base: &Url, key: &Secret, req: &ProviderRequest) -> Result<HttpRequest, CallError> {
    let street = req.street.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "street",
    })?;
    let region = req.country.clone().unwrap_or_else(|| "US".into());
    let mut address = json!({ "regionCode": region, "addressLines": [street] });
    for (k, v) in [
        ("locality", &req.city),
        ("administrativeArea", &req.state),
        ("postalCode", &req.zip),
    ] {
        if let Some(v) = v {
            address[k] = v.clone().into();
        }
    }
    let mut body = json!({ "address": address });
    if region == "US" || region == "PR" {
        body["enableUspsCass"] = true.into();
    }
    let mut url = join(base, &["v1:validateAddress"]);
    url.query_pairs_mut().append_pair("key", key.expose());
    Ok(HttpRequest::new(Method::Post, url)
        .redact(key)
        .header("content-type", "application/json")
        .body(Body::Json(body)))
}

/// The verdict and the bits of USPS data Leadgate uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// `verdict.validationGranularity`.
    pub granularity: String,
    /// `verdict.addressComplete` (omitted = false).
    pub complete: bool,
    /// `verdict.hasUnconfirmedComponents`.
    pub unconfirmed: bool,
    /// `verdict.hasInferredComponents`.
    pub inferred: bool,
    /// `verdict.possibleNextAction`.
    pub next_action: Option<String>,
    /// `uspsData.dpvConfirmation`.
    pub dpv: Option<String>,
    /// `address.formattedAddress`.
    pub formatted: Option<String>,
}

impl Answer {
    /// Confidence 0–1 (see the module docs).
    pub fn confidence(&self) -> f64 {
        let base: f64 = match self.granularity.as_str() {
            "SUB_PREMISE" | "PREMISE" => 0.95,
            "PREMISE_PROXIMITY" => 0.7,
            "BLOCK" | "ROUTE" => 0.35,
            _ => 0.1,
        };
        let mut c = base;
        if !self.complete {
            c -= 0.25;
        }
        if self.unconfirmed {
            c -= 0.3;
        }
        if self.inferred {
            c -= 0.05;
        }
        if self.dpv.as_deref() == Some("N") {
            c = c.min(0.2);
        }
        c.clamp(0.0, 1.0)
    }
}

/// Parses an answer or a Google error.
pub fn parse(resp: &HttpResponse) -> Result<Answer, CallError> {
    if resp.status == 429 {
        return Err(CallError::RateLimited {
            provider: NAME,
            retry_after: resp.retry_after,
        });
    }
    if resp.status == 400 {
        // INVALID_ARGUMENT: the address is unusable (e.g. too long): not worth a retry.
        return Err(CallError::Rejected {
            provider: NAME,
            status: 400,
            code: crate::error::shorten(&resp.error_message()),
        });
    }
    resp.check_status(NAME)?;
    let v: Value = resp.json(NAME)?;
    let verdict = v
        .get("result")
        .and_then(|r| r.get("verdict"))
        .ok_or(CallError::Malformed {
            provider: NAME,
            detail: "no result.verdict".into(),
        })?;
    let b = |k: &str| verdict.get(k).and_then(value_bool).unwrap_or(false);
    let result = &v["result"];
    Ok(Answer {
        granularity: verdict
            .get("validationGranularity")
            .and_then(Value::as_str)
            .unwrap_or("GRANULARITY_UNSPECIFIED")
            .to_owned(),
        complete: b("addressComplete"),
        unconfirmed: b("hasUnconfirmedComponents"),
        inferred: b("hasInferredComponents"),
        next_action: verdict
            .get("possibleNextAction")
            .and_then(Value::as_str)
            .map(str::to_owned),
        dpv: result
            .get("uspsData")
            .and_then(|u| u.get("dpvConfirmation"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        formatted: result
            .get("address")
            .and_then(|a| a.get("formattedAddress"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// Answer → address confidence, ENR04 below `min_confidence`.
pub fn findings(a: &Answer, min_confidence: f64) -> Findings {
    let c = a.confidence();
    let mut f = Findings {
        address_confidence: Some(c),
        address_valid: Some(c >= min_confidence),
        ..Findings::default()
    };
    f.flag_if(Some(c < min_confidence), ReasonCode::ENR04);
    f
}

/// Client. Option `min_confidence`.
pub(crate) async fn call(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let http_req = build(&ctx.base, &ctx.key, req)?;
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let a = parse(&resp)?;
    Ok(Outcome {
        findings: findings(
            &a,
            ctx.options.f64("min_confidence").unwrap_or(MIN_CONFIDENCE),
        ),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_body() {
        let req = ProviderRequest {
            street: Some("1600 Amphitheatre Pkwy".into()),
            city: Some("Mountain View".into()),
            ..Default::default()
        };
        let r = build(
            &Url::parse(DEFAULT_BASE_URL).expect("url"),
            &Secret::new("GKEY"),
            &req,
        )
        .expect("builds");
        assert_eq!(r.url.path(), "/v1:validateAddress");
        assert_eq!(r.query("key").as_deref(), Some("GKEY"));
        assert!(!format!("{r:?}").contains("GKEY"));
        let Body::Json(b) = &r.body else {
            panic!("json")
        };
        assert_eq!(b["address"]["locality"], "Mountain View");
        assert_eq!(b["enableUspsCass"], true);
    }

    #[test]
    fn verdicts_map_to_confidence() {
        let good = r#"{"result":{"verdict":{"inputGranularity":"PREMISE","validationGranularity":"PREMISE","geocodeGranularity":"PREMISE",
            "addressComplete":true,"hasInferredComponents":true,"possibleNextAction":"ACCEPT"},
            "address":{"formattedAddress":"1600 Amphitheatre Parkway, Mountain View, CA 94043-1351, USA"},"uspsData":{"dpvConfirmation":"Y"}},
            "responseId":"x"}"#;
        let a = parse(&HttpResponse::new(200, good)).expect("parses");
        assert!(findings(&a, MIN_CONFIDENCE).reasons.is_empty());
        let bad = r#"{"result":{"verdict":{"validationGranularity":"ROUTE","hasUnconfirmedComponents":true,"possibleNextAction":"FIX"}}}"#;
        let a = parse(&HttpResponse::new(200, bad)).expect("parses");
        assert_eq!(
            findings(&a, MIN_CONFIDENCE).reasons,
            vec![ReasonCode::ENR04]
        );
        let denied =
            r#"{"error":{"code":403,"message":"API key not valid","status":"PERMISSION_DENIED"}}"#;
        assert_eq!(
            parse(&HttpResponse::new(403, denied)).unwrap_err().kind(),
            "unauthorized"
        );
        assert_eq!(
            parse(&HttpResponse::new(200, "{}")).unwrap_err().kind(),
            "malformed"
        );
    }
}
