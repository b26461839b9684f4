//! Whether a collection has a single-column UNIQUE index on a field: a back-relation through
//! such a field yields at most one record, so it is single-valued (no "every value" check).
//! Reads `CREATE UNIQUE INDEX` statements the way PocketBase's `dbutils.ParseIndex` does.
//! See `../shared/spec/filters-and-rules.md` §4 (back-relations).

/// Whether one of `indexes` is a UNIQUE index on exactly `column` (case-insensitive; a
/// partial index's WHERE is ignored, as in PocketBase).
pub(crate) fn has_single_column_unique_index(indexes: &[String], column: &str) -> bool {
    indexes.iter().any(|index| {
        unique_index_columns(index).is_some_and(|columns| {
            let mut columns = columns.into_iter().filter(|c| !c.is_empty());
            matches!((columns.next(), columns.next()), (Some(only), None) if only.eq_ignore_ascii_case(column))
        })
    })
}

/// The column names of a `CREATE UNIQUE INDEX ... ON t (...)`, `None` for anything else.
fn unique_index_columns(sql: &str) -> Option<Vec<String>> {
    let lower = sql.to_ascii_lowercase();
    let mut words = lower.split_whitespace();
    if words.next()? != "create" || words.next()? != "unique" {
        return None;
    }
    if !words.next()?.starts_with("index") {
        return None;
    }
    let on = find_keyword(&lower, "on")?;
    let open = on + lower[on..].find('(')?;
    let close = lower.rfind(')').filter(|&close| close > open)?;
    Some(split_top_level(&sql[open + 1..close]).into_iter().map(|c| column_name(&c)).collect())
}

/// The byte offset after the first standalone `keyword` (surrounded by whitespace).
fn find_keyword(lower: &str, keyword: &str) -> Option<usize> {
    let bytes = lower.as_bytes();
    lower.match_indices(keyword).find_map(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + keyword.len()).copied();
        let space = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_whitespace());
        (space(before) && space(after)).then_some(at + keyword.len())
    })
}

/// Splits on commas outside parentheses and quotes.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' | '`' => quote = Some(c),
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    parts.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            },
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

/// A column entry without `COLLATE x`, `ASC`/`DESC` and quoting.
fn column_name(entry: &str) -> String {
    let mut words: Vec<&str> = entry.split_whitespace().collect();
    if words.last().is_some_and(|w| w.eq_ignore_ascii_case("asc") || w.eq_ignore_ascii_case("desc"))
    {
        words.pop();
    }
    if words.len() >= 3 && words[words.len() - 2].eq_ignore_ascii_case("collate") {
        words.truncate(words.len() - 2);
    }
    let name = words.join(" ");
    name.trim_matches(|c: char| matches!(c, '`' | '"' | '\'' | '[' | ']') || c.is_whitespace())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_single_column_unique_indexes() {
        let cases = [
            ("CREATE UNIQUE INDEX `idx_a` ON `comments` (`post`)", "post", true),
            ("create unique index idx_a on comments (post COLLATE NOCASE DESC)", "POST", true),
            (
                "CREATE UNIQUE INDEX `idx_email` ON `users` (`email`) WHERE `email` != ''",
                "email",
                true,
            ),
            ("CREATE INDEX `idx_a` ON `comments` (`post`)", "post", false),
            ("CREATE UNIQUE INDEX `idx_a` ON `comments` (`post`, `user`)", "post", false),
            ("CREATE UNIQUE INDEX `idx_a` ON `comments` (lower(post))", "post", false),
            ("garbage", "post", false),
        ];
        for (sql, column, expected) in cases {
            assert_eq!(
                has_single_column_unique_index(&[sql.to_owned()], column),
                expected,
                "{sql}"
            );
        }
    }
}
