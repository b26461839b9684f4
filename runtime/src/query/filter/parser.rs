//! Recursive-descent parser from tokens to the filter syntax tree:
//! `expr := operand SIGN operand | '(' exprList ')'`, `exprList := expr (JOIN expr)*`, with
//! generic function calls as operands. Enforces the length, comparison-count, group-depth and
//! function-nesting limits so hostile input gives an error, never a stack overflow.
//! See `../shared/spec/filters-and-rules.md` §1.

use super::ast::{
    Comparison, Expr, ExprList, Function, Group, Identifier, JoinedExpr, Literal, LiteralValue,
    Number, Operand, Span, Text,
};
use super::error::{FilterError, FilterErrorKind};
use super::lexer::{Lexer, Token, TokenKind};
use super::{Limits, MAX_FUNCTION_DEPTH};

/// Parses `input` into a syntax tree under `limits`. Function names and arguments are not
/// checked here (see `functions.rs`).
pub(super) fn parse_expr_list(input: &str, limits: &Limits) -> Result<ExprList, FilterError> {
    if let Some(max) = limits.max_len {
        if input.len() > max {
            return Err(FilterError::new(max, FilterErrorKind::TooLong { max }));
        }
    }
    let mut parser = Parser { lexer: Lexer::new(input), peeked: None, limits, depth: 0, count: 0 };
    if parser.peek()?.is_none() {
        return Err(FilterError::new(0, FilterErrorKind::Empty));
    }
    let (list, _) = parser.list(None)?;
    Ok(list)
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    peeked: Option<Token>,
    limits: &'a Limits,
    /// Current parenthesis depth.
    depth: usize,
    /// Comparisons parsed so far.
    count: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Result<Option<&Token>, FilterError> {
        if self.peeked.is_none() {
            self.peeked = self.lexer.next_token()?;
        }
        Ok(self.peeked.as_ref())
    }

    fn next(&mut self) -> Result<Option<Token>, FilterError> {
        match self.peeked.take() {
            Some(token) => Ok(Some(token)),
            None => self.lexer.next_token(),
        }
    }

    fn end_offset(&self) -> usize {
        self.lexer.input().len()
    }

    fn unexpected(&self, expected: &'static str, found: Option<&Token>) -> FilterError {
        let (offset, found) = match found {
            Some(token) => (token.span.start, token.kind.describe()),
            None => (self.end_offset(), "end of input"),
        };
        FilterError::new(offset, FilterErrorKind::Unexpected { expected, found })
    }

    /// `expr (JOIN expr)*`, up to the end of input (`open` is `None`) or up to the `)` that
    /// closes the `(` at `open`. Returns the list and the closing parenthesis' span.
    fn list(&mut self, open: Option<Span>) -> Result<(ExprList, Option<Span>), FilterError> {
        let first = self.expr()?;
        let mut rest = Vec::new();
        let mut end = first.span().end;
        let close = loop {
            let Some(token) = self.next()? else {
                match open {
                    Some(open) => {
                        return Err(FilterError::new(open.start, FilterErrorKind::UnclosedGroup));
                    }
                    None => break None,
                }
            };
            match token.kind {
                TokenKind::Join(join) => {
                    let expr = self.expr()?;
                    end = expr.span().end;
                    rest.push(JoinedExpr { join, join_span: token.span, expr });
                }
                TokenKind::CloseParen if open.is_some() => break Some(token.span),
                _ => {
                    let expected = if open.is_some() { "&&, || or )" } else { "&& or ||" };
                    return Err(self.unexpected(expected, Some(&token)));
                }
            }
        };
        let span = Span::new(first.span().start, end);
        Ok((ExprList { first, rest, span }, close))
    }

    fn expr(&mut self) -> Result<Expr, FilterError> {
        let Some(token) = self.next()? else {
            return Err(self.unexpected("an expression", None));
        };
        if token.kind == TokenKind::OpenParen {
            return self.group(token.span).map(Expr::Group);
        }
        self.comparison(token).map(|comparison| Expr::Comparison(Box::new(comparison)))
    }

    fn group(&mut self, open: Span) -> Result<Group, FilterError> {
        self.depth += 1;
        let max = self.limits.max_group_depth;
        if self.depth > max {
            return Err(FilterError::new(open.start, FilterErrorKind::TooDeep { max }));
        }
        let (list, close) = self.list(Some(open))?;
        self.depth -= 1;
        let end = close.map_or(list.span.end, |close| close.end);
        Ok(Group { list: Box::new(list), span: Span::new(open.start, end) })
    }

    fn comparison(&mut self, first: Token) -> Result<Comparison, FilterError> {
        self.count += 1;
        let max = self.limits.max_comparisons;
        if self.count > max {
            return Err(FilterError::new(
                first.span.start,
                FilterErrorKind::TooManyComparisons { max },
            ));
        }
        let left = self.operand(first, "an expression")?;
        let sign_token = self.next()?;
        let (sign, sign_span) = match sign_token {
            Some(Token { kind: TokenKind::Sign(sign), span }) => (sign, span),
            other => return Err(self.unexpected("an operator", other.as_ref())),
        };
        let Some(right) = self.next()? else {
            return Err(self.unexpected("an operand", None));
        };
        let right = self.operand(right, "an operand")?;
        let span = Span::new(left.span().start, right.span().end);
        Ok(Comparison { left, sign, sign_span, right, span })
    }

    fn operand(&mut self, token: Token, expected: &'static str) -> Result<Operand, FilterError> {
        let raw = self.lexer.slice(token.span);
        let span = token.span;
        Ok(match token.kind {
            TokenKind::Identifier => match LiteralValue::parse(raw) {
                Some(value) => Operand::Literal(Literal { value, raw: raw.to_owned(), span }),
                None => Operand::Identifier(Identifier::new(raw, span)),
            },
            TokenKind::Number => {
                let value = raw.parse::<f64>().map_err(|_| {
                    FilterError::new(span.start, FilterErrorKind::InvalidNumber(raw.to_owned()))
                })?;
                Operand::Number(Number { raw: raw.to_owned(), value, span })
            }
            TokenKind::Text(value) => {
                let quote = raw.chars().next().unwrap_or('\'');
                Operand::Text(Text { value, quote, span })
            }
            TokenKind::FunctionStart => Operand::Function(self.function(span, 1)?),
            _ => return Err(self.unexpected(expected, Some(&token))),
        })
    }

    /// The arguments of the function whose `name(` is at `start`; `level` is 1 for a function
    /// used directly as an operand.
    fn function(&mut self, start: Span, level: usize) -> Result<Function, FilterError> {
        if level > MAX_FUNCTION_DEPTH {
            let max = MAX_FUNCTION_DEPTH;
            return Err(FilterError::new(start.start, FilterErrorKind::FunctionTooDeep { max }));
        }
        let name_span = Span::new(start.start, start.end - 1);
        let name = self.lexer.slice(name_span).to_owned();
        let mut args = Vec::new();
        let unclosed = FilterError::new(start.start, FilterErrorKind::UnclosedFunction);
        loop {
            // An argument, or `)` (no arguments yet, or after one trailing comma).
            let token = self.next()?.ok_or_else(|| unclosed.clone())?;
            let arg = match token.kind {
                TokenKind::CloseParen => return Ok(finish(name, name_span, args, token.span)),
                TokenKind::FunctionStart => {
                    Operand::Function(self.function(token.span, level + 1)?)
                }
                TokenKind::Identifier | TokenKind::Number | TokenKind::Text(_) => {
                    self.operand(token, "a function argument")?
                }
                _ => return Err(self.unexpected("a function argument or )", Some(&token))),
            };
            args.push(arg);
            let token = self.next()?.ok_or_else(|| unclosed.clone())?;
            match token.kind {
                TokenKind::Comma => {}
                TokenKind::CloseParen => return Ok(finish(name, name_span, args, token.span)),
                _ => return Err(self.unexpected(", or )", Some(&token))),
            }
        }
    }
}

