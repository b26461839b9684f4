//! Differential scenarios: API rules on list/view/create/update/delete (`null`, `""` and
//! expressions over `@request.auth.*`, `@request.body.*` with `:isset`/`:changed`/`:length`,
//! `@request.query.*`, `@request.headers.*`, `@request.method`, `@request.context`,
//! `@collection.*` with aliases), the failure status of each action and the batch context.
//! The auth rule and protected files are in `diff_auth_rules.rs`.
//! See `../shared/spec/filters-and-rules.md` §8 and `records.md` (status codes).

use serde_json::json;
use wasmbase_tests::client::Part;
use wasmbase_tests::{Scenario, Step};

use crate::blog::{
    self, ALICE, BOB, CAROL, POST_BOB1, POST_BOB2, POST_HELLO, POST_ZERO, Who, collection, create,
    delete, list, patch_collection, update, view,
};

fn enable_batch() -> Step {
    Step::new(reqwest::Method::PATCH, "/api/settings")
        .json(json!({"batch": {"enabled": true, "maxRequests": 10}}))
        .as_superuser()
        .status_only()
        .expect(200)
}

fn batch(requests: serde_json::Value) -> Step {
    let body = serde_json::Map::from_iter([("requests".to_owned(), requests)]);
    Step::post("/api/batch", serde_json::Value::Object(body))
}

#[tokio::test(flavor = "multi_thread")]
async fn blog_rules_match_pocketbase() {
    let mut steps = Vec::new();
    for who in [Who::Superuser, Who::Guest, Who::Alice, Who::Bob, Who::Carol] {
        steps.extend([
            who.apply(list("posts", "fields=id,title&perPage=200")),
            who.apply(view("posts", POST_BOB2, "?fields=id,title")),
            who.apply(view("posts", POST_ZERO, "?fields=id,title")),
            who.apply(view("posts", POST_HELLO, "")),
            who.apply(view("posts", "nope", "")),
            who.apply(list("users", "fields=id,name,email")),
            who.apply(view("users", BOB, "")),
            who.apply(list("comments", "fields=id,message")),
            who.apply(view("profiles", "prof00000000001", "")),
            who.apply(list("nodes", "fields=id,name")),
            who.apply(view("nodes", "node00000000009", "?fields=id,name")),
        ]);
    }
    steps.extend([
        create("posts", json!({"title": "by guest", "author": ALICE})).label("guest create"),
        create("posts", json!({"title": "by guest"})).label("guest create without author"),
        Who::Alice.apply(create(
            "posts",
            json!({"id": "postalice000001", "title": "Mine", "author": ALICE, "secret": "dropped"}),
        )),
        Who::Alice.apply(create("posts", json!({"title": "Not mine", "author": BOB}))),
        Who::Alice.apply(create("posts", json!({"title": "No author"}))),
        Who::Bob
            .apply(create("posts", json!({"title": "ab", "author": ALICE})))
            .label("rule and validation fail"),
        Who::Bob
            .apply(create("posts", json!({"title": "ab", "author": BOB})))
            .label("validation fails"),
        Who::Bob.apply(create("posts", json!({"title": "Bob's", "author": BOB, "views": -1}))),
        Who::Carol.apply(create(
            "posts?fields=id,title,author",
            json!({"id": "postcarol000001", "title": "Carol's", "author": CAROL}),
        )),
        Who::Superuser.apply(create(
            "posts?fields=id,secret",
            json!({"id": "postsuper000001", "title": "By su", "secret": "kept"}),
        )),
        Who::Alice.apply(update(
            "posts",
            POST_HELLO,
            json!({"title": "Hello again", "secret": "x"}),
        )),
        Who::Bob.apply(update("posts", POST_HELLO, json!({"title": "Hacked"}))),
        Who::Guest.apply(update("posts", POST_HELLO, json!({"title": "Hacked"}))),
        Who::Alice.apply(update("posts", POST_BOB1, json!({"title": "Hacked"}))),
        Who::Alice.apply(update("posts", "nope", json!({"title": "Hacked"}))),
        Who::Alice
            .apply(update("posts", POST_HELLO, json!({"title": "ab"})))
            .label("validation after rule"),
        Who::Bob
            .apply(update("posts", POST_HELLO, json!({"title": "ab"})))
            .label("rule before validation"),
        Who::Alice
            .apply(update("posts", "postalice000001", json!({"author": BOB})))
            .label("rule sees the stored author"),
        Who::Alice.apply(update("posts", "postalice000001", json!({"title": "Lost"}))),
        Who::Bob.apply(update(
            "posts",
            "postalice000001?fields=id,title,author",
            json!({"title": "Now bob's"}),
        )),
        Who::Alice.apply(delete("posts", POST_ZERO)),
        Who::Guest.apply(delete("posts", POST_ZERO)),
        Who::Superuser.apply(delete("posts", POST_ZERO)),
        Who::Superuser.apply(delete("posts", POST_ZERO)),
        Who::Guest.apply(create("comments", json!({"post": POST_HELLO, "message": "guest"}))),
        Who::Alice.apply(create(
            "comments?fields=message,user",
            json!({"id": "commalice000001", "post": POST_HELLO, "message": "mine", "user": ALICE}),
        )),
        Who::Alice.apply(update("comments", "commalice000001", json!({"message": "edit"}))),
        Who::Alice.apply(delete("comments", "commalice000001")),
        Who::Alice.apply(update("users", ALICE, json!({"name": "Alicia"}))),
        Who::Alice.apply(update("users", BOB, json!({"name": "Bobby"}))),
        Who::Bob.apply(delete("users", ALICE)),
        Who::Guest.apply(create("nodes", json!({"name": "x"}))),
        Who::Alice.apply(update("nodes", "node00000000001", json!({"name": "x"}))),
        Who::Alice.apply(delete("nodes", "node00000000001")),
        Who::Guest.apply(create("profiles", json!({"bio": "x"}))),
        Who::Guest.apply(view("posts", "postalice000001", "?fields=id,title")),
        Who::Bob.apply(view("posts", "postalice000001", "?fields=id,title")),
    ]);
    Scenario::new("blog rules").steps(blog::fixture()).steps(steps).run().await;
}

