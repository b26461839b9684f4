//! `PATCH /api/settings`: merges the sent keys into the current settings (objects key by key,
//! lists replaced, `null` ignored), validates, saves and answers with the new settings.

use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::{BodyError, FormBody, RawQuery, RequireSuperuser};
use crate::http::response;
use crate::model::Settings;
use crate::model::settings_validation::validate_settings;

const LOAD_ERROR: &str = "An error occurred while loading the submitted data.";

/// The handler.
pub async fn update(
    State(app): State<App>,
    _su: RequireSuperuser,
    query: RawQuery,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| match e {
        BodyError::Malformed => ApiError::bad_request(LOAD_ERROR),
        other => ApiError::from(other),
    })?;
    let mut merged = serde_json::to_value(&*app.settings()).map_err(|e| ApiError::internal(&e))?;
    merge(&mut merged, &Value::Object(body.fields));
    let settings: Settings =
        serde_json::from_value(merged).map_err(|_| ApiError::bad_request(LOAD_ERROR))?;
    if let Err(errors) = validate_settings(&settings) {
        return Err(ApiError::validation(
            "An error occurred while saving the new settings.",
            &errors,
        ));
    }
    app.save_settings(settings).await?;
    response::json(&query, &app.settings().to_api_json())
}

/// PocketBase's settings patch: objects merge key by key, other values replace, and
/// compat: `null` resets a key (at any depth) to its zero value, not to its default (captured:
/// `{"batch":null}` gives `maxRequests: 0`).
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (target, Value::Null) => *target = zeroed(target),
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Go's zero value of a JSON-shaped value: empty strings and lists, 0, false, zeroed objects.
fn zeroed(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), zeroed(v))).collect())
        }
        Value::Array(_) => Value::Array(Vec::new()),
        Value::String(_) => Value::from(""),
        Value::Number(_) => Value::from(0),
        Value::Bool(_) => Value::from(false),
        Value::Null => Value::Null,
    }
}
