//! The fields of a view collection, derived from its query as PocketBase 0.40 derives them
//! (`CreateViewFields` / `parseQueryToFields` in `core/view.go`): SQLite names the columns (a
//! temporary view's `PRAGMA table_info`), PocketBase's raw query reading types them:
//!
//! - a column named `id` → the view primary key (text, `^[a-z0-9]+$`, system, required);
//! - `count(...)` → number (onlyInt); `total(...)` → number;
//! - `cast(... as int|integer)` → number (onlyInt); `real|decimal|numeric` → number;
//!   `text` → text; `bool|boolean` → bool;
//! - `alias.field` / `field` (resolved against the main, first `FROM` table) naming a field of
//!   a collection → a copy of that field (all its options) renamed to the column, with a new
//!   random id `_clone_xxxx` (new on every save, as in PocketBase); a view's field is copied
//!   the same way; naming a collection's `id` → a single relation to that collection;
//! - anything else → json (`maxSize` 1).
//!
//! Ids of the non-cloned fields are type + CRC32 of the name. A query without an `id` column
//! fails after the fields are built (the caller reports both). See
//! `../shared/spec/collections-and-fields.md` §1 (view collections).

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::Connection;

use super::view::query_table_info;
use super::view_parser::{cast_type, parse_query};
use crate::model::field::{JsonOptions, NumberOptions, RelationOptions, TextOptions};
use crate::model::id::{SECRET_ALPHABET, field_id, random_string};
use crate::model::{Collection, Field, FieldOptions};

/// PocketBase's message for a query without an `id` column.
pub const MISSING_ID: &str =
    "missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)";

/// Why the fields could not be derived, with the fields built before the failure.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewFieldsError {
    /// The fields derived so far (all columns when only `id` is missing, else none).
    pub fields: Vec<Field>,
    /// PocketBase's raw error text.
    pub message: String,
}

/// The fields of a view over `query`; `all` are the stored collections.
pub fn create_view_fields(
    conn: &Connection,
    all: &[Arc<Collection>],
    query: &str,
) -> Result<Vec<Field>, ViewFieldsError> {
    let fail = |message: String| ViewFieldsError { fields: Vec::new(), message };
    let mut suggested = suggested_fields(all, query).map_err(fail)?;
    let columns = query_table_info(conn, query).map_err(fail)?;
    let mut fields: Vec<Field> = Vec::with_capacity(columns.len());
    for column in &columns {
        let field = suggested.remove(&column.name).unwrap_or_else(|| default_field(&column.name));
        add_field(&mut fields, field);
    }
    if !columns.iter().any(|c| c.name == "id") {
        return Err(ViewFieldsError { fields, message: MISSING_ID.to_owned() });
    }
    Ok(fields)
}

/// `FieldsList.Add`: a field without id gets type + CRC32(name), a digit appended on clash.
fn add_field(fields: &mut Vec<Field>, mut field: Field) {
    if field.id.is_empty() {
        let base = field_id(field.type_name(), &field.name);
        let mut candidate = base.clone();
        let mut suffix = 2;
        while fields.iter().any(|f| f.id == candidate) && suffix < 1000 {
            candidate = format!("{base}{suffix}");
            suffix += 1;
        }
        field.id = candidate;
    }
    match fields.iter_mut().find(|f| f.id == field.id) {
        Some(existing) => *existing = field,
        None => fields.push(field),
    }
}

/// A field without id (filled in by [`add_field`]).
fn bare(name: &str, options: FieldOptions) -> Field {
    Field { id: String::new(), ..Field::new(name, options) }
}

/// The view primary key.
pub fn view_id_field() -> Field {
    bare(
        "id",
        FieldOptions::Text(TextOptions {
            pattern: "^[a-z0-9]+$".to_owned(),
            primary_key: true,
            ..TextOptions::default()
        }),
    )
    .system(true)
    .required(true)
}

fn default_field(name: &str) -> Field {
    if name == "id" {
        return view_id_field();
    }
    bare(name, FieldOptions::Json(JsonOptions { max_size: 1 }))
}

fn number(name: &str, only_int: bool) -> Field {
    bare(name, FieldOptions::Number(NumberOptions { only_int, ..NumberOptions::default() }))
}

