//! `POST /v1/intake`: signed envelopes from the edge. Verified (key id, timestamp
//! window, HMAC), replay-checked and committed with its job before the 202.
use super::{now_secs, AppError, IntakeAck};
use crate::state::SharedState;
use crate::store::{NewLead, Stored};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use leadgate_protocol::envelope::{
    verify_envelope, IntakeEnvelope, SignatureError, SignedHeaders, MAX_SKEW_SECS,
};

fn signature_error(e: SignatureError) -> AppError {
    match e {
        SignatureError::MissingHeader(_) => AppError::Unauthorized("missing signature header"),
        SignatureError::Malformed => AppError::Unauthorized("malformed signature header"),
        SignatureError::UnknownKeyId => AppError::Unauthorized("unknown key id"),
        SignatureError::StaleTimestamp => AppError::Unauthorized("timestamp outside window"),
        SignatureError::BadSignature => AppError::Unauthorized("bad signature"),
        SignatureError::Replayed => AppError::Conflict("replayed signature"),
    }
}

/// Valid lead ids: ULIDs, UUIDs, or similar (1..=64 of `[A-Za-z0-9_-]`).
pub fn valid_lead_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The handler.
pub async fn intake(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<IntakeAck>), AppError> {
    let signed = SignedHeaders::from_lookup(|name| headers.get(name).and_then(|v| v.to_str().ok()))
        .map_err(signature_error)?;
    if let Err(e) = verify_envelope(&state.edge_keys, &signed, &body, now_secs()) {
        state.metrics.intake("edge", "refused");
        return Err(signature_error(e));
    }
    let envelope: IntakeEnvelope = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest(format!("envelope: {e}")))?;
    if !valid_lead_id(&envelope.lead_id) {
        return Err(AppError::BadRequest("lead_id".into()));
    }
    if let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
        if key != envelope.lead_id {
            return Err(AppError::BadRequest(
                "Idempotency-Key must equal lead_id".into(),
            ));
        }
    }
    let runtime = state.runtime();
    let campaign = runtime.campaigns.get(&envelope.campaign).ok_or_else(|| {
        AppError::Unprocessable(format!("unknown campaign {:?}", envelope.campaign))
    })?;
    // A site may belong to a partner (`[[partners]] sites`): its leads get that partner's
    // postbacks and status endpoint, as if the partner had submitted them.
    let partner_id = state
        .config
        .site_partner(&envelope.site)
        .map(|p| p.id.clone());
    let lead = NewLead {
        id: envelope.lead_id.clone(),
        source: "edge",
        partner_id,
        idempotency_key: None,
        site: Some(envelope.site.clone()),
        campaign_id: campaign.id.clone(),
        campaign_version: campaign.version.clone(),
        sub1: None,
        received_at: envelope.received_at,
        lead_json: serde_json::to_string(&envelope.lead)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        edge_json: Some(
            serde_json::to_string(&envelope.edge).map_err(|e| AppError::Internal(e.to_string()))?,
        ),
    };
    let expires_ms = (signed.timestamp + MAX_SKEW_SECS + 1) * 1000;
    match state
        .db
        .insert_lead(&lead, Some((&signed.signature, expires_ms)))
        .await?
    {
        Stored::New => {
            state.metrics.intake("edge", "new");
            state.wake.notify_one();
            tracing::info!(lead_id = %lead.id, campaign = %lead.campaign_id, source = "edge", "lead committed");
            Ok((StatusCode::ACCEPTED, Json(IntakeAck::queued(&lead.id))))
        }
        Stored::Existing(row) => {
            state.metrics.intake("edge", "duplicate_delivery");
            Ok((StatusCode::OK, Json(IntakeAck::from_row(&row))))
        }
        Stored::Replayed => {
            state.metrics.intake("edge", "replay");
            Err(AppError::Conflict("replayed signature"))
        }
    }
}
