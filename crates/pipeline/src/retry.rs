//! Backoff with jitter from an injected random source, so tests are deterministic.
use crate::plan::RetryPolicy;
use crate::provider::ProviderError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A source of uniform numbers in `[0, 1)`.
pub trait JitterSource: Send + Sync + std::fmt::Debug {
    /// The next number.
    fn next_unit(&self) -> f64;
}

/// SplitMix64: small, seedable, good enough for jitter.
#[derive(Debug)]
pub struct SplitMix(AtomicU64);

impl SplitMix {
    /// A generator with this seed.
    pub fn new(seed: u64) -> Self {
        SplitMix(AtomicU64::new(seed))
    }
}

impl JitterSource for SplitMix {
    fn next_unit(&self) -> f64 {
        let mut z = self
            .0
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A fixed value, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter(pub f64);

impl JitterSource for FixedJitter {
    fn next_unit(&self) -> f64 {
        self.0
    }
}

/// Whether a failed attempt (0-based) may be retried.
pub fn should_retry(
    policy: &RetryPolicy,
    idempotent: bool,
    attempt: u32,
    err: &ProviderError,
) -> bool {
    idempotent && attempt < policy.max_retries.min(1) && err.is_transient()
}

/// How long to wait before the retry: `backoff * (1 + jitter * (2u - 1))`, or the
/// vendor's `Retry-After` when it is longer.
pub fn backoff(policy: &RetryPolicy, err: &ProviderError, rng: &dyn JitterSource) -> Duration {
    let base = policy.backoff_ms as f64;
    let spread = policy.jitter.clamp(0.0, 1.0) * (2.0 * rng.next_unit() - 1.0);
    let wait = Duration::from_millis((base * (1.0 + spread)).max(0.0) as u64);
    match err {
        ProviderError::RateLimited {
            retry_after: Some(after),
        } if *after > wait => *after,
        _ => wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_transient_and_once() {
        let p = RetryPolicy {
            max_retries: 3,
            backoff_ms: 100,
            jitter: 0.0,
        };
        assert!(should_retry(&p, true, 0, &ProviderError::Timeout));
        assert!(
            !should_retry(&p, true, 1, &ProviderError::Timeout),
            "never more than once"
        );
        assert!(!should_retry(&p, false, 0, &ProviderError::Timeout));
        assert!(!should_retry(&p, true, 0, &ProviderError::Unauthorized));
    }

    #[test]
    fn jitter_spreads_around_base_and_retry_after_wins() {
        let p = RetryPolicy {
            max_retries: 1,
            backoff_ms: 100,
            jitter: 0.5,
        };
        assert_eq!(
            backoff(&p, &ProviderError::Timeout, &FixedJitter(0.0)),
            Duration::from_millis(50)
        );
        assert_eq!(
            backoff(&p, &ProviderError::Timeout, &FixedJitter(0.5)),
            Duration::from_millis(100)
        );
        let rl = ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(backoff(&p, &rl, &FixedJitter(0.5)), Duration::from_secs(2));
        let rng = SplitMix::new(7);
        for _ in 0..100 {
            let u = rng.next_unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
