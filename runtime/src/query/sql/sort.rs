//! Sort items to ORDER BY terms: field, relation and JSON paths resolved like filter
//! identifiers (they must be plain column expressions, no bound values), `@random` and
//! `@rowid` of the main table. See `../shared/spec/filters-and-rules.md` §7.

use super::builder::QueryBuilder;
use super::error::QueryError;
use super::resolved::ident;
use crate::query::filter::{SortItem, SortTarget};

/// Appends one ORDER BY term for `item`.
pub(crate) fn compile_sort_item(
    b: &mut QueryBuilder<'_>,
    item: &SortItem,
) -> Result<(), QueryError> {
    let direction = item.direction.as_sql();
    let term = match &item.target {
        SortTarget::Random => "RANDOM()".to_owned(),
        SortTarget::RowId => format!("{}.`_rowid_` {direction}", ident(&b.table)),
        SortTarget::Field(identifier) => {
            let invalid = || QueryError::InvalidSortField(identifier.raw.clone());
            let resolved = b.resolve_identifier(identifier).map_err(|_| invalid())?;
            // A bare integer (`:length` of a body value) would be read as a column position.
            let position = resolved.sql.bytes().all(|c| c.is_ascii_digit());
            if position
                || !resolved.params.is_empty()
                || resolved.sql.is_empty()
                || resolved.sql.eq_ignore_ascii_case("null")
            {
                return Err(invalid());
            }
            format!("{} {direction}", resolved.sql)
        }
    };
    b.order_by.push(term);
    Ok(())
}
