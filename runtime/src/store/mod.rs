//! Storage on embedded libSQL under `pb_data/`: `data.db` (collections, records, settings) and
//! `auxiliary.db` (logs), laid out exactly as PocketBase 0.40 lays them out so an existing
//! `pb_data` opens unchanged. See `../shared/spec/collections-and-fields.md` §6.
//!
//! SQL text is produced only here (DDL, record reads/writes) and in `query/`; handlers never
//! see SQL.

pub mod collections;
pub mod count_cache;
pub mod db;
pub mod error;
pub mod functions;
pub mod migrations;
pub mod records;
pub mod schema;
pub mod settings;
pub mod sql;
pub mod value;

pub use db::{Db, DbOptions};
pub use error::StoreError;
pub use rusqlite::{Connection, Transaction};
