//! Differential scenarios: `/api/batch` (settings switch, validation, create/update/upsert/
//! delete in one transaction, rollback on failure, per-item fields/expand).

use serde_json::{Value, json};
use wasmbase_tests::{Scenario, Step};

fn batch(body: Value) -> Step {
    Step::post("/api/batch", body)
}

fn enable(max_requests: u32) -> Step {
    Step::new(reqwest::Method::PATCH, "/api/settings")
        .json(json!({"batch": {"enabled": true, "maxRequests": max_requests, "timeout": 3}}))
        .as_superuser()
        .status_only()
        .expect(200)
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_matches_pocketbase() {
    let records = "/api/collections/m1/records";
    Scenario::new("batch")
        .step(batch(json!({"requests": []})).label("batch disabled"))
        .step(enable(4))
        .step(
            Step::post("/api/collections", json!({"name": "m1", "fields": [{"name": "n", "type": "number", "max": 100}],
                "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": null}))
                .as_superuser()
                .status_only()
                .expect(200),
        )
        .steps([
            batch(json!({})),
            batch(json!({"requests": []})),
            batch(json!({"requests": "x"})),
            batch(json!([1])),
            batch(json!({"requests": [5]})),
            batch(json!({"requests": [{"method": "POST", "url": records, "body": "x"}]})),
            batch(json!({"requests": [{"url": records}]})),
            batch(json!({"requests": [{"method": "POST"}]})),
            batch(json!({"requests": [{"method": "post", "url": records}]})),
            batch(json!({"requests": [{"method": "GET", "url": records}]})),
            batch(json!({"requests": [{"method": "POST", "url": "/api/collections/nope/records", "body": {}}]})),
            batch(json!({"requests": [
                {"method": "POST", "url": records}, {"method": "POST", "url": records},
                {"method": "POST", "url": records}, {"method": "POST", "url": records}, {"method": "POST", "url": records}]})),
            batch(json!({"requests": [
                {"method": "POST", "url": format!("{records}?fields=id,n"), "body": {"id": "batchaaaaaaaaaa", "n": 1}},
                {"method": "PATCH", "url": format!("{records}/batchaaaaaaaaaa?fields=n"), "body": {"n+": 5}},
                {"method": "PUT", "url": format!("{records}?fields=id,n"), "body": {"id": "batchaaaaaaaaaa", "n": 7}},
                {"method": "PUT", "url": format!("{records}?fields=id,n"), "body": {"id": "batchbbbbbbbbbb", "n": 8}}]})),
            batch(json!({"requests": [
                {"method": "POST", "url": records, "body": {"id": "batchcccccccccc", "n": 1}},
                {"method": "PATCH", "url": format!("{records}/nope"), "body": {"n": 2}}]}))
                .label("a failure rolls back the earlier creates"),
            Step::get(&format!("{records}/batchcccccccccc")),
            batch(json!({"requests": [
                {"method": "POST", "url": records, "body": {"id": "batchdddddddddd", "n": 1}},
                {"method": "POST", "url": records, "body": {"n": 1000}}]})),
            batch(json!({"requests": [{"method": "DELETE", "url": format!("{records}/batchaaaaaaaaaa")}]}))
                .label("delete rule null"),
            batch(json!({"requests": [{"method": "DELETE", "url": format!("{records}/batchaaaaaaaaaa")}]})).as_superuser(),
            Step::get(&format!("{records}?fields=id,n")),
        ])
        .run()
        .await;
}
