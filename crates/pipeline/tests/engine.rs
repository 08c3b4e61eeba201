//! The engine with paused time and in-process stand-ins: every rule, cap, breaker
//! transition, retry and fail mode.
use leadgate_checks::ReasonCode;
use leadgate_pipeline::breaker::TripCause;
use leadgate_pipeline::stub::StubProvider;
use leadgate_pipeline::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn plan(json: serde_json::Value) -> CampaignPlan {
    let mut v = json;
    v["id"] = "c1".into();
    serde_json::from_value(v).expect("plan")
}

fn lead(id: &str) -> LeadContext {
    LeadContext {
        request: ProviderRequest {
            lead_id: id.into(),
            phone_e164: Some("+15555550100".into()),
            email: Some("a@example.com".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn engine(providers: Vec<Arc<StubProvider>>, breaker: BreakerConfig) -> Engine {
    let mut reg = Registry::new();
    for p in providers {
        reg.register(p, breaker.clone());
    }
    Engine::new(reg, Arc::new(FixedJitter(0.5)), Default::default())
}

fn sig() -> Signals {
    Signals::default()
}

#[tokio::test(start_paused = true)]
async fn clean_lead_is_accepted_and_every_call_recorded() {
    let a = Arc::new(StubProvider::new("a", 0.01).answer(Signals {
        fraud_score: Some(10.0),
        ..sig()
    }));
    let b = Arc::new(StubProvider::new("b", 0.02));
    let e = engine(vec![a.clone(), b.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"version": "v9", "integrations": [
        {"provider": "b", "order": 2}, {"provider": "a", "order": 1, "rules": ["fraud_score > 85 -> reject FRD01"]}]}));
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(out.status, LeadStatus::Accepted);
    assert_eq!(out.rule_version, "v9");
    assert_eq!(
        out.calls
            .iter()
            .map(|c| c.provider.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"],
        "order respected"
    );
    assert!((out.cost_usd - 0.03).abs() < 1e-9);
    assert!(out.calls.iter().all(|c| c.outcome == CallOutcome::Ok
        && c.attempt == 1
        && c.breaker_state == BreakerState::Closed));
}

#[tokio::test(start_paused = true)]
async fn threshold_rule_rejects_and_stops_the_sequence() {
    let a = Arc::new(StubProvider::new("a", 0.01).answer(Signals {
        fraud_score: Some(90.0),
        ..sig()
    }));
    let b = Arc::new(StubProvider::new("b", 0.02));
    let e = engine(vec![a.clone(), b.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [
        {"provider": "a", "rules": ["fraud_score > 85 -> reject FRD01"]}, {"provider": "b"}]}));
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(out.status, LeadStatus::Rejected);
    assert_eq!(out.primary(), Some(ReasonCode::FRD01));
    assert_eq!(b.calls(), 0, "stop-on-reject: premium call never made");
    assert_eq!(
        out.calls[0].rules_fired,
        ["fraud_score > 85 -> reject FRD01"]
    );
}

#[tokio::test(start_paused = true)]
async fn without_stop_on_reject_the_sequence_continues() {
    let a = Arc::new(StubProvider::new("a", 0.01).answer(Signals {
        fraud_score: Some(90.0),
        ..sig()
    }));
    let b = Arc::new(StubProvider::new("b", 0.02).answer(Signals {
        is_voip: Some(true),
        ..sig()
    }));
    let e = engine(vec![a.clone(), b.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [
        {"provider": "a", "stop_on_reject": false, "rules": ["fraud_score > 85 -> reject FRD01"]},
        {"provider": "b", "rules": ["is_voip -> review ENR03"]}]}));
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(out.status, LeadStatus::Rejected);
    assert_eq!(b.calls(), 1);
    assert_eq!(out.primary(), Some(ReasonCode::FRD01));
    assert!(
        out.reasons.contains(&ReasonCode::ENR03),
        "secondary reason kept: {:?}",
        out.reasons
    );
}

#[tokio::test(start_paused = true)]
async fn voip_rule_sends_to_review() {
    let a = Arc::new(StubProvider::new("a", 0.01).answer(Signals {
        is_voip: Some(true),
        ..sig()
    }));
    let e = engine(vec![a], BreakerConfig::default());
    let p = plan(
        serde_json::json!({"integrations": [{"provider": "a", "rules": ["is_voip -> review ENR03"]}]}),
    );
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(out.status, LeadStatus::Review);
    assert_eq!(out.primary(), Some(ReasonCode::ENR03));
}

#[tokio::test(start_paused = true)]
async fn cost_cap_short_circuits_to_review_with_pip01() {
    let a = Arc::new(StubProvider::new("a", 0.02));
    let b = Arc::new(StubProvider::new("b", 0.02));
    let e = engine(vec![a.clone(), b.clone()], BreakerConfig::default());
    let p = plan(
        serde_json::json!({"cost_cap_usd": 0.03, "integrations": [{"provider": "a"}, {"provider": "b"}]}),
    );
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(out.status, LeadStatus::Review);
    assert_eq!(out.primary(), Some(ReasonCode::PIP01));
    assert_eq!(b.calls(), 0);
    assert_eq!(out.calls[1].outcome, CallOutcome::CostCap);
    assert!((out.cost_usd - 0.02).abs() < 1e-9);
}

#[tokio::test(start_paused = true)]
async fn cheap_signal_gates_premium_call() {
    let cheap = Arc::new(StubProvider::new("cheap", 0.001).answer(Signals {
        fraud_score: Some(20.0),
        ..sig()
    }));
    let premium = Arc::new(StubProvider::new("premium", 0.25));
    let e = engine(vec![cheap, premium.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "cheap"},
        {"provider": "premium", "when": "fraud_score >= 40"}]}));
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(premium.calls(), 0);
    assert_eq!(out.calls[1].outcome, CallOutcome::Gated);
    assert_eq!(out.status, LeadStatus::Accepted);
}

