//! PocketBase's datetime text form: always UTC, `YYYY-MM-DD HH:MM:SS.sssZ` (space, not `T`).
//! See `../shared/spec/README.md` (value formats).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};

/// A UTC instant that prints the way PocketBase stores and returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(chrono::DateTime<Utc>);

impl DateTime {
    /// The current time, truncated to milliseconds (PocketBase keeps no finer precision).
    pub fn now() -> Self {
        let now = Utc::now();
        let millis = now.timestamp_millis();
        Self(Utc.timestamp_millis_opt(millis).single().unwrap_or(now))
    }

    /// Wraps a chrono instant.
    pub fn from_chrono(value: chrono::DateTime<Utc>) -> Self {
        Self(value)
    }

    /// The underlying chrono instant.
    pub fn as_chrono(&self) -> chrono::DateTime<Utc> {
        self.0
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.0.timestamp()
    }

    /// Parses the inputs PocketBase accepts for a date: its own form, RFC 3339 (with any
    /// offset, converted to UTC), `YYYY-MM-DD HH:MM:SS[.fff]` and a bare `YYYY-MM-DD`.
    /// Anything else is `None` (PocketBase then stores `""`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text) {
            return Some(Self(dt.with_timezone(&Utc)));
        }
        // PocketBase's own form and the same with a `T` or without the `Z`.
        let normalized = text.replacen('T', " ", 1);
        let without_zone = normalized.strip_suffix('Z').unwrap_or(&normalized);
        for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(without_zone, format) {
                return Some(Self(Utc.from_utc_datetime(&naive)));
            }
        }
        if let Ok(dt) = chrono::DateTime::parse_from_str(&normalized, "%Y-%m-%d %H:%M:%S%.f %z") {
            return Some(Self(dt.with_timezone(&Utc)));
        }
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Some(Self(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?)))
    }

    /// RFC 3339 with seconds precision, as PocketBase prints date thresholds in error params.
    pub fn to_rfc3339_seconds(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d %H:%M:%S%.3fZ"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_pocketbase() {
        let dt = DateTime::parse("2024-01-02T10:11:12.5+02:00").unwrap();
        assert_eq!(dt.to_string(), "2024-01-02 08:11:12.500Z");
    }

    #[test]
    fn parses_accepted_forms() {
        let cases = [
            ("2024-01-02", "2024-01-02 00:00:00.000Z"),
            ("2024-01-02 03:04:05.678Z", "2024-01-02 03:04:05.678Z"),
            ("2024-01-02 03:04:05", "2024-01-02 03:04:05.000Z"),
            ("2024-01-02T10:11:12Z", "2024-01-02 10:11:12.000Z"),
        ];
        for (input, want) in cases {
            assert_eq!(
                DateTime::parse(input).map(|d| d.to_string()).as_deref(),
                Some(want),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_garbage() {
        for input in ["", "garbage", "2024-13-01", "12345"] {
            assert!(DateTime::parse(input).is_none(), "{input}");
        }
    }
}
