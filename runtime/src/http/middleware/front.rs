//! The one middleware every request goes through, in this order: preflights answered (CORS),
//! the body cap checked, the superuser IP allowlist applied, then the route; every answer,
//! refusals included, gets the CORS and security headers. One layer instead of one per step:
//! each `from_fn` layer costs a boxed service clone and a boxed future per request.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{body_limit, headers, superuser_ips};
use crate::app::App;
use crate::http::ApiError;

/// The middleware.
pub async fn front(State(app): State<App>, request: Request, next: Next) -> Response {
    let allowed_origin = headers::allowed_origin(&app, &request);
    if headers::is_preflight(&request) {
        return headers::preflight(request.headers(), allowed_origin);
    }
    let mut response = match checked(&app, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    };
    headers::decorate(&mut response, allowed_origin);
    response
}

async fn checked(app: &App, request: Request) -> Result<Request, ApiError> {
    let request = body_limit::check(app, request)?;
    superuser_ips::check(app, request).await
}
