//! Totals of list queries (`totalItems`), remembered per database connection for as long as the
//! database has not changed. A list request runs two scans of the matching rows, one to count
//! them and one for the page; for the same filter, rule and requester the count is the same
//! until something is written, so it is kept and reused.
//!
//! "Not changed" is asked of SQLite itself on every use: `PRAGMA data_version` moves when any
//! other connection (another thread, another process) commits. Only read-only connections
//! (`PRAGMA query_only`, set on the reader threads by `db.rs`) cache, so nothing uncommitted of their own
//! can be remembered; the writer always counts. Queries whose result can move with the clock
//! alone (SQLite's date and time functions, `random()`) are never cached.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

/// Entries kept per connection before the cache starts over.
const MAX_ENTRIES: usize = 256;

/// Functions whose results depend on more than the stored data.
const VOLATILE: &[&str] = &["strftime(", "date(", "time(", "julianday(", "unixepoch(", "random"];

#[derive(Default)]
struct Cache {
    /// (path of the database, data_version) the entries were computed under.
    version: Option<(String, i64)>,
    /// Keyed by the SQL and its parameters (`Debug` of the values: typed and escaped).
    entries: HashMap<(String, String), i64>,
}

thread_local! {
    // Each database connection lives on its own thread (see `store::db`), so a per-thread
    // cache is a per-connection cache; the path in the version tells databases apart.
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// `SELECT COUNT(...)` `sql` with `params`, from the cache when the database is unchanged.
pub fn count(conn: &Connection, sql: &str, params: &[SqlValue]) -> rusqlite::Result<i64> {
    let lowered = sql.to_ascii_lowercase();
    if VOLATILE.iter().any(|f| lowered.contains(f)) {
        return run(conn, sql, params);
    }
    let (data_version, query_only): (i64, bool) = conn
        .prepare_cached(
            "SELECT (SELECT data_version FROM pragma_data_version), \
             (SELECT query_only FROM pragma_query_only)",
        )?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    if !query_only {
        return run(conn, sql, params);
    }
    let version = (conn.path().unwrap_or_default().to_owned(), data_version);
    let key = (sql.to_owned(), format!("{params:?}"));
    let cached = CACHE.with_borrow_mut(|cache| {
        if cache.version.as_ref() != Some(&version) {
            cache.version = Some(version.clone());
            cache.entries.clear();
        }
        cache.entries.get(&key).copied()
    });
    if let Some(count) = cached {
        return Ok(count);
    }
    let count = run(conn, sql, params)?;
    CACHE.with_borrow_mut(|cache| {
        if cache.version.as_ref() == Some(&version) {
            if cache.entries.len() >= MAX_ENTRIES {
                cache.entries.clear();
            }
            cache.entries.insert(key, count);
        }
    });
    Ok(count)
}

fn run(conn: &Connection, sql: &str, params: &[SqlValue]) -> rusqlite::Result<i64> {
    conn.prepare_cached(sql)?.query_row(rusqlite::params_from_iter(params.iter()), |row| row.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t (n INTEGER);")
            .unwrap();
        conn
    }

    fn reader(path: &std::path::Path) -> Connection {
        let conn = db(path);
        conn.execute_batch("PRAGMA query_only = ON").unwrap();
        conn
    }

    const SQL: &str = "SELECT COUNT(*) FROM t WHERE n > ?1";

    #[test]
    fn readers_see_every_commit_and_the_writer_never_caches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.db");
        let writer = db(&path);
        let reader = reader(&path);
        let above = |conn: &Connection, n: i64| count(conn, SQL, &[SqlValue::Integer(n)]).unwrap();
        assert_eq!(above(&reader, 0), 0);
        writer.execute("INSERT INTO t VALUES (1), (2)", []).unwrap();
        assert_eq!(above(&reader, 0), 2, "a commit by another connection is seen");
        assert_eq!(above(&reader, 1), 1, "parameters are part of the key");
        assert_eq!(above(&reader, 0), 2);
        CACHE.with_borrow(|cache| assert_eq!(cache.entries.len(), 2, "reader counts are kept"));
        writer.execute_batch("DROP TABLE t; CREATE TABLE t (n INTEGER)").unwrap();
        assert_eq!(above(&reader, 0), 0, "a schema change is seen");

        // In a transaction that is rolled back, the writer's count must not survive it.
        writer.execute_batch("BEGIN; INSERT INTO t VALUES (5);").unwrap();
        assert_eq!(above(&writer, 0), 1);
        writer.execute_batch("ROLLBACK").unwrap();
        assert_eq!(above(&writer, 0), 0);
    }

    #[test]
    fn clock_dependent_queries_are_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.db");
        db(&path).execute("INSERT INTO t VALUES (1)", []).unwrap();
        let conn = reader(&path);
        let sql = "SELECT COUNT(*) FROM t WHERE random() % 2 = 0 OR ?1";
        // Not asserting randomness: only that the volatile path runs the query each time.
        assert!(count(&conn, sql, &[SqlValue::Integer(1)]).unwrap() == 1);
        CACHE.with_borrow(|cache| {
            assert!(!cache.entries.keys().any(|(s, _)| s == sql), "volatile query cached");
        });
    }
}
