//! Validation of a field's own definition (name, options) when a collection is saved, with
//! PocketBase's codes, messages and params. Checks that span fields (duplicates, composite
//! primary keys) and collections (relation targets) are in `collection/validate.rs`.
//! See `../shared/spec/collections-and-fields.md` §2–3.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::go_regex::regex_error;
use super::{Field, FieldOptions, json_number};
use crate::model::{FieldError, ValidationErrors};

static NAME: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^[0-9A-Za-z_]+$").ok());
static THUMB: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^(\d+)x(\d+)(t|b|f)?$").ok());

/// Names no field may have.
const RESERVED: &[&str] =
    &["null", "true", "false", "_rowid_", "collectionId", "collectionName", "expand"];
/// Extra names auth collections reserve.
const AUTH_RESERVED: &[&str] = &["passwordConfirm", "oldPassword"];

/// Field errors of one field definition, keyed by option name.
pub fn validate_field_options(field: &Field, is_auth: bool) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if let Some(error) = name_error(&field.name, is_auth) {
        errors.add("name", error);
    }
    if field.help.chars().count() > 300 {
        errors.add("help", length_max(300));
    }
    match &field.options {
        FieldOptions::Text(o) => {
            non_negative(&mut errors, "min", o.min);
            if o.max > 0 && o.max < o.min {
                errors.add("max", min_threshold(o.min));
            }
            regex_option(&mut errors, "pattern", &o.pattern);
            regex_option(&mut errors, "autogeneratePattern", &o.autogenerate_pattern);
            if o.primary_key {
                if field.name != "id" {
                    errors.add(
                        "name",
                        FieldError::new(
                            "validation_in_invalid",
                            "The primary key must be named \"id\".",
                        ),
                    );
                }
                if o.pattern.is_empty() {
                    errors.add("pattern", FieldError::required());
                }
                if !field.required {
                    errors.add("required", FieldError::required());
                }
            }
        }
        FieldOptions::Editor(o) => non_negative(&mut errors, "maxSize", o.max_size),
        FieldOptions::Number(o) => {
            if let (Some(min), Some(max)) = (o.min, o.max) {
                if max < min {
                    errors.add(
                        "max",
                        FieldError::with_param(
                            "validation_min_number_constraint",
                            format!("Must be greater or equal than {}.", json_number(min)),
                            "min",
                            json_number(min),
                        ),
                    );
                }
            }
        }
        FieldOptions::Email(o) | FieldOptions::Url(o) => {
            if !o.only_domains.is_empty() && !o.except_domains.is_empty() {
                errors.add("exceptDomains", FieldError::new("validation_empty", "Must be blank."));
                errors.add("onlyDomains", FieldError::new("validation_empty", "Must be blank."));
            }
        }
        FieldOptions::Autodate(o) => {
            if !o.on_create && !o.on_update {
                let error = FieldError::new(
                    "validation_required",
                    "Either onCreate or onUpdate must be enabled.",
                );
                errors.add("onCreate", error.clone());
                errors.add("onUpdate", error);
            }
        }
        FieldOptions::Select(o) => {
            if o.values.is_empty() {
                errors.add("values", FieldError::required());
            }
            non_negative(&mut errors, "maxSelect", o.max_select);
            let count = i64::try_from(o.values.len()).unwrap_or(i64::MAX);
            if !o.values.is_empty() && o.max_select > count {
                errors.add("maxSelect", max_threshold(count));
            }
        }
        FieldOptions::File(o) => {
            non_negative(&mut errors, "maxSelect", o.max_select);
            non_negative(&mut errors, "maxSize", o.max_size);
            let mut thumbs = ValidationErrors::new();
            for (i, thumb) in o.thumbs.iter().enumerate() {
                let valid = THUMB.as_ref().is_some_and(|re| re.is_match(thumb));
                if !valid {
                    thumbs.add(
                        i.to_string(),
                        FieldError::new("validation_match_invalid", "Must be in a valid format."),
                    );
                } else if thumb.starts_with("0x0") {
                    thumbs.add(
                        i.to_string(),
                        FieldError::new("validation_not_in_invalid", "Must not be in list."),
                    );
                }
            }
            errors.add_nested("thumbs", thumbs);
        }
        FieldOptions::Relation(o) => {
            if o.collection_id.is_empty() {
                errors.add("collectionId", FieldError::required());
            }
            non_negative(&mut errors, "minSelect", o.min_select);
            if o.max_select > 0 && o.max_select < o.min_select {
                errors.add("maxSelect", min_threshold(o.min_select));
            }
        }
        FieldOptions::Json(o) => non_negative(&mut errors, "maxSize", o.max_size),
        FieldOptions::Password(o) => {
            non_negative(&mut errors, "min", o.min);
            if o.min > 71 {
                errors.add("min", max_threshold(71));
            }
            if o.max > 71 {
                errors.add("max", max_threshold(71));
            } else if o.max > 0 && o.max < o.min {
                errors.add("max", min_threshold(o.min));
            }
            if o.cost > 31 {
                errors.add("cost", max_threshold(31));
            } else if o.cost != 0 && o.cost < 4 {
                errors.add("cost", min_threshold(4));
            }
            regex_option(&mut errors, "pattern", &o.pattern);
        }
        FieldOptions::Bool | FieldOptions::Date(_) | FieldOptions::GeoPoint => {}
    }
    errors
}

