//! Creating and updating a collection. Everything — reading the current schema, defaults,
//! validation, DDL, the `_collections` row — happens in one write transaction on the writer
//! thread, so concurrent schema changes are serialised and a failure leaves nothing behind.

mod views;

use std::sync::Arc;

use rusqlite::Transaction;
use serde_json::Value;

use super::CollectionError;
use super::rules::check_rule;
use crate::app::App;
use crate::model::collection::index_sql::IndexSql;
use crate::model::collection::input::{self, CollectionInput};
use crate::model::collection::normalize::normalize;
use crate::model::collection::validate::{ValidationContext, validate_collection};
use crate::model::id::new_secret;
use crate::model::{
    Collection, CollectionSet, CollectionType, DateTime, FieldError, ValidationErrors,
};
use crate::store::schema::{self, SchemaError};
use crate::store::{self, StoreError};

/// Creates a collection from an API body.
pub async fn create(app: &App, body: Value) -> Result<Arc<Collection>, CollectionError> {
    let input = input::from_create_body(&body)?;
    let saved = app.data().write(move |tx| create_in(tx, input)).await?;
    app.reload_collections().await?;
    Ok(Arc::new(saved))
}

/// Updates the collection with id `id` from an API (PATCH) body.
pub async fn update(app: &App, id: &str, body: Value) -> Result<Arc<Collection>, CollectionError> {
    let id = id.to_owned();
    let saved = app
        .data()
        .write(move |tx| {
            let all = CollectionSet::new(store::collections::load_all(tx)?);
            let existing =
                all.all().iter().find(|c| c.id == id).cloned().ok_or(CollectionError::NotFound)?;
            let input = input::from_update_body(&existing, &body)?;
            update_in(tx, &all, &existing, input)
        })
        .await?;
    app.reload_collections().await?;
    Ok(Arc::new(saved))
}

/// Creates a collection inside an open write transaction.
pub fn create_in(
    tx: &Transaction<'_>,
    input: CollectionInput,
) -> Result<Collection, CollectionError> {
    let all = CollectionSet::new(store::collections::load_all(tx)?);
    let CollectionInput { mut collection, unknown_type } = input;
    let view_error = views::derive_fields(tx, &all, &mut collection);
    normalize(&mut collection, None, &|id| all.all().iter().any(|c| c.id == id));
    rewrite_index_tables(&mut collection);
    validate(tx, &all, None, &collection, unknown_type.as_deref(), view_error)?;
    let now = DateTime::now().to_string();
    collection.created.clone_from(&now);
    collection.updated = now;
    schema::create_collection_table(tx, &collection).map_err(|e| schema_error(e, true))?;
    store::collections::insert(tx, &collection)?;
    views::resave_dependent_views(tx, &collection.id, 0)?;
    Ok(collection)
}

/// Updates a collection inside an open write transaction.
pub fn update_in(
    tx: &Transaction<'_>,
    all: &CollectionSet,
    existing: &Collection,
    input: CollectionInput,
) -> Result<Collection, CollectionError> {
    update_at_depth(tx, all, existing, input, 0)
}

/// [`update_in`]; `depth` counts the view re-saves this update is nested in.
fn update_at_depth(
    tx: &Transaction<'_>,
    all: &CollectionSet,
    existing: &Collection,
    input: CollectionInput,
    depth: usize,
) -> Result<Collection, CollectionError> {
    let CollectionInput { mut collection, unknown_type } = input;
    let view_error = views::derive_fields(tx, all, &mut collection);
    normalize(&mut collection, Some(existing), &|id| {
        all.all().iter().any(|c| c.id == id && c.id != existing.id)
    });
    rewrite_index_tables(&mut collection);
    validate(tx, all, Some(existing), &collection, unknown_type.as_deref(), view_error)?;
    rotate_secrets(existing, &mut collection);
    collection.created.clone_from(&existing.created);
    collection.updated = DateTime::now().to_string();
    schema::sync_collection_table(tx, existing, &collection).map_err(|e| schema_error(e, false))?;
    store::collections::update(tx, &collection)?;
    views::resave_dependent_views(tx, &collection.id, depth)?;
    Ok(collection)
}

/// compat: changing `authRule` rotates the auth token secret, so every token issued under the
/// old rule dies (spec auth.md §3).
fn rotate_secrets(existing: &Collection, collection: &mut Collection) {
    let old_rule = existing.auth.as_ref().map(|a| a.auth_rule.clone());
    if let Some(auth) = collection.auth.as_mut() {
        if old_rule.is_some_and(|old| old != auth.auth_rule) {
            auth.auth_token.secret = new_secret();
        }
    }
}

/// PocketBase stores indexes against the collection's current name.
fn rewrite_index_tables(collection: &mut Collection) {
    if collection.collection_type == CollectionType::View {
        return;
    }
    for sql in &mut collection.indexes {
        if let Some(index) = IndexSql::parse(sql).filter(|i| i.table != collection.name) {
            *sql = index.to_sql_for(&collection.name);
        }
    }
}

/// Every check of a collection about to be saved (as new, or replacing `existing`), with the
/// view query's error if deriving its fields failed.
fn validate(
    tx: &Transaction<'_>,
    all: &CollectionSet,
    existing: Option<&Collection>,
    collection: &Collection,
    unknown_type: Option<&str>,
    view_error: Option<FieldError>,
) -> Result<(), CollectionError> {
    let internal = internal_tables(tx, all)?;
    let check = |c: &Collection, rule: &str| check_rule(c, all, rule);
    let ctx = ValidationContext {
        existing,
        all,
        unknown_type,
        internal_tables: &internal,
        check_rule: &check,
    };
    let mut errors = validate_collection(collection, &ctx);
    if let Some(error) = view_error {
        errors.add("viewQuery", error);
    }
    errors.into_result().map_err(CollectionError::Validation)
}

/// Tables in the database that are not collections (`_collections`, `_params`, ...).
fn internal_tables(tx: &Transaction<'_>, all: &CollectionSet) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        tx.prepare_cached("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")?;
    let names =
        stmt.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(names
        .into_iter()
        .filter(|n| !all.all().iter().any(|c| c.name.eq_ignore_ascii_case(n)))
        .collect())
}

fn schema_error(error: SchemaError, creating: bool) -> CollectionError {
    match error {
        SchemaError::Index { position, name, message } => {
            let mut indexes = ValidationErrors::new();
            indexes.add(
                position.to_string(),
                FieldError::new(
                    "validation_invalid_index_expression",
                    format!("Failed to create index {name} - {}.", message.trim_end_matches('.')),
                ),
            );
            let mut errors = ValidationErrors::new();
            errors.add_nested("indexes", indexes);
            CollectionError::Validation(errors)
        }
        SchemaError::View(message) => CollectionError::Validation(ValidationErrors::single(
            "viewQuery",
            FieldError::new(
                "validation_invalid_view_query",
                format!("Invalid query - {}.", message.trim_end_matches('.')),
            ),
        )),
        SchemaError::Step(message) => {
            let action = if creating { "create" } else { "update" };
            CollectionError::Apply(format!(
                "Failed to {action} collection. Raw error: \n{message}."
            ))
        }
        SchemaError::Store(error) => CollectionError::Store(error),
    }
}
