//! Provider-answer cache keyed by provider + a hash of the normalised request, with TTL.
use crate::provider::{ProviderAnswer, ProviderRequest};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// An in-memory TTL cache (bounded: expired entries are swept when it grows).
#[derive(Debug, Default)]
pub struct AnswerCache {
    entries: Mutex<HashMap<String, (Instant, ProviderAnswer)>>,
    max_entries: usize,
}

impl AnswerCache {
    /// A cache holding at most `max_entries` live answers.
    pub fn new(max_entries: usize) -> Self {
        AnswerCache {
            entries: Mutex::new(HashMap::new()),
            max_entries,
        }
    }

    /// The normalised key: provider name + SHA-256 of the fields a vendor sees
    /// (lead id and timeout excluded, so the same person hits the same entry).
    pub fn key(provider: &str, req: &ProviderRequest) -> String {
        let mut h = Sha256::new();
        let fields = [
            &req.phone_e164,
            &req.email,
            &req.first_name,
            &req.last_name,
            &req.street,
            &req.city,
            &req.state,
            &req.zip,
            &req.country,
            &req.ip,
            &req.user_agent,
            &req.trustedform_cert_url,
        ];
        for f in fields {
            h.update(f.as_deref().unwrap_or("").trim().to_lowercase().as_bytes());
            h.update([0u8]);
        }
        for (k, v) in &req.extra {
            h.update(k.as_bytes());
            h.update([1u8]);
            h.update(v.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!("{provider}:{hex}")
    }

    /// A live answer, if any.
    pub fn get(&self, key: &str) -> Option<ProviderAnswer> {
        let map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(exp, _)| Instant::now() < *exp)
            .map(|(_, a)| a.clone())
    }

    /// Stores an answer for `ttl`.
    pub fn put(&self, key: String, answer: ProviderAnswer, ttl: Duration) {
        let now = Instant::now();
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max_entries {
            map.retain(|_, (exp, _)| now < *exp);
            if map.len() >= self.max_entries {
                return;
            }
        }
        map.insert(key, (now + ttl, answer));
    }
}
