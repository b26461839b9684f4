//! Record operations shared by every write path (records API, auth flows, CLI, and later
//! batch and hooks): server-managed values, validation, the insert/update itself and the
//! mapping of constraint failures to PocketBase's field errors.
//!
//! This sits above `store/` (which only runs SQL) and `auth/` (password hashing), so neither
//! has to know about the other.

pub mod save;
pub mod superusers;
pub mod tokens;

pub use save::SaveError;
