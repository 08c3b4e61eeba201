//! Trestle stand-in: `/trestle/1.1/real_contact`, `/trestle/2.0/real_contact`,
//! `/trestle/3.0/phone_intel`, `/trestle/3.2/phone`, `/trestle/3.1/location`.
//! Auth: `x-api-key` header (or the older `api_key` query parameter).

use super::{header_str, json, key_state, KeyState};
use crate::data::{AddressProfile, EmailProfile, PhoneProfile};
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/trestle/{version}/real_contact", get(real_contact))
        .route("/trestle/3.0/phone_intel", get(phone_intel))
        .route("/trestle/3.2/phone", get(reverse_phone))
        .route("/trestle/3.1/location", get(location))
}

type Q = Query<HashMap<String, String>>;

fn auth(headers: &HeaderMap, q: &HashMap<String, String>) -> Result<(), Box<Response>> {
    let key = header_str(headers, "x-api-key").or(q.get("api_key").map(String::as_str));
    match key_state(key) {
        KeyState::Ok => Ok(()),
        KeyState::Missing | KeyState::Bad => Err(Box::new(json(
            StatusCode::UNAUTHORIZED,
            json!({ "message": "Invalid or missing API key" }),
        ))),
        KeyState::NoCredit => Err(Box::new(json(
            StatusCode::FORBIDDEN,
            json!({ "message": "Quota exceeded" }),
        ))),
    }
}

fn grade(p: PhoneProfile) -> &'static str {
    match p {
        PhoneProfile::LowGrade | PhoneProfile::Invalid => "F",
        PhoneProfile::Disconnected => "D",
        PhoneProfile::Voip => "C",
        _ => "A",
    }
}

async fn real_contact(Path(version): Path<String>, headers: HeaderMap, Query(q): Q) -> Response {
    if let Err(r) = auth(&headers, &q) {
        return *r;
    }
    let Some(phone) = q.get("phone").filter(|p| !p.is_empty()) else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "message": "Missing required parameter: phone", "warnings": ["Missing Input"] }),
        );
    };
    let p = PhoneProfile::of(phone);
    let has_name =
        q.contains_key("name") || q.contains_key("first_name") || q.contains_key("last_name");
    let name_match = has_name.then_some(p != PhoneProfile::LowGrade);
    let email = q.get("email").map(|e| EmailProfile::of(e));
    let street = q.get("address.street_line_1");
    let addr_valid = street.map(|s| AddressProfile::of(s) == AddressProfile::Valid);
    let add_ons: Vec<&str> = q
        .get("add_ons")
        .map(|a| a.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let litigator = add_ons
        .contains(&"litigator_checks")
        .then_some(p == PhoneProfile::Litigator);
    let deliverable = add_ons
        .iter()
        .any(|a| a.starts_with("email_checks"))
        .then(|| {
            email.map(|e| !matches!(e, EmailProfile::Undeliverable | EmailProfile::Disposable))
        })
        .flatten();
    let mut warnings = Vec::new();
    if email.is_none() || street.is_none() {
        warnings.push("Missing Input");
    }
    let body = if version == "1.1" {
        let mut m = serde_json::Map::new();
        m.insert("phone.is_valid".into(), p.valid().into());
        m.insert("phone.activity_score".into(), p.activity_score().into());
        m.insert("phone.line_type".into(), p.trestle_line_type().into());
        m.insert("phone.name_match".into(), name_match.into());
        m.insert("phone.contact_grade".into(), grade(p).into());
        if let Some(e) = email {
            m.insert(
                "email.is_valid".into(),
                (e != EmailProfile::Undeliverable).into(),
            );
            m.insert("email.name_match".into(), name_match.into());
            m.insert(
                "email.contact_grade".into(),
                (if e == EmailProfile::Clean { "A" } else { "D" }).into(),
            );
        }
        if let Some(v) = addr_valid {
            m.insert("address.is_valid".into(), v.into());
            m.insert("address.name_match".into(), name_match.into());
        }
        let mut add = serde_json::Map::new();
        if let Some(l) = litigator {
            add.insert(
                "litigator_checks".into(),
                json!({ "phone.is_litigator_risk": l }),
            );
        }
        if let Some(d) = deliverable {
            add.insert(
                "email_checks".into(),
                json!({ "email.is_deliverable": d, "email.age_score": if d { 80 } else { 5 } }),
            );
        }
        m.insert("add_ons".into(), add.into());
        m.insert("error".into(), Value::Null);
        m.insert("warnings".into(), json!(warnings));
        Value::Object(m)
    } else if version == "2.0" {
        let mut add = serde_json::Map::new();
        if let Some(l) = litigator {
            add.insert(
                "litigator_checks".into(),
                json!({ "phone_is_litigator_risk": l }),
            );
        }
        if let Some(d) = deliverable {
            add.insert(
                "email_checks".into(),
                json!({ "email_is_deliverable": d, "email_age_score": if d { 80 } else { 5 } }),
            );
        }
        json!({
            "phone": { "contact_grade": grade(p), "is_valid": p.valid(), "activity_score": p.activity_score(),
                       "line_type": p.trestle_line_type(), "name_match": name_match },
            "email": email.map(|e| json!({ "contact_grade": if e == EmailProfile::Clean { "A" } else { "D" },
                                           "is_valid": e != EmailProfile::Undeliverable, "name_match": name_match })),
            "address": addr_valid.map(|v| json!({ "is_valid": v, "name_match": name_match })),
            "ip_address": q.get("ip_address").map(|_| json!({ "trust_score": 90, "ip_distance_to_address": 12 })),
            "add_ons": add,
            "warnings": warnings,
            "errors": null
        })
    } else {
        return json(StatusCode::NOT_FOUND, json!({ "message": "Not Found" }));
    };
    json(StatusCode::OK, body)
}

