//! Record events: which hooks run around a create, update or delete, and what their answers
//! do. Before-hooks chain in order (a `continue` patch is applied to the record and seen by
//! later hooks; the first `reject` or `respond` stops the chain); model-level hooks run on the
//! writer thread inside the write transaction; after-success hooks all run, and only log.
//! A hook that fails (trap, deadline, memory cap, bad answer) stops the write with a 500 and
//! one log line naming module, event, handler and reason.

use std::sync::Arc;
use std::time::Instant;

use rusqlite::Connection;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use wasmbase_abi::event;

use super::answer::{self, Answer};
use super::call::{CallFailure, Entry, call_async, call_sync};
use super::host::HostState;
use super::ops::{OpContext, TX};
use super::payload;
use super::registry::{HookEntry, Registry};
use crate::app::App;
use crate::model::{Collection, Record};
use crate::records::events::RecordAction;
use crate::records::input::{self, WriteAccess};
use crate::records::request::RequestInfo;

/// The hook events of each record action.
trait ActionEvents: Copy {
    fn events(self) -> [&'static str; 4];
    fn request_event(self) -> &'static str {
        self.events()[0]
    }
}

impl ActionEvents for RecordAction {
    fn events(self) -> [&'static str; 4] {
        match self {
            Self::Create => [
                event::RECORD_CREATE_REQUEST,
                event::RECORD_CREATE,
                event::RECORD_AFTER_CREATE,
                event::RECORD_AFTER_CREATE_SUCCESS,
            ],
            Self::Update => [
                event::RECORD_UPDATE_REQUEST,
                event::RECORD_UPDATE,
                event::RECORD_AFTER_UPDATE,
                event::RECORD_AFTER_UPDATE_SUCCESS,
            ],
            Self::Delete => [
                event::RECORD_DELETE_REQUEST,
                event::RECORD_DELETE,
                event::RECORD_AFTER_DELETE,
                event::RECORD_AFTER_DELETE_SUCCESS,
            ],
        }
    }
}

/// A response a hook answered with (a `respond` action).
#[derive(Clone, Debug, PartialEq)]
pub struct HookAnswer {
    /// HTTP status.
    pub status: u16,
    /// Headers (content type included).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Why a hook stopped a write.
#[derive(Clone, Debug, PartialEq)]
pub enum HookStop {
    /// `reject`: PocketBase's error envelope.
    Reject {
        /// 400-599.
        status: u16,
        /// Message.
        message: String,
        /// Field errors.
        data: Map<String, Value>,
    },
    /// `respond`: the hook answered the request itself.
    Respond(HookAnswer),
    /// The hook failed; the client gets a 500 (the reason is logged).
    Failed,
}

impl HookAnswer {
    /// The answer of a `respond` action.
    pub fn from_response(
        status: u16,
        headers: &Map<String, Value>,
        body: Option<&RawValue>,
        text: Option<&str>,
    ) -> Self {
        let mut out: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| {
                (k.to_ascii_lowercase(), v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            })
            .collect();
        let has_type = out.iter().any(|(k, _)| k == "content-type");
        let (bytes, default_type) = match (body, text) {
            (_, Some(text)) => (text.as_bytes().to_vec(), "text/plain; charset=utf-8"),
            (Some(body), None) => (body.get().as_bytes().to_vec(), "application/json"),
            (None, None) => (Vec::new(), ""),
        };
        if !has_type && !default_type.is_empty() {
            out.push(("content-type".to_owned(), default_type.to_owned()));
        }
        Self { status: status.clamp(100, 599), headers: out, body: bytes }
    }
}

/// The hooks one request (or one hook-made write) runs with: a registry snapshot and the
/// nesting depth of hook-made writes.
#[derive(Clone)]
pub struct HookScope {
    /// The app.
    pub app: App,
    /// The snapshot.
    pub registry: Arc<Registry>,
    /// 0 for a client's request.
    pub depth: u32,
}

tokio::task_local! {
    /// The depth of the hook-made write running in this task (outside transactions).
    pub static DEPTH: u32;
}

impl HookScope {
    /// The scope of a request: the current snapshot; depth 0 unless a hook's write runs it.
    pub fn of(app: &App) -> Self {
        let depth = DEPTH.try_with(|d| *d).unwrap_or(0);
        Self { app: app.clone(), registry: app.hooks().snapshot(), depth }
    }

