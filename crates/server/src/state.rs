//! The shared application state, built from the config (plus the admin API's stored
//! overrides). The part the admin API can change, [`Runtime`] (providers, engine,
//! campaigns), is swapped whole: a lead in flight keeps the runtime it started with.
use crate::config::{CampaignConfig, Config, PartnerConfig, ProviderSection};
use crate::metrics::Metrics;
use crate::providers::ProviderFactories;
use crate::store::{Db, StoreError};
use leadgate_pipeline::{BoxFuture, CampaignPlan, DedupStore, Engine, Registry, SplitMix};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::Notify;

/// Why the state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Storage failed (connect, migrate, version check).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A provider could not be built or a campaign names an unknown one.
    #[error("providers: {0}")]
    Providers(String),
}

/// Everything handlers and workers share.
#[derive(Debug)]
pub struct AppState {
    /// The config as loaded.
    pub config: Config,
    /// Storage.
    pub db: Db,
    /// Providers, engine and campaigns: see [`AppState::runtime`].
    runtime: RwLock<Arc<Runtime>>,
    /// Serialises admin changes (build, store, swap).
    pub admin_lock: tokio::sync::Mutex<()>,
    /// Provider factories, kept to rebuild providers on admin changes.
    factories: ProviderFactories,
    /// Edge keys by id.
    pub edge_keys: HashMap<String, Vec<u8>>,
    /// Partners by API-key hash.
    pub partners_by_key: HashMap<String, PartnerConfig>,
    /// Counters.
    pub metrics: Metrics,
    /// Wakes the queue worker when a lead is committed here.
    pub wake: Notify,
    /// Wakes the postback worker when a postback is queued here.
    pub wake_postbacks: Notify,
    /// Workers are running.
    pub ready: AtomicBool,
    /// This process's worker id.
    pub worker_id: String,
}

/// The shared state handle.
pub type SharedState = Arc<AppState>;

/// Dedup on the database (the source of truth across instances).
#[derive(Debug, Clone)]
struct DbDedup(Db);

