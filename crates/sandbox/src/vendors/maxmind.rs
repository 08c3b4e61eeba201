//! MaxMind minFraud stand-in: `POST /maxmind/minfraud/v2.0/{score|insights|factors}`,
//! HTTP Basic (account id : license key), MaxMind's `{"code","error"}` error bodies.

use super::{basic_auth, json, key_state, KeyState};
use crate::data::{EmailProfile, IpProfile, PhoneProfile};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

/// The routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/maxmind/minfraud/v2.0/{service}", post(assess))
}

fn error(status: StatusCode, code: &str, msg: &str) -> Response {
    let mut r = json(status, json!({ "code": code, "error": msg }));
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(
            "application/vnd.maxmind.com-error+json; charset=UTF-8; version=2.0",
        ),
    );
    r
}

async fn assess(Path(service): Path<String>, headers: HeaderMap, body: String) -> Response {
    let Some((account, key)) = basic_auth(&headers) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "ACCOUNT_ID_REQUIRED",
            "You have not supplied a MaxMind account ID in the Authorization header.",
        );
    };
    if account.is_empty() {
        return error(
            StatusCode::UNAUTHORIZED,
            "ACCOUNT_ID_REQUIRED",
            "You have not supplied a MaxMind account ID in the Authorization header.",
        );
    }
    match key_state(Some(&key)) {
        KeyState::Ok => {}
        KeyState::Missing => {
            return error(
                StatusCode::UNAUTHORIZED,
                "LICENSE_KEY_REQUIRED",
                "You have not supplied a MaxMind license key.",
            )
        }
        KeyState::Bad => {
            return error(
                StatusCode::UNAUTHORIZED,
                "AUTHORIZATION_INVALID",
                "Invalid account ID or license key.",
            )
        }
        KeyState::NoCredit => {
            return error(
                StatusCode::PAYMENT_REQUIRED,
                "INSUFFICIENT_FUNDS",
                "The license key you have provided does not have sufficient funds.",
            )
        }
    }
    if !matches!(service.as_str(), "score" | "insights" | "factors") {
        return error(StatusCode::NOT_FOUND, "NOT_FOUND", "Unknown service.");
    }
    let Ok(tx) = serde_json::from_str::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "JSON_INVALID",
            "We encountered an error while parsing the request body.",
        );
    };
    let ip = tx
        .pointer("/device/ip_address")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ipp = IpProfile::of(ip);
    let email = tx
        .pointer("/email/address")
        .and_then(Value::as_str)
        .map(EmailProfile::of);
    let phone = tx
        .pointer("/billing/phone_number")
        .and_then(Value::as_str)
        .map(PhoneProfile::of);
    let risk = [
        f64::from(ipp.fraud_score()),
        email.map_or(0.0, |e| f64::from(e.fraud_score())),
        phone.map_or(0.0, |p| f64::from(p.fraud_score())),
    ]
    .into_iter()
    .fold(0.01_f64, f64::max)
    .min(99.0);
    let mut out = json!({
        "id": "5bc5d6c2-b2c8-40af-87f4-6d61af86b6ae", "risk_score": risk, "funds_remaining": 25.0, "queries_remaining": 5000,
        "ip_address": { "risk": f64::from(ipp.fraud_score()).max(0.01) },
        "disposition": { "action": if risk >= 80.0 { "reject" } else { "accept" }, "reason": "default" },
        "warnings": if ip.is_empty() { json!([{ "code": "IP_ADDRESS_MISSING", "warning": "No IP address was provided.", "input_pointer": "/device/ip_address" }]) } else { json!([]) }
    });
    if service != "score" {
        let anon = matches!(ipp, IpProfile::Proxy | IpProfile::Vpn | IpProfile::Tor);
        out["ip_address"]["traits"] = json!({
            "is_anonymous": anon, "is_anonymous_vpn": ipp == IpProfile::Vpn, "is_public_proxy": ipp == IpProfile::Proxy,
            "is_tor_exit_node": ipp == IpProfile::Tor, "is_hosting_provider": false, "is_residential_proxy": false,
            "connection_type": "Cable/DSL", "isp": "Sandbox ISP", "user_type": "residential"
        });
        out["ip_address"]["country"] = json!({ "iso_code": "US", "is_high_risk": false });
        if let Some(p) = phone {
            out["billing_phone"] = json!({ "country": "US", "is_voip": p == PhoneProfile::Voip, "matches_postal": true, "network_operator": "Sandbox Wireless", "number_type": "mobile" });
        }
        if let Some(e) = email {
            out["email"] = json!({ "is_disposable": e == EmailProfile::Disposable, "is_free": true, "is_high_risk": e == EmailProfile::HighFraud, "first_seen": "2017-01-02" });
        }
    }
    if service == "factors" {
        out["risk_score_reasons"] = json!([{ "multiplier": 1.0, "reasons": [] }]);
        out["subscores"] = json!({});
    }
    json(StatusCode::OK, out)
}
