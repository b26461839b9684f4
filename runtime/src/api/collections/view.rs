//! `GET /api/collections/{collection}`: one collection (secrets stripped).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{RawQuery, RequireSuperuser};
use crate::http::response;
use crate::model::collection::Secrets;

/// The handler.
pub async fn view(
    State(app): State<App>,
    _su: RequireSuperuser,
    Path(name): Path<String>,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let collection = super::find(&app, &name)?;
    response::json(&query, &collection.ordered_json(Secrets::Strip))
}
