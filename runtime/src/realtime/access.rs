//! Whether one subscriber may receive one record event: the collection's list rule (for
//! `collection/*`) or view rule (for `collection/id`) and the subscription's own `filter`,
//! evaluated with the subscriber's auth and options as `@request`. `null` rules admit
//! superusers only, `""` everyone; superusers pass every rule. Expressions are decided here in
//! memory when the evaluator can (no relation hops, no `@collection`); the rest is left to
//! one SQL check against the event's record values. See `../shared/spec/realtime.md` §5.

use crate::model::{Collection, Record};
use crate::records::request::RequestInfo;

/// The outcome of the in-memory part of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Deliver (as far as this check goes).
    Allow,
    /// Do not deliver.
    Deny,
    /// Needs SQL: the rule expression to check against the record.
    Sql(String),
}

/// The access rule check for a subscriber.
pub fn rule(
    rule: Option<&str>,
    request: &RequestInfo,
    _collection: &Collection,
    _record: &Record,
) -> Verdict {
    if request.is_superuser() {
        return Verdict::Allow;
    }
    match rule {
        None => Verdict::Deny,
        Some(rule) if rule.trim().is_empty() => Verdict::Allow,
        Some(rule) => Verdict::Sql(rule.to_owned()),
    }
}

/// The subscription `filter` check: non-superusers may not reach into `@request.*` or
/// `@collection.*` with it (the event is silently dropped).
pub fn filter(
    filter: Option<&str>,
    request: &RequestInfo,
    _collection: &Collection,
    _record: &Record,
) -> Verdict {
    let Some(filter) = filter else { return Verdict::Allow };
    if !request.is_superuser() && (filter.contains("@request.") || filter.contains("@collection."))
    {
        return Verdict::Deny;
    }
    Verdict::Sql(filter.to_owned())
}
