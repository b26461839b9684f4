//! `/api/batch`: record creates, updates, upserts (`PUT`) and deletes run one after the other in
//! ONE write transaction, each through the normal record pipeline with the outer request's
//! auth and `@request.context = "batch"`; the first failure rolls everything back (files
//! written so far included). See `../shared/spec/files-batch-settings-misc.md` §2.

use std::time::{Duration, Instant};

use rusqlite::Transaction;
use serde_json::{Map, Value};

use super::error::RecordError;
use super::events::{RecordAction, RecordEvent};
use super::expand::ExpandTree;
use super::read::render;
use super::request::RequestInfo;
use super::{create, delete, manage, update};
use crate::files::storage::NewFile;
use crate::files::{Storage, UploadedFile};
use crate::hooks::HookScope;
use crate::model::{Collection, CollectionSet, Record};
use crate::query::fields::FieldsPicker;
use crate::store;

/// One sub-request, validated.
#[derive(Clone, Debug)]
pub struct BatchItem {
    /// `POST`, `PUT`, `PATCH`, `DELETE` (or `GET`, which fails when run).
    pub method: String,
    /// Path and query, e.g. `/api/collections/posts/records?fields=id`.
    pub url: String,
    /// The body.
    pub body: Map<String, Value>,
    /// Extra headers (an `Authorization` header is ignored).
    pub headers: Map<String, Value>,
    /// Files uploaded as `requests.N.field` (keys without the prefix).
    pub uploads: Vec<UploadedFile>,
}

/// What a sub-request answered.
#[derive(Clone, Debug)]
pub struct ItemResult {
    /// HTTP status.
    pub status: u16,
    /// Response body (`null` for 204).
    pub body: Value,
}

/// A committed batch: the answers and the storage clean-up to do afterwards.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    /// One answer per sub-request.
    pub results: Vec<ItemResult>,
    /// Files no longer referenced, as (collection id, record id, name).
    pub removed_files: Vec<(String, String, String)>,
    /// The record changes, in order, to publish once committed.
    pub events: Vec<RecordEvent>,
}

/// Why the batch failed: the index of the failed sub-request and its error.
#[derive(Debug)]
pub struct BatchFailure {
    /// Position of the failing sub-request.
    pub index: usize,
    /// Its error (`None` for an action batch does not support).
    pub error: Option<RecordError>,
}

impl From<crate::store::StoreError> for BatchFailure {
    fn from(error: crate::store::StoreError) -> Self {
        Self { index: 0, error: Some(RecordError::Store(error)) }
    }
}

enum Action<'a> {
    Create(&'a str),
    Upsert(&'a str),
    Update(&'a str, &'a str),
    Delete(&'a str, &'a str),
}

fn parse_action<'a>(method: &str, path: &'a str) -> Option<Action<'a>> {
    let rest = path.strip_prefix("/api/collections/")?;
    let (collection, rest) = rest.split_once('/')?;
    let id = rest.strip_prefix("records/").filter(|id| !id.is_empty() && !id.contains('/'));
    match (method, rest, id) {
        ("POST", "records", _) => Some(Action::Create(collection)),
        ("PUT", "records", _) => Some(Action::Upsert(collection)),
        ("PATCH", _, Some(id)) => Some(Action::Update(collection, id)),
        ("DELETE", _, Some(id)) => Some(Action::Delete(collection, id)),
        _ => None,
    }
}

/// Everything a sub-request needs from its surroundings.
struct Context<'a> {
    tx: &'a Transaction<'a>,
    storage: &'a Storage,
    all: &'a CollectionSet,
    hooks: &'a HookScope,
    written: Vec<NewFile>,
    outcome: BatchOutcome,
}

/// Runs every item inside `tx`; any failure aborts (the caller rolls back).
pub fn run_in(
    tx: &Transaction<'_>,
    storage: &Storage,
    all: &CollectionSet,
    outer: &RequestInfo,
    items: &[BatchItem],
    timeout: Duration,
    hooks: &HookScope,
) -> Result<BatchOutcome, BatchFailure> {
    let started = Instant::now();
    let mut ctx =
        Context { tx, storage, all, hooks, written: Vec::new(), outcome: BatchOutcome::default() };
    for (index, item) in items.iter().enumerate() {
        let result = if started.elapsed() > timeout {
            Err(Some(RecordError::BadRequest("batch timeout".to_owned())))
        } else {
            run_one(&mut ctx, outer, item)
        };
        match result {
            Ok(result) => ctx.outcome.results.push(result),
            Err(error) => {
                storage.discard_sync(&ctx.written);
                return Err(BatchFailure { index, error });
            }
        }
    }
    Ok(ctx.outcome)
}

