//! Typed events ([`RecordEvent`], [`RouteEvent`], [`CronEvent`]) and [`HttpResponse`].

use std::cell::OnceCell;

use serde::Serialize;
use serde_json::{Map, Value};
use wasmbase_abi::{CollectionRef, RequestData};

use crate::exports::Incoming;
use crate::record::Record;

/// Reads an optional JSON part (`null` and absent alike give `None`).
fn read<T: serde::de::DeserializeOwned>(raw: Option<&str>) -> serde_json::Result<Option<T>> {
    match raw {
        Some(raw) => serde_json::from_str(raw),
        None => Ok(None),
    }
}

/// An optional auth or original record.
fn record(raw: Option<&str>) -> serde_json::Result<Option<Record>> {
    Ok(read::<Map<String, Value>>(raw)?.map(Record::from_map))
}

/// A part of the event kept as JSON text until a handler first asks for it (most handlers
/// never look at the request or the auth record, and reading them is a good part of a call).
#[derive(Clone, Debug, Default)]
struct Lazy<T> {
    raw: Option<&'static str>,
    value: OnceCell<Option<T>>,
}

impl<T> Lazy<T> {
    fn new(raw: Option<&'static str>) -> Self {
        Self { raw, value: OnceCell::new() }
    }

    /// The part, read on first use (`None` when absent, `null`, or not of the expected shape).
    fn get(&self, read: impl FnOnce(&str) -> Option<T>) -> Option<&T> {
        self.value.get_or_init(|| self.raw.and_then(read)).as_ref()
    }
}

/// A record event (request-level, model-level or after-success).
#[derive(Clone, Debug)]
pub struct RecordEvent {
    /// The event name (`onRecordCreateRequest`, ...).
    pub name: String,
    /// The collection.
    pub collection: CollectionRef,
    /// The record; change it to patch the write (create and update before-hooks).
    pub record: Record,
    /// Inside the write transaction.
    pub tx: bool,
    /// Nesting depth of hook-made writes.
    pub depth: u32,
    original: Lazy<Record>,
    auth: Lazy<Record>,
    request: Lazy<RequestData>,
    pub(crate) respond: Option<HttpResponse>,
}

impl RecordEvent {
    pub(crate) fn from_incoming(event: Incoming<'static>) -> Self {
        Self {
            name: event.event,
            collection: event.collection.unwrap_or_default(),
            record: Record::of_event(event.record),
            tx: event.tx,
            depth: event.depth,
            original: Lazy::new(event.original),
            auth: Lazy::new(event.auth),
            request: Lazy::new(event.request),
            respond: None,
        }
    }

    /// The stored record before an update or delete.
    pub fn original(&self) -> Option<&Record> {
        self.original.get(|raw| record(Some(raw)).ok().flatten())
    }

    /// The requester's auth record (request-level and after-success events).
    pub fn auth(&self) -> Option<&Record> {
        self.auth.get(|raw| record(Some(raw)).ok().flatten())
    }

    /// The request (request-level and after-success events).
    pub fn request(&self) -> Option<&RequestData> {
        self.request.get(|raw| read(Some(raw)).ok().flatten())
    }

    /// Answers the request with `response` instead of running the write (request-level hooks
    /// only).
    pub fn respond(&mut self, response: HttpResponse) {
        self.respond = Some(response);
    }
}

/// A request to a custom route.
#[derive(Clone, Debug)]
pub struct RouteEvent {
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Path parameters.
    pub params: Map<String, Value>,
    /// Query parameters.
    pub query: Map<String, Value>,
    /// Headers (lower-case names).
    pub headers: Map<String, Value>,
    /// Body text.
    pub body: String,
    /// The requester's auth record.
    pub auth: Option<Record>,
}

impl RouteEvent {
    pub(crate) fn from_incoming(event: Incoming<'_>) -> serde_json::Result<Self> {
        let request: RequestData = read(event.request)?.unwrap_or_default();
        Ok(Self {
            method: request.method,
            path: request.path,
            params: event.params,
            query: request.query,
            headers: request.headers,
            body: event.body,
            auth: record(event.auth)?,
        })
    }

    /// A path parameter (`""` when missing).
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).and_then(Value::as_str).unwrap_or_default()
    }

    /// A query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.get(name).and_then(Value::as_str)
    }

    /// The body parsed as JSON.
    pub fn json<T: for<'de> serde::Deserialize<'de>>(&self) -> Result<T, crate::ApiError> {
        serde_json::from_str(&self.body)
            .map_err(|_| crate::ApiError::bad_request("Invalid JSON body."))
    }
}

/// A cron run.
#[derive(Clone, Debug)]
pub struct CronEvent {
    /// The job name.
    pub name: String,
}

/// An HTTP answer (routes, or a request hook answering itself).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    /// Status.
    pub status: u16,
    /// Extra headers.
    pub headers: Map<String, Value>,
    /// JSON body.
    pub body: Option<Value>,
    /// Text body.
    pub text: Option<String>,
}

impl HttpResponse {
    /// A JSON answer.
    pub fn json(status: u16, body: &impl Serialize) -> Self {
        Self {
            status,
            headers: Map::new(),
            body: Some(serde_json::to_value(body).unwrap_or(Value::Null)),
            text: None,
        }
    }

    /// A text answer.
    pub fn text(status: u16, text: impl Into<String>) -> Self {
        Self { status, headers: Map::new(), body: None, text: Some(text.into()) }
    }

    /// An empty answer (e.g. 204).
    pub fn empty(status: u16) -> Self {
        Self { status, headers: Map::new(), body: None, text: None }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.to_owned(), Value::from(value));
        self
    }
}
