//! The view collection part of saving: a view's fields are always derived from its query (the
//! sent `fields` are ignored) and the query is checked by a dry run; after any collection is
//! saved, every other view whose derived fields changed is saved again (PocketBase's
//! `resaveViewsWithChangedFields`), all or nothing, failures only logged.
//! See `../shared/spec/collections-and-fields.md` §1 (view collections).

use rusqlite::Transaction;
use serde_json::Value;

use super::update_at_depth;
use crate::collections::CollectionError;
use crate::model::collection::input::CollectionInput;
use crate::model::{Collection, CollectionSet, CollectionType, Field, FieldError};
use crate::store::schema::view::dry_run;
use crate::store::schema::view_fields::create_view_fields;
use crate::store::{self, StoreError};

/// How deep re-saves may nest (a view over a view over ...); PocketBase has no limit but
/// SQLite refuses circular views, so real chains stop well before.
const MAX_RESAVE_DEPTH: usize = 8;

/// PocketBase cuts raw query errors to this many bytes.
const MAX_RAW_ERROR: usize = 500;

/// For a view collection: replaces its fields with the ones derived from the query (those built
/// before a failure, when it fails) and returns the `viewQuery` error of the dry run, if any.
pub fn derive_fields(
    tx: &Transaction<'_>,
    all: &CollectionSet,
    collection: &mut Collection,
) -> Option<FieldError> {
    if collection.collection_type != CollectionType::View {
        return None;
    }
    collection.fields = match create_view_fields(tx, all.all(), &collection.view_query) {
        Ok(fields) => fields,
        Err(error) => error.fields,
    };
    if collection.view_query.is_empty() {
        return None;
    }
    let raw = dry_run(tx, all.all(), &collection.view_query).err()?;
    let mut end = raw.len().min(MAX_RAW_ERROR);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    let mut message = format!("Invalid query - {}", &raw[..end]);
    if !message.ends_with(['.', '!', '?']) {
        message.push('.');
    }
    Some(FieldError::new("validation_invalid_view_query", message))
}

/// Saves again every view (other than `saved_id`) whose derived fields differ from its stored
/// ones. compat: one failing view undoes all of them and is only logged, as in PocketBase.
pub fn resave_dependent_views(
    tx: &Transaction<'_>,
    saved_id: &str,
    depth: usize,
) -> Result<(), CollectionError> {
    if depth >= MAX_RESAVE_DEPTH {
        return Ok(());
    }
    tx.execute_batch("SAVEPOINT pb_resave_views").map_err(StoreError::from)?;
    let outcome = match resave_views(tx, saved_id, depth) {
        Ok(()) => tx.execute_batch("RELEASE pb_resave_views"),
        Err(reason) => {
            tracing::warn!(
                collection = %saved_id,
                error = %reason,
                "dependent view collection(s) may need to be updated"
            );
            tx.execute_batch("ROLLBACK TO pb_resave_views; RELEASE pb_resave_views")
        }
    };
    outcome.map_err(StoreError::from)?;
    Ok(())
}

fn resave_views(tx: &Transaction<'_>, saved_id: &str, depth: usize) -> Result<(), String> {
    let load = |tx: &Transaction<'_>| {
        store::collections::load_all(tx).map(CollectionSet::new).map_err(|e| e.to_string())
    };
    let views: Vec<Collection> = load(tx)?
        .all()
        .iter()
        .filter(|c| c.collection_type == CollectionType::View && c.id != saved_id)
        .map(|c| c.as_ref().clone())
        .collect();
    let mut failures = Vec::new();
    for view in &views {
        let all = load(tx)?;
        let resaved = create_view_fields(tx, all.all(), &view.view_query)
            .map_err(|e| e.message)
            .and_then(|fields| {
                if comparable(&fields) == comparable(&view.fields) {
                    return Ok(());
                }
                let input = CollectionInput { collection: view.clone(), unknown_type: None };
                update_at_depth(tx, &all, view, input, depth + 1)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
        if let Err(reason) = resaved {
            failures.push(format!("[{}] {reason}", view.name));
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
}

/// Fields as PocketBase compares them: ids cleared, JSON compared case-insensitively.
fn comparable(fields: &[Field]) -> String {
    let items: Vec<Value> = fields
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.id.clear();
            f.to_json()
        })
        .collect();
    Value::Array(items).to_string().to_lowercase()
}
