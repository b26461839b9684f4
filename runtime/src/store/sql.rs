//! Small helpers for writing SQL text safely: identifiers are quoted (and only ever come from
//! validated collection/field names), values are always bound parameters.

/// Quotes an identifier with backticks, as PocketBase's DDL does, doubling any backtick.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `?1, ?2, ... ?n`.
pub fn placeholders(count: usize) -> String {
    (1..=count).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_identifiers() {
        assert_eq!(quote_ident("users"), "`users`");
        assert_eq!(quote_ident("a`b"), "`a``b`");
        assert_eq!(placeholders(3), "?1, ?2, ?3");
    }
}
