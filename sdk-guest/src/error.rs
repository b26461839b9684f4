//! Typed errors: [`ApiError`] (what a hook rejects with: PocketBase's error envelope with field
//! errors) and [`CallError`] (what a failed host call returns).

use serde_json::{Map, Value, json};

pub use wasmbase_abi::CallError;

/// A rejection: HTTP status, message and field errors (`data.<field> = {code, message}`).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// 400-599.
    pub status: u16,
    /// The message.
    pub message: String,
    /// Field errors.
    pub data: Map<String, Value>,
}

impl ApiError {
    /// An error with `status` and `message`.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), data: Map::new() }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    /// 401.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, message)
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }

    /// Adds the field error `data.<field> = {code, message}`.
    pub fn field(mut self, field: &str, code: &str, message: &str) -> Self {
        self.data.insert(field.to_owned(), json!({"code": code, "message": message}));
        self
    }
}

impl From<CallError> for ApiError {
    fn from(error: CallError) -> Self {
        let mut out = Self::new(
            if error.code == "validation" || error.code == "rejected" { 400 } else { 500 },
            error.error,
        );
        out.data = error.data;
        out
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl std::error::Error for ApiError {}
