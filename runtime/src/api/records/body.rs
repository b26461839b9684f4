//! A record write's body: JSON as sent, form values (url-encoded and multipart text parts)
//! typed by PocketBase's inference, `@jsonPayload` merged over them. Errors: malformed →
//! generic 400, unsupported content type → `Unsupported Content-Type.`, too large → 413.

use serde_json::{Map, Value};

use crate::http::ApiError;
use crate::http::extract::body::BodyKind;
use crate::http::extract::{BodyError, FormBody};
use crate::records::input::infer_form_value;

/// The data of a record write.
pub fn record_data(
    body: Result<FormBody, BodyError>,
) -> Result<(Map<String, Value>, FormBody), ApiError> {
    let mut body = body.map_err(ApiError::from)?;
    if body.kind == BodyKind::Xml {
        return Err(ApiError::bad_request_default());
    }
    let mut data = std::mem::take(&mut body.fields);
    for key in &body.text_keys {
        if let Some(value) = data.get_mut(key) {
            *value = match value.take() {
                Value::String(text) => infer_form_value(&text),
                Value::Array(items) => Value::Array(
                    items
                        .into_iter()
                        .map(|v| v.as_str().map_or(v.clone(), infer_form_value))
                        .collect(),
                ),
                other => other,
            };
        }
    }
    Ok((data, body))
}
