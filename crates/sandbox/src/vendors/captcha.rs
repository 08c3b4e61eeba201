//! Captcha verifier stand-ins: Turnstile `POST /turnstile/v0/siteverify`, reCAPTCHA
//! `POST /recaptcha/api/siteverify`, reCAPTCHA Enterprise
//! `POST /recaptcha-enterprise/v1/projects/{project}/assessments?key=…`.
//!
//! Token grammar (any secret except the documented test secrets):
//! `pass[:<action>[:<hostname>]]` passes (score 0.9), `score:<0.x>[:<action>[:<hostname>]]`
//! passes with that score, `fail:<error-code>` fails with that code. Tokens are single
//! use: a second verify gets `timeout-or-duplicate` unless it repeats the same
//! `idempotency_key` (Turnstile). Secrets: `bad-key` → `invalid-input-secret`, empty →
//! `missing-input-secret`; Cloudflare's documented test secrets behave as documented.

use super::json;
use crate::state::SandboxState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The routes.
pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/turnstile/v0/siteverify", post(turnstile))
        .route("/recaptcha/api/siteverify", post(recaptcha))
        .route(
            "/recaptcha-enterprise/v1/projects/{project}/assessments",
            post(enterprise),
        )
}

/// Reads form-encoded or JSON parameters.
fn params(headers: &HeaderMap, body: &str) -> HashMap<String, String> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        serde_json::from_str::<serde_json::Map<String, Value>>(body)
            .map(|m| {
                m.into_iter()
                    .map(|(k, v)| {
                        (
                            k,
                            v.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }
}

/// The outcome of a token.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Pass {
        score: f64,
        action: String,
        hostname: String,
    },
    Fail(String),
}

fn judge(state: &SandboxState, token: &str, replay_key: Option<&str>) -> Verdict {
    if token.is_empty() {
        return Verdict::Fail("missing-input-response".into());
    }
    let mut parts = token.split(':');
    let head = parts.next().unwrap_or("");
    let verdict = match head {
        "pass" => Verdict::Pass {
            score: 0.9,
            action: parts.next().unwrap_or("submit").to_owned(),
            hostname: parts.next().unwrap_or("localhost").to_owned(),
        },
        "score" => match parts.next().and_then(|s| s.parse::<f64>().ok()) {
            Some(score) => Verdict::Pass {
                score: score.clamp(0.0, 1.0),
                action: parts.next().unwrap_or("submit").to_owned(),
                hostname: parts.next().unwrap_or("localhost").to_owned(),
            },
            None => Verdict::Fail("invalid-input-response".into()),
        },
        "fail" => Verdict::Fail(parts.next().unwrap_or("invalid-input-response").to_owned()),
        _ => Verdict::Fail("invalid-input-response".into()),
    };
    if matches!(verdict, Verdict::Pass { .. }) {
        if let Some(key) = replay_key {
            if !state.spend(key) {
                return Verdict::Fail("timeout-or-duplicate".into());
            }
        }
    }
    verdict
}

async fn turnstile(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let p = params(&headers, &body);
    let secret = p.get("secret").map(String::as_str).unwrap_or("");
    let token = p.get("response").map(String::as_str).unwrap_or("");
    let fail = |codes: &[&str]| {
        json(
            StatusCode::OK,
            json!({ "success": false, "error-codes": codes, "messages": [] }),
        )
    };
    match secret {
        "" => return fail(&["missing-input-secret"]),
        crate::data::BAD_KEY => return fail(&["invalid-input-secret"]),
        // Cloudflare's documented test secrets.
        "1x0000000000000000000000000000000AA" => {
            return json(
                StatusCode::OK,
                json!({ "success": true, "challenge_ts": "2026-11-22T04:00:00.000Z", "hostname": "example.com",
                "error-codes": [], "metadata": { "result_with_testing_key": true } }),
            )
        }
        "2x0000000000000000000000000000000AA" => return fail(&["invalid-input-response"]),
        "3x0000000000000000000000000000000AA" => return fail(&["timeout-or-duplicate"]),
        _ => {}
    }
    if token.len() > 2048 {
        return fail(&["invalid-input-response"]);
    }
    // Single use, except that a retry repeating the first verify's idempotency_key is
    // answered again, as documented.
    let idem = p
        .get("idempotency_key")
        .filter(|k| !k.is_empty())
        .map(|k| format!("tsk:{token}:{k}"));
    let retry = idem
        .as_ref()
        .is_some_and(|k| state.lock().spent_tokens.contains(k));
    let verdict = if retry {
        judge(&state, token, None)
    } else {
        let v = judge(&state, token, Some(&format!("ts:{token}")));
        if let (Verdict::Pass { .. }, Some(k)) = (&v, &idem) {
            state.spend(k);
        }
        v
    };
    match verdict {
        Verdict::Pass {
            action, hostname, ..
        } => json(
            StatusCode::OK,
            json!({ "success": true, "challenge_ts": "2026-11-22T04:00:00.000Z", "hostname": hostname, "error-codes": [],
                    "action": action, "cdata": "", "metadata": {} }),
        ),
        Verdict::Fail(code) => fail(&[&code]),
    }
}

async fn recaptcha(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let p = params(&headers, &body);
    let secret = p.get("secret").map(String::as_str).unwrap_or("");
    let token = p.get("response").map(String::as_str).unwrap_or("");
    let fail = |code: &str| {
        json(
            StatusCode::OK,
            json!({ "success": false, "error-codes": [code] }),
        )
    };
    match secret {
        "" => return fail("missing-input-secret"),
        crate::data::BAD_KEY => return fail("invalid-input-secret"),
        // Google's documented v2 test secret: always passes, no score.
        "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe" => {
            return json(
                StatusCode::OK,
                json!({ "success": true, "challenge_ts": "2026-11-22T04:00:00Z", "hostname": "testkey.google.com", "error-codes": [] }),
            )
        }
        _ => {}
    }
    match judge(&state, token, Some(&format!("rc:{token}"))) {
        Verdict::Pass {
            score,
            action,
            hostname,
        } => json(
            StatusCode::OK,
            json!({ "success": true, "score": score, "action": action, "challenge_ts": "2026-11-22T04:00:00Z", "hostname": hostname, "error-codes": [] }),
        ),
        Verdict::Fail(code) => fail(&code),
    }
}

async fn enterprise(
    State(state): State<SandboxState>,
    Path(project): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    match q.get("key").map(String::as_str) {
        None | Some("") | Some(crate::data::BAD_KEY) => {
            return json(
                StatusCode::FORBIDDEN,
                json!({ "error": { "code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED" } }),
            )
        }
        Some(crate::data::NO_CREDIT_KEY) => {
            return json(
                StatusCode::TOO_MANY_REQUESTS,
                json!({ "error": { "code": 429, "message": "Quota exceeded for quota metric 'Assessments'", "status": "RESOURCE_EXHAUSTED" } }),
            )
        }
        _ => {}
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({ "error": { "code": 400, "message": "Invalid JSON payload received.", "status": "INVALID_ARGUMENT" } }),
        );
    };
    let event = req.get("event").cloned().unwrap_or(Value::Null);
    let token = event.get("token").and_then(Value::as_str).unwrap_or("");
    let mut out = json!({
        "name": format!("projects/{project}/assessments/1234567890"),
        "event": event,
        "riskAnalysis": { "reasons": [], "extendedVerdictReasons": [] },
        "tokenProperties": { "valid": false, "invalidReason": "MALFORMED", "hostname": "", "action": "", "createTime": "2026-11-22T04:00:00Z" }
    });
    match judge(&state, token, Some(&format!("re:{token}"))) {
        Verdict::Pass {
            score,
            action,
            hostname,
        } => {
            out["riskAnalysis"]["score"] = json!(score);
            if score < 0.5 {
                out["riskAnalysis"]["reasons"] = json!(["AUTOMATION"]);
            }
            out["tokenProperties"] = json!({ "valid": true, "invalidReason": "INVALID_REASON_UNSPECIFIED", "hostname": hostname, "action": action, "createTime": "2026-11-22T04:00:00Z" });
        }
        Verdict::Fail(code) => {
            let reason = match code.as_str() {
                "timeout-or-duplicate" => "DUPE",
                "missing-input-response" => "MISSING",
                "expired" => "EXPIRED",
                _ => "MALFORMED",
            };
            out["tokenProperties"]["invalidReason"] = json!(reason);
        }
    }
    json(StatusCode::OK, out)
}
