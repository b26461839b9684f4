//! The rows of the test fixture (see `fixture.rs`) in an in-memory SQLite with the math
//! functions `geoDistance` needs registered.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use serde_json::{Value, json};

use super::fixture::*;
use crate::model::{Collection, CollectionSet};
use crate::query::sql::math::{MATH_FUNCTIONS, apply_math};
use crate::store::schema::create_table_sql;
use crate::store::value::json_to_column;

pub fn fixture() -> Fixture {
    fixture_with(|_| {})
}

/// The fixture with its collections adjusted by `tweak` before the tables are created.
fn insert(conn: &Connection, collection: &Collection, values: Value) {
    let Value::Object(values) = values else { panic!("not an object") };
    let names: Vec<String> = collection.fields.iter().map(|f| format!("`{}`", f.name)).collect();
    let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let params: Vec<rusqlite::types::Value> = collection
        .fields
        .iter()
        .map(|field| {
            let value = values.get(&field.name).cloned().unwrap_or_else(|| field.zero_value());
            json_to_column(field, &value)
        })
        .collect();
    let sql = format!(
        "INSERT INTO `{}` ({}) VALUES ({})",
        collection.name,
        names.join(", "),
        placeholders.join(", ")
    );
    conn.execute(&sql, rusqlite::params_from_iter(params)).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn register_math(conn: &Connection) {
    for (name, function) in MATH_FUNCTIONS {
        conn.create_scalar_function(
            name,
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| Ok(apply_math(function, ctx.get_raw(0))),
        )
        .unwrap();
    }
}

pub fn fixture_with(tweak: impl FnOnce(&mut Vec<Collection>)) -> Fixture {
    let conn = Connection::open_in_memory().unwrap();
    register_math(&conn);
    let mut collections = collections();
    tweak(&mut collections);
    for collection in &collections {
        conn.execute_batch(&create_table_sql(collection)).unwrap();
        for index in &collection.indexes {
            conn.execute_batch(index).unwrap();
        }
    }
    let all = CollectionSet::new(collections);
    let c = |name: &str| all.find(name).unwrap().clone();
    let today = "2026-11-24 10:00:00.000Z";
    let yesterday = "2026-11-23 10:00:00.000Z";

    insert(
        &conn,
        &c("_superusers"),
        json!({"id": ROOT, "email": "a@b.co", "tokenKey": "k0", "verified": true}),
    );
    let users = c("users");
    insert(
        &conn,
        &users,
        json!({"id": ALICE, "name": "Alice", "email": "alice@example.com", "emailVisibility": false, "verified": true, "tokenKey": "k1", "created": today}),
    );
    insert(
        &conn,
        &users,
        json!({"id": BOB, "name": "Bob", "email": "bob@example.com", "emailVisibility": true, "tokenKey": "k2", "created": yesterday}),
    );

    let tags = c("tags");
    insert(&conn, &tags, json!({"id": GO, "name": "go", "color": "blue"}));
    insert(&conn, &tags, json!({"id": JS, "name": "js", "color": "red"}));
    insert(&conn, &tags, json!({"id": RUST, "name": "rust", "color": "red"}));

    let posts = c("posts");
    let post = |id: &str, title: &str, extra: Value| {
        let mut values = json!({"id": id, "title": title, "created": today, "updated": today});
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            values[&k] = v;
        }
        insert(&conn, &posts, values);
    };
    post(
        HELLO,
        "Hello world",
        json!({"views": 10, "score": 1.5, "published": true, "author": ALICE,
        "tags": [GO, JS, RUST], "labels": ["a", "b"], "meta": {"n": 1, "arr": [1, 2], "s": "x"},
        "publishedAt": "2026-01-02 10:00:00.000Z", "status": "live", "contact": "a@x.io", "secret": "s1",
        "location": {"lon": 0, "lat": 0}, "body": "<p>Some long paragraph</p>"}),
    );
    post(
        POST1,
        "Post 1 by bob",
        json!({"views": 7, "published": true, "author": BOB, "tags": [RUST],
        "labels": ["c"], "meta": {"n": 3, "arr": [5]}, "location": {"lon": 23.32, "lat": 42.69}}),
    );
    post(
        POST2,
        "Post 2 by bob",
        json!({"views": 14, "published": true, "author": BOB, "labels": ["c"],
        "meta": {"n": 4}, "secret": "s3", "created": yesterday}),
    );
    post(
        POST3,
        "Post 3 by bob",
        json!({"views": 21, "author": BOB, "tags": [GO], "meta": null,
        "publishedAt": "2026-06-01 00:00:00.000Z"}),
    );
    post(
        POST4,
        "Post 4 by bob",
        json!({"views": 28, "author": BOB, "tags": [RUST, GO], "labels": ["a", "d"],
        "meta": {"n": 2}}),
    );
    post(ZERO, "Zero", json!({"views": 0, "author": ALICE, "meta": [1, 2, 3], "status": "draft"}));
    post(
        QUOTE,
        "back\\slash \"q\" it's",
        json!({"views": 5, "published": true, "meta": "text",
        "website": "https://x.io/50%25_off"}),
    );

    let comments = c("comments");
    insert(
        &conn,
        &comments,
        json!({"id": "ap1vtyejo7tp0zw", "post": HELLO, "user": BOB, "message": "Nice post", "created": today}),
    );
    insert(
        &conn,
        &comments,
        json!({"id": "umzazi798g5o8ps", "post": HELLO, "user": ALICE, "message": "Thanks", "created": today}),
    );
    insert(
        &conn,
        &comments,
        json!({"id": "commentpost1bob", "post": POST1, "user": BOB, "message": "self", "created": today}),
    );

    insert(&conn, &c("notes"), json!({"id": NOTE, "owner": ALICE, "n": 1}));

    let chain = c("chain");
    let names = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];
    for (i, name) in names.iter().enumerate() {
        let next = names.get(i + 1).map_or(String::new(), |n| format!("chain{n}00000000"));
        let many: Vec<String> =
            names.iter().skip(i + 1).take(2).map(|n| format!("chain{n}00000000")).collect();
        insert(
            &conn,
            &chain,
            json!({"id": format!("chain{name}00000000"), "name": name, "next": next, "many": many}),
        );
    }
    let profiles = c("profiles");
    insert(&conn, &profiles, json!({"id": "profilealice001", "user": ALICE, "bio": "hi"}));
    Fixture { conn, all }
}
