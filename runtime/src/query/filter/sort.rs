//! Parses the `sort` parameter (`-created,+title,@random`) into typed items: a direction and a
//! target (`@random`, `@rowid` or an identifier path resolved later like a filter identifier).
//! At most 8 items, each name at most 255 bytes. See `../shared/spec/filters-and-rules.md` §7.

use super::ast::{Identifier, Span};
use super::error::{FilterError, FilterErrorKind};
use super::lexer::{Lexer, TokenKind};

/// Most sort items in one `sort` parameter.
pub const MAX_SORT_ITEMS: usize = 8;

/// Longest sort field name, in bytes (without the `-`/`+` prefix).
pub const MAX_SORT_FIELD_LEN: usize = 255;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortDirection {
    /// No prefix or `+`.
    Asc,
    /// `-` prefix.
    Desc,
}

impl SortDirection {
    /// `ASC` or `DESC`.
    pub fn as_sql(self) -> &'static str {
        match self {
            SortDirection::Asc => "ASC",
            SortDirection::Desc => "DESC",
        }
    }
}

/// What a sort item orders by.
#[derive(Debug, Clone, PartialEq)]
pub enum SortTarget {
    /// `@random` → `RANDOM()` (direction ignored).
    Random,
    /// `@rowid` → the main table's `_rowid_`.
    RowId,
    /// A field / relation / JSON path, resolved like a filter identifier; it must resolve to a
    /// plain column. Macros and `null`/`true`/`false` land here too and fail there.
    Field(Identifier),
}

/// One comma-separated item of `sort`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    /// Ascending or descending.
    pub direction: SortDirection,
    /// What to order by.
    pub target: SortTarget,
    /// Where the name (without prefix and surrounding spaces) is in the `sort` string.
    pub span: Span,
}

/// Parses a `sort` parameter. An empty string means no sorting; anything else is split on
/// `,`, each item trimmed, then a leading `-` means descending and a leading `+` ascending.
pub fn parse_sort(input: &str) -> Result<Vec<SortItem>, FilterError> {
    // compat: PocketBase only skips an empty `sort`; `sort= ` is one empty (invalid) item.
    if input.is_empty() {
        return Ok(Vec::new());
    }
    let mut starts = Vec::new();
    let mut offset = 0;
    for raw in input.split(',') {
        starts.push((offset, raw));
        offset += raw.len() + 1;
    }
    if let Some(&(offset, _)) = starts.get(MAX_SORT_ITEMS) {
        let max = MAX_SORT_ITEMS;
        return Err(FilterError::new(offset, FilterErrorKind::TooManySortFields { max }));
    }
    starts.into_iter().map(|(offset, raw)| parse_item(offset, raw)).collect()
}

fn parse_item(offset: usize, raw: &str) -> Result<SortItem, FilterError> {
    let trimmed = raw.trim();
    let mut start = offset + (raw.len() - raw.trim_start().len());
    let (direction, name) = if let Some(name) = trimmed.strip_prefix('-') {
        (SortDirection::Desc, name)
    } else if let Some(name) = trimmed.strip_prefix('+') {
        (SortDirection::Asc, name)
    } else {
        (SortDirection::Asc, trimmed)
    };
    start += trimmed.len() - name.len();
    let span = Span::new(start, start + name.len());
    if name.len() > MAX_SORT_FIELD_LEN {
        let max = MAX_SORT_FIELD_LEN;
        return Err(FilterError::new(start, FilterErrorKind::SortFieldTooLong { max }));
    }
    if name.is_empty() {
        return Err(FilterError::new(start, FilterErrorKind::EmptySortField));
    }
    let target = match name {
        "@random" => SortTarget::Random,
        "@rowid" => SortTarget::RowId,
        _ if is_single_identifier(name) => SortTarget::Field(Identifier::new(name, span)),
        _ => {
            let kind = FilterErrorKind::InvalidSortField(name.to_owned());
            return Err(FilterError::new(start, kind));
        }
    };
    Ok(SortItem { direction, target, span })
}

