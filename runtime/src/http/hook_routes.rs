//! The axum side of hooks: the fallback that serves routes registered by hook modules (checked
//! after every core route and before the static files), and the rendering of a hook's answers:
//! `respond` as the hook's response, `reject` as PocketBase's error envelope, a failure as a 500.

use axum::extract::{FromRequestParts, Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode};
use serde_json::Value;

use super::ApiError;
use super::extract::Auth;
use super::extract::auth::MISSING_AUTH;
use crate::app::App;
use crate::hooks::routes::{self, RouteOutcome, RouteRequest};
use crate::hooks::{HookAnswer, HookStop};

/// The router's fallback: a hook route if one matches, else the static files.
pub async fn fallback(State(app): State<App>, request: Request) -> Response {
    let Some(found) = routes::find(&app, request.method().as_str(), request.uri().path()) else {
        return super::static_files::fallback(State(app), request).await;
    };
    let (mut parts, body) = request.into_parts();
    let Ok(Auth(auth)) = Auth::from_request_parts(&mut parts, &app).await;
    let limit = app.hooks().limits().route_body;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return ApiError::too_large().into_response();
    };
    let query = super::extract::RawQuery::parse(parts.uri.query().unwrap_or_default()).0;
    let body = String::from_utf8_lossy(&bytes);
    let request = RouteRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: &query,
        headers: &parts.headers,
        body: &body,
        auth,
    };
    match routes::serve(&app, found, request).await {
        RouteOutcome::Done(Ok(answer)) => answer_response(answer),
        RouteOutcome::Done(Err(stop)) => stop_error(stop).into_response(),
        RouteOutcome::Unauthorized => ApiError::unauthorized(MISSING_AUTH).into_response(),
        RouteOutcome::Forbidden => {
            ApiError::forbidden("The authorized record is not allowed to perform this action.")
                .into_response()
        }
        RouteOutcome::NotMine => ApiError::not_found_default().into_response(),
    }
}

/// A hook's `respond` answer as an HTTP response.
pub fn answer_response(answer: HookAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = (status, answer.body).into_response();
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// A hook's `reject` (or failure) as PocketBase's error envelope.
pub fn stop_error(stop: HookStop) -> ApiError {
    match stop {
        HookStop::Reject { status, message, data } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            ApiError { data: Value::Object(data), ..ApiError::new(status, message) }
        }
        // compat: inside a batch or a hook-made write, a `respond` cannot answer the request;
        // it stops the write like a reject with its status.
        HookStop::Respond(answer) => {
            let status =
                StatusCode::from_u16(answer.status.max(400)).unwrap_or(StatusCode::BAD_REQUEST);
            ApiError::new(status, super::error::DEFAULT_MESSAGE)
        }
        HookStop::Failed => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, super::error::DEFAULT_MESSAGE)
        }
    }
}
