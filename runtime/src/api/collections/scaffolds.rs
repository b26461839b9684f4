//! `GET /api/collections/meta/scaffolds`: a blank collection of each type (empty id and name)
//! with the fields, indexes and options a new collection of that type starts with.

use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, RequireSuperuser};
use crate::http::response;
use crate::model::collection::Secrets;
use crate::model::collection::normalize::normalize;
use crate::model::id::{ID_ALPHABET, random_string};
use crate::model::{Collection, CollectionType};

/// The handler.
pub async fn scaffolds(
    State(_app): State<App>,
    _su: RequireSuperuser,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let mut body = Map::new();
    for collection_type in [CollectionType::Auth, CollectionType::Base, CollectionType::View] {
        let mut scaffold = Collection::new(collection_type, "");
        // compat: without an id, the auth indexes get a random suffix (captured from 0.40.6).
        scaffold.id = random_string(10, ID_ALPHABET);
        normalize(&mut scaffold, None, &|_| false);
        scaffold.id.clear();
        let value = serde_json::to_value(scaffold.ordered_json(Secrets::Strip))
            .map_err(|e| ApiError::internal(&e))?;
        body.insert(collection_type.as_str().to_owned(), value);
    }
    response::json(&query, &Value::Object(body))
}
