//! Parses the SQL expressions the filter compiler emits for row-local conditions into a small
//! tree; any construct outside that subset is [`Unsupported`].

use rusqlite::types::Value as SqlValue;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `` `table`.`column` `` of the row.
    Column(String),
    /// `?N` (0-based index).
    Param(usize),
    /// A literal (`NULL`, `1`, `'x'`, `TRUE`).
    Literal(SqlValue),
    /// `COALESCE(a, b, ...)`.
    Coalesce(Vec<Expr>),
    /// `a || b`.
    Concat(Box<Expr>, Box<Expr>),
    /// A comparison.
    Compare(Box<Expr>, CompareOp, Box<Expr>),
    /// `a [NOT] LIKE b [ESCAPE 'c']`.
    Like {
        /// The value.
        value: Box<Expr>,
        /// The pattern.
        pattern: Box<Expr>,
        /// The escape character.
        escape: Option<char>,
        /// `NOT LIKE`.
        negated: bool,
    },
    /// `NOT a`.
    Not(Box<Expr>),
    /// `a AND b`.
    And(Box<Expr>, Box<Expr>),
    /// `a OR b`.
    Or(Box<Expr>, Box<Expr>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `=` / `==`.
    Eq,
    /// `!=` / `<>`.
    Ne,
    /// `IS`.
    Is,
    /// `IS NOT`.
    IsNot,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

/// The SQL uses something the in-memory evaluator does not handle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not evaluable in memory: {0}")]
pub struct Unsupported(pub String);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Word(String),
    Text(String),
    Number(SqlValue),
    Param(usize),
    Symbol(&'static str),
}

fn unsupported(what: impl Into<String>) -> Unsupported {
    Unsupported(what.into())
}

fn tokenize(sql: &str) -> Result<Vec<Token>, Unsupported> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '`' || c == '\'' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(unsupported("unterminated quote")),
                    Some(&q) if q == c && chars.get(i + 1) == Some(&c) => {
                        text.push(c);
                        i += 2;
                    }
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        text.push(other);
                        i += 1;
                    }
                }
            }
            tokens.push(if c == '`' { Token::Ident(text) } else { Token::Text(text) });
        } else if c == '?' {
            let start = i + 1;
            i = start;
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            let n: usize = chars[start..i]
                .iter()
                .collect::<String>()
                .parse()
                .map_err(|_| unsupported("unnumbered parameter"))?;
            tokens.push(Token::Param(n.checked_sub(1).ok_or_else(|| unsupported("?0"))?));
        } else if c.is_ascii_digit() {
            let start = i;
            while chars.get(i).is_some_and(|d| d.is_ascii_digit() || *d == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let number = match text.parse::<i64>() {
                Ok(n) => SqlValue::Integer(n),
                Err(_) => SqlValue::Real(text.parse().map_err(|_| unsupported(text.clone()))?),
            };
            tokens.push(Token::Number(number));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while chars.get(i).is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_') {
                i += 1;
            }
            tokens
                .push(Token::Word(chars[start..i].iter().collect::<String>().to_ascii_uppercase()));
        } else {
            let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let symbol = match two.as_str() {
                "||" => "||",
                "<=" => "<=",
                ">=" => ">=",
                "!=" => "!=",
                "<>" => "<>",
                "==" => "==",
                _ => match c {
                    '=' => "=",
                    '<' => "<",
                    '>' => ">",
                    '(' => "(",
                    ')' => ")",
                    ',' => ",",
                    '.' => ".",
                    other => return Err(unsupported(other.to_string())),
                },
            };
            i += symbol.len();
            tokens.push(Token::Symbol(symbol));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    table: String,
    depth: usize,
}

/// Deepest nesting the parser follows (the compiler's output for long filters stays far
/// below; deeper input is simply left to SQLite).
const MAX_DEPTH: usize = 200;

