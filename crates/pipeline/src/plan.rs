//! A campaign's plan: the sequence of integrations and the money/time limits around it.
//! Plans deserialize from the backend's TOML config (`[[campaigns.integrations]]`).
use crate::rule::{Condition, Rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happens when a provider cannot answer (timeout, error, circuit open, no budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FailMode {
    /// Carry on as if the check had passed (non-critical checks).
    #[default]
    Open,
    /// Stop and send the lead to review (compliance checks).
    Closed,
}

/// Retry policy for one integration. Only idempotent providers are retried, at most once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryPolicy {
    /// 0 or 1: the engine never retries more than once.
    pub max_retries: u32,
    /// Base backoff before the retry.
    pub backoff_ms: u64,
    /// Jitter as a fraction of the backoff (0.0..=1.0), drawn from the injected RNG.
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 1,
            backoff_ms: 50,
            jitter: 0.5,
        }
    }
}

/// Route a share of traffic to an alternate provider (deterministic by lead id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbSplit {
    /// The alternate provider's name.
    pub provider: String,
    /// Share of leads (0..=100) that go to the alternate.
    pub percent: u8,
}

/// Escalate to a secondary provider when the first answer is not confident enough.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    /// The secondary provider's name.
    pub provider: String,
    /// Escalate when the answer's `confidence` is below this (or missing).
    pub below_confidence: f64,
}

/// The validation-stack layer an integration runs in (for time budgets).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum StageLayer {
    /// Light enrichment (line type, IP risk, address).
    #[default]
    Enrichment,
    /// Intent and abuse.
    Intent,
    /// Compliance and fraud.
    Compliance,
}

/// One step of a campaign's sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// The provider's registry name.
    pub provider: String,
    /// Position in the sequence (ascending; ties keep config order).
    #[serde(default)]
    pub order: i32,
    /// Disabled integrations are skipped without a record.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Layer, for the per-layer time budget.
    #[serde(default)]
    pub layer: StageLayer,
    /// Only call when this holds for the signals gathered so far (cheap signals
    /// gating premium calls), e.g. `"fraud_score > 40"`. The pseudo-signal
    /// `edge_score` holds the edge verdict's score.
    #[serde(default)]
    pub when: Option<Condition>,
    /// Rules on this integration's signals, in order.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Stop the sequence as soon as this integration rejects.
    #[serde(default = "yes")]
    pub stop_on_reject: bool,
    /// Per-attempt timeout.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// Retry policy (only applied to idempotent providers).
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Fail open (continue) or closed (review) when the provider cannot answer.
    #[serde(default)]
    pub fail: FailMode,
    /// Price per call override; defaults to the provider's list price.
    #[serde(default)]
    pub price_usd: Option<f64>,
    /// Field mapping: `vendor_param -> lead field` (`"phone" = "phone_e164"`), passed
    /// to the provider in `ProviderRequest::extra`.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Cache answers for this many seconds (0 = no cache).
    #[serde(default)]
    pub cache_ttl_secs: u64,
    /// A/B split to an alternate provider.
    #[serde(default)]
    pub ab: Option<AbSplit>,
    /// Tiered escalation on low confidence.
    #[serde(default)]
    pub escalate: Option<Escalation>,
}

fn yes() -> bool {
    true
}
fn default_timeout() -> u64 {
    1_500
}

/// Time budgets per layer, in milliseconds (missing = unlimited beyond call timeouts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Budgets {
    /// Light enrichment.
    pub enrichment_ms: Option<u64>,
    /// Intent and abuse.
    pub intent_ms: Option<u64>,
    /// Compliance and fraud.
    pub compliance_ms: Option<u64>,
}

impl Budgets {
    /// The budget for a layer.
    pub fn for_layer(&self, layer: StageLayer) -> Option<u64> {
        match layer {
            StageLayer::Enrichment => self.enrichment_ms,
            StageLayer::Intent => self.intent_ms,
            StageLayer::Compliance => self.compliance_ms,
        }
    }
}

/// Where the duplicate decision comes from, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FingerprintSource {
    /// The fingerprint the backend recomputes from the lead (authoritative).
    Backend,
    /// The fingerprint the edge sent.
    Edge,
}

/// Dedup settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DedupPolicy {
    /// Check duplicates before any paid call.
    pub enabled: bool,
    /// The first available source wins.
    pub precedence: Vec<FingerprintSource>,
    /// A fingerprint seen within this window is a duplicate.
    pub window_secs: u64,
}

impl Default for DedupPolicy {
    fn default() -> Self {
        DedupPolicy {
            enabled: true,
            precedence: vec![FingerprintSource::Backend, FingerprintSource::Edge],
            window_secs: 30 * 24 * 3600,
        }
    }
}

/// A campaign's whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignPlan {
    /// Campaign id.
    pub id: String,
    /// Rule/config version recorded with every verdict.
    #[serde(default = "default_version")]
    pub version: String,
    /// Per-lead cost cap in dollars; reaching it sends the lead to review (PIP01).
    #[serde(default)]
    pub cost_cap_usd: Option<f64>,
    /// Per-layer time budgets.
    #[serde(default)]
    pub budgets: Budgets,
    /// Dedup.
    #[serde(default)]
    pub dedup: DedupPolicy,
    /// The sequence.
    #[serde(default)]
    pub integrations: Vec<Integration>,
}

fn default_version() -> String {
    "1".into()
}

impl CampaignPlan {
    /// Enabled integrations in execution order.
    pub fn sequence(&self) -> Vec<&Integration> {
        let mut seq: Vec<&Integration> = self.integrations.iter().filter(|i| i.enabled).collect();
        seq.sort_by_key(|i| i.order);
        seq
    }
}
