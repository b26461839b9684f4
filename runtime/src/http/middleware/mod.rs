//! Middleware applied to every request (`front`, one layer): CORS and PocketBase's security
//! headers, the request body size cap, the superuser IP allowlist.

pub mod body_limit;
pub mod front;
pub mod headers;
pub mod superuser_ips;
