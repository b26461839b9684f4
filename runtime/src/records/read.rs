//! Reading records for the API: one record through its view rule, and list pages through the
//! list rule, the client filter and sort, with counts. SQL is assembled here from the compiled
//! fragments of the query language; every value is bound.
//! See `../shared/spec/records.md` (list / search, view).

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::error::RecordError;
use super::rule_sql::SqlCondition;
use crate::model::{Collection, Record};
use crate::query::page::Pagination;
use crate::store::records::from_row;
use crate::store::sql::quote_ident;

/// A list query: conditions (rule and filter), order and page.
#[derive(Debug, Default)]
pub struct ListQuery {
    /// Conditions ANDed together (list rule, client filter).
    pub conditions: Vec<SqlCondition>,
    /// `ORDER BY` items (already SQL), empty for insertion order.
    pub order_by: Vec<String>,
    /// Bound parameters used by `order_by`.
    pub order_params: Vec<SqlValue>,
}

/// One page of records and the total (unless skipped).
pub struct ListPage {
    /// The records of the page.
    pub records: Vec<Record>,
    /// Total matching records, `None` with `skipTotal`.
    pub total: Option<usize>,
}

/// Runs a list query.
pub fn list(
    conn: &Connection,
    collection: &Collection,
    query: &ListQuery,
    page: &Pagination,
) -> Result<ListPage, RecordError> {
    let table = quote_ident(&collection.name);
    let mut joins = String::new();
    let mut wheres: Vec<String> = Vec::new();
    let mut params: Vec<SqlValue> = Vec::new();
    let mut distinct = false;
    for condition in &query.conditions {
        for join in &condition.joins {
            joins.push(' ');
            joins.push_str(join);
        }
        wheres.push(format!("({})", condition.condition));
        params.extend(condition.params.iter().cloned());
        distinct |= condition.distinct;
    }
    let where_sql =
        if wheres.is_empty() { String::new() } else { format!(" WHERE {}", wheres.join(" AND ")) };
    let total = if page.skip_total {
        None
    } else {
        let count_sql = if distinct {
            format!("SELECT COUNT(DISTINCT {table}.`id`) FROM {table}{joins}{where_sql}")
        } else {
            format!("SELECT COUNT(*) FROM {table}{joins}{where_sql}")
        };
        let count: i64 = conn
            .prepare_cached(&count_sql)?
            .query_row(rusqlite::params_from_iter(params.iter()), |row| row.get(0))?;
        Some(usize::try_from(count).unwrap_or(0))
    };
    let group = if distinct { format!(" GROUP BY {table}.`id`") } else { String::new() };
    let order = if query.order_by.is_empty() {
        String::new()
    } else {
        format!(" ORDER BY {}", query.order_by.join(", "))
    };
    let sql =
        format!("SELECT {table}.* FROM {table}{joins}{where_sql}{group}{order} LIMIT ? OFFSET ?");
    let mut all_params = params;
    all_params.extend(query.order_params.iter().cloned());
    all_params.push(SqlValue::Integer(i64::try_from(page.per_page).unwrap_or(i64::MAX)));
    all_params.push(SqlValue::Integer(i64::try_from(page.offset()).unwrap_or(i64::MAX)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(all_params.iter()))?;
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
    Ok(records
        .iter()
        .zip(expanded)
        .map(|(record, expand)| {
            let mut json = super::output::record_json(collection, record, request, false);
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
