//! Subscription strings: `collection/*`, `collection/<recordId>`, `collection` (deprecated form
//! of `/*`), or a custom name such as `@oauth2`, each optionally followed by
//! `?options=<urlencoded JSON {"query":{...},"headers":{...}}>`. The collection part is a name
//! or id matched exactly (case-sensitive, unlike REST paths); the event name of a delivered
//! message is the whole string. See `../shared/spec/realtime.md` §4.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::files::name::snake_case;

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
    /// The decoded options (empty when they do not parse).
    pub options: SubscriptionOptions,
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
        let options = query.map(parse_options).unwrap_or_default();
        Self { raw: raw.to_owned(), collection: collection.to_owned(), scope, options }
    }

    /// Whether the subscription is about records of the collection `name` or `id`.
    pub fn is_for_collection(&self, name: &str, id: &str) -> bool {
        self.collection == name || self.collection == id
    }
}

/// Reads the first `options` parameter of a topic's query string (`+` and `%20` both decode
/// to a space: the JS and Dart SDKs encode differently; a `#fragment` is not part of it).
// compat: PocketBase ignores the `json.Unmarshal` error, so options that do not parse leave
// the subscription without options (its events are still delivered), and a `query` or
// `headers` that is not an object stops the decoding there: keys before it keep their values,
// keys after it are lost (captured from 0.40.6, realtime.md §4).
fn parse_options(query: &str) -> SubscriptionOptions {
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    let mut options = SubscriptionOptions::default();
    let Some((_, json)) =
        url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "options")
    else {
        return options;
    };
    let Ok(OrderedObject(entries)) = serde_json::from_str::<OrderedObject>(&json) else {
        return options;
    };
    for (key, value) in entries {
        let target = match key.as_str() {
            "query" => &mut options.query,
            "headers" => &mut options.headers,
            _ => continue,
        };
        match value {
            Value::Object(map) => target.extend(map.into_iter().map(|(k, v)| {
                let k = if key == "headers" { snake_case(&k) } else { k };
                (k, stringify(&v))
            })),
            Value::Null => target.clear(),
            _ => break,
        }
    }
    options
}

/// A JSON object's entries in document order (anything else fails to parse).
struct OrderedObject(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedObject, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(OrderedObject(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// Go's `cast.ToString` of a decoded JSON value: numbers without exponent or trailing `.0`,
/// and `""` for `null`, arrays and objects.
fn stringify(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        Value::Null | Value::Array(_) | Value::Object(_) => String::new(),
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
        assert_eq!(s.options, SubscriptionOptions::default());
    }

    #[test]
    fn decodes_options_from_both_sdk_encodings() {
        let js = "posts/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22views%20%3E%20100%22%2C%22n%22%3A5%7D%2C%22headers%22%3A%7B%22X-Test%22%3A%22a%22%7D%7D";
        let options = Subscription::parse(js).options;
        assert_eq!(options.param("filter"), Some("views > 100"));
        assert_eq!(options.query.get("n").map(String::as_str), Some("5"));
        assert_eq!(options.headers.get("x_test").map(String::as_str), Some("a"));
        let dart = "posts/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22views+%3E+100%22%7D%7D";
        assert_eq!(Subscription::parse(dart).options.param("filter"), Some("views > 100"));
    }

    fn options(json: &str) -> SubscriptionOptions {
        let encoded: String = url::form_urlencoded::byte_serialize(json.as_bytes()).collect();
        Subscription::parse(&format!("posts/*?options={encoded}")).options
    }

    #[test]
    fn options_that_do_not_parse_leave_the_subscription_without_options() {
        assert_eq!(options("{bad"), SubscriptionOptions::default());
        assert_eq!(options("[1]"), SubscriptionOptions::default());
        assert_eq!(
            Subscription::parse("posts/*?options=%zz").options,
            SubscriptionOptions::default()
        );
    }

    #[test]
    fn a_non_object_query_or_headers_stops_decoding_like_go() {
        let before = options(r#"{"query":{"filter":"a = 1"},"headers":5,"x":1}"#);
        assert_eq!(before.param("filter"), Some("a = 1"));
        let after = options(r#"{"headers":"x","query":{"filter":"a = 1"}}"#);
        assert_eq!(after.param("filter"), None);
        let null = options(r#"{"headers":null,"query":{"filter":"a = 1"}}"#);
        assert_eq!(null.param("filter"), Some("a = 1"));
        assert_eq!(options(r#"{"Query":{"filter":"a = 1"}}"#).param("filter"), None);
    }

    #[test]
    fn values_are_stringified_like_go_cast() {
        let o = options(
            r#"{"query":{"a":5.0,"b":1e21,"c":true,"d":null,"e":[1],"f":{"x":1},"g":0.5}}"#,
        );
        let get = |k: &str| o.query.get(k).map(String::as_str);
        assert_eq!(get("a"), Some("5"));
        assert_eq!(get("b"), Some("1000000000000000000000"));
        assert_eq!(get("c"), Some("true"));
        assert_eq!((get("d"), get("e"), get("f")), (Some(""), Some(""), Some("")));
        assert_eq!(get("g"), Some("0.5"));
    }

    #[test]
    fn header_names_are_snake_cased_like_pocketbase() {
        let o = options(r#"{"headers":{"X-Token":"a","xCustomHeader":"b","ABc":"c"}}"#);
        let mut names: Vec<&str> = o.headers.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["abc", "x_custom_header", "x_token"]);
    }

    #[test]
    fn the_fragment_is_not_part_of_the_options() {
        let s =
            Subscription::parse("posts/*?options=%7B%22query%22%3A%7B%22k%22%3A%22v%22%7D%7D#x");
        assert_eq!(s.options.query.get("k").map(String::as_str), Some("v"));
    }
}
