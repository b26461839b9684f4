//! SQL for reading JSON columns the way PocketBase does, tolerant of non-JSON content:
//! `json_each` over a multi-value column, its length, and `json_extract` with a path built from
//! identifier parts (numeric parts are array indexes).
//! See `../shared/spec/filters-and-rules.md` §4 (JSON paths, `:each`, `:length`).

use super::resolved::columnify;

/// `json_each(...)` over a column holding a JSON array, or any other value as a one-item list.
pub(crate) fn json_each(column: &str) -> String {
    format!(
        "json_each(CASE WHEN iif(json_valid({column}), json_type({column})='array', FALSE) \
         THEN {column} ELSE json_array({column}) END)"
    )
}

/// The number of items of a multi-value column (`''` and NULL count as none).
pub(crate) fn json_array_length(column: &str) -> String {
    format!(
        "json_array_length(CASE WHEN iif(json_valid({column}), json_type({column})='array', FALSE) \
         THEN {column} ELSE (CASE WHEN {column} = '' OR {column} IS NULL THEN json_array() \
         ELSE json_array({column}) END) END)"
    )
}

/// `json_extract` of `path` (as built by [`json_path`]; `""` = the whole value) from a column,
/// wrapping non-JSON content so that it is read as a JSON string.
pub(crate) fn json_extract(column: &str, path: &str) -> String {
    let dot = if path.is_empty() || path.starts_with('[') { "" } else { "." };
    format!(
        "(CASE WHEN json_valid({column}) THEN JSON_EXTRACT({column}, '${dot}{path}') \
         ELSE JSON_EXTRACT(json_object('pb', {column}), '$.pb{dot}{path}') END)"
    )
}

/// The JSON path of identifier parts: `a.0.b` → `a[0].b`. Parts only ever hold identifier
/// characters; anything else is dropped as PocketBase's `Columnify` does, so the path is safe
/// to write into the SQL text.
pub(crate) fn json_path(parts: &[&str]) -> String {
    let mut path = String::new();
    for (i, part) in parts.iter().enumerate() {
        let clean = columnify(part);
        // PocketBase's `strconv.Atoi` check: an optional sign and ASCII digits.
        let digits = part.strip_prefix(['-', '+']).unwrap_or(part);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            path.push('[');
            path.push_str(&clean);
            path.push(']');
        } else {
            if i > 0 {
                path.push('.');
            }
            path.push_str(&clean);
        }
    }
    // invariant: identifier parts never contain quotes; strip them anyway so the literal
    // can never be closed early.
    path.retain(|c| c != '\'');
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_use_array_indexes_for_numbers() {
        assert_eq!(json_path(&["a", "0", "b"]), "a[0].b");
        assert_eq!(json_path(&["0", "a"]), "[0].a");
        assert_eq!(json_path(&["arr:length"]), "arrlength");
        assert_eq!(json_path(&[]), "");
        assert_eq!(
            json_extract("`t`.`m`", "a[0]"),
            "(CASE WHEN json_valid(`t`.`m`) THEN JSON_EXTRACT(`t`.`m`, '$.a[0]') \
             ELSE JSON_EXTRACT(json_object('pb', `t`.`m`), '$.pb.a[0]') END)"
        );
        assert!(json_extract("c", "").contains("'$')"));
        assert!(json_extract("c", "[1]").contains("'$[1]')"));
    }
}
