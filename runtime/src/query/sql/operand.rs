//! One operand to SQL: quoted text and numbers become bound parameters, `null`/`true`/`false`
//! become `NULL`/`1`/`0` (unless a field has that name), date macros are evaluated at the
//! builder's `now` in UTC, identifiers go to the field resolver and calls to the functions.
//! See `../shared/spec/filters-and-rules.md` §3.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Timelike, Utc};

use super::builder::QueryBuilder;
use super::error::ResolveError;
use super::functions::resolve_function;
use super::param::Param;
use super::resolved::Resolved;
use crate::model::DateTime;
use crate::query::filter::{IdentRoot, LiteralValue, Macro, Operand};

/// Resolves one side of a comparison (or a function argument).
pub(crate) fn resolve_operand(
    b: &mut QueryBuilder<'_>,
    operand: &Operand,
) -> Result<Resolved, ResolveError> {
    match operand {
        Operand::Identifier(identifier) => match identifier.path.root {
            IdentRoot::Macro(found) => {
                let param = macro_value(found, b.now);
                Ok(Resolved::param(b.push_param(param)))
            }
            _ => b.resolve_identifier(identifier),
        },
        Operand::Literal(literal) => {
            // compat: a field named like the literal wins (spec §3).
            if b.base.field(&literal.raw).is_some() {
                if let Ok(resolved) = b.resolve_identifier(&literal.as_identifier()) {
                    return Ok(resolved);
                }
            }
            Ok(Resolved::raw(match literal.value {
                LiteralValue::Null => "NULL",
                LiteralValue::True => "1",
                LiteralValue::False => "0",
            }))
        }
        Operand::Text(text) => Ok(Resolved::param(b.push_param(Param::Text(text.value.clone())))),
        Operand::Number(number) => {
            // compat: Go's `cast.ToFloat64` gives 0 for numbers out of float range.
            let value = if number.value.is_finite() { number.value } else { 0.0 };
            Ok(Resolved::param(b.push_param(Param::Real(value))))
        }
        Operand::Function(function) => resolve_function(b, function),
    }
}

/// How PocketBase names an operand in `invalid left operand "..."`.
pub(crate) fn operand_literal(operand: &Operand) -> String {
    match operand {
        Operand::Identifier(identifier) => identifier.raw.clone(),
        Operand::Literal(literal) => literal.raw.clone(),
        Operand::Text(text) => text.value.clone(),
        Operand::Number(number) => number.raw.clone(),
        Operand::Function(function) => function.name.clone(),
    }
}

/// The value of a date macro at `now` (UTC).
pub(crate) fn macro_value(found: Macro, now: DateTime) -> Param {
    let now = now.as_chrono();
    let at = |date: Option<NaiveDate>, end: bool| {
        let time = if end { (23, 59, 59, 999) } else { (0, 0, 0, 0) };
        let instant = date
            .and_then(|d| d.and_hms_milli_opt(time.0, time.1, time.2, time.3))
            .map(|naive| Utc.from_utc_datetime(&naive))
            .unwrap_or(now);
        Param::Text(DateTime::from_chrono(instant).to_string())
    };
    let today = now.date_naive();
    let month_start = NaiveDate::from_ymd_opt(now.year(), now.month(), 1);
    match found {
        Macro::Now => Param::Text(DateTime::from_chrono(now).to_string()),
        Macro::Yesterday => shifted(now.checked_sub_days(Days::new(1)), now),
        Macro::Tomorrow => shifted(now.checked_add_days(Days::new(1)), now),
        Macro::TodayStart => at(Some(today), false),
        Macro::TodayEnd => at(Some(today), true),
        Macro::MonthStart => at(month_start, false),
        Macro::MonthEnd => at(
            month_start
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .and_then(|d| d.checked_sub_days(Days::new(1))),
            true,
        ),
        Macro::YearStart => at(NaiveDate::from_ymd_opt(now.year(), 1, 1), false),
        Macro::YearEnd => at(NaiveDate::from_ymd_opt(now.year(), 12, 31), true),
        Macro::Second => Param::Int(i64::from(now.second())),
        Macro::Minute => Param::Int(i64::from(now.minute())),
        Macro::Hour => Param::Int(i64::from(now.hour())),
        Macro::Day => Param::Int(i64::from(now.day())),
        Macro::Month => Param::Int(i64::from(now.month())),
        Macro::Year => Param::Int(i64::from(now.year())),
        Macro::Weekday => Param::Int(i64::from(now.weekday().num_days_from_sunday())),
    }
}

fn shifted(instant: Option<chrono::DateTime<Utc>>, now: chrono::DateTime<Utc>) -> Param {
    Param::Text(DateTime::from_chrono(instant.unwrap_or(now)).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_evaluate_in_utc_at_the_given_instant() {
        let now = DateTime::parse("2024-02-10 13:14:15.678Z").unwrap();
        let text = |m| match macro_value(m, now) {
            Param::Text(text) => text,
            other => panic!("{other:?}"),
        };
        let int = |m| match macro_value(m, now) {
            Param::Int(i) => i,
            other => panic!("{other:?}"),
        };
        assert_eq!(text(Macro::Now), "2024-02-10 13:14:15.678Z");
        assert_eq!(text(Macro::Yesterday), "2024-02-09 13:14:15.678Z");
        assert_eq!(text(Macro::Tomorrow), "2024-02-11 13:14:15.678Z");
        assert_eq!(text(Macro::TodayStart), "2024-02-10 00:00:00.000Z");
        assert_eq!(text(Macro::TodayEnd), "2024-02-10 23:59:59.999Z");
        assert_eq!(text(Macro::MonthStart), "2024-02-01 00:00:00.000Z");
        assert_eq!(text(Macro::MonthEnd), "2024-02-29 23:59:59.999Z");
        assert_eq!(text(Macro::YearStart), "2024-01-01 00:00:00.000Z");
        assert_eq!(text(Macro::YearEnd), "2024-12-31 23:59:59.999Z");
        assert_eq!(
            [Macro::Second, Macro::Minute, Macro::Hour, Macro::Day, Macro::Month, Macro::Year]
                .map(int),
            [15, 14, 13, 10, 2, 2024]
        );
        // 2024-02-10 is a Saturday.
        assert_eq!(int(Macro::Weekday), 6);
        let december = DateTime::parse("2023-12-31 23:00:00Z").unwrap();
        assert_eq!(
            macro_value(Macro::MonthEnd, december),
            Param::Text("2023-12-31 23:59:59.999Z".to_owned())
        );
        assert_eq!(
            macro_value(Macro::Tomorrow, december),
            Param::Text("2024-01-01 23:00:00.000Z".to_owned())
        );
    }
}
