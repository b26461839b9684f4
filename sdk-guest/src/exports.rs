//! What the [`hooks!`](crate::hooks) exports do: hand out memory, describe the module, and
//! dispatch an event to its handler, turning the outcome into the JSON answer.
//!
//! Every call runs in a fresh instance, so this path is kept short: the envelope's members are
//! found in the text without parsing it (`scan.rs`), the record and the parts a handler may not
//! need (`original`, `auth`, `request`) stay JSON text until the handler asks for them (the input
//! buffer is never freed, so the event borrows from it), registration skips building the
//! manifest, and a record handler's patch is the list of fields it set (no copy of the record to
//! compare against).

use serde_json::{Map, Value};
use wasmbase_abi::{CollectionRef, Response, event};

use crate::event::{CronEvent, RecordEvent, RouteEvent};
use crate::host;
use crate::record::Record;
use crate::register::{Handler, Hooks};
use crate::scan;

/// `pb_handle`'s input: the envelope's members found in the text (`scan`), the record, original,
/// auth and request parts left as JSON text for the event to read when asked.
#[derive(Default)]
pub(crate) struct Incoming<'a> {
    pub event: String,
    pub handler: u32,
    pub collection: Option<CollectionRef>,
    pub record: Option<&'a str>,
    pub original: Option<&'a str>,
    pub auth: Option<&'a str>,
    pub request: Option<&'a str>,
    pub params: Map<String, Value>,
    pub body: String,
    pub name: String,
    pub tx: bool,
    pub depth: u32,
}

/// An unreadable event.
#[derive(Debug)]
pub(crate) struct BadEvent(String);

impl std::fmt::Display for BadEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<scan::ScanError> for BadEvent {
    fn from(error: scan::ScanError) -> Self {
        Self(error.to_string())
    }
}

impl From<serde_json::Error> for BadEvent {
    fn from(error: serde_json::Error) -> Self {
        Self(error.to_string())
    }
}

fn text(key: &str, raw: &str) -> Result<String, BadEvent> {
    scan::string(raw).map(Into::into).ok_or_else(|| BadEvent(format!("`{key}` is not text")))
}

fn number(key: &str, raw: &str) -> Result<u32, BadEvent> {
    raw.parse().map_err(|_| BadEvent(format!("`{key}` is not a whole number")))
}

/// An object part kept as text (`null` is none).
fn object<'a>(key: &str, raw: &'a str) -> Result<Option<&'a str>, BadEvent> {
    if scan::is_null(raw) {
        Ok(None)
    } else if raw.starts_with('{') {
        Ok(Some(raw))
    } else {
        Err(BadEvent(format!("`{key}` is not an object")))
    }
}

impl<'a> Incoming<'a> {
    /// Reads the envelope (`docs/hooks-abi.md`); unknown members are skipped.
    pub(crate) fn read(input: &'a str) -> Result<Self, BadEvent> {
        let mut incoming = Self::default();
        for member in scan::members(input)? {
            let (key, raw) = member?;
            match key {
                "event" => incoming.event = text(key, raw)?,
                "handler" => incoming.handler = number(key, raw)?,
                "collection" if !scan::is_null(raw) => {
                    incoming.collection = Some(serde_json::from_str(raw)?)
                }
                "record" => incoming.record = object(key, raw)?,
                "original" => incoming.original = object(key, raw)?,
                "auth" => incoming.auth = object(key, raw)?,
                "request" => incoming.request = object(key, raw)?,
                "params" if !scan::is_null(raw) => incoming.params = serde_json::from_str(raw)?,
                "body" if !scan::is_null(raw) => incoming.body = text(key, raw)?,
                "name" => incoming.name = text(key, raw)?,
                "tx" => incoming.tx = raw == "true",
                "depth" => incoming.depth = number(key, raw)?,
                _ => {}
            }
        }
        Ok(incoming)
    }
}

fn into_host(bytes: Vec<u8>) -> i64 {
    let bytes = bytes.into_boxed_slice();
    let len = bytes.len() as u32;
    let ptr = Box::into_raw(bytes) as *mut u8 as usize as u32;
    wasmbase_abi::pack(ptr, len) as i64
}

/// `pb_alloc`: memory the host writes an event into (leaked; the instance is thrown away).
pub fn __alloc(len: i32) -> i32 {
    let mut buffer = Vec::<u8>::with_capacity((len.max(1)) as usize);
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr as usize as i32
}

/// `pb_manifest`.
pub fn __manifest(register: fn(&mut Hooks)) -> i64 {
    let mut hooks = Hooks::describing();
    register(&mut hooks);
    into_host(serde_json::to_vec(&hooks.manifest).unwrap_or_default())
}

