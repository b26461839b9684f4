//! The SQL side of view collections, statement for statement as PocketBase 0.40 does it
//! (`core/view.go`, `normalizeViewQueryId`): a view is `CREATE VIEW `name` AS SELECT * FROM
//! (query)`; its columns are read from `PRAGMA_TABLE_INFO` of a temporary view; an `id` column
//! that SQLite does not type `TEXT` is wrapped in `CAST(`id` as TEXT)`; a dry run returns the
//! derived fields and up to 10 sample records. Errors are PocketBase's raw texts (SQLite's
//! worded like Go's driver). See `../shared/spec/collections-and-fields.md` §1 and §5.

use std::sync::{Arc, LazyLock};

use regex::Regex;
use rusqlite::Connection;

use super::view_fields::create_view_fields;
use super::view_parser::parse_query;
use super::view_tokenizer::Tokenizer;
use crate::model::field::validate_options::validate_field_options;
use crate::model::id::{SECRET_ALPHABET, random_string};
use crate::model::{Collection, CollectionType, Field, Record};
use crate::store::StoreError;
use crate::store::error::sqlite_error_text;
use crate::store::records::from_row;
use crate::store::sql::quote_ident;

/// How many records a dry run returns.
pub const SAMPLE_SIZE: usize = 10;

/// One row of `PRAGMA table_info`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnInfo {
    /// Column name as SQLite reports it.
    pub name: String,
    /// Declared type (`TEXT`, ... or empty for expressions).
    pub column_type: String,
}

/// What a dry run found.
#[derive(Clone, Debug)]
pub struct DryRun {
    /// The temporary view collection (random name), holding the derived fields.
    pub collection: Collection,
    /// Up to [`SAMPLE_SIZE`] records of it.
    pub sample: Vec<Record>,
}

/// PocketBase's `normalizeViewSelectQuery`: trimmed, outer `;` removed, one statement only.
pub fn normalize_select_query(query: &str) -> Result<String, String> {
    let query = query.trim().trim_matches(';');
    // compat: an unbalanced query is let through here (the tokenizer error is ignored).
    let parts = Tokenizer::new(&[';']).scan_all(query).unwrap_or_default();
    if parts.len() > 1 {
        return Err("multiple statements are not supported".to_owned());
    }
    Ok(query.to_owned())
}

/// `DROP VIEW IF EXISTS`.
pub fn delete_view(conn: &Connection, name: &str) -> Result<(), String> {
    conn.execute_batch(&format!("DROP VIEW IF EXISTS {}", quote_ident(name)))
        .map_err(|e| sqlite_error_text(&e))
}

/// Creates (or replaces) the SQL view `name` over `query` and checks that SQLite can resolve it.
pub fn save_view(conn: &Connection, name: &str, query: &str) -> Result<(), String> {
    delete_view(conn, name)?;
    let query = normalize_select_query(query)?;
    conn.execute_batch(&format!("CREATE VIEW {} AS SELECT * FROM ({query})", quote_ident(name)))
        .map_err(|e| sqlite_error_text(&e))?;
    if let Err(error) = table_info(conn, name) {
        let _ = delete_view(conn, name);
        return Err(error);
    }
    Ok(())
}

fn table_info(conn: &Connection, name: &str) -> Result<Vec<ColumnInfo>, String> {
    let read = || -> Result<Vec<ColumnInfo>, rusqlite::Error> {
        let mut stmt = conn.prepare("SELECT name, type FROM PRAGMA_TABLE_INFO(?1)")?;
        let rows = stmt.query_map([name], |row| {
            Ok(ColumnInfo { name: row.get(0)?, column_type: row.get(1)? })
        })?;
        rows.collect()
    };
    let info = read().map_err(|e| sqlite_error_text(&e))?;
    if info.is_empty() {
        return Err(format!("empty table info probably due to invalid or missing table {name}"));
    }
    Ok(info)
}

