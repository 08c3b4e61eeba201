//! leadgate-server: the backend service and the `leadgate` CLI.
//!
//! The service: [`api::app`] (axum router), [`serve::serve`] (server + workers on a
//! given listener), [`state::AppState`] (config, storage, engine), [`store::Db`]
//! (SQLite or PostgreSQL through one set of portable SQL), the job queue
//! ([`queue`]), the postback outbox with its SSRF guard ([`postback`]) and
//! Prometheus [`metrics`].

pub mod api;
pub mod cli;
pub mod config;
pub mod metrics;
pub mod postback;
pub mod providers;
pub mod queue;
pub mod serve;
pub mod state;
pub mod store;
