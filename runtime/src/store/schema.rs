//! Collection → DDL. A base or auth collection is a table (one column per field, typed as
//! PocketBase types them), a view collection an SQL view. Schema changes are applied inside
//! the caller's transaction with `ALTER TABLE` steps that keep the data: rename the table,
//! drop, rename and add columns, convert columns whose storage changed (single ↔ multiple
//! values), then recreate the indexes. A failed step fails the transaction, so nothing is
//! half-migrated. See `../shared/spec/collections-and-fields.md` §6.

pub mod view;
pub mod view_fields;
mod view_parser;
mod view_tokenizer;

use rusqlite::Transaction;

use super::StoreError;
use super::error::sqlite_error_text;
use super::sql::quote_ident;
use crate::model::collection::index_sql::IndexSql;
use crate::model::field::FieldOptions;
use crate::model::{Collection, CollectionType, Field};

/// Why a schema change failed, with the index position when an index is at fault.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// Creating index number `position` failed.
    #[error("Failed to create index {name} - {message}")]
    Index {
        /// Position in the collection's `indexes`.
        position: usize,
        /// Index name.
        name: String,
        /// SQLite's wording.
        message: String,
    },
    /// The view query does not work as a view.
    #[error("{0}")]
    View(String),
    /// Any other DDL step failed.
    #[error("{0}")]
    Step(String),
    /// The database failed outside of DDL.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `CREATE TABLE` for a collection, with columns in alphabetical order as PocketBase creates
/// them.
pub fn create_table_sql(collection: &Collection) -> String {
    let mut fields: Vec<_> = collection.fields.iter().collect();
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    let columns: Vec<String> = fields.iter().map(|f| column_sql(f)).collect();
    format!("CREATE TABLE {} ({})", quote_ident(&collection.name), columns.join(", "))
}

fn column_sql(field: &Field) -> String {
    format!("{} {}", quote_ident(&field.name), field.column_definition())
}

/// Creates the table (or view) of a new collection and its indexes.
pub fn create_collection_table(
    tx: &Transaction<'_>,
    collection: &Collection,
) -> Result<(), SchemaError> {
    if collection.collection_type == CollectionType::View {
        return view::save_collection_view(tx, collection, None).map_err(SchemaError::View);
    }
    step(tx, &create_table_sql(collection), |e| {
        format!("failed to create table {} - {e}", collection.name)
    })?;
    create_indexes(tx, collection)
}

/// Drops the table (or view) of a collection and its indexes. compat: refused when a view
/// collection would stop resolving (PocketBase re-checks every other view after the drop).
pub fn drop_collection_table(
    tx: &Transaction<'_>,
    collection: &Collection,
) -> Result<(), SchemaError> {
    drop_table_or_view(tx, collection)?;
    let all =
        super::collections::load_all(tx)?.into_iter().map(std::sync::Arc::new).collect::<Vec<_>>();
    match view::broken_views(tx, &all, &collection.id) {
        Some(reason) => Err(SchemaError::Step(format!(
            "[{}] failed to delete due to existing view dependency: {reason}",
            collection.name
        ))),
        None => Ok(()),
    }
}

fn drop_table_or_view(tx: &Transaction<'_>, collection: &Collection) -> Result<(), SchemaError> {
    let kind = if collection.collection_type == CollectionType::View { "VIEW" } else { "TABLE" };
    step(tx, &format!("DROP {kind} IF EXISTS {}", quote_ident(&collection.name)), |e| {
        format!("failed to drop {} - {e}", collection.name)
    })
}

