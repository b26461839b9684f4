//! `PUT /api/collections/import`: creates or updates every listed collection (matched by id,
//! then by name) and, with `deleteMissing`, deletes the other collections and unlisted fields,
//! all in one transaction — the import fully applies or changes nothing. Items may refer to
//! collections that come later in the list; items that fail only because of such order are
//! retried.

use serde_json::Value;

use super::CollectionError;
use super::delete::delete_in;
use super::save::{create_in, update_in};
use crate::app::App;
use crate::model::collection::input;
use crate::model::{Collection, CollectionSet};
use crate::store;

/// Imports `items` (collection JSON objects).
pub async fn import(
    app: &App,
    items: Vec<Value>,
    delete_missing: bool,
) -> Result<(), CollectionError> {
    app.data().write(move |tx| import_in(tx, &items, delete_missing)).await?;
    app.reload_collections().await?;
    Ok(())
}

fn import_in(
    tx: &rusqlite::Transaction<'_>,
    items: &[Value],
    delete_missing: bool,
) -> Result<(), CollectionError> {
    let mut pending: Vec<&Value> = items.iter().collect();
    let mut imported_ids: Vec<String> = Vec::new();
    loop {
        let mut failures = Vec::new();
        let before = pending.len();
        for item in std::mem::take(&mut pending) {
            match import_one(tx, item, delete_missing) {
                Ok(collection) => imported_ids.push(collection.id),
                Err(CollectionError::Validation(errors)) => {
                    failures.push((item, CollectionError::Validation(errors)));
                    pending.push(item);
                }
                Err(other) => return Err(import_failure(item, &other)),
            }
        }
        if pending.is_empty() {
            break;
        }
        if pending.len() == before {
            let (item, error) = &failures[0];
            return Err(import_failure(item, error));
        }
    }
    if delete_missing {
        let all = CollectionSet::new(store::collections::load_all(tx)?);
        // Views first: a table that a view reads cannot go before the view.
        let mut missing: Vec<&std::sync::Arc<Collection>> =
            all.all().iter().filter(|c| !c.system && !imported_ids.contains(&c.id)).collect();
        missing.sort_by_key(|c| c.collection_type != crate::model::CollectionType::View);
        let missing: Vec<String> = missing.into_iter().map(|c| c.id.clone()).collect();
        for id in &missing {
            delete_in(tx, id, &missing).map_err(|e| import_failure(&Value::Null, &e))?;
        }
    }
    Ok(())
}

fn import_one(
    tx: &rusqlite::Transaction<'_>,
    item: &Value,
    delete_missing: bool,
) -> Result<Collection, CollectionError> {
    let all = CollectionSet::new(store::collections::load_all(tx)?);
    let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
    let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
    let existing = all
        .all()
        .iter()
        .find(|c| !id.is_empty() && c.id == id)
        .or_else(|| {
            all.all().iter().find(|c| !name.is_empty() && c.name.eq_ignore_ascii_case(name))
        })
        .cloned();
    match existing {
        Some(existing) => {
            let mut input = input::from_update_body(&existing, item)?;
            if !delete_missing {
                keep_unlisted_fields(&existing, &mut input.collection);
            }
            update_in(tx, &all, &existing, input)
        }
        None => create_in(tx, input::from_create_body(item)?),
    }
}

/// compat: without `deleteMissing`, fields of an existing collection that the import does not
/// list are kept, after the listed ones.
fn keep_unlisted_fields(existing: &Collection, collection: &mut Collection) {
    for field in &mut collection.fields {
        if field.id.is_empty() {
            let old =
                existing.field(&field.name).filter(|old| old.type_name() == field.type_name());
            if let Some(old) = old {
                field.id.clone_from(&old.id);
            }
        }
    }
    for old in &existing.fields {
        if !collection.fields.iter().any(|f| f.id == old.id) {
            collection.fields.push(old.clone());
        }
    }
}

fn import_failure(item: &Value, error: &CollectionError) -> CollectionError {
    let message = match error {
        CollectionError::Load(_) => format!(
            "Failed to import the collections configuration. Raw error:\n{}.",
            unmarshal_error(item)
        ),
        CollectionError::Validation(errors) => {
            let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    let kind = item.get("type").and_then(Value::as_str).unwrap_or("base");
                    crate::model::id::collection_id(kind, name)
                });
            let raw =
                serde_json::to_string_pretty(&raw_messages(&errors.to_json())).unwrap_or_default();
            format!("Data validations failed for collection {name:?} ({id}):\n{raw}.")
        }
        other => format!(
            "Failed to import the collections configuration. Raw error:\n{}.",
            other.to_string().trim_end_matches('.')
        ),
    };
    CollectionError::Import(message)
}

/// Go's JSON decoding error for the first field with a missing or unknown type.
fn unmarshal_error(item: &Value) -> String {
    let fields = item.get("fields").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, field) in fields.iter().enumerate() {
        let known = field
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| crate::model::field::FIELD_TYPES.contains(&t));
        if !known {
            return format!(
                "json: cannot unmarshal JSON object into Go core.fieldWithType within \"/fields/{i}\": missing or unknown field type in {field}"
            );
        }
    }
    format!("json: cannot unmarshal collection data in {item}")
}

/// Validation errors as PocketBase's raw (unsentenized) messages: `{"name": "must be ..."}`.
fn raw_messages(value: &Value) -> Value {
    let Value::Object(map) = value else { return Value::Null };
    let lower_first = |message: &str| {
        let message = message.trim_end_matches('.');
        let mut chars = message.chars();
        let first: String = chars.next().map(|c| c.to_lowercase().collect()).unwrap_or_default();
        Value::from(first + chars.as_str())
    };
    Value::Object(
        map.iter()
            .map(|(key, node)| {
                let raw = match (node.get("code"), node.get("message").and_then(Value::as_str)) {
                    (Some(_), Some(message)) => lower_first(message),
                    _ => raw_messages(node),
                };
                (key.clone(), raw)
            })
            .collect(),
    )
}
