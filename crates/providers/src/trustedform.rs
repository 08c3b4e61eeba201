//! ActiveProspect TrustedForm Certificate API v4: match_lead, retain, insights, and
//! certificate URL validation.
//!
//! `POST https://cert.trustedform.com/{cert_id}` with `api-version: 4.0`, HTTP Basic
//! (user `API`, password = key). The client takes the certificate id from the lead's
//! certificate URL (validated here) and posts it to the configured `base_url`, so the
//! sandbox can stand in for the vendor. Price: contracted per claim, none published;
//! the default is a placeholder to be set from the contract.

use crate::error::{shorten, CallError};
use crate::findings::Findings;
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join, lenient_bool, lenient_f64, string_or_list, us10};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde::Deserialize;
use url::Url;

/// Provider name.
pub const NAME: &str = "trustedform";
/// Production base URL (the certificate host).
pub const DEFAULT_BASE_URL: &str = "https://cert.trustedform.com";
/// Placeholder price per claim (contracted; no public list).
pub const PRICE_USD: f64 = 0.05;
/// The insights properties requested by default.
pub const DEFAULT_INSIGHTS: &[&str] = &[
    "age_seconds",
    "bot_detected",
    "form_input_method",
    "approx_ip_geo",
    "ip",
    "page_url",
    "seconds_on_page",
    "created_at",
    "expires_at",
];

/// Why a certificate URL is not one TrustedForm issues.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertUrlError {
    /// Not a URL.
    #[error("not a URL")]
    NotAUrl,
    /// Not https on cert.trustedform.com (or the staging host).
    #[error("not a TrustedForm certificate host")]
    WrongHost,
    /// The id is not 40 or 80 URL-safe characters (nor a Facebook `0.` id).
    #[error("certificate id has the wrong shape")]
    BadId,
}

/// Validates a certificate URL and returns its id.
///
/// Shape from ActiveProspect's own LeadConduit integration (`lib/helpers.js`, third
/// party to the API docs): `https://cert.trustedform.com/` + 40 or 80 of `[-_a-zA-Z0-9]`,
/// Facebook certificates `0.<...>`, staging host `cert.staging.trustedform.com`.
pub fn cert_id(cert_url: &str) -> Result<String, CertUrlError> {
    let url = Url::parse(cert_url.trim()).map_err(|_| CertUrlError::NotAUrl)?;
    let host_ok = url.scheme() == "https"
        && matches!(
            url.host_str(),
            Some("cert.trustedform.com" | "cert.staging.trustedform.com")
        );
    if !host_ok || url.query().is_some() {
        return Err(CertUrlError::WrongHost);
    }
    let id = url.path().trim_start_matches('/');
    let safe = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let ok = (matches!(id.len(), 40 | 80) && safe(id))
        || (id.starts_with("0.")
            && id.len() <= 255
            && id.len() > 2
            && safe(&id[2..].replace('.', "")));
    if ok {
        Ok(id.to_owned())
    } else {
        Err(CertUrlError::BadId)
    }
}

/// What to ask for in one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim<'a> {
    /// Certificate id (from [`cert_id`]).
    pub cert_id: &'a str,
    /// Lead phone (E.164 or national).
    pub phone: Option<&'a str>,
    /// Lead email.
    pub email: Option<&'a str>,
    /// Retain with this reference (our lead id); None = match only.
    pub retain_reference: Option<&'a str>,
    /// Vendor name for retain.
    pub vendor: Option<&'a str>,
    /// Insights properties; empty = none.
    pub insights: &'a [&'a str],
}

/// Builds the v4 request.
pub fn build(base: &Url, api_key: &Secret, claim: &Claim<'_>) -> Result<HttpRequest, CallError> {
    if claim.phone.is_none() && claim.email.is_none() {
        return Err(CallError::MissingInput {
            provider: NAME,
            field: "phone or email",
        });
    }
    let mut match_lead = serde_json::Map::new();
    if let Some(e) = claim.email {
        match_lead.insert("email".into(), e.into());
    }
    if let Some(p) = claim.phone {
        // The docs' example sends 10 national digits ("5125551212").
        let p = us10(p).unwrap_or_else(|| p.chars().filter(|c| c.is_ascii_digit()).collect());
        match_lead.insert("phone".into(), p.into());
    }
    let mut body = serde_json::Map::new();
    body.insert("match_lead".into(), match_lead.into());
    if let Some(reference) = claim.retain_reference {
        let mut retain = serde_json::json!({ "reference": reference });
        if let Some(v) = claim.vendor {
            retain["vendor"] = v.into();
        }
        body.insert("retain".into(), retain);
    }
    if !claim.insights.is_empty() {
        body.insert(
            "insights".into(),
            serde_json::json!({ "properties": claim.insights }),
        );
    }
    Ok(HttpRequest::new(Method::Post, join(base, &[claim.cert_id]))
        .header("content-type", "application/json")
        .header("api-version", "4.0")
        .basic_auth("API", api_key)
        .body(Body::Json(body.into())))
}

