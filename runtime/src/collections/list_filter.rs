//! Filtering the collections list (`GET /api/collections?filter=`) over the keys PocketBase
//! allows there: id, created, updated, name, system, type.

use std::sync::Arc;

use crate::model::Collection;
use crate::query::filter::parse_filter;

/// Why a filter was refused.
#[derive(Debug, thiserror::Error)]
#[error("invalid collections filter")]
pub struct ListFilterError;

/// The collections matching `filter`.
pub fn apply(
    items: &[Arc<Collection>],
    filter: &str,
) -> Result<Vec<Arc<Collection>>, ListFilterError> {
    let _parsed = parse_filter(filter).map_err(|_| ListFilterError)?;
    // TODO(#4): evaluate with the filter compiler over `_collections` once it lands.
    let _ = items;
    Err(ListFilterError)
}
