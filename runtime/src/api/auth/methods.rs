//! `GET /api/collections/{collection}/auth-methods`: which ways of authenticating the
//! collection offers, plus the legacy keys old SDKs read. Durations are 0 when a method is off.
//! See `../shared/spec/auth.md` §5.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use crate::api::auth_collection;
use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::RawQuery;
use crate::http::response;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthMethods {
    password: PasswordMethod,
    oauth2: OAuth2Method,
    mfa: DurationMethod,
    otp: DurationMethod,
    auth_providers: Vec<Value>,
    username_password: bool,
    email_password: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PasswordMethod {
    identity_fields: Vec<String>,
    enabled: bool,
}

#[derive(Serialize)]
struct OAuth2Method {
    providers: Vec<Value>,
    enabled: bool,
}

#[derive(Serialize)]
struct DurationMethod {
    enabled: bool,
    duration: i64,
}

/// The handler.
pub async fn auth_methods(
    State(app): State<App>,
    Path(collection): Path<String>,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let collection = auth_collection(&app, &collection)?;
    let options = collection.auth.clone().unwrap_or_default();
    let password = &options.password_auth;
    let has_identity =
        |name: &str| password.enabled && password.identity_fields.iter().any(|f| f == name);
    // OAuth2 sign-in is not implemented yet (docs/status.md), so no provider is listed.
    let body = AuthMethods {
        password: PasswordMethod {
            identity_fields: password.identity_fields.clone(),
            enabled: password.enabled,
        },
        oauth2: OAuth2Method { providers: Vec::new(), enabled: false },
        mfa: DurationMethod {
            enabled: options.mfa.enabled,
            duration: if options.mfa.enabled { options.mfa.duration } else { 0 },
        },
        otp: DurationMethod {
            enabled: options.otp.enabled,
            duration: if options.otp.enabled { options.otp.duration } else { 0 },
        },
        auth_providers: Vec::new(),
        username_password: has_identity("username"),
        email_password: has_identity("email"),
    };
    response::json(&query, &body)
}
