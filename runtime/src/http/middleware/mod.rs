//! Middleware applied to every request: CORS and PocketBase's security headers, and the
//! request body size cap.

pub mod body_limit;
pub mod headers;
pub mod superuser_ips;
