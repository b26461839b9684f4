//! URL query strings as PocketBase reads them (Go's `url.ParseQuery`): pairs split on `&`, a
//! pair holding a `;` or a bad percent escape dropped (not an error), `+` read as a space, and
//! the first value of each key kept.

use std::collections::HashMap;

/// Decodes a query string (without the leading `?`).
pub fn parse_query(query: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for pair in query.split('&') {
        if pair.is_empty() || pair.contains(';') {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(key), Some(value)) = (unescape(key), unescape(value)) else { continue };
        map.entry(key).or_insert(value);
    }
    map
}

/// Go's `QueryUnescape`: `%XX` with two hex digits, `+` as a space; `None` for a bad escape.
fn unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
                out.push(u8::try_from(hex(i + 1)? << 4 | hex(i + 2)?).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_go() {
        let q = parse_query("a=1&a=2&b=x+y%20z&c&=v&d=%E2%82%AC");
        assert_eq!(q.get("a").map(String::as_str), Some("1"));
        assert_eq!(q.get("b").map(String::as_str), Some("x y z"));
        assert_eq!(q.get("c").map(String::as_str), Some(""));
        assert_eq!(q.get("").map(String::as_str), Some("v"));
        assert_eq!(q.get("d").map(String::as_str), Some("€"));
    }

    #[test]
    fn pairs_with_bad_escapes_or_semicolons_are_dropped() {
        let q = parse_query("filter=title%20%3D%20%27%ZZ&fields=id&x=%4&y=a;b&z=1");
        assert_eq!(q.get("filter"), None);
        assert_eq!(q.get("x"), None);
        assert_eq!(q.get("y"), None);
        assert_eq!(q.get("fields").map(String::as_str), Some("id"));
        assert_eq!(q.get("z").map(String::as_str), Some("1"));
        // A later good pair for a dropped key counts as the first value.
        assert_eq!(parse_query("k=%G1&k=2").get("k").map(String::as_str), Some("2"));
    }
}
