//! The "done when": a realistic campaign (DNC.com litigator first, then TrustedForm
//! match, then Trestle Real Contact, then IPQS on the survivors) run by the pipeline engine
//! with the real clients against the sandbox, asserting outcomes, reasons and per-call costs.

use leadgate_checks::{Policy, ReasonCode};
use leadgate_pipeline::{
    BreakerConfig, CallOutcome, CampaignPlan, Engine, FixedJitter, LeadContext, LeadOutcome,
    LeadStatus, ProviderRequest, Registry, SharedProvider,
};
use leadgate_providers::{build_all, ProviderSettings};
use leadgate_sandbox::{FaultSpec, SandboxHandle};
use std::collections::BTreeMap;
use std::sync::Arc;

const CERT_OK: &str = "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567";
const CERT_MISMATCH: &str = "https://cert.trustedform.com/mismatch0123456789abcdef0123456789abcdef";

fn settings(sb: &SandboxHandle) -> BTreeMap<String, ProviderSettings> {
    // The same shape as `[providers.*]` in leadgate.toml.
    let json = serde_json::json!({
        "dnc_litigator": { "kind": "dncscrub_litigator", "base_url": sb.url("dncscrub"), "api_key": "sandbox" },
        "trustedform": { "kind": "trustedform", "base_url": sb.url("trustedform"), "api_key": "sandbox",
                         "options": { "insights": ["bot_detected", "age_seconds"] } },
        "trestle": { "kind": "trestle_real_contact", "base_url": sb.url("trestle"), "api_key": "sandbox",
                     "options": { "version": "2.0", "add_ons": ["litigator_checks", "email_checks_deliverability"] } },
        "ipqs": { "kind": "ipqs_phone", "base_url": sb.url("ipqs"), "api_key": "sandbox" },
        "disabled": { "kind": "nope", "enabled": false }
    });
    serde_json::from_value(json).expect("settings")
}

fn plan() -> CampaignPlan {
    serde_json::from_value(serde_json::json!({
        "id": "solar-smb",
        "version": "2026-11-22.1",
        "cost_cap_usd": 0.25,
        "integrations": [
            { "provider": "dnc_litigator", "order": 1, "layer": "compliance", "fail": "closed", "timeout_ms": 5000 },
            { "provider": "trustedform", "order": 2, "layer": "compliance", "fail": "closed", "timeout_ms": 5000 },
            { "provider": "trestle", "order": 3, "layer": "enrichment", "fail": "open", "timeout_ms": 2000,
              "retry": { "max_retries": 0 } },
            { "provider": "ipqs", "order": 4, "layer": "enrichment", "fail": "open", "timeout_ms": 5000,
              "rules": ["fraud_score >= 90 -> reject FRD01"] }
        ]
    }))
    .expect("plan")
}

async fn setup() -> (SandboxHandle, Engine) {
    let sb = leadgate_sandbox::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sandbox");
    let providers = build_all(&settings(&sb)).expect("config is valid");
    assert!(!providers.contains_key("disabled"));
    let mut registry = Registry::new();
    for p in providers.into_values() {
        let shared: SharedProvider = p;
        registry.register(shared, BreakerConfig::default());
    }
    let engine = Engine::new(registry, Arc::new(FixedJitter(0.0)), Policy::default());
    assert!(engine.unknown_providers(&plan()).is_empty());
    (sb, engine)
}

