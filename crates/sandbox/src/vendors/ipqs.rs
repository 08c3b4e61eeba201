//! IPQualityScore stand-in: `/ipqs/api/json/{phone|email|ip}/{key}/{value}` (key in the
//! path), or `/ipqs/api/json/{api}/{value}` with the `IPQS-KEY` header or `key=` query.
//! Failures are HTTP 200 with `success: false`, as the vendor does.

use super::{header_str, json, key_state, KeyState};
use crate::data::{EmailProfile, IpProfile, PhoneProfile};
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;
use std::collections::HashMap;

/// The routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/ipqs/api/json/{api}/{key}/{value}", get(with_path_key))
        .route("/ipqs/api/json/{api}/{value}", get(with_header_key))
}

async fn with_path_key(
    Path((api, key, value)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    answer(&api, Some(&key), &value, &q)
}

async fn with_header_key(
    Path((api, value)): Path<(String, String)>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let key = header_str(&headers, "ipqs-key")
        .map(str::to_owned)
        .or_else(|| q.get("key").cloned());
    answer(&api, key.as_deref(), &value, &q)
}

fn answer(api: &str, key: Option<&str>, value: &str, q: &HashMap<String, String>) -> Response {
    match key_state(key) {
        KeyState::Ok => {}
        KeyState::Missing | KeyState::Bad => {
            return json(
                StatusCode::OK,
                json!({ "success": false, "message": "Invalid or unauthorized key. Please check the API key and try again.", "request_id": "sandbox" }),
            )
        }
        KeyState::NoCredit => {
            return json(
                StatusCode::OK,
                json!({ "success": false, "message": "You have insufficient credits to make this query.", "request_id": "sandbox" }),
            )
        }
    }
    match api {
        "phone" => json(StatusCode::OK, phone(value)),
        "email" => json(StatusCode::OK, email(value)),
        "ip" => json(StatusCode::OK, ip(value, q)),
        _ => json(
            StatusCode::NOT_FOUND,
            json!({ "success": false, "message": "Invalid API name." }),
        ),
    }
}

fn phone(value: &str) -> serde_json::Value {
    let p = PhoneProfile::of(value);
    let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
    json!({
        "message": if p.valid() { "Phone is valid." } else { "Phone is invalid." },
        "success": true, "formatted": format!("+{digits}"), "local_format": digits,
        "valid": p.valid(), "fraud_score": p.fraud_score(), "recent_abuse": p == PhoneProfile::HighFraud,
        "VOIP": p == PhoneProfile::Voip, "prepaid": p == PhoneProfile::Prepaid, "risky": p.fraud_score() >= 75,
        "active": p != PhoneProfile::Disconnected && p.valid(),
        "carrier": if p == PhoneProfile::Voip { "Bandwidth.com" } else { "Sandbox Wireless" },
        "line_type": match p { PhoneProfile::Voip => "VOIP", PhoneProfile::Landline => "Landline", _ => "Wireless" },
        "country": "US", "city": "Austin", "zip_code": "78701", "region": "TX", "dialing_code": 1,
        "active_status": "N/A", "sms_domain": "N/A",
        "associated_email_addresses": { "status": "No associated emails found.", "emails": [] },
        "user_activity": "Disabled for performance. Contact support for further assistance.",
        "mnc": "N/A", "mcc": "N/A", "leaked": false, "spammer": p == PhoneProfile::HighFraud, "request_id": "sandbox-phone",
        "name": "N/A", "timezone": "America/Chicago",
        "do_not_call": matches!(p, PhoneProfile::NationalDnc | PhoneProfile::StateDnc),
        "accurate_country_code": true, "sms_email": "N/A"
    })
}

fn email(value: &str) -> serde_json::Value {
    let e = EmailProfile::of(value);
    let valid = e != EmailProfile::Undeliverable;
    json!({
        "message": "Success.", "success": true, "valid": valid, "disposable": e == EmailProfile::Disposable,
        "smtp_score": if valid { 3 } else { -1 }, "overall_score": if valid { 4 } else { 0 },
        "first_name": "Unknown", "generic": false, "common": true, "dns_valid": valid, "honeypot": false,
        "deliverability": if valid && e != EmailProfile::Disposable { "high" } else { "low" },
        "frequent_complainer": false, "spam_trap_score": "none", "catch_all": false, "timed_out": false,
        "suspect": e.fraud_score() >= 75, "recent_abuse": e == EmailProfile::HighFraud, "fraud_score": e.fraud_score(),
        "suggested_domain": "N/A", "leaked": false,
        "domain_age": { "human": "10 years ago", "timestamp": 1262304000, "iso": "2010-01-01T00:00:00-05:00" },
        "first_seen": { "human": "5 years ago", "timestamp": 1420070400, "iso": "2015-01-01T00:00:00-05:00" },
        "domain_trust": "trusted", "sanitized_email": value.to_ascii_lowercase(), "domain_velocity": "none",
        "user_activity": "Enterprise L4+ required.",
        "associated_names": { "status": "Enterprise Plus or higher required.", "names": [] },
        "associated_phone_numbers": { "status": "Enterprise Plus or higher required.", "phone_numbers": [] },
        "risky_tld": false, "spf_record": true, "dmarc_record": true, "mx_records": ["mx.sandbox.invalid"], "a_records": [],
        "request_id": "sandbox-email"
    })
}

fn ip(value: &str, q: &HashMap<String, String>) -> serde_json::Value {
    let p = IpProfile::of(value);
    let proxy = matches!(p, IpProfile::Proxy | IpProfile::Vpn | IpProfile::Tor);
    let _ = q.get("user_agent");
    json!({
        "success": true, "message": "Success", "fraud_score": p.fraud_score(), "country_code": "US", "region": "Texas",
        "city": "Austin", "ISP": "Sandbox ISP", "ASN": 64500, "organization": "Sandbox ISP", "is_crawler": false,
        "timezone": "America/Chicago", "mobile": false, "host": "host.sandbox.invalid", "proxy": proxy,
        "vpn": matches!(p, IpProfile::Vpn | IpProfile::Tor), "tor": p == IpProfile::Tor,
        "active_vpn": p == IpProfile::Vpn, "active_tor": p == IpProfile::Tor,
        "recent_abuse": p == IpProfile::HighFraud, "bot_status": p == IpProfile::Bot,
        "connection_type": if proxy { "Data Center" } else { "Residential" }, "abuse_velocity": "none",
        "zip_code": "78701", "latitude": 30.27, "longitude": -97.74, "request_id": "sandbox-ip"
    })
}
