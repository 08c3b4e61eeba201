//! Real Contact: v1.1 (flat dotted keys) and v2.0 (nested objects), one parser for both.

use super::*;

/// Real Contact API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealContactVersion {
    /// `/1.1/real_contact`, flat dotted keys.
    V1_1,
    /// `/2.0/real_contact`, nested objects.
    V2_0,
}

/// Builds a Real Contact request. `add_ons`: e.g. `["litigator_checks", "email_checks_deliverability"]`.
pub fn build_real_contact(
    base: &Url,
    key: &Secret,
    version: RealContactVersion,
    q: &ContactQuery<'_>,
    add_ons: &[String],
) -> Result<HttpRequest, CallError> {
    let phone = q.phone.ok_or(CallError::MissingInput {
        provider: NAME,
        field: "phone",
    })?;
    let path = match version {
        RealContactVersion::V1_1 => "1.1/real_contact",
        RealContactVersion::V2_0 => "2.0/real_contact",
    };
    let mut url = join(base, &[path]);
    {
        let mut qp = url.query_pairs_mut();
        let full: Vec<&str> = [q.first_name, q.last_name].into_iter().flatten().collect();
        // `name` is required by 1.1; send it whenever we have one.
        if !full.is_empty() {
            qp.append_pair("name", &full.join(" "));
        }
        for (k, v) in [
            ("first_name", q.first_name),
            ("last_name", q.last_name),
            ("phone", Some(phone)),
            ("email", q.email),
            ("ip_address", q.ip),
            ("address.street_line_1", q.street),
            ("address.city", q.city),
            ("address.state_code", q.state),
            ("address.postal_code", q.zip),
            ("address.country_code", q.country),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                qp.append_pair(k, v);
            }
        }
        if !add_ons.is_empty() {
            qp.append_pair("add_ons", &add_ons.join(","));
        }
    }
    Ok(authed(url, key))
}

/// A Real Contact answer, whichever version produced it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RealContact {
    /// `phone.is_valid`.
    pub phone_valid: Option<bool>,
    /// `phone.activity_score` 0–100.
    pub activity_score: Option<u8>,
    /// `phone.line_type` (also read as `phone.linetype`, seen in a third-party client).
    pub line_type: Option<String>,
    /// `phone.name_match`.
    pub phone_name_match: Option<bool>,
    /// `phone.contact_grade` A–F.
    pub phone_contact_grade: Option<char>,
    /// `email.is_valid`.
    pub email_valid: Option<bool>,
    /// `email.name_match`.
    pub email_name_match: Option<bool>,
    /// `address.is_valid`.
    pub address_valid: Option<bool>,
    /// `address.name_match`.
    pub address_name_match: Option<bool>,
    /// Litigator add-on.
    pub litigator: Option<bool>,
    /// Email deliverability add-on.
    pub email_deliverable: Option<bool>,
    /// Email age add-on score.
    pub email_age_score: Option<f64>,
    /// v2.0 `ip_address.trust_score`.
    pub ip_trust_score: Option<f64>,
    /// In-body partial error (`error` in 1.1, `errors` in 2.0).
    pub partial_error: Option<String>,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// Parses a Real Contact answer (v1.1 or v2.0: the shape is detected per field).
