//! What PocketBase fills in before validating a collection: field ids (type + CRC32 of the
//! name, a digit appended on clash, the old id kept for a known name), one field per id (a
//! later duplicate replaces the earlier one), the `id` primary key first, the auth system
//! fields and their unique indexes, and the default collection id.
//! See `../shared/spec/collections-and-fields.md` §1–2.

use super::index_sql::IndexSql;
use crate::model::field::{Field, FieldOptions};
use crate::model::id::{collection_id, field_id};
use crate::model::{Collection, CollectionType};

/// Fills defaults in place. `existing` is the stored collection on update; `id_taken` tells
/// whether a collection id is already used by another collection.
pub fn normalize(
    collection: &mut Collection,
    existing: Option<&Collection>,
    id_taken: &dyn Fn(&str) -> bool,
) {
    assign_field_ids(collection, existing);
    dedup_fields_by_id(collection);
    if collection.collection_type != CollectionType::View {
        ensure_primary_key(collection);
    }
    if collection.collection_type == CollectionType::Auth {
        ensure_auth_fields(collection);
    }
    if collection.id.is_empty() {
        collection.id = unique_collection_id(collection, id_taken);
    }
    if collection.collection_type == CollectionType::Auth {
        ensure_auth_indexes(collection);
        clear_unknown_mapped_fields(collection);
    }
}

/// OAuth2 field mappings that name a field the collection no longer has are cleared.
fn clear_unknown_mapped_fields(collection: &mut Collection) {
    let names: Vec<String> = collection.fields.iter().map(|f| f.name.clone()).collect();
    let Some(auth) = collection.auth.as_mut() else { return };
    let mapped = &mut auth.oauth2.mapped_fields;
    for value in [&mut mapped.id, &mut mapped.name, &mut mapped.username, &mut mapped.avatar_url] {
        if !value.is_empty() && !names.contains(value) {
            value.clear();
        }
    }
}

fn assign_field_ids(collection: &mut Collection, existing: Option<&Collection>) {
    for i in 0..collection.fields.len() {
        if !collection.fields[i].id.is_empty() {
            continue;
        }
        let name = collection.fields[i].name.clone();
        let type_name = collection.fields[i].type_name();
        let old = existing.and_then(|e| e.field(&name)).filter(|old| old.type_name() == type_name);
        if let Some(old) = old {
            collection.fields[i].id.clone_from(&old.id);
            continue;
        }
        // A field of the same name gets the same id (and replaces it, below); a different
        // field whose id happens to collide gets a digit appended.
        let base = field_id(type_name, &name);
        let mut candidate = base.clone();
        let mut suffix = 2;
        while collection.fields[..i].iter().any(|f| f.id == candidate && f.name != name) {
            candidate = format!("{base}{suffix}");
            suffix += 1;
        }
        collection.fields[i].id = candidate;
    }
}

/// compat: fields are keyed by id; a later field with the same id replaces the earlier one in
/// its place (captured: two fields named `a` give one field `a`).
fn dedup_fields_by_id(collection: &mut Collection) {
    let mut fields: Vec<Field> = Vec::with_capacity(collection.fields.len());
    for field in collection.fields.drain(..) {
        match fields.iter_mut().find(|f| f.id == field.id) {
            Some(existing) => *existing = field,
            None => fields.push(field),
        }
    }
    collection.fields = fields;
}

/// The default `id` field of base and auth collections.
pub fn default_id_field() -> Field {
    super::system_fields::id_field()
}

fn ensure_primary_key(collection: &mut Collection) {
    let position = collection
        .fields
        .iter()
        .position(|f| f.name == "id" && matches!(f.options, FieldOptions::Text(_)));
    match position {
        Some(i) => {
            let field = &mut collection.fields[i];
            field.system = true;
            field.required = true;
            if let FieldOptions::Text(options) = &mut field.options {
                options.primary_key = true;
                if options.pattern.is_empty() {
                    options.pattern = "^[a-z0-9]+$".to_owned();
                }
            }
        }
        None => collection.fields.insert(0, default_id_field()),
    }
}

fn ensure_auth_fields(collection: &mut Collection) {
    for default in super::system_fields::auth_system_fields().into_iter().skip(1) {
        match collection.fields.iter_mut().find(|f| f.name == default.name) {
            Some(field) if field.type_name() == default.type_name() => {
                field.system = true;
                if matches!(field.options, FieldOptions::Password(_)) || field.name == "tokenKey" {
                    field.hidden = true;
                    field.required = true;
                }
            }
            Some(field) => {
                // compat: a same-named field of another type becomes the system field, keeping
                // its id (captured: `{"name":"password","type":"text"}` → id `text901924565`).
                let id = field.id.clone();
                *field = Field { id, ..default };
            }
            None => collection.fields.push(default),
        }
    }
}

fn unique_collection_id(collection: &Collection, id_taken: &dyn Fn(&str) -> bool) -> String {
    let base = collection_id(collection.collection_type.as_str(), &collection.name);
    let mut candidate = base.clone();
    let mut suffix = 2;
    while id_taken(&candidate) {
        candidate = format!("{base}{suffix}");
        suffix += 1;
    }
    candidate
}

fn ensure_auth_indexes(collection: &mut Collection) {
    let has_index_on = |indexes: &[String], column: &str| {
        indexes.iter().filter_map(|sql| IndexSql::parse(sql)).any(|index| {
            index.unique && index.single_column().is_some_and(|c| c.eq_ignore_ascii_case(column))
        })
    };
    let (id, name) = (collection.id.clone(), collection.name.clone());
    if !has_index_on(&collection.indexes, "tokenKey") {
        collection
            .indexes
            .push(format!("CREATE UNIQUE INDEX `idx_tokenKey_{id}` ON `{name}` (`tokenKey`)"));
    }
    if !has_index_on(&collection.indexes, "email") {
        collection.indexes.push(format!(
            "CREATE UNIQUE INDEX `idx_email_{id}` ON `{name}` (`email`) WHERE `email` != ''"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::field::{FieldOptions, TextOptions};

    fn text(name: &str) -> Field {
        let mut field = Field::new(name, FieldOptions::Text(TextOptions::default()));
        field.id.clear();
        field
    }

    #[test]
    fn base_collections_get_an_id_field_first() {
        let mut c = Collection::new(CollectionType::Base, "posts");
        c.id.clear();
        c.fields = vec![text("title"), text("title")];
        normalize(&mut c, None, &|_| false);
        let names: Vec<&str> = c.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "title"]);
        assert_eq!(c.id, "pbc_1125843985");
        assert_eq!(c.fields[1].id, "text724990059");
    }

    #[test]
    fn auth_collections_get_their_system_fields_and_indexes() {
        let mut c = Collection::new(CollectionType::Auth, "a1");
        c.id.clear();
        c.fields = vec![text("username")];
        normalize(&mut c, None, &|_| false);
        let names: Vec<&str> = c.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["id", "username", "password", "tokenKey", "email", "emailVisibility", "verified"]
        );
        assert_eq!(
            c.indexes[0],
            "CREATE UNIQUE INDEX `idx_tokenKey_pbc_3438929260` ON `a1` (`tokenKey`)"
        );
    }

    #[test]
    fn known_names_keep_their_ids_on_update() {
        let mut old = Collection::new(CollectionType::Base, "t");
        old.fields = vec![default_id_field(), Field { id: "custom1".into(), ..text("title") }];
        let mut new = old.clone();
        new.fields = vec![text("title")];
        normalize(&mut new, Some(&old), &|_| false);
        assert_eq!(new.fields[1].id, "custom1");
    }
}
