//! Field paths to SQL: a column of the current collection, relation hops as LEFT JOINs (at
//! most six), back-relations `coll_via_field`, JSON paths into json/geoPoint fields, the
//! `:each`/`:length`/`:lower` modifiers, and, alongside, the "every value" subquery of paths
//! that cross multi-valued links. Mirrors PocketBase's `record_field_resolver_runner.go`.
//! See `../shared/spec/filters-and-rules.md` §4 and §5.

use super::builder::QueryBuilder;
use super::error::ResolveError;
use super::json::{json_array_length, json_each, json_extract, json_path};
use super::resolved::{After, MultiMatch, NullFallback, Resolved, column, columnify, ident};
use crate::model::{Collection, Field, FieldOptions};

/// Most relation hops in one path.
pub const MAX_NESTED_RELATIONS: usize = 6;

/// The `:modifier` suffixes of spec §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathModifier {
    IsSet,
    Each,
    Length,
    Lower,
    Changed,
}

/// PocketBase's `splitModifier`: `name:modifier` with exactly one colon and a known modifier;
/// more colons leave the text as one name; an unknown modifier is an error.
pub(crate) fn split_modifier(prop: &str) -> Result<(&str, Option<PathModifier>), ResolveError> {
    let mut parts = prop.split(':');
    let (Some(name), Some(modifier), None) = (parts.next(), parts.next(), parts.next()) else {
        return Ok((prop, None));
    };
    let modifier = match modifier {
        "isset" => PathModifier::IsSet,
        "each" => PathModifier::Each,
        "length" => PathModifier::Length,
        "lower" => PathModifier::Lower,
        "changed" => PathModifier::Changed,
        _ => return Err(ResolveError::UnknownModifier(prop.to_owned())),
    };
    Ok((name, Some(modifier)))
}

/// Whether a field holds a list-able value (select, relation, file).
pub(crate) fn is_multi_valuer(field: &Field) -> bool {
    matches!(
        field.options,
        FieldOptions::Select(_) | FieldOptions::Relation(_) | FieldOptions::File(_)
    )
}

/// The state of resolving one identifier: where the path currently is, in the main query
/// and in its "every value" subquery.
pub(crate) struct Runner<'a> {
    pub(super) raw: String,
    pub(super) collection: &'a Collection,
    pub(super) alias: String,
    /// `@request.*` paths answer NULL where field paths fail.
    pub(super) nullify_missing: bool,
    pub(super) with_multi: bool,
    /// The row the subquery belongs to, and the subquery's own copy of it.
    pub(super) target_alias: String,
    pub(super) mm_from_table: String,
    pub(super) mm_from_alias: String,
    pub(super) mm_alias: String,
    pub(super) mm_joins: Vec<String>,
}

impl<'a> Runner<'a> {
    pub(crate) fn new(b: &QueryBuilder<'a>, raw: &str) -> Self {
        let mm_from_alias = format!("__mm_{}", b.base_alias);
        Self {
            raw: raw.to_owned(),
            collection: b.base,
            alias: b.base_alias.clone(),
            nullify_missing: raw.starts_with("@request."),
            with_multi: false,
            target_alias: b.base_alias.clone(),
            mm_from_table: b.table.clone(),
            mm_alias: mm_from_alias.clone(),
            mm_from_alias,
            mm_joins: Vec::new(),
        }
    }

    /// Moves the path into `collection`, joined as `alias` in the main query and as
    /// `__mm_<alias>` in the subquery; `on` builds the join condition for a given alias.
    pub(crate) fn enter(
        &mut self,
        b: &mut QueryBuilder<'a>,
        collection: &'a Collection,
        alias: String,
        on: Option<&dyn Fn(&str) -> String>,
    ) -> Result<(), ResolveError> {
        let table = ident(&collection.name);
        let main_on = on.map(|on| on(&alias));
        b.register_join(Some(collection), &table, &alias, main_on.as_deref())?;
        let mm_alias = format!("__mm_{alias}");
        let mut join = format!("LEFT JOIN {table} {}", ident(&mm_alias));
        if let Some(on) = on {
            join.push_str(" ON ");
            join.push_str(&on(&mm_alias));
        }
        self.mm_joins.push(join);
        self.mm_alias = mm_alias;
        self.collection = collection;
        self.alias = alias;
        Ok(())
    }

