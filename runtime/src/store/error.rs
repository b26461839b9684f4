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
    /// A system migration step failed.
    #[error("migration failed: {0}")]
    Migration(String),
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

/// An SQLite failure worded like PocketBase's Go driver: `SQL logic error: no such column: x (1)`.
pub fn sqlite_error_text(error: &rusqlite::Error) -> String {
    match error {
        rusqlite::Error::SqlInputError { error: failure, msg, .. } => {
            format!("{}: {msg} ({})", errstr(failure.extended_code & 0xff), failure.extended_code)
        }
        rusqlite::Error::SqliteFailure(failure, message) => {
            let description = errstr(failure.extended_code & 0xff);
            match message {
                Some(message) => format!("{description}: {message} ({})", failure.extended_code),
                None => format!("{description} ({})", failure.extended_code),
            }
        }
        other => other.to_string(),
    }
}

/// `sqlite3_errstr` of a primary result code.
fn errstr(code: i32) -> &'static str {
    match code {
        1 => "SQL logic error",
        2 => "internal error",
        3 => "access permission denied",
        4 => "query aborted",
        5 => "database is locked",
        6 => "database table is locked",
        7 => "out of memory",
        8 => "attempt to write a readonly database",
        9 => "interrupted",
        10 => "disk I/O error",
        11 => "database disk image is malformed",
        12 => "unknown operation",
        13 => "database or disk is full",
        14 => "unable to open database file",
        15 => "locking protocol",
        17 => "database schema has changed",
        18 => "string or blob too big",
        19 => "constraint failed",
        20 => "datatype mismatch",
        21 => "bad parameter or other API misuse",
        23 => "authorization denied",
        25 => "column index out of range",
        26 => "file is not a database",
        _ => "unknown error",
    }
}
