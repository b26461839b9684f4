//! Differential scenarios: view collections (query validation, field inference, updates).

#[allow(unused_imports)]
use wasmbase_tests::{Scenario, Step};
