//! Creating a record through the API (and batch): the create rule (`null` = superusers only),
//! submitted values applied with PocketBase's rules, the auth-record form checks, password
//! hashing off the writer thread, then — in one write transaction — the create rule against
//! the would-be record, relation checks, validation and the insert.
//! See `../shared/spec/records.md` (create) and `../shared/spec/auth.md` §12.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::error::{Action, RecordError};
use super::input::{self, WriteAccess};
use super::request::RequestInfo;
use super::rules::{self, RuleScope};
use super::save::{self, SaveError};
use super::{auth_fields, relations};
use crate::app::App;
use crate::auth::password;
use crate::model::record::PASSWORD;
use crate::model::{Collection, CollectionType, Record, ValidationErrors};

/// A record built from a request, ready to be inserted.
pub struct PreparedCreate {
    /// The record (server-managed values filled in).
    pub record: Record,
    /// The create rule to check inside the transaction, if any.
    pub rule: Option<String>,
}

/// Builds the record of a create request; no database access, password hashed.
pub async fn prepare(
    collection: &Collection,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Result<PreparedCreate, RecordError> {
    if collection.collection_type == CollectionType::View {
        return Err(RecordError::UnsupportedCollection);
    }
    let rule = rules::require_rule(collection.create_rule.as_deref(), request)?.map(str::to_owned);
    let superuser = request.is_superuser();
    let mut record = Record::new(collection);
    let applied = input::apply(collection, &mut record, data, WriteAccess { superuser });
    if collection.is_auth() {
        // TODO(#5): managers (manageRule matches) get the same rights as superusers here.
        let errors = auth_fields::check_create(&record, &applied.auth, superuser);
        if !errors.is_empty() {
            return Err(RecordError::Validation(Action::Create, errors));
        }
        let plain = applied.auth.password.clone().unwrap_or_default();
        if let Some(error) = save::check_plain_password(collection, &plain) {
            let mut errors = field_errors_without_password(collection, &record);
            errors.add(PASSWORD, error);
            return Err(RecordError::Validation(Action::Create, errors));
        }
        let hash = tokio::task::spawn_blocking(move || password::hash(&plain))
            .await
            .map_err(|e| RecordError::BadRequest(e.to_string()))?
            .map_err(|e| RecordError::BadRequest(e.to_string()))?;
        save::set_password_hash(&mut record, &hash);
    }
    save::prepare_create(collection, &mut record).map_err(|e| save_error(e, Action::Create))?;
    Ok(PreparedCreate { record, rule })
}

/// The other field errors, reported with a bad password as PocketBase does.
fn field_errors_without_password(collection: &Collection, record: &Record) -> ValidationErrors {
    let mut probe = record.clone();
    probe.set(PASSWORD, "x");
    let _ = save::prepare_create(collection, &mut probe);
    save::validate_record(collection, &probe).err().unwrap_or_default()
}

/// Inserts a prepared record inside an open write transaction.
pub fn insert_in(
    tx: &rusqlite::Transaction<'_>,
    app_collections: &crate::model::CollectionSet,
    collection: &Collection,
    request: &RequestInfo,
    prepared: &PreparedCreate,
) -> Result<(), RecordError> {
    if let Some(rule) = &prepared.rule {
        let scope = RuleScope { all: app_collections, collection, request };
        if !rules::allows_new(tx, &scope, rule, &prepared.record)? {
            return Err(RecordError::CreateRuleFailed);
        }
    }
    let mut errors = save::validate_record(collection, &prepared.record).err().unwrap_or_default();
    errors.extend(relations::missing_relation_errors(
        tx,
        app_collections,
        collection,
        &prepared.record,
    )?);
    if !errors.is_empty() {
        return Err(RecordError::Validation(Action::Create, errors));
    }
    save::insert(tx, collection, &prepared.record).map_err(|e| save_error(e, Action::Create))
}

/// Creates a record: prepare, then insert in one transaction.
pub async fn create(
    app: &App,
    collection: &Arc<Collection>,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Result<Record, RecordError> {
    let prepared = prepare(collection, request, data).await?;
    let all = app.collections();
    let (c, r) = (collection.clone(), request.clone());
    app.data()
        .write(move |tx| {
            insert_in(tx, &all, &c, &r, &prepared)?;
            Ok::<_, RecordError>(prepared.record)
        })
        .await
}

/// A save failure as the record error of `action`.
pub fn save_error(error: SaveError, action: Action) -> RecordError {
    match error {
        SaveError::Validation(errors) => RecordError::Validation(action, errors),
        SaveError::Store(error) => RecordError::Store(error),
    }
}
