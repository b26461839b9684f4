//! The captured rule behaviour of collection `notes` (spec §8): list/view/create/update/delete
//! rules evaluated the way the records API will (create against a one-row CTE of the
//! would-be record, the others against the stored record).

use serde_json::{Map, Value, json};

use super::fixture::*;
use crate::query::sql::{Compiled, QueryBuilder, RequestContext, RequestKind, normalize_body};
use crate::store::value::json_to_column;

fn body(fx: &Fixture, value: Value) -> Map<String, Value> {
    let Value::Object(map) = value else { panic!("not an object") };
    normalize_body(fx.collection("notes"), map)
}

/// Whether the stored note passes `rule` for `request`.
fn allows(fx: &Fixture, rule: &str, request: &RequestContext) -> bool {
    let notes = fx.collection("notes");
    let mut builder = QueryBuilder::new(notes, &fx.all, request, now());
    builder.and_rule(rule).unwrap();
    let mut compiled = builder.finish().unwrap();
    let id = compiled.push_param(NOTE.to_owned().into());
    compiled.condition = format!("`notes`.`id` = {id} AND ({})", compiled.condition);
    !fx.ids(&compiled).is_empty()
}

/// Whether the would-be record `values` passes the create rule (a CTE named like the
/// collection holds it, as PocketBase does).
fn allows_create(fx: &Fixture, name: &str, request: &RequestContext) -> bool {
    let collection = fx.collection(name);
    let rule = collection.create_rule.as_deref().unwrap();
    let cte = format!("{name}__pb_create");
    let mut builder = QueryBuilder::new(collection, &fx.all, request, now()).with_table_name(&cte);
    builder.and_rule(rule).unwrap();
    let mut compiled: Compiled = builder.finish().unwrap();
    let mut record = request.body.clone();
    record.insert("id".into(), json!("__temp_id__"));
    let selects: Vec<String> = collection
        .fields
        .iter()
        .map(|field| {
            let value = record.get(&field.name).cloned().unwrap_or_else(|| field.zero_value());
            let placeholder = compiled.push_param(json_to_column(field, &value));
            format!("{placeholder} AS `{}`", field.name)
        })
        .collect();
    let sql = format!(
        "WITH `{cte}` AS (SELECT {}) SELECT `{cte}`.`id` FROM {}{} LIMIT 1",
        selects.join(", "),
        compiled.from_clause(),
        compiled.where_clause()
    );
    let mut stmt = fx.conn.prepare(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    stmt.exists(rusqlite::params_from_iter(compiled.params.iter())).unwrap()
}

fn alice(fx: &Fixture, method: &str) -> RequestContext {
    RequestContext::new(method).with_auth(Some(fx.auth("users", ALICE)))
}

#[test]
fn create_rule_sees_the_submitted_body() {
    let fx = fixture();
    let three = alice(&fx, "POST")
        .with_body(body(&fx, json!({"owner": ALICE, "n": 1, "tags": ["x", "y", "z"]})));
    assert!(!allows_create(&fx, "notes", &three), "three tags are refused (captured 400)");
    let one =
        alice(&fx, "POST").with_body(body(&fx, json!({"owner": ALICE, "n": 1, "tags": ["x"]})));
    assert!(allows_create(&fx, "notes", &one), "one tag is accepted (captured 200)");
    let someone_else = alice(&fx, "POST").with_body(body(&fx, json!({"owner": BOB, "tags": []})));
    assert!(!allows_create(&fx, "notes", &someone_else));
    let guest = RequestContext::new("POST").with_body(body(&fx, json!({"owner": ALICE})));
    assert!(!allows_create(&fx, "notes", &guest));
    let wrong_method = alice(&fx, "PUT").with_body(body(&fx, json!({"owner": ALICE})));
    assert!(!allows_create(&fx, "notes", &wrong_method));

    // posts: `author = @request.auth.id` reads the would-be record (captured: bob cannot
    // create a post authored by alice).
    let post = |who: &str, author: &str| {
        let body = json!({"title": "by x", "author": author}).as_object().cloned().unwrap();
        RequestContext::new("POST").with_auth(Some(fx.auth("users", who))).with_body(body)
    };
    assert!(allows_create(&fx, "posts", &post(ALICE, ALICE)));
    assert!(!allows_create(&fx, "posts", &post(BOB, ALICE)));
}

#[test]
fn list_and_view_rules_read_headers_and_query() {
    let fx = fixture();
    let list = fx.collection("notes").list_rule.clone().unwrap();
    let view = fx.collection("notes").view_rule.clone().unwrap();
    assert!(!allows(&fx, &list, &RequestContext::new("GET")), "guest sees nothing");
    let keyed = RequestContext::new("GET").with_headers([("X-Key", "abc")]);
    assert!(allows(&fx, &list, &keyed), "X-Key: abc shows the note");
    assert!(allows(&fx, &list, &alice(&fx, "GET")), "the owner sees it");
    assert!(!allows(&fx, &view, &RequestContext::new("GET")), "view without ?secret is 404");
    let secret = RequestContext::new("GET").with_query([("secret", "yes")]);
    assert!(allows(&fx, &view, &secret), "view with ?secret=yes is 200");
}

#[test]
fn update_rule_checks_changed_and_isset() {
    let fx = fixture();
    let rule = fx.collection("notes").update_rule.clone().unwrap();
    let patch = |value: Value| alice(&fx, "PATCH").with_body(body(&fx, value));
    // Stored: owner alice, n = 1.
    assert!(!allows(&fx, &rule, &patch(json!({"n": 0}))), "n 0 is not > 1");
    assert!(allows(&fx, &rule, &patch(json!({"n": 5}))));
    assert!(allows(&fx, &rule, &patch(json!({"text": "t"}))), "n not set");
    assert!(!allows(&fx, &rule, &patch(json!({"owner": BOB}))), "owner changed");
    assert!(allows(&fx, &rule, &patch(json!({"owner": ALICE}))), "owner unchanged");
    let bob = RequestContext::new("PATCH")
        .with_auth(Some(fx.auth("users", BOB)))
        .with_body(body(&fx, json!({"n": 9})));
    assert!(!allows(&fx, &rule, &bob), "not the owner");
    // `n+`/`n-` arrive resolved: stored 5, `{"n+":1}` → 6 > 5; stored 6, `{"n-":1}` → 5.
    fx.conn.execute("UPDATE notes SET n = 5", []).unwrap();
    assert!(allows(&fx, &rule, &patch(json!({"n": 6}))));
    fx.conn.execute("UPDATE notes SET n = 6", []).unwrap();
    assert!(!allows(&fx, &rule, &patch(json!({"n": 5}))));
}

#[test]
fn delete_rule_reads_the_request_context() {
    let fx = fixture();
    let rule = fx.collection("notes").delete_rule.clone().unwrap();
    assert!(allows(&fx, &rule, &alice(&fx, "DELETE")));
    let batch = alice(&fx, "DELETE").with_context(RequestKind::Batch);
    assert!(!allows(&fx, &rule, &batch), "inside a batch (captured 404)");
    let bob = RequestContext::new("DELETE").with_auth(Some(fx.auth("users", BOB)));
    assert!(!allows(&fx, &rule, &bob));
}
