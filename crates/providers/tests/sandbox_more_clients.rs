//! MaxMind, Twilio, Google, USPS (token cache + refresh), Pure CallerID, MX (DNS stand-in
//! with a hard timeout) and the captcha verifiers against the in-process sandbox.

use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::{Provider, ProviderError, ProviderRequest};
use leadgate_providers::{build_provider, ProviderSettings, Secret, VendorProvider};
use leadgate_sandbox::SandboxHandle;
use std::sync::Arc;
use std::time::Duration;

async fn sandbox() -> SandboxHandle {
    leadgate_sandbox::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sandbox starts")
}

fn provider(
    base: Option<String>,
    kind: &str,
    key: &str,
    account: Option<&str>,
    options: serde_json::Value,
) -> Arc<VendorProvider> {
    let settings = ProviderSettings {
        kind: kind.into(),
        enabled: true,
        base_url: base,
        api_key: Secret::new(key),
        account_id: account.map(str::to_owned),
        timeout_ms: Some(5000),
        options: serde_json::from_value(options).expect("options"),
        ..Default::default()
    };
    build_provider(kind, &settings, &reqwest::Client::new()).expect("builds")
}

fn lead(phone: &str) -> ProviderRequest {
    ProviderRequest {
        lead_id: "lead-2".into(),
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
        ..Default::default()
    }
}

#[tokio::test]
async fn maxmind_score_insights_factors() {
    let sb = sandbox().await;
    let base = Some(sb.url("maxmind"));
    let score = provider(
        base.clone(),
        "maxmind_score",
        "lk",
        Some("1234"),
        serde_json::json!({}),
    );
    let a = score.call(&lead("+15122010000")).await.expect("answers");
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    assert!((a.cost_usd - 0.005).abs() < 1e-9);
    let mut l = lead("+15122010000");
    l.ip = Some("198.51.100.70".into());
    assert_eq!(
        score.call(&l).await.expect("answers").reasons,
        vec![ReasonCode::FRD01]
    );

    let insights = provider(
        base.clone(),
        "maxmind_insights",
        "lk",
        Some("1234"),
        serde_json::json!({}),
    );
    l.ip = Some("198.51.100.66".into());
    let a = insights.call(&l).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::FRD02, ReasonCode::ENR05]);
    assert!((a.cost_usd - 0.015).abs() < 1e-9);
    let a = insights.call(&lead("+15122010004")).await.expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::FRD02, ReasonCode::ENR03]);

    let factors = provider(
        base.clone(),
        "maxmind_factors",
        "lk",
        Some("1234"),
        serde_json::json!({}),
    );
    assert!(
        (factors
            .call(&lead("+15122010000"))
            .await
            .expect("answers")
            .cost_usd
            - 0.02)
            .abs()
            < 1e-9
    );

    let bad = provider(
        base.clone(),
        "maxmind_score",
        "bad-key",
        Some("1234"),
        serde_json::json!({}),
    );
    assert_eq!(
        bad.call_vendor(&lead("+15122010000"))
            .await
            .unwrap_err()
            .kind(),
        "unauthorized"
    );
    let broke = provider(
        base,
        "maxmind_score",
        "no-credit",
        Some("1234"),
        serde_json::json!({}),
    );
    assert_eq!(
        broke
            .call_vendor(&lead("+15122010000"))
            .await
            .unwrap_err()
            .kind(),
        "quota_exhausted"
    );
}

