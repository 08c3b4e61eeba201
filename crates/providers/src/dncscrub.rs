//! DNC.com (Contact Center Compliance, "DNCScrub"): the litigator-only scrub and the full
//! Do-Not-Call scrub.
//!
//! Endpoints (vendor docs): `GET {data}/v1.5/Scrub/litigator?phoneList=…` and
//! `GET {www}/app/main/rpc/scrub?phoneList=…&version=5&output=json`, both authenticated by
//! the `loginId` header. US numbers only, as 10 digits. Price: none published; the
//! defaults below are placeholders to be set from the contract (`price_usd`).

use crate::error::CallError;
use crate::findings::Findings;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join, lenient_bool, lenient_string, us10};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde::Deserialize;
use url::Url;

/// Provider name for errors and records.
pub const NAME: &str = "dncscrub";
/// Production host of the litigator API.
pub const DEFAULT_DATA_URL: &str = "https://dataapi.dncscrub.com";
/// Production host of the full scrub.
pub const DEFAULT_SCRUB_URL: &str = "https://www.dncscrub.com";
/// Placeholder price of one litigator lookup (no public price list).
pub const LITIGATOR_PRICE_USD: f64 = 0.002;
/// Placeholder price of one full scrub (no public price list).
pub const SCRUB_PRICE_USD: f64 = 0.006;

/// Builds the litigator-only scrub for one number.
pub fn build_litigator(
    base: &Url,
    login_id: &Secret,
    phone: &str,
) -> Result<HttpRequest, CallError> {
    let phone10 = us10(phone).ok_or(CallError::MissingInput {
        provider: NAME,
        field: "US phone",
    })?;
    let mut url = join(base, &["v1.5/Scrub/litigator"]);
    url.query_pairs_mut()
        .append_pair("phoneList", &phone10)
        .append_pair("outputFormat", "JsonArray");
    Ok(HttpRequest::new(Method::Get, url)
        .secret_header("loginId", login_id)
        .header("accept", "application/json"))
}

/// Builds the full DNC scrub (national, state, wireless, litigator, VoIP) for one number.
pub fn build_scrub(
    base: &Url,
    login_id: &Secret,
    phone: &str,
    campaign_id: Option<&str>,
) -> Result<HttpRequest, CallError> {
    let phone10 = us10(phone).ok_or(CallError::MissingInput {
        provider: NAME,
        field: "US phone",
    })?;
    let mut url = join(base, &["app/main/rpc/scrub"]);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("phoneList", &phone10)
            .append_pair("version", "5")
            .append_pair("output", "json");
        if let Some(c) = campaign_id {
            q.append_pair("campaignId", c);
        }
    }
    Ok(HttpRequest::new(Method::Get, url)
        .secret_header("loginId", login_id)
        .header("accept", "application/json"))
}

/// One row of the litigator answer: `{"Phone": 5039367187, "IsLitigator": true}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LitigatorRow {
    /// The number (the docs show a JSON number; strings accepted).
    #[serde(rename = "Phone", deserialize_with = "lenient_string", default)]
    pub phone: Option<String>,
    /// Known litigator.
    #[serde(rename = "IsLitigator", deserialize_with = "lenient_bool", default)]
    pub is_litigator: Option<bool>,
}

/// One row of the full scrub answer (every field is a string in the docs).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ScrubRow {
    /// The number.
    #[serde(rename = "Phone", deserialize_with = "lenient_string")]
    pub phone: Option<String>,
    /// `C` clean, `D` do-not-call, `L` wireless in a prohibited state, `Y` VoIP, `W` wireless,
    /// `I` invalid, `M` malformed, `B` blocked, `P` project DNC, `E`/`O`/`F`/`G`/`H`/`V` EBR, `X` exempt.
    #[serde(rename = "ResultCode")]
    pub result_code: String,
    /// e.g. `"National (USA) 2003-06-01;;;"` or `"Litigator"`.
    #[serde(rename = "Reason")]
    pub reason: String,
    /// State.
    #[serde(rename = "RegionAbbrev")]
    pub region: String,
    /// `"0"`/`"1"`.
    #[serde(rename = "IsWirelessOrVoIP", deserialize_with = "lenient_bool")]
    pub is_wireless_or_voip: Option<bool>,
    /// `Wireless`, `VoIP`, `AllOther`.
    #[serde(rename = "LineType")]
    pub line_type: String,
    /// `"9740;RBOC;\"AT&T California:AT&T California\""`.
    #[serde(rename = "CarrierInfo")]
    pub carrier_info: String,
}

