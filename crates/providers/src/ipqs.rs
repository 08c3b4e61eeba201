//! IPQualityScore: phone, email and IP (proxy/VPN) reputation.
//!
//! `GET {base}/api/json/{phone|email|ip}/{key}/{value}` (the documented form: the key sits
//! in the path, so [`HttpRequest`]'s `Debug` masks it and transport errors drop the URL).
//! Failures arrive as HTTP 200 with `success: false` and a `message` ("Invalid or
//! unauthorized key…", "You have insufficient credits…"). Price: none published
//! (placeholder default, set `price_usd` from the plan).
//!
//! Fraud-score thresholds follow IPQS's guidance: ≥ 85 high risk (FRD01), ≥ 75
//! suspicious (FRD02).

use crate::error::{shorten, CallError};
use crate::findings::Findings;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join_value, lenient_bool, lenient_f64, value_bool};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde::Deserialize;
use url::Url;

/// Provider name.
pub const NAME: &str = "ipqs";
/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://www.ipqualityscore.com";
/// Placeholder price per lookup (no public price list).
pub const PRICE_USD: f64 = 0.004;
/// FRD01 threshold.
pub const HIGH_RISK: f64 = 85.0;
/// FRD02 threshold.
pub const SUSPICIOUS: f64 = 75.0;

/// Which IPQS API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Phone validation.
    Phone,
    /// Email validation.
    Email,
    /// Proxy / VPN / IP reputation.
    Ip,
}

impl Api {
    fn path(self) -> &'static str {
        match self {
            Api::Phone => "phone",
            Api::Email => "email",
            Api::Ip => "ip",
        }
    }
}

/// Builds a lookup. `params` are extra query parameters (`strictness`, `fast`,
/// `user_agent`, `country`, ...).
pub fn build(
    base: &Url,
    key: &Secret,
    api: Api,
    value: &str,
    params: &[(&str, String)],
) -> HttpRequest {
    // Phones go as digits with the country code (`+1 800…` → `1800…`).
    let value = match api {
        Api::Phone => value.chars().filter(|c| c.is_ascii_digit()).collect(),
        _ => value.trim().to_owned(),
    };
    let mut url = join_value(base, &["api/json", api.path(), key.expose()], &value);
    if !params.is_empty() {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    HttpRequest::new(Method::Get, url)
        .redact(key)
        .header("accept", "application/json")
}

/// Fields common to the three answers (plus each API's own, all optional).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Answer {
    /// `success`.
    #[serde(deserialize_with = "lenient_bool")]
    pub success: Option<bool>,
    /// `message`.
    pub message: Option<String>,
    /// `fraud_score` 0–100.
    #[serde(deserialize_with = "lenient_f64")]
    pub fraud_score: Option<f64>,
    /// `valid` (phone, email).
    #[serde(deserialize_with = "lenient_bool")]
    pub valid: Option<bool>,
    /// `recent_abuse`.
    #[serde(deserialize_with = "lenient_bool")]
    pub recent_abuse: Option<bool>,
    /// Phone: `VOIP` (exact case in the docs; `voip` accepted).
    #[serde(rename = "VOIP", alias = "voip", deserialize_with = "lenient_bool")]
    pub voip: Option<bool>,
    /// Phone: `prepaid`.
    #[serde(deserialize_with = "lenient_bool")]
    pub prepaid: Option<bool>,
    /// Phone: `risky`.
    #[serde(deserialize_with = "lenient_bool")]
    pub risky: Option<bool>,
    /// Phone: `active`.
    #[serde(deserialize_with = "lenient_bool")]
    pub active: Option<bool>,
    /// Phone: `carrier`.
    pub carrier: Option<String>,
    /// Phone: `line_type` ("Toll Free", "Wireless", "VOIP", ...).
    pub line_type: Option<String>,
    /// Phone: `do_not_call`.
    #[serde(deserialize_with = "lenient_bool")]
    pub do_not_call: Option<bool>,
    /// Email: `disposable`.
    #[serde(deserialize_with = "lenient_bool")]
    pub disposable: Option<bool>,
    /// Email: `deliverability` ("high", "medium", "low").
    pub deliverability: Option<String>,
    /// Email: `dns_valid`.
    #[serde(deserialize_with = "lenient_bool")]
    pub dns_valid: Option<bool>,
    /// Email: `honeypot`.
    #[serde(deserialize_with = "lenient_bool")]
    pub honeypot: Option<bool>,
    /// Email: `suggested_domain` ("N/A" when none).
    pub suggested_domain: Option<String>,
    /// IP: `proxy`.
    #[serde(deserialize_with = "lenient_bool")]
    pub proxy: Option<bool>,
    /// IP: `vpn`.
    #[serde(deserialize_with = "lenient_bool")]
    pub vpn: Option<bool>,
    /// IP: `tor`.
    #[serde(deserialize_with = "lenient_bool")]
    pub tor: Option<bool>,
    /// IP: `active_vpn`.
    #[serde(deserialize_with = "lenient_bool")]
    pub active_vpn: Option<bool>,
    /// IP: `active_tor`.
    #[serde(deserialize_with = "lenient_bool")]
    pub active_tor: Option<bool>,
    /// IP: `bot_status`.
    #[serde(deserialize_with = "lenient_bool")]
    pub bot_status: Option<bool>,
    /// IP: `connection_type` ("Data Center", "Residential", ...).
    pub connection_type: Option<String>,
    /// `request_id`.
    pub request_id: Option<String>,
}

