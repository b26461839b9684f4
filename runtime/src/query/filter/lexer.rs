//! Splits a filter string into tokens with byte spans, following the lexical grammar of
//! PocketBase's filter language (fexpr): identifiers, numbers, quoted text with its escapes,
//! the 16 comparison signs, `&&`/`||`, parentheses, commas and function starts; whitespace and
//! `//` comments are skipped. See `../shared/spec/filters-and-rules.md` §1.

use super::ast::{Join, Sign, Span};
use super::error::{FilterError, FilterErrorKind};

/// What a token is. Identifier, number and function-name text is read back from the span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// `title`, `@request.auth.id`, `tags:length`, `null`, ...
    Identifier,
    /// An identifier immediately followed by `(`; the span covers both (`strftime(`).
    FunctionStart,
    /// `12`, `-1.5`.
    Number,
    /// Quoted text; holds the decoded value.
    Text(String),
    /// One of the 16 comparison signs.
    Sign(Sign),
    /// `&&` or `||`.
    Join(Join),
    /// `(` opening a group.
    OpenParen,
    /// `)`.
    CloseParen,
    /// `,` between function arguments.
    Comma,
}

impl TokenKind {
    /// A short description for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            TokenKind::Identifier => "an identifier",
            TokenKind::FunctionStart => "a function call",
            TokenKind::Number => "a number",
            TokenKind::Text(_) => "a quoted text",
            TokenKind::Sign(_) => "an operator",
            TokenKind::Join(_) => "&& or ||",
            TokenKind::OpenParen => "(",
            TokenKind::CloseParen => ")",
            TokenKind::Comma => ",",
        }
    }
}

/// One token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is in the input.
    pub span: Span,
}

/// A pull lexer over one input string. Errors come in source order, so the first problem in
/// the string is the one reported.
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

/// Tokenizes the whole input (whitespace and comments dropped).
pub fn tokenize(input: &str) -> Result<Vec<Token>, FilterError> {
    let mut lexer = Lexer::new(input);
    let mut tokens = Vec::new();
    while let Some(token) = lexer.next_token()? {
        tokens.push(token);
    }
    Ok(tokens)
}

fn is_whitespace(b: u8) -> bool {
    // compat: only space, tab and newline (spec §1); `\r` is not whitespace.
    matches!(b, b' ' | b'\t' | b'\n')
}

fn is_identifier_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || matches!(b, b'_' | b'@' | b'#')
}

fn is_identifier_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':')
}

