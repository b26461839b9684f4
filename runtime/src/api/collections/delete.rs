//! `DELETE /api/collections/{collection}`: 204, or 400 for system collections and collections
//! that relation fields of others point at.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::app::App;
use crate::collections;
use crate::http::ApiError;
use crate::http::extract::RequireSuperuser;

/// The handler.
pub async fn delete(
    State(app): State<App>,
    _su: RequireSuperuser,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let collection = super::find(&app, &name)?;
    collections::delete::delete(&app, &collection.id)
        .await
        .map_err(|e| super::collection_error(e, "Failed to delete collection."))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
