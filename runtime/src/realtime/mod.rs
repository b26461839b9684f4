//! Realtime over server-sent events, as PocketBase's SDKs expect it: clients connect to
//! `GET /api/realtime`, get `PB_CONNECT` with their id, set their subscriptions with
//! `POST /api/realtime`, and receive `{action, record}` for every committed record change they
//! may see (list rule for `collection/*`, view rule for `collection/id`, evaluated with the
//! client's own auth). See `../shared/spec/realtime.md`.
//!
//! - `topic`: subscription strings and their `?options=`.
//! - `message`: the SSE wire format.
//! - `client`, `broker`: connected clients and their bounded queues.
//! - `access`: rule and filter checks for one subscriber, in memory where possible.
//! - `dispatch`: turns committed record events into messages.

pub mod access;
pub mod broker;
pub mod client;
pub mod dispatch;
pub mod message;
pub mod topic;

pub use broker::Broker;
pub use client::Client;
