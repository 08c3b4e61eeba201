//! The Workers runtime glue (wasm32 only): the fetch entry, the route handlers and the
//! Durable Objects. Decisions live in the pure modules; this file moves bytes.
mod bot;
mod forward;
mod leads;
mod net;
mod objects;

use crate::config::{EdgeConfig, EdgeSettings, Sites, VARS};
use crate::cors::{self, Cors};
use crate::error::ApiError;
use crate::pages::{self, BookingProblem};
use crate::route::{route, Route};
use leadgate_protocol::{pow, verify_booking_token, TokenError};
use net::{now_ms, now_s, random};
use std::cell::RefCell;
use std::rc::Rc;
use worker::{event, Context, Env, Headers, Method, Request, RequestInit, Response};

// The Durable Object classes (`Gate`, `Limiter`, `Outbox`) are exported to JavaScript by
// `#[durable_object]` itself; the shim re-exports them.

/// A secret (or, for local dev, a var) by binding name; `None` when unset or empty.
pub(crate) fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|s| !s.is_empty())
}

/// The values of [`VARS`], in order, that a configuration was built from.
type VarValues = Vec<Option<String>>;

thread_local! {
    /// The isolate's configuration and the var values it was built from. Vars are fixed
    /// for a deployed version, so this is built on an isolate's first request and then
    /// only compared (by value, so a changed var can never be served stale).
    static CONFIG: RefCell<Option<(VarValues, Rc<EdgeConfig>)>> = const { RefCell::new(None) };
}

/// The runtime handles and the configuration for this request.
pub(crate) struct Edge {
    pub env: Env,
    pub config: Rc<EdgeConfig>,
}

impl Edge {
    fn load(env: Env) -> Result<Edge, ApiError> {
        let raw: VarValues = VARS
            .iter()
            .map(|name| env.var(name).ok().map(|v| v.to_string()))
            .collect();
        let cached = CONFIG.with_borrow(|c| {
            c.as_ref()
                .filter(|(built_from, _)| *built_from == raw)
                .map(|(_, config)| Rc::clone(config))
        });
        let config = match cached {
            Some(config) => config,
            None => {
                let var = |name: &str| {
                    let i = VARS.iter().position(|v| *v == name)?;
                    raw[i].clone()
                };
                let config = Rc::new(EdgeConfig::from_vars(var).map_err(|e| {
                    worker::console_error!("{e}");
                    ApiError::internal()
                })?);
                CONFIG.set(Some((raw, Rc::clone(&config))));
                config
            }
        };
        Ok(Edge { env, config })
    }

    pub fn settings(&self) -> &EdgeSettings {
        &self.config.settings
    }

    pub fn sites(&self) -> &Sites {
        &self.config.sites
    }
}

/// Asks the [`objects::Gate`] named `name` to accept it; false when it was used before.
pub(crate) async fn claim_once(env: &Env, name: &str, forget_at_ms: u64) -> worker::Result<bool> {
    let stub = env.durable_object("GATE")?.id_from_name(name)?.get_stub()?;
    let mut init = RequestInit::new();
    let body = serde_json::to_string(&objects::Claim { forget_at_ms })?;
    init.with_method(Method::Post).with_body(Some(body.into()));
    let response = stub
        .fetch_with_request(Request::new_with_init("https://gate/claim", &init)?)
        .await?;
    match response.status_code() {
        200 => Ok(true),
        409 => Ok(false),
        other => Err(worker::Error::RustError(format!("gate answered {other}"))),
    }
}

fn internal(e: worker::Error) -> ApiError {
    worker::console_error!("internal error: {e}");
    ApiError::internal()
}

/// A JSON response with extra headers.
pub(crate) fn json(
    status: u16,
    body: String,
    extra: &[(&'static str, String)],
) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/json; charset=utf-8")
        .map_err(internal)?;
    headers.set("Cache-Control", "no-store").map_err(internal)?;
    for (name, value) in extra {
        headers.set(name, value).map_err(internal)?;
    }
    Ok(Response::ok(body)
        .map_err(internal)?
        .with_status(status)
        .with_headers(headers))
}

pub(crate) fn html(status: u16, body: String) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers
        .set("Content-Type", "text/html; charset=utf-8")
        .map_err(internal)?;
    headers.set("Cache-Control", "no-store").map_err(internal)?;
    headers
        .set(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        )
        .map_err(internal)?;
    Ok(Response::ok(body)
        .map_err(internal)?
        .with_status(status)
        .with_headers(headers))
}

pub(crate) fn redirect(status: u16, location: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Location", location).map_err(internal)?;
    headers.set("Cache-Control", "no-store").map_err(internal)?;
    Ok(Response::empty()
        .map_err(internal)?
        .with_status(status)
        .with_headers(headers))
}

