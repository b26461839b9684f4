//! Validation of a stored field value against its field's options, with PocketBase's error
//! codes, messages and params. Checks that need the database (relation targets, uniqueness)
//! happen in the write path, not here. See `../shared/spec/collections-and-fields.md` §3.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::{Field, FieldOptions, json_number};
use crate::model::{DateTime, FieldError};

/// Text fields without `max` hold at most this many characters.
pub const DEFAULT_TEXT_MAX: i64 = 5000;
/// Editor fields without `maxSize` hold at most this many bytes.
pub const DEFAULT_EDITOR_MAX_SIZE: i64 = 5 * 1024 * 1024;
/// Json fields without `maxSize` hold at most this many bytes.
pub const DEFAULT_JSON_MAX_SIZE: i64 = 1024 * 1024;
/// Password fields without `max` accept at most this many characters (bcrypt's limit).
pub const DEFAULT_PASSWORD_MAX: i64 = 71;

/// The HTML5 / ozzo-validation email format PocketBase checks.
static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
    )
    .ok()
});

/// Whether `text` is an email address in the format PocketBase accepts.
pub fn is_email(text: &str) -> bool {
    text.len() <= 254 && EMAIL.as_ref().is_some_and(|re| re.is_match(text))
}

/// The first problem with `value` as a value of `field`, if any.
pub fn validate(field: &Field, value: &Value) -> Option<FieldError> {
    match &field.options {
        FieldOptions::Text(o) => {
            let text = value.as_str().unwrap_or_default();
            if text.is_empty() {
                return field.required.then(FieldError::required);
            }
            check_length(text, o.min, if o.max > 0 { o.max } else { DEFAULT_TEXT_MAX })
                .or_else(|| check_pattern(text, &o.pattern, o.pattern_regex.get(&o.pattern)))
        }
        FieldOptions::Editor(o) => {
            let text = value.as_str().unwrap_or_default();
            if text.is_empty() {
                return field.required.then(FieldError::required);
            }
            let max = if o.max_size > 0 { o.max_size } else { DEFAULT_EDITOR_MAX_SIZE };
            (byte_len(text) > max).then(|| size_limit("validation_content_size_limit", max))
        }
        FieldOptions::Number(o) => {
            let number = value.as_f64().unwrap_or_default();
            if !number.is_finite() {
                return Some(FieldError::new(
                    "validation_not_a_number",
                    "The submitted number is not properly formatted.",
                ));
            }
            if number == 0.0 {
                return field.required.then(FieldError::required);
            }
            if o.only_int && number.fract() != 0.0 {
                return Some(FieldError::new(
                    "validation_only_int_constraint",
                    "Decimal numbers are not allowed.",
                ));
            }
            if let Some(min) = o.min.filter(|min| number < *min) {
                return Some(FieldError::with_param(
                    "validation_min_number_constraint",
                    format!("Must be greater or equal than {}.", json_number(min)),
                    "min",
                    json_number(min),
                ));
            }
            o.max.filter(|max| number > *max).map(|max| {
                FieldError::with_param(
                    "validation_max_number_constraint",
                    format!("Must be less or equal than {}.", json_number(max)),
                    "max",
                    json_number(max),
                )
            })
        }
        FieldOptions::Bool => {
            (field.required && value.as_bool() != Some(true)).then(FieldError::required)
        }
        FieldOptions::Email(o) => {
            let text = value.as_str().unwrap_or_default();
            if text.is_empty() {
                return field.required.then(FieldError::required);
            }
            if !is_email(text) {
                return Some(FieldError::invalid_email());
            }
            let domain = text.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
            (!domain_allowed(domain, &o.only_domains, &o.except_domains)).then(|| {
                FieldError::new(
                    "validation_email_domain_not_allowed",
                    "Email domain is not allowed.",
                )
            })
        }
        FieldOptions::Url(o) => {
            let text = value.as_str().unwrap_or_default();
            if text.is_empty() {
                return field.required.then(FieldError::required);
            }
            let Some(host) = url_host(text) else {
                return Some(FieldError::new("validation_invalid_url", "Must be a valid url."));
            };
            (!domain_allowed(&host, &o.only_domains, &o.except_domains)).then(|| {
                FieldError::new("validation_url_domain_not_allowed", "Url domain is not allowed.")
            })
        }
        FieldOptions::Date(o) => {
            let text = value.as_str().unwrap_or_default();
            if text.is_empty() {
                return field.required.then(FieldError::required);
            }
            check_date_range(text, &o.min, &o.max)
        }
        FieldOptions::Autodate(_) => None,
        FieldOptions::Select(o) => {
            let items = as_items(value);
            if items.is_empty() {
                return field.required.then(FieldError::required);
            }
            if let Some(bad) = items.iter().find(|v| !o.values.iter().any(|allowed| allowed == *v))
            {
                return Some(FieldError::with_param(
                    "validation_invalid_value",
                    format!("Invalid value {bad}."),
                    "value",
                    Value::from(*bad),
                ));
            }
            check_max_select(items.len(), o.max_select)
        }
        FieldOptions::File(o) => {
            let items = as_items(value);
            if items.is_empty() {
                return field.required.then(FieldError::required);
            }
            (items.len() as i64 > o.max_select.max(1)).then(|| {
                FieldError::with_param(
                    "validation_too_many_files",
                    format!("The maximum allowed files is {}.", o.max_select.max(1)),
                    "maxSelect",
                    Value::from(o.max_select.max(1)),
                )
            })
        }
        FieldOptions::Relation(o) => {
            let items = as_items(value);
            if items.is_empty() {
                return field.required.then(FieldError::required);
            }
            if (items.len() as i64) < o.min_select {
                return Some(FieldError::with_param(
                    "validation_not_enough_values",
                    format!("Select at least {}.", o.min_select),
                    "minSelect",
                    Value::from(o.min_select),
                ));
            }
            check_max_select(items.len(), o.max_select)
        }
        FieldOptions::Json(o) => {
            let blank = match value {
                Value::Null => true,
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                Value::Object(m) => m.is_empty(),
                _ => false,
            };
            if blank {
                return field.required.then(FieldError::required);
            }
            let max = if o.max_size > 0 { o.max_size } else { DEFAULT_JSON_MAX_SIZE };
            (byte_len(&value.to_string()) > max)
                .then(|| size_limit("validation_json_size_limit", max))
        }
        FieldOptions::Password(_) => None,
        FieldOptions::GeoPoint => {
            let lon = value.get("lon").and_then(Value::as_f64).unwrap_or_default();
            let lat = value.get("lat").and_then(Value::as_f64).unwrap_or_default();
            if lon == 0.0 && lat == 0.0 {
                return field.required.then(FieldError::required);
            }
            if !(-90.0..=90.0).contains(&lat) {
                return Some(FieldError::new(
                    "validation_invalid_latitude",
                    "Latitude must be between -90 and 90 degrees.",
                ));
            }
            (!(-180.0..=180.0).contains(&lon)).then(|| {
                FieldError::new(
                    "validation_invalid_longitude",
                    "Longitude must be between -180 and 180 degrees.",
                )
            })
        }
    }
}

