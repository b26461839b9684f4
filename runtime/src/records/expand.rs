//! `?expand=`: relation fields and back-relations (`collection_via_field`, legacy
//! `collection(field)`) resolved up to 6 levels, each expanded record filtered by its
//! collection's view rule (with `@request.context = "expand"`), single relations as objects
//! and multiple ones (and back-relations) as lists, in stored order.
//! See `../shared/spec/records.md` (expand).

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::error::RecordError;
use super::output::record_json;
use super::request::RequestInfo;
use super::rule_sql;
use super::rules::RuleScope;
use crate::model::collection::index_sql::IndexSql;
use crate::model::field::FieldOptions;
use crate::model::{Collection, CollectionSet, Record};
use crate::store::records::from_row;
use crate::store::sql::quote_ident;

/// Deepest expand path honoured.
pub const MAX_DEPTH: usize = 6;
/// Most back-related records expanded per record.
const MAX_BACK_RELATIONS: usize = 1000;

/// Parsed expand paths as a tree.
#[derive(Debug, Default, PartialEq)]
pub struct ExpandTree {
    children: BTreeMap<String, ExpandTree>,
}

impl ExpandTree {
    /// Parses `a,b.c, d` (spaces ignored, paths deeper than 6 cut).
    pub fn parse(raw: &str) -> Self {
        let mut tree = Self::default();
        for path in raw.split(',') {
            let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
            if path.is_empty() {
                continue;
            }
            let mut node = &mut tree;
            for part in path.split('.').take(MAX_DEPTH) {
                if part.is_empty() {
                    break;
                }
                node = node.children.entry(part.to_owned()).or_default();
            }
        }
        tree
    }

    /// Whether nothing is to be expanded.
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }
}

/// What a path segment names on a collection.
enum Target<'a> {
    Relation { field: &'a str, target: &'a Collection, multiple: bool },
    BackRelation { source: &'a Collection, field: &'a str, multiple_field: bool, single: bool },
}

fn resolve<'a>(
    all: &'a CollectionSet,
    collection: &'a Collection,
    name: &'a str,
) -> Option<Target<'a>> {
    if let Some(field) = collection.field(name) {
        if let FieldOptions::Relation(options) = &field.options {
            let target = all.all().iter().find(|c| c.id == options.collection_id)?;
            return Some(Target::Relation {
                field: &field.name,
                target,
                multiple: field.options.is_multiple(),
            });
        }
        return None;
    }
    let (source_name, field_name) = match name.split_once("_via_") {
        Some(parts) => parts,
        None => name.strip_suffix(')').and_then(|n| n.split_once('('))?,
    };
    let source = all.find(source_name)?;
    let field = source.field(field_name)?;
    let FieldOptions::Relation(options) = &field.options else { return None };
    if options.collection_id != collection.id {
        return None;
    }
    let multiple_field = field.options.is_multiple();
    let unique = source.indexes.iter().filter_map(|i| IndexSql::parse(i)).any(|i| {
        i.unique && i.where_clause.is_none() && i.single_column().is_some_and(|c| c == field.name)
    });
    Some(Target::BackRelation {
        source,
        field: &field.name,
        multiple_field,
        single: !multiple_field && unique,
    })
}

/// The `expand` object of each record (`None` when no path was valid: no `expand` key).
pub fn expand(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    records: &[Record],
    tree: &ExpandTree,
    request: &RequestInfo,
) -> Result<Vec<Option<Map<String, Value>>>, RecordError> {
    let mut results: Vec<Option<Map<String, Value>>> = vec![None; records.len()];
    for (name, subtree) in &tree.children {
        let Some(values) = expand_path(conn, all, collection, records, name, subtree, request)?
        else {
            continue;
        };
        for (entry, value) in results.iter_mut().zip(values) {
            let entry = entry.get_or_insert_with(Map::new);
            if let Some(value) = value {
                entry.insert(name.clone(), value);
            }
        }
    }
    Ok(results)
}

