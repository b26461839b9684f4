//! JSON success responses: `Content-Type: application/json` (no charset, as PocketBase), and
//! the `?fields=` picker applied to every 2xx JSON body. See `../shared/spec/records.md`
//! (fields).

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde::Serialize;

use super::ApiError;
use super::extract::RawQuery;
use crate::query::fields::FieldsPicker;

/// A 200 JSON response of `value`, narrowed by the request's `fields` parameter.
pub fn json<T: Serialize>(query: &RawQuery, value: &T) -> Result<Response, ApiError> {
    json_with_status(StatusCode::OK, query, value)
}

/// A JSON response with `status`, narrowed by the request's `fields` parameter.
pub fn json_with_status<T: Serialize>(
    status: StatusCode,
    query: &RawQuery,
    value: &T,
) -> Result<Response, ApiError> {
    let body = match query.get("fields").map(FieldsPicker::parse) {
        Some(Ok(picker)) if !picker.is_empty() => {
            let value = serde_json::to_value(value).map_err(|e| ApiError::internal(&e))?;
            serde_json::to_vec(&picker.apply(value))
        }
        Some(Err(_)) => return Err(ApiError::bad_request_default()),
        _ => serde_json::to_vec(value),
    }
    .map_err(|e| ApiError::internal(&e))?;
    Ok(raw_json(status, body))
}

/// A JSON response from already serialized bytes.
pub fn raw_json(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(CONTENT_TYPE, "application/json")], body).into_response()
}

/// A 200 list envelope; `?fields=` applies to each of `items`, the other keys are kept.
pub fn json_list(query: &RawQuery, mut envelope: serde_json::Value) -> Result<Response, ApiError> {
    match query.get("fields").map(FieldsPicker::parse) {
        Some(Ok(picker)) if !picker.is_empty() => {
            if let Some(items) = envelope.get_mut("items") {
                *items = picker.apply(items.take());
            }
        }
        Some(Err(_)) => return Err(ApiError::bad_request_default()),
        _ => {}
    }
    let body = serde_json::to_vec(&envelope).map_err(|e| ApiError::internal(&e))?;
    Ok(raw_json(StatusCode::OK, body))
}
