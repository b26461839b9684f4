//! The operations behind `pb_v1.call`: `db.query`/`db.exec`, `records.find`/`list`/`save`/
//! `delete`, `http.fetch`, `config.get`. Inside a write transaction (model hooks, batch) they
//! run on the writer's connection, so they see and roll back with the write; outside, reads go
//! to a reader and writes to the writer as ordinary requests do. Record writes are validated and
//! run the hooks again one level deeper (refused past the depth limit). See `docs/hooks-abi.md`.

use std::sync::Arc;

use rusqlite::Connection;
use rusqlite::types::{Value as SqlValue, ValueRef};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use wasmbase_abi::{CallError, op};

use super::events::{DEPTH, HookScope, HookStop};
use super::module::ModuleInfo;
use crate::app::App;
use crate::model::Collection;
use crate::model::record::Visibility;
use crate::records::error::RecordError;
use crate::records::events::RecordAction;
use crate::records::request::RequestInfo;
use crate::records::tokens::AuthRecord;

scoped_tls::scoped_thread_local!(
    /// The writer's connection (inside its open transaction) while an in-transaction hook runs.
    pub static TX: Connection
);

/// What a module's host calls may touch.
#[derive(Clone)]
pub struct OpContext {
    /// The calling module.
    pub module: Arc<ModuleInfo>,
    /// The app, snapshot and depth (`None` while loading: no host calls then).
    pub scope: Option<HookScope>,
    /// Running inside the write transaction (`TX` is set).
    pub in_tx: bool,
}

impl OpContext {
    /// A context without app access (manifest calls).
    pub fn detached(module: Arc<ModuleInfo>) -> Self {
        Self { module, scope: None, in_tx: false }
    }
}

type OpResult = Result<Value, CallError>;

fn fail(code: &str, message: impl Into<String>) -> CallError {
    CallError { code: code.to_owned(), error: message.into(), data: Map::new() }
}