/// Validates a plain (not yet hashed) password against a password field.
pub fn validate_plain_password(field: &Field, plain: &str) -> Option<FieldError> {
    let FieldOptions::Password(o) = &field.options else { return None };
    if plain.is_empty() {
        return field.required.then(FieldError::required);
    }
    let max = if o.max > 0 { o.max } else { DEFAULT_PASSWORD_MAX };
    let chars = plain.chars().count() as i64;
    if chars < o.min {
        // compat: the password min error carries no params (spec auth.md §12).
        return Some(FieldError::new(
            "validation_min_text_constraint",
            format!("Must be at least {} character(s).", o.min),
        ));
    }
    if chars > max {
        return Some(FieldError::new(
            "validation_max_text_constraint",
            format!("Must be less than {max} character(s)."),
        ));
    }
    check_pattern(plain, &o.pattern, o.pattern_regex.get(&o.pattern))
}

fn check_length(text: &str, min: i64, max: i64) -> Option<FieldError> {
    let chars = text.chars().count() as i64;
    if chars < min {
        return Some(FieldError::min_text(usize::try_from(min).unwrap_or_default()));
    }
    (chars > max).then(|| FieldError::max_text(usize::try_from(max).unwrap_or_default()))
}

fn check_pattern(text: &str, pattern: &str, regex: Option<&Regex>) -> Option<FieldError> {
    if pattern.is_empty() {
        return None;
    }
    match regex {
        Some(re) if re.is_match(text) => None,
        _ => Some(FieldError::invalid_format()),
    }
}

