//! Updating a record through the API (and batch): the update rule against the stored record
//! (with `@request.body` = the submitted values after modifiers) — a miss is a 404 — then the
//! values applied, the id kept, the auth-record checks (`oldPassword`, `email`, `verified`),
//! and validation plus the write in one transaction. See `../shared/spec/records.md` (update).

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::create::{save_error, store_files};
use super::error::{Action, RecordError};
use super::events::{RecordAction, RecordEvent};
use super::files::{FileChanges, apply_uploads};
use super::input::{self, Applied, WriteAccess};
use super::request::RequestInfo;
use super::rules::{self, RuleScope};
use super::{auth_fields, manage, relations, save};
use crate::app::App;
use crate::auth::password;
use crate::files::{Storage, UploadedFile};
use crate::hooks::HookScope;
use crate::model::record::{EMAIL, PASSWORD};
use crate::model::{
    Collection, CollectionSet, CollectionType, FieldError, Record, ValidationErrors,
};
use crate::store;

/// The stored record with the request applied, before auth checks and hashing.
pub struct Draft {
    original: Record,
    record: Record,
    applied: Applied,
    manager: bool,
}

impl Draft {
    /// The record as stored.
    pub fn original(&self) -> &Record {
        &self.original
    }
}

/// A record change ready to be written.
pub struct PreparedUpdate {
    /// The stored id.
    pub id: String,
    /// The new values.
    pub record: Record,
    /// Files to store and to delete after the commit.
    pub files: FileChanges,
    /// Problems with the uploads, reported with the other field errors.
    pub file_errors: ValidationErrors,
}

