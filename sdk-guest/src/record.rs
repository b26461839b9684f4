//! [`Record`]: a record's fields as the API shows them (JSON values by field name), with typed
//! getters and setters.

use serde_json::{Map, Value};

/// A record.
#[derive(Clone, Debug, Default)]
pub struct Record {
    fields: Map<String, Value>,
    /// The fields [`set`](Record::set) since the record was made, in order.
    touched: Vec<String>,
    /// Made by the SDK from the event (so `touched` is the whole patch).
    from_event: bool,
}

impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields
    }
}

impl Record {
    /// A record from its JSON fields.
    pub fn from_map(fields: Map<String, Value>) -> Self {
        Self { fields, touched: Vec::new(), from_event: false }
    }

    /// The event's record: its patch is what the handler [`set`](Record::set).
    pub(crate) fn of_event(fields: Map<String, Value>) -> Self {
        Self { fields, touched: Vec::new(), from_event: true }
    }

    /// Whether this is still the event's record (not one put in its place).
    pub(crate) fn is_from_event(&self) -> bool {
        self.from_event
    }

    /// The fields.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// Into the fields.
    pub fn into_map(self) -> Map<String, Value> {
        self.fields
    }

    /// The id (`""` for a record not created yet).
    pub fn id(&self) -> &str {
        self.get_str("id")
    }

    /// The collection name.
    pub fn collection_name(&self) -> &str {
        self.get_str("collectionName")
    }

    /// Whether the record has field `name`.
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// A text field (`""` when missing or not text).
    pub fn get_str(&self, name: &str) -> &str {
        self.fields.get(name).and_then(Value::as_str).unwrap_or_default()
    }

    /// A number field (`0.0` when missing or not a number).
    pub fn get_f64(&self, name: &str) -> f64 {
        self.fields.get(name).and_then(Value::as_f64).unwrap_or_default()
    }

    /// A bool field (`false` when missing or not a bool).
    pub fn get_bool(&self, name: &str) -> bool {
        self.fields.get(name).and_then(Value::as_bool).unwrap_or_default()
    }

    /// Sets a field.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        if !self.touched.iter().any(|t| t == name) {
            self.touched.push(name.to_owned());
        }
        self.fields.insert(name.to_owned(), value.into());
    }

    /// The fields set since the record was made, with their values (what a `continue` patch
    /// sends when the handler only called [`set`](Record::set)).
    pub(crate) fn touched(&self) -> Map<String, Value> {
        self.touched
            .iter()
            .filter_map(|name| Some((name.clone(), self.fields.get(name)?.clone())))
            .collect()
    }

    /// The fields that differ from `before` (what a `continue` patch sends).
    pub fn changes_since(&self, before: &Record) -> (Map<String, Value>, Vec<String>) {
        let set = self
            .fields
            .iter()
            .filter(|(k, v)| before.fields.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let unset =
            before.fields.keys().filter(|k| !self.fields.contains_key(*k)).cloned().collect();
        (set, unset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_the_set_and_removed_fields() {
        let before = Record::from_map(serde_json::from_str(r#"{"a":1,"b":"x","c":true}"#).unwrap());
        let mut after = before.clone();
        after.set("b", "y");
        after.fields.remove("c");
        let (set, unset) = after.changes_since(&before);
        assert_eq!(Value::Object(set), serde_json::json!({"b": "y"}));
        assert_eq!(unset, ["c"]);
    }

    #[test]
    fn touched_fields_are_the_ones_set_in_order() {
        let mut record = Record::from_map(serde_json::from_str(r#"{"a":1,"b":"x"}"#).unwrap());
        record.set("b", "y");
        record.set("z", 2);
        record.set("b", "w");
        assert_eq!(Value::Object(record.touched()), serde_json::json!({"b": "w", "z": 2}));
        assert_eq!(record.touched, ["b", "z"]);
    }
}
