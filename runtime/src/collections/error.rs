//! Why a collection operation failed; `http/error.rs` turns these into PocketBase's answers.

use crate::model::ValidationErrors;
use crate::model::collection::input::LoadError;
use crate::store::StoreError;

/// A failed collection operation.
#[derive(Debug, thiserror::Error)]
pub enum CollectionError {
    /// The body could not be read as a collection.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Field errors; nothing changed.
    #[error("invalid collection: {0:?}")]
    Validation(ValidationErrors),
    /// Applying the schema change failed (the raw reason is shown, as PocketBase does).
    #[error("{0}")]
    Apply(String),
    /// Deleting is refused (system collection, or referenced by relation fields).
    #[error("{0}")]
    Refused(String),
    /// An import failed; the text is the raw reason PocketBase shows.
    #[error("{0}")]
    Import(String),
    /// The collection does not exist.
    #[error("collection not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
