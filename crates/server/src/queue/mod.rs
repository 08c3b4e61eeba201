//! The queue worker: claims jobs from the database and runs each lead through the
//! pipeline, at most `queue.concurrency` at once. Jobs are only deleted in the
//! transaction that stores the verdict, so a crash leaves them to be claimed again
//! when their lease runs out.
mod process;

pub use process::{process_lead, process_loaded};

use crate::state::SharedState;
use crate::store::LeadRow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Semaphore};

/// Runs until `shutdown` turns true, then waits for in-flight leads (up to `drain`).
pub async fn run(state: SharedState, mut shutdown: watch::Receiver<bool>, drain: Duration) {
    let q = state.config.queue.clone();
    let slots = Arc::new(Semaphore::new(q.concurrency.max(1)));
    let lease_ms = (q.lease_secs * 1000) as i64;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let free = slots.available_permits().min(q.batch.max(1) as usize) as u32;
        if free == 0 {
            tokio::select! {
                _ = slots.clone().acquire_owned() => {}
                _ = shutdown.changed() => {}
            }
            continue;
        }
        let jobs = match state.db.claim_jobs(&state.worker_id, free, lease_ms).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(error = %e, "claiming jobs failed");
                tokio::time::sleep(Duration::from_millis(q.poll_ms)).await;
                continue;
            }
        };
        if jobs.is_empty() {
            tokio::select! {
                _ = state.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(q.poll_ms)) => {}
                _ = shutdown.changed() => {}
            }
            continue;
        }
        // One query loads the whole claimed batch.
        let ids: Vec<String> = jobs.iter().map(|j| j.lead_id.clone()).collect();
        let mut rows: HashMap<String, LeadRow> = match state.db.leads(&ids).await {
            Ok(rows) => rows.into_iter().map(|r| (r.id.clone(), r)).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "loading claimed leads failed; each loads its own");
                HashMap::new()
            }
        };
        for job in jobs {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                break;
            };
            let state = state.clone();
            let row = rows.remove(&job.lead_id);
            tokio::spawn(async move {
                match row {
                    Some(row) => process_loaded(&state, &job, Some(row)).await,
                    None => process_lead(&state, &job).await,
                }
                drop(permit);
            });
        }
    }
    let all = q.concurrency.max(1) as u32;
    let _ = tokio::time::timeout(drain, slots.acquire_many(all)).await;
}
