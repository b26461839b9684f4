//! `DELETE /api/collections/{collection}/truncate`: deletes every record; 400 for views.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::app::App;
use crate::collections;
use crate::http::ApiError;
use crate::http::extract::RequireSuperuser;

/// The handler.
pub async fn truncate(
    State(app): State<App>,
    _su: RequireSuperuser,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let collection = super::find(&app, &name)?;
    collections::truncate::truncate(&app, &collection.id)
        .await
        .map_err(|e| super::collection_error(e, "Failed to truncate collection."))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
