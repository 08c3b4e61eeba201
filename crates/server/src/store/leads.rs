//! Leads: commit-before-ack intake, the finished verdict, status and reconciliation.
use super::commit::{CallInsert, Completion, Inserted};
use super::{Db, StoreError};
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

impl Db {
    /// Commits a lead and its job in one transaction (before the caller acks).
    /// With `signature`, records it first and refuses a replay. Concurrent calls share
    /// a transaction (group commit); each returns only after that commit.
    pub async fn insert_lead(
        &self,
        lead: &NewLead,
        signature: Option<(&str, i64)>,
    ) -> Result<Stored, StoreError> {
        let signature = signature.map(|(s, expires_at)| (s.to_string(), expires_at));
        match self.committer.insert(lead.clone(), signature).await? {
            Inserted::New => Ok(Stored::New),
            Inserted::Replayed => Ok(Stored::Replayed),
            Inserted::Conflict => {
                // The signature record is kept (a replay of it must still fail); report
                // the lead that is already stored.
                let existing = match &lead.idempotency_key {
                    Some(key) => self.lead_by_idempotency_key(key).await?,
                    None => None,
                };
                let existing = match existing {
                    Some(row) => Some(row),
                    None => self.lead(&lead.id).await?,
                };
                existing
                    .map(|row| Stored::Existing(Box::new(row)))
                    .ok_or_else(|| StoreError::Corrupt("conflicting lead vanished".into()))
            }
        }
    }

    /// A lead by id.
    pub async fn lead(&self, id: &str) -> Result<Option<LeadRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(lead_row).transpose()?)
    }

    /// Several leads by id, in one query per 64 ids (the queue loads a claimed batch).
    pub async fn leads(&self, ids: &[String]) -> Result<Vec<LeadRow>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in super::commit::chunks(ids) {
            let list = super::commit::Marks(self.backend()).rows(1, chunk.len());
            let sql = format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id IN {list}");
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.as_str());
            }
            for r in q.fetch_all(self.pool()).await? {
                out.push(lead_row(&r)?);
            }
        }
        Ok(out)
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
    /// one transaction, so a crash leaves either nothing or everything. A lead already
    /// done keeps its verdict and calls (only the job goes). Concurrent calls share a
    /// transaction (group commit).
    pub async fn complete_lead(
        &self,
        id: &str,
        outcome: &LeadOutcome,
        postback: Option<(&str, &str)>,
    ) -> Result<(), StoreError> {
        let reasons: Vec<&str> = outcome.reasons.iter().map(|r| r.code()).collect();
        let done = Completion {
            id: id.to_string(),
            status: outcome.status.as_str(),
            score: i64::from(outcome.score),
            primary: outcome.primary().map(|c| c.code()),
            secondary: outcome.secondary().map(|c| c.code()),
            reasons: reasons.join(","),
            provider: outcome.provider.clone(),
            cost_usd: outcome.cost_usd,
            latency_ms: outcome.latency_ms as i64,
            rule_version: outcome.rule_version.clone(),
            duplicate_of: outcome.duplicate_of.clone(),
            calls: outcome.calls.iter().map(call_insert).collect(),
            postback: postback.map(|(p, u)| (p.to_string(), u.to_string())),
        };
        self.committer.complete(done).await
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

fn call_insert(call: &CallRecord) -> CallInsert {
    CallInsert {
        provider: call.provider.clone(),
        outcome: call.outcome.as_str(),
        error: call.error.clone(),
        reason: call.reason.map(|c| c.code()),
        cost_usd: call.cost_usd,
        latency_ms: call.latency_ms as i64,
        attempt: i64::from(call.attempt),
        breaker_state: call.breaker_state.label(),
        rules_fired: call.rules_fired.join("\n"),
    }
}
