//! The auth endpoints under `/api/collections/{collection}/...`.
//! See `../shared/spec/auth.md`.

pub mod methods;
pub mod refresh;
pub mod response;
pub mod rule;
pub mod with_password;
