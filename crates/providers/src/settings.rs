//! [`ProviderSettings`]: one provider's configuration, as it appears under
//! `[providers.<name>]` in `leadgate.toml` (every key overridable by the backend's
//! `LEADGATE_PROVIDERS__<NAME>__<KEY>` environment variables).

use crate::secret::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One configured provider.
///
/// ```toml
/// [providers.dnc_litigator]
/// kind = "dncscrub_litigator"
/// base_url = "http://127.0.0.1:8090/dncscrub"   # omit for the vendor's production host
/// api_key = "sandbox"                            # or LEADGATE_PROVIDERS__DNC_LITIGATOR__API_KEY
/// timeout_ms = 2000
/// price_usd = 0.002
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Which client (see `docs/providers.md` for the list). The backend's `[[providers]]`
    /// sections carry it next to `name`, so it may be absent here.
    #[serde(default)]
    pub kind: String,
    /// Off switch (default on).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Base URL; defaults to the vendor's production host. Point at the sandbox with
    /// `http://127.0.0.1:8090/<prefix>`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A second base URL where a vendor uses two hosts (DNC.com full scrub,
    /// USPS OAuth); defaults like `base_url`.
    #[serde(default)]
    pub base_url_2: Option<String>,
    /// The key, license key, auth token, client secret or captcha secret.
    #[serde(default)]
    pub api_key: Secret,
    /// Name of an environment variable holding the key (used when `api_key` is empty),
    /// so secrets stay out of the file: `api_key_env = "LEADGATE_TRESTLE_KEY"`.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// The account id, Twilio Account SID, USPS client id or Google project id.
    #[serde(default)]
    pub account_id: Option<String>,
    /// Per-call HTTP timeout in milliseconds (the engine's budget may be shorter).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Price per call override (contracted prices differ from list prices).
    #[serde(default)]
    pub price_usd: Option<f64>,
    /// Vendor-specific options (see `docs/providers.md`).
    #[serde(default)]
    pub options: BTreeMap<String, serde_json::Value>,
}

fn yes() -> bool {
    true
}

/// Typed access to [`ProviderSettings::options`].
#[derive(Debug, Clone, Default)]
pub struct Options(pub BTreeMap<String, serde_json::Value>);

impl Options {
    /// A string option (numbers and bools are rendered).
    pub fn str(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// A bool option.
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.0.get(key).and_then(crate::util::value_bool)
    }

    /// A number option.
    pub fn f64(&self, key: &str) -> Option<f64> {
        self.0.get(key).and_then(crate::util::value_f64)
    }

    /// A list option (a TOML array, or a comma-separated string).
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        match self.0.get(key)? {
            serde_json::Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            serde_json::Value::String(s) => Some(
                s.split(',')
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect(),
            ),
            _ => None,
        }
    }
}
