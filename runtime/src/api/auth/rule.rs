//! The collection's `authRule`, checked before any token is handed out: `null` lets nobody
//! authenticate, `""` everybody. See `../shared/spec/auth.md` §4.

use crate::http::ApiError;
use crate::model::Collection;

/// 403 unless the collection's auth rule lets the record authenticate.
pub fn check_auth_rule(collection: &Collection) -> Result<(), ApiError> {
    let denied = || {
        ApiError::forbidden(
            "The request doesn't satisfy the collection requirements to authenticate.",
        )
    };
    match collection.auth.as_ref().and_then(|a| a.auth_rule.as_deref()) {
        None => Err(denied()),
        Some("") => Ok(()),
        Some(rule) => {
            // TODO(#5): evaluate rule expressions once the filter language lands; until then a
            // non-empty rule fails closed rather than being ignored.
            tracing::warn!(collection = %collection.name, rule, "authRule expressions are not evaluated yet; denying");
            Err(denied())
        }
    }
}