fn error_response(e: &ApiError, extra: &[(&'static str, String)]) -> Response {
    json(e.status, e.body(), extra)
        .or_else(|_| Response::error("internal error", 500))
        .unwrap_or_else(|_| Response::empty().expect("empty response"))
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let method = req.method();
    let which = route(method.as_ref(), &req.path());
    let edge = match Edge::load(env) {
        Ok(edge) => edge,
        Err(e) => return Ok(error_response(&e, &[])),
    };
    let result = match which {
        Route::SubmitLead => match leads::submit(&edge, &mut req, &ctx).await {
            Ok(response) => Ok(response),
            // Errors found before the site is known still reach a browser on an allowed
            // origin, so the snippet can show them.
            Err(e) => {
                let origin = header(&req, "Origin");
                let cors = cors::for_preflight(edge.sites(), None, origin.as_deref());
                return Ok(error_response(&e, &cors::headers(&cors)));
            }
        },
        Route::Preflight => preflight(&edge, &req),
        Route::Challenge => challenge(&edge, &req),
        Route::Config(site) => config(&edge, &site),
        Route::Book(token) => book(&edge, &token).await,
        Route::Health => json(200, r#"{"ok":true}"#.to_owned(), &[]),
        Route::OutboxStats => outbox_stats(&edge, &req).await,
        Route::NotFound => Err(ApiError::not_found()),
        Route::MethodNotAllowed => Err(ApiError::method_not_allowed()),
    };
    Ok(result.unwrap_or_else(|e| error_response(&e, &[])))
}

async fn outbox_stats(edge: &Edge, req: &Request) -> Result<Response, ApiError> {
    let expected = secret(&edge.env, "LEADGATE_ADMIN_TOKEN");
    let given = header(req, "Authorization");
    let authorised = match (expected, given) {
        (Some(want), Some(got)) => {
            crate::verify::constant_time_eq(got.as_bytes(), format!("Bearer {want}").as_bytes())
        }
        _ => false,
    };
    if !authorised {
        return Err(ApiError::new(
            401,
            "unauthorized",
            "a valid admin bearer token is required",
        ));
    }
    let body = forward::stats(&edge.env).await.map_err(internal)?;
    json(200, body, &[])
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

fn query(req: &Request, name: &str) -> Option<String> {
    req.url()
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn preflight(edge: &Edge, req: &Request) -> Result<Response, ApiError> {
    let site = query(req, "site");
    match cors::for_preflight(
        edge.sites(),
        site.as_deref(),
        header(req, "Origin").as_deref(),
    ) {
        Cors::Deny => Err(ApiError::origin_not_allowed()),
        decision => {
            let headers = Headers::new();
            for (name, value) in cors::headers(&decision) {
                headers.set(name, &value).map_err(internal)?;
            }
            Ok(Response::empty()
                .map_err(internal)?
                .with_status(204)
                .with_headers(headers))
        }
    }
}

fn challenge(edge: &Edge, req: &Request) -> Result<Response, ApiError> {
    let site_id = query(req, "site")
        .ok_or_else(|| ApiError::new(400, "missing_site", "query parameter `site` is required"))?;
    let site = edge
        .sites()
        .get(&site_id)
        .ok_or_else(ApiError::unknown_site)?;
    let crate::config::BotConfig::Pow { difficulty } = site.bot else {
        return Err(ApiError::new(
            409,
            "pow_not_enabled",
            "this site does not use proof-of-work",
        ));
    };
    let cors = cors::for_site(site, header(req, "Origin").as_deref());
    if cors == Cors::Deny {
        return Err(ApiError::origin_not_allowed());
    }
    let key = secret(&edge.env, "LEADGATE_POW_KEY").ok_or_else(|| {
        worker::console_error!("LEADGATE_POW_KEY is not set");
        ApiError::internal()
    })?;
    let c = pow::mint(
        key.as_bytes(),
        &site.id,
        difficulty,
        now_s() + edge.settings().pow_ttl_secs,
        &random::<16>(),
    );
    json(
        200,
        serde_json::to_string(&c).map_err(|_| ApiError::internal())?,
        &cors::headers(&cors),
    )
}

fn config(edge: &Edge, site_id: &str) -> Result<Response, ApiError> {
    let body = edge
        .config
        .public_body(site_id)
        .ok_or_else(ApiError::unknown_site)?
        .to_owned();
    let extra = [
        ("Access-Control-Allow-Origin", "*".to_owned()),
        ("Cache-Control", "public, max-age=60".to_owned()),
    ];
    json(200, body, &extra)
}

async fn book(edge: &Edge, token: &str) -> Result<Response, ApiError> {
    let problem = |p: BookingProblem| {
        let (status, body) = pages::booking_problem(p);
        html(status, body)
    };
    let Some(key) = secret(&edge.env, "LEADGATE_BOOKING_KEY") else {
        worker::console_error!("LEADGATE_BOOKING_KEY is not set");
        return problem(BookingProblem::NoCalendar);
    };
    let claims = match verify_booking_token(key.as_bytes(), token, now_s()) {
        Ok(c) => c,
        Err(TokenError::Expired) => return problem(BookingProblem::Expired),
        Err(TokenError::Forged | TokenError::Malformed) => return problem(BookingProblem::Invalid),
    };
    let calendar = edge
        .sites()
        .get(&claims.site)
        .filter(|s| s.campaign == claims.campaign)
        .and_then(|s| s.calendar_url.as_deref())
        .and_then(|url| crate::calendar::prefilled(url, &claims.name, &claims.email));
    let Some(target) = calendar else {
        return problem(BookingProblem::NoCalendar);
    };
    let forget_at = (claims.exp.max(0) as u64 + 60) * 1000;
    match claim_once(
        &edge.env,
        &format!("book:{}", claims.lead_id),
        forget_at.max(now_ms()),
    )
    .await
    {
        Ok(true) => redirect(302, &target),
        Ok(false) => problem(BookingProblem::AlreadyUsed),
        Err(e) => {
            worker::console_error!("booking gate unavailable: {e}");
            problem(BookingProblem::NoCalendar)
        }
    }
}
