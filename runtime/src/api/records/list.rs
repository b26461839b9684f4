//! `GET /api/collections/{collection}/records`: a page of records through the list rule (rows
//! it excludes are simply absent), the client `filter` and `sort`, with `page`, `perPage`,
//! `skipTotal` and `fields`. Non-superusers may not use `@request.`/`@collection.` in filter
//! or sort (403). See `../shared/spec/records.md` (list / search).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, Requester};
use crate::http::response;
use crate::query::page::Pagination;
use crate::records::error::RecordError;
use crate::records::expand::ExpandTree;
use crate::records::read::{list as list_records, render};
use crate::records::rule_sql::{self, ListParts};
use crate::records::rules::{RuleScope, require_rule};

/// The handler.
pub async fn list(
    State(app): State<App>,
    Path(name): Path<String>,
    Requester(request): Requester,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let collection = super::collection(&app, &name)?;
    let rule = require_rule(collection.list_rule.as_deref(), &request)
        .map_err(super::record_error)?
        .map(str::to_owned);
    let filter = query.get("filter").filter(|f| !f.is_empty()).map(str::to_owned);
    let sort = query.get("sort").filter(|s| !s.is_empty()).map(str::to_owned);
    if !request.is_superuser() {
        for text in [filter.as_deref(), sort.as_deref()].into_iter().flatten() {
            if text.contains("@request.") {
                return Err(super::record_error(RecordError::FilterForbidden("@request.")));
            }
            if text.contains("@collection.") {
                return Err(super::record_error(RecordError::FilterForbidden("@collection.")));
            }
        }
    }
    let page = Pagination::parse(query.get("page"), query.get("perPage"), query.get("skipTotal"))
        .map_err(|_| ApiError::bad_request_default())?;
    let all = app.collections();
    let expand = query.get("expand").map(ExpandTree::parse);
    let (c, r) = (collection.clone(), request.clone());
    let result = app
        .data()
        .read_with(move |conn| {
            let scope = RuleScope { all: &all, collection: &c, request: &r };
            let parts = ListParts {
                rule: rule.as_deref(),
                filter: filter.as_deref(),
                sort: sort.as_deref(),
            };
            let compiled = rule_sql::compile_list(&scope, &parts)?;
            let result = list_records(conn, &c, &compiled, &page)?;
            let items = render(conn, &all, &c, &result.records, &r, expand.as_ref())?;
            Ok::<_, RecordError>((items, result.total))
        })
        .await
        .map_err(super::record_error)?;
    let (items, total) = result;
    response::json_list(&query, page.envelope(items, total))
}