/// The problem with a field name, if any.
pub fn name_error(name: &str, is_auth: bool) -> Option<FieldError> {
    if name.is_empty() {
        return Some(FieldError::required());
    }
    if name.chars().count() > 100 {
        return Some(FieldError {
            code: "validation_length_out_of_range".to_owned(),
            message: "The length must be between 1 and 100.".to_owned(),
            params: json!({"max": 100, "min": 1}).as_object().cloned(),
        });
    }
    if !NAME.as_ref().is_some_and(|re| re.is_match(name)) {
        return Some(FieldError::new("validation_match_invalid", "Must be in a valid format."));
    }
    let reserved = RESERVED.contains(&name) || (is_auth && AUTH_RESERVED.contains(&name));
    if reserved {
        return Some(FieldError::new("validation_not_in_invalid", "Must not be in list."));
    }
    name.contains("_via_")
        .then(|| FieldError::new("validation_found_via", "The value cannot contain \"_via_\"."))
}

fn regex_option(errors: &mut ValidationErrors, key: &str, pattern: &str) {
    if pattern.is_empty() {
        return;
    }
    if let Some(message) = regex_error(pattern) {
        errors.add(key, FieldError::new("validation_invalid_regex", message));
    }
}

fn non_negative(errors: &mut ValidationErrors, key: &str, value: i64) {
    if value < 0 {
        errors.add(key, min_threshold(0));
    }
}

/// `validation_min_greater_equal_than_required` / `Must be no less than N.`
pub fn min_threshold(threshold: i64) -> FieldError {
    FieldError::with_param(
        "validation_min_greater_equal_than_required",
        format!("Must be no less than {threshold}."),
        "threshold",
        Value::from(threshold),
    )
}

/// `validation_max_less_equal_than_required` / `Must be no greater than N.`
pub fn max_threshold(threshold: i64) -> FieldError {
    FieldError::with_param(
        "validation_max_less_equal_than_required",
        format!("Must be no greater than {threshold}."),
        "threshold",
        Value::from(threshold),
    )
}

fn length_max(max: usize) -> FieldError {
    FieldError::with_param(
        "validation_length_too_long",
        format!("The length must be no more than {max}."),
        "max",
        Value::from(max),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::field::{NumberOptions, SelectOptions, TextOptions};

    fn codes(field: &Field) -> Value {
        validate_field_options(field, false).to_json()
    }

    #[test]
    fn reports_pocketbase_codes() {
        let text = Field::new(
            "t",
            FieldOptions::Text(TextOptions {
                min: 5,
                max: 2,
                pattern: "(".into(),
                ..Default::default()
            }),
        );
        let json = codes(&text);
        assert_eq!(json["max"]["code"], "validation_min_greater_equal_than_required");
        assert_eq!(json["max"]["params"]["threshold"], 5);
        assert_eq!(json["pattern"]["message"], "Error parsing regexp: missing closing ): `(`.");
        let number = Field::new(
            "n",
            FieldOptions::Number(NumberOptions { min: Some(5.0), max: Some(2.0), only_int: false }),
        );
        assert_eq!(codes(&number)["max"]["message"], "Must be greater or equal than 5.");
        let select = Field::new(
            "s",
            FieldOptions::Select(SelectOptions {
                max_select: 5,
                values: vec!["a".into(), "a".into()],
            }),
        );
        assert_eq!(codes(&select)["maxSelect"]["params"]["threshold"], 2);
    }

    #[test]
    fn checks_names() {
        assert_eq!(name_error("expand", false).unwrap().code, "validation_not_in_invalid");
        assert_eq!(name_error("a_via_b", false).unwrap().code, "validation_found_via");
        assert_eq!(name_error("bad name", false).unwrap().code, "validation_match_invalid");
        assert_eq!(name_error("oldPassword", true).unwrap().code, "validation_not_in_invalid");
        assert!(name_error("oldPassword", false).is_none());
        assert!(name_error("título", false).is_some());
    }
}
