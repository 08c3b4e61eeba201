//! Edge configuration: per-site settings from the `LEADGATE_SITES` var (a JSON object
//! keyed by site id) plus edge-wide settings from other vars. Secrets are never part of
//! these types' public projection: a site names the *secret binding* that holds its
//! verifier secret (e.g. `"secret": "TURNSTILE_SECRET_ACME"`), never the value.
use leadgate_checks::Policy;
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::collections::BTreeMap;

/// Block honestly, or give bots a fake success so they don't adapt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Block,
    Shadow,
}

/// What to do when the bot verifier is slow or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailMode {
    /// Let the lead through to Review with INT02.
    #[default]
    Open,
    /// Block the lead (INT01, error code `verifier-unavailable`).
    Closed,
}

/// The bot defense a site uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BotConfig {
    None,
    Turnstile {
        site_key: String,
        /// Name of the secret binding holding the Turnstile secret.
        secret: String,
        #[serde(default)]
        action: Option<String>,
        /// Accepted `hostname` values; empty accepts any.
        #[serde(default)]
        hostnames: Vec<String>,
    },
    RecaptchaV3 {
        site_key: String,
        secret: String,
        #[serde(default)]
        action: Option<String>,
        #[serde(default)]
        hostnames: Vec<String>,
    },
    RecaptchaEnterprise {
        site_key: String,
        project_id: String,
        /// Name of the secret binding holding the API key.
        api_key: String,
        #[serde(default)]
        action: Option<String>,
        #[serde(default)]
        hostnames: Vec<String>,
    },
    Pow {
        #[serde(default = "default_difficulty")]
        difficulty: u32,
    },
}

fn default_difficulty() -> u32 {
    16
}

/// One site (one form owner) as configured by ops.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteConfig {
    #[serde(default)]
    pub id: String,
    /// Exact origins allowed to post (`https://www.example.com`).
    #[serde(default)]
    pub origins: Vec<String>,
    pub bot: BotConfig,
    /// reCAPTCHA score thresholds per surface (form); `default` applies otherwise.
    #[serde(default)]
    pub thresholds: BTreeMap<String, f32>,
    #[serde(default)]
    pub mode: Mode,
    #[serde(default)]
    pub fail: FailMode,
    pub campaign: String,
    /// Cal.com or Calendly URL booked by Fast-Track leads.
    #[serde(default)]
    pub calendar_url: Option<String>,
    /// Where a no-JS form post is redirected (`?lane=` appended); else an HTML page.
    #[serde(default)]
    pub thanks_url: Option<String>,
    #[serde(default = "default_booking_ttl")]
    pub booking_ttl_secs: i64,
    #[serde(default)]
    pub policy: Policy,
}

fn default_booking_ttl() -> i64 {
    7 * 24 * 3600
}

impl SiteConfig {
    /// The score threshold for `surface` (falls back to `default`, then 0.5).
    pub fn threshold(&self, surface: Option<&str>) -> f32 {
        surface
            .and_then(|s| self.thresholds.get(s))
            .or_else(|| self.thresholds.get("default"))
            .copied()
            .unwrap_or(0.5)
    }

    /// What `GET /v1/config/<site>` returns: everything the snippet needs, no secret.
    pub fn public(&self) -> PublicConfig {
        let bot = match &self.bot {
            BotConfig::None => PublicBot {
                kind: "none",
                site_key: None,
                action: None,
                difficulty: None,
            },
            BotConfig::Turnstile {
                site_key, action, ..
            } => PublicBot {
                kind: "turnstile",
                site_key: Some(site_key.clone()),
                action: action.clone(),
                difficulty: None,
            },
            BotConfig::RecaptchaV3 {
                site_key, action, ..
            } => PublicBot {
                kind: "recaptcha_v3",
                site_key: Some(site_key.clone()),
                action: action.clone(),
                difficulty: None,
            },
            BotConfig::RecaptchaEnterprise {
                site_key, action, ..
            } => PublicBot {
                kind: "recaptcha_enterprise",
                site_key: Some(site_key.clone()),
                action: action.clone(),
                difficulty: None,
            },
            BotConfig::Pow { difficulty } => PublicBot {
                kind: "pow",
                site_key: None,
                action: None,
                difficulty: Some(*difficulty),
            },
        };
        PublicConfig {
            site: self.id.clone(),
            campaign: self.campaign.clone(),
            bot,
            thresholds: self.thresholds.clone(),
            fields: crate::submission::FIELD_LIMITS
                .iter()
                .map(|(name, max)| ((*name).to_owned(), *max))
                .collect(),
            messages: leadgate_checks::ReasonCode::ALL
                .iter()
                .map(|c| (c.code().to_owned(), crate::lane::message(*c).to_owned()))
                .collect(),
            policy: self.policy.clone(),
        }
    }
}

