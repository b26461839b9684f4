//! `PUT /api/collections/import`: `{"collections": [...], "deleteMissing": bool}`, applied
//! all or nothing; 204 on success.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::Value;

use crate::app::App;
use crate::collections;
use crate::http::ApiError;
use crate::http::extract::{BodyError, FormBody, RequireSuperuser};
use crate::model::{FieldError, ValidationErrors};

const LOAD_ERROR: &str = "An error occurred while loading the submitted data.";

/// The handler.
pub async fn import(
    State(app): State<App>,
    _su: RequireSuperuser,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| match e {
        BodyError::Malformed => ApiError::bad_request(LOAD_ERROR),
        other => other.into(),
    })?;
    let items = match body.get_ci("collections") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return Err(ApiError::bad_request(LOAD_ERROR)),
    };
    let delete_missing = match body.get_ci("deleteMissing") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::bad_request(LOAD_ERROR)),
    };
    if items.is_empty() {
        return Err(ApiError::validation(
            "An error occurred while validating the submitted data.",
            &ValidationErrors::single("collections", FieldError::required()),
        ));
    }
    collections::import::import(&app, items, delete_missing)
        .await
        .map_err(|e| super::collection_error(e, "Failed to import collections."))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