fn encode(result: OpResult) -> Result<Vec<u8>, Vec<u8>> {
    match result {
        Ok(value) => Ok(serde_json::to_vec(&value).unwrap_or_default()),
        Err(error) => Err(serde_json::to_vec(&error).unwrap_or_default()),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(request: &[u8]) -> Result<T, CallError> {
    serde_json::from_slice(request)
        .map_err(|e| fail("bad_request", format!("malformed request: {e}")))
}

fn scope(context: &OpContext) -> Result<&HookScope, CallError> {
    context
        .scope
        .as_ref()
        .ok_or_else(|| fail("forbidden", "no host calls while the module describes itself"))
}

#[derive(Deserialize)]
struct SqlRequest {
    sql: String,
    #[serde(default)]
    params: Vec<Value>,
}

#[derive(Deserialize)]
struct RecordRef {
    collection: String,
    #[serde(default)]
    id: String,
}

#[derive(Deserialize)]
struct ListRequest {
    collection: String,
    #[serde(default)]
    filter: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    offset: Option<usize>,
}

#[derive(Deserialize)]
struct SaveRequest {
    collection: String,
    record: Map<String, Value>,
}

#[derive(Deserialize)]
struct ConfigRequest {
    #[serde(default)]
    key: Option<String>,
}

/// Runs `op` on tokio (no transaction).
pub async fn run_async(
    context: &OpContext,
    name: &str,
    request: &[u8],
) -> Result<Vec<u8>, Vec<u8>> {
    encode(dispatch_async(context, name, request).await)
}

async fn dispatch_async(context: &OpContext, name: &str, request: &[u8]) -> OpResult {
    match name {
        op::CONFIG_GET => config_get(context, request),
        op::HTTP_FETCH => super::fetch::fetch(context, request).await,
        op::DB_QUERY => {
            let app = scope(context)?.app.clone();
            let sql: SqlRequest = parse(request)?;
            app.data()
                .read(move |conn| Ok(query(conn, &sql, true)))
                .await
                .map_err(|e| fail("db", e.to_string()))?
        }
        op::DB_EXEC => {
            let app = scope(context)?.app.clone();
            let sql: SqlRequest = parse(request)?;
            app.data()
                .write(move |tx| Ok::<_, crate::store::StoreError>(exec(tx, &sql)))
                .await
                .map_err(|e| fail("db", e.to_string()))?
        }
        op::RECORDS_FIND | op::RECORDS_LIST => {
            let app = scope(context)?.app.clone();
            let (name, request) = (name.to_owned(), request.to_vec());
            let reader = app.clone();
            app.data()
                .read(move |conn| Ok(read_op(&reader, conn, &name, &request)))
                .await
                .map_err(|e| fail("db", e.to_string()))?
        }
        op::RECORDS_SAVE | op::RECORDS_DELETE => {
            let scope = scope(context)?;
            let nested = nested(scope)?;
            let future = write_async(scope.app.clone(), name.to_owned(), request.to_vec());
            // Boxed: this future runs hooks, whose host calls may land here again.
            Box::pin(DEPTH.scope(nested.depth, future)).await
        }
        other => Err(fail("unknown_op", format!("unknown operation `{other}`"))),
    }
}

/// Runs `op` on the writer thread, inside the current transaction (`TX` set).
pub fn run_in_tx(context: &OpContext, name: &str, request: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let result = match name {
        op::CONFIG_GET => config_get(context, request),
        op::HTTP_FETCH => Err(fail(
            "forbidden",
            "http.fetch is refused inside a transaction (use an after-success hook)",
        )),
        _ if !TX.is_set() => Err(fail("forbidden", "no transaction to run in")),
        op::DB_QUERY => parse(request).and_then(|sql| TX.with(|conn| query(conn, &sql, false))),
        op::DB_EXEC => parse(request).and_then(|sql| TX.with(|conn| exec(conn, &sql))),
        op::RECORDS_FIND | op::RECORDS_LIST => scope(context)
            .and_then(|scope| TX.with(|conn| read_op(&scope.app, conn, name, request))),
        op::RECORDS_SAVE => scope(context)
            .and_then(nested)
            .and_then(|nested| TX.with(|conn| save_in(&nested, conn, request))),
        op::RECORDS_DELETE => scope(context)
            .and_then(nested)
            .and_then(|nested| TX.with(|conn| delete_in(&nested, conn, request))),
        other => Err(fail("unknown_op", format!("unknown operation `{other}`"))),
    };
    encode(result)
}

fn config_get(context: &OpContext, request: &[u8]) -> OpResult {
    let request: ConfigRequest =
        if request.is_empty() { ConfigRequest { key: None } } else { parse(request)? };
    Ok(match request.key {
        Some(key) => context.module.settings.get(&key).cloned().unwrap_or(Value::Null),
        None => Value::Object(context.module.settings.clone()),
    })
}

fn nested(scope: &HookScope) -> Result<HookScope, CallError> {
    let max = scope.app.hooks().limits().max_depth;
    if scope.depth >= max {
        return Err(fail("depth", format!("hook-made writes nest deeper than {max}")));
    }
    Ok(HookScope { depth: scope.depth + 1, ..scope.clone() })
}

fn sql_params(params: &[Value]) -> Vec<SqlValue> {
    params
        .iter()
        .map(|value| match value {
            Value::Null => SqlValue::Null,
            Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
            Value::Number(n) => n
                .as_i64()
                .map_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0)), SqlValue::Integer),
            Value::String(s) => SqlValue::Text(s.clone()),
            other => SqlValue::Text(other.to_string()),
        })
        .collect()
}

fn query(conn: &Connection, request: &SqlRequest, readonly: bool) -> OpResult {
    let db = |e: rusqlite::Error| fail("db", e.to_string());
    let mut stmt = conn.prepare_cached(&request.sql).map_err(db)?;
    if readonly && !stmt.readonly() {
        return Err(fail(
            "forbidden",
            "db.query outside a transaction only reads; use db.exec to write",
        ));
    }
    let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let mut rows =
        stmt.query(rusqlite::params_from_iter(sql_params(&request.params))).map_err(db)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db)? {
        let mut object = Map::new();
        for (i, column) in columns.iter().enumerate() {
            let value = match row.get_ref(i).map_err(db)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::from(v),
                ValueRef::Real(v) => Value::from(v),
                ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::from(b.to_vec()),
            };
            object.insert(column.clone(), value);
        }
        out.push(Value::Object(object));
    }
    Ok(json!({ "rows": out }))
}

