//! Request bodies as PocketBase reads them: JSON objects, url-encoded forms and multipart forms
//! (text parts, files, and `@jsonPayload` parts merged over the rest). An empty body is `{}`;
//! any other content type with a body is refused. Size is capped (32 MiB by default).
//! See `../shared/spec/README.md` (request bodies) and `../shared/spec/records.md`.

use axum::extract::{FromRequest, Multipart, Request};
use http::header::CONTENT_TYPE;
use serde_json::{Map, Value};

use crate::app::App;
use crate::http::middleware::body_limit::BodyLimit;

/// Default cap on a request body.
pub const DEFAULT_MAX_BODY: usize = 32 << 20;

pub use crate::files::UploadedFile;

/// How the body was encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    Empty,
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    UrlEncoded,
    /// `multipart/form-data`.
    Multipart,
    /// `application/xml` / `text/xml`: PocketBase binds XML only into fixed form structs by
    /// element name; wasmbase accepts the body and binds nothing.
    Xml,
}

/// A parsed request body.
#[derive(Clone, Debug)]
pub struct FormBody {
    /// Submitted values (form values are strings or lists of strings).
    pub fields: Map<String, Value>,
    /// Uploaded files (multipart only).
    pub files: Vec<UploadedFile>,
    /// The encoding.
    pub kind: BodyKind,
    /// Keys whose values came from text form parts (PocketBase infers their types for
    /// records), not from JSON.
    pub text_keys: Vec<String>,
}

impl FormBody {
    /// The value of `key`, matched exactly or else case-insensitively (Go's JSON binding).
    pub fn get_ci(&self, key: &str) -> Option<&Value> {
        self.fields.get(key).or_else(|| {
            self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
        })
    }

    /// A string form value: absent/null is `""`, a form list takes its first value, other JSON
    /// types are a load error (as binding into a Go `string` fails).
    pub fn string(&self, key: &str) -> Result<String, BodyError> {
        match self.get_ci(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Array(items)) if self.kind != BodyKind::Json => {
                Ok(items.first().and_then(Value::as_str).unwrap_or_default().to_owned())
            }
            Some(_) => Err(BodyError::Malformed),
        }
    }
}

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Over the size limit.
    #[error("request body too large")]
    TooLarge,
    /// Unparsable for its content type (or not a JSON object).
    #[error("malformed request body")]
    Malformed,
    /// A content type PocketBase does not bind.
    #[error("unsupported content type")]
    Unsupported,
}

impl FromRequest<App> for FormBody {
    type Rejection = BodyError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mime = content_type.split(';').next().unwrap_or_default().trim().to_owned();
        let limit = req.extensions().get::<BodyLimit>().map_or(DEFAULT_MAX_BODY, |l| l.0);
        if mime == "multipart/form-data" {
            return read_multipart(req, app, limit).await;
        }
        let bytes =
            axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| BodyError::TooLarge)?;
        parse_simple(&mime, &bytes)
    }
}

fn parse_simple(mime: &str, bytes: &[u8]) -> Result<FormBody, BodyError> {
    let empty =
        |kind| FormBody { fields: Map::new(), files: Vec::new(), kind, text_keys: Vec::new() };
    match mime {
        "application/json" => {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(empty(BodyKind::Json));
            }
            match serde_json::from_slice::<Value>(bytes) {
                Ok(Value::Object(fields)) => Ok(FormBody {
                    fields,
                    files: Vec::new(),
                    kind: BodyKind::Json,
                    text_keys: Vec::new(),
                }),
                _ => Err(BodyError::Malformed),
            }
        }
        "application/x-www-form-urlencoded" => {
            let mut fields = Map::new();
            for (key, value) in url::form_urlencoded::parse(bytes) {
                push_form_value(&mut fields, key.into_owned(), value.into_owned());
            }
            let text_keys = fields.keys().cloned().collect();
            Ok(FormBody { fields, files: Vec::new(), kind: BodyKind::UrlEncoded, text_keys })
        }
        "application/xml" | "text/xml" => {
            let text = String::from_utf8_lossy(bytes);
            let text = text.trim();
            if text.starts_with('<') && text.ends_with('>') {
                Ok(empty(BodyKind::Xml))
            } else {
                Err(BodyError::Malformed)
            }
        }
        _ if bytes.is_empty() => Ok(empty(BodyKind::Empty)),
        _ => Err(BodyError::Unsupported),
    }
}

/// Adds a form value: the first occurrence is a string, repeats make it a list.
fn push_form_value(fields: &mut Map<String, Value>, key: String, value: String) {
    match fields.get_mut(&key) {
        None => {
            fields.insert(key, Value::String(value));
        }
        Some(Value::Array(items)) => items.push(Value::String(value)),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, Value::String(value)]);
        }
    }
}

/// The multipart key whose JSON objects are merged over the other parts.
pub const JSON_PAYLOAD_KEY: &str = "@jsonPayload";

async fn read_multipart(req: Request, app: &App, limit: usize) -> Result<FormBody, BodyError> {
    let req = req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    let mut multipart =
        Multipart::from_request(req, app).await.map_err(|_| BodyError::Malformed)?;
    let mut fields = Map::new();
    let mut payloads = Vec::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(BodyError::TooLarge);
            }
            Err(_) => return Err(BodyError::Malformed),
        };
        let key = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().unwrap_or_default().to_owned();
        let data = field.bytes().await.map_err(|e| {
            if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                BodyError::TooLarge
            } else {
                BodyError::Malformed
            }
        })?;
        match filename {
            Some(filename) => files.push(UploadedFile { key, filename, content_type, data }),
            None if key == JSON_PAYLOAD_KEY => payloads.push(data),
            None => push_form_value(&mut fields, key, String::from_utf8_lossy(&data).into_owned()),
        }
    }
    let mut text_keys: Vec<String> = fields.keys().cloned().collect();
    for payload in payloads {
        match serde_json::from_slice::<Value>(&payload) {
            Ok(Value::Object(object)) => {
                text_keys.retain(|k| !object.contains_key(k));
                fields.extend(object);
            }
            _ => return Err(BodyError::Malformed),
        }
    }
    Ok(FormBody { fields, files, kind: BodyKind::Multipart, text_keys })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_forms_and_empty_bodies() {
        let body = parse_simple("application/json", br#"{"a":1}"#).unwrap();
        assert_eq!(body.fields.get("a"), Some(&Value::from(1)));
        assert_eq!(parse_simple("application/json", b"[]").unwrap_err(), BodyError::Malformed);
        assert_eq!(parse_simple("application/json", b"{").unwrap_err(), BodyError::Malformed);
        assert!(parse_simple("", b"").unwrap().fields.is_empty());
        assert_eq!(parse_simple("text/plain", b"x").unwrap_err(), BodyError::Unsupported);
        let form = parse_simple("application/x-www-form-urlencoded", b"a=1&b=2&b=3").unwrap();
        assert_eq!(form.fields.get("a"), Some(&Value::from("1")));
        assert_eq!(form.fields.get("b"), Some(&serde_json::json!(["2", "3"])));
    }

    #[test]
    fn binds_keys_case_insensitively() {
        let body = parse_simple("application/json", br#"{"Identity":"x","password":5}"#).unwrap();
        assert_eq!(body.string("identity").unwrap(), "x");
        assert_eq!(body.string("password").unwrap_err(), BodyError::Malformed);
        assert_eq!(body.string("missing").unwrap(), "");
    }
}
