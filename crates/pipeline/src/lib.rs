//! leadgate-pipeline: the provider-sequencing engine (no HTTP).
//!
//! Providers implement [`Provider`]; a [`Registry`] puts each behind its own circuit
//! [`breaker::Breaker`]; the [`Engine`] runs a campaign's [`CampaignPlan`] for one lead
//! with budgets, cost caps, retries, gating, escalation, A/B routing, caching and
//! dedup, and folds provider reasons into the same verdict function the edge uses.
//!
//! ```
//! use leadgate_pipeline::{stub::StubProvider, *};
//! use std::sync::Arc;
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let mut registry = Registry::new();
//! let fraud = StubProvider::new("fraud", 0.01).answer(Signals { fraud_score: Some(95.0), ..Default::default() });
//! registry.register(Arc::new(fraud), BreakerConfig::default());
//! let plan: CampaignPlan = toml_like_plan();
//! # fn toml_like_plan() -> CampaignPlan { serde_json::from_str(r#"{"id":"c1","version":"7",
//! #   "integrations":[{"provider":"fraud","rules":["fraud_score > 85 -> reject FRD01"]}]}"#).unwrap() }
//! let engine = Engine::new(registry, Arc::new(SplitMix::new(1)), Default::default());
//! let out = engine.run(&LeadContext::default(), &plan).await;
//! assert_eq!(out.status, LeadStatus::Rejected);
//! assert_eq!(out.primary(), Some(leadgate_checks::ReasonCode::FRD01));
//! # });
//! ```
pub mod breaker;
pub mod cache;
pub mod engine;
pub mod outcome;
pub mod plan;
pub mod provider;
pub mod registry;
pub mod retry;
pub mod rule;
pub mod stub;

pub use breaker::{Breaker, BreakerConfig, BreakerLayer, BreakerState};
pub use engine::{DedupStore, Engine, LeadContext};
pub use outcome::{CallOutcome, CallRecord, LeadOutcome, LeadStatus};
pub use plan::{CampaignPlan, FailMode, Integration, RetryPolicy};
pub use provider::{
    BoxFuture, LineType, Provider, ProviderAnswer, ProviderError, ProviderMeta, ProviderRequest,
    ProviderService, SharedProvider, Signals,
};
pub use registry::Registry;
pub use retry::{FixedJitter, JitterSource, SplitMix};
pub use rule::{Condition, Rule, RuleAction};
