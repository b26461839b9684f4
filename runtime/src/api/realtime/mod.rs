//! `/api/realtime`: the SSE stream (`GET`) and the subscription setter (`POST`).
//! See `../shared/spec/realtime.md`.

pub mod connect;
pub mod subscribe;
