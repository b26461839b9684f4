//! `GET /api/hooks` (superusers): loaded modules (name, hash, hooks, routes, crons), the load
//! error of each file that currently fails, and the most recent hook failures.

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use crate::app::App;
use crate::http::extract::auth::RequireSuperuser;

/// The handler.
pub async fn status(State(app): State<App>, _superuser: RequireSuperuser) -> Json<Value> {
    Json(app.hooks().status())
}
