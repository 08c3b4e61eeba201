//! Every client against the in-process sandbox: answers, reasons, costs, and failures
//! (bad key, no credit, 429 + Retry-After, timeout, 5xx, malformed and surprising bodies).

use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::{Provider, ProviderError, ProviderRequest};
use leadgate_providers::{build_provider, CallError, ProviderSettings, Secret, VendorProvider};
use leadgate_sandbox::{FaultSpec, SandboxHandle};
use std::sync::Arc;

const CERT_OK: &str = "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567";
const CERT_MISMATCH: &str = "https://cert.trustedform.com/mismatch0123456789abcdef0123456789abcdef";
const CERT_EXPIRED: &str = "https://cert.trustedform.com/expired00123456789abcdef0123456789abcdef";
const CERT_BOT: &str = "https://cert.trustedform.com/botdetec0123456789abcdef0123456789abcdef";

async fn sandbox() -> SandboxHandle {
    leadgate_sandbox::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sandbox starts")
}

fn provider(
    sb: &SandboxHandle,
    kind: &str,
    prefix: &str,
    key: &str,
    options: serde_json::Value,
) -> Arc<VendorProvider> {
    let settings = ProviderSettings {
        kind: kind.into(),
        enabled: true,
        base_url: Some(sb.url(prefix)),
        api_key: Secret::new(key),
        timeout_ms: Some(5000),
        options: serde_json::from_value(options).expect("options"),
        ..Default::default()
    };
    build_provider(kind, &settings, &reqwest::Client::new()).expect("builds")
}

fn lead(phone: &str) -> ProviderRequest {
    ProviderRequest {
        lead_id: "lead-1".into(),
        phone_e164: Some(phone.into()),
        email: Some("jane.doe@example.org".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        street: Some("3120 M St NW".into()),
        city: Some("Washington".into()),
        state: Some("DC".into()),
        zip: Some("20007".into()),
        country: Some("US".into()),
        ip: Some("203.0.113.10".into()),
        user_agent: Some("Mozilla/5.0".into()),
        trustedform_cert_url: Some(CERT_OK.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn dncscrub_litigator_and_full_scrub() {
    let sb = sandbox().await;
    let lit = provider(
        &sb,
        "dncscrub_litigator",
        "dncscrub",
        "sandbox",
        serde_json::json!({}),
    );
    let a = lit.call(&lead("+15122010001")).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::CMP01]);
    assert_eq!(a.signals.is_litigator, Some(true));
    assert!((a.cost_usd - 0.002).abs() < 1e-9);
    let a = lit.call(&lead("+15122010000")).await.expect("answers");
    assert!(a.reasons.is_empty());
    assert_eq!(a.signals.is_litigator, Some(false));

    let scrub = provider(
        &sb,
        "dncscrub_scrub",
        "dncscrub",
        "sandbox",
        serde_json::json!({}),
    );
    assert_eq!(
        scrub
            .call(&lead("+15122010002"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::CMP02]
    );
    assert_eq!(
        scrub
            .call(&lead("+15122010003"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::CMP03]
    );
    assert_eq!(
        scrub
            .call(&lead("+15122010001"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::CMP01]
    );
    assert_eq!(
        scrub
            .call(&lead("+15122010004"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::ENR03]
    );
    assert!(scrub
        .call(&lead("+15122019999"))
        .await
        .expect("answers")
        .reasons
        .is_empty());
}

#[tokio::test]
async fn trustedform_match_mismatch_missing_and_bot() {
    let sb = sandbox().await;
    let tf = provider(
        &sb,
        "trustedform",
        "trustedform",
        "sandbox",
        serde_json::json!({ "retain": true, "insights": true }),
    );
    let a = tf.call(&lead("+15122010000")).await.expect("answers");
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    assert_eq!(a.signals.consent_match, Some(true));
    assert!(a.cost_usd > 0.0);
    assert!(
        !tf.meta().idempotent,
        "retain claims the certificate: not retried"
    );

    let mut l = lead("+15122010000");
    l.trustedform_cert_url = Some(CERT_MISMATCH.into());
    let a = tf.call(&l).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::CMP04]);
    assert_eq!(a.signals.consent_match, Some(false));

    l.trustedform_cert_url = Some(CERT_EXPIRED.into());
    let a = tf.call(&l).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::CMP05]);
    assert_eq!(a.cost_usd, 0.0);

    l.trustedform_cert_url = Some(CERT_BOT.into());
    let a = tf.call(&l).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::INT06]);
    assert_eq!(a.signals.bot_detected, Some(true));

    // No certificate, or a URL that is not one: CMP05 without calling (or paying).
    let before = sb.state().calls().get("trustedform").copied().unwrap_or(0);
    l.trustedform_cert_url = None;
    assert_eq!(
        tf.call(&l).await.expect("answers").reasons,
        vec![ReasonCode::CMP05]
    );
    l.trustedform_cert_url =
        Some("https://evil.example/0123456789abcdef0123456789abcdef01234567".into());
    let a = tf.call(&l).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::CMP05]);
    assert_eq!(a.cost_usd, 0.0);
    assert_eq!(
        sb.state().calls().get("trustedform").copied().unwrap_or(0),
        before
    );
}

