//! Why a record operation failed; `http/error.rs` renders the PocketBase answer for each.
//! See `../shared/spec/records.md` (status codes per situation).

use crate::model::ValidationErrors;
use crate::store::StoreError;

/// The record action a validation failure belongs to (it picks the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `Failed to create record.`
    Create,
    /// `Failed to update record.`
    Update,
}

/// A failed record operation.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No collection by that name or id (404 `Missing collection context.`).
    #[error("missing collection")]
    MissingCollection,
    /// Writes to a view collection (400 `Unsupported collection type.`).
    #[error("unsupported collection type")]
    UnsupportedCollection,
    /// The rule is `null` and the requester is not a superuser (403).
    #[error("superusers only")]
    SuperusersOnly,
    /// A client filter or sort used `@request.`/`@collection.` (403).
    #[error("only superusers can filter by {0}")]
    FilterForbidden(&'static str),
    /// The record does not exist or the rule hides it (404).
    #[error("record not found")]
    NotFound,
    /// The create rule refused the would-be record (400 with empty data).
    #[error("create rule failed")]
    CreateRuleFailed,
    /// Field errors; nothing was written.
    #[error("invalid record: {1:?}")]
    Validation(Action, ValidationErrors),
    /// Deleting would break a required relation (400).
    #[error("required relation reference")]
    RequiredReference,
    /// A malformed filter, sort, page, expand or body (400 with the generic message).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A WebAssembly hook rejected the write, answered the request itself, or failed.
    #[error("stopped by a hook: {0:?}")]
    Hook(crate::hooks::HookStop),
}

impl From<crate::hooks::HookStop> for RecordError {
    fn from(stop: crate::hooks::HookStop) -> Self {
        Self::Hook(stop)
    }
}

impl From<rusqlite::Error> for RecordError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Store(StoreError::from(error))
    }
}

impl From<crate::records::save::SaveError> for RecordError {
    fn from(error: crate::records::save::SaveError) -> Self {
        match error {
            crate::records::save::SaveError::Validation(errors) => {
                Self::Validation(Action::Create, errors)
            }
            crate::records::save::SaveError::Store(error) => Self::Store(error),
        }
    }
}
