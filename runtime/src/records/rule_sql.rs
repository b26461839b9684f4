//! The bridge between record operations and the query language's SQL compiler: API rules,
//! client filters and sorts compiled with one [`QueryBuilder`] per statement (they share
//! joins), run against a collection's table — or against a one-row CTE holding a record's
//! values when the record is not (or no longer) stored: the create rule, realtime checks.
//! See `../shared/spec/filters-and-rules.md` §5–§8.

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::error::RecordError;
use super::request::RequestInfo;
use super::rules::RuleScope;
use crate::model::{DateTime, Record};
use crate::query::filter::parse_sort;
use crate::query::sql::{
    Access, AuthRecord, Compiled, QueryBuilder, QueryError, RequestContext, RequestKind,
};
use crate::store::records::column_values;
use crate::store::sql::quote_ident;

/// The name of the one-row CTE a not-stored record is read from.
const NEW_RECORD_TABLE: &str = "__pb_record";

/// `@request.*` for the compiler.
pub fn request_context(request: &RequestInfo) -> RequestContext {
    let auth = request
        .auth
        .as_ref()
        .map(|a| AuthRecord::new(a.collection.clone(), a.record.values.clone()));
    RequestContext {
        auth,
        method: request.method.clone(),
        context: request_kind(&request.context),
        query: request.query.clone(),
        headers: request.headers.clone(),
        body: request.body.clone(),
    }
}

fn request_kind(context: &str) -> RequestKind {
    match context {
        "expand" => RequestKind::Expand,
        "realtime" => RequestKind::Realtime,
        "protectedFile" => RequestKind::ProtectedFile,
        "batch" => RequestKind::Batch,
        "oauth2" => RequestKind::OAuth2,
        "otp" => RequestKind::Otp,
        "password" => RequestKind::Password,
        _ => RequestKind::Default,
    }
}

/// A compile failure as the record error callers answer with (a generic 400).
#[allow(clippy::needless_pass_by_value)] // used as `map_err(query_error)`
pub fn query_error(error: QueryError) -> RecordError {
    RecordError::BadRequest(error.to_string())
}

/// What a list statement is made of.
#[derive(Debug, Default)]
pub struct ListParts<'a> {
    /// The list rule (already known not to be empty), unless bypassed.
    pub rule: Option<&'a str>,
    /// The client `filter`.
    pub filter: Option<&'a str>,
    /// The client `sort`.
    pub sort: Option<&'a str>,
}

/// Compiles the list rule, client filter and sort of one list request together.
pub fn compile_list(scope: &RuleScope<'_>, parts: &ListParts<'_>) -> Result<Compiled, RecordError> {
    let context = request_context(scope.request);
    let mut builder = QueryBuilder::new(scope.collection, scope.all, &context, DateTime::now());
    let access = Access::client(scope.request.is_superuser());
    if let Some(rule) = parts.rule {
        builder.and_rule(rule).map_err(query_error)?;
    }
    if let Some(filter) = parts.filter {
        builder.and_filter_text(filter, access).map_err(query_error)?;
    }
    if let Some(sort) = parts.sort {
        let items = parse_sort(sort).map_err(|e| query_error(e.into()))?;
        builder.order_by(&items, access).map_err(query_error)?;
    }
    builder.finish().map_err(query_error)
}

/// Whether `rule` holds for the stored record `id`.
pub fn matches_stored(
    conn: &Connection,
    scope: &RuleScope<'_>,
    rule: &str,
    id: &str,
) -> Result<bool, RecordError> {
    let context = request_context(scope.request);
    let mut builder = QueryBuilder::new(scope.collection, scope.all, &context, DateTime::now());
    builder.and_rule(rule).map_err(query_error)?;
    let mut compiled = builder.finish().map_err(query_error)?;
    let id_param = compiled.push_param(SqlValue::Text(id.to_owned()));
    let condition = if compiled.has_condition() {
        format!("{}.`id` = {id_param} AND ({})", compiled.table, compiled.condition)
    } else {
        format!("{}.`id` = {id_param}", compiled.table)
    };
    let sql = format!("SELECT 1 FROM {} WHERE {condition} LIMIT 1", compiled.from_clause());
    exists(conn, &sql, &compiled.params)
}

/// Whether `rule` holds for `record`'s values (not stored yet, or no longer).
pub fn matches_new(
    conn: &Connection,
    scope: &RuleScope<'_>,
    rule: &str,
    record: &Record,
) -> Result<bool, RecordError> {
    matches_values(conn, scope, record, |builder| builder.and_rule(rule))
}

/// Whether a client filter (hidden fields refused for non-superusers, joined list rules
/// enforced) holds for `record`'s values (realtime subscription filters).
pub fn filter_matches(
    conn: &Connection,
    scope: &RuleScope<'_>,
    filter: &str,
    record: &Record,
) -> Result<bool, RecordError> {
    let access = Access::client(scope.request.is_superuser());
    matches_values(conn, scope, record, |builder| builder.and_filter_text(filter, access))
}

/// Compiles a condition over a one-row CTE of `record`'s values and checks it.
fn matches_values(
    conn: &Connection,
    scope: &RuleScope<'_>,
    record: &Record,
    add: impl FnOnce(&mut QueryBuilder<'_>) -> Result<(), QueryError>,
) -> Result<bool, RecordError> {
    let context = request_context(scope.request);
    let mut builder = QueryBuilder::new(scope.collection, scope.all, &context, DateTime::now())
        .with_table_name(NEW_RECORD_TABLE);
    add(&mut builder).map_err(query_error)?;
    let mut compiled = builder.finish().map_err(query_error)?;
    // Each CTE column is CAST to its field's column type so it compares with the affinity the
    // stored column has. JSON columns are bound as they are: a CAST to a numeric type would
    // turn JSON text into a number, and they are only read through json functions anyway.
    let mut columns = Vec::with_capacity(scope.collection.fields.len());
    let values = column_values(scope.collection, record);
    for (field, value) in scope.collection.fields.iter().zip(values) {
        let placeholder = compiled.push_param(value);
        let name = quote_ident(&field.name);
        match field.column_definition().split(' ').next().unwrap_or_default() {
            column_type @ ("TEXT" | "NUMERIC" | "BOOLEAN") => {
                columns.push(format!("CAST({placeholder} AS {column_type}) AS {name}"));
            }
            _ => columns.push(format!("{placeholder} AS {name}")),
        }
    }
    let where_sql = compiled.where_clause();
    let sql = format!(
        "WITH {} AS (SELECT {}) SELECT 1 FROM {}{where_sql} LIMIT 1",
        quote_ident(NEW_RECORD_TABLE),
        columns.join(", "),
        compiled.from_clause(),
    );
    exists(conn, &sql, &compiled.params)
}

fn exists(conn: &Connection, sql: &str, params: &[SqlValue]) -> Result<bool, RecordError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    Ok(rows.next()?.is_some())
}
