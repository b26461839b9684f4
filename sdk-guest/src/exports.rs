//! What the [`hooks!`](crate::hooks) exports do: hand out memory, describe the module, and
//! dispatch an event to its handler, turning the outcome into the JSON answer.
//!
//! Every call runs in a fresh instance, so this path is kept short: the event is read with the
//! parts a handler may not need (`original`, `auth`, `request`) left as raw JSON until the
//! handler asks for them (the input buffer is never freed, so the event borrows from it),
//! registration skips building the manifest, and a record handler's patch is the list of fields
//! it set (no copy of the record to compare against).

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use wasmbase_abi::{CollectionRef, Response, event};

use crate::event::{CronEvent, RecordEvent, RouteEvent};
use crate::host;
use crate::record::Record;
use crate::register::{Handler, Hooks};

/// `pb_handle`'s input, read without building what the handler does not get.
#[derive(Deserialize)]
pub(crate) struct Incoming<'a> {
    pub event: String,
    pub handler: u32,
    #[serde(default)]
    pub collection: Option<CollectionRef>,
    #[serde(default, borrow)]
    pub record: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub original: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub auth: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub request: Option<&'a RawValue>,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub tx: bool,
    #[serde(default)]
    pub depth: u32,
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
    let response = match serde_json::from_slice::<Incoming<'static>>(input) {
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

fn dispatch(register: fn(&mut Hooks), event: Incoming<'static>) -> serde_json::Result<Response> {
    let mut hooks = Hooks::default();
    register(&mut hooks);
    let Some(handler) = hooks.handlers.get(event.handler as usize) else {
        return Ok(reject(500, &format!("no handler {}", event.handler), Map::new()));
    };
    Ok(match handler {
        Handler::Record(handler) => {
            let before = event.record;
            let record_event = &mut *Box::leak(Box::new(RecordEvent::from_incoming(event)?));
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
                            Some(raw) => Record::from_map(serde_json::from_str(raw.get())?),
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
