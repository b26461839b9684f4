//! SQL functions registered on every connection: the math functions `geoDistance` compiles to,
//! which the bundled libSQL lacks (it is built without `SQLITE_ENABLE_MATH_FUNCTIONS`).
//! See `../shared/spec/filters-and-rules.md` §4 (Functions).

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::query::sql::math::{MATH_FUNCTIONS, apply_math};

/// Registers the functions on `conn`.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    for (name, function) in MATH_FUNCTIONS {
        conn.create_scalar_function(
            name,
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| Ok(apply_math(function, ctx.get_raw(0))),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_functions_are_available() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let value: f64 = conn.query_row("SELECT cos(radians(180))", [], |r| r.get(0)).unwrap();
        assert!((value + 1.0).abs() < 1e-12);
        let null: Option<f64> = conn.query_row("SELECT acos(2)", [], |r| r.get(0)).unwrap();
        assert_eq!(null, None);
    }
}
