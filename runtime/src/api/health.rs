//! `GET /api/health` (and `HEAD`): always 200; superusers also get `canBackup`, `realIP` and
//! `possibleProxyHeader`. Note the success body's `code` key (not `status`).
//! See `../shared/spec/files-batch-settings-misc.md` §3.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use http::HeaderMap;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{Auth, RawQuery};
use crate::http::response;

#[derive(Serialize)]
struct Health {
    message: &'static str,
    code: u16,
    data: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SuperuserHealth {
    can_backup: bool,
    #[serde(rename = "realIP")]
    real_ip: String,
    possible_proxy_header: String,
}

/// Headers proxies commonly set, checked when no trusted proxy header is configured.
const KNOWN_PROXY_HEADERS: &[&str] = &["CF-Connecting-IP", "Fly-Client-IP", "X-Forwarded-For"];

/// The handler.
pub async fn health(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    auth: Auth,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let data = if auth.is_superuser() {
        let settings = app.settings();
        let possible_proxy_header = if settings.trusted_proxy.headers.is_empty() {
            KNOWN_PROXY_HEADERS.iter().find(|h| headers.contains_key(**h)).map(|h| (*h).to_owned())
        } else {
            None
        };
        serde_json::to_value(SuperuserHealth {
            can_backup: true,
            real_ip: peer.ip().to_string(),
            possible_proxy_header: possible_proxy_header.unwrap_or_default(),
        })
        .map_err(|e| ApiError::internal(&e))?
    } else {
        Value::Object(Map::new())
    };
    response::json(&query, &Health { message: "API is healthy.", code: 200, data })
}
