//! PocketBase's query language pieces that need no IO: the `?fields=` picker (with the
//! `:excerpt` modifier), the filter/sort language and its resolver and SQL compiler.
//! See `../shared/spec/records.md` (fields) and `../shared/spec/filters-and-rules.md`.

pub mod excerpt;
pub mod fields;
pub mod filter;
pub mod page;
pub mod params;
pub mod sql;
pub mod sql_eval;
#[cfg(test)]
pub(crate) mod test_rng;
