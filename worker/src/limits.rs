//! Pure logic behind the Durable Objects: fixed-window rate limits and outbox backoff.
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One lead's hit on a site's Limiter. It travels as the query string of a bodiless
/// request and the answer as a status, so neither side of the Durable Object call reads
/// a body stream (that was most of the call's cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub ip: String,
    pub per_ip: u32,
    pub per_site: u32,
    pub window_ms: u64,
}

impl Hit {
    /// The query string (`ip=…&per_ip=…&per_site=…&window_ms=…`).
    pub fn to_query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// Parses [`Hit::to_query`]'s output; `None` for anything else.
    pub fn from_query(query: &str) -> Option<Hit> {
        serde_urlencoded::from_str(query).ok()
    }
}

/// Fixed-window counters keyed by string (e.g. `ip:203.0.113.9`, `site:acme`).
#[derive(Debug, Default)]
pub struct Windows {
    counts: HashMap<String, (u64, u32)>,
}

impl Windows {
    /// Counts one hit for `key` at `now_ms`; true while the count in the window that
    /// started with the key's first hit stays ≤ `limit`. A window opens at a key's first
    /// hit (not at a clock boundary), so a burst cannot straddle two windows.
    pub fn hit(&mut self, key: &str, now_ms: u64, limit: u32, window_ms: u64) -> bool {
        let entry = self.counts.entry(key.to_owned()).or_insert((now_ms, 0));
        if now_ms.saturating_sub(entry.0) >= window_ms {
            *entry = (now_ms, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= limit
    }

    /// Forgets windows that have ended (keeps memory bounded).
    pub fn prune(&mut self, now_ms: u64, window_ms: u64) {
        self.counts
            .retain(|_, (start, _)| now_ms.saturating_sub(*start) < window_ms);
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// Delay before outbox attempt number `attempts + 1`: `base · 2^attempts`, capped.
pub fn backoff_ms(attempts: u32, base_ms: u64, max_ms: u64) -> u64 {
    base_ms.saturating_mul(1u64 << attempts.min(32)).min(max_ms)
}

/// How the backend answered a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// 2xx: stored (or already stored: idempotent). Also 409: the backend saw this exact
    /// signed body before, so the lead is stored.
    Delivered,
    /// Timeout, network error, 408, 425, 429, 5xx: try again later.
    Retry,
    /// Any other 4xx: the request itself is wrong; keep the lead aside for a human.
    Rejected,
}

/// Classifies a backend status (`None` = no answer).
pub fn classify(status: Option<u16>) -> Delivery {
    match status {
        Some(200..=299 | 409) => Delivery::Delivered,
        None | Some(408 | 425 | 429) | Some(500..=599) => Delivery::Retry,
        Some(_) => Delivery::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window_counts_and_resets() {
        let mut w = Windows::default();
        assert!(w.hit("ip:a", 1_000, 2, 60_000));
        assert!(w.hit("ip:a", 2_000, 2, 60_000));
        assert!(!w.hit("ip:a", 3_000, 2, 60_000));
        assert!(w.hit("ip:b", 3_000, 2, 60_000), "keys are independent");
        assert!(
            !w.hit("ip:a", 60_999, 2, 60_000),
            "same window: opened at the first hit"
        );
        assert!(w.hit("ip:a", 61_000, 2, 60_000), "new window");
        w.prune(63_000, 60_000);
        assert_eq!(w.len(), 1, "ip:b's window (opened at 3 s) has ended");
    }

    #[test]
    fn hits_round_trip_through_a_query_string() {
        for ip in ["203.0.113.9", "2001:db8::1", "unknown", "a&b=c d"] {
            let hit = Hit {
                ip: ip.to_owned(),
                per_ip: 20,
                per_site: 600,
                window_ms: 60_000,
            };
            assert_eq!(Hit::from_query(&hit.to_query()), Some(hit));
        }
        assert_eq!(Hit::from_query("ip=1.2.3.4"), None);
        assert_eq!(
            Hit::from_query("ip=x&per_ip=-1&per_site=1&window_ms=1"),
            None
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(
            (0..6)
                .map(|a| backoff_ms(a, 1000, 10_000))
                .collect::<Vec<_>>(),
            vec![1000, 2000, 4000, 8000, 10_000, 10_000]
        );
        assert_eq!(backoff_ms(99, 1000, 300_000), 300_000);
    }

    #[test]
    fn statuses() {
        assert_eq!(classify(Some(200)), Delivery::Delivered);
        assert_eq!(classify(Some(202)), Delivery::Delivered);
        assert_eq!(classify(None), Delivery::Retry);
        assert_eq!(classify(Some(503)), Delivery::Retry);
        assert_eq!(classify(Some(429)), Delivery::Retry);
        assert_eq!(classify(Some(409)), Delivery::Delivered);
        assert_eq!(classify(Some(401)), Delivery::Rejected);
        assert_eq!(classify(Some(422)), Delivery::Rejected);
    }
}
