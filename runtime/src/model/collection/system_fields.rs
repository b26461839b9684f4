//! The system fields PocketBase gives every base and auth collection (`id`, and for auth
//! collections `password`, `tokenKey`, `email`, `emailVisibility`, `verified` with their unique
//! indexes), field for field. See `../shared/spec/collections-and-fields.md` §1 and §4.

use crate::model::field::{AutodateOptions, DomainOptions, PasswordOptions, TextOptions};
use crate::model::{Field, FieldOptions};

/// The `id` field every base and auth collection has.
pub fn id_field() -> Field {
    Field::new(
        "id",
        FieldOptions::Text(TextOptions {
            autogenerate_pattern: "[a-z0-9]{15}".to_owned(),
            max: 15,
            min: 15,
            pattern: "^[a-z0-9]+$".to_owned(),
            primary_key: true,
            ..Default::default()
        }),
    )
    .system(true)
    .required(true)
}

/// A plain text field.
pub fn text(name: &str) -> Field {
    Field::new(name, FieldOptions::Text(TextOptions::default()))
}

/// An autodate field set on create (and on update when `on_update`).
pub fn autodate(name: &str, on_update: bool) -> Field {
    Field::new(name, FieldOptions::Autodate(AutodateOptions { on_create: true, on_update }))
}

/// The `created`/`updated` pair.
pub fn autodate_fields(system: bool) -> [Field; 2] {
    [autodate("created", false).system(system), autodate("updated", true).system(system)]
}

/// The system fields every auth collection has, in PocketBase's order.
pub fn auth_system_fields() -> Vec<Field> {
    vec![
        id_field(),
        Field::new(
            "password",
            FieldOptions::Password(PasswordOptions { min: 8, ..Default::default() }),
        )
        .system(true)
        .hidden(true)
        .required(true),
        Field::new(
            "tokenKey",
            FieldOptions::Text(TextOptions {
                autogenerate_pattern: "[a-zA-Z0-9]{50}".to_owned(),
                max: 60,
                min: 30,
                ..Default::default()
            }),
        )
        .system(true)
        .hidden(true)
        .required(true),
        Field::new("email", FieldOptions::Email(DomainOptions::default()))
            .system(true)
            .required(true),
        Field::new("emailVisibility", FieldOptions::Bool).system(true),
        Field::new("verified", FieldOptions::Bool).system(true),
    ]
}

/// The unique indexes every auth collection has on `tokenKey` and `email`.
pub fn auth_indexes(collection_id: &str, name: &str) -> Vec<String> {
    vec![
        format!("CREATE UNIQUE INDEX `idx_tokenKey_{collection_id}` ON `{name}` (`tokenKey`)"),
        format!(
            "CREATE UNIQUE INDEX `idx_email_{collection_id}` ON `{name}` (`email`) WHERE `email` != ''"
        ),
    ]
}
