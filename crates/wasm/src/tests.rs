//! The glue's reading must equal serde's reading of the same JSON, and its answer must
//! equal the matching part of serde's `Assessment`: the page and the edge (which reads
//! with serde) must never disagree because of the glue.
use super::*;
use leadgate_checks::{assess, LeadInput};
use serde_json::{json, Value};

impl Source for Value {
    fn is_object(&self) -> bool {
        self.is_object()
    }

    fn get(&self, key: &str) -> Val {
        match self.get(key) {
            None | Some(Value::Null) => Val::Missing,
            Some(Value::Bool(b)) => Val::Bool(*b),
            Some(Value::Number(n)) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            Some(Value::String(s)) => Val::Str(s.clone()),
            Some(Value::Array(items)) => Val::List(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect(),
            ),
            Some(Value::Object(_)) => Val::Other,
        }
    }
}

/// The keys `fields::policy` sets, one by one (it starts from `Policy::default()`, so the
/// compiler cannot check it reads them all): must be every field of `Policy`.
const POLICY_KEYS: &[&str] = &[
    "version",
    "block",
    "review",
    "advise",
    "allow_domains",
    "deny_domains",
    "deny_phones",
    "business_email_only",
    "default_region",
    "allowed_regions",
    "require_email",
    "require_phone",
    "require_name",
    "require_consent",
    "check_address",
    "address_min_confidence",
    "fast_track_min_score",
];

fn keys_of(v: Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

fn sorted(keys: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

#[test]
fn the_glue_reads_every_field_of_policy() {
    // (`fields::lead` builds `LeadInput` with a struct literal: the compiler checks it.)
    assert_eq!(
        keys_of(serde_json::to_value(Policy::default()).unwrap()),
        sorted(POLICY_KEYS)
    );
}

#[test]
fn lead_reading_equals_serde() {
    let leads = [
        json!({}),
        json!({"email": "jane@example.com", "phone": "(202) 555-0143", "first_name": "Jane",
               "last_name": "Doe", "street": "1 Main St", "city": "Springfield", "state": "IL",
               "zip": "62701", "country": "US", "ip": "203.0.113.9", "user_agent": "UA",
               "consent": true, "consent_text": "I agree", "default_region": "CA",
               "trustedform_cert_url": "https://cert.trustedform.com/abc"}),
        json!({"consent": "yes"}),
        json!({"consent": "maybe"}),
        json!({"consent": 0}),
        json!({"consent": 1.5}),
        json!({"consent": null, "email": null}),
        json!({"unknown_key": [1, 2], "email": "x@y.com"}),
    ];
    for lead in leads {
        let ours = fields::lead(&lead).unwrap();
        let serde: LeadInput = serde_json::from_value(lead.clone()).unwrap();
        assert_eq!(ours, serde, "{lead}");
    }
}

#[test]
fn lead_of_the_wrong_shape_is_refused_with_the_field_named() {
    for (lead, needle) in [
        (json!([]), "JSON object"),
        (json!("jane@example.com"), "JSON object"),
        (
            json!({"email": 5}),
            "`email` must be a string, not a number",
        ),
        (
            json!({"phone": ["1"]}),
            "`phone` must be a string, not an array",
        ),
        (json!({"consent": {}}), "`consent`"),
    ] {
        match assess_source(&lead, None::<&Value>) {
            Err(GlueError::BadLead(e)) => assert!(e.contains(needle), "{lead}: {e}"),
            other => panic!("{lead}: {other:?}"),
        }
        // serde would read an array positionally; the glue wants the object the snippet sends.
        if !lead.is_array() {
            assert!(
                serde_json::from_value::<LeadInput>(lead.clone()).is_err(),
                "{lead}"
            );
        }
    }
}

#[test]
fn policy_reading_equals_serde() {
    let policies = [
        json!({}),
        json!({"version": "2026-12-02.1", "block": ["SYN04", "SYN05"], "review": ["PHN04"],
               "advise": ["SYN03"], "allow_domains": ["partner.example"],
               "deny_domains": ["rival.example", "@x.example"], "deny_phones": ["+12025550143"],
               "business_email_only": true, "default_region": "CA", "allowed_regions": ["US", "CA"],
               "require_email": false, "require_phone": false, "require_name": false,
               "require_consent": false, "check_address": false, "address_min_confidence": 80,
               "fast_track_min_score": 90}),
        json!({"fast_track_min_score": 0, "ignored": {"a": 1}}),
    ];
    for p in policies {
        let ours = fields::policy(&p).unwrap();
        let serde: Policy = serde_json::from_value(p.clone()).unwrap();
        assert_eq!(ours, serde, "{p}");
    }
}

#[test]
fn policy_of_the_wrong_shape_is_refused_as_serde_refuses_it() {
    for (p, needle) in [
        (json!([1, 2]), "JSON object"),
        (json!({"block": ["NOPE1"]}), "`block` lists `NOPE1`"),
        (
            json!({"block": "SYN01"}),
            "`block` must be an array of strings",
        ),
        (
            json!({"deny_domains": ["a.example", 3]}),
            "`deny_domains` must list strings",
        ),
        (
            json!({"require_email": "yes"}),
            "`require_email` must be true or false",
        ),
        (json!({"fast_track_min_score": 300}), "whole number 0-255"),
        (json!({"fast_track_min_score": -1}), "whole number 0-255"),
        (json!({"version": 7}), "`version` must be a string"),
    ] {
        match assess_source(&json!({}), Some(&p)) {
            Err(GlueError::BadPolicy(e)) => assert!(e.contains(needle), "{p}: {e}"),
            other => panic!("{p}: {other:?}"),
        }
        assert!(serde_json::from_value::<Policy>(p.clone()).is_err(), "{p}");
    }
}

/// Every key the glue writes holds what serde writes for the same `Assessment`.
fn assert_same_as_serde(lead: Value, policy: Value) {
    let ours: Value = serde_json::from_str(&assess_source(&lead, Some(&policy)).unwrap()).unwrap();
    let input: LeadInput = serde_json::from_value(lead.clone()).unwrap();
    let p: Policy = serde_json::from_value(policy).unwrap();
    let full = serde_json::to_value(assess(&input, &p)).unwrap();
    let ours = ours.as_object().unwrap();
    for (k, v) in ours {
        if let Value::Object(inner) = v {
            for (ik, iv) in inner {
                assert_eq!(iv, &full[k][ik], "{lead}: {k}.{ik}");
            }
        } else {
            assert_eq!(v, &full[k], "{lead}: {k}");
        }
    }
    for k in [
        "lane",
        "reasons",
        "score",
        "policy_version",
        "email",
        "phone",
    ] {
        assert!(ours.contains_key(k), "{k} missing");
    }
}

#[test]
fn the_answer_equals_serdes_assessment() {
    let policy = json!({"version": "v9", "block": ["SYN04"]});
    for lead in [
        json!({}),
        json!({"email": "jane@example.com", "phone": "(650) 253-0000", "first_name": "Jane",
               "last_name": "Doe", "consent": true}),
        json!({"email": "jane@gmial.com", "phone": "555-555-5555", "consent": "no"}),
        json!({"email": "sales@mailinator.com", "phone": "+44 20 7946 0958",
               "first_name": "asdf", "last_name": "qwerty"}),
        json!({"email": "not an email", "phone": "12", "street": "1 Main St", "city": "X",
               "state": "ZZ", "zip": "00000"}),
        json!({"email": "\"quoted\"\n\u{1}@example.com"}),
    ] {
        assert_same_as_serde(lead, policy.clone());
    }
}