    /// Whether any hook of `action` (at any level) wants `collection`.
    pub fn wants(&self, action: RecordAction, collection: &Collection) -> bool {
        !self.registry.is_empty()
            && action.events().iter().any(|e| self.registry.wants(e, collection))
    }

    /// Whether a request-level hook of `action` wants `collection`.
    pub fn wants_request(&self, action: RecordAction, collection: &Collection) -> bool {
        !self.registry.is_empty() && self.registry.wants(action.request_event(), collection)
    }

    fn ops(&self, entry: &HookEntry, in_tx: bool) -> OpContext {
        OpContext { module: entry.module.info.clone(), scope: Some(self.clone()), in_tx }
    }

    /// Request-level before-hooks on tokio (outside the transaction).
    pub async fn before_request(
        &self,
        action: RecordAction,
        collection: &Collection,
        record: &mut Record,
        original: Option<&Record>,
        request: &RequestInfo,
    ) -> Result<(), HookStop> {
        let event_name = action.request_event();
        if self.registry.is_empty() {
            return Ok(());
        }
        for entry in self.registry.hooks_for(event_name, collection) {
            let payload =
                self.payload(entry, event_name, collection, record, original, Some(request), false);
            let deadline = Instant::now() + entry.module.info.limits.request;
            let state = HostState::new(&entry.module.info, self.ops(entry, false), deadline, true);
            let answer = call_async(&entry.module, state, Entry::Handle(&payload)).await;
            self.apply(entry, event_name, action, collection, record, answer, true)?;
        }
        Ok(())
    }

    /// Request-level before-hooks on the writer thread (batch items, hook-made writes inside
    /// a transaction).
    pub fn before_request_in(
        &self,
        conn: &Connection,
        action: RecordAction,
        collection: &Collection,
        record: &mut Record,
        original: Option<&Record>,
        request: &RequestInfo,
    ) -> Result<(), HookStop> {
        self.chain_in(conn, 0, action, collection, record, original, Some(request))
    }

    /// Model-level before-hooks (inside the transaction, before validation and the write).
    pub fn model_before_in(
        &self,
        conn: &Connection,
        action: RecordAction,
        collection: &Collection,
        record: &mut Record,
        original: Option<&Record>,
    ) -> Result<(), HookStop> {
        self.chain_in(conn, 1, action, collection, record, original, None)
    }

