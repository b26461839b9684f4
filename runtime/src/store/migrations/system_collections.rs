//! PocketBase 0.40's system collections, field for field: `_mfas`, `_otps`, `_externalAuths`,
//! `_authOrigins`, `_superusers` and the default `users` auth collection, with their exact ids,
//! field ids, rules and indexes. See `../shared/spec/collections-and-fields.md` §4.

use crate::model::collection::SUPERUSERS;
use crate::model::collection::system_fields::text;
pub use crate::model::collection::system_fields::{
    auth_indexes, auth_system_fields, autodate_fields, id_field,
};
use crate::model::field::{FileOptions, PasswordOptions, TextOptions};
use crate::model::{Collection, CollectionType, Field, FieldOptions};

/// Rule of the system collections: only the owner sees its own rows.
const OWNER_RULE: &str = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";

fn ref_collection(name: &str, extra: Vec<Field>, indexes: Vec<String>) -> Collection {
    let mut collection = Collection::new(CollectionType::Base, name);
    collection.system = true;
    collection.fields = vec![id_field(), text("collectionRef").system(true).required(true)];
    collection.fields.push(text("recordRef").system(true).required(true));
    collection.fields.extend(extra);
    collection.fields.extend(autodate_fields(true));
    collection.indexes = indexes;
    collection.list_rule = Some(OWNER_RULE.to_owned());
    collection.view_rule = Some(OWNER_RULE.to_owned());
    collection
}

/// `_mfas`.
pub fn mfas() -> Collection {
    ref_collection(
        "_mfas",
        vec![text("method").system(true).required(true)],
        vec![
            "CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (collectionRef,recordRef)"
                .to_owned(),
        ],
    )
}

/// `_otps`.
pub fn otps() -> Collection {
    ref_collection(
        "_otps",
        vec![
            Field::new(
                "password",
                FieldOptions::Password(PasswordOptions { cost: 8, ..Default::default() }),
            )
            .system(true)
            .hidden(true)
            .required(true),
            text("sentTo").system(true).hidden(true),
        ],
        vec![
            "CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (collectionRef, recordRef)"
                .to_owned(),
        ],
    )
}

/// `_externalAuths`.
pub fn external_auths() -> Collection {
    let mut collection = ref_collection(
        "_externalAuths",
        vec![
            text("provider").system(true).required(true),
            text("providerId").system(true).required(true),
        ],
        vec![
            "CREATE UNIQUE INDEX `idx_externalAuths_record_provider` ON `_externalAuths` (collectionRef, recordRef, provider)".to_owned(),
            "CREATE UNIQUE INDEX `idx_externalAuths_collection_provider` ON `_externalAuths` (collectionRef, provider, providerId)".to_owned(),
        ],
    );
    collection.delete_rule = Some(OWNER_RULE.to_owned());
    collection
}

/// `_authOrigins`.
pub fn auth_origins() -> Collection {
    let mut collection = ref_collection(
        "_authOrigins",
        vec![text("fingerprint").system(true).required(true)],
        vec!["CREATE UNIQUE INDEX `idx_authOrigins_unique_pairs` ON `_authOrigins` (collectionRef, recordRef, fingerprint)".to_owned()],
    );
    collection.delete_rule = Some(OWNER_RULE.to_owned());
    collection
}

/// `_superusers`.
pub fn superusers() -> Collection {
    let mut collection = Collection::new(CollectionType::Auth, SUPERUSERS);
    collection.system = true;
    collection.fields = auth_system_fields();
    collection.fields.extend(autodate_fields(true));
    collection.indexes = auth_indexes(&collection.id, SUPERUSERS);
    if let Some(auth) = collection.auth.as_mut() {
        auth.auth_token.duration = 86_400;
    }
    collection
}

/// The default `users` auth collection (not system; its id is the legacy `_pb_users_auth_`).
pub fn users() -> Collection {
    let mut collection = Collection::new(CollectionType::Auth, "users");
    collection.id = "_pb_users_auth_".to_owned();
    collection.fields = auth_system_fields();
    collection.fields.push(Field::new(
        "name",
        FieldOptions::Text(TextOptions { max: 255, ..Default::default() }),
    ));
    collection.fields.push(Field::new(
        "avatar",
        FieldOptions::File(FileOptions {
            max_select: 1,
            mime_types: ["image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"]
                .map(str::to_owned)
                .to_vec(),
            ..Default::default()
        }),
    ));
    collection.fields.extend(autodate_fields(false));
    collection.indexes = auth_indexes(&collection.id, "users");
    let owner = Some("id = @request.auth.id".to_owned());
    collection.list_rule = owner.clone();
    collection.view_rule = owner.clone();
    collection.create_rule = Some(String::new());
    collection.update_rule = owner.clone();
    collection.delete_rule = owner;
    if let Some(auth) = collection.auth.as_mut() {
        auth.oauth2.mapped_fields.name = "name".to_owned();
        auth.oauth2.mapped_fields.avatar_url = "avatar".to_owned();
    }
    collection
}

/// All system collections in PocketBase's creation order.
pub fn all() -> Vec<Collection> {
    vec![mfas(), otps(), external_auths(), auth_origins(), superusers(), users()]
}
