//! The contract between wasmbase and a hook module (`pb_v1`): export and import names, the
//! manifest a module describes itself with, the event it receives and the answer it gives.
//! Shared by the host (`runtime/src/hooks`) and the Rust guest SDK so neither can drift; the
//! AssemblyScript SDK and hand-written modules follow `docs/hooks-abi.md`, which this mirrors.
//!
//! Every payload is JSON. Unknown fields are ignored on both sides, so fields can be added
//! without a new ABI version.
#![warn(missing_docs)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Version of the ABI this crate describes (`"abi"` in the manifest, `"v"` in events).
pub const ABI_VERSION: u32 = 1;
/// The import module name hooks link against.
pub const IMPORT_MODULE: &str = "pb_v1";
/// Export: `pb_alloc(len: i32) -> ptr: i32`, memory the host writes a payload into.
pub const EXPORT_ALLOC: &str = "pb_alloc";
/// Export: `pb_manifest() -> i64` (`ptr << 32 | len` of the manifest JSON).
pub const EXPORT_MANIFEST: &str = "pb_manifest";
/// Export: `pb_handle(ptr: i32, len: i32) -> i64` (`ptr << 32 | len` of the response JSON).
pub const EXPORT_HANDLE: &str = "pb_handle";
/// Export: the module's linear memory.
pub const EXPORT_MEMORY: &str = "memory";
/// Import `pb_v1.log(level: i32, ptr: i32, len: i32)`.
pub const IMPORT_LOG: &str = "log";
/// Import `pb_v1.call(op_ptr, op_len, req_ptr, req_len) -> i64`: `>= 0` is the length of the
/// pending result, `< 0` the negated length of a pending error (JSON `{"error","code"}`).
pub const IMPORT_CALL: &str = "call";
/// Import `pb_v1.result_read(dst: i32)`: copies the pending result (or error) to `dst`.
pub const IMPORT_RESULT_READ: &str = "result_read";

/// Log levels of `pb_v1.log`.
pub mod level {
    /// Debug.
    pub const DEBUG: i32 = 0;
    /// Info.
    pub const INFO: i32 = 1;
    /// Warning.
    pub const WARN: i32 = 2;
    /// Error.
    pub const ERROR: i32 = 3;
}

/// Event names a hook can register for (`HookDecl::event`).
pub mod event {
    /// Request level, before the write transaction: continue (patch), reject or respond.
    pub const RECORD_CREATE_REQUEST: &str = "onRecordCreateRequest";
    /// Request level, before the write transaction.
    pub const RECORD_UPDATE_REQUEST: &str = "onRecordUpdateRequest";
    /// Request level, before the write transaction.
    pub const RECORD_DELETE_REQUEST: &str = "onRecordDeleteRequest";
    /// Model level, inside the write transaction, before validation and the insert.
    pub const RECORD_CREATE: &str = "onRecordCreate";
    /// Model level, inside the write transaction, before validation and the update.
    pub const RECORD_UPDATE: &str = "onRecordUpdate";
    /// Model level, inside the write transaction, before the delete.
    pub const RECORD_DELETE: &str = "onRecordDelete";
    /// Model level, inside the write transaction, after the insert (a reject rolls back).
    pub const RECORD_AFTER_CREATE: &str = "onRecordAfterCreate";
    /// Model level, inside the write transaction, after the update (a reject rolls back).
    pub const RECORD_AFTER_UPDATE: &str = "onRecordAfterUpdate";
    /// Model level, inside the write transaction, after the delete (a reject rolls back).
    pub const RECORD_AFTER_DELETE: &str = "onRecordAfterDelete";
    /// After the commit; cannot change the outcome.
    pub const RECORD_AFTER_CREATE_SUCCESS: &str = "onRecordAfterCreateSuccess";
    /// After the commit; cannot change the outcome.
    pub const RECORD_AFTER_UPDATE_SUCCESS: &str = "onRecordAfterUpdateSuccess";
    /// After the commit; cannot change the outcome.
    pub const RECORD_AFTER_DELETE_SUCCESS: &str = "onRecordAfterDeleteSuccess";
    /// A custom route (`RouteDecl`); the event name routes carry.
    pub const ROUTE: &str = "route";
    /// A cron job (`CronDecl`); the event name cron runs carry.
    pub const CRON: &str = "cron";

