//! Applying a submitted body to a record, as PocketBase loads request data: keys applied
//! shortest first (so `labels` is set before `labels+`), modifiers resolved against the current
//! value (`n+`/`n-` for numbers; `f+`, `+f`, `f-` for selects, relations and files;
//! `t:autogenerate` for text), values coerced per field type, and what a requester may not
//! write dropped silently (unknown keys, autodates, `collectionId`/`collectionName`/`expand`,
//! hidden fields for non-superusers). Auth pseudo-fields (`password`, `passwordConfirm`,
//! `oldPassword`) are handed back separately. See `../shared/spec/records.md` (write modifiers).

use serde_json::{Map, Value};

use crate::model::field::normalize::{normalize, to_number, to_text, to_unique_strings};
use crate::model::field::pattern::random_string_by_regex;
use crate::model::field::{FieldOptions, json_number};
use crate::model::record::PASSWORD;
use crate::model::{Collection, Record};

/// Who is writing, which decides what may be written.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteAccess {
    /// Superusers may write hidden fields.
    pub superuser: bool,
}

/// Auth pseudo-fields found in a body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthInput {
    /// `password`, when sent.
    pub password: Option<String>,
    /// `passwordConfirm`, when sent.
    pub password_confirm: Option<String>,
    /// `oldPassword`, when sent.
    pub old_password: Option<String>,
}

/// What applying a body produced besides the record changes.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// Auth pseudo-fields.
    pub auth: AuthInput,
    /// Field names whose value was submitted (with or without a modifier).
    pub submitted: Vec<String>,
    /// File names removed with `field-` or by replacing a file list (deleted after the save).
    pub removed_files: Vec<String>,
}

/// A body key split into field name and modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    None,
    Append,
    Prepend,
    Remove,
    Autogenerate,
}

fn split_key(key: &str) -> (&str, Modifier) {
    if let Some(name) = key.strip_suffix(":autogenerate") {
        (name, Modifier::Autogenerate)
    } else if let Some(name) = key.strip_suffix('+') {
        (name, Modifier::Append)
    } else if let Some(name) = key.strip_prefix('+') {
        (name, Modifier::Prepend)
    } else if let Some(name) = key.strip_suffix('-') {
        (name, Modifier::Remove)
    } else {
        (key, Modifier::None)
    }
}

/// Applies `data` onto `record`.
pub fn apply(
    collection: &Collection,
    record: &mut Record,
    data: &Map<String, Value>,
    access: WriteAccess,
) -> Applied {
    let mut applied = Applied::default();
    let mut keys: Vec<&String> = data.keys().collect();
    keys.sort_by_key(|k| k.len());
    for key in keys {
        let value = &data[key];
        if collection.is_auth() {
            let text = || Some(to_text(value));
            match key.as_str() {
                "passwordConfirm" => {
                    applied.auth.password_confirm = text();
                    continue;
                }
                "oldPassword" => {
                    applied.auth.old_password = text();
                    continue;
                }
                PASSWORD => {
                    applied.auth.password = text();
                    applied.submitted.push(PASSWORD.to_owned());
                    continue;
                }
                _ => {}
            }
        }
        let (name, modifier) = split_key(key);
        let Some(field) = collection.field(name) else { continue };
        if matches!(field.options, FieldOptions::Autodate(_) | FieldOptions::Password(_)) {
            continue;
        }
        if field.hidden && !access.superuser {
            continue;
        }
        let current = record.get(&field.name).cloned().unwrap_or_else(|| field.zero_value());
        let new_value = match (modifier, &field.options) {
            (Modifier::None, _) => normalize(field, value),
            (Modifier::Append | Modifier::Remove, FieldOptions::Number(_)) => {
                let delta = to_number(value);
                let base = current.as_f64().unwrap_or_default();
                json_number(if modifier == Modifier::Append { base + delta } else { base - delta })
            }
            (_, FieldOptions::Select(_) | FieldOptions::Relation(_) | FieldOptions::File(_)) => {
                let list = modify_list(&current, value, modifier);
                if field.options.is_multiple() {
                    Value::Array(list)
                } else {
                    list.last().cloned().unwrap_or_else(|| Value::from(""))
                }
            }
            (Modifier::Autogenerate, FieldOptions::Text(o))
                if !o.autogenerate_pattern.is_empty() =>
            {
                let generated = random_string_by_regex(&o.autogenerate_pattern).unwrap_or_default();
                Value::from(format!("{}{generated}", to_text(value)))
            }
            _ => continue,
        };
        if matches!(field.options, FieldOptions::File(_)) {
            for old in list_strings(&current) {
                if !list_strings(&new_value).contains(&old) {
                    applied.removed_files.push(old);
                }
            }
        }
        record.set(&field.name, new_value);
        if !applied.submitted.contains(&field.name) {
            applied.submitted.push(field.name.clone());
        }
    }
    applied
}