/// `pb_handle`.
pub fn __handle(register: fn(&mut Hooks), ptr: i32, len: i32) -> i64 {
    host::install_panic_hook();
    // SAFETY: the host wrote `len` bytes at `ptr`, a buffer `pb_alloc` handed out for it and
    // never freed (leaked for the instance's life, hence `'static`: events borrow from it).
    #[allow(unsafe_code)]
    let input: &'static [u8] =
        unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
    let incoming = std::str::from_utf8(input)
        .map_err(|error| BadEvent(error.to_string()))
        .and_then(Incoming::read);
    let response = match incoming {
        Ok(event) => dispatch(register, event)
            .unwrap_or_else(|error| reject(500, &format!("unreadable event: {error}"), Map::new())),
        Err(error) => reject(500, &format!("unreadable event: {error}"), Map::new()),
    };
    let answer = serde_json::to_vec(&response).unwrap_or_default();
    // The instance is thrown away after this call: freeing the event's maps is wasted work.
    std::mem::forget(response);
    into_host(answer)
}

fn reject(status: u16, message: &str, data: Map<String, Value>) -> Response {
    Response::Reject { status, message: message.to_owned(), data }
}

fn dispatch(register: fn(&mut Hooks), event: Incoming<'static>) -> Result<Response, BadEvent> {
    let mut hooks = Hooks::default();
    register(&mut hooks);
    let Some(handler) = hooks.handlers.get(event.handler as usize) else {
        return Ok(reject(500, &format!("no handler {}", event.handler), Map::new()));
    };
    Ok(match handler {
        Handler::Record(handler) => {
            let before = event.record;
            let record_event = &mut *Box::leak(Box::new(RecordEvent::from_incoming(event)));
            match handler(record_event) {
                Err(error) => reject(error.status, &error.message, error.data),
                Ok(()) => match record_event.respond.take() {
                    Some(r) => Response::Respond {
                        status: r.status,
                        headers: r.headers,
                        body: r.body,
                        text: r.text,
                    },
                    None if record_event.record.is_from_event() => {
                        Response::Continue { set: record_event.record.touched(), unset: Vec::new() }
                    }
                    None => {
                        // The handler put another record in its place: send the difference.
                        let before = match before {
                            Some(raw) => Record::from_map(serde_json::from_str(raw)?),
                            None => Record::default(),
                        };
                        let (set, unset) = record_event.record.changes_since(&before);
                        Response::Continue { set, unset }
                    }
                },
            }
        }
        Handler::Route(handler) => match handler(&RouteEvent::from_incoming(event)?) {
            Ok(r) => Response::Respond {
                status: r.status,
                headers: r.headers,
                body: r.body,
                text: r.text,
            },
            Err(error) => reject(error.status, &error.message, error.data),
        },
        Handler::Cron(handler) => {
            debug_assert_eq!(event.event, event::CRON);
            match handler(&CronEvent { name: event.name }) {
                Ok(()) => Response::proceed(),
                Err(error) => reject(error.status, &error.message, error.data),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_read_member_by_member() {
        let text = r#"{"v":1,"event":"record.create.request","handler":3,
            "collection":{"id":"c1","name":"posts","type":"base"},
            "record":{"id":"r1","title":"T"},"original":null,"auth":{"id":"u1"},
            "request":{"method":"POST","headers":{"x":"}"}},"future":[1,{"a":2}],
            "params":{"name":"bob"},"body":"a\"b","name":"job","tx":true,"depth":2}"#;
        let incoming = Incoming::read(text).unwrap();
        assert_eq!((incoming.event.as_str(), incoming.handler), ("record.create.request", 3));
        assert_eq!(incoming.collection.unwrap().name, "posts");
        assert_eq!(incoming.record, Some(r#"{"id":"r1","title":"T"}"#));
        assert_eq!((incoming.original, incoming.auth), (None, Some(r#"{"id":"u1"}"#)));
        assert_eq!(incoming.request, Some(r#"{"method":"POST","headers":{"x":"}"}}"#));
        assert_eq!(incoming.params["name"], "bob");
        assert_eq!((incoming.body.as_str(), incoming.name.as_str()), ("a\"b", "job"));
        assert_eq!((incoming.tx, incoming.depth), (true, 2));
    }

    #[test]
    fn unreadable_envelopes_are_errors() {
        for text in [
            "[]",
            r#"{"handler":"1"}"#,
            r#"{"handler":-1}"#,
            r#"{"event":3}"#,
            r#"{"record":"x"}"#,
            r#"{"collection":{"id":1}}"#,
            r#"{"event":"a""#,
        ] {
            assert!(Incoming::read(text).is_err(), "{text}");
        }
    }
}
