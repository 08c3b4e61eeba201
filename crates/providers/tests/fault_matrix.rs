//! Every HTTP client against every sandbox fault: 429 with Retry-After, 5xx, malformed
//! and empty bodies, unexpected extra fields, and a hung vendor.

use leadgate_pipeline::provider::{Provider, ProviderError, ProviderRequest};
use leadgate_providers::{build_provider, CallError, ProviderSettings, Secret, VendorProvider};
use leadgate_sandbox::{FaultSpec, SandboxHandle};
use std::sync::Arc;
use std::time::Duration;

/// (kind, sandbox prefix used as base_url, fault prefix, account id, options)
fn cases() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    serde_json::Value,
)> {
    use serde_json::json;
    vec![
        (
            "dncscrub_litigator",
            "dncscrub",
            "dncscrub",
            None,
            json!({}),
        ),
        ("dncscrub_scrub", "dncscrub", "dncscrub", None, json!({})),
        (
            "trustedform",
            "trustedform",
            "trustedform",
            None,
            json!({ "insights": true }),
        ),
        (
            "trestle_real_contact",
            "trestle",
            "trestle",
            None,
            json!({ "version": "1.1" }),
        ),
        ("trestle_phone", "trestle", "trestle", None, json!({})),
        (
            "trestle_reverse_phone",
            "trestle",
            "trestle",
            None,
            json!({}),
        ),
        (
            "trestle_reverse_address",
            "trestle",
            "trestle",
            None,
            json!({}),
        ),
        ("ipqs_phone", "ipqs", "ipqs", None, json!({})),
        ("ipqs_email", "ipqs", "ipqs", None, json!({})),
        ("ipqs_ip", "ipqs", "ipqs", None, json!({})),
        (
            "purecallerid",
            "purecallerid",
            "purecallerid",
            None,
            json!({ "workflow_id": "w" }),
        ),
        ("maxmind_score", "maxmind", "maxmind", Some("1"), json!({})),
        (
            "maxmind_insights",
            "maxmind",
            "maxmind",
            Some("1"),
            json!({}),
        ),
        ("twilio_lookup", "twilio", "twilio", Some("AC1"), json!({})),
        (
            "google_address",
            "google-address",
            "google-address",
            None,
            json!({}),
        ),
        ("usps_address", "usps", "usps", Some("cid"), json!({})),
        ("turnstile", "", "turnstile", None, json!({})),
        ("recaptcha", "", "recaptcha", None, json!({})),
        (
            "recaptcha_enterprise",
            "recaptcha-enterprise",
            "recaptcha-enterprise",
            Some("proj"),
            json!({ "site_key": "s" }),
        ),
    ]
}

fn build(
    sb: &SandboxHandle,
    kind: &str,
    prefix: &str,
    account: Option<&str>,
    options: &serde_json::Value,
) -> Arc<VendorProvider> {
    let settings = ProviderSettings {
        kind: kind.into(),
        enabled: true,
        base_url: Some(sb.url(prefix)),
        api_key: Secret::new("sandbox"),
        account_id: account.map(str::to_owned),
        timeout_ms: Some(5000),
        options: serde_json::from_value(options.clone()).expect("options"),
        ..Default::default()
    };
    build_provider(kind, &settings, &reqwest::Client::new()).expect("builds")
}

fn lead() -> ProviderRequest {
    let mut l = ProviderRequest {
        lead_id: "lead-faults".into(),
        phone_e164: Some("+15122010000".into()),
        email: Some("jane@example.org".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        street: Some("3120 M St NW".into()),
        city: Some("Washington".into()),
        state: Some("DC".into()),
        zip: Some("20007".into()),
        country: Some("US".into()),
        ip: Some("203.0.113.10".into()),
        trustedform_cert_url: Some(
            "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567".into(),
        ),
        ..Default::default()
    };
    l.extra
        .insert("bot_token".into(), "score:0.9:submit".into());
    l
}

fn fault(sb: &SandboxHandle, prefix: &str, kind: &str) {
    sb.state().set_fault(
        prefix,
        Some(FaultSpec {
            fault: Some(kind.into()),
            retry_after: Some(4),
            ..FaultSpec::default()
        }),
    );
}

#[tokio::test]
async fn every_client_answers_normally_and_ignores_unexpected_fields() {
    let sb = leadgate_sandbox::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sandbox");
    for (kind, base, prefix, account, options) in cases() {
        let p = build(&sb, kind, base, account, &options);
        // Tokens are single use: each call gets a fresh one.
        let mut l = lead();
        l.extra
            .insert("bot_token".into(), format!("score:0.9:submit:{kind}a"));
        p.call(&l).await.unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        fault(&sb, prefix, "unexpected");
        l.extra
            .insert("bot_token".into(), format!("score:0.9:submit:{kind}b"));
        p.call(&l)
            .await
            .unwrap_or_else(|e| panic!("{kind} with extra fields: {e:?}"));
        sb.state().set_fault(prefix, None);
    }
}

#[tokio::test]
async fn every_client_types_429_5xx_and_garbage() {
    let sb = leadgate_sandbox::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sandbox");
    for (kind, base, prefix, account, options) in cases() {
        let p = build(&sb, kind, base, account, &options);
        fault(&sb, prefix, "429");
        let e = p.call_vendor(&lead()).await.unwrap_err();
        assert_eq!(
            e.retry_after(),
            Some(Duration::from_secs(4)),
            "{kind}: {e:?}"
        );
        assert!(e.is_transient(), "{kind}");
        assert!(
            matches!(
                p.call(&lead()).await.unwrap_err(),
                ProviderError::RateLimited {
                    retry_after: Some(_)
                }
            ),
            "{kind}"
        );

        for status in ["500", "502", "503"] {
            fault(&sb, prefix, status);
            let e = p.call_vendor(&lead()).await.unwrap_err();
            assert!(
                matches!(e, CallError::Server { .. }),
                "{kind} {status}: {e:?}"
            );
            assert!(e.is_transient());
        }
        for garbage in ["malformed", "empty"] {
            fault(&sb, prefix, garbage);
            let e = p.call(&lead()).await.unwrap_err();
            assert!(
                matches!(e, ProviderError::Malformed(_)),
                "{kind} {garbage}: {e:?}"
            );
            assert!(!e.is_transient());
        }
        sb.state().set_fault(prefix, None);
    }
}

#[tokio::test]
async fn every_client_gives_up_on_a_hung_vendor() {
    let sb = leadgate_sandbox::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sandbox");
    for (kind, base, prefix, account, options) in cases() {
        let p = build(&sb, kind, base, account, &options);
        fault(&sb, prefix, "timeout");
        let mut l = lead();
        l.timeout = Some(Duration::from_millis(100));
        let e = p.call_vendor(&l).await.unwrap_err();
        assert_eq!(e.kind(), "timeout", "{kind}: {e:?}");
        sb.state().set_fault(prefix, None);
    }
}
