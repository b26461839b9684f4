//! A collection field: the keys every field has (`id`, `name`, `system`, `hidden`,
//! `presentable`, `help`, `required`) plus its type's options, serialized exactly as PocketBase
//! does (alphabetical keys). See `../shared/spec/collections-and-fields.md` §2–3.

mod column;
pub mod go_regex;
pub mod normalize;
mod options;
pub mod pattern;
pub mod validate;
pub mod validate_options;

pub use options::{
    AutodateOptions, DateOptions, DomainOptions, EditorOptions, FileOptions, JsonOptions,
    NumberOptions, PasswordOptions, RelationOptions, SelectOptions, TextOptions,
};
use serde_json::{Map, Value};

/// The type-specific part of a field.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldOptions {
    /// `text`
    Text(TextOptions),
    /// `editor`
    Editor(EditorOptions),
    /// `number`
    Number(NumberOptions),
    /// `bool`
    Bool,
    /// `email`
    Email(DomainOptions),
    /// `url`
    Url(DomainOptions),
    /// `date`
    Date(DateOptions),
    /// `autodate`
    Autodate(AutodateOptions),
    /// `select`
    Select(SelectOptions),
    /// `file`
    File(FileOptions),
    /// `relation`
    Relation(RelationOptions),
    /// `json`
    Json(JsonOptions),
    /// `password`
    Password(PasswordOptions),
    /// `geoPoint`
    GeoPoint,
}

/// Every field type name, in PocketBase's spelling.
pub const FIELD_TYPES: &[&str] = &[
    "text", "editor", "number", "bool", "email", "url", "date", "autodate", "select", "file",
    "relation", "json", "password", "geoPoint",
];

impl FieldOptions {
    /// The type name as it appears in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Text(_) => "text",
            Self::Editor(_) => "editor",
            Self::Number(_) => "number",
            Self::Bool => "bool",
            Self::Email(_) => "email",
            Self::Url(_) => "url",
            Self::Date(_) => "date",
            Self::Autodate(_) => "autodate",
            Self::Select(_) => "select",
            Self::File(_) => "file",
            Self::Relation(_) => "relation",
            Self::Json(_) => "json",
            Self::Password(_) => "password",
            Self::GeoPoint => "geoPoint",
        }
    }

    /// Parses the options of `type_name` from a field object; `None` for an unknown type,
    /// `Some(Err)` when an option has the wrong JSON type.
    pub fn from_json(
        type_name: &str,
        object: &Map<String, Value>,
    ) -> Option<Result<Self, serde_json::Error>> {
        fn parse<T: serde::de::DeserializeOwned>(
            object: &Map<String, Value>,
        ) -> Result<T, serde_json::Error> {
            serde_json::from_value(Value::Object(object.clone()))
        }
        Some(match type_name {
            "text" => parse(object).map(Self::Text),
            "editor" => parse(object).map(Self::Editor),
            "number" => parse(object).map(Self::Number),
            "bool" => Ok(Self::Bool),
            "email" => parse(object).map(Self::Email),
            "url" => parse(object).map(Self::Url),
            "date" => parse(object).map(Self::Date),
            "autodate" => parse(object).map(Self::Autodate),
            "select" => parse(object).map(Self::Select),
            "file" => parse(object).map(Self::File),
            "relation" => parse(object).map(Self::Relation),
            "json" => parse(object).map(Self::Json),
            "password" => parse(object).map(Self::Password),
            "geoPoint" => Ok(Self::GeoPoint),
            _ => return None,
        })
    }

    fn to_json_map(&self) -> Map<String, Value> {
        let value = match self {
            Self::Text(o) => serde_json::to_value(o),
            Self::Editor(o) => serde_json::to_value(o),
            Self::Number(o) => serde_json::to_value(o),
            Self::Email(o) | Self::Url(o) => serde_json::to_value(o),
            Self::Date(o) => serde_json::to_value(o),
            Self::Autodate(o) => serde_json::to_value(o),
            Self::Select(o) => serde_json::to_value(o),
            Self::File(o) => serde_json::to_value(o),
            Self::Relation(o) => serde_json::to_value(o),
            Self::Json(o) => serde_json::to_value(o),
            Self::Password(o) => serde_json::to_value(o),
            Self::Bool | Self::GeoPoint => Ok(Value::Object(Map::new())),
        };
        match value {
            Ok(Value::Object(mut map)) => {
                normalize_numbers(&mut map);
                map
            }
            _ => Map::new(),
        }
    }

    /// Whether a value of this field holds a list (multiple select, relation or file).
    pub fn is_multiple(&self) -> bool {
        match self {
            Self::Select(o) => o.max_select > 1,
            Self::File(o) => o.max_select > 1,
            Self::Relation(o) => o.max_select > 1,
            _ => false,
        }
    }
}

