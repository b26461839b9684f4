//! Rule validation for saving collections: a rule must parse and resolve against the
//! collection (as PocketBase checks it, with an empty request and hidden fields allowed), and
//! failures carry PocketBase's raw error text (the collections API wraps it as
//! `Invalid rule. Raw error: <text>.`). See `../shared/spec/filters-and-rules.md` §8.

use chrono::{TimeZone, Utc};

use super::builder::{Access, QueryBuilder};
use super::context::RequestContext;
use super::error::QueryError;
use super::functions::function_error_text;
use crate::model::{Collection, CollectionSet, DateTime};
use crate::query::filter::lexer::{Lexer, TokenKind};
use crate::query::filter::{FilterError, FilterErrorKind, parse_rule};

/// Checks `rule` for `collection` (taken explicitly: a new collection is not in `all` yet).
/// An empty rule is valid. The error is PocketBase's raw text, e.g.
/// `invalid left operand "nofield" - unknown field "nofield"`.
pub fn validate_rule(
    collection: &Collection,
    all: &CollectionSet,
    rule: &str,
) -> Result<(), String> {
    if rule.is_empty() {
        return Ok(());
    }
    let list = parse_rule(rule).map_err(|error| parse_error_text(rule, &error))?;
    let request = RequestContext::default();
    let epoch = Utc.timestamp_opt(0, 0).single().unwrap_or_default();
    let mut builder = QueryBuilder::new(collection, all, &request, DateTime::from_chrono(epoch));
    builder.and_filter(&list, Access::RULE).map_err(|error| match error {
        QueryError::Parse(parse) => parse_error_text(rule, &parse),
        other => other.to_string(),
    })
}

/// PocketBase's (fexpr's) wording for a parse failure of `input`.
pub fn parse_error_text(input: &str, error: &FilterError) -> String {
    if let Some((start, missing)) = unclosed_group(input) {
        if error.offset >= start {
            return format!("invalid formatted group - missing {missing} closing bracket(s)");
        }
    }
    let rest = input.get(error.offset..).unwrap_or_default();
    match &error.kind {
        FilterErrorKind::Empty => "empty filter expression".to_owned(),
        FilterErrorKind::TooLong { .. } => "max filter length limit reached".to_owned(),
        FilterErrorKind::TooManyComparisons { .. } => {
            "max filter expressions limit reached".to_owned()
        }
        FilterErrorKind::FunctionTooDeep { max } => {
            let mut text = String::new();
            let names = function_stack(input, error.offset);
            for pair in names.windows(2) {
                text.push_str(&format!(
                    "invalid identifier argument {:?} in function {:?}: ",
                    pair[1], pair[0]
                ));
            }
            text.push_str(&format!("max nested function arguments reached (max: {max})"));
            text
        }
        FilterErrorKind::UnexpectedChar(c) => format!("unexpected character {c:?}"),
        FilterErrorKind::InvalidIdentifier(text) => format!("invalid identifier {text:?}"),
        FilterErrorKind::InvalidNumber(text) => invalid_number_text(text),
        FilterErrorKind::UnterminatedText => format!("invalid quoted text {rest:?}"),
        FilterErrorKind::InvalidSign(text) => format!("invalid sign operator {text:?}"),
        FilterErrorKind::InvalidJoin(text) => format!("invalid join operator {text:?}"),
        FilterErrorKind::UnclosedGroup => {
            "invalid formatted group - missing 1 closing bracket(s)".to_owned()
        }
        FilterErrorKind::UnclosedFunction => {
            let name = rest.split('(').next().unwrap_or_default();
            format!("invalid or incomplete function {name:?} (expected ')')")
        }
        FilterErrorKind::Unexpected { expected, found } => {
            unexpected_text(input, error.offset, expected, found)
        }
        FilterErrorKind::UnknownFunction(_)
        | FilterErrorKind::WrongArgCount { .. }
        | FilterErrorKind::InvalidArgument { .. } => {
            let (side, name) = enclosing_function(input, error.offset);
            format!("invalid {side} operand {name:?} - {}", function_error_text(&error.kind))
        }
        other => other.to_string(),
    }
}

