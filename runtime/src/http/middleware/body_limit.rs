//! Refuses a request whose declared `Content-Length` is over the cap before routing, as
//! PocketBase does (413 even on unknown routes). Bodies without a length are capped while
//! being read (see `extract::body`).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_LENGTH;

use crate::http::ApiError;
use crate::http::extract::body::DEFAULT_MAX_BODY;

/// The middleware.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > DEFAULT_MAX_BODY as u64) {
        return ApiError::too_large().into_response();
    }
    next.run(request).await
}
