//! `POST /api/collections/{collection}/auth-refresh`: needs a valid auth token of this very
//! collection; re-checks the auth rule; answers with the current record and a new token, or
//! the same token when it is not refreshable (impersonation). See `../shared/spec/auth.md` §6.

use axum::extract::{Path, State};
use axum::response::Response;

use super::response::auth_response;
use super::rule::check_auth_rule;
use crate::api::auth_route_collection;
use crate::app::App;
use crate::auth::TokenType;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, RequireAuth};
use crate::records::request::RequestInfo;
use crate::records::tokens;

/// The handler.
pub async fn auth_refresh(
    State(app): State<App>,
    Path(collection): Path<String>,
    query: RawQuery,
    auth: Result<RequireAuth, ApiError>,
) -> Result<Response, ApiError> {
    let collection = auth_route_collection(&app, &collection)?;
    let RequireAuth(auth) = auth?;
    if auth.collection.id != collection.id {
        return Err(ApiError::forbidden(format!(
            "The request requires auth record from {} collection.",
            auth.collection.name
        )));
    }
    let request = RequestInfo::new(Some(auth.clone()), "POST");
    check_auth_rule(&app, &collection, &auth.record, request).await?;
    let token = if auth.claims.refreshable == Some(true) {
        tokens::issue(&collection, &auth.record, TokenType::Auth, true, None)
            .map_err(|e| ApiError::internal(&e))?
    } else {
        auth.token.clone()
    };
    auth_response(&query, &collection, &auth.record, &token)
}
