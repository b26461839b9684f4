//! The `manageRule` of auth collections: a requester it matches for a record manages that
//! record like a superuser would for its auth fields — sets `verified`, changes `email` and
//! `password` without the old password — and sees its `email` whatever `emailVisibility`
//! says. Hidden fields stay superuser-only. A `null` or empty rule, a guest, or a non-auth
//! collection manage nothing; superusers need no rule. See `../shared/spec/auth.md` §12.

use std::collections::HashSet;

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::error::RecordError;
use super::request::RequestInfo;
use super::rule_sql::{self, ListParts};
use super::rules::RuleScope;
use crate::model::{Collection, CollectionSet, Record};

/// The manage rule that applies to `request` on `collection`, if one can match.
pub fn applicable_rule<'c>(collection: &'c Collection, request: &RequestInfo) -> Option<&'c str> {
    if !collection.is_auth() || request.auth.is_none() || request.is_superuser() {
        return None;
    }
    collection.auth.as_ref()?.manage_rule.as_deref().filter(|rule| !rule.trim().is_empty())
}

/// Whether `request` manages the stored record `id`.
pub fn manages_stored(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    request: &RequestInfo,
    id: &str,
) -> Result<bool, RecordError> {
    let Some(rule) = applicable_rule(collection, request) else { return Ok(false) };
    rule_sql::matches_stored(conn, &RuleScope { all, collection, request }, rule, id)
}

/// Whether `request` manages `record`, which is not stored yet.
pub fn manages_new(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    request: &RequestInfo,
    record: &Record,
) -> Result<bool, RecordError> {
    let Some(rule) = applicable_rule(collection, request) else { return Ok(false) };
    rule_sql::matches_new(conn, &RuleScope { all, collection, request }, rule, record)
}

/// The ids among `records` that `request` manages (one query).
pub fn managed_ids(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    request: &RequestInfo,
    records: &[Record],
) -> Result<HashSet<String>, RecordError> {
    let Some(rule) = applicable_rule(collection, request) else { return Ok(HashSet::new()) };
    if records.is_empty() {
        return Ok(HashSet::new());
    }
    let scope = RuleScope { all, collection, request };
    let parts = ListParts { rule: Some(rule), ..ListParts::default() };
    let mut compiled = rule_sql::compile_list(&scope, &parts)?;
    let marks: Vec<String> =
        records.iter().map(|r| compiled.push_param(SqlValue::Text(r.id().to_owned()))).collect();
    let id_condition = format!("{}.`id` IN ({})", compiled.table, marks.join(", "));
    let condition = if compiled.has_condition() {
        format!("({id_condition}) AND ({})", compiled.condition)
    } else {
        id_condition
    };
    let sql = format!(
        "SELECT DISTINCT {}.`id` FROM {} WHERE {condition}",
        compiled.table,
        compiled.from_clause()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let ids = stmt
        .query_map(rusqlite::params_from_iter(compiled.params.iter()), |row| row.get(0))?
        .collect::<Result<HashSet<String>, _>>()?;
    Ok(ids)
}
