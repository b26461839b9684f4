//! Differential scenarios: realtime (`/api/realtime`). The stream's headers and `PB_CONNECT`
//! frame; who receives which record event under list and view rules (the captured tables of
//! `../shared/spec/realtime.md` §3–§5); subscription options (`filter`, `fields`, `expand`,
//! `query`, `headers`); topic forms; and every subscription error. Writes that change auth,
//! delete in cascade or run in batches are in `diff_realtime_writes.rs`.

use serde_json::{Value, json};
use wasmbase_tests::realtime::with_options;
use wasmbase_tests::{Scenario, Step};

pub(crate) fn create_collection(body: Value) -> Step {
    Step::post("/api/collections", body).as_superuser().status_only().expect(200)
}

pub(crate) fn create(collection: &str, body: Value) -> Step {
    Step::post(&format!("/api/collections/{collection}/records"), body)
}

pub(crate) fn patch(collection: &str, id: &str, body: Value) -> Step {
    Step::new(reqwest::Method::PATCH, &format!("/api/collections/{collection}/records/{id}"))
        .json(body)
}

pub(crate) fn delete(collection: &str, id: &str) -> Step {
    Step::new(reqwest::Method::DELETE, &format!("/api/collections/{collection}/records/{id}"))
}

/// Logs the fixture user in and saves their record id as `{{name}}`.
pub(crate) fn login(name: &str, password: &str) -> Step {
    Step::post(
        "/api/collections/users/auth-with-password",
        json!({"identity": format!("{name}@example.com"), "password": password}),
    )
    .status_only()
    .expect(200)
    .save(name, "/record/id")
}

/// A collection whose rules are all `""`.
pub(crate) fn public(name: &str, fields: &Value) -> Value {
    json!({"name": name, "fields": fields, "listRule": "", "viewRule": "", "createRule": "",
        "updateRule": "", "deleteRule": ""})
}

/// `posts` as in the captures: list/view `published = true || author = @request.auth.id`.
pub(crate) fn posts() -> Step {
    let rule = "published = true || author = @request.auth.id";
    create_collection(json!({"name": "posts", "fields": [
            {"name": "title", "type": "text"},
            {"name": "views", "type": "number"},
            {"name": "published", "type": "bool"},
            {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "secret", "type": "text", "hidden": true}],
        "listRule": rule, "viewRule": rule,
        "createRule": "@request.auth.id != '' && author = @request.auth.id",
        "updateRule": "author = @request.auth.id", "deleteRule": null}))
}

