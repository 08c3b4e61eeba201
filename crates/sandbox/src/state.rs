//! Shared sandbox state: injected faults, call counts, received postbacks, spent tokens.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// A fault to inject.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// `timeout`, `429`, `500`, `502`, `503`, `malformed`, `empty`, `unexpected`, or none.
    #[serde(default)]
    pub fault: Option<String>,
    /// Extra latency before answering, in milliseconds.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Retry-After seconds sent with `429` (default 1).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// How many requests the fault applies to; None = until cleared.
    #[serde(default)]
    pub remaining: Option<u64>,
}

/// One request the partner postback receiver got.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Postback {
    /// HTTP method.
    pub method: String,
    /// Path (after `/partner`).
    pub path: String,
    /// Query parameters.
    pub query: BTreeMap<String, String>,
    /// Content type.
    pub content_type: Option<String>,
    /// Body: JSON when it parsed, else the text.
    pub body: serde_json::Value,
    /// Sequence number (1-based).
    pub seq: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub faults: BTreeMap<String, FaultSpec>,
    pub calls: BTreeMap<String, u64>,
    pub postbacks: Vec<Postback>,
    pub spent_tokens: HashSet<String>,
    pub usps_tokens: HashSet<String>,
    pub token_seq: u64,
}

/// The sandbox's state, shared by every handler.
#[derive(Debug, Clone, Default)]
pub struct SandboxState {
    inner: Arc<Mutex<Inner>>,
}

impl SandboxState {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking handler must not wedge the sandbox: recover the data.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many requests each provider prefix received.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.lock().calls.clone()
    }

    /// Everything the partner postback receiver got.
    pub fn postbacks(&self) -> Vec<Postback> {
        self.lock().postbacks.clone()
    }

    /// Sets (or with `None` clears) a provider's fault.
    pub fn set_fault(&self, provider: &str, spec: Option<FaultSpec>) {
        let mut inner = self.lock();
        match spec {
            Some(s) => inner.faults.insert(provider.to_owned(), s),
            None => inner.faults.remove(provider),
        };
    }

    /// Takes one use of the provider's admin fault, if any.
    pub(crate) fn take_fault(&self, provider: &str) -> Option<FaultSpec> {
        let mut inner = self.lock();
        let spec = inner.faults.get_mut(provider)?;
        let out = spec.clone();
        if let Some(n) = spec.remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                inner.faults.remove(provider);
            }
        }
        Some(out)
    }

    /// Marks a single-use token spent; false if it already was.
    pub(crate) fn spend(&self, token: &str) -> bool {
        self.lock().spent_tokens.insert(token.to_owned())
    }

    /// Clears faults, counts, postbacks and spent tokens.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}
