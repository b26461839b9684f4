//! The axum glue: the route table, the one error renderer, request extractors (auth, bodies,
//! `?fields=`), middleware (CORS, security headers, body limit) and static files. Handlers live
//! in `api/`; nothing below this module knows axum.

pub mod error;
pub mod extract;
pub mod hook_routes;
pub mod middleware;
pub mod response;
pub mod router;
pub mod static_files;

pub use error::ApiError;
pub use router::router;
