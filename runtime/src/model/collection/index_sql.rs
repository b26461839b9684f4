//! Reading the `CREATE [UNIQUE] INDEX` statements stored on collections: PocketBase keeps them
//! as SQL text, validates their shape, rewrites their table name to the collection's, and
//! checks identity fields against them. See `../shared/spec/collections-and-fields.md` §1.

/// One parsed index statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexSql {
    /// `UNIQUE`.
    pub unique: bool,
    /// `IF NOT EXISTS`.
    pub optional: bool,
    /// Index name, unquoted.
    pub name: String,
    /// Table name, unquoted.
    pub table: String,
    /// The column list text between the parentheses.
    pub columns: String,
    /// The `WHERE` clause text, if any.
    pub where_clause: Option<String>,
}

impl IndexSql {
    /// Parses a statement; `None` when it is not a CREATE INDEX statement.
    pub fn parse(sql: &str) -> Option<Self> {
        let mut rest = sql.trim().trim_end_matches(';').trim();
        rest = strip_keyword(rest, "CREATE")?;
        let unique = strip_keyword(rest, "UNIQUE");
        if let Some(r) = unique {
            rest = r;
        }
        rest = strip_keyword(rest, "INDEX")?;
        let mut optional = false;
        if let Some(r) = strip_keyword(rest, "IF")
            .and_then(|r| strip_keyword(r, "NOT"))
            .and_then(|r| strip_keyword(r, "EXISTS"))
        {
            rest = r;
            optional = true;
        }
        let (name, r) = identifier(rest)?;
        let r = strip_keyword(r, "ON")?;
        let (table, r) = identifier(r)?;
        let r = r.trim_start().strip_prefix('(')?;
        let close = matching_paren(r)?;
        let columns = r[..close].trim().to_owned();
        if columns.is_empty() {
            return None;
        }
        let after = r[close + 1..].trim();
        let where_clause = if after.is_empty() {
            None
        } else {
            Some(strip_keyword(after, "WHERE")?.trim().to_owned()).filter(|w| !w.is_empty())
        };
        if !after.is_empty() && where_clause.is_none() {
            return None;
        }
        Some(Self { unique: unique.is_some(), optional, name, table, columns, where_clause })
    }

    /// The statement for table `table` in PocketBase's canonical form (names and plain
    /// columns backtick-quoted).
    pub fn to_sql_for(&self, table: &str) -> String {
        let columns: Vec<String> =
            split_columns(&self.columns).iter().map(|c| quote_column(c)).collect();
        let mut sql = format!(
            "CREATE {}INDEX {}`{}` ON `{}` ({})",
            if self.unique { "UNIQUE " } else { "" },
            if self.optional { "IF NOT EXISTS " } else { "" },
            self.name,
            table,
            columns.join(", ")
        );
        if let Some(where_clause) = &self.where_clause {
            sql.push_str(" WHERE ");
            sql.push_str(where_clause);
        }
        sql
    }

    /// The single indexed column (unquoted), when the index has exactly one plain column.
    pub fn single_column(&self) -> Option<String> {
        if self.columns.contains(',') {
            return None;
        }
        let mut words = self.columns.split_whitespace();
        let column = words.next()?;
        let rest: Vec<&str> = words.collect();
        let plain = rest.is_empty()
            || rest.iter().all(|w| {
                matches!(
                    w.to_ascii_uppercase().as_str(),
                    "ASC" | "DESC" | "COLLATE" | "NOCASE" | "BINARY" | "RTRIM"
                )
            });
        plain.then(|| unquote(column))
    }

    /// Whether the single column compares case-insensitively (`COLLATE NOCASE`).
    pub fn is_nocase(&self) -> bool {
        self.columns.to_ascii_uppercase().contains("NOCASE")
    }
}

fn split_columns(columns: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in columns.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(columns[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(columns[start..].trim());
    parts
}

/// `name [COLLATE x] [ASC|DESC]` with the name backtick-quoted; expressions stay as written.
fn quote_column(column: &str) -> String {
    let mut words = column.splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or_default();
    let rest = words.next().map(str::trim).unwrap_or_default();
    let name = unquote(first);
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return column.to_owned();
    }
    if rest.is_empty() { format!("`{name}`") } else { format!("`{name}` {rest}") }
}

fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let text = text.trim_start();
    let head = text.get(..keyword.len())?;
    let next = text[keyword.len()..].chars().next();
    (head.eq_ignore_ascii_case(keyword) && next.is_none_or(|c| !c.is_alphanumeric() && c != '_'))
        .then(|| &text[keyword.len()..])
}

fn identifier(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    let first = text.chars().next()?;
    let (close, start) = match first {
        '`' => ('`', 1),
        '"' => ('"', 1),
        '[' => (']', 1),
        _ => {
            let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
            if end == 0 {
                return None;
            }
            return Some((text[..end].to_owned(), &text[end..]));
        }
    };
    let end = text[start..].find(close)? + start;
    let name = &text[start..end];
    (!name.is_empty()).then(|| (name.to_owned(), &text[end + 1..]))
}

fn matching_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return Some(i),
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    None
}

fn unquote(text: &str) -> String {
    text.trim_matches(|c| matches!(c, '`' | '"' | '[' | ']')).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pocketbase_index_statements() {
        let index = IndexSql::parse(
            "CREATE UNIQUE INDEX `idx_email_pbc_1` ON `users` (`email`) WHERE `email` != ''",
        )
        .unwrap();
        assert!(index.unique);
        assert_eq!(index.name, "idx_email_pbc_1");
        assert_eq!(index.table, "users");
        assert_eq!(index.single_column().as_deref(), Some("email"));
        assert_eq!(index.where_clause.as_deref(), Some("`email` != ''"));
        let plain = IndexSql::parse("create index idx_x on t2 (title, n)").unwrap();
        assert!(!plain.unique);
        assert!(plain.single_column().is_none());
        assert_eq!(plain.to_sql_for("t3"), "CREATE INDEX `idx_x` ON `t3` (`title`, `n`)");
        for bad in [
            "bad sql",
            "CREATE INDEX ON t (a)",
            "CREATE INDEX i ON t ()",
            "CREATE INDEX i ON t (a) garbage",
        ] {
            assert!(IndexSql::parse(bad).is_none(), "{bad}");
        }
    }
}
