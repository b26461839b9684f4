//! Differential scenarios: the settings API and the superuser-only guard.

use serde_json::json;
use wasmbase_tests::{Scenario, Step};

fn patch(body: serde_json::Value) -> Step {
    Step::new(reqwest::Method::PATCH, "/api/settings").json(body).as_superuser()
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_guard_matches_pocketbase() {
    Scenario::new("settings guard")
        .user("alice", "alice@example.com", "alicepass1", json!({}))
        .steps([
            Step::get("/api/settings"),
            Step::get("/api/settings").as_user("alice"),
            Step::get("/api/settings").auth_header("garbage"),
            Step::new(reqwest::Method::PATCH, "/api/settings").json(json!({})),
            Step::new(reqwest::Method::PATCH, "/api/settings").json(json!({})).as_user("alice"),
            Step::get("/api/settings").as_superuser(),
            Step::get("/api/settings?fields=meta.appName,batch").as_superuser(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_validation_matches_pocketbase() {
    let long_name = "a".repeat(300);
    Scenario::new("settings validation")
        .steps([
            patch(json!({"meta": {"appName": "", "appURL": "notaurl"}, "rateLimits": {"rules": [{"label": "bad label!", "maxRequests": 0, "duration": 1}]}})),
            patch(json!({"meta": {"appName": "X", "senderName": "", "senderAddress": "bad", "accentColor": "red"}})),
            patch(json!({"meta": {"appName": long_name}})),
            patch(json!({"smtp": {"enabled": true, "host": "", "port": 0}})),
            patch(json!({"s3": {"enabled": true}})),
            patch(json!({"batch": {"enabled": true, "maxRequests": 0, "timeout": 0, "maxBodySize": -1}})),
            patch(json!({"superuserIPs": ["bad", "10.0.0.0/8", "1.2.3.4"]})),
            patch(json!({"backups": {"cron": "bad cron", "cronMaxKeep": 0}})),
            patch(json!({"logs": {"maxDays": -1, "minLevel": 99, "maxDataSize": -5}})),
            patch(json!({"rateLimits": {"rules": [{"label": "*:auth", "audience": "bad", "duration": 0, "maxRequests": 1}]}})),
            patch(json!({"meta": "str"})),
            patch(json!({"meta": {"appName": 5}})),
            patch(json!([1])),
            patch(json!({"meta": null})),
            Step::get("/api/settings").as_superuser().label("nothing saved by the failures"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_updates_match_pocketbase() {
    Scenario::new("settings updates")
        .steps([
            patch(json!({"batch": {"enabled": true, "maxRequests": 100}})),
            patch(json!({"meta": {"appName": "Spec App"}, "trustedProxy": {"headers": ["X-Real-IP"]}})),
            patch(json!({"smtp": {"enabled": true, "host": "127.0.0.1", "port": 1025, "password": "secret"}})),
            patch(json!({"rateLimits": {"rules": [{"label": "*:auth", "audience": "@guest", "duration": 5, "maxRequests": 3}], "enabled": true}})),
            Step::get("/api/settings").as_superuser(),
            patch(json!({"superuserIPs": []})).label("clearing the IP list"),
            patch(json!({"meta": {"appName": null}})).label("null resets a nested key"),
            patch(json!({"batch": null})).label("null resets a whole group to zero values"),
            patch(json!({"batch": {"enabled": true, "maxRequests": 100}})),
            patch(json!({"superuserIPs": null})),
            patch(json!({"rateLimits": {"rules": null}})),
            patch(json!({"smtp": null})),
            Step::get("/api/settings?fields=smtp,batch,rateLimits").as_superuser(),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn superuser_ip_allowlist_matches_pocketbase() {
    let login = json!({"identity": "admin@example.com", "password": "pass123456"});
    Scenario::new("superuser IPs")
        .step(
            Step::post("/api/collections/_superusers/auth-with-password", login.clone())
                .save("su", "/token"),
        )
        .steps([
            Step::new(reqwest::Method::PATCH, "/api/settings")
                .json(json!({"superuserIPs": ["10.0.0.1", "192.168.0.0/16"]}))
                .auth_header("{{su}}")
                .label("restrict superusers to other IPs"),
            Step::get("/api/settings").auth_header("{{su}}").label("token from a refused IP"),
            Step::get("/api/health").auth_header("{{su}}"),
            Step::new(reqwest::Method::POST, "/api/collections/_superusers/auth-refresh")
                .auth_header("{{su}}"),
            Step::post("/api/collections/_superusers/auth-with-password", login.clone())
                .label("login from a refused IP"),
            Step::post(
                "/api/collections/_superusers/auth-with-password",
                json!({"identity": "admin@example.com", "password": "wrong"}),
            ),
        ])
        .run()
        .await;
}