/// The value of the path segment `name` (with everything below it) for each record, or
/// `None` when the path fails: an unknown segment, a `null` view rule, or a nested part that
/// fails for every path below it.
fn expand_path(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    records: &[Record],
    name: &str,
    subtree: &ExpandTree,
    request: &RequestInfo,
) -> Result<Option<Vec<Option<Value>>>, RecordError> {
    let mut expand_request = request.clone();
    expand_request.context = "expand".to_owned();
    let Some(target) = resolve(all, collection, name) else { return Ok(None) };
    let (target_collection, related) = match &target {
        Target::Relation { field, target, .. } => {
            let ids = collect_ids(records, field);
            (*target, fetch_visible(conn, all, target, &expand_request, &Lookup::Ids(&ids))?)
        }
        Target::BackRelation { source, field, multiple_field, .. } => {
            let parent_ids: Vec<String> = records.iter().map(|r| r.id().to_owned()).collect();
            let lookup = Lookup::Referencing { field, multiple: *multiple_field, ids: &parent_ids };
            (*source, fetch_visible(conn, all, source, &expand_request, &lookup)?)
        }
    };
    let Some(related) = related else { return Ok(None) };
    // compat: PocketBase expands each path on its own and drops the whole path when a nested
    // part fails, but never looks at the parts below a level that found no records
    // (records.md, expand: `tags.nope` expands nothing; `next.nope` on a record without
    // `next` gives `"expand":{}`).
    let nested = if subtree.is_empty() || related.is_empty() {
        vec![None; related.len()]
    } else {
        let nested = expand(conn, all, target_collection, &related, subtree, request)?;
        if nested.iter().all(Option::is_none) {
            return Ok(None);
        }
        nested
    };
    let managed = super::manage::managed_ids(conn, all, target_collection, request, &related)?;
    let related_json: Vec<Map<String, Value>> = related
        .iter()
        .zip(nested)
        .map(|(record, nested)| {
            let manager = managed.contains(record.id());
            let mut json = record_json(target_collection, record, request, manager);
            if let Some(nested) = nested {
                json.insert("expand".into(), Value::Object(nested));
            }
            json
        })
        .collect();
    let values = records
        .iter()
        .map(|record| match &target {
            Target::Relation { field, multiple, .. } => {
                let found: Vec<Value> = ids_of(record, field)
                    .iter()
                    .filter_map(|id| related.iter().position(|r| r.id() == id))
                    .map(|p| Value::Object(related_json[p].clone()))
                    .collect();
                if *multiple {
                    (!found.is_empty()).then_some(Value::Array(found))
                } else {
                    found.into_iter().next()
                }
            }
            Target::BackRelation { field, single, .. } => {
                let found: Vec<Value> = related
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| ids_of(r, field).iter().any(|id| id == record.id()))
                    .take(MAX_BACK_RELATIONS)
                    .map(|(p, _)| Value::Object(related_json[p].clone()))
                    .collect();
                if *single {
                    found.into_iter().next()
                } else {
                    (!found.is_empty()).then_some(Value::Array(found))
                }
            }
        })
        .collect();
    Ok(Some(values))
}

fn ids_of(record: &Record, field: &str) -> Vec<String> {
    match record.get(field) {
        Some(Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
        }
        Some(Value::String(id)) if !id.is_empty() => vec![id.clone()],
        _ => Vec::new(),
    }
}

