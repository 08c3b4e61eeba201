//! Reverse Address (`/3.1/location`).

use super::*;

/// Builds a Reverse Address request (`/3.1/location`). The docs conflict on parameter
/// names (redoc: `street_line_1`; curl example: `address.street_line_1`) (UNCONFIRMED):
/// `prefixed` picks the curl form, the default.
pub fn build_reverse_address(
    base: &Url,
    key: &Secret,
    q: &ContactQuery<'_>,
    prefixed: bool,
) -> Result<HttpRequest, CallError> {
    let street = q.street.ok_or(CallError::MissingInput {
        provider: NAME,
        field: "street",
    })?;
    let mut url = join(base, &["3.1/location"]);
    {
        let p = if prefixed { "address." } else { "" };
        let mut qp = url.query_pairs_mut();
        for (k, v) in [
            ("street_line_1", Some(street)),
            ("city", q.city),
            ("state_code", q.state),
            ("postal_code", q.zip),
            ("country_code", q.country),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                qp.append_pair(&format!("{p}{k}"), v);
            }
        }
    }
    Ok(authed(url, key))
}

/// A Reverse Address answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReverseAddress {
    /// `is_valid`.
    pub valid: Option<bool>,
    /// `is_active`.
    pub active: Option<bool>,
    /// `delivery_point` (SingleUnit, MultiUnit, POBox, PartialAddress).
    pub delivery_point: Option<String>,
    /// `current_residents[].name`.
    pub resident_names: Vec<String>,
    /// Warnings (e.g. "Invalid Address").
    pub warnings: Vec<String>,
}

/// Parses a Reverse Address answer.
pub fn parse_reverse_address(resp: &HttpResponse) -> Result<ReverseAddress, CallError> {
    let v = check(resp)?;
    let resident_names = v
        .get("current_residents")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(ReverseAddress {
        valid: v.get("is_valid").and_then(value_bool),
        active: v.get("is_active").and_then(value_bool),
        delivery_point: v
            .get("delivery_point")
            .and_then(Value::as_str)
            .map(str::to_owned),
        resident_names,
        warnings: warnings(&v),
    })
}

/// Reverse Address → ENR04 (invalid, inactive or partial), ENR07 (no resident with the last name).
pub fn reverse_address_findings(ra: &ReverseAddress, last_name: Option<&str>) -> Findings {
    let partial = ra.delivery_point.as_deref() == Some("PartialAddress");
    let ok = ra.valid.map(|v| v && ra.active != Some(false) && !partial);
    let mut f = Findings {
        address_valid: ok,
        address_confidence: ok.map(|ok| if ok { 0.9 } else { 0.2 }),
        ..Findings::default()
    };
    f.flag_if(ok.map(|v| !v), ReasonCode::ENR04);
    if let Some(last) = last_name {
        if !ra.resident_names.is_empty() {
            let m = owner_matches(&ra.resident_names, last);
            f.name_match = Some(m);
            f.flag_if(Some(!m), ReasonCode::ENR07);
        }
    }
    f
}

/// Client: Reverse Address; option `param_style` = `"plain"` for the redoc parameter names.
pub(crate) async fn call_reverse_address(
    ctx: &Ctx,
    req: &ProviderRequest,
) -> Result<Outcome, CallError> {
    let prefixed = ctx.options.str("param_style").as_deref() != Some("plain");
    let http_req = build_reverse_address(&ctx.base, &ctx.key, &contact_query(req), prefixed)?;
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let ra = parse_reverse_address(&resp)?;
    Ok(Outcome {
        findings: reverse_address_findings(&ra, req.last_name.as_deref()),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpResponse;

    #[test]
    fn reverse_address_validity() {
        let body = r#"{"id":"Location.1","is_valid":true,"street_line_1":"100 Main St","is_active":true,"delivery_point":"SingleUnit",
            "current_residents":[{"name":"Jane Doe"}],"warnings":[]}"#;
        let ra = parse_reverse_address(&HttpResponse::new(200, body)).expect("parses");
        assert!(reverse_address_findings(&ra, Some("Doe"))
            .reasons
            .is_empty());
        let bad = r#"{"is_valid":false,"warnings":["Invalid Address"]}"#;
        let ra = parse_reverse_address(&HttpResponse::new(200, bad)).expect("parses");
        assert_eq!(
            reverse_address_findings(&ra, None).reasons,
            vec![ReasonCode::ENR04]
        );
        let q = ContactQuery {
            street: Some("100 Main St"),
            city: Some("Seattle"),
            ..Default::default()
        };
        let base = Url::parse(DEFAULT_BASE_URL).expect("url");
        let req = build_reverse_address(&base, &Secret::new("k"), &q, true).expect("builds");
        assert_eq!(
            req.query("address.street_line_1").as_deref(),
            Some("100 Main St")
        );
        let req = build_reverse_address(&base, &Secret::new("k"), &q, false).expect("builds");
        assert_eq!(req.query("street_line_1").as_deref(), Some("100 Main St"));
    }
}
