//! The Leadgate edge: a Cloudflare Worker (workers-rs) that judges every lead with the
//! shared checks crate, verifies bot defenses, gates booking links and forwards the
//! survivors to the backend through a durable outbox.
//!
//! Everything that decides something is a plain Rust module with native unit tests;
//! only the glue that talks to the Workers runtime (fetch entry, Durable Objects,
//! outbound fetches) is compiled for `wasm32` alone.
//!
//! Routes: `POST /v1/leads`, `GET /v1/challenge?site=`, `GET /v1/config/<site>`,
//! `GET /v1/book/<token>`, `GET /healthz`. See `docs/edge.md`.

pub mod calendar;
pub mod config;
pub mod cors;
pub mod error;
pub mod lane;
pub mod limits;
pub mod pages;
pub mod route;
pub mod submission;
pub mod verify;

#[cfg(target_arch = "wasm32")]
mod edge;
