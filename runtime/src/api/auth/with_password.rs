//! `POST /api/collections/{collection}/auth-with-password`: find the record by one of the
//! collection's identity fields (`email` first, skipped when the identity is not an email),
//! check the password (argon2id or PocketBase's bcrypt), check the auth rule, answer with the
//! record and a new auth token. See `../shared/spec/auth.md` §6.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::response::Response;
use http::HeaderMap;

use super::response::auth_response;
use super::rule::check_auth_rule;
use crate::api::auth_collection;
use crate::app::App;
use crate::auth::{TokenType, password};
use crate::http::ApiError;
use crate::http::extract::client_ip::{client_ip, ip_allowed};
use crate::http::extract::{BodyError, FormBody, RawQuery, Requester};
use crate::http::middleware::superuser_ips;
use crate::model::field::validate::is_email;
use crate::model::record::{EMAIL, PASSWORD};
use crate::model::{FieldError, Record, ValidationErrors};
use crate::records::tokens;
use crate::store;

const LOAD_ERROR: &str = "An error occurred while loading the submitted data.";
const VALIDATION_ERROR: &str = "An error occurred while validating the submitted data.";

/// The handler.
pub async fn auth_with_password(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(collection): Path<String>,
    query: RawQuery,
    Requester(mut request): Requester,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let collection = auth_collection(&app, &collection)?;
    let options = collection.auth.clone().unwrap_or_default();
    if !options.password_auth.enabled {
        return Err(ApiError::forbidden(
            "The collection is not configured to allow password authentication.",
        ));
    }
    let body = body.map_err(|e| match e {
        BodyError::TooLarge => ApiError::too_large(),
        BodyError::Unsupported => ApiError::from(e),
        BodyError::Malformed => ApiError::bad_request(LOAD_ERROR),
    })?;
    let read = |key: &str| body.string(key).map_err(|_| ApiError::bad_request(LOAD_ERROR));
    let (identity, plain, identity_field) =
        (read("identity")?, read("password")?, read("identityField")?);

    let mut errors = ValidationErrors::new();
    if identity.is_empty() {
        errors.add("identity", FieldError::required());
    }
    if plain.is_empty() {
        errors.add("password", FieldError::required());
    }
    if !identity_field.is_empty()
        && !options.password_auth.identity_fields.contains(&identity_field)
    {
        errors.add("identityField", FieldError::invalid_value());
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(VALIDATION_ERROR, &errors));
    }

    let candidates: Vec<String> = if identity_field.is_empty() {
        let mut fields = options.password_auth.identity_fields.clone();
        // Email first, as PocketBase tries it.
        fields.sort_by_key(|f| f != EMAIL);
        fields
    } else {
        vec![identity_field]
    };
    let candidates: Vec<String> = candidates
        .into_iter()
        .filter(|f| collection.field(f).is_some() && (f != EMAIL || is_email(&identity)))
        .collect();

    let c = collection.clone();
    let lookup_identity = identity.clone();
    let record: Option<Record> = app
        .data()
        .read(move |conn| {
            for field in &candidates {
                if let Some(record) =
                    store::records::find_first_by(conn, &c, field, &lookup_identity)?
                {
                    return Ok(Some(record));
                }
            }
            Ok(None)
        })
        .await?;

    let hash = record.as_ref().map(|r| r.get_str(PASSWORD).to_owned());
    let matched = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => password::verify(&plain, &hash),
        None => {
            password::verify_dummy(&plain);
            false
        }
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let record = match record {
        Some(record) if matched => record,
        _ => return Err(ApiError::bad_request("Failed to authenticate.")),
    };

    if collection.is_superusers() {
        let settings = app.settings();
        let ip = client_ip(&settings.trusted_proxy, &headers, peer);
        if !ip_allowed(&settings.superuser_ips, ip) {
            return Err(superuser_ips::refused());
        }
    }
    "password".clone_into(&mut request.context);
    check_auth_rule(&app, &collection, &record, request).await?;
    if options.mfa.enabled {
        // TODO(#5): MFA needs the OTP flow; refuse rather than skip the second factor.
        return Err(ApiError::forbidden("Multi-factor authentication is not supported yet."));
    }
    let token = tokens::issue(&collection, &record, TokenType::Auth, true, None)
        .map_err(|e| ApiError::internal(&e))?;
    auth_response(&query, &collection, &record, &token)
}
