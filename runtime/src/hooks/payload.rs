//! The JSON a record event or a route request hands to `pb_handle`, written straight from the
//! host's values: the same bytes `serde_json` gives for `wasmbase_abi::Event` (same keys, same
//! order), without the maps and strings that building an `Event` first would copy (see
//! `docs/hooks-abi.md`).

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::model::record::Visibility;
use crate::model::{Collection, Record};
use crate::records::request::RequestInfo;
use crate::records::tokens::AuthRecord;

/// Headers a hook never sees.
const SECRET_HEADERS: [&str; 2] = ["authorization", "cookie"];

/// A record event.
pub struct RecordEvent<'a> {
    /// The event name.
    pub event: &'a str,
    /// The handler id.
    pub handler: u32,
    /// The record's collection.
    pub collection: &'a Collection,
    /// The record.
    pub record: &'a Record,
    /// The stored record before an update or delete.
    pub original: Option<&'a Record>,
    /// The request (request-level and after-success events).
    pub request: Option<&'a RequestInfo>,
    /// Inside the write transaction.
    pub tx: bool,
    /// Nesting depth of hook-made writes.
    pub depth: u32,
}

impl RecordEvent<'_> {
    /// The payload bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        // Writing into a Vec cannot fail, and every value here serialises.
        let _ = serde_json::to_writer(&mut out, self);
        out
    }
}

impl Serialize for RecordEvent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let all = Visibility::SUPERUSER;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("v", &1)?;
        map.serialize_entry("event", self.event)?;
        map.serialize_entry("handler", &self.handler)?;
        map.serialize_entry("collection", &CollectionRef(self.collection))?;
        map.serialize_entry("record", &self.record.public_json(self.collection, all))?;
        if let Some(original) = self.original {
            map.serialize_entry("original", &original.public_json(self.collection, all))?;
        }
        let auth = self.request.and_then(|r| r.auth.as_ref());
        map.serialize_entry("auth", &auth.map(|a| a.record.public_json(&a.collection, all)))?;
        if let Some(request) = self.request {
            map.serialize_entry("request", &Request(request))?;
        }
        map.serialize_entry("tx", &self.tx)?;
        map.serialize_entry("depth", &self.depth)?;
        map.end()
    }
}

/// A request to a hook route.
pub struct RouteEvent<'a> {
    /// The handler id.
    pub handler: u32,
    /// The requester.
    pub auth: Option<&'a AuthRecord>,
    /// Upper-case method.
    pub method: &'a str,
    /// Path.
    pub path: &'a str,
    /// First value of each query parameter.
    pub query: &'a HashMap<String, String>,
    /// The request's headers (authorization and cookies are left out here).
    pub headers: &'a http::HeaderMap,
    /// Path parameters.
    pub params: &'a [(String, String)],
    /// The body as text.
    pub body: &'a str,
}

impl RouteEvent<'_> {
    /// The payload bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(384 + self.body.len());
        // Writing into a Vec cannot fail, and every value here serialises.
        let _ = serde_json::to_writer(&mut out, self);
        out
    }
}

impl Serialize for RouteEvent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("v", &1)?;
        map.serialize_entry("event", wasmbase_abi::event::ROUTE)?;
        map.serialize_entry("handler", &self.handler)?;
        let auth = self.auth.map(|a| a.record.public_json(&a.collection, Visibility::SUPERUSER));
        map.serialize_entry("auth", &auth)?;
        map.serialize_entry("request", &RouteRequest(self))?;
        if !self.params.is_empty() {
            let params = self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            map.serialize_entry("params", &Object::new(params))?;
        }
        if !self.body.is_empty() {
            map.serialize_entry("body", self.body)?;
        }
        map.serialize_entry("tx", &false)?;
        map.serialize_entry("depth", &0)?;
        map.end()
    }
}

/// `{"method", "path", "query", "headers", "context"}` of a route request.
struct RouteRequest<'a>(&'a RouteEvent<'a>);

impl Serialize for RouteRequest<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let route = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("method", route.method)?;
        if !route.path.is_empty() {
            map.serialize_entry("path", route.path)?;
        }
        map.serialize_entry("query", &Object::of_map(route.query, &[]))?;
        map.serialize_entry("headers", &Object::of_headers(route.headers))?;
        map.serialize_entry("context", "default")?;
        map.end()
    }
}

/// `{"id", "name", "type"}`.
struct CollectionRef<'a>(&'a Collection);

impl Serialize for CollectionRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("id", &self.0.id)?;
        map.serialize_entry("name", &self.0.name)?;
        map.serialize_entry("type", self.0.collection_type.as_str())?;
        map.end()
    }
}

