//! Twilio Lookup v2: line type intelligence and caller name.
//!
//! `GET {base}/v2/PhoneNumbers/{E.164}?Fields=line_type_intelligence,caller_name`, HTTP
//! Basic (Account SID : auth token). Errors are `{"code": 20003, "message": "...",
//! "more_info": "...", "status": 401}`. Price: basic validation free; "~$0.01" per
//! request is a third-party figure (UNCONFIRMED). `caller_type` values other than
//! `UNDETERMINED` (`BUSINESS`, `CONSUMER`) are (UNCONFIRMED).

use crate::error::CallError;
use crate::findings::Findings;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join_value, value_bool};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde_json::Value;
use url::Url;

/// Provider name.
pub const NAME: &str = "twilio";
/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://lookups.twilio.com";
/// Price per lookup with line type intelligence (UNCONFIRMED).
pub const PRICE_USD: f64 = 0.01;

/// Builds a lookup; `fields` e.g. `["line_type_intelligence", "caller_name"]`.
pub fn build(
    base: &Url,
    sid: &str,
    token: &Secret,
    phone_e164: &str,
    fields: &[String],
) -> HttpRequest {
    let mut url = join_value(base, &["v2/PhoneNumbers"], phone_e164);
    if !fields.is_empty() {
        url.query_pairs_mut()
            .append_pair("Fields", &fields.join(","));
    }
    HttpRequest::new(Method::Get, url)
        .basic_auth(sid, token)
        .header("accept", "application/json")
}

/// The parts of the answer Leadgate uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// `valid`.
    pub valid: Option<bool>,
    /// `validation_errors`.
    pub validation_errors: Vec<String>,
    /// `line_type_intelligence.type`.
    pub line_type: Option<String>,
    /// `line_type_intelligence.carrier_name`.
    pub carrier: Option<String>,
    /// `caller_name.caller_name`.
    pub caller_name: Option<String>,
    /// `caller_name.caller_type`.
    pub caller_type: Option<String>,
}

/// Parses an answer or a Twilio error body (20003 = authentication, 20404 = not found,
/// 20429 = too many requests).
pub fn parse(resp: &HttpResponse) -> Result<Answer, CallError> {
    if resp.status == 404 {
        // The number does not exist: a fact about the lead.
        return Ok(Answer {
            valid: Some(false),
            ..Answer::default()
        });
    }
    resp.check_status(NAME)?;
    let v: Value = resp.json(NAME)?;
    if v.get("phone_number").is_none() && v.get("valid").is_none() {
        return Err(CallError::Malformed {
            provider: NAME,
            detail: "no phone_number".into(),
        });
    }
    let s = |o: Option<&Value>, k: &str| {
        o.and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let lti = v.get("line_type_intelligence").filter(|x| !x.is_null());
    let cn = v.get("caller_name").filter(|x| !x.is_null());
    Ok(Answer {
        valid: v.get("valid").and_then(value_bool),
        validation_errors: v
            .get("validation_errors")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        line_type: s(lti, "type"),
        carrier: s(lti, "carrier_name"),
        caller_name: s(cn, "caller_name"),
        caller_type: s(cn, "caller_type"),
    })
}

/// Answer → PHN01 (invalid), ENR03 (VoIP).
pub fn findings(a: &Answer) -> Findings {
    let mut f = Findings {
        phone_valid: a.valid,
        carrier: a.carrier.clone(),
        ..Findings::default()
    };
    f.flag_if(a.valid.map(|v| !v), ReasonCode::PHN01);
    f.set_line_type(a.line_type.as_deref());
    f.flag_if(f.is_voip, ReasonCode::ENR03);
    f
}

/// Client. `account_id` = Account SID (or API key SID), `api_key` = auth token (or API
/// key secret). Option `fields` (default `line_type_intelligence`).
pub(crate) async fn call(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let phone = req.phone_e164.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "phone",
    })?;
    let fields = ctx
        .options
        .list("fields")
        .unwrap_or_else(|| vec!["line_type_intelligence".into()]);
    let http_req = build(
        &ctx.base,
        ctx.account_id.as_deref().unwrap_or(""),
        &ctx.key,
        phone,
        &fields,
    );
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let a = parse(&resp)?;
    Ok(Outcome {
        findings: findings(&a),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_parses_the_documented_example() {
        let r = build(
            &Url::parse(DEFAULT_BASE_URL).expect("url"),
            "AC1",
            &Secret::new("t"),
            "+14159929960",
            &["line_type_intelligence".into(), "caller_name".into()],
        );
        assert_eq!(r.url.as_str(), "https://lookups.twilio.com/v2/PhoneNumbers/+14159929960?Fields=line_type_intelligence%2Ccaller_name");
        let body = r#"{"calling_country_code":"1","country_code":"US","phone_number":"+14159929960","national_format":"(415) 992-9960",
            "valid":true,"validation_errors":[],"caller_name":{"caller_name":null,"caller_type":"UNDETERMINED","error_code":null},
            "sim_swap":null,"call_forwarding":null,"line_status":null,
            "line_type_intelligence":{"mobile_country_code":"313","mobile_network_code":"981","carrier_name":"Bandwidth/13 - Bandwidth.com - SVR","type":"nonFixedVoip","error_code":null},
            "url":"https://lookups.twilio.com/v2/PhoneNumbers/+14159929960"}"#;
        let a = parse(&HttpResponse::new(200, body)).expect("parses");
        assert_eq!(a.caller_type.as_deref(), Some("UNDETERMINED"));
        assert_eq!(findings(&a).reasons, vec![ReasonCode::ENR03]);
    }

    #[test]
    fn invalid_numbers_and_errors() {
        let body = r#"{"phone_number":"+1415","valid":false,"validation_errors":["TOO_SHORT"],"line_type_intelligence":null}"#;
        assert_eq!(
            findings(&parse(&HttpResponse::new(200, body)).expect("parses")).reasons,
            vec![ReasonCode::PHN01]
        );
        assert_eq!(
            findings(&parse(&HttpResponse::new(404, r#"{"code":20404}"#)).expect("parses")).reasons,
            vec![ReasonCode::PHN01]
        );
        let auth = r#"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#;
        assert_eq!(
            parse(&HttpResponse::new(401, auth)).unwrap_err().kind(),
            "unauthorized"
        );
    }
}