/// The columns of `query`, read through a temporary view.
pub fn query_table_info(conn: &Connection, query: &str) -> Result<Vec<ColumnInfo>, String> {
    let temp = format!("_temp_{}", random_string(6, SECRET_ALPHABET));
    save_view(conn, &temp, query)?;
    let info = table_info(conn, &temp);
    let dropped = delete_view(conn, &temp);
    match (info, dropped) {
        (Ok(info), Ok(())) => Ok(info),
        (Err(error), Ok(())) | (Ok(_), Err(error)) => Err(error),
        (Err(error), Err(second)) => Err(format!("{error}\n{second}")),
    }
}

/// PocketBase's `normalizeViewQueryId`: the query, wrapped so that `id` is `TEXT` when SQLite
/// does not already type it so.
pub fn normalize_query_id(conn: &Connection, query: &str) -> Result<String, String> {
    let query = query.trim().trim_matches(';');
    let info = query_table_info(conn, query)?;
    let text_id = info
        .iter()
        .any(|c| c.name.eq_ignore_ascii_case("id") && c.column_type.eq_ignore_ascii_case("TEXT"));
    if text_id {
        return Ok(query.to_owned());
    }
    let columns: Vec<String> = parse_query(query)?
        .columns
        .iter()
        .map(|c| {
            let quoted = dbx_column(&c.alias);
            if c.alias == "id" { format!("CAST({quoted} as TEXT) {quoted}") } else { quoted }
        })
        .collect();
    Ok(format!("SELECT {} FROM ({query})", columns.join(",")))
}

/// What dbx makes of `[[name]]`: backtick-quoted when it is a plain (dotted) name.
fn dbx_column(name: &str) -> String {
    static PLAIN: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"^[0-9A-Za-z_\-. ]+$").ok());
    if !PLAIN.as_ref().is_some_and(|re| re.is_match(name)) {
        return format!("[[{name}]]");
    }
    let quote = |part: &str| {
        if part.contains('`') || part == "*" { part.to_owned() } else { format!("`{part}`") }
    };
    match name.rsplit_once('.') {
        Some((table, column)) => {
            let table: Vec<String> = table.split('.').map(quote).collect();
            format!("{}.{}", table.join("."), quote(column))
        }
        None => quote(name),
    }
}

/// Creates or re-creates the SQL view of a view collection (`old_name`: its name before an
/// update, dropped first).
pub fn save_collection_view(
    conn: &Connection,
    collection: &Collection,
    old_name: Option<&str>,
) -> Result<(), String> {
    if let Some(old_name) = old_name {
        delete_view(conn, old_name)?;
    }
    let query = normalize_query_id(conn, &collection.view_query)
        .map_err(|e| format!("failed to normalize view query id: {e}"))?;
    save_view(conn, &collection.name, &query)
}

/// PocketBase's `DryRunView`: the fields of `query` and up to [`SAMPLE_SIZE`] records, or the
/// raw reason the query cannot back a view collection.
pub fn dry_run(conn: &Connection, all: &[Arc<Collection>], query: &str) -> Result<DryRun, String> {
    let query = normalize_select_query(query)?;
    let fields = create_view_fields(conn, all, &query).map_err(|e| e.message)?;
    let mut collection = Collection::new(
        CollectionType::View,
        &format!("temp_view_{}", random_string(5, SECRET_ALPHABET)),
    );
    for (i, field) in fields.iter().enumerate() {
        if let Some(raw) = field_settings_error(field) {
            return Err(format!(
                "invalid field {} ({i}): {raw}",
                super::view_tokenizer::go_quote(&field.name)
            ));
        }
    }
    collection.fields = fields;
    let query = normalize_query_id(conn, &query)
        .map_err(|e| format!("failed to normalize view query id: {e}"))?;
    let sample = sample_records(conn, &collection, &query)
        .map_err(|e| format!("failed to retrieve query records: {e}"))?;
    let mut ids: Vec<&str> = Vec::with_capacity(sample.len());
    for record in &sample {
        if record.id().is_empty() {
            return Err("the query could return records with empty or invalid ids".to_owned());
        }
        if ids.contains(&record.id()) {
            return Err("the query could return records with non-unique ids".to_owned());
        }
        ids.push(record.id());
    }
    Ok(DryRun { collection, sample })
}

