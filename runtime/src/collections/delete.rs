//! Deleting a collection: refused for system collections and for collections other
//! collections' relation fields point at; otherwise the table (or view) and the
//! `_collections` row go in one transaction.

use crate::app::App;
use crate::model::field::FieldOptions;
use crate::model::{Collection, CollectionSet};
use crate::store::schema;
use crate::store::{self, StoreError};

use super::CollectionError;

/// Deletes the collection with id `id`.
pub async fn delete(app: &App, id: &str) -> Result<(), CollectionError> {
    let id = id.to_owned();
    app.data().write(move |tx| delete_in(tx, &id, &[])).await?;
    app.reload_collections().await?;
    Ok(())
}

/// Deletes a collection inside an open write transaction; references from collections listed
/// in `also_deleting` do not block it.
pub fn delete_in(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    also_deleting: &[String],
) -> Result<(), CollectionError> {
    let all = CollectionSet::new(store::collections::load_all(tx)?);
    let collection =
        all.all().iter().find(|c| c.id == id).cloned().ok_or(CollectionError::NotFound)?;
    if collection.system {
        return Err(CollectionError::Refused("Failed to delete collection.".to_owned()));
    }
    let referencing: Vec<&str> = referencing(&all, &collection)
        .filter(|other| !also_deleting.contains(&other.id))
        .map(|other| other.name.as_str())
        .collect();
    if !referencing.is_empty() {
        return Err(CollectionError::Refused(format!(
            "Failed to delete collection probably due to existing reference in {}.",
            referencing.join(", ")
        )));
    }
    schema::drop_collection_table(tx, &collection).map_err(|e| {
        // compat: PocketBase does not show the reason (e.g. a view that depends on the table).
        tracing::info!(collection = %collection.name, error = %e, "collection delete refused");
        CollectionError::Refused("Failed to delete collection.".to_owned())
    })?;
    tx.execute("DELETE FROM _collections WHERE id = ?1", [&collection.id])
        .map_err(StoreError::from)?;
    Ok(())
}

/// Other collections with a relation field pointing at `collection`.
pub fn referencing<'a>(
    all: &'a CollectionSet,
    collection: &'a Collection,
) -> impl Iterator<Item = &'a Collection> {
    all.all().iter().map(AsRef::as_ref).filter(move |other| {
        other.id != collection.id
            && other.fields.iter().any(|f| {
                matches!(&f.options, FieldOptions::Relation(o) if o.collection_id == collection.id)
            })
    })
}
