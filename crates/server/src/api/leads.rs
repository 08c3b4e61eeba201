//! Partner endpoints: `POST /v1/leads` (server-to-server submit, Zapier) and
//! `GET /v1/leads/{id}` (status, only for the partner that sent the lead).
use super::{auth, now_ms, AppError, IntakeAck};
use crate::state::SharedState;
use crate::store::{CallRow, NewLead, Stored};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use leadgate_checks::LeadInput;
use serde::{Deserialize, Serialize};

/// The partner submission: the lead's fields at the top level plus routing fields.
#[derive(Debug, Deserialize)]
pub struct PartnerLead {
    /// Campaign id.
    pub campaign: String,
    /// Partner sub-id, echoed in postbacks.
    #[serde(default)]
    pub sub1: Option<String>,
    /// The lead.
    #[serde(flatten)]
    pub lead: LeadInput,
}

/// `POST /v1/leads`.
pub async fn submit(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<IntakeAck>), AppError> {
    let partner = auth::partner(&state, &headers)?;
    let submission: PartnerLead =
        serde_json::from_slice(&body).map_err(|e| AppError::BadRequest(format!("lead: {e}")))?;
    if !partner.campaigns.is_empty() && !partner.campaigns.contains(&submission.campaign) {
        return Err(AppError::Unprocessable(format!(
            "campaign {:?} not allowed for this partner",
            submission.campaign
        )));
    }
    let runtime = state.runtime();
    let campaign = runtime.campaigns.get(&submission.campaign).ok_or_else(|| {
        AppError::Unprocessable(format!("unknown campaign {:?}", submission.campaign))
    })?;
    let idem = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .map(|k| format!("{}:{k}", partner.id));
    let now = now_ms();
    let lead = NewLead {
        id: leadgate_protocol::lead_id(now as u64, rand::random()),
        source: "partner",
        partner_id: Some(partner.id.clone()),
        idempotency_key: idem,
        site: None,
        campaign_id: campaign.id.clone(),
        campaign_version: campaign.version.clone(),
        sub1: submission.sub1.filter(|s| s.len() <= 256),
        received_at: now,
        lead_json: serde_json::to_string(&submission.lead)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        edge_json: None,
    };
    match state.db.insert_lead(&lead, None).await? {
        Stored::New => {
            state.metrics.intake("partner", "new");
            state.wake.notify_one();
            tracing::info!(lead_id = %lead.id, campaign = %lead.campaign_id, partner = %partner.id, "lead committed");
            Ok((StatusCode::ACCEPTED, Json(IntakeAck::queued(&lead.id))))
        }
        Stored::Existing(row) => {
            state.metrics.intake("partner", "duplicate_delivery");
            Ok((StatusCode::OK, Json(IntakeAck::from_row(&row))))
        }
        Stored::Replayed => Err(AppError::Internal("replay without signature".into())),
    }
}

/// The status a partner sees.
#[derive(Debug, Serialize)]
pub struct LeadStatusView {
    /// Lead id.
    pub lead_id: String,
    /// `queued` or `done`.
    pub state: String,
    /// accepted / rejected / review (when done).
    pub status: Option<String>,
    /// 0..=100.
    pub score: Option<i64>,
    /// Primary reason.
    pub primary_reason: Option<String>,
    /// Secondary reason.
    pub secondary_reason: Option<String>,
    /// All reasons.
    pub reasons: Vec<String>,
    /// Rule version that decided.
    pub rule_version: Option<String>,
    /// Campaign.
    pub campaign: String,
    /// Partner sub-id.
    pub sub1: Option<String>,
    /// The original, for duplicates.
    pub duplicate_of: Option<String>,
    /// Spend on this lead.
    pub cost_usd: Option<f64>,
    /// Provider steps.
    pub calls: Vec<CallRow>,
}

/// `GET /v1/leads/{id}`.
pub async fn status(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<LeadStatusView>, AppError> {
    let partner = auth::partner(&state, &headers)?;
    let row = state.db.lead(&id).await?.ok_or(AppError::NotFound)?;
    if row.partner_id.as_deref() != Some(partner.id.as_str()) {
        return Err(AppError::NotFound);
    }
    let calls = state.db.calls(&id).await?;
    Ok(Json(LeadStatusView {
        lead_id: row.id,
        state: row.state,
        status: row.validation_status,
        score: row.validation_score,
        primary_reason: row.primary_reason_code,
        secondary_reason: row.secondary_reason_code,
        reasons: row
            .reasons
            .map(|r| {
                r.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        rule_version: row.rule_version,
        campaign: row.campaign_id,
        sub1: row.sub1,
        duplicate_of: row.duplicate_of,
        cost_usd: row.cost_usd,
        calls,
    }))
}
