//! Bot verification I/O: asks the site's verifier and turns the answer into a
//! [`BotOutcome`] with the pure parsers in [`crate::verify`].
use super::net::{now_ms, now_s, post, uuid_v4};
use super::{claim_once, secret};
use crate::config::{BotConfig, EdgeSettings, SiteConfig};
use crate::verify::{self, Expect, Verification};
use leadgate_checks::ReasonCode;
use leadgate_protocol::{pow, BotDefense, BotOutcome};
use worker::Env;

const FORM: &str = "application/x-www-form-urlencoded";

fn rejected(reason: ReasonCode, code: &str) -> Verification {
    Verification::Rejected {
        reason,
        score: None,
        error_codes: vec![code.to_owned()],
    }
}

fn missing_secret(name: &str) -> Verification {
    worker::console_error!("secret {name} is not set");
    Verification::Unavailable {
        error_codes: vec!["missing-input-secret".to_owned()],
        retryable: false,
    }
}

/// A bot outcome and whether the verifier could judge the token at all.
pub struct Checked {
    pub outcome: BotOutcome,
    pub unavailable: bool,
}

/// Verifies `token` for `site`; `None` when the site has no bot defense. A form posted
/// without JavaScript (`no_js`) and without a token cannot have run any widget: it is
/// treated like an unavailable verifier (the site's fail mode decides), not as a bot.
#[allow(clippy::too_many_arguments)] // request facts, each used once
pub async fn check(
    env: &Env,
    settings: &EdgeSettings,
    site: &SiteConfig,
    token: Option<&str>,
    surface: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
    no_js: bool,
) -> Option<Checked> {
    let threshold = site.threshold(surface);
    if token.is_none() && no_js && site.bot != BotConfig::None {
        let defense = match site.bot {
            BotConfig::Pow { .. } => BotDefense::Pow,
            BotConfig::Turnstile { .. } => BotDefense::Turnstile,
            BotConfig::RecaptchaV3 { .. } => BotDefense::RecaptchaV3,
            _ => BotDefense::RecaptchaEnterprise,
        };
        let v = Verification::Unavailable {
            error_codes: vec!["no-javascript".to_owned()],
            retryable: false,
        };
        return Some(Checked {
            outcome: v.outcome(defense, site.fail),
            unavailable: true,
        });
    }
    let (defense, verification) = match &site.bot {
        BotConfig::None => return None,
        BotConfig::Pow { .. } => (BotDefense::Pow, check_pow(env, site, token).await),
        BotConfig::Turnstile {
            secret: name,
            action,
            hostnames,
            ..
        } => {
            let expect = Expect {
                action: action.as_deref(),
                hostnames,
                threshold,
            };
            let v = match (token, secret(env, name)) {
                (None, _) => rejected(ReasonCode::INT01, "missing-input-response"),
                (_, None) => missing_secret(name),
                (Some(token), Some(key)) => turnstile(settings, &key, token, ip, &expect).await,
            };
            (BotDefense::Turnstile, v)
        }
        BotConfig::RecaptchaV3 {
            secret: name,
            action,
            hostnames,
            ..
        } => {
            let expect = Expect {
                action: action.as_deref(),
                hostnames,
                threshold,
            };
            let v = match (token, secret(env, name)) {
                (None, _) => rejected(ReasonCode::INT01, "missing-input-response"),
                (_, None) => missing_secret(name),
                (Some(token), Some(key)) => {
                    let form = verify::recaptcha_form(&key, token, ip);
                    match post(
                        &settings.recaptcha_url,
                        &[("Content-Type", FORM.to_owned())],
                        form,
                        settings.verify_timeout_ms,
                    )
                    .await
                    {
                        Err(f) => verify::transport_failure(f.code()),
                        Ok((status, body)) => verify::siteverify_status(status)
                            .unwrap_or_else(|| verify::parse_recaptcha(&body, &expect)),
                    }
                }
            };
            (BotDefense::RecaptchaV3, v)
        }
        BotConfig::RecaptchaEnterprise {
            site_key,
            project_id,
            api_key,
            action,
            hostnames,
        } => {
            let expect = Expect {
                action: action.as_deref(),
                hostnames,
                threshold,
            };
            let v = match (token, secret(env, api_key)) {
                (None, _) => rejected(ReasonCode::INT01, "MISSING"),
                (_, None) => missing_secret(api_key),
                (Some(token), Some(key)) => {
                    let (url, body) = verify::enterprise_request(
                        &settings.recaptcha_enterprise_url,
                        project_id,
                        &key,
                        site_key,
                        token,
                        action.as_deref(),
                        ip,
                        user_agent,
                    );
                    match post(
                        &url,
                        &[("Content-Type", "application/json".to_owned())],
                        body,
                        settings.verify_timeout_ms,
                    )
                    .await
                    {
                        Err(f) => verify::transport_failure(f.code()),
                        Ok((status, body)) => verify::parse_enterprise(status, &body, &expect),
                    }
                }
            };
            (BotDefense::RecaptchaEnterprise, v)
        }
    };
    let unavailable = verification.is_unavailable();
    Some(Checked {
        outcome: verification.outcome(defense, site.fail),
        unavailable,
    })
}

/// Turnstile, retried once with the same `idempotency_key` on `internal-error`, a 5xx or a
/// network error (never after a timeout: the budget is spent).
async fn turnstile(
    settings: &EdgeSettings,
    key: &str,
    token: &str,
    ip: Option<&str>,
    expect: &Expect<'_>,
) -> Verification {
    let idempotency_key = uuid_v4();
    let mut last = verify::transport_failure("not-attempted");
    for _ in 0..2 {
        let form = verify::turnstile_form(key, token, ip, &idempotency_key);
        last = match post(
            &settings.turnstile_url,
            &[("Content-Type", FORM.to_owned())],
            form,
            settings.verify_timeout_ms,
        )
        .await
        {
            Err(f) => {
                let v = verify::transport_failure(f.code());
                if f == super::net::FetchFailure::Timeout {
                    return v;
                }
                v
            }
            Ok((status, body)) => verify::siteverify_status(status)
                .unwrap_or_else(|| verify::parse_turnstile(&body, expect)),
        };
        if !matches!(
            last,
            Verification::Unavailable {
                retryable: true,
                ..
            }
        ) {
            break;
        }
    }
    last
}

async fn check_pow(env: &Env, site: &SiteConfig, token: Option<&str>) -> Verification {
    let Some(token) = token else {
        return rejected(ReasonCode::INT03, "missing-token");
    };
    let Some(key) = secret(env, "LEADGATE_POW_KEY") else {
        return missing_secret("LEADGATE_POW_KEY");
    };
    let claims = match pow::verify(key.as_bytes(), token, now_s()) {
        Ok(c) => c,
        Err(e) => {
            let code = match e {
                pow::PowError::Malformed => "malformed",
                pow::PowError::Forged => "forged",
                pow::PowError::Expired => "expired",
                pow::PowError::InsufficientWork => "insufficient-work",
            };
            return rejected(ReasonCode::INT03, code);
        }
    };
    if claims.site != site.id {
        return rejected(ReasonCode::INT03, "wrong-site");
    }
    let forget_at = (claims.expires_at as u64 + 60) * 1000;
    match claim_once(
        env,
        &format!("pow:{}", claims.challenge),
        forget_at.max(now_ms()),
    )
    .await
    {
        Ok(true) => Verification::Passed { score: None },
        Ok(false) => rejected(ReasonCode::INT03, "replayed"),
        Err(_) => verify::transport_failure("gate-unavailable"),
    }
}
