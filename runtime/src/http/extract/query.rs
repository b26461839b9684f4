//! The raw query string, decoded into the first value of each key (how PocketBase reads
//! `fields`, `expand`, `page`, ...).

use std::collections::HashMap;
use std::convert::Infallible;

use axum::extract::FromRequestParts;
use http::request::Parts;

/// First value of each query parameter.
#[derive(Clone, Debug, Default)]
pub struct RawQuery(pub HashMap<String, String>);

impl RawQuery {
    /// Decodes a query string.
    pub fn parse(query: &str) -> Self {
        Self(crate::query::params::parse_query(query))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RawQuery {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query().unwrap_or_default()))
    }
}