/// Parses `sql`, a condition over the rows of `table` (its quoted name without backticks).
pub fn parse(sql: &str, table: &str) -> Result<Expr, Unsupported> {
    let mut parser = Parser { tokens: tokenize(sql)?, at: 0, table: table.to_owned(), depth: 0 };
    let expr = parser.or()?;
    if parser.at != parser.tokens.len() {
        return Err(unsupported("trailing input"));
    }
    Ok(expr)
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn symbol(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol)
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), Unsupported> {
        if self.symbol(symbol) {
            self.at += 1;
            Ok(())
        } else {
            Err(unsupported(format!("expected {symbol}")))
        }
    }

    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, Unsupported>,
    ) -> Result<T, Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(unsupported("too deep"));
        }
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn or(&mut self) -> Result<Expr, Unsupported> {
        let mut left = self.and()?;
        while self.word("OR") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, Unsupported> {
        let mut left = self.not()?;
        while self.word("AND") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, Unsupported> {
        if self.word("NOT") {
            self.at += 1;
            return self.nested(|p| Ok(Expr::Not(Box::new(p.not()?))));
        }
        self.equality()
    }

    fn equality(&mut self) -> Result<Expr, Unsupported> {
        let mut left = self.relational()?;
        loop {
            let op = if self.symbol("=") || self.symbol("==") {
                CompareOp::Eq
            } else if self.symbol("!=") || self.symbol("<>") {
                CompareOp::Ne
            } else if self.word("IS") {
                self.at += 1;
                if self.word("NOT") {
                    self.at += 1;
                    left = Expr::Compare(
                        Box::new(left),
                        CompareOp::IsNot,
                        Box::new(self.relational()?),
                    );
                } else {
                    left =
                        Expr::Compare(Box::new(left), CompareOp::Is, Box::new(self.relational()?));
                }
                continue;
            } else if self.word("LIKE") || (self.word("NOT") && self.next_is_word("LIKE")) {
                let negated = self.word("NOT");
                self.at += if negated { 2 } else { 1 };
                let pattern = self.relational()?;
                let escape = if self.word("ESCAPE") {
                    self.at += 1;
                    match self.peek() {
                        Some(Token::Text(text)) if text.chars().count() == 1 => {
                            let c = text.chars().next();
                            self.at += 1;
                            c
                        }
                        _ => return Err(unsupported("ESCAPE")),
                    }
                } else {
                    None
                };
                left = Expr::Like {
                    value: Box::new(left),
                    pattern: Box::new(pattern),
                    escape,
                    negated,
                };
                continue;
            } else {
                return Ok(left);
            };
            self.at += 1;
            left = Expr::Compare(Box::new(left), op, Box::new(self.relational()?));
        }
    }

    fn next_is_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at + 1), Some(Token::Word(w)) if w == word)
    }

    fn relational(&mut self) -> Result<Expr, Unsupported> {
        let mut left = self.concat()?;
        loop {
            let op = match self.peek() {
                Some(Token::Symbol("<")) => CompareOp::Lt,
                Some(Token::Symbol("<=")) => CompareOp::Le,
                Some(Token::Symbol(">")) => CompareOp::Gt,
                Some(Token::Symbol(">=")) => CompareOp::Ge,
                _ => return Ok(left),
            };
            self.at += 1;
            left = Expr::Compare(Box::new(left), op, Box::new(self.concat()?));
        }
    }

    fn concat(&mut self) -> Result<Expr, Unsupported> {
        let mut left = self.primary()?;
        while self.symbol("||") {
            self.at += 1;
            left = Expr::Concat(Box::new(left), Box::new(self.primary()?));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, Unsupported> {
        let token = self.peek().cloned().ok_or_else(|| unsupported("unexpected end"))?;
        self.at += 1;
        match token {
            Token::Symbol("(") => self.nested(|p| {
                let inner = p.or()?;
                p.expect_symbol(")")?;
                Ok(inner)
            }),
            Token::Ident(alias) => {
                self.expect_symbol(".")?;
                let Some(Token::Ident(column)) = self.peek().cloned() else {
                    return Err(unsupported("column"));
                };
                self.at += 1;
                if alias != self.table {
                    return Err(unsupported(format!("other table {alias}")));
                }
                Ok(Expr::Column(column))
            }
            Token::Param(index) => Ok(Expr::Param(index)),
            Token::Text(text) => Ok(Expr::Literal(SqlValue::Text(text))),
            Token::Number(number) => Ok(Expr::Literal(number)),
            Token::Word(word) => match word.as_str() {
                "NULL" => Ok(Expr::Literal(SqlValue::Null)),
                "TRUE" => Ok(Expr::Literal(SqlValue::Integer(1))),
                "FALSE" => Ok(Expr::Literal(SqlValue::Integer(0))),
                "COALESCE" => self.nested(|p| {
                    p.expect_symbol("(")?;
                    let mut args = vec![p.or()?];
                    while p.symbol(",") {
                        p.at += 1;
                        args.push(p.or()?);
                    }
                    p.expect_symbol(")")?;
                    Ok(Expr::Coalesce(args))
                }),
                other => Err(unsupported(other.to_owned())),
            },
            other @ Token::Symbol(_) => Err(unsupported(format!("{other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compiler_shapes() {
        let sql = "(`posts`.`published` = 1 OR COALESCE(`posts`.`author`, '') = COALESCE(?1, ''))";
        assert!(parse(sql, "posts").is_ok());
        assert!(parse("`posts`.`title` NOT LIKE ?1 ESCAPE '\\'", "posts").is_ok());
        assert!(parse("(`posts`.`title` = '' OR `posts`.`title` IS NULL)", "posts").is_ok());
        assert!(parse("`x` IS NOT ?2", "posts").is_err());
        assert!(parse("`posts_author`.`name` = ?1", "posts").is_err());
        assert!(parse("EXISTS (SELECT 1)", "posts").is_err());
        assert!(parse("strftime('%Y', `posts`.`created`) = ?1", "posts").is_err());
    }
}
