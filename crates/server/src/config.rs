//! The backend's configuration: one TOML file, every key overridable by environment.
//!
//! An environment variable `LEADGATE_<SECTION>__<KEY>` (double underscore between
//! levels, numeric segments index arrays) replaces the value at that path, e.g.
//! `LEADGATE_SERVER__LISTEN=0.0.0.0:8080`, `LEADGATE_EDGE_KEYS__0__SECRET=...`,
//! `LEADGATE_CAMPAIGNS__1__COST_CAP_USD=0.05`. Values are parsed as TOML scalars
//! (numbers, booleans) and fall back to strings. `DATABASE_URL` sets
//! `database.url`. Names without a `__` (`LEADGATE_LOG`, `LEADGATE_CONFIG`) are not
//! overrides. See `docs/backend.md` for every key.
use leadgate_checks::Policy;
use leadgate_pipeline::plan::{Budgets, DedupPolicy, Integration};
use leadgate_pipeline::{BreakerConfig, CampaignPlan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The TOML (after overrides) is not a valid config.
    #[error("config: {0}")]
    Parse(String),
    /// The config is well-formed but inconsistent.
    #[error("config: {0}")]
    Invalid(String),
}

/// The whole config.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[server]`.
    pub server: ServerConfig,
    /// `[database]`.
    pub database: DatabaseConfig,
    /// `[queue]`.
    pub queue: QueueConfig,
    /// `[postbacks]`.
    pub postbacks: PostbackConfig,
    /// `[retention]`.
    pub retention: RetentionConfig,
    /// `[policy]`: the checks policy (the same format as the edge and the CLI).
    pub policy: Policy,
    /// `[breaker]`: default circuit-breaker settings for every provider.
    pub breaker: BreakerConfig,
    /// `[[edge_keys]]`: HMAC keys the edge signs with (several = rotation).
    pub edge_keys: Vec<EdgeKey>,
    /// `[[partners]]`.
    pub partners: Vec<PartnerConfig>,
    /// `[[campaigns]]`.
    pub campaigns: Vec<CampaignConfig>,
    /// `[[providers]]`: provider instances by name (`kind` picks the implementation).
    pub providers: Vec<ProviderSection>,
    /// `[admin]`: the admin API (providers and campaigns at run time).
    pub admin: AdminConfig,
}

/// `[admin]`. The admin API (`/v1/admin/...`) is off unless a token hash is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    /// Hex SHA-256 of the admin token (`leadgate hash-key <token>` prints it; set it
    /// by env in production: `LEADGATE_ADMIN__TOKEN_SHA256`). Requests send the token
    /// itself as `Authorization: Bearer <token>`.
    pub token_sha256: Option<String>,
}

/// `[server]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Listen address.
    pub listen: String,
    /// Directory for the SQLite file (and nothing else).
    pub data_dir: PathBuf,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// Maximum request body in bytes.
    pub max_body_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            log_format: "text".into(),
            max_body_bytes: 64 * 1024,
        }
    }
}

/// `[database]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `postgres://...` or `sqlite://...`; empty = `sqlite://<data_dir>/leadgate.db`.
    /// `DATABASE_URL` sets it too.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// PostgreSQL only: keep the tables in this schema (created if missing).
    pub schema: Option<String>,
    /// SQLite only: `normal` (an acknowledged lead survives a process crash) or `full`
    /// (it also survives power loss; each group commit waits for an fsync).
    pub sqlite_synchronous: crate::store::SqliteSync,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: String::new(),
            max_connections: 8,
            schema: None,
            sqlite_synchronous: crate::store::SqliteSync::default(),
        }
    }
}

/// `[queue]`: the database-backed job queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueConfig {
    /// Leads processed at once by this instance (most of it is waiting on providers).
    pub concurrency: usize,
    /// Jobs claimed per round trip.
    pub batch: u32,
    /// A claimed job not finished in this time is claimed again (crash recovery).
    pub lease_secs: u64,
    /// Poll interval when idle (new local leads wake the worker immediately).
    pub poll_ms: u64,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig {
            concurrency: 512,
            batch: 64,
            lease_secs: 120,
            poll_ms: 250,
        }
    }
}

/// `[postbacks]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostbackConfig {
    /// Allow private, loopback and link-local targets (tests and the local demo only).
    pub allow_private_targets: bool,
    /// Attempts before a postback is marked failed.
    pub max_attempts: u32,
    /// Per-request timeout.
    pub timeout_ms: u64,
    /// First retry delay; doubles per attempt.
    pub retry_base_ms: u64,
    /// Poll interval of the outbox worker.
    pub poll_ms: u64,
}

