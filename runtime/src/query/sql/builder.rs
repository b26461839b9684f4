//! The compilation state shared by every expression of one query: the collection and request
//! being resolved against, the LEFT JOINs registered so far (shared by alias, so two
//! conditions on `author.*` use the same joined row), the bound parameters, and the joined
//! collections whose list rule a client filter must also satisfy.
//! See `../shared/spec/filters-and-rules.md` §4–§6.

use super::compiled::{Compiled, referenced_params};
use super::context::RequestContext;
use super::error::{QueryError, ResolveError};
use super::expr::compile_list;
use super::param::Param;
use super::resolved::{ident, push_ident};
use crate::model::{Collection, CollectionSet, DateTime};
use crate::query::filter::{ExprList, SortItem, parse_filter, parse_rule};

/// What a compiled expression may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Hidden fields may be read, and auth `email` matches whatever `emailVisibility` says.
    pub allow_hidden_fields: bool,
    /// Joined collections (relations, back-relations, `@collection`) must allow the rows by
    /// their list rule; a `null` list rule is an error.
    pub enforce_list_rules: bool,
}

impl Access {
    /// API rules and superuser filters: everything is readable.
    pub const RULE: Access = Access { allow_hidden_fields: true, enforce_list_rules: false };

    /// A client `filter`/`sort` of a non-superuser.
    pub const CLIENT: Access = Access { allow_hidden_fields: false, enforce_list_rules: true };

    /// The access of a client `filter`/`sort` (superusers read everything).
    pub fn client(is_superuser: bool) -> Self {
        if is_superuser { Access::RULE } else { Access::CLIENT }
    }
}

/// A registered `LEFT JOIN`.
#[derive(Debug, Clone)]
pub(crate) struct Join {
    pub alias: String,
    pub sql: String,
}

#[derive(Debug, Clone)]
struct RuleJoin<'a> {
    collection: &'a Collection,
    alias: String,
}

/// Builds one query: `and_rule`/`and_filter`/`order_by` as often as needed, then `finish`.
///
/// ```ignore
/// let mut builder = QueryBuilder::new(&posts, &collections, &request, DateTime::now());
/// if let Some(rule) = posts.list_rule.as_deref().filter(|r| !r.is_empty()) {
///     builder.and_rule(rule)?;
/// }
/// builder.and_filter_text(filter, Access::client(request.is_superuser()))?;
/// builder.order_by(&parse_sort(sort)?, Access::client(request.is_superuser()))?;
/// let compiled = builder.finish()?; // SELECT [DISTINCT] `posts`.* FROM `posts` ... WHERE ...
/// ```
#[derive(Debug)]
pub struct QueryBuilder<'a> {
    pub(crate) base: &'a Collection,
    pub(crate) all: &'a CollectionSet,
    pub(crate) request: &'a RequestContext,
    pub(crate) now: DateTime,
    /// The name the base rows are selected from (the collection name, or a CTE's name).
    pub(crate) table: String,
    /// The alias the base rows are referred to by.
    pub(crate) base_alias: String,
    pub(crate) access: Access,
    /// Appended to join aliases (unique per nested list-rule compilation).
    pub(crate) suffix: String,
    pub(crate) joins: Vec<Join>,
    rule_joins: Vec<RuleJoin<'a>>,
    pub(crate) params: Vec<Param>,
    conditions: Vec<String>,
    pub(crate) order_by: Vec<String>,
    seq: usize,
}

impl<'a> QueryBuilder<'a> {
    /// A builder for records of `collection` (which need not be in `all` yet), evaluated for
    /// `request` at `now` (the instant the date macros use).
    pub fn new(
        collection: &'a Collection,
        all: &'a CollectionSet,
        request: &'a RequestContext,
        now: DateTime,
    ) -> Self {
        Self {
            base: collection,
            all,
            request,
            now,
            table: collection.name.clone(),
            base_alias: collection.name.clone(),
            access: Access::RULE,
            suffix: String::new(),
            joins: Vec::new(),
            rule_joins: Vec::new(),
            params: Vec::new(),
            conditions: Vec::new(),
            order_by: Vec::new(),
            seq: 0,
        }
    }

