//! Pure CallerID Aegis: a real-time compliance decision (validity, line type, national and
//! state DNC) from a configured workflow.
//!
//! `GET {base}/api/public/aegis?to=<10 digits>&from=&zip=&workflow-id=&format=json` with
//! `X-API-KEY`. The synchronous JSON body is **not documented** (UNCONFIRMED): the parser
//! reads the documented `AegisEvent` webhook shape (`result`, `reason`,
//! `validationResult`, `doNotCallResult`, `stateDoNotCallResult`) and also accepts a
//! plain `true`/`false` (the `format=boolean` form). No litigator field is documented:
//! a `reason` mentioning "litigator" is read as one (UNCONFIRMED). Price: none published
//! (placeholder).

use crate::error::CallError;
use crate::findings::Findings;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join, us10, value_bool, value_f64};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde_json::Value;
use url::Url;

/// Provider name.
pub const NAME: &str = "purecallerid";
/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://aegis.purecallerid.app";
/// Placeholder price.
pub const PRICE_USD: f64 = 0.005;

/// Builds the Aegis request.
pub fn build(
    base: &Url,
    key: &Secret,
    to: &str,
    workflow_id: &str,
    from: Option<&str>,
    zip: Option<&str>,
) -> Result<HttpRequest, CallError> {
    let to = us10(to).ok_or(CallError::MissingInput {
        provider: NAME,
        field: "US phone",
    })?;
    let mut url = join(base, &["api/public/aegis"]);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("to", &to);
        if let Some(f) = from.and_then(us10) {
            q.append_pair("from", &f);
        }
        if let Some(z) = zip {
            q.append_pair("zip", z);
        }
        q.append_pair("workflow-id", workflow_id)
            .append_pair("format", "json");
    }
    Ok(HttpRequest::new(Method::Get, url)
        .secret_header("X-API-KEY", key)
        .header("accept", "application/json"))
}

/// The decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// Accepted by the workflow.
    pub accepted: Option<bool>,
    /// `reason`.
    pub reason: Option<String>,
    /// `validationResult.is_valid`.
    pub valid: Option<bool>,
    /// `validationResult.activity_score`.
    pub activity_score: Option<f64>,
    /// `validationResult.line_type`.
    pub line_type: Option<String>,
    /// `validationResult.carrier`.
    pub carrier: Option<String>,
    /// `validationResult.is_prepaid`.
    pub prepaid: Option<bool>,
    /// `doNotCallResult.blocked`.
    pub dnc_national: Option<bool>,
    /// `stateDoNotCallResult.blocked`.
    pub dnc_state: Option<bool>,
}

