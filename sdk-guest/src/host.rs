//! Calls into the host: the raw `pb_v1` imports and typed wrappers for each operation
//! ([`db`], [`records`], [`http`], [`config`], [`log`]). Outside `wasm32` (tests on the build
//! machine) the imports are stubs that fail.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use wasmbase_abi::{CallError, op};

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod raw {
    #[link(wasm_import_module = "pb_v1")]
    unsafe extern "C" {
        pub fn log(level: i32, ptr: i32, len: i32);
        pub fn call(op_ptr: i32, op_len: i32, req_ptr: i32, req_len: i32) -> i64;
        pub fn result_read(dst: i32);
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[allow(unsafe_code, clippy::missing_safety_doc)]
mod raw {
    pub unsafe fn log(_level: i32, _ptr: i32, _len: i32) {}
    pub unsafe fn call(_op_ptr: i32, _op_len: i32, _req_ptr: i32, _req_len: i32) -> i64 {
        -1
    }
    pub unsafe fn result_read(_dst: i32) {}
}

fn write_log(level: i32, text: &str) {
    // SAFETY: the host reads `len` bytes at `ptr`, which point into `text`.
    #[allow(unsafe_code)]
    unsafe {
        raw::log(level, text.as_ptr() as usize as i32, text.len() as i32)
    }
}

/// Routes panics to the host (with their message and location) before the trap.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        let location =
            info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        write_log(4, &format!("panicked: {message}{location}"));
    }));
}

/// Calls host operation `name` with a JSON request.
pub fn call<T: DeserializeOwned>(name: &str, request: &impl Serialize) -> Result<T, CallError> {
    let request = serde_json::to_vec(request).unwrap_or_default();
    // SAFETY: both buffers live across the call; the host only reads them.
    #[allow(unsafe_code)]
    let length = unsafe {
        raw::call(
            name.as_ptr() as usize as i32,
            name.len() as i32,
            request.as_ptr() as usize as i32,
            request.len() as i32,
        )
    };
    let size = length.unsigned_abs() as usize;
    let mut buffer = vec![0u8; size];
    if size > 0 || length >= 0 {
        // SAFETY: the host writes exactly `size` bytes into the buffer.
        #[allow(unsafe_code)]
        unsafe {
            raw::result_read(buffer.as_mut_ptr() as usize as i32)
        }
    }
    if length < 0 {
        return Err(serde_json::from_slice(&buffer).unwrap_or_else(|_| CallError {
            code: "failed".to_owned(),
            error: "host call failed".to_owned(),
            data: Map::new(),
        }));
    }
    serde_json::from_slice(&buffer).map_err(|e| CallError {
        code: "bad_response".to_owned(),
        error: e.to_string(),
        data: Map::new(),
    })
}

/// Logging into the server's log, tagged with the module name.
pub mod log {
    /// Debug.
    pub fn debug(text: &str) {
        super::write_log(0, text);
    }
    /// Info.
    pub fn info(text: &str) {
        super::write_log(1, text);
    }
    /// Warning.
    pub fn warn(text: &str) {
        super::write_log(2, text);
    }
    /// Error.
    pub fn error(text: &str) {
        super::write_log(3, text);
    }
}

/// SQL on the app's database (inside the write transaction when the event runs in one).
pub mod db {
    use super::*;

    /// Rows of a query as JSON objects.
    pub fn query(sql: &str, params: &[Value]) -> Result<Vec<Map<String, Value>>, CallError> {
        #[derive(serde::Deserialize)]
        struct Rows {
            rows: Vec<Map<String, Value>>,
        }
        let rows: Rows = call(op::DB_QUERY, &json!({"sql": sql, "params": params}))?;
        Ok(rows.rows)
    }

    /// Runs a statement; returns the number of changed rows.
    pub fn exec(sql: &str, params: &[Value]) -> Result<u64, CallError> {
        let result: Value = call(op::DB_EXEC, &json!({"sql": sql, "params": params}))?;
        Ok(result["changes"].as_u64().unwrap_or(0))
    }
}

/// Records, with the server's validation and hooks (rules do not apply to hooks).
pub mod records {
    use super::*;
    use crate::record::Record;

    /// The record `id` of `collection`.
    pub fn find(collection: &str, id: &str) -> Result<Option<Record>, CallError> {
        let value: Value = call(op::RECORDS_FIND, &json!({"collection": collection, "id": id}))?;
        Ok(match value {
            Value::Object(map) => Some(Record::from_map(map)),
            _ => None,
        })
    }

    /// Records of `collection` matching a PocketBase `filter` (may be empty), in `sort` order.
    pub fn list(
        collection: &str,
        filter: &str,
        sort: &str,
        limit: usize,
    ) -> Result<Vec<Record>, CallError> {
        #[derive(serde::Deserialize)]
        struct Items {
            items: Vec<Map<String, Value>>,
        }
        let items: Items = call(
            op::RECORDS_LIST,
            &json!({"collection": collection, "filter": filter, "sort": sort, "limit": limit}),
        )?;
        Ok(items.items.into_iter().map(Record::from_map).collect())
    }

    /// Creates (no id, or an unknown one) or updates (a known id) a record; returns it as saved.
    pub fn save(collection: &str, fields: &Map<String, Value>) -> Result<Record, CallError> {
        let saved: Map<String, Value> =
            call(op::RECORDS_SAVE, &json!({"collection": collection, "record": fields}))?;
        Ok(Record::from_map(saved))
    }

    /// Deletes a record.
    pub fn delete(collection: &str, id: &str) -> Result<(), CallError> {
        let _: Value = call(op::RECORDS_DELETE, &json!({"collection": collection, "id": id}))?;
        Ok(())
    }
}

/// Outbound HTTP to the hosts the server config allows for this module.
pub mod http {
    use super::*;

    /// A fetched response.
    #[derive(Clone, Debug, serde::Deserialize)]
    pub struct FetchResponse {
        /// Status.
        pub status: u16,
        /// Headers.
        #[serde(default)]
        pub headers: Map<String, Value>,
        /// Body text.
        #[serde(default)]
        pub body: String,
    }

    /// Sends a request (`body` as text).
    pub fn fetch(
        method: &str,
        url: &str,
        headers: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<FetchResponse, CallError> {
        call(
            op::HTTP_FETCH,
            &json!({"method": method, "url": url, "headers": headers, "body": body}),
        )
    }
}

/// The module's settings and secrets from the server config.
pub mod config {
    use super::*;

    /// One setting (`Value::Null` when unset).
    pub fn get(key: &str) -> Result<Value, CallError> {
        call(op::CONFIG_GET, &json!({"key": key}))
    }
}