/// Go prints whole float64 values without a fractional part (`0`, not `0.0`).
fn normalize_numbers(map: &mut Map<String, Value>) {
    for value in map.values_mut() {
        if let Some(f) = value.as_f64().filter(|_| value.is_f64()) {
            *value = json_number(f);
        }
    }
}

/// A float as PocketBase prints it: whole values as integers.
pub fn json_number(value: f64) -> Value {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        Value::from(value as i64)
    } else {
        serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

/// One field of a collection.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Stable id (`type` + CRC32 of the name by default).
    pub id: String,
    /// Column name.
    pub name: String,
    /// System fields cannot be removed or renamed.
    pub system: bool,
    /// Hidden from non-superusers.
    pub hidden: bool,
    /// UI hint.
    pub presentable: bool,
    /// Help text (not on autodate).
    pub help: String,
    /// Value required (not on autodate).
    pub required: bool,
    /// Type-specific options.
    pub options: FieldOptions,
}

/// Why a field object could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FieldParseError {
    /// Not a JSON object.
    #[error("field is not an object")]
    NotAnObject,
    /// `type` missing or not one of [`FIELD_TYPES`].
    #[error("missing or unknown field type in {0}")]
    UnknownType(String),
    /// A key has the wrong JSON type.
    #[error("invalid field {name:?}: {source}")]
    Invalid {
        /// The field's name, as far as it could be read.
        name: String,
        /// The decoding error.
        source: serde_json::Error,
    },
}

impl Field {
    /// A field with default common attributes.
    pub fn new(name: &str, options: FieldOptions) -> Self {
        Self {
            id: crate::model::id::field_id(options.type_name(), name),
            name: name.to_owned(),
            system: false,
            hidden: false,
            presentable: false,
            help: String::new(),
            required: false,
            options,
        }
    }