async fn phone_intel(headers: HeaderMap, Query(q): Q) -> Response {
    if let Err(r) = auth(&headers, &q) {
        return *r;
    }
    let phone = q.get("phone").cloned().unwrap_or_default();
    let p = PhoneProfile::of(&phone);
    let litigator = q
        .get("add_ons")
        .is_some_and(|a| a.contains("litigator_checks"));
    json(
        StatusCode::OK,
        json!({
            "id": "Phone.3dbb6fef-a2df-4b08-cfe3-bc7128b6f5b4", "phone_number": phone, "is_valid": p.valid(),
            "activity_score": p.activity_score(), "country_calling_code": "1", "country_code": "US",
            "country_name": "United States", "line_type": p.trestle_line_type(),
            "carrier": if p == PhoneProfile::Voip { "Level 3 Communications, LLC" } else { "Sandbox Wireless" },
            "is_prepaid": p == PhoneProfile::Prepaid, "is_commercial": false,
            "add_ons": if litigator { json!({ "litigator_checks": { "phone.is_litigator_risk": p == PhoneProfile::Litigator } }) } else { json!({}) },
            "error": null, "warnings": []
        }),
    )
}

async fn reverse_phone(headers: HeaderMap, Query(q): Q) -> Response {
    if let Err(r) = auth(&headers, &q) {
        return *r;
    }
    let phone = q.get("phone").cloned().unwrap_or_default();
    let p = PhoneProfile::of(&phone);
    let owner = if p == PhoneProfile::LowGrade {
        "Someone Else"
    } else {
        "Jane Q Doe"
    };
    json(
        StatusCode::OK,
        json!({
            "id": "Phone.00000000-0000-0000-0000-000000000001", "phone_number": phone, "is_valid": p.valid(),
            "country_calling_code": "1", "line_type": p.trestle_line_type(), "carrier": "Sandbox Wireless",
            "is_prepaid": p == PhoneProfile::Prepaid, "is_commercial": false,
            "owners": if p.valid() { json!([{ "id": "Person.00000000-0000-0000-0000-000000000002", "name": owner,
                "firstname": owner.split(' ').next(), "lastname": owner.rsplit(' ').next(), "age_range": "30-34",
                "type": "Person", "current_addresses": [], "alternate_phones": [], "emails": [] }]) } else { json!([]) },
            "error": null, "warnings": []
        }),
    )
}

async fn location(headers: HeaderMap, Query(q): Q) -> Response {
    if let Err(r) = auth(&headers, &q) {
        return *r;
    }
    // Both documented parameter spellings are accepted.
    let street = q
        .get("address.street_line_1")
        .or_else(|| q.get("street_line_1"))
        .cloned()
        .unwrap_or_default();
    let a = AddressProfile::of(&street);
    let body = match a {
        AddressProfile::Invalid => {
            json!({ "id": null, "is_valid": false, "warnings": ["Invalid Address"], "error": null })
        }
        _ => json!({
            "id": "Location.00000000-0000-0000-0000-000000000003", "is_valid": true, "street_line_1": street,
            "city": q.get("address.city").or_else(|| q.get("city")), "is_active": true, "is_commercial": false,
            "delivery_point": if a == AddressProfile::Partial { "PartialAddress" } else { "SingleUnit" },
            "current_residents": [{ "id": "Person.1", "name": "Jane Q Doe", "type": "Person" }],
            "warnings": if a == AddressProfile::Partial { json!(["Missing unit/apt/suite number"]) } else { json!([]) },
            "error": null
        }),
    };
    json(StatusCode::OK, body)
}
