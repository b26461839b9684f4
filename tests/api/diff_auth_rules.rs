//! Differential scenarios: rules outside the records CRUD endpoints — the auth rule on
//! password auth and refresh (and the manage rule), and protected file downloads governed by
//! the record's view rule (`@request.context = "protectedFile"`).
//! See `../shared/spec/filters-and-rules.md` §8.

use serde_json::json;
use wasmbase_tests::client::Part;
use wasmbase_tests::{Scenario, Step};

use crate::blog::{
    self, ALICE, BOB, CAROL, Who, collection, list, login, patch_collection, update, view,
};

const NOTES: &[u8] = b"hello notes\n";

/// `POST /api/collections/users/auth-refresh` with the token saved as `{{name}}`.
fn refresh(name: &str, query: &str) -> Step {
    Step::new(reqwest::Method::POST, &format!("/api/collections/users/auth-refresh{query}"))
        .auth_header(&format!("{{{{{name}}}}}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_rule_matches_pocketbase() {
    let login_path = "/api/collections/users/auth-with-password";
    let bob_login = json!({"identity": "bob@example.com", "password": "bobpass123"});
    let alice_login = json!({"identity": "alice@example.com", "password": "alicepass1"});
    // Changing a collection's auth rule invalidates its tokens in PocketBase, so every rule
    // change is followed by fresh logins.
    Scenario::new("auth rule")
        .steps(blog::fixture())
        .steps([
            patch_collection("users", json!({"authRule": "verified = true"})),
            Step::post(login_path, bob_login.clone()).label("unverified bob"),
            Step::post(
                &format!("{login_path}?fields=record.id,record.verified"),
                alice_login.clone(),
            ),
            refresh("bob", "").label("token from before the rule change"),
            patch_collection("users", json!({"authRule": "verified = true || name = 'Bob'"})),
            login("alice", "alicepass1"),
            login("bob", "bobpass123"),
            refresh("bob", "?fields=record.name"),
            update("users", BOB, json!({"name": "Bobby"})).as_superuser().expect(200),
            refresh("bob", "").label("refresh checks the auth rule again"),
            refresh("alice", "?fields=record.name"),
            Who::Bob.apply(list("posts", "fields=id")).label("the token still authenticates"),
            Step::post(login_path, bob_login.clone()).label("bob renamed"),
            Step::post(
                &format!("{login_path}?fields=record.id"),
                json!({"identity": "carol@example.com", "password": "carolpass1"}),
            ),
            patch_collection(
                "users",
                json!({"authRule": "@request.context = 'password' && @request.method = 'POST'"}),
            ),
            Step::post(&format!("{login_path}?fields=token,record.id"), alice_login.clone())
                .save("alice", "/token"),
            refresh("alice", "").label("refresh is not the password context"),
            patch_collection("users", json!({"authRule": null})),
            Step::post(login_path, alice_login.clone()).label("null auth rule"),
            patch_collection(
                "users",
                json!({"authRule": "", "manageRule": "@request.auth.name = 'Alice'"}),
            ),
            Step::post(&format!("{login_path}?fields=record.id"), bob_login)
                .label("empty auth rule"),
            login("alice", "alicepass1"),
            login("bob", "bobpass123"),
            Who::Alice.apply(update("users", BOB, json!({"name": "Managed", "verified": true}))),
            Who::Bob.apply(update("users", ALICE, json!({"name": "Nope"}))),
            Who::Alice.apply(view("users", CAROL, "")).label("manager sees the email"),
            Who::Alice.apply(list("users", "fields=id,email&sort=email")),
            Who::Bob.apply(list("users", "fields=id,email")),
        ])
        .run()
        .await;
}

fn vault_collections() -> Vec<Step> {
    vec![
        collection(json!({"name": "vault", "fields": [
            {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "doc", "type": "file", "maxSelect": 1, "protected": true}],
            "listRule": "owner = @request.auth.id", "viewRule": "owner = @request.auth.id",
            "createRule": null})),
        collection(json!({"name": "drop", "fields": [
            {"name": "doc", "type": "file", "maxSelect": 1, "protected": true}],
            "listRule": "", "viewRule": "@request.context = 'protectedFile' && @request.auth.verified = true"})),
    ]
}

fn upload(collection: &str, owner: Option<&str>) -> Step {
    let mut parts = vec![Part::file("doc", "notes.txt", "text/plain", NOTES)];
    if let Some(owner) = owner {
        parts.push(Part::text("owner", owner));
    }
    Step::new(reqwest::Method::POST, &format!("/api/collections/{collection}/records"))
        .multipart(parts)
        .as_superuser()
        .mask("/doc")
        .expect(200)
}

fn file_token(who: Who, name: &str) -> Step {
    who.apply(Step::new(reqwest::Method::POST, "/api/files/token"))
        .status_only()
        .expect(200)
        .save(name, "/token")
}

#[tokio::test(flavor = "multi_thread")]
async fn protected_files_follow_the_view_rule_like_pocketbase() {
    let file = "/api/files/vault/{{rec}}/{{doc}}";
    let dropped = "/api/files/drop/{{drop}}/{{dropdoc}}";
    Scenario::new("protected files and rules")
        .steps(blog::fixture())
        .steps(vault_collections())
        .steps([
            upload("vault", Some(ALICE)).save("rec", "/id").save("doc", "/doc"),
            upload("drop", None).save("drop", "/id").save("dropdoc", "/doc"),
            file_token(Who::Alice, "alicefile"),
            file_token(Who::Bob, "bobfile"),
            file_token(Who::Carol, "carolfile"),
            file_token(Who::Superuser, "sufile"),
        ])
        .steps([
            Step::get(file).label("no token"),
            Step::get(&format!("{file}?token={{{{alicefile}}}}"))
                .status_only()
                .check_header("content-type"),
            Step::get(&format!("{file}?token={{{{bobfile}}}}")),
            Step::get(&format!("{file}?token={{{{sufile}}}}")).status_only(),
            Step::get(&format!("{file}?token={{{{alice}}}}"))
                .label("auth token is not a file token"),
            Who::Alice.apply(Step::get(file)).label("Authorization header is not a file token"),
            Who::Alice.apply(view("vault", "{{rec}}", "?fields=id")),
            Who::Bob.apply(view("vault", "{{rec}}", "?fields=id")),
            Step::get(&format!("{dropped}?token={{{{alicefile}}}}")).status_only(),
            Step::get(&format!("{dropped}?token={{{{bobfile}}}}")).label("unverified"),
            Step::get(dropped).label("guest"),
            Who::Alice.apply(view("drop", "{{drop}}", "?fields=id")).label("not the file context"),
        ])
        .run()
        .await;
}
