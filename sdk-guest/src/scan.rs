//! A JSON object's members as raw text, found without building anything: the event envelope and
//! the event's record are read this way, and only the parts a handler uses are parsed (with
//! `serde_json`, which also validates them). The host writes the JSON, so the scanner only has to
//! find where values end; text that is not JSON gives an error or values that fail to parse later,
//! never a panic.

use std::borrow::Cow;

/// Why an object could not be scanned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScanError(pub &'static str);

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\n' | b'\r' | b'\t') {
        at += 1;
    }
    at
}

/// The end of the string whose opening quote is at `at` (just past the closing quote).
fn skip_string(bytes: &[u8], mut at: usize) -> Result<usize, ScanError> {
    at += 1;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => return Ok(at + 1),
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
    Err(ScanError("unterminated string"))
}

/// The end of the value starting at `at`.
fn skip_value(bytes: &[u8], at: usize) -> Result<usize, ScanError> {
    match bytes.get(at) {
        None => Err(ScanError("missing value")),
        Some(b'"') => skip_string(bytes, at),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut at = at;
            while at < bytes.len() {
                match bytes[at] {
                    b'"' => {
                        at = skip_string(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            Err(ScanError("unterminated object or array"))
        }
        Some(_) => {
            let mut end = at;
            while end < bytes.len()
                && !matches!(bytes[end], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                end += 1;
            }
            Ok(end)
        }
    }
}

/// The members of a JSON object: `(key as written between its quotes, raw value)`.
pub(crate) struct Members<'a> {
    text: &'a str,
    at: usize,
    done: bool,
}

/// The members of the object `text` (an error when it is not an object).
pub(crate) fn members(text: &str) -> Result<Members<'_>, ScanError> {
    let bytes = text.as_bytes();
    let at = skip_ws(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return Err(ScanError("expected an object"));
    }
    Ok(Members { text, at: at + 1, done: false })
}

impl<'a> Members<'a> {
    fn member(&mut self) -> Result<Option<(&'a str, &'a str)>, ScanError> {
        let bytes = self.text.as_bytes();
        let mut at = skip_ws(bytes, self.at);
        match bytes.get(at) {
            Some(b'}') => return Ok(None),
            Some(b',') => at = skip_ws(bytes, at + 1),
            _ => {}
        }
        if bytes.get(at) != Some(&b'"') {
            return Err(ScanError("expected a key"));
        }
        let key_end = skip_string(bytes, at)?;
        let key = &self.text[at + 1..key_end - 1];
        at = skip_ws(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return Err(ScanError("expected ':'"));
        }
        let start = skip_ws(bytes, at + 1);
        let end = skip_value(bytes, start)?;
        self.at = end;
        // Values end at ASCII bytes, so these are char boundaries.
        Ok(Some((key, &self.text[start..end])))
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = Result<(&'a str, &'a str), ScanError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let member = self.member().transpose();
        if !matches!(member, Some(Ok(_))) {
            self.done = true;
        }
        member
    }
}

/// The raw value of member `key` of the object `text` (`None` when absent or not an object).
pub(crate) fn find<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    members(text).ok()?.map_while(Result::ok).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// A raw JSON string's text (`None` when `raw` is not a string).
pub(crate) fn string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// Whether a raw value is absent in effect (`null`).
pub(crate) fn is_null(raw: &str) -> bool {
    raw == "null"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(&str, &str)> {
        members(text).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn members_are_the_raw_values_in_order() {
        let text =
            r#" { "a" : 1 , "b":"x,}\"y", "c":{"d":[1,{"e":"]"}]},"f":null,"g":-2.5e3,"h":true } "#;
        assert_eq!(
            all(text),
            [
                ("a", "1"),
                ("b", r#""x,}\"y""#),
                ("c", r#"{"d":[1,{"e":"]"}]}"#),
                ("f", "null"),
                ("g", "-2.5e3"),
                ("h", "true"),
            ]
        );
        assert!(all("{}").is_empty());
        assert_eq!(find(text, "c"), Some(r#"{"d":[1,{"e":"]"}]}"#));
        assert_eq!(find(text, "d"), None, "only top-level keys");
    }

    #[test]
    fn what_is_not_an_object_is_an_error_not_a_panic() {
        for text in [
            "",
            "[1]",
            "\"a\"",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":\"x",
            "{\"a\":{\"b\":1}",
            "{1:2}",
            "{\"a\" 1}",
        ] {
            let scanned: Result<Vec<_>, _> = members(text).and_then(|m| m.collect());
            assert!(scanned.is_err(), "{text:?}");
        }
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        assert!(matches!(string(r#""Über""#), Some(Cow::Borrowed("Über"))));
        assert_eq!(string(r#""a\"b\u00dc""#).as_deref(), Some("a\"bÜ"));
        assert_eq!(string("12"), None);
        assert!(is_null("null"));
    }
}
