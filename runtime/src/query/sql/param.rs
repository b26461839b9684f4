//! Bound parameter values with the Go types PocketBase binds (text, float, int, bool, NULL),
//! their Go string form (`cast.ToString`) and the `~` auto-wrapping and escaping of LIKE
//! patterns. See `../shared/spec/filters-and-rules.md` §2 (`~`).

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

/// One bound value, typed as PocketBase binds it (a Go `float64` stays a float, so `title = 5`
/// compares the text `5.0`, exactly as PocketBase does).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    /// A Go `bool`, bound as 0/1.
    Bool(bool),
    /// A Go `int` (the integer date macros).
    Int(i64),
    /// A Go `float64` (number literals, JSON numbers).
    Real(f64),
    /// A Go `string`.
    Text(String),
}

impl Param {
    /// Whether PocketBase's `hasEmptyParamValue` sees it as empty (`""`; `nil` values are
    /// never bound, they resolve to `NULL`).
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Param::Text(text) if text.is_empty())
    }

    /// Go's `cast.ToString`.
    pub(crate) fn to_go_string(&self) -> String {
        match self {
            Param::Bool(b) => b.to_string(),
            Param::Int(i) => i.to_string(),
            Param::Real(f) => go_float(*f),
            Param::Text(text) => text.clone(),
        }
    }

    /// The value handed to SQLite.
    pub(crate) fn into_sql(self) -> SqlValue {
        match self {
            Param::Bool(b) => SqlValue::Integer(i64::from(b)),
            Param::Int(i) => SqlValue::Integer(i),
            Param::Real(f) if f.is_nan() => SqlValue::Null,
            Param::Real(f) => SqlValue::Real(f),
            Param::Text(text) => SqlValue::Text(text),
        }
    }

    /// A JSON value as PocketBase binds a decoded request value: `null` is no parameter at all
    /// (`None`, resolved to SQL `NULL`), lists and objects are bound as their JSON text.
    pub(crate) fn from_json(value: &Value) -> Option<Self> {
        Some(match value {
            Value::Null => return None,
            Value::Bool(b) => Param::Bool(*b),
            Value::Number(n) => Param::Real(n.as_f64().unwrap_or_default()),
            Value::String(s) => Param::Text(s.clone()),
            Value::Array(_) | Value::Object(_) => Param::Text(value.to_string()),
        })
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an exponent.
pub(crate) fn go_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    value.to_string()
}

/// Go's `cast.ToString` of a decoded JSON value (lists and objects give `""`).
pub(crate) fn json_go_string(value: &Value) -> String {
    match value {
        Value::Null | Value::Array(_) | Value::Object(_) => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_float(n.as_f64().unwrap_or_default()),
        Value::String(s) => s.clone(),
    }
}

/// The pattern `~`/`!~` binds for a right-hand value: used as is when it holds an unescaped
/// `%`, otherwise `\`, `%` and `_` are escaped and the value is wrapped in `%...%`.
pub(crate) fn like_pattern(value: &str) -> String {
    if contains_unescaped(value, '%') {
        return value.to_owned();
    }
    // compat: the escaping walks backwards and treats an already escaped character as done,
    // exactly like PocketBase's `escapeUnescapedChars` (spec §2).
    let chars: Vec<char> = value.chars().collect();
    let mut reversed: Vec<char> = Vec::with_capacity(chars.len() + 4);
    let mut matched = false;
    for (i, &c) in chars.iter().enumerate().rev() {
        if matched {
            if c != '\\' {
                reversed.push('\\');
            }
            matched = false;
        } else {
            matched = matches!(c, '\\' | '%' | '_');
        }
        reversed.push(c);
        if i == 0 && matched {
            reversed.push('\\');
        }
    }
    let mut out = String::with_capacity(reversed.len() + 2);
    out.push('%');
    out.extend(reversed.iter().rev());
    out.push('%');
    out
}

/// PocketBase's `containsUnescapedChar`.
fn contains_unescaped(value: &str, wanted: char) -> bool {
    let mut prev = '\0';
    for c in value.chars() {
        if c == wanted && prev != '\\' {
            return true;
        }
        prev = if c == '\\' && prev == '\\' { '\0' } else { c };
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_wrap_and_escape_like_pocketbase() {
        let cases = [
            ("test", "%test%"),
            ("", "%%"),
            ("Post_", "%Post\\_%"),
            ("Post%bob", "Post%bob"),
            ("by%", "by%"),
            ("50\\%", "%50\\%%"),
            ("a\\b", "%a\\\\b%"),
            ("_a", "%\\_a%"),
            ("a\\_b", "%a\\_b%"),
            ("\\\\%", "\\\\%"),
        ];
        for (input, expected) in cases {
            assert_eq!(like_pattern(input), expected, "{input}");
        }
    }

    #[test]
    fn go_strings_match_cast_to_string() {
        assert_eq!(Param::Real(5.0).to_go_string(), "5");
        assert_eq!(Param::Real(-1.5).to_go_string(), "-1.5");
        assert_eq!(Param::Real(1e21).to_go_string(), "1000000000000000000000");
        assert_eq!(Param::Real(0.0001).to_go_string(), "0.0001");
        assert_eq!(Param::Bool(true).to_go_string(), "true");
        assert_eq!(json_go_string(&serde_json::json!([1])), "");
    }

    #[test]
    fn json_values_bind_like_go_values() {
        assert_eq!(Param::from_json(&Value::Null), None);
        assert_eq!(Param::from_json(&serde_json::json!(2)), Some(Param::Real(2.0)));
        assert_eq!(
            Param::from_json(&serde_json::json!(["a", "b"])),
            Some(Param::Text(r#"["a","b"]"#.to_owned()))
        );
        assert_eq!(Param::Bool(true).into_sql(), SqlValue::Integer(1));
        assert!(Param::Text(String::new()).is_empty());
        assert!(!Param::Real(0.0).is_empty());
    }
}
