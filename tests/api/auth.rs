//! wasmbase-only auth behaviour that needs server internals to set up: token invalidation,
//! expiry, auth rules, disabled password auth, non-refreshable tokens.

use std::sync::Arc;

use serde_json::json;
use wasmbase::auth::TokenType;
use wasmbase::model::Collection;
use wasmbase::records::{superusers, tokens};
use wasmbase::store;
use wasmbase_tests::{Client, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, TestServer};

async fn update_collection(server: &TestServer, name: &str, change: impl FnOnce(&mut Collection)) {
    let app = server.app();
    let mut collection = (*app.find_collection(name).unwrap()).clone();
    change(&mut collection);
    app.data().write(move |tx| store::collections::update(tx, &collection)).await.unwrap();
    app.reload_collections().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn password_change_invalidates_existing_tokens() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.url());
    let token = client.login("_superusers", SUPERUSER_EMAIL, SUPERUSER_PASSWORD).await.unwrap();
    assert_eq!(client.get_as("/api/settings", &token).await.unwrap().status, 200);
    superusers::update_password(server.app(), SUPERUSER_EMAIL, "anotherpass1").await.unwrap();
    let after = client.get_as("/api/settings", &token).await.unwrap();
    assert_eq!(after.status, 401, "{}", after.text());
    let fresh = client.login("_superusers", SUPERUSER_EMAIL, "anotherpass1").await.unwrap();
    assert_eq!(client.get_as("/api/settings", &fresh).await.unwrap().status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_and_foreign_tokens_are_guests() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.url());
    let app = server.app();
    let collection = app.find_collection("_superusers").unwrap();
    let c = collection.clone();
    let record = app
        .data()
        .read(move |conn| store::records::find_first_by(conn, &c, "email", SUPERUSER_EMAIL))
        .await
        .unwrap()
        .unwrap();
    let expired = tokens::issue(&collection, &record, TokenType::Auth, true, Some(-5)).unwrap();
    assert_eq!(client.get_as("/api/settings", &expired).await.unwrap().status, 401);
    let file_token = tokens::issue(&collection, &record, TokenType::File, false, None).unwrap();
    assert_eq!(
        client.get_as("/api/settings", &file_token).await.unwrap().status,
        401,
        "file tokens are not auth tokens"
    );
    let valid = tokens::issue(&collection, &record, TokenType::Auth, true, None).unwrap();
    assert_eq!(client.get_as("/api/settings", &valid).await.unwrap().status, 200);
    let tampered = format!("{}x", &valid[..valid.len() - 1]);
    assert_eq!(client.get_as("/api/settings", &tampered).await.unwrap().status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn non_refreshable_tokens_are_returned_unchanged() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.url());
    let app = server.app();
    let collection: Arc<Collection> = app.find_collection("_superusers").unwrap();
    let c = collection.clone();
    let record = app
        .data()
        .read(move |conn| store::records::find_first_by(conn, &c, "email", SUPERUSER_EMAIL))
        .await
        .unwrap()
        .unwrap();
    let fixed = tokens::issue(&collection, &record, TokenType::Auth, false, Some(3600)).unwrap();
    let refreshed = client
        .send(
            reqwest::Method::POST,
            "/api/collections/_superusers/auth-refresh",
            &[("authorization".into(), fixed.clone())],
            &wasmbase_tests::client::Body::None,
        )
        .await
        .unwrap();
    assert_eq!(refreshed.status, 200);
    assert_eq!(refreshed.json()["token"], json!(fixed));
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_rule_and_password_auth_switches_are_enforced() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.url());
    server
        .create_auth_record("users", json!({"email": "bob@example.com"}), "bobpass123")
        .await
        .unwrap();
    let login = || {
        client.post_json(
            "/api/collections/users/auth-with-password",
            json!({"identity": "bob@example.com", "password": "bobpass123"}),
        )
    };
    let token = client.login("users", "bob@example.com", "bobpass123").await.unwrap();

    update_collection(&server, "users", |c| c.auth.as_mut().unwrap().auth_rule = None).await;
    let denied = login().await.unwrap();
    assert_eq!(denied.status, 403);
    assert_eq!(
        denied.json()["message"],
        "The request doesn't satisfy the collection requirements to authenticate."
    );
    let refresh = client
        .send(
            reqwest::Method::POST,
            "/api/collections/users/auth-refresh",
            &[("authorization".into(), token)],
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(refresh.status, 403, "refresh re-checks the auth rule");

    update_collection(&server, "users", |c| {
        let auth = c.auth.as_mut().unwrap();
        auth.auth_rule = Some(String::new());
        auth.password_auth.enabled = false;
    })
    .await;
    let disabled = login().await.unwrap();
    assert_eq!(disabled.status, 403);
    let methods = client.get("/api/collections/users/auth-methods").await.unwrap().json();
    assert_eq!(methods["password"]["enabled"], json!(false));
    assert_eq!(methods["emailPassword"], json!(false));
}

#[tokio::test(flavor = "multi_thread")]
async fn superuser_records_are_verified_and_never_expose_secrets() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.url());
    let response = client
        .post_json(
            "/api/collections/_superusers/auth-with-password",
            json!({"identity": SUPERUSER_EMAIL, "password": SUPERUSER_PASSWORD}),
        )
        .await
        .unwrap();
    let record = &response.json()["record"];
    assert_eq!(record["verified"], json!(true));
    assert!(record.get("password").is_none());
    assert!(record.get("tokenKey").is_none());
    assert_eq!(record["email"], json!(SUPERUSER_EMAIL));
}
