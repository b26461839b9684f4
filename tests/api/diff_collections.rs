//! Differential scenarios: the collections API (guards, create with every field type, errors,
//! update and schema changes, delete, truncate, import, scaffolds, list).

use serde_json::{Value, json};
use wasmbase_tests::{Scenario, Step};

fn create(body: Value) -> Step {
    Step::post("/api/collections", body).as_superuser()
}

fn patch(name: &str, body: Value) -> Step {
    Step::new(reqwest::Method::PATCH, &format!("/api/collections/{name}")).json(body).as_superuser()
}

fn delete(path: &str) -> Step {
    Step::new(reqwest::Method::DELETE, path).as_superuser()
}

#[tokio::test(flavor = "multi_thread")]
async fn collections_guard_matches_pocketbase() {
    let paths = [
        (reqwest::Method::GET, "/api/collections"),
        (reqwest::Method::POST, "/api/collections"),
        (reqwest::Method::GET, "/api/collections/users"),
        (reqwest::Method::PATCH, "/api/collections/users"),
        (reqwest::Method::DELETE, "/api/collections/users"),
        (reqwest::Method::DELETE, "/api/collections/users/truncate"),
        (reqwest::Method::PUT, "/api/collections/import"),
        (reqwest::Method::GET, "/api/collections/meta/scaffolds"),
        (reqwest::Method::GET, "/api/collections/nope"),
    ];
    let mut scenario = Scenario::new("collections guard").user(
        "alice",
        "alice@example.com",
        "alicepass1",
        json!({}),
    );
    for (method, path) in paths {
        scenario = scenario
            .step(Step::new(method.clone(), path).json(json!({})))
            .step(Step::new(method, path).json(json!({})).as_user("alice"));
    }
    scenario.run().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn creating_collections_with_every_field_type_matches_pocketbase() {
    Scenario::new("create")
        .steps([
            create(json!({"name": "t1"})),
            create(json!({"name": "tags", "fields": [
                {"name": "name", "type": "text", "required": true, "max": 50},
                {"name": "color", "type": "select", "values": ["red", "green", "blue"]}],
                "indexes": ["CREATE UNIQUE INDEX idx_tags_name ON tags (name)"],
                "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})),
            create(json!({"name": "posts", "fields": [
                {"name": "title", "type": "text", "required": true, "min": 3, "max": 100},
                {"name": "body", "type": "editor"},
                {"name": "views", "type": "number", "min": 0, "onlyInt": true},
                {"name": "score", "type": "number"},
                {"name": "published", "type": "bool"},
                {"name": "contact", "type": "email"},
                {"name": "website", "type": "url", "exceptDomains": ["example.org"]},
                {"name": "publishedAt", "type": "date", "min": "2020-01-01 00:00:00.000Z"},
                {"name": "status", "type": "select", "values": ["draft", "live"], "maxSelect": 1},
                {"name": "labels", "type": "select", "values": ["a", "b", "c", "d"], "maxSelect": 3},
                {"name": "cover", "type": "file", "maxSelect": 1, "mimeTypes": ["image/png", "image/jpeg"], "thumbs": ["50x50", "0x40"]},
                {"name": "attachments", "type": "file", "maxSelect": 5, "maxSize": 1048576},
                {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
                {"name": "tags", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 10},
                {"name": "meta", "type": "json"},
                {"name": "location", "type": "geoPoint"},
                {"name": "secret", "type": "text", "hidden": true, "presentable": true, "help": "not shown"},
                {"name": "created", "type": "autodate", "onCreate": true},
                {"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}],
                "listRule": "published = true || author = @request.auth.id"})),
            create(json!({"name": "a1", "type": "auth", "fields": [{"name": "username", "type": "text"}]})),
            create(json!({"name": "a2", "type": "auth", "fields": [{"name": "password", "type": "text"}]})),
            create(json!({"name": "a3", "type": "auth", "fields": [
                {"name": "email", "type": "email", "required": false, "onlyDomains": ["x.com"]},
                {"name": "verified", "type": "bool", "hidden": true}],
                "otp": {"enabled": true}, "mfa": {"enabled": true, "duration": 300}})),
            create(json!({"name": "withid", "id": "custom_id_1"})),
            create(json!({"name": "dupfields", "fields": [{"name": "a", "type": "text"}, {"name": "a", "type": "text", "max": 9}]})),
            create(json!({"name": "customid", "fields": [{"name": "id", "type": "text", "primaryKey": true, "system": true, "required": true, "min": 3, "max": 10, "autogeneratePattern": "[a-z]{5}", "pattern": "^[a-z]+$"}]})),
            create(json!({"name": "loosepk", "fields": [{"name": "id", "type": "text", "primaryKey": false}]})),
            create(json!({"name": "sysfield", "fields": [{"name": "t", "type": "text", "system": true}]})),
            Step::get("/api/collections/posts").as_superuser(),
            Step::get("/api/collections/POSTS?fields=id,name").as_superuser(),
            Step::get("/api/collections/pbc_1125843985?fields=name").as_superuser(),
            Step::get("/api/collections/nope").as_superuser(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_collections_are_refused_like_pocketbase() {
    Scenario::new("invalid create")
        .step(create(json!({"name": "t2", "fields": [{"name": "title", "type": "text"}]})))
        .steps([
            create(json!({"name": "T2"})),
            create(json!({"name": "bad name!", "type": "weird"})),
            create(json!({"name": "x_via_y"})),
            create(json!({"name": "_collections"})),
            create(json!({"name": "_params"})),
            create(json!({"name": "pbc_3837704900"})),
            create(json!({"name": ""})),
            create(json!({})),
            create(json!({"name": "c1", "fields": [
                {"name": "expand", "type": "text"}, {"name": "collectionId", "type": "text"}, {"name": "null", "type": "text"},
                {"name": "a_via_b", "type": "text"}, {"name": "bad name", "type": "text"}, {"name": "", "type": "text"}]})),
            create(json!({"name": "c1", "fields": [{"name": "t", "type": "text", "min": 5, "max": 2, "pattern": "(", "autogeneratePattern": "["}]})),
            create(json!({"name": "c1", "fields": [{"name": "n", "type": "number", "min": 5, "max": 2}]})),
            create(json!({"name": "c1", "fields": [{"name": "s", "type": "select", "values": ["a", "a"], "maxSelect": 5}]})),
            create(json!({"name": "c1", "fields": [{"name": "s", "type": "select"}]})),
            create(json!({"name": "c1", "fields": [{"name": "r", "type": "relation"}]})),
            create(json!({"name": "c1", "fields": [{"name": "r", "type": "relation", "collectionId": "nope", "maxSelect": 2, "minSelect": 5}]})),
            create(json!({"name": "c1", "fields": [{"name": "f", "type": "file", "maxSelect": -1, "maxSize": -5, "thumbs": ["bad", "0x0", "10x10"], "mimeTypes": ["x"]}]})),
            create(json!({"name": "c1", "fields": [{"name": "d", "type": "autodate", "onCreate": false, "onUpdate": false}]})),
            create(json!({"name": "c1", "fields": [{"name": "p", "type": "password", "min": 100, "max": 200, "cost": 99}]})),
            create(json!({"name": "c1", "fields": [{"name": "e", "type": "email", "onlyDomains": ["a.com"], "exceptDomains": ["b.com"]}]})),
            create(json!({"name": "c1", "fields": [{"name": "j", "type": "json", "maxSize": -1}]})),
            create(json!({"name": "c1", "fields": [{"name": "t", "type": "text"}], "indexes": ["bad sql"]})),
            create(json!({"name": "c1", "fields": [{"name": "t", "type": "text"}], "indexes": ["CREATE INDEX idx1 ON c1 (nope)"]})),
            create(json!({"name": "c1", "fields": [{"name": "t", "type": "text"}], "indexes": ["CREATE INDEX idx1 ON c1 (t)", "CREATE INDEX idx1 ON c1 (t)"]})),
            create(json!({"name": "c1", "listRule": "(", "createRule": "@request.auth.id != ''"})),
            create(json!({"name": "c1", "type": "auth", "manageRule": "", "mfa": {"enabled": true, "duration": 1}, "otp": {"enabled": true, "duration": 0, "length": 0}, "authToken": {"duration": 1}})),
            create(json!({"name": "c1", "fields": "x"})),
            create(json!({"name": 5})),
            create(json!({"name": "c1", "type": 5})),
            create(json!([1])),
            create(json!({"name": "c1", "listRule": 5})),
            create(json!({"name": "c1", "otp": "x"})),
            create(json!({"name": "c1", "fields": [{"name": "t", "type": "nosuchtype"}]})),
            create(json!({"name": "c1", "fields": [{"name": "t", "type": "text", "max": "x"}]})),
            create(json!({"name": "c1", "fields": [{"name": "t"}]})),
            create(json!({"name": "c1", "fields": [{"name": "id", "type": "number"}]})),
            create(json!({"name": "c1", "id": "bad id!"})),
            create(json!({"name": "c1", "id": "pbc_3837704900"})),
            create(json!({"name": "c5", "fields": [{"name": "x", "type": "text", "primaryKey": true}]})),
            Step::get("/api/collections?fields=name").as_superuser().label("nothing was created by the failures"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn updating_collections_matches_pocketbase() {
    Scenario::new("update")
        .step(create(json!({"name": "p1", "fields": [{"name": "a", "type": "text"}, {"name": "n", "type": "number"}],
            "indexes": ["CREATE INDEX idx_p1_a ON p1 (a)"]})))
        .steps([
            patch("p1", json!({"name": "p1renamed"})),
            patch("p1renamed", json!({"fields": [{"name": "id", "type": "text"}, {"id": "text3904355907", "name": "a2", "type": "text"}, {"name": "b", "type": "bool"}], "indexes": ["CREATE INDEX idx_p1_a ON p1renamed (a2)"]})),
            patch("p1renamed", json!({"fields": [{"id": "text3904355907", "name": "a2", "type": "number"}]})),
            patch("p1renamed", json!({"type": "auth"})),
            patch("p1renamed", json!({"fields": []})),
            patch("p1renamed", json!({"fields": [{"name": "id", "type": "text", "max": 20}]})),
            patch("p1renamed", json!({"listRule": "", "viewRule": null})),
            patch("p1renamed", json!({"indexes": ["CREATE INDEX idx_gone ON p1renamed (nope)"]})),
            patch("_superusers", json!({"name": "su2"})),
            patch("_superusers", json!({"listRule": ""})),
            patch("_superusers", json!({"fields": []})),
            patch("_superusers", json!({"system": false})),
            patch("users", json!({"otp": {"enabled": true}})),
            patch("users", json!({"fields": [{"name": "email", "type": "text"}]})),
            patch("users", json!({"manageRule": ""})),
            patch("users", json!({"fields": [{"name": "id", "type": "text"}]})),
            patch("nope", json!({})),
            patch("users", json!({"name": 5})),
            Step::get("/api/collections/p1renamed").as_superuser(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_and_truncating_matches_pocketbase() {
    Scenario::new("delete")
        .step(create(json!({"name": "tags", "fields": [{"name": "name", "type": "text"}]})))
        .step(create(json!({"name": "posts", "fields": [{"name": "tags", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 5}]})))
        .step(create(json!({"name": "other"})))
        .steps([
            delete("/api/collections/tags"),
            delete("/api/collections/_superusers"),
            delete("/api/collections/_mfas"),
            delete("/api/collections/nope"),
            delete("/api/collections/other/truncate"),
            delete("/api/collections/nope/truncate"),
            delete("/api/collections/other"),
            delete("/api/collections/posts"),
            delete("/api/collections/tags"),
            Step::get("/api/collections?fields=name").as_superuser(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_collections_matches_pocketbase() {
    let import = |body: Value| {
        Step::new(reqwest::Method::PUT, "/api/collections/import").json(body).as_superuser()
    };
    Scenario::new("import")
        .steps([
            import(json!({"collections": []})),
            import(json!({})),
            // PocketBase prints the field's keys in random (Go map) order.
            import(json!({"collections": [{"name": "imported", "type": "base", "fields": [{"name": "title", "type": "nope"}]}]}))
                .mask("/data/collections/message"),
            import(json!({"collections": [
                {"name": "posts2", "type": "base", "fields": [{"name": "tag", "type": "relation", "collectionId": "pbc_99", "maxSelect": 1}]},
                {"id": "pbc_99", "name": "tags2", "type": "base", "fields": [{"name": "name", "type": "text"}]}]})),
            Step::get("/api/collections/posts2?fields=name,fields").as_superuser(),
            import(json!({"collections": [{"name": "posts2", "fields": [{"name": "title", "type": "text"}]}]})),
            Step::get("/api/collections/posts2?fields=fields").as_superuser(),
            import(json!({"collections": [{"name": "bad name"}]})),
            import(json!({"collections": [{"name": "only"}], "deleteMissing": true})),
            Step::get("/api/collections?fields=name").as_superuser(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scaffolds_and_list_match_pocketbase() {
    Scenario::new("scaffolds and list")
        .step(Step::get("/api/collections/meta/scaffolds").as_superuser().mask("/auth/indexes"))
        .step(create(json!({"name": "zeta"})))
        .step(create(json!({"name": "alpha"})))
        .steps([
            Step::get("/api/collections?fields=name").as_superuser(),
            Step::get("/api/collections?perPage=2&page=2&fields=name").as_superuser(),
            Step::get("/api/collections?skipTotal=1&fields=name&perPage=1").as_superuser(),
            Step::get("/api/collections?sort=-name&fields=name").as_superuser(),
            Step::get("/api/collections?sort=type,-name&fields=name,type").as_superuser(),
            Step::get("/api/collections?sort=nope").as_superuser(),
            Step::get("/api/collections?page=abc").as_superuser(),
            Step::get("/api/collections?perPage=5000&page=0&fields=name").as_superuser(),
        ])
        .run()
        .await;
}
