//! SQLite values as comparisons see them: type affinity applied to operands, the storage-class
//! order (NULL < numbers < text), numeric and text conversions, truthiness and LIKE.

use std::cmp::Ordering;

use rusqlite::types::Value as SqlValue;

/// A column's type affinity (expressions other than column references have none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    /// `TEXT` columns.
    Text,
    /// `NUMERIC`, `BOOLEAN`, `JSON` (and other non-text declared types) columns.
    Numeric,
    /// Parameters, literals and computed values.
    None,
}

impl Affinity {
    /// The affinity SQLite gives a column declared with `declared` (its first word).
    pub fn of_declared_type(declared: &str) -> Self {
        let upper = declared.to_ascii_uppercase();
        if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
            Affinity::Text
        } else if upper.contains("BLOB") || upper.is_empty() {
            Affinity::None
        } else {
            Affinity::Numeric
        }
    }
}

/// A value converted as storing it in a column of `affinity` would.
pub fn stored(value: SqlValue, affinity: Affinity) -> SqlValue {
    match affinity {
        // compat: a NUMERIC column stores an integral real as an integer.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        Affinity::Numeric => match to_numeric(value) {
            SqlValue::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => {
                SqlValue::Integer(f as i64)
            }
            other => other,
        },
        Affinity::Text => to_text_affinity(value),
        Affinity::None => value,
    }
}

/// NUMERIC affinity: text that is a well-formed number becomes that number.
pub fn to_numeric(value: SqlValue) -> SqlValue {
    match value {
        SqlValue::Text(text) => parse_number(&text).unwrap_or(SqlValue::Text(text)),
        other => other,
    }
}

/// TEXT affinity: numbers become their text.
pub fn to_text_affinity(value: SqlValue) -> SqlValue {
    match value {
        SqlValue::Integer(_) | SqlValue::Real(_) => {
            SqlValue::Text(as_text(&value).unwrap_or_default())
        }
        other => other,
    }
}

/// A whole text that SQLite reads as a number (surrounding spaces allowed).
fn parse_number(text: &str) -> Option<SqlValue> {
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let body = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if body.is_empty() || !body.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    if !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    let integral = body.bytes().all(|b| b.is_ascii_digit());
    if integral {
        if let Ok(i) = trimmed.parse::<i64>() {
            return Some(SqlValue::Integer(i));
        }
    }
    let real: f64 = trimmed.parse().ok()?;
    if !real.is_finite() {
        return None;
    }
    // compat: a real that is exactly an integer is kept as an integer (sqlite3VdbeMemNumerify).
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    if !integral && real.fract() == 0.0 && real.abs() < 9.0e15 {
        return Some(SqlValue::Integer(real as i64));
    }
    Some(SqlValue::Real(real))
}

