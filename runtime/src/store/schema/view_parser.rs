//! PocketBase's raw reading of a view query (`core/view.go`, `identifiersParser`): comments
//! blanked, join keywords and `WHERE`/`GROUP BY`/`HAVING`/`ORDER`/`LIMIT`/`WITH` marked with
//! regexes, then the text between `SELECT` and `FROM` split into columns and the text after
//! `FROM`/`JOIN` (up to `ON`) into tables, each as `original [AS] alias`.
//!
//! This is deliberately not a SQL parser, and SQLite's column metadata (origin table/column) is
//! deliberately not used: PocketBase's field inference, the queries it accepts and its error
//! texts all follow from this text processing, so it is reproduced as is. Consequences, all
//! captured from PocketBase 0.40.6:
//! - `*` and `t.*` columns are refused;
//! - a column expression with spaces outside parentheses (`a || b AS c`) is refused
//!   (`invalid identifier parts [...]`); wrap it in parentheses to get a json field;
//! - `UNION` ends up in the table list and is refused (`expected "as", got union`);
//! - joins: `alias.column` resolves through the alias of its table; an unprefixed column only
//!   against the main (first `FROM`) table, even when it comes from a joined one;
//! - a leading `WITH` CTE and sub-selects in `FROM` are not collections, so their columns
//!   become json fields (`id` excepted).
//!
//! See `../shared/spec/collections-and-fields.md` §1.

use std::sync::LazyLock;

use regex::Regex;

use super::view_tokenizer::Tokenizer;

// Go's `\s` is ASCII `[\t\n\f\r ]`; Rust's is Unicode, hence the explicit classes.
static COMMENTS: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)(/\*[\s\S]*?\*/)|(--.+$)").ok());
static JOINS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?im)[\t\n\f\r ]+(full[\t\n\f\r ]+outer[\t\n\f\r ]+join|left[\t\n\f\r ]+outer[\t\n\f\r ]+join|right[\t\n\f\r ]+outer[\t\n\f\r ]+join|full[\t\n\f\r ]+join|cross[\t\n\f\r ]+join|inner[\t\n\f\r ]+join|outer[\t\n\f\r ]+join|left[\t\n\f\r ]+join|right[\t\n\f\r ]+join|join)[\t\n\f\r ]+?",
    )
    .ok()
});
static DISCARDS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?im)[\t\n\f\r ]+(where|group[\t\n\f\r ]+by|having|order|limit|with)[\t\n\f\r ]+?")
        .ok()
});
static CAST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?is)^cast[\t\n\f\r ]*\(.*[\t\n\f\r ]+as[\t\n\f\r ]+([0-9A-Za-z_]+)[\t\n\f\r ]*\)$",
    )
    .ok()
});

/// A column or table of the query: the expression as written and the name it goes by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identifier {
    /// The expression (`t.title`, `count(*)`), outer identifier quotes removed.
    pub original: String,
    /// The alias, or the last dotted part of the expression.
    pub alias: String,
}

/// The columns and tables PocketBase sees in a view query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Select-list entries, in order.
    pub columns: Vec<Identifier>,
    /// `FROM` tables, then `JOIN` tables; the first is the main table.
    pub tables: Vec<Identifier>,
}

/// Reads `query` as PocketBase does; `Err` carries PocketBase's raw error text.
pub fn parse_query(query: &str) -> Result<ParsedQuery, String> {
    let mut text = query.trim().trim_matches(';').to_owned();
    for (regex, replacement) in
        [(&COMMENTS, " "), (&JOINS, " __pb_join__ "), (&DISCARDS, " __pb_discard__ ")]
    {
        if let Some(regex) = regex.as_ref() {
            text = regex.replace_all(&text, replacement).into_owned();
        }
    }
    let tokens = Tokenizer::new(&[',', ' ', '\n', '\t']).keep_separator().scan_all(&text)?;
    #[derive(PartialEq)]
    enum Part {
        None,
        Select,
        From,
        Join,
    }
    let (mut select, mut from, mut join) = (String::new(), String::new(), String::new());
    let mut part = Part::None;
    let mut skip = false;
    for token in tokens {
        match token.trim().to_lowercase().as_str() {
            "select" => (skip, part) = (false, Part::Select),
            "distinct" => {}
            "from" => (skip, part) = (false, Part::From),
            "__pb_join__" => {
                skip = false;
                if part == Part::Join {
                    join.push(',');
                }
                part = Part::Join;
            }
            "__pb_discard__" => skip = true,
            trimmed => {
                if part == Part::Join && trimmed == "on" {
                    skip = true;
                }
                let target = match part {
                    Part::None => None,
                    Part::Select => Some(&mut select),
                    Part::From => Some(&mut from),
                    Part::Join => Some(&mut join),
                };
                if let Some(target) = target.filter(|_| !skip) {
                    target.push(' ');
                    target.push_str(&token);
                }
            }
        }
    }
    let mut tables = extract_identifiers(&from)?;
    tables.extend(extract_identifiers(&join)?);
    Ok(ParsedQuery { columns: extract_identifiers(&select)?, tables })
}