#[tokio::test]
async fn trestle_real_contact_both_versions() {
    let sb = sandbox().await;
    for version in ["1.1", "2.0"] {
        let rc = provider(
            &sb,
            "trestle_real_contact",
            "trestle",
            "sandbox",
            serde_json::json!({ "version": version, "add_ons": ["litigator_checks", "email_checks_deliverability"] }),
        );
        assert!(
            (rc.meta().price_usd - 0.04).abs() < 1e-9,
            "0.03 + two add-ons"
        );
        let a = rc.call(&lead("+15122010000")).await.expect("answers");
        assert!(a.reasons.is_empty(), "{version}: {:?}", a.reasons);
        assert_eq!(a.signals.contact_grade.as_deref(), Some("A"));
        assert_eq!(a.signals.phone_active, Some(true));
        assert_eq!(
            rc.call(&lead("+15122010001"))
                .await
                .expect("answers")
                .reasons,
            vec![ReasonCode::CMP01],
            "{version}"
        );
        assert_eq!(
            rc.call(&lead("+15122010004"))
                .await
                .expect("answers")
                .reasons,
            vec![ReasonCode::ENR03],
            "{version}"
        );
        let a = rc.call(&lead("+15122010006")).await.expect("answers");
        assert_eq!(
            a.reasons,
            vec![ReasonCode::ENR01, ReasonCode::ENR08],
            "{version}"
        );
        let a = rc.call(&lead("+15122010011")).await.expect("answers");
        assert_eq!(
            a.reasons,
            vec![ReasonCode::ENR07, ReasonCode::ENR08],
            "{version}"
        );
        let mut l = lead("+15122010000");
        l.email = Some("undeliverable@example.org".into());
        assert_eq!(
            rc.call(&l).await.expect("answers").reasons,
            vec![ReasonCode::ENR06],
            "{version}"
        );
    }
}

