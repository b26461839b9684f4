//! The result of compiling filters, rules and sorts for one collection: LEFT JOIN clauses, a
//! WHERE condition and ORDER BY terms whose values are all bound parameters (`?N`), with
//! helpers that assemble the list and count queries PocketBase runs.
//! See `../shared/spec/filters-and-rules.md` §5–§7 and `../shared/spec/records.md` (list).

use rusqlite::types::Value as SqlValue;

/// Compiled SQL fragments. Placeholders are numbered (`?1`, `?2`, ...), `params[i]` binds
/// `?{i+1}`; add your own values with [`Compiled::push_param`].
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    /// The quoted name the base rows come from (the collection's table or a CTE).
    pub table: String,
    /// `LEFT JOIN ...` clauses, in order.
    pub joins: Vec<String>,
    /// The WHERE condition; empty when there is nothing to filter.
    pub condition: String,
    /// ORDER BY terms (`expr ASC`, `RANDOM()`, ...).
    pub order_by: Vec<String>,
    /// Bound values.
    pub params: Vec<SqlValue>,
    /// Whether anything is joined: then the select is `DISTINCT` and the count
    /// `COUNT(DISTINCT ...)`, as in PocketBase.
    pub distinct: bool,
}

impl Compiled {
    /// Whether there is a WHERE condition.
    pub fn has_condition(&self) -> bool {
        !self.condition.is_empty()
    }

    /// Binds one more value and returns its placeholder (`?N`).
    pub fn push_param(&mut self, value: SqlValue) -> String {
        self.params.push(value);
        format!("?{}", self.params.len())
    }

    /// `<table> <joins...>`, the FROM clause without `FROM`.
    pub fn from_clause(&self) -> String {
        let mut sql = self.table.clone();
        for join in &self.joins {
            sql.push(' ');
            sql.push_str(join);
        }
        sql
    }

    /// ` WHERE <condition>` or `""`.
    pub fn where_clause(&self) -> String {
        if self.condition.is_empty() { String::new() } else { format!(" WHERE {}", self.condition) }
    }

    /// ` ORDER BY <terms>` or `""`.
    pub fn order_clause(&self) -> String {
        if self.order_by.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", self.order_by.join(", "))
        }
    }

    /// `SELECT [DISTINCT] <table>.* FROM ... [WHERE ...] [ORDER BY ...]` (append your own
    /// `LIMIT`/`OFFSET` with [`Compiled::push_param`]).
    pub fn select_sql(&self) -> String {
        let distinct = if self.distinct { "DISTINCT " } else { "" };
        format!(
            "SELECT {distinct}{}.* FROM {}{}{}",
            self.table,
            self.from_clause(),
            self.where_clause(),
            self.order_clause()
        )
    }

    /// One page of `select_sql` (with the `limit` and `offset` placeholders). A sorted page
    /// of a plain table (no joins) is found by sorting only the rowids of the matching rows,
    /// then fetched by rowid in that order: SQLite sorts under a `LIMIT` by keeping the top
    /// rows in an ephemeral B-tree, whole rows included, which is most of a list request's
    /// time. The inner query is exactly the plain one's (same WHERE, ORDER BY, LIMIT, OFFSET,
    /// hence the same rows in the same order, ties included); `CROSS JOIN` keeps it the outer
    /// loop, so its order is the result's.
    pub fn page_sql(&self, limit: &str, offset: &str) -> String {
        if self.distinct || !self.joins.is_empty() || self.order_by.is_empty() {
            return format!("{} LIMIT {limit} OFFSET {offset}", self.select_sql());
        }
        let table = &self.table;
        format!(
            "SELECT {table}.* FROM (SELECT {table}.`_rowid_` AS `__rid` FROM {}{}{} LIMIT {limit} \
             OFFSET {offset}) AS `__page` CROSS JOIN {table} ON {table}.`_rowid_` = `__page`.`__rid`",
            self.from_clause(),
            self.where_clause(),
            self.order_clause()
        )
    }

    /// `SELECT COUNT(DISTINCT <table>.<column>) FROM ... [WHERE ...]`, as PocketBase counts
    /// list totals (`_rowid_` for tables, `id` for views).
    pub fn count_sql(&self, column: &str) -> String {
        let column = super::resolved::ident(column);
        let distinct = if self.distinct { "DISTINCT " } else { "" };
        format!(
            "SELECT COUNT({distinct}{}.{column}) FROM {}{}",
            self.table,
            self.from_clause(),
            self.where_clause()
        )
    }
}

