//! Collection operations shared by the collections API, import and the dashboard: read the
//! submitted JSON, fill defaults, validate, apply the schema change and the `_collections` row
//! in one write transaction, then swap in the new collections snapshot.
//! See `../shared/spec/collections-and-fields.md` §5.

pub mod delete;
pub mod error;
pub mod import;
pub mod list_filter;
pub mod rules;
pub mod save;
pub mod truncate;

pub use error::CollectionError;
