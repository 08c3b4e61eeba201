//! `leadgate serve`: the HTTP server plus its background workers (queue, postback
//! outbox, retention purge), all stopped by one shutdown future. Takes its listener
//! so tests can bind 127.0.0.1:0.
mod purge;

pub use purge::purge_once;

use crate::api::app;
use crate::state::SharedState;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Serves until `shutdown` resolves, then stops the workers (in-flight leads get up
/// to 10 s to finish; anything left is resumed from the queue on the next start).
pub async fn serve(
    state: SharedState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let queue = tokio::spawn(crate::queue::run(
        state.clone(),
        stop_rx.clone(),
        Duration::from_secs(10),
    ));
    let postbacks = tokio::spawn(crate::postback::run(state.clone(), stop_rx.clone()));
    let purge = tokio::spawn(purge::run(state.clone(), stop_rx));
    state.ready.store(true, Ordering::Relaxed);
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, database = ?state.db.backend(), "leadgate listening");
    }
    let result = axum::serve(listener, app(state.clone()))
        .with_graceful_shutdown(shutdown)
        .await;
    state.ready.store(false, Ordering::Relaxed);
    let _ = stop_tx.send(true);
    let _ = tokio::join!(queue, postbacks, purge);
    result
}