    /// The type name (`text`, `number`, ...).
    pub fn type_name(&self) -> &'static str {
        self.options.type_name()
    }

    /// Builder-style setter for `system`.
    pub fn system(mut self, system: bool) -> Self {
        self.system = system;
        self
    }

    /// Builder-style setter for `hidden`.
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }

    /// Builder-style setter for `required`.
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// Reads a field object as PocketBase's JSON unmarshalling does: unknown keys ignored,
    /// missing keys zero, unknown `type` an error. A missing `id` stays empty (the collection
    /// fills it in).
    pub fn from_json(value: &Value) -> Result<Self, FieldParseError> {
        let object = value.as_object().ok_or(FieldParseError::NotAnObject)?;
        let type_name = object.get("type").and_then(Value::as_str).unwrap_or_default();
        let name = object.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
        let options = FieldOptions::from_json(type_name, object)
            .ok_or_else(|| FieldParseError::UnknownType(value.to_string()))?
            .map_err(|source| FieldParseError::Invalid { name: name.clone(), source })?;
        let invalid = |key: &str| FieldParseError::Invalid {
            name: name.clone(),
            source: serde::de::Error::custom(format!("{key} has the wrong type")),
        };
        let string = |key: &str| match object.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(invalid(key)),
        };
        let boolean = |key: &str| match object.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(invalid(key)),
        };
        Ok(Self {
            id: string("id")?,
            name: string("name")?,
            system: boolean("system")?,
            hidden: boolean("hidden")?,
            presentable: boolean("presentable")?,
            help: string("help")?,
            required: boolean("required")?,
            options,
        })
    }

    /// The field as PocketBase prints it: alphabetical keys, `help`/`required` omitted for
    /// autodate.
    pub fn to_json(&self) -> Value {
        let mut map = self.options.to_json_map();
        map.insert("id".into(), Value::from(self.id.as_str()));
        map.insert("name".into(), Value::from(self.name.as_str()));
        map.insert("type".into(), Value::from(self.type_name()));
        map.insert("system".into(), Value::from(self.system));
        map.insert("hidden".into(), Value::from(self.hidden));
        map.insert("presentable".into(), Value::from(self.presentable));
        if !matches!(self.options, FieldOptions::Autodate(_)) {
            map.insert("help".into(), Value::from(self.help.as_str()));
            map.insert("required".into(), Value::from(self.required));
        }
        Value::Object(map)
    }

    /// The SQLite column definition (after the quoted name), as PocketBase creates it.
    pub fn column_definition(&self) -> &'static str {
        column::definition(&self.options)
    }

    /// The value an unset field has in record JSON.
    pub fn zero_value(&self) -> Value {
        column::zero_value(&self.options)
    }

    /// Whether this is the primary-key text field (`id`).
    pub fn is_primary_key(&self) -> bool {
        matches!(&self.options, FieldOptions::Text(o) if o.primary_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_field_json_matches_pocketbase() {
        let json = r#"{"autogeneratePattern":"","help":"","hidden":false,"id":"text724990059","max":100,"min":3,"name":"title","pattern":"","presentable":false,"primaryKey":false,"required":true,"system":false,"type":"text"}"#;
        let field = Field::from_json(&serde_json::from_str(json).unwrap()).unwrap();
        assert_eq!(field.to_json().to_string(), json);
    }

    #[test]
    fn number_and_autodate_json_match_pocketbase() {
        for json in [
            r#"{"help":"","hidden":false,"id":"number300981383","max":null,"min":0,"name":"views","onlyInt":true,"presentable":false,"required":false,"system":false,"type":"number"}"#,
            r#"{"hidden":false,"id":"autodate3332085495","name":"updated","onCreate":true,"onUpdate":true,"presentable":false,"system":false,"type":"autodate"}"#,
            r#"{"convertURLs":false,"help":"","hidden":false,"id":"editor3685223346","maxSize":0,"name":"body","presentable":false,"required":false,"system":false,"type":"editor"}"#,
            r#"{"help":"","hidden":false,"id":"file2366146245","maxSelect":1,"maxSize":5242880,"mimeTypes":["image/png","image/jpeg"],"name":"cover","presentable":false,"protected":false,"required":false,"system":false,"thumbs":["50x50","0x40"],"type":"file"}"#,
            r#"{"cascadeDelete":false,"collectionId":"_pb_users_auth_","help":"","hidden":false,"id":"relation3182418120","maxSelect":1,"minSelect":0,"name":"author","presentable":false,"required":false,"system":false,"type":"relation"}"#,
            r#"{"help":"","hidden":false,"id":"geoPoint1587448267","name":"location","presentable":false,"required":false,"system":false,"type":"geoPoint"}"#,
        ] {
            let field = Field::from_json(&serde_json::from_str(json).unwrap()).unwrap();
            assert_eq!(field.to_json().to_string(), json);
        }
    }

    #[test]
    fn unknown_type_is_an_error() {
        let value = serde_json::json!({"name": "y", "type": "nosuchtype"});
        assert!(matches!(Field::from_json(&value), Err(FieldParseError::UnknownType(_))));
    }
}
