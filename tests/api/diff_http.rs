//! Differential scenarios: routing, 404s, CORS, security headers, body limits, health.

use wasmbase_tests::{Scenario, Step};

const SECURITY_HEADERS: [&str; 6] = [
    "content-type",
    "vary",
    "x-content-type-options",
    "x-frame-options",
    "x-xss-protection",
    "cross-origin-opener-policy",
];

fn with_security_headers(mut step: Step) -> Step {
    for name in SECURITY_HEADERS {
        step = step.check_header(name);
    }
    step
}

#[tokio::test(flavor = "multi_thread")]
async fn routing_and_not_found_match_pocketbase() {
    Scenario::new("routing")
        .steps([
            with_security_headers(Step::get("/api/health")),
            Step::new(reqwest::Method::HEAD, "/api/health").check_header("content-length"),
            Step::get("/api/health?fields=message"),
            Step::get("/api/health/"),
            Step::get("/api/nope"),
            with_security_headers(Step::get("/nope")),
            Step::get("/"),
            Step::new(reqwest::Method::POST, "/api/nope"),
            Step::new(reqwest::Method::POST, "/api/health"),
            Step::new(reqwest::Method::DELETE, "/api/health"),
            Step::new(reqwest::Method::PUT, "/api/health"),
            Step::new(reqwest::Method::PATCH, "/api/health"),
            Step::get("/api/collections/users/auth-with-password"),
            Step::new(reqwest::Method::PUT, "/api/collections/users/auth-with-password"),
            Step::new(reqwest::Method::POST, "/api/collections/users/auth-methods"),
            Step::get("/api/collections/users/auth-methods/"),
            Step::get("/_").status_only().check_header("location"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_matches_pocketbase() {
    Scenario::new("cors")
        .steps([
            Step::new(reqwest::Method::OPTIONS, "/api/collections/posts/records")
                .header("origin", "http://example.com")
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization,content-type")
                .check_header("access-control-allow-origin")
                .check_header("access-control-allow-methods")
                .check_header("access-control-allow-headers")
                .check_header("vary"),
            Step::new(reqwest::Method::OPTIONS, "/api/health").check_header("vary"),
            Step::get("/api/health")
                .header("origin", "http://example.com")
                .check_header("access-control-allow-origin")
                .check_header("vary"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_are_limited_and_typed_like_pocketbase() {
    let huge = 33 * 1024 * 1024;
    Scenario::new("bodies")
        .steps([
            Step::new(reqwest::Method::POST, "/api/collections/_superusers/auth-with-password")
                .declared("application/json", huge)
                .label("33 MB JSON body"),
            Step::new(reqwest::Method::POST, "/api/health")
                .declared("application/json", huge)
                .label("33 MB body to an unknown route"),
            Step::new(reqwest::Method::POST, "/api/collections/_superusers/auth-with-password")
                .raw(Some("text/plain"), "identity=x")
                .label("unsupported content type"),
            Step::new(reqwest::Method::POST, "/api/collections/_superusers/auth-with-password")
                .raw(Some("application/xml"), "<a/>")
                .label("xml"),
            Step::new(reqwest::Method::POST, "/api/collections/_superusers/auth-with-password")
                .raw(None, "")
                .label("empty body without a content type"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn health_shows_details_to_superusers_only() {
    Scenario::new("health")
        .user("alice", "alice@example.com", "alicepass1", serde_json::json!({"name": "Alice"}))
        .steps([
            Step::get("/api/health").as_superuser(),
            Step::get("/api/health").as_user("alice"),
            Step::get("/api/health").auth_header("garbage"),
            Step::get("/api/health?fields=data.realIP").as_superuser(),
            Step::get("/api/health")
                .as_superuser()
                .header("X-Forwarded-For", "1.2.3.4")
                .label("proxy header hint"),
        ])
        .run()
        .await;
}