#[tokio::test]
async fn trestle_phone_reverse_phone_and_reverse_address() {
    let sb = sandbox().await;
    let pi = provider(
        &sb,
        "trestle_phone",
        "trestle",
        "sandbox",
        serde_json::json!({ "litigator": true }),
    );
    assert_eq!(
        pi.call(&lead("+15122010001"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::CMP01]
    );
    assert_eq!(
        pi.call(&lead("+15122010005"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::ENR02]
    );
    let rp = provider(
        &sb,
        "trestle_reverse_phone",
        "trestle",
        "sandbox",
        serde_json::json!({}),
    );
    assert!(rp
        .call(&lead("+15122010000"))
        .await
        .expect("answers")
        .reasons
        .is_empty());
    assert_eq!(
        rp.call(&lead("+15122010011"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::ENR07]
    );
    for style in ["prefixed", "plain"] {
        let ra = provider(
            &sb,
            "trestle_reverse_address",
            "trestle",
            "sandbox",
            serde_json::json!({ "param_style": style }),
        );
        assert!(ra
            .call(&lead("+15122010000"))
            .await
            .expect("answers")
            .reasons
            .is_empty());
        let mut l = lead("+15122010000");
        l.street = Some("1 Nowhere Rd".into());
        assert_eq!(
            ra.call(&l).await.expect("answers").reasons,
            vec![ReasonCode::ENR04]
        );
    }
}

#[tokio::test]
async fn ipqs_phone_email_ip() {
    let sb = sandbox().await;
    let phone = provider(&sb, "ipqs_phone", "ipqs", "sandbox", serde_json::json!({}));
    let a = phone.call(&lead("+15122010007")).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::FRD01]);
    assert_eq!(a.signals.fraud_score, Some(95.0));
    assert_eq!(
        phone
            .call(&lead("+15122010008"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::FRD02]
    );
    assert!(phone
        .call(&lead("+15122010000"))
        .await
        .expect("answers")
        .reasons
        .is_empty());
    let strict = provider(
        &sb,
        "ipqs_phone",
        "ipqs",
        "sandbox",
        serde_json::json!({ "fraud_block": 75, "fraud_review": 50 }),
    );
    assert_eq!(
        strict
            .call(&lead("+15122010008"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::FRD01]
    );

    let email = provider(
        &sb,
        "ipqs_email",
        "ipqs",
        "sandbox",
        serde_json::json!({ "fast": true }),
    );
    let mut l = lead("+15122010000");
    l.email = Some("disposable.jane@example.org".into());
    let a = email.call(&l).await.expect("answers");
    assert_eq!(
        a.reasons,
        vec![ReasonCode::SYN02, ReasonCode::ENR06, ReasonCode::FRD02]
    );

    let ip = provider(&sb, "ipqs_ip", "ipqs", "sandbox", serde_json::json!({}));
    l.ip = Some("198.51.100.66".into());
    let a = ip.call(&l).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::ENR05, ReasonCode::FRD02]);
    assert_eq!(a.signals.ip_proxy, Some(true));
    l.ip = Some("198.51.100.69".into());
    assert_eq!(
        ip.call(&l).await.expect("answers").reasons,
        vec![ReasonCode::INT06, ReasonCode::FRD01]
    );
    l.ip = None;
    assert_eq!(
        ip.call(&l).await.unwrap_err(),
        ProviderError::MissingInput("ip")
    );
}

#[tokio::test]
async fn bad_keys_and_exhausted_quota_are_typed_for_every_vendor() {
    let sb = sandbox().await;
    let cases = [
        ("dncscrub_litigator", "dncscrub"),
        ("dncscrub_scrub", "dncscrub"),
        ("trustedform", "trustedform"),
        ("trestle_real_contact", "trestle"),
        ("trestle_phone", "trestle"),
        ("ipqs_phone", "ipqs"),
        ("ipqs_email", "ipqs"),
    ];
    for (kind, prefix) in cases {
        let p = provider(&sb, kind, prefix, "bad-key", serde_json::json!({}));
        let e = p.call_vendor(&lead("+15122010000")).await.unwrap_err();
        assert_eq!(e.kind(), "unauthorized", "{kind}: {e}");
        assert!(!e.is_transient());
        let p = provider(&sb, kind, prefix, "no-credit", serde_json::json!({}));
        let e = p.call_vendor(&lead("+15122010000")).await.unwrap_err();
        assert_eq!(e.kind(), "quota_exhausted", "{kind}: {e}");
        assert_eq!(
            p.call(&lead("+15122010000")).await.unwrap_err(),
            ProviderError::Unauthorized
        );
    }
}

fn fault(kind: &str) -> Option<FaultSpec> {
    Some(FaultSpec {
        fault: Some(kind.into()),
        latency_ms: None,
        retry_after: Some(3),
        remaining: None,
    })
}

#[tokio::test]
async fn rate_limit_timeout_5xx_malformed_and_unexpected_fields() {
    let sb = sandbox().await;
    let p = provider(
        &sb,
        "trestle_real_contact",
        "trestle",
        "sandbox",
        serde_json::json!({}),
    );
    let l = lead("+15122010000");

    sb.state().set_fault("trestle", fault("429"));
    let e = p.call_vendor(&l).await.unwrap_err();
    assert_eq!(
        e,
        CallError::RateLimited {
            provider: "trestle",
            retry_after: Some(std::time::Duration::from_secs(3))
        }
    );
    assert!(e.is_transient());

    sb.state().set_fault("trestle", fault("503"));
    let e = p.call(&l).await.unwrap_err();
    assert!(
        matches!(e, ProviderError::Unavailable(_)) && e.is_transient(),
        "{e:?}"
    );

    sb.state().set_fault("trestle", fault("malformed"));
    assert!(matches!(
        p.call(&l).await.unwrap_err(),
        ProviderError::Malformed(_)
    ));

    sb.state().set_fault("trestle", fault("empty"));
    assert!(matches!(
        p.call(&l).await.unwrap_err(),
        ProviderError::Malformed(_)
    ));

    sb.state().set_fault("trestle", fault("unexpected"));
    assert!(p
        .call(&l)
        .await
        .expect("extra fields are ignored")
        .reasons
        .is_empty());

    // A hung vendor: the client's own timeout fires (the engine's budget is shorter still).
    sb.state().set_fault("trestle", fault("timeout"));
    let mut short = l.clone();
    short.timeout = Some(std::time::Duration::from_millis(150));
    let e = p.call_vendor(&short).await.unwrap_err();
    assert_eq!(e.kind(), "timeout");
    assert_eq!(p.call(&short).await.unwrap_err(), ProviderError::Timeout);

    // One-shot faults clear themselves.
    sb.state().set_fault(
        "trestle",
        Some(FaultSpec {
            fault: Some("500".into()),
            latency_ms: None,
            retry_after: None,
            remaining: Some(1),
        }),
    );
    assert!(p.call(&l).await.is_err());
    assert!(p.call(&l).await.is_ok());
}

#[tokio::test]
async fn keys_never_leak_into_errors_or_debug() {
    // A closed port: the IPQS key sits in the URL path, and must not appear anywhere.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let settings = ProviderSettings {
        kind: "ipqs_phone".into(),
        enabled: true,
        base_url: Some(format!("http://127.0.0.1:{port}/ipqs")),
        api_key: Secret::new("SUPERSECRETKEY"),
        timeout_ms: Some(500),
        ..Default::default()
    };
    let p = build_provider("fraud", &settings, &reqwest::Client::new()).expect("builds");
    let e = p.call_vendor(&lead("+15122010000")).await.unwrap_err();
    assert_eq!(e.kind(), "connect");
    assert!(!e.to_string().contains("SUPERSECRETKEY"), "{e}");
    assert!(!format!("{e:?}").contains("SUPERSECRETKEY"));
    assert!(!format!("{p:?}").contains("SUPERSECRETKEY"));
    assert!(!format!("{settings:?}").contains("SUPERSECRETKEY"));
}
