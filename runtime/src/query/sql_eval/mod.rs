//! Evaluates compiled filter SQL in memory against one row, with SQLite's semantics, for the
//! shapes the compiler emits when a condition touches only the row's own columns and bound
//! values: comparisons (`=`, `IS [NOT]`, `<`, ...), `[NOT] LIKE ... ESCAPE`, `COALESCE`, `||`,
//! `AND`/`OR`/`NOT`, parentheses, `?N` parameters and literals. Anything else (joins,
//! subqueries, functions) is refused at parse time and the caller runs the SQL instead.
//!
//! Evaluating the compiler's own output, rather than re-interpreting the filter language,
//! keeps one definition of what a rule means: the in-memory answer is SQLite's answer for the
//! same SQL and parameters (type affinity, NULL logic, LIKE's ASCII case folding).
//! See `../shared/spec/filters-and-rules.md` §2 and §5, and <https://sqlite.org/datatype3.html>
//! (comparison affinity).

mod eval;
mod parse;
mod value;

#[cfg(test)]
mod tests;

pub use eval::{Row, evaluate};
pub use parse::{Expr, Unsupported, parse};
pub use value::{Affinity, stored};
