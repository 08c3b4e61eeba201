//! The admin API: providers (kind, keys, settings, breaker) and campaigns (the sequence
//! of integrations, field mapping, rules, caps) changed while the server runs.
//!
//! Off unless `admin.token_sha256` is set; requests carry `Authorization: Bearer
//! <token>`. A change is built and validated exactly as a config file would be (every
//! provider constructed, every campaign checked against the providers, the campaign
//! version recorded), then stored in the database and swapped in whole: leads already
//! running finish on the runtime they started with. Credentials are write-only: they
//! never appear in a response, an error or a log line.
use super::AppError;
use crate::config::{hash_api_key, CampaignConfig, ProviderSection};
use crate::providers::{is_secret_setting, redact_in, redacted};
use crate::state::{AppState, BuildError, Runtime, SharedState};
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::Serialize;
use serde_json::Value;

/// Longest provider or campaign id the admin API takes.
const MAX_ID: usize = 64;

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(want) = state.config.admin.token_sha256.as_deref() else {
        return Err(AppError::Disabled(
            "the admin API is off: set admin.token_sha256 (LEADGATE_ADMIN__TOKEN_SHA256)",
        ));
    };
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(AppError::Unauthorized("missing admin token"))?;
    // Comparing hashes: the time taken says nothing about the token.
    if hash_api_key(token).eq_ignore_ascii_case(want) {
        Ok(())
    } else {
        Err(AppError::Unauthorized("wrong admin token"))
    }
}

fn check_id(what: &str, id: &str) -> Result<(), AppError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "{what} must be 1-{MAX_ID} characters of A-Z a-z 0-9 _ - ."
        )))
    }
}

/// A JSON object body with `key` set to `id` (refusing a different one in the body).
/// What a GET answers may be sent back as it is: its `source` is dropped.
fn object_with(body: &[u8], key: &str, id: &str) -> Result<Value, AppError> {
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("body is not JSON: {e}")))?;
    let Some(obj) = value.as_object_mut() else {
        return Err(AppError::BadRequest("body must be a JSON object".into()));
    };
    obj.remove("source");
    match obj.get(key) {
        Some(Value::String(s)) if s == id => {}
        Some(_) => {
            return Err(AppError::BadRequest(format!(
                "{key} in the body must equal the one in the path ({id:?})"
            )))
        }
        None => {
            obj.insert(key.into(), Value::String(id.into()));
        }
    }
    Ok(value)
}

