//! `POST /api/files/token`: a short-lived `file` token for the requester (any auth record),
//! used as `?token=` to download protected files.

use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use crate::app::App;
use crate::auth::TokenType;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, RequireAuth};
use crate::http::response;
use crate::records::tokens;

/// The handler.
pub async fn token(
    State(_app): State<App>,
    RequireAuth(auth): RequireAuth,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let token = tokens::issue(&auth.collection, &auth.record, TokenType::File, false, None)
        .map_err(|e| ApiError::internal(&e))?;
    response::json(&query, &json!({"token": token}))
}
