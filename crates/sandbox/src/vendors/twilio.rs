//! Twilio Lookup v2 stand-in: `GET /twilio/v2/PhoneNumbers/{number}?Fields=…`, HTTP
//! Basic (Account SID : auth token), Twilio's `{"code","message","more_info","status"}`
//! errors.

use super::{basic_auth, json, key_state, KeyState};
use crate::data::PhoneProfile;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/twilio/v2/PhoneNumbers/{number}", get(lookup))
}

fn error(status: StatusCode, code: u32, message: &str) -> Response {
    json(
        status,
        json!({ "code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status.as_u16() }),
    )
}

async fn lookup(
    Path(number): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match basic_auth(&headers).map(|(_, t)| key_state(Some(&t))) {
        Some(KeyState::Ok) => {}
        Some(KeyState::NoCredit) => {
            return error(StatusCode::UNAUTHORIZED, 20005, "Account not active")
        }
        _ => return error(StatusCode::UNAUTHORIZED, 20003, "Authenticate"),
    }
    let p = PhoneProfile::of(&number);
    let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
    let fields: Vec<&str> = q
        .get("Fields")
        .map(|f| f.split(',').collect())
        .unwrap_or_default();
    let lti = fields.contains(&"line_type_intelligence").then(|| {
        let (t, carrier) = match p {
            PhoneProfile::Voip => ("nonFixedVoip", json!("Bandwidth/13 - Bandwidth.com - SVR")),
            PhoneProfile::Landline => ("landline", json!("Sandbox Telco")),
            PhoneProfile::Invalid => ("unknown", Value::Null),
            _ => ("mobile", json!("Sandbox Wireless")),
        };
        json!({ "mobile_country_code": "313", "mobile_network_code": "981", "carrier_name": carrier, "type": t, "error_code": null })
    });
    let cn = fields.contains(&"caller_name").then(|| json!({ "caller_name": if p == PhoneProfile::LowGrade { json!("SOMEONE ELSE") } else { json!("JANE DOE") }, "caller_type": "CONSUMER", "error_code": null }));
    json(
        StatusCode::OK,
        json!({
            "calling_country_code": "1", "country_code": "US", "phone_number": format!("+{digits}"),
            "national_format": digits, "valid": p.valid(),
            "validation_errors": if p.valid() { json!([]) } else { json!(["INVALID_BUT_POSSIBLE"]) },
            "caller_name": cn, "sim_swap": null, "call_forwarding": null, "line_status": null,
            "line_type_intelligence": lti, "identity_match": null, "reassigned_number": null, "sms_pumping_risk": null,
            "phone_number_quality_score": null, "pre_fill": null,
            "url": format!("https://lookups.twilio.com/v2/PhoneNumbers/+{digits}")
        }),
    )
}
