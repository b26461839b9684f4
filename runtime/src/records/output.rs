//! A record as a requester sees it: hidden fields only for superusers, `password` and
//! `tokenKey` never, and an auth record's `email` only when `emailVisibility` is on or the
//! requester is the record itself, a superuser or a manager (manageRule).
//! See `../shared/spec/records.md` (record JSON) and `../shared/spec/auth.md` §12.

use serde_json::{Map, Value};

use super::request::RequestInfo;
use crate::model::record::Visibility;
use crate::model::{Collection, Record};

/// What `request` may see of `record`; `manager` = the manageRule matched for it.
pub fn visibility(
    collection: &Collection,
    record: &Record,
    request: &RequestInfo,
    manager: bool,
) -> Visibility {
    if request.is_superuser() {
        return Visibility::SUPERUSER;
    }
    let own = request
        .auth
        .as_ref()
        .is_some_and(|a| a.collection.id == collection.id && a.record.id() == record.id());
    if own || manager { Visibility::OWNER } else { Visibility::PUBLIC }
}

/// The record JSON for `request`.
pub fn record_json(
    collection: &Collection,
    record: &Record,
    request: &RequestInfo,
    manager: bool,
) -> Map<String, Value> {
    record.to_public_json(collection, visibility(collection, record, request, manager))
}
