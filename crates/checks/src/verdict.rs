//! The verdict: a pure function from reason codes and a policy to a lane, the
//! reasons (primary first) and a 0-100 score.
//!
//! Every tier calls the same function. The edge folds in bot results (INT01..INT07)
//! and the backend folds in provider reasons with [`verdict_from_reasons`] or
//! [`Verdict::with_extra`]; the lane, order and score come out the same as if every
//! reason had been found at once.
use crate::{Action, Policy, ReasonCode};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Where a lead goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// Fails syntax or a blocking rule.
    Block,
    /// Passes syntax but needs a human look (low confidence, cap, timeout, ...).
    Review,
    /// Passes everything: the only lane that gets a booking link.
    FastTrack,
}

/// A lane, the reasons that led to it (primary = most severe, first) and a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The lane.
    pub lane: Lane,
    /// Primary first, then secondary reasons by severity; no duplicates.
    pub reasons: Vec<ReasonCode>,
    /// 0 (certainly junk) to 100 (clean).
    pub score: u8,
}

/// Score penalty per reason, by the action the policy gives it.
const fn penalty(action: Action) -> u8 {
    match action {
        Action::Block => 60,
        Action::Review => 20,
        Action::Advise => 5,
    }
}

/// Highest score a blocked lead can have.
pub const BLOCK_SCORE_CAP: u8 = 20;
/// Highest score a lead sent to review can have.
pub const REVIEW_SCORE_CAP: u8 = 69;

/// The verdict for a set of reasons under a policy.
///
/// Reasons are de-duplicated and ordered by the action the policy gives them (block,
/// review, advise), then by table order; the first is the primary reason. The lane is
/// Block if any reason blocks, else Review if any reviews or the score is below the
/// policy's `fast_track_min_score`, else FastTrack. The score starts at 100 and loses
/// 60 per blocking, 20 per reviewing and 5 per advisory reason, capped at 20 when
/// blocked and 69 when in review.
pub fn verdict_from_reasons(reasons: &[ReasonCode], policy: &Policy) -> Verdict {
    let mut ranked: Vec<(Action, ReasonCode)> = reasons
        .iter()
        .map(|&code| (policy.action(code), code))
        .collect();
    // Worst action first, then table order. A lead has a handful of reasons: an
    // insertion sort does, and keeps the general sort's code out of the page's wasm.
    let key = |(action, code): &(Action, ReasonCode)| (core::cmp::Reverse(*action), *code);
    for i in 1..ranked.len() {
        let mut j = i;
        while j > 0 && key(&ranked[j - 1]) > key(&ranked[j]) {
            ranked.swap(j - 1, j);
            j -= 1;
        }
    }
    ranked.dedup_by_key(|(_, code)| *code);

    let mut score: u8 = 100;
    for (action, _) in &ranked {
        score = score.saturating_sub(penalty(*action));
    }
    let worst = ranked.first().map(|(action, _)| *action);
    let lane = match worst {
        Some(Action::Block) => Lane::Block,
        Some(Action::Review) => Lane::Review,
        _ if score < policy.fast_track_min_score => Lane::Review,
        _ => Lane::FastTrack,
    };
    let score = match lane {
        Lane::Block => score.min(BLOCK_SCORE_CAP),
        Lane::Review => score.min(REVIEW_SCORE_CAP),
        Lane::FastTrack => score,
    };
    Verdict {
        lane,
        reasons: ranked.into_iter().map(|(_, code)| code).collect(),
        score,
    }
}

/// The verdict for `base` reasons plus `extra` ones (bot results at the edge,
/// provider reasons in the backend), exactly as if all had been found together.
pub fn verdict_with(base: &[ReasonCode], extra: &[ReasonCode], policy: &Policy) -> Verdict {
    let mut all = Vec::with_capacity(base.len() + extra.len());
    all.extend_from_slice(base);
    all.extend_from_slice(extra);
    verdict_from_reasons(&all, policy)
}

impl Verdict {
    /// This verdict with `extra` reasons folded in under `policy`.
    pub fn with_extra(&self, extra: &[ReasonCode], policy: &Policy) -> Verdict {
        verdict_with(&self.reasons, extra, policy)
    }