/// The highest `?N` referenced outside quoted text and identifiers in `pieces`.
pub(crate) fn referenced_params<'s>(pieces: impl IntoIterator<Item = &'s String>) -> usize {
    let mut max = 0;
    for piece in pieces {
        let bytes = piece.as_bytes();
        let mut quote: Option<u8> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'\'' || b == b'`' || b == b'"' => quote = Some(b),
                None if b == b'?' => {
                    let mut n = 0usize;
                    while let Some(d) = bytes.get(i + 1).filter(|d| d.is_ascii_digit()) {
                        n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
                        i += 1;
                    }
                    max = max.max(n);
                }
                None => {}
            }
            i += 1;
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows with many ties in every sort key, and an index the inner query could pick.
    fn tied_rows() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE `t` (`id` TEXT PRIMARY KEY, `created` TEXT, `views` NUMERIC, `body` TEXT);
             CREATE INDEX `idx_views` ON `t` (`views`);",
        )
        .unwrap();
        for i in 0..600 {
            conn.execute(
                "INSERT INTO `t` VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    format!("id{:04}", (i * 7919) % 600),
                    format!("2026-01-0{} 00:00:00.000Z", i % 3),
                    (i * 31) % 5,
                    "x".repeat(200 + i % 50),
                ],
            )
            .unwrap();
        }
        conn
    }

    fn ids(conn: &rusqlite::Connection, sql: &str, params: &[SqlValue]) -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params.iter()), |row| row.get::<_, String>(0))
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    #[test]
    fn keyed_pages_are_the_plain_pages_ties_included() {
        let conn = tied_rows();
        let orders: [&[&str]; 5] = [
            &["`t`.`created` DESC"],
            &["`t`.`views` ASC"],
            &["`t`.`created` ASC", "`t`.`views` DESC"],
            &["`t`.`views` DESC", "`t`.`_rowid_` DESC"],
            &["`t`.`body` ASC"],
        ];
        let conditions = ["", "`t`.`views` > ?1", "`t`.`views` = ?1"];
        for order in orders {
            for condition in conditions {
                for (limit, offset) in [(20, 0), (20, 40), (7, 593), (50, 580), (1000, 0)] {
                    let mut compiled = Compiled {
                        table: "`t`".to_owned(),
                        joins: Vec::new(),
                        condition: condition.to_owned(),
                        order_by: order.iter().map(|o| (*o).to_owned()).collect(),
                        params: if condition.is_empty() {
                            Vec::new()
                        } else {
                            vec![SqlValue::Integer(2)]
                        },
                        distinct: false,
                    };
                    let l = compiled.push_param(SqlValue::Integer(limit));
                    let o = compiled.push_param(SqlValue::Integer(offset));
                    let plain = format!("{} LIMIT {l} OFFSET {o}", compiled.select_sql());
                    let keyed = compiled.page_sql(&l, &o);
                    assert!(keyed.contains("CROSS JOIN"), "{keyed}");
                    assert_eq!(
                        ids(&conn, &keyed, &compiled.params),
                        ids(&conn, &plain, &compiled.params),
                        "{keyed}"
                    );
                }
            }
        }
    }

    #[test]
    fn parameter_references_skip_quoted_text() {
        let pieces = ["a = ?2 AND b LIKE '?9' ESCAPE '\\'".to_owned(), "`?7` = ?12".to_owned()];
        assert_eq!(referenced_params(&pieces), 12);
        assert_eq!(referenced_params(&["x".to_owned()]), 0);
    }

    #[test]
    fn select_and_count_assemble_the_fragments() {
        let mut compiled = Compiled {
            table: "`posts`".to_owned(),
            joins: vec!["LEFT JOIN `users` `posts_author` ON 1".to_owned()],
            condition: "`posts`.`views` > ?1".to_owned(),
            order_by: vec!["`posts`.`views` DESC".to_owned()],
            params: vec![SqlValue::Real(1.0)],
            distinct: true,
        };
        assert_eq!(
            compiled.select_sql(),
            "SELECT DISTINCT `posts`.* FROM `posts` LEFT JOIN `users` `posts_author` ON 1 \
             WHERE `posts`.`views` > ?1 ORDER BY `posts`.`views` DESC"
        );
        assert_eq!(
            compiled.count_sql("_rowid_"),
            "SELECT COUNT(DISTINCT `posts`.`_rowid_`) FROM `posts` LEFT JOIN `users` \
             `posts_author` ON 1 WHERE `posts`.`views` > ?1"
        );
        assert_eq!(compiled.push_param(SqlValue::Integer(30)), "?2");
        assert!(compiled.has_condition());
    }
}