fn unexpected_text(input: &str, offset: usize, expected: &str, found: &str) -> String {
    if found == "end of input" {
        return "invalid or incomplete filter expression".to_owned();
    }
    let rest = input.get(offset..).unwrap_or_default();
    // fexpr parses a group's content before looking at where the group is: `()` is an
    // empty expression, `(1)` an incomplete one.
    if rest.starts_with(')') && input[..offset].trim_end().ends_with('(') {
        return "empty filter expression".to_owned();
    }
    if rest.starts_with('(') {
        let inner = group_body(rest);
        if let Err(error) = parse_rule(&inner) {
            return parse_error_text(&inner, &error);
        }
    }
    let (literal, kind) = describe_token(rest);
    if kind == "unexpected" {
        return format!("unexpected character {:?}", rest.chars().next().unwrap_or(' '));
    }
    match expected {
        "an expression" => format!(
            "expected left operand (identifier, function, text or number), got {literal:?} ({kind})"
        ),
        "an operator" => format!("expected a sign operator, got {literal:?} ({kind})"),
        "an operand" => format!(
            "expected right operand (identifier, function text or number), got {literal:?} ({kind})"
        ),
        "&& or ||" | "&&, || or )" => format!("expected && or ||, got {literal:?} ({kind})"),
        _ => {
            let (_, name) = enclosing_function(input, offset);
            if rest.starts_with(',') {
                format!("unexpected comma in function {name:?}")
            } else if expected == ", or )" {
                format!("expected comma after the last argument in function {name:?}")
            } else {
                let c = rest.chars().next().unwrap_or(' ');
                format!("unsupported argument character {c:?} in function {name:?}")
            }
        }
    }
}

/// fexpr reads a number up to a second dot: `1.2.3` fails on the `.`, `1..2` on `1.`.
fn invalid_number_text(text: &str) -> String {
    let second_dot = text.match_indices('.').nth(1).map(|(at, _)| at);
    match second_dot {
        Some(at) if !text[..at].ends_with('.') => "unexpected character '.'".to_owned(),
        Some(at) => format!("invalid number {:?}", &text[..at]),
        None => format!("invalid number {text:?}"),
    }
}

/// The names of the function calls open at `offset`, outermost first, plus the call that
/// starts there.
fn function_stack(input: &str, offset: usize) -> Vec<String> {
    let mut lexer = Lexer::new(input);
    let mut stack: Vec<String> = Vec::new();
    while let Ok(Some(token)) = lexer.next_token() {
        if token.span.start > offset {
            break;
        }
        match token.kind {
            TokenKind::FunctionStart => {
                stack.push(lexer.slice(token.span).trim_end_matches('(').to_owned());
            }
            // Groups are pushed as empty names so their `)` pops the right entry.
            TokenKind::OpenParen => stack.push(String::new()),
            TokenKind::CloseParen => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.retain(|name| !name.is_empty());
    stack
}

/// The literal and fexpr token type of the token at the start of `rest`.
fn describe_token(rest: &str) -> (String, &'static str) {
    let mut lexer = Lexer::new(rest);
    let Ok(Some(token)) = lexer.next_token() else {
        return (String::new(), "unexpected");
    };
    let text = lexer.slice(token.span);
    match token.kind {
        TokenKind::Identifier => (text.to_owned(), "identifier"),
        TokenKind::FunctionStart => (text.trim_end_matches('(').to_owned(), "function"),
        TokenKind::Number => (text.to_owned(), "number"),
        TokenKind::Text(value) => (value, "text"),
        TokenKind::Sign(_) => (text.to_owned(), "sign"),
        TokenKind::Join(_) => (text.to_owned(), "join"),
        TokenKind::OpenParen => {
            let inner =
                unclosed_group(rest).map_or_else(|| group_body(rest), |_| rest[1..].to_owned());
            (inner, "group")
        }
        TokenKind::CloseParen | TokenKind::Comma => (String::new(), "unexpected"),
    }
}

/// The text between a leading `(` and its matching `)`.
fn group_body(text: &str) -> String {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return text[1..i].to_owned();
                }
            }
            _ => {}
        }
    }
    text.get(1..).unwrap_or_default().to_owned()
}

/// Where the last top-level `(` group that never closes starts, and how many brackets are
/// missing at the end (quoted text skipped), as fexpr's group scanner counts them.
fn unclosed_group(input: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in input.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            ')' if depth == 0 => return None,
            ')' => depth -= 1,
            _ => {}
        }
    }
    (depth > 0).then_some((start, depth))
}

/// Which operand (`left`/`right`) the top-level function call around `offset` is, and its
/// name.
fn enclosing_function(input: &str, offset: usize) -> (&'static str, String) {
    let mut lexer = Lexer::new(input);
    let mut side = "left";
    let mut depth = 0usize;
    let mut found = ("left", String::new());
    while let Ok(Some(token)) = lexer.next_token() {
        if token.span.start > offset {
            break;
        }
        match token.kind {
            TokenKind::FunctionStart => {
                if depth == 0 {
                    let name = lexer.slice(token.span).trim_end_matches('(').to_owned();
                    found = (side, name);
                }
                depth += 1;
            }
            TokenKind::CloseParen if depth > 0 => depth -= 1,
            TokenKind::Sign(_) if depth == 0 => side = "right",
            TokenKind::Join(_) | TokenKind::OpenParen | TokenKind::CloseParen if depth == 0 => {
                side = "left";
            }
            _ => {}
        }
    }
    found
}