    /// Model-level after-hooks (inside the transaction, after the write; a reject rolls back).
    pub fn model_after_in(
        &self,
        conn: &Connection,
        action: RecordAction,
        collection: &Collection,
        record: &Record,
    ) -> Result<(), HookStop> {
        let mut record = record.clone();
        self.chain_in(conn, 2, action, collection, &mut record, None, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn chain_in(
        &self,
        conn: &Connection,
        level: usize,
        action: RecordAction,
        collection: &Collection,
        record: &mut Record,
        original: Option<&Record>,
        request: Option<&RequestInfo>,
    ) -> Result<(), HookStop> {
        let event_name = action.events()[level];
        if self.registry.is_empty() || !self.registry.wants(event_name, collection) {
            return Ok(());
        }
        // An update's stored record, when the caller did not have it at hand.
        let loaded = match (original, action) {
            (None, RecordAction::Update) if level < 2 => {
                crate::store::records::find_by_id(conn, collection, record.id()).ok().flatten()
            }
            _ => None,
        };
        let original = original.or(loaded.as_ref());
        for entry in self.registry.hooks_for(event_name, collection) {
            let payload =
                self.payload(entry, event_name, collection, record, original, request, true);
            let deadline = Instant::now() + entry.module.info.limits.transaction;
            let state = HostState::new(&entry.module.info, self.ops(entry, true), deadline, false);
            let answer = TX.set(conn, || call_sync(&entry.module, state, Entry::Handle(&payload)));
            self.apply(entry, event_name, action, collection, record, answer, level == 0)?;
        }
        Ok(())
    }

    /// After-success hooks (after the commit); failures are logged, the outcome stands.
    pub async fn after_success(
        &self,
        action: RecordAction,
        collection: &Collection,
        record: &Record,
        request: &RequestInfo,
    ) {
        let event_name = action.events()[3];
        if self.registry.is_empty() {
            return;
        }
        for entry in self.registry.hooks_for(event_name, collection) {
            let payload =
                self.payload(entry, event_name, collection, record, None, Some(request), false);
            let deadline = Instant::now() + entry.module.info.limits.request;
            let state = HostState::new(&entry.module.info, self.ops(entry, false), deadline, true);
            let answer = call_async(&entry.module, state, Entry::Handle(&payload)).await;
            let mut scratch = record.clone();
            let _ = self.apply(entry, event_name, action, collection, &mut scratch, answer, false);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn payload(
        &self,
        entry: &HookEntry,
        event_name: &str,
        collection: &Collection,
        record: &Record,
        original: Option<&Record>,
        request: Option<&RequestInfo>,
        tx: bool,
    ) -> Vec<u8> {
        payload::RecordEvent {
            event: event_name,
            handler: entry.handler,
            collection,
            record,
            original,
            request,
            tx,
            depth: self.depth,
        }
        .to_vec()
    }

    /// Applies one hook's answer: a patch, or the reason to stop.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        entry: &HookEntry,
        event_name: &str,
        action: RecordAction,
        collection: &Collection,
        record: &mut Record,
        answer: Result<Vec<u8>, CallFailure>,
        may_respond: bool,
    ) -> Result<(), HookStop> {
        let bytes = answer.map_err(|failure| {
            self.app.hooks().report(&entry.module.info.name, event_name, entry.handler, &failure);
            HookStop::Failed
        })?;
        let response = answer::parse(&bytes).map_err(|e| {
            let failure =
                CallFailure { reason: format!("unreadable answer: {e}"), backtrace: String::new() };
            self.app.hooks().report(&entry.module.info.name, event_name, entry.handler, &failure);
            HookStop::Failed
        })?;
        match response {
            Answer::Continue { set, unset } => {
                if action != RecordAction::Delete {
                    patch(collection, record, &set, &unset);
                }
                Ok(())
            }
            Answer::Reject { status, message, data } => Err(HookStop::Reject {
                status: status.clamp(400, 599),
                message: if message.is_empty() {
                    "Something went wrong while processing your request.".to_owned()
                } else {
                    message
                },
                data,
            }),
            Answer::Respond { status, headers, body, text } if may_respond => {
                Err(HookStop::Respond(HookAnswer::from_response(
                    status,
                    &headers,
                    body,
                    text.as_deref(),
                )))
            }
            Answer::Respond { .. } => {
                let failure = CallFailure {
                    reason: "`respond` is only allowed in request hooks and routes".to_owned(),
                    backtrace: String::new(),
                };
                self.app.hooks().report(
                    &entry.module.info.name,
                    event_name,
                    entry.handler,
                    &failure,
                );
                Err(HookStop::Failed)
            }
        }
    }
}

/// Applies a `continue` patch with the API's value coercion.
fn patch(collection: &Collection, record: &mut Record, set: &Map<String, Value>, unset: &[String]) {
    if !set.is_empty() {
        input::apply(collection, record, set, WriteAccess { superuser: true });
    }
    for name in unset {
        if let Some(field) = collection.field(name) {
            record.set(name, field.zero_value());
        }
    }
}