fn collect_ids(records: &[Record], field: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for record in records {
        for id in ids_of(record, field) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

enum Lookup<'a> {
    Ids(&'a [String]),
    Referencing { field: &'a str, multiple: bool, ids: &'a [String] },
}

/// The records of `collection` matching `lookup` that the view rule lets the requester see;
/// `None` when the rule is `null` for a non-superuser (the expand fails).
fn fetch_visible(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    request: &RequestInfo,
    lookup: &Lookup<'_>,
) -> Result<Option<Vec<Record>>, RecordError> {
    let rule = if request.is_superuser() {
        None
    } else {
        match collection.view_rule.as_deref() {
            None => return Ok(None),
            Some(rule) if rule.trim().is_empty() => None,
            Some(rule) => Some(rule),
        }
    };
    let scope = RuleScope { all, collection, request };
    let mut compiled = rule_sql::compile_list(
        &scope,
        &rule_sql::ListParts { rule, ..rule_sql::ListParts::default() },
    )?;
    let table = compiled.table.clone();
    let mut bind = |ids: &[String]| -> String {
        ids.iter()
            .map(|id| compiled.push_param(rusqlite::types::Value::Text(id.clone())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lookup_condition = match lookup {
        Lookup::Ids([]) | Lookup::Referencing { ids: [], .. } => return Ok(Some(Vec::new())),
        Lookup::Ids(ids) => format!("{table}.`id` IN ({})", bind(ids)),
        Lookup::Referencing { field, multiple: true, ids } => format!(
            "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid({table}.{col}) THEN {table}.{col} ELSE '[]' END) WHERE value IN ({}))",
            bind(ids),
            col = quote_ident(field)
        ),
        Lookup::Referencing { field, multiple: false, ids } => {
            format!("{table}.{} IN ({})", quote_ident(field), bind(ids))
        }
    };
    let condition = if compiled.has_condition() {
        format!("({lookup_condition}) AND ({})", compiled.condition)
    } else {
        lookup_condition
    };
    let distinct = if compiled.distinct { "DISTINCT " } else { "" };
    let sql = format!(
        "SELECT {distinct}{table}.* FROM {} WHERE {condition} ORDER BY {table}.`_rowid_`",
        compiled.from_clause()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(compiled.params.iter()))?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        records.push(from_row(collection, row)?);
    }
    Ok(Some(records))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sql::tests::fixture::fixture;

    /// The `expand` of chain record `c{n}` for `paths`, as guest (`chain` rules are `""`).
    fn expand_chain(n: usize, paths: &str) -> Option<Map<String, Value>> {
        let fx = fixture();
        let chain = fx.collection("chain");
        let record =
            crate::store::records::find_by_id(&fx.conn, chain, &format!("chainc{n}00000000"))
                .unwrap()
                .unwrap();
        let request = RequestInfo::new(None, "GET");
        let tree = ExpandTree::parse(paths);
        expand(&fx.conn, &fx.all, chain, &[record], &tree, &request).unwrap().pop().unwrap()
    }

    fn names(expand: &Map<String, Value>) -> Vec<&str> {
        expand.keys().map(String::as_str).collect()
    }

    #[test]
    fn a_failing_nested_part_drops_the_whole_path() {
        assert_eq!(expand_chain(0, "next.nope"), None);
        assert_eq!(expand_chain(0, "next.next.nope"), None);
        assert_eq!(expand_chain(0, "nope"), None);
        let expanded = expand_chain(0, "next,nope").unwrap();
        assert_eq!(names(&expanded), ["next"]);
        // Sibling paths below one relation fail on their own.
        let expanded = expand_chain(0, "next.next,next.nope").unwrap();
        assert_eq!(names(expanded["next"]["expand"].as_object().unwrap()), ["next"]);
    }

    #[test]
    fn parts_below_a_level_without_records_are_not_checked() {
        // c7 has no `next`: PocketBase answers `"expand":{}` without looking at `nope`.
        assert_eq!(expand_chain(7, "next.nope"), Some(Map::new()));
        let expanded = expand_chain(6, "next.next.nope").unwrap();
        assert_eq!(expanded["next"]["id"], "chainc700000000");
        assert_eq!(expanded["next"]["expand"], Value::Object(Map::new()));
    }

    #[test]
    fn parses_paths_into_a_tree() {
        let tree = ExpandTree::parse("author, tags,comments_via_post.user,a.b.c.d.e.f.g");
        assert!(tree.children.contains_key("author"));
        assert!(tree.children["comments_via_post"].children.contains_key("user"));
        let mut depth = 0;
        let mut node = &tree.children["a"];
        while let Some((_, next)) = node.children.iter().next() {
            node = next;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH - 1);
    }
}
