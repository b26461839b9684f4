//! Subscription strings: `collection/*`, `collection/<recordId>`, `collection` (deprecated form
//! of `/*`), or a custom name such as `@oauth2`, each optionally followed by
//! `?options=<urlencoded JSON {"query":{...},"headers":{...}}>`. The collection part is a name
//! or id matched exactly (case-sensitive, unlike REST paths); the event name of a delivered
//! message is the whole string. See `../shared/spec/realtime.md` §4.

use std::collections::HashMap;

use serde_json::Value;

/// What a subscription asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every record of the collection (`/*` or no suffix): the list rule applies.
    All,
    /// One record: the view rule applies.
    Record(String),
}

/// One parsed subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    /// The string as posted: the event name of its messages.
    pub raw: String,
    /// The collection name or id (or a custom topic name).
    pub collection: String,
    /// All records or one.
    pub scope: Scope,
    /// The decoded options, `None` when they do not parse (then nothing is delivered).
    pub options: Option<SubscriptionOptions>,
}

/// `?options=`: request data for rules and the `filter`, `expand` and `fields` to apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionOptions {
    /// Query parameters (`@request.query.*`; `filter`, `expand`, `fields`).
    pub query: HashMap<String, String>,
    /// Headers (`@request.headers.*`), names snake_cased.
    pub headers: HashMap<String, String>,
}

impl SubscriptionOptions {
    /// A non-empty query parameter.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.get(key).map(String::as_str).filter(|v| !v.trim().is_empty())
    }
}

impl Subscription {
    /// Parses a subscription string.
    pub fn parse(raw: &str) -> Self {
        let (topic, query) = match raw.split_once('?') {
            Some((topic, query)) => (topic, Some(query)),
            None => (raw, None),
        };
        let (collection, scope) = match topic.split_once('/') {
            Some((collection, "*")) => (collection, Scope::All),
            Some((collection, id)) => (collection, Scope::Record(id.to_owned())),
            None => (topic, Scope::All),
        };
        let options = match query {
            None => Some(SubscriptionOptions::default()),
            Some(query) => parse_options(query),
        };
        Self { raw: raw.to_owned(), collection: collection.to_owned(), scope, options }
    }

    /// Whether the subscription is about records of the collection `name` or `id`.
    pub fn is_for_collection(&self, name: &str, id: &str) -> bool {
        self.collection == name || self.collection == id
    }
}

/// Reads the `options` parameter of a topic's query string (`+` and `%20` both decode to a
/// space: the JS and Dart SDKs encode differently).
fn parse_options(query: &str) -> Option<SubscriptionOptions> {
    let Some((_, json)) =
        url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "options")
    else {
        return Some(SubscriptionOptions::default());
    };
    let Value::Object(root) = serde_json::from_str::<Value>(&json).ok()? else { return None };
    let mut options = SubscriptionOptions::default();
    if let Some(Value::Object(query)) = root.get("query") {
        options.query = query.iter().map(|(k, v)| (k.clone(), stringify(v))).collect();
    }
    if let Some(Value::Object(headers)) = root.get("headers") {
        options.headers = headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase().replace('-', "_"), stringify(v)))
            .collect();
    }
    Some(options)
}

fn stringify(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_topics_and_scopes() {
        let s = Subscription::parse("posts/*");
        assert_eq!((s.collection.as_str(), &s.scope), ("posts", &Scope::All));
        let s = Subscription::parse("posts/abc");
        assert_eq!(s.scope, Scope::Record("abc".to_owned()));
        let s = Subscription::parse("posts");
        assert_eq!(s.scope, Scope::All);
        assert!(s.is_for_collection("posts", "pbc_1"));
        assert!(!s.is_for_collection("Posts", "pbc_1"));
        assert_eq!(s.options, Some(SubscriptionOptions::default()));
    }

    #[test]
    fn decodes_options_from_both_sdk_encodings() {
        let js = "posts/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22views%20%3E%20100%22%2C%22n%22%3A5%7D%2C%22headers%22%3A%7B%22X-Test%22%3A%22a%22%7D%7D";
        let options = Subscription::parse(js).options.unwrap();
        assert_eq!(options.param("filter"), Some("views > 100"));
        assert_eq!(options.query.get("n").map(String::as_str), Some("5"));
        assert_eq!(options.headers.get("x_test").map(String::as_str), Some("a"));
        let dart = "posts/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22views+%3E+100%22%7D%7D";
        assert_eq!(Subscription::parse(dart).options.unwrap().param("filter"), Some("views > 100"));
        assert_eq!(Subscription::parse("posts/*?options=%7Bbad").options, None);
    }
}
