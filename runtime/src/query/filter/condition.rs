//! The precedence tree of a parsed filter: PocketBase emits the flat `&&`/`||` sequence as SQL
//! `AND`/`OR` inside each parenthesised group, so `AND` binds tighter than `OR`; this builds the
//! tree that amounts to, plus a source-order walk over every comparison.
//! See `../shared/spec/filters-and-rules.md` §1 (precedence).

use super::ast::{Comparison, Expr, ExprList, Join};

/// A filter with SQL precedence applied: `AND` binds tighter than `OR`, groups become subtrees.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition<'a> {
    /// A single comparison.
    Comparison(&'a Comparison),
    /// Every item must hold (two or more items).
    And(Vec<Condition<'a>>),
    /// One item must hold (two or more items).
    Or(Vec<Condition<'a>>),
}

impl ExprList {
    /// Builds the precedence tree the SQL builder's flat `AND`/`OR` emission amounts to.
    pub fn to_condition(&self) -> Condition<'_> {
        let mut ors = Vec::new();
        let mut ands = vec![self.first.to_condition()];
        for joined in &self.rest {
            let next = joined.expr.to_condition();
            match joined.join {
                Join::And => ands.push(next),
                Join::Or => ors.push(collapse(std::mem::replace(&mut ands, vec![next]), false)),
            }
        }
        ors.push(collapse(ands, false));
        collapse(ors, true)
    }

    /// Every comparison, in source order, including those inside groups.
    pub fn comparisons(&self) -> Vec<&Comparison> {
        let mut out = Vec::new();
        self.collect_comparisons(&mut out);
        out
    }

    fn collect_comparisons<'a>(&'a self, out: &mut Vec<&'a Comparison>) {
        let rest = self.rest.iter().map(|joined| &joined.expr);
        for expr in std::iter::once(&self.first).chain(rest) {
            match expr {
                Expr::Comparison(comparison) => out.push(comparison),
                Expr::Group(group) => group.list.collect_comparisons(out),
            }
        }
    }
}

impl Expr {
    fn to_condition(&self) -> Condition<'_> {
        match self {
            Expr::Comparison(comparison) => Condition::Comparison(comparison),
            Expr::Group(group) => group.list.to_condition(),
        }
    }
}

fn collapse(mut items: Vec<Condition<'_>>, or: bool) -> Condition<'_> {
    if items.len() == 1 {
        if let Some(only) = items.pop() {
            return only;
        }
    }
    if or { Condition::Or(items) } else { Condition::And(items) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::parse_rule;

    fn shape(condition: &Condition<'_>) -> String {
        let join = |items: &[Condition<'_>], sep: &str| {
            let parts: Vec<String> = items.iter().map(shape).collect();
            format!("[{}]", parts.join(sep))
        };
        match condition {
            Condition::Comparison(c) => c.left.to_string(),
            Condition::And(items) => join(items, " & "),
            Condition::Or(items) => join(items, " | "),
        }
    }

    #[test]
    fn the_condition_tree_applies_sql_precedence() {
        let cases = [
            ("a=1", "a"),
            ("a=1 && b=1", "[a & b]"),
            ("a=1 || b=1", "[a | b]"),
            // Captured: `published = false || title = 'With files' && views = 3`.
            ("p=1 || t=1 && v=1", "[p | [t & v]]"),
            ("a=1 && b=1 || c=1", "[[a & b] | c]"),
            ("a=1 && b=1 || c=1 && d=1 || e=1", "[[a & b] | [c & d] | e]"),
            ("(v=1 || t=1) && p=1", "[[v | t] & p]"),
            ("((a=1))", "a"),
            ("a=1 && (b=1 && c=1)", "[a & [b & c]]"),
        ];
        for (input, expected) in cases {
            assert_eq!(shape(&parse_rule(input).unwrap().to_condition()), expected, "{input}");
        }
    }

    #[test]
    fn comparisons_are_listed_in_source_order_through_groups() {
        let list = parse_rule("a = 1 || ((b = 2 && c = 3) || d = 4) && e = 5").unwrap();
        let names: Vec<String> = list.comparisons().iter().map(|c| c.left.to_string()).collect();
        assert_eq!(names, vec!["a", "b", "c", "d", "e"]);
    }
}