fn lead(id: &str, phone: &str, cert: &str) -> LeadContext {
    LeadContext {
        request: ProviderRequest {
            lead_id: id.into(),
            phone_e164: Some(phone.into()),
            email: Some("jane.doe@example.org".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            street: Some("3120 M St NW".into()),
            city: Some("Washington".into()),
            state: Some("DC".into()),
            zip: Some("20007".into()),
            ip: Some("203.0.113.10".into()),
            trustedform_cert_url: Some(cert.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn calls(out: &LeadOutcome) -> Vec<(&str, CallOutcome, Option<ReasonCode>, f64)> {
    out.calls
        .iter()
        .map(|c| {
            (
                c.provider.as_str(),
                c.outcome,
                c.reason,
                (c.cost_usd * 1000.0).round() / 1000.0,
            )
        })
        .collect()
}

#[tokio::test]
async fn clean_lead_runs_every_provider_and_is_accepted() {
    let (_sb, engine) = setup().await;
    let out = engine
        .run(&lead("L-clean", "+15122010000", CERT_OK), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Accepted, "{out:?}");
    assert!(out.reasons.is_empty(), "{:?}", out.reasons);
    assert_eq!(
        calls(&out),
        vec![
            ("dnc_litigator", CallOutcome::Ok, None, 0.002),
            ("trustedform", CallOutcome::Ok, None, 0.05),
            ("trestle", CallOutcome::Ok, None, 0.04),
            ("ipqs", CallOutcome::Ok, None, 0.004),
        ]
    );
    assert!((out.cost_usd - 0.096).abs() < 1e-9);
    assert_eq!(out.rule_version, "2026-11-22.1");
}

#[tokio::test]
async fn litigator_is_stopped_at_the_first_and_cheapest_call() {
    let (sb, engine) = setup().await;
    let out = engine
        .run(&lead("L-lit", "+15122010001", CERT_OK), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Rejected);
    assert_eq!(out.primary(), Some(ReasonCode::CMP01));
    assert_eq!(
        calls(&out),
        vec![(
            "dnc_litigator",
            CallOutcome::Ok,
            Some(ReasonCode::CMP01),
            0.002
        )]
    );
    assert!((out.cost_usd - 0.002).abs() < 1e-9);
    assert_eq!(
        sb.state().calls().get("trustedform"),
        None,
        "nothing else was paid for"
    );
}

#[tokio::test]
async fn consent_mismatch_stops_before_enrichment() {
    let (sb, engine) = setup().await;
    let out = engine
        .run(&lead("L-tf", "+15122010000", CERT_MISMATCH), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Rejected);
    assert_eq!(out.primary(), Some(ReasonCode::CMP04));
    assert_eq!(
        calls(&out),
        vec![
            ("dnc_litigator", CallOutcome::Ok, None, 0.002),
            (
                "trustedform",
                CallOutcome::Ok,
                Some(ReasonCode::CMP04),
                0.05
            )
        ]
    );
    assert_eq!(sb.state().calls().get("trestle"), None);
}

#[tokio::test]
async fn voip_goes_to_review_and_high_fraud_is_rejected() {
    let (_sb, engine) = setup().await;
    let out = engine
        .run(&lead("L-voip", "+15122010004", CERT_OK), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Review, "{out:?}");
    assert_eq!(out.primary(), Some(ReasonCode::ENR03));
    assert_eq!(out.calls.len(), 4);
    assert_eq!(out.calls[2].reason, Some(ReasonCode::ENR03));

    let out = engine
        .run(&lead("L-fraud", "+15122010007", CERT_OK), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Rejected);
    assert!(
        out.reasons.contains(&ReasonCode::FRD01),
        "{:?}",
        out.reasons
    );
    let last = out.calls.last().expect("ipqs call");
    assert_eq!(
        (last.provider.as_str(), last.reason),
        ("ipqs", Some(ReasonCode::FRD01))
    );
    assert_eq!(
        last.rules_fired,
        vec!["fraud_score >= 90 -> reject FRD01".to_owned()]
    );
}

#[tokio::test]
async fn compliance_outage_fails_closed_to_review_after_a_retry() {
    let (sb, engine) = setup().await;
    sb.state().set_fault(
        "trustedform",
        Some(FaultSpec {
            fault: Some("503".into()),
            latency_ms: None,
            retry_after: None,
            remaining: None,
        }),
    );
    let out = engine
        .run(&lead("L-down", "+15122010000", CERT_OK), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Review);
    assert!(
        out.reasons.contains(&ReasonCode::PIP02),
        "{:?}",
        out.reasons
    );
    let tf: Vec<_> = out
        .calls
        .iter()
        .filter(|c| c.provider == "trustedform")
        .collect();
    assert_eq!(tf.len(), 2, "idempotent match call retried once");
    assert!(tf.iter().all(|c| c.outcome == CallOutcome::Error
        && c.error.as_deref() == Some("unavailable")
        && c.cost_usd == 0.0));
    assert_eq!(
        sb.state().calls().get("trestle"),
        None,
        "fail closed stops the sequence"
    );
}

#[tokio::test]
async fn slow_enrichment_fails_open_and_the_lead_continues() {
    let (sb, engine) = setup().await;
    sb.state().set_fault(
        "trestle",
        Some(FaultSpec {
            fault: Some("timeout".into()),
            latency_ms: None,
            retry_after: None,
            remaining: None,
        }),
    );
    let out = engine
        .run(&lead("L-slow", "+15122010000", CERT_OK), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Accepted, "{out:?}");
    let trestle = out
        .calls
        .iter()
        .find(|c| c.provider == "trestle")
        .expect("trestle record");
    assert_eq!(trestle.outcome, CallOutcome::Error);
    assert_eq!(trestle.error.as_deref(), Some("timeout"));
    assert_eq!(trestle.cost_usd, 0.0);
    assert_eq!(out.calls.last().map(|c| c.provider.as_str()), Some("ipqs"));
}

#[tokio::test]
async fn rate_limited_vendor_is_retried_and_recovers() {
    let (sb, engine) = setup().await;
    sb.state().set_fault(
        "dncscrub",
        Some(FaultSpec {
            fault: Some("429".into()),
            latency_ms: None,
            retry_after: Some(0),
            remaining: Some(1),
        }),
    );
    let out = engine
        .run(&lead("L-429", "+15122010000", CERT_OK), &plan())
        .await;
    assert_eq!(out.status, LeadStatus::Accepted, "{out:?}");
    let dnc: Vec<_> = out
        .calls
        .iter()
        .filter(|c| c.provider == "dnc_litigator")
        .map(|c| (c.attempt, c.outcome, c.error.clone()))
        .collect();
    assert_eq!(
        dnc,
        vec![
            (1, CallOutcome::Error, Some("rate_limited".into())),
            (2, CallOutcome::Ok, None)
        ]
    );
}
