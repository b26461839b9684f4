//! Evaluates a parsed expression against one row and its bound parameters, with SQLite's
//! comparison affinity and three-valued logic. The answer is whether a `WHERE` would keep
//! the row.

use std::cmp::Ordering;

use rusqlite::types::Value as SqlValue;

use super::parse::{CompareOp, Expr};
use super::value::{Affinity, as_text, compare, like, truth, with_comparison_affinity};

/// The row a condition is evaluated against.
pub trait Row {
    /// The stored value and affinity of `column` (`None`: no such column).
    fn column(&self, column: &str) -> Option<(SqlValue, Affinity)>;
}

/// Whether the condition holds for the row (`None`: it names a column the row lacks).
pub fn evaluate(expr: &Expr, row: &dyn Row, params: &[SqlValue]) -> Option<bool> {
    let (value, _) = value_of(expr, row, params)?;
    Some(truth(&value) == Some(true))
}

fn value_of(expr: &Expr, row: &dyn Row, params: &[SqlValue]) -> Option<(SqlValue, Affinity)> {
    Some(match expr {
        Expr::Column(name) => row.column(name)?,
        Expr::Param(index) => {
            (params.get(*index).cloned().unwrap_or(SqlValue::Null), Affinity::None)
        }
        Expr::Literal(value) => (value.clone(), Affinity::None),
        Expr::Coalesce(args) => {
            let mut result = SqlValue::Null;
            for arg in args {
                let (value, _) = value_of(arg, row, params)?;
                if value != SqlValue::Null {
                    result = value;
                    break;
                }
            }
            (result, Affinity::None)
        }
        Expr::Concat(left, right) => {
            let (left, _) = value_of(left, row, params)?;
            let (right, _) = value_of(right, row, params)?;
            let value = match (as_text(&left), as_text(&right)) {
                (Some(l), Some(r)) => SqlValue::Text(l + &r),
                _ => SqlValue::Null,
            };
            (value, Affinity::None)
        }
        Expr::Compare(left, op, right) => {
            let left = value_of(left, row, params)?;
            let right = value_of(right, row, params)?;
            (boolean(compare_values(left, *op, right)), Affinity::None)
        }
        Expr::Like { value, pattern, escape, negated } => {
            let (value, _) = value_of(value, row, params)?;
            let (pattern, _) = value_of(pattern, row, params)?;
            let result = match (as_text(&value), as_text(&pattern)) {
                (Some(v), Some(p)) => Some(like(&v, &p, *escape) != *negated),
                _ => None,
            };
            (boolean(result), Affinity::None)
        }
        Expr::Not(inner) => {
            let (value, _) = value_of(inner, row, params)?;
            (boolean(truth(&value).map(|t| !t)), Affinity::None)
        }
        Expr::And(left, right) => {
            let l = truth(&value_of(left, row, params)?.0);
            let r = truth(&value_of(right, row, params)?.0);
            let result = match (l, r) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            (boolean(result), Affinity::None)
        }
        Expr::Or(left, right) => {
            let l = truth(&value_of(left, row, params)?.0);
            let r = truth(&value_of(right, row, params)?.0);
            let result = match (l, r) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            (boolean(result), Affinity::None)
        }
    })
}

fn boolean(value: Option<bool>) -> SqlValue {
    match value {
        Some(b) => SqlValue::Integer(i64::from(b)),
        None => SqlValue::Null,
    }
}

fn compare_values(
    left: (SqlValue, Affinity),
    op: CompareOp,
    right: (SqlValue, Affinity),
) -> Option<bool> {
    let (left, right) = with_comparison_affinity(left, right);
    let (left_null, right_null) = (left == SqlValue::Null, right == SqlValue::Null);
    let ordering = (!left_null && !right_null).then(|| compare(&left, &right));
    let holds = |test: fn(Ordering) -> bool| ordering.map(test);
    match op {
        CompareOp::Is | CompareOp::IsNot => {
            let same = match ordering {
                Some(ordering) => ordering == Ordering::Equal,
                None => left_null && right_null,
            };
            Some(same == (op == CompareOp::Is))
        }
        CompareOp::Eq => holds(Ordering::is_eq),
        CompareOp::Ne => holds(Ordering::is_ne),
        CompareOp::Lt => holds(Ordering::is_lt),
        CompareOp::Le => holds(Ordering::is_le),
        CompareOp::Gt => holds(Ordering::is_gt),
        CompareOp::Ge => holds(Ordering::is_ge),
    }
}