/// Migrates the stored table of `old` to the schema of `new`, keeping the data.
pub fn sync_collection_table(
    tx: &Transaction<'_>,
    old: &Collection,
    new: &Collection,
) -> Result<(), SchemaError> {
    if new.collection_type == CollectionType::View {
        return view::save_collection_view(tx, new, Some(&old.name)).map_err(SchemaError::View);
    }
    drop_indexes(tx, old)?;
    if old.name != new.name {
        step(
            tx,
            &format!("ALTER TABLE {} RENAME TO {}", quote_ident(&old.name), quote_ident(&new.name)),
            |e| format!("failed to rename table {} - {e}", old.name),
        )?;
    }
    let table = quote_ident(&new.name);
    for removed in old.fields.iter().filter(|f| !new.fields.iter().any(|n| n.id == f.id)) {
        step(
            tx,
            &format!("ALTER TABLE {table} DROP COLUMN {}", quote_ident(&removed.name)),
            |e| format!("failed to drop column {} - {e}", removed.name),
        )?;
    }
    // Renames go through temporary names so that swapping two names works.
    let renamed: Vec<(&Field, &Field)> = new
        .fields
        .iter()
        .filter_map(|n| {
            old.fields.iter().find(|o| o.id == n.id && o.name != n.name).map(|o| (o, n))
        })
        .collect();
    for (i, (old_field, _)) in renamed.iter().enumerate() {
        step(
            tx,
            &format!(
                "ALTER TABLE {table} RENAME COLUMN {} TO `_pb_tmp_rename_{i}`",
                quote_ident(&old_field.name)
            ),
            |e| format!("failed to rename column {} - {e}", old_field.name),
        )?;
    }
    for (i, (_, new_field)) in renamed.iter().enumerate() {
        step(
            tx,
            &format!(
                "ALTER TABLE {table} RENAME COLUMN `_pb_tmp_rename_{i}` TO {}",
                quote_ident(&new_field.name)
            ),
            |e| format!("failed to rename column {} - {e}", new_field.name),
        )?;
    }
    for new_field in &new.fields {
        match old.fields.iter().find(|o| o.id == new_field.id) {
            Some(old_field) if old_field.column_definition() != new_field.column_definition() => {
                convert_column(tx, &table, old_field, new_field)?;
            }
            Some(_) => {}
            None => step(
                tx,
                &format!("ALTER TABLE {table} ADD COLUMN {}", column_sql(new_field)),
                |e| format!("failed to add column {} - {e}", new_field.name),
            )?,
        }
    }
    create_indexes(tx, new)
}

/// Rewrites a column whose storage changed, converting the values: single → multiple wraps a
/// non-empty value in a JSON list, multiple → single keeps the last item.
fn convert_column(
    tx: &Transaction<'_>,
    table: &str,
    old: &Field,
    new: &Field,
) -> Result<(), SchemaError> {
    let column = quote_ident(&new.name);
    let temp = quote_ident(&format!("_pb_tmp_convert_{}", new.name));
    let conversion = match (old.options.is_multiple(), new.options.is_multiple()) {
        (false, true) => {
            format!("CASE WHEN COALESCE({column}, '') = '' THEN '[]' ELSE json_array({column}) END")
        }
        (true, false) => format!(
            "CASE WHEN json_valid({column}) AND json_array_length({column}) > 0 \
             THEN json_extract({column}, '$[#-1]') ELSE '' END"
        ),
        _ => column.clone(),
    };
    let fail = |e: String| format!("failed to convert column {} - {e}", new.name);
    step(tx, &format!("ALTER TABLE {table} ADD COLUMN {temp} {}", new.column_definition()), fail)?;
    step(tx, &format!("UPDATE {table} SET {temp} = {conversion}"), fail)?;
    step(tx, &format!("ALTER TABLE {table} DROP COLUMN {column}"), fail)?;
    step(tx, &format!("ALTER TABLE {table} RENAME COLUMN {temp} TO {column}"), fail)
}

fn drop_indexes(tx: &Transaction<'_>, collection: &Collection) -> Result<(), SchemaError> {
    for index in collection.indexes.iter().filter_map(|sql| IndexSql::parse(sql)) {
        step(tx, &format!("DROP INDEX IF EXISTS {}", quote_ident(&index.name)), |e| {
            format!("failed to drop index {} - {e}", index.name)
        })?;
    }
    Ok(())
}

fn create_indexes(tx: &Transaction<'_>, collection: &Collection) -> Result<(), SchemaError> {
    for (position, sql) in collection.indexes.iter().enumerate() {
        let name = IndexSql::parse(sql).map(|i| i.name).unwrap_or_default();
        tx.execute_batch(sql).map_err(|e| SchemaError::Index {
            position,
            name,
            message: sqlite_error_text(&e),
        })?;
    }
    Ok(())
}

fn step(
    tx: &Transaction<'_>,
    sql: &str,
    context: impl Fn(String) -> String,
) -> Result<(), SchemaError> {
    tx.execute_batch(sql).map_err(|e| SchemaError::Step(context(sqlite_error_text(&e))))
}

/// Whether a field's values live in a JSON list column.
pub fn is_list_column(field: &Field) -> bool {
    field.options.is_multiple()
        || matches!(field.options, FieldOptions::GeoPoint | FieldOptions::Json(_))
}
