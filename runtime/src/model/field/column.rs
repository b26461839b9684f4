//! How each field type is stored: its SQLite column definition and the zero value an unset
//! field shows in record JSON. See `../shared/spec/collections-and-fields.md` §3 and §6.

use serde_json::{Value, json};

use super::FieldOptions;

/// The column definition PocketBase uses for a field of these options.
pub(super) fn definition(options: &FieldOptions) -> &'static str {
    match options {
        FieldOptions::Text(o) if o.primary_key => {
            "TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL"
        }
        FieldOptions::Number(_) => "NUMERIC DEFAULT 0 NOT NULL",
        FieldOptions::Bool => "BOOLEAN DEFAULT FALSE NOT NULL",
        FieldOptions::Json(_) => "JSON DEFAULT NULL",
        FieldOptions::GeoPoint => r#"JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL"#,
        o if o.is_multiple() => "JSON DEFAULT '[]' NOT NULL",
        _ => "TEXT DEFAULT '' NOT NULL",
    }
}

/// The JSON value of an unset field.
pub(super) fn zero_value(options: &FieldOptions) -> Value {
    match options {
        FieldOptions::Number(_) => json!(0),
        FieldOptions::Bool => json!(false),
        FieldOptions::Json(_) => Value::Null,
        FieldOptions::GeoPoint => json!({"lon": 0, "lat": 0}),
        o if o.is_multiple() => json!([]),
        _ => json!(""),
    }
}
