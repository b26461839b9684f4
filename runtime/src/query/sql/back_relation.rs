//! Back-relations `coll_via_field` in a field path: the records of `coll` whose relation
//! `field` points at the current row, joined in the main query and in the "every value"
//! subquery. Multi-valued unless `field` is single and has a single-column UNIQUE index.
//! See `../shared/spec/filters-and-rules.md` §4 (back-relations) and §5.

use super::builder::QueryBuilder;
use super::error::ResolveError;
use super::index::has_single_column_unique_index;
use super::json::json_each;
use super::path::Runner;
use super::resolved::{column, columnify, ident};
use crate::model::{Collection, FieldOptions};

impl<'a> Runner<'a> {
    /// `coll_via_field`: joins the records of `coll` whose relation `field` points at the
    /// current row. `Ok(None)` when an `@request.*` path should resolve to NULL instead.
    pub(super) fn back_relation(
        &mut self,
        b: &mut QueryBuilder<'a>,
        collection: &'a Collection,
        prop: &str,
    ) -> Result<Option<()>, ResolveError> {
        let nullify = |runner: &Self, error| runner.missing(error).map(|_| None);
        let Some((back_name, field_name)) = parse_via(prop) else {
            return nullify(self, ResolveError::FailedToResolve(prop.to_owned()));
        };
        let Some(back) = b.load_collection(back_name) else {
            return nullify(self, ResolveError::BackRelationCollectionNotFound(prop.to_owned()));
        };
        let Some(back_field) = back.field(field_name) else {
            return nullify(self, ResolveError::BackRelationFieldNotFound(field_name.to_owned()));
        };
        let FieldOptions::Relation(options) = &back_field.options else {
            return nullify(self, ResolveError::NotABackRelation(field_name.to_owned()));
        };
        if back_field.hidden && !b.access.allow_hidden_fields {
            return Err(ResolveError::NonFilterableBackRelation(back_field.name.clone()));
        }
        if options.collection_id != collection.id {
            return nullify(self, ResolveError::BackRelationElsewhere(back_field.name.clone()));
        }

        let clean_prop = columnify(prop);
        let back_column = columnify(&back_field.name);
        let new_alias = format!("{}_{clean_prop}{}", self.alias, b.suffix);
        let table = ident(&back.name);
        let multiple = back_field.options.is_multiple();
        let unique = !multiple && has_single_column_unique_index(&back.indexes, &back_field.name);
        let on = |alias: &str, target: &str| {
            if multiple {
                let je = format!("__je_{alias}");
                format!(
                    "{} IN (SELECT {} FROM {} {})",
                    column(target, "id"),
                    column(&je, "value"),
                    json_each(&column(alias, &back_column)),
                    ident(&je)
                )
            } else {
                format!("{} = {}", column(alias, &back_column), column(target, "id"))
            }
        };
        b.register_join(Some(back), &table, &new_alias, Some(&on(&new_alias, &self.alias)))?;
        if multiple || !unique {
            self.with_multi = true;
        }
        let mm_alias = format!("{}_{clean_prop}{}", self.mm_alias, b.suffix);
        self.mm_joins.push(format!(
            "LEFT JOIN {table} {} ON {}",
            ident(&mm_alias),
            on(&mm_alias, &self.mm_alias)
        ));
        self.collection = back;
        self.alias = new_alias;
        self.mm_alias = mm_alias;
        Ok(Some(()))
    }
}

/// `^(\w+)_via_(\w+)$` with a greedy first group.
fn parse_via(prop: &str) -> Option<(&str, &str)> {
    let word = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
    if !word(prop) {
        return None;
    }
    prop.rmatch_indices("_via_")
        .map(|(at, _)| (&prop[..at], &prop[at + 5..]))
        .find(|(collection, field)| !collection.is_empty() && !field.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_relation_names_split_greedily() {
        assert_eq!(parse_via("comments_via_post"), Some(("comments", "post")));
        assert_eq!(parse_via("a_via_b_via_c"), Some(("a_via_b", "c")));
        assert_eq!(parse_via("a_via_b_via_"), Some(("a", "b_via_")));
        assert_eq!(parse_via("_via_x"), None);
        assert_eq!(parse_via("posts"), None);
        assert_eq!(parse_via("a:x_via_b"), None);
    }
}
