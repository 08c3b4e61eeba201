//! MaxMind minFraud v2.0: Score, Insights, Factors.
//!
//! `POST {base}/minfraud/v2.0/{score|insights|factors}`, HTTP Basic (account id : license
//! key). Errors are `{"code": "...", "error": "..."}` (`AUTHORIZATION_INVALID`,
//! `LICENSE_KEY_REQUIRED`, `ACCOUNT_ID_REQUIRED` 401; `INSUFFICIENT_FUNDS` 402;
//! `PERMISSION_REQUIRED` 403; `JSON_INVALID`/`REQUEST_INVALID` 400). Prices per query
//! (MaxMind support site): Score $0.005, Insights $0.015, Factors $0.02.
//!
//! `risk_score` (0.01–99) is MaxMind's estimated fraud probability in percent; the FRD
//! thresholds (review ≥ 30, block ≥ 80) are Leadgate defaults, tunable per provider.

use crate::error::{shorten, CallError};
use crate::findings::Findings;
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join, value_bool, value_f64};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde_json::{json, Value};
use url::Url;

/// Provider name.
pub const NAME: &str = "maxmind";
/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://minfraud.maxmind.com";
/// Score price.
pub const SCORE_PRICE_USD: f64 = 0.005;
/// Insights price.
pub const INSIGHTS_PRICE_USD: f64 = 0.015;
/// Factors price.
pub const FACTORS_PRICE_USD: f64 = 0.02;
/// Default block threshold.
pub const BLOCK_AT: f64 = 80.0;
/// Default review threshold.
pub const REVIEW_AT: f64 = 30.0;

/// Which minFraud service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Score.
    Score,
    /// Insights.
    Insights,
    /// Factors.
    Factors,
}

impl Service {
    fn path(self) -> &'static str {
        match self {
            Service::Score => "minfraud/v2.0/score",
            Service::Insights => "minfraud/v2.0/insights",
            Service::Factors => "minfraud/v2.0/factors",
        }
    }
}

/// Builds the transaction body from the lead (only fields we have; `device.ip_address`
/// is the one MaxMind practically needs).
pub fn body(req: &ProviderRequest) -> Value {
    let mut tx = serde_json::Map::new();
    let mut device = serde_json::Map::new();
    if let Some(ip) = &req.ip {
        device.insert("ip_address".into(), ip.clone().into());
    }
    if let Some(ua) = &req.user_agent {
        device.insert("user_agent".into(), ua.clone().into());
    }
    if !device.is_empty() {
        tx.insert("device".into(), device.into());
    }
    if !req.lead_id.is_empty() {
        tx.insert("event".into(), json!({ "transaction_id": req.lead_id }));
    }
    if let Some(email) = &req.email {
        let domain = email.rsplit_once('@').map(|(_, d)| d.to_owned());
        tx.insert(
            "email".into(),
            json!({ "address": email, "domain": domain }),
        );
    }
    let mut billing = serde_json::Map::new();
    for (k, v) in [
        ("first_name", &req.first_name),
        ("last_name", &req.last_name),
        ("address", &req.street),
        ("city", &req.city),
        ("region", &req.state),
        ("postal", &req.zip),
        ("country", &req.country),
    ] {
        if let Some(v) = v {
            billing.insert(k.into(), v.clone().into());
        }
    }
    if let Some(p) = &req.phone_e164 {
        // minFraud wants the national number and the country code separately.
        let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
        if let Some(national) = digits
            .strip_prefix('1')
            .filter(|n| n.len() == 10 && p.starts_with("+1"))
        {
            billing.insert("phone_number".into(), national.into());
            billing.insert("phone_country_code".into(), "1".into());
        } else {
            billing.insert("phone_number".into(), digits.into());
        }
    }
    if !billing.is_empty() {
        tx.insert("billing".into(), billing.into());
    }
    Value::Object(tx)
}

/// Builds the request.
pub fn build(
    base: &Url,
    account_id: &str,
    license_key: &Secret,
    service: Service,
    tx: Value,
) -> HttpRequest {
    HttpRequest::new(Method::Post, join(base, &[service.path()]))
        .header("accept", "application/json")
        .basic_auth(account_id, license_key)
        .body(Body::Json(tx))
}

