//! Write wasmbase hooks in Rust (`wasm32-wasip1`, `crate-type = ["cdylib"]`).
//!
//! Registration happens in one place, a function given to [`hooks!`], which generates the
//! three `pb_v1` exports:
//!
//! ```ignore
//! use wasmbase_sdk::prelude::*;
//!
//! wasmbase_sdk::hooks!(register);
//!
//! fn register(hooks: &mut Hooks) {
//!     hooks.on_record_create_request(&["posts"], |e| {
//!         if e.record.get_str("title").is_empty() {
//!             return Err(ApiError::bad_request("Missing title.").field("title", "validation_required", "Cannot be blank."));
//!         }
//!         Ok(())
//!     });
//!     hooks.route("GET", "/api/hello/{name}", |e| Ok(HttpResponse::json(200, &json!({"hi": e.param("name")}))));
//! }
//! ```
//!
//! Handlers get typed events ([`RecordEvent`], [`RouteEvent`], [`CronEvent`]); a record
//! handler changes `e.record` to patch it (the SDK sends only the fields it set), returns an
//! [`ApiError`] to reject, or calls [`RecordEvent::respond`] to answer the request itself. Host
//! calls live in [`db`], [`records`], [`http`], [`config`] and [`log`]. A panic is reported to
//! the host with its message. The ABI is `docs/hooks-abi.md`.
#![warn(missing_docs)]

pub mod error;
pub mod event;
mod exports;
pub mod host;
pub mod record;
mod register;
mod scan;

pub use error::{ApiError, CallError};
pub use event::{CronEvent, HttpResponse, RecordEvent, RouteEvent};
pub use exports::{__alloc, __handle, __manifest};
pub use host::{config, db, http, log, records};
pub use record::Record;
pub use register::{HookOptions, Hooks};
pub use serde_json::{Map, Value, json};
pub use wasmbase_abi as abi;

/// Everything a hook module usually needs.
pub mod prelude {
    pub use crate::{
        ApiError, CallError, CronEvent, HookOptions, Hooks, HttpResponse, Map, Record, RecordEvent,
        RouteEvent, Value, config, db, http, json, log, records,
    };
}

/// Generates the module's `pb_alloc`, `pb_manifest` and `pb_handle` exports from a
/// registration function `fn(&mut Hooks)`.
#[macro_export]
macro_rules! hooks {
    ($register:path) => {
        /// `pb_alloc(len) -> ptr`.
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub extern "C" fn pb_alloc(len: i32) -> i32 {
            $crate::__alloc(len)
        }

        /// `pb_manifest() -> ptr << 32 | len`.
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub extern "C" fn pb_manifest() -> i64 {
            $crate::__manifest($register)
        }

        /// `pb_handle(ptr, len) -> ptr << 32 | len`.
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub extern "C" fn pb_handle(ptr: i32, len: i32) -> i64 {
            $crate::__handle($register, ptr, len)
        }
    };
}
