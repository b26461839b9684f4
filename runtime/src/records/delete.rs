//! Deleting a record: the delete rule (a miss is a 404), then in one transaction the relation
//! integrity PocketBase keeps — records pointing here through a `cascadeDelete` field are
//! deleted too, a required non-cascading reference refuses the delete, optional references are
//! cleared — and, for auth records, their external auths, MFAs, OTPs and auth origins.
//! See `../shared/spec/records.md` (delete).

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::Value;

use super::error::RecordError;
use super::events::{RecordAction, RecordEvent};
use super::request::RequestInfo;
use super::rules::{self, RuleScope};
use crate::app::App;
use crate::hooks::HookScope;
use crate::model::field::FieldOptions;
use crate::model::{Collection, CollectionSet, CollectionType, DateTime};
use crate::store;
use crate::store::sql::quote_ident;

/// Cascades deeper than this are refused (a cycle of cascading relations).
const MAX_CASCADE_DEPTH: usize = 32;

/// The auth-related system collections cleaned up with an auth record.
const AUTH_REF_COLLECTIONS: [&str; 4] = ["_externalAuths", "_mfas", "_otps", "_authOrigins"];

/// What a delete changed, in order: the records removed (the record and its cascade, with their
/// last values) and the records whose references to them were cleared.
pub type Deleted = Vec<RecordEvent>;

/// The (collection id, record id) of every removed record, for storage clean-up.
pub fn removed_ids(deleted: &[RecordEvent]) -> impl Iterator<Item = (&str, &str)> {
    deleted
        .iter()
        .filter(|e| e.action == RecordAction::Delete)
        .map(|e| (e.collection.id.as_str(), e.record.id()))
}

/// Deletes record `id` after checking the delete rule.
pub async fn delete(
    app: &App,
    collection: &Arc<Collection>,
    id: &str,
    request: &RequestInfo,
) -> Result<(), RecordError> {
    // hooks: request-level before-hooks, outside the transaction (a missing record is left to
    // the 404 below).
    let hooks = HookScope::of(app);
    if hooks.wants_request(RecordAction::Delete, collection) {
        let (c, id_owned) = (collection.clone(), id.to_owned());
        let found =
            app.data().read(move |conn| store::records::find_by_id(conn, &c, &id_owned)).await?;
        if let Some(mut record) = found {
            hooks
                .before_request(RecordAction::Delete, collection, &mut record, None, request)
                .await?;
        }
    }
    let scope = hooks.clone();
    let all = app.collections();
    let (c, id_owned, request_owned) = (collection.clone(), id.to_owned(), request.clone());
    let deleted = app
        .data()
        .write(move |tx| delete_checked_in(tx, &all, &c, &id_owned, &request_owned, &scope))
        .await?;
    // hooks: after-success hooks for every record the delete changed, after the commit.
    for event in &deleted {
        hooks.after_success(event.action, &event.collection, &event.record, request).await;
    }
    for (collection_id, record_id) in removed_ids(&deleted) {
        app.storage().delete_record(collection_id, record_id).await;
    }
    app.events().publish(deleted);
    Ok(())
}

/// Checks the delete rule and deletes record `id`, inside an open write transaction.
pub fn delete_checked_in(
    tx: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    id: &str,
    request: &RequestInfo,
    hooks: &HookScope,
) -> Result<Deleted, RecordError> {
    if collection.collection_type == CollectionType::View {
        return Err(RecordError::UnsupportedCollection);
    }
    let rule = rules::require_rule(collection.delete_rule.as_deref(), request)?;
    let Some(record) = store::records::find_by_id(tx, collection, id)? else {
        return Err(RecordError::NotFound);
    };
    if let Some(rule) = rule {
        let scope = RuleScope { all, collection, request };
        if !rules::allows_stored(tx, &scope, rule, id)? {
            return Err(RecordError::NotFound);
        }
    }
    // hooks: model-level before- and after-hooks, inside the transaction.
    hooks.model_before_in(tx, RecordAction::Delete, collection, &mut record.clone(), None)?;
    let mut deleted = Vec::new();
    delete_loaded_in(tx, all, collection, record, 0, &mut deleted)?;
    if let Some(removed) =
        deleted.iter().rev().find(|e| e.action == RecordAction::Delete && e.record.id() == id)
    {
        hooks.model_after_in(tx, RecordAction::Delete, collection, &removed.record)?;
    }
    Ok(deleted)
}