/// `match_lead.result`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct MatchResult {
    /// Email matched the certificate (absent when no email was sent).
    #[serde(deserialize_with = "lenient_bool")]
    pub email_match: Option<bool>,
    /// Phone matched the certificate.
    #[serde(deserialize_with = "lenient_bool")]
    pub phone_match: Option<bool>,
    /// Overall match success.
    #[serde(deserialize_with = "lenient_bool")]
    pub success: Option<bool>,
}

/// `retain.results` (plural in the docs and fixture; LeadConduit reads `result`:
/// (UNCONFIRMED) which is current, both accepted).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RetainResult {
    /// When the retained certificate expires.
    pub expires_at: Option<String>,
    /// Already retained before this call.
    #[serde(deserialize_with = "lenient_bool")]
    pub previously_retained: Option<bool>,
    /// Masked certificate URL to hand to partners.
    pub masked_cert_url: Option<String>,
}

/// `insights.properties` (only the ones Leadgate uses; the rest are ignored).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Insights {
    /// Certificate age in seconds.
    #[serde(deserialize_with = "lenient_f64")]
    pub age_seconds: Option<f64>,
    /// Bot detected (alpha; null for unsupported certificate types).
    #[serde(deserialize_with = "lenient_bool")]
    pub bot_detected: Option<bool>,
    /// `typing`, `paste`, `autofill` (list; a single string is accepted too).
    #[serde(deserialize_with = "string_or_list")]
    pub form_input_method: Vec<String>,
    /// Visitor IP.
    pub ip: Option<String>,
    /// Page URL.
    pub page_url: Option<String>,
    /// Seconds on page.
    #[serde(deserialize_with = "lenient_f64")]
    pub seconds_on_page: Option<f64>,
    /// Approximate IP geolocation (kept raw).
    pub approx_ip_geo: Option<serde_json::Value>,
}

/// A parsed v4 answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// `success`, `failure` or `error`; `not_found` when the certificate is missing/expired.
    pub outcome: String,
    /// The vendor's reason.
    pub reason: Option<String>,
    /// Match result.
    pub matched: Option<MatchResult>,
    /// Retain result.
    pub retain: Option<RetainResult>,
    /// Insights.
    pub insights: Option<Insights>,
}

#[derive(Deserialize)]
struct Wire {
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    match_lead: Option<WireMatch>,
    #[serde(default)]
    retain: Option<WireRetain>,
    #[serde(default)]
    insights: Option<WireInsights>,
}
#[derive(Deserialize)]
struct WireMatch {
    #[serde(default)]
    result: Option<MatchResult>,
}
#[derive(Deserialize)]
struct WireRetain {
    #[serde(default)]
    results: Option<RetainResult>,
    #[serde(default)]
    result: Option<RetainResult>,
}
#[derive(Deserialize)]
struct WireInsights {
    #[serde(default)]
    properties: Option<Insights>,
}

/// Parses an answer. A missing, expired or sandboxed certificate is a fact about the lead
/// (outcome `not_found`, reason CMP05), not a provider failure. Numeric statuses per
/// error message are (UNCONFIRMED), so errors are classified by message as well.
pub fn parse(resp: &HttpResponse) -> Result<Answer, CallError> {
    if !(200..300).contains(&resp.status) {
        let msg = resp.error_message();
        let lower = msg.to_ascii_lowercase();
        if resp.status == 404
            || lower.contains("expired or could not be found")
            || lower.contains("sandboxed")
        {
            return Ok(Answer {
                outcome: "not_found".into(),
                reason: Some(shorten(&msg)),
                ..Answer::default()
            });
        }
        if lower.contains("api key") {
            return Err(CallError::Unauthorized {
                provider: NAME,
                status: resp.status,
            });
        }
        if lower.contains("out of funds") || lower.contains("inactive") {
            return Err(CallError::QuotaExhausted { provider: NAME });
        }
        resp.check_status(NAME)?;
    }
    let wire: Wire = resp.json(NAME)?;
    let outcome = wire.outcome.ok_or(CallError::Malformed {
        provider: NAME,
        detail: "no outcome".into(),
    })?;
    if outcome == "error" {
        return Err(CallError::Vendor {
            provider: NAME,
            message: shorten(wire.reason.as_deref().unwrap_or("error")),
            transient: false,
        });
    }
    Ok(Answer {
        outcome,
        reason: wire.reason,
        matched: wire.match_lead.and_then(|m| m.result),
        retain: wire.retain.and_then(|r| r.results.or(r.result)),
        insights: wire.insights.and_then(|i| i.properties),
    })
}