#[tokio::test(start_paused = true)]
async fn low_confidence_escalates_to_secondary_once() {
    let primary = Arc::new(StubProvider::new("p1", 0.01).answer(Signals {
        confidence: Some(30.0),
        ..sig()
    }));
    let secondary = Arc::new(StubProvider::new("p2", 0.05).answer(Signals {
        confidence: Some(90.0),
        fraud_score: Some(95.0),
        ..sig()
    }));
    let e = engine(vec![primary, secondary.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "p1",
        "escalate": {"provider": "p2", "below_confidence": 60.0}, "rules": ["fraud_score > 85 -> reject FRD01"]}]}));
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(secondary.calls(), 1);
    assert_eq!(
        out.status,
        LeadStatus::Rejected,
        "rules see the secondary's signals"
    );
    assert_eq!(out.provider.as_deref(), Some("p2"));
    let confident = Arc::new(StubProvider::new("p1", 0.01).answer(Signals {
        confidence: Some(80.0),
        ..sig()
    }));
    let unused = Arc::new(StubProvider::new("p2", 0.05));
    let e = engine(vec![confident, unused.clone()], BreakerConfig::default());
    e.run(&lead("L1"), &p).await;
    assert_eq!(unused.calls(), 0);
}

#[tokio::test(start_paused = true)]
async fn ab_split_is_deterministic_by_lead_id() {
    let a = Arc::new(StubProvider::new("a", 0.01));
    let alt = Arc::new(StubProvider::new("alt", 0.01));
    let e = engine(vec![a.clone(), alt.clone()], BreakerConfig::default());
    let p = plan(
        serde_json::json!({"integrations": [{"provider": "a", "ab": {"provider": "alt", "percent": 30}}]}),
    );
    let mut first = HashMap::new();
    for i in 0..200 {
        let id = format!("lead-{i}");
        let out = e.run(&lead(&id), &p).await;
        first.insert(id, out.calls[0].provider.clone());
    }
    for (id, provider) in &first {
        let again = e.run(&lead(id), &p).await;
        assert_eq!(&again.calls[0].provider, provider, "same lead, same arm");
    }
    let alt_share = first.values().filter(|p| *p == "alt").count();
    assert!(
        (30..=90).contains(&alt_share),
        "roughly 30% of 200 go to alt, got {alt_share}"
    );
}

