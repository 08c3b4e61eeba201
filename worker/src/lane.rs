//! Lane building: the checks crate's verdict plus the bot outcome, the site's mode, and
//! the reply the snippet needs. Pure, so every lane decision is unit-tested natively.
use crate::config::Mode;
use leadgate_checks::{Action, Lane, Policy, ReasonCode, Verdict};
use leadgate_protocol::BotOutcome;
use serde::Serialize;

/// The visitor-facing message for a reason code.
pub fn message(code: ReasonCode) -> &'static str {
    match code {
        ReasonCode::SYN01 => "Please enter a valid email address.",
        ReasonCode::SYN02 => "Please use a permanent email address, not a disposable one.",
        ReasonCode::SYN03 => "Please check the spelling of your email domain.",
        ReasonCode::SYN04 => "Please use a personal work address rather than a shared one.",
        ReasonCode::SYN05 => "Please use your business email address.",
        ReasonCode::SYN07 => "Please enter your email address.",
        ReasonCode::PHN01 | ReasonCode::PHN02 => "Please enter a valid phone number.",
        ReasonCode::PHN03 => "Please enter your phone number.",
        ReasonCode::NAM01 | ReasonCode::NAM02 => "Please enter your real name.",
        ReasonCode::CONS01 => "Please tick the consent box to continue.",
        ReasonCode::INT01 | ReasonCode::INT03 | ReasonCode::INT07 => {
            "We could not verify this submission. Please reload the page and try again."
        }
        ReasonCode::INT02 => {
            "We could not verify this submission automatically; a person will review it."
        }
        ReasonCode::INT04 => "Too many attempts. Please wait a minute and try again.",
        ReasonCode::INT05 | ReasonCode::INT06 => "We could not verify this submission.",
        other => other.meaning(),
    }
}

/// Folds a bot outcome's reason into the checks verdict with the checks crate's own
/// verdict function, so the lane is exactly as if the reason had been found with the rest.
pub fn fold_bot(verdict: Verdict, bot: Option<&BotOutcome>, policy: &Policy) -> Verdict {
    match bot.and_then(|b| b.reason) {
        Some(reason) => verdict.with_extra(&[reason], policy),
        None => verdict,
    }
}

/// What happens to a judged lead.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The reply the visitor sees.
    pub reply_lane: Lane,
    pub reply_reasons: Vec<ReasonCode>,
    /// Forward to the backend (Review and Fast-Track, never a shadowed bot).
    pub forward: bool,
    /// Mint a booking link (true Fast-Track only).
    pub booking: bool,
    /// The bot was shadow-banned: fake success, nothing forwarded.
    pub shadowed: bool,
}

/// Decides the reply and the forwarding for a final verdict.
///
/// `bot_unavailable` is true when the verifier could not judge the token (down, slow,
/// misconfigured, or a form posted without JavaScript): a fail-closed block is then
/// reported honestly, never shadowed, because no bot was detected.
pub fn decide(
    verdict: &Verdict,
    bot: Option<&BotOutcome>,
    bot_unavailable: bool,
    mode: Mode,
    policy: &Policy,
) -> Decision {
    let bot_blocked = verdict.lane == Lane::Block
        && !bot_unavailable
        && bot
            .and_then(|b| b.reason)
            .is_some_and(|r| policy.action(r) == Action::Block);
    if bot_blocked && mode == Mode::Shadow {
        // Look exactly like an accepted lead that awaits review, so a bot learns nothing.
        return Decision {
            reply_lane: Lane::Review,
            reply_reasons: vec![],
            forward: false,
            booking: false,
            shadowed: true,
        };
    }
    Decision {
        reply_lane: verdict.lane,
        reply_reasons: verdict.reasons.clone(),
        forward: verdict.lane != Lane::Block,
        booking: verdict.lane == Lane::FastTrack,
        shadowed: false,
    }
}

/// One reason in the reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplyReason {
    pub code: ReasonCode,
    pub message: &'static str,
}

/// The `POST /v1/leads` reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    pub lead_id: String,
    pub lane: Lane,
    pub reasons: Vec<ReplyReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_url: Option<String>,
}