fn run_one(
    ctx: &mut Context<'_>,
    outer: &RequestInfo,
    item: &BatchItem,
) -> Result<ItemResult, Option<RecordError>> {
    let (path, query) = item.url.split_once('?').unwrap_or((&item.url, ""));
    let action = parse_action(&item.method, path).ok_or(None)?;
    let mut request = outer.clone();
    request.method.clone_from(&item.method);
    request.context = "batch".to_owned();
    request.query = crate::query::params::parse_query(query);
    for (name, value) in &item.headers {
        let key = name.to_ascii_lowercase().replace('-', "_");
        if key != "authorization" {
            request
                .headers
                .insert(key, value.as_str().map_or_else(|| value.to_string(), str::to_owned));
        }
    }
    let name = match action {
        Action::Create(c) | Action::Upsert(c) | Action::Update(c, _) | Action::Delete(c, _) => c,
    };
    let collection = ctx.all.find(name).cloned().ok_or(Some(RecordError::MissingCollection))?;
    let (record, event) = match action {
        Action::Create(_) => (create_one(ctx, &collection, &request, item)?, RecordAction::Create),
        Action::Update(_, id) => {
            (update_one(ctx, &collection, id, &request, item)?, RecordAction::Update)
        }
        Action::Upsert(_) => {
            let id = item.body.get("id").and_then(Value::as_str).unwrap_or_default();
            let exists = !id.is_empty()
                && store::records::find_by_id(ctx.tx, &collection, id)
                    .map_err(|e| Some(e.into()))?
                    .is_some();
            if exists {
                (update_one(ctx, &collection, id, &request, item)?, RecordAction::Update)
            } else {
                (create_one(ctx, &collection, &request, item)?, RecordAction::Create)
            }
        }
        Action::Delete(_, id) => {
            // hooks: request-level before-hooks (inside the batch's transaction).
            if ctx.hooks.wants_request(RecordAction::Delete, &collection) {
                let found = store::records::find_by_id(ctx.tx, &collection, id)
                    .map_err(|e| Some(e.into()))?;
                if let Some(mut record) = found {
                    ctx.hooks
                        .before_request_in(
                            ctx.tx,
                            RecordAction::Delete,
                            &collection,
                            &mut record,
                            None,
                            &request,
                        )
                        .map_err(|stop| Some(stop.into()))?;
                }
            }
            let deleted =
                delete::delete_checked_in(ctx.tx, ctx.all, &collection, id, &request, ctx.hooks)
                    .map_err(Some)?;
            ctx.outcome.events.extend(deleted);
            return Ok(ItemResult { status: 204, body: Value::Null });
        }
    };
    ctx.outcome.events.push(RecordEvent::new(event, collection.clone(), record.clone()));
    let expand = request.query.get("expand").map(|e| ExpandTree::parse(e));
    let mut rendered =
        render(ctx.tx, ctx.all, &collection, &[record], &request, expand.as_ref()).map_err(Some)?;
    let mut body = rendered.pop().unwrap_or_default();
    if let Some(fields) = request.query.get("fields") {
        let picker = FieldsPicker::parse(fields)
            .map_err(|_| Some(RecordError::BadRequest("fields".to_owned())))?;
        body = picker.apply(body);
    }
    Ok(ItemResult { status: 200, body })
}

fn create_one(
    ctx: &mut Context<'_>,
    collection: &Collection,
    request: &RequestInfo,
    item: &BatchItem,
) -> Result<Record, Option<RecordError>> {
    let manager = match create::manager_probe(collection, request, &item.body) {
        Some(probe) => {
            manage::manages_new(ctx.tx, ctx.all, collection, request, &probe).map_err(Some)?
        }
        None => false,
    };
    let mut prepared =
        create::prepare_inline(collection, request, &item.body, &item.uploads, manager)
            .map_err(Some)?;
    // hooks: request-level before-hooks (inside the batch's transaction).
    ctx.hooks
        .before_request_in(
            ctx.tx,
            RecordAction::Create,
            collection,
            &mut prepared.record,
            None,
            request,
        )
        .map_err(|stop| Some(stop.into()))?;
    create::insert_in(ctx.tx, ctx.storage, ctx.all, collection, request, &mut prepared, ctx.hooks)
        .map_err(Some)?;
    ctx.written.extend(prepared.files.new.iter().cloned());
    Ok(prepared.record)
}

fn update_one(
    ctx: &mut Context<'_>,
    collection: &Collection,
    id: &str,
    request: &RequestInfo,
    item: &BatchItem,
) -> Result<Record, Option<RecordError>> {
    let draft =
        update::draft(ctx.tx, ctx.all, collection, id, request, &item.body).map_err(Some)?;
    let original =
        ctx.hooks.wants_request(RecordAction::Update, collection).then(|| draft.original().clone());
    let mut prepared =
        update::finish(collection, draft, request.is_superuser(), &item.body, &item.uploads)
            .map_err(Some)?;
    // hooks: request-level before-hooks (inside the batch's transaction).
    ctx.hooks
        .before_request_in(
            ctx.tx,
            RecordAction::Update,
            collection,
            &mut prepared.record,
            original.as_ref(),
            request,
        )
        .map_err(|stop| Some(stop.into()))?;
    update::write_in(ctx.tx, ctx.storage, ctx.all, collection, &mut prepared, ctx.hooks)
        .map_err(Some)?;
    ctx.written.extend(prepared.files.new.iter().cloned());
    for name in &prepared.files.removed {
        ctx.outcome.removed_files.push((collection.id.clone(), id.to_owned(), name.clone()));
    }
    Ok(prepared.record)
}
