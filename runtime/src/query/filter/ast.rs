//! The syntax tree of a parsed filter or rule: a flat, source-ordered list of comparisons and
//! parenthesised groups joined by `&&`/`||`, with operands that keep their source text and byte
//! spans. Nothing here is resolved against a collection yet.
//! See `../shared/spec/filters-and-rules.md` §1–§4.

use super::ident::IdentPath;

/// A byte range `start..end` in the parsed string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The range `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}

/// A comparison operator without its `?` ("any") prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `~` (contains / LIKE)
    Like,
    /// `!~` (NOT LIKE)
    NotLike,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
}

impl Op {
    /// Every operator, in the order of the spec table.
    pub const ALL: [Op; 8] =
        [Op::Eq, Op::Neq, Op::Gt, Op::Gte, Op::Lt, Op::Lte, Op::Like, Op::NotLike];

    /// The operator's source text.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Neq => "!=",
            Op::Like => "~",
            Op::NotLike => "!~",
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::Lt => "<",
            Op::Lte => "<=",
        }
    }
}

/// A comparison sign: an operator plus whether it is the `?` "any" variant, which drops the
/// multi-value "all" constraint (spec §2, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sign {
    /// The operator.
    pub op: Op,
    /// `true` for `?=`, `?!=`, `?~`, ...
    pub any: bool,
}

impl Sign {
    /// Parses the exact text of one of the 16 signs.
    pub fn parse(text: &str) -> Option<Self> {
        let (any, rest) = match text.strip_prefix('?') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let op = Op::ALL.into_iter().find(|op| op.as_str() == rest)?;
        Some(Self { op, any })
    }

    /// The sign's source text (`"?>="`, ...).
    pub fn as_str(self) -> &'static str {
        match (self.any, self.op) {
            (false, op) => op.as_str(),
            (true, Op::Eq) => "?=",
            (true, Op::Neq) => "?!=",
            (true, Op::Like) => "?~",
            (true, Op::NotLike) => "?!~",
            (true, Op::Gt) => "?>",
            (true, Op::Gte) => "?>=",
            (true, Op::Lt) => "?<",
            (true, Op::Lte) => "?<=",
        }
    }
}

/// A join between two expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Join {
    /// `&&`
    And,
    /// `||`
    Or,
}

impl Join {
    /// Parses `&&` or `||`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "&&" => Some(Join::And),
            "||" => Some(Join::Or),
            _ => None,
        }
    }

    /// The join's source text.
    pub fn as_str(self) -> &'static str {
        match self {
            Join::And => "&&",
            Join::Or => "||",
        }
    }
}

/// `expr (JOIN expr)*`, kept flat and in source order. PocketBase emits the joins left to right
/// as SQL `AND`/`OR`, so SQL precedence applies (`AND` binds tighter); [`ExprList::to_condition`]
/// builds that tree.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprList {
    /// The first expression.
    pub first: Expr,
    /// The following expressions, each with the join before it.
    pub rest: Vec<JoinedExpr>,
    /// From the start of the first to the end of the last expression.
    pub span: Span,
}

/// One expression after the first in an [`ExprList`].
#[derive(Debug, Clone, PartialEq)]
pub struct JoinedExpr {
    /// The join before `expr`.
    pub join: Join,
    /// Where the join is.
    pub join_span: Span,
    /// The expression.
    pub expr: Expr,
}

/// `operand SIGN operand` or `( exprList )`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A comparison (boxed: it is much larger than a group).
    Comparison(Box<Comparison>),
    /// A parenthesised group.
    Group(Group),
}

impl Expr {
    /// Where the expression is (a group's span includes its parentheses).
    pub fn span(&self) -> Span {
        match self {
            Expr::Comparison(comparison) => comparison.span,
            Expr::Group(group) => group.span,
        }
    }
}

/// `left SIGN right`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The left operand.
    pub left: Operand,
    /// The sign.
    pub sign: Sign,
    /// Where the sign is.
    pub sign_span: Span,
    /// The right operand.
    pub right: Operand,
    /// From the start of `left` to the end of `right`.
    pub span: Span,
}

/// `( exprList )`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The expressions inside the parentheses.
    pub list: Box<ExprList>,
    /// Including both parentheses.
    pub span: Span,
}

/// One side of a comparison, or a function argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A field path, `@request.*`, `@collection.*` or macro.
    Identifier(Identifier),
    /// `null`, `true` or `false` in any case. The resolver still has to check whether a field
    /// of that name exists first (spec §3), so the raw text is kept.
    Literal(Literal),
    /// Quoted text.
    Text(Text),
    /// A number.
    Number(Number),
    /// A function call.
    Function(Function),
}

