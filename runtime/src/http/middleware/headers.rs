//! CORS (PocketBase's default `--origins=*`) and the security headers PocketBase adds to every
//! response. Preflight `OPTIONS` requests are answered 204 here, before routing.
//! See `../shared/spec/README.md` (headers on every response, CORS).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, HeaderValue, ORIGIN, VARY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS, X_XSS_PROTECTION,
};
use http::{HeaderMap, Method, StatusCode};

use crate::app::App;

/// Marks a response that must not carry `X-Frame-Options` (file downloads) or any security
/// header (the `/_` redirect).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipSecurityHeaders {
    /// Leave out only `X-Frame-Options`.
    FrameOptions,
    /// Leave out all of them.
    All,
}

const ALLOWED_METHODS: &str = "GET,HEAD,PUT,PATCH,POST,DELETE";

/// Answers preflights and decorates every other response.
pub async fn cors_and_security(State(app): State<App>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN).cloned();
    let allowed_origin = origin.as_ref().and_then(|o| allowed(&app.config().origins, o));

    if request.method() == Method::OPTIONS {
        return preflight(request.headers(), allowed_origin);
    }

    let mut response = next.run(request).await;
    let skip = response.extensions().get::<SkipSecurityHeaders>().copied();
    let headers = response.headers_mut();
    headers.append(VARY, HeaderValue::from_static("Origin"));
    if let Some(value) = allowed_origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    if skip != Some(SkipSecurityHeaders::All) {
        headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if skip != Some(SkipSecurityHeaders::FrameOptions) {
            headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
        }
        headers.insert(X_XSS_PROTECTION, HeaderValue::from_static("1; mode=block"));
    }
    response
}

/// The `Access-Control-Allow-Origin` value for `origin`, if it is allowed.
fn allowed(origins: &[String], origin: &HeaderValue) -> Option<HeaderValue> {
    if origins.iter().any(|o| o == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    let text = origin.to_str().ok()?;
    origins.iter().any(|o| o.eq_ignore_ascii_case(text)).then(|| origin.clone())
}

fn preflight(request_headers: &HeaderMap, allowed_origin: Option<HeaderValue>) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.append(VARY, HeaderValue::from_static("Origin"));
    let Some(origin) = allowed_origin else { return response };
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if request_headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
        headers.append(VARY, HeaderValue::from_static("Access-Control-Request-Method"));
        headers.append(VARY, HeaderValue::from_static("Access-Control-Request-Headers"));
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOWED_METHODS));
        if let Some(requested) = request_headers.get(ACCESS_CONTROL_REQUEST_HEADERS) {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
        }
    }
    response
}
