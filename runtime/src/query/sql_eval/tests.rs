//! The in-memory evaluator against SQLite itself: random rules over a posts collection
//! (own fields, `@request.*`, literals, every operator, nested groups) are compiled by the
//! filter compiler and decided both ways for random rows and requesters. Every condition the
//! evaluator accepts must get SQLite's answer, and most of them must be accepted.

use std::sync::Arc;

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value, json};

use super::{Affinity, Row, evaluate, parse, stored};
use crate::model::collection::system_fields::{auth_system_fields, id_field};
use crate::model::field::{
    DomainOptions, NumberOptions, RelationOptions, SelectOptions, TextOptions,
};
use crate::model::{Collection, CollectionSet, CollectionType, DateTime, Field, FieldOptions};
use crate::query::sql::{AuthRecord, QueryBuilder, RequestContext, RequestKind};
use crate::query::test_rng::Rng;
use crate::store::schema::create_table_sql;
use crate::store::value::json_to_column;

fn text(name: &str) -> Field {
    Field::new(name, FieldOptions::Text(TextOptions::default()))
}

fn collections() -> (Collection, Collection) {
    let mut users = Collection::new(CollectionType::Auth, "users");
    users.id = "_pb_users_auth_".to_owned();
    users.fields = auth_system_fields();
    users.fields.push(text("name"));
    users.fields.push(Field::new("age", FieldOptions::Number(NumberOptions::default())));
    let mut posts = Collection::new(CollectionType::Base, "posts");
    posts.fields = vec![
        id_field(),
        text("title"),
        Field::new("views", FieldOptions::Number(NumberOptions::default())),
        Field::new("published", FieldOptions::Bool),
        Field::new(
            "status",
            FieldOptions::Select(SelectOptions {
                max_select: 1,
                values: vec!["a".into(), "b".into()],
            }),
        ),
        Field::new(
            "author",
            FieldOptions::Relation(RelationOptions {
                collection_id: users.id.clone(),
                max_select: 1,
                ..Default::default()
            }),
        ),
        Field::new("contact", FieldOptions::Email(DomainOptions::default())),
        Field::new(
            "tags",
            FieldOptions::Select(SelectOptions {
                max_select: 3,
                values: vec!["a".into(), "b".into(), "c".into()],
            }),
        ),
    ];
    (posts, users)
}

const TEXTS: &[&str] =
    &["", "a", "A", "abc", "Abc", "5", "5.0", " 5", "10", "%", "_", "\\", "a%b", "null", "1e2"];
const NUMBERS: &[&str] = &["0", "1", "-1", "1.5", "5", "10", "100", "0.0"];
const SIGNS: &[&str] =
    &["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?<", "?~", "?!~"];
const ALICE: &str = "aliceaaaaaaaaaa";
const BOB: &str = "bobbbbbbbbbbbbb";

fn operand(rng: &mut Rng) -> String {
    match rng.below(12) {
        0..=3 => rng
            .pick(&["title", "views", "published", "status", "author", "contact", "id", "tags"])
            .to_owned(),
        4 | 5 => rng
            .pick(&[
                "@request.auth.id",
                "@request.auth.name",
                "@request.auth.age",
                "@request.auth.verified",
                "@request.auth.email",
                "@request.auth.collectionName",
            ])
            .to_owned(),
        6 => rng
            .pick(&[
                "@request.method",
                "@request.context",
                "@request.query.q",
                "@request.headers.x_h",
            ])
            .to_owned(),
        7 | 8 => format!("'{}'", rng.pick(TEXTS).replace('\'', "\\'")),
        9 => rng.pick(NUMBERS).to_owned(),
        10 => rng.pick(&["true", "false", "null"]).to_owned(),
        _ => format!("\"{}\"", rng.pick(&[ALICE, BOB, "a", ""])),
    }
}

fn expression(rng: &mut Rng, depth: usize) -> String {
    let count = 1 + rng.below(3);
    let mut out = String::new();
    for i in 0..count {
        if i > 0 {
            out.push_str(rng.pick(&[" && ", " || "]));
        }
        if depth < 2 && rng.below(4) == 0 {
            out.push_str(&format!("({})", expression(rng, depth + 1)));
        } else {
            out.push_str(&format!("{} {} {}", operand(rng), rng.pick(SIGNS), operand(rng)));
        }
    }
    out
}

