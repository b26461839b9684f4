//! [`Record`]: a record's fields as the API shows them (JSON values by field name), with typed
//! getters and setters.
//!
//! An event's record stays JSON text until a handler needs all of it: the typed getters
//! ([`get_str`](Record::get_str), [`get_f64`](Record::get_f64), ...) find their one field in the
//! text, and [`set`](Record::set) keeps what it sets aside; [`get`](Record::get),
//! [`fields`](Record::fields) and the like read the whole record once (with what was set applied).

use std::borrow::Cow;
use std::cell::OnceCell;

use serde_json::{Map, Value};

use crate::scan;

/// A record.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The event's record as JSON text, until `fields` is read.
    raw: Option<&'static str>,
    /// All the fields, once read (from the start for a record made from a map).
    fields: OnceCell<Map<String, Value>>,
    /// The fields [`set`](Record::set) since the record was made, in order, with their values.
    touched: Vec<(String, Value)>,
    /// Made by the SDK from the event (so `touched` is the whole patch).
    from_event: bool,
}

impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.fields() == other.fields()
    }
}

impl Record {
    /// A record from its JSON fields.
    pub fn from_map(fields: Map<String, Value>) -> Self {
        Self { raw: None, fields: OnceCell::from(fields), touched: Vec::new(), from_event: false }
    }

    /// The event's record from its JSON text (an object; `None`: no record): its patch is what
    /// the handler [`set`](Record::set).
    pub(crate) fn of_event(raw: Option<&'static str>) -> Self {
        let fields = if raw.is_some() { OnceCell::new() } else { OnceCell::from(Map::new()) };
        Self { raw, fields, touched: Vec::new(), from_event: true }
    }

    /// Whether this is still the event's record (not one put in its place).
    pub(crate) fn is_from_event(&self) -> bool {
        self.from_event
    }

    /// The fields.
    pub fn fields(&self) -> &Map<String, Value> {
        self.fields.get_or_init(|| {
            let mut fields: Map<String, Value> =
                self.raw.and_then(|raw| serde_json::from_str(raw).ok()).unwrap_or_default();
            for (name, value) in &self.touched {
                fields.insert(name.clone(), value.clone());
            }
            fields
        })
    }

    /// Into the fields.
    pub fn into_map(self) -> Map<String, Value> {
        self.fields();
        self.fields.into_inner().unwrap_or_default()
    }

    fn touched_value(&self, name: &str) -> Option<&Value> {
        self.touched.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// What the getters read: the read fields (which include what was set) once there are any,
    /// else a value set, else the field's JSON in the record's text.
    fn lookup(&self, name: &str) -> Lookup<'_> {
        if let Some(fields) = self.fields.get() {
            return Lookup::Value(fields.get(name));
        }
        if let Some(value) = self.touched_value(name) {
            return Lookup::Value(Some(value));
        }
        Lookup::Raw(self.raw.and_then(|raw| scan::find(raw, name)))
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
        match self.lookup(name) {
            Lookup::Value(value) => value.is_some(),
            Lookup::Raw(raw) => raw.is_some(),
        }
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields().get(name)
    }

    /// A text field (`""` when missing or not text).
    pub fn get_str(&self, name: &str) -> &str {
        match self.lookup(name) {
            Lookup::Value(value) => value.and_then(Value::as_str).unwrap_or_default(),
            Lookup::Raw(raw) => match raw.and_then(scan::string) {
                Some(Cow::Borrowed(text)) => text,
                // Escaped text needs decoding into something that lives as long as `self`.
                Some(Cow::Owned(_)) => {
                    self.fields().get(name).and_then(Value::as_str).unwrap_or_default()
                }
                None => "",
            },
        }
    }

    /// A number field (`0.0` when missing or not a number).
    pub fn get_f64(&self, name: &str) -> f64 {
        match self.lookup(name) {
            Lookup::Value(value) => value.and_then(Value::as_f64),
            Lookup::Raw(raw) => raw.and_then(|raw| raw.parse().ok()),
        }
        .unwrap_or_default()
    }

    /// A bool field (`false` when missing or not a bool).
    pub fn get_bool(&self, name: &str) -> bool {
        match self.lookup(name) {
            Lookup::Value(value) => value.and_then(Value::as_bool).unwrap_or_default(),
            Lookup::Raw(raw) => raw == Some("true"),
        }
    }

    /// Sets a field.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        let value = value.into();
        if let Some(fields) = self.fields.get_mut() {
            fields.insert(name.to_owned(), value.clone());
        }
        match self.touched.iter_mut().find(|(n, _)| n == name) {
            Some((_, old)) => *old = value,
            None => self.touched.push((name.to_owned(), value)),
        }
    }

    /// The fields set since the record was made, with their values (what a `continue` patch
    /// sends when the handler only called [`set`](Record::set)).
    pub(crate) fn touched(&self) -> Map<String, Value> {
        self.touched.iter().cloned().collect()
    }

    /// The fields that differ from `before` (what a `continue` patch sends).
    pub fn changes_since(&self, before: &Record) -> (Map<String, Value>, Vec<String>) {
        let (fields, before) = (self.fields(), before.fields());
        let set = fields
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let unset = before.keys().filter(|k| !fields.contains_key(*k)).cloned().collect();
        (set, unset)
    }
}

/// Where a getter found its field.
enum Lookup<'a> {
    /// A value (set, or from the read fields).
    Value(Option<&'a Value>),
    /// The field's JSON in the record's text.
    Raw(Option<&'static str>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_the_set_and_removed_fields() {
        let before = Record::from_map(serde_json::from_str(r#"{"a":1,"b":"x","c":true}"#).unwrap());
        let mut after = before.clone();
        after.set("b", "y");
        after.fields.get_mut().unwrap().remove("c");
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
        assert_eq!(record.get("b"), Some(&Value::from("w")));
    }

    #[test]
    fn an_event_record_reads_single_fields_from_its_text_and_all_of_them_when_asked() {
        let text =
            r#"{"id":"r1","title":"Caf\u00e9 \"x\"","n":2.5,"ok":true,"tags":["a"],"none":null}"#;
        let mut record = Record::of_event(Some(text));
        assert_eq!(record.id(), "r1");
        assert_eq!(record.get_f64("n"), 2.5);
        assert!(record.get_bool("ok"));
        assert!(record.has("none") && !record.has("missing"));
        assert_eq!(
            (record.get_f64("title"), record.get_bool("n"), record.get_str("n")),
            (0.0, false, "")
        );
        assert!(record.fields.get().is_none(), "typed getters of plain values leave it as text");
        record.set("title", "New");
        record.set("extra", 1);
        assert_eq!(record.get_str("title"), "New", "a set value wins over the text");
        assert!(record.fields.get().is_none());
        assert_eq!(
            Value::Object(record.touched()),
            serde_json::json!({"title": "New", "extra": 1})
        );
        // Reading everything applies what was set; later sets go to both.
        assert_eq!(record.get("tags"), Some(&serde_json::json!(["a"])));
        assert_eq!(record.fields()["title"], "New");
        record.set("n", 3);
        assert_eq!(record.get_f64("n"), 3.0);
        assert_eq!(record.fields().len(), 7);
    }

    #[test]
    fn escaped_text_is_decoded() {
        let record = Record::of_event(Some(r#"{"title":"Caf\u00e9 \"x\""}"#));
        assert_eq!(record.get_str("title"), "Café \"x\"");
    }

    #[test]
    fn no_record_is_an_empty_one() {
        let record = Record::of_event(None);
        assert!(record.fields().is_empty());
        assert_eq!(record.get_str("id"), "");
    }
}
