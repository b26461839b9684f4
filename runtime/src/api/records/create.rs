//! `POST /api/collections/{collection}/records`: creates a record (200 with the record).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{BodyError, FormBody, RawQuery, Requester};
use crate::http::response;
use crate::records;

/// The handler.
pub async fn create(
    State(app): State<App>,
    Path(name): Path<String>,
    Requester(request): Requester,
    query: RawQuery,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let collection = super::write_collection(&app, &name)?;
    let (data, form) = super::body::record_data(body)?;
    let record = records::create::create(&app, &collection, &request, &data, &form.files).await;
    let record = match record {
        Ok(record) => record,
        Err(error) => return super::failed(error),
    };
    let json = super::written_json(&app, &collection, record, &request, &query).await?;
    response::json(&query, &json)
}
