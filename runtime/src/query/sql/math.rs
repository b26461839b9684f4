//! The SQLite math functions `geoDistance` compiles to (`sin`, `cos`, `acos`, `radians`),
//! as plain Rust functions. SQLite only has them built in when compiled with
//! `SQLITE_ENABLE_MATH_FUNCTIONS`, which the bundled libsql-ffi is not; the connection layer
//! registers these instead (e.g. with rusqlite's `create_scalar_function`), with SQLite's
//! argument rules: numbers and numeric text are used, anything else (and NaN results) is NULL.
//! See `../shared/spec/filters-and-rules.md` §4 (Functions).

use rusqlite::types::ValueRef;

/// A one-argument math function.
pub type MathFunction = fn(f64) -> f64;

/// The functions `geoDistance` needs, by SQL name, each taking one argument.
pub const MATH_FUNCTIONS: [(&str, MathFunction); 4] =
    [("sin", f64::sin), ("cos", f64::cos), ("acos", f64::acos), ("radians", f64::to_radians)];

/// The number a math function argument holds, as SQLite's math functions read it
/// (integers, reals and numeric text; NULL, blobs and other text give `None`).
pub fn math_argument(value: ValueRef<'_>) -> Option<f64> {
    match value {
        #[allow(clippy::cast_precision_loss)]
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(f) => Some(f),
        ValueRef::Text(text) => std::str::from_utf8(text).ok()?.trim().parse().ok(),
        ValueRef::Null | ValueRef::Blob(_) => None,
    }
}

/// Applies `function` as SQLite would: `None` (NULL) for a non-numeric argument or a NaN
/// result (`acos(2)`).
pub fn apply_math(function: MathFunction, value: ValueRef<'_>) -> Option<f64> {
    math_argument(value).map(function).filter(|result| !result.is_nan())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_and_results_follow_sqlite() {
        assert_eq!(apply_math(f64::to_radians, ValueRef::Integer(180)), Some(std::f64::consts::PI));
        assert_eq!(apply_math(f64::cos, ValueRef::Text(b" 0 ")), Some(1.0));
        assert_eq!(apply_math(f64::acos, ValueRef::Real(2.0)), None);
        assert_eq!(apply_math(f64::sin, ValueRef::Text(b"abc")), None);
        assert_eq!(apply_math(f64::sin, ValueRef::Null), None);
    }
}
