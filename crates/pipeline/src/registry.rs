//! Providers by name, each behind its own circuit breaker.
use crate::breaker::{Breaker, BreakerConfig, BreakerLayer, BreakerState};
use crate::provider::{ProviderMeta, ProviderService, SharedProvider};
use std::collections::BTreeMap;
use tower_layer::Layer;

/// A registered provider: its metadata and its breaker-wrapped service.
#[derive(Debug, Clone)]
pub struct Registered {
    /// Name, price, idempotency.
    pub meta: ProviderMeta,
    /// The service stack (breaker over the provider). Clones share breaker state.
    pub service: Breaker<ProviderService>,
}

/// The providers a server knows, by name.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    providers: BTreeMap<String, Registered>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Registers `provider` under its own name with a breaker built from `breaker`.
    /// A later registration under the same name replaces the earlier one.
    pub fn register(&mut self, provider: SharedProvider, breaker: BreakerConfig) {
        let meta = provider.meta().clone();
        let service = BreakerLayer::new(breaker).layer(ProviderService::new(provider));
        self.providers
            .insert(meta.name.clone(), Registered { meta, service });
    }

    /// Looks a provider up.
    pub fn get(&self, name: &str) -> Option<&Registered> {
        self.providers.get(name)
    }

    /// Names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.providers.keys().map(String::as_str)
    }

    /// Every breaker's state, for metrics.
    pub fn breaker_states(&self) -> Vec<(String, BreakerState)> {
        self.providers
            .iter()
            .map(|(n, r)| (n.clone(), r.service.state()))
            .collect()
    }
}
