//! PocketBase's data model: collections, fields, records and settings, with their exact JSON
//! shapes and validation. Pure: no IO, no axum. See `../shared/spec/collections-and-fields.md`.

pub mod collection;
pub mod collection_set;
pub mod datetime;
pub mod field;
pub mod id;
pub mod record;
pub mod settings;
pub mod settings_validation;
pub mod validation;

pub use collection::{AuthOptions, Collection, CollectionType};
pub use collection_set::CollectionSet;
pub use datetime::DateTime;
pub use field::{Field, FieldOptions};
pub use record::Record;
pub use settings::Settings;
pub use validation::{FieldError, ValidationErrors};
