//! What the [`hooks!`](crate::hooks) exports do: hand out memory, describe the module, and
//! dispatch an event to its handler, turning the outcome into the JSON answer.

use serde_json::Map;
use wasmbase_abi::{Event, Response, event};

use crate::event::{CronEvent, RecordEvent, RouteEvent};
use crate::host;
use crate::register::{Handler, Hooks};

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
    let mut hooks = Hooks::default();
    register(&mut hooks);
    into_host(serde_json::to_vec(&hooks.manifest).unwrap_or_default())
}

/// `pb_handle`.
pub fn __handle(register: fn(&mut Hooks), ptr: i32, len: i32) -> i64 {
    host::install_panic_hook();
    // SAFETY: the host wrote `len` bytes at `ptr`, a buffer `pb_alloc` handed out for it.
    #[allow(unsafe_code)]
    let input = unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
    let response = match serde_json::from_slice::<Event>(input) {
        Ok(event) => dispatch(register, event),
        Err(error) => reject(500, &format!("unreadable event: {error}"), Map::new()),
    };
    into_host(serde_json::to_vec(&response).unwrap_or_default())
}

fn reject(status: u16, message: &str, data: Map<String, serde_json::Value>) -> Response {
    Response::Reject { status, message: message.to_owned(), data }
}

fn dispatch(register: fn(&mut Hooks), event: Event) -> Response {
    let mut hooks = Hooks::default();
    register(&mut hooks);
    let Some(handler) = hooks.handlers.get(event.handler as usize) else {
        return reject(500, &format!("no handler {}", event.handler), Map::new());
    };
    match handler {
        Handler::Record(handler) => {
            let mut record_event = RecordEvent::from_event(event);
            let before = record_event.record.clone();
            match handler(&mut record_event) {
                Err(error) => reject(error.status, &error.message, error.data),
                Ok(()) => match record_event.respond.take() {
                    Some(r) => Response::Respond {
                        status: r.status,
                        headers: r.headers,
                        body: r.body,
                        text: r.text,
                    },
                    None => {
                        let (set, unset) = record_event.record.changes_since(&before);
                        Response::Continue { set, unset }
                    }
                },
            }
        }
        Handler::Route(handler) => match handler(&RouteEvent::from_event(event)) {
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
    }
}
