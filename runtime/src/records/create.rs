//! Creating a record through the API (and batch): the create rule (`null` = superusers only),
//! submitted values applied with PocketBase's rules, the auth-record form checks, password
//! hashing (off the writer thread for single requests), uploads named and checked, then — in
//! one write transaction — the create rule against the would-be record, relation checks,
//! validation, the files and the insert.
//! See `../shared/spec/records.md` (create) and `../shared/spec/auth.md` §12.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::error::{Action, RecordError};
use super::events::{RecordAction, RecordEvent};
use super::files::{FileChanges, apply_uploads};
use super::input::{self, WriteAccess};
use super::request::RequestInfo;
use super::rules::{self, RuleScope};
use super::save::{self, SaveError};
use super::{auth_fields, manage, relations};
use crate::app::App;
use crate::auth::password;
use crate::files::storage::NewFile;
use crate::files::{Storage, UploadedFile};
use crate::hooks::HookScope;
use crate::model::record::PASSWORD;
use crate::model::{Collection, CollectionSet, CollectionType, Record, ValidationErrors};

/// A record built from a request, before its password is hashed.
pub struct Draft {
    record: Record,
    rule: Option<String>,
    body: Map<String, Value>,
    password: Option<String>,
}

/// A record ready to be inserted.
pub struct PreparedCreate {
    /// The record (server-managed values filled in).
    pub record: Record,
    /// The create rule to check inside the transaction, if any.
    pub rule: Option<String>,
    /// `@request.body` for the rule: the submitted keys with their resolved values.
    pub body: Map<String, Value>,
    /// Files to store with it.
    pub files: FileChanges,
    /// Problems with the uploads, reported with the other field errors.
    pub file_errors: ValidationErrors,
}