pub(crate) fn alice_and_bob(name: &str) -> Scenario {
    Scenario::new(name)
        .user("alice", "alice@example.com", "alicepass1", json!({"name": "Alice"}))
        .user("bob", "bob@example.com", "bobpass123", json!({"name": "Bob"}))
        .steps([login("alice", "alicepass1"), login("bob", "bobpass123")])
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_stream_matches_pocketbase() {
    alice_and_bob("realtime connect")
        .steps([
            Step::connect("guest"),
            Step::connect("alice").as_user("alice"),
            Step::connect("header").header("authorization", "not-a-token"),
            Step::events(),
            Step::subscribe("guest", &[]).label("an empty set is accepted"),
            Step::subscribe("alice", &["posts/*"]).label("unknown collections are accepted"),
            Step::events(),
            Step::disconnect("guest"),
            Step::post(
                "/api/realtime",
                json!({"clientId": "{{client.guest}}", "subscriptions": []}),
            )
            .label("a closed client is forgotten"),
            Step::events(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn list_rule_fanout_matches_the_captured_table() {
    let fields = with_options("posts", &json!({"query": {"fields": "id,title,published"}}));
    alice_and_bob("realtime fanout")
        .step(posts())
        .steps([
            Step::connect("guest"),
            Step::connect("alice").as_user("alice"),
            Step::connect("bob").as_user("bob"),
            Step::subscribe("guest", &["posts/*", &fields]).expect(204),
            Step::subscribe("alice", &["posts/*", "users/{{alice}}"]).expect(204),
            Step::subscribe("bob", &["posts/*"]).expect(204),
            create("posts", json!({"title": "RT unpublished", "author": "{{alice}}"}))
                .as_user("alice")
                .save("post", "/id"),
            Step::events().label("create unpublished post"),
            patch("posts", "{{post}}", json!({"published": true})).as_user("alice"),
            Step::events().label("publish"),
            patch("users", "{{alice}}", json!({"name": "Alicia"})).as_user("alice"),
            Step::events().label("own user update, with email"),
            delete("posts", "{{post}}").as_superuser(),
            Step::events().label("delete by superuser"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn record_topics_filter_fields_and_expand_match_the_capture() {
    let filtered =
        with_options("posts/*", &json!({"query": {"filter": "views > 100", "fields": "id,views"}}));
    let expanded = with_options(
        "posts/{{public}}",
        &json!({"query": {"expand": "author", "fields": "id,expand.author.name"}}),
    );
    let root_expand = with_options("posts/{{public}}", &json!({"query": {"expand": "author"}}));
    let request_filter =
        with_options("posts/*", &json!({"query": {"filter": "@request.auth.id != ''"}}));
    let bad_filter = with_options("posts/*", &json!({"query": {"filter": "nope = 1"}}));
    alice_and_bob("realtime record topics")
        .step(posts())
        .steps([
            create("posts", json!({"title": "bob unpublished", "author": "{{bob}}"}))
                .as_user("bob")
                .save("hidden", "/id"),
            create("posts", json!({"title": "bob public", "author": "{{bob}}", "published": true}))
                .as_user("bob")
                .save("public", "/id"),
            Step::connect("alice").as_user("alice"),
            Step::connect("root").as_superuser(),
            Step::subscribe("alice", &["posts/{{hidden}}", &filtered, &expanded]).expect(204),
            Step::subscribe("root", &[&root_expand, &request_filter, "posts/{{hidden}}"])
                .expect(204),
            patch("posts", "{{hidden}}", json!({"views": 50})).as_user("bob"),
            Step::events().label("view rule fails for alice"),
            patch("posts", "{{public}}", json!({"views": 150})).as_user("bob"),
            Step::events().label("filter and expand"),
            patch("posts", "{{hidden}}", json!({"views": 200})).as_user("bob"),
            Step::events().label("the list rule fails even though the filter matches"),
            Step::subscribe("alice", &[&request_filter, &bad_filter, "posts/{{public}}"]),
            patch("posts", "{{public}}", json!({"views": 151})).as_user("bob"),
            Step::events().label("@request in a guest filter and an invalid filter drop the event"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn subscription_options_match_pocketbase() {
    let opt = |topic: &str, options: Value| with_options(topic, &options);
    let subscriptions = [
        opt("hdr/*", json!({"headers": {"X-Token": "abc"}})),
        opt("hdr", json!({"headers": {"xToken": "abc"}})),
        opt("hdr/*", json!({"headers": {"x_token": "nope"}})),
        "hdr/*".to_owned(),
        "ctx/*".to_owned(),
        opt("qry/*", json!({"query": {"k": "v"}})),
        opt("qry", json!({"query": {"k": "w"}})),
        opt("qry/*", json!({"query": {"n": 5}})),
        opt("qry/*", json!({"query": {"n": 5.0, "x": 1}})),
        opt("qry", json!({"query": {"b": true}})),
        opt("qry/*", json!({"query": {"k": ["v"]}})),
        "plain/*?options=%7Bbad".to_owned(),
        "plain?options=%5B1%5D".to_owned(),
        "plain/*?foo=bar".to_owned(),
        opt("plain/*", json!({"query": {"fields": ["id"]}})),
        opt("plain", json!({"query": {"fields": "name:excerpt(abc)"}})),
        opt("plain", json!({"query": {"fields": "name,nope", "expand": "nope"}})),
        "plain/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22name+%3D+%27a+b%27%22%7D%7D"
            .to_owned(),
        opt("plain/*", json!({"query": {"filter": "name = 'zzz'"}, "headers": "x"})),
        opt("plain/*", json!({"query": {"filter": " "}})),
        opt("plain", json!({"query": {"fields": " ", "expand": " "}})),
    ];
    let topics: Vec<&str> = subscriptions.iter().map(String::as_str).collect();
    let name = json!([{"name": "name", "type": "text"}]);
    let collection = |n: &str, rule: &str| {
        let mut body = public(n, &name);
        body["listRule"] = Value::from(rule);
        create_collection(body)
    };
    Scenario::new("realtime options")
        .steps([
            collection("hdr", "@request.headers.x_token = 'abc'"),
            collection("ctx", "@request.context = 'realtime' && @request.method = 'GET'"),
            collection(
                "qry",
                "@request.query.k = 'v' || @request.query.n = '5' || @request.query.b = 'true'",
            ),
            collection("plain", ""),
        ])
        .steps([
            Step::connect("guest"),
            Step::subscribe("guest", &topics).expect(204),
            create("hdr", json!({"name": "h"})),
            Step::events().label("headers"),
            create("ctx", json!({"name": "c"})),
            Step::events().label("context and method"),
            create("qry", json!({"name": "q"})),
            Step::events().label("query values"),
            create("plain", json!({"name": "a b"})),
            Step::events().label("bad options, fields, filter with + for spaces"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn topic_forms_match_pocketbase() {
    let tags = json!([{"name": "name", "type": "text"}]);
    Scenario::new("realtime topics")
        .step(create_collection(public("tags", &tags)).save("tags_id", "/id"))
        .steps([
            Step::connect("guest"),
            Step::connect("other"),
            Step::subscribe(
                "guest",
                &[
                    "tags",
                    "tags/*",
                    "{{tags_id}}/*",
                    "{{tags_id}}",
                    "Tags/*",
                    "TAGS",
                    "tags/",
                    "tags/*/",
                    "tags/tagrecord000001",
                    "{{tags_id}}/tagrecord000001",
                    "tags/tagrecord000001/x",
                    "tags/TAGRECORD000001",
                    "tags/*",
                    "",
                    "@oauth2",
                    "tags?x=1",
                    "tags/*#frag",
                ],
            )
            .expect(204),
            Step::subscribe("other", &["nope/*", "nope", "nope/tagrecord000001", "*", "/*"])
                .expect(204),
            create("tags", json!({"id": "tagrecord000001", "name": "a"})),
            Step::events().label("create"),
            create("tags", json!({"id": "tagrecord000002", "name": "b"})),
            Step::events().label("another record"),
            patch("tags", "tagrecord000001", json!({"name": "c"})),
            Step::events().label("update"),
            delete("tags", "tagrecord000001"),
            Step::events().label("delete"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn subscription_errors_match_pocketbase() {
    let post = |body: Value| Step::post("/api/realtime", body);
    let raw = |content_type: &str, body: &str| {
        Step::new(reqwest::Method::POST, "/api/realtime").raw(Some(content_type), body.to_owned())
    };
    let many: Vec<String> = (0..1001).map(|i| format!("tags/{i}")).collect();
    let long = format!("tags/{}", "x".repeat(2495));
    let tags = json!([{"name": "name", "type": "text"}]);
    alice_and_bob("realtime subscription errors")
        .step(create_collection(public("tags", &tags)))
        .steps([
            Step::connect("a").as_user("alice"),
            Step::connect("g"),
            Step::connect("s").as_superuser(),
            Step::subscribe("a", &["tags/*"]),
            Step::subscribe("a", &["tags"]).as_user("bob").label("auth A -> auth B"),
            Step::subscribe("a", &["tags"]).as_guest().label("auth -> guest"),
            Step::subscribe("a", &["tags"]).as_superuser().label("auth -> superuser"),
            Step::subscribe("g", &["tags"]),
            Step::subscribe("g", &["tags/*"]).as_user("bob").label("guest -> auth upgrade"),
            Step::subscribe("g", &["tags/*", "tags"]).as_user("bob").label("same auth"),
            Step::subscribe("g", &[]).as_guest().label("upgraded -> guest"),
            Step::subscribe("s", &["tags/*"]),
            Step::subscribe("s", &["tags/*"]).as_user("alice").label("superuser -> user"),
            post(json!({"clientId": "nope", "subscriptions": ["tags/*"]})),
            post(json!({"subscriptions": ["tags/*"]})),
            post(json!({"clientId": "", "subscriptions": []})),
            post(json!({"clientId": "x".repeat(255)})),
            post(json!({"clientId": "x".repeat(256)})),
            post(json!({"clientId": "x".repeat(256), "subscriptions": [long.clone() + "x"]})),
            post(json!({"clientId": "{{client.g}}", "subscriptions": many.clone()})),
            post(json!({"clientId": "{{client.g}}", "subscriptions": many[..1000].to_vec()})).as_user("bob"),
            post(json!({"clientId": "{{client.g}}", "subscriptions": ["a", long.clone() + "x", "b", long.clone() + "xy"]})).as_user("bob"),
            post(json!({"clientId": "{{client.g}}", "subscriptions": [long.clone()]})).as_user("bob"),
            post(json!({"clientId": 123, "subscriptions": []})),
            post(json!({"clientId": "{{client.g}}", "subscriptions": "tags/*"})).as_user("bob"),
            post(json!({"clientId": "{{client.g}}", "subscriptions": [1]})).as_user("bob"),
            post(json!({"clientId": "{{client.g}}", "subscriptions": null})).as_user("bob"),
            post(json!({"clientId": "{{client.g}}", "subscriptions": {"a": 1}})).as_user("bob"),
            post(json!({"clientId": ["{{client.g}}"]})),
            post(json!([1])),
            post(json!("x")),
            raw("application/json", "{\"clientId\":"),
            raw("text/plain", "clientId=x"),
            Step::new(reqwest::Method::POST, "/api/realtime").label("no body"),
            raw("application/x-www-form-urlencoded", "clientId={{client.a}}&subscriptions=tags/*&subscriptions=tags")
                .label("form, as the wrong user"),
            raw("application/x-www-form-urlencoded", "clientId={{client.g}}&subscriptions=tags/*&subscriptions=tags")
                .label("form with repeated keys"),
            post(json!({"ClientId": "{{client.g}}", "SUBSCRIPTIONS": ["tags"]})).label("key case"),
            create("tags", json!({"name": "after errors"})),
            Step::events().label("only the accepted sets count"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn subscriptions_from_another_ip_match_pocketbase() {
    let tags = json!([{"name": "name", "type": "text"}]);
    Scenario::new("realtime client ip")
        .step(create_collection(public("tags", &tags)))
        .steps([
            Step::new(reqwest::Method::PATCH, "/api/settings")
                .json(json!({"trustedProxy": {"headers": ["X-Real-IP"], "useLeftmostIP": false}}))
                .as_superuser()
                .status_only()
                .expect(200),
            Step::connect("g"),
            Step::connect("proxied").header("X-Real-IP", "10.1.2.3"),
            Step::subscribe("g", &["tags/*"]).header("X-Real-IP", "10.9.9.9"),
            Step::subscribe("g", &["tags/*"]).header("X-Real-IP", "127.0.0.1"),
            Step::subscribe("proxied", &["tags/*"]),
            Step::subscribe("proxied", &["tags"]).header("X-Real-IP", "10.1.2.3"),
            create("tags", json!({"name": "x"})),
            Step::events(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hidden_fields_and_email_visibility_match_pocketbase() {
    let users_rules = |manage: Value| {
        Step::new(reqwest::Method::PATCH, "/api/collections/users")
            .json(json!({"listRule": "", "viewRule": "", "manageRule": manage}))
            .as_superuser()
            .status_only()
            .expect(200)
    };
    alice_and_bob("realtime hidden fields and email")
        .user("carol", "carol@example.com", "carolpass1", json!({"emailVisibility": true}))
        .step(login("carol", "carolpass1"))
        .step(
            Step::post(
                "/api/collections/_superusers/auth-with-password",
                json!({"identity": "admin@example.com", "password": "pass123456"}),
            )
            .status_only()
            .save("root_id", "/record/id"),
        )
        .step(posts())
        .step(users_rules(Value::Null))
        .steps([
            Step::connect("guest"),
            Step::connect("alice").as_user("alice"),
            Step::connect("root").as_superuser(),
            Step::subscribe("guest", &["posts/*", "users/*"]),
            Step::subscribe("alice", &["posts/*", "users/*", "users/{{bob}}"]),
            Step::subscribe("root", &["posts/*", "users/*", "_superusers/*"]),
            create(
                "posts",
                json!({"title": "s", "secret": "shh", "published": true, "author": "{{alice}}"}),
            )
            .as_user("alice"),
            Step::events().label("hidden field only for the superuser"),
            patch("users", "{{bob}}", json!({"name": "Bobby"})).as_superuser(),
            Step::events().label("email hidden from others"),
            patch("users", "{{alice}}", json!({"name": "Al"})).as_superuser(),
            Step::events().label("email for the owner"),
            patch("users", "{{carol}}", json!({"name": "Caz"})).as_superuser(),
            Step::events().label("emailVisibility"),
            users_rules(Value::from("@request.auth.email = 'alice@example.com'")),
            patch("users", "{{bob}}", json!({"name": "Robert"})).as_superuser(),
            Step::events().label("manageRule shows the email"),
            Step::subscribe(
                "alice",
                &[&with_options("users/*", &json!({"query": {"fields": "email,name"}}))],
            ),
            Step::subscribe(
                "guest",
                &[&with_options("users/*", &json!({"query": {"fields": "email,name"}}))],
            ),
            patch("users", "{{bob}}", json!({"name": "Rob"})).as_superuser(),
            Step::events().label("fields picker after visibility"),
            patch("_superusers", "{{root_id}}", json!({})).as_superuser(),
            Step::events().label("superusers collection"),
        ])
        .run()
        .await;
}