/// Parses an answer; `success: false` becomes a typed error by its message.
pub fn parse(resp: &HttpResponse) -> Result<Answer, CallError> {
    resp.check_status(NAME)?;
    let v: serde_json::Value = resp.json(NAME)?;
    if !v.is_object() {
        return Err(CallError::Malformed {
            provider: NAME,
            detail: "expected a JSON object".into(),
        });
    }
    let success = v.get("success").and_then(value_bool);
    let answer: Answer = serde_json::from_value(v).map_err(|e| CallError::Malformed {
        provider: NAME,
        detail: shorten(&e.to_string()),
    })?;
    match success {
        Some(true) => Ok(answer),
        Some(false) => {
            let msg = answer.message.clone().unwrap_or_default();
            let lower = msg.to_ascii_lowercase();
            Err(
                if lower.contains("key")
                    && (lower.contains("invalid") || lower.contains("unauthorized"))
                {
                    CallError::Unauthorized {
                        provider: NAME,
                        status: resp.status,
                    }
                } else if lower.contains("credits") || lower.contains("quota") {
                    CallError::QuotaExhausted { provider: NAME }
                } else {
                    CallError::Vendor {
                        provider: NAME,
                        transient: lower.contains("try again"),
                        message: shorten(&msg),
                    }
                },
            )
        }
        None => Err(CallError::Malformed {
            provider: NAME,
            detail: "no success flag".into(),
        }),
    }
}

/// Answer → reasons for the API asked.
pub fn findings(api: Api, a: &Answer) -> Findings {
    let mut f = Findings::default();
    match api {
        Api::Phone => {
            f.phone_valid = a.valid;
            f.phone_active = a.active;
            f.is_prepaid = a.prepaid;
            f.carrier = a.carrier.clone();
            f.set_line_type(a.line_type.as_deref());
            if a.voip.is_some() {
                f.is_voip = a.voip;
            }
            f.dnc_national = a.do_not_call;
            f.flag_if(a.do_not_call, ReasonCode::CMP02);
            f.flag_if(a.valid.map(|v| !v), ReasonCode::PHN01);
            f.flag_if(a.active.map(|v| !v), ReasonCode::ENR01);
            f.flag_if(f.is_voip, ReasonCode::ENR03);
            f.flag_if(a.prepaid, ReasonCode::ENR02);
        }
        Api::Email => {
            f.email_valid = a.valid;
            f.email_disposable = a.disposable;
            let low = a
                .deliverability
                .as_deref()
                .map(|d| d.eq_ignore_ascii_case("low"));
            f.email_deliverable = match (a.valid, low) {
                (Some(false), _) => Some(false),
                (_, Some(low)) => Some(!low),
                (v, None) => v,
            };
            f.email_has_mx = a.dns_valid;
            f.flag_if(a.disposable, ReasonCode::SYN02);
            f.flag_if(f.email_deliverable.map(|d| !d), ReasonCode::ENR06);
        }
        Api::Ip => {
            let any = [a.proxy, a.vpn, a.tor, a.active_vpn, a.active_tor];
            f.ip_proxy = if any.contains(&Some(true)) {
                Some(true)
            } else if any.iter().any(Option::is_some) {
                Some(false)
            } else {
                None
            };
            f.bot_detected = a.bot_status;
            f.flag_if(a.bot_status, ReasonCode::INT06);
            f.flag_if(f.ip_proxy, ReasonCode::ENR05);
        }
    }
    f.flag_fraud_score(a.fraud_score, HIGH_RISK, SUSPICIOUS);
    f
}

