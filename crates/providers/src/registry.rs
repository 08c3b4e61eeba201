//! Building providers from configuration: [`build_provider`], [`build_section`] (a
//! backend `[[providers]]` section) and [`build_all`], with errors that name the key at
//! fault and never its value.

use crate::provider::{Ctx, Kind, VendorProvider};
use crate::secret::Secret;
use crate::settings::{Options, ProviderSettings};
use crate::{mx, trestle};
use leadgate_pipeline::provider::ProviderMeta;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// A configuration mistake, naming the key at fault (never its value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("providers.{provider}.{key}: {problem}")]
pub struct ConfigError {
    /// The provider's config name.
    pub provider: String,
    /// The key at fault.
    pub key: &'static str,
    /// What is wrong.
    pub problem: String,
}

/// Builds one provider from its settings.
pub fn build_provider(
    name: &str,
    s: &ProviderSettings,
    http: &reqwest::Client,
) -> Result<Arc<VendorProvider>, ConfigError> {
    let err = |key: &'static str, problem: String| ConfigError {
        provider: name.to_owned(),
        key,
        problem,
    };
    let kind = Kind::from_name(&s.kind).ok_or_else(|| {
        let known: Vec<&str> = Kind::ALL.iter().map(|(_, n)| *n).collect();
        err(
            "kind",
            format!("unknown kind {:?} (known: {})", s.kind, known.join(", ")),
        )
    })?;
    let parse_url = |key: &'static str, v: Option<&String>| -> Result<Url, ConfigError> {
        let raw = v.map(String::as_str).unwrap_or(kind.default_base());
        let url = Url::parse(raw).map_err(|e| err(key, format!("not a URL: {e}")))?;
        if kind != Kind::Mx && !matches!(url.scheme(), "http" | "https") {
            return Err(err(key, "must be http or https".into()));
        }
        Ok(url)
    };
    let base = parse_url("base_url", s.base_url.as_ref())?;
    let base2 = match (&s.base_url_2, kind) {
        (Some(_), _) => parse_url("base_url_2", s.base_url_2.as_ref())?,
        (None, _) => base.clone(),
    };
    let mut key = s.api_key.clone();
    if key.is_empty() {
        if let Some(var) = &s.api_key_env {
            key = Secret::new(std::env::var(var).map_err(|_| {
                err(
                    "api_key_env",
                    format!("environment variable {var} is not set"),
                )
            })?);
        }
    }
    if kind.needs_key() && key.is_empty() {
        return Err(err(
            "api_key",
            "missing (set it in the file or the environment)".into(),
        ));
    }
    if kind.needs_account() && s.account_id.as_deref().is_none_or(str::is_empty) {
        return Err(err(
            "account_id",
            "missing (account id, Account SID, OAuth client id or Google project)".into(),
        ));
    }
    let options = Options(s.options.clone());
    let price = s.price_usd.unwrap_or_else(|| match kind {
        // List price plus each add-on, so cost caps see the real price before the call.
        Kind::TrestleRealContact => {
            let n = options.list("add_ons").map_or(0, |a| a.len());
            trestle::REAL_CONTACT_PRICE_USD + trestle::ADD_ON_PRICE_USD * n as f64
        }
        _ => kind.default_price(),
    });
    if !(0.0..=100.0).contains(&price) || price.is_nan() {
        return Err(err("price_usd", "must be between 0 and 100".into()));
    }
    let timeout = s
        .timeout_ms
        .map(Duration::from_millis)
        .unwrap_or(kind.default_timeout());
    if timeout.is_zero() {
        return Err(err("timeout_ms", "must be positive".into()));
    }
    if kind == Kind::Purecallerid && options.str("workflow_id").is_none() {
        return Err(err(
            "options",
            "purecallerid needs options.workflow_id".into(),
        ));
    }
    let resolver = if kind == Kind::Mx {
        let ns = match options.str("nameserver") {
            Some(ns) => Some(
                ns.parse::<std::net::SocketAddr>()
                    .map_err(|_| err("options", format!("nameserver {ns:?} is not host:port")))?,
            ),
            None => None,
        };
        Some(Arc::new(
            mx::resolver(ns, timeout).map_err(|e| err("options", e.to_string()))?,
        ))
    } else {
        None
    };
    let meta = ProviderMeta::new(name, price, kind.idempotent(&options));
    let ctx = Ctx {
        http: http.clone(),
        base,
        base2,
        key,
        account_id: s.account_id.clone(),
        timeout,
        price_usd: price,
        options,
        token: Arc::default(),
        resolver,
    };
    Ok(Arc::new(VendorProvider { meta, kind, ctx }))
}

