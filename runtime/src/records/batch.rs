//! `/api/batch`: record creates, updates, upserts (`PUT`) and deletes run one after the other in
//! ONE write transaction, each through the normal record pipeline with the outer request's
//! auth and `@request.context = "batch"`; the first failure rolls everything back.
//! See `../shared/spec/files-batch-settings-misc.md` §2.

use std::time::{Duration, Instant};

use rusqlite::Transaction;
use serde_json::{Map, Value};

use super::error::RecordError;
use super::expand::ExpandTree;
use super::read::render;
use super::request::RequestInfo;
use super::{create, delete, update};
use crate::model::CollectionSet;
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
}

/// What a sub-request answered.
#[derive(Clone, Debug)]
pub struct ItemResult {
    /// HTTP status.
    pub status: u16,
    /// Response body (`null` for 204).
    pub body: Value,
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

/// Runs every item inside `tx`; any failure aborts (the caller rolls back).
pub fn run_in(
    tx: &Transaction<'_>,
    all: &CollectionSet,
    outer: &RequestInfo,
    items: &[BatchItem],
    timeout: Duration,
) -> Result<Vec<ItemResult>, BatchFailure> {
    let started = Instant::now();
    let mut results = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if started.elapsed() > timeout {
            return Err(BatchFailure {
                index,
                error: Some(RecordError::BadRequest("batch timeout".to_owned())),
            });
        }
        let result =
            run_one(tx, all, outer, item).map_err(|error| BatchFailure { index, error })?;
        results.push(result);
    }
    Ok(results)
}

fn run_one(
    tx: &Transaction<'_>,
    all: &CollectionSet,
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
            request.headers.insert(
                key,
                value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string()),
            );
        }
    }
    let name = match action {
        Action::Create(c) | Action::Upsert(c) | Action::Update(c, _) | Action::Delete(c, _) => c,
    };
    let collection = all.find(name).cloned().ok_or(Some(RecordError::MissingCollection))?;
    let record = match action {
        Action::Create(_) => create_one(tx, all, &collection, &request, &item.body)?,
        Action::Update(_, id) => update_one(tx, all, &collection, id, &request, &item.body)?,
        Action::Upsert(_) => {
            let id = item.body.get("id").and_then(Value::as_str).unwrap_or_default();
            let exists = !id.is_empty()
                && store::records::find_by_id(tx, &collection, id)
                    .map_err(|e| Some(e.into()))?
                    .is_some();
            if exists {
                update_one(tx, all, &collection, id, &request, &item.body)?
            } else {
                create_one(tx, all, &collection, &request, &item.body)?
            }
        }
        Action::Delete(_, id) => {
            delete::delete_checked_in(tx, all, &collection, id, &request).map_err(Some)?;
            return Ok(ItemResult { status: 204, body: Value::Null });
        }
    };
    let expand = request.query.get("expand").map(|e| ExpandTree::parse(e));
    let mut rendered =
        render(tx, all, &collection, &[record], &request, expand.as_ref()).map_err(Some)?;
    let mut body = rendered.pop().unwrap_or_default();
    if let Some(fields) = request.query.get("fields") {
        let picker = FieldsPicker::parse(fields)
            .map_err(|_| Some(RecordError::BadRequest("fields".to_owned())))?;
        body = picker.apply(body);
    }
    Ok(ItemResult { status: 200, body })
}

fn create_one(
    tx: &Transaction<'_>,
    all: &CollectionSet,
    collection: &crate::model::Collection,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Result<crate::model::Record, Option<RecordError>> {
    let prepared = create::prepare_inline(collection, request, data).map_err(Some)?;
    create::insert_in(tx, all, collection, request, &prepared).map_err(Some)?;
    Ok(prepared.record)
}

fn update_one(
    tx: &Transaction<'_>,
    all: &CollectionSet,
    collection: &crate::model::Collection,
    id: &str,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Result<crate::model::Record, Option<RecordError>> {
    let draft = update::draft(tx, all, collection, id, request, data).map_err(Some)?;
    let prepared = update::finish(collection, draft, request.is_superuser()).map_err(Some)?;
    update::write_in(tx, all, collection, &prepared).map_err(Some)?;
    Ok(prepared.record)
}
