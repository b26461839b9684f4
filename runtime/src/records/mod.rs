//! Record operations shared by every write path (records API, auth flows, CLI, and later
//! batch and hooks): server-managed values, validation, the insert/update itself and the
//! mapping of constraint failures to PocketBase's field errors.
//!
//! This sits above `store/` (which only runs SQL) and `auth/` (password hashing), so neither
//! has to know about the other.

pub mod auth_fields;
pub mod batch;
pub mod create;
pub mod delete;
pub mod error;
pub mod events;
pub mod expand;
pub mod files;
pub mod input;
pub mod manage;
pub mod output;
pub mod read;
pub mod relations;
pub mod request;
pub mod rule_sql;
pub mod rules;
pub mod save;
pub mod superusers;
pub mod tokens;
pub mod update;

pub use save::SaveError;
