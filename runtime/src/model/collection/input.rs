//! Reading a collection sent to the API: PocketBase first decodes the type and name (errors →
//! "Failed to load the collection type data due to invalid formatting."), then the whole body
//! into a collection pre-filled with the defaults of its type (create) or with the stored
//! collection (update): objects merge key by key, lists and scalars replace, `null` clears a
//! rule. Any type mismatch → "Failed to load the submitted data due to invalid formatting."
//! See `../shared/spec/collections-and-fields.md` §5.

use serde_json::{Map, Value};

use super::{AuthOptions, Collection, CollectionType, Secrets};
use crate::model::field::Field;

/// Keys whose `null` means "no rule" (superusers only) rather than "leave as is".
const NULLABLE_KEYS: &[&str] =
    &["listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule"];

/// Why a body could not be read as a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// `type`/`name` (or the body itself) have the wrong JSON type.
    #[error("Failed to load the collection type data due to invalid formatting.")]
    TypeData,
    /// Any other key has the wrong JSON type, or a field has an unknown type.
    #[error("Failed to load the submitted data due to invalid formatting.")]
    SubmittedData,
}

/// A collection read from a request, with what could not be represented.
#[derive(Clone, Debug)]
pub struct CollectionInput {
    /// The collection (type `base` when the sent type is unknown).
    pub collection: Collection,
    /// The sent `type`, if it is not one of base/auth/view.
    pub unknown_type: Option<String>,
}

/// Reads a create request body.
pub fn from_create_body(body: &Value) -> Result<CollectionInput, LoadError> {
    let (type_name, name) = type_and_name(body)?;
    let collection_type =
        type_name.as_deref().map_or(Some(CollectionType::Base), CollectionType::parse);
    let mut base = Collection::new(
        collection_type.unwrap_or(CollectionType::Base),
        name.as_deref().unwrap_or(""),
    );
    base.id = String::new();
    if base.auth.is_none() {
        // The auth keys are decoded whatever the type; start them from the defaults too.
        base.auth = Some(AuthOptions::new());
    }
    let mut merged = stored_json(&base);
    merge(&mut merged, body);
    let mut collection = parse(&merged)?;
    collection.created.clear();
    collection.updated.clear();
    if collection.collection_type != CollectionType::Auth {
        collection.auth = None;
    }
    Ok(CollectionInput {
        collection,
        unknown_type: type_name.filter(|_| collection_type.is_none()),
    })
}

/// Reads an update request body over the stored collection.
pub fn from_update_body(existing: &Collection, body: &Value) -> Result<CollectionInput, LoadError> {
    // compat: an update decodes straight into the stored collection (no type/name stage).
    let type_name = match body.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        _ => None,
    };
    let mut merged = stored_json(existing);
    let zero = existing.auth.is_none();
    if zero {
        if let Value::Object(map) = &mut merged {
            if let Value::Object(options) = AuthOptions::zero().to_json(Secrets::Include) {
                map.extend(options);
            }
        }
    }
    merge(&mut merged, body);
    let mut collection =
        if zero { parse_with(&merged, AuthOptions::from_json_exact)? } else { parse(&merged)? };
    let unknown_type = type_name.filter(|t| CollectionType::parse(t).is_none());
    if collection.collection_type != CollectionType::Auth {
        collection.auth = None;
    }
    Ok(CollectionInput { collection, unknown_type })
}

fn type_and_name(body: &Value) -> Result<(Option<String>, Option<String>), LoadError> {
    let object = body.as_object().ok_or(LoadError::TypeData)?;
    let text = |key: &str| match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(LoadError::TypeData),
    };
    Ok((text("type")?, text("name")?))
}

fn stored_json(collection: &Collection) -> Value {
    let mut value = collection.to_json(Secrets::Include);
    if let (Value::Object(map), Some(auth)) = (&mut value, &collection.auth) {
        if let Value::Object(options) = auth.to_json(Secrets::Include) {
            map.extend(options);
        }
    }
    value
}