fn rows<T: for<'de> Deserialize<'de>>(resp: &HttpResponse) -> Result<Vec<T>, CallError> {
    match resp.status {
        401 | 403 => {
            return Err(CallError::Unauthorized {
                provider: NAME,
                status: resp.status,
            })
        }
        _ => resp.check_status(NAME)?,
    }
    // The docs show an array; `outputFormat=JsonObject` gives one object. Accept both.
    let v: serde_json::Value = resp.json(NAME)?;
    let items = match v {
        serde_json::Value::Array(items) => items,
        obj @ serde_json::Value::Object(_) => vec![obj],
        other => {
            return Err(CallError::Malformed {
                provider: NAME,
                detail: format!("expected an array, got {other}"),
            })
        }
    };
    items
        .into_iter()
        .map(|i| {
            serde_json::from_value(i).map_err(|e| CallError::Malformed {
                provider: NAME,
                detail: e.to_string(),
            })
        })
        .collect()
}

/// Parses the litigator answer and returns the row for `phone` (10 digits).
pub fn parse_litigator(resp: &HttpResponse, phone10: &str) -> Result<LitigatorRow, CallError> {
    let rows: Vec<LitigatorRow> = rows(resp)?;
    pick(rows, phone10, |r| r.phone.as_deref())
}

/// Parses the full scrub answer and returns the row for `phone` (10 digits).
pub fn parse_scrub(resp: &HttpResponse, phone10: &str) -> Result<ScrubRow, CallError> {
    let rows: Vec<ScrubRow> = rows(resp)?;
    pick(rows, phone10, |r| r.phone.as_deref())
}

fn pick<T>(
    rows: Vec<T>,
    phone10: &str,
    phone: impl Fn(&T) -> Option<&str>,
) -> Result<T, CallError> {
    let n = rows.len();
    let mut first = None;
    for row in rows {
        if phone(&row).and_then(us10).as_deref() == Some(phone10) {
            return Ok(row);
        }
        if first.is_none() {
            first = Some(row);
        }
    }
    match (n, first) {
        (1, Some(row)) => Ok(row),
        _ => Err(CallError::Malformed {
            provider: NAME,
            detail: format!("no row for the number among {n}"),
        }),
    }
}

/// Litigator row → CMP01.
pub fn litigator_findings(row: &LitigatorRow) -> Findings {
    let mut f = Findings {
        is_litigator: row.is_litigator,
        ..Findings::default()
    };
    f.flag_if(row.is_litigator, ReasonCode::CMP01);
    f
}

/// Full scrub row → litigator (CMP01), national DNC (CMP02), state DNC or wireless in a
/// prohibited state (CMP03), invalid (PHN01), VoIP (ENR03).
pub fn scrub_findings(row: &ScrubRow) -> Findings {
    let mut f = Findings::default();
    let reason = row.reason.to_ascii_lowercase();
    let litigator = reason.contains("litigator");
    f.is_litigator = Some(litigator);
    if litigator {
        f.flag(ReasonCode::CMP01);
    }
    let code = row.result_code.trim().to_ascii_uppercase();
    match code.as_str() {
        "D" | "B" | "P" => {
            // `Reason` names the list. "State" lists are [UNCONFIRMED] spelling; anything
            // on a do-not-call code that is not a state list is treated as national.
            if reason.contains("state") && !reason.contains("national") {
                f.dnc_state = Some(true);
                f.flag(ReasonCode::CMP03);
            } else if !litigator || reason.contains("national") {
                f.dnc_national = Some(true);
                f.flag(ReasonCode::CMP02);
            }
        }
        "L" => {
            f.dnc_state = Some(true);
            f.flag(ReasonCode::CMP03);
        }
        "I" | "M" => {
            f.phone_valid = Some(false);
            f.flag(ReasonCode::PHN01);
        }
        _ => {
            f.dnc_national = Some(false);
        }
    }
    if code == "Y" || row.line_type.eq_ignore_ascii_case("voip") {
        f.set_line_type(Some("VoIP"));
        f.flag(ReasonCode::ENR03);
    } else if !row.line_type.is_empty() {
        f.set_line_type(Some(&row.line_type));
    }
    f
}

