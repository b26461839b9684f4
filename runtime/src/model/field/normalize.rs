//! Input coercion: how a submitted JSON value becomes the value a field stores, per type, as
//! PocketBase casts it (numbers from strings, bools from strings, dates to its datetime form,
//! single values from lists, ...). See `../shared/spec/records.md` (value coercion).

use serde_json::{Map, Value};

use super::{Field, FieldOptions, json_number};
use crate::model::DateTime;

/// The stored form of `input` for `field`.
pub fn normalize(field: &Field, input: &Value) -> Value {
    match &field.options {
        FieldOptions::Number(_) => json_number(to_number(input)),
        FieldOptions::Bool => Value::Bool(to_bool(input)),
        FieldOptions::Date(_) | FieldOptions::Autodate(_) => Value::String(to_date(input)),
        FieldOptions::Json(_) => to_json(input),
        FieldOptions::GeoPoint => geo_point(input),
        options if options.is_multiple() => Value::Array(to_unique_strings(input)),
        FieldOptions::Select(_) | FieldOptions::Relation(_) | FieldOptions::File(_) => {
            to_unique_strings(input).pop().unwrap_or_else(|| Value::String(String::new()))
        }
        _ => Value::String(to_text(input)),
    }
}

/// A scalar as text the way Go's `cast.ToString` prints it (lists and objects become `""`).
pub fn to_text(input: &Value) -> String {
    match input {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => json_number(f).to_string(),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Null | Value::Array(_) | Value::Object(_) => String::new(),
    }
}

/// A number: JSON numbers as is, numeric strings parsed, `true` = 1, anything else 0.
pub fn to_number(input: &Value) -> f64 {
    match input {
        Value::Number(n) => n.as_f64().unwrap_or_default(),
        Value::String(s) => {
            s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).unwrap_or_default()
        }
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// A bool as Go's `strconv.ParseBool` reads strings; non-zero numbers are true.
pub fn to_bool(input: &Value) -> bool {
    match input {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(s.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True"),
        _ => false,
    }
}

/// A datetime in PocketBase's form, or `""` for anything unparsable (numbers included).
pub fn to_date(input: &Value) -> String {
    match input {
        Value::String(s) => DateTime::parse(s).map(|d| d.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A json field value: strings holding JSON that starts like a number, string, list or object
/// (or equal `null`/`true`/`false`) are parsed; other strings stay strings.
pub fn to_json(input: &Value) -> Value {
    let Value::String(text) = input else { return input.clone() };
    let trimmed = text.trim();
    let looks_like_json = matches!(trimmed, "null" | "true" | "false")
        || trimmed.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '"' | '[' | '{'));
    if looks_like_json {
        if let Ok(parsed) = serde_json::from_str::<Value>(trimmed) {
            return parsed;
        }
    }
    input.clone()
}

/// A list of distinct non-empty strings from a scalar or a list, order kept.
pub fn to_unique_strings(input: &Value) -> Vec<Value> {
    let items: Vec<String> = match input {
        Value::Array(items) => items.iter().map(to_text).collect(),
        Value::Null => Vec::new(),
        other => vec![to_text(other)],
    };
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !item.is_empty() && !out.iter().any(|v| v.as_str() == Some(item.as_str())) {
            out.push(Value::String(item));
        }
    }
    out
}

/// A `{"lon","lat"}` object; other shapes become 0,0.
pub fn geo_point(input: &Value) -> Value {
    let coordinate = |key: &str| {
        input
            .get(key)
            .map(to_number)
            .filter(|_| input.is_object())
            .map_or(Value::from(0), json_number)
    };
    let mut map = Map::new();
    map.insert("lon".into(), coordinate("lon"));
    map.insert("lat".into(), coordinate("lat"));
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::field::{NumberOptions, SelectOptions};

    #[test]
    fn coerces_like_pocketbase() {
        let number = Field::new("n", FieldOptions::Number(NumberOptions::default()));
        for (input, want) in [
            (json!("5"), json!(5)),
            (json!("5.5"), json!(5.5)),
            (json!(true), json!(1)),
            (json!("abc"), json!(0)),
            (json!(null), json!(0)),
            (json!("1e3"), json!(1000)),
        ] {
            assert_eq!(normalize(&number, &input), want, "{input}");
        }
        let boolean = Field::new("b", FieldOptions::Bool);
        for (input, want) in
            [("true", true), ("1", true), ("yes", false), ("on", false), ("false", false)]
        {
            assert_eq!(normalize(&boolean, &json!(input)), json!(want), "{input}");
        }
        let single =
            Field::new("s", FieldOptions::Select(SelectOptions { max_select: 1, values: vec![] }));
        assert_eq!(normalize(&single, &json!(["a", "b"])), json!("b"));
        let multi =
            Field::new("m", FieldOptions::Select(SelectOptions { max_select: 3, values: vec![] }));
        assert_eq!(normalize(&multi, &json!(["a", "b", "a", ""])), json!(["a", "b"]));
        assert_eq!(normalize(&multi, &json!("a")), json!(["a"]));
    }

    #[test]
    fn json_strings_are_parsed_only_when_they_look_like_json() {
        assert_eq!(to_json(&json!("[1,2]")), json!([1, 2]));
        assert_eq!(to_json(&json!("null")), Value::Null);
        assert_eq!(to_json(&json!("abc")), json!("abc"));
        assert_eq!(to_json(&json!("12abc")), json!("12abc"));
    }
}
