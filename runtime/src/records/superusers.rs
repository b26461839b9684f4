//! Superuser management for the CLI (`superuser create|upsert|update|delete`) and the tests:
//! the same validation and messages as PocketBase's commands.
//! See `../shared/spec/files-batch-settings-misc.md` §10.

use std::sync::Arc;

use crate::app::App;
use crate::auth::password;
use crate::model::collection::SUPERUSERS;
use crate::model::field::validate::is_email;
use crate::model::record::EMAIL;
use crate::model::{Collection, Record, ValidationErrors};
use crate::records::save::{self, SaveError};
use crate::store::{self, StoreError};

/// The reserved installer account (ignored when counting superusers).
pub const INSTALLER_EMAIL: &str = "__pbinstaller@example.com";

/// Why a superuser command failed.
#[derive(Debug, thiserror::Error)]
pub enum SuperuserError {
    /// The email argument is not an email.
    #[error("missing or invalid email address")]
    InvalidEmail,
    /// Field errors (`email: Value must be unique.`).
    #[error("{}", render_errors(.0))]
    Validation(ValidationErrors),
    /// No superuser has that email.
    #[error("superuser with email {0:?} doesn't exist")]
    NotFound(String),
    /// Deleting the last one.
    #[error("You can't delete the only existing superuser.")]
    LastSuperuser,
    /// The `_superusers` collection is missing (corrupt data dir).
    #[error("missing _superusers collection")]
    MissingCollection,
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] password::HashError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SaveError> for SuperuserError {
    fn from(error: SaveError) -> Self {
        match error {
            SaveError::Validation(errors) => Self::Validation(errors),
            SaveError::Store(error) => Self::Store(error),
        }
    }
}

/// Go's validation error text: `key: message; key2: message2.`
fn render_errors(errors: &ValidationErrors) -> String {
    let json = errors.to_json();
    let parts: Vec<String> = json
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, value)| {
                    let message = value.get("message").and_then(|m| m.as_str()).unwrap_or_default();
                    format!("{key}: {}", message.trim_end_matches('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    format!("{}.", parts.join("; "))
}

fn superusers(app: &App) -> Result<Arc<Collection>, SuperuserError> {
    app.find_collection(SUPERUSERS).ok_or(SuperuserError::MissingCollection)
}

async fn hash_checked(collection: &Collection, plain: &str) -> Result<String, SuperuserError> {
    if let Some(error) = save::check_plain_password(collection, plain) {
        return Err(SuperuserError::Validation(ValidationErrors::single("password", error)));
    }
    let plain = plain.to_owned();
    tokio::task::spawn_blocking(move || password::hash(&plain))
        .await
        .map_err(|e| SuperuserError::Store(StoreError::Panicked(e.to_string())))?
        .map_err(SuperuserError::from)
}

/// Creates a superuser; fails if the email is taken.
pub async fn create(app: &App, email: &str, plain: &str) -> Result<Record, SuperuserError> {
    if !is_email(email) {
        return Err(SuperuserError::InvalidEmail);
    }
    let collection = superusers(app)?;
    let mut record = Record::new(&collection);
    record.set(EMAIL, email);
    let hash = hash_checked(&collection, plain).await?;
    save::set_password_hash(&mut record, &hash);
    save::prepare_create(&collection, &mut record)?;
    let (c, r) = (collection.clone(), record.clone());
    app.data().write(move |tx| save::insert(tx, &c, &r)).await?;
    Ok(record)
}

/// Creates the superuser or, when the email exists, sets its password.
pub async fn upsert(app: &App, email: &str, plain: &str) -> Result<Record, SuperuserError> {
    if !is_email(email) {
        return Err(SuperuserError::InvalidEmail);
    }
    match update_password(app, email, plain).await {
        Err(SuperuserError::NotFound(_)) => create(app, email, plain).await,
        other => other,
    }
}

/// Sets the password of an existing superuser.
pub async fn update_password(
    app: &App,
    email: &str,
    plain: &str,
) -> Result<Record, SuperuserError> {
    if !is_email(email) {
        return Err(SuperuserError::InvalidEmail);
    }
    let collection = superusers(app)?;
    let hash = hash_checked(&collection, plain).await?;
    let email_owned = email.to_owned();
    let c = collection.clone();
    let record = app
        .data()
        .write(move |tx| {
            let Some(mut record) = store::records::find_first_by(tx, &c, EMAIL, &email_owned)?
            else {
                return Ok(None);
            };
            save::set_password_hash(&mut record, &hash);
            save::prepare_update(&c, &mut record);
            let id = record.id().to_owned();
            match save::update(tx, &c, &id, &record) {
                Ok(()) => Ok(Some(Ok(record))),
                Err(SaveError::Store(e)) => Err(e),
                Err(validation) => Ok(Some(Err(validation))),
            }
        })
        .await?;
    match record {
        Some(result) => Ok(result?),
        None => Err(SuperuserError::NotFound(email.to_owned())),
    }
}

/// What `delete` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    /// The superuser was deleted.
    Yes,
    /// There was no such superuser.
    Missing,
}

/// Deletes a superuser unless it is the last one.
pub async fn delete(app: &App, email: &str) -> Result<Deleted, SuperuserError> {
    if !is_email(email) {
        return Err(SuperuserError::InvalidEmail);
    }
    let collection = superusers(app)?;
    let email = email.to_owned();
    app.data()
        .write(move |tx| -> Result<Deleted, SuperuserError> {
            let Some(record) = store::records::find_first_by(tx, &collection, EMAIL, &email)?
            else {
                return Ok(Deleted::Missing);
            };
            let others = store::records::count_where(
                tx,
                &collection,
                "id != ?1 AND email != ?2",
                &[record.id(), INSTALLER_EMAIL],
            )?;
            if others == 0 {
                return Err(SuperuserError::LastSuperuser);
            }
            store::records::delete(tx, &collection, record.id())?;
            Ok(Deleted::Yes)
        })
        .await
}

/// How many real superusers exist (the installer account excluded).
pub async fn count(app: &App) -> Result<i64, SuperuserError> {
    let collection = superusers(app)?;
    Ok(app
        .data()
        .read(move |conn| {
            store::records::count_where(conn, &collection, "email != ?1", &[INSTALLER_EMAIL])
        })
        .await?)
}
