//! The engine: runs one lead through a campaign plan.
//!
//! Order of business: a lead the checks already block costs nothing more; then
//! dedup (before any money is spent), then each enabled
//! integration in order: A/B routing, `when` gate, cache, cost cap, layer budget,
//! the call (one retry at most, idempotent providers only, with jittered backoff),
//! tiered escalation, rules, stop-on-reject, fail mode. Calls never overlap: the
//! sequence is strictly one provider at a time.
use crate::breaker::BreakerState;
use crate::cache::AnswerCache;
use crate::outcome::{CallOutcome, CallRecord, LeadOutcome, LeadStatus};
use crate::plan::{CampaignPlan, FailMode, FingerprintSource, Integration, StageLayer};
use crate::provider::{BoxFuture, ProviderAnswer, ProviderError, ProviderRequest, Signals};
use crate::registry::Registry;
use crate::retry::{backoff, should_retry, JitterSource};
use crate::rule::RuleAction;
use leadgate_checks::verdict::verdict_with;
use leadgate_checks::{Lane, Policy, ReasonCode};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tower_service::Service;

/// Remembers fingerprints so a duplicate is caught before anything is paid.
/// The server implements it on its database (the source of truth across instances).
pub trait DedupStore: Send + Sync + fmt::Debug {
    /// Claims `fingerprint` for `lead_id`. Returns the lead that claimed it first
    /// within `window` (if that is another lead), `None` when this lead owns it.
    fn claim<'a>(
        &'a self,
        fingerprint: &'a str,
        lead_id: &'a str,
        window: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, String>>;
}

/// The lead as the engine sees it.
#[derive(Debug, Clone, Default)]
pub struct LeadContext {
    /// The normalised request every provider gets (`lead_id` filled in).
    pub request: ProviderRequest,
    /// Reasons already found by the checks (edge and backend syntax layer).
    pub base_reasons: Vec<ReasonCode>,
    /// The edge verdict's score, visible to `when` gates as `edge_score`.
    pub edge_score: Option<u8>,
    /// Fingerprint recomputed by the backend.
    pub backend_fingerprint: Option<String>,
    /// Fingerprint the edge sent.
    pub edge_fingerprint: Option<String>,
}

/// The engine. Cheap to clone; share one per server.
#[derive(Debug, Clone)]
pub struct Engine {
    registry: Registry,
    cache: Arc<AnswerCache>,
    jitter: Arc<dyn JitterSource>,
    policy: Arc<Policy>,
    dedup: Option<Arc<dyn DedupStore>>,
}

struct Step {
    records: Vec<CallRecord>,
    result: Result<ProviderAnswer, ProviderError>,
    skip: Option<CallOutcome>,
}

impl Engine {
    /// An engine over `registry`, with a jitter source and the verdict policy.
    pub fn new(registry: Registry, jitter: Arc<dyn JitterSource>, policy: Policy) -> Self {
        Engine {
            registry,
            cache: Arc::new(AnswerCache::new(100_000)),
            jitter,
            policy: Arc::new(policy),
            dedup: None,
        }
    }

    /// Adds a dedup store.
    pub fn with_dedup(mut self, dedup: Arc<dyn DedupStore>) -> Self {
        self.dedup = Some(dedup);
        self
    }

    /// The registry (for metrics).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Provider names a plan refers to that are not registered.
    pub fn unknown_providers(&self, plan: &CampaignPlan) -> Vec<String> {
        let mut missing = Vec::new();
        for i in &plan.integrations {
            let names = std::iter::once(&i.provider)
                .chain(i.ab.as_ref().map(|a| &a.provider))
                .chain(i.escalate.as_ref().map(|e| &e.provider));
            for n in names {
                if self.registry.get(n).is_none() && !missing.contains(n) {
                    missing.push(n.clone());
                }
            }
        }
        missing
    }

