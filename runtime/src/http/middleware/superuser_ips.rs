//! `settings.superuserIPs`: when the list is not empty, any request carrying a valid superuser
//! token from another IP is refused with 403, whatever the route (captured from 0.40.6, even
//! `/api/health`). See `../shared/spec/auth.md` §2.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request};

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::Auth;
use crate::http::extract::client_ip::{client_ip, ip_allowed};

/// The 403 PocketBase answers.
pub fn refused() -> ApiError {
    ApiError::forbidden("You are not allowed to perform this request.")
}

/// Passes `request` on, or answers 403 when it carries a superuser token from an IP the
/// allowlist does not name (a no-op while the allowlist is empty).
pub async fn check(app: &App, request: Request) -> Result<Request, ApiError> {
    let settings = app.settings();
    if settings.superuser_ips.is_empty()
        || !request.headers().contains_key(http::header::AUTHORIZATION)
    {
        return Ok(request);
    }
    let (mut parts, body) = request.into_parts();
    let Ok(auth) = Auth::from_request_parts(&mut parts, app).await;
    if auth.is_superuser() {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        let allowed = peer.is_some_and(|peer| {
            ip_allowed(
                &settings.superuser_ips,
                client_ip(&settings.trusted_proxy, &parts.headers, peer),
            )
        });
        if !allowed {
            return Err(refused());
        }
    }
    Ok(Request::from_parts(parts, body))
}