#[derive(Debug, Default)]
struct MemDedup(Mutex<HashMap<String, String>>);
impl DedupStore for MemDedup {
    fn claim<'a>(
        &'a self,
        fp: &'a str,
        lead_id: &'a str,
        _w: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, String>> {
        Box::pin(async move {
            let mut m = self.0.lock().unwrap();
            let owner = m
                .entry(fp.to_string())
                .or_insert_with(|| lead_id.to_string())
                .clone();
            Ok((owner != lead_id).then_some(owner))
        })
    }
}

#[tokio::test(start_paused = true)]
async fn duplicate_is_caught_before_paying_with_backend_fingerprint_first() {
    let a = Arc::new(StubProvider::new("a", 0.05));
    let e =
        engine(vec![a.clone()], BreakerConfig::default()).with_dedup(Arc::new(MemDedup::default()));
    let p = plan(serde_json::json!({"integrations": [{"provider": "a"}]}));
    let mut l1 = lead("L1");
    l1.backend_fingerprint = Some("fp-backend".into());
    l1.edge_fingerprint = Some("fp-edge-1".into());
    let mut l2 = lead("L2");
    l2.backend_fingerprint = Some("fp-backend".into());
    l2.edge_fingerprint = Some("fp-edge-2".into());
    assert_eq!(e.run(&l1, &p).await.status, LeadStatus::Accepted);
    let dup = e.run(&l2, &p).await;
    assert_eq!(dup.status, LeadStatus::Rejected);
    assert_eq!(dup.primary(), Some(ReasonCode::DUP01));
    assert_eq!(dup.duplicate_of.as_deref(), Some("L1"));
    assert!(dup.calls.is_empty());
    assert_eq!(a.calls(), 1, "never paid twice");
    // With edge precedence the two leads differ.
    let p_edge = plan(
        serde_json::json!({"dedup": {"precedence": ["edge"]}, "integrations": [{"provider": "a"}]}),
    );
    let e2 = engine(
        vec![Arc::new(StubProvider::new("a", 0.05))],
        BreakerConfig::default(),
    )
    .with_dedup(Arc::new(MemDedup::default()));
    e2.run(&l1, &p_edge).await;
    assert_eq!(e2.run(&l2, &p_edge).await.status, LeadStatus::Accepted);
}

#[tokio::test(start_paused = true)]
async fn cache_serves_same_person_until_ttl_expires() {
    let a = Arc::new(StubProvider::new("a", 0.05));
    let e = engine(vec![a.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "a", "cache_ttl_secs": 60}]}));
    e.run(&lead("L1"), &p).await;
    let second = e.run(&lead("L2"), &p).await;
    assert_eq!(second.calls[0].outcome, CallOutcome::Cached);
    assert_eq!(second.cost_usd, 0.0);
    assert_eq!(a.calls(), 1);
    tokio::time::advance(Duration::from_secs(61)).await;
    e.run(&lead("L3"), &p).await;
    assert_eq!(a.calls(), 2, "expired entry refetched");
}

#[tokio::test(start_paused = true)]
async fn idempotent_transient_failure_is_retried_once_with_backoff() {
    let a =
        Arc::new(StubProvider::new("a", 0.01).failing(ProviderError::Unavailable("503".into())));
    let e = engine(vec![a.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "a",
        "retry": {"max_retries": 5, "backoff_ms": 200, "jitter": 0.5}}]}));
    let t0 = tokio::time::Instant::now();
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(a.calls(), 2, "one retry, never more");
    assert_eq!(
        out.calls.iter().map(|c| c.attempt).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(
        t0.elapsed(),
        Duration::from_millis(200),
        "backoff with the injected jitter (0.5 -> exactly base)"
    );
    assert_eq!(out.status, LeadStatus::Accepted, "fail-open by default");
}

