//! `POST /v1/leads`: parse, CORS, rate limit, checks, bot verification, lane, reply,
//! and forwarding after the reply.
use super::net::{now_ms, random};
use super::{bot, forward, header, html, internal, json, redirect, Edge};
use crate::cors::{self, Cors};
use crate::error::ApiError;
use crate::lane::{decide, fold_bot, Reply};
use crate::limits::Hit;
use crate::submission::{self, BodyKind, MAX_BODY_BYTES};
use futures_util::future::join;
use leadgate_checks::{assess, Lane, ReasonCode};
use leadgate_protocol::{lead_id, mint_booking_token, BookingClaims, EdgeVerdict, IntakeEnvelope};
use worker::{Context, Request, Response};

pub async fn submit(edge: &Edge, req: &mut Request, ctx: &Context) -> Result<Response, ApiError> {
    let origin = header(req, "Origin");
    let declared: Option<usize> = header(req, "Content-Length").and_then(|v| v.parse().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(submission::too_large());
    }
    let kind = submission::body_kind(header(req, "Content-Type").as_deref())?;
    let body = req
        .bytes()
        .await
        .map_err(|_| ApiError::new(400, "malformed_body", "the body could not be read"))?;
    let sub = submission::parse(kind, &body)?;
    let site = edge
        .sites()
        .get(&sub.site)
        .ok_or_else(ApiError::unknown_site)?;
    let cors = cors::for_site(site, origin.as_deref());
    if cors == Cors::Deny {
        return Err(ApiError::origin_not_allowed());
    }
    let cors_headers = cors::headers(&cors);
    let with_cors =
        |e: ApiError| -> Result<Response, ApiError> { json(e.status, e.body(), &cors_headers) };

    let ip = header(req, "CF-Connecting-IP").unwrap_or_else(|| "unknown".to_owned());
    let mut lead = sub.lead;
    lead.ip = (ip != "unknown").then(|| ip.clone());
    lead.user_agent = header(req, "User-Agent").map(|ua| ua.chars().take(512).collect());
    // The checks are pure, so they run while the Limiter's answer is on its way (its
    // request is sent when `join` first polls it); a limited lead's assessment is dropped.
    // Nothing that leaves the Worker (bot verification, forwarding) starts before the
    // limiter has allowed the lead.
    let (limited, assessment) = join(rate_limit(edge, &site.id, &ip), async {
        assess(&lead, &site.policy)
    })
    .await;
    match limited {
        Ok(None) => {}
        Ok(Some(scope)) => {
            let mut e = ApiError::rate_limited(scope);
            e.message = format!("{} ({})", e.message, ReasonCode::INT04);
            return with_cors(e);
        }
        // A limiter outage must not turn leads away.
        Err(e) => worker::console_error!("rate limiter unavailable: {e}"),
    }
    let fingerprint = match serde_json::to_value(&assessment.fingerprint) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    };
    let wants_html =
        kind == BodyKind::Form && header(req, "Accept").is_some_and(|a| a.contains("text/html"));
    let checked = bot::check(
        &edge.env,
        edge.settings(),
        site,
        sub.bot_token.as_deref(),
        sub.surface.as_deref(),
        lead.ip.as_deref(),
        lead.user_agent.as_deref(),
        wants_html,
    )
    .await;
    let bot_unavailable = checked.as_ref().is_some_and(|c| c.unavailable);
    let bot = checked.map(|c| c.outcome);
    let verdict = fold_bot(assessment.verdict.clone(), bot.as_ref(), &site.policy);
    let decision = decide(
        &verdict,
        bot.as_ref(),
        bot_unavailable,
        site.mode,
        &site.policy,
    );

    let now = now_ms();
    let id = lead_id(now, random::<10>());
    let booking_url = match decision.booking {
        true => booking_url(edge, req, site, &id, &lead)?,
        false => None,
    };
    if decision.forward {
        let envelope = IntakeEnvelope {
            lead_id: id.clone(),
            site: site.id.clone(),
            campaign: site.campaign.clone(),
            received_at: now as i64,
            lead,
            edge: EdgeVerdict {
                lane: verdict.lane,
                reasons: verdict.reasons.clone(),
                score: verdict.score,
                fingerprint,
                rule_version: site.policy.version.clone(),
                bot,
            },
            page_url: sub.page_url,
        };
        let body = serde_json::to_string(&envelope).map_err(|_| ApiError::internal())?;
        ctx.wait_until(forward::forward_or_enqueue(
            edge.env.clone(),
            edge.settings().clone(),
            id.clone(),
            body,
        ));
    }

    let reply = Reply::new(id, &decision, booking_url);
    if wants_html {
        if let Some(thanks) = &site.thanks_url {
            let mut pairs = vec![("lane", lane_name(reply.lane).to_owned())];
            if let Some(url) = &reply.booking_url {
                pairs.push(("booking_url", url.clone()));
            }
            let query = serde_urlencoded::to_string(pairs).map_err(|_| ApiError::internal())?;
            let sep = if thanks.contains('?') { '&' } else { '?' };
            return redirect(303, &format!("{thanks}{sep}{query}"));
        }
        let status = if reply.lane == Lane::Block { 422 } else { 200 };
        return html(status, crate::pages::form_result(&reply));
    }
    let body = serde_json::to_string(&reply).map_err(|_| ApiError::internal())?;
    json(200, body, &cors_headers)
}

fn lane_name(lane: Lane) -> &'static str {
    match lane {
        Lane::Block => "block",
        Lane::Review => "review",
        Lane::FastTrack => "fast_track",
    }
}

fn booking_url(
    edge: &Edge,
    req: &Request,
    site: &crate::config::SiteConfig,
    id: &str,
    lead: &leadgate_checks::LeadInput,
) -> Result<Option<String>, ApiError> {
    let Some(key) = super::secret(&edge.env, "LEADGATE_BOOKING_KEY") else {
        worker::console_error!("LEADGATE_BOOKING_KEY is not set; no booking link minted");
        return Ok(None);
    };
    let name = [lead.first_name.as_deref(), lead.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let claims = BookingClaims {
        lead_id: id.to_owned(),
        campaign: site.campaign.clone(),
        site: site.id.clone(),
        exp: super::net::now_s() + site.booking_ttl_secs,
        name,
        email: lead.email.clone().unwrap_or_default(),
    };
    let token = mint_booking_token(key.as_bytes(), &claims);
    let url = req.url().map_err(internal)?;
    Ok(Some(format!(
        "{}/v1/book/{token}",
        url.origin().ascii_serialization()
    )))
}

/// `Ok(None)` when allowed, `Ok(Some("IP address" | "site"))` when over a limit. The hit
/// goes in the URL and the answer comes back as a status (see [`Hit`]).
async fn rate_limit(edge: &Edge, site: &str, ip: &str) -> worker::Result<Option<&'static str>> {
    let s = edge.settings();
    let stub = edge
        .env
        .durable_object("LIMITER")?
        .id_from_name(&format!("site:{site}"))?
        .get_stub()?;
    let hit = Hit {
        ip: ip.to_owned(),
        per_ip: s.rate_per_ip,
        per_site: s.rate_per_site,
        window_ms: s.rate_window_ms,
    };
    let response = stub
        .fetch_with_str(&format!("https://limiter/hit?{}", hit.to_query()))
        .await?;
    Ok(match response.status_code() {
        429 => match response
            .headers()
            .get(super::objects::LIMITED_SCOPE)?
            .as_deref()
        {
            Some("site") => Some("site"),
            _ => Some("IP address"),
        },
        _ => None,
    })
}