impl Default for PostbackConfig {
    fn default() -> Self {
        PostbackConfig {
            allow_private_targets: false,
            max_attempts: 8,
            timeout_ms: 5_000,
            retry_base_ms: 1_000,
            poll_ms: 250,
        }
    }
}

/// `[retention]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// How often the purge job runs.
    pub purge_interval_secs: u64,
    /// Default PII retention for campaigns that do not set one.
    pub default_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            purge_interval_secs: 3600,
            default_days: 90,
        }
    }
}

/// `[[edge_keys]]`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeKey {
    /// Key id (`X-Leadgate-Key-Id`).
    pub id: String,
    /// The shared secret (set it by env in production: `LEADGATE_EDGE_KEYS__0__SECRET`).
    pub secret: String,
}

impl std::fmt::Debug for EdgeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// `[[partners]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerConfig {
    /// Partner id.
    pub id: String,
    /// Hex SHA-256 of the partner's API key (the key itself is never stored).
    pub api_key_sha256: String,
    /// Postback URL template: `{lead_id}`, `{status}`, `{reason}`, `{sub1}`, `{score}`, `{campaign}`.
    #[serde(default)]
    pub postback_url: Option<String>,
    /// Campaigns this partner may submit to (empty = any).
    #[serde(default)]
    pub campaigns: Vec<String>,
    /// Edge sites whose leads belong to this partner: leads the edge forwards from these
    /// sites get this partner's postbacks, status endpoint and reconciliation CSV.
    #[serde(default)]
    pub sites: Vec<String>,
}

/// `[[campaigns]]`: a pipeline plan plus storage settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignConfig {
    /// Campaign id (the edge's site config names it).
    pub id: String,
    /// Config version; bump it whenever anything below changes.
    pub version: String,
    /// PII retention in days (default `retention.default_days`).
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Per-lead cost cap in dollars.
    #[serde(default)]
    pub cost_cap_usd: Option<f64>,
    /// Per-layer time budgets.
    #[serde(default)]
    pub budgets: Budgets,
    /// Dedup settings.
    #[serde(default)]
    pub dedup: DedupPolicy,
    /// The sequence.
    #[serde(default)]
    pub integrations: Vec<Integration>,
}

impl CampaignConfig {
    /// The engine's plan.
    pub fn plan(&self) -> CampaignPlan {
        CampaignPlan {
            id: self.id.clone(),
            version: self.version.clone(),
            cost_cap_usd: self.cost_cap_usd,
            budgets: self.budgets.clone(),
            dedup: self.dedup.clone(),
            integrations: self.integrations.clone(),
        }
    }
}

/// `[[providers]]`: `name` and `kind` plus kind-specific keys (kept as a table so
/// each implementation parses its own section).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderSection {
    /// The name campaigns use.
    pub name: String,
    /// The implementation (`stub`, or a vendor client's kind).
    pub kind: String,
    /// Breaker overrides for this provider.
    #[serde(default)]
    pub breaker: Option<BreakerConfig>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: toml::Table,
}

impl Config {
    /// Reads `path`, applies environment overrides from `env`, validates.
    pub fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        Config::from_toml(&text, env)
    }

    /// Parses TOML text, applies environment overrides, validates.
    pub fn from_toml(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut value: toml::Value = toml::from_str::<toml::Table>(text)
            .map(toml::Value::Table)
            .map_err(|e| ConfigError::Parse(e.to_string()))?;
        for (key, raw) in env {
            let path: Vec<String> = if key == "DATABASE_URL" {
                vec!["database".into(), "url".into()]
            } else if let Some(rest) = key.strip_prefix("LEADGATE_").filter(|r| r.contains("__")) {
                // Only `SECTION__KEY` names are overrides, so LEADGATE_LOG, LEADGATE_CONFIG
                // and the edge's single-level variables never collide with the config.
                rest.split("__").map(str::to_lowercase).collect()
            } else {
                continue;
            };
            set_path(&mut value, &path, scalar(&raw))
                .map_err(|e| ConfigError::Parse(format!("{key}: {e}")))?;
        }
        let config: Config = value
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Parse(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        for k in &self.edge_keys {
            if k.secret.len() < 16 {
                return bad(format!("edge key {:?}: secret shorter than 16 bytes", k.id));
            }
        }
        if let Some(h) = &self.admin.token_sha256 {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return bad("admin.token_sha256 must be 64 hex digits".into());
            }
        }
        for p in &self.partners {
            if p.api_key_sha256.len() != 64
                || !p.api_key_sha256.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return bad(format!(
                    "partner {:?}: api_key_sha256 must be 64 hex digits",
                    p.id
                ));
            }
        }
        if let Some(schema) = &self.database.schema {
            if schema.is_empty()
                || !schema
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return bad("database.schema must be [A-Za-z0-9_]+".into());
            }
        }
        let mut sites = std::collections::BTreeSet::new();
        for site in self.partners.iter().flat_map(|p| &p.sites) {
            if !sites.insert(site) {
                return bad(format!("site {site:?} belongs to two partners"));
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        for c in &self.campaigns {
            if !ids.insert(&c.id) {
                return bad(format!("campaign {:?} defined twice", c.id));
            }
        }
        Ok(())
    }

    /// The database URL to use.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!(
                "sqlite://{}/leadgate.db?mode=rwc",
                self.server.data_dir.display()
            )
        } else {
            self.database.url.clone()
        }
    }

    /// The partner an edge site's leads belong to, if any.
    pub fn site_partner(&self, site: &str) -> Option<&PartnerConfig> {
        self.partners
            .iter()
            .find(|p| p.sites.iter().any(|s| s == site))
    }

    /// Campaigns by id.
    pub fn campaign_map(&self) -> BTreeMap<String, CampaignConfig> {
        self.campaigns
            .iter()
            .map(|c| (c.id.clone(), c.clone()))
            .collect()
    }
}

