//! Checks the function calls of a parsed filter against the functions PocketBase knows:
//! `geoDistance(lonA, latA, lonB, latB)` and `strftime(format, [time, modifier...])`, with their
//! argument counts and kinds. Unknown names are errors.
//! See `../shared/spec/filters-and-rules.md` §4 (Functions).

use super::ast::{ExprList, Function, Operand};
use super::error::{FilterError, FilterErrorKind};

/// Most arguments `strftime` takes (format, time value, eight modifiers).
pub const STRFTIME_MAX_ARGS: usize = 10;

/// A function the filter language supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KnownFunction {
    /// `geoDistance(lonA, latA, lonB, latB)`: Haversine distance in km.
    GeoDistance,
    /// `strftime(format, [timeValue, modifier...])`: SQLite `strftime`.
    Strftime,
}

impl KnownFunction {
    /// The function's exact (case-sensitive) name.
    pub fn name(self) -> &'static str {
        match self {
            KnownFunction::GeoDistance => "geoDistance",
            KnownFunction::Strftime => "strftime",
        }
    }

    /// Looks a function up by its exact name.
    pub fn from_name(name: &str) -> Option<Self> {
        [KnownFunction::GeoDistance, KnownFunction::Strftime]
            .into_iter()
            .find(|known| known.name() == name)
    }
}

/// Checks every function call in `list` (both sides of every comparison).
pub fn check_functions(list: &ExprList) -> Result<(), FilterError> {
    for comparison in list.comparisons() {
        for operand in [&comparison.left, &comparison.right] {
            if let Operand::Function(function) = operand {
                check_function(function)?;
            }
        }
    }
    Ok(())
}

/// Checks one call's name, argument count and argument kinds.
pub fn check_function(function: &Function) -> Result<KnownFunction, FilterError> {
    let Some(known) = KnownFunction::from_name(&function.name) else {
        let kind = FilterErrorKind::UnknownFunction(function.name.clone());
        return Err(FilterError::new(function.name_span.start, kind));
    };
    let count = function.args.len();
    let (count_ok, expected_count) = match known {
        KnownFunction::GeoDistance => (count == 4, "4"),
        KnownFunction::Strftime => ((1..=STRFTIME_MAX_ARGS).contains(&count), "1 to 10"),
    };
    if !count_ok {
        let kind = FilterErrorKind::WrongArgCount {
            function: known.name(),
            expected: expected_count,
            found: count,
        };
        return Err(FilterError::new(function.span.start, kind));
    }
    for (index, arg) in function.args.iter().enumerate() {
        let is_text = matches!(arg, Operand::Text(_));
        let is_field_or_number =
            matches!(arg, Operand::Identifier(_) | Operand::Literal(_) | Operand::Number(_));
        let (ok, expected) = match (known, index) {
            (KnownFunction::GeoDistance, _) => (is_field_or_number, "an identifier or a number"),
            (KnownFunction::Strftime, 0) => (is_text, "a quoted text"),
            (KnownFunction::Strftime, 1) => {
                (is_text || is_field_or_number, "a quoted text, a number or an identifier")
            }
            (KnownFunction::Strftime, _) => (is_text, "a quoted text"),
        };
        if !ok {
            let kind = FilterErrorKind::InvalidArgument { function: known.name(), index, expected };
            return Err(FilterError::new(arg.span().start, kind));
        }
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::{Limits, parser::parse_expr_list};

    fn check(input: &str) -> Result<(), FilterError> {
        let list = parse_expr_list(input, &Limits::RULE).unwrap_or_else(|e| panic!("{input}: {e}"));
        check_functions(&list)
    }

    fn strftime_call(args: usize) -> String {
        let mut parts = vec!["'%Y'".to_owned(), "created".to_owned()];
        parts.extend((2..args).map(|i| format!("'+{i} days'")));
        parts.truncate(args);
        format!("strftime({}) = '2026'", parts.join(", "))
    }

    #[test]
    fn known_functions_with_valid_arguments_pass() {
        let cases = [
            "geoDistance(location.lon, location.lat, 23.3, 42.7) < 10",
            "geoDistance(1, 2, 3, 4) < 10",
            "geoDistance(a, null, -1, b.c) > 0",
            "10 > geoDistance(a, b, c, d)",
            "strftime('%Y') = '2026'",
            "strftime('%Y', created) = '2026'",
            "strftime('%Y', 'now') = '2026'",
            "strftime('%s', 1700000000, 'unixepoch') > 0",
            "strftime('%Y-%m', created, 'start of month', '+1 month', '-1 day') != ''",
            "a = 1 && (b = 2 || strftime('%Y', created) = '2026')",
        ];
        for input in cases {
            assert_eq!(check(input), Ok(()), "{input}");
        }
        for args in 1..=10 {
            let input = strftime_call(args);
            assert_eq!(check(&input), Ok(()), "{input}");
        }
    }

    #[test]
    fn wrong_names_counts_and_argument_kinds_are_errors() {
        let count = |function, expected, found| FilterErrorKind::WrongArgCount {
            function,
            expected,
            found,
        };
        let argument = |function, index, expected| FilterErrorKind::InvalidArgument {
            function,
            index,
            expected,
        };
        let geo = "an identifier or a number";
        let cases = [
            ("unknown(a) = 1", 0, FilterErrorKind::UnknownFunction("unknown".to_owned())),
            (
                "x = GeoDistance(1, 2, 3, 4)",
                4,
                FilterErrorKind::UnknownFunction("GeoDistance".to_owned()),
            ),
            ("a = 1 && lower(a) = 'x'", 9, FilterErrorKind::UnknownFunction("lower".to_owned())),
            ("geoDistance() < 1", 0, count("geoDistance", "4", 0)),
            ("geoDistance(1, 2, 3) < 1", 0, count("geoDistance", "4", 3)),
            ("geoDistance(1, 2, 3, 4, 5) < 1", 0, count("geoDistance", "4", 5)),
            ("geoDistance(1, 2, 'x', 4) < 1", 18, argument("geoDistance", 2, geo)),
            (
                "geoDistance(1, 2, 3, geoDistance(1, 2, 3, 4)) < 1",
                21,
                argument("geoDistance", 3, geo),
            ),
            ("strftime() = ''", 0, count("strftime", "1 to 10", 0)),
            ("strftime(created) = ''", 9, argument("strftime", 0, "a quoted text")),
            ("strftime(1) = ''", 9, argument("strftime", 0, "a quoted text")),
            (
                "strftime('%Y', strftime('%Y')) = ''",
                15,
                argument("strftime", 1, "a quoted text, a number or an identifier"),
            ),
            ("strftime('%Y', created, created) = ''", 24, argument("strftime", 2, "a quoted text")),
            ("strftime('%Y', created, 5) = ''", 24, argument("strftime", 2, "a quoted text")),
        ];
        for (input, offset, kind) in cases {
            assert_eq!(check(input), Err(FilterError::new(offset, kind)), "{input}");
        }
        let input = strftime_call(11);
        assert_eq!(
            check(&input),
            Err(FilterError::new(0, count("strftime", "1 to 10", 11))),
            "{input}"
        );
    }

    #[test]
    fn names_round_trip() {
        for known in [KnownFunction::GeoDistance, KnownFunction::Strftime] {
            assert_eq!(KnownFunction::from_name(known.name()), Some(known));
        }
        assert_eq!(KnownFunction::from_name("geodistance"), None);
    }
}
