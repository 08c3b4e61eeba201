//! `BreakerLayer`: wraps a provider service in a [`Breaker`].
use super::{Breaker, BreakerConfig};
use tower_layer::Layer;

/// Builds [`Breaker`]s with one config. Each `layer` call makes a breaker with its
/// own state: use one per provider.
#[derive(Debug, Clone)]
pub struct BreakerLayer {
    config: BreakerConfig,
}

impl BreakerLayer {
    /// A layer with this config.
    pub fn new(config: BreakerConfig) -> Self {
        BreakerLayer { config }
    }
}

impl<S> Layer<S> for BreakerLayer {
    type Service = Breaker<S>;
    fn layer(&self, inner: S) -> Breaker<S> {
        Breaker::new(inner, self.config.clone())
    }
}
