//! `GET /api/collections`: the list envelope of collections with `page`, `perPage`, `sort`,
//! `skipTotal` and `fields` (sortable/filterable keys: id, created, updated, name, system,
//! type). See `../shared/spec/collections-and-fields.md` §5.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, RequireSuperuser};
use crate::http::response;
use crate::model::Collection;
use crate::model::collection::Secrets;
use crate::query::filter::{SortDirection, SortTarget, parse_sort};
use crate::query::page::Pagination;

/// The handler.
pub async fn list(
    State(app): State<App>,
    _su: RequireSuperuser,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let pagination =
        Pagination::parse(query.get("page"), query.get("perPage"), query.get("skipTotal"))
            .map_err(|_| ApiError::bad_request_default())?;
    let mut items: Vec<Arc<Collection>> = app.collections().all().to_vec();
    if let Some(filter) = query.get("filter").filter(|f| !f.trim().is_empty()) {
        let filter = filter.to_owned();
        let ids = app
            .data()
            .read_with(move |conn| crate::collections::list_filter::matching_ids(conn, &filter))
            .await
            .map_err(|error| {
                tracing::debug!(%error, "collections filter refused");
                ApiError::bad_request_default()
            })?;
        items.retain(|c| ids.contains(&c.id));
    }
    if let Some(sort) = query.get("sort").filter(|s| !s.is_empty()) {
        sort_collections(&mut items, sort)?;
    }
    let total = items.len();
    let page_items: Vec<Value> = items
        .iter()
        .skip(pagination.offset())
        .take(pagination.per_page)
        .map(|c| serde_json::to_value(c.ordered_json(Secrets::Strip)).unwrap_or(Value::Null))
        .collect();
    response::json_list(
        &query,
        pagination.envelope(page_items, (!pagination.skip_total).then_some(total)),
    )
}

fn sort_collections(items: &mut [Arc<Collection>], sort: &str) -> Result<(), ApiError> {
    let keys = parse_sort(sort).map_err(|_| ApiError::bad_request_default())?;
    let mut comparators: Vec<(SortDirection, String)> = Vec::new();
    for key in keys {
        match key.target {
            SortTarget::Field(identifier)
                if matches!(
                    identifier.raw.as_str(),
                    "id" | "created" | "updated" | "name" | "system" | "type"
                ) =>
            {
                comparators.push((key.direction, identifier.raw.clone()));
            }
            SortTarget::RowId => comparators.push((key.direction, "@rowid".to_owned())),
            _ => return Err(ApiError::bad_request_default()),
        }
    }
    let position = |c: &Arc<Collection>, all: &[Arc<Collection>]| {
        all.iter().position(|x| x.id == c.id).unwrap_or(0)
    };
    let original: Vec<Arc<Collection>> = items.to_vec();
    items.sort_by(|a, b| {
        for (direction, key) in &comparators {
            let ordering = match key.as_str() {
                "id" => a.id.cmp(&b.id),
                "created" => a.created.cmp(&b.created),
                "updated" => a.updated.cmp(&b.updated),
                "name" => a.name.cmp(&b.name),
                "system" => a.system.cmp(&b.system),
                "type" => a.collection_type.as_str().cmp(b.collection_type.as_str()),
                _ => position(a, &original).cmp(&position(b, &original)),
            };
            let ordering =
                if *direction == SortDirection::Desc { ordering.reverse() } else { ordering };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    });
    Ok(())
}
