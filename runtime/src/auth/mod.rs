//! Authentication primitives: password hashing and verification, and PocketBase-shaped JWTs
//! (claims, per-record signing keys, invalidation by `tokenKey`). No IO, no axum.
//! See `../shared/spec/auth.md` §3 and §13.

pub mod password;
pub mod token;

pub use token::{TokenClaims, TokenType};