/// The public part of a site's bot defense.
#[derive(Debug, Clone, Serialize)]
pub struct PublicBot {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<u32>,
}

/// `GET /v1/config/<site>`.
#[derive(Debug, Clone, Serialize)]
pub struct PublicConfig {
    pub site: String,
    pub campaign: String,
    pub bot: PublicBot,
    pub thresholds: BTreeMap<String, f32>,
    /// Field name → maximum length in characters.
    pub fields: BTreeMap<String, usize>,
    /// Reason code → message shown to the visitor.
    pub messages: BTreeMap<String, String>,
    pub policy: Policy,
}

/// All sites, by id.
#[derive(Debug, Clone, Default)]
pub struct Sites(pub BTreeMap<String, SiteConfig>);

impl Sites {
    /// Parses `LEADGATE_SITES`: `{"<site id>": {...}, ...}`.
    pub fn parse(json: &str) -> Result<Sites, String> {
        let mut map: BTreeMap<String, SiteConfig> =
            serde_json::from_str(json).map_err(|e| format!("LEADGATE_SITES: {e}"))?;
        for (id, site) in &mut map {
            site.id = id.clone();
            if let BotConfig::Pow { difficulty } = &site.bot {
                if *difficulty > leadgate_protocol::pow::MAX_DIFFICULTY {
                    return Err(format!(
                        "LEADGATE_SITES: {id}: pow difficulty above maximum"
                    ));
                }
            }
        }
        Ok(Sites(map))
    }

    pub fn get(&self, id: &str) -> Option<&SiteConfig> {
        self.0.get(id)
    }

    /// True when any site allows `origin` (CORS preflights carry no site id).
    pub fn any_allows(&self, origin: &str) -> bool {
        self.0
            .values()
            .any(|s| s.origins.iter().any(|o| o == origin))
    }
}

/// Edge-wide settings (vars), with defaults for the real vendor endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeSettings {
    pub backend_url: String,
    pub turnstile_url: String,
    pub recaptcha_url: String,
    pub recaptcha_enterprise_url: String,
    pub verify_timeout_ms: u64,
    pub backend_timeout_ms: u64,
    pub edge_key_id: String,
    pub rate_per_ip: u32,
    pub rate_per_site: u32,
    pub rate_window_ms: u64,
    pub outbox_base_ms: u64,
    pub outbox_max_ms: u64,
    pub pow_ttl_secs: i64,
}

impl EdgeSettings {
    /// Reads settings through `var` (a var lookup); missing or unparsable values default.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> EdgeSettings {
        let num = |name: &str, default: u64| -> u64 {
            var(name)
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(default)
        };
        let url = |name: &str, default: &str| -> String {
            var(name)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        EdgeSettings {
            backend_url: url("LEADGATE_BACKEND_URL", "http://127.0.0.1:8080"),
            turnstile_url: url(
                "LEADGATE_TURNSTILE_URL",
                "https://challenges.cloudflare.com/turnstile/v0/siteverify",
            ),
            recaptcha_url: url(
                "LEADGATE_RECAPTCHA_URL",
                "https://www.google.com/recaptcha/api/siteverify",
            ),
            recaptcha_enterprise_url: url(
                "LEADGATE_RECAPTCHA_ENTERPRISE_URL",
                "https://recaptchaenterprise.googleapis.com",
            ),
            verify_timeout_ms: num("LEADGATE_VERIFY_TIMEOUT_MS", 2500),
            backend_timeout_ms: num("LEADGATE_BACKEND_TIMEOUT_MS", 3000),
            edge_key_id: url("LEADGATE_EDGE_KEY_ID", "edge-1"),
            rate_per_ip: num("LEADGATE_RATE_PER_IP", 20) as u32,
            rate_per_site: num("LEADGATE_RATE_PER_SITE", 600) as u32,
            rate_window_ms: num("LEADGATE_RATE_WINDOW_MS", 60_000),
            outbox_base_ms: num("LEADGATE_OUTBOX_BASE_MS", 2000),
            outbox_max_ms: num("LEADGATE_OUTBOX_MAX_MS", 300_000),
            pow_ttl_secs: num("LEADGATE_POW_TTL_SECS", 300) as i64,
        }
    }
}

