//! Fault injection: per request (`X-Sandbox-Fault` / `X-Sandbox-Latency-Ms` headers, or
//! `sandbox_fault` / `sandbox_latency_ms` query parameters) or per provider
//! (`POST /_admin/faults`). Also counts calls per provider prefix.

use crate::state::{FaultSpec, SandboxState};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long a `timeout` fault holds the request (clients give up long before).
pub const HANG: Duration = Duration::from_secs(120);

fn query_param(req: &Request, name: &str) -> Option<String> {
    req.uri().query().and_then(|q| {
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == name).then(|| v.to_owned())
        })
    })
}

fn header_param(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The provider prefix of a path (`/trestle/1.1/real_contact` → `trestle`).
pub fn provider_of(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// The middleware.
pub async fn inject(State(state): State<SandboxState>, req: Request, next: Next) -> Response {
    let provider = provider_of(req.uri().path()).to_owned();
    if provider == "_admin" {
        return next.run(req).await;
    }
    *state.lock().calls.entry(provider.clone()).or_insert(0) += 1;

    let admin = state.take_fault(&provider).unwrap_or(FaultSpec {
        fault: None,
        latency_ms: None,
        retry_after: None,
        remaining: None,
    });
    let fault = header_param(&req, "x-sandbox-fault")
        .or_else(|| query_param(&req, "sandbox_fault"))
        .or(admin.fault);
    let latency = header_param(&req, "x-sandbox-latency-ms")
        .or_else(|| query_param(&req, "sandbox_latency_ms"))
        .and_then(|v| v.parse::<u64>().ok())
        .or(admin.latency_ms);
    let retry_after = header_param(&req, "x-sandbox-retry-after")
        .and_then(|v| v.parse::<u64>().ok())
        .or(admin.retry_after)
        .unwrap_or(1);

    if let Some(ms) = latency {
        tokio::time::sleep(Duration::from_millis(ms.min(HANG.as_millis() as u64))).await;
    }
    let json = |status: StatusCode, body: &'static str| {
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    match fault.as_deref() {
        None | Some("") | Some("none") => next.run(req).await,
        Some("timeout") => {
            tokio::time::sleep(HANG).await;
            json(
                StatusCode::GATEWAY_TIMEOUT,
                r#"{"message":"sandbox timeout"}"#,
            )
        }
        Some("429") => {
            let mut r = json(
                StatusCode::TOO_MANY_REQUESTS,
                r#"{"message":"Rate limit exceeded"}"#,
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Some("500") => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"message":"Internal Server Error"}"#,
        ),
        Some("502") => (
            StatusCode::BAD_GATEWAY,
            "<html><body>502 Bad Gateway</body></html>",
        )
            .into_response(),
        Some("503") => json(
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"message":"Service Unavailable"}"#,
        ),
        Some("malformed") => json(StatusCode::OK, r#"{"success": true, "valid": tru"#),
        Some("empty") => json(StatusCode::OK, ""),
        Some("unexpected") => add_unexpected_fields(next.run(req).await).await,
        Some(other) => (
            StatusCode::BAD_REQUEST,
            format!("unknown sandbox fault {other:?}"),
        )
            .into_response(),
    }
}

/// Adds fields no vendor documents to a JSON object answer (clients must ignore them).
async fn add_unexpected_fields(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, 4 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "body too large").into_response();
    };
    let out = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut m)) => {
            m.insert(
                "sandbox_unexpected".into(),
                serde_json::json!({ "nested": [1, "two", null], "note": "not in any vendor doc" }),
            );
            m.insert("zz_new_flag".into(), serde_json::Value::Bool(true));
            serde_json::Value::Object(m).to_string().into_bytes()
        }
        Ok(serde_json::Value::Array(items)) => {
            let items: Vec<serde_json::Value> = items
                .into_iter()
                .map(|mut i| {
                    if let Some(m) = i.as_object_mut() {
                        m.insert("SandboxUnexpected".into(), serde_json::json!("extra"));
                    }
                    i
                })
                .collect();
            serde_json::Value::Array(items).to_string().into_bytes()
        }
        _ => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}
