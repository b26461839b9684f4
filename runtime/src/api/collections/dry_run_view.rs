//! `POST /api/collections/meta/dry-run-view` (superusers): `{"query"}` → the fields a view
//! collection over the query would get and up to 10 of its records, as a temporary view
//! collection `temp_view_xxxxx` (random, like PocketBase's) returns them. Errors: 400 with
//! PocketBase's load/validation messages, or `Invalid view query. Raw error: \n<reason>.`.
//! See `../shared/spec/collections-and-fields.md` §1 and §5.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{BodyError, FormBody, RawQuery, RequireSuperuser};
use crate::http::response;
use crate::model::record::Visibility;
use crate::model::{Collection, FieldError, ValidationErrors};
use crate::store::schema::view::{DryRun, dry_run};
use crate::store::{self, StoreError};

/// Longest accepted query, in characters.
const MAX_QUERY: usize = 5000;

/// The handler.
pub async fn dry_run_view(
    State(app): State<App>,
    _su: RequireSuperuser,
    query: RawQuery,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let loading = || ApiError::bad_request("An error occurred while loading the submitted data.");
    let sql = match body {
        Ok(form) => form.string("query").map_err(|_| loading())?,
        Err(BodyError::Malformed) => return Err(loading()),
        Err(other) => return Err(other.into()),
    };
    if let Some(error) = query_error(&sql) {
        return Err(ApiError::validation(
            "An error occurred while validating the submitted data.",
            &ValidationErrors::single("query", error),
        ));
    }
    let result = app
        .data()
        .write(move |tx| {
            let all: Vec<Arc<Collection>> =
                store::collections::load_all(tx)?.into_iter().map(Arc::new).collect();
            Ok::<_, StoreError>(dry_run(tx, &all, &sql))
        })
        .await?;
    match result {
        Ok(found) => response::json(&query, &answer(&found)),
        Err(raw) => Err(ApiError::bad_request(format!("Invalid view query. Raw error: \n{raw}"))),
    }
}

fn query_error(sql: &str) -> Option<FieldError> {
    if sql.is_empty() {
        return Some(FieldError::required());
    }
    (sql.chars().count() > MAX_QUERY).then(|| FieldError {
        code: "validation_length_too_long".to_owned(),
        message: format!("The length must be no more than {MAX_QUERY}."),
        params: json!({"max": MAX_QUERY, "min": 0}).as_object().cloned(),
    })
}

fn answer(found: &DryRun) -> Value {
    let fields: Vec<Value> = found.collection.fields.iter().map(|f| f.to_json()).collect();
    // compat: the sample is exported like any record, so hidden fields are left out even for
    // the superuser asking.
    let sample: Vec<Value> = found
        .sample
        .iter()
        .map(|r| Value::Object(r.to_public_json(&found.collection, Visibility::PUBLIC)))
        .collect();
    json!({"fields": fields, "sample": sample})
}
