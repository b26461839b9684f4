//! Field-level validation errors in PocketBase's shape: `data.<field> = {code, message, params?}`,
//! nested by name or by array index (`fields."2".values`). The HTTP layer wraps them in the
//! envelope; see `../shared/spec/README.md` (error envelope).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

/// One failed validation rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// PocketBase's error code, e.g. `validation_required`.
    pub code: String,
    /// The sentence shown to users, e.g. `Cannot be blank.`.
    pub message: String,
    /// Template parameters (`min`, `max`, ...); omitted from JSON when `None`.
    pub params: Option<Map<String, Value>>,
}

impl FieldError {
    /// An error without params.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.to_owned(), message: message.into(), params: None }
    }

    /// An error with one template parameter.
    pub fn with_param(code: &str, message: impl Into<String>, key: &str, value: Value) -> Self {
        let mut params = Map::new();
        params.insert(key.to_owned(), value);
        Self { code: code.to_owned(), message: message.into(), params: Some(params) }
    }

    /// `validation_required` / `Cannot be blank.`
    pub fn required() -> Self {
        Self::new("validation_required", "Cannot be blank.")
    }

    /// `validation_in_invalid` / `Must be a valid value.`
    pub fn invalid_value() -> Self {
        Self::new("validation_in_invalid", "Must be a valid value.")
    }

    /// `validation_is_email` / `Must be a valid email address.`
    pub fn invalid_email() -> Self {
        Self::new("validation_is_email", "Must be a valid email address.")
    }

    /// `validation_not_unique` / `Value must be unique.`
    pub fn not_unique() -> Self {
        Self::new("validation_not_unique", "Value must be unique.")
    }

    /// `validation_values_mismatch` / `Values don't match.`
    pub fn values_mismatch() -> Self {
        Self::new("validation_values_mismatch", "Values don't match.")
    }

    /// `validation_min_text_constraint` with the `min` param.
    pub fn min_text(min: usize) -> Self {
        Self::with_param(
            "validation_min_text_constraint",
            format!("Must be at least {min} character(s)."),
            "min",
            Value::from(min),
        )
    }

    /// `validation_max_text_constraint` with the `max` param (text fields' wording).
    pub fn max_text(max: usize) -> Self {
        Self::with_param(
            "validation_max_text_constraint",
            format!("Must be no more than {max} character(s)."),
            "max",
            Value::from(max),
        )
    }

    /// `validation_invalid_format` / `Invalid value format.`
    pub fn invalid_format() -> Self {
        Self::new("validation_invalid_format", "Invalid value format.")
    }
}

impl Serialize for FieldError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", &self.code)?;
        map.serialize_entry("message", &self.message)?;
        if let Some(params) = &self.params {
            map.serialize_entry("params", params)?;
        }
        map.end()
    }
}

/// A node of the error tree: a leaf error or a nested set.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ErrorNode {
    /// The field itself failed.
    Leaf(FieldError),
    /// Errors of a nested structure (options object, list element).
    Nested(ValidationErrors),
}

/// A set of field errors keyed by field name (or list index as a string).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(BTreeMap<String, ErrorNode>);

impl ValidationErrors {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set with one error.
    pub fn single(key: impl Into<String>, error: FieldError) -> Self {
        let mut errors = Self::new();
        errors.add(key, error);
        errors
    }

    /// Records an error for `key`; the first error of a key wins, as in PocketBase.
    pub fn add(&mut self, key: impl Into<String>, error: FieldError) {
        self.0.entry(key.into()).or_insert(ErrorNode::Leaf(error));
    }

    /// Records nested errors for `key` (no-op when `nested` is empty); nested errors already
    /// recorded for the key are merged, first error per key winning.
    pub fn add_nested(&mut self, key: impl Into<String>, nested: ValidationErrors) {
        if nested.is_empty() {
            return;
        }
        match self.0.entry(key.into()) {
            std::collections::btree_map::Entry::Vacant(entry) => {
                entry.insert(ErrorNode::Nested(nested));
            }
            std::collections::btree_map::Entry::Occupied(mut entry) => {
                if let ErrorNode::Nested(existing) = entry.get_mut() {
                    existing.extend(nested);
                }
            }
        }
    }

    /// Adds every error of `other` whose key has none yet (nested sets merge).
    pub fn extend(&mut self, other: ValidationErrors) {
        for (key, node) in other.0 {
            match node {
                ErrorNode::Leaf(error) => self.add(key, error),
                ErrorNode::Nested(inner) => self.add_nested(key, inner),
            }
        }
    }

    /// Whether there is no error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `key` has an error.
    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// The error of `key`, if it is a leaf.
    pub fn get(&self, key: &str) -> Option<&FieldError> {
        match self.0.get(key) {
            Some(ErrorNode::Leaf(error)) => Some(error),
            _ => None,
        }
    }

    /// `Ok(())` when empty, else `Err(self)`.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The tree as JSON, for the envelope's `data`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_nested_errors_like_pocketbase() {
        let mut inner = ValidationErrors::new();
        inner.add("values", FieldError::required());
        let mut field_list = ValidationErrors::new();
        field_list.add_nested("2", inner);
        let mut errors = ValidationErrors::new();
        errors.add_nested("fields", field_list);
        errors.add("name", FieldError::min_text(3));
        assert_eq!(
            errors.to_json().to_string(),
            r#"{"fields":{"2":{"values":{"code":"validation_required","message":"Cannot be blank."}}},"name":{"code":"validation_min_text_constraint","message":"Must be at least 3 character(s).","params":{"min":3}}}"#
        );
    }

    #[test]
    fn first_error_of_a_key_wins() {
        let mut errors = ValidationErrors::new();
        errors.add("a", FieldError::required());
        errors.add("a", FieldError::invalid_email());
        assert_eq!(errors.get("a").map(|e| e.code.as_str()), Some("validation_required"));
    }
}