/// Parses the answer (see the module docs for what is assumed).
pub fn parse(resp: &HttpResponse) -> Result<Answer, CallError> {
    resp.check_status(NAME)?;
    let v: Value = resp.json(NAME)?;
    if let Some(b) = v.as_bool() {
        return Ok(Answer {
            accepted: Some(b),
            ..Answer::default()
        });
    }
    if !v.is_object() {
        return Err(CallError::Malformed {
            provider: NAME,
            detail: "expected an object or a boolean".into(),
        });
    }
    let accepted = v
        .get("result")
        .and_then(Value::as_str)
        .map(|r| r.eq_ignore_ascii_case("accepted"));
    let val = v.get("validationResult").filter(|x| x.is_object());
    let blocked = |k: &str| v.get(k).and_then(|d| d.get("blocked")).and_then(value_bool);
    if accepted.is_none() && val.is_none() {
        return Err(CallError::Malformed {
            provider: NAME,
            detail: "no result".into(),
        });
    }
    let s = |k: &str| {
        val.and_then(|x| x.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Ok(Answer {
        accepted,
        reason: v.get("reason").and_then(Value::as_str).map(str::to_owned),
        valid: val.and_then(|x| x.get("is_valid")).and_then(value_bool),
        activity_score: val
            .and_then(|x| x.get("activity_score"))
            .and_then(value_f64),
        line_type: s("line_type"),
        carrier: s("carrier"),
        prepaid: val.and_then(|x| x.get("is_prepaid")).and_then(value_bool),
        dnc_national: blocked("doNotCallResult"),
        dnc_state: blocked("stateDoNotCallResult"),
    })
}

/// Answer → CMP01 (reason names a litigator), CMP02, CMP03, PHN01, ENR03, ENR02.
pub fn findings(a: &Answer) -> Findings {
    let litigator = a
        .reason
        .as_deref()
        .map(|r| r.to_ascii_lowercase().contains("litigator"));
    let mut f = Findings {
        phone_valid: a.valid,
        activity_score: a.activity_score.map(|s| s.clamp(0.0, 100.0) as u8),
        carrier: a.carrier.clone(),
        is_prepaid: a.prepaid,
        dnc_national: a.dnc_national,
        dnc_state: a.dnc_state,
        is_litigator: litigator.filter(|l| *l),
        ..Findings::default()
    };
    f.flag_if(f.is_litigator, ReasonCode::CMP01);
    f.flag_if(a.dnc_national, ReasonCode::CMP02);
    f.flag_if(a.dnc_state, ReasonCode::CMP03);
    f.flag_if(a.valid.map(|v| !v), ReasonCode::PHN01);
    f.set_line_type(a.line_type.as_deref());
    f.flag_if(f.is_voip, ReasonCode::ENR03);
    f.flag_if(a.prepaid, ReasonCode::ENR02);
    f
}

/// Client. Options: `workflow_id` (required), `from` (caller id).
pub(crate) async fn call(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let phone = req.phone_e164.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "phone",
    })?;
    let workflow = ctx.options.str("workflow_id").unwrap_or_default();
    let from = ctx.options.str("from");
    let http_req = build(
        &ctx.base,
        &ctx.key,
        phone,
        &workflow,
        from.as_deref(),
        req.zip.as_deref(),
    )?;
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
    fn parses_the_documented_event_shape() {
        let body = r#"{ "id": "x", "orgId": 10000, "workspaceId": 99999, "workflowId": "w", "to": "+15551234567",
          "timestamp": "2024-10-21T11:16:48.285Z", "result": "Accepted", "channelType": "Voice", "reason": "DataBoost",
          "from": "+15559876543", "city": "New York", "state": "NY", "zip": "12345", "isTest": false,
          "validationResult": { "phone_number": "+1234567890", "is_valid": true, "activity_score": 85,
                                "line_type": "mobile", "carrier": "Verizon Wireless", "is_prepaid": false },
          "doNotCallResult": { "blocked": true, "sanCoverage": true, "reason": "Customer opt-in" },
          "stateDoNotCallResult": { "blocked": true, "reason": "National DNC Record Found" },
          "rndStatus": "no", "activeProspectResult": { "outcome": "error", "reason": "No certificate provided" },
          "events": [ { "timestamp": "t", "type": "INFO", "message": "Start" } ] }"#;
        let a = parse(&HttpResponse::new(200, body)).expect("parses");
        assert_eq!(a.accepted, Some(true));
        assert_eq!(
            findings(&a).reasons,
            vec![ReasonCode::CMP02, ReasonCode::CMP03]
        );
        let r = build(
            &Url::parse(DEFAULT_BASE_URL).expect("url"),
            &Secret::new("k"),
            "+15555551212",
            "660d",
            Some("+15555551213"),
            Some("12866"),
        )
        .expect("builds");
        assert_eq!(r.url.as_str(), "https://aegis.purecallerid.app/api/public/aegis?to=5555551212&from=5555551213&zip=12866&workflow-id=660d&format=json");
        assert_eq!(r.header_value("x-api-key"), Some("k"));
    }

    #[test]
    fn boolean_form_litigator_reason_and_garbage() {
        assert_eq!(
            parse(&HttpResponse::new(200, "false"))
                .expect("parses")
                .accepted,
            Some(false)
        );
        let lit = r#"{"result":"Rejected","reason":"Litigator","validationResult":{"is_valid":true,"line_type":"voip"}}"#;
        assert_eq!(
            findings(&parse(&HttpResponse::new(200, lit)).expect("parses")).reasons,
            vec![ReasonCode::CMP01, ReasonCode::ENR03]
        );
        assert_eq!(
            parse(&HttpResponse::new(200, r#"{"x":1}"#))
                .unwrap_err()
                .kind(),
            "malformed"
        );
    }
}
