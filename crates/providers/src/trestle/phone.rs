//! Phone Validation (`/3.0/phone_intel`) and Reverse Phone (`/3.2/phone`).

use super::*;

/// Builds a Phone Validation request (`/3.0/phone_intel`).
pub fn build_phone_intel(base: &Url, key: &Secret, phone: &str, litigator: bool) -> HttpRequest {
    let mut url = join(base, &["3.0/phone_intel"]);
    url.query_pairs_mut().append_pair("phone", phone);
    if litigator {
        url.query_pairs_mut()
            .append_pair("add_ons", "litigator_checks");
    }
    authed(url, key)
}

/// Builds a Reverse Phone request (`/3.2/phone`).
pub fn build_reverse_phone(
    base: &Url,
    key: &Secret,
    phone: &str,
    name_hint: Option<&str>,
) -> HttpRequest {
    let mut url = join(base, &["3.2/phone"]);
    url.query_pairs_mut().append_pair("phone", phone);
    if let Some(n) = name_hint {
        url.query_pairs_mut().append_pair("phone.name_hint", n);
    }
    authed(url, key)
}

/// A Phone Validation (`phone_intel`) answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhoneIntel {
    /// `is_valid`.
    pub valid: Option<bool>,
    /// `activity_score`.
    pub activity_score: Option<u8>,
    /// `line_type`.
    pub line_type: Option<String>,
    /// `carrier`.
    pub carrier: Option<String>,
    /// `is_prepaid`.
    pub prepaid: Option<bool>,
    /// `is_commercial`.
    pub commercial: Option<bool>,
    /// Litigator add-on.
    pub litigator: Option<bool>,
    /// Partial error.
    pub partial_error: Option<String>,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// Parses a Phone Validation answer.
pub fn parse_phone_intel(resp: &HttpResponse) -> Result<PhoneIntel, CallError> {
    let v = check(resp)?;
    let b = |k: &str| v.get(k).and_then(value_bool);
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let pi = PhoneIntel {
        valid: b("is_valid"),
        activity_score: v
            .get("activity_score")
            .and_then(value_f64)
            .map(|s| s.clamp(0.0, 100.0) as u8),
        line_type: s("line_type"),
        carrier: s("carrier"),
        prepaid: b("is_prepaid"),
        commercial: b("is_commercial"),
        litigator: add_on(
            &v,
            "litigator_checks",
            &["phone.is_litigator_risk", "phone_is_litigator_risk"],
        )
        .and_then(value_bool),
        partial_error: partial_error(&v),
        warnings: warnings(&v),
    };
    if pi.valid.is_none() {
        if let Some(e) = &pi.partial_error {
            return Err(CallError::Vendor {
                provider: NAME,
                message: e.clone(),
                transient: true,
            });
        }
    }
    Ok(pi)
}

/// Phone Validation → PHN01, ENR01, ENR02 (prepaid), ENR03, CMP01.
pub fn phone_intel_findings(pi: &PhoneIntel) -> Findings {
    let mut f = Findings {
        phone_valid: pi.valid,
        activity_score: pi.activity_score,
        is_prepaid: pi.prepaid,
        carrier: pi.carrier.clone(),
        is_litigator: pi.litigator,
        ..Findings::default()
    };
    f.flag_if(pi.litigator, ReasonCode::CMP01);
    f.flag_if(pi.valid.map(|v| !v), ReasonCode::PHN01);
    if let Some(s) = pi.activity_score {
        if s >= 70 {
            f.phone_active = Some(true);
        } else if s <= 30 {
            f.phone_active = Some(false);
            f.flag(ReasonCode::ENR01);
        }
    }
    f.set_line_type(pi.line_type.as_deref());
    f.flag_if(f.is_voip, ReasonCode::ENR03);
    f.flag_if(pi.prepaid, ReasonCode::ENR02);
    f
}

/// A Reverse Phone answer: validity, line type and the owners' names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReversePhone {
    /// `is_valid`.
    pub valid: Option<bool>,
    /// `line_type`.
    pub line_type: Option<String>,
    /// `carrier`.
    pub carrier: Option<String>,
    /// `is_prepaid`.
    pub prepaid: Option<bool>,
    /// Owner names (`owners[].name`; archived 3.1 `belongs_to.name` accepted).
    pub owner_names: Vec<String>,
}

/// Parses a Reverse Phone answer (3.2 `owners[]`, or archived 3.1 `belongs_to`).
pub fn parse_reverse_phone(resp: &HttpResponse) -> Result<ReversePhone, CallError> {
    let v = check(resp)?;
    let mut names = Vec::new();
    let mut collect = |o: &Value| {
        if let Some(n) = o.get("name").and_then(Value::as_str) {
            names.push(n.to_owned());
        }
    };
    match v.get("owners") {
        Some(Value::Array(owners)) => owners.iter().for_each(&mut collect),
        _ => match v.get("belongs_to") {
            Some(Value::Array(owners)) => owners.iter().for_each(&mut collect),
            Some(o @ Value::Object(_)) => collect(o),
            _ => {}
        },
    }
    Ok(ReversePhone {
        valid: v.get("is_valid").and_then(value_bool),
        line_type: v
            .get("line_type")
            .and_then(Value::as_str)
            .map(str::to_owned),
        carrier: v.get("carrier").and_then(Value::as_str).map(str::to_owned),
        prepaid: v.get("is_prepaid").and_then(value_bool),
        owner_names: names,
    })
}