/// Whether `name` is exactly one identifier token under the filter lexer's rules.
fn is_single_identifier(name: &str) -> bool {
    let mut lexer = Lexer::new(name);
    match lexer.next_token() {
        Ok(Some(token)) => {
            token.kind == TokenKind::Identifier
                && token.span == Span::new(0, name.len())
                && matches!(lexer.next_token(), Ok(None))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::ident::{IdentRoot, Modifier};
    use SortDirection::{Asc, Desc};

    /// `(direction, name)` per item; `@random`/`@rowid` by their text.
    fn items(input: &str) -> Vec<(SortDirection, String)> {
        let parsed = parse_sort(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        parsed
            .into_iter()
            .map(|item| {
                assert_eq!(
                    &input[item.span.start..item.span.end],
                    match &item.target {
                        SortTarget::Random => "@random",
                        SortTarget::RowId => "@rowid",
                        SortTarget::Field(identifier) => identifier.raw.as_str(),
                    },
                    "span of {item:?} in {input:?}"
                );
                let name = match item.target {
                    SortTarget::Random => "<random>".to_owned(),
                    SortTarget::RowId => "<rowid>".to_owned(),
                    SortTarget::Field(identifier) => identifier.raw,
                };
                (item.direction, name)
            })
            .collect()
    }

    #[test]
    fn items_parse_with_their_direction() {
        let owned = |list: &[(SortDirection, &str)]| -> Vec<(SortDirection, String)> {
            list.iter().map(|(d, n)| (*d, (*n).to_owned())).collect()
        };
        let cases: Vec<(&str, Vec<(SortDirection, &str)>)> = vec![
            ("", vec![]),
            ("created", vec![(Asc, "created")]),
            ("-created", vec![(Desc, "created")]),
            ("+title", vec![(Asc, "title")]),
            ("-a,+b,c", vec![(Desc, "a"), (Asc, "b"), (Asc, "c")]),
            (" -a , +b ,c ", vec![(Desc, "a"), (Asc, "b"), (Asc, "c")]),
            ("@random", vec![(Asc, "<random>")]),
            ("-@random", vec![(Desc, "<random>")]),
            ("@rowid,-@rowid", vec![(Asc, "<rowid>"), (Desc, "<rowid>")]),
            ("author.name", vec![(Asc, "author.name")]),
            ("-meta.a.0", vec![(Desc, "meta.a.0")]),
            ("title:lower", vec![(Asc, "title:lower")]),
            ("@request.auth.id", vec![(Asc, "@request.auth.id")]),
            ("@now", vec![(Asc, "@now")]),
            ("null", vec![(Asc, "null")]),
            (
                "a,b,c,d,e,f,g,h",
                vec![
                    (Asc, "a"),
                    (Asc, "b"),
                    (Asc, "c"),
                    (Asc, "d"),
                    (Asc, "e"),
                    (Asc, "f"),
                    (Asc, "g"),
                    (Asc, "h"),
                ],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(items(input), owned(&expected), "{input:?}");
        }
    }

    #[test]
    fn field_items_carry_their_identifier_path() {
        let parsed = parse_sort("-@collection.users:u.name:lower").unwrap();
        let SortTarget::Field(identifier) = &parsed[0].target else { panic!() };
        assert_eq!(
            identifier.path.root,
            IdentRoot::Collection { name: "users".to_owned(), alias: Some("u".to_owned()) }
        );
        assert_eq!(identifier.path.parts, vec!["name".to_owned()]);
        assert_eq!(identifier.path.modifier, Some(Modifier::Lower));
        assert_eq!(identifier.span, Span::new(1, 31));
    }

    #[test]
    fn invalid_items_are_errors_with_offsets() {
        let long = "a".repeat(MAX_SORT_FIELD_LEN + 1);
        let exact = "a".repeat(MAX_SORT_FIELD_LEN);
        assert_eq!(items(&format!("-{exact}")), vec![(Desc, exact)]);
        let invalid = |name: &str| FilterErrorKind::InvalidSortField(name.to_owned());
        let cases = [
            (" ".to_owned(), 1, FilterErrorKind::EmptySortField),
            ("a,".to_owned(), 2, FilterErrorKind::EmptySortField),
            ("a,,b".to_owned(), 2, FilterErrorKind::EmptySortField),
            ("-".to_owned(), 1, FilterErrorKind::EmptySortField),
            ("a, +".to_owned(), 4, FilterErrorKind::EmptySortField),
            ("- a".to_owned(), 1, invalid(" a")),
            ("--a".to_owned(), 1, invalid("-a")),
            ("+-a".to_owned(), 1, invalid("-a")),
            ("a b".to_owned(), 0, invalid("a b")),
            ("a.".to_owned(), 0, invalid("a.")),
            ("@".to_owned(), 0, invalid("@")),
            ("f(a)".to_owned(), 0, invalid("f(a)")),
            ("'a'".to_owned(), 0, invalid("'a'")),
            ("1".to_owned(), 0, invalid("1")),
            ("a //c".to_owned(), 0, invalid("a //c")),
            ("x,a=1".to_owned(), 2, invalid("a=1")),
            (format!("x,-{long}"), 3, FilterErrorKind::SortFieldTooLong { max: 255 }),
            ("a,b,c,d,e,f,g,h,i".to_owned(), 16, FilterErrorKind::TooManySortFields { max: 8 }),
            ("a,b,c,d,e,f,g,h,".to_owned(), 16, FilterErrorKind::TooManySortFields { max: 8 }),
        ];
        for (input, offset, kind) in cases {
            assert_eq!(parse_sort(&input), Err(FilterError::new(offset, kind)), "{input:?}");
        }
    }

    #[test]
    fn directions_render_as_sql() {
        assert_eq!(Asc.as_sql(), "ASC");
        assert_eq!(Desc.as_sql(), "DESC");
    }
}