#[tokio::test]
async fn twilio_lookup() {
    let sb = sandbox().await;
    let p = provider(
        Some(sb.url("twilio")),
        "twilio_lookup",
        "token",
        Some("AC123"),
        serde_json::json!({ "fields": ["line_type_intelligence", "caller_name"] }),
    );
    let a = p.call(&lead("+15122010000")).await.expect("answers");
    assert!(a.reasons.is_empty());
    assert_eq!(
        a.signals.line_type,
        Some(leadgate_pipeline::LineType::Mobile)
    );
    assert_eq!(
        p.call(&lead("+15122010004"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::ENR03]
    );
    assert_eq!(
        p.call(&lead("+15122010010"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::PHN01]
    );
    let bad = provider(
        Some(sb.url("twilio")),
        "twilio_lookup",
        "bad-key",
        Some("AC123"),
        serde_json::json!({}),
    );
    assert_eq!(
        bad.call(&lead("+15122010000")).await.unwrap_err(),
        ProviderError::Unauthorized
    );
}

#[tokio::test]
async fn google_address_validation() {
    let sb = sandbox().await;
    let p = provider(
        Some(sb.url("google-address")),
        "google_address",
        "gkey",
        None,
        serde_json::json!({}),
    );
    let a = p.call(&lead("+15122010000")).await.expect("answers");
    assert!(a.reasons.is_empty());
    assert!(a.signals.address_confidence.expect("confidence") > 90.0);
    let mut l = lead("+15122010000");
    l.street = Some("Partial Main St".into());
    assert_eq!(
        p.call(&l).await.expect("answers").reasons,
        vec![ReasonCode::ENR04]
    );
    let bad = provider(
        Some(sb.url("google-address")),
        "google_address",
        "bad-key",
        None,
        serde_json::json!({}),
    );
    assert_eq!(bad.call(&l).await.unwrap_err(), ProviderError::Unauthorized);
    let broke = provider(
        Some(sb.url("google-address")),
        "google_address",
        "no-credit",
        None,
        serde_json::json!({}),
    );
    assert!(matches!(
        broke.call(&l).await.unwrap_err(),
        ProviderError::RateLimited { .. }
    ));
}

#[tokio::test]
async fn usps_token_is_cached_and_refreshed_after_a_401() {
    let sb = sandbox().await;
    let p = provider(
        Some(sb.url("usps")),
        "usps_address",
        "client-secret",
        Some("client-id"),
        serde_json::json!({}),
    );
    let a = p.call(&lead("+15122010000")).await.expect("answers");
    assert!(a.reasons.is_empty());
    assert_eq!(a.cost_usd, 0.0);
    let mut l = lead("+15122010000");
    l.street = Some("1 Nowhere Rd".into());
    assert_eq!(
        p.call(&l).await.expect("answers").reasons,
        vec![ReasonCode::ENR04]
    );
    // Two lookups, one token.
    assert_eq!(sb.state().calls().get("usps"), Some(&3));
    // The server forgets every token (as after expiry): the client refreshes once.
    sb.state().reset();
    assert!(p
        .call(&lead("+15122010000"))
        .await
        .expect("answers")
        .reasons
        .is_empty());
    assert_eq!(
        sb.state().calls().get("usps"),
        Some(&3),
        "401, new token, retry"
    );
    let bad = provider(
        Some(sb.url("usps")),
        "usps_address",
        "bad-key",
        Some("client-id"),
        serde_json::json!({}),
    );
    assert_eq!(
        bad.call(&lead("+15122010000")).await.unwrap_err(),
        ProviderError::Unauthorized
    );
}

#[tokio::test]
async fn pure_callerid_aegis() {
    let sb = sandbox().await;
    let p = provider(
        Some(sb.url("purecallerid")),
        "purecallerid",
        "pk",
        None,
        serde_json::json!({ "workflow_id": "660d6866751b6c2521ea0805" }),
    );
    assert!(p
        .call(&lead("+15122010000"))
        .await
        .expect("answers")
        .reasons
        .is_empty());
    assert_eq!(
        p.call(&lead("+15122010002"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::CMP02]
    );
    assert_eq!(
        p.call(&lead("+15122010003"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::CMP03]
    );
    assert_eq!(
        p.call(&lead("+15122010001"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::CMP01]
    );
    let bad = provider(
        Some(sb.url("purecallerid")),
        "purecallerid",
        "bad-key",
        None,
        serde_json::json!({ "workflow_id": "w" }),
    );
    assert_eq!(
        bad.call(&lead("+15122010000")).await.unwrap_err(),
        ProviderError::Unauthorized
    );
}

#[tokio::test]
async fn mx_lookup_against_the_dns_stand_in() {
    let dns = leadgate_sandbox::dns::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("dns starts");
    let p = provider(
        None,
        "mx",
        "",
        None,
        serde_json::json!({ "nameserver": dns.addr().to_string() }),
    );
    let with = |email: &str| {
        let mut l = lead("+15122010000");
        l.email = Some(email.into());
        l
    };
    let a = p.call(&with("jane@example.org")).await.expect("answers");
    assert!(a.reasons.is_empty());
    assert_eq!(a.raw.expect("raw")["mx"][0], "mx1.example.org");
    for domain in [
        "nomx.example.org",
        "nxdomain.example.org",
        "nullmx.example.org",
    ] {
        let a = p
            .call(&with(&format!("jane@{domain}")))
            .await
            .expect("answers");
        assert_eq!(a.reasons, vec![ReasonCode::SYN08], "{domain}");
    }
    // A nameserver that never answers: the hard limit fires (budget shorter than the timeout).
    let mut slow = with("jane@slow.example.org");
    slow.timeout = Some(Duration::from_millis(200));
    assert_eq!(p.call(&slow).await.unwrap_err(), ProviderError::Timeout);
    let e = p
        .call(&with("jane@servfail.example.org"))
        .await
        .unwrap_err();
    assert!(e.is_transient(), "{e:?}");
}

fn with_token(token: &str) -> ProviderRequest {
    let mut l = lead("+15122010000");
    l.extra.insert("bot_token".into(), token.into());
    l
}

#[tokio::test]
async fn turnstile_siteverify() {
    let sb = sandbox().await;
    let p = provider(
        Some(sb.url("")),
        "turnstile",
        "sandbox-secret",
        None,
        serde_json::json!({ "expected_action": "lead", "expected_hostname": "demo.example" }),
    );
    let a = p
        .call(&with_token("pass:lead:demo.example"))
        .await
        .expect("answers");
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    // Single use: the replay fails.
    assert_eq!(
        p.call(&with_token("pass:lead:demo.example"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::INT01]
    );
    assert_eq!(
        p.call(&with_token("pass:login:demo.example"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::INT07]
    );
    assert_eq!(
        p.call(&with_token("fail:invalid-input-response"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::INT01]
    );
    assert_eq!(
        p.call(&lead("+15122010000"))
            .await
            .expect("no token, no call")
            .reasons,
        vec![ReasonCode::INT01]
    );
    let e = p
        .call(&with_token("fail:internal-error"))
        .await
        .unwrap_err();
    assert!(e.is_transient());
    let bad = provider(
        Some(sb.url("")),
        "turnstile",
        "bad-key",
        None,
        serde_json::json!({}),
    );
    assert_eq!(
        bad.call(&with_token("pass")).await.unwrap_err(),
        ProviderError::Unauthorized
    );
    // Cloudflare's documented test secrets.
    let always = provider(
        Some(sb.url("")),
        "turnstile",
        "1x0000000000000000000000000000000AA",
        None,
        serde_json::json!({}),
    );
    assert!(always
        .call(&with_token("XXXX.DUMMY.TOKEN.XXXX"))
        .await
        .expect("answers")
        .reasons
        .is_empty());
    let never = provider(
        Some(sb.url("")),
        "turnstile",
        "2x0000000000000000000000000000000AA",
        None,
        serde_json::json!({}),
    );
    assert_eq!(
        never
            .call(&with_token("XXXX.DUMMY.TOKEN.XXXX"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::INT01]
    );
}

#[tokio::test]
async fn recaptcha_v3_and_enterprise() {
    let sb = sandbox().await;
    let v3 = provider(
        Some(sb.url("")),
        "recaptcha",
        "sandbox-secret",
        None,
        serde_json::json!({ "min_score": 0.5 }),
    );
    assert!(v3
        .call(&with_token("score:0.9:submit"))
        .await
        .expect("answers")
        .reasons
        .is_empty());
    let a = v3
        .call(&with_token("score:0.2:submit"))
        .await
        .expect("answers");
    assert_eq!(a.reasons, vec![ReasonCode::INT05]);
    let ent = provider(
        Some(sb.url("recaptcha-enterprise")),
        "recaptcha_enterprise",
        "api-key",
        Some("my-project"),
        serde_json::json!({ "site_key": "site", "expected_action": "lead" }),
    );
    let a = ent
        .call(&with_token("score:0.8:lead"))
        .await
        .expect("answers");
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    assert!((a.cost_usd - 0.001).abs() < 1e-9);
    assert_eq!(
        ent.call(&with_token("score:0.8:lead"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::INT01],
        "replay = DUPE"
    );
    assert_eq!(
        ent.call(&with_token("score:0.1:lead"))
            .await
            .expect("answers")
            .reasons,
        vec![ReasonCode::INT05]
    );
    let bad = provider(
        Some(sb.url("recaptcha-enterprise")),
        "recaptcha_enterprise",
        "bad-key",
        Some("p"),
        serde_json::json!({}),
    );
    assert_eq!(
        bad.call(&with_token("pass")).await.unwrap_err(),
        ProviderError::Unauthorized
    );
}
