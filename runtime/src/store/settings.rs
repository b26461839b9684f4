//! The `_params` table: settings live in the row with id `settings` as one JSON value.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::model::{DateTime, Settings};

const SETTINGS_KEY: &str = "settings";

/// The stored settings, or the defaults when none are stored yet.
pub fn load(conn: &Connection) -> Result<Settings, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT value FROM _params WHERE id = ?1")?;
    // PocketBase stores the value as a BLOB, wasmbase as TEXT: accept both.
    let bytes: Option<Option<Vec<u8>>> = stmt
        .query_row([SETTINGS_KEY], |row| {
            Ok(row.get_ref(0)?.as_bytes_or_null().ok().flatten().map(<[u8]>::to_vec))
        })
        .optional()?;
    match bytes.flatten() {
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|source| StoreError::CorruptJson {
            context: "_params.settings".to_owned(),
            source,
        }),
        None => Ok(Settings::default()),
    }
}

/// Stores the settings (insert or replace).
pub fn save(conn: &Connection, settings: &Settings) -> Result<(), StoreError> {
    let json = serde_json::to_string(settings)
        .map_err(|source| StoreError::CorruptJson { context: "settings".to_owned(), source })?;
    let now = DateTime::now().to_string();
    conn.prepare_cached(
        "INSERT INTO _params (id, value, created, updated) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT(id) DO UPDATE SET value = excluded.value, updated = excluded.updated",
    )?
    .execute(params![SETTINGS_KEY, json, now])?;
    Ok(())
}