    /// The primary (most severe) reason, if any.
    pub fn primary(&self) -> Option<ReasonCode> {
        self.reasons.first().copied()
    }

    /// The secondary reasons (all but the primary).
    pub fn secondary(&self) -> &[ReasonCode] {
        self.reasons.get(1..).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReasonCode::*;

    #[test]
    fn order_equals_a_stable_sort_by_action_then_table_order() {
        // Seeded xorshift: reason sets of every size, with repeats, in any order.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let policy = Policy::default();
        for _ in 0..5_000 {
            let n = (next() % 12) as usize;
            let reasons: Vec<ReasonCode> = (0..n)
                .map(|_| ReasonCode::ALL[(next() % ReasonCode::ALL.len() as u64) as usize])
                .collect();
            let mut want: Vec<(Action, ReasonCode)> =
                reasons.iter().map(|&c| (policy.action(c), c)).collect();
            want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            want.dedup_by_key(|(_, code)| *code);
            let want: Vec<ReasonCode> = want.into_iter().map(|(_, c)| c).collect();
            assert_eq!(
                verdict_from_reasons(&reasons, &policy).reasons,
                want,
                "{reasons:?}"
            );
        }
    }

    #[test]
    fn no_reasons_is_fast_track_with_full_score() {
        let v = verdict_from_reasons(&[], &Policy::default());
        assert_eq!(
            v,
            Verdict {
                lane: Lane::FastTrack,
                reasons: vec![],
                score: 100
            }
        );
        assert_eq!(v.primary(), None);
    }

    #[test]
    fn primary_is_most_severe_and_duplicates_go() {
        let v = verdict_from_reasons(&[SYN04, SYN01, SYN04, CONS01], &Policy::default());
        assert_eq!(v.lane, Lane::Block);
        assert_eq!(v.reasons, vec![SYN01, CONS01, SYN04]);
        assert_eq!(v.primary(), Some(SYN01));
        assert_eq!(v.secondary(), &[CONS01, SYN04]);
        assert_eq!(v.score, 0);
    }

    #[test]
    fn review_reason_gives_review_and_capped_score() {
        let v = verdict_from_reasons(&[SYN03], &Policy::default());
        assert_eq!(v.lane, Lane::Review);
        assert_eq!(v.score, 69);
    }

    #[test]
    fn policy_overrides_change_lane_and_order() {
        let p = Policy {
            advise: vec![SYN04],
            block: vec![ENR03],
            ..Policy::default()
        };
        let v = verdict_from_reasons(&[SYN04], &p);
        assert_eq!((v.lane, v.score), (Lane::FastTrack, 95));
        let v = verdict_from_reasons(&[SYN04, ENR03], &p);
        assert_eq!(v.lane, Lane::Block);
        assert_eq!(v.reasons, vec![ENR03, SYN04]);
    }

    #[test]
    fn advisories_can_drop_below_fast_track_threshold() {
        let p = Policy {
            advise: vec![SYN03, SYN04, ENR03, ENR04, ENR05, ENR06, ENR07],
            ..Policy::default()
        };
        let v = verdict_from_reasons(&[SYN03, SYN04, ENR03, ENR04, ENR05, ENR06, ENR07], &p);
        assert_eq!(v.score, 65);
        assert_eq!(v.lane, Lane::Review);
    }

    #[test]
    fn folding_extra_reasons_equals_judging_all_at_once() {
        let p = Policy::default();
        let edge = verdict_from_reasons(&[SYN04], &p);
        let folded = edge.with_extra(&[INT05], &p);
        assert_eq!(folded, verdict_from_reasons(&[INT05, SYN04], &p));
        assert_eq!(folded.primary(), Some(INT05));
        assert_eq!(verdict_with(&[SYN04], &[INT05], &p), folded);
    }

    #[test]
    fn lane_serialises_snake_case() {
        assert_eq!(
            serde_json::to_string(&Lane::FastTrack).unwrap(),
            "\"fast_track\""
        );
        let v = verdict_from_reasons(&[SYN01], &Policy::default());
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"lane":"block","reasons":["SYN01"],"score":20}"#
        );
    }
}
