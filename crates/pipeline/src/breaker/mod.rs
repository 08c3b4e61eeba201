//! A circuit breaker shaped like a tower middleware: [`Breaker`] wraps any
//! `Service<ProviderRequest, Response = ProviderAnswer, Error = ProviderError>`,
//! refuses calls while open ([`ProviderError::CircuitOpen`], no call made, no cost),
//! and learns from each outcome. It trips on consecutive timeouts, on error rate
//! over a sliding window, and on spend over a ceiling; after `open_secs` it lets one
//! probe through at a time (half-open) and closes after `half_open_probes` successes.
//! Clones share state.
mod layer;
mod state;

pub use layer::BreakerLayer;
pub use state::{BreakerConfig, BreakerCore, BreakerState, TripCause};

use crate::provider::{BoxFuture, ProviderAnswer, ProviderError, ProviderRequest};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tower_service::Service;

/// The middleware.
#[derive(Debug, Clone)]
pub struct Breaker<S> {
    inner: S,
    core: Arc<Mutex<BreakerCore>>,
}

impl<S> Breaker<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, config: BreakerConfig) -> Self {
        Breaker {
            inner,
            core: Arc::new(Mutex::new(BreakerCore::new(config))),
        }
    }

    /// The current state.
    pub fn state(&self) -> BreakerState {
        self.lock().state()
    }

    /// Why it last tripped.
    pub fn last_cause(&self) -> Option<TripCause> {
        self.lock().last_cause()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BreakerCore> {
        // The core has no invariants a panic mid-update could break badly; recover.
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<S> Service<ProviderRequest> for Breaker<S>
where
    S: Service<ProviderRequest, Response = ProviderAnswer, Error = ProviderError>,
    S::Future: Send + 'static,
{
    type Response = ProviderAnswer;
    type Error = ProviderError;
    type Future = BoxFuture<'static, Result<ProviderAnswer, ProviderError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ProviderError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: ProviderRequest) -> Self::Future {
        let admitted = match self.lock().admit() {
            Ok(state) => state,
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        let fut = self.inner.call(req);
        let mut pending = Pending {
            core: Arc::clone(&self.core),
            admitted: Some(admitted),
        };
        Box::pin(async move {
            let result = fut.await;
            pending.record(result.as_ref().map(|a| a.cost_usd));
            result
        })
    }
}

/// An admitted call not yet recorded. Dropped unrecorded (the caller gave up on the
/// future), it frees a half-open probe slot so the breaker cannot wedge half-open.
struct Pending {
    core: Arc<Mutex<BreakerCore>>,
    admitted: Option<BreakerState>,
}

impl Pending {
    fn record(&mut self, outcome: Result<f64, &ProviderError>) {
        if let Some(admitted) = self.admitted.take() {
            let mut core = self.core.lock().unwrap_or_else(|e| e.into_inner());
            core.record(admitted, outcome);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(admitted) = self.admitted.take() {
            let mut core = self.core.lock().unwrap_or_else(|e| e.into_inner());
            core.abandon(admitted);
        }
    }
}
