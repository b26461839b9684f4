//! PocketBase's filter language (the `filter` query parameter, API rules, realtime subscription
//! filters) and the `sort` parameter: lexer, parser and syntax tree, with the length,
//! expression-count and nesting limits. Pure: resolution against collections and SQL building
//! happen later, on the returned tree. See `../shared/spec/filters-and-rules.md` §1–§4 and §7.
//!
//! ```text
//! expr     := operand SIGN operand | '(' exprList ')'
//! exprList := expr (('&&' | '||') expr)*
//! operand  := identifier | number | text | function
//! ```

pub mod ast;
pub mod condition;
mod display;
pub mod error;
pub mod functions;
pub mod ident;
pub mod lexer;
mod parser;
pub mod sort;

pub use ast::{
    Comparison, Expr, ExprList, Function, Group, Identifier, Join, JoinedExpr, Literal,
    LiteralValue, Number, Op, Operand, Sign, Span, Text,
};
pub use condition::Condition;
pub use error::{FilterError, FilterErrorKind};
pub use functions::KnownFunction;
pub use ident::{IdentPath, IdentRoot, Macro, Modifier};
pub use sort::{SortDirection, SortItem, SortTarget, parse_sort};

/// Longest `filter` query parameter, in bytes (PocketBase compares Go `len`, i.e. bytes).
pub const MAX_FILTER_LEN: usize = 3500;

/// Most comparison expressions in one filter or rule (PocketBase applies it to both).
pub const MAX_COMPARISONS: usize = 200;

/// Deepest parenthesis nesting. PocketBase has no explicit limit; 64 is far beyond any real
/// filter and keeps the recursive parser's stack use small and bounded.
pub const MAX_GROUP_DEPTH: usize = 64;

/// Deepest function-call nesting: a function argument may itself be a call, two levels down
/// (`a(b(c(1)))` parses, `a(b(c(d(1))))` does not).
pub const MAX_FUNCTION_DEPTH: usize = 3;

/// The limits one parse runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest input in bytes; `None` for no limit.
    pub max_len: Option<usize>,
    /// Most comparison expressions.
    pub max_comparisons: usize,
    /// Deepest parenthesis nesting.
    pub max_group_depth: usize,
}

impl Limits {
    /// For a client-supplied `filter` parameter.
    pub const FILTER: Limits = Limits {
        max_len: Some(MAX_FILTER_LEN),
        max_comparisons: MAX_COMPARISONS,
        max_group_depth: MAX_GROUP_DEPTH,
    };

    /// For a rule stored on a collection: no length limit, the other limits unchanged.
    pub const RULE: Limits = Limits { max_len: None, ..Limits::FILTER };
}

/// Parses a client `filter` parameter (at most [`MAX_FILTER_LEN`] bytes) and checks its
/// function calls.
pub fn parse_filter(input: &str) -> Result<ExprList, FilterError> {
    parse_with_limits(input, &Limits::FILTER)
}

/// Parses an API rule or other server-side filter: like [`parse_filter`] without the length
/// limit.
pub fn parse_rule(input: &str) -> Result<ExprList, FilterError> {
    parse_with_limits(input, &Limits::RULE)
}

