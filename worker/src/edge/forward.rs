//! Forwarding: sign the envelope and post it to the backend; anything but a 2xx puts the
//! lead into the outbox Durable Object, which retries until the backend takes it.
use super::net::{now_s, post};
use super::secret;
use crate::config::EdgeSettings;
use crate::limits::{classify, Delivery};
use leadgate_protocol::envelope::{sign_envelope, HEADER_IDEMPOTENCY_KEY};
use std::time::Duration;
use worker::{console_error, Delay, Env, Headers, Method, Request, RequestInit};

/// Signs `body` now and posts it once; the outcome as a [`Delivery`].
pub async fn deliver(env: &Env, settings: &EdgeSettings, lead_id: &str, body: &str) -> Delivery {
    let Some(key) = secret(env, "LEADGATE_EDGE_KEY") else {
        console_error!("LEADGATE_EDGE_KEY is not set; lead {lead_id} stays in the outbox");
        return Delivery::Retry;
    };
    let signed = sign_envelope(
        key.as_bytes(),
        &settings.edge_key_id,
        now_s(),
        body.as_bytes(),
    );
    let mut headers: Vec<(&str, String)> = signed.pairs().into_iter().collect();
    headers.push(("Content-Type", "application/json".to_owned()));
    headers.push((HEADER_IDEMPOTENCY_KEY, lead_id.to_owned()));
    let url = format!("{}/v1/intake", settings.backend_url.trim_end_matches('/'));
    let status = post(&url, &headers, body.to_owned(), settings.backend_timeout_ms)
        .await
        .ok()
        .map(|(s, _)| s);
    classify(status)
}

/// Runs after the reply (inside `ctx.wait_until`): deliver now or hand to the outbox.
pub async fn forward_or_enqueue(env: Env, settings: EdgeSettings, lead_id: String, body: String) {
    // Start on a later turn of the event loop. `wait_until` polls this future at once, so
    // the signing, the outbound request and (in a fresh isolate) the compilation of all
    // that code would otherwise run before the visitor's reply leaves the Worker.
    Delay::from(Duration::ZERO).await;
    let path = match deliver(&env, &settings, &lead_id, &body).await {
        Delivery::Delivered => return,
        Delivery::Retry => "/enqueue",
        Delivery::Rejected => "/reject",
    };
    if let Err(e) = enqueue(&env, path, &lead_id, body).await {
        console_error!("outbox enqueue failed for lead {lead_id}: {e}");
    }
}

async fn enqueue(env: &Env, path: &str, lead_id: &str, body: String) -> worker::Result<()> {
    let stub = env
        .durable_object("OUTBOX")?
        .id_from_name("outbox")?
        .get_stub()?;
    let headers = Headers::new();
    headers.set("X-Lead-Id", lead_id)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let response = stub
        .fetch_with_request(Request::new_with_init(
            &format!("https://outbox{path}"),
            &init,
        )?)
        .await?;
    if response.status_code() == 202 {
        Ok(())
    } else {
        Err(worker::Error::RustError(format!(
            "outbox answered {}",
            response.status_code()
        )))
    }
}

/// Outbox counters (`GET /v1/outbox` with the admin token).
pub async fn stats(env: &Env) -> worker::Result<String> {
    let stub = env
        .durable_object("OUTBOX")?
        .id_from_name("outbox")?
        .get_stub()?;
    stub.fetch_with_str("https://outbox/stats")
        .await?
        .text()
        .await
}
