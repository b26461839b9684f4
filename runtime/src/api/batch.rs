//! `POST /api/batch`: several record writes in one transaction (disabled unless
//! `settings.batch.enabled`). Bodies are JSON, or multipart with `@jsonPayload` and files as
//! `requests.N.field` / `requests[N].field`. See `../shared/spec/files-batch-settings-misc.md` §2.

use std::time::Duration;

use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::files::UploadedFile;
use crate::files::name::stored_name;
use crate::files::sniff::sniff;
use crate::http::ApiError;
use crate::http::extract::{BodyError, FormBody, Requester};
use crate::http::response;
use crate::model::{FieldError, ValidationErrors};
use crate::records::batch::{BatchFailure, BatchItem, run_in};
use crate::records::delete::removed_ids;

const READ_ERROR: &str = "Failed to read the submitted batch data.";
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The handler.
pub async fn batch(
    State(app): State<App>,
    Requester(request): Requester,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let settings = app.settings();
    if !settings.batch.enabled {
        return Err(ApiError::forbidden("Batch requests are not allowed."));
    }
    let body = body.map_err(|e| match e {
        BodyError::Malformed => ApiError::bad_request(READ_ERROR),
        other => ApiError::from(other),
    })?;
    let items = read_items(&body.fields, &body.files)?;
    validate(&items, settings.batch.max_requests)?;
    let seconds = u64::try_from(settings.batch.timeout).ok().filter(|t| *t > 0).unwrap_or(3);
    let all = app.collections();
    let (outer, storage) = (request.clone(), app.storage().clone());
    let hooks = crate::hooks::HookScope::of(&app);
    let scope = hooks.clone();
    let outcome = app
        .data()
        .write(move |tx| {
            run_in(tx, &storage, &all, &outer, &items, Duration::from_secs(seconds), &scope)
        })
        .await
        .map_err(failure_response)?;
    // hooks: after-success hooks for every record the batch changed, after the commit.
    for event in &outcome.events {
        hooks.after_success(event.action, &event.collection, &event.record, &request).await;
    }
    for (collection_id, record_id, name) in &outcome.removed_files {
        app.storage().delete(collection_id, record_id, std::slice::from_ref(name)).await;
    }
    for (collection_id, record_id) in removed_ids(&outcome.events) {
        app.storage().delete_record(collection_id, record_id).await;
    }
    app.events().publish(outcome.events);
    let body: Vec<Value> =
        outcome.results.into_iter().map(|r| json!({"body": r.body, "status": r.status})).collect();
    let bytes = serde_json::to_vec(&body).map_err(|e| ApiError::internal(&e))?;
    Ok(response::raw_json(http::StatusCode::OK, bytes))
}

fn read_items(
    fields: &Map<String, Value>,
    files: &[UploadedFile],
) -> Result<Vec<BatchItem>, ApiError> {
    let read_error = || ApiError::bad_request(READ_ERROR);
    let list = match fields.get("requests") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(read_error()),
    };
    list.iter()
        .enumerate()
        .map(|(index, item)| {
            let object = item.as_object().ok_or_else(read_error)?;
            let text = |key: &str| match object.get(key) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(read_error()),
            };
            let map = |key: &str| match object.get(key) {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m.clone()),
                Some(_) => Err(read_error()),
            };
            Ok(BatchItem {
                method: text("method")?,
                url: text("url")?,
                body: map("body")?,
                headers: map("headers")?,
                uploads: uploads_of(index, files),
            })
        })
        .collect()
}

/// The files of sub-request `index` (`requests.N.field` or `requests[N].field`), keyed by field.
fn uploads_of(index: usize, files: &[UploadedFile]) -> Vec<UploadedFile> {
    let dotted = format!("requests.{index}.");
    let bracketed = format!("requests[{index}].");
    files
        .iter()
        .filter_map(|file| {
            let key =
                file.key.strip_prefix(&dotted).or_else(|| file.key.strip_prefix(&bracketed))?;
            // compat: batch uploads are named twice (`notes_udsj7sljg0_7o8wrbmfav.txt`).
            let filename = stored_name(&file.filename, sniff(&file.data).1);
            Some(UploadedFile { key: key.to_owned(), filename, ..file.clone() })
        })
        .collect()
}

fn validate(items: &[BatchItem], max_requests: i64) -> Result<(), ApiError> {
    let mut errors = ValidationErrors::new();
    if items.is_empty() {
        errors.add("requests", FieldError::required());
    } else if i64::try_from(items.len()).unwrap_or(i64::MAX) > max_requests {
        errors.add(
            "requests",
            FieldError {
                code: "validation_length_too_long".to_owned(),
                message: format!("The length must be no more than {max_requests}."),
                params: json!({"max": max_requests, "min": 0}).as_object().cloned(),
            },
        );
    } else {
        let mut list = ValidationErrors::new();
        for (i, item) in items.iter().enumerate() {
            let mut item_errors = ValidationErrors::new();
            if item.method.is_empty() {
                item_errors.add("method", FieldError::required());
            } else if !METHODS.contains(&item.method.as_str()) {
                item_errors.add("method", FieldError::invalid_value());
            }
            if item.url.is_empty() {
                item_errors.add("url", FieldError::required());
            }
            list.add_nested(i.to_string(), item_errors);
        }
        errors.add_nested("requests", list);
    }
    errors
        .into_result()
        .map_err(|errors| ApiError::validation("Invalid batch request data.", &errors))
}

fn failure_response(failure: BatchFailure) -> ApiError {
    let inner = match failure.error {
        Some(error) => crate::api::records::record_error(error),
        None => ApiError::bad_request_default(),
    };
    let envelope: Value = serde_json::from_str(&inner.body()).unwrap_or(Value::Null);
    let mut requests = Map::new();
    requests.insert(
        failure.index.to_string(),
        json!({"code": "batch_request_failed", "message": "Batch request failed.", "response": envelope}),
    );
    ApiError {
        data: json!({"requests": requests}),
        ..ApiError::bad_request("Batch transaction failed.")
    }
}
