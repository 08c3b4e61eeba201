//! What the engine hands back: the final status and one record per provider call.
use crate::breaker::BreakerState;
use leadgate_checks::ReasonCode;
use serde::{Deserialize, Serialize};

/// The lead's final status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    /// Passed everything.
    Accepted,
    /// Rejected by a check or rule.
    Rejected,
    /// Needs a human look (low confidence, cap, fail-closed provider, ...).
    Review,
}

impl LeadStatus {
    /// The wire/DB label.
    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::Accepted => "accepted",
            LeadStatus::Rejected => "rejected",
            LeadStatus::Review => "review",
        }
    }
}

/// How one step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// The provider answered.
    Ok,
    /// Answered from the cache (no cost).
    Cached,
    /// The call failed (see `error`).
    Error,
    /// Not called: its `when` gate was false.
    Gated,
    /// Not called: the breaker was open.
    CircuitOpen,
    /// Not called: it would have exceeded the lead's cost cap.
    CostCap,
    /// Not called: the layer's time budget was spent.
    BudgetExhausted,
    /// Not called: no provider of that name is registered.
    UnknownProvider,
}

impl CallOutcome {
    /// The wire/DB label (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::Cached => "cached",
            CallOutcome::Error => "error",
            CallOutcome::Gated => "gated",
            CallOutcome::CircuitOpen => "circuit_open",
            CallOutcome::CostCap => "cost_cap",
            CallOutcome::BudgetExhausted => "budget_exhausted",
            CallOutcome::UnknownProvider => "unknown_provider",
        }
    }
}

/// One provider step, as stored per call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Provider name.
    pub provider: String,
    /// How it ended.
    pub outcome: CallOutcome,
    /// The error label when `outcome` is `error`.
    pub error: Option<String>,
    /// The most important reason this step contributed.
    pub reason: Option<ReasonCode>,
    /// Dollars spent on this step.
    pub cost_usd: f64,
    /// Wall time of the step in milliseconds.
    pub latency_ms: u64,
    /// 1 for the first attempt, 2 for the retry.
    pub attempt: u32,
    /// The breaker's state when the call was admitted (or refused).
    pub breaker_state: BreakerState,
    /// Rules that fired on this step's signals (their source text).
    pub rules_fired: Vec<String>,
}

/// The engine's verdict on one lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadOutcome {
    /// Accepted, rejected or review.
    pub status: LeadStatus,
    /// 0..=100.
    pub score: u8,
    /// Primary first, then secondary reasons.
    pub reasons: Vec<ReasonCode>,
    /// The campaign plan version that decided.
    pub rule_version: String,
    /// Total spend.
    pub cost_usd: f64,
    /// Total engine time in milliseconds.
    pub latency_ms: u64,
    /// The last provider that answered (the one that decided, when one did).
    pub provider: Option<String>,
    /// The original lead when this one is a duplicate.
    pub duplicate_of: Option<String>,
    /// One record per step.
    pub calls: Vec<CallRecord>,
}

impl LeadOutcome {
    /// The primary reason.
    pub fn primary(&self) -> Option<ReasonCode> {
        self.reasons.first().copied()
    }

    /// The first secondary reason.
    pub fn secondary(&self) -> Option<ReasonCode> {
        self.reasons.get(1).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_the_serde_names() {
        for o in [
            CallOutcome::Ok,
            CallOutcome::Cached,
            CallOutcome::Error,
            CallOutcome::Gated,
            CallOutcome::CircuitOpen,
            CallOutcome::CostCap,
            CallOutcome::BudgetExhausted,
            CallOutcome::UnknownProvider,
        ] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str(), "{o:?}");
        }
        for s in [
            LeadStatus::Accepted,
            LeadStatus::Rejected,
            LeadStatus::Review,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str(), "{s:?}");
        }
    }
}