/// Client: litigator-only scrub of the lead's phone.
pub(crate) async fn call_litigator(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let phone = req.phone_e164.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "phone",
    })?;
    let http_req = build_litigator(&ctx.base, &ctx.key, phone)?;
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let phone10 = us10(phone).unwrap_or_default();
    let row = parse_litigator(&resp, &phone10)?;
    Ok(Outcome {
        findings: litigator_findings(&row),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

/// Client: full DNC scrub of the lead's phone (option `campaign_id`).
pub(crate) async fn call_scrub(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let phone = req.phone_e164.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "phone",
    })?;
    let campaign = ctx.options.str("campaign_id");
    let http_req = build_scrub(&ctx.base2, &ctx.key, phone, campaign.as_deref())?;
    let resp = ctx.send(&http_req, req.timeout, NAME).await?;
    let phone10 = us10(phone).unwrap_or_default();
    let row = parse_scrub(&resp, &phone10)?;
    Ok(Outcome {
        findings: scrub_findings(&row),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://dataapi.dncscrub.com").expect("url")
    }

    #[test]
    fn litigator_request_has_login_header_and_ten_digits() {
        let req = build_litigator(&base(), &Secret::new("K"), "+15039367187").expect("builds");
        assert_eq!(req.url.path(), "/v1.5/Scrub/litigator");
        assert_eq!(req.query("phoneList").as_deref(), Some("5039367187"));
        assert_eq!(req.header_value("loginId"), Some("K"));
        assert!(build_litigator(&base(), &Secret::new("K"), "+442079460000").is_err());
    }

    #[test]
    fn parses_the_documented_litigator_example() {
        let body = r#"[{"Phone": 5039367187, "IsLitigator": true}, {"Phone": 7075276405, "IsLitigator": false}]"#;
        let resp = HttpResponse::new(200, body);
        let row = parse_litigator(&resp, "5039367187").expect("parses");
        assert_eq!(row.is_litigator, Some(true));
        assert_eq!(litigator_findings(&row).reasons, vec![ReasonCode::CMP01]);
        let row = parse_litigator(&resp, "7075276405").expect("parses");
        assert!(litigator_findings(&row).reasons.is_empty());
    }

    #[test]
    fn parses_the_documented_scrub_row() {
        let body = r#"[{"Phone":"7075276405","ResultCode":"D","Reserved":"","Reason":"National (USA) 2003-06-01;;;",
            "RegionAbbrev":"CA","Country":"US","Locale":"Petaluma","CarrierInfo":"9740;RBOC;\"AT&T California:AT&T California\"",
            "NewReassignedAreaCode":"","TZCode":"P","CallingWindow":"","UTCOffset":"-8","DoNotCallToday":"","CallingTimeRestrictions":"",
            "EBRType":"","IsWirelessOrVoIP":"0","LineType":"AllOther"}]"#;
        let row = parse_scrub(&HttpResponse::new(200, body), "7075276405").expect("parses");
        assert_eq!(row.result_code, "D");
        let f = scrub_findings(&row);
        assert_eq!(f.reasons, vec![ReasonCode::CMP02]);
        assert_eq!(f.dnc_national, Some(true));
    }

    #[test]
    fn scrub_codes_map_to_reasons() {
        let row = |code: &str, reason: &str, lt: &str| ScrubRow {
            result_code: code.into(),
            reason: reason.into(),
            line_type: lt.into(),
            ..ScrubRow::default()
        };
        assert_eq!(
            scrub_findings(&row("D", "Litigator", "Wireless")).reasons,
            vec![ReasonCode::CMP01]
        );
        assert_eq!(
            scrub_findings(&row("D", "State (TX)", "Wireless")).reasons,
            vec![ReasonCode::CMP03]
        );
        assert_eq!(
            scrub_findings(&row("L", "", "Wireless")).reasons,
            vec![ReasonCode::CMP03]
        );
        assert_eq!(
            scrub_findings(&row("Y", "", "VoIP")).reasons,
            vec![ReasonCode::ENR03]
        );
        assert!(scrub_findings(&row("C", "", "Wireless")).reasons.is_empty());
        assert_eq!(
            scrub_findings(&row("I", "", "")).reasons,
            vec![ReasonCode::PHN01]
        );
    }

    #[test]
    fn bad_key_and_garbage_are_typed() {
        assert_eq!(
            parse_litigator(&HttpResponse::new(401, "Unauthorized"), "1")
                .unwrap_err()
                .kind(),
            "unauthorized"
        );
        assert_eq!(
            parse_litigator(&HttpResponse::new(200, "{\"Pho"), "1")
                .unwrap_err()
                .kind(),
            "malformed"
        );
        assert_eq!(
            parse_litigator(&HttpResponse::new(400, "bad phone"), "1")
                .unwrap_err()
                .kind(),
            "rejected"
        );
    }
}