    /// Adds a join to the subquery only (`json_each(?)` of body values).
    pub(crate) fn push_mm_join(&mut self, join: String) {
        self.mm_joins.push(join);
    }

    /// Marks the path multi-valued.
    pub(crate) fn set_multi(&mut self) {
        self.with_multi = true;
    }

    /// The "every value" subquery with `value` as its value, when the path is multi-valued.
    pub(crate) fn multi_match(&self, value: String) -> Option<Box<MultiMatch>> {
        self.with_multi.then(|| {
            Box::new(MultiMatch {
                target_alias: self.target_alias.clone(),
                from_table: self.mm_from_table.clone(),
                from_alias: self.mm_from_alias.clone(),
                joins: self.mm_joins.clone(),
                value,
            })
        })
    }

    pub(super) fn missing(&self, error: ResolveError) -> Result<Resolved, ResolveError> {
        if self.nullify_missing { Ok(Resolved::null()) } else { Err(error) }
    }

    /// Walks `props` from the current collection (PocketBase's `processActiveProps`).
    pub(crate) fn process_props(
        &mut self,
        b: &mut QueryBuilder<'a>,
        props: &[&str],
    ) -> Result<Resolved, ResolveError> {
        let total = props.len();
        for (i, &prop) in props.iter().enumerate() {
            let collection = self.collection;
            if i + 1 == total {
                return self.finalize(b, collection, prop);
            }
            let field = collection.field(prop);
            if field.is_some_and(|f| f.hidden) && !b.access.allow_hidden_fields {
                return Err(ResolveError::NonFilterable(prop.to_owned()));
            }
            if let Some(field) = field.filter(|f| is_json_like(f)) {
                let path = json_path(&props[i + 1..]);
                let name = columnify(&field.name);
                return Ok(Resolved {
                    sql: json_extract(&column(&self.alias, &name), &path),
                    null_fallback: NullFallback::Disabled,
                    multi: self.multi_match(json_extract(&column(&self.mm_alias, &name), &path)),
                    ..Resolved::default()
                });
            }
            if i >= MAX_NESTED_RELATIONS {
                return Err(ResolveError::TooManyRelations(prop.to_owned()));
            }
            let Some(field) = field else {
                match self.back_relation(b, collection, prop)? {
                    Some(()) => continue,
                    None => return Ok(Resolved::null()),
                }
            };
            let FieldOptions::Relation(options) = &field.options else {
                return Err(ResolveError::NotARelation(prop.to_owned()));
            };
            let target = b
                .load_collection(&options.collection_id)
                .ok_or_else(|| ResolveError::RelationCollectionNotFound(prop.to_owned()))?;
            let multiple = field.options.is_multiple();
            // `rel.id` on a single relation is the relation column itself: no join.
            if !multiple && i + 2 == total && props[i + 1] == "id" {
                return self.finalize(b, collection, &field.name);
            }
            self.relation(b, field, target, multiple)?;
        }
        Err(ResolveError::FailedToResolve(self.raw.clone()))
    }

    fn relation(
        &mut self,
        b: &mut QueryBuilder<'a>,
        field: &Field,
        target: &'a Collection,
        multiple: bool,
    ) -> Result<(), ResolveError> {
        let name = columnify(&field.name);
        let source = column(&self.alias, &name);
        let new_alias = format!("{}_{name}{}", self.alias, b.suffix);
        let table = ident(&target.name);
        if multiple {
            let je = format!("__je_{new_alias}");
            b.register_join(None, &json_each(&source), &je, None)?;
            let on = format!("{} = {}", column(&new_alias, "id"), column(&je, "value"));
            b.register_join(Some(target), &table, &new_alias, Some(&on))?;
            self.with_multi = true;
        } else {
            let on = format!("{} = {source}", column(&new_alias, "id"));
            b.register_join(Some(target), &table, &new_alias, Some(&on))?;
        }

        let mm_alias = format!("{}_{name}", self.mm_alias);
        let mm_source = column(&self.mm_alias, &name);
        if multiple {
            let je = format!("{}_{name}_je", self.mm_alias);
            self.mm_joins.push(format!("LEFT JOIN {} {}", json_each(&mm_source), ident(&je)));
            self.mm_joins.push(format!(
                "LEFT JOIN {table} {} ON {} = {}",
                ident(&mm_alias),
                column(&mm_alias, "id"),
                column(&je, "value")
            ));
        } else {
            self.mm_joins.push(format!(
                "LEFT JOIN {table} {} ON {} = {mm_source}",
                ident(&mm_alias),
                column(&mm_alias, "id")
            ));
        }
        self.collection = target;
        self.alias = new_alias;
        self.mm_alias = mm_alias;
        Ok(())
    }