fn sample_records(
    conn: &Connection,
    collection: &Collection,
    query: &str,
) -> Result<Vec<Record>, String> {
    let sql = format!(
        "SELECT * FROM (SELECT * FROM ({query})) AS {} LIMIT {SAMPLE_SIZE}",
        quote_ident(&collection.name)
    );
    let sqlite = |e: rusqlite::Error| sqlite_error_text(&e);
    let mut stmt = conn.prepare(&sql).map_err(sqlite)?;
    let mut rows = stmt.query([]).map_err(sqlite)?;
    let mut records = Vec::new();
    while let Some(row) = rows.next().map_err(sqlite)? {
        records.push(from_row(collection, row).map_err(|e| match e {
            StoreError::Sqlite(e) => sqlite_error_text(&e),
            other => other.to_string(),
        })?);
    }
    Ok(records)
}

/// `Field.ValidateSettings` as Go prints it (`name: must be in a valid format.`), if it fails.
fn field_settings_error(field: &Field) -> Option<String> {
    let errors = validate_field_options(field, false);
    if errors.is_empty() {
        return None;
    }
    Some(format!("{}.", go_errors_text(&errors.to_json())))
}

/// ozzo-validation's `Errors.Error()` without the final period: sorted `key: message` pairs
/// joined by `; `, nested sets in parentheses, messages in their raw (unsentenized) form.
fn go_errors_text(value: &serde_json::Value) -> String {
    let Some(map) = value.as_object() else { return String::new() };
    let mut parts = Vec::with_capacity(map.len());
    for (key, node) in map {
        let code = node.get("code").and_then(serde_json::Value::as_str);
        match (code, node.get("message").and_then(serde_json::Value::as_str)) {
            (Some(code), Some(message)) => {
                parts.push(format!("{key}: {}", raw_message(code, message)))
            }
            _ => parts.push(format!("{key}: ({}.)", go_errors_text(node))),
        }
    }
    parts.join("; ")
}

/// ozzo's built-in messages are lower case without a period; PocketBase's own are sentences.
fn raw_message(code: &str, message: &str) -> String {
    if code == "validation_found_via" {
        return message.to_owned();
    }
    let message = message.trim_end_matches('.');
    let mut chars = message.chars();
    chars.next().map(|c| c.to_lowercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// The views (other than `except_id`) that no longer resolve, as PocketBase reports them when
/// it re-checks views after a collection is deleted: `[name] reason`, newline separated.
pub fn broken_views(conn: &Connection, all: &[Arc<Collection>], except_id: &str) -> Option<String> {
    let broken: Vec<String> = all
        .iter()
        .filter(|c| c.collection_type == CollectionType::View && c.id != except_id)
        .filter_map(|view| {
            create_view_fields(conn, all, &view.view_query)
                .err()
                .map(|e| format!("[{}] {}", view.name, e.message))
        })
        .collect();
    (!broken.is_empty()).then(|| broken.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_columns_like_dbx() {
        assert_eq!(dbx_column("id"), "`id`");
        assert_eq!(dbx_column("a.b"), "`a`.`b`");
        assert_eq!(dbx_column("n*2)"), "[[n*2)]]");
    }

    #[test]
    fn refuses_multiple_statements() {
        assert_eq!(normalize_select_query(" select 1; ").unwrap(), "select 1");
        assert!(normalize_select_query("select 1; select 2").is_err());
    }

    #[test]
    fn words_field_errors_like_ozzo() {
        let field = Field::new("id:1", crate::model::FieldOptions::Bool);
        assert_eq!(field_settings_error(&field).unwrap(), "name: must be in a valid format.");
    }
}
