//! What a filter or rule may read about the current request through `@request.*`: the auth
//! record, method, context, query parameters, headers and the submitted body.
//! See `../shared/spec/filters-and-rules.md` §4 (identifiers) and §8 (`@request.context`).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::Collection;
use crate::model::field::normalize::normalize;

/// The authenticated record of a request (`@request.auth.*`).
#[derive(Debug, Clone)]
pub struct AuthRecord {
    /// The record's collection.
    pub collection: Arc<Collection>,
    /// Every field value of the record (hidden ones included), by field name.
    pub values: Map<String, Value>,
    /// Whether the record is a superuser (`_superusers`).
    pub is_superuser: bool,
}

impl AuthRecord {
    /// A record of `collection`; superuser when the collection is `_superusers`.
    pub fn new(collection: Arc<Collection>, values: Map<String, Value>) -> Self {
        let is_superuser = collection.is_superusers();
        Self { collection, values, is_superuser }
    }

    /// The record id (`""` when missing).
    pub fn id(&self) -> &str {
        self.values.get("id").and_then(Value::as_str).unwrap_or_default()
    }
}

/// `@request.context`: why the rule is being evaluated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A normal API request.
    #[default]
    Default,
    /// The view rule check while expanding relations.
    Expand,
    /// Realtime event delivery.
    Realtime,
    /// A protected file download.
    ProtectedFile,
    /// A sub-request of `/api/batch`.
    Batch,
    /// Record create/auth during auth-with-oauth2.
    OAuth2,
    /// Auth-with-otp.
    Otp,
    /// Auth-with-password.
    Password,
}

impl RequestKind {
    /// The value `@request.context` compares as.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Default => "default",
            RequestKind::Expand => "expand",
            RequestKind::Realtime => "realtime",
            RequestKind::ProtectedFile => "protectedFile",
            RequestKind::Batch => "batch",
            RequestKind::OAuth2 => "oauth2",
            RequestKind::Otp => "otp",
            RequestKind::Password => "password",
        }
    }
}

/// Everything `@request.*` can read. Build one per request (or per realtime/expand check).
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The auth record; `None` for guests.
    pub auth: Option<AuthRecord>,
    /// `GET`, `POST`, ... (`GET` for realtime checks).
    pub method: String,
    /// `@request.context`.
    pub context: RequestKind,
    /// The first value of each URL query parameter.
    pub query: HashMap<String, String>,
    /// The first value of each header, names lower-cased with `-` turned into `_`.
    pub headers: HashMap<String, String>,
    /// The submitted body after the caller resolved field modifiers (`views+` → `views`) and
    /// normalised field values (see [`normalize_body`]). A key is "set" (`:isset`) when it is
    /// present, whatever its value.
    pub body: Map<String, Value>,
}

impl RequestContext {
    /// A guest request with `method` and everything else empty.
    pub fn new(method: &str) -> Self {
        Self { method: method.to_owned(), ..Self::default() }
    }

    /// Sets the auth record.
    pub fn with_auth(mut self, auth: Option<AuthRecord>) -> Self {
        self.auth = auth;
        self
    }

    /// Sets `@request.context`.
    pub fn with_context(mut self, context: RequestKind) -> Self {
        self.context = context;
        self
    }

    /// Adds query parameters, keeping the first value of a repeated name.
    pub fn with_query<'k>(mut self, pairs: impl IntoIterator<Item = (&'k str, &'k str)>) -> Self {
        for (name, value) in pairs {
            self.query.entry(name.to_owned()).or_insert_with(|| value.to_owned());
        }
        self
    }

    /// Adds headers, keeping the first value of a repeated name; names are normalised with
    /// [`header_key`].
    pub fn with_headers<'k>(mut self, pairs: impl IntoIterator<Item = (&'k str, &'k str)>) -> Self {
        for (name, value) in pairs {
            self.headers.entry(header_key(name)).or_insert_with(|| value.to_owned());
        }
        self
    }

    /// Sets the submitted body (already resolved and normalised).
    pub fn with_body(mut self, body: Map<String, Value>) -> Self {
        self.body = body;
        self
    }

    /// Whether the requester is a superuser.
    pub fn is_superuser(&self) -> bool {
        self.auth.as_ref().is_some_and(|auth| auth.is_superuser)
    }
}

/// A header name as `@request.headers.*` spells it: lower-cased, `-` → `_`.
pub fn header_key(name: &str) -> String {
    name.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}

/// Normalises every body key that names a field of `collection` by the field's type (`"5"` on
/// a number field → 5), as PocketBase stores submitted values before a rule reads them. Other
/// keys stay as submitted. Apply it once: json values are not idempotent under it.
pub fn normalize_body(collection: &Collection, body: Map<String, Value>) -> Map<String, Value> {
    body.into_iter()
        .map(|(key, value)| match collection.field(&key) {
            Some(field) => {
                let normalized = normalize(field, &value);
                (key, normalized)
            }
            None => (key, value),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::field::NumberOptions;
    use crate::model::{CollectionType, Field, FieldOptions};

    #[test]
    fn headers_and_query_keep_the_first_value() {
        let request = RequestContext::new("GET")
            .with_headers([("X-Token", "a"), ("x-token", "b"), ("Content-Type", "c")])
            .with_query([("a", "1"), ("a", "2")]);
        assert_eq!(request.headers.get("x_token").map(String::as_str), Some("a"));
        assert_eq!(request.headers.get("content_type").map(String::as_str), Some("c"));
        assert_eq!(request.query.get("a").map(String::as_str), Some("1"));
        assert_eq!(RequestKind::ProtectedFile.as_str(), "protectedFile");
        assert!(!request.is_superuser());
    }

    #[test]
    fn body_values_are_normalised_by_field_type() {
        let mut collection = Collection::new(CollectionType::Base, "c");
        collection.fields.push(Field::new("n", FieldOptions::Number(NumberOptions::default())));
        let mut body = Map::new();
        body.insert("n".into(), Value::from(""));
        body.insert("other".into(), Value::from("x"));
        let body = normalize_body(&collection, body);
        assert_eq!(body.get("n"), Some(&Value::from(0)));
        assert_eq!(body.get("other"), Some(&Value::from("x")));
    }
}
