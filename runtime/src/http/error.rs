//! `ApiError`: PocketBase's error envelope `{"data","message","status"}` and the only place an
//! error becomes an HTTP response. Domain errors are mapped here explicitly; internal details
//! are logged, never sent. See `../shared/spec/README.md` (error envelope).

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde_json::{Map, Value};

use crate::model::ValidationErrors;
use crate::store::StoreError;

/// An error answer in PocketBase's envelope.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// HTTP status (also the envelope's `status`).
    pub status: StatusCode,
    /// Sentence-cased message ending with a period.
    pub message: String,
    /// Field errors, or `{}`.
    pub data: Value,
}

/// PocketBase's default message for 400 and 500.
pub const DEFAULT_MESSAGE: &str = "Something went wrong while processing your request.";

impl ApiError {
    /// An error with `message` (sentenized as PocketBase does) and empty data.
    pub fn new(status: StatusCode, message: impl AsRef<str>) -> Self {
        Self { status, message: sentenize(message.as_ref()), data: Value::Object(Map::new()) }
    }

    /// 400 with `message`.
    pub fn bad_request(message: impl AsRef<str>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 with the generic message.
    pub fn bad_request_default() -> Self {
        Self::bad_request(DEFAULT_MESSAGE)
    }

    /// 401 with `message`.
    pub fn unauthorized(message: impl AsRef<str>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403 with `message`.
    pub fn forbidden(message: impl AsRef<str>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 with `message`.
    pub fn not_found(message: impl AsRef<str>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 404 with the default message.
    pub fn not_found_default() -> Self {
        Self::not_found("The requested resource wasn't found.")
    }

    /// 413.
    pub fn too_large() -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "Request entity too large.")
    }

    /// 500 with the generic message; `cause` is logged, not sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, DEFAULT_MESSAGE)
    }

    /// 400 `message` with field errors in `data`.
    pub fn validation(message: impl AsRef<str>, errors: &ValidationErrors) -> Self {
        Self { data: errors.to_json(), ..Self::bad_request(message) }
    }

    /// The envelope as JSON text.
    pub fn body(&self) -> String {
        let mut map = Map::new();
        map.insert("data".into(), self.data.clone());
        map.insert("message".into(), Value::from(self.message.as_str()));
        map.insert("status".into(), Value::from(self.status.as_u16()));
        Value::Object(map).to_string()
    }
}

/// First letter upper-cased and a final period added, as PocketBase's `inflector.Sentenize`.
pub fn sentenize(message: &str) -> String {
    let trimmed = message.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    let mut chars = trimmed.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, [(CONTENT_TYPE, "application/json")], self.body()).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        // compat: PocketBase answers unexpected failures with 400 on most routes, but a storage
        // failure is ours, not the client's; it is logged and answered 500.
        Self::internal(&error)
    }
}

impl From<super::extract::BodyError> for ApiError {
    fn from(error: super::extract::BodyError) -> Self {
        use super::extract::BodyError;
        match error {
            BodyError::TooLarge => Self::too_large(),
            BodyError::Malformed => Self::bad_request_default(),
            BodyError::Unsupported => Self::bad_request("Unsupported Content-Type."),
        }
    }
}

impl IntoResponse for super::extract::BodyError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_matches_pocketbase() {
        let error = ApiError::not_found("Missing collection context.");
        assert_eq!(
            error.body(),
            r#"{"data":{},"message":"Missing collection context.","status":404}"#
        );
    }

    #[test]
    fn messages_are_sentenized() {
        assert_eq!(sentenize("failed to authenticate"), "Failed to authenticate.");
        assert_eq!(sentenize("Done!"), "Done!");
    }
}