/// Every var the edge reads to build an [`EdgeConfig`]: a change to any of them means a
/// new configuration.
pub const VARS: &[&str] = &[
    "LEADGATE_SITES",
    "LEADGATE_BACKEND_URL",
    "LEADGATE_TURNSTILE_URL",
    "LEADGATE_RECAPTCHA_URL",
    "LEADGATE_RECAPTCHA_ENTERPRISE_URL",
    "LEADGATE_VERIFY_TIMEOUT_MS",
    "LEADGATE_BACKEND_TIMEOUT_MS",
    "LEADGATE_EDGE_KEY_ID",
    "LEADGATE_RATE_PER_IP",
    "LEADGATE_RATE_PER_SITE",
    "LEADGATE_RATE_WINDOW_MS",
    "LEADGATE_OUTBOX_BASE_MS",
    "LEADGATE_OUTBOX_MAX_MS",
    "LEADGATE_POW_TTL_SECS",
];

/// Everything the edge derives from its vars: settings, sites, and each site's
/// `GET /v1/config/<site>` body, serialised once. The Worker builds one per isolate and
/// reuses it while the vars are unchanged (they are fixed for a deployed version), so no
/// request parses `LEADGATE_SITES` or re-serialises a public config.
///
/// A public body is serialised on its first `GET /v1/config/<site>`, not with the rest:
/// an isolate whose first request is a lead then never runs (nor, in wasm, compiles) the
/// public config's serialiser before answering it.
#[derive(Debug, Clone)]
pub struct EdgeConfig {
    pub settings: EdgeSettings,
    pub sites: Sites,
    /// Site id → its public config as JSON once asked for (see [`EdgeConfig::public_body`]).
    public_bodies: BTreeMap<String, OnceCell<String>>,
}

