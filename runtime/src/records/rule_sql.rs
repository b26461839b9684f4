//! The bridge between record operations and the query language's SQL compiler: rules and
//! client filters become SQL conditions over a collection's table.

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::error::RecordError;
use super::rules::RuleScope;
use crate::model::Record;

/// A compiled condition: joins to add, the condition, its bound parameters, and whether the
/// joins can multiply rows (then results are grouped by id).
#[derive(Clone, Debug, Default)]
pub struct SqlCondition {
    /// `LEFT JOIN ...` clauses.
    pub joins: Vec<String>,
    /// The boolean SQL expression.
    pub condition: String,
    /// Values for its `?` placeholders, in order.
    pub params: Vec<SqlValue>,
    /// Joins may repeat rows.
    pub distinct: bool,
}

/// Whether `rule` holds for the stored record `id`.
pub fn matches_stored(
    _conn: &Connection,
    scope: &RuleScope<'_>,
    rule: &str,
    _id: &str,
) -> Result<bool, RecordError> {
    deny_uncompiled(scope, rule)
}

/// Whether `rule` holds for the not yet stored `record`.
pub fn matches_new(
    _conn: &Connection,
    scope: &RuleScope<'_>,
    rule: &str,
    _record: &Record,
) -> Result<bool, RecordError> {
    deny_uncompiled(scope, rule)
}

/// Whether a client filter (hidden fields refused, joined list rules enforced) holds for
/// `record`'s values (realtime subscription filters).
pub fn filter_matches(
    _conn: &Connection,
    scope: &RuleScope<'_>,
    filter: &str,
    _record: &Record,
) -> Result<bool, RecordError> {
    deny_uncompiled(scope, filter)
}

/// The list rule or a client filter as a condition on the collection's table.
pub fn list_condition(scope: &RuleScope<'_>, rule: &str) -> Result<SqlCondition, RecordError> {
    deny_uncompiled(scope, rule)
        .map(|_| SqlCondition { condition: "0".to_owned(), ..SqlCondition::default() })
}

/// A client filter (`?filter=`) as a condition: hidden fields refused, joined collections'
/// list rules enforced.
pub fn filter_condition(scope: &RuleScope<'_>, filter: &str) -> Result<SqlCondition, RecordError> {
    let _ = (scope, filter);
    Err(RecordError::BadRequest("filters are not compiled yet".to_owned()))
}

/// A compiled client sort: `ORDER BY` items, their parameters, and joins they need (as a
/// condition that is always true).
#[derive(Clone, Debug, Default)]
pub struct SortClause {
    /// `ORDER BY` items.
    pub order_by: Vec<String>,
    /// Parameters of the items.
    pub params: Vec<SqlValue>,
    /// Joins needed by relation paths.
    pub joins: Option<SqlCondition>,
}

/// A client sort (`?sort=`) as `ORDER BY` items.
pub fn sort_clause(scope: &RuleScope<'_>, sort: &str) -> Result<SortClause, RecordError> {
    let _ = (scope, sort);
    Err(RecordError::BadRequest("sorts are not compiled yet".to_owned()))
}

fn deny_uncompiled(scope: &RuleScope<'_>, rule: &str) -> Result<bool, RecordError> {
    tracing::warn!(collection = %scope.collection.name, rule, "rule expressions are not compiled yet; denying");
    Ok(false)
}
