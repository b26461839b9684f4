//! `DELETE /api/collections/{collection}/records/{id}`: 204, with relation integrity.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::Requester;
use crate::records;

/// The handler.
pub async fn delete(
    State(app): State<App>,
    Path((name, id)): Path<(String, String)>,
    Requester(request): Requester,
) -> Result<Response, ApiError> {
    let collection = super::collection(&app, &name)?;
    if let Err(error) = records::delete::delete(&app, &collection, &id, &request).await {
        return super::failed(error);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
