//! PocketBase's JWTs: HS256, header `{"alg":"HS256","typ":"JWT"}`, claims with keys in
//! alphabetical order and no `iat`/`nbf`/`iss`, signed with the record's `tokenKey` followed by
//! the collection's secret for the token type. The same claims, key and time give the same bytes
//! PocketBase would produce. See `../shared/spec/auth.md` §3.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use serde::{Deserialize, Serialize};

/// The header PocketBase sends, base64url-encoded: `{"alg":"HS256","typ":"JWT"}`.
const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// The kinds of token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenType {
    /// API authentication.
    Auth,
    /// Protected file downloads.
    File,
    /// Email verification.
    Verification,
    /// Password reset.
    PasswordReset,
    /// Email change.
    EmailChange,
}

/// The claims of a PocketBase token. Field order is alphabetical, as PocketBase serializes them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenClaims {
    /// The record's collection id.
    pub collection_id: String,
    /// Email at issue time (verification, password reset, email change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// The record id.
    pub id: String,
    /// The requested new address (email change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_email: Option<String>,
    /// Whether auth-refresh may issue a new token (auth tokens only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refreshable: Option<bool>,
    /// Token kind.
    #[serde(rename = "type")]
    pub token_type: TokenType,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Not three base64url parts of JSON with the required claims.
    #[error("malformed token")]
    Malformed,
    /// Bad signature or expired.
    #[error("invalid token: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    /// Signing failed.
    #[error("cannot sign token: {0}")]
    Sign(jsonwebtoken::errors::Error),
}

/// Signs `claims` with `key` (record `tokenKey` + collection secret).
pub fn sign(claims: &TokenClaims, key: &str) -> Result<String, TokenError> {
    let payload = serde_json::to_vec(claims).map_err(|_| TokenError::Malformed)?;
    let message = format!("{HEADER_B64}.{}", URL_SAFE_NO_PAD.encode(payload));
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(key.as_bytes()),
        Algorithm::HS256,
    )
    .map_err(TokenError::Sign)?;
    Ok(format!("{message}.{signature}"))
}

/// Reads the claims without checking the signature (to find the record and its key).
pub fn decode_unverified(token: &str) -> Result<TokenClaims, TokenError> {
    jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(|_| TokenError::Malformed)
}

/// Checks the signature (HS256 only) and expiry (no leeway) and returns the claims.
pub fn verify(token: &str, key: &str) -> Result<TokenClaims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_aud = false;
    validation.required_spec_claims = ["exp".to_owned()].into_iter().collect();
    jsonwebtoken::decode::<TokenClaims>(
        token,
        &DecodingKey::from_secret(key.as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(TokenError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> TokenClaims {
        TokenClaims {
            collection_id: "_pb_users_auth_".into(),
            email: None,
            exp,
            id: "455pva3suein9yq".into(),
            new_email: None,
            refreshable: Some(true),
            token_type: TokenType::Auth,
        }
    }

    #[test]
    fn payload_bytes_match_pocketbase() {
        let token = sign(&claims(1_795_971_207), "key").unwrap();
        let payload = token.split('.').nth(1).unwrap();
        // Captured from PocketBase 0.40.6 for the same claims.
        assert_eq!(
            payload,
            "eyJjb2xsZWN0aW9uSWQiOiJfcGJfdXNlcnNfYXV0aF8iLCJleHAiOjE3OTU5NzEyMDcsImlkIjoiNDU1cHZhM3N1ZWluOXlxIiwicmVmcmVzaGFibGUiOnRydWUsInR5cGUiOiJhdXRoIn0"
        );
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
    }

    #[test]
    fn verify_checks_key_and_expiry() {
        let future = chrono::Utc::now().timestamp() + 60;
        let token = sign(&claims(future), "right").unwrap();
        assert_eq!(verify(&token, "right").unwrap(), claims(future));
        assert!(verify(&token, "wrong").is_err());
        let expired = sign(&claims(chrono::Utc::now().timestamp() - 1), "right").unwrap();
        assert!(verify(&expired, "right").is_err());
        assert!(decode_unverified("garbage").is_err());
    }
}