/// Loads record `id`, applies the request and checks the update rule (404 on a miss).
pub fn draft(
    conn: &Connection,
    all: &CollectionSet,
    collection: &Collection,
    id: &str,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Result<Draft, RecordError> {
    if collection.collection_type == CollectionType::View {
        return Err(RecordError::UnsupportedCollection);
    }
    let rule = rules::require_rule(collection.update_rule.as_deref(), request)?;
    let original =
        store::records::find_by_id(conn, collection, id)?.ok_or(RecordError::NotFound)?;
    let mut record = original.clone();
    let applied = input::apply(
        collection,
        &mut record,
        data,
        WriteAccess { superuser: request.is_superuser() },
    );
    if let Some(rule) = rule {
        let mut rule_request = request.clone();
        rule_request.body = input::submitted_body(&record, &applied, data);
        let scope = RuleScope { all, collection, request: &rule_request };
        if !rules::allows_stored(conn, &scope, rule, id)? {
            return Err(RecordError::NotFound);
        }
    }
    let manager = manage::manages_stored(conn, all, collection, request, id)?;
    Ok(Draft { original, record, applied, manager })
}

/// Finishes a draft on the current thread: id kept, auth checks (which may verify the old
/// password), new password hashed, server-managed values refreshed.
pub fn finish(
    collection: &Collection,
    draft: Draft,
    superuser: bool,
    data: &Map<String, Value>,
    uploads: &[UploadedFile],
) -> Result<PreparedUpdate, RecordError> {
    let Draft { original, mut record, applied, manager } = draft;
    let id = original.id().to_owned();
    if record.id() != id {
        let error =
            FieldError::new("validation_pk_change", "The record primary key cannot be changed.");
        return Err(RecordError::Validation(Action::Update, ValidationErrors::single("id", error)));
    }
    if collection.is_auth() {
        let errors =
            auth_fields::check_update(&original, &record, &applied.auth, superuser || manager);
        if !errors.is_empty() {
            return Err(RecordError::Validation(Action::Update, errors));
        }
        // compat: an email change invalidates the record's tokens, as PocketBase does
        // (auth.md §3).
        if record.get(EMAIL) != original.get(EMAIL) {
            save::rotate_token_key(&mut record);
        }
        if let Some(plain) = applied.auth.password.as_deref().filter(|p| !p.is_empty()) {
            if let Some(error) = save::check_plain_password(collection, plain) {
                return Err(RecordError::Validation(
                    Action::Update,
                    ValidationErrors::single(PASSWORD, error),
                ));
            }
            let hash = password::hash(plain).map_err(|e| RecordError::BadRequest(e.to_string()))?;
            save::set_password_hash(&mut record, &hash);
        }
    }
    save::prepare_update(collection, &mut record);
    let (files, file_errors) =
        match apply_uploads(collection, Some(&original), &mut record, data, uploads) {
            Ok(files) => (files, ValidationErrors::new()),
            Err(errors) => (FileChanges::default(), errors),
        };
    Ok(PreparedUpdate { id, record, files, file_errors })
}

/// Writes a prepared update (and stores its new files) inside an open write transaction.
pub fn write_in(
    tx: &rusqlite::Connection,
    storage: &Storage,
    all: &CollectionSet,
    collection: &Collection,
    prepared: &mut PreparedUpdate,
    hooks: &HookScope,
) -> Result<(), RecordError> {
    // hooks: model-level before-hooks, inside the transaction (may patch the record).
    hooks.model_before_in(tx, RecordAction::Update, collection, &mut prepared.record, None)?;
    let mut errors = prepared.file_errors.clone();
    errors.extend(save::validate_record(collection, &prepared.record).err().unwrap_or_default());
    errors.extend(relations::missing_relation_errors(tx, all, collection, &prepared.record)?);
    if !errors.is_empty() {
        return Err(RecordError::Validation(Action::Update, errors));
    }
    store_files(storage, &prepared.files.new)?;
    save::update(tx, collection, &prepared.id, &prepared.record).map_err(|e| {
        storage.discard_sync(&prepared.files.new);
        match e {
            save::SaveError::Store(crate::store::StoreError::NotFound) => RecordError::NotFound,
            other => save_error(other, Action::Update),
        }
    })?;
    // hooks: model-level after-hooks; a reject rolls the update back.
    hooks
        .model_after_in(tx, RecordAction::Update, collection, &prepared.record)
        .inspect_err(|_| storage.discard_sync(&prepared.files.new))?;
    Ok(())
}

/// Updates a record: load and check on a reader, hash on the blocking pool, write in one
/// transaction, then delete the files it no longer references.
pub async fn update(
    app: &App,
    collection: &Arc<Collection>,
    id: &str,
    request: &RequestInfo,
    data: &Map<String, Value>,
    uploads: &[UploadedFile],
) -> Result<Record, RecordError> {
    let all = app.collections();
    let (c, r, d, id) = (collection.clone(), request.clone(), data.clone(), id.to_owned());
    let reader_all = all.clone();
    let draft = app.data().read_with(move |conn| draft(conn, &reader_all, &c, &id, &r, &d)).await?;
    let (c, superuser, d, u) =
        (collection.clone(), request.is_superuser(), data.clone(), uploads.to_vec());
    // hooks: request-level before-hooks run after `finish`, outside the transaction.
    let hooks = HookScope::of(app);
    let original =
        hooks.wants_request(RecordAction::Update, collection).then(|| draft.original().clone());
    let mut prepared = tokio::task::spawn_blocking(move || finish(&c, draft, superuser, &d, &u))
        .await
        .map_err(|e| RecordError::BadRequest(e.to_string()))??;
    hooks
        .before_request(
            RecordAction::Update,
            collection,
            &mut prepared.record,
            original.as_ref(),
            request,
        )
        .await?;
    let scope = hooks.clone();
    let (c, storage) = (collection.clone(), app.storage().clone());
    let (new_files, removed) = (prepared.files.new.clone(), prepared.files.removed.clone());
    let result = app
        .data()
        .write(move |tx| {
            write_in(tx, &storage, &all, &c, &mut prepared, &scope)?;
            Ok::<_, RecordError>(prepared.record)
        })
        .await;
    match &result {
        Ok(record) => {
            app.storage().delete(&collection.id, record.id(), &removed).await;
            app.events().publish(vec![RecordEvent::new(
                RecordAction::Update,
                collection.clone(),
                record.clone(),
            )]);
        }
        Err(_) => app.storage().discard_sync(&new_files),
    }
    // hooks: after-success hooks, after the commit.
    if let Ok(record) = &result {
        hooks.after_success(RecordAction::Update, collection, record, request).await;
    }
    result
}
