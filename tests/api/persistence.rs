//! Data survives restarts, and a `pb_data` written by PocketBase itself opens in wasmbase with
//! its bcrypt password hashes still working.

use std::process::Command;

use serde_json::json;
use wasmbase::{App, AppConfig, Server};
use wasmbase_tests::{Client, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, TestServer, reference};

#[tokio::test(flavor = "multi_thread")]
async fn restart_keeps_superusers_users_and_settings() {
    let server = TestServer::start().await.unwrap();
    server
        .create_auth_record(
            "users",
            json!({"email": "carol@example.com", "name": "Carol"}),
            "carolpass1",
        )
        .await
        .unwrap();
    let client = Client::new(server.url());
    let token = client.login("_superusers", SUPERUSER_EMAIL, SUPERUSER_PASSWORD).await.unwrap();
    let patched = client
        .send(
            reqwest::Method::PATCH,
            "/api/settings",
            &[("authorization".into(), token)],
            &wasmbase_tests::client::Body::Json(json!({"meta": {"appName": "Kept"}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.status, 200);
    let dir = server.stop().await.unwrap();

    let app = App::open(AppConfig::for_data_dir(dir.path().join("pb_data"))).await.unwrap();
    let restarted = Server::bind(app, "127.0.0.1:0").await.unwrap();
    let client = Client::new(&restarted.url());
    let su = client.login("_superusers", SUPERUSER_EMAIL, SUPERUSER_PASSWORD).await.unwrap();
    let settings = client.get_as("/api/settings", &su).await.unwrap().json();
    assert_eq!(settings["meta"]["appName"], json!("Kept"));
    let carol = client
        .post_json(
            "/api/collections/users/auth-with-password",
            json!({"identity": "carol@example.com", "password": "carolpass1"}),
        )
        .await
        .unwrap();
    assert_eq!(carol.status, 200);
    assert_eq!(carol.json()["record"]["name"], json!("Carol"));
    restarted.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pocketbase_data_dir_opens_and_its_bcrypt_passwords_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pb_data");
    let status = Command::new(reference::binary())
        .args(["superuser", "upsert", "pb@example.com", "pbpassword1"])
        .arg(format!("--dir={}", data.display()))
        .output()
        .expect("pocketbase-ref must be installed (../shared/tools/install-pocketbase-ref)");
    assert!(status.status.success());

    let app = App::open(AppConfig::for_data_dir(&data)).await.unwrap();
    let server = Server::bind(app, "127.0.0.1:0").await.unwrap();
    let client = Client::new(&server.url());
    let response = client
        .post_json(
            "/api/collections/_superusers/auth-with-password",
            json!({"identity": "pb@example.com", "password": "pbpassword1"}),
        )
        .await
        .unwrap();
    assert_eq!(response.status, 200, "{}", response.text());
    let wrong = client
        .post_json(
            "/api/collections/_superusers/auth-with-password",
            json!({"identity": "pb@example.com", "password": "nope12345"}),
        )
        .await
        .unwrap();
    assert_eq!(wrong.status, 400);
    let token = response.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(client.get_as("/api/settings", &token).await.unwrap().status, 200);
    server.shutdown().await.unwrap();
}