/// `{"method", "query", "headers", "context"}` of a record event (no path).
struct Request<'a>(&'a RequestInfo);

impl Serialize for Request<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let request = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("method", &request.method)?;
        map.serialize_entry("query", &Object::of_map(&request.query, &[]))?;
        map.serialize_entry("headers", &Object::of_map(&request.headers, &SECRET_HEADERS))?;
        if !request.context.is_empty() {
            map.serialize_entry("context", &request.context)?;
        }
        map.end()
    }
}

/// Name/value pairs as a JSON object, names in order; of a repeated name the last value is
/// written (what a map built from the pairs keeps).
struct Object<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Object<'a> {
    fn new(mut pairs: Vec<(&'a str, &'a str)>) -> Self {
        // Stable: a repeated name keeps its values' order.
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        Self(pairs)
    }

    /// A string map, `skip` left out.
    fn of_map(map: &'a HashMap<String, String>, skip: &[&str]) -> Self {
        Self::new(
            map.iter()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        )
    }

    /// Headers: the secret ones and values that are not visible ASCII left out.
    fn of_headers(headers: &'a http::HeaderMap) -> Self {
        Self::new(
            headers
                .iter()
                .filter(|(name, _)| !SECRET_HEADERS.contains(&name.as_str()))
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
                .collect(),
        )
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pairs = &self.0;
        let mut map = serializer.serialize_map(None)?;
        for (i, (name, value)) in pairs.iter().enumerate() {
            if pairs.get(i + 1).is_none_or(|next| next.0 != *name) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Map, Value, json};
    use wasmbase_abi::{CollectionRef as AbiCollection, Event, RequestData};

    use super::*;
    use crate::model::Field;
    use crate::model::collection::CollectionType;
    use crate::model::field::{DomainOptions, FieldOptions, PasswordOptions, TextOptions};
    use crate::records::tokens::AuthRecord;

    fn text(name: &str) -> Field {
        Field::new(name, FieldOptions::Text(TextOptions::default()))
    }

    fn base() -> Collection {
        let mut c = Collection::new(CollectionType::Base, "posts");
        c.fields = vec![
            text("id"),
            text("title"),
            text("zeta"),
            text("body").hidden(true),
            Field::new("flag", FieldOptions::Bool),
            text("a\"quoted\\name"),
        ];
        c
    }

    fn users() -> Collection {
        let mut c = Collection::new(CollectionType::Auth, "users");
        c.fields = vec![
            text("id"),
            Field::new("email", FieldOptions::Email(DomainOptions::default())),
            Field::new("emailVisibility", FieldOptions::Bool),
            Field::new("password", FieldOptions::Password(PasswordOptions::default())),
            text("tokenKey"),
            text("name"),
        ];
        c
    }

    /// The payload as it was built before this module: an `Event` of maps.
    fn by_event(e: &RecordEvent<'_>) -> Vec<u8> {
        let all = Visibility::SUPERUSER;
        let strings = |m: &HashMap<String, String>, skip: &[&str]| -> Map<String, Value> {
            m.iter()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect()
        };
        let event = Event {
            v: 1,
            event: e.event.to_owned(),
            handler: e.handler,
            collection: Some(AbiCollection {
                id: e.collection.id.clone(),
                name: e.collection.name.clone(),
                kind: e.collection.collection_type.as_str().to_owned(),
            }),
            record: Some(e.record.to_public_json(e.collection, all)),
            original: e.original.map(|o| o.to_public_json(e.collection, all)),
            auth: e
                .request
                .and_then(|r| r.auth.as_ref())
                .map(|a| a.record.to_public_json(&a.collection, all)),
            request: e.request.map(|r| RequestData {
                method: r.method.clone(),
                path: String::new(),
                query: strings(&r.query, &[]),
                headers: strings(&r.headers, &SECRET_HEADERS),
                context: r.context.clone(),
            }),
            tx: e.tx,
            depth: e.depth,
            ..Event::default()
        };
        serde_json::to_vec(&event).unwrap()
    }

    #[test]
    fn the_payload_is_the_bytes_of_the_abi_event() {
        let posts = base();
        let mut record = Record::new(&posts);
        record.set("id", "abc");
        record.set("title", "Hello \"world\" Über");
        record.set("body", "secret");
        record.values.remove("zeta");
        let mut original = record.clone();
        original.set("title", "Before");
        let users = Arc::new(users());
        let mut user = Record::new(&users);
        user.set("email", "a@b.c");
        user.set("password", "hash");
        user.set("tokenKey", "key");
        let mut request =
            RequestInfo::new(Some(Arc::new(AuthRecord::signed_in(&users, user))), "PATCH");
        for (k, v) in [("host", "x"), ("authorization", "t"), ("cookie", "c"), ("x_b", "1")] {
            request.headers.insert(k.into(), v.into());
        }
        request.query.insert("expand".into(), "rel".into());
        request.query.insert("a".into(), "\n".into());
        let guest = RequestInfo::new(None, "POST");
        let events = [
            RecordEvent {
                event: "onRecordUpdateRequest",
                handler: 3,
                collection: &posts,
                record: &record,
                original: Some(&original),
                request: Some(&request),
                tx: false,
                depth: 0,
            },
            RecordEvent {
                event: "onRecordCreateRequest",
                handler: 0,
                collection: &posts,
                record: &record,
                original: None,
                request: Some(&guest),
                tx: false,
                depth: 2,
            },
            RecordEvent {
                event: "onRecordCreate",
                handler: 1,
                collection: &users,
                record: &request.auth.as_ref().unwrap().record,
                original: None,
                request: None,
                tx: true,
                depth: 1,
            },
        ];
        for event in &events {
            let bytes = event.to_vec();
            assert_eq!(
                String::from_utf8(bytes).unwrap(),
                String::from_utf8(by_event(event)).unwrap()
            );
        }
        let first: Value = serde_json::from_slice(&events[0].to_vec()).unwrap();
        assert_eq!(first["request"]["headers"], json!({"host": "x", "x_b": "1"}));
        assert_eq!(first["auth"].get("password"), None);
        assert_eq!(first["record"]["zeta"], json!(""));
    }

    /// A route request as it was built before this module (see `http/hook_routes.rs`).
    fn route_by_event(e: &RouteEvent<'_>) -> Vec<u8> {
        let headers: Map<String, Value> = e
            .headers
            .iter()
            .filter(|(name, _)| {
                *name != http::header::AUTHORIZATION && *name != http::header::COOKIE
            })
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), Value::from(value.to_str().ok()?)))
            })
            .collect();
        let event = Event {
            // The old builder left `v` at `Event::default()`'s 0; the ABI says 1.
            v: 1,
            event: wasmbase_abi::event::ROUTE.to_owned(),
            handler: e.handler,
            auth: e.auth.map(|a| a.record.to_public_json(&a.collection, Visibility::SUPERUSER)),
            request: Some(RequestData {
                method: e.method.to_owned(),
                path: e.path.to_owned(),
                query: e.query.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect(),
                headers,
                context: "default".to_owned(),
            }),
            params: e.params.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect(),
            body: e.body.to_owned(),
            ..Event::default()
        };
        serde_json::to_vec(&event).unwrap()
    }

    #[test]
    fn a_route_payload_is_the_bytes_of_the_abi_event() {
        let users = Arc::new(users());
        let mut user = Record::new(&users);
        user.set("email", "a@b.c");
        let auth = AuthRecord::signed_in(&users, user);
        let mut headers = http::HeaderMap::new();
        for (k, v) in [
            ("x-multi", "1"),
            ("host", "h"),
            ("authorization", "secret"),
            ("cookie", "c=1"),
            ("x-multi", "2"),
            ("accept", "*/*"),
        ] {
            headers
                .append(http::HeaderName::from_static(k), http::HeaderValue::from_str(v).unwrap());
        }
        headers.append("x-bytes", http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap());
        let query: HashMap<String, String> =
            [("b", "2"), ("a", "\"1\"")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let params = [("name".to_owned(), "bob".to_owned()), ("id".to_owned(), "x y".to_owned())];
        let empty = HashMap::new();
        let events = [
            RouteEvent {
                handler: 2,
                auth: Some(&auth),
                method: "POST",
                path: "/api/hello/bob/x y",
                query: &query,
                headers: &headers,
                params: &params,
                body: "{\"a\":1}\n",
            },
            RouteEvent {
                handler: 0,
                auth: None,
                method: "GET",
                path: "/api/x",
                query: &empty,
                headers: &http::HeaderMap::new(),
                params: &[],
                body: "",
            },
        ];
        for event in &events {
            assert_eq!(
                String::from_utf8(event.to_vec()).unwrap(),
                String::from_utf8(route_by_event(event)).unwrap()
            );
        }
        let first: Value = serde_json::from_slice(&events[0].to_vec()).unwrap();
        assert_eq!(first["request"]["headers"]["x-multi"], json!("2"));
        assert_eq!(first["request"]["headers"].get("authorization"), None);
        assert_eq!(first["request"]["headers"].get("x-bytes"), None);
    }
}