/// The text of a value as `sqlite3_value_text` gives it (`None` for NULL).
pub fn as_text(value: &SqlValue) -> Option<String> {
    match value {
        SqlValue::Null => None,
        SqlValue::Integer(i) => Some(i.to_string()),
        SqlValue::Real(f) => Some(format_real(*f)),
        SqlValue::Text(text) => Some(text.clone()),
        SqlValue::Blob(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// SQLite's `%!.15g` rendering of a real (`2.0`, `0.5`, `1.0e+20`).
fn format_real(value: f64) -> String {
    if value.is_nan() {
        return String::new();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Inf" } else { "-Inf" }.to_owned();
    }
    let exponent = if value == 0.0 { 0 } else { value.abs().log10().floor() as i32 };
    if !(-4..15).contains(&exponent) {
        let formatted = format!("{value:.14e}");
        let (mantissa, exp) = formatted.split_once('e').unwrap_or((&formatted, "0"));
        let mantissa = trim_fraction(mantissa);
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let decimals = usize::try_from(14 - exponent).unwrap_or(0);
    trim_fraction(&format!("{value:.decimals$}"))
}

/// Drops trailing zeros after the point but keeps one digit (`2.500` → `2.5`, `2.000` → `2.0`).
fn trim_fraction(text: &str) -> String {
    if !text.contains('.') {
        return format!("{text}.0");
    }
    let trimmed = text.trim_end_matches('0');
    if trimmed.ends_with('.') { format!("{trimmed}0") } else { trimmed.to_owned() }
}

/// The number a value counts as in a boolean context (`None` for NULL).
pub fn truth(value: &SqlValue) -> Option<bool> {
    match value {
        SqlValue::Null => None,
        SqlValue::Integer(i) => Some(*i != 0),
        SqlValue::Real(f) => Some(*f != 0.0),
        SqlValue::Text(text) => Some(numeric_prefix(text) != 0.0),
        SqlValue::Blob(bytes) => Some(numeric_prefix(&String::from_utf8_lossy(bytes)) != 0.0),
    }
}

/// The longest numeric prefix of a text, as `CAST(text AS REAL)` reads it (`0.0` if none).
fn numeric_prefix(text: &str) -> f64 {
    let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let bytes = text.as_bytes();
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let start = i;
    i = digits(i);
    let whole = i > start;
    let mut fraction = false;
    if bytes.get(i) == Some(&b'.') {
        let after = digits(i + 1);
        fraction = after > i + 1;
        if whole || fraction {
            i = after;
        }
    }
    if !whole && !fraction {
        return 0.0;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let end = digits(j);
        if end > j {
            i = end;
        }
    }
    text[..i].parse().unwrap_or(0.0)
}

fn storage_rank(value: &SqlValue) -> u8 {
    match value {
        SqlValue::Null => 0,
        SqlValue::Integer(_) | SqlValue::Real(_) => 1,
        SqlValue::Text(_) => 2,
        SqlValue::Blob(_) => 3,
    }
}

/// Orders two non-NULL values as SQLite does with the BINARY collation.
pub fn compare(left: &SqlValue, right: &SqlValue) -> Ordering {
    match (left, right) {
        (SqlValue::Integer(a), SqlValue::Integer(b)) => a.cmp(b),
        (SqlValue::Integer(a), SqlValue::Real(b)) => compare_int_real(*a, *b),
        (SqlValue::Real(a), SqlValue::Integer(b)) => compare_int_real(*b, *a).reverse(),
        (SqlValue::Real(a), SqlValue::Real(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
        (SqlValue::Text(a), SqlValue::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
        (SqlValue::Blob(a), SqlValue::Blob(b)) => a.cmp(b),
        _ => storage_rank(left).cmp(&storage_rank(right)),
    }
}

#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn compare_int_real(int: i64, real: f64) -> Ordering {
    if real.is_nan() {
        return Ordering::Greater;
    }
    if real < -9.223_372_036_854_776e18 {
        return Ordering::Greater;
    }
    if real >= 9.223_372_036_854_776e18 {
        return Ordering::Less;
    }
    let truncated = real as i64;
    match int.cmp(&truncated) {
        Ordering::Equal => (0.0).partial_cmp(&(real - truncated as f64)).unwrap_or(Ordering::Equal),
        other => other,
    }
}

/// Applies the comparison affinity rules to both operands.
pub fn with_comparison_affinity(
    (left, left_affinity): (SqlValue, Affinity),
    (right, right_affinity): (SqlValue, Affinity),
) -> (SqlValue, SqlValue) {
    use Affinity::{Numeric, Text};
    match (left_affinity, right_affinity) {
        (Numeric, Text | Affinity::None) => (left, to_numeric(right)),
        (Text | Affinity::None, Numeric) => (to_numeric(left), right),
        (Text, Affinity::None) => (left, to_text_affinity(right)),
        (Affinity::None, Text) => (to_text_affinity(left), right),
        _ => (left, right),
    }
}

/// `value LIKE pattern ESCAPE escape`: `%` any run, `_` one character, ASCII letters match
/// either case.
pub fn like(value: &str, pattern: &str, escape: Option<char>) -> bool {
    let value: Vec<char> = value.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    like_at(&value, &pattern, escape)
}

fn like_at(value: &[char], pattern: &[char], escape: Option<char>) -> bool {
    let (mut v, mut p) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while v < value.len() {
        if p < pattern.len() {
            let c = pattern[p];
            if Some(c) == escape {
                if let Some(&literal) = pattern.get(p + 1) {
                    if literal.eq_ignore_ascii_case(&value[v]) {
                        v += 1;
                        p += 2;
                        continue;
                    }
                }
            } else if c == '%' {
                backtrack = Some((p, v));
                p += 1;
                continue;
            } else if c == '_' || c.eq_ignore_ascii_case(&value[v]) {
                v += 1;
                p += 1;
                continue;
            }
        }
        match backtrack {
            Some((bp, bv)) => {
                p = bp + 1;
                v = bv + 1;
                backtrack = Some((bp, bv + 1));
            }
            None => return false,
        }
    }
    while p < pattern.len() && pattern[p] == '%' {
        p += 1;
    }
    p == pattern.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_affinity_reads_whole_numbers_only() {
        assert_eq!(to_numeric(SqlValue::Text(" 5 ".into())), SqlValue::Integer(5));
        assert_eq!(to_numeric(SqlValue::Text("1.5".into())), SqlValue::Real(1.5));
        assert_eq!(to_numeric(SqlValue::Text("2.0".into())), SqlValue::Integer(2));
        assert_eq!(to_numeric(SqlValue::Text("1e3".into())), SqlValue::Integer(1000));
        assert_eq!(to_numeric(SqlValue::Text("5a".into())), SqlValue::Text("5a".into()));
        assert_eq!(to_numeric(SqlValue::Text(String::new())), SqlValue::Text(String::new()));
    }

    #[test]
    fn reals_render_like_sqlite() {
        assert_eq!(format_real(2.0), "2.0");
        assert_eq!(format_real(0.5), "0.5");
        assert_eq!(format_real(-1.25), "-1.25");
        assert_eq!(format_real(1e20), "1.0e+20");
        assert_eq!(format_real(0.1), "0.1");
    }

    #[test]
    fn like_folds_ascii_and_honours_escapes() {
        assert!(like("Hello", "%ell%", Some('\\')));
        assert!(like("HELLO", "h_llo", None));
        assert!(!like("50", "%5\\%%", Some('\\')));
        assert!(like("5%", "%5\\%%", Some('\\')));
        assert!(like("", "%", None));
        assert!(!like("abc", "%d%", None));
        assert!(like("aXbXc", "a%b%c", None));
    }

    #[test]
    fn truthiness_reads_numeric_prefixes() {
        assert_eq!(truth(&SqlValue::Text("abc".into())), Some(false));
        assert_eq!(truth(&SqlValue::Text("1abc".into())), Some(true));
        assert_eq!(truth(&SqlValue::Null), None);
    }
}