fn extract_identifiers(raw: &str) -> Result<Vec<Identifier>, String> {
    Tokenizer::new(&[','])
        .scan_all(raw)?
        .iter()
        .map(|item| identifier_from_parts(&Tokenizer::new(&[' ', '\n', '\t']).scan_all(item)?))
        .collect()
}

fn identifier_from_parts(parts: &[String]) -> Result<Identifier, String> {
    let (original, alias) = match parts {
        [original, keyword, alias] => {
            if !keyword.eq_ignore_ascii_case("as") {
                return Err(format!("invalid identifier part - expected \"as\", got {keyword}"));
            }
            (original.as_str(), alias.as_str())
        }
        [original, alias] => (original.as_str(), alias.as_str()),
        [original] => (original.as_str(), original.rsplit('.').next().unwrap_or(original)),
        _ => return Err(format!("invalid identifier parts [{}]", parts.join(" "))),
    };
    Ok(Identifier {
        original: trim_raw_identifier(original, "`\"[];"),
        alias: trim_raw_identifier(alias, "`\"[];'"),
    })
}

fn trim_raw_identifier(raw: &str, cutset: &str) -> String {
    let cutset: Vec<char> = cutset.chars().collect();
    raw.split('.').map(|part| part.trim_matches(cutset.as_slice())).collect::<Vec<_>>().join(".")
}

/// The type named by a `CAST(... AS type)` column expression (lower case), if it is one.
pub fn cast_type(expression_lower: &str) -> Option<String> {
    CAST.as_ref()?.captures(expression_lower).and_then(|c| c.get(1)).map(|m| m.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(original: &str, alias: &str) -> Identifier {
        Identifier { original: original.into(), alias: alias.into() }
    }

    #[test]
    fn reads_columns_aliases_and_tables() {
        let parsed = parse_query(
            "SELECT DISTINCT t2.id, t2.title, (t2.n*2) as doubled, count(*) c, \
             cast(n as integer) AS `ni` /* x, y */ FROM `t2` a -- trailing\n\
             LEFT JOIN t3 AS b ON b.x = a.y join t4 on 1 WHERE a.n > 1 GROUP BY t2.id;",
        )
        .unwrap();
        assert_eq!(
            parsed.columns,
            [
                id("t2.id", "id"),
                id("t2.title", "title"),
                id("(t2.n*2)", "doubled"),
                id("count(*)", "c"),
                id("cast(n as integer)", "ni"),
            ]
        );
        assert_eq!(parsed.tables, [id("t2", "a"), id("t3", "b"), id("t4", "t4")]);
    }

    #[test]
    fn refuses_what_pocketbase_refuses() {
        assert_eq!(
            parse_query("select id, title || 1 as x from t2").unwrap_err(),
            "invalid identifier parts [title || 1 as x]"
        );
        assert_eq!(
            parse_query("select id from t2 union select id from t3").unwrap_err(),
            "invalid identifier part - expected \"as\", got union"
        );
    }

    #[test]
    fn recognises_casts() {
        assert_eq!(cast_type("cast(n as integer)").as_deref(), Some("integer"));
        assert_eq!(cast_type("cast( a as b as  real )").as_deref(), Some("real"));
        assert_eq!(cast_type("max(n)"), None);
    }
}
