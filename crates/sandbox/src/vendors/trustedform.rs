//! TrustedForm v4 stand-in: `POST /trustedform/{cert_id}` with `api-version: 4.0` and
//! HTTP Basic auth (any user, password = key). Answers per [`CertProfile`].

use super::{basic_auth, header_str, json, key_state, KeyState};
use crate::data::CertProfile;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

/// The routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/trustedform/{cert_id}", post(claim))
}

async fn claim(Path(cert_id): Path<String>, headers: HeaderMap, body: String) -> Response {
    let password = basic_auth(&headers).map(|(_, p)| p);
    match key_state(password.as_deref()) {
        KeyState::Ok => {}
        KeyState::NoCredit => {
            return json(
                StatusCode::PAYMENT_REQUIRED,
                json!({ "message": "Account is inactive or out of funds" }),
            )
        }
        _ => {
            return json(
                StatusCode::UNAUTHORIZED,
                json!({ "message": "Incorrect API key" }),
            )
        }
    }
    let version = header_str(&headers, "api-version").unwrap_or("");
    if version != "4.0" {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "message": "Unavailable operation requested" }),
        );
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return json(StatusCode::BAD_REQUEST, json!({ "message": "Bad Request" }));
    };
    let profile = CertProfile::of(&cert_id);
    match profile {
        CertProfile::NotFound => {
            return json(
                StatusCode::NOT_FOUND,
                json!({ "message": "certificate has expired or could not be found" }),
            )
        }
        CertProfile::Sandboxed if req.get("retain").is_some() => {
            return json(
                StatusCode::FORBIDDEN,
                json!({ "message": "Attempted to claim a 'sandboxed' certificate" }),
            )
        }
        _ => {}
    }
    let Some(lead) = req.get("match_lead") else {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "message": "Unprocessable Entity: match_lead is required" }),
        );
    };
    let email = lead.get("email").and_then(Value::as_str);
    let phone = lead.get("phone").and_then(Value::as_str);
    let email_match = email.map(|_| profile != CertProfile::Mismatch);
    let phone_match =
        phone.map(|_| !matches!(profile, CertProfile::Mismatch | CertProfile::PhoneMismatch));
    let success = email_match == Some(true) || phone_match == Some(true);
    let mut out = json!({
        "outcome": "success",
        "reason": null,
        "match_lead": { "email": email, "phone": phone, "result": { "email_match": email_match, "phone_match": phone_match, "success": success } }
    });
    if let Some(retain) = req.get("retain") {
        out["retain"] = json!({
            "reference": retain.get("reference"), "vendor": retain.get("vendor"),
            "results": { "expires_at": "2027-01-01T00:00:00.000000Z", "previously_retained": false,
                         "masked_cert_url": format!("https://cert.trustedform.com/masked/{}", &cert_id[..cert_id.len().min(8)]) }
        });
    }
    if let Some(props) = req
        .get("insights")
        .and_then(|i| i.get("properties"))
        .and_then(Value::as_array)
    {
        let all = json!({
            "age_seconds": 42, "bot_detected": profile == CertProfile::Bot, "form_input_method": if profile == CertProfile::Bot { json!(["paste"]) } else { json!(["typing"]) },
            "approx_ip_geo": { "city": "Austin", "country_code": "US", "lat": 30.2627, "lon": -97.7467, "postal_code": "78713", "state": "Texas", "time_zone": "America/Chicago" },
            "ip": "24.28.104.159", "page_url": "https://demo.leadgate.invalid/form", "seconds_on_page": if profile == CertProfile::Bot { 1 } else { 48 },
            "created_at": "2026-11-22T04:00:00Z", "expires_at": "2027-02-20T04:00:00Z", "is_framed": false, "is_masked": false,
            "form_input_kpm": 212.4, "form_input_wpm": 41, "domain": "demo.leadgate.invalid", "parent_page_url": null,
            "num_sensitive_content_elements": 0, "num_sensitive_form_elements": 0
        });
        let mut picked = serde_json::Map::new();
        for p in props.iter().filter_map(Value::as_str) {
            if let Some(v) = all.get(p) {
                picked.insert(p.to_owned(), v.clone());
            }
        }
        out["insights"] = json!({ "properties": picked });
    }
    json(StatusCode::OK, out)
}
