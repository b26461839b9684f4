//! Updating a record through the API (and batch): the update rule against the stored record
//! (with `@request.body` = the submitted values after modifiers) — a miss is a 404 — then the
//! values applied, the id kept, the auth-record checks (`oldPassword`, `email`, `verified`),
//! and validation plus the write in one transaction. See `../shared/spec/records.md` (update).

use std::sync::Arc;

use serde_json::{Map, Value};

use super::create::save_error;
use super::error::{Action, RecordError};
use super::input::{self, Applied, WriteAccess};
use super::request::RequestInfo;
use super::rules::{self, RuleScope};
use super::{auth_fields, relations, save};
use crate::app::App;
use crate::auth::password;
use crate::model::record::PASSWORD;
use crate::model::{
    Collection, CollectionSet, CollectionType, FieldError, Record, ValidationErrors,
};
use crate::store;

/// A record changed by a request, ready to be written.
pub struct PreparedUpdate {
    /// The stored id.
    pub id: String,
    /// The new values.
    pub record: Record,
}

/// Loads the stored record and applies the request; checks the update rule.
pub async fn prepare(
    app: &App,
    collection: &Arc<Collection>,
    id: &str,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Result<PreparedUpdate, RecordError> {
    if collection.collection_type == CollectionType::View {
        return Err(RecordError::UnsupportedCollection);
    }
    let rule = rules::require_rule(collection.update_rule.as_deref(), request)?.map(str::to_owned);
    let all = app.collections();
    let (c, id_owned) = (collection.clone(), id.to_owned());
    let original = app
        .data()
        .read(move |conn| store::records::find_by_id(conn, &c, &id_owned))
        .await?
        .ok_or(RecordError::NotFound)?;
    let superuser = request.is_superuser();
    let mut record = original.clone();
    let applied = input::apply(collection, &mut record, data, WriteAccess { superuser });
    if let Some(rule) = rule {
        let mut rule_request = request.clone();
        rule_request.body = submitted_body(&record, &applied, data);
        let (c, id_owned) = (collection.clone(), id.to_owned());
        let allowed = app
            .data()
            .read_with(move |conn| {
                let scope = RuleScope { all: &all, collection: &c, request: &rule_request };
                rules::allows_stored(conn, &scope, &rule, &id_owned)
            })
            .await?;
        if !allowed {
            return Err(RecordError::NotFound);
        }
    }
    finish(collection, original, record, applied, superuser).await
}

/// The submitted keys with their resolved values, for `@request.body`.
fn submitted_body(
    record: &Record,
    applied: &Applied,
    data: &Map<String, Value>,
) -> Map<String, Value> {
    let mut body = Map::new();
    for name in &applied.submitted {
        if let Some(value) = record.get(name) {
            body.insert(name.clone(), value.clone());
        }
    }
    for key in ["password", "passwordConfirm", "oldPassword"] {
        if let Some(value) = data.get(key) {
            body.insert(key.to_owned(), value.clone());
        }
    }
    body
}

async fn finish(
    collection: &Collection,
    original: Record,
    mut record: Record,
    applied: Applied,
    superuser: bool,
) -> Result<PreparedUpdate, RecordError> {
    let id = original.id().to_owned();
    if record.id() != id {
        let errors = ValidationErrors::single(
            "id",
            FieldError::new("validation_pk_change", "The record primary key cannot be changed."),
        );
        return Err(RecordError::Validation(Action::Update, errors));
    }
    if collection.is_auth() {
        let (o, r, auth) = (original.clone(), record.clone(), applied.auth.clone());
        // Checking `oldPassword` hashes: keep it off the async workers.
        let errors = tokio::task::spawn_blocking(move || {
            auth_fields::check_update(&o, &r, &auth, superuser)
        })
        .await
        .map_err(|e| RecordError::BadRequest(e.to_string()))?;
        if !errors.is_empty() {
            return Err(RecordError::Validation(Action::Update, errors));
        }
        if let Some(plain) = applied.auth.password.clone().filter(|p| !p.is_empty()) {
            if let Some(error) = save::check_plain_password(collection, &plain) {
                return Err(RecordError::Validation(
                    Action::Update,
                    ValidationErrors::single(PASSWORD, error),
                ));
            }
            let hash = tokio::task::spawn_blocking(move || password::hash(&plain))
                .await
                .map_err(|e| RecordError::BadRequest(e.to_string()))?
                .map_err(|e| RecordError::BadRequest(e.to_string()))?;
            save::set_password_hash(&mut record, &hash);
        }
    }
    save::prepare_update(collection, &mut record);
    Ok(PreparedUpdate { id, record })
}

/// Writes a prepared update inside an open write transaction.
pub fn write_in(
    tx: &rusqlite::Transaction<'_>,
    all: &CollectionSet,
    collection: &Collection,
    prepared: &PreparedUpdate,
) -> Result<(), RecordError> {
    let mut errors = save::validate_record(collection, &prepared.record).err().unwrap_or_default();
    errors.extend(relations::missing_relation_errors(tx, all, collection, &prepared.record)?);
    if !errors.is_empty() {
        return Err(RecordError::Validation(Action::Update, errors));
    }
    save::update(tx, collection, &prepared.id, &prepared.record).map_err(|e| match e {
        save::SaveError::Store(crate::store::StoreError::NotFound) => RecordError::NotFound,
        other => save_error(other, Action::Update),
    })
}

/// Updates a record: prepare, then write in one transaction.
pub async fn update(
    app: &App,
    collection: &Arc<Collection>,
    id: &str,
    request: &RequestInfo,
    data: &Map<String, Value>,
) -> Result<Record, RecordError> {
    let prepared = prepare(app, collection, id, request, data).await?;
    let all = app.collections();
    let c = collection.clone();
    app.data()
        .write(move |tx| {
            write_in(tx, &all, &c, &prepared)?;
            Ok::<_, RecordError>(prepared.record)
        })
        .await
}
