//! The partner postback receiver (`/partner/postback[/...]` records what it gets,
//! `GET /partner/received` lists it, `DELETE /partner/received` clears it) and the
//! calendar stand-in page (`/calendar/...`) the demo's booking redirect lands on.

use crate::state::{Postback, SandboxState};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use std::collections::BTreeMap;

/// The routes.
pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/partner/postback", any(record))
        .route("/partner/postback/{*rest}", any(record))
        .route("/partner/received", get(list).delete(clear))
        .route("/calendar", get(calendar))
        .route("/calendar/{*rest}", get(calendar))
}

async fn record(State(state): State<SandboxState>, req: Request) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().trim_start_matches("/partner").to_owned();
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = match axum::body::to_bytes(req.into_body(), 1 << 20).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response(),
    };
    let body = if bytes.is_empty() {
        serde_json::Value::Null
    } else if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        v
    } else if content_type
        .as_deref()
        .is_some_and(|c| c.contains("form-urlencoded"))
    {
        let m: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(&bytes)
            .into_owned()
            .map(|(k, v)| (k, v.into()))
            .collect();
        serde_json::Value::Object(m)
    } else {
        serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
    };
    let mut inner = state.lock();
    let seq = inner.postbacks.len() as u64 + 1;
    inner.postbacks.push(Postback {
        method,
        path,
        query,
        content_type,
        body,
        seq,
    });
    (
        StatusCode::OK,
        Json(serde_json::json!({ "status": "received", "seq": seq })),
    )
        .into_response()
}

async fn list(State(state): State<SandboxState>) -> Json<Vec<Postback>> {
    Json(state.postbacks())
}

async fn clear(State(state): State<SandboxState>) -> StatusCode {
    state.lock().postbacks.clear();
    StatusCode::NO_CONTENT
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

async fn calendar(req: Request) -> Html<String> {
    let path = escape(req.uri().path());
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let rows: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                escape(k),
                escape(v)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sandbox calendar</title></head>\
         <body><main><h1>Sandbox calendar</h1><p>This page stands in for a booking calendar (Cal.com, Calendly).</p>\
         <p>Booking page: <code id=\"calendar-path\">{path}</code></p>\
         <table id=\"calendar-params\"><caption>Prefill</caption>{rows}</table>\
         <button type=\"button\" id=\"book\">Book 10:00</button></main></body></html>"
    ))
}
