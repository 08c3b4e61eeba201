//! The postback outbox: rows written in the lead's completion transaction,
//! delivered and retried by the postback worker.
use super::{now_ms, Backend, Db, StoreError};
use sqlx::Row;

/// A due postback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostbackRow {
    /// Outbox id.
    pub id: String,
    /// Lead.
    pub lead_id: String,
    /// Partner.
    pub partner_id: String,
    /// The URL template (expanded at send time from the stored verdict).
    pub url: String,
    /// Attempts so far (before this one).
    pub attempts: i64,
}

impl Db {
    /// Claims due postbacks for `lease_ms`.
    pub async fn claim_postbacks(
        &self,
        limit: u32,
        lease_ms: i64,
    ) -> Result<Vec<PostbackRow>, StoreError> {
        let _w = self.write_guard().await;
        let now = now_ms();
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE postbacks SET locked_until = $1 WHERE id IN (SELECT id FROM postbacks WHERE state = 'pending' \
             AND next_at <= $2 AND (locked_until IS NULL OR locked_until < $2) ORDER BY next_at LIMIT $3{lock}) \
             RETURNING id, lead_id, partner_id, url, attempts"
        );
        let rows = sqlx::query(&sql)
            .bind(now + lease_ms)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PostbackRow {
                    id: r.try_get("id")?,
                    lead_id: r.try_get("lead_id")?,
                    partner_id: r.try_get("partner_id")?,
                    url: r.try_get("url")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Marks a postback delivered.
    pub async fn postback_sent(&self, id: &str, status: u16) -> Result<(), StoreError> {
        let _w = self.write_guard().await;
        let now = now_ms();
        sqlx::query("UPDATE postbacks SET state = 'sent', attempts = attempts + 1, sent_at = $1, response_status = $2, locked_until = NULL WHERE id = $3")
            .bind(now)
            .bind(i64::from(status))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a failed attempt: retry at `next_at`, or give up when `give_up`.
    pub async fn postback_failed(
        &self,
        id: &str,
        error: &str,
        next_at: i64,
        give_up: bool,
    ) -> Result<(), StoreError> {
        let _w = self.write_guard().await;
        let state = if give_up { "failed" } else { "pending" };
        sqlx::query("UPDATE postbacks SET state = $1, attempts = attempts + 1, next_at = $2, last_error = $3, locked_until = NULL WHERE id = $4")
            .bind(state)
            .bind(next_at)
            .bind(error)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A postback's state and attempts (tests, status page).
    pub async fn postback_state(&self, id: &str) -> Result<Option<(String, i64)>, StoreError> {
        let row = sqlx::query("SELECT state, attempts FROM postbacks WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get("state")?, r.try_get("attempts")?)))
            .transpose()
            .map_err(|e: sqlx::Error| e.into())
    }
}
