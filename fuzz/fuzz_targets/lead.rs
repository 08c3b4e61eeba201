//! A whole lead from arbitrary JSON: never panics, always serialises.
#![no_main]
use leadgate_checks::{assess, LeadInput, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(lead) = serde_json::from_slice::<LeadInput>(data) else {
        return;
    };
    let a = assess(&lead, &Policy::default());
    assert!(a.verdict.score <= 100);
    serde_json::to_string(&a).unwrap();
});
