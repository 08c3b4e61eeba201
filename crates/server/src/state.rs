//! The shared application state, built once from the config.
use crate::config::{CampaignConfig, Config, PartnerConfig};
use crate::metrics::Metrics;
use crate::providers::ProviderFactories;
use crate::store::{Db, StoreError};
use leadgate_pipeline::{BoxFuture, CampaignPlan, DedupStore, Engine, Registry, SplitMix};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
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
    /// The pipeline engine.
    pub engine: Engine,
    /// Campaign configs by id.
    pub campaigns: BTreeMap<String, CampaignConfig>,
    /// Engine plans by campaign id.
    pub plans: BTreeMap<String, CampaignPlan>,
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
        let db = Db::connect(
            &config.database_url(),
            config.database.max_connections,
            schema,
        )
        .await?;
        let mut registry = Registry::new();
        for section in &config.providers {
            let provider = factories.build(section).map_err(BuildError::Providers)?;
            registry.register(
                provider,
                section
                    .breaker
                    .clone()
                    .unwrap_or_else(|| config.breaker.clone()),
            );
        }
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        let engine = Engine::new(
            registry,
            Arc::new(SplitMix::new(seed)),
            config.policy.clone(),
        )
        .with_dedup(Arc::new(DbDedup(db.clone())));
        let campaigns = config.campaign_map();
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
            engine,
            campaigns,
            plans,
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
