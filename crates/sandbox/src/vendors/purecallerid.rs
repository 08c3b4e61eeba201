//! Pure CallerID Aegis stand-in: `GET /purecallerid/api/public/aegis?to=&workflow-id=&format=json`
//! with `X-API-KEY` (or `?api-key=`). The real synchronous JSON body is undocumented; the
//! stand-in answers with the documented `AegisEvent` webhook shape (`format=boolean`
//! gives `true`/`false`).

use super::{header_str, json, key_state, KeyState};
use crate::data::PhoneProfile;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;
use std::collections::HashMap;

/// The routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/purecallerid/api/public/aegis", get(aegis))
}

async fn aegis(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let key = header_str(&headers, "x-api-key")
        .map(str::to_owned)
        .or_else(|| q.get("api-key").cloned());
    match key_state(key.as_deref()) {
        KeyState::Ok => {}
        KeyState::NoCredit => {
            return json(
                StatusCode::PAYMENT_REQUIRED,
                json!({ "message": "Insufficient balance" }),
            )
        }
        _ => {
            return json(
                StatusCode::UNAUTHORIZED,
                json!({ "message": "Unauthorized" }),
            )
        }
    }
    let Some(to) = q.get("to").filter(|t| !t.is_empty()) else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "message": "Missing 'to'" }),
        );
    };
    if q.get("workflow-id").is_none_or(|w| w.is_empty()) {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "message": "Missing 'workflow-id'" }),
        );
    }
    let p = PhoneProfile::of(to);
    let national = p == PhoneProfile::NationalDnc;
    let state = p == PhoneProfile::StateDnc;
    let rejected = national || state || p == PhoneProfile::Litigator || !p.valid();
    if q.get("format").map(String::as_str) == Some("boolean") {
        return (StatusCode::OK, if rejected { "false" } else { "true" }).into_response();
    }
    let reason = match p {
        PhoneProfile::Litigator => "Litigator",
        PhoneProfile::NationalDnc => "National DNC Record Found",
        PhoneProfile::StateDnc => "State DNC Record Found",
        _ if !p.valid() => "Invalid",
        _ => "DataBoost",
    };
    json(
        StatusCode::OK,
        json!({
            "id": "sandbox-aegis-1", "orgId": 10000, "workspaceId": 99999, "workflowId": q.get("workflow-id"),
            "to": format!("+1{to}"), "timestamp": "2026-11-22T04:00:00.000Z",
            "result": if rejected { "Rejected" } else { "Accepted" }, "channelType": "Voice", "reason": reason,
            "from": q.get("from").map(|f| format!("+1{f}")), "city": "Austin", "state": "TX", "zip": q.get("zip"), "isTest": true,
            "validationResult": { "phone_number": format!("+1{to}"), "is_valid": p.valid(), "activity_score": p.activity_score(),
                                  "line_type": match p { PhoneProfile::Voip => "voip", PhoneProfile::Landline => "landline", _ => "mobile" },
                                  "carrier": "Sandbox Wireless", "is_prepaid": p == PhoneProfile::Prepaid },
            "doNotCallResult": { "blocked": national, "sanCoverage": true, "reason": if national { "National DNC Record Found" } else { "" } },
            "stateDoNotCallResult": { "blocked": state, "reason": if state { "State DNC Record Found" } else { "" } },
            "rndStatus": "no", "activeProspectResult": { "outcome": "error", "reason": "No certificate provided" },
            "events": [ { "timestamp": "2026-11-22T04:00:00.000Z", "type": "INFO", "message": "Start" } ]
        }),
    )
}
