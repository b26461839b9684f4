//! Who is asking and with what: the requester's auth record and the request data that API
//! rules can read as `@request.*` (method, context, query, headers, submitted body).
//! See `../shared/spec/filters-and-rules.md` §4 and §8.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::tokens::AuthRecord;

/// The request as rules see it.
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    /// The requester's auth record (`None` for guests).
    pub auth: Option<Arc<AuthRecord>>,
    /// `GET`, `POST`, ...
    pub method: String,
    /// `default`, `expand`, `realtime`, `protectedFile`, `batch`, `oauth2`, `otp`, `password`.
    pub context: String,
    /// First value of each query parameter.
    pub query: HashMap<String, String>,
    /// First value of each header; names lower-cased with `-` turned into `_`.
    pub headers: HashMap<String, String>,
    /// The submitted body (after modifiers were applied, for record writes).
    pub body: Map<String, Value>,
}

impl RequestInfo {
    /// A request with the `default` context.
    pub fn new(auth: Option<Arc<AuthRecord>>, method: &str) -> Self {
        Self { auth, method: method.to_owned(), context: "default".to_owned(), ..Self::default() }
    }

    /// Whether the requester is a superuser (superusers bypass every rule).
    pub fn is_superuser(&self) -> bool {
        self.auth.as_ref().is_some_and(|a| a.is_superuser())
    }

    /// The requester's record id, if authenticated.
    pub fn auth_id(&self) -> Option<&str> {
        self.auth.as_ref().map(|a| a.record.id())
    }
}
