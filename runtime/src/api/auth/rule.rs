//! The collection's `authRule`, checked before any token is handed out: `null` lets nobody
//! authenticate, `""` everybody, an expression must hold for the authenticating record (with
//! `@request.*` of the auth request). See `../shared/spec/auth.md` §4.

use std::sync::Arc;

use crate::app::App;
use crate::http::ApiError;
use crate::model::{Collection, Record};
use crate::records::request::RequestInfo;
use crate::records::rules::{self, RuleScope};

/// 403 unless the collection's auth rule lets `record` authenticate.
pub async fn check_auth_rule(
    app: &App,
    collection: &Arc<Collection>,
    record: &Record,
    request: RequestInfo,
) -> Result<(), ApiError> {
    let denied = || {
        ApiError::forbidden(
            "The request doesn't satisfy the collection requirements to authenticate.",
        )
    };
    let rule = match collection.auth.as_ref().and_then(|a| a.auth_rule.as_deref()) {
        None => return Err(denied()),
        Some(rule) if rule.trim().is_empty() => return Ok(()),
        Some(rule) => rule.to_owned(),
    };
    let (all, c, id) = (app.collections(), collection.clone(), record.id().to_owned());
    let allowed = app
        .data()
        .read_with(move |conn| {
            let scope = RuleScope { all: &all, collection: &c, request: &request };
            rules::allows_stored(conn, &scope, &rule, &id)
        })
        .await
        .map_err(crate::api::records::record_error)?;
    if allowed { Ok(()) } else { Err(denied()) }
}