fn is_sign_char(b: u8) -> bool {
    matches!(b, b'=' | b'?' | b'!' | b'>' | b'<' | b'~')
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `input`.
    pub fn new(input: &'a str) -> Self {
        Self { input, pos: 0 }
    }

    /// The whole input.
    pub fn input(&self) -> &'a str {
        self.input
    }

    /// The text a token covers.
    pub fn slice(&self, span: Span) -> &'a str {
        self.input.get(span.start..span.end).unwrap_or_default()
    }

    /// The next token, `Ok(None)` at the end of the input.
    pub fn next_token(&mut self) -> Result<Option<Token>, FilterError> {
        self.skip_trivia();
        let start = self.pos;
        let Some(&b) = self.input.as_bytes().get(start) else {
            return Ok(None);
        };
        let token = match b {
            b'(' => self.single(TokenKind::OpenParen),
            b')' => self.single(TokenKind::CloseParen),
            b',' => self.single(TokenKind::Comma),
            b'\'' | b'"' => self.text(b)?,
            b'-' | b'0'..=b'9' => self.number()?,
            b if is_identifier_start(b) => self.identifier()?,
            b if is_sign_char(b) => self.sign()?,
            b'&' | b'|' => self.join()?,
            _ => {
                let ch = self.input[start..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                return Err(FilterError::new(start, FilterErrorKind::UnexpectedChar(ch)));
            }
        };
        Ok(Some(token))
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.input.as_bytes().get(at).copied()
    }

    fn skip_trivia(&mut self) {
        loop {
            match self.byte(self.pos) {
                Some(b) if is_whitespace(b) => self.pos += 1,
                Some(b'/') if self.byte(self.pos + 1) == Some(b'/') => {
                    let rest = &self.input.as_bytes()[self.pos..];
                    self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                }
                _ => return,
            }
        }
    }

    /// Advances past the run of bytes matching `accept` starting at `from`; returns its end.
    fn run_end(&self, from: usize, accept: fn(u8) -> bool) -> usize {
        let rest = &self.input.as_bytes()[from..];
        from + rest.iter().position(|&b| !accept(b)).unwrap_or(rest.len())
    }

    fn finish(&mut self, kind: TokenKind, end: usize) -> Token {
        let span = Span::new(self.pos, end);
        self.pos = end;
        Token { kind, span }
    }

    fn single(&mut self, kind: TokenKind) -> Token {
        self.finish(kind, self.pos + 1)
    }

    fn identifier(&mut self) -> Result<Token, FilterError> {
        let start = self.pos;
        let end = self.run_end(start + 1, is_identifier_continue);
        let raw = &self.input[start..end];
        let lone = matches!(raw, "@" | "_" | "#");
        if lone || raw.ends_with('.') || raw.ends_with(':') {
            return Err(FilterError::new(
                start,
                FilterErrorKind::InvalidIdentifier(raw.to_owned()),
            ));
        }
        if self.byte(end) == Some(b'(') {
            return Ok(self.finish(TokenKind::FunctionStart, end + 1));
        }
        Ok(self.finish(TokenKind::Identifier, end))
    }

    fn number(&mut self) -> Result<Token, FilterError> {
        let start = self.pos;
        let digits_start = if self.byte(start) == Some(b'-') { start + 1 } else { start };
        let end = self.run_end(digits_start, |b| b.is_ascii_digit() || b == b'.');
        let digits = &self.input[digits_start..end];
        let valid = !digits.is_empty()
            && !digits.starts_with('.')
            && !digits.ends_with('.')
            && digits.bytes().filter(|&b| b == b'.').count() <= 1;
        if !valid {
            let raw = self.input[start..end].to_owned();
            return Err(FilterError::new(start, FilterErrorKind::InvalidNumber(raw)));
        }
        Ok(self.finish(TokenKind::Number, end))
    }

    fn sign(&mut self) -> Result<Token, FilterError> {
        let end = self.run_end(self.pos, is_sign_char);
        let raw = &self.input[self.pos..end];
        match Sign::parse(raw) {
            Some(sign) => Ok(self.finish(TokenKind::Sign(sign), end)),
            None => Err(FilterError::new(self.pos, FilterErrorKind::InvalidSign(raw.to_owned()))),
        }
    }

    fn join(&mut self) -> Result<Token, FilterError> {
        let end = self.run_end(self.pos, |b| matches!(b, b'&' | b'|'));
        let raw = &self.input[self.pos..end];
        match Join::parse(raw) {
            Some(join) => Ok(self.finish(TokenKind::Join(join), end)),
            None => Err(FilterError::new(self.pos, FilterErrorKind::InvalidJoin(raw.to_owned()))),
        }
    }

    /// Quoted text. `\` + the delimiting quote gives the quote, `\\` a backslash, `\n` `\t`
    /// `\r` the control characters; any other `\x` (including the other quote kind and
    /// `\uXXXX`) is kept with its backslash.
    fn text(&mut self, quote: u8) -> Result<Token, FilterError> {
        let start = self.pos;
        let unterminated = || FilterError::new(start, FilterErrorKind::UnterminatedText);
        let mut value = String::new();
        let mut chunk = start + 1;
        let mut at = chunk;
        loop {
            // Every byte compared here is ASCII, so `at` is always on a char boundary.
            let b = self.byte(at).ok_or_else(unterminated)?;
            if b == quote {
                value.push_str(&self.input[chunk..at]);
                return Ok(self.finish(TokenKind::Text(value), at + 1));
            }
            if b != b'\\' {
                at += 1;
                continue;
            }
            value.push_str(&self.input[chunk..at]);
            let decoded = match self.byte(at + 1).ok_or_else(unterminated)? {
                b'\\' => '\\',
                b'n' => '\n',
                b't' => '\t',
                b'r' => '\r',
                q if q == quote => char::from(quote),
                _ => {
                    // Keep the backslash; the next character is read as ordinary text.
                    value.push('\\');
                    at += 1;
                    chunk = at;
                    continue;
                }
            };
            value.push(decoded);
            at += 2;
            chunk = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::ast::Op;
    use TokenKind::{CloseParen, Comma, FunctionStart, Identifier, Number, OpenParen};

    /// `(kind, text)` pairs, text read back from the span.
    fn lex(input: &str) -> Vec<(TokenKind, &str)> {
        let tokens = tokenize(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        tokens.into_iter().map(|t| (t.kind, &input[t.span.start..t.span.end])).collect()
    }

    fn lex_error(input: &str) -> FilterError {
        match tokenize(input) {
            Ok(tokens) => panic!("{input:?} lexed to {tokens:?}"),
            Err(error) => error,
        }
    }

    fn sign(op: Op, any: bool) -> TokenKind {
        TokenKind::Sign(Sign { op, any })
    }

    fn text(value: &str) -> TokenKind {
        TokenKind::Text(value.to_owned())
    }

    #[test]
    fn every_token_kind_is_recognised_with_its_span() {
        let cases: Vec<(&str, Vec<(TokenKind, &str)>)> = vec![
            ("", vec![]),
            ("  \t\n ", vec![]),
            ("test 123", vec![(Identifier, "test"), (Number, "123")]),
            ("a=1", vec![(Identifier, "a"), (sign(Op::Eq, false), "="), (Number, "1")]),
            ("@test.123:c", vec![(Identifier, "@test.123:c")]),
            ("_test_a.123", vec![(Identifier, "_test_a.123")]),
            ("#test.123:456", vec![(Identifier, "#test.123:456")]),
            ("__", vec![(Identifier, "__")]),
            ("@_", vec![(Identifier, "@_")]),
            ("a", vec![(Identifier, "a")]),
            ("@request.auth.id", vec![(Identifier, "@request.auth.id")]),
            ("@collection.users:u.name", vec![(Identifier, "@collection.users:u.name")]),
            ("123", vec![(Number, "123")]),
            ("-123", vec![(Number, "-123")]),
            ("-123.456", vec![(Number, "-123.456")]),
            ("0.5", vec![(Number, "0.5")]),
            ("12-3", vec![(Number, "12"), (Number, "-3")]),
            ("1e5", vec![(Number, "1"), (Identifier, "e5")]),
            ("'a'", vec![(text("a"), "'a'")]),
            ("\"a\"", vec![(text("a"), "\"a\"")]),
            ("''", vec![(text(""), "''")]),
            (
                "'||x&&'&&1",
                vec![(text("||x&&"), "'||x&&'"), (TokenKind::Join(Join::And), "&&"), (Number, "1")],
            ),
            ("&& ||", vec![(TokenKind::Join(Join::And), "&&"), (TokenKind::Join(Join::Or), "||")]),
            ("(a)", vec![(OpenParen, "("), (Identifier, "a"), (CloseParen, ")")]),
            (
                "f(a, 1,)",
                vec![
                    (FunctionStart, "f("),
                    (Identifier, "a"),
                    (Comma, ","),
                    (Number, "1"),
                    (Comma, ","),
                    (CloseParen, ")"),
                ],
            ),
            ("f ()", vec![(Identifier, "f"), (OpenParen, "("), (CloseParen, ")")]),
            ("@test:abc()", vec![(FunctionStart, "@test:abc("), (CloseParen, ")")]),
            ("geoDistance(", vec![(FunctionStart, "geoDistance(")]),
        ];
        for (input, expected) in cases {
            assert_eq!(lex(input), expected, "{input:?}");
        }
    }

    #[test]
    fn every_sign_is_a_single_token() {
        let input = "= != ~ !~ > >= < <= ?= ?!= ?~ ?!~ ?> ?>= ?< ?<=";
        let expected = [
            sign(Op::Eq, false),
            sign(Op::Neq, false),
            sign(Op::Like, false),
            sign(Op::NotLike, false),
            sign(Op::Gt, false),
            sign(Op::Gte, false),
            sign(Op::Lt, false),
            sign(Op::Lte, false),
            sign(Op::Eq, true),
            sign(Op::Neq, true),
            sign(Op::Like, true),
            sign(Op::NotLike, true),
            sign(Op::Gt, true),
            sign(Op::Gte, true),
            sign(Op::Lt, true),
            sign(Op::Lte, true),
        ];
        let kinds: Vec<TokenKind> = lex(input).into_iter().map(|(kind, _)| kind).collect();
        assert_eq!(kinds, expected);
        // No whitespace needed around signs, and `-` after a sign starts a number.
        assert_eq!(
            lex("a?>=-1"),
            vec![(Identifier, "a"), (sign(Op::Gte, true), "?>="), (Number, "-1")]
        );
    }

    #[test]
    fn text_escapes_decode_as_pocketbase_does() {
        let cases = [
            (r"'te\'st'", "te'st"),
            (r#""te\"st""#, "te\"st"),
            (r#""it's""#, "it's"),
            (r#"'say "hi"'"#, "say \"hi\""),
            (r#""back\\slash \"q\" it's""#, r#"back\slash "q" it's"#),
            (r"'a\\'", r"a\"),
            (r"'a\\\'b'", r"a\'b"),
            (r"'line\nbreak'", "line\nbreak"),
            (r"'tab\there'", "tab\there"),
            (r"'cr\r'", "cr\r"),
            (r"'\u0041'", r"\u0041"),
            (r"'\x'", r"\x"),
            (r"'100\%'", r"100\%"),
            (r"'a\_b'", r"a\_b"),
            (r#"'\"'"#, r#"\""#),
            (r#""\'""#, r"\'"),
            (r"'\é'", r"\é"),
            ("'АБЦ 😀'", "АБЦ 😀"),
            ("'multi\nline'", "multi\nline"),
            ("'// not a comment'", "// not a comment"),
            ("'(a) = b'", "(a) = b"),
        ];
        for (input, value) in cases {
            assert_eq!(lex(input), vec![(text(value), input)], "{input}");
        }
    }

    #[test]
    fn comments_run_to_the_end_of_the_line() {
        let cases: Vec<(&str, Vec<(TokenKind, &str)>)> = vec![
            ("//", vec![]),
            ("// only a comment", vec![]),
            ("a // c\nb", vec![(Identifier, "a"), (Identifier, "b")]),
            ("a //c1 //c2\n// c3\nb", vec![(Identifier, "a"), (Identifier, "b")]),
            ("///x\n1", vec![(Number, "1")]),
            (
                "f(a, //c\n b)",
                vec![
                    (FunctionStart, "f("),
                    (Identifier, "a"),
                    (Comma, ","),
                    (Identifier, "b"),
                    (CloseParen, ")"),
                ],
            ),
            ("a//c", vec![(Identifier, "a")]),
        ];
        for (input, expected) in cases {
            assert_eq!(lex(input), expected, "{input:?}");
        }
    }

    #[test]
    fn lexical_errors_carry_their_offset() {
        let cases = [
            ("@", 0, FilterErrorKind::InvalidIdentifier("@".to_owned())),
            ("_", 0, FilterErrorKind::InvalidIdentifier("_".to_owned())),
            ("#", 0, FilterErrorKind::InvalidIdentifier("#".to_owned())),
            ("a test.", 2, FilterErrorKind::InvalidIdentifier("test.".to_owned())),
            ("test:", 0, FilterErrorKind::InvalidIdentifier("test:".to_owned())),
            ("a.b:(", 0, FilterErrorKind::InvalidIdentifier("a.b:".to_owned())),
            ("test#@", 4, FilterErrorKind::InvalidIdentifier("#".to_owned())),
            ("@@a", 0, FilterErrorKind::InvalidIdentifier("@".to_owned())),
            (".5", 0, FilterErrorKind::UnexpectedChar('.')),
            (":a", 0, FilterErrorKind::UnexpectedChar(':')),
            ("5.", 0, FilterErrorKind::InvalidNumber("5.".to_owned())),
            ("-", 0, FilterErrorKind::InvalidNumber("-".to_owned())),
            ("- 1", 0, FilterErrorKind::InvalidNumber("-".to_owned())),
            ("-.5", 0, FilterErrorKind::InvalidNumber("-.5".to_owned())),
            ("1 12.34.56", 2, FilterErrorKind::InvalidNumber("12.34.56".to_owned())),
            ("123.abc", 0, FilterErrorKind::InvalidNumber("123.".to_owned())),
            ("--1", 0, FilterErrorKind::InvalidNumber("-".to_owned())),
            ("a 'open", 2, FilterErrorKind::UnterminatedText),
            ("\"open", 0, FilterErrorKind::UnterminatedText),
            (r"'ends with \'", 0, FilterErrorKind::UnterminatedText),
            ("'trailing \\", 0, FilterErrorKind::UnterminatedText),
            ("'АБЦ", 0, FilterErrorKind::UnterminatedText),
            ("a =! b", 2, FilterErrorKind::InvalidSign("=!".to_owned())),
            ("=!=", 0, FilterErrorKind::InvalidSign("=!=".to_owned())),
            ("a == b", 2, FilterErrorKind::InvalidSign("==".to_owned())),
            ("a <> b", 2, FilterErrorKind::InvalidSign("<>".to_owned())),
            ("a ? b", 2, FilterErrorKind::InvalidSign("?".to_owned())),
            ("!a", 0, FilterErrorKind::InvalidSign("!".to_owned())),
            ("&&||", 0, FilterErrorKind::InvalidJoin("&&||".to_owned())),
            ("a & b", 2, FilterErrorKind::InvalidJoin("&".to_owned())),
            ("a ||| b", 2, FilterErrorKind::InvalidJoin("|||".to_owned())),
            ("/ test", 0, FilterErrorKind::UnexpectedChar('/')),
            ("a % b", 2, FilterErrorKind::UnexpectedChar('%')),
            ("a\r\n", 1, FilterErrorKind::UnexpectedChar('\r')),
            ("é", 0, FilterErrorKind::UnexpectedChar('é')),
            ("a = 😀", 4, FilterErrorKind::UnexpectedChar('😀')),
            ("[a]", 0, FilterErrorKind::UnexpectedChar('[')),
            ("a\u{0}", 1, FilterErrorKind::UnexpectedChar('\u{0}')),
        ];
        for (input, offset, kind) in cases {
            assert_eq!(lex_error(input), FilterError::new(offset, kind), "{input:?}");
        }
    }

    #[test]
    fn slice_reads_back_token_text() {
        let lexer = Lexer::new("abc def");
        assert_eq!(lexer.slice(Span::new(4, 7)), "def");
        assert_eq!(lexer.slice(Span::new(4, 99)), "");
        assert_eq!(lexer.input(), "abc def");
    }
}
