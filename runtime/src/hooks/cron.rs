//! Cron schedules and the scheduler of hook cron jobs. Schedules are PocketBase's five fields
//! (`min hour day-of-month month day-of-week`, UTC) with `*`, `a-b`, `*/n`, `a-b/n` and lists,
//! the macros `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`,
//! and, beyond PocketBase, an optional leading seconds field (six fields).

use chrono::{DateTime, Datelike, Timelike, Utc};

/// A parsed schedule: the allowed values of each field as bit sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    seconds: u64,
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Both day fields restricted: either may match (cron's rule).
    day_or: bool,
}

impl Schedule {
    /// Parses a schedule.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = match text.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let fields: Vec<&str> = text.split_whitespace().collect();
        let (seconds, rest) = match fields.len() {
            5 => (1, &fields[..]),
            6 => (field(fields[0], 0, 59)?, &fields[1..]),
            n => return Err(format!("expected 5 or 6 fields, got {n}")),
        };
        let weekdays = field(rest[4], 0, 7)?;
        // 7 is Sunday too.
        let weekdays = (weekdays | (weekdays >> 7)) & 0x7f;
        Ok(Self {
            seconds,
            minutes: field(rest[0], 0, 59)?,
            hours: field(rest[1], 0, 23)?,
            days: field(rest[2], 1, 31)?,
            months: field(rest[3], 1, 12)?,
            weekdays,
            day_or: rest[2] != "*" && rest[4] != "*",
        })
    }

    /// Whether the job runs in the second `at`.
    pub fn matches(&self, at: DateTime<Utc>) -> bool {
        let bit = |set: u64, value: u32| set & (1 << value) != 0;
        let day = bit(self.days, at.day());
        let weekday = bit(self.weekdays, at.weekday().num_days_from_sunday());
        let day_ok = if self.day_or { day || weekday } else { day && weekday };
        bit(self.seconds, at.second())
            && bit(self.minutes, at.minute())
            && bit(self.hours, at.hour())
            && bit(self.months, at.month())
            && day_ok
    }
}

fn field(text: &str, min: u32, max: u32) -> Result<u64, String> {
    let mut set = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (
                range,
                step.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or(format!("bad step in `{part}`"))?,
            ),
            None => (part, 1),
        };
        let (low, high) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (number(a)?, number(b)?)
        } else {
            let value = number(range)?;
            (value, if step > 1 { max } else { value })
        };
        if low < min || high > max || low > high {
            return Err(format!("`{part}` is outside {min}-{max}"));
        }
        let mut value = low;
        while value <= high {
            set |= 1 << value;
            value += step;
        }
    }
    Ok(set)
}

fn number(text: &str) -> Result<u32, String> {
    text.parse().map_err(|_| format!("`{text}` is not a number"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn five_fields_run_at_second_zero() {
        let schedule = Schedule::parse("*/15 2 * * *").unwrap();
        assert!(schedule.matches(Utc.with_ymd_and_hms(2026, 1, 5, 2, 30, 0).unwrap()));
        assert!(!schedule.matches(Utc.with_ymd_and_hms(2026, 1, 5, 2, 30, 1).unwrap()));
        assert!(!schedule.matches(Utc.with_ymd_and_hms(2026, 1, 5, 3, 30, 0).unwrap()));
    }

    #[test]
    fn six_fields_and_macros() {
        let every_second = Schedule::parse("* * * * * *").unwrap();
        assert!(every_second.matches(Utc.with_ymd_and_hms(2026, 1, 5, 2, 30, 17).unwrap()));
        let weekly = Schedule::parse("@weekly").unwrap();
        assert!(weekly.matches(Utc.with_ymd_and_hms(2026, 1, 4, 0, 0, 0).unwrap()), "a Sunday");
        assert!(Schedule::parse("* * *").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
        assert!(Schedule::parse("1-5/0 * * * *").is_err());
    }
}