/// The field PocketBase's raw query reading suggests for each column alias.
fn suggested_fields(
    all: &[Arc<Collection>],
    query: &str,
) -> Result<HashMap<String, Field>, String> {
    let parsed = parse_query(query)?;
    let collections: HashMap<&str, &Collection> = parsed
        .tables
        .iter()
        .filter(|t| !t.alias.contains('('))
        .filter_map(|t| {
            // compat: looked up with `name IN (...)`, so case-sensitively.
            all.iter().find(|c| c.name == t.original).map(|c| (t.alias.as_str(), c.as_ref()))
        })
        .collect();
    let main_table = parsed.tables.first().map(|t| t.alias.as_str()).unwrap_or_default();
    let mut result = HashMap::with_capacity(parsed.columns.len());
    for column in &parsed.columns {
        if column.alias == "*" {
            return Err("wildcard columns (*) are not supported - manually type the collection field names you want the view query to have".to_owned());
        }
        let alias = column.alias.as_str();
        let lower = column.original.to_lowercase();
        let field = if alias == "id" {
            view_id_field()
        } else if lower.starts_with("count(") {
            number(alias, true)
        } else if lower.starts_with("total(") {
            number(alias, false)
        } else if let Some(field) = cast_type(&lower).and_then(|t| cast_field(alias, &t)) {
            field
        } else {
            let parts: Vec<&str> = column.original.split('.').collect();
            let (table, field_name) = match parts.as_slice() {
                [table, field] => (*table, *field),
                _ => (main_table, parts.first().copied().unwrap_or_default()),
            };
            match collections.get(table) {
                Some(collection) => field_from(collection, field_name, alias),
                None => default_field(alias),
            }
        };
        result.insert(column.alias.clone(), field);
    }
    Ok(result)
}

fn cast_field(alias: &str, cast_type: &str) -> Option<Field> {
    Some(match cast_type {
        "real" | "decimal" | "numeric" => number(alias, false),
        "int" | "integer" => number(alias, true),
        "text" => bare(alias, FieldOptions::Text(TextOptions::default())),
        "boolean" | "bool" => bare(alias, FieldOptions::Bool),
        _ => return None,
    })
}

/// The column `alias` taken from `collection`'s field `field_name`.
fn field_from(collection: &Collection, field_name: &str, alias: &str) -> Field {
    let lower = field_name.to_lowercase();
    let Some(source) = collection.fields.iter().find(|f| f.name.to_lowercase() == lower) else {
        return default_field(alias);
    };
    if lower == "id" {
        return bare(
            alias,
            FieldOptions::Relation(RelationOptions {
                collection_id: collection.id.clone(),
                max_select: 1,
                ..RelationOptions::default()
            }),
        );
    }
    let mut clone = source.clone();
    clone.id = format!("_clone_{}", random_string(4, SECRET_ALPHABET));
    alias.clone_into(&mut clone.name);
    clone
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CollectionType;
    use crate::model::field::DomainOptions;

    fn collections() -> Vec<Arc<Collection>> {
        let mut t2 = Collection::new(CollectionType::Base, "t2");
        t2.fields = vec![
            crate::model::collection::system_fields::id_field(),
            Field::new("title", FieldOptions::Text(TextOptions::default())).required(true),
            Field::new("mail", FieldOptions::Email(DomainOptions::default())),
        ];
        vec![Arc::new(t2)]
    }

    #[test]
    fn suggests_fields_like_pocketbase() {
        let all = collections();
        let fields = suggested_fields(
            &all,
            "select t2.id, x.title, count(*) as c, cast(n as real) nr, max(n) as mx, \
             x.id as ref, t2.id as notref, MAIL as m, nope as z from t2 x",
        )
        .unwrap();
        assert!(fields["id"].is_primary_key());
        assert_eq!(fields["title"].name, "title");
        assert!(fields["title"].required && fields["title"].id.starts_with("_clone_"));
        assert_eq!(
            fields["c"].options,
            FieldOptions::Number(NumberOptions { only_int: true, ..NumberOptions::default() })
        );
        assert_eq!(fields["nr"].type_name(), "number");
        assert_eq!(fields["mx"].options, FieldOptions::Json(JsonOptions { max_size: 1 }));
        assert_eq!(fields["m"].type_name(), "email");
        assert_eq!(fields["z"].type_name(), "json");
        assert_eq!(fields["notref"].type_name(), "json");
        assert!(
            matches!(&fields["ref"].options, FieldOptions::Relation(o) if o.collection_id == all[0].id)
        );
    }

    #[test]
    fn refuses_wildcards() {
        let error = suggested_fields(&collections(), "select t2.* from t2").unwrap_err();
        assert!(error.starts_with("wildcard columns (*) are not supported"));
    }

    #[test]
    fn ids_are_type_and_crc_of_the_name() {
        let mut fields = Vec::new();
        add_field(&mut fields, view_id_field());
        add_field(&mut fields, default_field("doubled"));
        assert_eq!(fields[0].id, "text3208210256");
        assert_eq!(fields[1].id, "json2830258903");
    }
}