fn scalar(raw: &str) -> toml::Value {
    match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(raw.into())),
        Err(_) => toml::Value::String(raw.into()),
    }
}

fn set_path(root: &mut toml::Value, path: &[String], new: toml::Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Err("empty key".into());
    };
    let mut cur = root;
    for seg in parents {
        cur = match cur {
            toml::Value::Table(t) => t
                .entry(seg.clone())
                .or_insert_with(|| toml::Value::Table(Default::default())),
            toml::Value::Array(a) => {
                let i: usize = seg
                    .parse()
                    .map_err(|_| format!("{seg:?} is not an array index"))?;
                a.get_mut(i).ok_or(format!("index {i} out of range"))?
            }
            _ => return Err(format!("{seg:?} is not a table")),
        };
    }
    match cur {
        toml::Value::Table(t) => {
            t.insert(last.clone(), new);
            Ok(())
        }
        toml::Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("{last:?} is not an array index"))?;
            *a.get_mut(i).ok_or(format!("index {i} out of range"))? = new;
            Ok(())
        }
        _ => Err(format!("{last:?}: parent is not a table")),
    }
}

/// Hex SHA-256 of an API key, as stored in `api_key_sha256`.
pub fn hash_api_key(key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[server]
listen = "127.0.0.1:9999"
[[edge_keys]]
id = "edge-1"
secret = "0123456789abcdef0123"
[[campaigns]]
id = "c1"
version = "1"
cost_cap_usd = 0.03
[[campaigns.integrations]]
provider = "stub_fraud"
rules = ["fraud_score > 85 -> reject FRD01"]
"#;

    #[test]
    fn env_overrides_reach_nested_keys_and_arrays() {
        let env = vec![
            (
                "LEADGATE_SERVER__LISTEN".to_string(),
                "0.0.0.0:1".to_string(),
            ),
            (
                "LEADGATE_CAMPAIGNS__0__COST_CAP_USD".to_string(),
                "0.05".to_string(),
            ),
            (
                "LEADGATE_EDGE_KEYS__0__SECRET".to_string(),
                "another-long-secret-value".to_string(),
            ),
            ("LEADGATE_QUEUE__CONCURRENCY".to_string(), "7".to_string()),
            ("DATABASE_URL".to_string(), "postgres://u@h/db".to_string()),
            ("UNRELATED".to_string(), "x".to_string()),
            ("LEADGATE_LOG".to_string(), "debug".to_string()),
        ];
        let c = Config::from_toml(BASE, env).unwrap();
        assert_eq!(c.server.listen, "0.0.0.0:1");
        assert_eq!(c.campaigns[0].cost_cap_usd, Some(0.05));
        assert_eq!(c.edge_keys[0].secret, "another-long-secret-value");
        assert_eq!(c.queue.concurrency, 7);
        assert_eq!(c.database_url(), "postgres://u@h/db");
        assert!(
            !format!("{c:?}").contains("another-long-secret-value"),
            "secrets redacted in Debug"
        );
    }

    #[test]
    fn rejects_unknown_keys_and_short_secrets() {
        assert!(Config::from_toml("[server]\nlisten_typo = 1", Vec::new()).is_err());
        let short = BASE.replace("0123456789abcdef0123", "short");
        assert!(matches!(
            Config::from_toml(&short, Vec::new()),
            Err(ConfigError::Invalid(_))
        ));
    }

    #[test]
    fn default_database_is_sqlite_in_data_dir() {
        let c = Config::from_toml("", Vec::new()).unwrap();
        assert_eq!(c.database_url(), "sqlite://data/leadgate.db?mode=rwc");
    }
}
