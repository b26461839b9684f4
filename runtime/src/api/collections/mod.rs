//! The collections API (superusers only): list, view, create, update, delete, truncate,
//! import and scaffolds. See `../shared/spec/collections-and-fields.md` §5.

pub mod create;
pub mod delete;
pub mod dry_run_view;
pub mod import;
pub mod list;
pub mod scaffolds;
pub mod truncate;
pub mod update;
pub mod view;

use std::sync::Arc;

use crate::app::App;
use crate::collections::CollectionError;
use crate::http::ApiError;
use crate::model::Collection;

/// The collection named by the path (id or name, any case), or the default 404.
pub fn find(app: &App, name_or_id: &str) -> Result<Arc<Collection>, ApiError> {
    app.find_collection(name_or_id).ok_or_else(ApiError::not_found_default)
}

/// PocketBase's answer for a failed collection operation; `failed` is the message used for
/// validation errors (`Failed to create collection.`, ...).
pub fn collection_error(error: CollectionError, failed: &str) -> ApiError {
    match error {
        CollectionError::Load(load) => ApiError::bad_request(load.to_string()),
        CollectionError::Validation(errors) => ApiError::validation(failed, &errors),
        CollectionError::Apply(message) | CollectionError::Refused(message) => {
            // compat: these messages keep PocketBase's raw text (newline included).
            ApiError { message, ..ApiError::bad_request(failed) }
        }
        CollectionError::Import(message) => {
            let mut data = serde_json::Map::new();
            data.insert(
                "collections".into(),
                serde_json::json!({"code": "validation_collections_import_failure", "message": message}),
            );
            ApiError {
                data: serde_json::Value::Object(data),
                ..ApiError::bad_request("Failed to import collections.")
            }
        }
        CollectionError::NotFound => ApiError::not_found_default(),
        CollectionError::Store(error) => ApiError::from(error),
    }
}