    /// The last path part (PocketBase's `finalizeActivePropsProcessing`).
    fn finalize(
        &mut self,
        b: &mut QueryBuilder<'a>,
        collection: &'a Collection,
        prop: &str,
    ) -> Result<Resolved, ResolveError> {
        let (name, modifier) = split_modifier(prop)?;
        let Some(field) = collection.field(name) else {
            return self.missing(ResolveError::UnknownField(name.to_owned()));
        };
        if field.hidden && !b.access.allow_hidden_fields {
            return Err(ResolveError::NonFilterable(name.to_owned()));
        }
        let clean = columnify(&field.name);
        let source = column(&self.alias, &clean);
        let mm_source = column(&self.mm_alias, &clean);
        let multi_valuer = is_multi_valuer(field);

        if modifier == Some(PathModifier::Length) && multi_valuer {
            return Ok(Resolved {
                sql: json_array_length(&source),
                multi: self.multi_match(json_array_length(&mm_source)),
                ..Resolved::default()
            });
        }
        if modifier == Some(PathModifier::Each) && multi_valuer {
            let multiple = field.options.is_multiple();
            let je = format!("__je_{}_{clean}{}", self.alias, b.suffix);
            b.register_join(None, &json_each(&source), &je, None)?;
            self.with_multi |= multiple;
            let mm_je = format!("__je_{}_{clean}{}", self.mm_alias, b.suffix);
            if self.with_multi {
                self.mm_joins.push(format!(
                    "LEFT JOIN {} {}",
                    json_each(&mm_source),
                    ident(&mm_je)
                ));
            }
            return Ok(Resolved {
                sql: column(&je, "value"),
                multi: self.multi_match(column(&mm_je, "value")),
                ..Resolved::default()
            });
        }

        let mut resolved =
            Resolved { multi: self.multi_match(mm_source.clone()), ..Resolved::default() };
        resolved.sql = source;
        if field.name == crate::model::record::EMAIL
            && !b.access.allow_hidden_fields
            && collection.is_auth()
        {
            resolved.after = After::EmailVisible(self.alias.clone());
        }
        if matches!(field.options, FieldOptions::Json(_)) {
            resolved.null_fallback = NullFallback::Disabled;
            resolved.sql = json_extract(&resolved.sql, "");
            if let Some(mm) = resolved.multi.as_mut() {
                mm.value = json_extract(&mm_source, "");
            }
        }
        if modifier == Some(PathModifier::Lower) {
            resolved.sql = format!("LOWER({})", resolved.sql);
            if let Some(mm) = resolved.multi.as_mut() {
                mm.value = format!("LOWER({})", mm.value);
            }
        }
        Ok(resolved)
    }
}

fn is_json_like(field: &Field) -> bool {
    matches!(field.options, FieldOptions::Json(_) | FieldOptions::GeoPoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_split_like_pocketbase() {
        assert_eq!(split_modifier("a").unwrap(), ("a", None));
        assert_eq!(split_modifier("a:each").unwrap(), ("a", Some(PathModifier::Each)));
        assert_eq!(split_modifier("a:b:c").unwrap(), ("a:b:c", None));
        assert_eq!(
            split_modifier("a:upper"),
            Err(ResolveError::UnknownModifier("a:upper".to_owned()))
        );
    }
}