    /// Every record event.
    pub const RECORD_EVENTS: [&str; 12] = [
        RECORD_CREATE_REQUEST,
        RECORD_UPDATE_REQUEST,
        RECORD_DELETE_REQUEST,
        RECORD_CREATE,
        RECORD_UPDATE,
        RECORD_DELETE,
        RECORD_AFTER_CREATE,
        RECORD_AFTER_UPDATE,
        RECORD_AFTER_DELETE,
        RECORD_AFTER_CREATE_SUCCESS,
        RECORD_AFTER_UPDATE_SUCCESS,
        RECORD_AFTER_DELETE_SUCCESS,
    ];
}

/// Packs a guest pointer and length into the `i64` the exports return.
pub const fn pack(ptr: u32, len: u32) -> u64 {
    ((ptr as u64) << 32) | len as u64
}

/// Splits a packed `i64` into pointer and length.
pub const fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}

/// What `pb_manifest()` returns: everything the module registers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// ABI version the module was built for (1).
    #[serde(default = "one")]
    pub abi: u32,
    /// Record hooks.
    #[serde(default)]
    pub hooks: Vec<HookDecl>,
    /// Custom routes.
    #[serde(default)]
    pub routes: Vec<RouteDecl>,
    /// Cron jobs.
    #[serde(default)]
    pub crons: Vec<CronDecl>,
}

impl Default for Manifest {
    fn default() -> Self {
        Self { abi: ABI_VERSION, hooks: Vec::new(), routes: Vec::new(), crons: Vec::new() }
    }
}

fn one() -> u32 {
    1
}

/// One record hook.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HookDecl {
    /// One of [`event`]'s record event names.
    pub event: String,
    /// Collection names or ids; `["*"]` (or empty) for every collection.
    #[serde(default)]
    pub collections: Vec<String>,
    /// Only collections that have all of these fields (names) get the hook.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Lower runs first (default 0); ties by module file name, then declaration order.
    #[serde(default)]
    pub priority: i32,
    /// The id passed back in the event's `handler`.
    pub handler: u32,
}

/// One custom route.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RouteDecl {
    /// `GET`, `POST`, ... or `*` for any method.
    pub method: String,
    /// A path with `{param}` segments (and a final `{rest...}`), e.g. `/api/hello/{name}`.
    pub path: String,
    /// The id passed back in the event's `handler`.
    pub handler: u32,
    /// `optional` (default), `required` (401 without a valid token) or `superuser` (403).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
}

/// One cron job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CronDecl {
    /// A name for logs.
    pub name: String,
    /// `min hour day-of-month month day-of-week` (UTC), an optional leading seconds field, or a
    /// macro (`@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`).
    pub schedule: String,
    /// The id passed back in the event's `handler`.
    pub handler: u32,
}

/// The collection an event is about.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CollectionRef {
    /// Collection id.
    pub id: String,
    /// Collection name.
    pub name: String,
    /// `base`, `auth` or `view`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The HTTP request behind an event (record events: the API request; routes: the request).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestData {
    /// `GET`, `POST`, ...
    #[serde(default)]
    pub method: String,
    /// The path (routes) or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// First value of each query parameter.
    #[serde(default)]
    pub query: Map<String, Value>,
    /// First value of each header, names lower-cased (`-` kept for routes, `_` for records).
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// `default`, `batch`, `hook` (a write made by a hook), ...
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context: String,
}

/// What `pb_handle` receives.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// ABI version (1).
    #[serde(default = "one")]
    pub v: u32,
    /// The event name (a record event, `route` or `cron`).
    pub event: String,
    /// The handler id from the manifest.
    pub handler: u32,
    /// Record events: the collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<CollectionRef>,
    /// Record events: the record as it would be (create, update) or was (delete), every field
    /// included (hidden ones too) as the API's superuser JSON shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Map<String, Value>>,
    /// Update and delete events: the record as stored before the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Map<String, Value>>,
    /// The requester's auth record (with `collectionName`), or `null`.
    #[serde(default)]
    pub auth: Option<Map<String, Value>>,
    /// The request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestData>,
    /// Routes: path parameters.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
    /// Routes: the request body as text (empty when there is none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// Cron: the job name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Whether the event runs inside the write transaction (host DB calls then see and roll
    /// back with the write; `http.fetch` is refused).
    #[serde(default)]
    pub tx: bool,
    /// How many hook-made writes this event is nested in (0 for a client's request).
    #[serde(default)]
    pub depth: u32,
}

