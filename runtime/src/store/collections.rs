//! Reading and writing the `_collections` table: each row is one collection, with its fields,
//! indexes and options stored as JSON exactly as PocketBase stores them.

use rusqlite::{Connection, Row, params};
use serde_json::Value;

use super::StoreError;
use crate::model::collection::Secrets;
use crate::model::field::Field;
use crate::model::{AuthOptions, Collection, CollectionType};

const COLUMNS: &str = "id, system, type, name, fields, indexes, listRule, viewRule, createRule, \
                       updateRule, deleteRule, options, created, updated";

/// Every collection, in creation order.
pub fn load_all(conn: &Connection) -> Result<Vec<Collection>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM _collections ORDER BY rowid"))?;
    let mut rows = stmt.query([])?;
    let mut collections = Vec::new();
    while let Some(row) = rows.next()? {
        collections.push(from_row(row)?);
    }
    Ok(collections)
}

/// Inserts a new collection row.
pub fn insert(conn: &Connection, collection: &Collection) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO _collections ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?;
    stmt.execute(params![
        collection.id,
        collection.system,
        collection.collection_type.as_str(),
        collection.name,
        collection.fields_json().to_string(),
        Value::from(collection.indexes.clone()).to_string(),
        collection.list_rule,
        collection.view_rule,
        collection.create_rule,
        collection.update_rule,
        collection.delete_rule,
        collection.options_json().to_string(),
        collection.created,
        collection.updated,
    ])?;
    Ok(())
}

/// Overwrites an existing collection row (matched by id).
pub fn update(conn: &Connection, collection: &Collection) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "UPDATE _collections SET system = ?2, type = ?3, name = ?4, fields = ?5, indexes = ?6, \
         listRule = ?7, viewRule = ?8, createRule = ?9, updateRule = ?10, deleteRule = ?11, \
         options = ?12, created = ?13, updated = ?14 WHERE id = ?1",
    )?;
    let changed = stmt.execute(params![
        collection.id,
        collection.system,
        collection.collection_type.as_str(),
        collection.name,
        collection.fields_json().to_string(),
        Value::from(collection.indexes.clone()).to_string(),
        collection.list_rule,
        collection.view_rule,
        collection.create_rule,
        collection.update_rule,
        collection.delete_rule,
        collection.options_json().to_string(),
        collection.created,
        collection.updated,
    ])?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn from_row(row: &Row<'_>) -> Result<Collection, StoreError> {
    let name: String = row.get("name")?;
    let json = |column: &str| -> Result<Value, StoreError> {
        let text: String = row.get(column)?;
        serde_json::from_str(&text).map_err(|source| StoreError::CorruptJson {
            context: format!("_collections.{column} of {name}"),
            source,
        })
    };
    let type_name: String = row.get("type")?;
    let collection_type = CollectionType::parse(&type_name).ok_or_else(|| {
        StoreError::Unsupported(format!("collection {name} has type {type_name:?}"))
    })?;
    let fields = match json("fields")? {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                Field::from_json(item).map_err(|e| {
                    StoreError::Unsupported(format!(
                        "collection {name} has an unreadable field: {e}"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    let indexes = match json("indexes")? {
        Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let options = json("options")?;
    let view_query =
        options.get("viewQuery").and_then(Value::as_str).unwrap_or_default().to_owned();
    let auth = match collection_type {
        CollectionType::Auth => Some(AuthOptions::from_json(&options).map_err(|source| {
            StoreError::CorruptJson { context: format!("_collections.options of {name}"), source }
        })?),
        _ => None,
    };
    Ok(Collection {
        id: row.get("id")?,
        name,
        collection_type,
        system: row.get("system")?,
        fields,
        indexes,
        list_rule: row.get("listRule")?,
        view_rule: row.get("viewRule")?,
        create_rule: row.get("createRule")?,
        update_rule: row.get("updateRule")?,
        delete_rule: row.get("deleteRule")?,
        view_query,
        auth,
        created: row.get("created")?,
        updated: row.get("updated")?,
    })
}

/// The stored JSON of a collection (used by tests and backups).
pub fn stored_json(collection: &Collection) -> Value {
    collection.to_json(Secrets::Include)
}
