//! A record: the values of one row of a collection, keyed by field name, and its public JSON
//! (hidden fields, passwords, token keys and email visibility applied).
//! See `../shared/spec/records.md` (record JSON) and `../shared/spec/auth.md` §12.

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::collection::Collection;
use super::field::FieldOptions;

/// Name of the auth collections' email field.
pub const EMAIL: &str = "email";
/// Name of the auth collections' email visibility field.
pub const EMAIL_VISIBILITY: &str = "emailVisibility";
/// Name of the auth collections' verified field.
pub const VERIFIED: &str = "verified";
/// Name of the auth collections' token key field.
pub const TOKEN_KEY: &str = "tokenKey";
/// Name of the auth collections' password field.
pub const PASSWORD: &str = "password";

/// One record's values.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Owning collection's id.
    pub collection_id: String,
    /// Owning collection's name.
    pub collection_name: String,
    /// Field values by field name; every field of the collection is present.
    pub values: Map<String, Value>,
}

/// What a requester may see of a record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Hidden fields are included (superusers).
    pub hidden_fields: bool,
    /// `email` is included whatever `emailVisibility` says (owner, superuser, manager).
    pub email: bool,
}

impl Visibility {
    /// What a superuser sees.
    pub const SUPERUSER: Self = Self { hidden_fields: true, email: true };
    /// What the record's owner sees.
    pub const OWNER: Self = Self { hidden_fields: false, email: true };
    /// What anybody else sees.
    pub const PUBLIC: Self = Self { hidden_fields: false, email: false };
}

impl Record {
    /// A record of `collection` with every field at its zero value.
    pub fn new(collection: &Collection) -> Self {
        let values = collection.fields.iter().map(|f| (f.name.clone(), f.zero_value())).collect();
        Self {
            collection_id: collection.id.clone(),
            collection_name: collection.name.clone(),
            values,
        }
    }

    /// The record id.
    pub fn id(&self) -> &str {
        self.get_str("id")
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// A text value, `""` when unset or not text.
    pub fn get_str(&self, name: &str) -> &str {
        self.values.get(name).and_then(Value::as_str).unwrap_or_default()
    }

    /// A bool value, `false` when unset or not a bool.
    pub fn get_bool(&self, name: &str) -> bool {
        self.values.get(name).and_then(Value::as_bool).unwrap_or_default()
    }

    /// Sets a field's value.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        self.values.insert(name.to_owned(), value.into());
    }

    /// The record's JSON as the API returns it: `collectionId`, `collectionName` and every
    /// visible field. Passwords and token keys are never included.
    pub fn to_public_json(
        &self,
        collection: &Collection,
        visibility: Visibility,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("collectionId".into(), Value::from(self.collection_id.as_str()));
        out.insert("collectionName".into(), Value::from(self.collection_name.as_str()));
        for (name, value) in self.visible_fields(collection, visibility) {
            out.insert(name.to_owned(), value.into_owned());
        }
        out
    }

    /// The same JSON as [`to_public_json`](Self::to_public_json) (same keys, same order), written
    /// straight to a serializer without building a map.
    pub fn public_json<'a>(
        &'a self,
        collection: &'a Collection,
        visibility: Visibility,
    ) -> PublicJson<'a> {
        PublicJson { record: self, collection, visibility }
    }

    /// The fields `visibility` shows, in the collection's order, with their values (a field
    /// missing from `values` shows its zero value).
    fn visible_fields<'a>(
        &'a self,
        collection: &'a Collection,
        visibility: Visibility,
    ) -> impl Iterator<Item = (&'a str, Cow<'a, Value>)> + 'a {
        let is_auth = collection.is_auth();
        collection.fields.iter().filter_map(move |field| {
            let hidden = matches!(field.options, FieldOptions::Password(_))
                || (is_auth && field.name == TOKEN_KEY)
                || (field.hidden && !visibility.hidden_fields)
                || (is_auth
                    && field.name == EMAIL
                    && !visibility.email
                    && !self.get_bool(EMAIL_VISIBILITY));
            (!hidden).then(|| {
                let value = match self.values.get(&field.name) {
                    Some(value) => Cow::Borrowed(value),
                    None => Cow::Owned(field.zero_value()),
                };
                (field.name.as_str(), value)
            })
        })
    }
}

/// A record's public JSON as a [`Serialize`] value: see [`Record::public_json`].
pub struct PublicJson<'a> {
    record: &'a Record,
    collection: &'a Collection,
    visibility: Visibility,
}

impl Serialize for PublicJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let record = self.record;
        let mut entries: Vec<(&str, Cow<'_, Value>)> =
            record.visible_fields(self.collection, self.visibility).collect();
        // `to_public_json`'s map orders its keys; so does this.
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut map = serializer.serialize_map(Some(entries.len() + 2))?;
        let mut ids = [
            ("collectionId", record.collection_id.as_str()),
            ("collectionName", record.collection_name.as_str()),
        ]
        .into_iter()
        .peekable();
        for (name, value) in &entries {
            while let Some((id_name, id)) = ids.next_if(|(id_name, _)| *id_name < *name) {
                map.serialize_entry(id_name, id)?;
            }
            if ids.peek().is_some_and(|(id_name, _)| id_name == name) {
                // A field named like the ids: the map keeps the field's value.
                ids.next();
            }
            map.serialize_entry(name, value.as_ref())?;
        }
        for (id_name, id) in ids {
            map.serialize_entry(id_name, id)?;
        }
        map.end()
    }
}
