//! Durable Objects: [`Gate`] (accept a token once), [`Limiter`] (rate limits) and
//! [`Outbox`] (durable, retrying delivery to the backend).
use super::forward;
use super::net::now_ms;
use crate::config::EdgeSettings;
use crate::limits::{backoff_ms, Delivery, Hit, Windows};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, ScheduledTime, State};

/// An absolute alarm time (an `i64` would be read as an offset from now).
fn at(unix_ms: u64) -> ScheduledTime {
    ScheduledTime::new(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        unix_ms as f64,
    )))
}

/// Accepts each name once. One instance per token (`book:<lead id>`, `pow:<challenge>`),
/// so a replay fails everywhere, not only in one location.
#[durable_object(alarm)]
#[allow(missing_debug_implementations)] // runtime handles (State, Env) are not Debug
pub struct Gate {
    state: State,
}

#[derive(Serialize, Deserialize)]
pub struct Claim {
    /// Unix ms after which the record may be forgotten (the token is expired by then).
    pub forget_at_ms: u64,
}

impl DurableObject for Gate {
    fn new(state: State, _env: Env) -> Self {
        Gate { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let claim: Claim = req.json().await?;
        let storage = self.state.storage();
        if storage.get::<bool>("used").await?.unwrap_or(false) {
            return Response::ok("used").map(|r| r.with_status(409));
        }
        storage.put("used", true).await?;
        storage.set_alarm(at(claim.forget_at_ms)).await?;
        Response::ok("first")
    }

    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::ok("forgotten")
    }
}

/// Fixed-window counters for one site: the site as a whole and each IP on it.
#[durable_object(fetch)]
#[derive(Debug)]
pub struct Limiter {
    windows: RefCell<Windows>,
}

/// The header naming the exceeded limit (`ip` or `site`) on the Limiter's 429.
pub const LIMITED_SCOPE: &str = "X-Limited-Scope";

impl DurableObject for Limiter {
    fn new(_state: State, _env: Env) -> Self {
        Limiter {
            windows: RefCell::new(Windows::default()),
        }
    }

    /// 204 when the hit is within both limits, else 429 with [`LIMITED_SCOPE`].
    async fn fetch(&self, req: Request) -> Result<Response> {
        let url = req.url()?;
        let hit = Hit::from_query(url.query().unwrap_or(""))
            .ok_or_else(|| worker::Error::RustError("limiter: malformed hit".to_owned()))?;
        let now = now_ms();
        let mut w = self.windows.borrow_mut();
        if w.len() > 10_000 {
            w.prune(now, hit.window_ms);
        }
        let site_ok = w.hit("site", now, hit.per_site, hit.window_ms);
        let ip_ok = w.hit(&format!("ip:{}", hit.ip), now, hit.per_ip, hit.window_ms);
        let scope = match (ip_ok, site_ok) {
            (false, _) => "ip",
            (_, false) => "site",
            _ => return Ok(Response::empty()?.with_status(204)),
        };
        let response = Response::empty()?.with_status(429);
        response.headers().set(LIMITED_SCOPE, scope)?;
        Ok(response)
    }
}

/// One pending delivery.
#[derive(Serialize, Deserialize)]
struct Pending {
    lead_id: String,
    body: String,
    attempts: u32,
    next_at_ms: u64,
}

/// The durable outbox: leads the backend did not take at once wait here and are
/// retried with exponential backoff by alarms until the backend answers 2xx.
#[durable_object(alarm)]
#[allow(missing_debug_implementations)] // runtime handles (State, Env) are not Debug
pub struct Outbox {
    state: State,
    env: Env,
}

impl Outbox {
    async fn schedule(&self, at_ms: u64) -> Result<()> {
        let storage = self.state.storage();
        match storage.get_alarm().await? {
            Some(current) if current as u64 <= at_ms => Ok(()),
            _ => storage.set_alarm(at(at_ms)).await,
        }
    }
}

impl DurableObject for Outbox {
    fn new(state: State, env: Env) -> Self {
        Outbox { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        let storage = self.state.storage();
        if path == "/stats" {
            let pending = storage
                .list_with_options(worker::ListOptions::new().prefix("lead:"))
                .await?
                .size();
            let rejected = storage
                .list_with_options(worker::ListOptions::new().prefix("rejected:"))
                .await?
                .size();
            return Response::from_json(
                &serde_json::json!({"pending": pending, "rejected": rejected}),
            );
        }
        let rejected = path == "/reject";
        let lead_id = req.headers().get("X-Lead-Id")?.unwrap_or_default();
        let body = req.text().await?;
        let key = format!("{}:{lead_id}", if rejected { "rejected" } else { "lead" });
        if storage.get::<String>(&key).await?.is_none() {
            let now = now_ms();
            let pending = Pending {
                lead_id,
                body,
                attempts: 0,
                next_at_ms: now,
            };
            storage.put(&key, serde_json::to_string(&pending)?).await?;
            if !rejected {
                self.schedule(now).await?;
            }
        }
        Ok(Response::empty()?.with_status(202))
    }

    async fn alarm(&self) -> Result<Response> {
        let settings =
            EdgeSettings::from_vars(|name| self.env.var(name).ok().map(|v| v.to_string()));
        let storage = self.state.storage();
        let map = storage
            .list_with_options(worker::ListOptions::new().prefix("lead:"))
            .await?;
        let now = now_ms();
        let mut next: Option<u64> = None;
        for entry in map.entries() {
            let pair: js_sys::Array = entry?.into();
            let key = pair.get(0).as_string().unwrap_or_default();
            let stored = pair.get(1).as_string().unwrap_or_default();
            let Ok(mut p) = serde_json::from_str::<Pending>(&stored) else {
                continue;
            };
            if p.next_at_ms > now {
                next = Some(next.map_or(p.next_at_ms, |n| n.min(p.next_at_ms)));
                continue;
            }
            match forward::deliver(&self.env, &settings, &p.lead_id, &p.body).await {
                Delivery::Delivered => {
                    storage.delete(&key).await?;
                }
                Delivery::Rejected => {
                    storage.delete(&key).await?;
                    storage
                        .put(
                            &format!("rejected:{}", p.lead_id),
                            serde_json::to_string(&p)?,
                        )
                        .await?;
                }
                Delivery::Retry => {
                    p.next_at_ms = now_ms()
                        + backoff_ms(p.attempts, settings.outbox_base_ms, settings.outbox_max_ms);
                    p.attempts += 1;
                    storage.put(&key, serde_json::to_string(&p)?).await?;
                    // The backend is not taking leads: one probe per backoff step, not one
                    // per pending lead. The rest stay due and go with the next alarm.
                    next = Some(p.next_at_ms);
                    break;
                }
            }
        }
        if let Some(next_at) = next {
            storage.set_alarm(at(next_at)).await?;
        }
        Response::ok("done")
    }
}
