//! The `Authorization` header: a raw JWT, optionally after a case-insensitive `Bearer `
//! prefix. Only valid `auth` tokens count; anything else makes the request a guest request
//! (public endpoints never fail because of a bad token). Superuser-only routes answer 401/403
//! with PocketBase's messages. See `../shared/spec/auth.md` §2.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::super::ApiError;
use crate::app::App;
use crate::auth::TokenType;
use crate::records::tokens::{self, AuthRecord};

/// The requester's auth record, if a valid auth token was sent.
#[derive(Clone, Debug)]
pub struct Auth(pub Option<Arc<AuthRecord>>);

impl Auth {
    /// Whether the requester is a superuser.
    pub fn is_superuser(&self) -> bool {
        self.0.as_ref().is_some_and(|a| a.is_superuser())
    }
}

/// The token text of an `Authorization` header value.
pub fn token_from_header(value: &str) -> &str {
    let value = value.trim();
    match value.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => &value[7..],
        _ => value,
    }
}

impl FromRequestParts<App> for Auth {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if let Some(auth) = parts.extensions.get::<Auth>() {
            return Ok(auth.clone());
        }
        let token = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(token_from_header)
            .filter(|t| !t.is_empty());
        let record = match token {
            Some(token) => tokens::find_record(app, token, TokenType::Auth).await.map(Arc::new),
            None => None,
        };
        let auth = Auth(record);
        parts.extensions.insert(auth.clone());
        Ok(auth)
    }
}

/// Message when a route needs a valid auth token and has none.
pub const MISSING_AUTH: &str = "The request requires valid record authorization token.";

/// Any valid auth record (401 otherwise).
#[derive(Clone, Debug)]
pub struct RequireAuth(pub Arc<AuthRecord>);

impl FromRequestParts<App> for RequireAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Ok(auth) = Auth::from_request_parts(parts, app).await;
        match auth.0 {
            Some(record) => Ok(Self(record)),
            None => Err(ApiError::unauthorized(MISSING_AUTH)),
        }
    }
}

/// A superuser (401 without auth, 403 with another auth record).
#[derive(Clone, Debug)]
pub struct RequireSuperuser(pub Arc<AuthRecord>);

impl FromRequestParts<App> for RequireSuperuser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let RequireAuth(record) = RequireAuth::from_request_parts(parts, app).await?;
        if !record.is_superuser() {
            return Err(ApiError::forbidden(
                "The authorized record is not allowed to perform this action.",
            ));
        }
        Ok(Self(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_one_bearer_prefix_in_any_case() {
        assert_eq!(token_from_header("Bearer abc"), "abc");
        assert_eq!(token_from_header("bearer abc"), "abc");
        assert_eq!(token_from_header(" abc "), "abc");
        // compat: only one space is stripped, so this stays invalid (captured from 0.40.6).
        assert_eq!(token_from_header("BEARER   abc"), "  abc");
    }
}