#[tokio::test(start_paused = true)]
async fn non_idempotent_and_permanent_failures_are_not_retried() {
    let a = Arc::new(
        StubProvider::new("a", 0.01)
            .non_idempotent()
            .failing(ProviderError::Timeout),
    );
    let b = Arc::new(StubProvider::new("b", 0.01).failing(ProviderError::Unauthorized));
    let e = engine(vec![a.clone(), b.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "a"}, {"provider": "b"}]}));
    e.run(&lead("L1"), &p).await;
    assert_eq!((a.calls(), b.calls()), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn retry_succeeds_after_one_transient_error() {
    let a = StubProvider::new("a", 0.01).answer(Signals {
        is_voip: Some(true),
        ..sig()
    });
    let a = Arc::new(a.then(Err(ProviderError::RateLimited {
        retry_after: Some(Duration::from_secs(1)),
    })));
    let e = engine(vec![a.clone()], BreakerConfig::default());
    let p = plan(
        serde_json::json!({"integrations": [{"provider": "a", "rules": ["is_voip -> review ENR03"]}]}),
    );
    let t0 = tokio::time::Instant::now();
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(t0.elapsed(), Duration::from_secs(1), "Retry-After honoured");
    assert_eq!(out.status, LeadStatus::Review);
    assert_eq!(out.calls[1].outcome, CallOutcome::Ok);
}

#[tokio::test(start_paused = true)]
async fn timeout_fail_closed_goes_to_review_pip02_and_stops() {
    let slow =
        Arc::new(StubProvider::new("slow", 0.01).latency(Duration::from_secs(10), Duration::ZERO));
    let next = Arc::new(StubProvider::new("next", 0.01));
    let e = engine(vec![slow.clone(), next.clone()], BreakerConfig::default());
    let p = plan(
        serde_json::json!({"integrations": [{"provider": "slow", "timeout_ms": 300, "fail": "closed",
        "retry": {"max_retries": 0}}, {"provider": "next"}]}),
    );
    let t0 = tokio::time::Instant::now();
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(t0.elapsed(), Duration::from_millis(300));
    assert_eq!(out.status, LeadStatus::Review);
    assert_eq!(out.primary(), Some(ReasonCode::PIP02));
    assert_eq!(out.calls[0].error.as_deref(), Some("timeout"));
    assert_eq!(next.calls(), 0);
}

#[tokio::test(start_paused = true)]
async fn timeout_fail_open_continues_to_next() {
    let slow =
        Arc::new(StubProvider::new("slow", 0.01).latency(Duration::from_secs(10), Duration::ZERO));
    let next = Arc::new(StubProvider::new("next", 0.01));
    let e = engine(vec![slow, next.clone()], BreakerConfig::default());
    let p = plan(
        serde_json::json!({"integrations": [{"provider": "slow", "timeout_ms": 300, "fail": "open"}, {"provider": "next"}]}),
    );
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(out.status, LeadStatus::Accepted);
    assert_eq!(next.calls(), 1);
    assert_eq!(out.calls.len(), 3, "two attempts on slow, one on next");
}

#[tokio::test(start_paused = true)]
async fn layer_budget_caps_call_time_and_skips_when_spent() {
    let slow = Arc::new(
        StubProvider::new("slow", 0.01).latency(Duration::from_millis(400), Duration::ZERO),
    );
    let also = Arc::new(StubProvider::new("also", 0.01));
    let e = engine(vec![slow, also.clone()], BreakerConfig::default());
    let p = plan(
        serde_json::json!({"budgets": {"enrichment_ms": 250}, "integrations": [
        {"provider": "slow", "timeout_ms": 1000, "retry": {"max_retries": 0}},
        {"provider": "also", "fail": "closed"}]}),
    );
    let t0 = tokio::time::Instant::now();
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(
        t0.elapsed(),
        Duration::from_millis(250),
        "call cut at the layer budget"
    );
    assert_eq!(out.calls[1].outcome, CallOutcome::BudgetExhausted);
    assert_eq!(also.calls(), 0);
    assert_eq!(out.status, LeadStatus::Review);
    assert_eq!(out.primary(), Some(ReasonCode::PIP02));
}

#[tokio::test(start_paused = true)]
async fn breaker_trips_on_consecutive_timeouts_then_half_open_probe_closes_it() {
    let slow = StubProvider::new("slow", 0.01).latency(Duration::from_secs(5), Duration::ZERO);
    let slow = Arc::new(slow);
    let cfg = BreakerConfig {
        consecutive_timeouts: 2,
        open_secs: 30,
        min_calls: 100,
        ..Default::default()
    };
    let mut reg = Registry::new();
    reg.register(slow.clone(), cfg);
    let svc = reg.get("slow").unwrap().service.clone();
    let e = Engine::new(reg, Arc::new(FixedJitter(0.5)), Default::default());
    let p = plan(
        serde_json::json!({"integrations": [{"provider": "slow", "timeout_ms": 100, "fail": "closed", "retry": {"max_retries": 0}}]}),
    );
    e.run(&lead("L1"), &p).await;
    assert_eq!(svc.state(), BreakerState::Closed);
    e.run(&lead("L2"), &p).await;
    assert_eq!(svc.state(), BreakerState::Open);
    assert_eq!(svc.last_cause(), Some(TripCause::Timeouts));
    let refused = e.run(&lead("L3"), &p).await;
    assert_eq!(refused.calls[0].outcome, CallOutcome::CircuitOpen);
    assert_eq!(refused.calls[0].breaker_state, BreakerState::Open);
    assert_eq!(refused.primary(), Some(ReasonCode::PIP03));
    assert_eq!(slow.calls(), 2, "no call made while open");
    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(svc.state(), BreakerState::HalfOpen);
    // A failed probe reopens it.
    e.run(&lead("L4"), &p).await;
    assert_eq!(svc.state(), BreakerState::Open);
    assert_eq!(svc.last_cause(), Some(TripCause::ProbeFailed));
    tokio::time::advance(Duration::from_secs(30)).await;
    let fast =
        plan(serde_json::json!({"integrations": [{"provider": "slow", "timeout_ms": 10000}]}));
    let probe = e.run(&lead("L5"), &fast).await;
    assert_eq!(probe.calls[0].breaker_state, BreakerState::HalfOpen);
    assert_eq!(
        svc.state(),
        BreakerState::Closed,
        "a successful probe closes it"
    );
}

#[tokio::test(start_paused = true)]
async fn breaker_trips_on_error_rate_and_on_cost_ceiling() {
    let flaky =
        Arc::new(StubProvider::new("flaky", 0.0).failing(ProviderError::Malformed("x".into())));
    let cfg = BreakerConfig {
        min_calls: 4,
        error_rate: 0.5,
        ..Default::default()
    };
    let mut reg = Registry::new();
    reg.register(flaky.clone(), cfg);
    let svc = reg.get("flaky").unwrap().service.clone();
    let e = Engine::new(reg, Arc::new(FixedJitter(0.5)), Default::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "flaky"}]}));
    for i in 0..3 {
        e.run(&lead(&format!("L{i}")), &p).await;
        assert_eq!(svc.state(), BreakerState::Closed, "below min_calls");
    }
    e.run(&lead("L3"), &p).await;
    assert_eq!(svc.last_cause(), Some(TripCause::ErrorRate));
    assert_eq!(svc.state(), BreakerState::Open);

    let pricey = Arc::new(StubProvider::new("pricey", 1.0));
    let cfg = BreakerConfig {
        cost_ceiling_usd: Some(2.5),
        ..Default::default()
    };
    let mut reg = Registry::new();
    reg.register(pricey.clone(), cfg);
    let svc = reg.get("pricey").unwrap().service.clone();
    let e = Engine::new(reg, Arc::new(FixedJitter(0.5)), Default::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "pricey"}]}));
    for i in 0..3 {
        e.run(&lead(&format!("L{i}")), &p).await;
    }
    assert_eq!(svc.last_cause(), Some(TripCause::CostCeiling));
    e.run(&lead("L9"), &p).await;
    assert_eq!(pricey.calls(), 3, "spend stops at the ceiling");
}

