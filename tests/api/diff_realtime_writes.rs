//! Differential scenarios: realtime events of writes with side effects. An update of the bound
//! auth record refreshes the client's auth, a token key change (password, email), a delete or
//! a rotated collection secret unsets it; deletes send events for cascaded records and update
//! events for cleared relations, and nothing when the delete fails; batches send only after
//! the commit and nothing when rolled back. See `../shared/spec/realtime.md` §3 and §5.

use serde_json::{Value, json};
use wasmbase_tests::{Scenario, Step};

use crate::diff_realtime::{alice_and_bob, create, create_collection, delete, patch, public};

fn rule_collection(name: &str, rule: &str) -> Step {
    create_collection(json!({"name": name, "fields": [{"name": "name", "type": "text"}],
        "listRule": rule, "viewRule": rule}))
}

#[tokio::test(flavor = "multi_thread")]
async fn bound_auth_follows_the_auth_record_like_pocketbase() {
    let login = "/api/collections/users/auth-with-password";
    alice_and_bob("realtime auth maintenance")
        .step(rule_collection("vip", "@request.auth.name = 'VIP'"))
        .steps([
            Step::connect("a").as_user("alice"),
            Step::connect("b").as_user("bob"),
            Step::subscribe("a", &["vip/*", "users/{{alice}}"]).expect(204),
            Step::subscribe("b", &["vip/*", "users/{{bob}}"]).expect(204),
            create("vip", json!({"name": "1"})).as_superuser(),
            Step::events().label("nobody is VIP yet"),
            patch("users", "{{alice}}", json!({"name": "VIP"})).as_superuser(),
            Step::events().label("alice's own record"),
            create("vip", json!({"name": "2"})).as_superuser(),
            Step::events().label("the bound auth record was refreshed"),
            Step::subscribe("a", &["vip/*", "users/{{alice}}"]).label("still bound to alice"),
            patch(
                "users",
                "{{alice}}",
                json!({"password": "alicepass2", "passwordConfirm": "alicepass2"}),
            )
            .as_superuser(),
            Step::events().label("password change"),
            create("vip", json!({"name": "3"})).as_superuser(),
            Step::events().label("a token key change unset the auth"),
            Step::subscribe("a", &["vip/*", "users/{{alice}}"]).as_guest().label("now a guest"),
            Step::post(login, json!({"identity": "alice@example.com", "password": "alicepass2"}))
                .status_only()
                .expect(200)
                .save("alice_token", "/token"),
            Step::subscribe("a", &["vip/*", "users/{{alice}}"]).auth_header("{{alice_token}}"),
            create("vip", json!({"name": "4"})).as_superuser(),
            Step::events().label("authenticated again"),
            patch("users", "{{bob}}", json!({"name": "VIP"})).as_superuser(),
            Step::events().label("bob's own record"),
            delete("users", "{{bob}}").as_superuser(),
            Step::events().label("bob deleted while subscribed to himself"),
            create("vip", json!({"name": "6"})).as_superuser(),
            Step::events().label("the deleted auth record is unbound"),
            Step::subscribe("b", &["vip/*"]).as_guest().label("guest after the delete"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn email_change_unbinds_the_auth_like_pocketbase() {
    alice_and_bob("realtime email change")
        .step(rule_collection("vip", "@request.auth.id != ''"))
        .steps([
            Step::post(
                "/api/collections/users/auth-with-password",
                json!({"identity": "alice@example.com", "password": "alicepass1"}),
            )
            .status_only()
            .save("old_token", "/token"),
            Step::connect("a").as_user("alice"),
            Step::subscribe("a", &["vip/*", "users/{{alice}}"]).expect(204),
            patch("users", "{{alice}}", json!({"email": "alice2@example.com"})).as_superuser(),
            create("vip", json!({"name": "1"})).as_superuser(),
            Step::events().label("an email change unsets the auth"),
            Step::subscribe("a", &[]).as_guest().label("guest after the email change"),
            Step::post("/api/collections/users/auth-refresh", json!({}))
                .auth_header("{{old_token}}")
                .label("the old token is dead"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rotated_auth_secret_unbinds_clients_like_pocketbase() {
    alice_and_bob("realtime secret rotation")
        .step(rule_collection("vip", "@request.auth.id != ''"))
        .steps([
            Step::connect("a").as_user("alice"),
            Step::subscribe("a", &["vip/*"]).expect(204),
            create("vip", json!({"name": "1"})).as_superuser(),
            Step::events().label("bound"),
            Step::new(reqwest::Method::PATCH, "/api/collections/users")
                .json(json!({"authToken": {"secret": "a-brand-new-secret-of-more-than-30-chars"}}))
                .as_superuser()
                .status_only()
                .expect(200),
            create("vip", json!({"name": "2"})).as_superuser(),
            Step::events().label("unbound by the rotation"),
            Step::subscribe("a", &["vip/*"]).as_guest().label("guest after the rotation"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleted_auth_collection_unbinds_clients_like_pocketbase() {
    let members = "/api/collections/members/records";
    Scenario::new("realtime auth collection delete")
        .step(create_collection(json!({"name": "members", "type": "auth", "listRule": ""})))
        .step(rule_collection("vip", "@request.auth.id != ''"))
        .steps([
            Step::post(
                members,
                json!({"email": "m@example.com", "password": "memberpass1",
                "passwordConfirm": "memberpass1"}),
            )
            .as_superuser()
            .status_only()
            .expect(200),
            Step::post(
                "/api/collections/members/auth-with-password",
                json!({"identity": "m@example.com", "password": "memberpass1"}),
            )
            .status_only()
            .expect(200)
            .save("member", "/token"),
            Step::connect("m"),
            Step::subscribe("m", &["vip/*"]).auth_header("{{member}}").expect(204),
            create("vip", json!({"name": "1"})).as_superuser(),
            Step::events().label("bound to the member"),
            Step::new(reqwest::Method::DELETE, "/api/collections/members")
                .as_superuser()
                .status_only()
                .expect(204),
            create("vip", json!({"name": "2"})).as_superuser(),
            Step::events().label("unbound with the collection"),
            Step::subscribe("m", &["vip/*"]).as_guest().label("guest after the delete"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_events_match_pocketbase() {
    deletes("realtime deletes", "").run().await;
}

// TODO(#6): wasmbase checks delete events after the commit, so a cascaded record whose rule
// hops to the deleted parent (`post.published = true`) is refused; PocketBase computes delete
// messages before the delete (outside its transaction) and delivers them.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "TODO(#6): cascaded delete events are checked after the parent is gone"]
async fn cascade_delete_events_see_the_parent_like_pocketbase() {
    deletes("realtime cascade rules", "post.published = true").run().await;
}

/// Posts with comments (cascade), likes (cleared relations) and pins (blocking relation);
/// `comments_rule` is the comments' list rule.
fn deletes(name: &str, comments_rule: &str) -> Scenario {
    let relation = |name: &str, extra: Value| {
        let mut field = json!({"name": name, "type": "relation", "collectionId": "{{posts_id}}", "maxSelect": 1});
        if let (Value::Object(field), Value::Object(extra)) = (&mut field, extra) {
            field.extend(extra);
        }
        field
    };
    let posts = json!([{"name": "title", "type": "text"}, {"name": "published", "type": "bool"}]);
    Scenario::new(name)
        .step(create_collection(public("posts", &posts)).save("posts_id", "/id"))
        .step(create_collection(json!({"name": "comments", "fields": [
                relation("post", json!({"required": true, "cascadeDelete": true})),
                {"name": "message", "type": "text"}],
            "listRule": comments_rule, "viewRule": "", "createRule": "", "deleteRule": ""})))
        .step(create_collection(public(
            "likes",
            &json!([relation("post", json!({})), relation("many", json!({"maxSelect": 5}))]),
        )))
        .step(create_collection(public(
            "pins",
            &json!([relation("post", json!({"required": true}))]),
        )))
        .steps([
            create("posts", json!({"id": "post00000000001", "title": "one", "published": true})),
            create("posts", json!({"id": "post00000000002", "title": "two", "published": true})),
            create("posts", json!({"id": "post00000000003", "title": "draft"})),
            create(
                "comments",
                json!({"id": "comment00000001", "post": "post00000000001", "message": "a"}),
            ),
            create(
                "comments",
                json!({"id": "comment00000002", "post": "post00000000001", "message": "b"}),
            ),
            create(
                "comments",
                json!({"id": "comment00000003", "post": "post00000000003", "message": "c"}),
            ),
            create("likes", json!({"id": "like00000000001", "post": "post00000000001"})),
            create(
                "likes",
                json!({"id": "like00000000002", "many": ["post00000000001", "post00000000002"]}),
            ),
            create("pins", json!({"id": "pin000000000001", "post": "post00000000002"})),
            Step::connect("guest"),
            Step::connect("root").as_superuser(),
            Step::subscribe(
                "guest",
                &["posts/*", "comments/*", "comments/comment00000001", "likes/*", "pins/*"],
            ),
            Step::subscribe("root", &["comments/*", "likes/like00000000002"]),
            delete("posts", "post00000000001"),
            Step::events().label("cascade and relation clearing"),
            delete("posts", "post00000000002"),
            Step::events().label("a delete blocked by a required relation sends nothing"),
            delete("pins", "pin000000000001"),
            delete("posts", "post00000000002"),
            Step::events().label("delete after unpinning"),
            delete("posts", "post00000000002"),
            Step::events().label("deleting a missing record sends nothing"),
            delete("posts", "post00000000003"),
            Step::events().label("cascade of an unpublished post"),
        ])
}

const ITEMS: &str = "/api/collections/items/records";
const LOGS: &str = "/api/collections/logs/records";

fn batch(requests: &Value) -> Step {
    Step::post("/api/batch", json!({"requests": requests}))
}

/// Batches on, `items` (list rule `n > 0`) and `logs` (`name` at most 5 characters); `guest`
/// subscribed to both, `root` (superuser) to `items`.
fn batch_scenario(name: &str) -> Scenario {
    Scenario::new(name)
        .step(
            Step::new(reqwest::Method::PATCH, "/api/settings")
                .json(json!({"batch": {"enabled": true, "maxRequests": 10, "timeout": 3}}))
                .as_superuser()
                .status_only()
                .expect(200),
        )
        .step(create_collection(json!({"name": "items", "fields": [{"name": "n", "type": "number"}],
            "listRule": "n > 0", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})))
        .step(create_collection(public("logs", &json!([{"name": "name", "type": "text", "max": 5}]))))
        .steps([
            Step::connect("guest"),
            Step::connect("root").as_superuser(),
            Step::subscribe("guest", &["items/*", "logs/*"]),
            Step::subscribe("root", &["items/*"]),
        ])
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_events_match_pocketbase() {
    batch_scenario("realtime batch")
        .steps([
            batch(&json!([
                {"method": "POST", "url": ITEMS, "body": {"id": "item00000000001", "n": 1}},
                {"method": "POST", "url": ITEMS, "body": {"id": "item00000000002", "n": 0}},
                {"method": "PATCH", "url": format!("{ITEMS}/item00000000001"), "body": {"n": 3}},
                {"method": "PUT", "url": ITEMS, "body": {"id": "item00000000003", "n": 4}},
                {"method": "POST", "url": LOGS, "body": {"id": "log000000000001", "name": "a"}}]))
            .expect(200),
            Step::events().label("after the commit"),
            batch(&json!([
                {"method": "POST", "url": LOGS, "body": {"id": "log000000000002", "name": "b"}},
                {"method": "DELETE", "url": format!("{ITEMS}/item00000000001")},
                {"method": "PATCH", "url": format!("{ITEMS}/nope"), "body": {"n": 2}}])),
            Step::events().label("a rolled-back batch sends nothing"),
            batch(&json!([
                {"method": "DELETE", "url": format!("{ITEMS}/item00000000001")},
                {"method": "POST", "url": LOGS, "body": {"name": "toolong"}}])),
            Step::events().label("a failed item rolls back the delete"),
            Step::get(&format!("{ITEMS}/item00000000001")).status_only().expect(200),
            batch(&json!([
                {"method": "DELETE", "url": format!("{ITEMS}/item00000000001")},
                {"method": "DELETE", "url": format!("{ITEMS}/item00000000002")}]))
            .expect(200),
            Step::events().label("deletes"),
        ])
        .run()
        .await;
}

// TODO(#6): wasmbase checks a rule expression against the values each event carries;
// PocketBase checks it against the row as stored when it dispatches (after the commit for
// create/update, before the transaction for delete). A record created and changed (or
// deleted) in one batch therefore reaches guests in wasmbase but not in PocketBase.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "TODO(#6): realtime rules are checked against event values, not the stored row"]
async fn batch_rules_see_the_stored_rows_like_pocketbase() {
    batch_scenario("realtime batch rules")
        .steps([
            batch(&json!([
                {"method": "POST", "url": ITEMS, "body": {"id": "item00000000001", "n": 1}},
                {"method": "POST", "url": ITEMS, "body": {"id": "item00000000002", "n": 2}},
                {"method": "DELETE", "url": format!("{ITEMS}/item00000000002")}]))
            .expect(200),
            Step::events().label("created and deleted in one batch"),
            batch(&json!([
                {"method": "POST", "url": ITEMS, "body": {"id": "item00000000003", "n": 1}},
                {"method": "PATCH", "url": format!("{ITEMS}/item00000000003"), "body": {"n": -1}}]))
            .expect(200),
            Step::events().label("created, then changed to fail the rule"),
        ])
        .run()
        .await;
}
