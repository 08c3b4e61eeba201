//! One lead: load, re-check, run the plan, store the verdict + calls + postback.
use crate::state::AppState;
use crate::store::{ClaimedJob, LeadRow};
use leadgate_checks::{assess, LeadInput, ReasonCode};
use leadgate_pipeline::{LeadContext, ProviderRequest};
use leadgate_protocol::envelope::EdgeVerdict;
use sha2::{Digest, Sha256};

/// Processes a claimed job; on failure gives the job back with a delay.
pub async fn process_lead(state: &AppState, job: &ClaimedJob) {
    let row = match state.db.lead(&job.lead_id).await {
        Ok(Some(row)) => Some(row),
        Ok(None) => None,
        Err(e) => return give_back(state, job, &e.to_string()).await,
    };
    process_loaded(state, job, row).await;
}

/// [`process_lead`] for a job whose lead row is already loaded (the queue loads a
/// claimed batch in one query). `None`: the job has no lead.
pub async fn process_loaded(state: &AppState, job: &ClaimedJob, row: Option<LeadRow>) {
    let result = match row {
        Some(row) => try_process(state, row).await,
        None => Err("job without lead".into()),
    };
    if let Err(e) = result {
        give_back(state, job, &e).await;
    }
}

async fn give_back(state: &AppState, job: &ClaimedJob, error: &str) {
    let delay = 1_000 * 2i64.pow(job.attempts.clamp(1, 8) as u32 - 1);
    tracing::warn!(lead_id = %job.lead_id, attempts = job.attempts, error = %error, "processing failed; will retry");
    if let Err(e) = state.db.release_job(&job.lead_id, delay).await {
        tracing::warn!(lead_id = %job.lead_id, error = %e, "releasing job failed (lease will expire)");
    }
}

async fn try_process(state: &AppState, row: LeadRow) -> Result<(), String> {
    let runtime = state.runtime();
    let plan = runtime
        .plans
        .get(&row.campaign_id)
        .ok_or("campaign no longer configured")?;
    let input: LeadInput = match row.lead_json.as_deref() {
        Some(json) => serde_json::from_str(json).map_err(|e| format!("lead json: {e}"))?,
        None => LeadInput::default(),
    };
    let edge: Option<EdgeVerdict> = row
        .edge_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let ctx = context(state, &row.id, &input, edge.as_ref());
    let outcome = runtime.engine.run(&ctx, plan).await;
    let postback = row
        .partner_id
        .as_deref()
        .and_then(|p| state.config.partners.iter().find(|c| c.id == p))
        .and_then(|p| p.postback_url.as_deref().map(|url| (p.id.as_str(), url)));
    state
        .db
        .complete_lead(&row.id, &outcome, postback)
        .await
        .map_err(|e| e.to_string())?;
    state.metrics.lead_done(&outcome);
    if postback.is_some() {
        state.wake_postbacks.notify_one();
    }
    tracing::info!(
        lead_id = %row.id,
        campaign = %row.campaign_id,
        status = outcome.status.as_str(),
        reason = outcome.primary().map(|c| c.code()).unwrap_or(""),
        cost_usd = outcome.cost_usd,
        latency_ms = outcome.latency_ms,
        "lead done"
    );
    Ok(())
}

/// Builds the engine's view of a lead: the backend's own checks (authoritative),
/// the edge's reasons, the normalised request and both fingerprints.
pub fn context(
    state: &AppState,
    lead_id: &str,
    input: &LeadInput,
    edge: Option<&EdgeVerdict>,
) -> LeadContext {
    let assessment = assess(input, &state.config.policy);
    let report = &assessment.report;
    let text = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let mut base: Vec<ReasonCode> = assessment.verdict.reasons.clone();
    if let Some(e) = edge {
        for r in &e.reasons {
            if !base.contains(r) {
                base.push(*r);
            }
        }
    }
    let phone = text(&report.phone.e164).or_else(|| input.phone.clone());
    let email = text(&report.email.normalized)
        .or_else(|| input.email.as_ref().map(|e| e.trim().to_lowercase()));
    let backend_fp = Some(assessment.fingerprint.id.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| fallback_fingerprint(email.as_deref(), phone.as_deref()));
    let address = &report.address.normalized;
    LeadContext {
        request: ProviderRequest {
            lead_id: lead_id.into(),
            phone_e164: phone,
            email,
            first_name: input.first_name.clone(),
            last_name: input.last_name.clone(),
            street: text(&address.street).or_else(|| input.street.clone()),
            city: text(&address.city).or_else(|| input.city.clone()),
            state: text(&address.state).or_else(|| input.state.clone()),
            zip: text(&address.zip).or_else(|| input.zip.clone()),
            country: input.country.clone(),
            ip: input.ip.clone(),
            user_agent: input.user_agent.clone(),
            trustedform_cert_url: input.trustedform_cert_url.clone(),
            ..Default::default()
        },
        base_reasons: base,
        edge_score: edge.map(|e| e.score),
        backend_fingerprint: backend_fp,
        edge_fingerprint: edge
            .map(|e| e.fingerprint.clone())
            .filter(|f| !f.is_empty()),
    }
}

/// Used only if the checks crate produced no fingerprint: SHA-256 of the lower-cased
/// email and the phone's digits.
fn fallback_fingerprint(email: Option<&str>, phone: Option<&str>) -> Option<String> {
    if email.is_none() && phone.is_none() {
        return None;
    }
    let mut h = Sha256::new();
    h.update(email.unwrap_or("").trim().to_lowercase().as_bytes());
    h.update(b"|");
    h.update(
        phone
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .as_bytes(),
    );
    Some(format!("bk:{}", hex::encode(&h.finalize()[..16])))
}
