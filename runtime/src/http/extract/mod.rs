//! Request extractors: who is asking (`Auth`, `RequireSuperuser`), what they sent
//! (`FormBody`) and how they want the answer shaped (`ResponseFields`).

pub mod auth;
pub mod body;
pub mod client_ip;
pub mod query;
pub mod request_info;

pub use auth::{Auth, RequireAuth, RequireSuperuser};
pub use body::{BodyError, FormBody};
pub use query::RawQuery;
pub use request_info::Requester;
