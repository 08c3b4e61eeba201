//! Bot verification as data: request builders and pure response parsers for Turnstile,
//! reCAPTCHA v3 and reCAPTCHA Enterprise, each mapping the vendor's answer (every
//! documented error code) to a [`BotOutcome`] with Leadgate's reason codes.
//!
//! | verifier answer | outcome |
//! |---|---|
//! | success, hostname and action match, score ≥ threshold | passed |
//! | `missing-input-response`, `invalid-input-response`, `timeout-or-duplicate`, Enterprise `MALFORMED`/`EXPIRED`/`DUPE`/`MISSING`/`BROWSER_ERROR` | INT01 |
//! | score below the surface's threshold | INT05 |
//! | hostname or action mismatch | INT07 |
//! | `missing-input-secret`, `invalid-input-secret`, `bad-request`, `internal-error`, 5xx, 429, timeout, unreadable body | verifier unavailable → site fail mode |
//!
//! Fail open gives INT02 (Review); fail closed gives INT01 with error code
//! `verifier-unavailable` (Block).
use crate::config::FailMode;
use leadgate_checks::ReasonCode;
use leadgate_protocol::{BotDefense, BotOutcome};
use serde::Deserialize;

/// What the site expects of a token.
#[derive(Debug, Clone, Default)]
pub struct Expect<'a> {
    pub action: Option<&'a str>,
    pub hostnames: &'a [String],
    pub threshold: f32,
}

/// How a verification attempt ended, before the site's fail mode is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Verification {
    Passed {
        score: Option<f32>,
    },
    Rejected {
        reason: ReasonCode,
        score: Option<f32>,
        error_codes: Vec<String>,
    },
    /// Our secret/config is wrong, or the verifier is slow, down or said `internal-error`.
    Unavailable {
        error_codes: Vec<String>,
        retryable: bool,
    },
}

impl Verification {
    /// True when the verifier could not judge the token at all.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Verification::Unavailable { .. })
    }

    /// Applies the site's fail mode and records the result as data.
    pub fn outcome(self, defense: BotDefense, fail: FailMode) -> BotOutcome {
        let mut out = BotOutcome {
            defense,
            passed: false,
            score: None,
            reason: None,
            error_codes: vec![],
            failed_open: false,
        };
        match self {
            Verification::Passed { score } => {
                out.passed = true;
                out.score = score;
            }
            Verification::Rejected {
                reason,
                score,
                error_codes,
            } => {
                out.reason = Some(reason);
                out.score = score;
                out.error_codes = error_codes;
            }
            Verification::Unavailable {
                mut error_codes, ..
            } => {
                if error_codes.is_empty() {
                    error_codes.push("verifier-unavailable".to_owned());
                }
                out.error_codes = error_codes;
                match fail {
                    FailMode::Open => {
                        out.reason = Some(ReasonCode::INT02);
                        out.failed_open = true;
                    }
                    FailMode::Closed => out.reason = Some(ReasonCode::INT01),
                }
            }
        }
        out
    }
}

/// The verifier could not be asked (timeout, connection refused, 5xx, 429).
pub fn transport_failure(what: &str) -> Verification {
    Verification::Unavailable {
        error_codes: vec![what.to_owned()],
        retryable: true,
    }
}

/// Form body for Turnstile siteverify (`idempotency_key` makes a retry safe).
pub fn turnstile_form(
    secret: &str,
    token: &str,
    remoteip: Option<&str>,
    idempotency_key: &str,
) -> String {
    let mut pairs = vec![
        ("secret", secret),
        ("response", token),
        ("idempotency_key", idempotency_key),
    ];
    if let Some(ip) = remoteip {
        pairs.push(("remoteip", ip));
    }
    serde_urlencoded::to_string(pairs).expect("strings encode")
}

/// Form body for reCAPTCHA siteverify.
pub fn recaptcha_form(secret: &str, token: &str, remoteip: Option<&str>) -> String {
    let mut pairs = vec![("secret", secret), ("response", token)];
    if let Some(ip) = remoteip {
        pairs.push(("remoteip", ip));
    }
    serde_urlencoded::to_string(pairs).expect("strings encode")
}