/// Go's `json.Unmarshal` into an existing value, with PocketBase's rule pointers.
fn merge(target: &mut Value, patch: &Value) {
    let (Value::Object(target), Value::Object(patch)) = (target, patch) else { return };
    for (key, value) in patch {
        match (target.get_mut(key), value) {
            (Some(_), Value::Null) if NULLABLE_KEYS.contains(&key.as_str()) => {
                target.insert(key.clone(), Value::Null);
            }
            (_, Value::Null) => {}
            (Some(existing @ Value::Object(_)), Value::Object(_)) => merge_nested(existing, value),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn merge_nested(target: &mut Value, patch: &Value) {
    let (Value::Object(target), Value::Object(patch)) = (target, patch) else { return };
    for (key, value) in patch {
        match (target.get_mut(key), value) {
            (_, Value::Null) => {}
            (Some(existing @ Value::Object(_)), Value::Object(_)) => merge_nested(existing, value),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn parse(value: &Value) -> Result<Collection, LoadError> {
    parse_with(value, AuthOptions::from_json)
}

fn parse_with(
    value: &Value,
    auth_options: fn(&Value) -> Result<AuthOptions, serde_json::Error>,
) -> Result<Collection, LoadError> {
    let object = value.as_object().ok_or(LoadError::SubmittedData)?;
    let fields = match object.get("fields") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(Field::from_json)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| LoadError::SubmittedData)?,
        Some(_) => return Err(LoadError::SubmittedData),
    };
    let indexes = match object.get("indexes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).ok_or(LoadError::SubmittedData))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(LoadError::SubmittedData),
    };
    let type_name = string(object, "type")?;
    let collection_type = CollectionType::parse(&type_name).unwrap_or(CollectionType::Base);
    let auth =
        auth_options(&Value::Object(auth_keys(object))).map_err(|_| LoadError::SubmittedData)?;
    Ok(Collection {
        id: string(object, "id")?,
        name: string(object, "name")?,
        collection_type,
        system: boolean(object, "system")?,
        fields,
        indexes,
        list_rule: rule(object, "listRule")?,
        view_rule: rule(object, "viewRule")?,
        create_rule: rule(object, "createRule")?,
        update_rule: rule(object, "updateRule")?,
        delete_rule: rule(object, "deleteRule")?,
        view_query: string(object, "viewQuery")?,
        auth: Some(auth),
        created: string(object, "created")?,
        updated: string(object, "updated")?,
    })
}

fn auth_keys(object: &Map<String, Value>) -> Map<String, Value> {
    const AUTH_KEYS: &[&str] = &[
        "authRule",
        "manageRule",
        "authAlert",
        "oauth2",
        "passwordAuth",
        "mfa",
        "otp",
        "authToken",
        "passwordResetToken",
        "emailChangeToken",
        "verificationToken",
        "fileToken",
        "verificationTemplate",
        "resetPasswordTemplate",
        "confirmEmailChangeTemplate",
    ];
    AUTH_KEYS.iter().filter_map(|k| object.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect()
}

fn string(object: &Map<String, Value>, key: &str) -> Result<String, LoadError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(LoadError::SubmittedData),
    }
}

fn boolean(object: &Map<String, Value>, key: &str) -> Result<bool, LoadError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(LoadError::SubmittedData),
    }
}

fn rule(object: &Map<String, Value>, key: &str) -> Result<Option<String>, LoadError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(LoadError::SubmittedData),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn create_starts_from_the_type_defaults() {
        let input =
            from_create_body(&json!({"name": "a1", "type": "auth", "otp": {"enabled": true}}))
                .unwrap();
        let auth = input.collection.auth.unwrap();
        assert!(auth.otp.enabled);
        assert_eq!(auth.otp.duration, 180);
        assert!(input.unknown_type.is_none());
    }

    #[test]
    fn load_errors_follow_pocketbase() {
        assert_eq!(from_create_body(&json!({"name": 5})).unwrap_err(), LoadError::TypeData);
        assert_eq!(from_create_body(&json!([1])).unwrap_err(), LoadError::TypeData);
        assert_eq!(
            from_create_body(&json!({"name": "x", "fields": "x"})).unwrap_err(),
            LoadError::SubmittedData
        );
        assert_eq!(
            from_create_body(&json!({"name": "x", "listRule": 5})).unwrap_err(),
            LoadError::SubmittedData
        );
        assert_eq!(
            from_create_body(&json!({"name": "x", "otp": "x"})).unwrap_err(),
            LoadError::SubmittedData
        );
        let weird = from_create_body(&json!({"name": "x", "type": "weird"})).unwrap();
        assert_eq!(weird.unknown_type.as_deref(), Some("weird"));
    }

    #[test]
    fn update_merges_nested_options_and_null_clears_rules() {
        let mut existing = Collection::new(CollectionType::Auth, "users");
        existing.list_rule = Some("id = @request.auth.id".into());
        let input =
            from_update_body(&existing, &json!({"otp": {"enabled": true}, "listRule": null}))
                .unwrap();
        assert!(input.collection.auth.as_ref().unwrap().otp.enabled);
        assert_eq!(input.collection.auth.as_ref().unwrap().otp.length, 8);
        assert_eq!(input.collection.list_rule, None);
        assert_eq!(
            input.collection.auth.unwrap().auth_token.secret,
            existing.auth.unwrap().auth_token.secret
        );
    }
}