    /// Selects the base rows from `name` instead of the collection's table (for a create rule
    /// checked against a one-row CTE holding the would-be record).
    pub fn with_table_name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.table);
        name.clone_into(&mut self.base_alias);
        self
    }

    /// ANDs an API rule (hidden fields allowed, no list-rule checks). An empty rule adds
    /// nothing.
    pub fn and_rule(&mut self, rule: &str) -> Result<(), QueryError> {
        if rule.is_empty() {
            return Ok(());
        }
        let list = parse_rule(rule)?;
        self.and_filter(&list, Access::RULE)
    }

    /// Parses and ANDs a client `filter` parameter. An empty string adds nothing.
    pub fn and_filter_text(&mut self, filter: &str, access: Access) -> Result<(), QueryError> {
        if filter.is_empty() {
            return Ok(());
        }
        let list = parse_filter(filter)?;
        self.and_filter(&list, access)
    }

    /// ANDs a parsed filter or rule under `access`.
    pub fn and_filter(&mut self, filter: &ExprList, access: Access) -> Result<(), QueryError> {
        let saved = std::mem::replace(&mut self.access, access);
        let result = compile_list(self, filter);
        self.access = saved;
        self.conditions.push(result?);
        Ok(())
    }

    /// Appends sort items (spec §7) under `access`.
    pub fn order_by(&mut self, items: &[SortItem], access: Access) -> Result<(), QueryError> {
        let saved = std::mem::replace(&mut self.access, access);
        let result = items.iter().try_for_each(|item| super::sort::compile_sort_item(self, item));
        self.access = saved;
        result
    }

    /// Applies the list rules of the collections client filters joined and returns the SQL.
    pub fn finish(mut self) -> Result<Compiled, QueryError> {
        for rule_join in std::mem::take(&mut self.rule_joins) {
            self.apply_list_rule(&rule_join)?;
        }
        // compat: PocketBase selects `DISTINCT` whenever it joins anything, even a single
        // relation; with `*` including the primary key SQLite then walks the id index, so
        // unsorted results come back in id order rather than insertion order
        // (filters-and-rules.md §5).
        let distinct = !self.joins.is_empty();
        let joins: Vec<String> = self.joins.into_iter().map(|join| join.sql).collect();
        let condition = match self.conditions.len() {
            0 => String::new(),
            1 => self.conditions.pop().unwrap_or_default(),
            _ => {
                let mut sql = String::new();
                for (i, condition) in self.conditions.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(" AND ");
                    }
                    sql.push('(');
                    sql.push_str(condition);
                    sql.push(')');
                }
                sql
            }
        };
        // Operands dropped by the `'' = ''` shortcut leave trailing parameters nothing
        // references; SQLite counts parameters by the highest `?N`, so drop them.
        let used = referenced_params(joins.iter().chain([&condition]).chain(&self.order_by));
        self.params.truncate(used);
        let params = self.params.into_iter().map(Param::into_sql).collect();
        Ok(Compiled {
            table: ident(&self.table),
            joins,
            condition,
            order_by: self.order_by,
            params,
            distinct,
        })
    }

    /// Binds a parameter; returns its 0-based index.
    pub(crate) fn push_param(&mut self, param: Param) -> usize {
        self.params.push(param);
        self.params.len() - 1
    }

    /// A fresh alias `<prefix><n>` for a subquery.
    pub(crate) fn next_alias(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{}", self.seq)
    }

    /// The collection called `name_or_id` (the base collection first, as PocketBase does).
    pub(crate) fn load_collection(&self, name_or_id: &str) -> Option<&'a Collection> {
        if name_or_id == self.base.name || name_or_id == self.base.id {
            return Some(self.base);
        }
        self.all.find(name_or_id).map(|found| &**found)
    }

    /// Registers `LEFT JOIN <table_sql> <alias> [ON <on>]`, replacing an earlier join with the
    /// same alias. Under list-rule enforcement a joined collection must have a list rule, and
    /// that rule is applied to the joined rows at `finish`.
    pub(crate) fn register_join(
        &mut self,
        collection: Option<&'a Collection>,
        table_sql: &str,
        alias: &str,
        on: Option<&str>,
    ) -> Result<(), ResolveError> {
        if self.access.enforce_list_rules {
            if let Some(collection) = collection {
                if collection.list_rule.is_none() {
                    return Err(ResolveError::SuperusersOnly(collection.name.clone()));
                }
                match self.rule_joins.iter_mut().find(|join| join.alias == alias) {
                    Some(existing) => existing.collection = collection,
                    None => {
                        self.rule_joins.push(RuleJoin { collection, alias: alias.to_owned() });
                    }
                }
            }
        }
        let mut sql = String::with_capacity(32 + table_sql.len() + on.map_or(0, str::len));
        sql.push_str("LEFT JOIN ");
        sql.push_str(table_sql);
        sql.push(' ');
        push_ident(&mut sql, alias);
        if let Some(on) = on {
            sql.push_str(" ON ");
            sql.push_str(on);
        }
        match self.joins.iter_mut().find(|join| join.alias == alias) {
            Some(existing) => existing.sql = sql,
            None => self.joins.push(Join { alias: alias.to_owned(), sql }),
        }
        Ok(())
    }

    /// Compiles `id='' || (<listRule>)` against the joined rows of `rule_join` and ANDs it
    /// (spec §6): rows without a joined record pass, joined records must satisfy the rule.
    fn apply_list_rule(&mut self, rule_join: &RuleJoin<'a>) -> Result<(), QueryError> {
        let collection = rule_join.collection;
        let Some(rule) = collection.list_rule.as_deref().filter(|rule| !rule.is_empty()) else {
            return Ok(());
        };
        let wrap = |source: QueryError| QueryError::ListRuleJoin {
            collection: collection.name.clone(),
            source: Box::new(source),
        };
        let list = parse_rule(&format!("id='' || (\n{rule}\n)")).map_err(|e| wrap(e.into()))?;
        self.seq += 1;
        let mut child = QueryBuilder {
            base: collection,
            all: self.all,
            request: self.request,
            now: self.now,
            table: collection.name.clone(),
            base_alias: rule_join.alias.clone(),
            access: Access::RULE,
            suffix: format!("_r{}", self.seq),
            joins: Vec::new(),
            rule_joins: Vec::new(),
            params: std::mem::take(&mut self.params),
            conditions: Vec::new(),
            order_by: Vec::new(),
            seq: self.seq,
        };
        let result = compile_list(&mut child, &list);
        self.params = std::mem::take(&mut child.params);
        self.seq = child.seq;
        self.conditions.push(result.map_err(wrap)?);
        self.joins.append(&mut child.joins);
        Ok(())
    }
}