pub fn parse_real_contact(resp: &HttpResponse) -> Result<RealContact, CallError> {
    let v = check(resp)?;
    let b = |x: Option<&Value>| x.and_then(value_bool);
    let rc = RealContact {
        phone_valid: b(field(&v, "phone", "is_valid")),
        activity_score: field(&v, "phone", "activity_score")
            .and_then(value_f64)
            .map(|s| s.clamp(0.0, 100.0) as u8),
        line_type: field(&v, "phone", "line_type")
            .or_else(|| field(&v, "phone", "linetype"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        phone_name_match: b(field(&v, "phone", "name_match")),
        phone_contact_grade: field(&v, "phone", "contact_grade")
            .and_then(Value::as_str)
            .and_then(|s| s.trim().chars().next()),
        email_valid: b(field(&v, "email", "is_valid")),
        email_name_match: b(field(&v, "email", "name_match")),
        address_valid: b(field(&v, "address", "is_valid")),
        address_name_match: b(field(&v, "address", "name_match")),
        litigator: b(add_on(
            &v,
            "litigator_checks",
            &["phone.is_litigator_risk", "phone_is_litigator_risk"],
        )),
        email_deliverable: b(add_on(
            &v,
            "email_checks",
            &["email.is_deliverable", "email_is_deliverable"],
        )),
        email_age_score: add_on(&v, "email_checks", &["email.age_score", "email_age_score"])
            .and_then(value_f64),
        ip_trust_score: field(&v, "ip_address", "trust_score").and_then(value_f64),
        partial_error: partial_error(&v),
        warnings: warnings(&v),
    };
    if rc.phone_valid.is_none() && rc.email_valid.is_none() && rc.address_valid.is_none() {
        if let Some(e) = &rc.partial_error {
            return Err(CallError::Vendor {
                provider: NAME,
                message: e.clone(),
                transient: true,
            });
        }
    }
    Ok(rc)
}

/// Real Contact → invalid phone (PHN01), disconnected (ENR01, activity ≤ 30), low grade
/// (ENR08, D–F), name mismatch (ENR07), VoIP (ENR03), litigator (CMP01), undeliverable or
/// invalid email (ENR06), invalid address (ENR04).
pub fn real_contact_findings(rc: &RealContact) -> Findings {
    let mut f = Findings {
        phone_valid: rc.phone_valid,
        activity_score: rc.activity_score,
        contact_grade: rc.phone_contact_grade,
        name_match: rc.phone_name_match,
        is_litigator: rc.litigator,
        email_valid: rc.email_valid,
        email_deliverable: rc.email_deliverable.or(rc.email_valid),
        address_valid: rc.address_valid,
        ..Findings::default()
    };
    f.flag_if(rc.litigator, ReasonCode::CMP01);
    f.flag_if(rc.phone_valid.map(|v| !v), ReasonCode::PHN01);
    if let Some(s) = rc.activity_score {
        // 50 means "not enough signal": only the documented ends decide.
        if s >= 70 {
            f.phone_active = Some(true);
        } else if s <= 30 {
            f.phone_active = Some(false);
            f.flag(ReasonCode::ENR01);
        }
    }
    f.set_line_type(rc.line_type.as_deref());
    f.flag_if(f.is_voip, ReasonCode::ENR03);
    f.flag_if(rc.phone_name_match.map(|m| !m), ReasonCode::ENR07);
    if matches!(
        rc.phone_contact_grade.map(|c| c.to_ascii_uppercase()),
        Some('D' | 'E' | 'F')
    ) {
        f.flag(ReasonCode::ENR08);
    }
    f.flag_if(f.email_deliverable.map(|d| !d), ReasonCode::ENR06);
    f.flag_if(rc.address_valid.map(|v| !v), ReasonCode::ENR04);
    f
}

/// Client: Real Contact; options `version` (`"1.1"` or `"2.0"`, default 2.0) and
/// `add_ons` (list).
pub(crate) async fn call_real_contact(
    ctx: &Ctx,
    req: &ProviderRequest,
) -> Result<Outcome, CallError> {
    let version = match ctx.options.str("version").as_deref() {
        Some("1.1") => RealContactVersion::V1_1,
        _ => RealContactVersion::V2_0,
    };
    let add_ons = ctx.options.list("add_ons").unwrap_or_default();
    let http_req = build_real_contact(&ctx.base, &ctx.key, version, &contact_query(req), &add_ons)?;
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let rc = parse_real_contact(&resp)?;
    Ok(Outcome {
        findings: real_contact_findings(&rc),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpResponse;

    const V11: &str = r#"{ "phone.is_valid": true, "phone.activity_score": 57, "phone.line_type": "Mobile",
      "phone.name_match": true, "phone.contact_grade": "A",
      "email.is_valid": true, "email.name_match": true, "email.contact_grade": "B",
      "address.is_valid": true, "address.name_match": true,
      "add_ons": { "litigator_checks": { "phone.is_litigator_risk": true },
                   "email_checks": { "email.is_deliverable": false, "email.age_score": 70 } },
      "error": { "name": "InternalError", "message": "Could not retrieve entire response" },
      "warnings": ["Missing Input"] }"#;

    const V20: &str = r#"{ "phone": { "contact_grade": "A", "is_valid": true, "activity_score": 95, "line_type": "Mobile", "name_match": true },
      "email": { "contact_grade": "A", "is_valid": true, "name_match": true },
      "address": { "is_valid": true, "name_match": true },
      "ip_address": { "trust_score": 92, "ip_distance_to_address": 12 },
      "add_ons": { "litigator_checks": { "phone_is_litigator_risk": false },
                   "email_checks": { "email_age_score": 95, "email_is_deliverable": true } },
      "warnings": [], "errors": null }"#;

    #[test]
    fn builds_real_contact_with_header_auth_and_add_ons() {
        let base = Url::parse("http://127.0.0.1:8090/trestle").expect("url");
        let q = ContactQuery {
            first_name: Some("Jane"),
            last_name: Some("Doe"),
            phone: Some("+12069735100"),
            street: Some("1 Main St"),
            ..Default::default()
        };
        let req = build_real_contact(
            &base,
            &Secret::new("k"),
            RealContactVersion::V1_1,
            &q,
            &["litigator_checks".into()],
        )
        .expect("builds");
        assert_eq!(req.url.path(), "/trestle/1.1/real_contact");
        assert_eq!(req.query("name").as_deref(), Some("Jane Doe"));
        assert_eq!(
            req.query("address.street_line_1").as_deref(),
            Some("1 Main St")
        );
        assert_eq!(req.query("add_ons").as_deref(), Some("litigator_checks"));
        assert_eq!(req.header_value("x-api-key"), Some("k"));
        assert!(build_real_contact(
            &base,
            &Secret::new("k"),
            RealContactVersion::V2_0,
            &ContactQuery::default(),
            &[]
        )
        .is_err());
    }

    #[test]
    fn parses_the_documented_v1_1_example() {
        let rc = parse_real_contact(&HttpResponse::new(200, V11)).expect("parses");
        assert_eq!(rc.activity_score, Some(57));
        assert_eq!(rc.litigator, Some(true));
        assert_eq!(rc.email_deliverable, Some(false));
        assert_eq!(
            rc.partial_error.as_deref(),
            Some("Could not retrieve entire response")
        );
        assert_eq!(rc.warnings, vec!["Missing Input".to_owned()]);
        let f = real_contact_findings(&rc);
        assert_eq!(f.reasons, vec![ReasonCode::CMP01, ReasonCode::ENR06]);
        assert_eq!(f.phone_active, None, "57 is neither end of the scale");
    }

    #[test]
    fn parses_the_documented_v2_0_example() {
        let rc = parse_real_contact(&HttpResponse::new(200, V20)).expect("parses");
        assert_eq!(rc.activity_score, Some(95));
        assert_eq!(rc.litigator, Some(false));
        assert_eq!(rc.email_deliverable, Some(true));
        assert_eq!(rc.ip_trust_score, Some(92.0));
        assert_eq!(rc.partial_error, None);
        let f = real_contact_findings(&rc);
        assert!(f.reasons.is_empty(), "{:?}", f.reasons);
        assert_eq!(f.phone_active, Some(true));
    }

    #[test]
    fn accepts_the_linetype_spelling_and_string_warnings() {
        let body = r#"{"phone.is_valid": true, "phone.linetype": "NonFixedVOIP", "phone.activity_score": 12,
            "phone.contact_grade": "F", "phone.name_match": false, "warnings": "Missing Input", "surprise": {"x": 1}}"#;
        let rc = parse_real_contact(&HttpResponse::new(200, body)).expect("parses");
        assert_eq!(rc.line_type.as_deref(), Some("NonFixedVOIP"));
        assert_eq!(rc.warnings, vec!["Missing Input".to_owned()]);
        let f = real_contact_findings(&rc);
        assert_eq!(
            f.reasons,
            vec![
                ReasonCode::ENR01,
                ReasonCode::ENR03,
                ReasonCode::ENR07,
                ReasonCode::ENR08
            ]
        );
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(
            parse_real_contact(&HttpResponse::new(401, ""))
                .unwrap_err()
                .kind(),
            "unauthorized"
        );
        assert_eq!(
            parse_real_contact(&HttpResponse::new(403, r#"{"message":"Quota exceeded"}"#))
                .unwrap_err()
                .kind(),
            "quota_exhausted"
        );
        assert_eq!(
            parse_real_contact(&HttpResponse::new(403, r#"{"message":"Forbidden"}"#))
                .unwrap_err()
                .kind(),
            "unauthorized"
        );
        assert_eq!(
            parse_real_contact(&HttpResponse::new(200, "[]"))
                .unwrap_err()
                .kind(),
            "malformed"
        );
        let only_error =
            r#"{"error":{"name":"InternalError","message":"Could not retrieve entire response"}}"#;
        let e = parse_real_contact(&HttpResponse::new(200, only_error)).unwrap_err();
        assert!(e.is_transient());
    }
}
