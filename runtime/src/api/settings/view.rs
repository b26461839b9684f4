//! `GET /api/settings`: the current settings without secrets.

use axum::extract::State;
use axum::response::Response;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, RequireSuperuser};
use crate::http::response;

/// The handler.
pub async fn view(
    State(app): State<App>,
    _su: RequireSuperuser,
    query: RawQuery,
) -> Result<Response, ApiError> {
    response::json(&query, &app.settings().to_api_json())
}
