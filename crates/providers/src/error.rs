//! [`CallError`]: how a vendor call fails.
//!
//! Every vendor fails the same few ways at the HTTP layer (bad key, out of credit, rate
//! limited, slow, down, garbage), so the vendor modules share this one enum and put their
//! own codes in the variants' fields (`Rejected { code }`, `Vendor { message }`) instead of
//! thirteen near-identical enums. The retry policy and the circuit breaker ask
//! [`CallError::is_transient`]. No variant ever carries a credential or a URL.

use std::time::Duration;

/// A failed vendor call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The credentials were missing, wrong, expired or not allowed for this API.
    #[error("{provider}: credentials rejected (HTTP {status})")]
    Unauthorized {
        /// Provider name.
        provider: &'static str,
        /// HTTP status (200 when the vendor reports it in the body).
        status: u16,
    },
    /// The account is out of credit or its quota is used up.
    #[error("{provider}: account out of credit or quota exhausted")]
    QuotaExhausted {
        /// Provider name.
        provider: &'static str,
    },
    /// HTTP 429; `retry_after` is the vendor's Retry-After when it sent one.
    #[error("{provider}: rate limited (retry after {retry_after:?})")]
    RateLimited {
        /// Provider name.
        provider: &'static str,
        /// The vendor's Retry-After header, if any.
        retry_after: Option<Duration>,
    },
    /// No answer within the configured timeout.
    #[error("{provider}: no answer within {after:?}")]
    Timeout {
        /// Provider name.
        provider: &'static str,
        /// The timeout that expired.
        after: Duration,
    },
    /// Could not connect or the connection broke.
    #[error("{provider}: connection failed: {detail}")]
    Connect {
        /// Provider name.
        provider: &'static str,
        /// What failed (never a URL).
        detail: String,
    },
    /// HTTP 5xx.
    #[error("{provider}: server error (HTTP {status})")]
    Server {
        /// Provider name.
        provider: &'static str,
        /// HTTP status.
        status: u16,
    },
    /// A 4xx the vendor explained (bad input, unknown certificate, ...); not worth retrying.
    #[error("{provider}: request rejected (HTTP {status}): {code}")]
    Rejected {
        /// Provider name.
        provider: &'static str,
        /// HTTP status.
        status: u16,
        /// The vendor's error code or message, shortened.
        code: String,
    },
    /// The body was not what the vendor documents (bad JSON, missing required field).
    #[error("{provider}: malformed response: {detail}")]
    Malformed {
        /// Provider name.
        provider: &'static str,
        /// The parse error.
        detail: String,
    },
    /// The vendor answered 200 but reported a failure in the body.
    #[error("{provider}: vendor error: {message}")]
    Vendor {
        /// Provider name.
        provider: &'static str,
        /// The vendor's message, shortened.
        message: String,
        /// Whether the vendor says a retry may succeed.
        transient: bool,
    },
    /// The lead lacks the field this provider needs; nothing was sent (and nothing paid).
    #[error("{provider}: lead has no {field}")]
    MissingInput {
        /// Provider name.
        provider: &'static str,
        /// The missing field.
        field: &'static str,
    },
}

impl CallError {
    /// True when the same call may succeed if retried later (rate limit, timeout,
    /// connection failure, 5xx, a vendor error marked retryable). The retry policy and the
    /// circuit breaker both ask this.
    pub fn is_transient(&self) -> bool {
        match self {
            CallError::RateLimited { .. }
            | CallError::Timeout { .. }
            | CallError::Connect { .. }
            | CallError::Server { .. } => true,
            CallError::Vendor { transient, .. } => *transient,
            CallError::Unauthorized { .. }
            | CallError::QuotaExhausted { .. }
            | CallError::Rejected { .. }
            | CallError::Malformed { .. }
            | CallError::MissingInput { .. } => false,
        }
    }

    /// The vendor's Retry-After, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            CallError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The provider that failed.
    pub fn provider(&self) -> &'static str {
        match self {
            CallError::Unauthorized { provider, .. }
            | CallError::QuotaExhausted { provider }
            | CallError::RateLimited { provider, .. }
            | CallError::Timeout { provider, .. }
            | CallError::Connect { provider, .. }
            | CallError::Server { provider, .. }
            | CallError::Rejected { provider, .. }
            | CallError::Malformed { provider, .. }
            | CallError::Vendor { provider, .. }
            | CallError::MissingInput { provider, .. } => provider,
        }
    }

    /// True when the vendor was reached and may have billed the call.
    pub fn may_have_billed(&self) -> bool {
        matches!(self, CallError::Malformed { .. } | CallError::Vendor { .. })
    }

    /// A short stable kind label for metrics and stored call records.
    pub fn kind(&self) -> &'static str {
        match self {
            CallError::Unauthorized { .. } => "unauthorized",
            CallError::QuotaExhausted { .. } => "quota_exhausted",
            CallError::RateLimited { .. } => "rate_limited",
            CallError::Timeout { .. } => "timeout",
            CallError::Connect { .. } => "connect",
            CallError::Server { .. } => "server_error",
            CallError::Rejected { .. } => "rejected",
            CallError::Malformed { .. } => "malformed",
            CallError::Vendor { .. } => "vendor_error",
            CallError::MissingInput { .. } => "missing_input",
        }
    }
}

/// Shortens vendor text for an error message (bodies can be large or hostile).
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 160;
    let t = text.trim();
    if t.chars().count() <= MAX {
        t.to_owned()
    } else {
        let mut s: String = t.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_kinds_are_exactly_the_retryable_ones() {
        let p = "x";
        assert!(CallError::RateLimited {
            provider: p,
            retry_after: None
        }
        .is_transient());
        assert!(CallError::Timeout {
            provider: p,
            after: Duration::from_secs(1)
        }
        .is_transient());
        assert!(CallError::Server {
            provider: p,
            status: 503
        }
        .is_transient());
        assert!(!CallError::Unauthorized {
            provider: p,
            status: 401
        }
        .is_transient());
        assert!(!CallError::QuotaExhausted { provider: p }.is_transient());
        assert!(!CallError::Malformed {
            provider: p,
            detail: String::new()
        }
        .is_transient());
        assert!(CallError::Vendor {
            provider: p,
            message: String::new(),
            transient: true
        }
        .is_transient());
    }

    #[test]
    fn shorten_caps_long_vendor_text() {
        let long = "x".repeat(1000);
        assert_eq!(shorten(&long).chars().count(), 161);
        assert_eq!(shorten("  ok "), "ok");
    }
}
