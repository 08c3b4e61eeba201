//! Partner postbacks from the durable outbox: claimed like jobs, sent with a GET to
//! the expanded URL template through the SSRF guard, retried with exponential
//! backoff until `max_attempts`, then marked failed.
pub mod ssrf;
pub mod template;

use crate::state::SharedState;
use crate::store::{now_ms, PostbackRow};
use std::time::Duration;
use tokio::sync::watch;

/// Builds the guarded HTTP client (no redirects, SSRF-filtered DNS).
pub fn client(allow_private: bool, timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(std::sync::Arc::new(ssrf::GuardedResolver { allow_private }))
        .timeout(timeout)
        .user_agent("leadgate-postback/1")
        .build()
        .unwrap_or_default()
}

/// Runs the outbox worker until `shutdown`.
pub async fn run(state: SharedState, mut shutdown: watch::Receiver<bool>) {
    let cfg = state.config.postbacks.clone();
    let http = client(
        cfg.allow_private_targets,
        Duration::from_millis(cfg.timeout_ms),
    );
    let lease = (cfg.timeout_ms * 2 + 1_000) as i64;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let due = match state.db.claim_postbacks(32, lease).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "claiming postbacks failed");
                Vec::new()
            }
        };
        if due.is_empty() {
            tokio::select! {
                _ = state.wake_postbacks.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(cfg.poll_ms)) => {}
                _ = shutdown.changed() => {}
            }
            continue;
        }
        let mut sends = tokio::task::JoinSet::new();
        for pb in due {
            let (state, http) = (state.clone(), http.clone());
            sends.spawn(async move { deliver(&state, &http, pb).await });
        }
        while sends.join_next().await.is_some() {}
    }
}

/// Sends one postback and records the result.
pub async fn deliver(state: &SharedState, http: &reqwest::Client, pb: PostbackRow) {
    let cfg = &state.config.postbacks;
    let result = attempt(state, http, &pb).await;
    let attempts = pb.attempts + 1;
    let outcome = match result {
        Ok(status) => {
            state.metrics.postback("sent");
            tracing::info!(lead_id = %pb.lead_id, partner = %pb.partner_id, status, "postback sent");
            state.db.postback_sent(&pb.id, status).await
        }
        Err(err) => {
            let give_up = attempts >= i64::from(cfg.max_attempts) || err.permanent;
            state
                .metrics
                .postback(if give_up { "failed" } else { "retry" });
            let factor = 1i64 << (attempts.clamp(1, 12) - 1);
            let backoff = (cfg.retry_base_ms as i64)
                .saturating_mul(factor)
                .min(3_600_000);
            tracing::warn!(lead_id = %pb.lead_id, partner = %pb.partner_id, attempts, error = %err.message, give_up, "postback failed");
            state
                .db
                .postback_failed(&pb.id, &err.message, now_ms() + backoff, give_up)
                .await
        }
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "recording postback result failed");
    }
}

struct SendError {
    message: String,
    permanent: bool,
}

async fn attempt(
    state: &SharedState,
    http: &reqwest::Client,
    pb: &PostbackRow,
) -> Result<u16, SendError> {
    let lead = state
        .db
        .lead(&pb.lead_id)
        .await
        .map_err(|e| SendError {
            message: e.to_string(),
            permanent: false,
        })?
        .ok_or(SendError {
            message: "lead missing".into(),
            permanent: true,
        })?;
    let url = template::expand(&pb.url, &lead);
    let url = ssrf::check_url(&url, state.config.postbacks.allow_private_targets).map_err(|e| {
        SendError {
            message: e.to_string(),
            permanent: true,
        }
    })?;
    let resp = http.get(url).send().await.map_err(|e| SendError {
        message: format!("request failed: {}", e.without_url()),
        permanent: false,
    })?;
    let status = resp.status();
    if status.is_success() {
        Ok(status.as_u16())
    } else {
        Err(SendError {
            message: format!("HTTP {}", status.as_u16()),
            permanent: false,
        })
    }
}