/// The parts of the answer Leadgate uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// `risk_score` 0.01–99.
    pub risk_score: Option<f64>,
    /// `ip_address.risk`.
    pub ip_risk: Option<f64>,
    /// Insights: any of `ip_address.traits.is_anonymous*`, `is_public_proxy`,
    /// `is_residential_proxy`, `is_tor_exit_node`, `is_hosting_provider`.
    pub ip_anonymous: Option<bool>,
    /// Insights: `billing_phone.is_voip`.
    pub phone_voip: Option<bool>,
    /// Insights: `email.is_disposable`.
    pub email_disposable: Option<bool>,
    /// Insights: `email.is_high_risk`.
    pub email_high_risk: Option<bool>,
    /// `queries_remaining`.
    pub queries_remaining: Option<f64>,
    /// `warnings[].code`.
    pub warnings: Vec<String>,
}

/// Parses an answer or a MaxMind error body.
pub fn parse(resp: &HttpResponse) -> Result<Answer, CallError> {
    if !(200..300).contains(&resp.status) {
        let v: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        let code = v.get("code").and_then(Value::as_str).unwrap_or("");
        return Err(match code {
            "AUTHORIZATION_INVALID"
            | "LICENSE_KEY_REQUIRED"
            | "ACCOUNT_ID_REQUIRED"
            | "PERMISSION_REQUIRED" => CallError::Unauthorized {
                provider: NAME,
                status: resp.status,
            },
            "INSUFFICIENT_FUNDS" => CallError::QuotaExhausted { provider: NAME },
            "" => return resp.check_status(NAME).map(|_| Answer::default()),
            other => match resp.check_status(NAME) {
                Err(CallError::Rejected { status, .. }) => CallError::Rejected {
                    provider: NAME,
                    status,
                    code: shorten(other),
                },
                Err(e) => e,
                Ok(()) => CallError::Malformed {
                    provider: NAME,
                    detail: "error code on a 2xx".into(),
                },
            },
        });
    }
    let v: Value = resp.json(NAME)?;
    let risk_score = v.get("risk_score").and_then(value_f64);
    if risk_score.is_none() {
        return Err(CallError::Malformed {
            provider: NAME,
            detail: "no risk_score".into(),
        });
    }
    let traits = v.get("ip_address").and_then(|i| i.get("traits"));
    let ip_anonymous = traits.map(|t| {
        [
            "is_anonymous",
            "is_anonymous_vpn",
            "is_public_proxy",
            "is_residential_proxy",
            "is_tor_exit_node",
            "is_hosting_provider",
        ]
        .iter()
        .any(|k| t.get(*k).and_then(value_bool) == Some(true))
    });
    Ok(Answer {
        risk_score,
        ip_risk: v
            .get("ip_address")
            .and_then(|i| i.get("risk"))
            .and_then(value_f64),
        ip_anonymous,
        phone_voip: v
            .get("billing_phone")
            .and_then(|p| p.get("is_voip"))
            .and_then(value_bool),
        email_disposable: v
            .get("email")
            .and_then(|e| e.get("is_disposable"))
            .and_then(value_bool),
        email_high_risk: v
            .get("email")
            .and_then(|e| e.get("is_high_risk"))
            .and_then(value_bool),
        queries_remaining: v.get("queries_remaining").and_then(value_f64),
        warnings: v
            .get("warnings")
            .and_then(Value::as_array)
            .map(|w| {
                w.iter()
                    .filter_map(|x| x.get("code").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Answer → FRD01/FRD02 by risk score, ENR05 (anonymous IP), ENR03 (VoIP billing phone),
/// SYN02 (disposable email).
pub fn findings(a: &Answer, block_at: f64, review_at: f64) -> Findings {
    let mut f = Findings {
        ip_proxy: a.ip_anonymous,
        email_disposable: a.email_disposable,
        ..Findings::default()
    };
    f.flag_fraud_score(a.risk_score, block_at, review_at);
    f.flag_if(a.ip_anonymous, ReasonCode::ENR05);
    if a.phone_voip.is_some() {
        f.is_voip = a.phone_voip;
        f.flag_if(a.phone_voip, ReasonCode::ENR03);
    }
    f.flag_if(a.email_disposable, ReasonCode::SYN02);
    f
}

/// Client. `account_id` is the MaxMind account id, `api_key` the license key. Options:
/// `fraud_block`, `fraud_review`.
pub(crate) async fn call(
    ctx: &Ctx,
    req: &ProviderRequest,
    service: Service,
) -> Result<Outcome, CallError> {
    if req.ip.is_none() {
        return Err(CallError::MissingInput {
            provider: NAME,
            field: "ip",
        });
    }
    let account = ctx.account_id.as_deref().unwrap_or("");
    let http_req = build(&ctx.base, account, &ctx.key, service, body(req));
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let a = parse(&resp)?;
    let f = findings(
        &a,
        ctx.options.f64("fraud_block").unwrap_or(BLOCK_AT),
        ctx.options.f64("fraud_review").unwrap_or(REVIEW_AT),
    );
    Ok(Outcome {
        findings: f,
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_with_basic_auth_and_the_lead() {
        let req = ProviderRequest {
            lead_id: "L1".into(),
            ip: Some("152.216.7.110".into()),
            email: Some("a@maxmind.com".into()),
            phone_e164: Some("+12034561234".into()),
            ..Default::default()
        };
        let r = build(
            &Url::parse(DEFAULT_BASE_URL).expect("url"),
            "42",
            &Secret::new("lk"),
            Service::Insights,
            body(&req),
        );
        assert_eq!(
            r.url.as_str(),
            "https://minfraud.maxmind.com/minfraud/v2.0/insights"
        );
        assert_eq!(r.header_value("authorization"), Some("Basic NDI6bGs="));
        let Body::Json(b) = &r.body else {
            panic!("json")
        };
        assert_eq!(b["device"]["ip_address"], "152.216.7.110");
        assert_eq!(b["billing"]["phone_number"], "2034561234");
        assert_eq!(b["email"]["domain"], "maxmind.com");
    }

    #[test]
    fn parses_score_and_insights() {
        let score = r#"{"id":"5bc5d6c2-b2c8-40af-87f4-6d61af86b6ae","risk_score":0.01,"funds_remaining":25,"queries_remaining":5000,
            "ip_address":{"risk":0.01},"disposition":{"action":"accept","reason":"default"},
            "warnings":[{"code":"INPUT_INVALID","warning":"bad","input_pointer":"/account/user_id"}]}"#;
        let a = parse(&HttpResponse::new(200, score)).expect("parses");
        assert_eq!(a.warnings, vec!["INPUT_INVALID".to_owned()]);
        assert!(findings(&a, BLOCK_AT, REVIEW_AT).reasons.is_empty());
        let insights = r#"{"risk_score":91.5,"ip_address":{"risk":50,"traits":{"is_anonymous":true,"is_public_proxy":true,"isp":"x"}},
            "billing_phone":{"is_voip":true,"number_type":"fixed"},"email":{"is_disposable":false,"is_free":true}}"#;
        let a = parse(&HttpResponse::new(200, insights)).expect("parses");
        assert_eq!(
            findings(&a, BLOCK_AT, REVIEW_AT).reasons,
            vec![ReasonCode::FRD01, ReasonCode::ENR05, ReasonCode::ENR03]
        );
    }

    #[test]
    fn error_codes_are_typed() {
        let e = |status, code: &str| {
            parse(&HttpResponse::new(
                status,
                format!(r#"{{"code":"{code}","error":"x"}}"#),
            ))
            .unwrap_err()
        };
        assert_eq!(e(401, "AUTHORIZATION_INVALID").kind(), "unauthorized");
        assert_eq!(e(402, "INSUFFICIENT_FUNDS").kind(), "quota_exhausted");
        assert_eq!(
            e(400, "IP_ADDRESS_INVALID"),
            CallError::Rejected {
                provider: NAME,
                status: 400,
                code: "IP_ADDRESS_INVALID".into()
            }
        );
        assert_eq!(
            parse(&HttpResponse::new(503, "")).unwrap_err().kind(),
            "server_error"
        );
        assert_eq!(
            parse(&HttpResponse::new(200, "{}")).unwrap_err().kind(),
            "malformed"
        );
    }
}