fn modify_list(current: &Value, value: &Value, modifier: Modifier) -> Vec<Value> {
    let mut list = to_unique_strings(current);
    let given = to_unique_strings(value);
    match modifier {
        Modifier::Append => {
            for item in given {
                if !list.contains(&item) {
                    list.push(item);
                }
            }
        }
        Modifier::Prepend => {
            let mut front: Vec<Value> = given.into_iter().filter(|v| !list.contains(v)).collect();
            front.append(&mut list);
            list = front;
        }
        Modifier::Remove => list.retain(|v| !given.contains(v)),
        Modifier::None | Modifier::Autogenerate => list = given,
    }
    list
}

fn list_strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Value::String(s) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A form value as PocketBase infers it from text: `""` stays text, `true`/`false` become
/// bools, text that round-trips exactly as a number becomes a number, the rest stays text.
pub fn infer_form_value(text: &str) -> Value {
    match text {
        "" => Value::from(""),
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match text.parse::<f64>() {
            Ok(number) if number.is_finite() && format_go_float(number) == text => {
                json_number(number)
            }
            _ => Value::from(text),
        },
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)` for the values that matter here.
fn format_go_float(number: f64) -> String {
    let text = json_number(number).to_string();
    if text.contains('e') || text.contains('E') { format!("{number}") } else { text }
}

/// The submitted keys with their resolved values, for `@request.body`.
pub fn submitted_body(
    record: &Record,
    applied: &Applied,
    data: &Map<String, Value>,
) -> Map<String, Value> {
    let mut body = Map::new();
    for name in &applied.submitted {
        if let Some(value) = record.get(name) {
            body.insert(name.clone(), value.clone());
        }
    }
    for key in ["password", "passwordConfirm", "oldPassword"] {
        if let Some(value) = data.get(key) {
            body.insert(key.to_owned(), value.clone());
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Field;
    use crate::model::collection::CollectionType;
    use crate::model::field::{NumberOptions, SelectOptions, TextOptions};

    fn collection() -> Collection {
        let mut c = Collection::new(CollectionType::Base, "m1");
        c.fields = vec![
            Field::new("n", FieldOptions::Number(NumberOptions::default())),
            Field::new("s", FieldOptions::Select(SelectOptions { max_select: 3, values: vec![] })),
            Field::new(
                "t",
                FieldOptions::Text(TextOptions {
                    autogenerate_pattern: "[a-z]{5}".into(),
                    ..Default::default()
                }),
            ),
            Field::new("h", FieldOptions::Text(TextOptions::default())).hidden(true),
        ];
        c
    }

    #[test]
    fn modifiers_apply_shortest_key_first() {
        let c = collection();
        let mut record = Record::new(&c);
        let data = json!({"n": 5, "n+": 2, "s": ["a"], "s+": ["b"], "+s": "c", "s-": "a"});
        apply(&c, &mut record, data.as_object().unwrap(), WriteAccess::default());
        assert_eq!(record.get("n"), Some(&json!(7)));
        assert_eq!(record.get("s"), Some(&json!(["c", "b"])));
    }

    #[test]
    fn hidden_fields_need_a_superuser_and_autogenerate_prefixes() {
        let c = collection();
        let mut record = Record::new(&c);
        let data = json!({"h": "x", "t:autogenerate": "pre-"});
        apply(&c, &mut record, data.as_object().unwrap(), WriteAccess::default());
        assert_eq!(record.get_str("h"), "");
        assert!(record.get_str("t").starts_with("pre-") && record.get_str("t").len() == 9);
        apply(
            &c,
            &mut record,
            json!({"h": "x"}).as_object().unwrap(),
            WriteAccess { superuser: true },
        );
        assert_eq!(record.get_str("h"), "x");
    }

    #[test]
    fn infers_form_values() {
        assert_eq!(infer_form_value("5"), json!(5));
        assert_eq!(infer_form_value("-1.5"), json!(-1.5));
        assert_eq!(infer_form_value("007"), json!("007"));
        assert_eq!(infer_form_value("1.50"), json!("1.50"));
        assert_eq!(infer_form_value("1e3"), json!("1e3"));
        assert_eq!(infer_form_value("true"), json!(true));
        assert_eq!(infer_form_value(""), json!(""));
    }
}
