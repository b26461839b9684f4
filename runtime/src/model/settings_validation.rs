//! Validation of settings before they are saved, with PocketBase's codes (including its
//! `validation_invlaid_ip_or_subnet` spelling). See `../shared/spec/files-batch-settings-misc.md` §4.

use std::net::IpAddr;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::field::validate::is_email;
use super::settings::{RateLimitRule, S3Settings, Settings};
use super::{FieldError, ValidationErrors};

static RATE_LIMIT_LABEL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(\w+ /[\w/-]*|/[\w/-]*|\w+:\w+|\*:\w+|\w+)$").ok());

/// Every problem with `settings`, nested like the settings JSON.
pub fn validate_settings(settings: &Settings) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    errors.add_nested("meta", meta(settings));
    errors.add_nested("smtp", smtp(settings));
    errors.add_nested("s3", s3(&settings.s3));
    errors.add_nested("backups", backups(settings));
    errors.add_nested("batch", batch(settings));
    errors.add_nested("logs", logs(settings));
    errors.add_nested("rateLimits", rate_limits(settings));
    errors.add_nested("superuserIPs", ip_list(&settings.superuser_ips));
    errors.into_result()
}

fn length_between(text: &str, min: usize, max: usize) -> Option<FieldError> {
    let len = text.chars().count();
    (len < min || len > max).then(|| FieldError {
        code: "validation_length_out_of_range".to_owned(),
        message: format!("The length must be between {min} and {max}."),
        params: json!({"max": max, "min": min}).as_object().cloned(),
    })
}

fn at_least_zero(value: i64) -> Option<FieldError> {
    (value < 0).then(|| {
        FieldError::with_param(
            "validation_min_greater_equal_than_required",
            "Must be no less than 0.",
            "threshold",
            Value::from(0),
        )
    })
}

fn required_text(errors: &mut ValidationErrors, key: &str, text: &str) {
    if text.is_empty() {
        errors.add(key, FieldError::required());
    }
}

fn meta(settings: &Settings) -> ValidationErrors {
    let meta = &settings.meta;
    let mut errors = ValidationErrors::new();
    required_text(&mut errors, "appName", &meta.app_name);
    if let Some(e) = length_between(&meta.app_name, 1, 255).filter(|_| !meta.app_name.is_empty()) {
        errors.add("appName", e);
    }
    required_text(&mut errors, "appURL", &meta.app_url);
    if !meta.app_url.is_empty() && !is_url(&meta.app_url) {
        errors.add("appURL", FieldError::new("validation_is_url", "Must be a valid URL."));
    }
    required_text(&mut errors, "senderName", &meta.sender_name);
    if let Some(e) =
        length_between(&meta.sender_name, 1, 255).filter(|_| !meta.sender_name.is_empty())
    {
        errors.add("senderName", e);
    }
    required_text(&mut errors, "senderAddress", &meta.sender_address);
    if !meta.sender_address.is_empty() && !is_email(&meta.sender_address) {
        errors.add("senderAddress", FieldError::invalid_email());
    }
    if !meta.accent_color.is_empty() && meta.accent_color.chars().count() != 7 {
        errors.add(
            "accentColor",
            FieldError {
                code: "validation_length_invalid".to_owned(),
                message: "The length must be exactly 7.".to_owned(),
                params: json!({"max": 7, "min": 7}).as_object().cloned(),
            },
        );
    }
    errors
}

fn smtp(settings: &Settings) -> ValidationErrors {
    let smtp = &settings.smtp;
    let mut errors = ValidationErrors::new();
    if smtp.enabled {
        required_text(&mut errors, "host", &smtp.host);
        if smtp.port == 0 {
            errors.add("port", FieldError::required());
        }
    }
    errors
}

fn s3(s3: &S3Settings) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if s3.enabled {
        required_text(&mut errors, "bucket", &s3.bucket);
        required_text(&mut errors, "region", &s3.region);
        required_text(&mut errors, "endpoint", &s3.endpoint);
        required_text(&mut errors, "accessKey", &s3.access_key);
        required_text(&mut errors, "secret", &s3.secret);
    }
    errors
}

fn backups(settings: &Settings) -> ValidationErrors {
    let backups = &settings.backups;
    let mut errors = ValidationErrors::new();
    if !backups.cron.is_empty() {
        if !is_cron(&backups.cron) {
            errors.add(
                "cron",
                FieldError::new(
                    "validation_invalid_cron",
                    "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.",
                ),
            );
        }
        if backups.cron_max_keep <= 0 {
            errors.add("cronMaxKeep", FieldError::required());
        }
    }
    errors.add_nested("s3", s3(&backups.s3));
    errors
}

fn batch(settings: &Settings) -> ValidationErrors {
    let batch = &settings.batch;
    let mut errors = ValidationErrors::new();
    if batch.enabled {
        if batch.max_requests <= 0 {
            errors.add("maxRequests", FieldError::required());
        }
        if batch.timeout <= 0 {
            errors.add("timeout", FieldError::required());
        }
    }
    if let Some(e) = at_least_zero(batch.max_body_size) {
        errors.add("maxBodySize", e);
    }
    errors
}

