//! wasmbase: a backend in one binary that speaks PocketBase 0.40's Web API, stores data in
//! embedded libSQL under `pb_data/`, and is extended with WebAssembly hooks from `pb_hooks/`.
//!
//! Layers, bottom up (dependencies point one way): `model` and `query` (pure), `store`
//! (libSQL), `auth` (passwords, tokens), `records` (the one write path), `app` (the running
//! instance), `api` (one file per endpoint), `http` (axum glue), `server` and `cli`.
//! The map is `docs/architecture.md`.

#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod collections;
pub mod files;
pub mod hooks;
pub mod http;
pub mod model;
pub mod query;
pub mod realtime;
pub mod records;
pub mod server;
pub mod store;

pub use app::{App, AppConfig};
pub use server::{RunningServer, Server};
