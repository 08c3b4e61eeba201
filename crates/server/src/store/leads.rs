//! Leads: commit-before-ack intake, the finished verdict, status and reconciliation.
use super::{now_ms, Db, StoreError};
use leadgate_pipeline::{CallRecord, LeadOutcome};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A lead to store.
#[derive(Debug, Clone)]
pub struct NewLead {
    /// Lead id (ULID).
    pub id: String,
    /// `edge` or `partner`.
    pub source: &'static str,
    /// The partner that sent it.
    pub partner_id: Option<String>,
    /// Partner-scoped idempotency key (`<partner>:<key>`), if any.
    pub idempotency_key: Option<String>,
    /// Edge site id.
    pub site: Option<String>,
    /// Campaign id.
    pub campaign_id: String,
    /// Campaign config version at intake.
    pub campaign_version: String,
    /// Partner sub-id.
    pub sub1: Option<String>,
    /// When the edge (or partner call) received it.
    pub received_at: i64,
    /// The lead's fields as JSON (PII).
    pub lead_json: String,
    /// The edge verdict as JSON.
    pub edge_json: Option<String>,
}

/// What intake did.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// Committed, with a job queued.
    New,
    /// Already there (idempotent re-delivery): the stored lead.
    Existing(Box<LeadRow>),
    /// The signature was seen before: nothing stored.
    Replayed,
}

/// A stored lead.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeadRow {
    /// Lead id.
    pub id: String,
    /// Source.
    pub source: String,
    /// Partner.
    pub partner_id: Option<String>,
    /// Campaign.
    pub campaign_id: String,
    /// Partner sub-id.
    pub sub1: Option<String>,
    /// Intake time (ms).
    pub received_at: i64,
    /// `queued` or `done`.
    pub state: String,
    /// accepted / rejected / review.
    pub validation_status: Option<String>,
    /// 0..=100.
    pub validation_score: Option<i64>,
    /// Primary reason.
    pub primary_reason_code: Option<String>,
    /// Secondary reason.
    pub secondary_reason_code: Option<String>,
    /// All reasons, comma-separated.
    pub reasons: Option<String>,
    /// Deciding provider.
    pub provider: Option<String>,
    /// Spend.
    pub cost_usd: Option<f64>,
    /// Engine latency.
    pub latency_ms: Option<i64>,
    /// Rule version.
    pub rule_version: Option<String>,
    /// Original lead when a duplicate.
    pub duplicate_of: Option<String>,
    /// Completion time.
    pub completed_at: Option<i64>,
    /// Lead fields (None once purged).
    #[serde(skip)]
    pub lead_json: Option<String>,
    /// Edge verdict.
    #[serde(skip)]
    pub edge_json: Option<String>,
}

/// One stored provider call.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CallRow {
    /// Provider.
    pub provider: String,
    /// Outcome label.
    pub outcome: String,
    /// Reason code.
    pub reason: Option<String>,
    /// Cost.
    pub cost_usd: f64,
    /// Latency.
    pub latency_ms: i64,
    /// Attempt.
    pub attempt: i64,
    /// Breaker state.
    pub breaker_state: String,
}

const LEAD_COLUMNS: &str = "id, source, partner_id, campaign_id, sub1, received_at, state, validation_status, \
    validation_score, primary_reason_code, secondary_reason_code, reasons, provider, cost_usd, latency_ms, \
    rule_version, duplicate_of, completed_at, lead_json, edge_json";

fn lead_row(r: &AnyRow) -> Result<LeadRow, sqlx::Error> {
    Ok(LeadRow {
        id: r.try_get("id")?,
        source: r.try_get("source")?,
        partner_id: r.try_get("partner_id")?,
        campaign_id: r.try_get("campaign_id")?,
        sub1: r.try_get("sub1")?,
        received_at: r.try_get("received_at")?,
        state: r.try_get("state")?,
        validation_status: r.try_get("validation_status")?,
        validation_score: r.try_get("validation_score")?,
        primary_reason_code: r.try_get("primary_reason_code")?,
        secondary_reason_code: r.try_get("secondary_reason_code")?,
        reasons: r.try_get("reasons")?,
        provider: r.try_get("provider")?,
        cost_usd: r.try_get("cost_usd")?,
        latency_ms: r.try_get("latency_ms")?,
        rule_version: r.try_get("rule_version")?,
        duplicate_of: r.try_get("duplicate_of")?,
        completed_at: r.try_get("completed_at")?,
        lead_json: r.try_get("lead_json")?,
        edge_json: r.try_get("edge_json")?,
    })
}

