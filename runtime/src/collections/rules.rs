//! Checking API rules when a collection is saved: the rule must parse, and every identifier
//! must resolve against the collection's schema (and the other collections). Failures carry
//! PocketBase's raw error text, which the collections API wraps as
//! `Invalid rule. Raw error: ...`. See `../shared/spec/filters-and-rules.md` §8.

use crate::model::{Collection, CollectionSet};
use crate::query::sql::validate_rule;

/// `Ok` when `rule` is usable on `collection`.
pub fn check_rule(collection: &Collection, all: &CollectionSet, rule: &str) -> Result<(), String> {
    validate_rule(collection, all, rule)
}
