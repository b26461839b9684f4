//! wasmbase's own hook endpoints (no PocketBase counterpart): `GET /api/hooks` shows what is
//! loaded, load errors and recent hook failures; `POST /api/hooks/reload` rescans `pb_hooks`.

pub mod reload;
pub mod status;
