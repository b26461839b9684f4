//! Tokens of auth records: issuing PocketBase-shaped JWTs for a record and finding the record
//! a presented token belongs to (type check, record lookup, signature with `tokenKey` +
//! collection secret, expiry). See `../shared/spec/auth.md` §3.

use std::sync::Arc;

use crate::app::App;
use crate::auth::token::{self, TokenClaims, TokenError, TokenType};
use crate::model::collection::TokenOptions;
use crate::model::record::TOKEN_KEY;
use crate::model::{Collection, Record};
use crate::store;

/// A record an auth token was verified for.
#[derive(Clone, Debug)]
pub struct AuthRecord {
    /// The record's (auth) collection.
    pub collection: Arc<Collection>,
    /// The record as stored now.
    pub record: Record,
    /// The verified claims.
    pub claims: TokenClaims,
    /// The token text.
    pub token: String,
}

impl AuthRecord {
    /// Whether the token belongs to a superuser.
    pub fn is_superuser(&self) -> bool {
        self.collection.is_superusers()
    }

    /// `record` of `collection` as if signed in with an auth token (unit tests: no token is
    /// issued or checked).
    #[cfg(test)]
    pub fn signed_in(collection: &Arc<Collection>, record: Record) -> Self {
        let claims = TokenClaims {
            collection_id: collection.id.clone(),
            email: None,
            exp: 0,
            id: record.id().to_owned(),
            new_email: None,
            refreshable: Some(true),
            token_type: TokenType::Auth,
        };
        Self { collection: collection.clone(), record, claims, token: String::new() }
    }
}

fn token_options(collection: &Collection, kind: TokenType) -> Option<&TokenOptions> {
    let auth = collection.auth.as_ref()?;
    Some(match kind {
        TokenType::Auth => &auth.auth_token,
        TokenType::File => &auth.file_token,
        TokenType::Verification => &auth.verification_token,
        TokenType::PasswordReset => &auth.password_reset_token,
        TokenType::EmailChange => &auth.email_change_token,
    })
}

/// Issues a token of `kind` for `record`, valid for `duration` seconds (or the collection's
/// duration for that kind when `None`).
pub fn issue(
    collection: &Collection,
    record: &Record,
    kind: TokenType,
    refreshable: bool,
    duration: Option<i64>,
) -> Result<String, TokenError> {
    let options = token_options(collection, kind).ok_or(TokenError::Malformed)?;
    let claims = TokenClaims {
        collection_id: collection.id.clone(),
        email: None,
        exp: chrono::Utc::now().timestamp() + duration.unwrap_or(options.duration),
        id: record.id().to_owned(),
        new_email: None,
        refreshable: (kind == TokenType::Auth).then_some(refreshable),
        token_type: kind,
    };
    token::sign(&claims, &signing_key(record, options))
}

fn signing_key(record: &Record, options: &TokenOptions) -> String {
    format!("{}{}", record.get_str(TOKEN_KEY), options.secret)
}

/// The record a token of `kind` was issued for, if the token is still valid. Any problem
/// (malformed, unknown collection or record, bad signature, expired) gives `None`.
pub async fn find_record(app: &App, token_text: &str, kind: TokenType) -> Option<AuthRecord> {
    let claims = token::decode_unverified(token_text).ok()?;
    if claims.token_type != kind || claims.id.is_empty() || claims.collection_id.is_empty() {
        return None;
    }
    let collection = app.find_collection(&claims.collection_id)?;
    if !collection.is_auth() || collection.id != claims.collection_id {
        return None;
    }
    let c = collection.clone();
    let id = claims.id.clone();
    let record =
        app.data().read(move |conn| store::records::find_by_id(conn, &c, &id)).await.ok()??;
    let options = token_options(&collection, kind)?;
    let claims = token::verify(token_text, &signing_key(&record, options)).ok()?;
    Some(AuthRecord { collection, record, claims, token: token_text.to_owned() })
}
