//! Differential scenarios: file fields (multipart uploads, names, limits, content sniffing,
//! modifiers, downloads, protected files, batch uploads).

use serde_json::{Value, json};
use wasmbase_tests::client::Part;
use wasmbase_tests::{Scenario, Step};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82";
const NOTES: &[u8] = b"hello notes\n";

fn collection(body: Value) -> Step {
    Step::post("/api/collections", body).as_superuser().status_only().expect(200)
}

fn upload(collection: &str, parts: Vec<Part>) -> Step {
    Step::new(reqwest::Method::POST, &format!("/api/collections/{collection}/records"))
        .multipart(parts)
}

fn files_collection() -> Step {
    collection(json!({"name": "fl", "fields": [
        {"name": "title", "type": "text"},
        {"name": "one", "type": "file", "maxSelect": 1},
        {"name": "many", "type": "file", "maxSelect": 3, "maxSize": 100},
        {"name": "img", "type": "file", "maxSelect": 1, "mimeTypes": ["image/png"]},
        {"name": "meta", "type": "json"},
        {"name": "n", "type": "number"}],
        "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""}))
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_match_pocketbase() {
    Scenario::new("uploads")
        .step(files_collection())
        .steps([
            upload(
                "fl",
                vec![
                    Part::text("title", "With files"),
                    Part::text("n", "3"),
                    Part::file("one", "My Photo (1).png", "image/png", PNG),
                    Part::file("many", "notes.txt", "text/plain", NOTES),
                    Part::file("many", "notes.txt", "text/plain", NOTES),
                    Part::text("@jsonPayload", r#"{"meta":{"from":"multipart"}}"#),
                ],
            )
            .mask("/one")
            .mask("/many/0")
            .mask("/many/1")
            .save("rec", "/id")
            .save("note", "/many/0"),
            upload("fl", vec![Part::file("img", "notes.txt", "text/plain", NOTES)])
                .mask("/data/img/message"),
            upload("fl", vec![Part::file("many", "big.txt", "text/plain", &[b'a'; 200])]),
            upload(
                "fl",
                vec![
                    Part::file("many", "a.txt", "text/plain", NOTES),
                    Part::file("many", "b.txt", "text/plain", NOTES),
                    Part::file("many", "c.txt", "text/plain", NOTES),
                    Part::file("many", "d.txt", "text/plain", NOTES),
                ],
            ),
            Step::post("/api/collections/fl/records", json!({"many": ["bogus.txt"]})),
            upload(
                "fl",
                vec![Part::text("title", "007"), Part::text("n", "1.50"), Part::text("meta", "5")],
            )
            .mask("/id"),
            Step::get("/api/files/fl/{{rec}}/{{note}}")
                .check_header("content-type")
                .check_header("cache-control")
                .check_header("content-security-policy")
                .check_header("x-frame-options")
                .mask_header("content-disposition"),
            Step::get("/api/files/fl/{{rec}}/{{note}}?download=1").status_only(),
            Step::get("/api/files/fl/{{rec}}/nope.txt"),
            Step::get("/api/files/fl/nope/{{note}}"),
            Step::get("/api/files/nope/{{rec}}/{{note}}"),
            Step::new(reqwest::Method::PATCH, "/api/collections/fl/records/{{rec}}")
                .multipart(vec![Part::file("many+", "more.txt", "text/plain", NOTES)])
                .mask("/many/0")
                .mask("/many/1")
                .mask("/many/2")
                .mask("/one"),
            Step::new(reqwest::Method::PATCH, "/api/collections/fl/records/{{rec}}")
                .json(json!({"many-": ["{{note}}"], "one": null}))
                .mask("/many/0")
                .mask("/many/1"),
            Step::get("/api/files/fl/{{rec}}/{{note}}").label("removed files are gone"),
            Step::new(reqwest::Method::DELETE, "/api/collections/fl/records/{{rec}}"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn protected_files_and_tokens_match_pocketbase() {
    Scenario::new("protected files")
        .user("alice", "alice@example.com", "alicepass1", json!({}))
        .step(collection(json!({"name": "vault", "fields": [
            {"name": "doc", "type": "file", "maxSelect": 1, "protected": true}],
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})))
        .steps([
            upload("vault", vec![Part::file("doc", "notes.txt", "text/plain", NOTES)])
                .mask("/doc")
                .save("rec", "/id")
                .save("doc", "/doc"),
            Step::new(reqwest::Method::POST, "/api/files/token").label("token needs auth"),
            Step::new(reqwest::Method::POST, "/api/files/token")
                .as_user("alice")
                .save("token", "/token"),
            Step::get("/api/files/vault/{{rec}}/{{doc}}").label("protected without a token"),
            Step::get("/api/files/vault/{{rec}}/{{doc}}?token=garbage"),
            Step::get("/api/files/vault/{{rec}}/{{doc}}?token={{token}}")
                .status_only()
                .check_header("content-type"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_uploads_match_pocketbase() {
    Scenario::new("batch uploads")
        .step(
            Step::new(reqwest::Method::PATCH, "/api/settings")
                .json(json!({"batch": {"enabled": true}}))
                .as_superuser()
                .status_only()
                .expect(200),
        )
        .step(files_collection())
        .steps([Step::post("/api/batch", json!({}))
            .multipart(vec![
                Part::text(
                    "@jsonPayload",
                    r#"{"requests":[{"method":"POST","url":"/api/collections/fl/records?fields=many,title","body":{"title":"batch files"}}]}"#,
                ),
                Part::file("requests.0.many", "notes.txt", "text/plain", NOTES),
            ])
            .mask("/0/body/many/0")])
        .run()
        .await;
}
