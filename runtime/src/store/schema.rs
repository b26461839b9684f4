//! Collection → DDL: the table of a base or auth collection (one column per field, named and
//! typed as PocketBase names and types them) and its indexes.
//! See `../shared/spec/collections-and-fields.md` §6.

use rusqlite::Transaction;

use super::StoreError;
use super::sql::quote_ident;
use crate::model::Collection;

/// `CREATE TABLE` for a collection, with columns in alphabetical order as PocketBase creates
/// them.
pub fn create_table_sql(collection: &Collection) -> String {
    let mut fields: Vec<_> = collection.fields.iter().collect();
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    let columns: Vec<String> = fields
        .iter()
        .map(|f| format!("{} {}", quote_ident(&f.name), f.column_definition()))
        .collect();
    format!("CREATE TABLE {} ({})", quote_ident(&collection.name), columns.join(", "))
}

/// Creates the table of a new collection and its indexes.
pub fn create_collection_table(
    tx: &Transaction<'_>,
    collection: &Collection,
) -> Result<(), StoreError> {
    tx.execute_batch(&create_table_sql(collection))?;
    for index in &collection.indexes {
        tx.execute_batch(index)?;
    }
    Ok(())
}
