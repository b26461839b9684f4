//! Differential scenarios: records CRUD, value coercion, modifiers, validation, auth records,
//! relation integrity (collections with public `""` and superuser-only `null` rules).

use serde_json::{Value, json};
use wasmbase_tests::{Scenario, Step};

fn create_collection(body: Value) -> Step {
    Step::post("/api/collections", body).as_superuser().status_only().expect(200)
}

fn post(collection: &str, body: Value) -> Step {
    Step::post(&format!("/api/collections/{collection}/records"), body)
}

fn patch(collection: &str, id: &str, body: Value) -> Step {
    Step::new(reqwest::Method::PATCH, &format!("/api/collections/{collection}/records/{id}"))
        .json(body)
}

fn public(name: &str, fields: &Value) -> Value {
    json!({"name": name, "fields": fields, "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})
}

#[tokio::test(flavor = "multi_thread")]
async fn crud_and_coercion_match_pocketbase() {
    Scenario::new("records crud")
        .step(create_collection(public("m1", &json!([
            {"name": "n", "type": "number"},
            {"name": "s", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
            {"name": "s1", "type": "select", "values": ["a", "b", "c"]},
            {"name": "t", "type": "text", "autogeneratePattern": "[a-z]{5}"},
            {"name": "j", "type": "json"},
            {"name": "b", "type": "bool"},
            {"name": "d", "type": "date"},
            {"name": "h", "type": "text", "hidden": true},
            {"name": "g", "type": "geoPoint"},
            {"name": "e", "type": "email"},
            {"name": "u", "type": "url"},
            {"name": "created", "type": "autodate", "onCreate": true},
            {"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}]))))
        .steps([
            post("m1", json!({"n": "5", "s": "a", "s1": ["a", "b"], "j": "[1,2]", "b": "true", "d": "2024-01-02", "h": "hidden",
                "created": "2020-01-01", "collectionId": "x", "expand": "x", "unknown": 1, "g": {"lon": 1.5, "lat": 2}})).mask("/t"),
            post("m1", json!({"n": 5, "n+": 2, "s": ["a"], "s+": ["b"], "+s": "c", "s-": "a"})).mask("/t"),
            post("m1", json!({"t:autogenerate": "pre-"})).mask("/t"),
            post("m1", json!({"id": "BAD_ID"})),
            post("m1", json!({"id": "abcdefghijklmno", "t": "fixed"})).as_superuser(),
            post("m1", json!({"id": "abcdefghijklmno"})),
            post("m1", json!({"s": ["x", "a"], "s1": "zz", "e": "bad", "u": "notaurl", "g": {"lon": 500, "lat": 0}})),
            post("m1", json!({"n": "abc", "b": "yes", "d": 12345, "j": "abc", "t": "given"})),
            post("m1", json!({"n": 1e3, "b": 1, "d": "2024-01-02T10:11:12+02:00", "j": "null", "t": "given"})),
            Step::get("/api/collections/m1/records/abcdefghijklmno"),
            Step::get("/api/collections/m1/records/abcdefghijklmno").as_superuser(),
            Step::get("/api/collections/m1/records/nope"),
            patch("m1", "abcdefghijklmno", json!({"n+": 3, "s": ["b"], "s+": "c", "h": "x", "t": "changed"})),
            patch("m1", "abcdefghijklmno", json!({"id": "otherid12345678"})),
            patch("m1", "abcdefghijklmno", json!({"s": ["x"]})),
            patch("m1", "nope", json!({})),
            Step::get("/api/collections/m1/records/abcdefghijklmno").as_superuser(),
            Step::new(reqwest::Method::DELETE, "/api/collections/m1/records/abcdefghijklmno"),
            Step::new(reqwest::Method::DELETE, "/api/collections/m1/records/abcdefghijklmno"),
            Step::get("/api/collections/m1/records/abcdefghijklmno"),
            Step::get("/api/collections/nope/records"),
            Step::get("/api/collections/nope/records/x"),
            post("nope", json!({})),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_and_errors_match_pocketbase() {
    Scenario::new("record bodies")
        .step(create_collection(public(
            "tags",
            &json!([{"name": "name", "type": "text", "required": true, "max": 5}]),
        )))
        .steps([
            Step::new(reqwest::Method::POST, "/api/collections/tags/records")
                .raw(Some("application/json"), "{\"name\": \"x\","),
            Step::new(reqwest::Method::POST, "/api/collections/tags/records")
                .raw(Some("text/plain"), "name=x"),
            Step::new(reqwest::Method::POST, "/api/collections/tags/records")
                .raw(Some("application/xml"), "<a/>"),
            Step::new(reqwest::Method::POST, "/api/collections/tags/records")
                .raw(Some("application/x-www-form-urlencoded"), "name=formurl")
                .mask("/id"),
            Step::new(reqwest::Method::POST, "/api/collections/tags/records").json(json!([1])),
            post("tags", json!({})),
            post("tags", json!({"name": "toolongname"})),
            post("tags", json!({"name": 12345})).mask("/id"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn superuser_only_rules_match_pocketbase() {
    Scenario::new("null rules")
        .user("alice", "alice@example.com", "alicepass1", json!({}))
        .step(create_collection(
            json!({"name": "locked", "fields": [{"name": "name", "type": "text"}]}),
        ))
        .step(post("locked", json!({"id": "lockedrecord001", "name": "x"})).as_superuser())
        .steps([
            Step::get("/api/collections/locked/records"),
            Step::get("/api/collections/locked/records").as_user("alice"),
            Step::get("/api/collections/locked/records/lockedrecord001"),
            post("locked", json!({"name": "y"})),
            patch("locked", "lockedrecord001", json!({"name": "z"})).as_user("alice"),
            Step::new(reqwest::Method::DELETE, "/api/collections/locked/records/lockedrecord001"),
            Step::get("/api/collections/locked/records?fields=id,name").as_superuser(),
            Step::get("/api/collections/_superusers/records"),
            Step::get("/api/collections/locked/records?perPage=5000&page=0&fields=id")
                .as_superuser(),
            Step::get("/api/collections/locked/records?page=abc").as_superuser(),
            Step::get("/api/collections/locked/records?skipTotal=1&fields=id").as_superuser(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_records_match_pocketbase() {
    let users = "users";
    Scenario::new("auth records")
        .user("alice", "alice@example.com", "alicepass1", json!({"name": "Alice"}))
        .steps([
            post(users, json!({})),
            post(users, json!({"email": "not-an-email", "password": "short", "passwordConfirm": "short", "name": "x"})),
            post(users, json!({"email": "bob@example.com", "password": "bobpass123", "passwordConfirm": "nope"})),
            post(users, json!({"email": "bob@example.com", "password": "bobpass123", "passwordConfirm": "bobpass123", "verified": true})),
            post(users, json!({"email": "bob@example.com", "password": "bobpass123", "passwordConfirm": "bobpass123", "emailVisibility": true}))
                .save("bob", "/id"),
            post(users, json!({"email": "carol@example.com", "password": "carolpass1", "passwordConfirm": "carolpass1"})),
            post(users, json!({"email": "bob@example.com", "password": "bobpass123", "passwordConfirm": "bobpass123"})),
            post(users, json!({"email": "dave@example.com", "password": "davepass12", "passwordConfirm": "davepass12", "verified": true}))
                .as_superuser(),
            Step::post("/api/collections/users/auth-with-password", json!({"identity": "bob@example.com", "password": "bobpass123"})),
            Step::get("/api/collections/users/records/{{bob}}").as_user("alice"),
            Step::get("/api/collections/users/records/{{bob}}").as_superuser(),
            patch(users, "{{bob}}", json!({"name": "Bobby"})).as_superuser(),
            patch(users, "{{bob}}", json!({"password": "newpass123", "passwordConfirm": "newpass123"})).as_superuser(),
            Step::post("/api/collections/users/auth-with-password", json!({"identity": "bob@example.com", "password": "newpass123"})),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn relation_integrity_matches_pocketbase() {
    Scenario::new("relations")
        .step(create_collection(public("tags", &json!([{"name": "name", "type": "text"}]))))
        .step(post("tags", json!({"id": "tagaaaaaaaaaaaa", "name": "a"})))
        .step(post("tags", json!({"id": "tagbbbbbbbbbbbb", "name": "b"})))
        .step(create_collection(json!({"name": "posts", "fields": [
            {"name": "tags", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 5},
            {"name": "main", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 1}],
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})))
        .step(create_collection(json!({"name": "pins", "fields": [
            {"name": "tag", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 1, "required": true}],
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})))
        .step(create_collection(json!({"name": "notes", "fields": [
            {"name": "tag", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 1, "cascadeDelete": true}],
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})))
        .steps([
            post("posts", json!({"id": "postaaaaaaaaaaa", "tags": ["tagaaaaaaaaaaaa", "tagbbbbbbbbbbbb"], "main": "tagaaaaaaaaaaaa"})),
            post("posts", json!({"tags": ["missingid123456"]})),
            post("pins", json!({"id": "pinaaaaaaaaaaaa", "tag": "tagbbbbbbbbbbbb"})),
            post("notes", json!({"id": "noteaaaaaaaaaaa", "tag": "tagaaaaaaaaaaaa"})),
            Step::new(reqwest::Method::DELETE, "/api/collections/tags/records/tagbbbbbbbbbbbb"),
            Step::new(reqwest::Method::DELETE, "/api/collections/tags/records/tagaaaaaaaaaaaa"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa"),
            Step::get("/api/collections/notes/records/noteaaaaaaaaaaa"),
            Step::new(reqwest::Method::DELETE, "/api/collections/pins/records/pinaaaaaaaaaaaa"),
            Step::new(reqwest::Method::DELETE, "/api/collections/tags/records/tagbbbbbbbbbbbb"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expand_matches_pocketbase() {
    Scenario::new("expand")
        .user("alice", "alice@example.com", "alicepass1", json!({"name": "Alice"}))
        .step(create_collection(public("tags", &json!([{"name": "name", "type": "text"}]))))
        .step(post("tags", json!({"id": "tagaaaaaaaaaaaa", "name": "go"})).expect(200))
        .step(post("tags", json!({"id": "tagbbbbbbbbbbbb", "name": "js"})).expect(200))
        .step(create_collection(json!({"name": "locked", "fields": [{"name": "name", "type": "text"}]})))
        .step(post("locked", json!({"id": "lockedaaaaaaaaa", "name": "x"})).as_superuser().expect(200))
        .step(create_collection(json!({"name": "posts", "fields": [
            {"name": "title", "type": "text"},
            {"name": "tags", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 5},
            {"name": "main", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 1},
            {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "secret", "type": "relation", "collectionId": "pbc_3720459743", "maxSelect": 1}],
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})))
        .step(create_collection(json!({"name": "comments", "fields": [
            {"name": "post", "type": "relation", "collectionId": "pbc_1125843985", "maxSelect": 1},
            {"name": "message", "type": "text"}],
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})))
        .steps([
            post("posts", json!({"id": "postaaaaaaaaaaa", "title": "a", "tags": ["tagbbbbbbbbbbbb", "tagaaaaaaaaaaaa"], "main": "tagaaaaaaaaaaaa", "secret": "lockedaaaaaaaaa"}))
                .as_superuser()
                .expect(200),
            post("posts", json!({"id": "postbbbbbbbbbbb", "title": "b"})).expect(200),
            post("comments", json!({"id": "commentaaaaaaaa", "post": "postaaaaaaaaaaa", "message": "one"})).expect(200),
            post("comments", json!({"id": "commentbbbbbbbb", "post": "postaaaaaaaaaaa", "message": "two"})).expect(200),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa?expand=tags,main"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa?expand=tags , main&fields=id,expand.tags.name"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa?expand=comments_via_post"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa?expand=comments(post)"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa?expand=nonexistent"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa?expand=secret").label("null view rule"),
            Step::get("/api/collections/posts/records/postaaaaaaaaaaa?expand=secret").as_superuser(),
            Step::get("/api/collections/posts/records/postbbbbbbbbbbb?expand=tags,main,comments_via_post"),
            Step::get("/api/collections/comments/records/commentaaaaaaaa?expand=post.tags,post.main"),
            Step::get("/api/collections/comments/records?expand=post&fields=id,expand.post.title"),
            Step::get("/api/collections/posts/records?expand=tags,comments_via_post.post&fields=id,expand").as_superuser(),
            Step::post("/api/collections/comments/records?expand=post", json!({"post": "postbbbbbbbbbbb", "message": "three"}))
                .mask("/id"),
        ])
        .run()
        .await;
}
