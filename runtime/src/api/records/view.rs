//! `GET /api/collections/{collection}/records/{id}`: the record if the view rule lets the
//! requester see it (a `null` rule is 403 for non-superusers, a miss 404).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, Requester};
use crate::http::response;
use crate::records::error::RecordError;
use crate::records::expand::ExpandTree;
use crate::records::read::{find_visible, render};
use crate::records::rules::{RuleScope, require_rule};

/// The handler.
pub async fn view(
    State(app): State<App>,
    Path((name, id)): Path<(String, String)>,
    Requester(request): Requester,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let collection = super::collection(&app, &name)?;
    let rule = require_rule(collection.view_rule.as_deref(), &request)
        .map_err(super::record_error)?
        .map(str::to_owned);
    let all = app.collections();
    let expand = query.get("expand").map(ExpandTree::parse);
    let (c, r) = (collection.clone(), request.clone());
    let mut items = app
        .data()
        .read_with(move |conn| {
            let scope = RuleScope { all: &all, collection: &c, request: &r };
            let record = find_visible(conn, &scope, rule.as_deref(), &id)?;
            render(conn, &all, &c, &[record], &r, expand.as_ref())
        })
        .await
        .map_err(|e: RecordError| super::record_error(e))?;
    response::json(&query, &items.pop().unwrap_or_default())
}
