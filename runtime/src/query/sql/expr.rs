//! Comparisons to SQL: the operators with PocketBase's NULL/empty normalisation for `=`/`!=`,
//! `~`/`!~` as LIKE with auto-wrapped patterns, and the "every value" constraint that plain
//! operators add on multi-valued operands (`?`-operators skip it).
//! See `../shared/spec/filters-and-rules.md` §1 (precedence), §2 and §5.

use super::builder::QueryBuilder;
use super::error::{QueryError, Side};
use super::operand::{operand_literal, resolve_operand};
use super::param::{Param, like_pattern};
use super::resolved::{After, MultiMatch, NullFallback, Resolved, push_ident};
use crate::query::filter::{Comparison, Expr, ExprList, Join, Op, Sign};

/// `a && b || c` as `(a AND b OR c)`: SQL precedence, as PocketBase emits it.
pub(crate) fn compile_list(
    b: &mut QueryBuilder<'_>,
    list: &ExprList,
) -> Result<String, QueryError> {
    if list.rest.is_empty() {
        return compile_expr(b, &list.first);
    }
    let mut sql = String::from("(");
    sql.push_str(&compile_expr(b, &list.first)?);
    for joined in &list.rest {
        sql.push_str(match joined.join {
            Join::And => " AND ",
            Join::Or => " OR ",
        });
        sql.push_str(&compile_expr(b, &joined.expr)?);
    }
    sql.push(')');
    Ok(sql)
}

fn compile_expr(b: &mut QueryBuilder<'_>, expr: &Expr) -> Result<String, QueryError> {
    match expr {
        Expr::Comparison(comparison) => compile_comparison(b, comparison),
        Expr::Group(group) => {
            let sql = compile_list(b, &group.list)?;
            // A multi-part list is already parenthesised; a single comparison is
            // self-contained, but keep the source grouping visible.
            Ok(if group.list.rest.is_empty() { format!("({sql})") } else { sql })
        }
    }
}

fn compile_comparison(b: &mut QueryBuilder<'_>, c: &Comparison) -> Result<String, QueryError> {
    let operand_error = |side, operand, reason| QueryError::Operand {
        side,
        literal: operand_literal(operand),
        reason,
    };
    let mut left =
        resolve_operand(b, &c.left).map_err(|e| operand_error(Side::Left, &c.left, e))?;
    let mut right =
        resolve_operand(b, &c.right).map_err(|e| operand_error(Side::Right, &c.right, e))?;
    Ok(build_comparison(b, &mut left, c.sign, &mut right))
}

/// PocketBase's `buildResolversExpr`: the operator, then the multi-match constraint (plain
/// operators only), then each operand's wrapper.
pub(crate) fn build_comparison(
    b: &mut QueryBuilder<'_>,
    left: &mut Resolved,
    sign: Sign,
    right: &mut Resolved,
) -> String {
    let mut sql = match sign.op {
        Op::Eq => equal_expr(b, true, left, right),
        Op::Neq => equal_expr(b, false, left, right),
        Op::Like | Op::NotLike => {
            let not = if sign.op == Op::NotLike { "NOT " } else { "" };
            if right.params.is_empty() {
                format!("{} {not}LIKE ('%' || {} || '%') ESCAPE '\\'", left.sql, right.sql)
            } else {
                wrap_like_params(b, right);
                format!("{} {not}LIKE {} ESCAPE '\\'", left.sql, right.sql)
            }
        }
        Op::Gt => format!("{} > {}", left.sql, right.sql),
        Op::Gte => format!("{} >= {}", left.sql, right.sql),
        Op::Lt => format!("{} < {}", left.sql, right.sql),
        Op::Lte => format!("{} <= {}", left.sql, right.sql),
    };

    if !sign.any {
        let constraint = match (&left.multi, &right.multi) {
            (Some(l), Some(r)) => {
                Some(many_vs_many(b, (l, left.null_fallback), sign.op, (r, right.null_fallback)))
            }
            (Some(mm), None) => Some(many_vs_one(b, mm, left.null_fallback, sign.op, right, false)),
            (None, Some(mm)) => Some(many_vs_one(b, mm, right.null_fallback, sign.op, left, true)),
            (None, None) => None,
        };
        if let Some(constraint) = constraint {
            sql = format!("(({sql}) AND ({constraint}))");
        }
    }

    for after in [&left.after, &right.after] {
        match after {
            After::None => {}
            After::EmailVisible(alias) => {
                let mut visible = String::new();
                super::resolved::push_column(&mut visible, alias, "emailVisibility");
                sql = format!("(({sql}) AND ({visible} = TRUE))");
            }
            After::Not => sql = format!("NOT ({sql})"),
        }
    }
    sql
}

/// Binds the `~` pattern form of every parameter of the right operand (once).
fn wrap_like_params(b: &mut QueryBuilder<'_>, right: &mut Resolved) {
    if right.like_wrapped {
        return;
    }
    for &index in &right.params {
        if let Some(param) = b.params.get_mut(index) {
            *param = Param::Text(like_pattern(&param.to_go_string()));
        }
    }
    right.like_wrapped = true;
}