    /// Runs `lead` through `plan`.
    pub async fn run(&self, lead: &LeadContext, plan: &CampaignPlan) -> LeadOutcome {
        let started = Instant::now();
        let mut outcome = LeadOutcome {
            status: LeadStatus::Accepted,
            score: 100,
            reasons: Vec::new(),
            rule_version: plan.version.clone(),
            cost_usd: 0.0,
            latency_ms: 0,
            provider: None,
            duplicate_of: None,
            calls: Vec::new(),
        };
        let mut extra: Vec<ReasonCode> = Vec::new();
        let mut forced: Option<RuleAction> = None;

        // Layer 1 already blocks it: nothing paid can change that.
        if verdict_with(&lead.base_reasons, &[], &self.policy).lane == Lane::Block {
            return self.finish(outcome, lead, extra, forced, started);
        }
        if let Some(original) = self.duplicate_of(lead, plan).await {
            outcome.duplicate_of = Some(original);
            extra.push(ReasonCode::DUP01);
            forced = Some(RuleAction::Reject);
            return self.finish(outcome, lead, extra, forced, started);
        }

        let mut signals = Signals::default();
        if let Some(score) = lead.edge_score {
            signals
                .extra
                .insert("edge_score".into(), serde_json::Value::from(score));
        }
        let mut spent_by_layer: HashMap<StageLayer, Duration> = HashMap::new();

        'sequence: for integ in plan.sequence() {
            let name = self.route(integ, &lead.request.lead_id);
            if let Some(gate) = &integ.when {
                if !gate.holds(&signals) {
                    outcome.calls.push(record(
                        &name,
                        CallOutcome::Gated,
                        None,
                        BreakerState::Closed,
                    ));
                    continue;
                }
            }
            let mut tiers = vec![name];
            let mut answered = false;
            let mut i = 0;
            while i < tiers.len() {
                let provider = tiers[i].clone();
                i += 1;
                let layer_spent = spent_by_layer.entry(integ.layer).or_default();
                let step = self
                    .step(&provider, integ, plan, lead, outcome.cost_usd, layer_spent)
                    .await;
                for r in &step.records {
                    outcome.cost_usd += r.cost_usd;
                }
                outcome.calls.extend(step.records);
                match (step.skip, step.result) {
                    (Some(CallOutcome::CostCap), _) => {
                        extra.push(ReasonCode::PIP01);
                        forced = forced.max(Some(RuleAction::Review));
                        break 'sequence;
                    }
                    (_, Ok(answer)) => {
                        answered = true;
                        outcome.provider = Some(provider.clone());
                        signals.merge(&answer.signals);
                        extra.extend(answer.reasons.iter().copied());
                        if let Some(esc) = &integ.escalate {
                            let confident = answer
                                .signals
                                .confidence
                                .is_some_and(|c| c >= esc.below_confidence);
                            if !confident && i == 1 {
                                tiers.push(esc.provider.clone());
                            }
                        }
                    }
                    (_, Err(err)) => {
                        if integ.fail == FailMode::Closed && !answered {
                            let code = if err == ProviderError::CircuitOpen {
                                ReasonCode::PIP03
                            } else {
                                ReasonCode::PIP02
                            };
                            extra.push(code);
                            forced = forced.max(Some(RuleAction::Review));
                            break 'sequence;
                        }
                    }
                }
            }
            if !answered {
                continue;
            }
            let mut rejected = false;
            for rule in &integ.rules {
                if rule.when.holds(&signals) {
                    if let Some(last) = outcome.calls.last_mut() {
                        last.rules_fired.push(rule.text.clone());
                        if last.reason.is_none() {
                            last.reason = rule.reason;
                        }
                    }
                    extra.extend(rule.reason);
                    forced = forced.max(Some(rule.action));
                    rejected |= rule.action == RuleAction::Reject;
                }
            }
            let blocking = extra
                .iter()
                .any(|c| self.policy.action(*c) == leadgate_checks::Action::Block);
            if integ.stop_on_reject && (rejected || blocking) {
                break;
            }
        }
        self.finish(outcome, lead, extra, forced, started)
    }

    fn finish(
        &self,
        mut outcome: LeadOutcome,
        lead: &LeadContext,
        extra: Vec<ReasonCode>,
        forced: Option<RuleAction>,
        started: Instant,
    ) -> LeadOutcome {
        let verdict = verdict_with(&lead.base_reasons, &extra, &self.policy);
        let mut status = match verdict.lane {
            Lane::Block => LeadStatus::Rejected,
            Lane::Review => LeadStatus::Review,
            Lane::FastTrack => LeadStatus::Accepted,
        };
        let mut score = verdict.score;
        match forced {
            Some(RuleAction::Reject) if status != LeadStatus::Rejected => {
                status = LeadStatus::Rejected;
                score = score.min(20);
            }
            Some(RuleAction::Review) if status == LeadStatus::Accepted => {
                status = LeadStatus::Review;
                score = score.min(60);
            }
            _ => {}
        }
        let mut reasons = verdict.reasons;
        for code in extra {
            if !reasons.contains(&code) {
                reasons.push(code);
            }
        }
        outcome.status = status;
        outcome.score = score;
        outcome.reasons = reasons;
        outcome.latency_ms = started.elapsed().as_millis() as u64;
        outcome
    }

    async fn duplicate_of(&self, lead: &LeadContext, plan: &CampaignPlan) -> Option<String> {
        let store = self.dedup.as_ref().filter(|_| plan.dedup.enabled)?;
        let fingerprint = plan.dedup.precedence.iter().find_map(|source| {
            match source {
                FingerprintSource::Backend => lead.backend_fingerprint.as_deref(),
                FingerprintSource::Edge => lead.edge_fingerprint.as_deref(),
            }
            .filter(|f| !f.is_empty())
        })?;
        let window = Duration::from_secs(plan.dedup.window_secs);
        // A dedup store that cannot answer must not stop the lead: fail open.
        store
            .claim(fingerprint, &lead.request.lead_id, window)
            .await
            .ok()
            .flatten()
    }

    /// A/B routing: a stable bucket from the lead id.
    fn route(&self, integ: &Integration, lead_id: &str) -> String {
        match &integ.ab {
            Some(ab) if bucket(lead_id, &integ.provider) < u32::from(ab.percent) => {
                ab.provider.clone()
            }
            _ => integ.provider.clone(),
        }
    }

    async fn step(
        &self,
        provider: &str,
        integ: &Integration,
        plan: &CampaignPlan,
        lead: &LeadContext,
        spent: f64,
        layer_spent: &mut Duration,
    ) -> Step {
        let Some(reg) = self.registry.get(provider) else {
            let mut r = record(
                provider,
                CallOutcome::UnknownProvider,
                None,
                BreakerState::Closed,
            );
            r.error = Some("unknown_provider".into());
            return Step {
                records: vec![r],
                result: Err(ProviderError::MissingInput("provider")),
                skip: Some(CallOutcome::UnknownProvider),
            };
        };
        let mut req = lead.request.clone();
        for (vendor_field, lead_field) in &integ.fields {
            if let Some(v) = field(&lead.request, lead_field) {
                req.extra.insert(vendor_field.clone(), v);
            }
        }
        let cache_key = (integ.cache_ttl_secs > 0).then(|| AnswerCache::key(provider, &req));
        if let Some(hit) = cache_key.as_deref().and_then(|k| self.cache.get(k)) {
            let mut r = record(
                provider,
                CallOutcome::Cached,
                hit.reasons.first().copied(),
                reg.service.state(),
            );
            r.cost_usd = 0.0;
            return Step {
                records: vec![r],
                result: Ok(hit),
                skip: None,
            };
        }
        let price = integ.price_usd.unwrap_or(reg.meta.price_usd);
        if let Some(cap) = plan.cost_cap_usd {
            if spent + price > cap + 1e-9 {
                let r = record(
                    provider,
                    CallOutcome::CostCap,
                    Some(ReasonCode::PIP01),
                    reg.service.state(),
                );
                return Step {
                    records: vec![r],
                    result: Err(ProviderError::MissingInput("budget")),
                    skip: Some(CallOutcome::CostCap),
                };
            }
        }
        let budget = plan
            .budgets
            .for_layer(integ.layer)
            .map(Duration::from_millis);
        let mut records = Vec::new();
        let mut attempt = 0u32;
        loop {
            let remaining = budget.map(|b| b.saturating_sub(*layer_spent));
            if remaining == Some(Duration::ZERO) {
                let mut r = record(
                    provider,
                    CallOutcome::BudgetExhausted,
                    None,
                    reg.service.state(),
                );
                r.attempt = attempt + 1;
                r.error = Some("budget_exhausted".into());
                records.push(r);
                return Step {
                    records,
                    result: Err(ProviderError::Timeout),
                    skip: Some(CallOutcome::BudgetExhausted),
                };
            }
            let per_call = Duration::from_millis(integ.timeout_ms);
            req.timeout = Some(remaining.map_or(per_call, |r| r.min(per_call)));
            let breaker_state = reg.service.state();
            let mut svc = reg.service.clone();
            let t0 = Instant::now();
            let result = match std::future::poll_fn(|cx| svc.poll_ready(cx)).await {
                Ok(()) => svc.call(req.clone()).await,
                Err(e) => Err(e),
            };
            let elapsed = t0.elapsed();
            *layer_spent += elapsed;
            let mut r = record(provider, CallOutcome::Ok, None, breaker_state);
            r.attempt = attempt + 1;
            r.latency_ms = elapsed.as_millis() as u64;
            match result {
                Ok(answer) => {
                    r.cost_usd = integ.price_usd.unwrap_or(answer.cost_usd);
                    r.reason = answer.reasons.first().copied();
                    records.push(r);
                    if let Some(key) = cache_key {
                        self.cache.put(
                            key,
                            answer.clone(),
                            Duration::from_secs(integ.cache_ttl_secs),
                        );
                    }
                    return Step {
                        records,
                        result: Ok(answer),
                        skip: None,
                    };
                }
                Err(err) => {
                    r.outcome = if err == ProviderError::CircuitOpen {
                        CallOutcome::CircuitOpen
                    } else {
                        CallOutcome::Error
                    };
                    r.error = Some(err.label().into());
                    r.reason = Some(if err == ProviderError::CircuitOpen {
                        ReasonCode::PIP03
                    } else {
                        ReasonCode::PIP02
                    });
                    records.push(r);
                    if should_retry(&integ.retry, reg.meta.idempotent, attempt, &err) {
                        let wait = backoff(&integ.retry, &err, self.jitter.as_ref());
                        let fits = budget.is_none_or(|b| *layer_spent + wait < b);
                        if fits {
                            tokio::time::sleep(wait).await;
                            *layer_spent += wait;
                            attempt += 1;
                            continue;
                        }
                    }
                    return Step {
                        records,
                        result: Err(err),
                        skip: None,
                    };
                }
            }
        }
    }
}

