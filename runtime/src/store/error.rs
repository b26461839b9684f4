//! Errors of the storage layer. Their messages are for logs; `http/error.rs` decides what a
//! client sees.

use crate::model::ValidationErrors;

/// Anything that can go wrong reading or writing `pb_data`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON column could not be decoded.
    #[error("corrupt stored json in {context}: {source}")]
    CorruptJson {
        /// Where the JSON came from.
        context: String,
        /// The decoding error.
        source: serde_json::Error,
    },
    /// The data does not pass validation; nothing was written.
    #[error("validation failed: {0:?}")]
    Validation(ValidationErrors),
    /// The row was not found.
    #[error("not found")]
    NotFound,
    /// The database threads are gone (shutting down).
    #[error("the database is closed")]
    Closed,
    /// A job panicked on a database thread (the thread survives).
    #[error("a database job panicked: {0}")]
    Panicked(String),
    /// Opening or creating `pb_data` failed.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The path that failed.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The data dir was written by a PocketBase version wasmbase cannot open.
    #[error("unsupported pb_data: {0}")]
    Unsupported(String),
}

impl StoreError {
    /// Whether this is a UNIQUE constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
    }

    /// The SQLite message of a failure, if any (e.g. `UNIQUE constraint failed: users.email`).
    pub fn sqlite_message(&self) -> Option<&str> {
        match self {
            Self::Sqlite(rusqlite::Error::SqliteFailure(_, Some(message))) => Some(message),
            _ => None,
        }
    }
}