fn exec(conn: &Connection, request: &SqlRequest) -> OpResult {
    let changes = conn
        .execute(&request.sql, rusqlite::params_from_iter(sql_params(&request.params)))
        .map_err(|e| fail("db", e.to_string()))?;
    Ok(json!({ "changes": changes, "lastInsertRowid": conn.last_insert_rowid() }))
}

fn find_collection(app: &App, name: &str) -> Result<Arc<Collection>, CallError> {
    app.find_collection(name).ok_or_else(|| fail("not_found", format!("no collection `{name}`")))
}

fn read_op(app: &App, conn: &Connection, name: &str, request: &[u8]) -> OpResult {
    if name == op::RECORDS_FIND {
        let target: RecordRef = parse(request)?;
        let collection = find_collection(app, &target.collection)?;
        let record = crate::store::records::find_by_id(conn, &collection, &target.id)
            .map_err(|e| fail("db", e.to_string()))?;
        return Ok(record.map_or(Value::Null, |r| {
            Value::Object(r.to_public_json(&collection, Visibility::SUPERUSER))
        }));
    }
    let list: ListRequest = parse(request)?;
    let collection = find_collection(app, &list.collection)?;
    let all = app.collections();
    let system = system_request(app, "GET");
    let scope =
        crate::records::rules::RuleScope { all: &all, collection: &collection, request: &system };
    let record_error = |e: RecordError| fail("bad_request", e.to_string());
    let parts = crate::records::rule_sql::ListParts {
        rule: None,
        filter: Some(list.filter.as_str()).filter(|f| !f.is_empty()),
        sort: Some(list.sort.as_str()).filter(|s| !s.is_empty()),
    };
    let query = crate::records::rule_sql::compile_list(&scope, &parts).map_err(record_error)?;
    let limit = list.limit.unwrap_or(30).clamp(1, 1000);
    let offset = list.offset.unwrap_or(0).min(100_000);
    let page =
        crate::query::page::Pagination { page: 1, per_page: offset + limit, skip_total: true };
    let result =
        crate::records::read::list(conn, &collection, &query, &page).map_err(record_error)?;
    let items: Vec<Value> = result
        .records
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| Value::Object(r.to_public_json(&collection, Visibility::SUPERUSER)))
        .collect();
    Ok(json!({ "items": items }))
}

/// A superuser-level request for hook-made operations (rules do not apply to hooks).
pub fn system_request(app: &App, method: &str) -> RequestInfo {
    let mut request = RequestInfo::new(None, method);
    request.context = "hook".to_owned();
    if let Some(collection) = app.find_collection("_superusers") {
        let record = crate::model::Record::new(&collection);
        request.auth = Some(Arc::new(AuthRecord {
            collection,
            record,
            claims: crate::auth::token::TokenClaims {
                collection_id: String::new(),
                email: None,
                exp: 0,
                id: String::new(),
                new_email: None,
                refreshable: None,
                token_type: crate::auth::TokenType::Auth,
            },
            token: String::new(),
        }));
    }
    request
}

/// A failed record write as a call error (field errors kept).
fn record_failure(error: RecordError) -> CallError {
    match error {
        RecordError::Validation(_, errors) => CallError {
            code: "validation".to_owned(),
            error: "the record is not valid".to_owned(),
            data: errors.to_json().as_object().cloned().unwrap_or_default(),
        },
        RecordError::Hook(HookStop::Reject { message, data, .. }) => {
            CallError { code: "rejected".to_owned(), error: message, data }
        }
        RecordError::Hook(_) => fail("failed", "a hook of the nested write failed"),
        RecordError::NotFound => fail("not_found", "record not found"),
        RecordError::MissingCollection => fail("not_found", "collection not found"),
        other => fail("bad_request", other.to_string()),
    }
}

