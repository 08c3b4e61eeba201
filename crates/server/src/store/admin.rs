//! Provider sections and campaign configs written by the admin API. Stored as JSON,
//! read back at start-up (and on `POST /v1/admin/reload`) on top of the config file.
use super::{now_ms, Db, StoreError};
use crate::config::{CampaignConfig, ProviderSection};
use sqlx::Row;

impl Db {
    /// Every provider section the admin API stored, by name.
    pub async fn admin_providers(&self) -> Result<Vec<ProviderSection>, StoreError> {
        let rows = sqlx::query("SELECT name, section_json FROM admin_providers ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let name: String = r.try_get("name")?;
                let json: String = r.try_get("section_json")?;
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("admin provider {name:?}: {e}")))
            })
            .collect()
    }

    /// Stores (or replaces) a provider section.
    pub async fn put_admin_provider(&self, section: &ProviderSection) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(section).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let _w = self.write_guard().await;
        sqlx::query(
            "INSERT INTO admin_providers (name, section_json, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET section_json = excluded.section_json, updated_at = excluded.updated_at",
        )
        .bind(&section.name)
        .bind(json)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Deletes a stored provider section; true when there was one.
    pub async fn delete_admin_provider(&self, name: &str) -> Result<bool, StoreError> {
        let _w = self.write_guard().await;
        let done = sqlx::query("DELETE FROM admin_providers WHERE name = $1")
            .bind(name)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every campaign config the admin API stored.
    pub async fn admin_campaigns(&self) -> Result<Vec<CampaignConfig>, StoreError> {
        let rows = sqlx::query("SELECT id, config_json FROM admin_campaigns ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                let json: String = r.try_get("config_json")?;
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("admin campaign {id:?}: {e}")))
            })
            .collect()
    }

    /// Stores (or replaces) a campaign config.
    pub async fn put_admin_campaign(&self, campaign: &CampaignConfig) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(campaign).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let _w = self.write_guard().await;
        sqlx::query(
            "INSERT INTO admin_campaigns (id, config_json, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json, updated_at = excluded.updated_at",
        )
        .bind(&campaign.id)
        .bind(json)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
