//! Whether one subscriber may receive one record event: the collection's list rule (for
//! `collection/*`) or view rule (for `collection/id`) and the subscription's own `filter`,
//! evaluated with the subscriber's auth and options as `@request`. `null` rules admit
//! superusers only, `""` everyone; superusers pass every rule. An expression is compiled as
//! for a list query; when it only touches the record's own columns and bound values, the
//! compiled condition is decided in memory against the event's record (`query::sql_eval`),
//! otherwise (relation joins, `@collection`, functions) it is left to one SQL check.
//! One [`Checker`] serves every subscriber of one event, so parsed conditions are shared.
//! See `../shared/spec/realtime.md` §5.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::types::Value as SqlValue;

use crate::model::{Collection, CollectionSet, DateTime, Record};
use crate::query::sql::{Access, QueryBuilder, QueryError};
use crate::query::sql_eval::{self, Affinity, Expr, Row};
use crate::records::manage;
use crate::records::request::RequestInfo;
use crate::records::rule_sql::request_context;
use crate::store::value::json_to_column;

/// The outcome of the in-memory part of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Deliver (as far as this check goes).
    Allow,
    /// Do not deliver.
    Deny,
    /// Needs SQL: the expression to check against the record.
    Sql(String),
}

/// The event's record as stored columns.
struct RecordRow {
    columns: HashMap<String, (SqlValue, Affinity)>,
}

impl RecordRow {
    fn new(collection: &Collection, record: &Record) -> Self {
        let columns = collection
            .fields
            .iter()
            .map(|field| {
                let declared = field.column_definition().split(' ').next().unwrap_or_default();
                let affinity = Affinity::of_declared_type(declared);
                let value = record.get(&field.name).map_or_else(
                    || json_to_column(field, &field.zero_value()),
                    |v| json_to_column(field, v),
                );
                (field.name.clone(), (sql_eval::stored(value, affinity), affinity))
            })
            .collect();
        Self { columns }
    }
}

impl Row for RecordRow {
    fn column(&self, column: &str) -> Option<(SqlValue, Affinity)> {
        self.columns.get(column).cloned()
    }
}

/// Rule and filter checks for the subscribers of one event.
pub struct Checker<'a> {
    all: &'a CollectionSet,
    collection: &'a Collection,
    row: RecordRow,
    now: DateTime,
    parsed: HashMap<String, Option<Arc<Expr>>>,
}

impl<'a> Checker<'a> {
    /// A checker for `record` of `collection`.
    pub fn new(all: &'a CollectionSet, collection: &'a Collection, record: &Record) -> Self {
        Self {
            all,
            collection,
            row: RecordRow::new(collection, record),
            now: DateTime::now(),
            parsed: HashMap::new(),
        }
    }

    /// The access rule check for a subscriber.
    pub fn rule(&mut self, rule: Option<&str>, request: &RequestInfo) -> Verdict {
        if request.is_superuser() {
            return Verdict::Allow;
        }
        match rule {
            None => Verdict::Deny,
            Some(rule) if rule.trim().is_empty() => Verdict::Allow,
            Some(rule) => self.decide(request, rule, |builder| builder.and_rule(rule)),
        }
    }

    /// The subscription `filter` check: non-superusers may not reach into `@request.*` or
    /// `@collection.*` with it (the event is silently dropped).
    pub fn filter(&mut self, filter: Option<&str>, request: &RequestInfo) -> Verdict {
        let Some(filter) = filter else { return Verdict::Allow };
        let superuser = request.is_superuser();
        if !superuser && (filter.contains("@request.") || filter.contains("@collection.")) {
            return Verdict::Deny;
        }
        let access = Access::client(superuser);
        self.decide(request, filter, |builder| builder.and_filter_text(filter, access))
    }

    /// Whether the subscriber manages the record (auth collections' manage rule), which shows
    /// it the record's email.
    pub fn manages(&mut self, request: &RequestInfo) -> Verdict {
        match manage::applicable_rule(self.collection, request) {
            Some(rule) => self.decide(request, rule, |builder| builder.and_rule(rule)),
            None => Verdict::Deny,
        }
    }

    fn decide(
        &mut self,
        request: &RequestInfo,
        text: &str,
        add: impl FnOnce(&mut QueryBuilder<'_>) -> Result<(), QueryError>,
    ) -> Verdict {
        let context = request_context(request);
        let mut builder = QueryBuilder::new(self.collection, self.all, &context, self.now);
        if add(&mut builder).is_err() {
            return Verdict::Deny;
        }
        let Ok(compiled) = builder.finish() else { return Verdict::Deny };
        if !compiled.joins.is_empty() {
            return Verdict::Sql(text.to_owned());
        }
        if compiled.condition.is_empty() {
            return Verdict::Allow;
        }
        let table = &self.collection.name;
        let parsed = self
            .parsed
            .entry(compiled.condition.clone())
            .or_insert_with(|| sql_eval::parse(&compiled.condition, table).ok().map(Arc::new));
        let Some(expr) = parsed.clone() else { return Verdict::Sql(text.to_owned()) };
        match sql_eval::evaluate(&expr, &self.row, &compiled.params) {
            Some(true) => Verdict::Allow,
            Some(false) => Verdict::Deny,
            None => Verdict::Sql(text.to_owned()),
        }
    }
}
