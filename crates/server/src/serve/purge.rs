//! Retention: deletes lead PII past each campaign's `retention_days` (the verdict,
//! reasons and costs stay), and forgets expired replay signatures and fingerprints.
use crate::state::AppState;
use crate::store::{now_ms, StoreError};
use std::time::Duration;
use tokio::sync::watch;

const DAY_MS: i64 = 86_400_000;

/// One purge pass; returns how many leads lost their PII.
pub async fn purge_once(state: &AppState) -> Result<u64, StoreError> {
    let now = now_ms();
    let mut purged = 0;
    let mut longest_window = 0i64;
    let runtime = state.runtime();
    for c in runtime.campaigns.values() {
        let days = i64::from(
            c.retention_days
                .unwrap_or(state.config.retention.default_days),
        );
        purged += state.db.purge_pii(&c.id, now - days * DAY_MS).await?;
        longest_window = longest_window.max((c.dedup.window_secs as i64) * 1000);
    }
    state.db.purge_expired(now - longest_window).await?;
    Ok(purged)
}

/// Runs [`purge_once`] every `retention.purge_interval_secs`.
pub async fn run(state: std::sync::Arc<AppState>, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_secs(state.config.retention.purge_interval_secs.max(1));
    loop {
        match purge_once(&state).await {
            Ok(n) if n > 0 => tracing::info!(leads = n, "purged lead PII past retention"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