/// JSON body and URL for a reCAPTCHA Enterprise CreateAssessment call.
#[allow(clippy::too_many_arguments)] // one per documented request field; a struct adds nothing
pub fn enterprise_request(
    base_url: &str,
    project_id: &str,
    api_key: &str,
    site_key: &str,
    token: &str,
    expected_action: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> (String, String) {
    let url = format!(
        "{}/v1/projects/{}/assessments?{}",
        base_url.trim_end_matches('/'),
        project_id,
        serde_urlencoded::to_string([("key", api_key)]).expect("strings encode")
    );
    let body = serde_json::json!({"event": {
        "token": token, "siteKey": site_key,
        "expectedAction": expected_action.unwrap_or(""),
        "userIpAddress": ip.unwrap_or(""), "userAgent": user_agent.unwrap_or(""),
    }});
    (url, body.to_string())
}

#[derive(Debug, Deserialize)]
struct SiteverifyBody {
    success: bool,
    #[serde(default)]
    score: Option<f32>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    hostname: Option<String>,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

fn unreadable() -> Verification {
    Verification::Unavailable {
        error_codes: vec!["unreadable-response".to_owned()],
        retryable: false,
    }
}

fn check_claims(
    expect: &Expect,
    action: Option<&str>,
    hostname: Option<&str>,
) -> Option<ReasonCode> {
    let action_ok = match (expect.action, action) {
        (Some(want), Some(got)) => want == got,
        // The vendors' always-pass test keys answer without an action.
        _ => true,
    };
    let host_ok = expect.hostnames.is_empty()
        || hostname.is_some_and(|h| {
            expect
                .hostnames
                .iter()
                .any(|want| want.eq_ignore_ascii_case(h))
        });
    (!action_ok || !host_ok).then_some(ReasonCode::INT07)
}

fn map_error_codes(codes: Vec<String>, score: Option<f32>) -> Verification {
    let ours = |c: &str| {
        matches!(
            c,
            "missing-input-secret" | "invalid-input-secret" | "bad-request"
        )
    };
    if codes.iter().any(|c| c == "internal-error") {
        return Verification::Unavailable {
            error_codes: codes,
            retryable: true,
        };
    }
    if !codes.is_empty() && codes.iter().all(|c| ours(c)) {
        return Verification::Unavailable {
            error_codes: codes,
            retryable: false,
        };
    }
    // missing-input-response, invalid-input-response, timeout-or-duplicate, unknown codes.
    Verification::Rejected {
        reason: ReasonCode::INT01,
        score,
        error_codes: codes,
    }
}

/// Parses a Turnstile siteverify answer (HTTP 200 body).
pub fn parse_turnstile(body: &[u8], expect: &Expect) -> Verification {
    let Ok(v) = serde_json::from_slice::<SiteverifyBody>(body) else {
        return unreadable();
    };
    if !v.success {
        return map_error_codes(v.error_codes, None);
    }
    match check_claims(expect, v.action.as_deref(), v.hostname.as_deref()) {
        Some(reason) => Verification::Rejected {
            reason,
            score: None,
            error_codes: vec![],
        },
        None => Verification::Passed { score: None },
    }
}

/// Parses a reCAPTCHA v3 siteverify answer (HTTP 200 body).
pub fn parse_recaptcha(body: &[u8], expect: &Expect) -> Verification {
    let Ok(v) = serde_json::from_slice::<SiteverifyBody>(body) else {
        return unreadable();
    };
    if !v.success {
        return map_error_codes(v.error_codes, v.score);
    }
    if let Some(reason) = check_claims(expect, v.action.as_deref(), v.hostname.as_deref()) {
        return Verification::Rejected {
            reason,
            score: v.score,
            error_codes: vec![],
        };
    }
    match v.score {
        // A v2 token (no score) on a v3 site is not what the site asked for.
        None => Verification::Rejected {
            reason: ReasonCode::INT01,
            score: None,
            error_codes: vec!["missing-score".to_owned()],
        },
        Some(s) if s < expect.threshold => Verification::Rejected {
            reason: ReasonCode::INT05,
            score: Some(s),
            error_codes: vec![],
        },
        Some(s) => Verification::Passed { score: Some(s) },
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Assessment {
    #[serde(default)]
    risk_analysis: Option<RiskAnalysis>,
    token_properties: TokenProperties,
}

#[derive(Debug, Deserialize)]
struct RiskAnalysis {
    #[serde(default)]
    score: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenProperties {
    valid: bool,
    #[serde(default)]
    invalid_reason: Option<String>,
    #[serde(default)]
    hostname: Option<String>,
    #[serde(default)]
    action: Option<String>,
}

/// Parses a reCAPTCHA Enterprise assessment answer for an HTTP status.
pub fn parse_enterprise(status: u16, body: &[u8], expect: &Expect) -> Verification {
    match status {
        200 => {}
        429 | 500..=599 => return transport_failure(&format!("http-{status}")),
        // 400 (bad request), 403 (API key or project): our configuration.
        _ => {
            return Verification::Unavailable {
                error_codes: vec![format!("http-{status}")],
                retryable: false,
            }
        }
    }
    let Ok(a) = serde_json::from_slice::<Assessment>(body) else {
        return unreadable();
    };
    let score = a.risk_analysis.and_then(|r| r.score);
    if !a.token_properties.valid {
        let why = a
            .token_properties
            .invalid_reason
            .unwrap_or_else(|| "UNKNOWN_INVALID_REASON".into());
        return Verification::Rejected {
            reason: ReasonCode::INT01,
            score,
            error_codes: vec![why],
        };
    }
    let props = &a.token_properties;
    if let Some(reason) = check_claims(expect, props.action.as_deref(), props.hostname.as_deref()) {
        return Verification::Rejected {
            reason,
            score,
            error_codes: vec![],
        };
    }
    match score {
        Some(s) if s >= expect.threshold => Verification::Passed { score: Some(s) },
        Some(s) => Verification::Rejected {
            reason: ReasonCode::INT05,
            score: Some(s),
            error_codes: vec![],
        },
        None => Verification::Rejected {
            reason: ReasonCode::INT01,
            score: None,
            error_codes: vec!["missing-score".to_owned()],
        },
    }
}

/// Compares two byte strings without an early exit (for bearer tokens).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Maps an HTTP status from a siteverify endpoint: only 200 carries an answer.
pub fn siteverify_status(status: u16) -> Option<Verification> {
    match status {
        200 => None,
        _ => Some(transport_failure(&format!("http-{status}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(hosts: &[String]) -> Expect<'_> {
        Expect {
            action: Some("lead"),
            hostnames: hosts,
            threshold: 0.5,
        }
    }

    #[test]
    fn turnstile_documented_success_and_every_error_code() {
        let hosts = vec!["example.com".to_owned()];
        let ok = br#"{"success":true,"challenge_ts":"2022-02-28T15:14:30.096Z","hostname":"example.com","error-codes":[],"action":"lead","cdata":"x"}"#;
        assert_eq!(
            parse_turnstile(ok, &expect(&hosts)),
            Verification::Passed { score: None }
        );
        // The always-pass test secret answers without an action.
        let test_key = br#"{"success":true,"hostname":"example.com","error-codes":[],"metadata":{"result_with_testing_key":true}}"#;
        assert_eq!(
            parse_turnstile(test_key, &expect(&hosts)),
            Verification::Passed { score: None }
        );

        let table = [
            ("missing-input-secret", None),
            ("invalid-input-secret", None),
            ("bad-request", None),
            ("internal-error", None),
            ("missing-input-response", Some(ReasonCode::INT01)),
            ("invalid-input-response", Some(ReasonCode::INT01)),
            ("timeout-or-duplicate", Some(ReasonCode::INT01)),
        ];
        for (code, reason) in table {
            let body = format!(r#"{{"success":false,"error-codes":["{code}"]}}"#);
            let got = parse_turnstile(body.as_bytes(), &expect(&hosts));
            match reason {
                Some(r) => assert_eq!(
                    got,
                    Verification::Rejected {
                        reason: r,
                        score: None,
                        error_codes: vec![code.into()]
                    },
                    "{code}"
                ),
                None => assert!(
                    matches!(got, Verification::Unavailable { .. }),
                    "{code}: {got:?}"
                ),
            }
        }
    }

    #[test]
    fn turnstile_hostname_and_action_mismatch_is_int07() {
        let hosts = vec!["acme.test".to_owned()];
        let other_host = br#"{"success":true,"hostname":"evil.test","action":"lead"}"#;
        let other_action = br#"{"success":true,"hostname":"acme.test","action":"login"}"#;
        for body in [&other_host[..], &other_action[..]] {
            assert!(matches!(
                parse_turnstile(body, &expect(&hosts)),
                Verification::Rejected {
                    reason: ReasonCode::INT07,
                    ..
                }
            ));
        }
    }

    #[test]
    fn recaptcha_score_threshold_action_and_v2_tokens() {
        let hosts = vec![];
        let good = br#"{"success":true,"score":0.9,"action":"lead","challenge_ts":"x","hostname":"example.com","error-codes":[]}"#;
        assert_eq!(
            parse_recaptcha(good, &expect(&hosts)),
            Verification::Passed { score: Some(0.9) }
        );
        let low = br#"{"success":true,"score":0.3,"action":"lead","hostname":"example.com"}"#;
        assert!(matches!(
            parse_recaptcha(low, &expect(&hosts)),
            Verification::Rejected { reason: ReasonCode::INT05, score: Some(s), .. } if (s - 0.3).abs() < 1e-6
        ));
        let strict = Expect {
            threshold: 0.95,
            ..expect(&hosts)
        };
        assert!(matches!(
            parse_recaptcha(good, &strict),
            Verification::Rejected {
                reason: ReasonCode::INT05,
                ..
            }
        ));
        let wrong_action =
            br#"{"success":true,"score":0.9,"action":"login","hostname":"example.com"}"#;
        assert!(matches!(
            parse_recaptcha(wrong_action, &expect(&hosts)),
            Verification::Rejected {
                reason: ReasonCode::INT07,
                ..
            }
        ));
        let v2 = br#"{"success":true,"hostname":"example.com"}"#;
        assert!(matches!(
            parse_recaptcha(v2, &expect(&hosts)),
            Verification::Rejected {
                reason: ReasonCode::INT01,
                ..
            }
        ));
        let dup = br#"{"success":false,"error-codes":["timeout-or-duplicate"]}"#;
        assert!(matches!(
            parse_recaptcha(dup, &expect(&hosts)),
            Verification::Rejected {
                reason: ReasonCode::INT01,
                ..
            }
        ));
        assert_eq!(parse_recaptcha(b"<html>", &expect(&hosts)), unreadable());
    }

    #[test]
    fn enterprise_assessments() {
        let hosts = vec!["recaptcha.example.com".to_owned()];
        let e = Expect {
            action: Some("homepage"),
            hostnames: &hosts,
            threshold: 0.5,
        };
        let ok = br#"{"name":"projects/P/assessments/1","riskAnalysis":{"score":0.9,"reasons":[]},
            "tokenProperties":{"valid":true,"invalidReason":"INVALID_REASON_UNSPECIFIED",
            "hostname":"recaptcha.example.com","action":"homepage","createTime":"2024-01-01T00:00:00Z"}}"#;
        assert_eq!(
            parse_enterprise(200, ok, &e),
            Verification::Passed { score: Some(0.9) }
        );
        for why in [
            "MALFORMED",
            "EXPIRED",
            "DUPE",
            "MISSING",
            "BROWSER_ERROR",
            "UNKNOWN_INVALID_REASON",
        ] {
            let body = format!(
                r#"{{"riskAnalysis":{{}},"tokenProperties":{{"valid":false,"invalidReason":"{why}"}}}}"#
            );
            assert_eq!(
                parse_enterprise(200, body.as_bytes(), &e),
                Verification::Rejected {
                    reason: ReasonCode::INT01,
                    score: None,
                    error_codes: vec![why.into()]
                }
            );
        }
        let low = br#"{"riskAnalysis":{"score":0.1,"reasons":["AUTOMATION"]},"tokenProperties":{"valid":true,"hostname":"recaptcha.example.com","action":"homepage"}}"#;
        assert!(matches!(
            parse_enterprise(200, low, &e),
            Verification::Rejected {
                reason: ReasonCode::INT05,
                ..
            }
        ));
        assert!(matches!(
            parse_enterprise(429, b"", &e),
            Verification::Unavailable {
                retryable: true,
                ..
            }
        ));
        assert!(matches!(
            parse_enterprise(403, b"", &e),
            Verification::Unavailable {
                retryable: false,
                ..
            }
        ));
        let (url, body) = enterprise_request(
            "http://127.0.0.1:8090/",
            "P",
            "k y",
            "site",
            "tok",
            Some("homepage"),
            None,
            None,
        );
        assert_eq!(
            url,
            "http://127.0.0.1:8090/v1/projects/P/assessments?key=k+y"
        );
        assert!(body.contains(r#""expectedAction":"homepage""#));
    }

    #[test]
    fn fail_modes() {
        let down = transport_failure("timeout");
        let open = down.clone().outcome(BotDefense::Turnstile, FailMode::Open);
        assert_eq!(
            (open.reason, open.failed_open, open.passed),
            (Some(ReasonCode::INT02), true, false)
        );
        let closed = down.outcome(BotDefense::Turnstile, FailMode::Closed);
        assert_eq!(
            (closed.reason, closed.failed_open),
            (Some(ReasonCode::INT01), false)
        );
        assert_eq!(closed.error_codes, vec!["timeout".to_owned()]);
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"Bearer abc", b"Bearer abc"));
        assert!(!constant_time_eq(b"Bearer abd", b"Bearer abc"));
        assert!(!constant_time_eq(b"Bearer ab", b"Bearer abc"));
    }

    #[test]
    fn request_bodies() {
        let f = turnstile_form("s&x", "tok", Some("1.2.3.4"), "uuid");
        assert_eq!(
            f,
            "secret=s%26x&response=tok&idempotency_key=uuid&remoteip=1.2.3.4"
        );
        assert_eq!(recaptcha_form("s", "t", None), "secret=s&response=t");
    }
}