fn label<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Db {
    /// Commits a lead and its job in one transaction (before the caller acks).
    /// With `signature`, records it first and refuses a replay.
    pub async fn insert_lead(
        &self,
        lead: &NewLead,
        signature: Option<(&str, i64)>,
    ) -> Result<Stored, StoreError> {
        let _w = self.write_guard().await;
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        if let Some((sig, expires_at)) = signature {
            let r = sqlx::query("INSERT INTO seen_signatures (signature, expires_at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING")
                .bind(sig)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(Stored::Replayed);
            }
        }
        let r = sqlx::query(
            "INSERT INTO leads (id, source, partner_id, idempotency_key, site, campaign_id, campaign_version, sub1, \
             received_at, created_at, lead_json, edge_json, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'queued') ON CONFLICT DO NOTHING",
        )
        .bind(&lead.id)
        .bind(lead.source)
        .bind(&lead.partner_id)
        .bind(&lead.idempotency_key)
        .bind(&lead.site)
        .bind(&lead.campaign_id)
        .bind(&lead.campaign_version)
        .bind(&lead.sub1)
        .bind(lead.received_at)
        .bind(now)
        .bind(&lead.lead_json)
        .bind(&lead.edge_json)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            // Keep the signature record (a replay of it must still fail) and report
            // the lead that is already stored.
            tx.commit().await?;
            let existing = match &lead.idempotency_key {
                Some(key) => self.lead_by_idempotency_key(key).await?,
                None => None,
            };
            let existing = match existing {
                Some(row) => Some(row),
                None => self.lead(&lead.id).await?,
            };
            return existing
                .map(|row| Stored::Existing(Box::new(row)))
                .ok_or_else(|| StoreError::Corrupt("conflicting lead vanished".into()));
        }
        sqlx::query("INSERT INTO jobs (lead_id, run_at, attempts) VALUES ($1, $2, 0)")
            .bind(&lead.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Stored::New)
    }

    /// A lead by id.
    pub async fn lead(&self, id: &str) -> Result<Option<LeadRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(lead_row).transpose()?)
    }

    async fn lead_by_idempotency_key(&self, key: &str) -> Result<Option<LeadRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LEAD_COLUMNS} FROM leads WHERE idempotency_key = $1"
        ))
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(lead_row).transpose()?)
    }

    /// Stores the verdict and every call, queues the postback, and drops the job:
    /// one transaction, so a crash leaves either nothing or everything.
    pub async fn complete_lead(
        &self,
        id: &str,
        outcome: &LeadOutcome,
        postback: Option<(&str, &str)>,
    ) -> Result<(), StoreError> {
        let _w = self.write_guard().await;
        let now = now_ms();
        let reasons: Vec<&str> = outcome.reasons.iter().map(|r| r.code()).collect();
        let mut tx = self.pool().begin().await?;
        let r = sqlx::query(
            "UPDATE leads SET state = 'done', validation_status = $1, validation_score = $2, primary_reason_code = $3, \
             secondary_reason_code = $4, reasons = $5, provider = $6, cost_usd = $7, latency_ms = $8, rule_version = $9, \
             duplicate_of = $10, completed_at = $11 WHERE id = $12 AND state <> 'done'",
        )
        .bind(outcome.status.as_str())
        .bind(i64::from(outcome.score))
        .bind(outcome.primary().map(|c| c.code()))
        .bind(outcome.secondary().map(|c| c.code()))
        .bind(reasons.join(","))
        .bind(&outcome.provider)
        .bind(outcome.cost_usd)
        .bind(outcome.latency_ms as i64)
        .bind(&outcome.rule_version)
        .bind(&outcome.duplicate_of)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 1 {
            for (seq, call) in outcome.calls.iter().enumerate() {
                insert_call(&mut tx, id, seq as i64, call, now).await?;
            }
            if let Some((partner, url)) = postback {
                sqlx::query(
                    "INSERT INTO postbacks (id, lead_id, partner_id, url, state, attempts, next_at, created_at) \
                     VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)",
                )
                .bind(format!("{id}:{partner}"))
                .bind(id)
                .bind(partner)
                .bind(url)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query("DELETE FROM jobs WHERE lead_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The provider calls of a lead, in order.
    pub async fn calls(&self, id: &str) -> Result<Vec<CallRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT provider, outcome, reason, cost_usd, latency_ms, attempt, breaker_state FROM provider_calls \
             WHERE lead_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CallRow {
                    provider: r.try_get("provider")?,
                    outcome: r.try_get("outcome")?,
                    reason: r.try_get("reason")?,
                    cost_usd: r.try_get("cost_usd")?,
                    latency_ms: r.try_get("latency_ms")?,
                    attempt: r.try_get("attempt")?,
                    breaker_state: r.try_get("breaker_state")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// A partner's leads received in `[from_ms, to_ms)`, oldest first.
    pub async fn partner_leads(
        &self,
        partner: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<LeadRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LEAD_COLUMNS} FROM leads WHERE partner_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id"
        ))
        .bind(partner)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(lead_row).collect::<Result<_, _>>()?)
    }

    /// Counts leads by state (for tests, readiness and the load generator).
    pub async fn count_leads(&self, state: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COUNT(*) AS n FROM leads WHERE state = $1")
                .bind(state)
                .fetch_one(self.pool())
                .await?
                .try_get("n")?,
        )
    }
}

async fn insert_call(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    seq: i64,
    call: &CallRecord,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO provider_calls (lead_id, seq, provider, outcome, error, reason, cost_usd, latency_ms, attempt, \
         breaker_state, rules_fired, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(seq)
    .bind(&call.provider)
    .bind(label(&call.outcome))
    .bind(&call.error)
    .bind(call.reason.map(|c| c.code()))
    .bind(call.cost_usd)
    .bind(call.latency_ms as i64)
    .bind(i64::from(call.attempt))
    .bind(call.breaker_state.label())
    .bind(call.rules_fired.join("\n"))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
