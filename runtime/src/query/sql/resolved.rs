//! A resolved operand: its SQL expression (with `?N` placeholders), the parameters it uses,
//! its NULL/empty normalisation preference, the "all values" subquery of a multi-valued path,
//! and what to wrap around the finished comparison. Plus identifier quoting.
//! See `../shared/spec/filters-and-rules.md` §2 and §5.

/// How `=`/`!=` treat NULL and `''` for an operand (PocketBase's `NullFallbackPreference`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum NullFallback {
    /// `''` and NULL compare equal; direct comparison when the other side is known non-empty.
    #[default]
    Auto,
    /// `IS`/`IS NOT`, no COALESCE (json values, functions).
    Disabled,
    /// Never assume non-empty (strftime results).
    Enforced,
}

/// What to wrap around the comparison an operand took part in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum After {
    /// Nothing.
    #[default]
    None,
    /// `AND <alias>.emailVisibility = TRUE` (email of an auth collection in a client filter).
    EmailVisible(String),
    /// `NOT (...)` (the value side of a multi-match subquery).
    Not,
}

/// The subquery listing every value of a multi-valued path for the current row, used for the
/// "every value" constraint of plain operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MultiMatch {
    /// The alias of the row the subquery belongs to.
    pub target_alias: String,
    /// The table the subquery starts from (the same collection as the row).
    pub from_table: String,
    /// Its alias inside the subquery.
    pub from_alias: String,
    /// `LEFT JOIN ...` clauses.
    pub joins: Vec<String>,
    /// The value expression.
    pub value: String,
}

impl MultiMatch {
    /// `SELECT <value> AS multiMatchValue FROM ... WHERE <from>.id = <target>.id`.
    pub(crate) fn to_sql(&self) -> String {
        let mut sql = String::with_capacity(128 + self.value.len());
        sql.push_str("SELECT ");
        sql.push_str(&self.value);
        sql.push_str(" AS `multiMatchValue` FROM ");
        push_ident(&mut sql, &self.from_table);
        sql.push(' ');
        push_ident(&mut sql, &self.from_alias);
        for join in &self.joins {
            sql.push(' ');
            sql.push_str(join);
        }
        sql.push_str(" WHERE ");
        push_column(&mut sql, &self.from_alias, "id");
        sql.push_str(" = ");
        push_column(&mut sql, &self.target_alias, "id");
        sql
    }
}

/// One resolved operand.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Resolved {
    /// The SQL expression.
    pub sql: String,
    /// Indexes (0-based) of the shared parameters this operand counts as its own.
    pub params: Vec<usize>,
    /// `=`/`!=` normalisation.
    pub null_fallback: NullFallback,
    /// The "every value" subquery when the operand is multi-valued.
    pub multi: Option<Box<MultiMatch>>,
    /// Wrapper for the finished comparison.
    pub after: After,
    /// Whether the `~` wrapping was already applied to this operand's parameters.
    pub like_wrapped: bool,
}

impl Resolved {
    /// A fixed SQL expression without parameters (`NULL`, `1`, a column).
    pub(crate) fn raw(sql: impl Into<String>) -> Self {
        Self { sql: sql.into(), ..Self::default() }
    }

    /// SQL `NULL`.
    pub(crate) fn null() -> Self {
        Self::raw("NULL")
    }

    /// A single bound parameter.
    pub(crate) fn param(index: usize) -> Self {
        Self { sql: placeholder(index), params: vec![index], ..Self::default() }
    }
}

/// `?N` for the 0-based parameter `index`.
pub(crate) fn placeholder(index: usize) -> String {
    format!("?{}", index + 1)
}

/// Appends `name` quoted with backticks (backticks doubled).
pub(crate) fn push_ident(out: &mut String, name: &str) {
    out.push('`');
    for c in name.chars() {
        if c == '`' {
            out.push('`');
        }
        out.push(c);
    }
    out.push('`');
}

/// `name` quoted with backticks.
pub(crate) fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_ident(&mut out, name);
    out
}

/// Appends `` `alias`.`name` ``.
pub(crate) fn push_column(out: &mut String, alias: &str, name: &str) {
    push_ident(out, alias);
    out.push('.');
    push_ident(out, name);
}

/// `` `alias`.`name` ``.
pub(crate) fn column(alias: &str, name: &str) -> String {
    let mut out = String::with_capacity(alias.len() + name.len() + 5);
    push_column(&mut out, alias, name);
    out
}

/// PocketBase's `inflector.Columnify`: drops every character outside `[A-Za-z0-9_.*\-@#]`.
pub(crate) fn columnify(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*' | '-' | '@' | '#'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_subqueries_rendered() {
        assert_eq!(ident("a`b"), "`a``b`");
        assert_eq!(column("posts", "title"), "`posts`.`title`");
        assert_eq!(columnify("arr:length"), "arrlength");
        let mm = MultiMatch {
            target_alias: "posts".to_owned(),
            from_table: "posts".to_owned(),
            from_alias: "__mm_posts".to_owned(),
            joins: vec!["LEFT JOIN `tags` `t`".to_owned()],
            value: "`t`.`name`".to_owned(),
        };
        assert_eq!(
            mm.to_sql(),
            "SELECT `t`.`name` AS `multiMatchValue` FROM `posts` `__mm_posts` LEFT JOIN `tags` `t` \
             WHERE `__mm_posts`.`id` = `posts`.`id`"
        );
        assert_eq!(Resolved::param(0).sql, "?1");
    }
}