impl Operand {
    /// Where the operand is.
    pub fn span(&self) -> Span {
        match self {
            Operand::Identifier(identifier) => identifier.span,
            Operand::Literal(literal) => literal.span,
            Operand::Text(text) => text.span,
            Operand::Number(number) => number.span,
            Operand::Function(function) => function.span,
        }
    }
}

/// An identifier operand: the raw source text plus its structural reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Identifier {
    /// The identifier exactly as written (`author.name:lower`).
    pub raw: String,
    /// Root, path parts and modifier.
    pub path: IdentPath,
    /// Where it is.
    pub span: Span,
}

impl Identifier {
    /// Reads `raw` into an identifier at `span`.
    pub fn new(raw: &str, span: Span) -> Self {
        Self { raw: raw.to_owned(), path: IdentPath::parse(raw), span }
    }
}

/// The value of a literal identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiteralValue {
    /// `null` → SQL NULL.
    Null,
    /// `true` → 1.
    True,
    /// `false` → 0.
    False,
}

impl LiteralValue {
    /// Recognises `null`, `true` and `false` in any ASCII case.
    pub fn parse(text: &str) -> Option<Self> {
        [("null", Self::Null), ("true", Self::True), ("false", Self::False)]
            .into_iter()
            .find(|(name, _)| text.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }
}

/// `null` / `true` / `false` (any case), written where an identifier could be.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// Which literal.
    pub value: LiteralValue,
    /// The text as written (`NULL`, `True`, ...).
    pub raw: String,
    /// Where it is.
    pub span: Span,
}

impl Literal {
    /// The same token read as a field identifier, for when a field of that name exists.
    pub fn as_identifier(&self) -> Identifier {
        Identifier::new(&self.raw, self.span)
    }
}

/// Quoted text, escapes already decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The decoded value.
    pub value: String,
    /// `'` or `"`.
    pub quote: char,
    /// Including both quotes.
    pub span: Span,
}

/// A number literal (`12`, `-1.5`).
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The source text.
    pub raw: String,
    /// The value PocketBase binds (a float).
    pub value: f64,
    /// Where it is.
    pub span: Span,
}

/// `name(arg, ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The function name as written.
    pub name: String,
    /// Where the name is.
    pub name_span: Span,
    /// The arguments, in order.
    pub args: Vec<Operand>,
    /// From the name to the closing parenthesis.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sign_round_trips_through_its_text() {
        let texts = [
            "=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=",
            "?~", "?!~",
        ];
        for text in texts {
            let sign = Sign::parse(text).unwrap();
            assert_eq!(sign.as_str(), text);
            assert_eq!(sign.any, text.starts_with('?'), "{text}");
        }
        for bad in ["", "?", "!", "==", "=!", "??=", "<>", "=<", "!?=", "?!", "~=", "!"] {
            assert_eq!(Sign::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn joins_parse_only_their_exact_text() {
        assert_eq!(Join::parse("&&"), Some(Join::And));
        assert_eq!(Join::parse("||"), Some(Join::Or));
        for bad in ["&", "|", "&|", "&&&", "||&&", ""] {
            assert_eq!(Join::parse(bad), None, "{bad}");
        }
        assert_eq!(Join::And.as_str(), "&&");
        assert_eq!(Join::Or.as_str(), "||");
    }

    #[test]
    fn literals_are_recognised_in_any_case() {
        let cases = [
            ("null", Some(LiteralValue::Null)),
            ("NULL", Some(LiteralValue::Null)),
            ("nUlL", Some(LiteralValue::Null)),
            ("true", Some(LiteralValue::True)),
            ("TRUE", Some(LiteralValue::True)),
            ("False", Some(LiteralValue::False)),
            ("nulls", None),
            ("null.x", None),
            ("truе", None), // Cyrillic е
        ];
        for (text, expected) in cases {
            assert_eq!(LiteralValue::parse(text), expected, "{text}");
        }
    }

    #[test]
    fn a_literal_can_be_reread_as_a_field_identifier() {
        let literal =
            Literal { value: LiteralValue::Null, raw: "NULL".to_owned(), span: Span::new(3, 7) };
        let identifier = literal.as_identifier();
        assert_eq!(identifier.raw, "NULL");
        assert_eq!(identifier.span, Span::new(3, 7));
        assert_eq!(identifier.path.parts, vec!["NULL".to_owned()]);
    }
}
