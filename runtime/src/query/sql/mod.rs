//! The resolver and SQL compiler of PocketBase's filter language: resolves a parsed filter,
//! API rule or sort list against a collection (fields, relation and back-relation paths, JSON
//! paths, `@collection`, `@request.*`, macros, functions) and compiles it to SQLite SQL whose
//! values are all bound parameters. Also validates rules for saving collections. Pure: no IO.
//! See `../shared/spec/filters-and-rules.md` §2–§8.
//!
//! SQL shapes (the main table is referred to by its own name):
//! - `title = 'x'` → `` `posts`.`title` = ?1 `` (index-friendly); `title = ''` →
//!   `` (`posts`.`title` = '' OR `posts`.`title` IS NULL) ``; `!=` uses `IS NOT`.
//! - `author.name = 'x'` → `` LEFT JOIN `users` `posts_author` ON `posts_author`.`id` =
//!   `posts`.`author` `` + `` `posts_author`.`name` = ?1 ``.
//! - `tags.name = 'x'` (multiple) → joins through `json_each`, `DISTINCT`, and
//!   `((cond) AND (NOT EXISTS (SELECT 1 FROM (<every value>) `__sm1` WHERE NOT (...))))`.

mod back_relation;
mod builder;
mod compiled;
mod context;
mod error;
mod expr;
mod functions;
mod index;
mod json;
pub mod math;
mod operand;
mod param;
mod path;
mod request;
mod resolved;
mod sort;
mod validate;

pub use builder::{Access, QueryBuilder};
pub use compiled::Compiled;
pub use context::{AuthRecord, RequestContext, RequestKind, header_key, normalize_body};
pub use error::{QueryError, ResolveError, Side};
pub use path::MAX_NESTED_RELATIONS;
pub use validate::{parse_error_text, validate_rule};

use crate::model::{Collection, CollectionSet, DateTime};
use crate::query::filter::{ExprList, SortItem};

/// What a one-shot compilation may touch, and when it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileOptions {
    /// Hidden-field and list-rule access.
    pub access: Access,
    /// The instant the date macros (`@now`, `@todayStart`, ...) use.
    pub now: DateTime,
}

/// Compiles one parsed filter or rule for records of `collection`.
pub fn compile_filter(
    collection: &Collection,
    all: &CollectionSet,
    filter: &ExprList,
    request: &RequestContext,
    options: &CompileOptions,
) -> Result<Compiled, QueryError> {
    let mut builder = QueryBuilder::new(collection, all, request, options.now);
    builder.and_filter(filter, options.access)?;
    builder.finish()
}

/// Compiles sort items for records of `collection` (the result has only joins and ORDER BY).
pub fn compile_sort(
    collection: &Collection,
    all: &CollectionSet,
    items: &[SortItem],
    request: &RequestContext,
    options: &CompileOptions,
) -> Result<Compiled, QueryError> {
    let mut builder = QueryBuilder::new(collection, all, request, options.now);
    builder.order_by(items, options.access)?;
    builder.finish()
}

#[cfg(test)]
pub(crate) mod tests;