/// True when `last_name` appears in any owner name (case-insensitive, whole word).
pub fn owner_matches(names: &[String], last_name: &str) -> bool {
    let want = last_name.trim().to_lowercase();
    !want.is_empty()
        && names.iter().any(|n| {
            n.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == want)
        })
}

/// Reverse Phone → PHN01, ENR03, ENR02, and ENR07 when a last name is given and no
/// owner carries it.
pub fn reverse_phone_findings(rp: &ReversePhone, last_name: Option<&str>) -> Findings {
    let mut f = Findings {
        phone_valid: rp.valid,
        is_prepaid: rp.prepaid,
        carrier: rp.carrier.clone(),
        ..Findings::default()
    };
    f.flag_if(rp.valid.map(|v| !v), ReasonCode::PHN01);
    f.set_line_type(rp.line_type.as_deref());
    f.flag_if(f.is_voip, ReasonCode::ENR03);
    f.flag_if(rp.prepaid, ReasonCode::ENR02);
    if let Some(last) = last_name {
        if !rp.owner_names.is_empty() {
            let m = owner_matches(&rp.owner_names, last);
            f.name_match = Some(m);
            f.flag_if(Some(!m), ReasonCode::ENR07);
        }
    }
    f
}

/// Client: Phone Validation; option `litigator` (bool) adds the litigator add-on.
pub(crate) async fn call_phone_intel(
    ctx: &Ctx,
    req: &ProviderRequest,
) -> Result<Outcome, CallError> {
    let phone = req.phone_e164.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "phone",
    })?;
    let http_req = build_phone_intel(
        &ctx.base,
        &ctx.key,
        phone,
        ctx.options.bool("litigator").unwrap_or(false),
    );
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let pi = parse_phone_intel(&resp)?;
    Ok(Outcome {
        findings: phone_intel_findings(&pi),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

/// Client: Reverse Phone, name-matched against the lead's last name.
pub(crate) async fn call_reverse_phone(
    ctx: &Ctx,
    req: &ProviderRequest,
) -> Result<Outcome, CallError> {
    let phone = req.phone_e164.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "phone",
    })?;
    let http_req = build_reverse_phone(&ctx.base, &ctx.key, phone, None);
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let rp = parse_reverse_phone(&resp)?;
    Ok(Outcome {
        findings: reverse_phone_findings(&rp, req.last_name.as_deref()),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpResponse;

    #[test]
    fn parses_the_documented_phone_intel_example() {
        let body = r#"{ "id": "Phone.3dbb6fef-a2df-4b08-cfe3-bc7128b6f5b4", "phone_number": "2069735100", "is_valid": true,
          "activity_score": 57, "country_calling_code": "1", "country_code": "US", "country_name": "United States",
          "line_type": "NonFixedVOIP", "carrier": "Level 3 Communications, LLC", "is_prepaid": false,
          "add_ons": { "litigator_checks": { "phone.is_litigator_risk": true } },
          "error": { "name": "InternalError", "message": "Could not retrieve entire response" }, "warnings": ["Missing Input"] }"#;
        let pi = parse_phone_intel(&HttpResponse::new(200, body)).expect("parses");
        assert_eq!(pi.carrier.as_deref(), Some("Level 3 Communications, LLC"));
        let f = phone_intel_findings(&pi);
        assert_eq!(f.reasons, vec![ReasonCode::CMP01, ReasonCode::ENR03]);
        let req = build_phone_intel(
            &Url::parse(DEFAULT_BASE_URL).expect("url"),
            &Secret::new("k"),
            "2069735100",
            true,
        );
        assert_eq!(
            req.url.as_str(),
            "https://api.trestleiq.com/3.0/phone_intel?phone=2069735100&add_ons=litigator_checks"
        );
    }

    #[test]
    fn reverse_phone_owners_and_name_match() {
        let body = r#"{"id":"Phone.1","phone_number":"2069735100","is_valid":true,"line_type":"Mobile","carrier":"T-Mobile",
            "is_prepaid":false,"is_commercial":false,"owners":[{"id":"Person.1","name":"Jane Q Doe","firstname":"Jane","lastname":"Doe","type":"Person"}]}"#;
        let rp = parse_reverse_phone(&HttpResponse::new(200, body)).expect("parses");
        assert_eq!(rp.owner_names, vec!["Jane Q Doe".to_owned()]);
        assert!(reverse_phone_findings(&rp, Some("doe")).reasons.is_empty());
        assert_eq!(
            reverse_phone_findings(&rp, Some("Smith")).reasons,
            vec![ReasonCode::ENR07]
        );
        let archived = r#"{"is_valid":true,"belongs_to":{"name":"John Smith"}}"#;
        assert_eq!(
            parse_reverse_phone(&HttpResponse::new(200, archived))
                .expect("parses")
                .owner_names,
            vec!["John Smith".to_owned()]
        );
    }
}
