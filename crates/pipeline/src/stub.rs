//! In-process stand-in providers: scripted answers, latency and faults, behind the
//! real [`Provider`] trait. Used by the engine's tests, the server's tests, the load
//! generator, and by a server configured with `kind = "stub"` providers.
use crate::provider::{
    BoxFuture, Provider, ProviderAnswer, ProviderError, ProviderMeta, ProviderRequest, Signals,
};
use leadgate_checks::ReasonCode;
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// A scripted provider.
#[derive(Debug)]
pub struct StubProvider {
    meta: ProviderMeta,
    default: Result<ProviderAnswer, ProviderError>,
    by_key: BTreeMap<String, ProviderAnswer>,
    script: Mutex<VecDeque<Result<ProviderAnswer, ProviderError>>>,
    latency: Duration,
    latency_spread: Duration,
    calls: AtomicU64,
}

impl StubProvider {
    /// An idempotent stub that answers empty signals at `price`.
    pub fn new(name: &str, price_usd: f64) -> Self {
        StubProvider {
            meta: ProviderMeta::new(name, price_usd, true),
            default: Ok(ProviderAnswer {
                cost_usd: price_usd,
                ..Default::default()
            }),
            by_key: BTreeMap::new(),
            script: Mutex::new(VecDeque::new()),
            latency: Duration::ZERO,
            latency_spread: Duration::ZERO,
            calls: AtomicU64::new(0),
        }
    }

    /// Marks it non-idempotent (never retried).
    pub fn non_idempotent(mut self) -> Self {
        self.meta.idempotent = false;
        self
    }

    /// The default answer's signals.
    pub fn answer(mut self, signals: Signals) -> Self {
        self.default = Ok(ProviderAnswer {
            signals,
            cost_usd: self.meta.price_usd,
            ..Default::default()
        });
        self
    }

    /// The default answer's signals and reasons.
    pub fn answer_with(mut self, signals: Signals, reasons: Vec<ReasonCode>) -> Self {
        self.default = Ok(ProviderAnswer {
            signals,
            reasons,
            cost_usd: self.meta.price_usd,
            raw: None,
        });
        self
    }

    /// Always fails with `err` (unless scripted otherwise).
    pub fn failing(mut self, err: ProviderError) -> Self {
        self.default = Err(err);
        self
    }

    /// Answers `signals` for a lead whose email or E.164 phone equals `key`.
    pub fn when_key(mut self, key: &str, signals: Signals, reasons: Vec<ReasonCode>) -> Self {
        self.by_key.insert(
            key.into(),
            ProviderAnswer {
                signals,
                reasons,
                cost_usd: self.meta.price_usd,
                raw: None,
            },
        );
        self
    }

    /// Queues one-off results used (in order) before falling back to the default.
    pub fn then(self, result: Result<ProviderAnswer, ProviderError>) -> Self {
        self.script
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(result);
        self
    }

    /// Fixed latency (plus a spread derived from the lead id, for load tests).
    pub fn latency(mut self, base: Duration, spread: Duration) -> Self {
        self.latency = base;
        self.latency_spread = spread;
        self
    }

    /// How many times it was called.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// A paid answer with these signals (for scripts).
    pub fn paid(&self, signals: Signals) -> Result<ProviderAnswer, ProviderError> {
        Ok(ProviderAnswer {
            signals,
            cost_usd: self.meta.price_usd,
            ..Default::default()
        })
    }
}

impl Provider for StubProvider {
    fn meta(&self) -> &ProviderMeta {
        &self.meta
    }

    fn call<'a>(
        &'a self,
        req: &'a ProviderRequest,
    ) -> BoxFuture<'a, Result<ProviderAnswer, ProviderError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::Relaxed);
            let mut wait = self.latency;
            if !self.latency_spread.is_zero() {
                let h = crate::engine::bucket(&req.lead_id, &self.meta.name);
                wait += self.latency_spread.mul_f64(f64::from(h) / 100.0);
            }
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let scripted = self
                .script
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop_front();
            if let Some(result) = scripted {
                return result;
            }
            let keyed = [req.email.as_deref(), req.phone_e164.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|k| self.by_key.get(k));
            match keyed {
                Some(answer) => Ok(answer.clone()),
                None => self.default.clone(),
            }
        })
    }
}