impl DedupStore for DbDedup {
    fn claim<'a>(
        &'a self,
        fingerprint: &'a str,
        lead_id: &'a str,
        window: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, String>> {
        Box::pin(async move {
            self.0
                .claim_fingerprint(fingerprint, lead_id, window.as_millis() as i64)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

impl AppState {
    /// Connects storage, builds providers and the engine, records campaign versions.
    /// `schema` (or `database.schema`) isolates the tables on PostgreSQL.
    pub async fn build(
        config: Config,
        factories: &ProviderFactories,
        schema: Option<&str>,
    ) -> Result<SharedState, BuildError> {
        let schema = schema.or(config.database.schema.as_deref());
        let db = Db::connect_with(
            &config.database_url(),
            config.database.max_connections,
            schema,
            config.database.sqlite_synchronous,
        )
        .await?;
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        let runtime = Runtime::build(
            &config,
            factories,
            &db,
            seed,
            db.admin_providers().await?,
            db.admin_campaigns().await?,
        )
        .await?;
        let edge_keys = config
            .edge_keys
            .iter()
            .map(|k| (k.id.clone(), k.secret.as_bytes().to_vec()))
            .collect();
        let partners_by_key = config
            .partners
            .iter()
            .map(|p| (p.api_key_sha256.to_ascii_lowercase(), p.clone()))
            .collect();
        Ok(Arc::new(AppState {
            config,
            db,
            runtime: RwLock::new(Arc::new(runtime)),
            admin_lock: tokio::sync::Mutex::new(()),
            factories: factories.clone(),
            edge_keys,
            partners_by_key,
            metrics: Metrics::default(),
            wake: Notify::new(),
            wake_postbacks: Notify::new(),
            ready: AtomicBool::new(false),
            worker_id: format!("w{seed:x}"),
        }))
    }
}

impl AppState {
    /// The current providers, engine and campaigns. Take it once per request or lead
    /// and use that snapshot throughout.
    pub fn runtime(&self) -> Arc<Runtime> {
        match self.runtime.read() {
            Ok(r) => r.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Builds a runtime from the config plus `providers` and `campaigns` overrides
    /// (the admin API's candidates), without installing it: errors name what is wrong.
    pub async fn candidate(
        &self,
        providers: Vec<ProviderSection>,
        campaigns: Vec<CampaignConfig>,
    ) -> Result<Runtime, BuildError> {
        let seed = self.runtime().seed.wrapping_add(1);
        Runtime::build(
            &self.config,
            &self.factories,
            &self.db,
            seed,
            providers,
            campaigns,
        )
        .await
    }

    /// The provider kinds this build can construct.
    pub fn provider_kinds(&self) -> Vec<String> {
        self.factories.kinds()
    }

    /// Installs `runtime`; leads already running keep the one they started with.
    pub fn install(&self, runtime: Runtime) {
        let runtime = Arc::new(runtime);
        match self.runtime.write() {
            Ok(mut r) => *r = runtime,
            Err(poisoned) => *poisoned.into_inner() = runtime,
        }
    }
}

/// What the admin API can change while the server runs.
#[derive(Debug)]
pub struct Runtime {
    /// The pipeline engine (its registry holds the providers and their breakers).
    pub engine: Engine,
    /// Campaign configs by id (file, then admin overrides).
    pub campaigns: BTreeMap<String, CampaignConfig>,
    /// Engine plans by campaign id.
    pub plans: BTreeMap<String, CampaignPlan>,
    /// The provider sections in effect (file, then admin overrides), by name.
    pub providers: BTreeMap<String, ProviderSection>,
    /// Provider names whose section came from the admin API.
    pub admin_providers: Vec<String>,
    /// Campaign ids whose config came from the admin API.
    pub admin_campaigns: Vec<String>,
    seed: u64,
}

impl Runtime {
    /// Merges the file's sections with the admin overrides (same name: the override
    /// wins), builds every provider and the engine, checks every campaign names known
    /// providers, and records each campaign version (a reused version with different
    /// content is refused).
    async fn build(
        config: &Config,
        factories: &ProviderFactories,
        db: &Db,
        seed: u64,
        admin_providers: Vec<ProviderSection>,
        admin_campaigns: Vec<CampaignConfig>,
    ) -> Result<Runtime, BuildError> {
        let mut providers: BTreeMap<String, ProviderSection> = config
            .providers
            .iter()
            .map(|p| (p.name.clone(), p.clone()))
            .collect();
        let admin_provider_names = admin_providers.iter().map(|p| p.name.clone()).collect();
        for p in admin_providers {
            providers.insert(p.name.clone(), p);
        }
        let mut campaigns = config.campaign_map();
        let admin_campaign_ids = admin_campaigns.iter().map(|c| c.id.clone()).collect();
        for c in admin_campaigns {
            campaigns.insert(c.id.clone(), c);
        }
        let mut registry = Registry::new();
        for section in providers.values() {
            let provider = factories.build(section).map_err(BuildError::Providers)?;
            registry.register(
                provider,
                section
                    .breaker
                    .clone()
                    .unwrap_or_else(|| config.breaker.clone()),
            );
        }
        let engine = Engine::new(
            registry,
            Arc::new(SplitMix::new(seed)),
            config.policy.clone(),
        )
        .with_dedup(Arc::new(DbDedup(db.clone())));
        let mut plans = BTreeMap::new();
        for (id, c) in &campaigns {
            let plan = c.plan();
            let missing = engine.unknown_providers(&plan);
            if !missing.is_empty() {
                return Err(BuildError::Providers(format!(
                    "campaign {id:?} uses unknown providers {missing:?}"
                )));
            }
            let json =
                serde_json::to_string(c).map_err(|e| BuildError::Providers(e.to_string()))?;
            db.record_campaign_version(id, &c.version, &json).await?;
            plans.insert(id.clone(), plan);
        }
        Ok(Runtime {
            engine,
            campaigns,
            plans,
            providers,
            admin_providers: admin_provider_names,
            admin_campaigns: admin_campaign_ids,
            seed,
        })
    }
}
