//! Canonical printing of a parsed filter (single spaces, `'`-quoted text with escapes), used in
//! logs and tests; printing then parsing gives the same tree apart from spans.
//! See `../shared/spec/filters-and-rules.md` §1 (text escapes).

use std::fmt;

use super::ast::{Expr, ExprList, Operand};

/// Prints the filter back in canonical form (single spaces, `'` quotes); parsing the output
/// gives the same tree apart from spans.
impl fmt::Display for ExprList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for joined in &self.rest {
            write!(f, " {} {}", joined.join.as_str(), joined.expr)?;
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Comparison(c) => write!(f, "{} {} {}", c.left, c.sign.as_str(), c.right),
            Expr::Group(group) => write!(f, "({})", group.list),
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Identifier(identifier) => f.write_str(&identifier.raw),
            Operand::Literal(literal) => f.write_str(&literal.raw),
            Operand::Number(number) => f.write_str(&number.raw),
            Operand::Text(text) => write_quoted(f, &text.value),
            Operand::Function(function) => {
                write!(f, "{}(", function.name)?;
                for (i, arg) in function.args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, value: &str) -> fmt::Result {
    f.write_str("'")?;
    for ch in value.chars() {
        match ch {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            other => write!(f, "{other}")?,
        }
    }
    f.write_str("'")
}

#[cfg(test)]
mod tests {
    use crate::query::filter::parse_rule;

    #[test]
    fn filters_print_in_canonical_form() {
        let cases = [
            ("a=1", "a = 1"),
            ("a?!=b&&(c>=-1.5||d~\"x\")", "a ?!= b && (c >= -1.5 || d ~ 'x')"),
            ("a = NULL // c\n|| b = True", "a = NULL || b = True"),
            ("x = \"it's\"", "x = 'it\\'s'"),
            ("x = 'a\\\\b'", "x = 'a\\\\b'"),
            ("x = \"tab\tnl\ncr\\r\"", "x = 'tab\\tnl\\ncr\\r'"),
            ("x = '\\u0041 \\% \\\"'", "x = '\\\\u0041 \\\\% \\\\\"'"),
            ("x = 'é😀'", "x = 'é😀'"),
            ("strftime( '%Y' , created , ) = '2026'", "strftime('%Y', created) = '2026'"),
            ("geoDistance(a,b,1,-2) < 3", "geoDistance(a, b, 1, -2) < 3"),
            ("((a = 1))", "((a = 1))"),
        ];
        for (input, printed) in cases {
            let list = parse_rule(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(list.to_string(), printed, "{input:?}");
            assert_eq!(parse_rule(printed).unwrap().to_string(), printed, "{printed:?}");
        }
    }
}