/// Answer → consent match (CMP04 when a field we sent does not match), missing or
/// expired certificate (CMP05), bot detected (INT06).
pub fn findings(answer: &Answer) -> Findings {
    let mut f = Findings::default();
    if answer.outcome == "not_found" {
        f.consent_valid = Some(false);
        f.flag(ReasonCode::CMP05);
        return f;
    }
    f.consent_valid = Some(true);
    if let Some(m) = &answer.matched {
        // Strict: consent to call a number is proven only if that number matched.
        let sent = [m.email_match, m.phone_match];
        let any_false = sent.contains(&Some(false)) || m.success == Some(false);
        let any_true = sent.contains(&Some(true));
        f.consent_match = Some(any_true && !any_false);
        if any_false || !any_true {
            f.flag(ReasonCode::CMP04);
        }
    }
    if let Some(i) = &answer.insights {
        f.bot_detected = i.bot_detected;
        f.flag_if(i.bot_detected, ReasonCode::INT06);
    }
    f
}

/// Client: match the lead against its certificate; options `retain` (bool, claims the
/// certificate with the lead id as reference), `vendor`, `insights` (list of properties,
/// or `true` for [`DEFAULT_INSIGHTS`]). A missing or malformed certificate URL is CMP05
/// without a call (and without cost).
pub(crate) async fn call(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let not_found = |why: &str| {
        let mut f = Findings {
            consent_valid: Some(false),
            ..Findings::default()
        };
        f.flag(ReasonCode::CMP05);
        Outcome {
            findings: f,
            raw: Some(serde_json::json!({ "outcome": "not_called", "reason": why })),
            cost_usd: 0.0,
        }
    };
    let Some(url) = req
        .trustedform_cert_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
    else {
        return Ok(not_found("no certificate URL"));
    };
    let id = match cert_id(url) {
        Ok(id) => id,
        Err(e) => return Ok(not_found(&e.to_string())),
    };
    let insights_owned: Vec<String> = match ctx.options.bool("insights") {
        Some(true) => DEFAULT_INSIGHTS.iter().map(|s| (*s).to_owned()).collect(),
        _ => ctx.options.list("insights").unwrap_or_default(),
    };
    let insights: Vec<&str> = insights_owned.iter().map(String::as_str).collect();
    let vendor = ctx.options.str("vendor");
    let claim = Claim {
        cert_id: &id,
        phone: req.phone_e164.as_deref(),
        email: req.email.as_deref(),
        retain_reference: ctx
            .options
            .bool("retain")
            .unwrap_or(false)
            .then_some(req.lead_id.as_str()),
        vendor: vendor.as_deref(),
        insights: &insights,
    };
    let http_req = build(&ctx.base, &ctx.key, &claim)?;
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let answer = parse(&resp)?;
    let cost = if answer.outcome == "not_found" {
        0.0
    } else {
        ctx.price_usd
    };
    Ok(Outcome {
        findings: findings(&answer),
        raw: raw_json(&resp),
        cost_usd: cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn certificate_urls_are_validated() {
        assert_eq!(
            cert_id(CERT).as_deref(),
            Ok("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(
            cert_id("https://cert.trustedform.com/short"),
            Err(CertUrlError::BadId)
        );
        assert_eq!(
            cert_id("http://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"),
            Err(CertUrlError::WrongHost)
        );
        assert_eq!(
            cert_id("https://evil.example/0123456789abcdef0123456789abcdef01234567"),
            Err(CertUrlError::WrongHost)
        );
        assert_eq!(cert_id("not a url"), Err(CertUrlError::NotAUrl));
        assert!(cert_id("https://cert.trustedform.com/0.abc_DEF-123").is_ok());
        assert!(cert_id(&format!(
            "https://cert.staging.trustedform.com/{}",
            "a".repeat(80)
        ))
        .is_ok());
    }

    #[test]
    fn request_matches_the_documented_shape() {
        let base = Url::parse(DEFAULT_BASE_URL).expect("url");
        let claim = Claim {
            cert_id: "0123456789abcdef0123456789abcdef01234567",
            phone: Some("+15125551212"),
            email: Some("janedoe@gmail.com"),
            retain_reference: Some("1128238382829"),
            vendor: Some("Acme Co."),
            insights: &["bot_detected"],
        };
        let req = build(&base, &Secret::new("key"), &claim).expect("builds");
        assert_eq!(
            req.url.as_str(),
            "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"
        );
        assert_eq!(req.header_value("api-version"), Some("4.0"));
        assert_eq!(
            req.header_value("authorization"),
            Some("Basic QVBJOmtleQ==")
        );
        let Body::Json(body) = &req.body else {
            panic!("json body")
        };
        assert_eq!(body["match_lead"]["phone"], "5125551212");
        assert_eq!(body["retain"]["reference"], "1128238382829");
        assert_eq!(body["insights"]["properties"][0], "bot_detected");
    }

    #[test]
    fn parses_the_documented_example() {
        let body = r#"{ "outcome": "success", "reason": null,
          "match_lead": { "email": "x", "phone": "y", "result": { "email_match": true, "phone_match": false, "success": true } },
          "retain": { "reference": "r", "vendor": "v", "results": { "expires_at": "2023-08-29T20:43:31.387448Z", "previously_retained": true, "masked_cert_url": "m" } },
          "insights": { "properties": { "age_seconds": 91430,
             "approx_ip_geo": { "city": "Austin", "country_code": "US", "lat": 30.2627, "lon": -97.7467 },
             "browser": { "full": "Firefox 112.0.", "name": "Firefox", "version": {} },
             "form_input_kpm": 212.38938053097348, "form_input_method": ["typing"], "ip": "24.28.104.159",
             "is_framed": false, "seconds_on_page": 8374, "bot_detected": null, "parent_page_url": null } } }"#;
        let a = parse(&HttpResponse::new(200, body)).expect("parses");
        assert_eq!(a.outcome, "success");
        assert_eq!(
            a.retain.as_ref().and_then(|r| r.previously_retained),
            Some(true)
        );
        let i = a.insights.as_ref().expect("insights");
        assert_eq!(i.age_seconds, Some(91430.0));
        assert_eq!(i.bot_detected, None);
        let f = findings(&a);
        assert_eq!(f.consent_match, Some(false));
        assert_eq!(f.reasons, vec![ReasonCode::CMP04]);
    }

    #[test]
    fn retain_result_singular_and_bot_detected() {
        let body = r#"{"outcome":"success","match_lead":{"result":{"email_match":true,"phone_match":true,"success":true}},
            "retain":{"result":{"previously_retained":false}},"insights":{"properties":{"bot_detected":true}}}"#;
        let a = parse(&HttpResponse::new(200, body)).expect("parses");
        assert_eq!(a.retain.and_then(|r| r.previously_retained), Some(false));
        let body = r#"{"outcome":"success","match_lead":{"result":{"email_match":true,"phone_match":true,"success":true}},
            "insights":{"properties":{"bot_detected":true,"new_field":1}}}"#;
        let f = findings(&parse(&HttpResponse::new(200, body)).expect("parses"));
        assert_eq!(f.consent_match, Some(true));
        assert_eq!(f.reasons, vec![ReasonCode::INT06]);
    }

    #[test]
    fn missing_certificate_is_a_lead_finding_and_bad_key_an_error() {
        let a = parse(&HttpResponse::new(
            404,
            r#"{"message":"certificate has expired or could not be found"}"#,
        ))
        .expect("finding");
        assert_eq!(findings(&a).reasons, vec![ReasonCode::CMP05]);
        assert_eq!(
            parse(&HttpResponse::new(
                401,
                r#"{"message":"Incorrect API key"}"#
            ))
            .unwrap_err()
            .kind(),
            "unauthorized"
        );
        assert_eq!(
            parse(&HttpResponse::new(
                402,
                r#"{"message":"Account is inactive or out of funds"}"#
            ))
            .unwrap_err()
            .kind(),
            "quota_exhausted"
        );
        assert_eq!(
            parse(&HttpResponse::new(
                200,
                r#"{"outcome":"error","reason":"Bad Request"}"#
            ))
            .unwrap_err()
            .kind(),
            "vendor_error"
        );
        assert_eq!(
            parse(&HttpResponse::new(200, "<html>")).unwrap_err().kind(),
            "malformed"
        );
    }
}
