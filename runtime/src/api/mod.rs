//! PocketBase's endpoints, one file per action, grouped by API area. Handlers parse and check
//! the request, call into `records`/`store`/`auth`, and shape the answer; they never build SQL.

pub mod auth;
pub mod batch;
pub mod collections;
pub mod files;
pub mod health;
pub mod hooks;
pub mod realtime;
pub mod records;
pub mod settings;

use std::sync::Arc;

use crate::app::App;
use crate::http::ApiError;
use crate::model::Collection;

/// The collection named by a `{collection}` path segment of the auth routes.
pub fn auth_route_collection(app: &App, name_or_id: &str) -> Result<Arc<Collection>, ApiError> {
    app.find_collection(name_or_id)
        .ok_or_else(|| ApiError::not_found("Missing or invalid collection context."))
}

/// Like [`auth_route_collection`], and the collection must be an auth collection.
pub fn auth_collection(app: &App, name_or_id: &str) -> Result<Arc<Collection>, ApiError> {
    let collection = auth_route_collection(app, name_or_id)?;
    if !collection.is_auth() {
        return Err(ApiError::not_found("Missing or invalid auth collection context."));
    }
    Ok(collection)
}