fn check_max_select(count: usize, max_select: i64) -> Option<FieldError> {
    let max = max_select.max(1);
    (count as i64 > max).then(|| {
        FieldError::with_param(
            "validation_too_many_values",
            format!("Select no more than {max}."),
            "maxSelect",
            Value::from(max),
        )
    })
}

fn check_date_range(text: &str, min: &str, max: &str) -> Option<FieldError> {
    let value = DateTime::parse(text)?;
    if let Some(min) = DateTime::parse(min).filter(|min| value < *min) {
        return Some(FieldError::with_param(
            "validation_min_greater_equal_than_required",
            format!("Must be no less than {}.", go_time(&min)),
            "threshold",
            Value::from(min.to_rfc3339_seconds()),
        ));
    }
    DateTime::parse(max).filter(|max| value > *max).map(|max| {
        FieldError::with_param(
            "validation_max_less_equal_than_required",
            format!("Must be no greater than {}.", go_time(&max)),
            "threshold",
            Value::from(max.to_rfc3339_seconds()),
        )
    })
}

/// A time as Go's `time.Time.String()` prints a UTC time: `2020-01-01 00:00:00 +0000 UTC`.
fn go_time(dt: &DateTime) -> String {
    dt.as_chrono().format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string()
}

fn size_limit(code: &str, max: i64) -> FieldError {
    FieldError::with_param(
        code,
        format!("The maximum allowed size is {max} bytes."),
        "maxSize",
        Value::from(max),
    )
}

fn byte_len(text: &str) -> i64 {
    i64::try_from(text.len()).unwrap_or(i64::MAX)
}

fn as_items(value: &Value) -> Vec<&str> {
    match value {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        Value::String(s) if !s.is_empty() => vec![s.as_str()],
        _ => Vec::new(),
    }
}

fn domain_allowed(domain: &str, only: &[String], except: &[String]) -> bool {
    if !only.is_empty() {
        return only.iter().any(|d| d == domain);
    }
    !except.iter().any(|d| d == domain)
}

fn url_host(text: &str) -> Option<String> {
    let parsed = url::Url::parse(text).ok()?;
    if !matches!(parsed.scheme(), "http" | "https" | "ftp" | "ftps" | "ws" | "wss") {
        return None;
    }
    let host = parsed.host_str()?;
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::field::{NumberOptions, PasswordOptions, TextOptions};

    #[test]
    fn text_checks_required_length_and_pattern() {
        let field = Field::new(
            "t",
            FieldOptions::Text(TextOptions {
                min: 3,
                max: 5,
                pattern: "^[a-z]+$".into(),
                ..Default::default()
            }),
        )
        .required(true);
        let code = |v: &str| validate(&field, &json!(v)).map(|e| e.code);
        assert_eq!(code("").as_deref(), Some("validation_required"));
        assert_eq!(code("ab").as_deref(), Some("validation_min_text_constraint"));
        assert_eq!(code("abcdef").as_deref(), Some("validation_max_text_constraint"));
        assert_eq!(code("ABC").as_deref(), Some("validation_invalid_format"));
        assert_eq!(code("abc"), None);
    }

    #[test]
    fn numbers_skip_range_checks_at_zero() {
        let field = Field::new(
            "n",
            FieldOptions::Number(NumberOptions { min: Some(1.0), max: None, only_int: true }),
        );
        assert!(validate(&field, &json!(0)).is_none());
        let error = validate(&field, &json!(-5)).unwrap();
        assert_eq!(error.message, "Must be greater or equal than 1.");
        assert_eq!(validate(&field, &json!(1.5)).unwrap().code, "validation_only_int_constraint");
    }

    #[test]
    fn passwords_check_plain_length_without_params() {
        let field = Field::new(
            "password",
            FieldOptions::Password(PasswordOptions { min: 8, ..Default::default() }),
        )
        .required(true);
        let error = validate_plain_password(&field, "short").unwrap();
        assert_eq!(error.message, "Must be at least 8 character(s).");
        assert!(error.params.is_none());
        assert!(validate_plain_password(&field, "longenough").is_none());
        assert_eq!(
            validate_plain_password(&field, &"x".repeat(72)).unwrap().code,
            "validation_max_text_constraint"
        );
    }

    #[test]
    fn emails_follow_the_html5_format() {
        assert!(is_email("a@b.co"));
        assert!(is_email("alice@example.com"));
        assert!(!is_email("bad"));
        assert!(!is_email("a@"));
        assert!(!is_email("a b@c.d"));
    }
}
