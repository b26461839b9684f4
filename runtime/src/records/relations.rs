//! Relation integrity on write: every id a relation field holds must exist in the target
//! collection (rules ignored), else `validation_missing_rel_records`.
//! See `../shared/spec/collections-and-fields.md` §3 (relation).

use rusqlite::{Connection, params_from_iter};
use serde_json::Value;

use crate::model::field::FieldOptions;
use crate::model::{Collection, CollectionSet, FieldError, Record, ValidationErrors};
use crate::store::StoreError;
use crate::store::sql::{placeholders, quote_ident};

/// Relation fields whose ids do not all exist, as field errors.
pub fn missing_relation_errors(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    record: &Record,
) -> Result<ValidationErrors, StoreError> {
    let mut errors = ValidationErrors::new();
    for field in &collection.fields {
        let FieldOptions::Relation(options) = &field.options else { continue };
        let ids: Vec<String> = match record.get(&field.name) {
            Some(Value::Array(items)) => {
                items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            }
            Some(Value::String(id)) if !id.is_empty() => vec![id.clone()],
            _ => continue,
        };
        if ids.is_empty() {
            continue;
        }
        let target =
            all.all().iter().find(|c| c.id == options.collection_id).map(|c| c.name.clone());
        let found = match target {
            Some(table) => {
                let sql = format!(
                    "SELECT COUNT(DISTINCT id) FROM {} WHERE id IN ({})",
                    quote_ident(&table),
                    placeholders(ids.len())
                );
                conn.prepare_cached(&sql)?
                    .query_row(params_from_iter(ids.iter()), |row| row.get::<_, i64>(0))?
            }
            None => 0,
        };
        if usize::try_from(found).unwrap_or(0) < ids.len() {
            errors.add(
                field.name.clone(),
                FieldError::new(
                    "validation_missing_rel_records",
                    "Failed to find all relation records with the provided ids.",
                ),
            );
        }
    }
    Ok(errors)
}
