//! The auth response `{"record", "token"}` shared by every auth method: the record as its
//! owner sees it (email always included; hidden fields only for superusers) and a token.
//! See `../shared/spec/auth.md` §4.

use axum::response::Response;
use serde_json::{Map, Value};

use crate::http::ApiError;
use crate::http::extract::RawQuery;
use crate::http::response;
use crate::model::record::Visibility;
use crate::model::{Collection, Record};

/// Builds the 200 auth response (`?fields=` applied).
pub fn auth_response(
    query: &RawQuery,
    collection: &Collection,
    record: &Record,
    token: &str,
) -> Result<Response, ApiError> {
    let visibility =
        if collection.is_superusers() { Visibility::SUPERUSER } else { Visibility::OWNER };
    let mut body = Map::new();
    body.insert("record".into(), Value::Object(record.to_public_json(collection, visibility)));
    body.insert("token".into(), Value::from(token));
    response::json(query, &body)
}
