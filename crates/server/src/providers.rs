//! Provider construction by `kind` from `[[providers]]` config sections.
//!
//! The `stub` kind (in-process stand-ins) is built in. Vendor clients register their
//! kinds with [`ProviderFactories::register`] (the binary wires them), so a campaign
//! refers to any provider by the `name` its section gives it.
use crate::config::ProviderSection;
use leadgate_checks::ReasonCode;
use leadgate_pipeline::stub::StubProvider;
use leadgate_pipeline::{ProviderError, SharedProvider, Signals};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Builds a provider from its config section.
pub type Factory = Box<dyn Fn(&ProviderSection) -> Result<SharedProvider, String> + Send + Sync>;

type SharedFactory = Arc<dyn Fn(&ProviderSection) -> Result<SharedProvider, String> + Send + Sync>;

/// Factories by kind (cheap to clone: the state keeps them to rebuild providers when
/// the admin API changes one).
#[derive(Clone)]
pub struct ProviderFactories {
    by_kind: BTreeMap<String, SharedFactory>,
}

impl std::fmt::Debug for ProviderFactories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_kind.keys()).finish()
    }
}

impl Default for ProviderFactories {
    fn default() -> Self {
        let mut f = ProviderFactories {
            by_kind: BTreeMap::new(),
        };
        f.register("stub", Box::new(build_stub));
        f
    }
}

impl ProviderFactories {
    /// Adds (or replaces) the factory for `kind`.
    pub fn register(&mut self, kind: &str, factory: Factory) {
        self.by_kind.insert(kind.into(), Arc::from(factory));
    }

    /// The kinds registered, sorted.
    pub fn kinds(&self) -> Vec<String> {
        self.by_kind.keys().cloned().collect()
    }

    /// Builds the provider a section describes.
    pub fn build(&self, section: &ProviderSection) -> Result<SharedProvider, String> {
        let factory = self.by_kind.get(&section.kind).ok_or_else(|| {
            format!(
                "provider {:?}: unknown kind {:?}",
                section.name, section.kind
            )
        })?;
        let provider = factory(section).map_err(|e| redact_in(e, section))?;
        if provider.meta().name != section.name {
            return Err(format!(
                "provider {:?}: built with name {:?}",
                section.name,
                provider.meta().name
            ));
        }
        Ok(provider)
    }
}

/// Every factory this build knows: `stub`, plus every vendor client kind of
/// `leadgate-providers` (`trestle_real_contact`, `ipqs_phone`, `dncscrub_litigator`, ...),
/// which parse the rest of their `[[providers]]` section themselves.
pub fn all_factories() -> ProviderFactories {
    let mut factories = ProviderFactories::default();
    let http = leadgate_providers::http::build_client(Duration::from_secs(2));
    for kind in leadgate_providers::provider::Kind::names() {
        let http = http.clone();
        factories.register(
            kind,
            Box::new(move |section: &ProviderSection| {
                leadgate_providers::registry::build_section(
                    &section.name,
                    &section.kind,
                    &section.settings,
                    &http,
                )
                .map(|p| p as SharedProvider)
                .map_err(|e| e.to_string())
            }),
        );
    }
    factories
}

/// `kind = "stub"` settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StubSettings {
    #[serde(default)]
    price_usd: f64,
    #[serde(default = "yes")]
    idempotent: bool,
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    latency_spread_ms: u64,
    #[serde(default)]
    signals: Signals,
    #[serde(default)]
    reasons: Vec<ReasonCode>,
    /// Always fail: `timeout`, `unavailable`, `rate_limited`, `malformed`.
    #[serde(default)]
    fail: Option<String>,
    /// Per email / E.164 phone answers.
    #[serde(default)]
    keys: BTreeMap<String, KeyedAnswer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyedAnswer {
    #[serde(default)]
    signals: Signals,
    #[serde(default)]
    reasons: Vec<ReasonCode>,
}

fn yes() -> bool {
    true
}

fn build_stub(section: &ProviderSection) -> Result<SharedProvider, String> {
    let s: StubSettings = toml::Value::Table(section.settings.clone())
        .try_into()
        .map_err(|e| format!("provider {:?}: {e}", section.name))?;
    let mut p = StubProvider::new(&section.name, s.price_usd)
        .answer_with(s.signals, s.reasons)
        .latency(
            Duration::from_millis(s.latency_ms),
            Duration::from_millis(s.latency_spread_ms),
        );
    if !s.idempotent {
        p = p.non_idempotent();
    }
    if let Some(fail) = s.fail {
        let err = match fail.as_str() {
            "timeout" => ProviderError::Timeout,
            "unavailable" => ProviderError::Unavailable("stub".into()),
            "rate_limited" => ProviderError::RateLimited { retry_after: None },
            "malformed" => ProviderError::Malformed("stub".into()),
            other => {
                return Err(format!(
                    "provider {:?}: unknown fail {other:?}",
                    section.name
                ))
            }
        };
        p = p.failing(err);
    }
    for (key, a) in s.keys {
        p = p.when_key(&key, a.signals, a.reasons);
    }
    Ok(Arc::new(p))
}

/// Setting names whose values are credentials: never shown, logged or echoed.
pub fn is_secret_setting(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "key",
        "secret",
        "token",
        "password",
        "auth",
        "sid",
        "credential",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A copy of `settings` with every credential value replaced by `"<redacted>"`.
pub fn redacted(settings: &toml::Table) -> toml::Table {
    settings
        .iter()
        .map(|(k, v)| {
            let v = match v {
                _ if is_secret_setting(k) => toml::Value::String("<redacted>".into()),
                toml::Value::Table(t) => toml::Value::Table(redacted(t)),
                other => other.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

/// Every credential value in `settings` (strings under secret-looking names).
fn secret_values(settings: &toml::Table, out: &mut Vec<String>) {
    for (k, v) in settings {
        match v {
            toml::Value::String(s) if is_secret_setting(k) => out.push(s.clone()),
            toml::Value::Table(t) => secret_values(t, out),
            _ => {}
        }
    }
}

/// `message` with every credential value of `section` cut out: a parse error may quote
/// the value it choked on ("invalid type: string \"sk_live...\"").
pub fn redact_in(message: String, section: &ProviderSection) -> String {
    let mut secrets = Vec::new();
    secret_values(&section.settings, &mut secrets);
    secrets
        .iter()
        .filter(|s| s.len() >= 4)
        .fold(message, |m, s| m.replace(s.as_str(), "<redacted>"))
}
