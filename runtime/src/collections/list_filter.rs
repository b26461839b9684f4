//! Filtering the collections list (`GET /api/collections?filter=`) over the keys PocketBase
//! allows there: id, created, updated, name, system, type. The filter is compiled like a
//! record filter against a schema describing `_collections` and run on that table.
//! See `../shared/spec/collections-and-fields.md` §5.

use std::collections::HashSet;

use rusqlite::Connection;

use crate::model::field::TextOptions;
use crate::model::{Collection, CollectionSet, CollectionType, DateTime, Field, FieldOptions};
use crate::query::sql::{Access, QueryBuilder, RequestContext};

/// Why a filter was refused.
#[derive(Debug, thiserror::Error)]
pub enum ListFilterError {
    /// The filter does not parse or names something other than the allowed keys.
    #[error("invalid collections filter: {0}")]
    Invalid(String),
    /// The query failed.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// The database could not be reached.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// `_collections` as the filter sees it.
fn schema() -> Collection {
    let mut collection = Collection::new(CollectionType::Base, "_collections");
    let text = || FieldOptions::Text(TextOptions::default());
    collection.fields = vec![
        Field::new("id", text()),
        Field::new("created", text()),
        Field::new("updated", text()),
        Field::new("name", text()),
        Field::new("system", FieldOptions::Bool),
        Field::new("type", text()),
    ];
    collection
}

/// The ids of the collections matching `filter`.
pub fn matching_ids(conn: &Connection, filter: &str) -> Result<HashSet<String>, ListFilterError> {
    let schema = schema();
    let all = CollectionSet::default();
    let request = RequestContext::default();
    let mut builder = QueryBuilder::new(&schema, &all, &request, DateTime::now());
    builder
        .and_filter_text(filter, Access::RULE)
        .map_err(|e| ListFilterError::Invalid(e.to_string()))?;
    let compiled = builder.finish().map_err(|e| ListFilterError::Invalid(e.to_string()))?;
    let sql = format!(
        "SELECT {}.`id` FROM {}{}",
        compiled.table,
        compiled.from_clause(),
        compiled.where_clause()
    );
    let mut stmt = conn.prepare(&sql)?;
    let ids = stmt
        .query_map(rusqlite::params_from_iter(compiled.params.iter()), |row| row.get(0))?
        .collect::<Result<HashSet<String>, _>>()?;
    Ok(ids)
}
