//! `POST /api/hooks/reload` (superusers): rescans `pb_hooks` now (for mounts where file
//! watching does not work, or `--hooksWatch=false`), then answers like `GET /api/hooks`.

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use crate::app::App;
use crate::http::extract::auth::RequireSuperuser;

/// The handler.
pub async fn reload(State(app): State<App>, _superuser: RequireSuperuser) -> Json<Value> {
    crate::hooks::reload(&app).await;
    Json(app.hooks().status())
}