/// Client: one IPQS lookup. Options: `strictness` (default 1), `fraud_block` /
/// `fraud_review` thresholds, `fast` (email: skip SMTP), `country` (phone).
pub(crate) async fn call(ctx: &Ctx, req: &ProviderRequest, api: Api) -> Result<Outcome, CallError> {
    let (value, field) = match api {
        Api::Phone => (req.phone_e164.as_deref(), "phone"),
        Api::Email => (req.email.as_deref(), "email"),
        Api::Ip => (req.ip.as_deref(), "ip"),
    };
    let value = value
        .filter(|v| !v.is_empty())
        .ok_or(CallError::MissingInput {
            provider: NAME,
            field,
        })?;
    let mut params = vec![(
        "strictness",
        ctx.options.str("strictness").unwrap_or_else(|| "1".into()),
    )];
    match api {
        Api::Phone => {
            if let Some(c) = ctx.options.str("country").or_else(|| req.country.clone()) {
                params.push(("country", c));
            }
        }
        Api::Email => {
            if let Some(fast) = ctx.options.bool("fast") {
                params.push(("fast", fast.to_string()));
            }
        }
        Api::Ip => {
            if let Some(ua) = &req.user_agent {
                params.push(("user_agent", ua.clone()));
            }
        }
    }
    let http_req = build(&ctx.base, &ctx.key, api, value, &params);
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let answer = parse(&resp)?;
    let mut f = findings(api, &answer);
    let high = ctx.options.f64("fraud_block").unwrap_or(HIGH_RISK);
    let elevated = ctx.options.f64("fraud_review").unwrap_or(SUSPICIOUS);
    if (high, elevated) != (HIGH_RISK, SUSPICIOUS) {
        f.reasons
            .retain(|r| !matches!(r, ReasonCode::FRD01 | ReasonCode::FRD02));
        f.flag_fraud_score(answer.fraud_score, high, elevated);
    }
    Ok(Outcome {
        findings: f,
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: &str = r#"{ "message": "Phone is valid.", "success": true, "formatted": "+18007132618", "local_format": "(800) 713-2618",
      "valid": true, "fraud_score": 100, "recent_abuse": true, "VOIP": false, "prepaid": null, "risky": true,
      "active": true, "carrier": "SomosGov", "line_type": "Toll Free", "country": "US", "city": "Telephone",
      "zip_code": "75488", "region": "TX", "dialing_code": 1, "active_status": "N/A", "sms_domain": "N/A",
      "associated_email_addresses": { "status": "No associated emails found.", "emails": [] },
      "user_activity": "Disabled for performance. Contact support for further assistance.",
      "mnc": "N/A", "mcc": "N/A", "leaked": false, "spammer": false, "request_id": "ZyvVBKGWvE",
      "name": "N/A", "timezone": "America/Chicago", "do_not_call": false, "accurate_country_code": false, "sms_email": "N/A" }"#;

    #[test]
    fn key_in_path_is_masked_in_debug() {
        let base = Url::parse("http://127.0.0.1:8090/ipqs").expect("url");
        let req = build(
            &base,
            &Secret::new("SECRETKEY"),
            Api::Phone,
            "+1 800 713 2618",
            &[("strictness", "1".into())],
        );
        assert_eq!(req.url.path(), "/ipqs/api/json/phone/SECRETKEY/18007132618");
        assert_eq!(req.query("strictness").as_deref(), Some("1"));
        assert!(!format!("{req:?}").contains("SECRETKEY"));
        let req = build(&base, &Secret::new("K"), Api::Email, "a+b@x.com", &[]);
        assert_eq!(req.url.path(), "/ipqs/api/json/email/K/a+b@x.com");
    }

    #[test]
    fn parses_the_documented_phone_example() {
        let a = parse(&HttpResponse::new(200, PHONE)).expect("parses");
        assert_eq!(a.fraud_score, Some(100.0));
        assert_eq!(a.voip, Some(false));
        assert_eq!(a.prepaid, None);
        let f = findings(Api::Phone, &a);
        assert_eq!(f.reasons, vec![ReasonCode::FRD01]);
        assert_eq!(f.is_voip, Some(false), "VOIP=false wins over the line type");
    }

    #[test]
    fn email_and_ip_findings() {
        let email = r#"{"success":true,"valid":true,"disposable":true,"deliverability":"low","fraud_score":80,"dns_valid":true,
            "smtp_score":1,"overall_score":1,"suggested_domain":"N/A","domain_age":{"human":"x"}}"#;
        let f = findings(
            Api::Email,
            &parse(&HttpResponse::new(200, email)).expect("parses"),
        );
        assert_eq!(
            f.reasons,
            vec![ReasonCode::SYN02, ReasonCode::ENR06, ReasonCode::FRD02]
        );
        let ip = r#"{"success":true,"fraud_score":30,"proxy":true,"vpn":true,"tor":false,"bot_status":false,"ISP":"x","ASN":1,
            "connection_type":"Data Center"}"#;
        let f = findings(
            Api::Ip,
            &parse(&HttpResponse::new(200, ip)).expect("parses"),
        );
        assert_eq!(f.reasons, vec![ReasonCode::ENR05]);
        assert_eq!(f.ip_proxy, Some(true));
    }

    #[test]
    fn in_body_failures_are_typed() {
        let bad_key = r#"{"success":false,"message":"Invalid or unauthorized key. Please check the API key and try again."}"#;
        assert_eq!(
            parse(&HttpResponse::new(200, bad_key)).unwrap_err().kind(),
            "unauthorized"
        );
        let broke =
            r#"{"success":false,"message":"You have insufficient credits to make this query."}"#;
        assert_eq!(
            parse(&HttpResponse::new(200, broke)).unwrap_err().kind(),
            "quota_exhausted"
        );
        assert_eq!(
            parse(&HttpResponse::new(200, "{\"valid\":true}"))
                .unwrap_err()
                .kind(),
            "malformed"
        );
        assert_eq!(
            parse(&HttpResponse::new(200, "<html>")).unwrap_err().kind(),
            "malformed"
        );
    }
}
