//! Verdict: any multiset of reason codes under any overrides gives a consistent lane.
#![no_main]
use leadgate_checks::{verdict_from_reasons, verdict_with, Action, Lane, Policy, ReasonCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let all = ReasonCode::ALL;
    let pick = |b: u8| all[b as usize % all.len()];
    let (head, tail) = data.split_at(data.len().min(6));
    let mut policy = Policy::default();
    for (i, &b) in head.iter().enumerate() {
        match i % 3 {
            0 => policy.block.push(pick(b)),
            1 => policy.review.push(pick(b)),
            _ => policy.advise.push(pick(b)),
        }
    }
    let reasons: Vec<ReasonCode> = tail.iter().map(|&b| pick(b)).collect();
    let v = verdict_from_reasons(&reasons, &policy);
    let worst = reasons.iter().map(|&r| policy.action(r)).max();
    match worst {
        Some(Action::Block) => assert_eq!(v.lane, Lane::Block),
        Some(Action::Review) => assert_eq!(v.lane, Lane::Review),
        _ => assert_ne!(v.lane, Lane::Block),
    }
    if let Some(primary) = v.primary() {
        assert_eq!(Some(policy.action(primary)), worst);
    }
    let (a, b) = reasons.split_at(reasons.len() / 2);
    assert_eq!(verdict_with(a, b, &policy), v);
});
