//! A collection: its schema (fields, indexes), API rules and, for auth collections, the auth
//! options. Reads and writes PocketBase's JSON, both the stored form (with token secrets) and
//! the API form (secrets stripped). See `../shared/spec/collections-and-fields.md` §1.

mod auth_options;
pub mod index_sql;
pub mod input;
pub mod normalize;
pub mod system_fields;
mod templates;
pub mod validate;

pub use auth_options::{
    AuthAlertOptions, EmailTemplate, MfaOptions, OAuth2MappedFields, OAuth2Options, OAuth2Provider,
    OtpOptions, PasswordAuthOptions, TokenOptions,
};
use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{Field, FieldOptions};

/// `base`, `auth` or `view`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CollectionType {
    /// Plain records.
    Base,
    /// Records that can authenticate.
    Auth,
    /// Read-only records from a SQL view.
    View,
}

impl CollectionType {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Auth => "auth",
            Self::View => "view",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "base" => Some(Self::Base),
            "auth" => Some(Self::Auth),
            "view" => Some(Self::View),
            _ => None,
        }
    }
}

pub use auth_options::AuthOptions;

/// A collection as stored in `_collections`.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    /// `pbc_<crc32>` by default.
    pub id: String,
    /// Unique (case-insensitively) name; also the table name.
    pub name: String,
    /// Immutable type.
    pub collection_type: CollectionType,
    /// System collections cannot be renamed or deleted.
    pub system: bool,
    /// Ordered fields.
    pub fields: Vec<Field>,
    /// `CREATE [UNIQUE] INDEX` statements.
    pub indexes: Vec<String>,
    /// `null` = superusers only, `""` = everyone.
    pub list_rule: Option<String>,
    /// See `list_rule`.
    pub view_rule: Option<String>,
    /// See `list_rule`.
    pub create_rule: Option<String>,
    /// See `list_rule`.
    pub update_rule: Option<String>,
    /// See `list_rule`.
    pub delete_rule: Option<String>,
    /// The SELECT of a view collection (empty otherwise).
    pub view_query: String,
    /// Auth options (auth collections only).
    pub auth: Option<AuthOptions>,
    /// Creation time in PocketBase's datetime form.
    pub created: String,
    /// Last change time in PocketBase's datetime form.
    pub updated: String,
}

/// Which secrets the JSON of a collection carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrets {
    /// Stored form: token secrets and OAuth2 client secrets included.
    Include,
    /// API form: secrets stripped.
    Strip,
}

impl Collection {
    /// A new empty collection of `collection_type` with its default id and options.
    pub fn new(collection_type: CollectionType, name: &str) -> Self {
        Self {
            id: super::id::collection_id(collection_type.as_str(), name),
            name: name.to_owned(),
            collection_type,
            system: false,
            fields: Vec::new(),
            indexes: Vec::new(),
            list_rule: None,
            view_rule: None,
            create_rule: None,
            update_rule: None,
            delete_rule: None,
            view_query: String::new(),
            auth: (collection_type == CollectionType::Auth).then(AuthOptions::new),
            created: String::new(),
            updated: String::new(),
        }
    }

    /// Whether this is an auth collection.
    pub fn is_auth(&self) -> bool {
        self.collection_type == CollectionType::Auth
    }

    /// Whether this is `_superusers`.
    pub fn is_superusers(&self) -> bool {
        self.name == SUPERUSERS
    }

    /// The field called `name` (exact match).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field called `name`, case-insensitively (how PocketBase resolves form keys).
    pub fn field_ci(&self, name: &str) -> Option<&Field> {
        self.field(name).or_else(|| self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name)))
    }

    /// The collection in PocketBase's key order (serialize it directly to keep the order; a
    /// `serde_json::Value` sorts keys).
    pub fn ordered_json(&self, secrets: Secrets) -> CollectionJson<'_> {
        CollectionJson::from_collection(self, secrets)
    }

    /// The collection as a JSON value (keys sorted).
    pub fn to_json(&self, secrets: Secrets) -> Value {
        serde_json::to_value(self.ordered_json(secrets)).unwrap_or(Value::Null)
    }

    /// The `options` column of `_collections`.
    pub fn options_json(&self) -> Value {
        match self.collection_type {
            CollectionType::Base => Value::Object(Map::new()),
            CollectionType::View => serde_json::json!({"viewQuery": self.view_query}),
            CollectionType::Auth => self
                .auth
                .as_ref()
                .map(|a| a.to_json(Secrets::Include))
                .unwrap_or_else(|| Value::Object(Map::new())),
        }
    }

    /// The `fields` column of `_collections`.
    pub fn fields_json(&self) -> Value {
        Value::Array(self.fields.iter().map(Field::to_json).collect())
    }

    /// The names of fields whose values are hidden from non-superusers.
    pub fn hidden_field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().filter(|f| f.hidden).map(|f| f.name.as_str())
    }

    /// Whether the collection has a field of `name` with these options' type.
    pub fn has_field_of_type(&self, name: &str, type_name: &str) -> bool {
        self.field(name).is_some_and(|f| f.type_name() == type_name)
    }

    /// Fields of password type (never output).
    pub fn is_password_field(&self, name: &str) -> bool {
        self.field(name).is_some_and(|f| matches!(f.options, FieldOptions::Password(_)))
    }
}

/// Name of the superusers collection.
pub const SUPERUSERS: &str = "_superusers";

/// A collection serialized with PocketBase's key order: the common keys, then the
/// type-specific ones.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionJson<'a> {
    id: &'a str,
    list_rule: &'a Option<String>,
    view_rule: &'a Option<String>,
    create_rule: &'a Option<String>,
    update_rule: &'a Option<String>,
    delete_rule: &'a Option<String>,
    name: &'a str,
    #[serde(rename = "type")]
    collection_type: CollectionType,
    fields: Vec<Value>,
    indexes: &'a [String],
    created: &'a str,
    updated: &'a str,
    system: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    view_query: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    auth: Option<auth_options::OrderedAuthOptions<'a>>,
}

impl<'a> CollectionJson<'a> {
    fn from_collection(c: &'a Collection, secrets: Secrets) -> Self {
        Self {
            id: &c.id,
            list_rule: &c.list_rule,
            view_rule: &c.view_rule,
            create_rule: &c.create_rule,
            update_rule: &c.update_rule,
            delete_rule: &c.delete_rule,
            name: &c.name,
            collection_type: c.collection_type,
            fields: c.fields.iter().map(Field::to_json).collect(),
            indexes: &c.indexes,
            created: &c.created,
            updated: &c.updated,
            system: c.system,
            view_query: (c.collection_type == CollectionType::View).then_some(&c.view_query),
            auth: c.auth.as_ref().map(|a| a.ordered(secrets)),
        }
    }
}
