//! The records API: list, view, create, update, delete under
//! `/api/collections/{collection}/records`. See `../shared/spec/records.md`.

pub mod body;
pub mod create;
pub mod delete;
pub mod list;
pub mod update;
pub mod view;

use std::sync::Arc;

use serde_json::Value;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::RawQuery;
use crate::model::{Collection, Record};
use crate::records::error::{Action, RecordError};
use crate::records::expand::ExpandTree;
use crate::records::manage;
use crate::records::output::record_json;
use crate::records::read::render;
use crate::records::request::RequestInfo;

/// The collection of a records route (404 `Missing collection context.`).
pub fn collection(app: &App, name_or_id: &str) -> Result<Arc<Collection>, ApiError> {
    app.find_collection(name_or_id)
        .ok_or_else(|| ApiError::not_found("Missing collection context."))
}

/// The collection of a create or update route (404 `Missing or invalid collection context.`).
pub fn write_collection(app: &App, name_or_id: &str) -> Result<Arc<Collection>, ApiError> {
    app.find_collection(name_or_id)
        .ok_or_else(|| ApiError::not_found("Missing or invalid collection context."))
}

/// PocketBase's answer for a failed record operation.
pub fn record_error(error: RecordError) -> ApiError {
    match error {
        RecordError::MissingCollection => ApiError::not_found("Missing collection context."),
        RecordError::UnsupportedCollection => ApiError::bad_request("Unsupported collection type."),
        RecordError::SuperusersOnly => {
            ApiError::forbidden("Only superusers can perform this action.")
        }
        RecordError::FilterForbidden(what) => {
            ApiError::forbidden(format!("Only superusers can filter by {what}"))
        }
        RecordError::NotFound => ApiError::not_found_default(),
        RecordError::CreateRuleFailed => ApiError::bad_request("Failed to create record."),
        RecordError::Validation(Action::Create, errors) => {
            ApiError::validation("Failed to create record.", &errors)
        }
        RecordError::Validation(Action::Update, errors) => {
            ApiError::validation("Failed to update record.", &errors)
        }
        RecordError::RequiredReference => ApiError::bad_request(
            "Failed to delete record. Make sure that the record is not part of a required relation reference.",
        ),
        RecordError::BadRequest(reason) => {
            tracing::debug!(reason, "bad records request");
            ApiError::bad_request_default()
        }
        RecordError::Store(error) => ApiError::from(error),
        RecordError::Hook(stop) => crate::http::hook_routes::stop_error(stop),
    }
}

/// A failed write as the handler's answer: a hook's own `respond` answer is a success.
pub fn failed(error: RecordError) -> Result<axum::response::Response, ApiError> {
    match error {
        RecordError::Hook(crate::hooks::HookStop::Respond(answer)) => {
            Ok(crate::http::hook_routes::answer_response(answer))
        }
        other => Err(record_error(other)),
    }
}

/// The JSON of a written record for the response, with `?expand=` resolved.
pub async fn written_json(
    app: &App,
    collection: &Arc<Collection>,
    record: Record,
    request: &RequestInfo,
    query: &RawQuery,
) -> Result<Value, ApiError> {
    let tree = query.get("expand").map(ExpandTree::parse).filter(|t| !t.is_empty());
    if tree.is_none() && manage::applicable_rule(collection, request).is_none() {
        return Ok(Value::Object(record_json(collection, &record, request, false)));
    }
    let all = app.collections();
    let (c, r) = (collection.clone(), request.clone());
    let mut items = app
        .data()
        .read_with(move |conn| render(conn, &all, &c, &[record], &r, tree.as_ref()))
        .await
        .map_err(record_error)?;
    Ok(items.pop().unwrap_or_default())
}
