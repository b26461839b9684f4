//! Custom routes: a request no core route matched is looked up in the snapshot's route table
//! (any method, `{param}` segments); the module's answer becomes the response. `reject` gives
//! PocketBase's error envelope, `continue` falls through to the static files. No axum here:
//! `http/hook_routes.rs` is the glue.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use wasmbase_abi::event;

use super::answer::{self, Answer};
use super::call::{CallFailure, Entry, call_async};
use super::events::{HookAnswer, HookScope, HookStop};
use super::host::HostState;
use super::ops::OpContext;
use super::payload::RouteEvent;
use super::registry::RouteEntry;
use crate::app::App;
use crate::records::tokens::AuthRecord;

/// A hook route that matched a request's method and path.
pub struct Found {
    scope: HookScope,
    entry: RouteEntry,
    params: Vec<(String, String)>,
}

/// A request for a custom route.
pub struct RouteRequest<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// Path.
    pub path: &'a str,
    /// First value of each query parameter.
    pub query: &'a HashMap<String, String>,
    /// Headers (authorization and cookies are not handed to the module).
    pub headers: &'a http::HeaderMap,
    /// The body as text.
    pub body: &'a str,
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

/// The hook route for `method` and `path` in the current snapshot (before reading the body).
pub fn find(app: &App, method: &str, path: &str) -> Option<Found> {
    let scope = HookScope::of(app);
    let Some(Ok((entry, params))) = scope.registry.route(method, path) else {
        return None;
    };
    Some(Found { scope, entry, params })
}

/// Serves a route request.
pub async fn serve(app: &App, found: Found, request: RouteRequest<'_>) -> RouteOutcome {
    let Found { scope, entry, params } = found;
    match entry.auth.as_str() {
        "required" if request.auth.is_none() => return RouteOutcome::Unauthorized,
        "superuser" if request.auth.is_none() => return RouteOutcome::Unauthorized,
        "superuser" if !request.auth.as_ref().is_some_and(|a| a.is_superuser()) => {
            return RouteOutcome::Forbidden;
        }
        _ => {}
    }
    let payload = RouteEvent {
        handler: entry.handler,
        auth: request.auth.as_deref(),
        method: request.method,
        path: request.path,
        query: request.query,
        headers: request.headers,
        params: &params,
        body: request.body,
    }
    .to_vec();
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
    match answer::parse(&bytes) {
        Ok(Answer::Respond { status, headers, body, text }) => RouteOutcome::Done(Ok(
            HookAnswer::from_response(status, &headers, body, text.as_deref()),
        )),
        Ok(Answer::Reject { status, message, data }) => RouteOutcome::Done(Err(HookStop::Reject {
            status: status.clamp(400, 599),
            message,
            data,
        })),
        Ok(Answer::Continue { .. }) => RouteOutcome::NotMine,
        Err(error) => {
            report(&CallFailure {
                reason: format!("unreadable answer: {error}"),
                backtrace: String::new(),
            });
            RouteOutcome::Done(Err(HookStop::Failed))
        }
    }
}