#[tokio::test(start_paused = true)]
async fn unknown_provider_is_reported_and_follows_fail_mode() {
    let e = engine(vec![], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "ghost", "fail": "closed"}]}));
    assert_eq!(e.unknown_providers(&p), ["ghost"]);
    let out = e.run(&lead("L1"), &p).await;
    assert_eq!(out.calls[0].outcome, CallOutcome::UnknownProvider);
    assert_eq!(out.status, LeadStatus::Review);
}

#[tokio::test(start_paused = true)]
async fn provider_reasons_and_base_reasons_fold_into_one_verdict() {
    let a = Arc::new(StubProvider::new("a", 0.01).answer_with(sig(), vec![ReasonCode::CMP01]));
    let b = Arc::new(StubProvider::new("b", 0.01));
    let e = engine(vec![a, b.clone()], BreakerConfig::default());
    let p = plan(serde_json::json!({"integrations": [{"provider": "a"}, {"provider": "b"}]}));
    let mut l = lead("L1");
    l.base_reasons = vec![ReasonCode::SYN04];
    let out = e.run(&l, &p).await;
    assert_eq!(out.status, LeadStatus::Rejected);
    assert_eq!(
        out.primary(),
        Some(ReasonCode::CMP01),
        "blocking reason is primary: {:?}",
        out.reasons
    );
    assert!(out.reasons.contains(&ReasonCode::SYN04));
    assert_eq!(
        b.calls(),
        0,
        "a provider's blocking reason stops the sequence"
    );
}