/// Parses under explicit limits and checks function names and arguments.
pub fn parse_with_limits(input: &str, limits: &Limits) -> Result<ExprList, FilterError> {
    let list = parser::parse_expr_list(input, limits)?;
    functions::check_functions(&list)?;
    Ok(list)
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_from_the_spec_parse() {
        let cases = [
            "published = false || title = 'With files' && views = 3",
            "title ~ 'Post%bob'",
            "title:lower = 'hello world'",
            "meta.n > 2",
            "meta = null",
            "publishedAt = ''",
            "created > @todayStart && created <= @now",
            "comments_via_post.user.name ?= 'Bob'",
            "(views > 10 || title = 'Zero') && published = false",
            "views > 10 // a comment",
            "title = \"back\\\\slash \\\"q\\\" it's\"",
            "tags.name != 'rust'",
            "labels:each ?= 'a'",
            "@collection.tags.name ?= 'go' && tags.id ?= @collection.tags.id",
            "@collection.tags:t.name = 'go'",
            "geoDistance(location.lon, location.lat, 23.3, 42.7) < 10",
            "strftime('%Y', created) = '2026'",
            "@request.headers.x_key = \"abc\" || owner = @request.auth.id",
            "@request.auth.id != \"\" && @request.body.owner = @request.auth.id && \
             @request.body.tags:length <= 2 && @request.method = \"POST\"",
            "owner = @request.auth.id && @request.body.owner:changed = false && \
             (@request.body.n:isset = false || @request.body.n > n)",
            "owner = @request.auth.id && @request.context != \"batch\"",
            "@rowid > 0",
        ];
        for input in cases {
            assert!(parse_filter(input).is_ok(), "{input}: {:?}", parse_filter(input));
            assert!(parse_rule(input).is_ok(), "{input}");
        }
        let list = parse_filter("title = \"back\\\\slash \\\"q\\\" it's\"").unwrap();
        let Expr::Comparison(comparison) = &list.first else { panic!() };
        let Operand::Text(text) = &comparison.right else { panic!() };
        assert_eq!(text.value, "back\\slash \"q\" it's");
    }

    #[test]
    fn public_parsers_check_function_calls() {
        let unknown = FilterErrorKind::UnknownFunction("nope".to_owned());
        assert_eq!(parse_filter("nope(1) = 1"), Err(FilterError::new(0, unknown.clone())));
        assert_eq!(parse_rule("a = 1 || nope(1) = 1"), Err(FilterError::new(9, unknown)));
        let deep = FilterErrorKind::FunctionTooDeep { max: MAX_FUNCTION_DEPTH };
        assert_eq!(parse_filter("a(b(c(d(1)))) = 1"), Err(FilterError::new(6, deep)));
    }

    #[test]
    fn the_length_limit_applies_to_filters_not_rules() {
        let exact = format!("a = '{}'", "x".repeat(MAX_FILTER_LEN - 6));
        assert_eq!(exact.len(), MAX_FILTER_LEN);
        assert!(parse_filter(&exact).is_ok());
        let over = format!("a = '{}'", "x".repeat(MAX_FILTER_LEN - 5));
        let too_long = FilterErrorKind::TooLong { max: MAX_FILTER_LEN };
        assert_eq!(parse_filter(&over), Err(FilterError::new(MAX_FILTER_LEN, too_long.clone())));
        assert!(parse_rule(&over).is_ok());
        // Bytes, not characters: 1750 two-byte characters already fill the limit.
        let wide = format!("a = '{}'", "é".repeat(1750));
        assert_eq!(parse_filter(&wide), Err(FilterError::new(MAX_FILTER_LEN, too_long)));
        assert!(parse_rule(&format!("a = '{}'", "x".repeat(100_000))).is_ok());
    }

    fn chain(count: usize) -> String {
        (0..count).map(|i| format!("f{i} = {i}")).collect::<Vec<_>>().join(" && ")
    }

    #[test]
    fn at_most_200_comparisons_are_accepted() {
        let ok = chain(MAX_COMPARISONS);
        assert_eq!(parse_filter(&ok).map(|list| list.comparisons().len()), Ok(MAX_COMPARISONS));
        let over = chain(MAX_COMPARISONS + 1);
        let offset = over.rfind("f200").unwrap();
        let kind = FilterErrorKind::TooManyComparisons { max: MAX_COMPARISONS };
        assert_eq!(parse_rule(&over), Err(FilterError::new(offset, kind.clone())));
        // Comparisons inside groups count too.
        let grouped = format!("({}) || ({})", chain(100), chain(101));
        assert_eq!(parse_rule(&grouped).map(|_| ()).map_err(|e| e.kind), Err(kind));
    }

    #[test]
    fn deep_and_huge_inputs_fail_cleanly() {
        let nested = |depth: usize| format!("{}a = 1{}", "(".repeat(depth), ")".repeat(depth));
        assert!(parse_filter(&nested(MAX_GROUP_DEPTH)).is_ok());
        let too_deep = FilterErrorKind::TooDeep { max: MAX_GROUP_DEPTH };
        let expected = Err(FilterError::new(MAX_GROUP_DEPTH, too_deep));
        assert_eq!(parse_filter(&nested(MAX_GROUP_DEPTH + 1)), expected);
        assert_eq!(parse_rule(&nested(100_000)), expected);
        assert_eq!(parse_rule(&"(".repeat(100_000)), expected);
        let ten_k = nested(5_000);
        assert_eq!(ten_k.len(), 10_005);
        let too_long = FilterErrorKind::TooLong { max: MAX_FILTER_LEN };
        assert_eq!(parse_filter(&ten_k), Err(FilterError::new(MAX_FILTER_LEN, too_long)));

        let calls = format!("{}1{} = 1", "f(".repeat(50_000), ")".repeat(50_000));
        let deep_call = FilterErrorKind::FunctionTooDeep { max: MAX_FUNCTION_DEPTH };
        assert_eq!(parse_rule(&calls), Err(FilterError::new(6, deep_call)));

        let many = chain(20_000);
        let kind = FilterErrorKind::TooManyComparisons { max: MAX_COMPARISONS };
        assert_eq!(parse_rule(&many).map_err(|e| e.kind), Err(kind));
        assert!(parse_rule(&"a".repeat(100_000)).is_err());
        assert!(parse_rule(&"&".repeat(100_000)).is_err());
        assert!(parse_rule(&format!("a = {}", "9".repeat(10_000))).is_ok());
        assert!(parse_rule(&format!("a = -{}.5", "9".repeat(400))).is_ok());
    }

    #[test]
    fn limits_constants_describe_the_presets() {
        assert_eq!(Limits::FILTER.max_len, Some(3500));
        assert_eq!(Limits::RULE.max_len, None);
        for limits in [Limits::FILTER, Limits::RULE] {
            assert_eq!(limits.max_comparisons, 200);
            assert_eq!(limits.max_group_depth, 64);
        }
    }
}