/// What `pb_handle` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Response {
    /// Go on; `set` and `unset` patch the record (create and update events), seen by later hooks.
    Continue {
        /// Fields to set.
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        set: Map<String, Value>,
        /// Fields to reset to their zero value.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unset: Vec<String>,
    },
    /// Stop with PocketBase's error envelope; rolls back. `status` is clamped to 400-599.
    Reject {
        /// HTTP status (default 400).
        #[serde(default = "bad_request")]
        status: u16,
        /// The message (sentenized by the host).
        #[serde(default)]
        message: String,
        /// Field errors: `{"field": {"code": ..., "message": ...}}`.
        #[serde(default)]
        data: Map<String, Value>,
    },
    /// Answer the request without running the default action (request hooks and routes).
    Respond {
        /// HTTP status (default 200).
        #[serde(default = "ok")]
        status: u16,
        /// Extra response headers.
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        headers: Map<String, Value>,
        /// A JSON body (sent as `application/json`) ...
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<Value>,
        /// ... or a text body (`text/plain; charset=utf-8` unless a `content-type` header says
        /// otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
}

fn bad_request() -> u16 {
    400
}

fn ok() -> u16 {
    200
}

impl Response {
    /// `{"action":"continue"}` without a patch.
    pub fn proceed() -> Self {
        Self::Continue { set: Map::new(), unset: Vec::new() }
    }
}

/// The error a failed host call returns (`pb_v1.call` < 0).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallError {
    /// Machine-readable: `unknown_op`, `bad_request`, `not_found`, `forbidden`, `validation`,
    /// `rejected`, `db`, `http`, `depth`, `failed`.
    pub code: String,
    /// Human-readable.
    pub error: String,
    /// Field errors of a failed `records.save` (same shape as a reject's `data`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub data: Map<String, Value>,
}

/// Host operation names for `pb_v1.call`.
pub mod op {
    /// `{"sql", "params": [...]}` → `{"rows": [{column: value}]}`.
    pub const DB_QUERY: &str = "db.query";
    /// `{"sql", "params": [...]}` → `{"changes", "lastInsertRowid"}`.
    pub const DB_EXEC: &str = "db.exec";
    /// `{"collection", "id"}` → the record or `null`.
    pub const RECORDS_FIND: &str = "records.find";
    /// `{"collection", "filter"?, "sort"?, "limit"?, "offset"?}` → `{"items": [...]}`.
    pub const RECORDS_LIST: &str = "records.list";
    /// `{"collection", "record": {...}}` → the saved record (create without id or with a new
    /// id, update when the id exists). Validated; hooks run again with `depth + 1`.
    pub const RECORDS_SAVE: &str = "records.save";
    /// `{"collection", "id"}` → `{}`. Hooks run again with `depth + 1`.
    pub const RECORDS_DELETE: &str = "records.delete";
    /// `{"method", "url", "headers"?, "body"?}` → `{"status", "headers", "body"}`; hosts must be
    /// on the module's allowlist; refused inside a transaction.
    pub const HTTP_FETCH: &str = "http.fetch";
    /// `{"key"?}` → the module's settings from the server config (all of them without a key).
    pub const CONFIG_GET: &str = "config.get";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips() {
        assert_eq!(unpack(pack(0x1234, 56)), (0x1234, 56));
    }

    #[test]
    fn responses_read_the_documented_json() {
        let reject: Response = serde_json::from_str(
            r#"{"action":"reject","message":"No spam.","data":{"title":{"code":"validation_spam","message":"No spam."}}}"#,
        )
        .unwrap();
        assert!(matches!(reject, Response::Reject { status: 400, .. }));
        let cont: Response = serde_json::from_str(r#"{"action":"continue","extra":1}"#).unwrap();
        assert_eq!(cont, Response::proceed());
        let respond: Response =
            serde_json::from_str(r#"{"action":"respond","body":{"message":"hi"}}"#).unwrap();
        assert!(matches!(respond, Response::Respond { status: 200, .. }));
    }

    #[test]
    fn manifests_default_their_optional_fields() {
        let manifest: Manifest =
            serde_json::from_str(r#"{"hooks":[{"event":"onRecordCreate","handler":1}]}"#).unwrap();
        assert_eq!(manifest.abi, 1);
        assert_eq!(manifest.hooks[0].priority, 0);
        assert!(manifest.routes.is_empty());
    }
}