fn record(
    provider: &str,
    outcome: CallOutcome,
    reason: Option<ReasonCode>,
    breaker_state: BreakerState,
) -> CallRecord {
    CallRecord {
        provider: provider.to_string(),
        outcome,
        error: None,
        reason,
        cost_usd: 0.0,
        latency_ms: 0,
        attempt: 1,
        breaker_state,
        rules_fired: Vec::new(),
    }
}

/// A lead field by name, for field mapping.
fn field(req: &ProviderRequest, name: &str) -> Option<String> {
    match name {
        "lead_id" => Some(req.lead_id.clone()),
        "phone" | "phone_e164" => req.phone_e164.clone(),
        "email" => req.email.clone(),
        "first_name" => req.first_name.clone(),
        "last_name" => req.last_name.clone(),
        "street" => req.street.clone(),
        "city" => req.city.clone(),
        "state" => req.state.clone(),
        "zip" => req.zip.clone(),
        "country" => req.country.clone(),
        "ip" => req.ip.clone(),
        "user_agent" => req.user_agent.clone(),
        "trustedform_cert_url" => req.trustedform_cert_url.clone(),
        literal => literal.strip_prefix('=').map(str::to_string),
    }
}

/// 0..100, stable for a lead id and integration (FNV-1a).
pub fn bucket(lead_id: &str, salt: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in salt.bytes().chain([0u8]).chain(lead_id.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % 100) as u32
}
