//! Local stand-ins for every vendor Leadgate calls, on one port.
//!
//! Each vendor is served under a path prefix (`/trestle/...`, `/ipqs/...`,
//! `/trustedform/...`, `/dncscrub/...`, `/turnstile/...`, `/recaptcha/...`, ...) with its
//! documented paths, auth and answer shapes, and deterministic answers keyed on the input
//! (the table is in [`data`] and `docs/sandbox.md`). Faults (latency, timeouts, 429 with
//! Retry-After, 5xx, malformed or surprising bodies) are injected per request or per
//! provider ([`faults`], [`admin`]). A partner postback receiver and a calendar page serve
//! the demo ([`partner`]).
//!
//! Run with `cargo run -p leadgate-sandbox -- --port 8090`, or in a test:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = leadgate_sandbox::spawn("127.0.0.1:0".parse().unwrap()).await?;
//! let trestle_base = sandbox.url("trestle"); // http://127.0.0.1:<port>/trestle
//! # let _ = trestle_base; Ok(()) }
//! ```
pub mod admin;
pub mod data;
pub mod dns;
pub mod faults;
pub mod partner;
pub mod state;
pub mod vendors;

use axum::Router;
pub use state::{FaultSpec, Postback, SandboxState};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The whole sandbox as one router.
pub fn app(state: SandboxState) -> Router {
    Router::new()
        .merge(vendors::trestle::routes())
        .merge(vendors::ipqs::routes())
        .merge(vendors::dncscrub::routes())
        .merge(vendors::trustedform::routes())
        .merge(vendors::captcha::routes())
        .merge(vendors::maxmind::routes())
        .merge(vendors::twilio::routes())
        .merge(vendors::purecallerid::routes())
        .merge(vendors::address::routes())
        .merge(partner::routes())
        .merge(admin::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .with_state(state)
}

/// Serves the sandbox on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: SandboxState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A running in-process sandbox; stops when dropped.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    state: SandboxState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl SandboxHandle {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of a vendor prefix, e.g. `url("trestle")` → `http://127.0.0.1:PORT/trestle`.
    pub fn url(&self, prefix: &str) -> String {
        format!("http://{}/{}", self.addr, prefix.trim_matches('/'))
    }

    /// Shared state (faults, call counts, postbacks).
    pub fn state(&self) -> &SandboxState {
        &self.state
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts the sandbox on `addr` (use port 0 in tests) in the current tokio runtime.
pub async fn spawn(addr: SocketAddr) -> std::io::Result<SandboxHandle> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state = SandboxState::default();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    tokio::spawn(async move {
        let _ = serve(listener, st, async move {
            let _ = rx.await;
        })
        .await;
    });
    Ok(SandboxHandle {
        addr,
        state,
        stop: Some(tx),
    })
}
