//! `GET /api/files/{collection}/{recordId}/{filename}`: serves a file of a record. Files of
//! non-protected fields are public; protected ones pass the collection's view rule with the
//! record of `?token=<file token>` as `@request.auth` (`@request.context = "protectedFile"`).
//! Any miss is a 404.
//! `download=1` forces an attachment. Thumbnails are not generated yet: the original is served.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LAST_MODIFIED,
};
use http::{HeaderValue, StatusCode};
use serde_json::Value;

use crate::app::App;
use crate::auth::TokenType;
use crate::http::ApiError;
use crate::http::extract::RawQuery;
use crate::http::middleware::headers::SkipSecurityHeaders;
use crate::model::field::FieldOptions;
use crate::records::request::RequestInfo;
use crate::records::rules::{RuleScope, require_rule};
use crate::records::{read, tokens};
use crate::store;

/// Content types shown inline; everything else is an attachment.
const INLINE: &[&str] = &[
    "image/png",
    "image/jpg",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/x-icon",
    "image/bmp",
    "video/webm",
    "video/mp4",
    "video/3gpp",
    "video/quicktime",
    "video/x-ms-wmv",
    "audio/basic",
    "audio/aiff",
    "audio/mpeg",
    "audio/midi",
    "audio/mp3",
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/x-mpeg",
    "audio/x-m4a",
    "audio/aac",
    "application/pdf",
    "application/x-pdf",
];

/// The handler.
pub async fn download(
    State(app): State<App>,
    Path((collection, record_id, filename)): Path<(String, String, String)>,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let not_found = ApiError::not_found_default;
    let collection = app
        .find_collection(&collection)
        .ok_or_else(|| ApiError::not_found("Missing or invalid collection context."))?;
    let (c, id) = (collection.clone(), record_id.clone());
    let record = app
        .data()
        .read(move |conn| store::records::find_by_id(conn, &c, &id))
        .await?
        .ok_or_else(not_found)?;
    let field = collection
        .fields
        .iter()
        .find(|f| {
            matches!(f.options, FieldOptions::File(_))
                && match record.get(&f.name) {
                    Some(Value::Array(items)) => {
                        items.iter().any(|v| v.as_str() == Some(filename.as_str()))
                    }
                    Some(Value::String(name)) => *name == filename,
                    _ => false,
                }
        })
        .ok_or_else(not_found)?;
    if matches!(&field.options, FieldOptions::File(o) if o.protected) {
        // compat: the token only sets `@request.auth`; a public view rule needs none.
        let auth = match query.get("token").filter(|t| !t.is_empty()) {
            Some(token) => {
                tokens::find_record(&app, token, TokenType::File).await.map(std::sync::Arc::new)
            }
            None => None,
        };
        let mut request = RequestInfo::new(auth, "GET");
        request.context = "protectedFile".to_owned();
        let rule = require_rule(collection.view_rule.as_deref(), &request)
            .map_err(|_| not_found())?
            .map(str::to_owned);
        let all = app.collections();
        let (c, id) = (collection.clone(), record_id.clone());
        app.data()
            .read_with(move |conn| {
                let scope = RuleScope { all: &all, collection: &c, request: &request };
                read::find_visible(conn, &scope, rule.as_deref(), &id)
            })
            .await
            .map_err(|_| not_found())?;
    }
    let (data, stored_type, meta) =
        app.storage().get(&collection.id, &record_id, &filename).await.ok_or_else(not_found)?;
    let content_type = content_type_for(&filename, &stored_type);
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_owned();
    let forced = query
        .get("download")
        .is_some_and(|d| matches!(d, "1" | "t" | "T" | "true" | "TRUE" | "True"));
    let disposition =
        if !forced && INLINE.contains(&essence.as_str()) { "inline" } else { "attachment" };
    let mut response = (StatusCode::OK, data).into_response();
    let headers = response.headers_mut();
    let mut set = |name, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set(CONTENT_TYPE, content_type);
    set(CONTENT_DISPOSITION, format!("{disposition}; filename=\"{filename}\""));
    set(CACHE_CONTROL, "max-age=2592000, stale-while-revalidate=86400".to_owned());
    set(
        CONTENT_SECURITY_POLICY,
        "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox".to_owned(),
    );
    if let Ok(modified) = meta.modified() {
        set(
            LAST_MODIFIED,
            chrono::DateTime::<chrono::Utc>::from(modified)
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
        );
    }
    response.extensions_mut().insert(SkipSecurityHeaders::FrameOptions);
    Ok(response)
}

/// The stored type, overridden by the extension for a few types browsers need exactly.
fn content_type_for(filename: &str, stored: &str) -> String {
    let lower = filename.to_ascii_lowercase();
    let by_extension = [
        (".svg", "image/svg+xml"),
        (".css", "text/css"),
        (".js", "text/javascript"),
        (".mjs", "text/javascript"),
        (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ];
    by_extension
        .iter()
        .find(|(ext, _)| lower.ends_with(ext))
        .map_or_else(|| stored.to_owned(), |(_, mime)| (*mime).to_owned())
}
