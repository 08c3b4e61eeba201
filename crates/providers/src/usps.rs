//! USPS Addresses API v3 with its OAuth2 client-credentials token, cached and refreshed.
//!
//! Token: `POST {auth_base}/oauth2/v3/token` JSON `{client_id, client_secret,
//! grant_type: "client_credentials"}` → `{access_token, expires_in, ...}`. Lookup:
//! `GET {base}/addresses/v3/address?streetAddress=&secondaryAddress=&city=&state=&ZIPCode=`
//! with `Authorization: Bearer`. The token is reused until a minute before it expires,
//! and refreshed once when a lookup gets 401. A 400/404 means the address was not found
//! (ENR04), not a failure. The README's `address*`-prefixed keys and the 3.1.2 SDK's
//! `additionalInfo`/`corrections`/`matches` are both accepted (the sources conflict).
//! Free; the default rate limit is reportedly 60 requests/hour (UNCONFIRMED).

use crate::error::{shorten, CallError};
use crate::findings::Findings;
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::provider::{raw_json, Ctx, Outcome};
use crate::secret::Secret;
use crate::util::{join, value_f64};
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// Provider name.
pub const NAME: &str = "usps";
/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://apis.usps.com";
/// Free.
pub const PRICE_USD: f64 = 0.0;
/// Refresh this long before expiry.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A cached bearer token.
#[derive(Debug, Clone)]
pub struct CachedToken {
    /// The token.
    pub token: Secret,
    /// When it stops being used.
    pub refresh_at: Instant,
}

/// Builds the token request.
pub fn build_token(auth_base: &Url, client_id: &str, client_secret: &Secret) -> HttpRequest {
    HttpRequest::new(Method::Post, join(auth_base, &["oauth2/v3/token"]))
        .redact(client_secret)
        .header("content-type", "application/json")
        .body(Body::Json(json!({ "client_id": client_id, "client_secret": client_secret.expose(), "grant_type": "client_credentials" })))
}

/// Parses the token answer; `expires_in` may be a number or a string (default 8 h).
pub fn parse_token(resp: &HttpResponse, now: Instant) -> Result<CachedToken, CallError> {
    if matches!(resp.status, 400 | 401 | 403) {
        return Err(CallError::Unauthorized {
            provider: NAME,
            status: resp.status,
        });
    }
    resp.check_status(NAME)?;
    let v: Value = resp.json(NAME)?;
    let token = v
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty());
    let token = token.ok_or(CallError::Malformed {
        provider: NAME,
        detail: "no access_token".into(),
    })?;
    let ttl = Duration::from_secs(
        v.get("expires_in")
            .and_then(value_f64)
            .map_or(28_800, |s| s.max(0.0) as u64),
    );
    let refresh_at = now + ttl.saturating_sub(REFRESH_MARGIN);
    Ok(CachedToken {
        token: Secret::new(token),
        refresh_at,
    })
}

/// Builds the address lookup.
pub fn build_address(
    base: &Url,
    token: &Secret,
    req: &ProviderRequest,
) -> Result<HttpRequest, CallError> {
    let street = req.street.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "street",
    })?;
    let state = req.state.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "state",
    })?;
    if req.city.is_none() && req.zip.is_none() {
        return Err(CallError::MissingInput {
            provider: NAME,
            field: "city or ZIP",
        });
    }
    let mut url = join(base, &["addresses/v3/address"]);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("streetAddress", street)
            .append_pair("state", state);
        if let Some(c) = &req.city {
            q.append_pair("city", c);
        }
        if let Some(z) = &req.zip {
            q.append_pair("ZIPCode", z.get(..5).unwrap_or(z));
        }
    }
    Ok(HttpRequest::new(Method::Get, url)
        .bearer(token)
        .header("accept", "application/json"))
}

/// The parts of the answer Leadgate uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// Found at all.
    pub found: bool,
    /// `DPVConfirmation`: Y, D, S, N.
    pub dpv: Option<String>,
    /// `vacant`: Y/N.
    pub vacant: Option<String>,
    /// Normalised street line.
    pub street: Option<String>,
    /// ZIP+4.
    pub zip4: Option<String>,
}