impl Reply {
    pub fn new(lead_id: String, decision: &Decision, booking_url: Option<String>) -> Reply {
        Reply {
            lead_id,
            lane: decision.reply_lane,
            reasons: decision
                .reply_reasons
                .iter()
                .map(|&code| ReplyReason {
                    code,
                    message: message(code),
                })
                .collect(),
            booking_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadgate_protocol::BotDefense;

    fn verdict(lane: Lane, reasons: &[ReasonCode]) -> Verdict {
        Verdict {
            lane,
            reasons: reasons.to_vec(),
            score: 80,
        }
    }

    fn bot(reason: Option<ReasonCode>) -> BotOutcome {
        BotOutcome {
            defense: BotDefense::Turnstile,
            passed: reason.is_none(),
            score: None,
            reason,
            error_codes: vec![],
            failed_open: reason == Some(ReasonCode::INT02),
        }
    }

    #[test]
    fn fast_track_lead_with_a_passing_bot_gets_a_booking() {
        let b = bot(None);
        let v = fold_bot(verdict(Lane::FastTrack, &[]), Some(&b), &Policy::default());
        let d = decide(&v, Some(&b), false, Mode::Block, &Policy::default());
        assert_eq!(
            (d.reply_lane, d.forward, d.booking, d.shadowed),
            (Lane::FastTrack, true, true, false)
        );
    }

    #[test]
    fn failed_open_verifier_caps_at_review_with_int02_primary() {
        let b = bot(Some(ReasonCode::INT02));
        let v = fold_bot(verdict(Lane::FastTrack, &[]), Some(&b), &Policy::default());
        assert_eq!(
            (v.lane, v.reasons.clone()),
            (Lane::Review, vec![ReasonCode::INT02])
        );
        let d = decide(&v, Some(&b), false, Mode::Block, &Policy::default());
        assert_eq!((d.forward, d.booking), (true, false));
        // A lead already in review keeps its own primary reason.
        let v = fold_bot(
            verdict(Lane::Review, &[ReasonCode::SYN04]),
            Some(&b),
            &Policy::default(),
        );
        assert_eq!(v.reasons, vec![ReasonCode::SYN04, ReasonCode::INT02]);
    }

    #[test]
    fn bot_block_is_honest_in_block_mode_and_fake_success_in_shadow_mode() {
        let b = bot(Some(ReasonCode::INT05));
        let v = fold_bot(verdict(Lane::FastTrack, &[]), Some(&b), &Policy::default());
        assert_eq!(
            (v.lane, v.reasons.clone()),
            (Lane::Block, vec![ReasonCode::INT05])
        );
        let honest = decide(&v, Some(&b), false, Mode::Block, &Policy::default());
        assert_eq!((honest.reply_lane, honest.forward), (Lane::Block, false));
        let shadow = decide(&v, Some(&b), false, Mode::Shadow, &Policy::default());
        assert_eq!(
            shadow,
            Decision {
                reply_lane: Lane::Review,
                reply_reasons: vec![],
                forward: false,
                booking: false,
                shadowed: true
            }
        );
    }

    #[test]
    fn fail_closed_unavailability_is_never_shadowed() {
        let b = bot(Some(ReasonCode::INT01));
        let v = fold_bot(verdict(Lane::FastTrack, &[]), Some(&b), &Policy::default());
        let d = decide(&v, Some(&b), true, Mode::Shadow, &Policy::default());
        assert_eq!((d.reply_lane, d.shadowed), (Lane::Block, false));
        assert_eq!(d.reply_reasons, vec![ReasonCode::INT01]);
    }

    #[test]
    fn syntax_block_is_never_shadowed() {
        let b = bot(None);
        let v = fold_bot(
            verdict(Lane::Block, &[ReasonCode::SYN01]),
            Some(&b),
            &Policy::default(),
        );
        let d = decide(&v, Some(&b), false, Mode::Shadow, &Policy::default());
        assert_eq!(
            (d.reply_lane, d.shadowed, d.reply_reasons.clone()),
            (Lane::Block, false, vec![ReasonCode::SYN01])
        );
    }

    #[test]
    fn reply_serialises_codes_with_messages() {
        let d = decide(
            &verdict(Lane::Block, &[ReasonCode::SYN01]),
            None,
            false,
            Mode::Block,
            &Policy::default(),
        );
        let json = serde_json::to_value(Reply::new("01ABC".into(), &d, None)).unwrap();
        assert_eq!(json["lane"], "block");
        assert_eq!(json["reasons"][0]["code"], "SYN01");
        assert_eq!(
            json["reasons"][0]["message"],
            "Please enter a valid email address."
        );
        assert!(json.get("booking_url").is_none());
    }
}