fn finish(name: String, name_span: Span, args: Vec<Operand>, close: Span) -> Function {
    Function { name, name_span, args, span: Span::new(name_span.start, close.end) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::ast::{Join, Op, Sign};
    use crate::query::filter::ident::{IdentRoot, Modifier};

    fn parse(input: &str) -> ExprList {
        parse_expr_list(input, &Limits::RULE).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn parse_error(input: &str) -> FilterError {
        match parse_expr_list(input, &Limits::RULE) {
            Ok(list) => panic!("{input:?} parsed to {list}"),
            Err(error) => error,
        }
    }

    fn only_comparison(list: &ExprList) -> &Comparison {
        assert!(list.rest.is_empty());
        match &list.first {
            Expr::Comparison(comparison) => comparison,
            Expr::Group(group) => panic!("expected a comparison, got {group:?}"),
        }
    }

    #[test]
    fn a_comparison_keeps_operands_sign_and_spans() {
        let list = parse("author.name:lower ?!= 'Bob'");
        let c = only_comparison(&list);
        let Operand::Identifier(left) = &c.left else { panic!("{:?}", c.left) };
        assert_eq!(left.raw, "author.name:lower");
        assert_eq!(left.path.root, IdentRoot::Field);
        assert_eq!(left.path.parts, vec!["author".to_owned(), "name".to_owned()]);
        assert_eq!(left.path.modifier, Some(Modifier::Lower));
        assert_eq!(left.span, Span::new(0, 17));
        assert_eq!(c.sign, Sign { op: Op::Neq, any: true });
        assert_eq!(c.sign_span, Span::new(18, 21));
        let Operand::Text(right) = &c.right else { panic!("{:?}", c.right) };
        assert_eq!(
            (right.value.as_str(), right.quote, right.span),
            ("Bob", '\'', Span::new(22, 27))
        );
        assert_eq!(c.span, Span::new(0, 27));
        assert_eq!(list.span, Span::new(0, 27));
    }

    #[test]
    fn every_operand_kind_parses_on_both_sides() {
        let cases = [
            ("a = b", "a = b"),
            ("1 = a", "1 = a"),
            ("-1.5 >= 2", "-1.5 >= 2"),
            ("\"x\" = 'y'", "'x' = 'y'"),
            ("a = NULL", "a = NULL"),
            ("True != false", "True != false"),
            ("@now > created", "@now > created"),
            ("f() = g(1)", "f() = g(1)"),
            ("a=1&&b=2||c=3", "a = 1 && b = 2 || c = 3"),
            ("((a=1))", "((a = 1))"),
            ("x ~ 'it\\'s \\\\ \\n'", "x ~ 'it\\'s \\\\ \\n'"),
        ];
        for (input, printed) in cases {
            assert_eq!(parse(input).to_string(), printed, "{input}");
        }
        let list = parse("a = NULL");
        let Operand::Literal(literal) = &only_comparison(&list).right else { panic!() };
        assert_eq!((literal.value, literal.raw.as_str()), (LiteralValue::Null, "NULL"));
        let list = parse("n = -1.5");
        let Operand::Number(number) = &only_comparison(&list).right else { panic!() };
        assert_eq!((number.raw.as_str(), number.value), ("-1.5", -1.5));
    }

    #[test]
    fn joins_stay_flat_and_in_source_order() {
        let list = parse("a = 1 || (b = 2 && c = 3) && d = 4");
        let joins: Vec<Join> = list.rest.iter().map(|j| j.join).collect();
        assert_eq!(joins, vec![Join::Or, Join::And]);
        assert_eq!(list.rest[0].join_span, Span::new(6, 8));
        let Expr::Group(group) = &list.rest[0].expr else { panic!() };
        assert_eq!(group.span, Span::new(9, 25));
        assert_eq!(group.list.span, Span::new(10, 24));
        assert_eq!(group.list.rest.len(), 1);
        let names: Vec<String> = list.comparisons().iter().map(|c| c.left.to_string()).collect();
        assert_eq!(names, vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn functions_take_mixed_arguments_and_nest_two_levels() {
        let list = parse("geoDistance(location.lon, location.lat, 23.3, 42.7) < 10");
        let Operand::Function(f) = &only_comparison(&list).left else { panic!() };
        assert_eq!(f.name, "geoDistance");
        assert_eq!(f.name_span, Span::new(0, 11));
        assert_eq!(f.span, Span::new(0, 51));
        assert_eq!(f.args.len(), 4);
        assert!(matches!(&f.args[2], Operand::Number(n) if n.value == 23.3));

        let cases = [
            ("f() = 1", "f() = 1"),
            ("f(a) = 1", "f(a) = 1"),
            ("f(a,) = 1", "f(a) = 1"),
            ("f(  a  ,  b  ,  ) = 1", "f(a, b) = 1"),
            ("f(a, 'x,y', \"b)c\", 1, null) = 1", "f(a, 'x,y', 'b)c', 1, null) = 1"),
            ("f(a //c\n) = 1", "f(a) = 1"),
            ("f(a, //c\n b) = 1", "f(a, b) = 1"),
            ("a(b(c(1))) = 1", "a(b(c(1))) = 1"),
            ("f(a, g(h(b), c), d) = 1", "f(a, g(h(b), c), d) = 1"),
            ("@test:abc() = 1", "@test:abc() = 1"),
        ];
        for (input, printed) in cases {
            assert_eq!(parse(input).to_string(), printed, "{input}");
        }
    }

    #[test]
    fn syntax_errors_carry_their_offset() {
        let unexpected = |expected, found| FilterErrorKind::Unexpected { expected, found };
        let cases = [
            ("", 0, FilterErrorKind::Empty),
            ("  // nothing\n\t", 0, FilterErrorKind::Empty),
            ("a", 1, unexpected("an operator", "end of input")),
            ("a =", 3, unexpected("an operand", "end of input")),
            ("a = b c", 6, unexpected("&& or ||", "an identifier")),
            ("a = b = c", 6, unexpected("&& or ||", "an operator")),
            ("a = 1 &&", 8, unexpected("an expression", "end of input")),
            ("&& a = 1", 0, unexpected("an expression", "&& or ||")),
            ("a = 1 && && b = 1", 9, unexpected("an expression", "&& or ||")),
            ("= 1", 0, unexpected("an expression", "an operator")),
            ("a b", 2, unexpected("an operator", "an identifier")),
            ("a = (b)", 4, unexpected("an operand", "(")),
            ("a = )", 4, unexpected("an operand", ")")),
            ("a = ,", 4, unexpected("an operand", ",")),
            ("a = 1)", 5, unexpected("&& or ||", ")")),
            ("a = 1 (b = 1)", 6, unexpected("&& or ||", "(")),
            ("()", 1, unexpected("an expression", ")")),
            ("(a = 1", 0, FilterErrorKind::UnclosedGroup),
            ("x = 1 && ((a = 1)", 9, FilterErrorKind::UnclosedGroup),
            ("(a = 1 b", 7, unexpected("&&, || or )", "an identifier")),
            ("(a) = 1", 2, unexpected("an operator", ")")),
            ("f (a) = 1", 2, unexpected("an operator", "(")),
            ("a = 1, b = 2", 5, unexpected("&& or ||", ",")),
            ("f(a = 1", 4, unexpected(", or )", "an operator")),
            ("f(a b) = 1", 4, unexpected(", or )", "an identifier")),
            ("f(,) = 1", 2, unexpected("a function argument or )", ",")),
            ("f(a,,) = 1", 4, unexpected("a function argument or )", ",")),
            ("f(a,,,b) = 1", 4, unexpected("a function argument or )", ",")),
            ("f(a, //c\n, b) = 1", 9, unexpected("a function argument or )", ",")),
            ("f((a)) = 1", 2, unexpected("a function argument or )", "(")),
            ("f(a && b) = 1", 4, unexpected(", or )", "&& or ||")),
            ("f(a", 0, FilterErrorKind::UnclosedFunction),
            ("x = f(a, g(b", 9, FilterErrorKind::UnclosedFunction),
            ("f(a //c)", 0, FilterErrorKind::UnclosedFunction),
            ("f(a,", 0, FilterErrorKind::UnclosedFunction),
            ("a(b(c(d(1)))) = 1", 6, FilterErrorKind::FunctionTooDeep { max: 3 }),
            ("a = 1 && b ~ 'x", 13, FilterErrorKind::UnterminatedText),
        ];
        for (input, offset, kind) in cases {
            assert_eq!(parse_error(input), FilterError::new(offset, kind), "{input:?}");
        }
    }

    #[test]
    fn the_first_lexical_error_wins_over_later_ones() {
        // `a = b c` is a syntax error at 6, but the lexer never gets past `%` at 4.
        assert_eq!(
            parse_error("a = % c ="),
            FilterError::new(4, FilterErrorKind::UnexpectedChar('%'))
        );
        assert_eq!(
            parse_error("a = b c %"),
            FilterError::new(
                6,
                FilterErrorKind::Unexpected { expected: "&& or ||", found: "an identifier" }
            )
        );
    }

    #[test]
    fn limits_are_enforced() {
        let limits = Limits { max_len: Some(10), max_comparisons: 2, max_group_depth: 2 };
        let cases = [
            ("a = 1 && b = 1", 10, FilterErrorKind::TooLong { max: 10 }),
            ("a=1&&b=1&&c", 10, FilterErrorKind::TooLong { max: 10 }),
            ("a=1||b=1||c=1", 10, FilterErrorKind::TooLong { max: 10 }),
        ];
        for (input, offset, kind) in cases {
            assert_eq!(parse_expr_list(input, &limits), Err(FilterError::new(offset, kind)));
        }
        let limits = Limits { max_len: None, max_comparisons: 2, max_group_depth: 2 };
        assert!(parse_expr_list("a=1&&b=1", &limits).is_ok());
        assert_eq!(
            parse_expr_list("a=1&&(b=1||c=1)", &limits),
            Err(FilterError::new(11, FilterErrorKind::TooManyComparisons { max: 2 }))
        );
        assert!(parse_expr_list("((a=1))", &limits).is_ok());
        assert_eq!(
            parse_expr_list("(((a=1)))", &limits),
            Err(FilterError::new(2, FilterErrorKind::TooDeep { max: 2 }))
        );
        // Depth is nesting, not the number of groups.
        assert!(parse_expr_list("((a=1)) && ((b=1))", &limits).is_ok());
    }
}
