//! Custom routes: a request no core route matched is looked up in the snapshot's route table
//! (any method, `{param}` segments); the module's answer becomes the response. `reject` gives
//! PocketBase's error envelope, `continue` falls through to the static files. No axum here:
//! `http/hook_routes.rs` is the glue.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};
use wasmbase_abi::{Event, RequestData, Response, event};

use super::call::{CallFailure, Entry, call_async};
use super::events::{HookAnswer, HookScope, HookStop};
use super::host::HostState;
use super::ops::OpContext;
use crate::app::App;
use crate::model::record::Visibility;
use crate::records::tokens::AuthRecord;

/// A request for a custom route.
pub struct RouteRequest {
    /// Upper-case method.
    pub method: String,
    /// Path.
    pub path: String,
    /// First value of each query parameter.
    pub query: Map<String, Value>,
    /// Headers, lower-case names (authorization and cookies left out).
    pub headers: Map<String, Value>,
    /// The body as text.
    pub body: String,
    /// The requester.
    pub auth: Option<Arc<AuthRecord>>,
}

/// What became of a route request.
pub enum RouteOutcome {
    /// No hook route for this method and path.
    NotMine,
    /// The route needs an auth record (401).
    Unauthorized,
    /// The route needs a superuser (403).
    Forbidden,
    /// The module answered, rejected or failed.
    Done(Result<HookAnswer, HookStop>),
}

/// Whether a hook route matches `method` and `path` (before reading the body).
pub fn matches(app: &App, method: &str, path: &str) -> bool {
    matches!(app.hooks().snapshot().route(method, path), Some(Ok(_)))
}

/// Serves a route request.
pub async fn serve(app: &App, request: RouteRequest) -> RouteOutcome {
    let scope = HookScope::of(app);
    let Some(Ok((entry, params))) = scope.registry.route(&request.method, &request.path) else {
        return RouteOutcome::NotMine;
    };
    match entry.auth.as_str() {
        "required" if request.auth.is_none() => return RouteOutcome::Unauthorized,
        "superuser" if request.auth.is_none() => return RouteOutcome::Unauthorized,
        "superuser" if !request.auth.as_ref().is_some_and(|a| a.is_superuser()) => {
            return RouteOutcome::Forbidden;
        }
        _ => {}
    }
    let payload = Event {
        event: event::ROUTE.to_owned(),
        handler: entry.handler,
        auth: request
            .auth
            .as_ref()
            .map(|a| a.record.to_public_json(&a.collection, Visibility::SUPERUSER)),
        request: Some(RequestData {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query,
            headers: request.headers,
            context: "default".to_owned(),
        }),
        params: params.into_iter().map(|(k, v)| (k, Value::from(v))).collect(),
        body: request.body,
        ..Event::default()
    };
    let payload = serde_json::to_vec(&payload).unwrap_or_default();
    let info = entry.module.info.clone();
    let deadline = Instant::now() + info.limits.route;
    let ops = OpContext { module: info.clone(), scope: Some(scope), in_tx: false };
    let state = HostState::new(&info, ops, deadline, true);
    let hooks = app.hooks();
    let report =
        |failure: &CallFailure| hooks.report(&info.name, event::ROUTE, entry.handler, failure);
    let bytes = match call_async(&entry.module, state, Entry::Handle(&payload)).await {
        Ok(bytes) => bytes,
        Err(failure) => {
            report(&failure);
            return RouteOutcome::Done(Err(HookStop::Failed));
        }
    };
    match serde_json::from_slice::<Response>(&bytes) {
        Ok(Response::Respond { status, headers, body, text }) => RouteOutcome::Done(Ok(
            HookAnswer::from_response(status, &headers, body.as_ref(), text.as_deref()),
        )),
        Ok(Response::Reject { status, message, data }) => {
            RouteOutcome::Done(Err(HookStop::Reject {
                status: status.clamp(400, 599),
                message,
                data,
            }))
        }
        Ok(Response::Continue { .. }) => RouteOutcome::NotMine,
        Err(error) => {
            report(&CallFailure {
                reason: format!("unreadable answer: {error}"),
                backtrace: String::new(),
            });
            RouteOutcome::Done(Err(HookStop::Failed))
        }
    }
}
