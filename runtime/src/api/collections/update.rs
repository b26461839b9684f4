//! `PATCH /api/collections/{collection}`: merges the submitted keys into the collection
//! (nested option objects key by key; `fields` and `indexes` replace the lists), migrates the
//! table, and answers 200 with the updated collection.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::App;
use crate::collections;
use crate::http::ApiError;
use crate::http::extract::{BodyError, FormBody, RawQuery, RequireSuperuser};
use crate::http::response;
use crate::model::collection::Secrets;

/// The handler.
pub async fn update(
    State(app): State<App>,
    _su: RequireSuperuser,
    Path(name): Path<String>,
    query: RawQuery,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let existing = super::find(&app, &name)?;
    let body = super::create::body_value(body)?;
    let collection = collections::save::update(&app, &existing.id, body)
        .await
        .map_err(|e| super::collection_error(e, "Failed to update collection."))?;
    response::json(&query, &collection.ordered_json(Secrets::Strip))
}