async fn write_async(app: App, name: String, request: Vec<u8>) -> OpResult {
    if name == op::RECORDS_DELETE {
        let target: RecordRef = parse(&request)?;
        let collection = find_collection(&app, &target.collection)?;
        let system = system_request(&app, "DELETE");
        crate::records::delete::delete(&app, &collection, &target.id, &system)
            .await
            .map_err(record_failure)?;
        return Ok(json!({}));
    }
    let save: SaveRequest = parse(&request)?;
    let collection = find_collection(&app, &save.collection)?;
    let id = save.record.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
    let exists = !id.is_empty() && {
        let (c, id) = (collection.clone(), id.clone());
        app.data()
            .read(move |conn| crate::store::records::find_by_id(conn, &c, &id))
            .await
            .map_err(|e| fail("db", e.to_string()))?
            .is_some()
    };
    let record = if exists {
        let system = system_request(&app, "PATCH");
        crate::records::update::update(&app, &collection, &id, &system, &save.record, &[]).await
    } else {
        let system = system_request(&app, "POST");
        crate::records::create::create(&app, &collection, &system, &save.record, &[]).await
    }
    .map_err(record_failure)?;
    Ok(Value::Object(record.to_public_json(&collection, Visibility::SUPERUSER)))
}

fn save_in(scope: &HookScope, conn: &Connection, request: &[u8]) -> OpResult {
    use crate::records::{create, update};
    let save: SaveRequest = parse(request)?;
    let collection = find_collection(&scope.app, &save.collection)?;
    let id = save.record.get("id").and_then(Value::as_str).unwrap_or_default();
    let all = scope.app.collections();
    let storage = scope.app.storage();
    let exists = !id.is_empty()
        && crate::store::records::find_by_id(conn, &collection, id)
            .map_err(|e| fail("db", e.to_string()))?
            .is_some();
    let hook_stop = |stop| record_failure(RecordError::Hook(stop));
    let record = if exists {
        let system = system_request(&scope.app, "PATCH");
        let draft = update::draft(conn, &all, &collection, id, &system, &save.record)
            .map_err(record_failure)?;
        let original = draft.original().clone();
        let mut prepared =
            update::finish(&collection, draft, true, &save.record, &[]).map_err(record_failure)?;
        scope
            .before_request_in(
                conn,
                RecordAction::Update,
                &collection,
                &mut prepared.record,
                Some(&original),
                &system,
            )
            .map_err(hook_stop)?;
        update::write_in(conn, storage, &all, &collection, &mut prepared, scope)
            .map_err(record_failure)?;
        prepared.record
    } else {
        let system = system_request(&scope.app, "POST");
        let mut prepared = create::prepare_inline(&collection, &system, &save.record, &[], false)
            .map_err(record_failure)?;
        scope
            .before_request_in(
                conn,
                RecordAction::Create,
                &collection,
                &mut prepared.record,
                None,
                &system,
            )
            .map_err(hook_stop)?;
        create::insert_in(conn, storage, &all, &collection, &system, &mut prepared, scope)
            .map_err(record_failure)?;
        prepared.record
    };
    Ok(Value::Object(record.to_public_json(&collection, Visibility::SUPERUSER)))
}

fn delete_in(scope: &HookScope, conn: &Connection, request: &[u8]) -> OpResult {
    let target: RecordRef = parse(request)?;
    let collection = find_collection(&scope.app, &target.collection)?;
    let all = scope.app.collections();
    let system = system_request(&scope.app, "DELETE");
    let mut record = crate::store::records::find_by_id(conn, &collection, &target.id)
        .map_err(|e| fail("db", e.to_string()))?
        .ok_or_else(|| fail("not_found", "record not found"))?;
    scope
        .before_request_in(conn, RecordAction::Delete, &collection, &mut record, None, &system)
        .map_err(|stop| record_failure(RecordError::Hook(stop)))?;
    crate::records::delete::delete_checked_in(conn, &all, &collection, &target.id, &system, scope)
        .map_err(record_failure)?;
    Ok(json!({}))
}
