//! API rules applied to records: `null` = superusers only, `""` = everyone, otherwise a filter
//! expression evaluated with the requester's `@request` data — against a stored record (view,
//! update, delete), against the would-be record (create), or as a condition ANDed into list
//! queries. Superusers bypass every rule. See `../shared/spec/filters-and-rules.md` §8.

use rusqlite::Connection;

use super::error::RecordError;
use super::request::RequestInfo;
use crate::model::{Collection, CollectionSet, Record};

/// What a rule check needs besides the connection.
pub struct RuleScope<'a> {
    /// Every collection (for relation and `@collection` joins).
    pub all: &'a CollectionSet,
    /// The collection the rule belongs to.
    pub collection: &'a Collection,
    /// The requester.
    pub request: &'a RequestInfo,
}

/// Fails with 403 when the rule is `null` and the requester is not a superuser.
pub fn require_rule<'a>(
    rule: Option<&'a str>,
    request: &RequestInfo,
) -> Result<Option<&'a str>, RecordError> {
    if request.is_superuser() {
        return Ok(None);
    }
    match rule {
        None => Err(RecordError::SuperusersOnly),
        Some(rule) if rule.trim().is_empty() => Ok(None),
        Some(rule) => Ok(Some(rule)),
    }
}

/// Whether the rule holds for the stored record `id`.
pub fn allows_stored(
    conn: &Connection,
    scope: &RuleScope<'_>,
    rule: &str,
    id: &str,
) -> Result<bool, RecordError> {
    super::rule_sql::matches_stored(conn, scope, rule, id)
}

/// Whether the rule holds for `record`, which is not stored yet (create rule).
pub fn allows_new(
    conn: &Connection,
    scope: &RuleScope<'_>,
    rule: &str,
    record: &Record,
) -> Result<bool, RecordError> {
    super::rule_sql::matches_new(conn, scope, rule, record)
}