/// Deletes a record and keeps relations consistent, inside an open transaction.
pub fn delete_in(
    tx: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    id: &str,
    depth: usize,
    deleted: &mut Deleted,
) -> Result<(), RecordError> {
    // A record already removed earlier in the cascade is skipped.
    let Some(record) = store::records::find_by_id(tx, collection, id)? else { return Ok(()) };
    delete_loaded_in(tx, all, collection, record, depth, deleted)
}

fn delete_loaded_in(
    tx: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    record: crate::model::Record,
    depth: usize,
    deleted: &mut Deleted,
) -> Result<(), RecordError> {
    let id = record.id().to_owned();
    let id = id.as_str();
    if depth > MAX_CASCADE_DEPTH {
        return Err(RecordError::BadRequest("cascade delete too deep".to_owned()));
    }
    for other in all.all() {
        for field in &other.fields {
            let FieldOptions::Relation(options) = &field.options else { continue };
            if options.collection_id != collection.id
                || other.collection_type == CollectionType::View
            {
                continue;
            }
            for referencing in
                referencing_ids(tx, other, &field.name, field.options.is_multiple(), id)?
            {
                if other.id == collection.id && referencing == id {
                    continue;
                }
                if options.cascade_delete {
                    delete_in(tx, all, other, &referencing, depth + 1, deleted)?;
                } else if field.required {
                    return Err(RecordError::RequiredReference);
                } else {
                    let updated = remove_reference(
                        tx,
                        other,
                        &field.name,
                        field.options.is_multiple(),
                        &referencing,
                        id,
                    )?;
                    if let Some(updated) = updated {
                        deleted.push(RecordEvent::new(
                            RecordAction::Update,
                            other.clone(),
                            updated,
                        ));
                    }
                }
            }
        }
    }
    if collection.is_auth() {
        for name in AUTH_REF_COLLECTIONS {
            if let Some(system) = all.find(name) {
                tx.execute(
                    &format!(
                        "DELETE FROM {} WHERE collectionRef = ?1 AND recordRef = ?2",
                        quote_ident(&system.name)
                    ),
                    [&collection.id, id],
                )?;
            }
        }
    }
    store::records::delete(tx, collection, id).map_err(|e| match e {
        store::StoreError::NotFound => RecordError::NotFound,
        other => RecordError::Store(other),
    })?;
    deleted.push(RecordEvent::new(RecordAction::Delete, shared(all, collection), record));
    Ok(())
}

/// The snapshot's shared handle of `collection`.
fn shared(all: &CollectionSet, collection: &Collection) -> Arc<Collection> {
    all.find(&collection.id).cloned().unwrap_or_else(|| Arc::new(collection.clone()))
}

fn referencing_ids(
    tx: &Connection,
    other: &Collection,
    field: &str,
    multiple: bool,
    id: &str,
) -> Result<Vec<String>, RecordError> {
    let (table, column) = (quote_ident(&other.name), quote_ident(field));
    let sql = if multiple {
        format!(
            "SELECT id FROM {table} WHERE EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid({column}) THEN {column} ELSE '[]' END) WHERE value = ?1)"
        )
    } else {
        format!("SELECT id FROM {table} WHERE {column} = ?1")
    };
    let mut stmt = tx.prepare_cached(&sql)?;
    let ids =
        stmt.query_map([id], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(ids)
}

fn remove_reference(
    tx: &Connection,
    other: &Collection,
    field: &str,
    multiple: bool,
    record_id: &str,
    removed: &str,
) -> Result<Option<crate::model::Record>, RecordError> {
    let Some(mut record) = store::records::find_by_id(tx, other, record_id)? else {
        return Ok(None);
    };
    let value = match record.get(field) {
        Some(Value::Array(items)) if multiple => {
            Value::Array(items.iter().filter(|v| v.as_str() != Some(removed)).cloned().collect())
        }
        _ => Value::from(""),
    };
    record.set(field, value);
    let now = DateTime::now().to_string();
    for f in &other.fields {
        if let FieldOptions::Autodate(o) = &f.options {
            if o.on_update {
                record.set(&f.name, now.as_str());
            }
        }
    }
    store::records::update(tx, other, record_id, &record)?;
    Ok(Some(record))
}
