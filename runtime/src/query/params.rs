//! URL query strings as PocketBase reads them: the first value of each key, percent-decoded.

use std::collections::HashMap;

/// Decodes a query string (without the leading `?`).
pub fn parse_query(query: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        map.entry(key.into_owned()).or_insert_with(|| value.into_owned());
    }
    map
}
