//! DNC.com stand-in: `/dncscrub/v1.5/Scrub/litigator` (GET `phoneList=` or POST
//! `{"PhoneList": "…"}`) and `/dncscrub/app/main/rpc/scrub` (GET). Auth: `loginId`
//! header (or query).

use super::{header_str, json, key_state, KeyState};
use crate::data::PhoneProfile;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/dncscrub/v1.5/Scrub/litigator",
            get(litigator_get).post(litigator_post),
        )
        .route("/dncscrub/app/main/rpc/scrub", get(scrub))
}

type Q = Query<HashMap<String, String>>;

fn auth(headers: &HeaderMap, q: &HashMap<String, String>) -> Result<(), Box<Response>> {
    let key = header_str(headers, "loginId").or(q.get("loginId").map(String::as_str));
    match key_state(key) {
        KeyState::Ok => Ok(()),
        KeyState::NoCredit => Err(Box::new(
            (
                StatusCode::PAYMENT_REQUIRED,
                "Account has insufficient credit",
            )
                .into_response(),
        )),
        _ => Err(Box::new(
            (StatusCode::UNAUTHORIZED, "Invalid loginId").into_response(),
        )),
    }
}

fn numbers(list: &str) -> Result<Vec<String>, Box<Response>> {
    let nums: Vec<String> = list
        .split(',')
        .map(|p| p.trim().split('|').next().unwrap_or("").to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if nums.is_empty()
        || nums
            .iter()
            .any(|n| n.len() != 10 || !n.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(Box::new(
            (StatusCode::BAD_REQUEST, "Invalid phone number in phoneList").into_response(),
        ));
    }
    Ok(nums)
}

fn litigator_rows(list: &str) -> Response {
    match numbers(list) {
        Ok(nums) => {
            let rows: Vec<Value> = nums
                .iter()
                .map(|n| json!({ "Phone": n.parse::<u64>().unwrap_or(0), "IsLitigator": PhoneProfile::of(n) == PhoneProfile::Litigator }))
                .collect();
            json(StatusCode::OK, Value::Array(rows))
        }
        Err(r) => *r,
    }
}

async fn litigator_get(headers: HeaderMap, Query(q): Q) -> Response {
    if let Err(r) = auth(&headers, &q) {
        return *r;
    }
    litigator_rows(q.get("phoneList").map(String::as_str).unwrap_or(""))
}

async fn litigator_post(headers: HeaderMap, Query(q): Q, Json(body): Json<Value>) -> Response {
    if let Err(r) = auth(&headers, &q) {
        return *r;
    }
    litigator_rows(body.get("PhoneList").and_then(Value::as_str).unwrap_or(""))
}

async fn scrub(headers: HeaderMap, Query(q): Q) -> Response {
    if let Err(r) = auth(&headers, &q) {
        return *r;
    }
    let nums = match numbers(q.get("phoneList").map(String::as_str).unwrap_or("")) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    let rows: Vec<Value> = nums
        .iter()
        .map(|n| {
            let p = PhoneProfile::of(n);
            let (code, reason) = match p {
                PhoneProfile::Litigator => ("D", "Litigator"),
                PhoneProfile::NationalDnc => ("D", "National (USA) 2003-06-01;;;"),
                PhoneProfile::StateDnc => ("D", "State (TX) 2011-03-15;;;"),
                PhoneProfile::Voip => ("Y", ""),
                PhoneProfile::Invalid => ("I", ""),
                PhoneProfile::Landline => ("C", ""),
                _ => ("W", ""),
            };
            let line = match p {
                PhoneProfile::Voip => "VoIP",
                PhoneProfile::Landline => "AllOther",
                _ => "Wireless",
            };
            json!({
                "Phone": n, "ResultCode": code, "Reserved": "", "Reason": reason, "RegionAbbrev": "TX", "Country": "US",
                "Locale": "Austin", "CarrierInfo": "9740;RBOC;\"Sandbox Telco:Sandbox Telco\"", "NewReassignedAreaCode": "",
                "TZCode": "C", "CallingWindow": "", "UTCOffset": "-6", "DoNotCallToday": "", "CallingTimeRestrictions": "",
                "EBRType": "", "IsWirelessOrVoIP": if line == "AllOther" { "0" } else { "1" }, "LineType": line
            })
        })
        .collect();
    json(StatusCode::OK, Value::Array(rows))
}