fn logs(settings: &Settings) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if let Some(e) = at_least_zero(settings.logs.max_days) {
        errors.add("maxDays", e);
    }
    if let Some(e) = at_least_zero(settings.logs.max_data_size) {
        errors.add("maxDataSize", e);
    }
    errors
}

fn rate_limits(settings: &Settings) -> ValidationErrors {
    let mut rules = ValidationErrors::new();
    for (i, rule) in settings.rate_limits.rules.iter().enumerate() {
        rules.add_nested(i.to_string(), rate_limit_rule(rule));
    }
    let mut errors = ValidationErrors::new();
    if settings.rate_limits.enabled && settings.rate_limits.rules.is_empty() {
        errors.add("rules", FieldError::required());
    }
    errors.add_nested("rules", rules);
    errors.add_nested("excludedIPs", ip_list(&settings.rate_limits.excluded_ips));
    errors
}

fn rate_limit_rule(rule: &RateLimitRule) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if rule.label.is_empty() {
        errors.add("label", FieldError::required());
    } else if !RATE_LIMIT_LABEL.as_ref().is_some_and(|re| re.is_match(&rule.label)) {
        errors.add(
            "label",
            FieldError::new("validation_match_invalid", "Must be in a valid format."),
        );
    }
    if rule.max_requests <= 0 {
        errors.add("maxRequests", FieldError::required());
    }
    if rule.duration <= 0 {
        errors.add("duration", FieldError::required());
    }
    if !matches!(rule.audience.as_str(), "" | "@guest" | "@auth") {
        errors.add("audience", FieldError::invalid_value());
    }
    errors
}

fn ip_list(items: &[String]) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    for (i, item) in items.iter().enumerate() {
        if !is_ip_or_cidr(item) {
            // compat: PocketBase's code is spelled `invlaid`.
            errors.add(
                i.to_string(),
                FieldError::new("validation_invlaid_ip_or_subnet", "Invalid IP or CIDR subnet."),
            );
        }
    }
    errors
}

/// Whether `text` is an IP address or a CIDR subnet.
pub fn is_ip_or_cidr(text: &str) -> bool {
    match text.split_once('/') {
        Some((ip, bits)) => match (ip.parse::<IpAddr>(), bits.parse::<u8>()) {
            (Ok(IpAddr::V4(_)), Ok(bits)) => bits <= 32,
            (Ok(IpAddr::V6(_)), Ok(bits)) => bits <= 128,
            _ => false,
        },
        None => text.parse::<IpAddr>().is_ok(),
    }
}

fn is_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| !u.scheme().is_empty() && u.host_str().is_some_and(|h| !h.is_empty()))
}

/// Whether `expression` is a cron macro or five valid space-separated segments.
pub fn is_cron(expression: &str) -> bool {
    const MACROS: &[&str] =
        &["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    if MACROS.contains(&expression) {
        return true;
    }
    let segments: Vec<&str> = expression.split(' ').collect();
    let ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
    segments.len() == 5
        && segments.iter().zip(ranges).all(|(s, (min, max))| cron_segment(s, min, max))
}

fn cron_segment(segment: &str, min: u32, max: u32) -> bool {
    !segment.is_empty()
        && segment.split(',').all(|part| {
            let (range, step) = match part.split_once('/') {
                Some((range, step)) => (range, Some(step)),
                None => (part, None),
            };
            if step.is_some_and(|s| s.parse::<u32>().map_or(true, |n| n == 0)) {
                return false;
            }
            if range == "*" {
                return true;
            }
            let (from, to) = range.split_once('-').unwrap_or((range, range));
            match (from.parse::<u32>(), to.parse::<u32>()) {
                (Ok(from), Ok(to)) => min <= from && from <= to && to <= max,
                _ => false,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(validate_settings(&Settings::default()).is_ok());
    }

    #[test]
    fn reports_nested_errors_like_pocketbase() {
        let mut settings = Settings::default();
        settings.meta.app_name.clear();
        settings.meta.app_url = "notaurl".into();
        settings.rate_limits.rules[0].label = "bad label!".into();
        settings.rate_limits.rules[0].max_requests = 0;
        let errors = validate_settings(&settings).unwrap_err();
        assert_eq!(
            errors.to_json(),
            json!({"meta":{"appName":{"code":"validation_required","message":"Cannot be blank."},
                   "appURL":{"code":"validation_is_url","message":"Must be a valid URL."}},
                   "rateLimits":{"rules":{"0":{"label":{"code":"validation_match_invalid","message":"Must be in a valid format."},
                   "maxRequests":{"code":"validation_required","message":"Cannot be blank."}}}}})
        );
    }

    #[test]
    fn checks_cron_and_ips() {
        assert!(is_cron("0 0 * * *"));
        assert!(is_cron("*/5 1-3 * * 0,6"));
        assert!(is_cron("@daily"));
        assert!(!is_cron("bad cron"));
        assert!(!is_cron("60 * * * *"));
        assert!(is_ip_or_cidr("10.0.0.0/8"));
        assert!(is_ip_or_cidr("::1"));
        assert!(!is_ip_or_cidr("bad"));
    }
}
