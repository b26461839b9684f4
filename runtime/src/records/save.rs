//! The one path a record takes into the database: fill server-managed values, validate every
//! field, write, and turn UNIQUE violations into `validation_not_unique` on the columns
//! involved. Runs inside the caller's write transaction, so a failure writes nothing.
//! See `../shared/spec/records.md` (write rules).

use rusqlite::Connection;
use serde_json::Value;

use crate::model::field::pattern::random_string_by_regex;
use crate::model::field::validate::{validate, validate_plain_password};
use crate::model::field::{FieldOptions, normalize::to_date};
use crate::model::record::{PASSWORD, TOKEN_KEY, VERIFIED};
use crate::model::{Collection, DateTime, FieldError, Record, ValidationErrors, id};
use crate::store::{self, StoreError};

/// Why a record was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Field errors; nothing was written.
    #[error("invalid record: {0:?}")]
    Validation(ValidationErrors),
    /// The database failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for SaveError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

/// Fills what the server owns on create: a generated id (and other auto-generated text
/// fields left empty), a token key for auth records, and `onCreate` autodates.
pub fn prepare_create(collection: &Collection, record: &mut Record) -> Result<(), SaveError> {
    let now = DateTime::now().to_string();
    for field in &collection.fields {
        match &field.options {
            FieldOptions::Text(o)
                if !o.autogenerate_pattern.is_empty() && record.get_str(&field.name).is_empty() =>
            {
                let value = if field.is_primary_key() && o.autogenerate_pattern == "[a-z0-9]{15}" {
                    id::new_record_id()
                } else {
                    random_string_by_regex(&o.autogenerate_pattern).map_err(|_| {
                        SaveError::Validation(ValidationErrors::single(
                            field.name.clone(),
                            FieldError::invalid_format(),
                        ))
                    })?
                };
                record.set(&field.name, value);
            }
            FieldOptions::Autodate(o) if o.on_create || o.on_update => {
                record.set(&field.name, now.as_str())
            }
            FieldOptions::Autodate(_) => record.set(&field.name, ""),
            _ => {}
        }
    }
    if collection.is_superusers() {
        record.set(VERIFIED, true);
    }
    Ok(())
}

/// Refreshes what the server owns on update: `onUpdate` autodates.
pub fn prepare_update(collection: &Collection, record: &mut Record) {
    let now = DateTime::now().to_string();
    for field in &collection.fields {
        if let FieldOptions::Autodate(o) = &field.options {
            if o.on_update {
                record.set(&field.name, now.as_str());
            }
        }
    }
    if collection.is_superusers() {
        record.set(VERIFIED, true);
    }
}

/// Stores a new password hash and rotates the token key, which invalidates every token of the
/// record (PocketBase does the same on any password change).
pub fn set_password_hash(record: &mut Record, hash: &str) {
    record.set(PASSWORD, hash);
    rotate_token_key(record);
}

/// A new token key: every token issued for the record stops verifying.
pub fn rotate_token_key(record: &mut Record) {
    record.set(TOKEN_KEY, id::random_string(50, id::SECRET_ALPHABET));
}

/// Validates a plain password for the collection's `password` field.
pub fn check_plain_password(collection: &Collection, plain: &str) -> Option<FieldError> {
    collection.field(PASSWORD).and_then(|field| validate_plain_password(field, plain))
}

/// Validates every field value (password hashes are checked as plain text before hashing).
pub fn validate_record(collection: &Collection, record: &Record) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    for field in &collection.fields {
        if matches!(field.options, FieldOptions::Password(_)) {
            if field.required && record.get_str(&field.name).is_empty() {
                errors.add(field.name.clone(), FieldError::required());
            }
            continue;
        }
        let value = record.get(&field.name).cloned().unwrap_or_else(|| field.zero_value());
        let value = match &field.options {
            FieldOptions::Date(_) => Value::String(to_date(&value)),
            _ => value,
        };
        if let Some(error) = validate(field, &value) {
            errors.add(field.name.clone(), error);
        }
    }
    errors.into_result()
}

/// Validates and inserts a prepared record.
pub fn insert(
    conn: &Connection,
    collection: &Collection,
    record: &Record,
) -> Result<(), SaveError> {
    validate_record(collection, record).map_err(SaveError::Validation)?;
    store::records::insert(conn, collection, record).map_err(|e| map_unique(collection, e))
}

/// Validates and writes a prepared record over the stored one with id `id`.
pub fn update(
    conn: &Connection,
    collection: &Collection,
    id: &str,
    record: &Record,
) -> Result<(), SaveError> {
    validate_record(collection, record).map_err(SaveError::Validation)?;
    store::records::update(conn, collection, id, record).map_err(|e| map_unique(collection, e))
}

/// `UNIQUE constraint failed: users.email, users.name` → `validation_not_unique` on each column.
fn map_unique(collection: &Collection, error: StoreError) -> SaveError {
    if !error.is_unique_violation() {
        return SaveError::Store(error);
    }
    let mut errors = ValidationErrors::new();
    if let Some(columns) = error.sqlite_message().and_then(|m| m.split_once(": ")).map(|(_, c)| c) {
        for column in columns.split(',') {
            let name = column.trim().rsplit_once('.').map_or(column.trim(), |(_, c)| c);
            if collection.field(name).is_some() {
                errors.add(name.to_owned(), FieldError::not_unique());
            }
        }
    }
    if errors.is_empty() {
        return SaveError::Store(error);
    }
    SaveError::Validation(errors)
}
