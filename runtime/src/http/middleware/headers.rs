//! CORS (PocketBase's default `--origins=*`) and the security headers PocketBase adds to every
//! response. Preflight `OPTIONS` requests are answered 204 before routing.
//! See `../shared/spec/README.md` (headers on every response, CORS).

use axum::extract::Request;
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

/// The `Access-Control-Allow-Origin` value for `request`, if it has an allowed `Origin`.
pub fn allowed_origin(app: &App, request: &Request) -> Option<HeaderValue> {
    let origin = request.headers().get(ORIGIN)?;
    allowed(&app.config().origins, origin)
}

/// Whether `request` is a preflight, answered by [`preflight`] before routing.
pub fn is_preflight(request: &Request) -> bool {
    request.method() == Method::OPTIONS
}

/// Adds `Vary`, the CORS origin and PocketBase's security headers to a response.
pub fn decorate(response: &mut Response, allowed_origin: Option<HeaderValue>) {
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
}

/// The `Access-Control-Allow-Origin` value for `origin`, if it is allowed.
fn allowed(origins: &[String], origin: &HeaderValue) -> Option<HeaderValue> {
    if origins.iter().any(|o| o == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    let text = origin.to_str().ok()?;
    origins.iter().any(|o| o.eq_ignore_ascii_case(text)).then(|| origin.clone())
}

/// The 204 answer to a preflight.
pub fn preflight(request_headers: &HeaderMap, allowed_origin: Option<HeaderValue>) -> Response {
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