/// The `notes` collection of filters-and-rules.md §8 ("captured rule behaviour").
fn notes_collection() -> Step {
    collection(json!({"name": "notes", "fields": [
        {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
        {"name": "n", "type": "number"},
        {"name": "text", "type": "text"},
        {"name": "tags", "type": "select", "values": ["x", "y", "z"], "maxSelect": 3},
        {"name": "meta", "type": "json"}],
        "listRule": "@request.headers.x_key = \"abc\" || owner = @request.auth.id",
        "viewRule": "@request.query.secret = \"yes\"",
        "createRule": "@request.auth.id != \"\" && @request.body.owner = @request.auth.id && @request.body.tags:length <= 2 && @request.method = \"POST\"",
        "updateRule": "owner = @request.auth.id && @request.body.owner:changed = false && (@request.body.n:isset = false || @request.body.n > n)",
        "deleteRule": "owner = @request.auth.id && @request.context != \"batch\""}))
}

#[tokio::test(flavor = "multi_thread")]
async fn request_rules_match_pocketbase() {
    let note = "note00000000001";
    let notes = "/api/collections/notes/records";
    Scenario::new("request rules")
        .steps(blog::fixture())
        .step(enable_batch())
        .step(notes_collection())
        .steps([
            Who::Alice
                .apply(create("notes", json!({"owner": ALICE, "n": 1, "tags": ["x", "y", "z"]}))),
            Who::Alice.apply(create("notes", json!({"owner": BOB, "n": 1}))),
            Who::Guest.apply(create("notes", json!({"n": 1}))),
            Who::Alice
                .apply(create("notes", json!({"id": note, "owner": ALICE, "n": 1, "tags": ["x"]}))),
            Who::Guest.apply(list("notes", "fields=id")),
            Who::Guest.apply(list("notes", "fields=id")).header("X-Key", "abc"),
            Who::Guest.apply(list("notes", "fields=id")).header("x-key", "abd"),
            Who::Bob.apply(list("notes", "fields=id")),
            Who::Alice.apply(list("notes", "fields=id")),
            Who::Guest.apply(view("notes", note, "")),
            Who::Guest.apply(view("notes", note, "?secret=yes")),
            Who::Guest.apply(view("notes", note, "?secret=no")),
            Who::Guest.apply(view("notes", note, "?secret=yes&secret=no")),
            Who::Alice.apply(update("notes", note, json!({"n": 0}))),
            Who::Alice.apply(update("notes", note, json!({"n": 5}))),
            Who::Alice.apply(update("notes", note, json!({"text": "t"}))),
            Who::Alice.apply(update("notes", note, json!({"owner": BOB}))),
            Who::Alice.apply(update("notes", note, json!({"owner": ALICE}))),
            Who::Alice.apply(update("notes", note, json!({"n+": 1}))),
            Who::Alice.apply(update("notes", note, json!({"n-": 1}))),
            Who::Alice.apply(update("notes", note, json!({"n": null}))),
            Who::Alice.apply(update("notes", note, json!({"n": "7"}))),
            Who::Bob.apply(update("notes", note, json!({"n": 100}))),
            Who::Alice
                .apply(Step::new(reqwest::Method::PATCH, &format!("{notes}/{note}")))
                .multipart(vec![Part::text("n", "9")])
                .label("multipart number in @request.body"),
            Who::Alice
                .apply(Step::new(reqwest::Method::PATCH, &format!("{notes}/{note}")))
                .multipart(vec![Part::text("n", "8")]),
            Who::Alice
                .apply(batch(json!([{"method": "DELETE", "url": format!("{notes}/{note}")}]))),
            Who::Bob.apply(delete("notes", note)),
            Who::Alice.apply(delete("notes", note)),
            Who::Alice.apply(delete("notes", note)),
        ])
        .run()
        .await;
}

/// Collections whose rules use every kind of `@request.*` value and modifier.
fn gated_collections() -> Vec<Step> {
    vec![
        collection(json!({"name": "gated", "fields": [
            {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "title", "type": "text"},
            {"name": "n", "type": "number"},
            {"name": "tags", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 5},
            {"name": "labels", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
            {"name": "meta", "type": "json"}],
            "listRule": "@request.auth.verified = true && @request.method = \"GET\"",
            "viewRule": "@request.auth.name = 'Alice' || @request.headers.x_token = 'let-me-in' || @request.context = 'expand'",
            "createRule": "@request.auth.collectionName = 'users' && @request.auth.email ~ 'example.com' && @request.body.title:isset = true && @request.body.title:lower != 'forbidden' && (@request.body.tags:length = 0 || @request.body.tags.name ?= 'go') && @request.body.labels:each != 'c' && @request.body.meta.level < 3",
            "updateRule": "owner = @request.auth.id && @request.body.title:changed = false && @request.body.n:isset = false && @request.body.labels:length <= 2",
            "deleteRule": "@request.auth.profiles_via_user.bio ?= 'I write' || @request.query.force = '1'"})),
        collection(json!({"name": "pointers", "fields": [
            {"name": "target", "type": "relation", "collectionId": "pbc_2755758306", "maxSelect": 1}],
            "listRule": "", "viewRule": "", "createRule": "@request.context = 'batch'"})),
        collection(json!({"name": "hush", "fields": [
            {"name": "label", "type": "text"},
            {"name": "code", "type": "text", "hidden": true}],
            "listRule": "code = @request.query.code || @request.body.code:isset = true",
            "viewRule": "code:lower = @request.headers.x_code:lower",
            "createRule": "@request.body.code != ''"})),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn request_values_in_rules_match_pocketbase() {
    let gated = "/api/collections/gated/records";
    Scenario::new("request values")
        .steps(blog::fixture())
        .step(enable_batch())
        .steps(gated_collections())
        .steps([
            Who::Guest.apply(create("gated", json!({"title": "guest"}))),
            Who::Alice.apply(create("gated", json!({"id": "gated0000000001", "owner": ALICE, "title": "ok", "meta": {"level": 1}}))),
            Who::Alice.apply(create("gated", json!({"owner": ALICE, "meta": {"level": 1}}))).label("title not set"),
            Who::Alice.apply(create("gated", json!({"owner": ALICE, "title": "", "meta": {"level": 1}}))).label("title empty but set"),
            Who::Alice.apply(create("gated", json!({"title": "FORBIDDEN", "meta": {"level": 1}}))),
            Who::Alice.apply(create("gated", json!({"title": "t", "meta": {"level": 3}}))),
            Who::Alice.apply(create("gated", json!({"title": "t"}))).label("missing nested body value"),
            Who::Alice.apply(create("gated", json!({"title": "t", "meta": {"level": 1}, "tags": [blog::TAG_GO, blog::TAG_JS]}))),
            Who::Alice.apply(create("gated", json!({"title": "t", "meta": {"level": 1}, "tags": [blog::TAG_JS]}))),
            Who::Alice.apply(create("gated", json!({"title": "t", "meta": {"level": 1}, "labels": ["a", "b"]}))),
            Who::Alice.apply(create("gated", json!({"title": "t", "meta": {"level": 1}, "labels": ["a", "c"]}))),
            Who::Alice.apply(create("gated", json!({"title": "t", "meta": "{\"level\": 2}"}))),
            Who::Bob.apply(create("gated", json!({"id": "gated0000000002", "owner": BOB, "title": "bob", "meta": {"level": 0}}))),
            Who::Superuser.apply(create("gated", json!({"id": "gated0000000003", "owner": CAROL, "title": "FORBIDDEN"}))),
            Who::Guest.apply(list("gated", "fields=id")),
            Who::Alice.apply(list("gated", "fields=id")),
            Who::Bob.apply(list("gated", "fields=id")),
            Who::Carol.apply(list("gated", "fields=id")),
            Who::Alice.apply(Step::new(reqwest::Method::HEAD, &format!("{gated}?fields=id"))).status_only(),
            Who::Alice.apply(view("gated", "gated0000000002", "?fields=id")),
            Who::Bob.apply(view("gated", "gated0000000002", "?fields=id")),
            Who::Bob.apply(view("gated", "gated0000000002", "?fields=id")).header("X-Token", "let-me-in"),
            Who::Guest.apply(view("gated", "gated0000000002", "?fields=id")).header("x-token", "let-me-in"),
            Who::Guest.apply(view("gated", "gated0000000002", "?fields=id")).header("x_token", "let-me-in"),
            Who::Alice.apply(update("gated", "gated0000000001", json!({"title": "ok", "labels": ["a"]}))),
            Who::Alice.apply(update("gated", "gated0000000001", json!({"title": "changed"}))),
            Who::Alice.apply(update("gated", "gated0000000001", json!({"n": 1}))),
            Who::Alice.apply(update("gated", "gated0000000001", json!({"labels": ["a", "b", "c"]}))),
            Who::Alice.apply(update("gated", "gated0000000001", json!({"labels+": "c"}))),
            Who::Alice.apply(update("gated", "gated0000000001?fields=labels", json!({"labels-": "a"}))),
            Who::Bob.apply(update("gated", "gated0000000001", json!({}))),
            Who::Bob.apply(delete("gated", "gated0000000001")),
            Who::Bob.apply(delete("gated", "gated0000000001?force=1")),
            Who::Alice.apply(delete("gated", "gated0000000002")),
            Who::Alice.apply(create("pointers", json!({"target": "gated0000000003"}))),
            Who::Alice.apply(batch(json!([{"method": "POST", "url": "/api/collections/pointers/records?expand=target",
                "body": {"id": "pointer00000001", "target": "gated0000000003"}}]))),
            Who::Bob.apply(view("pointers", "pointer00000001", "?expand=target")).label("expand context"),
            Who::Guest.apply(view("pointers", "pointer00000001", "?expand=target")),
            Who::Alice.apply(batch(json!([
                {"method": "POST", "url": "/api/collections/pointers/records", "body": {"id": "pointer00000002"}},
                {"method": "POST", "url": "/api/collections/gated/records", "body": {"title": "FORBIDDEN"}}]))),
            Who::Guest.apply(view("pointers", "pointer00000002", "")),
            Step::post("/api/collections", json!({"name": "bad", "fields": [{"name": "code", "type": "text"}],
                "createRule": "@request.body.code:length > 0", "listRule": "code:each = 'x'",
                "viewRule": "@request.body.nope:isset = true && @collection.nope.id != ''",
                "updateRule": "@request.auth.nope = 1", "deleteRule": "code ~"}))
                .as_superuser()
                .label("invalid rules"),
            Who::Guest.apply(create("hush", json!({"label": "no code"}))),
            Who::Guest.apply(create("hush?fields=id,label,code", json!({"label": "x", "code": "Open"})))
                .label("hidden body values are dropped before the create rule"),
            Who::Superuser.apply(create("hush?fields=id,label,code", json!({"id": "hush00000000001", "label": "x", "code": "Open"}))),
            Who::Superuser.apply(create("hush?fields=code", json!({"id": "hush00000000002", "label": "y", "code": "Sesame"}))),
            Who::Guest.apply(list("hush", "fields=id,label")),
            Who::Guest.apply(list("hush", "fields=id,label&code=Sesame")),
            Who::Guest.apply(list("hush", "fields=id&code=sesame")),
            Who::Guest.apply(list("hush", "fields=id&filter=code%20%3D%20%27Sesame%27")).label("hidden field in a client filter"),
            Who::Guest.apply(view("hush", "hush00000000002", "?fields=id")).header("X-Code", "SESAME"),
            Who::Guest.apply(view("hush", "hush00000000002", "?fields=id")).header("X-Code", "open"),
            Who::Guest.apply(view("hush", "hush00000000002", "?fields=id")),
            Who::Guest.apply(view("hush", "hush00000000001", "?fields=id")).header("X-Code", "OPEN"),
            Who::Alice.apply(list("hush", "fields=id,label&code=Open")),
        ])
        .run()
        .await;
}

/// `docs` readable through an `acl` collection: the list rule wants one acl row for both the
/// user and the doc (one alias), the view rule lets two different rows satisfy it (two).
fn acl_collections() -> Vec<Step> {
    vec![
        collection(json!({"name": "docs", "fields": [{"name": "title", "type": "text"}]})),
        collection(json!({"name": "acl", "fields": [
            {"name": "user", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "doc", "type": "relation", "collectionId": "pbc_1985629191", "maxSelect": 1},
            {"name": "level", "type": "number"}]})),
        patch_collection(
            "docs",
            json!({
            "listRule": "@collection.acl:a.user ?= @request.auth.id && @collection.acl:a.doc ?= id",
            "viewRule": "@collection.acl:a.user ?= @request.auth.id && @collection.acl:b.doc ?= id",
            "updateRule": "@collection.acl.user ?= @request.auth.id && @collection.acl.level ?> 1",
            "deleteRule": "@collection.acl.level > 0"}),
        ),
        create("docs", json!({"id": "doc000000000001", "title": "one"})).as_superuser().expect(200),
        create("docs", json!({"id": "doc000000000002", "title": "two"})).as_superuser().expect(200),
        create("docs", json!({"id": "doc000000000003", "title": "three"}))
            .as_superuser()
            .expect(200),
        create("acl", json!({"user": ALICE, "doc": "doc000000000001", "level": 2}))
            .as_superuser()
            .expect(200),
        create("acl", json!({"user": BOB, "doc": "doc000000000002", "level": 1}))
            .as_superuser()
            .expect(200),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn collection_joins_in_rules_match_pocketbase() {
    let mut steps = acl_collections();
    for who in [Who::Guest, Who::Alice, Who::Bob, Who::Carol, Who::Superuser] {
        steps.extend([
            who.apply(list("docs", "fields=id,title")),
            who.apply(view("docs", "doc000000000001", "?fields=id")),
            who.apply(view("docs", "doc000000000002", "?fields=id")),
            who.apply(view("docs", "doc000000000003", "?fields=id")),
            who.apply(list("docs", "fields=id&filter=title%20%3D%20%27one%27")),
            who.apply(list("acl", "fields=id")),
        ]);
    }
    steps.extend([
        Who::Alice.apply(update("docs", "doc000000000003", json!({"title": "alice"}))),
        Who::Bob.apply(update("docs", "doc000000000003", json!({"title": "bob"}))),
        Who::Carol.apply(update("docs", "doc000000000003", json!({"title": "carol"}))),
        Who::Guest.apply(delete("docs", "doc000000000003")),
        Who::Guest.apply(create("docs", json!({"title": "x"}))),
    ]);
    Scenario::new("collection joins").steps(blog::fixture()).steps(steps).run().await;
}