/// A credential sent back as `"<redacted>"` (a GET answer edited and PUT back) keeps
/// the value the provider has now, when it is the same provider kind; otherwise it is an
/// error: the admin must send the credential itself.
fn keep_redacted_credentials(
    section: &mut ProviderSection,
    current: Option<&ProviderSection>,
) -> Result<(), AppError> {
    fn walk(new: &mut toml::Table, old: Option<&toml::Table>, path: &str) -> Result<(), AppError> {
        for (k, v) in new.iter_mut() {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            let old_v = old.and_then(|o| o.get(k));
            match v {
                toml::Value::String(s) if s == "<redacted>" && is_secret_setting(k) => {
                    match old_v {
                        Some(toml::Value::String(kept)) if kept != "<redacted>" => {
                            *s = kept.clone();
                        }
                        _ => {
                            return Err(AppError::BadRequest(format!(
                                "{here}: send the credential itself (\"<redacted>\" only keeps an existing one)"
                            )))
                        }
                    }
                }
                toml::Value::Table(t) => {
                    let old_t = match old_v {
                        Some(toml::Value::Table(o)) => Some(o),
                        _ => None,
                    };
                    walk(t, old_t, &here)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
    let old = current
        .filter(|c| c.kind == section.kind)
        .map(|c| &c.settings);
    walk(&mut section.settings, old, "")
}

fn build_error(e: BuildError, section: Option<&ProviderSection>) -> AppError {
    match e {
        BuildError::Providers(m) => AppError::Unprocessable(match section {
            Some(s) => redact_in(m, s),
            None => m,
        }),
        BuildError::Store(e @ StoreError::VersionReused { .. }) => {
            AppError::ConflictWith(e.to_string())
        }
        BuildError::Store(e) => AppError::Internal(e.to_string()),
    }
}

/// One provider as the admin API shows it.
#[derive(Debug, Serialize)]
pub struct ProviderView {
    name: String,
    kind: String,
    /// `file` (leadgate.toml) or `admin` (stored by this API, wins over the file).
    source: &'static str,
    breaker: Option<leadgate_pipeline::BreakerConfig>,
    /// The section's other keys, credentials shown as `"<redacted>"`.
    settings: toml::Table,
}

/// `GET /v1/admin/providers`.
#[derive(Debug, Serialize)]
pub struct ProvidersView {
    /// Provider kinds this build can construct.
    kinds: Vec<String>,
    providers: Vec<ProviderView>,
}

fn providers_view(state: &AppState, runtime: &Runtime) -> ProvidersView {
    ProvidersView {
        kinds: state.provider_kinds(),
        providers: runtime
            .providers
            .values()
            .map(|p| ProviderView {
                name: p.name.clone(),
                kind: p.kind.clone(),
                source: if runtime.admin_providers.contains(&p.name) {
                    "admin"
                } else {
                    "file"
                },
                breaker: p.breaker.clone(),
                settings: redacted(&p.settings),
            })
            .collect(),
    }
}

/// `GET /v1/admin/providers`: every provider in effect, credentials redacted.
pub async fn list_providers(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Json<ProvidersView>, AppError> {
    authorize(&state, &headers)?;
    Ok(Json(providers_view(&state, &state.runtime())))
}

/// `PUT /v1/admin/providers/{name}`: creates or replaces a provider. The body is the
/// `[[providers]]` section as JSON: `kind`, optional `breaker`, and the kind's settings
/// (keys, base URL, prices...).
pub async fn put_provider(
    State(state): State<SharedState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ProviderView>, AppError> {
    authorize(&state, &headers)?;
    check_id("provider name", &name)?;
    let mut value = object_with(&body, "name", &name)?;
    // The shape GET answers (`settings: {...}`) is taken too: its keys join the section.
    if let Some(obj) = value.as_object_mut() {
        if let Some(Value::Object(settings)) = obj.remove("settings") {
            for (k, v) in settings {
                obj.entry(k).or_insert(v);
            }
        }
    }
    let mut section: ProviderSection = serde_json::from_value(value)
        .map_err(|e| AppError::BadRequest(format!("provider section: {e}")))?;
    let _one_at_a_time = state.admin_lock.lock().await;
    keep_redacted_credentials(&mut section, state.runtime().providers.get(&name))?;
    let mut providers = state.db.admin_providers().await?;
    providers.retain(|p| p.name != name);
    providers.push(section.clone());
    let candidate = state
        .candidate(providers, state.db.admin_campaigns().await?)
        .await
        .map_err(|e| build_error(e, Some(&section)))?;
    state.db.put_admin_provider(&section).await?;
    state.install(candidate);
    tracing::info!(provider = %name, kind = %section.kind, "admin: provider stored");
    Ok(Json(ProviderView {
        name,
        kind: section.kind.clone(),
        source: "admin",
        breaker: section.breaker.clone(),
        settings: redacted(&section.settings),
    }))
}

/// `DELETE /v1/admin/providers/{name}`: drops the stored override; the config file's
/// section of that name (if any) applies again. Refused while a campaign still needs a
/// provider that would then not exist.
pub async fn delete_provider(
    State(state): State<SharedState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ProvidersView>, AppError> {
    authorize(&state, &headers)?;
    check_id("provider name", &name)?;
    let _one_at_a_time = state.admin_lock.lock().await;
    let mut providers = state.db.admin_providers().await?;
    let before = providers.len();
    providers.retain(|p| p.name != name);
    if providers.len() == before {
        return Err(AppError::NotFound);
    }
    let candidate = state
        .candidate(providers, state.db.admin_campaigns().await?)
        .await
        .map_err(|e| build_error(e, None))?;
    state.db.delete_admin_provider(&name).await?;
    state.install(candidate);
    tracing::info!(provider = %name, "admin: provider override removed");
    Ok(Json(providers_view(&state, &state.runtime())))
}

/// One campaign as the admin API shows it.
#[derive(Debug, Serialize)]
pub struct CampaignView {
    /// `file` or `admin`.
    source: &'static str,
    #[serde(flatten)]
    config: CampaignConfig,
}

/// `GET /v1/admin/campaigns`.
pub async fn list_campaigns(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Json<Vec<CampaignView>>, AppError> {
    authorize(&state, &headers)?;
    let runtime = state.runtime();
    Ok(Json(
        runtime
            .campaigns
            .values()
            .map(|c| CampaignView {
                source: if runtime.admin_campaigns.contains(&c.id) {
                    "admin"
                } else {
                    "file"
                },
                config: c.clone(),
            })
            .collect(),
    ))
}

/// `PUT /v1/admin/campaigns/{id}`: creates or replaces a campaign: the `[[campaigns]]`
/// table as JSON (`version`, `cost_cap_usd`, `budgets`, `dedup`, `integrations` with
/// their order, enabled flag, field mapping, rules, timeouts, retries and fail mode).
/// A changed configuration needs a new `version`: versions are immutable.
pub async fn put_campaign(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CampaignView>, AppError> {
    authorize(&state, &headers)?;
    check_id("campaign id", &id)?;
    let value = object_with(&body, "id", &id)?;
    let campaign: CampaignConfig = serde_json::from_value(value)
        .map_err(|e| AppError::BadRequest(format!("campaign: {e}")))?;
    if campaign.version.trim().is_empty() {
        return Err(AppError::BadRequest("campaign: version is empty".into()));
    }
    if campaign
        .cost_cap_usd
        .is_some_and(|c| !c.is_finite() || c < 0.0)
    {
        return Err(AppError::BadRequest(
            "campaign: cost_cap_usd must be a non-negative number".into(),
        ));
    }
    let _one_at_a_time = state.admin_lock.lock().await;
    let mut campaigns = state.db.admin_campaigns().await?;
    campaigns.retain(|c| c.id != id);
    campaigns.push(campaign.clone());
    let candidate = state
        .candidate(state.db.admin_providers().await?, campaigns)
        .await
        .map_err(|e| build_error(e, None))?;
    state.db.put_admin_campaign(&campaign).await?;
    state.install(candidate);
    tracing::info!(campaign = %id, version = %campaign.version, "admin: campaign stored");
    Ok(Json(CampaignView {
        source: "admin",
        config: campaign,
    }))
}

/// `POST /v1/admin/reload`: rebuilds from the config and the stored overrides (after
/// another instance changed them).
pub async fn reload(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Json<ProvidersView>, AppError> {
    authorize(&state, &headers)?;
    let _one_at_a_time = state.admin_lock.lock().await;
    let candidate = state
        .candidate(
            state.db.admin_providers().await?,
            state.db.admin_campaigns().await?,
        )
        .await
        .map_err(|e| build_error(e, None))?;
    state.install(candidate);
    tracing::info!("admin: reloaded");
    Ok(Json(providers_view(&state, &state.runtime())))
}
