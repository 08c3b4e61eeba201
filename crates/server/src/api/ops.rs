//! `/healthz` (process up), `/readyz` (database reachable and workers running),
//! `/metrics` (Prometheus text).
use crate::state::SharedState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use std::sync::atomic::Ordering;

/// Liveness.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness.
pub async fn readyz(State(state): State<SharedState>) -> impl IntoResponse {
    let db_ok = state.db.ping().await.is_ok();
    let workers = state.ready.load(Ordering::Relaxed);
    let code = if db_ok && workers {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        axum::Json(serde_json::json!({"database": db_ok, "workers": workers})),
    )
}

/// Metrics.
pub async fn metrics(State(state): State<SharedState>) -> impl IntoResponse {
    let depth = state.db.queue_depth().await.ok();
    let body = state
        .metrics
        .render(&state.runtime().engine.registry().breaker_states(), depth);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