/// The record a create request would make, to check the manage rule against — `None` when no
/// manage rule can apply to the requester.
pub fn manager_probe(
    collection: &Collection,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Option<Record> {
    manage::applicable_rule(collection, request)?;
    let mut record = Record::new(collection);
    input::apply(collection, &mut record, data, WriteAccess { superuser: false });
    Some(record)
}

/// Builds the record of a create request (no database access, nothing hashed yet); `manager`
/// = the requester's manage rule matched the would-be record.
pub fn draft(
    collection: &Collection,
    request: &RequestInfo,
    data: &Map<String, Value>,
    manager: bool,
) -> Result<Draft, RecordError> {
    if collection.collection_type == CollectionType::View {
        return Err(RecordError::UnsupportedCollection);
    }
    let rule = rules::require_rule(collection.create_rule.as_deref(), request)?.map(str::to_owned);
    let superuser = request.is_superuser();
    let mut record = Record::new(collection);
    let applied = input::apply(collection, &mut record, data, WriteAccess { superuser });
    let body = input::submitted_body(&record, &applied, data);
    let mut password = None;
    if collection.is_auth() {
        let errors = auth_fields::check_create(&record, &applied.auth, superuser || manager);
        if !errors.is_empty() {
            return Err(RecordError::Validation(Action::Create, errors));
        }
        let plain = applied.auth.password.unwrap_or_default();
        if let Some(error) = save::check_plain_password(collection, &plain) {
            let mut errors = field_errors_without_password(collection, &record);
            errors.add(PASSWORD, error);
            return Err(RecordError::Validation(Action::Create, errors));
        }
        password = Some(plain);
    }
    Ok(Draft { record, rule, body, password })
}

/// Finishes a draft with the hash of its password and its uploads.
fn finish(
    collection: &Collection,
    draft: Draft,
    hash: Option<String>,
    data: &Map<String, Value>,
    uploads: &[UploadedFile],
) -> Result<PreparedCreate, RecordError> {
    let Draft { mut record, rule, body, .. } = draft;
    if let Some(hash) = hash {
        save::set_password_hash(&mut record, &hash);
    }
    save::prepare_create(collection, &mut record).map_err(|e| save_error(e, Action::Create))?;
    let (files, file_errors) = match apply_uploads(collection, None, &mut record, data, uploads) {
        Ok(files) => (files, ValidationErrors::new()),
        Err(errors) => (FileChanges::default(), errors),
    };
    Ok(PreparedCreate { record, rule, body, files, file_errors })
}

/// Builds the record of a create request, hashing its password on the blocking pool.
pub async fn prepare(
    collection: &Collection,
    request: &RequestInfo,
    data: &Map<String, Value>,
    uploads: &[UploadedFile],
    manager: bool,
) -> Result<PreparedCreate, RecordError> {
    let draft = draft(collection, request, data, manager)?;
    let hash = match draft.password.clone() {
        Some(plain) => Some(
            tokio::task::spawn_blocking(move || password::hash(&plain))
                .await
                .map_err(|e| RecordError::BadRequest(e.to_string()))?
                .map_err(|e| RecordError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    finish(collection, draft, hash, data, uploads)
}

/// Builds the record of a create request on the current thread (batch, inside a transaction).
pub fn prepare_inline(
    collection: &Collection,
    request: &RequestInfo,
    data: &Map<String, Value>,
    uploads: &[UploadedFile],
    manager: bool,
) -> Result<PreparedCreate, RecordError> {
    let draft = draft(collection, request, data, manager)?;
    let hash = match &draft.password {
        Some(plain) => {
            Some(password::hash(plain).map_err(|e| RecordError::BadRequest(e.to_string()))?)
        }
        None => None,
    };
    finish(collection, draft, hash, data, uploads)
}

/// The other field errors, reported with a bad password as PocketBase does.
fn field_errors_without_password(collection: &Collection, record: &Record) -> ValidationErrors {
    let mut probe = record.clone();
    probe.set(PASSWORD, "x");
    let _ = save::prepare_create(collection, &mut probe);
    save::validate_record(collection, &probe).err().unwrap_or_default()
}

/// Inserts a prepared record (and stores its files) inside an open write transaction; the files
/// are removed again if the insert fails.
pub fn insert_in(
    tx: &rusqlite::Connection,
    storage: &Storage,
    all: &CollectionSet,
    collection: &Collection,
    request: &RequestInfo,
    prepared: &mut PreparedCreate,
    hooks: &HookScope,
) -> Result<(), RecordError> {
    // hooks: model-level before-hooks, inside the transaction (may patch the record).
    hooks.model_before_in(tx, RecordAction::Create, collection, &mut prepared.record, None)?;
    if let Some(rule) = &prepared.rule {
        let mut rule_request = request.clone();
        rule_request.body.clone_from(&prepared.body);
        let scope = RuleScope { all, collection, request: &rule_request };
        if !rules::allows_new(tx, &scope, rule, &prepared.record)? {
            return Err(RecordError::CreateRuleFailed);
        }
    }
    let mut errors = prepared.file_errors.clone();
    errors.extend(save::validate_record(collection, &prepared.record).err().unwrap_or_default());
    errors.extend(relations::missing_relation_errors(tx, all, collection, &prepared.record)?);
    if !errors.is_empty() {
        return Err(RecordError::Validation(Action::Create, errors));
    }
    store_files(storage, &prepared.files.new)?;
    save::insert(tx, collection, &prepared.record).map_err(|e| {
        storage.discard_sync(&prepared.files.new);
        save_error(e, Action::Create)
    })?;
    // hooks: model-level after-hooks; a reject rolls the insert back.
    hooks
        .model_after_in(tx, RecordAction::Create, collection, &prepared.record)
        .inspect_err(|_| storage.discard_sync(&prepared.files.new))?;
    Ok(())
}

/// Writes new files; on a failure the ones already written are removed.
pub fn store_files(storage: &Storage, files: &[NewFile]) -> Result<(), RecordError> {
    for (i, file) in files.iter().enumerate() {
        if let Err(e) = storage.put_sync(file) {
            storage.discard_sync(&files[..i]);
            return Err(RecordError::BadRequest(format!("cannot store {}: {e}", file.name)));
        }
    }
    Ok(())
}

/// Creates a record: prepare, then insert in one transaction.
pub async fn create(
    app: &App,
    collection: &Arc<Collection>,
    request: &RequestInfo,
    data: &Map<String, Value>,
    uploads: &[UploadedFile],
) -> Result<Record, RecordError> {
    let manager = match manager_probe(collection, request, data) {
        Some(probe) => {
            let (all, c, r) = (app.collections(), collection.clone(), request.clone());
            app.data()
                .read_with(move |conn| manage::manages_new(conn, &all, &c, &r, &probe))
                .await?
        }
        None => false,
    };
    let mut prepared = prepare(collection, request, data, uploads, manager).await?;
    // hooks: request-level before-hooks, outside the transaction.
    let hooks = HookScope::of(app);
    hooks
        .before_request(RecordAction::Create, collection, &mut prepared.record, None, request)
        .await?;
    let scope = hooks.clone();
    let all = app.collections();
    let (c, r, storage) = (collection.clone(), request.clone(), app.storage().clone());
    let files = prepared.files.new.clone();
    let result = app
        .data()
        .write(move |tx| {
            insert_in(tx, &storage, &all, &c, &r, &mut prepared, &scope)?;
            Ok::<_, RecordError>(prepared.record)
        })
        .await;
    match &result {
        Ok(record) => app.events().publish(vec![RecordEvent::new(
            RecordAction::Create,
            collection.clone(),
            record.clone(),
        )]),
        Err(_) => app.storage().discard_sync(&files),
    }
    // hooks: after-success hooks, after the commit.
    if let Ok(record) = &result {
        hooks.after_success(RecordAction::Create, collection, record, request).await;
    }
    result
}

/// A save failure as the record error of `action`.
pub fn save_error(error: SaveError, action: Action) -> RecordError {
    match error {
        SaveError::Validation(errors) => RecordError::Validation(action, errors),
        SaveError::Store(error) => RecordError::Store(error),
    }
}