impl EdgeConfig {
    /// Builds the configuration from `var` (a var lookup by name, see [`VARS`]).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<EdgeConfig, String> {
        let settings = EdgeSettings::from_vars(&var);
        let sites = Sites::parse(&var("LEADGATE_SITES").unwrap_or_default())?;
        let public_bodies = sites
            .0
            .keys()
            .map(|id| (id.clone(), OnceCell::new()))
            .collect();
        Ok(EdgeConfig {
            settings,
            sites,
            public_bodies,
        })
    }

    /// The site's public config as JSON (never a secret: see [`SiteConfig::public`]),
    /// serialised on first use; `None` for an unknown site.
    pub fn public_body(&self, site_id: &str) -> Option<&str> {
        let (site, body) = self
            .sites
            .get(site_id)
            .zip(self.public_bodies.get(site_id))?;
        // Serialising strings, numbers, lists and string-keyed maps cannot fail.
        Some(body.get_or_init(|| serde_json::to_string(&site.public()).unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITES: &str = r#"{
      "acme": {"origins": ["https://acme.test"], "campaign": "spring",
               "bot": {"type": "turnstile", "site_key": "1x00000000000000000000AA",
                       "secret": "TURNSTILE_SECRET_ACME", "action": "lead"},
               "thresholds": {"default": 0.5, "demo": 0.7}, "mode": "shadow", "fail": "closed",
               "calendar_url": "https://cal.com/acme/intro"},
      "pow": {"campaign": "c", "bot": {"type": "pow"}}
    }"#;

    #[test]
    fn parses_sites_with_defaults() {
        let sites = Sites::parse(SITES).unwrap();
        let acme = sites.get("acme").unwrap();
        assert_eq!(acme.id, "acme");
        assert_eq!((acme.mode, acme.fail), (Mode::Shadow, FailMode::Closed));
        assert_eq!(acme.threshold(Some("demo")), 0.7);
        assert_eq!(acme.threshold(Some("other")), 0.5);
        let pow = sites.get("pow").unwrap();
        assert_eq!(pow.bot, BotConfig::Pow { difficulty: 16 });
        assert_eq!((pow.mode, pow.fail), (Mode::Block, FailMode::Open));
        assert!(sites.any_allows("https://acme.test"));
        assert!(!sites.any_allows("https://evil.test"));
    }

    #[test]
    fn public_config_never_names_a_secret() {
        let sites = Sites::parse(SITES).unwrap();
        let json = serde_json::to_string(&sites.get("acme").unwrap().public()).unwrap();
        assert!(!json.contains("TURNSTILE_SECRET_ACME"), "{json}");
        assert!(json.contains("1x00000000000000000000AA"));
        assert!(json.contains("\"INT05\""));
    }

    #[test]
    fn rejects_bad_config() {
        assert!(Sites::parse("[]").is_err());
        assert!(Sites::parse(r#"{"a": {"campaign": "c", "bot": {"type": "hcaptcha"}}}"#).is_err());
        assert!(Sites::parse(
            r#"{"a": {"campaign": "c", "bot": {"type": "pow", "difficulty": 60}}}"#
        )
        .is_err());
    }

    #[test]
    fn edge_config_serialises_public_bodies_once() {
        let vars = |name: &str| (name == "LEADGATE_SITES").then(|| SITES.to_owned());
        let config = EdgeConfig::from_vars(vars).unwrap();
        assert_eq!(
            config.public_bodies.keys().collect::<Vec<_>>(),
            ["acme", "pow"]
        );
        assert!(config.public_bodies.values().all(|b| b.get().is_none()));
        let acme = serde_json::to_string(&config.sites.get("acme").unwrap().public()).unwrap();
        assert_eq!(config.public_body("acme"), Some(acme.as_str()));
        assert!(!config
            .public_body("acme")
            .unwrap()
            .contains("TURNSTILE_SECRET_ACME"));
        // Serialised once, then the same body is served.
        let first = config.public_body("acme").unwrap().as_ptr();
        assert_eq!(config.public_body("acme").unwrap().as_ptr(), first);
        assert!(config.public_bodies["pow"].get().is_none());
        assert_eq!(config.public_body("nope"), None);
        assert_eq!(config.settings.rate_per_site, 600);
        assert!(EdgeConfig::from_vars(|_| Some("[]".to_owned())).is_err());
    }

    #[test]
    fn vars_lists_every_var_the_config_reads() {
        // The Worker reuses a config while these vars are unchanged: a var read but not
        // listed would be missed when it changes.
        let read = std::cell::RefCell::new(Vec::new());
        let _ = EdgeConfig::from_vars(|name| {
            read.borrow_mut().push(name.to_owned());
            None
        });
        let read = read.into_inner();
        for name in &read {
            assert!(VARS.contains(&name.as_str()), "{name} is not in VARS");
        }
        assert_eq!(read.len(), VARS.len(), "VARS lists a var nothing reads");
    }

    #[test]
    fn settings_default_and_override() {
        let s = EdgeSettings::from_vars(|name| match name {
            "LEADGATE_TURNSTILE_URL" => {
                Some("http://127.0.0.1:8090/turnstile/v0/siteverify".into())
            }
            "LEADGATE_VERIFY_TIMEOUT_MS" => Some("250".into()),
            "LEADGATE_RATE_PER_IP" => Some("junk".into()),
            _ => None,
        });
        assert_eq!(
            s.turnstile_url,
            "http://127.0.0.1:8090/turnstile/v0/siteverify"
        );
        assert_eq!(s.verify_timeout_ms, 250);
        assert_eq!(s.rate_per_ip, 20);
        assert_eq!(s.backend_url, "http://127.0.0.1:8080");
    }
}
