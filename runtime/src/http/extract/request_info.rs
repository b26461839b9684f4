//! Builds the `@request` view of an HTTP request (auth, method, query, headers) for record
//! rules. Header names are lower-cased with `-` turned into `_`, as rules address them.

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::Auth;
use crate::app::App;
use crate::records::request::RequestInfo;

/// The request as record rules see it.
pub struct Requester(pub RequestInfo);

impl FromRequestParts<App> for Requester {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Ok(Auth(auth)) = Auth::from_request_parts(parts, app).await;
        let mut info = RequestInfo::new(auth, parts.method.as_str());
        info.query = super::RawQuery::parse(parts.uri.query().unwrap_or_default()).0;
        for (name, value) in &parts.headers {
            let key = name.as_str().to_ascii_lowercase().replace('-', "_");
            if let Ok(value) = value.to_str() {
                info.headers.entry(key).or_insert_with(|| value.to_owned());
            }
        }
        Ok(Self(info))
    }
}