#[tokio::test(start_paused = true)]
async fn field_mapping_reaches_the_provider_request() {
    #[derive(Debug)]
    struct Echo(ProviderMeta, Mutex<Option<ProviderRequest>>);
    impl Provider for Echo {
        fn meta(&self) -> &ProviderMeta {
            &self.0
        }
        fn call<'a>(
            &'a self,
            req: &'a ProviderRequest,
        ) -> BoxFuture<'a, Result<ProviderAnswer, ProviderError>> {
            *self.1.lock().unwrap() = Some(req.clone());
            Box::pin(async { Ok(ProviderAnswer::default()) })
        }
    }
    let echo = Arc::new(Echo(ProviderMeta::new("echo", 0.0, true), Mutex::new(None)));
    let mut reg = Registry::new();
    reg.register(echo.clone(), BreakerConfig::default());
    let e = Engine::new(reg, Arc::new(FixedJitter(0.5)), Default::default());
    let p = plan(
        serde_json::json!({"integrations": [{"provider": "echo", "timeout_ms": 700,
        "fields": {"phone_number": "phone_e164", "source": "=web"}}]}),
    );
    e.run(&lead("L1"), &p).await;
    let seen = echo.1.lock().unwrap().clone().unwrap();
    assert_eq!(
        seen.extra.get("phone_number").map(String::as_str),
        Some("+15555550100")
    );
    assert_eq!(seen.extra.get("source").map(String::as_str), Some("web"));
    assert_eq!(seen.timeout, Some(Duration::from_millis(700)));
}

#[tokio::test(start_paused = true)]
async fn a_lead_the_checks_already_block_is_never_sent_to_a_paid_provider() {
    let a = Arc::new(StubProvider::new("a", 0.05));
    let e =
        engine(vec![a.clone()], BreakerConfig::default()).with_dedup(Arc::new(MemDedup::default()));
    let p = plan(serde_json::json!({"integrations": [{"provider": "a"}]}));
    let mut l = lead("L1");
    l.base_reasons = vec![ReasonCode::SYN01];
    l.backend_fingerprint = Some("fp".into());
    let out = e.run(&l, &p).await;
    assert_eq!(out.status, LeadStatus::Rejected);
    assert_eq!(out.primary(), Some(ReasonCode::SYN01));
    assert_eq!((a.calls(), out.cost_usd), (0, 0.0));
    let mut clean = lead("L2");
    clean.backend_fingerprint = Some("fp".into());
    assert_eq!(
        e.run(&clean, &p).await.status,
        LeadStatus::Accepted,
        "a blocked lead claims no fingerprint"
    );
}

#[tokio::test(start_paused = true)]
async fn a_dropped_half_open_probe_frees_its_slot() {
    use tower_service::Service;
    let slow = Arc::new(StubProvider::new("slow", 0.0).failing(ProviderError::Timeout));
    let cfg = BreakerConfig {
        consecutive_timeouts: 1,
        open_secs: 10,
        ..Default::default()
    };
    let mut reg = Registry::new();
    reg.register(slow, cfg);
    let mut svc = reg.get("slow").unwrap().service.clone();
    let req = ProviderRequest::default();
    let _ = svc.call(req.clone()).await;
    assert_eq!(svc.state(), BreakerState::Open);
    tokio::time::advance(Duration::from_secs(10)).await;
    let probe = svc.call(req.clone()); // admitted as the one half-open probe
    assert_eq!(
        svc.call(req.clone()).await,
        Err(ProviderError::CircuitOpen),
        "slot taken"
    );
    drop(probe);
    let second = svc.call(req).await;
    assert_eq!(
        second,
        Err(ProviderError::Timeout),
        "slot freed: the next probe is made"
    );
}
