//! Admin endpoints: `POST /_admin/faults` `{provider, fault, latency_ms, retry_after,
//! remaining}` sets a provider's fault (`fault: null` and no latency clears it),
//! `GET /_admin/faults` lists them, `DELETE /_admin/faults` clears all, `GET /_admin/calls`
//! counts requests per provider prefix, `POST /_admin/reset` clears everything.

use crate::state::{FaultSpec, SandboxState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The routes.
pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/_admin/faults", get(list).post(set).delete(clear))
        .route("/_admin/calls", get(calls))
        .route("/_admin/reset", post(reset))
        .route("/_admin/health", get(|| async { "ok" }))
}

#[derive(Debug, Deserialize)]
struct SetFault {
    provider: String,
    #[serde(flatten)]
    spec: FaultSpec,
}

async fn set(
    State(state): State<SandboxState>,
    Json(req): Json<SetFault>,
) -> (StatusCode, Json<BTreeMap<String, FaultSpec>>) {
    let clear = req.spec.fault.is_none() && req.spec.latency_ms.is_none();
    state.set_fault(&req.provider, (!clear).then_some(req.spec));
    (StatusCode::OK, Json(state.lock().faults.clone()))
}

async fn list(State(state): State<SandboxState>) -> Json<BTreeMap<String, FaultSpec>> {
    Json(state.lock().faults.clone())
}

async fn clear(State(state): State<SandboxState>) -> StatusCode {
    state.lock().faults.clear();
    StatusCode::NO_CONTENT
}

async fn calls(State(state): State<SandboxState>) -> Json<BTreeMap<String, u64>> {
    Json(state.calls())
}

async fn reset(State(state): State<SandboxState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}
