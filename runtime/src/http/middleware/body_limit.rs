//! Refuses a request whose declared `Content-Length` is over the cap before routing, as
//! PocketBase does (413 even on unknown routes). The cap is 32 MiB, except `/api/batch`, which
//! uses `settings.batch.maxBodySize` (0 = 128 MiB). Bodies without a length are capped while
//! being read (see `extract::body`, which reads the cap from the request's [`BodyLimit`]).

use axum::extract::Request;
use http::header::CONTENT_LENGTH;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::body::DEFAULT_MAX_BODY;

/// Default cap of `/api/batch` bodies.
pub const DEFAULT_BATCH_MAX_BODY: usize = 128 << 20;

/// The body cap of the current request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// Passes `request` on with its [`BodyLimit`], or answers 413 when its declared length is over
/// the cap.
pub fn check(app: &App, mut request: Request) -> Result<Request, ApiError> {
    let limit = if request.uri().path() == "/api/batch" {
        usize::try_from(app.settings().batch.max_body_size)
            .ok()
            .filter(|l| *l > 0)
            .unwrap_or(DEFAULT_BATCH_MAX_BODY)
    } else {
        DEFAULT_MAX_BODY
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::too_large());
    }
    request.extensions_mut().insert(BodyLimit(limit));
    Ok(request)
}
