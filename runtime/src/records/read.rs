//! Reading records for the API: one record through its view rule, and list pages through the
//! list rule, the client filter and sort, with counts. SQL is assembled here from the compiled
//! fragments of the query language; every value is bound.
//! See `../shared/spec/records.md` (list / search, view).

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::error::RecordError;
use crate::model::{Collection, Record};
use crate::query::page::Pagination;
use crate::query::sql::Compiled;
use crate::store::records::from_row;

/// One page of records and the total (unless skipped).
pub struct ListPage {
    /// The records of the page.
    pub records: Vec<Record>,
    /// Total matching records, `None` with `skipTotal`.
    pub total: Option<usize>,
}

/// Runs a compiled list query (rule, filter and sort) for one page.
pub fn list(
    conn: &Connection,
    collection: &Collection,
    compiled: &Compiled,
    page: &Pagination,
) -> Result<ListPage, RecordError> {
    let view = collection.collection_type == crate::model::CollectionType::View;
    let total = if page.skip_total {
        None
    } else {
        // compat: PocketBase counts `_rowid_` of tables and `id` of views (records.md, list).
        let column = if view { "id" } else { "_rowid_" };
        let count =
            crate::store::count_cache::count(conn, &compiled.count_sql(column), &compiled.params)?;
        Some(usize::try_from(count).unwrap_or(0))
    };
    let mut paged = compiled.clone();
    let limit =
        paged.push_param(SqlValue::Integer(i64::try_from(page.per_page).unwrap_or(i64::MAX)));
    let offset =
        paged.push_param(SqlValue::Integer(i64::try_from(page.offset()).unwrap_or(i64::MAX)));
    let sql = if view {
        // Views have no rowid to fetch rows by.
        format!("{} LIMIT {limit} OFFSET {offset}", paged.select_sql())
    } else {
        paged.page_sql(&limit, &offset)
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(paged.params.iter()))?;
    let mut records = Vec::with_capacity(page.per_page.min(64));
    while let Some(row) = rows.next()? {
        records.push(from_row(collection, row)?);
    }
    Ok(ListPage { records, total })
}

/// Records as JSON for `request`, with `expand` resolved when asked for.
pub fn render(
    conn: &Connection,
    all: &crate::model::CollectionSet,
    collection: &Collection,
    records: &[Record],
    request: &super::request::RequestInfo,
    expand: Option<&super::expand::ExpandTree>,
) -> Result<Vec<serde_json::Value>, RecordError> {
    let expanded = match expand.filter(|t| !t.is_empty()) {
        Some(tree) => super::expand::expand(conn, all, collection, records, tree, request)?,
        None => vec![None; records.len()],
    };
    let managed = super::manage::managed_ids(conn, all, collection, request, records)?;
    Ok(records
        .iter()
        .zip(expanded)
        .map(|(record, expand)| {
            let manager = managed.contains(record.id());
            let mut json = super::output::record_json(collection, record, request, manager);
            if let Some(expand) = expand {
                json.insert("expand".into(), serde_json::Value::Object(expand));
            }
            serde_json::Value::Object(json)
        })
        .collect())
}

/// The record `id` if the view rule lets `request` see it (404 otherwise).
pub fn find_visible(
    conn: &Connection,
    scope: &super::rules::RuleScope<'_>,
    rule: Option<&str>,
    id: &str,
) -> Result<Record, RecordError> {
    let record = crate::store::records::find_by_id(conn, scope.collection, id)?
        .ok_or(RecordError::NotFound)?;
    if let Some(rule) = rule {
        if !super::rules::allows_stored(conn, scope, rule, id)? {
            return Err(RecordError::NotFound);
        }
    }
    Ok(record)
}
