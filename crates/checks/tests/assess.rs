//! End-to-end tests of the public API: the JSON contract, hostile input, folding,
//! and the published reason-code table.
use leadgate_checks::{
    assess, assess_with, check_lead, verdict, verdict_from_reasons, Lane, LeadInput, Policy,
    ReasonCode,
};
use serde_json::{json, Value};

const CONSENT: &str = "By submitting I agree that Acme may call and text me about my quote.";

fn good_lead() -> LeadInput {
    LeadInput {
        email: Some("Jane.Doe+quote@Gmail.com".into()),
        phone: Some("(202) 746-0143".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        street: Some("1600 Pennsylvania Avenue NW".into()),
        city: Some("Washington".into()),
        state: Some("DC".into()),
        zip: Some("20500".into()),
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Mozilla/5.0".into()),
        consent: Some(true),
        consent_text: Some(CONSENT.into()),
        ..LeadInput::default()
    }
}

#[test]
fn a_clean_lead_is_fast_tracked_with_the_public_json_shape() {
    let a = assess(&good_lead(), &Policy::default());
    assert_eq!(a.verdict.lane, Lane::FastTrack);
    assert_eq!(a.verdict.score, 100);
    let v: Value = serde_json::to_value(&a).unwrap();
    assert_eq!(v["lane"], "fast_track");
    assert_eq!(v["reasons"], json!([]));
    assert_eq!(v["score"], 100);
    assert_eq!(v["email"]["valid"], true);
    assert_eq!(v["email"]["normalized"], "Jane.Doe+quote@gmail.com");
    assert_eq!(v["email"]["suggestion"], Value::Null);
    assert_eq!(v["email"]["disposable"], false);
    assert_eq!(v["email"]["role"], false);
    assert_eq!(v["email"]["free"], true);
    assert_eq!(v["phone"]["valid"], true);
    assert_eq!(v["phone"]["e164"], "+12027460143");
    assert_eq!(v["phone"]["type"], "fixed_line_or_mobile");
    assert_eq!(v["phone"]["region"], "US");
    assert_eq!(v["address"]["valid"], true);
    assert_eq!(
        v["address"]["normalized"]["street"],
        "1600 PENNSYLVANIA AVE NW"
    );
    assert_eq!(v["address"]["normalized"]["city"], "WASHINGTON");
    assert_eq!(v["address"]["normalized"]["state"], "DC");
    assert_eq!(v["address"]["normalized"]["zip"], "20500");
    assert_eq!(v["address"]["confidence"], 100);
    assert_eq!(v["fingerprint"].as_str().unwrap().len(), 64);
    assert_eq!(v["policy_version"], "default-1");
    assert_eq!(v["name"]["valid"], true);
    assert_eq!(v["consent"]["given"], true);
    // And it reads back.
    let back: leadgate_checks::Assessment = serde_json::from_value(v).unwrap();
    assert_eq!(back.verdict, a.verdict);
    assert_eq!(back.fingerprint.id, a.fingerprint.id);
}

#[test]
fn input_field_names_are_the_public_contract() {
    let lead: LeadInput = serde_json::from_value(json!({
        "email": "a@b.com", "phone": "1", "first_name": "F", "last_name": "L",
        "street": "S", "city": "C", "state": "ST", "zip": "Z", "country": "US",
        "ip": "1.2.3.4", "user_agent": "UA", "consent": "yes", "consent_text": "T",
        "trustedform_cert_url": "https://cert.example/1", "default_region": "GB"
    }))
    .unwrap();
    assert_eq!(lead.consent, Some(true));
    assert_eq!(lead.default_region.as_deref(), Some("GB"));
    assert_eq!(
        lead.trustedform_cert_url.as_deref(),
        Some("https://cert.example/1")
    );
    for (raw, want) in [
        (json!(true), Some(true)),
        (json!("on"), Some(true)),
        (json!("1"), Some(true)),
        (json!(1), Some(true)),
        (json!("TRUE"), Some(true)),
        (json!("no"), Some(false)),
        (json!(0), Some(false)),
        (json!("maybe"), Some(false)),
        (Value::Null, None),
    ] {
        let lead: LeadInput = serde_json::from_value(json!({ "consent": raw })).unwrap();
        assert_eq!(lead.consent, want, "{raw}");
    }
}

#[test]
fn the_seven_fixed_codes_come_out_of_real_leads() {
    let p = Policy::default();
    let mut lead = good_lead();
    lead.email = Some("x@mailinator.com".into());
    assert_eq!(assess(&lead, &p).verdict.primary(), Some(ReasonCode::SYN02));
    lead.email = Some("not an email".into());
    assert_eq!(assess(&lead, &p).verdict.primary(), Some(ReasonCode::SYN01));
    let mut lead = good_lead();
    lead.consent = Some(false);
    assert_eq!(assess(&lead, &p).verdict.reasons, vec![ReasonCode::CONS01]);
    let mut lead = good_lead();
    lead.consent_text = None;
    assert_eq!(assess(&lead, &p).verdict.reasons, vec![ReasonCode::CONS01]);
    // ENR04: an address whose parts are all missing but the ZIP is not malformed
    // is ADR01; a street without number scores below a strict policy's threshold.
    let strict = Policy {
        address_min_confidence: 90,
        ..Policy::default()
    };
    let mut lead = good_lead();
    lead.street = Some("Pennsylvania Avenue NW".into());
    assert_eq!(
        assess(&lead, &strict).verdict.reasons,
        vec![ReasonCode::ENR04]
    );
    // Codes found later (edge, backend) fold in.
    let a = assess_with(
        &good_lead(),
        &p,
        &[ReasonCode::INT05, ReasonCode::DUP01, ReasonCode::ENR03],
    );
    assert_eq!(a.verdict.lane, Lane::Block);
    assert_eq!(
        a.verdict.reasons,
        vec![ReasonCode::INT05, ReasonCode::DUP01, ReasonCode::ENR03]
    );
}

#[test]
fn verdict_of_report_equals_assessment_verdict() {
    let p = Policy {
        business_email_only: true,
        ..Policy::default()
    };
    let mut lead = good_lead();
    lead.email = Some("info@gmial.com".into());
    lead.phone = Some("555-555-5555".into());
    let report = check_lead(&lead, &p);
    let a = assess(&lead, &p);
    assert_eq!(verdict(&report, &p), a.verdict);
    assert_eq!(a.verdict.reasons[0], ReasonCode::PHN02);
    assert!(a.verdict.reasons.contains(&ReasonCode::SYN03));
    assert!(a.verdict.reasons.contains(&ReasonCode::SYN04));
    assert_eq!(verdict_from_reasons(&report.reasons(&p), &p), a.verdict);
}

#[test]
fn fingerprint_dedups_spellings_of_the_same_person() {
    let p = Policy::default();
    let a = assess(&good_lead(), &p);
    let mut other = good_lead();
    other.email = Some("janedoe@googlemail.com".into());
    other.phone = Some("+1 202-746-0143".into());
    let b = assess(&other, &p);
    assert_eq!(a.fingerprint, b.fingerprint);
    other.ip = Some("198.51.100.1".into());
    let c = assess(&other, &p);
    assert_ne!(a.fingerprint.id, c.fingerprint.id);
    assert_eq!(a.fingerprint.email, c.fingerprint.email);
    assert_eq!(a.fingerprint.phone, c.fingerprint.phone);
}

/// Hostile values for every field: never a panic, and every bad field is a reason.
#[test]
fn hostile_input_never_panics_and_always_gives_a_reason() {
    let huge = "A".repeat(1 << 20);
    let hostile = [
        huge.clone(),
        format!("{huge}@example.com"),
        "\u{202E}moc.elpmaxe@enaj".to_string(),
        "ja\u{200B}ne@example.com".to_string(),
        "\u{0000}\u{0001}\u{001B}[31m".to_string(),
        "j\u{0430}ne@g\u{043C}ail.com".to_string(),
        "\u{FEFF}\u{2066}\u{2069}".to_string(),
        "😀😀😀@😀.com".to_string(),
        "\u{0301}\u{0301}\u{0301}".to_string(),
        "%00%0a<script>".to_string(),
    ];
    let p = Policy::default();
    for value in &hostile {
        let lead = LeadInput {
            email: Some(value.clone()),
            phone: Some(value.clone()),
            first_name: Some(value.clone()),
            last_name: Some("Doe".into()),
            street: Some(value.clone()),
            city: Some(value.clone()),
            state: Some(value.clone()),
            zip: Some(value.clone()),
            ip: Some(value.clone()),
            user_agent: Some(value.clone()),
            consent: Some(true),
            consent_text: Some(value.clone()),
            ..LeadInput::default()
        };
        let a = assess(&lead, &p);
        let r = &a.verdict.reasons;
        assert_eq!(a.verdict.lane, Lane::Block, "{value:.30}");
        assert!(r.contains(&ReasonCode::SYN01), "{value:.30}: {r:?}");
        assert!(
            r.contains(&ReasonCode::PHN01) || r.contains(&ReasonCode::PHN02),
            "{value:.30}: {r:?}"
        );
        assert!(r.contains(&ReasonCode::NAM01), "{value:.30}: {r:?}");
        assert!(r.contains(&ReasonCode::ADR01), "{value:.30}: {r:?}");
        assert!(r.contains(&ReasonCode::CONS01), "{value:.30}: {r:?}");
        serde_json::to_string(&a).unwrap();
    }
}

#[test]
fn an_empty_lead_is_blocked_for_missing_fields() {
    let a = assess(&LeadInput::default(), &Policy::default());
    assert_eq!(a.verdict.lane, Lane::Block);
    assert_eq!(
        a.verdict.reasons,
        vec![
            ReasonCode::SYN07,
            ReasonCode::PHN03,
            ReasonCode::CONS01,
            ReasonCode::NAM02
        ]
    );
    let relaxed: Policy = serde_json::from_value(json!({
        "require_email": false, "require_phone": false, "require_name": false,
        "require_consent": false
    }))
    .unwrap();
    assert_eq!(
        assess(&LeadInput::default(), &relaxed).verdict.lane,
        Lane::FastTrack
    );
}
