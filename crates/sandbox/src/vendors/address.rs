//! Address stand-ins: Google Address Validation `POST /google-address/v1:validateAddress?key=…`
//! and USPS Addresses v3 (`POST /usps/oauth2/v3/token`, `GET /usps/addresses/v3/address`
//! with a Bearer token from that endpoint). Answers per [`AddressProfile`].

use super::{header_str, json, key_state, KeyState};
use crate::data::AddressProfile;
use crate::state::SandboxState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The routes.
pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/google-address/{method}", post(google))
        .route("/usps/oauth2/v3/token", post(usps_token))
        .route("/usps/addresses/v3/address", get(usps_address))
}

async fn google(
    axum::extract::Path(method): axum::extract::Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    if method != "v1:validateAddress" {
        return json(
            StatusCode::NOT_FOUND,
            json!({ "error": { "code": 404, "message": "Not found", "status": "NOT_FOUND" } }),
        );
    }
    match key_state(q.get("key").map(String::as_str)) {
        KeyState::Ok => {}
        KeyState::NoCredit => {
            return json(
                StatusCode::TOO_MANY_REQUESTS,
                json!({ "error": { "code": 429, "message": "Quota exceeded for quota metric 'Requests'", "status": "RESOURCE_EXHAUSTED" } }),
            )
        }
        _ => {
            return json(
                StatusCode::FORBIDDEN,
                json!({ "error": { "code": 403, "message": "API key not valid. Please pass a valid API key.", "status": "PERMISSION_DENIED" } }),
            )
        }
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "error": { "code": 400, "message": "Invalid JSON payload received.", "status": "INVALID_ARGUMENT" } }),
        );
    };
    let lines: Vec<String> = req
        .pointer("/address/addressLines")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| l.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let street = lines.first().cloned().unwrap_or_default();
    let (gran, complete, unconfirmed, action, dpv) = match AddressProfile::of(&street) {
        AddressProfile::Valid => ("PREMISE", true, false, "ACCEPT", "Y"),
        AddressProfile::Partial => ("ROUTE", false, true, "CONFIRM_ADD_SUBPREMISES", "D"),
        AddressProfile::Invalid => ("OTHER", false, true, "FIX", "N"),
    };
    json(
        StatusCode::OK,
        json!({
            "result": {
                "verdict": { "inputGranularity": gran, "validationGranularity": gran, "geocodeGranularity": gran,
                             "addressComplete": complete, "hasUnconfirmedComponents": unconfirmed, "hasInferredComponents": false,
                             "possibleNextAction": action },
                "address": { "formattedAddress": format!("{}, USA", street.to_uppercase()) },
                "uspsData": { "dpvConfirmation": dpv }
            },
            "responseId": "sandbox-response"
        }),
    )
}

async fn usps_token(State(state): State<SandboxState>, Json(req): Json<Value>) -> Response {
    let secret = req.get("client_secret").and_then(Value::as_str);
    let id_ok = req
        .get("client_id")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    let grant_ok = req.get("grant_type").and_then(Value::as_str) == Some("client_credentials");
    if !grant_ok {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials" }),
        );
    }
    if !id_ok || key_state(secret) != KeyState::Ok {
        return json(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "invalid_client", "error_description": "Client authentication failed" }),
        );
    }
    let mut inner = state.lock();
    inner.token_seq += 1;
    let token = format!("sandbox-usps-token-{}", inner.token_seq);
    inner.usps_tokens.insert(token.clone());
    json(
        StatusCode::OK,
        json!({ "access_token": token, "token_type": "Bearer", "issued_at": 1_763_784_000_000_u64, "expires_in": 28800, "status": "approved",
                "scope": "addresses", "issuer": "api.usps.com", "client_id": req.get("client_id"), "application_name": "leadgate-sandbox",
                "api_products": "[Shipping-Addresses]", "public_key": "" }),
    )
}

async fn usps_address(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let token = header_str(&headers, "authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !state.lock().usps_tokens.contains(token) {
        return json(
            StatusCode::UNAUTHORIZED,
            json!({ "error": { "code": "401", "message": "Unauthorized: invalid or expired token", "errors": [] } }),
        );
    }
    let street = q.get("streetAddress").cloned().unwrap_or_default();
    if !q.contains_key("state") || (!q.contains_key("city") && !q.contains_key("ZIPCode")) {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "error": { "code": "400", "message": "streetAddress, state and city or ZIPCode are required", "errors": [] } }),
        );
    }
    let dpv = match AddressProfile::of(&street) {
        AddressProfile::Invalid => {
            return json(
                StatusCode::NOT_FOUND,
                json!({ "error": { "code": "404", "message": "Address Not Found.", "errors": [] } }),
            )
        }
        AddressProfile::Partial => "D",
        AddressProfile::Valid => "Y",
    };
    json(
        StatusCode::OK,
        json!({
            "firm": null,
            "address": { "streetAddress": street.to_uppercase(), "streetAddressAbbreviation": null, "secondaryAddress": null,
                         "city": q.get("city").map(|c| c.to_uppercase()), "cityAbbreviation": null, "state": q.get("state"),
                         "ZIPCode": q.get("ZIPCode").cloned().unwrap_or_else(|| "20007".into()), "ZIPPlus4": "3704", "urbanization": null },
            "addressAdditionalInfo": { "deliveryPoint": "20", "carrierRoute": "C036", "DPVConfirmation": dpv, "DPVCMRA": "N",
                                       "business": "N", "centralDeliveryPoint": "N", "vacant": "N" },
            "addressCorrections": null, "addressMatches": null
        }),
    )
}
