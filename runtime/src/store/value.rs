//! Conversion between SQLite column values and record JSON values, per field type, as
//! PocketBase stores them (booleans as 0/1, multi-values and json as JSON text, ...).
//! See `../shared/spec/collections-and-fields.md` §3 (column per type).

use rusqlite::types::{Value as SqlValue, ValueRef};
use serde_json::{Map, Value};

use crate::model::Field;
use crate::model::field::{FieldOptions, json_number};

/// The JSON value of a stored column of `field`.
pub fn column_to_json(field: &Field, value: ValueRef<'_>) -> Value {
    match &field.options {
        FieldOptions::Number(_) => number_value(value),
        FieldOptions::Bool => Value::Bool(match value {
            ValueRef::Integer(i) => i != 0,
            ValueRef::Real(f) => f != 0.0,
            ValueRef::Text(t) => matches!(t, b"1" | b"true" | b"TRUE" | b"True"),
            ValueRef::Null | ValueRef::Blob(_) => false,
        }),
        FieldOptions::Json(_) => match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::from(i),
            ValueRef::Real(f) => json_number(f),
            ValueRef::Text(t) | ValueRef::Blob(t) => serde_json::from_slice(t)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(t).into_owned())),
        },
        FieldOptions::GeoPoint => {
            let parsed: Option<Value> =
                text_bytes(value).and_then(|t| serde_json::from_slice(t).ok());
            geo_point(parsed.as_ref())
        }
        options if options.is_multiple() => {
            let parsed: Option<Value> =
                text_bytes(value).and_then(|t| serde_json::from_slice(t).ok());
            match parsed {
                Some(Value::Array(items)) => Value::Array(items),
                Some(Value::String(s)) if !s.is_empty() => Value::Array(vec![Value::String(s)]),
                _ => Value::Array(Vec::new()),
            }
        }
        _ => Value::String(match value {
            ValueRef::Null => String::new(),
            ValueRef::Integer(i) => i.to_string(),
            ValueRef::Real(f) => f.to_string(),
            ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
        }),
    }
}

/// The SQLite value to store for the JSON value of `field`.
pub fn json_to_column(field: &Field, value: &Value) -> SqlValue {
    match &field.options {
        FieldOptions::Number(_) => match value {
            Value::Number(n) => n
                .as_i64()
                .map(SqlValue::Integer)
                .unwrap_or_else(|| SqlValue::Real(n.as_f64().unwrap_or_default())),
            _ => SqlValue::Integer(0),
        },
        FieldOptions::Bool => SqlValue::Integer(i64::from(value.as_bool().unwrap_or_default())),
        FieldOptions::Json(_) => match value {
            Value::Null => SqlValue::Null,
            other => SqlValue::Text(other.to_string()),
        },
        FieldOptions::GeoPoint => SqlValue::Text(geo_point(Some(value)).to_string()),
        options if options.is_multiple() => match value {
            Value::Array(_) => SqlValue::Text(value.to_string()),
            _ => SqlValue::Text("[]".to_owned()),
        },
        _ => SqlValue::Text(match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }),
    }
}

fn text_bytes(value: ValueRef<'_>) -> Option<&[u8]> {
    match value {
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(t),
        _ => None,
    }
}

fn number_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => json_number(f),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map_or_else(|| Value::from(0), json_number),
        ValueRef::Null | ValueRef::Blob(_) => Value::from(0),
    }
}

/// A geo point object with numeric `lon` and `lat` (0 when missing or not numbers).
pub fn geo_point(value: Option<&Value>) -> Value {
    let coordinate = |key: &str| {
        value.and_then(|v| v.get(key)).and_then(Value::as_f64).map_or(Value::from(0), json_number)
    };
    let mut map = Map::new();
    map.insert("lon".into(), coordinate("lon"));
    map.insert("lat".into(), coordinate("lat"));
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::field::{NumberOptions, SelectOptions};

    #[test]
    fn numbers_round_trip_without_fraction_noise() {
        let field = Field::new("n", FieldOptions::Number(NumberOptions::default()));
        assert_eq!(column_to_json(&field, ValueRef::Real(5.0)), Value::from(5));
        assert_eq!(column_to_json(&field, ValueRef::Real(5.5)), serde_json::json!(5.5));
        assert_eq!(column_to_json(&field, ValueRef::Null), Value::from(0));
        assert_eq!(json_to_column(&field, &serde_json::json!(2.5)), SqlValue::Real(2.5));
    }

    #[test]
    fn multi_select_reads_json_arrays() {
        let options = SelectOptions { max_select: 3, values: vec!["a".into()] };
        let field = Field::new("s", FieldOptions::Select(options));
        assert_eq!(
            column_to_json(&field, ValueRef::Text(br#"["a","b"]"#)),
            serde_json::json!(["a", "b"])
        );
        assert_eq!(column_to_json(&field, ValueRef::Text(b"garbage")), serde_json::json!([]));
    }

    #[test]
    fn bools_are_stored_as_integers() {
        let field = Field::new("b", FieldOptions::Bool);
        assert_eq!(json_to_column(&field, &Value::Bool(true)), SqlValue::Integer(1));
        assert_eq!(column_to_json(&field, ValueRef::Integer(0)), Value::Bool(false));
    }
}
