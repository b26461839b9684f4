//! `POST /api/collections`: creates a collection (table, indexes, `_collections` row) from the
//! submitted JSON; answers 200 with the stored collection.

use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use crate::app::App;
use crate::collections;
use crate::http::ApiError;
use crate::http::extract::{BodyError, FormBody, RawQuery, RequireSuperuser};
use crate::http::response;
use crate::model::collection::Secrets;
use crate::model::collection::input::LoadError;

/// The handler.
pub async fn create(
    State(app): State<App>,
    _su: RequireSuperuser,
    query: RawQuery,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let body = body_value(body)?;
    let collection = collections::save::create(&app, body)
        .await
        .map_err(|e| super::collection_error(e, "Failed to create collection."))?;
    response::json(&query, &collection.ordered_json(Secrets::Strip))
}

/// The body as JSON; malformed bodies get the collection "type data" load error.
pub fn body_value(body: Result<FormBody, BodyError>) -> Result<Value, ApiError> {
    match body {
        Ok(form) => Ok(Value::Object(form.fields)),
        Err(BodyError::Malformed) => Err(ApiError::bad_request(LoadError::TypeData.to_string())),
        Err(other) => Err(other.into()),
    }
}