/// Parses an address answer. 400/404 = not found; 401 is handled by the caller (refresh).
pub fn parse_address(resp: &HttpResponse) -> Result<Answer, CallError> {
    if matches!(resp.status, 400 | 404) {
        return Ok(Answer::default());
    }
    resp.check_status(NAME)?;
    let v: Value = resp.json(NAME)?;
    let addr = v.get("address").ok_or(CallError::Malformed {
        provider: NAME,
        detail: "no address".into(),
    })?;
    let info = v
        .get("addressAdditionalInfo")
        .or_else(|| v.get("additionalInfo"))
        .filter(|x| !x.is_null());
    let s = |o: Option<&Value>, k: &str| {
        o.and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Ok(Answer {
        found: true,
        dpv: s(info, "DPVConfirmation"),
        vacant: s(info, "vacant"),
        street: s(Some(addr), "streetAddress"),
        zip4: s(Some(addr), "ZIPPlus4"),
    })
}

/// Answer → confidence (Y 0.95, D/S 0.6, N or not found 0.1), ENR04 below 0.6 or vacant.
pub fn findings(a: &Answer) -> Findings {
    let c = if !a.found {
        0.1
    } else {
        match a.dpv.as_deref() {
            Some("Y") => 0.95,
            Some("D" | "S") => 0.6,
            Some("N") => 0.1,
            _ => 0.5,
        }
    };
    let vacant = a.vacant.as_deref() == Some("Y");
    let ok = c >= 0.6 && !vacant;
    let mut f = Findings {
        address_confidence: Some(c),
        address_valid: Some(ok),
        ..Findings::default()
    };
    f.flag_if(Some(!ok), ReasonCode::ENR04);
    f
}

/// The cached token if it is still good at `now`.
pub fn usable(cache: Option<&CachedToken>, now: Instant) -> Option<Secret> {
    cache
        .filter(|t| t.refresh_at > now)
        .map(|t| t.token.clone())
}

async fn token(ctx: &Ctx, budget: Option<Duration>, force: bool) -> Result<Secret, CallError> {
    let mut cache = ctx.token.lock().await;
    let now = Instant::now();
    if !force {
        if let Some(t) = usable(cache.as_ref(), now) {
            return Ok(t);
        }
    }
    let client_id = ctx.account_id.as_deref().unwrap_or("");
    let resp = ctx
        .send(&build_token(&ctx.base2, client_id, &ctx.key), budget, NAME)
        .await?;
    let fresh = parse_token(&resp, now)?;
    let t = fresh.token.clone();
    *cache = Some(fresh);
    Ok(t)
}

/// Client. `account_id` = OAuth client id, `api_key` = client secret, `base_url_2` = the
/// OAuth host when it differs from `base_url`.
pub(crate) async fn call(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let mut t = token(ctx, req.timeout, false).await?;
    let mut resp = ctx
        .send(&build_address(&ctx.base, &t, req)?, req.timeout, NAME)
        .await?;
    if resp.status == 401 {
        // Expired or revoked early: refresh once.
        t = token(ctx, req.timeout, true).await?;
        resp = ctx
            .send(&build_address(&ctx.base, &t, req)?, req.timeout, NAME)
            .await?;
        if resp.status == 401 {
            return Err(CallError::Unauthorized {
                provider: NAME,
                status: 401,
            });
        }
    }
    let a = parse_address(&resp).map_err(|e| match e {
        CallError::Rejected { status, code, .. } => CallError::Rejected {
            provider: NAME,
            status,
            code: shorten(&code),
        },
        e => e,
    })?;
    Ok(Outcome {
        findings: findings(&a),
        raw: raw_json(&resp),
        cost_usd: ctx.price_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = r#"{ "firm": null,
      "address": { "streetAddress": "3120 M ST NW", "streetAddressAbbreviation": null, "secondaryAddress": null, "city": "WASHINGTON",
                   "cityAbbreviation": null, "state": "DC", "ZIPCode": "20007", "ZIPPlus4": "3704", "urbanization": null },
      "addressAdditionalInfo": { "deliveryPoint": "20", "carrierRoute": "C036", "DPVConfirmation": "Y", "DPVCMRA": "N",
                                 "business": "Y", "centralDeliveryPoint": "N", "vacant": "N" },
      "addressCorrections": null, "addressMatches": null }"#;

    #[test]
    fn parses_the_readme_example_and_the_sdk_spelling() {
        let a = parse_address(&HttpResponse::new(200, README)).expect("parses");
        assert_eq!(a.dpv.as_deref(), Some("Y"));
        assert_eq!(a.zip4.as_deref(), Some("3704"));
        assert!(findings(&a).reasons.is_empty());
        let sdk = r#"{"address":{"streetAddress":"1 MAIN ST"},"additionalInfo":{"DPVConfirmation":"N"},"corrections":[],"matches":[]}"#;
        assert_eq!(
            findings(&parse_address(&HttpResponse::new(200, sdk)).expect("parses")).reasons,
            vec![ReasonCode::ENR04]
        );
        let nf = r#"{"error":{"code":"404","message":"Address Not Found.","errors":[]}}"#;
        assert_eq!(
            findings(&parse_address(&HttpResponse::new(404, nf)).expect("finding")).reasons,
            vec![ReasonCode::ENR04]
        );
    }

    #[test]
    fn cached_token_is_used_until_a_minute_before_expiry() {
        let now = Instant::now();
        let t = parse_token(
            &HttpResponse::new(200, r#"{"access_token":"abc","expires_in":28800}"#),
            now,
        )
        .expect("token");
        assert!(usable(Some(&t), now).is_some());
        assert!(usable(Some(&t), now + Duration::from_secs(28800 - 61)).is_some());
        assert!(usable(Some(&t), now + Duration::from_secs(28800 - 60)).is_none());
        assert!(usable(None, now).is_none());
    }

    #[test]
    fn token_expiry_is_read_as_number_or_string() {
        let now = Instant::now();
        let t = parse_token(
            &HttpResponse::new(
                200,
                r#"{"access_token":"abc","token_type":"Bearer","expires_in":"3600"}"#,
            ),
            now,
        )
        .expect("token");
        assert_eq!(t.refresh_at, now + Duration::from_secs(3540));
        assert_eq!(t.token.expose(), "abc");
        assert_eq!(
            parse_token(&HttpResponse::new(401, "{}"), now)
                .unwrap_err()
                .kind(),
            "unauthorized"
        );
        assert_eq!(
            parse_token(&HttpResponse::new(200, "{}"), now)
                .unwrap_err()
                .kind(),
            "malformed"
        );
        let r = build_token(
            &Url::parse(DEFAULT_BASE_URL).expect("url"),
            "cid",
            &Secret::new("CSECRET"),
        );
        assert!(!format!("{r:?}").contains("CSECRET"));
    }
}
