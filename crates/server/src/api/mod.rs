//! The HTTP API. [`app`] builds the router so tests can drive it with `oneshot`.
pub mod admin;
mod auth;
mod error;
pub mod intake;
pub mod leads;
mod ops;
pub mod reports;

pub use error::AppError;

use crate::state::SharedState;
use crate::store::LeadRow;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use serde::Serialize;

/// The acknowledgement for an intake or a partner submission.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct IntakeAck {
    /// The lead id.
    pub lead_id: String,
    /// `queued` or `done`.
    pub state: String,
    /// The final status when already done.
    pub status: Option<String>,
}

impl IntakeAck {
    fn queued(id: &str) -> Self {
        IntakeAck {
            lead_id: id.into(),
            state: "queued".into(),
            status: None,
        }
    }
    fn from_row(row: &LeadRow) -> Self {
        IntakeAck {
            lead_id: row.id.clone(),
            state: row.state.clone(),
            status: row.validation_status.clone(),
        }
    }
}

/// The router.
pub fn app(state: SharedState) -> Router {
    let limit = state.config.server.max_body_bytes;
    Router::new()
        .route("/v1/intake", post(intake::intake))
        .route("/v1/leads", post(leads::submit))
        .route("/v1/leads/{id}", get(leads::status))
        .route(
            "/v1/reports/reconciliation.csv",
            get(reports::reconciliation),
        )
        .route("/v1/admin/providers", get(admin::list_providers))
        .route(
            "/v1/admin/providers/{name}",
            put(admin::put_provider).delete(admin::delete_provider),
        )
        .route("/v1/admin/campaigns", get(admin::list_campaigns))
        .route("/v1/admin/campaigns/{id}", put(admin::put_campaign))
        .route("/v1/admin/reload", post(admin::reload))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

fn now_ms() -> i64 {
    crate::store::now_ms()
}

fn now_secs() -> i64 {
    now_ms() / 1000
}