fn record(rng: &mut Rng) -> Map<String, Value> {
    let number: f64 = rng.pick(NUMBERS).parse().unwrap();
    let Value::Object(map) = json!({
        "id": "rowrowrowrowrow",
        "title": rng.pick(TEXTS),
        "views": number,
        "published": rng.below(2) == 0,
        "status": rng.pick(&["", "a", "b"]),
        "author": rng.pick(&["", ALICE, BOB]),
        "contact": rng.pick(&["", "a@x.io"]),
        "tags": rng.pick(&[json!([]), json!(["a"]), json!(["a", "b"])]),
    }) else {
        unreachable!()
    };
    map
}

fn request(rng: &mut Rng, users: &Arc<Collection>) -> RequestContext {
    let mut request = RequestContext::new(rng.pick(&["GET", "POST"]))
        .with_context(rng.pick(&[RequestKind::Default, RequestKind::Realtime]));
    if rng.below(3) > 0 {
        let age: f64 = rng.pick(NUMBERS).parse().unwrap();
        let Value::Object(values) = json!({
            "id": rng.pick(&[ALICE, BOB]),
            "email": "u@x.io",
            "verified": rng.below(2) == 0,
            "name": rng.pick(TEXTS),
            "age": age,
            "tokenKey": "k",
            "password": "p",
            "emailVisibility": false,
        }) else {
            unreachable!()
        };
        request = request.with_auth(Some(AuthRecord::new(users.clone(), values)));
    }
    if rng.below(2) == 0 {
        request = request.with_query([("q", rng.pick(TEXTS))]);
    }
    if rng.below(2) == 0 {
        request = request.with_headers([("X-H", rng.pick(TEXTS))]);
    }
    request
}

struct TestRow(Vec<(String, SqlValue, Affinity)>);

impl Row for TestRow {
    fn column(&self, column: &str) -> Option<(SqlValue, Affinity)> {
        self.0.iter().find(|(n, _, _)| n == column).map(|(_, v, a)| (v.clone(), *a))
    }
}

#[test]
fn in_memory_answers_match_sqlite() {
    let (posts, users) = collections();
    let users = Arc::new(users);
    let all = CollectionSet::new(vec![(*users).clone(), posts.clone()]);
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(&create_table_sql(&posts)).unwrap();
    let now = DateTime::parse("2026-11-24 12:00:00.000Z").unwrap();
    let cases: usize =
        std::env::var("SQL_EVAL_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(6000);
    let seed: u64 = std::env::var("SQL_EVAL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed);
    let (mut compared, mut refused, mut joined) = (0, 0, 0);
    for case in 0..cases {
        let rule = expression(&mut rng, 0);
        let values = record(&mut rng);
        let request = request(&mut rng, &users);
        let mut builder = QueryBuilder::new(&posts, &all, &request, now);
        if builder.and_rule(&rule).is_err() {
            continue;
        }
        let Ok(compiled) = builder.finish() else { continue };
        if !compiled.joins.is_empty() {
            joined += 1;
            continue;
        }
        let Ok(expr) = parse(&compiled.condition, "posts") else {
            refused += 1;
            continue;
        };
        let row = TestRow(
            posts
                .fields
                .iter()
                .map(|field| {
                    let affinity = Affinity::of_declared_type(
                        field.column_definition().split(' ').next().unwrap(),
                    );
                    let value = json_to_column(field, &values[&field.name]);
                    (field.name.clone(), stored(value, affinity), affinity)
                })
                .collect(),
        );
        let in_memory = evaluate(&expr, &row, &compiled.params).unwrap();

        conn.execute("DELETE FROM posts", []).unwrap();
        let names: Vec<String> = posts.fields.iter().map(|f| format!("`{}`", f.name)).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let insert =
            format!("INSERT INTO posts ({}) VALUES ({})", names.join(", "), marks.join(", "));
        let params: Vec<SqlValue> =
            posts.fields.iter().map(|f| json_to_column(f, &values[&f.name])).collect();
        conn.execute(&insert, rusqlite::params_from_iter(params)).unwrap();
        let sql = format!("SELECT COUNT(*) FROM `posts` WHERE {}", compiled.condition);
        let count: i64 = conn
            .query_row(&sql, rusqlite::params_from_iter(compiled.params.iter()), |r| r.get(0))
            .unwrap();
        assert_eq!(
            in_memory,
            count == 1,
            "case {case}: {rule}\nSQL: {}\nparams: {:?}\nrow: {values:?}",
            compiled.condition,
            compiled.params
        );
        compared += 1;
    }
    eprintln!("compared {compared}, refused {refused}, joined {joined}");
    assert!(compared > cases / 2, "only {compared} compared ({refused} refused, {joined} joined)");
    assert!(refused * 5 < compared, "{refused} refused of {compared}");
}