fn is_empty_identifier(r: &Resolved) -> bool {
    ["", "null", "''", "\"\"", "``"].iter().any(|empty| r.sql.eq_ignore_ascii_case(empty))
}

fn has_empty_param(b: &QueryBuilder<'_>, r: &Resolved) -> bool {
    r.params.iter().any(|&i| b.params.get(i).is_some_and(Param::is_empty))
}

fn is_known_non_empty(b: &QueryBuilder<'_>, r: &Resolved) -> bool {
    if r.null_fallback == NullFallback::Enforced {
        return false;
    }
    if ["1", "0", "false", "true"].iter().any(|known| r.sql.eq_ignore_ascii_case(known)) {
        return true;
    }
    !r.params.is_empty() && !has_empty_param(b, r) && !is_empty_identifier(r)
}

/// PocketBase's `resolveEqualExpr`: `''`, `null` and NULL compare equal, with as little
/// COALESCE as possible so plain `col = ?` comparisons stay index-friendly.
fn equal_expr(b: &QueryBuilder<'_>, equal: bool, left: &Resolved, right: &Resolved) -> String {
    let (eq, null_eq, concat, null_test) = if equal {
        ("=", "IS", "OR", "IS NULL")
    } else {
        ("IS NOT", "IS NOT", "AND", "IS NOT NULL")
    };

    if left.null_fallback == NullFallback::Disabled || right.null_fallback == NullFallback::Disabled
    {
        return format!("{} {null_eq} {}", left.sql, right.sql);
    }

    let empty = |r: &Resolved| {
        is_empty_identifier(r)
            || (r.null_fallback == NullFallback::Auto
                && r.params.len() == 1
                && has_empty_param(b, r))
    };
    let (left_empty, right_empty) = (empty(left), empty(right));

    if left_empty && right_empty {
        return format!("'' {eq} ''");
    }
    if is_known_non_empty(b, left) || is_known_non_empty(b, right) {
        let l = if left_empty { "''" } else { left.sql.as_str() };
        let r = if right_empty { "''" } else { right.sql.as_str() };
        return format!("{l} {eq} {r}");
    }
    if left_empty {
        let r = &right.sql;
        return format!("('' {eq} {r} {concat} {r} {null_test})");
    }
    if right_empty {
        let l = &left.sql;
        return format!("({l} {eq} '' {concat} {l} {null_test})");
    }
    format!("COALESCE({}, '') {eq} COALESCE({}, '')", left.sql, right.sql)
}

fn multi_value(alias: &str) -> String {
    let mut sql = String::with_capacity(alias.len() + 20);
    super::resolved::push_column(&mut sql, alias, "multiMatchValue");
    sql
}

/// `NOT EXISTS (a value of the multi-valued side violating the comparison)`.
fn many_vs_one(
    b: &mut QueryBuilder<'_>,
    mm: &MultiMatch,
    fallback: NullFallback,
    op: Op,
    other: &Resolved,
    inverse: bool,
) -> String {
    let alias = b.next_alias("__sm");
    let mut value = Resolved {
        sql: multi_value(&alias),
        null_fallback: fallback,
        after: After::Not,
        ..Resolved::default()
    };
    // compat: the other side keeps only its SQL and parameters (PocketBase's `r2`), so its
    // NULL preference falls back to the default here.
    let mut other = Resolved {
        sql: other.sql.clone(),
        params: other.params.clone(),
        like_wrapped: other.like_wrapped,
        ..Resolved::default()
    };
    let sign = Sign { op, any: false };
    let condition = if inverse {
        build_comparison(b, &mut other, sign, &mut value)
    } else {
        build_comparison(b, &mut value, sign, &mut other)
    };
    let mut sql = String::from("NOT EXISTS (SELECT 1 FROM (");
    sql.push_str(&mm.to_sql());
    sql.push_str(") ");
    push_ident(&mut sql, &alias);
    sql.push_str(" WHERE ");
    sql.push_str(&condition);
    sql.push(')');
    sql
}

/// `NOT EXISTS (a pair of values from both multi-valued sides violating the comparison)`.
fn many_vs_many(
    b: &mut QueryBuilder<'_>,
    (left, left_fallback): (&MultiMatch, NullFallback),
    op: Op,
    (right, right_fallback): (&MultiMatch, NullFallback),
) -> String {
    let left_alias = b.next_alias("__ml");
    let right_alias = b.next_alias("__mr");
    let mut l = Resolved {
        sql: multi_value(&left_alias),
        null_fallback: left_fallback,
        ..Resolved::default()
    };
    let mut r = Resolved {
        sql: multi_value(&right_alias),
        null_fallback: right_fallback,
        after: After::Not,
        ..Resolved::default()
    };
    let condition = build_comparison(b, &mut l, Sign { op, any: false }, &mut r);
    let mut sql = String::from("NOT EXISTS (SELECT 1 FROM (");
    sql.push_str(&left.to_sql());
    sql.push_str(") ");
    push_ident(&mut sql, &left_alias);
    sql.push_str(" LEFT JOIN (");
    sql.push_str(&right.to_sql());
    sql.push_str(") ");
    push_ident(&mut sql, &right_alias);
    sql.push_str(" WHERE ");
    sql.push_str(&condition);
    sql.push(')');
    sql
}