/// Builds a provider from a backend `[[providers]]` section: its `name`, its `kind`, and
/// the rest of the section (any serialisable table, e.g. a `toml::Table`). Unknown keys
/// are refused with their name.
pub fn build_section<T: serde::Serialize>(
    name: &str,
    kind: &str,
    rest: &T,
    http: &reqwest::Client,
) -> Result<Arc<VendorProvider>, ConfigError> {
    let err = |problem: String| ConfigError {
        provider: name.to_owned(),
        key: "settings",
        problem,
    };
    let value = serde_json::to_value(rest).map_err(|e| err(e.to_string()))?;
    // The path of the offending key (`timeout_ms`, `options.version`) leads the message.
    let mut settings: ProviderSettings = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        err(if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        })
    })?;
    settings.kind = kind.to_owned();
    build_provider(name, &settings, http)
}

/// Builds every enabled provider; the first mistake is reported with its key.
pub fn build_all(
    settings: &BTreeMap<String, ProviderSettings>,
) -> Result<BTreeMap<String, Arc<VendorProvider>>, ConfigError> {
    let http = crate::http::build_client(Duration::from_secs(2));
    let mut out = BTreeMap::new();
    for (name, s) in settings.iter().filter(|(_, s)| s.enabled) {
        out.insert(name.clone(), build_provider(name, s, &http)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadgate_pipeline::provider::Provider;

    fn settings(kind: &str) -> ProviderSettings {
        let options = serde_json::from_value(
            serde_json::json!({ "workflow_id": "w1", "nameserver": "127.0.0.1:53" }),
        )
        .expect("options");
        ProviderSettings {
            kind: kind.into(),
            enabled: true,
            api_key: Secret::new("topsecret"),
            account_id: Some("acct".into()),
            options,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn registry_builds_every_kind_and_hides_keys() {
        let http = reqwest::Client::new();
        for (_, name) in Kind::ALL {
            let p = build_provider("p", &settings(name), &http).expect("builds");
            assert!(!format!("{p:?}").contains("topsecret"));
            assert_eq!(p.kind().name(), *name);
        }
    }

    #[test]
    fn config_errors_name_the_key() {
        let http = reqwest::Client::new();
        let e = build_provider("x", &settings("nope"), &http).unwrap_err();
        assert_eq!(e.key, "kind");
        let mut s = settings("ipqs_phone");
        s.api_key = Secret::default();
        let e = build_provider("fraud", &s, &http).unwrap_err();
        assert_eq!(
            e.to_string(),
            "providers.fraud.api_key: missing (set it in the file or the environment)"
        );
        let mut s = settings("ipqs_phone");
        s.base_url = Some("ftp://x".into());
        assert_eq!(build_provider("x", &s, &http).unwrap_err().key, "base_url");
    }

    #[test]
    fn sections_are_built_and_unknown_keys_named() {
        let http = reqwest::Client::new();
        let rest = serde_json::json!({ "base_url": "http://127.0.0.1:8090/ipqs", "api_key": "k", "options": { "strictness": 2 } });
        let p = build_section("fraud", "ipqs_phone", &rest, &http).expect("builds");
        assert_eq!(p.meta().name, "fraud");
        let typo = serde_json::json!({ "api_kye": "k" });
        let e = build_section("fraud", "ipqs_phone", &typo, &http).unwrap_err();
        assert!(e.to_string().contains("api_kye"), "{e}");
        assert!(!e.to_string().contains("\"k\""));
        let env = serde_json::json!({ "api_key_env": "LEADGATE_TEST_SURELY_UNSET_VAR" });
        assert_eq!(
            build_section("fraud", "ipqs_phone", &env, &http)
                .unwrap_err()
                .key,
            "api_key_env"
        );
        // A wrongly typed value: the message leads with the path of its key.
        let wrong = serde_json::json!({ "api_key": "k", "timeout_ms": "soon" });
        let e = build_section("fraud", "ipqs_phone", &wrong, &http).unwrap_err();
        assert!(e.problem.starts_with("timeout_ms: "), "{e}");
    }
}
