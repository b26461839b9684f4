//! What PocketBase does with a request no route matched: `GET`/`HEAD` go to the static file
//! handler for `pb_public` (Go `http.FileServer` redirects, SPA fallback to `index.html`, else
//! 404 `File not found.`); any other method gets the generic 404.
//! See `../shared/spec/README.md` (routing).

use std::path::{Component, Path, PathBuf};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, LAST_MODIFIED, LOCATION};
use http::{HeaderValue, Method, StatusCode};

use super::ApiError;
use crate::app::App;

/// The router's fallback.
pub async fn fallback(State(app): State<App>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return ApiError::not_found_default().into_response();
    }
    let path = request.uri().path().to_owned();
    serve(&app, &path)
        .await
        .unwrap_or_else(|| ApiError::not_found("File not found.").into_response())
}

/// A redirect response with PocketBase's status and body.
pub fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

async fn serve(app: &App, path: &str) -> Option<Response> {
    let cleaned = clean_path(path);
    if cleaned != path {
        return Some(redirect(StatusCode::TEMPORARY_REDIRECT, &cleaned));
    }
    let root = &app.config().public_dir;
    let relative: PathBuf =
        path.trim_start_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let target = root.join(&relative);
    if path.ends_with("/index.html") {
        return Some(redirect(StatusCode::MOVED_PERMANENTLY, path.trim_end_matches("index.html")));
    }
    match tokio::fs::metadata(&target).await {
        Ok(meta) if meta.is_dir() => {
            if !path.ends_with('/') {
                return Some(redirect(StatusCode::MOVED_PERMANENTLY, &format!("{path}/")));
            }
            if let Some(response) = file_response(&target.join("index.html")).await {
                return Some(response);
            }
        }
        Ok(_) => {
            if path.ends_with('/') {
                return Some(redirect(StatusCode::MOVED_PERMANENTLY, path.trim_end_matches('/')));
            }
            return file_response(&target).await;
        }
        Err(_) => {}
    }
    if app.config().index_fallback {
        return file_response(&root.join("index.html")).await;
    }
    None
}

async fn file_response(path: &Path) -> Option<Response> {
    let meta = tokio::fs::metadata(path).await.ok().filter(|m| m.is_file())?;
    let bytes = tokio::fs::read(path).await.ok()?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    if let Ok(modified) = meta.modified() {
        let http_date =
            chrono::DateTime::<chrono::Utc>::from(modified).format("%a, %d %b %Y %H:%M:%S GMT");
        if let Ok(value) = HeaderValue::from_str(&http_date.to_string()) {
            headers.insert(LAST_MODIFIED, value);
        }
    }
    Some(response)
}

/// Go's `path.Clean` as `ServeMux` applies it: no `.`/`..` segments, no empty segments, a
/// trailing slash kept.
pub fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut cleaned = format!("/{}", parts.join("/"));
    if path.ends_with('/') && cleaned != "/" {
        cleaned.push('/');
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_paths_like_go() {
        assert_eq!(clean_path("/../../etc/passwd"), "/etc/passwd");
        assert_eq!(clean_path("/a//b/./c/"), "/a/b/c/");
        assert_eq!(clean_path("/"), "/");
        assert_eq!(clean_path("/a.txt"), "/a.txt");
    }
}
