//! Truncating a collection: deletes every record of a base or auth collection; view
//! collections have no records of their own.

use crate::app::App;
use crate::model::CollectionType;
use crate::store::StoreError;
use crate::store::sql::quote_ident;

use super::CollectionError;

/// Deletes all records of the collection with id `id`.
pub async fn truncate(app: &App, id: &str) -> Result<(), CollectionError> {
    let collection = app.find_collection(id).ok_or(CollectionError::NotFound)?;
    if collection.collection_type == CollectionType::View {
        return Err(CollectionError::Refused(
            "View collections cannot be truncated since they don't store their own records."
                .to_owned(),
        ));
    }
    let table = quote_ident(&collection.name);
    app.data()
        .write(move |tx| -> Result<(), StoreError> {
            Ok(tx.execute_batch(&format!("DELETE FROM {table}"))?)
        })
        .await?;
    Ok(())
}
