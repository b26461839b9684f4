//! Differential scenarios: password auth, refresh, auth methods, the Authorization header.

use serde_json::json;
use wasmbase_tests::{Scenario, Step};

const SU_LOGIN: &str = "/api/collections/_superusers/auth-with-password";
const USER_LOGIN: &str = "/api/collections/users/auth-with-password";

fn alice() -> Scenario {
    Scenario::new("auth").user("alice", "alice@example.com", "alicepass1", json!({"name": "Alice"}))
}

#[tokio::test(flavor = "multi_thread")]
async fn password_auth_matches_pocketbase() {
    alice()
        .steps([
            Step::post(SU_LOGIN, json!({"identity": "admin@example.com", "password": "pass123456"})),
            Step::post(USER_LOGIN, json!({"identity": "alice@example.com", "password": "alicepass1"})),
            Step::post(USER_LOGIN, json!({"identity": "alice@example.com", "password": "wrong"})),
            Step::post(USER_LOGIN, json!({"identity": "nobody@example.com", "password": "alicepass1"})),
            Step::post(USER_LOGIN, json!({"identity": "ALICE@EXAMPLE.COM", "password": "alicepass1"}))
                .label("email login is case-sensitive"),
            Step::post(USER_LOGIN, json!({})),
            Step::post(USER_LOGIN, json!({"identity": "alice@example.com"})),
            Step::post(USER_LOGIN, json!([])),
            Step::post(USER_LOGIN, json!({"identity": 5, "password": true})),
            Step::post(USER_LOGIN, json!({"identity": "alice@example.com", "password": "alicepass1", "identityField": "name"})),
            Step::post(USER_LOGIN, json!({"identity": "alice@example.com", "password": "alicepass1", "identityField": "email"})),
            Step::post(USER_LOGIN, json!({"Identity": "alice@example.com", "PASSWORD": "alicepass1"}))
                .label("keys bind case-insensitively"),
            Step::post(USER_LOGIN, json!({"identity": "notanemail", "password": "alicepass1"})),
            Step::new(reqwest::Method::POST, USER_LOGIN)
                .raw(Some("application/x-www-form-urlencoded"), "identity=alice%40example.com&password=alicepass1")
                .label("url-encoded form"),
            Step::new(reqwest::Method::POST, USER_LOGIN)
                .raw(Some("application/json"), "{\"identity\":")
                .label("truncated JSON"),
            Step::new(reqwest::Method::POST, USER_LOGIN).label("no body"),
            Step::post("/api/collections/USERS/auth-with-password", json!({"identity": "alice@example.com", "password": "alicepass1"}))
                .label("collection name is case-insensitive"),
            Step::post("/api/collections/_pb_users_auth_/auth-with-password", json!({"identity": "alice@example.com", "password": "alicepass1"}))
                .label("collection by id"),
            Step::post("/api/collections/nope/auth-with-password", json!({})),
            Step::post("/api/collections/_mfas/auth-with-password", json!({})),
            Step::post(&format!("{USER_LOGIN}?fields=token"), json!({"identity": "alice@example.com", "password": "alicepass1"})),
            Step::post(&format!("{USER_LOGIN}?fields=record.email,record.name"), json!({"identity": "alice@example.com", "password": "alicepass1"})),
            Step::post(&format!("{USER_LOGIN}?fields=record.id&expand=nope"), json!({"identity": "alice@example.com", "password": "alicepass1"})),
            Step::post(&format!("{USER_LOGIN}?fields=record.name:excerpt(2,true)"), json!({"identity": "alice@example.com", "password": "alicepass1"})),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_and_authorization_header_match_pocketbase() {
    let refresh = "/api/collections/users/auth-refresh";
    alice()
        .step(
            Step::post(
                USER_LOGIN,
                json!({"identity": "alice@example.com", "password": "alicepass1"}),
            )
            .save("alice", "/token"),
        )
        .step(
            Step::post(
                SU_LOGIN,
                json!({"identity": "admin@example.com", "password": "pass123456"}),
            )
            .save("su", "/token"),
        )
        .steps([
            Step::new(reqwest::Method::POST, refresh).label("no token"),
            Step::new(reqwest::Method::POST, refresh).auth_header("garbage"),
            Step::new(reqwest::Method::POST, refresh).auth_header("a.b.c"),
            Step::new(reqwest::Method::POST, refresh).auth_header("{{alice}}"),
            Step::new(reqwest::Method::POST, refresh).auth_header("Bearer {{alice}}"),
            Step::new(reqwest::Method::POST, refresh).auth_header("bearer {{alice}}"),
            Step::new(reqwest::Method::POST, refresh).auth_header("BEARER   {{alice}}"),
            Step::new(reqwest::Method::POST, refresh)
                .auth_header("{{su}}")
                .label("superuser token on users"),
            Step::new(reqwest::Method::POST, "/api/collections/_superusers/auth-refresh")
                .auth_header("{{alice}}")
                .label("user token on superusers"),
            Step::new(reqwest::Method::POST, "/api/collections/_superusers/auth-refresh")
                .auth_header("{{su}}"),
            Step::new(reqwest::Method::POST, "/api/collections/_mfas/auth-refresh")
                .auth_header("{{su}}"),
            Step::new(reqwest::Method::POST, "/api/collections/nope/auth-refresh")
                .auth_header("{{su}}"),
            Step::new(reqwest::Method::POST, "/api/collections/nope/auth-refresh"),
            Step::new(reqwest::Method::POST, &format!("{refresh}?fields=record.id,record.email"))
                .auth_header("{{alice}}"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_methods_match_pocketbase() {
    Scenario::new("auth methods")
        .steps([
            Step::get("/api/collections/users/auth-methods"),
            Step::get("/api/collections/_superusers/auth-methods"),
            Step::get("/api/collections/pbc_3142635823/auth-methods"),
            Step::get("/api/collections/_mfas/auth-methods"),
            Step::get("/api/collections/nope/auth-methods"),
            Step::get("/api/collections/users/auth-methods?fields=password"),
            Step::new(reqwest::Method::HEAD, "/api/collections/users/auth-methods"),
        ])
        .run()
        .await;
}
