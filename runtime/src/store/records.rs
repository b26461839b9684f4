//! Reading and writing record rows: one table per collection, one column per field. Every
//! statement binds its values; identifiers come from validated collection and field names.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row, params_from_iter};
use serde_json::Map;

use super::StoreError;
use super::sql::{placeholders, quote_ident};
use super::value::{column_to_json, json_to_column};
use crate::model::{Collection, Record};

/// The record of `collection` with this id.
pub fn find_by_id(
    conn: &Connection,
    collection: &Collection,
    id: &str,
) -> Result<Option<Record>, StoreError> {
    find_first_by(conn, collection, "id", id)
}

/// The first record (in insertion order) whose `field` equals `value` exactly.
pub fn find_first_by(
    conn: &Connection,
    collection: &Collection,
    field: &str,
    value: &str,
) -> Result<Option<Record>, StoreError> {
    let sql = format!(
        "SELECT * FROM {} WHERE {} = ?1 LIMIT 1",
        quote_ident(&collection.name),
        quote_ident(field)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([value])?;
    match rows.next()? {
        Some(row) => Ok(Some(from_row(collection, row)?)),
        None => Ok(None),
    }
}

/// The number of records of a collection matching `where_sql` (a constant condition).
pub fn count_where(
    conn: &Connection,
    collection: &Collection,
    where_sql: &str,
    args: &[&str],
) -> Result<i64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM {} WHERE {where_sql}", quote_ident(&collection.name));
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row(params_from_iter(args.iter()), |row| row.get(0))?)
}

/// Inserts a record; every field of the collection gets a column value.
pub fn insert(
    conn: &Connection,
    collection: &Collection,
    record: &Record,
) -> Result<(), StoreError> {
    let names: Vec<String> = collection.fields.iter().map(|f| quote_ident(&f.name)).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote_ident(&collection.name),
        names.join(", "),
        placeholders(names.len())
    );
    let values = column_values(collection, record);
    conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(())
}

/// Overwrites every column of the record whose id is `id` (which may differ from the new
/// values' id only when the caller allows id changes).
pub fn update(
    conn: &Connection,
    collection: &Collection,
    id: &str,
    record: &Record,
) -> Result<(), StoreError> {
    let assignments: Vec<String> = collection
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{} = ?{}", quote_ident(&f.name), i + 1))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE id = ?{}",
        quote_ident(&collection.name),
        assignments.join(", "),
        assignments.len() + 1
    );
    let mut values = column_values(collection, record);
    values.push(SqlValue::Text(id.to_owned()));
    let changed = conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes the record with this id; `NotFound` if there is none.
pub fn delete(conn: &Connection, collection: &Collection, id: &str) -> Result<(), StoreError> {
    let sql = format!("DELETE FROM {} WHERE id = ?1", quote_ident(&collection.name));
    let changed = conn.prepare_cached(&sql)?.execute([id])?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The column values of `record`, in field order (unset fields get their zero value).
pub fn column_values(collection: &Collection, record: &Record) -> Vec<SqlValue> {
    collection
        .fields
        .iter()
        .map(|f| match record.values.get(&f.name) {
            Some(value) => json_to_column(f, value),
            None => json_to_column(f, &f.zero_value()),
        })
        .collect()
}

/// Builds a record from a `SELECT *` row; columns that are not fields are ignored and fields
/// without a column get their zero value.
pub fn from_row(collection: &Collection, row: &Row<'_>) -> Result<Record, StoreError> {
    let statement = row.as_ref();
    let mut values = Map::new();
    for field in &collection.fields {
        let value = match statement.column_index(&field.name) {
            Ok(index) => column_to_json(field, row.get_ref(index)?),
            Err(_) => field.zero_value(),
        };
        values.insert(field.name.clone(), value);
    }
    Ok(Record {
        collection_id: collection.id.clone(),
        collection_name: collection.name.clone(),
        values,
    })
}
