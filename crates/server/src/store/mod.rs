//! Storage: one set of portable SQL statements over `sqlx::Any`, running on SQLite
//! (embedded default, WAL) and PostgreSQL. The only statement that differs is the
//! job claim (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's single writer makes
//! its `UPDATE … RETURNING` atomic by itself).
mod admin;
mod commit;
mod jobs;
mod leads;
mod postbacks;

pub use jobs::ClaimedJob;
pub use leads::{CallRow, LeadRow, NewLead, Stored};
pub use postbacks::PostbackRow;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::{Executor, Row};
use std::time::Duration;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// SQLite's `synchronous` setting (WAL mode). See docs/backend.md, "Durability".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// A commit is in the WAL file (the OS has it) before it is acknowledged: it
    /// survives any crash of the process; a power loss or kernel crash can lose the
    /// last commits (never corrupting the file).
    #[default]
    Normal,
    /// A commit is also fsynced: it survives power loss. Costs one fsync per group commit.
    Full,
}

impl SqliteSync {
    fn pragma(self) -> &'static str {
        match self {
            SqliteSync::Normal => "PRAGMA synchronous = NORMAL",
            SqliteSync::Full => "PRAGMA synchronous = FULL",
        }
    }
}

/// Storage errors (never shown to clients verbatim).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A campaign version was reused with a different configuration.
    #[error("campaign {campaign} version {version} already stored with a different configuration; bump the version")]
    VersionReused {
        /// Campaign id.
        campaign: String,
        /// Version.
        version: String,
    },
    /// Stored data could not be decoded.
    #[error("stored data: {0}")]
    Corrupt(String),
}

/// The migrations, in order (embedded).
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_admin.sql")),
];

/// A connection pool plus which backend it is.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time and makes the others sleep in its busy
    /// handler (up to 100 ms per nap). Queueing writers here instead keeps the tail
    /// latency of intake low. `None` on PostgreSQL.
    write_lock: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
    /// Group commit for intake inserts and verdicts (see [`commit`]).
    committer: commit::Committer,
}

impl Db {
    /// Connects (creating the SQLite file if needed) and runs migrations.
    /// `schema`, on PostgreSQL, isolates the tables in their own schema (tests).
    pub async fn connect(
        url: &str,
        max_connections: u32,
        schema: Option<&str>,
    ) -> Result<Db, StoreError> {
        Db::connect_with(url, max_connections, schema, SqliteSync::default()).await
    }

    /// [`Db::connect`] with SQLite's `synchronous` setting.
    pub async fn connect_with(
        url: &str,
        max_connections: u32,
        schema: Option<&str>,
        sqlite_sync: SqliteSync,
    ) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        if backend == Backend::Sqlite {
            ensure_sqlite_dir(url);
        }
        if let (Backend::Postgres, Some(schema)) = (backend, schema) {
            let pool = AnyPoolOptions::new()
                .max_connections(1)
                .connect(url)
                .await?;
            pool.execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str())
                .await?;
            pool.close().await;
        }
        let schema = schema.map(str::to_string);
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                let schema = schema.clone();
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute(sqlite_sync.pragma()).await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                        }
                        Backend::Postgres => {
                            if let Some(s) = schema {
                                conn.execute(format!("SET search_path TO {s}").as_str())
                                    .await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        let write_lock =
            (backend == Backend::Sqlite).then(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
        let committer = commit::Committer::start(pool.clone(), backend, write_lock.clone());
        let db = Db {
            pool,
            backend,
            write_lock,
            committer,
        };
        db.migrate().await?;
        Ok(db)
    }

    /// Serialises writers on SQLite (a no-op on PostgreSQL).
    pub(crate) async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }

    /// The backend kind.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies pending migrations (serialised across instances on PostgreSQL).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_lock(727301)").await?;
        }
        let result = async {
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
                .await?;
            for (version, sql) in MIGRATIONS {
                let applied = sqlx::query("SELECT COUNT(*) AS n FROM schema_migrations WHERE version = $1")
                    .bind(*version)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get::<i64, _>("n")?;
                if applied > 0 {
                    continue;
                }
                conn.execute("BEGIN").await?;
                for stmt in statements(sql) {
                    conn.execute(stmt.as_str()).await?;
                }
                sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                    .bind(*version)
                    .bind(now_ms())
                    .execute(&mut *conn)
                    .await?;
                conn.execute("COMMIT").await?;
            }
            Ok::<(), sqlx::Error>(())
        }
        .await;
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_unlock(727301)").await?;
        }
        result.map_err(StoreError::from)
    }

    /// `SELECT 1`, for readiness.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Stores a campaign's config under its version; refuses a reused version with
    /// different content.
    pub async fn record_campaign_version(
        &self,
        campaign: &str,
        version: &str,
        config_json: &str,
    ) -> Result<(), StoreError> {
        let _w = self.write_guard().await;
        sqlx::query(
            "INSERT INTO campaign_versions (campaign_id, version, config_json, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (campaign_id, version) DO NOTHING",
        )
        .bind(campaign)
        .bind(version)
        .bind(config_json)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        let stored: String = sqlx::query(
            "SELECT config_json FROM campaign_versions WHERE campaign_id = $1 AND version = $2",
        )
        .bind(campaign)
        .bind(version)
        .fetch_one(&self.pool)
        .await?
        .try_get("config_json")?;
        if stored != config_json {
            return Err(StoreError::VersionReused {
                campaign: campaign.into(),
                version: version.into(),
            });
        }
        Ok(())
    }

    /// Claims `fingerprint` for `lead_id`; returns the earlier owner within `window_ms`.
    /// The database is the source of truth: the first committed claim wins. A claim
    /// older than the window is taken over. Concurrent claims share a transaction
    /// (group commit); each returns after that commit.
    pub async fn claim_fingerprint(
        &self,
        fingerprint: &str,
        lead_id: &str,
        window_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        self.committer
            .claim(commit::FingerprintClaim {
                fingerprint: fingerprint.to_string(),
                lead_id: lead_id.to_string(),
                window_ms,
            })
            .await
    }

    /// Deletes PII of finished leads older than `before_ms` in `campaign`; returns how many.
    pub async fn purge_pii(&self, campaign: &str, before_ms: i64) -> Result<u64, StoreError> {
        let _w = self.write_guard().await;
        let r = sqlx::query(
            "UPDATE leads SET lead_json = NULL, pii_purged_at = $1 \
             WHERE campaign_id = $2 AND created_at < $3 AND lead_json IS NOT NULL AND state = 'done'",
        )
        .bind(now_ms())
        .bind(campaign)
        .bind(before_ms)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// Forgets replay-window signatures and out-of-window fingerprints.
    pub async fn purge_expired(&self, fingerprint_before_ms: i64) -> Result<(), StoreError> {
        let _w = self.write_guard().await;
        sqlx::query("DELETE FROM seen_signatures WHERE expires_at < $1")
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM fingerprints WHERE seen_at < $1")
            .bind(fingerprint_before_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn ensure_sqlite_dir(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(dir);
        }
    }
}

/// Splits a migration into statements (`;` at line end; `--` comment lines dropped).
fn statements(sql: &str) -> Vec<String> {
    let body: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    body.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
