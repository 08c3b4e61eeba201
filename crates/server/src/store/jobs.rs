//! The job queue: one row per unfinished lead. Claims take a lease; a worker that
//! dies leaves its lease to expire and another claim picks the job up.
use super::{now_ms, Backend, Db, StoreError};
use sqlx::Row;

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// The lead to process.
    pub lead_id: String,
    /// Claims so far, including this one.
    pub attempts: i64,
}

impl Db {
    /// Claims up to `limit` due jobs for `worker` for `lease_ms`.
    ///
    /// A claim also moves the job's `run_at` to the end of its lease, so the due jobs
    /// are exactly `run_at <= now`: the claim reads only those from the `run_at`
    /// index instead of stepping over every job still leased. (`locked_until` is kept
    /// as well, and checked, for rows claimed before this rule.)
    pub async fn claim_jobs(
        &self,
        worker: &str,
        limit: u32,
        lease_ms: i64,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let _w = self.write_guard().await;
        let now = now_ms();
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET locked_by = $1, locked_until = $2, run_at = $2, attempts = attempts + 1 WHERE lead_id IN \
             (SELECT lead_id FROM jobs WHERE run_at <= $3 AND (locked_until IS NULL OR locked_until < $3) \
             ORDER BY run_at LIMIT $4{lock}) RETURNING lead_id, attempts"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(now + lease_ms)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ClaimedJob {
                    lead_id: r.try_get("lead_id")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Gives a job back to run again after `delay_ms` (processing failed).
    pub async fn release_job(&self, lead_id: &str, delay_ms: i64) -> Result<(), StoreError> {
        let _w = self.write_guard().await;
        sqlx::query(
            "UPDATE jobs SET locked_by = NULL, locked_until = NULL, run_at = $1 WHERE lead_id = $2",
        )
        .bind(now_ms() + delay_ms)
        .bind(lead_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Jobs not yet finished.
    pub async fn queue_depth(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM jobs")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }
}
