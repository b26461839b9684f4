//! Behaviour tests of the filter compiler against real tables in an in-memory SQLite, one file
//! per area of `../shared/spec/filters-and-rules.md`.

mod captured;
pub(crate) mod fixture;
mod operators;
mod paths;
mod plan;
mod property;
mod request;
mod rows;
mod rules;
mod sort;
mod validate;
