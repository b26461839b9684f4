//! System migrations: on an empty `pb_data` they create PocketBase 0.40's schema (`_params`,
//! `_collections`, `_migrations`, the system collections and `_logs` in `auxiliary.db`); on an
//! existing one they check it is a 0.23+ layout and leave it alone.
//!
//! compat: the init step is recorded under PocketBase's own migration file names, because it
//! produces exactly the state those migrations leave behind; PocketBase can then open a
//! wasmbase `pb_data` without re-running them.

pub mod system_collections;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::schema::create_collection_table;
use super::{StoreError, collections, settings};
use crate::model::{DateTime, Settings};

/// The migrations PocketBase 0.40.6 records on a fresh data dir, oldest first.
pub const POCKETBASE_MIGRATIONS: &[&str] = &[
    "1640988000_aux_init.go",
    "1640988000_init.go",
    "1717233556_v0.23_migrate.go",
    "1717233557_v0.23_migrate2.go",
    "1717233558_v0.23_migrate3.go",
    "1717233559_v0.23_migrate4.go",
    "1763020353_update_default_auth_alert_templates.go",
    "1778828400_normalize_indexes.go",
];

const INIT_SQL: &str = "
CREATE TABLE IF NOT EXISTS `_migrations` (
    file VARCHAR(255) PRIMARY KEY NOT NULL,
    applied INTEGER NOT NULL
);
CREATE TABLE `_params` (
    `id`      TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
    `value`   JSON DEFAULT NULL,
    `created` TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL,
    `updated` TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
);
CREATE TABLE `_collections` (
    `id`         TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
    `system`     BOOLEAN DEFAULT FALSE NOT NULL,
    `type`       TEXT DEFAULT 'base' NOT NULL,
    `name`       TEXT UNIQUE NOT NULL,
    `fields`     JSON DEFAULT '[]' NOT NULL,
    `indexes`    JSON DEFAULT '[]' NOT NULL,
    `listRule`   TEXT DEFAULT NULL,
    `viewRule`   TEXT DEFAULT NULL,
    `createRule` TEXT DEFAULT NULL,
    `updateRule` TEXT DEFAULT NULL,
    `deleteRule` TEXT DEFAULT NULL,
    `options`    JSON DEFAULT '{}' NOT NULL,
    `created`    TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL,
    `updated`    TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
);
CREATE INDEX idx__collections_type on `_collections` (`type`);
";

const AUX_SQL: &str = "
CREATE TABLE IF NOT EXISTS `_logs` (
    `id`      TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
    `level`   INTEGER DEFAULT 0 NOT NULL,
    `message` TEXT DEFAULT '' NOT NULL,
    `data`    JSON DEFAULT '{}' NOT NULL,
    `created` TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_logs_level on `_logs` (`level`);
CREATE INDEX IF NOT EXISTS idx_logs_message on `_logs` (`message`);
CREATE INDEX IF NOT EXISTS idx_logs_created_hour on `_logs` (strftime('%Y-%m-%d %H:00:00', `created`));
";

/// Brings `data.db` to PocketBase 0.40's schema. Returns whether it was freshly initialised.
pub fn run_data(tx: &Transaction<'_>) -> Result<bool, StoreError> {
    if table_exists(tx, "_collections")? {
        check_existing(tx)?;
        return Ok(false);
    }
    tx.execute_batch(INIT_SQL)?;
    let now = DateTime::now().to_string();
    for mut collection in system_collections::all() {
        collection.created.clone_from(&now);
        collection.updated.clone_from(&now);
        create_collection_table(tx, &collection)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        collections::insert(tx, &collection)?;
    }
    settings::save(tx, &Settings::default())?;
    let applied = chrono::Utc::now().timestamp_micros();
    let mut stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO _migrations (file, applied) VALUES (?1, ?2)")?;
    for file in POCKETBASE_MIGRATIONS {
        stmt.execute(params![file, applied])?;
    }
    Ok(true)
}

/// Creates `_logs` in `auxiliary.db` if missing.
pub fn run_aux(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(AUX_SQL)?;
    Ok(())
}

fn check_existing(conn: &Connection) -> Result<(), StoreError> {
    let init_applied: Option<String> = conn
        .query_row("SELECT file FROM _migrations WHERE file = ?1", ["1640988000_init.go"], |r| {
            r.get(0)
        })
        .optional()?;
    let has_fields_column = conn.prepare("SELECT fields FROM _collections LIMIT 0").is_ok();
    if init_applied.is_none() || !has_fields_column {
        return Err(StoreError::Unsupported(
            "this pb_data was not written by PocketBase 0.23+ or wasmbase".to_owned(),
        ));
    }
    Ok(())
}

fn table_exists(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |_| {
            Ok(())
        })
        .optional()?
        .is_some())
}
